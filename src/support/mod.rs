//! Crate-wide helpers with no kernel knowledge: one stable sort, ordered maps and sets
//! over sorted `Vec`s, a dense id map, and a small JSON writer.
//!
//! Invariants: everything here is pure and deterministic (no clock, no randomness, no
//! hash-ordered containers), so the engine, the codecs and the UI can all use it; each
//! type iterates in key order, the same order a `BTreeMap` would give.

pub mod idmap;
pub mod json;
pub mod order;
pub mod vecmap;
