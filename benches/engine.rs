//! Criterion benchmarks of the engine (filled in by the engine work).
fn main() {}
