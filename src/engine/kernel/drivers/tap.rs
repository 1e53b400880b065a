//! tap (sys/net/if_tuntap.c): the Ethernet twin of tun, from the same file; its cloner
//! is attached by `vnet_tun_init` and detached by `vnet_tun_uninit` at (SI_SUB_PROTO_IF,
//! SI_ORDER_ANY) together with tun's [V]. Everything else is as for tun (`tun.rs`).
//!
//! Invariants: tap's registration is tun's (`tun::UNINIT`), so one destructor step
//! destroys both drivers' clones.

use super::Spec;
use crate::engine::trace::Driver;

pub const SPEC: Spec = Spec {
    driver: Driver::Tap,
    file: "sys/net/if_tuntap.c",
    destroy_fn: "tun_clone_destroy",
    reassign_fn: None,
    cloner: Some(super::tun::UNINIT),
    module: Some("if_tuntap"),
    tunnel: None,
    members: None,
    also: None,
    prison_remove: Some("tuntap_prison_remove"),
};
