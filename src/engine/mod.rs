//! The simulation engine: pure, deterministic Rust with no browser, clock or randomness.
//!
//! Invariants (enforced by `tests/boundaries.rs`): no file under `src/engine` names
//! yew, web_sys, gloo, wasm_bindgen or js_sys. The same input always gives the same
//! trace. Outside `graph.rs`, objects are named by our own `ObjId`, never by petgraph
//! indices.
//!
//! This module is the engine's API: the UI and the CLI use what it re-exports.
//! Entry points: `parse_script`/`print_script` (the text form), `simulate` (the whole
//! trace), `verdict` (the outcome only, for the explorer), `build` + `summarize` (the
//! scenario as built), `input::canvas` (the canvas model and its edits), `Explorer` and
//! `explore::report` (the order explorer), `gallery` (the presets, seed first),
//! `destructor` (a driver's cloner registration), `render` (a trace as text, Markdown or
//! JSON) and `reproduce` (a scenario as sh, ATF or jail.conf for a real FreeBSD host).

pub mod explore;
pub mod input;
pub mod kernel;
pub mod presets;
pub mod render;
pub mod teardown;
pub mod trace;

pub use explore::{Cell, ExploreResult, Explorer, FaultAt, Suggestion, explore, shrink};
pub use input::scenario::*;
pub use input::script::{
    ScriptError, member_words, parse_with_lines as parse_script, print as print_script,
};
pub use input::summary::{Summary, build, summarize};
pub use kernel::BuildError;
pub use kernel::drivers::vlan::MAX_TAG as VLAN_MAX_TAG;
pub use kernel::drivers::{destructor, hooks_of as driver_hooks};
pub use kernel::release::{self, Release};
pub use presets::{Group, Preset, SEED_SLUG, gallery, presets};
pub use render::reproduce;
pub use teardown::{Lane, simulate, verdict};
pub use trace::graph::{Cycle, DepGraph, graph_at};
pub use trace::*;
