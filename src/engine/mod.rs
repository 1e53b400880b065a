//! The simulation engine: pure, deterministic Rust with no browser, clock or randomness.
//!
//! Invariants (enforced by `tests/boundaries.rs`): no file under `src/engine` names
//! yew, web_sys, gloo, wasm_bindgen or js_sys. The same input always gives the same
//! trace. Outside `graph.rs`, objects are named by our own `ObjId`, never by petgraph
//! indices.

pub mod render;
pub mod scenario;
pub mod script;
pub mod si;
pub mod trace;

pub use scenario::*;
pub use trace::*;
