//! ipsec (sys/net/if_ipsec.c): `vnet_ipsec_uninit` at (SI_SUB_PROTO_IFATTACHDOMAIN,
//! SI_ORDER_ANY) first detaches the cloner (destroying this vnet's ipsec interfaces) and
//! only then frees the per-vnet id and source hash tables [V]. Under VIMAGE
//! `ipsec_reassign` deletes the tunnel of a moved interface (ipsec_delete_tunnel, which
//! also unregisters its security policies) [V].
//!
//! Invariants: an ipsec tunnel is deleted before its tables are freed, in every order;
//! the security policies (SPDB) are not modelled.

use super::{Spec, TunnelSpec};
use crate::engine::kernel::si::*;
use crate::engine::teardown::registry::{Action, h};
use crate::engine::trace::Driver;

pub const SPEC: Spec = Spec {
    driver: Driver::Ipsec,
    file: "sys/net/if_ipsec.c",
    destroy_fn: "ipsec_clone_destroy",
    reassign_fn: Some("ipsec_reassign"),
    cloner: Some(h(
        "vnet_ipsec_uninit",
        SI_SUB_PROTO_IFATTACHDOMAIN,
        SI_ORDER_ANY,
        "sys/net/if_ipsec.c",
        Action::Cloner(Driver::Ipsec),
        "detaches the ipsec cloner, then frees ipsec's hash tables",
    )),
    module: Some("ipsec"),
    tunnel: Some(TunnelSpec { delete_fn: "ipsec_delete_tunnel", inet6: true, route_cache: None }),
    members: None,
    also: None,
    prison_remove: None,
};
