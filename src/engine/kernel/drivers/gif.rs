//! gif (sys/net/if_gif.c): `vnet_gif_uninit` detaches the gif cloner and frees gif's hash
//! tables at (SI_SUB_PSEUDO, SI_ORDER_ANY) [V]; before D32835 it sat at
//! (SI_SUB_PROTO_IFATTACHDOMAIN, SI_ORDER_ANY). Under VIMAGE the driver sets
//! `if_reassign = gif_reassign`, which deletes the tunnel of a gif moved to another vnet.
//! The tunnel itself, and the route-cache prototype, are in `tunnel.rs`.
//!
//! Invariants: a gif's tunnel objects belong to the vnet it sits in; a move always
//! deletes them (gif_reassign), with or without ROUTE_CACHE.

use super::Spec;
use crate::engine::kernel::si::*;
use crate::engine::teardown::registry::{Action, h};
use crate::engine::trace::Driver;

pub const SPEC: Spec = Spec {
    driver: Driver::Gif,
    file: "sys/net/if_gif.c",
    destroy_fn: "gif_clone_destroy",
    reassign_fn: Some("gif_reassign"),
    cloner: Some(h(
        "vnet_gif_uninit",
        SI_SUB_PSEUDO,
        SI_ORDER_ANY,
        "sys/net/if_gif.c",
        Action::Cloner(Driver::Gif),
        "detaches the gif cloner and frees gif's hash tables",
    )),
    module: None,
    tunnel: Some(super::TunnelSpec {
        delete_fn: "gif_delete_tunnel",
        inet6: true,
        route_cache: Some(("gif_rs", "gif_rc")),
    }),
    members: None,
    also: None,
    prison_remove: None,
};
