//! The order explorer (issue 6, decisions §30): which SYSUNINIT slots are safe for the
//! network destructors of a scenario, and why the others fail.
//!
//! For a scenario and a base lane it simulates:
//! - every *destructor × slot* cell: the lane's extras plus `(func, slot)` as one more
//!   re-registration. By decisions §7 it counts as registered after every built-in, so
//!   among equal slots it runs first;
//! - the three stage orders as whole rows (the lane's extras kept, the order changed);
//! - pairs of destructors moved together, while the run stays under [`CAP`] simulations;
//!   `ExploreResult::capped` says when the cap cut the pairs short.
//!
//! Slots: each distinct (SI_SUB, SI_ORDER) of a built-in destructor (registry.rs), plus
//! (SI_SUB_VNET_DONE, SI_ORDER_ANY), sorted descending (teardown order). No built-in sits
//! at (SI_SUB_PROTO_DOMAIN, SI_ORDER_SECOND), yet issue 6 requires that cell (the one slot
//! between ip_destroy and rtables_destroy that needs no tie rule), so it is added as the
//! one documented extra candidate ([`EXTRA_SLOTS`]).
//!
//! Destructors: derived from the built scenario and the registry, never from preset
//! names: the cloner destructor of every driver with an interface in, or homed in, a vnet
//! jail (lo is left out: every vnet has one, it is not the scenario's), then the protocol
//! destructors (ip_destroy, ip6_destroy, rtables_destroy).
//!
//! Invariants: pure and deterministic; the same input gives the same result in the same
//! order, however the work is chunked (`Explorer::run(budget)`). The fast path builds the
//! world once and clones it per cell with a fresh registry; the build does not depend on
//! the registry, and a test checks every seed cell against `simulate`.

pub mod releases;
pub mod report;

use crate::engine::input::scenario::{Command, Scenario};
use crate::engine::kernel::si::*;
use crate::engine::kernel::{BuildError, Data, World, stop_err};
use crate::engine::teardown::registry::{self, Action, Registry};
use crate::engine::teardown::{Lane, simulate};
use crate::engine::trace::graph::graph_at;
use crate::engine::trace::*;
use crate::support::order;
use crate::support::vecmap::VecSet;
use serde::Serialize;
use std::collections::BTreeMap;

/// At most this many simulations per run (decisions §30).
pub const CAP: usize = 10_000;

/// Slots tried although no built-in destructor sits there (see the module comment).
pub const EXTRA_SLOTS: &[Slot] = &[Slot::new(SI_SUB_PROTO_DOMAIN, SI_ORDER_SECOND)];

/// The protocol destructors always tried, in this order.
pub const PROTOCOL_DESTRUCTORS: &[&str] = &["ip_destroy", "ip6_destroy", "rtables_destroy"];

/// The decisive fault of a run: what failed, and where.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FaultAt {
    pub kind: FaultKind,
    pub function: String,
}

/// One simulated order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub outcome: Outcome,
    /// The decisive fault (decisions §14 order) when the outcome is not clean.
    pub fault: Option<FaultAt>,
}

impl Cell {
    pub fn is_clean(&self) -> bool {
        self.outcome == Outcome::Clean
    }
}

/// One destructor's row: a cell per slot of `ExploreResult::slots`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    pub func: String,
    /// Where the destructor sits in the base lane (built-in or moved).
    pub home: Slot,
    pub cells: Vec<Cell>,
}

/// Two destructors moved together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PairCell {
    pub a: (String, Slot),
    pub b: (String, Slot),
    pub cell: Cell,
}

/// Everything the explorer found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExploreResult {
    pub order: StageOrder,
    /// The base lane's extras.
    pub base_extra: Vec<(String, Slot)>,
    /// The base lane itself.
    pub base: Option<Cell>,
    /// Teardown order: descending.
    pub slots: Vec<Slot>,
    pub rows: Vec<Row>,
    /// The three stage orders with the lane's extras.
    pub stages: Vec<(StageOrder, Cell)>,
    pub pairs: Vec<PairCell>,
    /// Pair simulations wanted, whether or not the cap let them run.
    pub pairs_wanted: usize,
    /// True when the cap stopped the pairs short.
    pub capped: bool,
    pub simulations: usize,
}

impl ExploreResult {
    /// The row of `func`.
    pub fn row(&self, func: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.func == func)
    }

    /// The slots where moving `func` alone gives a clean teardown, in teardown order.
    pub fn safe_slots(&self, func: &str) -> Vec<Slot> {
        self.row(func)
            .map(|r| {
                self.slots
                    .iter()
                    .zip(&r.cells)
                    .filter(|(_, c)| c.is_clean())
                    .map(|(s, _)| *s)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every destructor's safe slots.
    pub fn safe_sets(&self) -> BTreeMap<String, Vec<Slot>> {
        order::map_of(self.rows.iter().map(|r| (r.func.clone(), self.safe_slots(&r.func))))
    }

    /// The cell for `func` at `slot`.
    pub fn cell(&self, func: &str, slot: Slot) -> Option<&Cell> {
        let i = self.slots.iter().position(|s| *s == slot)?;
        self.row(func).and_then(|r| r.cells.get(i))
    }

    /// Clean pairs where neither move alone is clean: what only a joint move fixes.
    pub fn joint_fixes(&self) -> Vec<&PairCell> {
        let alone = |(f, s): &(String, Slot)| self.cell(f, *s).is_some_and(Cell::is_clean);
        self.pairs.iter().filter(|p| p.cell.is_clean() && !alone(&p.a) && !alone(&p.b)).collect()
    }
}

/// The explorer's slots, descending (see the module comment).
pub fn slots() -> Vec<Slot> {
    let mut v = registry::builtin_slots();
    v.push(Slot::new(SI_SUB_VNET_DONE, SI_ORDER_ANY));
    v.extend(EXTRA_SLOTS.iter().copied());
    order::sort(&mut v);
    v.dedup();
    v.reverse();
    v
}

/// The decisive fault in decisions §14 order: use-after-free, panic, stuck, leak.
pub fn decisive(faults: &[Fault]) -> Option<FaultAt> {
    [FaultKind::UseAfterFree, FaultKind::Panic, FaultKind::Stuck, FaultKind::Leak].iter().find_map(
        |k| {
            faults
                .iter()
                .find(|f| f.kind == *k)
                .map(|f| FaultAt { kind: f.kind, function: f.function.clone() })
        },
    )
}

/// The cell of a full trace (the slow path the fast one must agree with).
pub fn cell_of(trace: &Trace) -> Cell {
    Cell {
        outcome: trace.outcome,
        fault: (trace.outcome != Outcome::Clean).then(|| decisive(&trace.faults)).flatten(),
    }
}

/// The network destructors that matter for a built world (see the module comment).
fn destructors(w: &World) -> Vec<String> {
    let jail_vnets: VecSet<ObjId> = w
        .prisons
        .values()
        .filter(|p| w.pr(**p).vnet_flag)
        .map(|p| w.pr(*p).vnet)
        .filter(|v| *v != w.vnet0)
        .collect();
    let mut drivers = VecSet::new();
    for o in w.objs.iter().filter(|o| !o.freed) {
        if let Data::Ifnet(i) = &o.data
            && i.driver != Driver::Lo
            && (jail_vnets.contains(&i.vnet) || jail_vnets.contains(&i.home))
        {
            drivers.insert(i.driver);
        }
    }
    let mut out: Vec<String> = registry::BUILTINS
        .iter()
        .filter(|b| {
            matches!(b.3, Action::Cloner(d)
                if crate::engine::kernel::drivers::sharing(d).iter().any(|x| drivers.contains(x)))
        })
        .map(|b| b.0.to_string())
        .collect();
    out.extend(PROTOCOL_DESTRUCTORS.iter().map(|s| s.to_string()));
    out
}

/// What one simulation moves: nothing (a stage row), one destructor, or two.
#[derive(Clone, Debug)]
enum Job {
    Stage(StageOrder),
    Single(usize, usize),
    Pair((usize, usize), (usize, usize)),
}

/// A chunkable run: `run(budget)` does at most `budget` simulations and returns whether
/// everything is done, so a UI can spread the work over frames.
pub struct Explorer {
    scenario: Scenario,
    world: World,
    removes: Vec<usize>,
    base_moves: Vec<(String, Slot)>,
    jobs: Vec<Job>,
    next: usize,
    result: ExploreResult,
}

impl Explorer {
    pub fn new(scenario: &Scenario, lane: &Lane) -> Result<Explorer, BuildError> {
        Explorer::with_cap(scenario, lane, CAP)
    }

    /// The same with another cap (tests; the UI may want a smaller one).
    pub fn with_cap(scenario: &Scenario, lane: &Lane, cap: usize) -> Result<Explorer, BuildError> {
        let (world, removes) = World::build(scenario, lane.kernel, &lane.extra)?;
        let slots = slots();
        let funcs = destructors(&world);
        let base_moves = world.moves.clone();
        let home = |f: &str| {
            world
                .registry
                .teardown
                .iter()
                .find(|h| h.func == f)
                .map(|h| h.slot)
                .unwrap_or(Slot::new(0, 0))
        };
        let rows: Vec<Row> = funcs
            .iter()
            .map(|f| Row { func: f.clone(), home: home(f), cells: Vec::new() })
            .collect();
        let mut jobs: Vec<Job> = StageOrder::ALL.into_iter().map(Job::Stage).collect();
        for f in 0..funcs.len() {
            for s in 0..slots.len() {
                jobs.push(Job::Single(f, s));
            }
        }
        let mut pairs_wanted = 0;
        'pairs: for f1 in 0..funcs.len() {
            for f2 in f1 + 1..funcs.len() {
                for s1 in 0..slots.len() {
                    for s2 in 0..slots.len() {
                        pairs_wanted += 1;
                        if jobs.len() < cap {
                            jobs.push(Job::Pair((f1, s1), (f2, s2)));
                        } else if pairs_wanted > cap.saturating_mul(4) {
                            // Enough to say the cap was hit; the exact count is a bound.
                            break 'pairs;
                        }
                    }
                }
            }
        }
        let capped = jobs.len() - StageOrder::ALL.len() - funcs.len() * slots.len() < pairs_wanted;
        let result = ExploreResult {
            order: lane.order,
            base_extra: lane.extra.clone(),
            base: None,
            slots,
            rows,
            stages: Vec::new(),
            pairs: Vec::new(),
            pairs_wanted,
            capped,
            simulations: 0,
        };
        Ok(Explorer {
            scenario: scenario.clone(),
            world,
            removes,
            base_moves,
            jobs,
            next: 0,
            result,
        })
    }

    /// Simulations in the whole run.
    pub fn total(&self) -> usize {
        self.jobs.len()
    }

    /// Simulations done so far.
    pub fn done(&self) -> usize {
        self.next
    }

    pub fn result(&self) -> &ExploreResult {
        &self.result
    }

    pub fn into_result(self) -> ExploreResult {
        self.result
    }

    /// Runs at most `budget` simulations; true once everything is done. An engine error
    /// (an internal bug, never expected) becomes a `stuck` cell naming the error.
    pub fn run(&mut self, budget: usize) -> bool {
        let end = self.jobs.len().min(self.next.saturating_add(budget));
        while self.next < end {
            let job = self.jobs[self.next].clone();
            self.next += 1;
            self.result.simulations += 1;
            let (order, moves) = self.job_lane(&job);
            let cell = self.fast(order, &moves).unwrap_or_else(|e| Cell {
                outcome: Outcome::Stuck,
                fault: Some(FaultAt { kind: FaultKind::Stuck, function: e.message }),
            });
            match job {
                Job::Stage(o) => {
                    if o == self.result.order {
                        self.result.base = Some(cell.clone());
                    }
                    self.result.stages.push((o, cell));
                }
                Job::Single(f, _) => {
                    if let Some(r) = self.result.rows.get_mut(f) {
                        r.cells.push(cell);
                    }
                }
                Job::Pair(_, _) => {
                    if let [a, b] = &moves[moves.len() - 2..] {
                        self.result.pairs.push(PairCell { a: a.clone(), b: b.clone(), cell });
                    }
                }
            }
        }
        self.next >= self.jobs.len()
    }

    /// The extra moves (after the scenario's and the lane's) and the order of a job.
    fn job_lane(&self, job: &Job) -> (StageOrder, Vec<(String, Slot)>) {
        let mut moves = self.base_moves.clone();
        let func = |f: usize| self.result.rows[f].func.clone();
        let slot = |s: usize| self.result.slots[s];
        match job {
            Job::Stage(o) => return (*o, moves),
            Job::Single(f, s) => moves.push((func(*f), slot(*s))),
            Job::Pair((f1, s1), (f2, s2)) => {
                moves.push((func(*f1), slot(*s1)));
                moves.push((func(*f2), slot(*s2)));
            }
        }
        (self.result.order, moves)
    }

    /// The verdict-only path on a clone of the built world, with the decisive fault.
    fn fast(&self, order: StageOrder, moves: &[(String, Slot)]) -> Result<Cell, BuildError> {
        let mut w = self.world.clone();
        w.registry =
            Registry::new(moves.iter().map(|(f, s)| (f.as_str(), *s)), &w.loaded, w.kernel)
                .map_err(|f| BuildError {
                    entry: 0,
                    message: format!("unknown {f}"),
                    internal: true,
                })?;
        w.moves = moves.to_vec();
        w.rec.on = false;
        w.order = order;
        let end = self.scenario.entries.len();
        if let Err(crate::engine::kernel::Stop::Internal(m)) =
            w.teardown(&self.scenario, &self.removes)
        {
            return Err(stop_err(end, crate::engine::kernel::Stop::Internal(m)));
        }
        w.finish().map_err(|s| stop_err(end, s))?;
        let outcome = w.outcome();
        let fault = (outcome != Outcome::Clean).then(|| decisive(&w.rec.faults)).flatten();
        Ok(Cell { outcome, fault })
    }
}

/// Runs the explorer to the end.
pub fn explore(scenario: &Scenario, lane: &Lane) -> Result<ExploreResult, BuildError> {
    let mut e = Explorer::new(scenario, lane)?;
    while !e.run(usize::MAX) {}
    Ok(e.into_result())
}

/// The outcome and decisive fault of one lane, via the fast path.
pub fn cell(scenario: &Scenario, lane: &Lane) -> Result<Cell, BuildError> {
    let e = Explorer::new(scenario, lane)?;
    e.fast(lane.order, &e.base_moves)
}

/// Delta debugging over the entries: the smallest scenario (by greedy chunk removal to a
/// fixpoint) with the same outcome and decisive fault under `lane`. `jail -r` lines are
/// never removed, a build error counts as "does not reproduce", and comments and
/// positions are dropped. A clean or unbuildable scenario comes back unchanged.
pub fn shrink(scenario: &Scenario, lane: &Lane) -> Scenario {
    let Ok(want) = cell(scenario, lane) else { return scenario.clone() };
    if want.is_clean() {
        return scenario.clone();
    }
    let reproduces = |s: &Scenario| cell(s, lane).is_ok_and(|c| c == want);
    let mut cur: Vec<_> = scenario
        .entries
        .iter()
        .map(|e| {
            let mut e = e.clone();
            e.comments.clear();
            e.trailing = None;
            e.pos = None;
            e
        })
        .collect();
    let make = |entries: Vec<_>| Scenario { entries, tail_comments: Vec::new() };
    let mut chunk = cur.len().div_ceil(2).max(1);
    loop {
        let mut changed = false;
        let mut i = 0;
        while i < cur.len() {
            let hi = (i + chunk).min(cur.len());
            let removable: Vec<usize> = (i..hi)
                .filter(|k| !matches!(cur[*k].command, Command::JailRemove { .. }))
                .collect();
            if removable.is_empty() {
                i = hi;
                continue;
            }
            let cand: Vec<_> = cur
                .iter()
                .enumerate()
                .filter(|(k, _)| !removable.contains(k))
                .map(|(_, e)| e.clone())
                .collect();
            if reproduces(&make(cand.clone())) {
                cur = cand;
                changed = true;
            } else {
                i = hi;
            }
        }
        if chunk == 1 && !changed {
            break;
        }
        if !changed || chunk > 1 {
            chunk = (chunk / 2).max(1);
        }
    }
    make(cur)
}

/// What to try in lane B for a suggestion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LaneSuggestion {
    pub order: StageOrder,
    /// One more re-registration after the lane's own, if any.
    pub extra: Option<(String, Slot)>,
}

impl LaneSuggestion {
    /// The lane to open: the base lane's extras plus this one's.
    pub fn lane(&self, base: &Lane) -> Lane {
        let mut extra = base.extra.clone();
        extra.extend(self.extra.clone());
        Lane { kernel: base.kernel, order: self.order, extra }
    }
}

/// A dependency cycle at step 0, and one way out of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub cycle: String,
    pub fix: String,
    pub lane: LaneSuggestion,
}

/// For each cycle at step 0 of the base lane's trace: the edge a shutdown stage breaks
/// (vnet-shutdown, if that order is clean), and a safe slot for the destructor of the
/// interface in the cycle (preferring a slot no built-in occupies, so no tie rule is
/// needed, then the one nearest the destructor's own slot).
pub fn suggestions(
    scenario: &Scenario,
    lane: &Lane,
    result: &ExploreResult,
) -> Result<Vec<Suggestion>, BuildError> {
    let trace = simulate(scenario, lane)?;
    // Sorted and distinct: `binary_search` is the set's `contains`.
    let builtin = registry::builtin_slots();
    let mut out = Vec::new();
    for cyc in graph_at(&trace, 0).cycles() {
        let members: VecSet<ObjId> = cyc.objects.iter().copied().collect();
        let ifnet = cyc.objects.iter().copied().find_map(|o| match trace.object(o).kind {
            ObjKind::Ifnet(d) => Some((o, d)),
            _ => None,
        });
        let Some((ifp, driver)) = ifnet else { continue };
        let name = trace.object(ifp).name.clone();
        let held: Vec<String> = trace
            .edges
            .iter()
            .filter(|e| e.from == ifp && members.contains(&e.to))
            .map(|e| format!("{name} → {} ({})", trace.object(e.to).name, e.label))
            .collect();
        let held = if held.is_empty() { format!("{name}'s references") } else { held.join(", ") };
        let tunnel = trace.edges.iter().any(|e| {
            e.from == ifp
                && members.contains(&e.to)
                && matches!(trace.object(e.to).kind, ObjKind::Subscription | ObjKind::RouteCache)
        });
        let stage_clean =
            |o: StageOrder| result.stages.iter().any(|(so, c)| *so == o && c.is_clean());
        let loaned = {
            let to = |label: &str| {
                trace.edges.iter().find(|e| e.from == ifp && e.label == label).map(|e| e.to)
            };
            to("if_home_vnet").is_some_and(|h| Some(h) != to("if_vnet"))
        };
        let phase = if loaned {
            "phase (a) returns the loaned interface home with a full detach"
        } else if tunnel {
            "phase (b) deletes the tunnel, unsubscribing and invalidating its cache"
        } else {
            "phase (c) destroys the interface with a full detach"
        };
        let implicated = trace.faults.iter().any(|f| members.contains(&f.object));
        if !implicated {
            let how = if lane.order == StageOrder::Legacy {
                "it is harmless as long as no destructor follows its raw pointers after the \
                 other side is freed."
                    .to_string()
            } else {
                format!("here the shutdown stage breaks {held}: {phase}.")
            };
            out.push(Suggestion {
                cycle: cyc.sentence.clone(),
                fix: format!(
                    "Nothing to fix under {}: no fault touches this cycle; {how}",
                    lane.order.slug()
                ),
                lane: LaneSuggestion { order: lane.order, extra: None },
            });
            continue;
        }
        if lane.order == StageOrder::Legacy && stage_clean(StageOrder::VnetShutdown) {
            out.push(Suggestion {
                cycle: cyc.sentence.clone(),
                fix: format!(
                    "A vnet_shutdown stage breaks {held}: {phase} before phase (d) flushes \
                     routes, while IP and routing are still alive [I #vnet-shutdown]."
                ),
                lane: LaneSuggestion { order: StageOrder::VnetShutdown, extra: None },
            });
        }
        let func = crate::engine::kernel::drivers::spec(driver).cloner.map(|c| c.0.to_string());
        let Some(func) = func else { continue };
        let Some(row) = result.row(&func) else { continue };
        let safe = result.safe_slots(&func);
        let base_clean = result.base.as_ref().is_some_and(Cell::is_clean);
        if base_clean || safe.is_empty() || safe.contains(&row.home) {
            continue;
        }
        let pick = safe.iter().copied().min_by_key(|s| {
            let dist = s.sub.abs_diff(row.home.sub) as u64 * (1 << 32)
                + s.order.abs_diff(row.home.order) as u64;
            (builtin.binary_search(s).is_ok(), dist)
        });
        let Some(slot) = pick else { continue };
        let ties = if builtin.binary_search(&slot).is_ok() {
            " (it shares the slot with a built-in and, registered last, runs first among equals)"
        } else {
            ""
        };
        out.push(Suggestion {
            cycle: cyc.sentence.clone(),
            fix: format!(
                "Re-register {func} at {}{ties}: there {name} is destroyed while the objects it \
                 holds are still alive, breaking {held}. Safe slots under {}: {}.",
                slot.short(),
                lane.order.slug(),
                safe.iter().map(|s| s.short()).collect::<Vec<_>>().join(", ")
            ),
            lane: LaneSuggestion { order: lane.order, extra: Some((func.clone(), slot)) },
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::input::script::{parse, print};
    use crate::engine::presets::{SEED, preset};
    use std::collections::BTreeSet;

    fn sc(slug: &str) -> Scenario {
        parse(preset(slug).map(|p| p.script).unwrap_or_default()).expect("preset parses")
    }

    fn s(sub: u32, order: u32) -> Slot {
        Slot::new(sub, order)
    }

    fn safe(r: &ExploreResult, f: &str) -> BTreeSet<Slot> {
        r.safe_slots(f).into_iter().collect()
    }

    #[test]
    fn explore_slots_are_descending_and_include_proto_domain_second() {
        let v = slots();
        assert!(v.windows(2).all(|w| w[0] > w[1]));
        assert_eq!(v[0], s(SI_SUB_VNET_DONE, SI_ORDER_ANY));
        let second = s(SI_SUB_PROTO_DOMAIN, SI_ORDER_SECOND);
        assert!(v.contains(&second));
        // It is the documented extra: no built-in sits there.
        assert!(!registry::builtin_slots().contains(&second));
    }

    #[test]
    fn explore_seed_legacy_matches_decisions_30() {
        let seed = parse(SEED).expect("seed");
        let r = explore(&seed, &Lane::new(StageOrder::Legacy)).expect("explore");
        let gif = "vnet_gif_uninit";
        assert!(r.row(gif).is_some(), "gif's destructor is tried");
        assert_eq!(
            safe(&r, gif),
            BTreeSet::from([
                s(SI_SUB_VNET_DONE, SI_ORDER_ANY),
                s(SI_SUB_PROTO_DOMAIN, SI_ORDER_SECOND),
                s(SI_SUB_PROTO_DOMAIN, SI_ORDER_FIRST),
            ])
        );
        let third = s(SI_SUB_PROTO_DOMAIN, SI_ORDER_THIRD);
        let first = s(SI_SUB_PROTO_DOMAIN, SI_ORDER_FIRST);
        for slot in &r.slots {
            let c = r.cell(gif, *slot).expect("cell");
            let f = c.fault.as_ref().map(|f| f.function.as_str());
            if *slot >= third && slot.sub <= SI_SUB_PROTO_IFATTACHDOMAIN {
                assert_eq!(
                    (c.outcome, f),
                    (Outcome::Panic, Some("ip_destroy")),
                    "{}",
                    slot.short()
                );
            } else if *slot < first {
                assert_eq!(
                    (c.outcome, f),
                    (Outcome::PageFault, Some("rib_unsubscribe")),
                    "{}",
                    slot.short()
                );
            }
        }
        assert!(!r.capped, "the seed's pairs fit under the cap");
        assert_eq!(r.simulations, r.total_expected());
        assert_eq!(r.base.as_ref().map(|c| c.outcome), Some(Outcome::PageFault));
        // Under vnet-shutdown every slot is safe for gif (and the other driver destructors):
        // the shutdown stage has already deleted the tunnel. Moving a protocol destructor
        // below rtables_destroy still faults, whatever the stage order.
        let v = explore(&seed, &Lane::new(StageOrder::VnetShutdown)).expect("explore");
        assert_eq!(safe(&v, gif).len(), v.slots.len());
        for row in v.rows.iter().filter(|r| !PROTOCOL_DESTRUCTORS.contains(&r.func.as_str())) {
            assert!(row.cells.iter().all(Cell::is_clean), "{}", row.func);
        }
    }

    impl ExploreResult {
        fn total_expected(&self) -> usize {
            StageOrder::ALL.len() + self.rows.len() * self.slots.len() + self.pairs.len()
        }
    }

    #[test]
    fn explore_fast_path_agrees_with_simulate_on_every_seed_cell() {
        let seed = parse(SEED).expect("seed");
        let base = Lane::new(StageOrder::Legacy);
        let r = explore(&seed, &base).expect("explore");
        for row in &r.rows {
            for (slot, c) in r.slots.iter().zip(&row.cells) {
                let lane = Lane {
                    kernel: base.kernel,
                    order: base.order,
                    extra: vec![(row.func.clone(), *slot)],
                };
                let t = simulate(&seed, &lane).expect("simulate");
                assert_eq!(&cell_of(&t), c, "{} {}", row.func, slot.short());
                assert_eq!(crate::engine::verdict(&seed, &lane), Ok(c.outcome));
            }
        }
        for (o, c) in &r.stages {
            assert_eq!(&cell_of(&simulate(&seed, &Lane::new(*o)).expect("sim")), c);
        }
        // A sample of pairs, too.
        for p in r.pairs.iter().step_by(97) {
            let lane = Lane {
                kernel: base.kernel,
                order: base.order,
                extra: vec![p.a.clone(), p.b.clone()],
            };
            assert_eq!(cell_of(&simulate(&seed, &lane).expect("sim")), p.cell);
        }
    }

    #[test]
    fn explore_destructors_come_from_the_scenario() {
        let r = explore(&parse(SEED).expect("seed"), &Lane::default()).expect("explore");
        let names: Vec<&str> = r.rows.iter().map(|r| r.func.as_str()).collect();
        assert_eq!(
            names,
            [
                "vnet_epair_uninit",
                "vnet_gif_uninit",
                "ip_destroy",
                "ip6_destroy",
                "rtables_destroy"
            ]
        );
        let gre = explore(&sc("gre-route-cache"), &Lane::default()).expect("explore");
        assert!(gre.row("vnet_gre_uninit").is_some() && gre.row("vnet_gif_uninit").is_none());
    }

    /// network.md §6.1 (D32835) and §1.4: without the route cache gif holds nothing in
    /// routing, so the only failure is gif dying while the vnet shuts down, before
    /// ip_destroy scrubs its address (PROTO_DOMAIN/THIRD up to PROTO_IFATTACHDOMAIN, with
    /// the tie rule at THIRD): ip_destroy panics. VNET_DONE is a full detach; every slot
    /// from PROTO_DOMAIN/SECOND down runs after ip_destroy, which is safe.
    #[test]
    fn explore_pre_d32835_and_upstream_gif_safe_sets() {
        for slug in ["pre-d32835-gif", "upstream-gif"] {
            let r = explore(&sc(slug), &Lane::default()).expect("explore");
            let third = s(SI_SUB_PROTO_DOMAIN, SI_ORDER_THIRD);
            let want: BTreeSet<Slot> = r
                .slots
                .iter()
                .copied()
                .filter(|x| *x < third || x.sub == SI_SUB_VNET_DONE)
                .collect();
            assert_eq!(safe(&r, "vnet_gif_uninit"), want, "{slug}");
            for x in r.slots.iter().filter(|x| !want.contains(x)) {
                let c = r.cell("vnet_gif_uninit", *x).expect("cell");
                assert_eq!(c.outcome, Outcome::Panic, "{slug} {}", x.short());
                assert_eq!(c.fault.as_ref().map(|f| f.function.as_str()), Some("ip_destroy"));
            }
        }
    }

    /// network.md §1.3 and §5 with decisions §3: gre's route cache subscribes to the rib,
    /// which rtables_destroy (PROTO_DOMAIN/FIRST) frees. gre has no inner address here, so
    /// ip_destroy has nothing to panic about: every slot from PROTO_DOMAIN/FIRST up (by the
    /// tie rule at FIRST) is safe, and every slot below page-faults in rib_unsubscribe.
    #[test]
    fn explore_gre_route_cache_safe_set() {
        let r = explore(&sc("gre-route-cache"), &Lane::default()).expect("explore");
        let first = s(SI_SUB_PROTO_DOMAIN, SI_ORDER_FIRST);
        let want: BTreeSet<Slot> = r.slots.iter().copied().filter(|x| *x >= first).collect();
        assert_eq!(safe(&r, "vnet_gre_uninit"), want);
        for x in r.slots.iter().filter(|x| **x < first) {
            let c = r.cell("vnet_gre_uninit", *x).expect("cell");
            assert_eq!(c.outcome, Outcome::PageFault, "{}", x.short());
            assert_eq!(c.fault.as_ref().map(|f| f.function.as_str()), Some("rib_unsubscribe"));
        }
    }

    #[test]
    fn explore_is_chunkable_and_deterministic() {
        let seed = parse(SEED).expect("seed");
        let lane = Lane::default();
        let whole = explore(&seed, &lane).expect("explore");
        let mut e = Explorer::new(&seed, &lane).expect("new");
        let mut calls = 0;
        while !e.run(7) {
            calls += 1;
            assert!(e.done() <= e.total());
        }
        assert!(calls > 1);
        assert_eq!(e.done(), e.total());
        assert_eq!(e.result(), &whole);
    }

    #[test]
    fn explore_cap_is_reported() {
        // With today's registry at most 8 destructors qualify (5 drivers, 3 protocols):
        // 3 + 8 x 13 + 28 x 169 = 4,839 simulations, under the cap. A small cap shows the
        // cut-off.
        let seed = parse(SEED).expect("seed");
        let mut e = Explorer::with_cap(&seed, &Lane::default(), 500).expect("new");
        assert_eq!(e.total(), 500);
        assert!(e.run(usize::MAX));
        let r = e.result();
        assert!(r.capped);
        assert_eq!(r.simulations, 500);
        assert_eq!(r.pairs.len(), 500 - 3 - 5 * 13);
        assert_eq!(r.pairs_wanted, 10 * 13 * 13);
        assert!(!explore(&seed, &Lane::default()).expect("explore").capped);
    }

    #[test]
    fn explore_shrinks_the_seed() {
        let seed = parse(SEED).expect("seed");
        let lane = Lane::default();
        let small = shrink(&seed, &lane);
        assert!(small.entries.len() < seed.entries.len(), "{}", print(&small));
        let c = cell(&small, &lane).expect("builds");
        assert_eq!(c.outcome, Outcome::PageFault);
        assert_eq!(c.fault.map(|f| f.function), Some("rib_unsubscribe".to_string()));
        let text = print(&small);
        for needed in
            ["options ROUTE_CACHE", "jail -c name=j1", "gif0 create", "gif0 tunnel", "jail -r j1"]
        {
            assert!(text.contains(needed), "{needed} missing from\n{text}");
        }
        // Minimal: removing any one more (non-teardown) line changes the failure.
        for k in 0..small.entries.len() {
            if matches!(small.entries[k].command, Command::JailRemove { .. }) {
                continue;
            }
            let mut less = small.clone();
            less.entries.remove(k);
            assert_ne!(cell(&less, &lane).ok(), cell(&small, &lane).ok(), "line {k}");
        }
        // Clean scenarios come back unchanged.
        assert_eq!(shrink(&seed, &Lane::new(StageOrder::VnetShutdown)), seed);
    }

    #[test]
    fn explore_suggests_fixes_for_the_seed_cycle() {
        let seed = parse(SEED).expect("seed");
        let lane = Lane::default();
        let r = explore(&seed, &lane).expect("explore");
        let sug = suggestions(&seed, &lane, &r).expect("suggestions");
        assert!(!sug.is_empty());
        let changes: Vec<&Suggestion> = sug.iter().filter(|x| x.lane.lane(&lane) != lane).collect();
        assert_eq!(changes.len(), 2, "{sug:#?}");
        assert!(changes.iter().all(|x| x.cycle.contains("gif0")));
        // The epair pair's raw cycle touches no fault: nothing to fix.
        assert!(sug.iter().any(|x| x.cycle.contains("epair0a") && x.fix.starts_with("Nothing")));
        let stage = sug
            .iter()
            .find(|x| x.lane.order == StageOrder::VnetShutdown)
            .expect("a shutdown-stage fix");
        assert!(stage.fix.contains("phase (b)"), "{}", stage.fix);
        let slot = sug.iter().find(|x| x.lane.extra.is_some()).expect("a slot fix");
        assert_eq!(
            slot.lane.extra,
            Some(("vnet_gif_uninit".to_string(), s(SI_SUB_PROTO_DOMAIN, SI_ORDER_SECOND)))
        );
        for x in &changes {
            let t = simulate(&seed, &x.lane.lane(&lane)).expect("sim");
            assert_eq!(t.outcome, Outcome::Clean, "{}", x.fix);
        }
        // A clean lane needs no slot fix.
        let v = Lane::new(StageOrder::VnetShutdown);
        let rv = explore(&seed, &v).expect("explore");
        assert!(suggestions(&seed, &v, &rv).expect("ok").iter().all(|x| x.lane.extra.is_none()));
    }
}
