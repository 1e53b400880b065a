//! gre (sys/net/if_gre.c): `vnet_gre_uninit` detaches the gre cloner at
//! (SI_SUB_PROTO_IFATTACHDOMAIN, SI_ORDER_ANY) [V]. Under VIMAGE `gre_reassign` deletes the
//! tunnel of a gre moved to another vnet. The tunnel and the route-cache prototype are in
//! `tunnel.rs`.
//!
//! Invariants: as for gif, a move always deletes the tunnel.

use super::Spec;
use crate::engine::kernel::si::*;
use crate::engine::teardown::registry::{Action, h};
use crate::engine::trace::Driver;

pub const SPEC: Spec = Spec {
    driver: Driver::Gre,
    file: "sys/net/if_gre.c",
    destroy_fn: "gre_clone_destroy",
    reassign_fn: Some("gre_reassign"),
    cloner: Some(h(
        "vnet_gre_uninit",
        SI_SUB_PROTO_IFATTACHDOMAIN,
        SI_ORDER_ANY,
        "sys/net/if_gre.c",
        Action::Cloner(Driver::Gre),
        "detaches the gre cloner",
    )),
    module: None,
    tunnel: Some(super::TunnelSpec {
        delete_fn: "gre_delete_tunnel",
        inet6: true,
        route_cache: Some(("gre_rs", "gre_rc")),
    }),
    members: None,
    also: None,
    prison_remove: None,
};
