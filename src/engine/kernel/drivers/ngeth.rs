//! ng_eiface (sys/netgraph/ng_eiface.c): a netgraph node with an Ethernet interface,
//! ngethN, made by `ngctl mkpeer . eiface hook ether`, not by a cloner. The node lives in
//! the vnet that made it (its `home` here); `vnet_netgraph_uninit`
//! (sys/netgraph/ng_base.c) at (SI_SUB_NETGRAPH, SI_ORDER_FIRST) shuts down every node
//! of a dying vnet, and ng_eiface_rmnode detaches and frees the node's interface in
//! whatever vnet it is in [V]. `vnet_ng_eiface_uninit` at (SI_SUB_INIT_IF, SI_ORDER_ANY)
//! only deletes the unit allocator [V]. No `if_reassign` hook [V]. PR 238326 reports host
//! panics when netgraph vnet jails stop; its cause is not in the source the model has
//! read, and the model does not claim one [I].
//!
//! Invariants: an ngeth's unit is the lowest free among the ngeths of the vnet that made
//! it; `ifconfig ngethN destroy` fails (no cloner), `ngctl shutdown ngethN:` destroys it.

use super::Spec;
use crate::engine::kernel::si::*;
use crate::engine::kernel::*;
use crate::engine::teardown::registry::{Action, h};

pub const SPEC: Spec = Spec {
    driver: Driver::Ngeth,
    file: "sys/netgraph/ng_eiface.c",
    destroy_fn: "ng_eiface_rmnode",
    reassign_fn: None,
    cloner: Some(h(
        "vnet_netgraph_uninit",
        SI_SUB_NETGRAPH,
        SI_ORDER_FIRST,
        "sys/netgraph/ng_base.c",
        Action::Cloner(Driver::Ngeth),
        "shuts down every netgraph node of this vnet (ng_rmnode)",
    )),
    module: Some("ng_eiface"),
    tunnel: None,
    members: None,
    also: Some(UNIT_UNINIT),
    prison_remove: None,
};

/// `vnet_ng_eiface_uninit`: registered with the module, frees nothing of ours.
pub const UNIT_UNINIT: crate::engine::teardown::registry::Builtin = h(
    "vnet_ng_eiface_uninit",
    SI_SUB_INIT_IF,
    SI_ORDER_ANY,
    "sys/netgraph/ng_eiface.c",
    Action::Nothing,
    "deletes the vnet's ngeth unit allocator (delete_unrhdr)",
);

/// `ngctl mkpeer . eiface hook ether` in `vnet`: a node and ngethN, N the lowest unit
/// free there (the per-vnet V_ng_eiface_unit) [V]. Returns the interface's name.
pub(crate) fn mkpeer(w: &mut World, i: usize, vnet: ObjId) -> Result<String, BuildError> {
    let taken = |u: u32| {
        w.objs.iter().any(|o| {
            matches!(&o.data, Data::Ifnet(f) if f.driver == Driver::Ngeth && f.home == vnet
                && !f.destroyed && f.unit == Some(u))
        })
    };
    let unit = lowest_free_unit(taken);
    let name = format!("ngeth{unit}");
    if w.vn(vnet).names.contains_key(&name) {
        return Err(berr(
            i,
            format!(
                "ngctl: mkpeer: an interface named {name} is already here (loaned in); the eiface unit \
                 allocator is per vnet, so FreeBSD would attach a second {name} [V ng_eiface.c]; the model \
                 keeps interface names unique per vnet and cannot follow"
            ),
        ));
    }
    w.create_ifnet(vnet, Driver::Ngeth, &name, Some(unit));
    Ok(name)
}

/// The narration sentence for an eiface destroyed with its node.
pub const DESTROY_NOTE: &str = "ng_eiface_rmnode detaches and frees the node's interface in its own vnet \
     (CURVNET_SET to the interface's vnet) and returns the unit to the node's vnet [V ng_eiface.c].";
