//! The native integration tests, as one binary (one link instead of twelve): the engine's
//! scenario files and snapshots, presets, unseen scenarios, the reproducers (export),
//! property tests (engine, script, links, with shared strategies), the CLI, the reducer,
//! SSR snapshots and the architecture invariants.
//!
//! Invariants: every test here runs natively; snapshot tests fail under CI when a
//! snapshot is missing instead of writing it.
#![cfg(not(target_arch = "wasm32"))]

mod boundaries;
mod canvas_props;
mod cli;
mod common;
mod drivers;
mod engine_presets;
mod engine_props;
mod engine_sim;
mod engine_snapshots;
mod engine_truth;
mod engine_unseen;
mod export;
mod import;
mod link_props;
mod releases;
mod script_props;
mod share_ui;
mod strategies;
mod ui_ssr;
mod ui_state;
