//! lagg, link aggregation (sys/net/if_lagg.c): `vnet_lagg_uninit` detaches the lagg
//! cloner at (SI_SUB_INIT_IF, SI_ORDER_ANY); the cloner is attached at
//! (SI_SUB_PROTO_IFATTACHDOMAIN, SI_ORDER_ANY) [V]. `ifconfig lagg0 laggport IF` runs
//! lagg_port_create, which takes an `if_ref` on the port and takes it over (its type,
//! ioctl and output functions, `if_lagg`); the global departure handler
//! `lagg_port_ifdetach` removes a departing port, and lagg_clone_destroy removes every
//! port before the detach; lagg_port_destroy releases the reference after an epoch
//! (NET_EPOCH_CALL) [V]. No `if_reassign` hook [V].
//!
//! Invariants: as for every aggregate (`member.rs`); the model drops the port reference
//! at lagg_port_destroy rather than one epoch later [I].

use super::Spec;
use super::member::MemberSpec;
use crate::engine::kernel::si::*;
use crate::engine::teardown::registry::{Action, h};
use crate::engine::trace::Driver;

pub const SPEC: Spec = Spec {
    driver: Driver::Lagg,
    file: "sys/net/if_lagg.c",
    destroy_fn: "lagg_clone_destroy",
    reassign_fn: None,
    cloner: Some(h(
        "vnet_lagg_uninit",
        SI_SUB_INIT_IF,
        SI_ORDER_ANY,
        "sys/net/if_lagg.c",
        Action::Cloner(Driver::Lagg),
        "detaches the lagg cloner",
    )),
    module: Some("if_lagg"),
    tunnel: None,
    members: Some(MemberSpec {
        words: ("laggport", "-laggport"),
        ioctl: "SIOCSLAGGPORT",
        del_fn: "lagg_port_destroy",
        departure_fn: "lagg_port_ifdetach",
        edge: "lp_ifp",
        primary_lladdr: true,
        counted: true,
        back: "if_lagg",
    }),
    also: None,
    prison_remove: None,
};
