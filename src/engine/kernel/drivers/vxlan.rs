//! vxlan (sys/net/if_vxlan.c): one global cloner attached in vnet0 at module load, so a
//! vnet jail cannot find it and `ifconfig vxlanN create` there fails with EINVAL [V
//! if_clone.c]; older kernels fell back to vnet0's cloner, and such a vxlan leaked.
//!
//! Invariants: a vxlan exists only in vnet0; it gets no route cache (the prototype names
//! vxlan only as future work).

use super::Spec;
use crate::engine::trace::Driver;

pub const SPEC: Spec = Spec {
    driver: Driver::Vxlan,
    file: "sys/net/if_vxlan.c",
    destroy_fn: "vxlan_clone_destroy",
    reassign_fn: None,
    // The cloner is global (vnet0 only): no per-vnet detach runs in a jail's teardown.
    cloner: None,
    module: None,
    tunnel: None,
    members: None,
    also: None,
    prison_remove: None,
};

/// The error `ifconfig vxlanN create` gets inside a vnet jail.
pub const IN_JAIL: &str = "ifconfig: SIOCIFCREATE2: Invalid argument. vxlan has one global cloner in vnet0, so a vnet jail \
     cannot find it; older kernels fell back to vnet0's cloner, and the vxlan they made in the jail \
     leaked when the jail died [V if_clone.c].";
