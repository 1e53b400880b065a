//! The prison side of the teardown (sys/kern/kern_jail.c): sys_jail_remove through
//! prison_deref and prison_deref_kill, prison_cleanup, the SIGKILL sweep, process exit,
//! and the last reference that hands a prison with its own vnet to vnet_destroy.
//!
//! Invariants: pr_uref drops before pr_ref (PD_DEUREF, then PD_DEREF); a prison is
//! freed only after its last pr_ref, and a prison that owns a vnet only through
//! vnet_destroy; children die before their parent.

use super::*;

impl World {
    // ---------------------------------------------------------------- prisons

    pub(crate) fn uref_dec(&mut self, p: ObjId, n: u32) -> R<u32> {
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

    pub(crate) fn set_state(&mut self, p: ObjId, st: PrState) {
        self.prm(p).state = st;
        self.state_ev(p, || format!("pr_state={}", st.name()));
    }

    pub(crate) fn owns_vnet(&self, p: ObjId) -> bool {
        self.pr(p).vnet_flag
    }

    pub(crate) fn needs_shutdown(&self, p: ObjId) -> bool {
        self.order == StageOrder::VnetShutdown
            && self.owns_vnet(p)
            && !self.vn(self.pr(p).vnet).shut_phases_done
    }

    /// prison_deref's core with an open step: drop `duref` urefs (PD_DEUREF), run the
    /// proposed vnet_shutdown when they reach 0, then drop the reference (PD_DEREF); the last
    /// one marks the prison INVALID, queues it for freeing and releases its parent.
    pub(crate) fn deref(&mut self, p: ObjId, dref: Option<DropRef>, duref: u32, stage: Stage) -> R {
        if duref > 0 {
            let u = self.uref_dec(p, duref)?;
            if u == 0 && self.pr(p).state == PrState::Alive {
                // Natural death: the last user reference of a live jail [V].
                self.set_state(p, PrState::Dying);
                self.end_step();
                self.prison_cleanup(p, false)?;
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

    pub(crate) fn last_ref(&mut self, p: ObjId, stage: Stage) -> R {
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
    pub(crate) fn free_prisons(&mut self, stage: Stage) -> R {
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

    pub(crate) fn subtree_post(&self, p: ObjId, out: &mut Vec<ObjId>) {
        for &c in &self.pr(p).children {
            if self.pr(c).state == PrState::Alive {
                self.subtree_post(c, out);
            }
        }
        out.push(p);
    }

    pub(crate) fn subtree_procs(&self, p: ObjId, out: &mut Vec<ObjId>) {
        for c in &self.pr(p).children {
            self.subtree_procs(*c, out);
        }
        out.extend(self.pr(p).procs.iter().copied().filter(|x| !self.o(*x).freed));
    }

    // ---------------------------------------------------------------- the teardown

    pub fn teardown(&mut self, scenario: &Scenario, removes: &[usize]) -> R {
        use crate::engine::input::scenario::Command;
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
                     has returned [V epoch_call, I #epoch].",
                    if n == 1 { "" } else { "s" }
                )
            });
            self.end_step();
        }
        Ok(())
    }

    pub(crate) fn jail_remove(&mut self, p: ObjId) -> R {
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
            let gone = self.o(p).freed;
            self.text(|w| {
                if gone {
                    format!(
                        "{} no longer exists, so sys_jail_remove finds no such jail and fails with \
                         EINVAL [V kern_jail.c].",
                        w.pr(p).name
                    )
                } else {
                    format!(
                        "{} is already dying, so prison_deref silently skips the kill and \
                         sys_jail_remove returns 0 [V kern_jail.c].",
                        w.pr(p).name
                    )
                }
            });
            self.end_step();
            return Ok(());
        }
        self.step(
            Stage::JailRemove,
            "sys_jail_remove",
            &["sys_jail_remove", "prison_remove", "prison_deref", "prison_deref_kill"],
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
                "jail -r: sys_jail_remove holds the prison and calls prison_remove, whose prison_deref \
                 with PD_KILL runs prison_deref_kill: it takes a user reference and marks {} DYING",
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
            self.prison_cleanup(x, true)?;
            let persist = self.pr(x).persist;
            self.step(
                Stage::JailRemove,
                "prison_deref_kill",
                &["sys_jail_remove", "prison_remove", "prison_deref", "prison_deref_kill"],
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

    /// A process's death in two halves, as in sys/kern/kern_exit.c: exit1 unlinks it from
    /// its prison and prison_proc_free drops the user reference (on the last one taking a
    /// hold and leaving the drop to the prison_complete task); the pr_ref of its cred goes
    /// only when the parent reaps the zombie (proc_reap → crfree → prison_free) [V].
    pub(crate) fn proc_exit(&mut self, pid: ObjId) -> R {
        // Whatever the exit and the reap set off (the last reference's prison_deref, and
        // vnet_destroy after it) runs in the prison_complete task on the release's
        // jail-removal queue [V kern_jail.c].
        let before = self.task.replace(release::removal_queue(self.kernel));
        let r = self.proc_exit_in_task(pid);
        self.task = before;
        r
    }

    fn proc_exit_in_task(&mut self, pid: ObjId) -> R {
        let Data::Process { prison, .. } = &self.o(pid).data else { return Ok(()) };
        let p = *prison;
        let v = self.pr(p).vnet;
        let last = self.pr(p).uref == 1;
        let reaped = !self.pr(p).noreap;
        self.step(
            Stage::ProcessExit,
            "exit1",
            &["exit1", "prison_proc_free"],
            KERN_EXIT,
            None,
            Some(v),
        );
        self.prm(p).procs.remove(&pid);
        self.state_ev(pid, || "PRS_ZOMBIE".into());
        if last {
            // prison_proc_free never drops the last uref itself: it holds the prison and
            // queues prison_complete on the release's jail-removal queue.
            self.inc(p);
        } else {
            self.deref(p, None, 1, Stage::ProcessExit)?;
        }
        self.text(|w| {
            let (me, pr) = (&w.o(pid).name, &w.pr(p).name);
            let mut t = format!(
                "{me} exits: exit1 takes it off {pr}'s process list and prison_proc_free drops the \
                 user reference it held"
            );
            if last {
                t.push_str(&format!(
                    ". It was {pr}'s last one, so prison_proc_free takes a hold and queues \
                     prison_complete on {} instead [V kern_exit.c, kern_jail.c].",
                    release::removal_queue(w.kernel)
                ));
            } else {
                t.push_str(" [V kern_exit.c, kern_jail.c].");
            }
            if reaped {
                t.push_str(&format!(" It is a zombie now; its cred still holds a pr_ref on {pr}."));
            } else {
                t.push_str(&format!(
                    " Its parent never waits for it (the script's noreap line), so the zombie's cred \
                     keeps a pr_ref on {pr} for good [I #noreap]."
                ));
            }
            t
        });
        self.end_step();
        if last {
            self.step(
                Stage::ProcessExit,
                "prison_complete",
                &[release::removal_queue(self.kernel), "prison_complete", "prison_deref"],
                KERN_JAIL,
                None,
                Some(v),
            );
            self.text(|w| {
                format!(
                    "The prison_complete task runs prison_deref with PD_DEUREF|PD_DEREF: {}'s last user \
                     reference goes, then the hold [V].",
                    w.pr(p).name
                )
            });
            self.deref(p, Some(DropRef::Count(1)), 1, Stage::ProcessExit)?;
            self.end_step();
            self.free_prisons(Stage::ProcessExit)?;
        }
        if !reaped {
            return Ok(());
        }
        self.step(
            Stage::ProcessExit,
            "proc_reap",
            &["kern_wait6", "proc_reap", "proc_unset_cred", "crfree", "prison_free"],
            KERN_EXIT,
            None,
            Some(v),
        );
        let last_ref = self.o(p).count == 1;
        self.text(|w| {
            let mut t = format!(
                "The parent reaps {}: proc_reap frees its cred, and crfree's prison_free drops the \
                 pr_ref it held on {} [V kern_exit.c]",
                w.o(pid).name,
                w.pr(p).name
            );
            if last_ref {
                t.push_str(&format!(
                    ". It was the last one, so prison_free leaves the rest to the prison_complete task on \
                     {} [V kern_jail.c]",
                    release::removal_queue(w.kernel)
                ));
            }
            t.push_str(". The model has the parent wait at once [I #reaping].");
            t
        });
        let e = self.edge_to(pid, p, "p_ucred->cr_prison");
        self.deref(p, e.map(DropRef::Edge), 0, Stage::ProcessExit)?;
        self.free(pid, &["proc_reap"])?;
        self.end_step();
        self.free_prisons(Stage::ProcessExit)
    }

    /// prison_cleanup, as FreeBSD main splits it (sys/kern/kern_jail.c):
    /// prison_cleanup_unlocked runs vfs_exjail_delete, shm_remove_prison and the OSD
    /// PR_METHOD_REMOVE hooks (wg_prison_remove among them); prison_cleanup_locked posts
    /// the jail's NOTE_JAIL_REMOVE knote and detaches its jail descriptors. On the
    /// `jail -r` path (`kill`, prison_deref_kill) the unlocked half runs first; when the
    /// last user reference goes on its own, prison_deref runs the locked half first [V].
    /// Under the prison-cleanup order the network cleanup phases follow [I].
    pub(crate) fn prison_cleanup(&mut self, p: ObjId, kill: bool) -> R {
        let v = self.pr(p).vnet;
        let split = release::of(self.kernel).cleanup_split;
        let path: &[&str] = match (split, kill) {
            (true, true) => {
                &["prison_deref", "prison_deref_kill", "prison_cleanup_unlocked", "osd_jail_call"]
            }
            (true, false) => &[
                "prison_deref",
                "prison_cleanup_locked",
                "prison_cleanup_unlocked",
                "osd_jail_call",
            ],
            (false, true) => {
                &["prison_deref", "prison_deref_kill", "prison_cleanup", "osd_jail_call"]
            }
            (false, false) => &["prison_deref", "prison_cleanup", "osd_jail_call"],
        };
        let top = if split { "prison_cleanup_unlocked" } else { "prison_cleanup" };
        self.step(Stage::PrisonCleanup, top, path, KERN_JAIL, None, Some(v));
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
        let hooked = self.hooked(crate::engine::kernel::drivers::wg::REMOVE_FN);
        if hooked {
            for &ifp in &holders {
                self.wg_drop_cred(ifp)?;
            }
        }
        self.text(|w| {
            let name = &w.pr(p).name;
            let unlocked = "prison_cleanup_unlocked deletes its NFS export credentials \
                            (vfs_exjail_delete), removes its POSIX shared memory (shm_remove_prison) \
                            and runs the OSD PR_METHOD_REMOVE hooks";
            let locked = "prison_cleanup_locked posts the jail's NOTE_JAIL_REMOVE knote and detaches \
                          its jail descriptors";
            let mut t = match (split, kill) {
                (true, true) => format!(
                    "The cleanup of {name} runs once, at the DYING mark, before any SIGKILL: {unlocked}; \
                     then {locked} [V kern_jail.c]."
                ),
                (true, false) => format!(
                    "The cleanup of {name} runs once, at the DYING mark: {locked}; then, with pr_mtx \
                     dropped, {unlocked} [V kern_jail.c]."
                ),
                (false, _) => format!(
                    "The cleanup of {name} runs once, at the DYING mark{}: prison_cleanup {}removes its \
                     POSIX shared memory (shm_remove_prison) and runs the OSD PR_METHOD_REMOVE hooks; {} has \
                     no jail descriptors yet, so there is no locked half [V kern_jail.c 14.0{}].",
                    if kill { ", before any SIGKILL" } else { "" },
                    if release::of(w.kernel).jail_read {
                        "deletes its NFS export credentials (vfs_exjail_delete), "
                    } else {
                        ""
                    },
                    release::of(w.kernel).name,
                    if release::of(w.kernel).jail_read { "" } else { ", I #releases" }
                ),
            };
            if !holders.is_empty() && !hooked {
                t.push_str(&format!(
                    " wg_prison_remove is left out here (what-if), so {} keep{} the creator cred and with it a \
                     reference on {name}.",
                    holders.iter().map(|h| w.o(*h).name.clone()).collect::<Vec<_>>().join(", "),
                    if holders.len() == 1 { "s" } else { "" }
                ));
            } else if !holders.is_empty() {
                t.push_str(&format!(
                    " wg_prison_remove drops the creator cred {} held, so the jail can finish dying [V-idx].",
                    holders.iter().map(|h| w.o(*h).name.clone()).collect::<Vec<_>>().join(", ")
                ));
            }
            t
        });
        self.end_step();
        self.prison_remove_clones(p, path)?;
        if self.order == StageOrder::PrisonCleanup
            && self.owns_vnet(p)
            && !self.vn(v).shut_phases_done
        {
            self.phases(v, Stage::PrisonCleanup)?;
        }
        Ok(())
    }

    /// The PR_METHOD_REMOVE hooks that destroy interfaces, on releases that have them
    /// (tuntap_prison_remove, ovpn_prison_remove; D51525): for a prison that owns its
    /// vnet, each detaches the driver's cloners of that vnet, destroying the interfaces
    /// made there, while its processes are still alive and the vnet is not shutting down,
    /// so each detach is a full one [V if_tuntap.c, if_ovpn.c 15.1].
    fn prison_remove_clones(&mut self, p: ObjId, path: &[&'static str]) -> R {
        if !release::of(self.kernel).prison_remove_clones || !self.owns_vnet(p) {
            return Ok(());
        }
        let v = self.pr(p).vnet;
        let mut hooks: Vec<(&'static str, Driver)> = Driver::ALL
            .into_iter()
            .filter_map(|d| drivers::spec(d).prison_remove.map(|f| (f, d)))
            .filter(|(_, d)| drivers::spec(*d).module.is_none_or(|m| self.loaded.contains(&m)))
            .collect();
        hooks.dedup_by_key(|(f, _)| *f);
        for (hook, d) in hooks {
            if !self.hooked(hook) {
                continue;
            }
            let mut items: Vec<(u64, ObjId)> = Vec::new();
            for x in drivers::sharing(d) {
                if let Some(l) = self.vn(v).clones.get(&x) {
                    items.extend(l.iter().map(|(k, i)| (*k, *i)));
                }
            }
            crate::support::order::sort(&mut items);
            for (_, ifp) in items {
                if self.ifn(ifp).destroyed {
                    continue;
                }
                let drv = self.ifn(ifp).driver;
                let mut pp: Vec<&'static str> = path.to_vec();
                pp.extend([hook, "if_clone_detach"]);
                let mut full = pp.clone();
                full.push(drivers::spec(drv).destroy_fn);
                self.step(
                    Stage::PrisonCleanup,
                    hook,
                    &full,
                    drivers::spec(drv).file,
                    None,
                    Some(v),
                );
                let gone = self.destroy_ifnet(ifp, &pp)?;
                self.text(|w| {
                    let names =
                        gone.iter().map(|g| w.o(*g).name.clone()).collect::<Vec<_>>().join(" and ");
                    format!(
                        "{hook}, a PR_METHOD_REMOVE hook, detaches {}'s {} cloner: {} destroys {names} while \
                         the jail's processes still live and its vnet is not shutting down, so the detach is a \
                         full one [V {} 15.1, R D51525].",
                        w.pr(p).name,
                        drv.name(),
                        drivers::spec(drv).destroy_fn,
                        drivers::spec(drv).file.trim_start_matches("sys/net/")
                    )
                });
                self.end_step();
            }
        }
        Ok(())
    }
}
