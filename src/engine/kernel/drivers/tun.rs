//! tun (sys/net/if_tuntap.c, shared with tap): one file, three per-vnet cloners (tun, tap and
//! vmnet), attached by `vnet_tun_init` and detached together by `vnet_tun_uninit` at
//! (SI_SUB_PROTO_IF, SI_ORDER_ANY) [V]. Each interface has a character device
//! (/dev/tunN, /dev/tapN) that the destroy path removes with destroy_dev; `tun_destroy`
//! first waits while the device is open (tun_busy) [V]. No `if_reassign` hook, no parent,
//! no departure handler [V].
//!
//! Invariants: tun and tap (`tap.rs`) share one destructor registration (`vnet_tun_uninit`), so
//! its cloner detach destroys the clones of both; the model's processes hold no open
//! tun or tap device, so tun_destroy never waits here [I].

use super::Spec;
use crate::engine::kernel::si::*;
use crate::engine::teardown::registry::{Action, h};
use crate::engine::trace::Driver;

pub(crate) const UNINIT: crate::engine::teardown::registry::Builtin = h(
    "vnet_tun_uninit",
    SI_SUB_PROTO_IF,
    SI_ORDER_ANY,
    "sys/net/if_tuntap.c",
    Action::Cloner(Driver::Tun),
    "detaches the tun, tap and vmnet cloners",
);

pub const SPEC: Spec = Spec {
    driver: Driver::Tun,
    file: "sys/net/if_tuntap.c",
    destroy_fn: "tun_clone_destroy",
    reassign_fn: None,
    cloner: Some(UNINIT),
    module: Some("if_tuntap"),
    tunnel: None,
    members: None,
    also: None,
    prison_remove: Some("tuntap_prison_remove"),
};

/// What tun_clone_destroy does beyond the common detach, for the narration.
pub const DESTROY_NOTE: &str = "tun_destroy marks the softc dying, would wait while the device is open \
     (no process of the model holds it open [I]), removes the device with destroy_dev, detaches and \
     frees the interface [V if_tuntap.c].";
