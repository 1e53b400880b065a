//! if_bridge (sys/net/if_bridge.c): `vnet_bridge_uninit` detaches the bridge cloner at
//! (SI_SUB_PSEUDO, SI_ORDER_ANY) [V]. Members are not modelled yet, so a bridge holds
//! no references beyond the common ones.
//!
//! Invariants: a bridge is destroyed by its home vnet's cloner detach like any clone.

use super::Spec;
use crate::engine::kernel::si::*;
use crate::engine::teardown::registry::{Action, h};
use crate::engine::trace::Driver;

pub const SPEC: Spec = Spec {
    driver: Driver::Bridge,
    file: "sys/net/if_bridge.c",
    destroy_fn: "bridge_clone_destroy",
    reassign_fn: Some("bridge_reassign"),
    cloner: Some(h(
        "vnet_bridge_uninit",
        SI_SUB_PSEUDO,
        SI_ORDER_ANY,
        "sys/net/if_bridge.c",
        Action::Cloner(Driver::Bridge),
        "detaches the bridge cloner",
    )),
};
