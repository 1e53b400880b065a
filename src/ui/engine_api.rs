//! The UI's one door into the engine: parse/print the script, simulate a lane, list the
//! presets and the drivers' destructors.
//!
//! Invariants:
//! - Every other UI module reaches the engine's functions through here, so an engine
//!   rename touches this file only. Engine *types* (Scenario, Trace, …) are used directly.
//! - Everything here is pure and deterministic; nothing here touches the browser.

use crate::engine::Driver;
use crate::engine::si::Slot;
pub use crate::engine::{Scenario, StageOrder, Trace};

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
    crate::engine::script::parse_with_lines(text).map_err(|e| ScriptError {
        line: e.line,
        column: e.column,
        message: e.message,
    })
}

/// The canonical script of a scenario.
pub fn print(sc: &Scenario) -> String {
    crate::engine::script::print(sc)
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
    all.sort_by_key(|p| p.slug != SEED);
    all
}

/// The destructor (VNET_SYSUNINIT function) of a driver's cloner and its built-in slot,
/// for the inspector's what-if select.
pub fn destructor(driver: Driver) -> Option<(&'static str, Slot)> {
    use crate::engine::registry::{Action, BUILTINS};
    BUILTINS
        .iter()
        .find(|(_, _, _, action, _)| *action == Action::Cloner(driver))
        .map(|(func, slot, _, _, _)| (*func, *slot))
}
