//! The UI's one door into the engine: parse/print the script, simulate a lane, list the
//! presets and the drivers' destructors.
//!
//! Invariants:
//! - Every other UI module reaches the engine's functions through here, so an engine
//!   rename touches this file only. Engine *types* (Scenario, Trace, …) are used directly.
//! - Everything here is pure and deterministic; nothing here touches the browser.
//! - Per-step views and cycles are memoised per trace (`view_at`, `cycles_at`): a step
//!   move applies only the steps between (engine `ViewCache`), and cycles are recomputed
//!   only when the set of graph edges changes. The memo is keyed by the trace's `Rc`
//!   and forgets traces that were dropped.

use crate::engine::kernel::si::Slot;
use crate::engine::{Cycle, Driver, EdgeId, View, ViewCache};
pub use crate::engine::{Scenario, StageOrder, Trace};
use std::cell::RefCell;
use std::rc::{Rc, Weak};

/// A script error at a 1-based line and column (characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A scenario the engine could not build, at the entry (and so the script line) that failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    pub entry: usize,
    pub message: String,
}

/// One lane of the player: a stage order plus extra destructor re-registrations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaneSpec {
    pub order: StageOrder,
    pub extra: Vec<(String, Slot)>,
}

impl LaneSpec {
    pub fn new(order: StageOrder) -> LaneSpec {
        LaneSpec { order, extra: Vec::new() }
    }
}

/// Parses a script; also returns the 1-based line of each entry.
pub fn parse(text: &str) -> Result<(Scenario, Vec<usize>), ScriptError> {
    crate::engine::input::script::parse_with_lines(text).map_err(|e| ScriptError {
        line: e.line,
        column: e.column,
        message: e.message,
    })
}

/// The canonical script of a scenario.
pub fn print(sc: &Scenario) -> String {
    crate::engine::input::script::print(sc)
}

/// Simulates the teardown of a scenario in one lane.
pub fn simulate(sc: &Scenario, lane: &LaneSpec) -> Result<Trace, BuildError> {
    let lane = crate::engine::Lane { order: lane.order, extra: lane.extra.clone() };
    crate::engine::simulate(sc, &lane)
        .map_err(|e| BuildError { entry: e.entry, message: e.message })
}

/// The dependency cycles (strongly connected components) among the live objects after
/// `step` steps, each with the engine's sentence explaining it.
pub fn cycles(trace: &Trace, step: usize) -> Vec<crate::engine::Cycle> {
    crate::engine::graph_at(trace, step).cycles()
}

/// What is memoised for one trace.
struct Memo {
    trace: Weak<Trace>,
    cache: ViewCache,
    cycles: Option<(Vec<EdgeId>, Rc<Vec<Cycle>>)>,
}

thread_local! {
    static MEMO: RefCell<Vec<Memo>> = const { RefCell::new(Vec::new()) };
}

fn with_memo<R>(trace: &Rc<Trace>, f: impl FnOnce(&mut Memo) -> R) -> R {
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        m.retain(|e| e.trace.strong_count() > 0);
        let i = match m.iter().position(|e| e.trace.as_ptr() == Rc::as_ptr(trace)) {
            Some(i) => i,
            None => {
                m.push(Memo {
                    trace: Rc::downgrade(trace),
                    cache: ViewCache::default(),
                    cycles: None,
                });
                m.len() - 1
            }
        };
        f(&mut m[i])
    })
}

/// Runs `f` on the object graph after `step` steps: equal to `trace.view_at(step)`, but
/// incremental, and borrowed from the memo rather than copied. `f` must not call back
/// into this module.
pub fn with_view<R>(trace: &Rc<Trace>, step: usize, f: impl FnOnce(&View) -> R) -> R {
    with_memo(trace, |m| f(m.cache.view_at(trace, step)))
}

/// `cycles(trace, step)`, recomputed only when the graph's edge set changes; when it only
/// lost edges, the search runs inside the earlier cycles alone (`graph::cycles_since`).
pub fn cycles_at(trace: &Rc<Trace>, step: usize) -> Rc<Vec<Cycle>> {
    use crate::engine::trace::graph;
    with_memo(trace, |m| {
        let view = m.cache.view_at(trace, step);
        let key = graph::graph_edges(trace, view);
        let c = match &m.cycles {
            Some((k, c)) if *k == key => return c.clone(),
            Some((k, c)) => match graph::cycles_since(trace, view, &key, k, c) {
                Some(now) if now == **c => c.clone(),
                Some(now) => Rc::new(now),
                None => Rc::new(graph::graph_of(trace, view).cycles()),
            },
            None => Rc::new(graph::graph_of(trace, view).cycles()),
        };
        m.cycles = Some((key, c.clone()));
        c
    })
}

/// One preset of the gallery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresetInfo {
    pub slug: String,
    pub title: String,
    pub story: String,
    /// (label, URL) of the mail, reviews and commits behind it.
    pub sources: Vec<(String, String)>,
    pub script: String,
}

/// The slug of the scenario a first-time visitor sees.
pub const SEED: &str = "seed-gif-route-cache";

/// Every preset of the engine, the seed first.
pub fn presets() -> Vec<PresetInfo> {
    let mut all: Vec<PresetInfo> = crate::engine::presets::presets()
        .iter()
        .map(|p| PresetInfo {
            slug: p.slug.to_string(),
            title: p.title.to_string(),
            story: p.story.to_string(),
            sources: p.sources.iter().map(|(l, u)| (l.to_string(), u.to_string())).collect(),
            script: p.script.to_string(),
        })
        .collect();
    crate::support::order::sort_by_key(&mut all, |p| p.slug != SEED);
    all
}

/// The destructor (VNET_SYSUNINIT function) of a driver's cloner and its built-in slot,
/// for the inspector's what-if select.
pub fn destructor(driver: Driver) -> Option<(&'static str, Slot)> {
    use crate::engine::teardown::registry::{Action, BUILTINS};
    BUILTINS
        .iter()
        .find(|(_, _, _, action, _)| *action == Action::Cloner(driver))
        .map(|(func, slot, _, _, _)| (*func, *slot))
}

// ---- The order explorer (issue 6) ----

pub use crate::engine::explore::{Cell, ExploreResult, Explorer, FaultAt, Suggestion};

impl LaneSpec {
    /// This lane plus one more re-registration: what clicking an explorer cell opens in
    /// lane B (decisions §24).
    pub fn with_extra(&self, func: &str, slot: Slot) -> LaneSpec {
        let mut extra = self.extra.clone();
        extra.push((func.to_string(), slot));
        LaneSpec { order: self.order, extra }
    }
}

fn engine_lane(lane: &LaneSpec) -> crate::engine::Lane {
    crate::engine::Lane { order: lane.order, extra: lane.extra.clone() }
}

/// A chunkable explorer run for a scenario and a lane (drive it with [`explore_chunk`]).
pub fn explorer(sc: &Scenario, lane: &LaneSpec) -> Result<Explorer, BuildError> {
    Explorer::new(sc, &engine_lane(lane))
        .map_err(|e| BuildError { entry: e.entry, message: e.message })
}

/// Runs at most `budget` simulations of `e`; true once the run is complete.
pub fn explore_chunk(e: &mut Explorer, budget: usize) -> bool {
    e.run(budget)
}

/// The whole explorer run at once (tests, snapshots).
pub fn explore(sc: &Scenario, lane: &LaneSpec) -> Result<ExploreResult, BuildError> {
    crate::engine::explore(sc, &engine_lane(lane))
        .map_err(|e| BuildError { entry: e.entry, message: e.message })
}

/// The minimal counterexample: the smallest scenario failing the same way in `lane`.
pub fn shrink(sc: &Scenario, lane: &LaneSpec) -> Scenario {
    crate::engine::shrink(sc, &engine_lane(lane))
}

/// One suggestion per dependency cycle at step 0 (empty if the scenario does not build).
pub fn suggestions(sc: &Scenario, lane: &LaneSpec, result: &ExploreResult) -> Vec<Suggestion> {
    crate::engine::explore::suggestions(sc, &engine_lane(lane), result).unwrap_or_default()
}

/// The lane a suggestion's "Try it" opens: the base lane's extras plus the suggestion's.
pub fn suggestion_lane(s: &Suggestion, base: &LaneSpec) -> LaneSpec {
    let l = s.lane.lane(&engine_lane(base));
    LaneSpec { order: l.order, extra: l.extra }
}

/// `vnet_gif_uninit` → `gif`: the short column heading of a destructor.
pub fn short_func(func: &str) -> String {
    crate::engine::explore::report::short_func(func)
}
