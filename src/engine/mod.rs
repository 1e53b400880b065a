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
pub mod explore_render;
pub mod graph;
pub mod idmap;
pub mod json;
pub mod kernel;
pub mod order;
pub mod presets;
pub mod registry;
pub mod render;
pub mod scenario;
pub mod script;
pub mod si;
pub mod sim;
pub mod summary;
pub mod trace;
pub mod vecmap;

pub use explore::{ExploreResult, Explorer, explore, shrink};
pub use graph::{Cycle, DepGraph, graph_at};
pub use kernel::BuildError;
pub use presets::{Preset, presets};
pub use scenario::*;
pub use sim::{Lane, simulate, verdict};
pub use summary::{Summary, build, summarize};
pub use trace::*;
