//! ovpn, OpenVPN data channel offload (sys/net/if_ovpn.c): `vnet_ovpn_uninit` detaches
//! the cloner at (SI_SUB_PSEUDO, SI_ORDER_ANY) [V]. Peers, keys and the UDP socket they
//! share come from the openvpn daemon's ioctls; `ovpn_reassign` deletes every peer when
//! the interface moves, and ovpn_clone_destroy deletes them before the detach [V].
//!
//! Invariants: the model creates ovpn interfaces without peers (the daemon is not
//! modelled), so an ovpn holds no socket here and its destroy frees nothing else [I].

use super::Spec;
use crate::engine::kernel::si::*;
use crate::engine::teardown::registry::{Action, h};
use crate::engine::trace::Driver;

pub const SPEC: Spec = Spec {
    driver: Driver::Ovpn,
    file: "sys/net/if_ovpn.c",
    destroy_fn: "ovpn_clone_destroy",
    reassign_fn: Some("ovpn_reassign"),
    cloner: Some(h(
        "vnet_ovpn_uninit",
        SI_SUB_PSEUDO,
        SI_ORDER_ANY,
        "sys/net/if_ovpn.c",
        Action::Cloner(Driver::Ovpn),
        "detaches the ovpn cloner",
    )),
    module: Some("if_ovpn"),
    tunnel: None,
    members: None,
    also: None,
    prison_remove: Some("ovpn_prison_remove"),
};

/// ovpn_reassign, for the narration: peers would go; the model's ovpn has none.
pub(crate) fn reassign(name: &str) -> String {
    format!(
        "ovpn_reassign deletes {name}'s peers and their socket; the model's ovpn has none, since the openvpn \
         daemon that adds them is not modelled [V if_ovpn.c, I]"
    )
}
