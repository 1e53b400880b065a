//! Pure codecs for links and exports. No browser calls.
//!
//! Invariants: everything here is a pure function of its input; decoding never panics
//! on any input, and every failure is a [`LinkError`] whose message tells a person what
//! went wrong and how to recover.

pub mod link;

pub use link::{LaneState, LinkError, LinkState, decode, encode, wrap_link_for_mail};
