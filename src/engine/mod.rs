//! The simulation engine: pure, deterministic Rust with no browser, clock or randomness.
//!
//! Invariants (enforced by `tests/boundaries.rs`): no file under `src/engine` names
//! yew, web_sys, gloo, wasm_bindgen or js_sys. The same input always gives the same
//! trace. Outside `graph.rs`, objects are named by our own `ObjId`, never by petgraph
//! indices.
//!
//! Entry points: `simulate` (the whole trace), `verdict` (the outcome only, for the
//! explorer), `build` + `summarize` (the scenario as built, for the canvas).

pub mod explore;
pub mod input;
pub mod kernel;
pub mod presets;
pub mod render;
pub mod teardown;
pub mod trace;

pub use explore::{ExploreResult, Explorer, explore, shrink};
pub use input::scenario::*;
pub use input::summary::{Summary, build, summarize};
pub use kernel::BuildError;
pub use presets::{Preset, presets};
pub use teardown::{Lane, simulate, verdict};
pub use trace::graph::{Cycle, DepGraph, graph_at};
pub use trace::*;
