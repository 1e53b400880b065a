//! What the user gives the engine: the serde `Scenario` (commands, comments, canvas
//! positions), its text form (`script`: parse with line:column errors, canonical print),
//! and the built scenario as the canvas shows it (`summary`).
//!
//! Invariants: `parse(print(s)) == s` for every scenario; printing twice gives the same
//! text; nothing here simulates a teardown.

pub mod canvas;
pub mod scenario;
pub mod script;
pub mod summary;
