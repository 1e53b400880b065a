//! The teardown: `jail -r` through prison_deref, the optional shutdown phases, and
//! vnet_destroy's SYSUNINIT walk, recorded step by step into a `Trace`.
//!
//! Invariants:
//! - One step per jail_remove stage, process exit, destructor call, object a destructor
//!   destroys, and shutdown phase item (decisions §17). A fault is its own step and the
//!   first use-after-free or panic ends the run (§13).
//! - The verdict-only path runs the very same code with recording off, so it cannot
//!   disagree with the full run on the outcome.
//! - Prison reference drops follow prison_deref's order: pr_uref first (PD_DEUREF), then
//!   pr_ref (PD_DEREF); a vnet is destroyed only after its prison's last pr_ref.
//!
//! `stuck` and `leak` are checked generically at the end (decisions §14), yet no scenario
//! the script can express reaches them today [I]. The documented mechanisms are all
//! answered by code the model runs: wg's creator cred is dropped by wg_prison_remove at
//! prison_cleanup (network.md §3.4, §6.10), so a wg reclaimed to the host or loaned away
//! cannot keep its jail dying; a nexthop can pin another vnet's ifnet (§2.6), but every
//! interface leaving a vnet or destroyed while its vnet is alive gets a full detach that
//! flushes the routes through it, and the route cache only loses that race in the kernel
//! (§5.3's "busy cache slot"), which a script cannot stage; vxlan in a jail fails at
//! create (§8). A what-if that removes a hook, or a race, would need a new command.

use crate::engine::kernel::*;
use crate::engine::registry::Action;
use crate::engine::scenario::Scenario;
use crate::engine::si::*;
use crate::engine::trace::*;

/// One lane: a stage order plus extra re-registrations (decisions §24).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lane {
    pub order: StageOrder,
    pub extra: Vec<(String, Slot)>,
}

impl Lane {
    pub fn new(order: StageOrder) -> Lane {
        Lane { order, extra: Vec::new() }
    }
}

/// Builds and tears down the scenario under a lane, producing the whole trace.
pub fn simulate(scenario: &Scenario, lane: &Lane) -> Result<Trace, BuildError> {
    let (mut w, removes) = World::build(scenario, &lane.extra)?;
    w.rec.on = true;
    let snapshot = w.snapshot();
    w.order = lane.order;
    let end = scenario.entries.len();
    match w.teardown(scenario, &removes) {
        Ok(()) | Err(Stop::Fault) => {}
        Err(Stop::Internal(m)) => return Err(stop_err(end, Stop::Internal(m))),
    }
    w.finish().map_err(|s| stop_err(end, s))?;
    Ok(w.assemble(&snapshot))
}

/// The outcome only: the same engine with recording off (for the explorer).
pub fn verdict(scenario: &Scenario, lane: &Lane) -> Result<Outcome, BuildError> {
    let (w, removes) = World::build_with(scenario, &lane.extra, false)?;
    verdict_built(w, scenario, &removes, lane.order)
}

/// The outcome of an already built world (the explorer builds once per registry).
pub fn verdict_built(
    mut w: World,
    scenario: &Scenario,
    removes: &[usize],
    order: StageOrder,
) -> Result<Outcome, BuildError> {
    w.rec.on = false;
    w.order = order;
    let end = scenario.entries.len();
    match w.teardown(scenario, removes) {
        Ok(()) | Err(Stop::Fault) => {}
        Err(Stop::Internal(m)) => return Err(stop_err(end, Stop::Internal(m))),
    }
    w.finish().map_err(|s| stop_err(end, s))?;
    Ok(w.outcome())
}

/// The state at the end of the build, for the trace's step 0.
pub struct Snapshot {
    live_edges: Vec<bool>,
    counts: Vec<(ObjId, u32, Option<u32>)>,
    vnets: Vec<Option<ObjId>>,
}

const KERN_JAIL: &str = "sys/kern/kern_jail.c";
const VNET_C: &str = "sys/net/vnet.c";

impl World {
    fn snapshot(&self) -> Snapshot {
        let counts = self
            .objs
            .iter()
            .enumerate()
            .filter(|(_, o)| !o.freed)
            .filter_map(|(i, o)| {
                let uref = match &o.data {
                    Data::Prison(p) => Some(p.uref),
                    _ => None,
                };
                (o.count > 0 || uref.is_some()).then_some((ObjId(i as u32), o.count, uref))
            })
            .collect();
        let vnets = self
            .objs
            .iter()
            .map(|o| match &o.data {
                Data::Ifnet(i) => Some(i.vnet),
                _ => o.vnet_at_birth,
            })
            .collect();
        Snapshot { live_edges: self.edges.iter().map(|e| e.live).collect(), counts, vnets }
    }

    // ---------------------------------------------------------------- steps

    #[allow(clippy::too_many_arguments)]
    pub fn begin_step_raw(
        &mut self,
        stage: Stage,
        function: String,
        call_path: Vec<String>,
        file: String,
        subsystem: Option<String>,
        order: Option<String>,
        vnet: Option<ObjId>,
    ) {
        if self.rec.cur.is_some() {
            self.end_step();
        }
        self.rec.count += 1;
        self.rec.dirty = false;
        let shutting_down = vnet.is_some_and(|v| !self.o(v).freed && self.vn(v).shutting_down());
        if self.rec.on {
            self.rec.cur = Some(Step {
                index: self.rec.count,
                stage,
                function,
                call_path,
                file,
                subsystem,
                order,
                vnet,
                vnet_state: None,
                shutting_down,
                events: Vec::new(),
                refcounts: Vec::new(),
                text: String::new(),
            });
        } else {
            // A placeholder so that `cur.is_some()` tracks an open step.
            self.rec.cur = Some(Step {
                index: self.rec.count,
                stage,
                function: String::new(),
                call_path: Vec::new(),
                file: String::new(),
                subsystem: None,
                order: None,
                vnet,
                vnet_state: None,
                shutting_down,
                events: Vec::new(),
                refcounts: Vec::new(),
                text: String::new(),
            });
        }
    }

    pub fn step(
        &mut self,
        stage: Stage,
        function: &str,
        path: &[&str],
        file: &str,
        slot: Option<Slot>,
        vnet: Option<ObjId>,
    ) {
        if self.rec.on {
            self.begin_step_raw(
                stage,
                function.to_string(),
                path.iter().map(|s| s.to_string()).collect(),
                file.to_string(),
                slot.map(|s| sub_display(s.sub)),
                slot.map(|s| order_display(s.order)),
                vnet,
            );
        } else {
            self.begin_step_raw(stage, String::new(), Vec::new(), String::new(), None, None, vnet);
        }
    }

    pub fn text(&mut self, f: impl FnOnce(&World) -> String) {
        if self.rec.on {
            let t = f(self);
            if let Some(s) = self.rec.cur.as_mut() {
                s.text = t;
            }
        }
    }

    pub fn end_step(&mut self) {
        let Some(mut s) = self.rec.cur.take() else { return };
        if !self.rec.on {
            return;
        }
        if let Some(v) = s.vnet {
            s.vnet_state = Some(sub_display(self.vn(v).state));
        }
        let mut changed = std::mem::take(&mut self.rec.changed);
        crate::engine::order::sort(&mut changed);
        changed.dedup();
        s.refcounts = changed
            .into_iter()
            .map(|o| RefCount {
                obj: o,
                count: self.o(o).count,
                uref: match &self.o(o).data {
                    Data::Prison(p) => Some(p.uref),
                    _ => None,
                },
            })
            .collect();
        self.rec.steps.push(s);
    }

    /// Closes the open step and opens a new one in the same place (for a fault).
    pub fn split_step(&mut self) {
        let Some(s) = self.rec.cur.as_ref() else { return };
        let (stage, func, file, sub, ord, vnet) = (
            s.stage,
            s.function.clone(),
            s.file.clone(),
            s.subsystem.clone(),
            s.order.clone(),
            s.vnet,
        );
        self.end_step();
        self.begin_step_raw(stage, func, Vec::new(), file, sub, ord, vnet);
    }

    // ---------------------------------------------------------------- prisons

    fn uref_dec(&mut self, p: ObjId, n: u32) -> R<u32> {
        let u = self.pr(p).uref;
        let Some(nu) = u.checked_sub(n) else {
            return Err(Stop::Internal(format!("pr_uref underflow on {}", self.o(p).name)));
        };
        self.prm(p).uref = nu;
        if self.rec.on {
            self.rec.changed.push(p);
        }
        Ok(nu)
    }

    fn set_state(&mut self, p: ObjId, st: PrState) {
        self.prm(p).state = st;
        self.state_ev(p, || format!("pr_state={}", st.name()));
    }

    fn owns_vnet(&self, p: ObjId) -> bool {
        self.pr(p).vnet_flag
    }

    fn needs_shutdown(&self, p: ObjId) -> bool {
        self.order == StageOrder::VnetShutdown
            && self.owns_vnet(p)
            && !self.vn(self.pr(p).vnet).shut_phases_done
    }

    /// prison_deref's core with an open step: drop `duref` urefs (PD_DEUREF), run the
    /// proposed vnet_shutdown when they reach 0, then drop the reference (PD_DEREF); the last
    /// one marks the prison INVALID, queues it for freeing and releases its parent.
    fn deref(&mut self, p: ObjId, dref: Option<DropRef>, duref: u32, stage: Stage) -> R {
        if duref > 0 {
            let u = self.uref_dec(p, duref)?;
            if u == 0 && self.pr(p).state == PrState::Alive {
                // Natural death: the last user reference of a live jail [V].
                self.set_state(p, PrState::Dying);
                self.end_step();
                self.prison_cleanup(p)?;
                self.step(
                    stage,
                    "prison_deref",
                    &["prison_deref"],
                    KERN_JAIL,
                    None,
                    Some(self.pr(p).vnet),
                );
                self.text(|w| {
                    format!(
                        "prison_deref carries on with {} now that it is dying [V].",
                        w.pr(p).name
                    )
                });
            }
            if u == 0 && self.needs_shutdown(p) {
                self.end_step();
                let v = self.pr(p).vnet;
                self.phases(v, Stage::VnetShutdown)?;
                self.step(stage, "prison_deref", &["prison_deref"], KERN_JAIL, None, Some(v));
                self.text(|w| {
                    format!(
                        "Back in prison_deref: the PD_DEREF half drops the reference {} still holds [V].",
                        w.pr(p).name
                    )
                });
            }
        }
        let left = match dref {
            None => return Ok(()),
            Some(DropRef::Count(n)) => {
                let mut left = self.o(p).count;
                for _ in 0..n {
                    left = self.dec(p, "prison hold")?;
                }
                left
            }
            Some(DropRef::Edge(e)) => {
                self.drop_edge(e)?;
                self.o(p).count
            }
        };
        if left == 0 {
            self.last_ref(p, stage)?;
        }
        Ok(())
    }

    fn last_ref(&mut self, p: ObjId, stage: Stage) -> R {
        self.set_state(p, PrState::Invalid);
        self.freeprison.push(p);
        if let Some(parent) = self.pr(p).parent {
            self.prm(parent).children.remove(&p);
            if parent != self.prison0 {
                let e = self.edge_to(p, parent, "pr_parent");
                self.deref(parent, e.map(DropRef::Edge), 1, stage)?;
            }
        }
        Ok(())
    }

    /// Frees the prisons whose last reference went, destroying their vnets first.
    fn free_prisons(&mut self, stage: Stage) -> R {
        while !self.freeprison.is_empty() {
            let p = self.freeprison.remove(0);
            if self.owns_vnet(p) {
                let v = self.pr(p).vnet;
                self.vnet_destroy(v, p)?;
            } else {
                self.step(
                    stage,
                    "prison_deref",
                    &["prison_deref"],
                    KERN_JAIL,
                    None,
                    Some(self.pr(p).vnet),
                );
                self.free(p, &["prison_deref"])?;
                self.text(|w| {
                    format!(
                        "{} is freed; it shares its parent's vnet, so there is no vnet_destroy [V].",
                        w.pr(p).name
                    )
                });
                self.end_step();
            }
        }
        Ok(())
    }

    fn subtree_post(&self, p: ObjId, out: &mut Vec<ObjId>) {
        for &c in &self.pr(p).children {
            if self.pr(c).state == PrState::Alive {
                self.subtree_post(c, out);
            }
        }
        out.push(p);
    }

    fn subtree_procs(&self, p: ObjId, out: &mut Vec<ObjId>) {
        for c in &self.pr(p).children {
            self.subtree_procs(*c, out);
        }
        out.extend(self.pr(p).procs.iter().copied().filter(|x| !self.o(*x).freed));
    }

    // ---------------------------------------------------------------- the teardown

    pub fn teardown(&mut self, scenario: &Scenario, removes: &[usize]) -> R {
        use crate::engine::scenario::Command;
        for &i in removes {
            let Command::JailRemove { name } = &scenario.entries[i].command else { continue };
            let Some(p) = self.prisons.get(name).copied() else { continue };
            self.jail_remove(p)?;
        }
        self.end_step();
        if !self.epoch.is_empty() {
            self.step(
                Stage::VnetDestroy,
                "epoch callbacks",
                &["epoch_call_task"],
                "sys/kern/subr_epoch.c",
                None,
                None,
            );
            let n = self.drain()?;
            self.text(|_| {
                format!(
                    "The network epoch drains: {n} deferred free{} run now, after every vnet_destroy \
                     has returned [V epoch_call, I timing].",
                    if n == 1 { "" } else { "s" }
                )
            });
            self.end_step();
        }
        Ok(())
    }

    fn jail_remove(&mut self, p: ObjId) -> R {
        let v = self.pr(p).vnet;
        if self.pr(p).state != PrState::Alive {
            self.step(
                Stage::JailRemove,
                "sys_jail_remove",
                &["sys_jail_remove"],
                KERN_JAIL,
                None,
                None,
            );
            self.text(|w| {
                format!(
                    "{} is already dying (or gone), so sys_jail_remove returns 0 and does nothing [V].",
                    w.pr(p).name
                )
            });
            self.end_step();
            return Ok(());
        }
        self.step(
            Stage::JailRemove,
            "sys_jail_remove",
            &["sys_jail_remove", "prison_deref", "prison_deref_kill"],
            KERN_JAIL,
            None,
            Some(v),
        );
        // The kill path holds a temporary ref and uref on the target and on each descendant.
        self.inc(p);
        self.prm(p).uref += 1;
        self.set_state(p, PrState::Dying);
        let mut order = Vec::new();
        self.subtree_post(p, &mut order);
        let kids: Vec<ObjId> = order.iter().copied().filter(|x| *x != p).collect();
        for &c in kids.iter().rev() {
            self.inc(c);
            self.prm(c).uref += 1;
            self.set_state(c, PrState::Dying);
        }
        self.text(|w| {
            let mut t = format!(
                "jail -r: sys_jail_remove calls prison_deref with PD_KILL; prison_deref_kill takes a \
                 temporary hold and marks {} DYING",
                w.pr(p).name
            );
            if !kids.is_empty() {
                t.push_str(&format!(
                    ", and its descendants ({}) too",
                    kids.iter().map(|k| w.pr(*k).name.clone()).collect::<Vec<_>>().join(", ")
                ));
            }
            t.push_str(" [V].");
            t
        });
        self.end_step();
        for &x in &order {
            self.prison_cleanup(x)?;
            let persist = self.pr(x).persist;
            self.step(
                Stage::JailRemove,
                "prison_deref_kill",
                &["sys_jail_remove", "prison_deref", "prison_deref_kill"],
                KERN_JAIL,
                None,
                Some(self.pr(x).vnet),
            );
            if persist {
                self.prm(x).persist = false;
                self.state_ev(x, || "PR_PERSIST cleared".into());
            }
            let drops = 1 + u32::from(persist);
            self.text(|w| {
                let who = &w.pr(x).name;
                if persist {
                    format!(
                        "PR_PERSIST is cleared on {who}, dropping the uref and ref it held, and the \
                         temporary hold goes too [V]."
                    )
                } else {
                    format!("The temporary hold on {who} goes (it was not persistent) [V].")
                }
            });
            self.deref(x, Some(DropRef::Count(drops)), drops, Stage::JailRemove)?;
            self.end_step();
        }
        let mut procs = Vec::new();
        self.subtree_procs(p, &mut procs);
        if !procs.is_empty() {
            self.step(
                Stage::Sigkill,
                "prison_proc_iterate",
                &[
                    "sys_jail_remove",
                    "prison_deref",
                    "prison_proc_iterate",
                    "prison_kill_processes_cb",
                ],
                KERN_JAIL,
                None,
                Some(v),
            );
            for &pr in &procs {
                self.state_ev(pr, || "SIGKILL".into());
            }
            self.text(|_| {
                format!(
                    "The jail still has user references, so prison_deref sends SIGKILL to its {} \
                     process{} (descendants included) after dropping its locks [V].",
                    procs.len(),
                    if procs.len() == 1 { "" } else { "es" }
                )
            });
            self.end_step();
        }
        self.free_prisons(Stage::JailRemove)?;
        for pr in procs {
            self.proc_exit(pr)?;
        }
        Ok(())
    }

    fn proc_exit(&mut self, pid: ObjId) -> R {
        let Data::Process { prison, .. } = &self.o(pid).data else { return Ok(()) };
        let p = *prison;
        self.step(
            Stage::ProcessExit,
            "exit1",
            &["exit1", "prison_proc_free", "prison_complete", "prison_deref"],
            KERN_JAIL,
            None,
            Some(self.pr(p).vnet),
        );
        self.text(|w| {
            format!(
                "{} exits; prison_proc_free and, through the prison_complete task, prison_deref \
                 (PD_DEREF|PD_DEUREF) drop the uref and ref its cred held on {} [V].",
                w.o(pid).name,
                w.pr(p).name
            )
        });
        let e = self.edge_to(pid, p, "p_ucred->cr_prison");
        self.prm(p).procs.remove(&pid);
        self.deref(p, e.map(DropRef::Edge), 1, Stage::ProcessExit)?;
        self.free(pid, &["exit1"])?;
        self.end_step();
        self.free_prisons(Stage::ProcessExit)
    }

    /// prison_cleanup: OSD PR_METHOD_REMOVE hooks (wg_prison_remove), and, under the
    /// prison-cleanup order, the network cleanup phases [I].
    fn prison_cleanup(&mut self, p: ObjId) -> R {
        let v = self.pr(p).vnet;
        self.step(
            Stage::PrisonCleanup,
            "prison_cleanup",
            &["prison_deref", "prison_cleanup", "osd_jail_call"],
            KERN_JAIL,
            None,
            Some(v),
        );
        // wg interfaces anywhere that hold this prison's cred.
        let holders: Vec<ObjId> = self
            .o(p)
            .inn
            .iter()
            .filter_map(|e| {
                let x = &self.edges[e.0 as usize];
                (x.live && x.label == "sc_ucred").then_some(x.from)
            })
            .collect();
        for &ifp in &holders {
            self.wg_drop_cred(ifp)?;
        }
        self.text(|w| {
            let mut t = format!(
                "prison_cleanup({}) runs once, at the DYING mark: exjail delete, POSIX shm removal and \
                 the OSD PR_METHOD_REMOVE hooks [V].",
                w.pr(p).name
            );
            if !holders.is_empty() {
                t.push_str(&format!(
                    " wg_prison_remove drops the creator cred {} held, so the jail can finish dying [V-idx].",
                    holders.iter().map(|h| w.o(*h).name.clone()).collect::<Vec<_>>().join(", ")
                ));
            }
            t
        });
        self.end_step();
        if self.order == StageOrder::PrisonCleanup
            && self.owns_vnet(p)
            && !self.vn(v).shut_phases_done
        {
            self.phases(v, Stage::PrisonCleanup)?;
        }
        Ok(())
    }

    // ---------------------------------------------------------------- the proposed phases

    /// The four network cleanup phases of decisions §10/§11 [I][P]: return loans, delete
    /// tunnels, destroy this vnet's clones (lo0 stays for vnet_loif_uninit), flush routes.
    fn phases(&mut self, v: ObjId, stage: Stage) -> R {
        self.vnm(v).shutdown = true;
        self.vnm(v).shut_phases_done = true;
        let (top, path0): (&str, Vec<&'static str>) = if stage == Stage::PrisonCleanup {
            ("prison_cleanup", vec!["prison_cleanup", "vnet_shutdown"])
        } else {
            ("vnet_shutdown", vec!["prison_deref", "vnet_shutdown"])
        };
        let procs_alive = {
            let p = self.vn(v).prison;
            p.map(|p| self.pr(p).procs.iter().filter(|x| !self.o(**x).freed).count()).unwrap_or(0)
        };
        let alive_note = move || {
            if stage == Stage::PrisonCleanup && procs_alive > 0 {
                format!(
                    " {procs_alive} jailed process{} still running: SIGKILL comes after prison_cleanup.",
                    if procs_alive == 1 { " is" } else { "es are" }
                )
            } else {
                String::new()
            }
        };
        let tag = if stage == Stage::PrisonCleanup {
            "[I] (Gritton's variant)"
        } else {
            "[I][P] (Huang's proposal)"
        };

        // (a) loaned interfaces go home.
        let loans: Vec<ObjId> =
            self.vn(v).ifnets.values().copied().filter(|i| self.ifn(*i).home != v).collect();
        if loans.is_empty() {
            self.phase_step(stage, top, &path0, &["if_vmove"], v);
            let an = alive_note();
            self.text(|w| {
                format!(
                    "{top}, phase (a): {} has no loaned interfaces to return {tag}; vnet_shutdown is \
                     set but vnet_state stays SI_SUB_VNET_DONE.{an}",
                    w.o(v).name
                )
            });
        }
        for ifp in loans {
            self.phase_step(stage, top, &path0, &["if_vmove", "if_detach_internal"], v);
            let home = self.ifn(ifp).home;
            self.if_vmove(ifp, home, &{
                let mut p = path0.clone();
                p.push("if_vmove");
                p
            })?;
            let an = alive_note();
            self.text(|w| {
                format!(
                    "{top}, phase (a): {} goes home to {} with a full detach (addresses purged, routes \
                     flushed), since VNET_IS_SHUTTING_DOWN is still false {tag}.{an}",
                    w.o(ifp).name,
                    w.o(home).name
                )
            });
        }
        // (b) tunnels.
        let tunnels: Vec<ObjId> = self
            .vn(v)
            .ifnets
            .values()
            .copied()
            .filter(|i| self.ifn(*i).tunnel.is_some() || self.ifn(*i).sub.is_some())
            .collect();
        if tunnels.is_empty() {
            self.phase_step(stage, top, &path0, &["delete_tunnel"], v);
            let an = alive_note();
            self.text(|_| format!("{top}, phase (b): no tunnels to delete {tag}.{an}"));
        }
        for ifp in tunnels {
            let drv = self.ifn(ifp).driver;
            let del = if drv == Driver::Gre { "gre_delete_tunnel" } else { "gif_delete_tunnel" };
            self.phase_step(stage, top, &path0, &[del], v);
            let had_sub = self.ifn(ifp).sub.is_some();
            let mut p = path0.clone();
            p.push(del);
            self.delete_tunnel(ifp, &p)?;
            let an = alive_note();
            self.text(|w| {
                if had_sub {
                    format!(
                        "{top}, phase (b): {del} unsubscribes {} from its rib while routing is alive, \
                         and invalidates its route cache [P] {tag}.{an}",
                        w.o(ifp).name
                    )
                } else {
                    format!("{top}, phase (b): {del} removes {}'s tunnel {tag}.{an}", w.o(ifp).name)
                }
            });
        }
        // (c) every clone whose home is this vnet, whatever its cloner; lo0 stays [I].
        let mut clones: Vec<ObjId> = Vec::new();
        for (d, l) in &self.vn(v).clones {
            if *d == Driver::Lo {
                continue;
            }
            clones.extend(l.values().copied());
        }
        crate::engine::order::sort_by_key(&mut clones, |c| self.ifn(*c).clone_seq);
        if clones.is_empty() {
            self.phase_step(stage, top, &path0, &["if_clone_destroyif"], v);
            let an = alive_note();
            self.text(|_| format!("{top}, phase (c): no cloned interfaces to destroy {tag}.{an}"));
        }
        for ifp in clones {
            if self.ifn(ifp).destroyed {
                continue;
            }
            let drv = self.ifn(ifp).driver;
            self.phase_step(stage, top, &path0, &["if_clone_destroyif", destroy_fn(drv)], v);
            let mut p = path0.clone();
            p.push("if_clone_destroyif");
            let gone = self.destroy_ifnet(ifp, &p)?;
            let an = alive_note();
            self.text(|w| {
                format!(
                    "{top}, phase (c): {} destroy{} with a full detach, because vnet_state is still \
                     SI_SUB_VNET_DONE {tag}.{an}",
                    gone.iter().map(|g| w.o(*g).name.clone()).collect::<Vec<_>>().join(" and "),
                    if gone.len() == 1 { "s itself" } else { " themselves" }
                )
            });
        }
        // (d) flush routes.
        let ribs: Vec<ObjId> =
            self.vn(v).ribs.values().copied().filter(|r| !self.rib(*r).routes.is_empty()).collect();
        if ribs.is_empty() {
            self.phase_step(stage, top, &path0, &["rib_flush_routes"], v);
            let an = alive_note();
            self.text(|_| format!("{top}, phase (d): no routes left to flush {tag}.{an}"));
        }
        for rib in ribs {
            self.phase_step(stage, top, &path0, &["rib_flush_routes"], v);
            let rts: Vec<ObjId> = self.rib(rib).routes.values().copied().collect();
            for rt in &rts {
                self.delete_route(*rt, "rib_flush_routes")?;
            }
            let an = alive_note();
            let n = rts.len();
            self.text(|w| {
                format!(
                    "{top}, phase (d): {n} route{} flushed from {} {tag}.{an}",
                    if n == 1 { "" } else { "s" },
                    w.o(rib).name
                )
            });
        }
        self.end_step();
        Ok(())
    }

    fn phase_step(
        &mut self,
        stage: Stage,
        top: &str,
        path0: &[&'static str],
        more: &[&str],
        v: ObjId,
    ) {
        let mut p: Vec<&str> = path0.to_vec();
        p.extend_from_slice(more);
        self.step(stage, top, &p, VNET_C, None, Some(v));
    }

    // ---------------------------------------------------------------- vnet_destroy

    fn vnet_destroy(&mut self, v: ObjId, p: ObjId) -> R {
        self.step(
            Stage::VnetDestroy,
            "vnet_destroy",
            &["prison_deref", "vnet_destroy"],
            VNET_C,
            None,
            Some(v),
        );
        self.vnm(v).shutdown = true;
        self.state_ev(v, || "vnet_shutdown=true".into());
        self.text(|w| {
            format!(
                "{}'s last reference is gone, so prison_deref calls vnet_destroy: {} leaves the vnet \
                 list and vnet_shutdown is set [V].",
                w.pr(p).name,
                w.o(v).name
            )
        });
        self.end_step();
        let handlers = self.registry.teardown.clone();
        for h in handlers {
            self.vnm(v).state = h.slot.sub;
            let path = ["vnet_destroy", "vnet_sysuninit", h.func];
            self.step(Stage::VnetDestroy, h.func, &path, h.file, Some(h.slot), Some(v));
            let moved = if h.moved { " (re-registered here by a sysuninit line)" } else { "" };
            match h.action {
                Action::Nothing | Action::ClonerUnmodelled => {
                    self.text(|_| {
                        format!("{}{moved} {}: nothing of ours to free [V].", h.func, h.does)
                    });
                }
                Action::IfReturn => {
                    let loans: Vec<ObjId> = self
                        .vn(v)
                        .ifnets
                        .values()
                        .copied()
                        .filter(|i| self.ifn(*i).home != v)
                        .collect();
                    self.text(|w| {
                        if loans.is_empty() {
                            format!("{}{moved}: no loaned interfaces to send home [V].", h.func)
                        } else {
                            format!(
                                "{}{moved} collects {} loaned interface{} ({}) to send home; vnet_state \
                                 is {}, so VNET_IS_SHUTTING_DOWN is {} [V].",
                                h.func,
                                loans.len(),
                                if loans.len() == 1 { "" } else { "s" },
                                loans.iter().map(|l| w.o(*l).name.clone()).collect::<Vec<_>>().join(", "),
                                sub_display(w.vn(v).state),
                                w.vn(v).shutting_down()
                            )
                        }
                    });
                    for ifp in loans {
                        let home = self.ifn(ifp).home;
                        let sd = self.vn(v).shutting_down();
                        self.step(
                            Stage::VnetDestroy,
                            h.func,
                            &[&path[..], &["if_vmove", "if_detach_internal"]].concat(),
                            h.file,
                            Some(h.slot),
                            Some(v),
                        );
                        let mut pp: Vec<&'static str> = path.to_vec();
                        pp.push("if_vmove");
                        self.if_vmove(ifp, home, &pp)?;
                        self.text(|w| {
                            format!(
                                "if_vmove sends {} home to {}: {} [V].",
                                w.o(ifp).name,
                                w.o(home).name,
                                if sd {
                                    "the vnet is shutting down, so the detach skips the purge"
                                } else {
                                    "a full detach, so its addresses and routes in this vnet go"
                                }
                            )
                        });
                    }
                }
                Action::Cloner(drv) => {
                    let items: Vec<ObjId> = self
                        .vn(v)
                        .clones
                        .get(&drv)
                        .map(|l| l.values().copied().collect())
                        .unwrap_or_default();
                    self.text(|w| {
                        if items.is_empty() {
                            format!(
                                "{}{moved}: if_clone_detach finds no {} interfaces on this vnet's cloner \
                                 list: nothing of ours to free [V].",
                                h.func,
                                drv.name()
                            )
                        } else {
                            format!(
                                "{}{moved}: if_clone_detach will destroy {} ({}) with vnet_state {}, so \
                                 VNET_IS_SHUTTING_DOWN is {} [V].",
                                h.func,
                                items.iter().map(|l| w.o(*l).name.clone()).collect::<Vec<_>>().join(", "),
                                drv.name(),
                                sub_display(w.vn(v).state),
                                w.vn(v).shutting_down()
                            )
                        }
                    });
                    for ifp in items {
                        if self.ifn(ifp).destroyed {
                            continue;
                        }
                        self.step(
                            Stage::VnetDestroy,
                            h.func,
                            &[&path[..], &["if_clone_detach", destroy_fn(drv)]].concat(),
                            h.file,
                            Some(h.slot),
                            Some(v),
                        );
                        let mut pp: Vec<&'static str> = path.to_vec();
                        pp.push("if_clone_detach");
                        let had_addrs = !self.ifn(ifp).addrs.is_empty();
                        let had_sub = self.ifn(ifp).sub.is_some();
                        let gone = self.destroy_ifnet(ifp, &pp)?;
                        self.text(|w| {
                            let names =
                                gone.iter().map(|g| w.o(*g).name.clone()).collect::<Vec<_>>().join(" and ");
                            let sd = gone.iter().any(|g| w.vn(w.ifn(*g).vnet).shutting_down());
                            let mut t = format!("{} destroys {names}", destroy_fn(drv));
                            if had_sub {
                                t.push_str(" after unsubscribing its route cache from the rib [P]");
                            }
                            if sd && had_addrs {
                                t.push_str(
                                    "; the vnet is shutting down, so if_detach leaves its addresses in \
                                     the hash and its routes in the table for the stack teardown [V]",
                                );
                            } else if sd {
                                t.push_str("; if_detach takes the shutting-down shortcut [V]");
                            } else {
                                t.push_str("; a full detach purges its addresses and routes [V]");
                            }
                            t.push_str(". if_free drops the index reference.");
                            t
                        });
                    }
                }
                Action::IpDestroy { inet6 } => self.ip_destroy(v, inet6, h.func, &path)?,
                Action::Rtables => self.rtables_destroy(v)?,
            }
            self.end_step();
        }
        // Epilogue.
        self.step(Stage::VnetDestroy, "vnet_destroy", &["vnet_destroy"], VNET_C, None, Some(v));
        self.vnm(v).magic = VNET_MAGIC_FREED;
        self.state_ev(v, || "vnet_magic_n=0xdeadbeef".into());
        self.free(v, &["vnet_destroy"])?;
        self.free(p, &["prison_deref"])?;
        self.text(|w| {
            format!(
                "vnet_destroy's epilogue frees the vnet data, sets the magic to 0xdeadbeef and frees {}; \
                 then prison_deref frees {} [V].",
                w.o(v).name,
                w.pr(p).name
            )
        });
        self.end_step();
        Ok(())
    }

    fn ip_destroy(&mut self, v: ObjId, inet6: bool, func: &str, path: &[&str]) -> R {
        let fam = if inet6 { Fam::Inet6 } else { Fam::Inet };
        if self.vn(v).rt_tables_freed {
            if let Some(rib) = self.vn(v).first_rib {
                let msg = format!(
                    "page fault in rib_flush_routes_family: {func} looks up V_rt_tables, which \
                     rtables_destroy freed at step {}",
                    self.o(rib).freed_at
                );
                let p: Vec<&'static str> = vec!["rib_flush_routes_family"];
                return self.uaf(rib, "rib_flush_routes_family", p, msg);
            }
        }
        // in_ifscrub_all: only interfaces still on V_ifnet.
        let ifps: Vec<ObjId> = self.vn(v).ifnets.values().copied().collect();
        let mut scrubbed = 0;
        for ifp in ifps {
            let addrs: Vec<ObjId> =
                self.ifn(ifp).addrs.iter().copied().filter(|a| self.ifa(*a).fam == fam).collect();
            for a in addrs {
                self.purge_addr(a, if inet6 { "in6_purgeifaddr" } else { "in_ifscrub_all" })?;
                scrubbed += 1;
            }
        }
        let mut flushed = 0;
        let ribs: Vec<ObjId> =
            self.vn(v).ribs.iter().filter(|((_, f), _)| *f == fam).map(|(_, r)| *r).collect();
        for rib in ribs {
            let rts: Vec<ObjId> = self.rib(rib).routes.values().copied().collect();
            for rt in rts {
                self.delete_route(rt, "rib_flush_routes_family")?;
                flushed += 1;
            }
        }
        let left: Vec<ObjId> =
            self.vn(v).hash.get(&fam).map(|h| h.iter().copied().collect()).unwrap_or_default();
        let fname = func.to_string();
        self.text(|_| {
            format!(
                "{fname}: {} scrubs {scrubbed} {} address{} from the interfaces still on V_ifnet and \
                 rib_flush_routes_family removes {flushed} route{} [V].",
                if inet6 { "the per-ifnet purge" } else { "in_ifscrub_all" },
                fam.name(),
                if scrubbed == 1 { "" } else { "es" },
                if flushed == 1 { "" } else { "s" }
            )
        });
        if let Some(&a) = left.first() {
            let ifp = self.ifa(a).ifp;
            let drv = self.ifn(ifp).driver;
            let open_q = matches!(drv, Driver::Gre | Driver::Wg);
            let msg = format!(
                "panic in {func}: hashdestroy finds {} still in {} after {} left V_ifnet without a purge",
                self.o(a).name,
                hash_label(fam),
                self.o(ifp).name
            );
            if open_q {
                let note = format!(
                    "[I] {} panics in {func} by the mechanism the D32835 commit blames for gif, but FreeBSD's \
                     tests/sys/net/if_gre.sh removes vnet jails with gre inner addresses; something not yet \
                     read may clear them (network.md §9, open question).",
                    self.o(ifp).name
                );
                if !self.rec.notes.contains(&note) {
                    self.rec.notes.push(note);
                }
            }
            let p: Vec<&'static str> = vec!["hashdestroy"];
            let r = self.fault(FaultKind::Panic, func, a, None, p, msg.clone());
            let tail = if open_q {
                " [I]: an open question (network.md §9): FreeBSD's own if_gre.sh test removes such jails, so \
                 something not yet read may clear these addresses."
                    .to_string()
            } else {
                " (INVARIANTS KASSERT) [R: D32835, V ip_input.c].".to_string()
            };
            self.text(|_| format!("{msg}{tail}"));
            let _ = path;
            return r;
        }
        Ok(())
    }

    fn rtables_destroy(&mut self, v: ObjId) -> R {
        let ribs: Vec<ObjId> = self.vn(v).ribs.values().copied().collect();
        let mut subs_n = 0;
        let mut left_routes = 0;
        for rib in &ribs {
            let rib = *rib;
            // nhops_destroy_rib: remaining nexthops are marked unlinked.
            let nhs: Vec<ObjId> = self.rib(rib).nhops.values().copied().collect();
            for nh in nhs {
                if let Data::Nh(n) = &mut self.om(nh).data {
                    n.linked = false;
                }
                self.state_ev(nh, || "nh_linked: unlinked".into());
            }
            self.ribm(rib).nhops.clear();
            // rib_destroy_subscriptions: every subscription is removed and epoch-freed.
            let subs: Vec<ObjId> = self.rib(rib).subs.values().copied().collect();
            for s in subs {
                if let Some(e) = self.edge_to(rib, s, "rnh_subscribers") {
                    self.drop_edge(e)?;
                }
                self.defer(
                    s,
                    vec!["rtables_destroy", "rt_table_destroy", "rib_destroy_subscriptions"],
                );
                subs_n += 1;
            }
            self.ribm(rib).subs.clear();
            // Routes still in the table are not freed by rt_table_destroy [I]: they stay
            // allocated with their nexthops.
            left_routes += self.rib(rib).routes.len();
            let ctl = self.rib(rib).ctl;
            self.defer(
                ctl,
                vec![
                    "rtables_destroy",
                    "rt_table_destroy",
                    "nhops_destroy_rib",
                    "destroy_ctl_epoch",
                ],
            );
            self.free(rib, &["rtables_destroy", "rt_table_destroy"])?;
        }
        self.vnm(v).ribs.clear();
        self.vnm(v).routes_by_ifp.clear();
        self.vnm(v).rt_tables_freed = true;
        let drained = self.drain()?;
        self.text(|_| {
            let mut t = format!(
                "rtables_destroy: rt_table_destroy marks the remaining nexthops unlinked, \
                 rib_destroy_subscriptions queues {subs_n} subscription free{} without telling the \
                 subscribers, and the {} rib_head{} are freed at once; epoch_drain_callbacks then runs \
                 {drained} deferred free{} [V].",
                if subs_n == 1 { "" } else { "s" },
                ribs.len(),
                if ribs.len() == 1 { "" } else { "s" },
                if drained == 1 { "" } else { "s" }
            );
            if left_routes > 0 {
                t.push_str(&format!(
                    " {left_routes} route{} still in the tables stay allocated [I].",
                    if left_routes == 1 { "" } else { "s" }
                ));
            }
            t
        });
        Ok(())
    }

    // ---------------------------------------------------------------- verdict and trace

    /// Stuck prisons and leaks, once the run is over (decisions §14).
    pub fn finish(&mut self) -> R {
        self.end_step();
        if self.halted {
            return Ok(());
        }
        let last = self.rec.count;
        let mut extra = Vec::new();
        for p in self.prisons.values() {
            if self.pr(*p).state == PrState::Dying {
                extra.push(Fault {
                    kind: FaultKind::Stuck,
                    function: "prison_deref".into(),
                    object: *p,
                    step: last,
                    freed_by: None,
                    message: format!(
                        "stuck: {} is dying but keeps pr_ref {} and is never freed",
                        self.pr(*p).name,
                        self.o(*p).count
                    ),
                });
            }
        }
        if extra.is_empty() {
            for (i, o) in self.objs.iter().enumerate() {
                if o.freed {
                    continue;
                }
                if let Some(own) = o.owner
                    && self.o(own).freed
                {
                    extra.push(Fault {
                        kind: FaultKind::Leak,
                        function: "vnet_destroy".into(),
                        object: ObjId(i as u32),
                        step: last,
                        freed_by: None,
                        message: format!("leak: {} outlives {}", o.name, self.o(own).name),
                    });
                }
            }
        }
        self.rec.faults.extend(extra);
        Ok(())
    }

    pub fn outcome(&self) -> Outcome {
        let has = |k: FaultKind| self.rec.faults.iter().any(|f| f.kind == k);
        if has(FaultKind::UseAfterFree) {
            Outcome::PageFault
        } else if has(FaultKind::Panic) {
            Outcome::Panic
        } else if has(FaultKind::Stuck) {
            Outcome::Stuck
        } else if has(FaultKind::Leak) {
            Outcome::Leak
        } else {
            Outcome::Clean
        }
    }

    fn is_host(&self, id: ObjId) -> bool {
        if id == self.prison0 || id == self.vnet0 {
            return true;
        }
        let o = self.o(id);
        if o.owner == Some(self.vnet0) || o.owner == Some(self.prison0) {
            return true;
        }
        matches!(&o.data, Data::Ifnet(i) if i.vnet == self.vnet0)
    }

    fn assemble(mut self, snap: &Snapshot) -> Trace {
        let n = self.objs.len();
        let mut map: Vec<Option<ObjId>> = vec![None; n];
        let mut objects = Vec::new();
        for (i, o) in self.objs.iter().enumerate() {
            if o.freed && o.freed_at == 0 {
                continue;
            }
            let id = ObjId(objects.len() as u32);
            map[i] = Some(id);
            objects.push((i, id));
        }
        let m = |x: ObjId| map[x.0 as usize];
        let mut emap: Vec<Option<EdgeId>> = vec![None; self.edges.len()];
        let mut edges = Vec::new();
        let mut initial_edges = Vec::new();
        for (i, e) in self.edges.iter().enumerate() {
            let at_build = i < self.built_edges && snap.live_edges.get(i).copied().unwrap_or(false);
            if !(at_build || i >= self.built_edges) {
                continue;
            }
            let (Some(f), Some(t)) = (m(e.from), m(e.to)) else { continue };
            let id = EdgeId(edges.len() as u32);
            emap[i] = Some(id);
            if at_build {
                initial_edges.push(id);
            }
            edges.push(Edge { id, from: f, to: t, kind: e.kind, label: e.label.to_string() });
        }
        let infos: Vec<ObjectInfo> = objects
            .iter()
            .map(|(i, id)| {
                let o = &self.objs[*i];
                ObjectInfo {
                    id: *id,
                    kind: o.kind,
                    name: o.name.clone(),
                    key: o.key.clone(),
                    vnet: snap.vnets.get(*i).copied().flatten().and_then(m),
                    born: o.born,
                }
            })
            .collect();
        let initial_refcounts = snap
            .counts
            .iter()
            .filter_map(|(o, c, u)| m(*o).map(|obj| RefCount { obj, count: *c, uref: *u }))
            .collect();
        let mut steps = std::mem::take(&mut self.rec.steps);
        for s in &mut steps {
            s.vnet = s.vnet.and_then(m);
            s.events.retain_mut(|ev| {
                let Some(o) = m(ev.obj) else { return false };
                ev.obj = o;
                ev.other = ev.other.and_then(m);
                ev.edge = ev.edge.and_then(|e| emap[e.0 as usize]);
                true
            });
            s.refcounts.retain_mut(|r| {
                let Some(o) = m(r.obj) else { return false };
                r.obj = o;
                true
            });
        }
        let outcome = self.outcome();
        let faults = self
            .rec
            .faults
            .iter()
            .filter_map(|f| {
                let mut f = f.clone();
                f.object = m(f.object)?;
                Some(f)
            })
            .collect::<Vec<_>>();
        let leaked: crate::engine::vecmap::VecSet<ObjId> = self
            .rec
            .faults
            .iter()
            .filter(|f| f.kind == FaultKind::Leak)
            .map(|f| f.object)
            .collect();
        let survivors = (0..n)
            .map(|i| ObjId(i as u32))
            .filter(|x| !self.o(*x).freed && !leaked.contains(x) && self.is_host(*x))
            .filter_map(m)
            .collect();
        let mut notes = std::mem::take(&mut self.rec.notes);
        if self.route_cache_on() {
            notes.insert(
                0,
                "options ROUTE_CACHE is Zhenlei Huang's prototype [P], not in FreeBSD: gif and gre get a \
                 route cache and a rib subscription when their tunnel is set (decisions §3)."
                    .into(),
            );
        }
        match self.order {
            StageOrder::Legacy => {}
            StageOrder::VnetShutdown => notes.push(
                "vnet-shutdown is a proposal [I][P]: where it is called and what its phases do are \
                 modelling choices (decisions §10)."
                    .into(),
            ),
            StageOrder::PrisonCleanup => notes.push(
                "prison-cleanup is Gritton's suggested variant [I]: the phases run inside prison_cleanup, \
                 before SIGKILL (decisions §11)."
                    .into(),
            ),
        }
        for (f, s) in &self.moves {
            notes.push(format!("What-if: {f} is re-registered at {} (decisions §7).", s.short()));
        }
        Trace {
            order: self.order,
            outcome,
            objects: infos,
            edges,
            initial_edges,
            initial_refcounts,
            steps,
            faults,
            survivors,
            notes,
        }
    }
}

/// How prison_deref drops the reference.
#[derive(Clone, Copy, Debug)]
pub enum DropRef {
    Count(u32),
    Edge(EdgeId),
}
