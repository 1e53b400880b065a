//! lo, the loopback (sys/net/if_loop.c): `vnet_loif_init` creates lo0 in every vnet at
//! (SI_SUB_PROTO_IF, SI_ORDER_ANY) and `vnet_loif_uninit` detaches the cloner, destroying
//! lo0, at (SI_SUB_INIT_IF, SI_ORDER_SECOND) [V]. The kernel gives lo0 no address.
//!
//! Invariants: lo0 cannot be destroyed by hand (SIOCIFDESTROY: EINVAL); it holds no
//! references beyond the common ones.

use super::Spec;
use crate::engine::kernel::si::*;
use crate::engine::teardown::registry::{Action, h};
use crate::engine::trace::Driver;

pub const SPEC: Spec = Spec {
    driver: Driver::Lo,
    file: "sys/net/if_loop.c",
    destroy_fn: "lo_clone_destroy",
    reassign_fn: None,
    cloner: Some(h(
        "vnet_loif_uninit",
        SI_SUB_INIT_IF,
        SI_ORDER_SECOND,
        "sys/net/if_loop.c",
        Action::Cloner(Driver::Lo),
        "destroys lo0 and clears V_loif",
    )),
    module: None,
    tunnel: None,
    members: None,
    also: None,
    prison_remove: None,
};
