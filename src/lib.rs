//! vnet-playground: a FreeBSD jail/VNET teardown simulator with a browser front end.
//!
//! `engine` and `share` are pure and deterministic, and are tested natively; `ui` is the
//! only code that touches the browser (see ARCHITECTURE.md).

#[deny(clippy::unwrap_used)]
pub mod engine;
#[deny(clippy::unwrap_used)]
pub mod share;
#[deny(clippy::unwrap_used)]
pub mod support;
pub mod ui;
