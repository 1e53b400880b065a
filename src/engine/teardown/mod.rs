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
//! `stuck` and `leak` are checked generically at the end (decisions §14). `stuck` is
//! reached honestly by a zombie that is never reaped (`noreap J`): exit1 drops its user
//! reference, but its cred keeps a pr_ref until proc_reap (sys/kern/kern_exit.c) [V].
//! wg's creator cred cannot keep a jail dying, since wg_prison_remove drops it at
//! prison_cleanup; a nexthop can pin another vnet's ifnet, but every interface leaving a
//! vnet or destroyed while its vnet is alive gets a full detach that flushes the routes
//! through it; vxlan in a jail fails at create. `leak` is reached when a re-registration
//! leaves routes in a table that rt_table_destroy never walks.

pub mod prison;
pub mod registry;
pub mod stages;
pub mod vnet_destroy;

use crate::engine::input::scenario::Scenario;
use crate::engine::kernel::si::*;
use crate::engine::kernel::*;
use crate::engine::teardown::registry::Action;
use crate::engine::trace::*;

/// One lane: a kernel, a stage order and extra re-registrations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lane {
    pub kernel: Kernel,
    pub order: StageOrder,
    pub extra: Vec<(String, Slot)>,
}

impl Lane {
    /// This lane plus one more re-registration: what clicking an explorer cell opens in
    /// lane B.
    pub fn with_extra(&self, func: &str, slot: Slot) -> Lane {
        let mut extra = self.extra.clone();
        extra.push((func.to_string(), slot));
        Lane { kernel: self.kernel, order: self.order, extra }
    }

    pub fn new(order: StageOrder) -> Lane {
        Lane { kernel: Kernel::default(), order, extra: Vec::new() }
    }

    /// The same lane on another kernel.
    pub fn on(mut self, kernel: Kernel) -> Lane {
        self.kernel = kernel;
        self
    }
}

/// Builds and tears down the scenario under a lane, producing the whole trace.
pub fn simulate(scenario: &Scenario, lane: &Lane) -> Result<Trace, BuildError> {
    let (mut w, removes) = World::build(scenario, lane.kernel, &lane.extra)?;
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
    let (w, removes) = World::build_with(scenario, lane.kernel, &lane.extra, false)?;
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
const KERN_EXIT: &str = "sys/kern/kern_exit.c";
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

    /// A sentence for the open step, appended to its text when it ends.
    pub fn aside(&mut self, t: String) {
        if self.rec.on && !self.building && self.rec.cur.is_some() && !self.rec.asides.contains(&t)
        {
            self.rec.asides.push(t);
        }
    }

    pub fn end_step(&mut self) {
        let Some(mut s) = self.rec.cur.take() else { return };
        if !self.rec.on {
            return;
        }
        for t in std::mem::take(&mut self.rec.asides) {
            if !s.text.is_empty() {
                s.text.push(' ');
            }
            s.text.push_str(&t);
        }
        if let Some(v) = s.vnet {
            s.vnet_state = Some(sub_display(self.vn(v).state));
        }
        let mut changed = std::mem::take(&mut self.rec.changed);
        crate::support::order::sort(&mut changed);
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
                        "stuck: {} is dying but keeps pr_ref {} and is never freed{}",
                        self.pr(*p).name,
                        self.o(*p).count,
                        self.holders(*p)
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
                        message: format!(
                            "leak: {} outlives {}{}",
                            o.name,
                            self.o(own).name,
                            self.leak_reason(ObjId(i as u32))
                        ),
                    });
                }
            }
        }
        self.rec.faults.extend(extra);
        Ok(())
    }

    /// Why `obj` outlived its owner, as a clause for the leak's message, where the model
    /// knows: an interface on a cloner list of another vnet (vxlan's global cloner, which
    /// older if_clone borrowed for a jail), or counted references still held.
    fn leak_reason(&self, obj: ObjId) -> String {
        if let Data::Ifnet(i) = &self.o(obj).data
            && drivers::spec(i.driver).cloner.is_none()
        {
            return format!(
                ": if_clone_create found no {d} cloner in the jail's vnet and borrowed vnet0's, so {n} sits \
                 on vnet0's {d} cloner list; no VNET destructor of the jail destroys it, vnet_if_return does \
                 not move it (the jail made it) and its if_vnet points at the freed vnet [V if_clone.c 12.1, \
                 I #releases]",
                d = i.driver.name(),
                n = self.o(obj).name
            );
        }
        if let Data::Rt(_) = &self.o(obj).data {
            return ": it was still in its table when rtables_destroy freed the table, and \
                    rt_table_destroy does not walk the routes left in it [V route_tables.c]"
                .to_string();
        }
        self.holders(obj)
    }

    /// Who holds counted references on `obj`, as a clause for a fault message.
    fn holders(&self, obj: ObjId) -> String {
        let held: Vec<String> = self
            .o(obj)
            .inn
            .iter()
            .map(|e| &self.edges[e.0 as usize])
            .filter(|e| e.live && e.kind == EdgeKind::Counted)
            .map(|e| format!("{} ({})", self.o(e.from).name, e.label))
            .collect();
        if held.is_empty() { String::new() } else { format!(": held by {}", held.join(", ")) }
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
        let leaked: crate::support::vecmap::VecSet<ObjId> = self
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
                "options ROUTE_CACHE is Zhenlei Huang's route-cache prototype [P]: gif and gre get a \
                 route cache and a rib subscription when their tunnel is set, and the model caches the \
                 nexthop as if one packet had been sent [I #route-cache]."
                    .into(),
            );
        }
        if self.kernel != Kernel::Main {
            let r = release::of(self.kernel);
            notes.push(format!(
                "This lane runs {}: the model's main kernel with the changes the model guide's release \
                 table lists for it; {} [{} #releases].",
                r.name,
                r.evidence,
                if r.jail_read { "V, I" } else { "I" }
            ));
        }
        match self.order {
            StageOrder::Legacy => {}
            StageOrder::VnetShutdown => notes.push(
                "vnet-shutdown is a proposal [I #vnet-shutdown][P]: the model calls it once the jail's last process \
                 is gone and runs four phases (return loaned interfaces, delete tunnels, destroy this \
                 vnet's clones, flush routes) with vnet_state left at SI_SUB_VNET_DONE, so every detach \
                 in them is a full one."
                    .into(),
            ),
            StageOrder::PrisonCleanup => notes.push(
                "prison-cleanup is Gritton's suggested variant [I #prison-cleanup]: the same four phases run inside \
                 prison_cleanup, at the DYING mark and before SIGKILL, so jailed processes are still \
                 alive while they run."
                    .into(),
            ),
        }
        for (f, s) in &self.moves {
            notes.push(format!(
                "What-if: {f} is re-registered at {}. A re-registration counts as registered after \
                 every built-in, so among equal slots it runs first [I #re-registration].",
                s.short()
            ));
        }
        Trace {
            kernel: self.kernel,
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
