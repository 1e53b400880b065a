//! What the user gives the engine: the serde `Scenario` (commands, comments, canvas
//! positions), its text form (`script`: parse with line:column errors, canonical print),
//! the built scenario as the canvas shows it (`summary`), and a real system's state
//! (`jls`, `ifconfig -a`, `netstat -rn`) imported as a scenario (`import`).
//!
//! Invariants: `parse(print(s)) == s` for every scenario; printing twice gives the same
//! text; nothing here simulates a teardown.

pub mod canvas;
pub mod import;
pub mod scenario;
pub mod script;
pub mod summary;
