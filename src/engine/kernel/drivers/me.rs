//! me, minimal encapsulation (sys/net/if_me.c): `vnet_me_uninit` at
//! (SI_SUB_PROTO_IFATTACHDOMAIN, SI_ORDER_ANY). Unlike gre and ipsec it frees the
//! per-vnet tunnel hash tables (`V_me_hashtbl`, `V_me_srchashtbl`, allocated by the first
//! me_set_tunnel) *before* it detaches the cloner, and the cloner detach runs
//! me_clone_destroy → me_delete_tunnel, which unlinks a configured tunnel from those
//! tables (CK_LIST_REMOVE) [V if_me.c]. The model reads that as a write to freed memory
//! [I]: no report of it was found. `me_reassign` deletes the tunnel of a moved
//! interface [V]. IPv4 only [V].
//!
//! Invariants: the tables object exists in a vnet from its first me tunnel until
//! vnet_me_uninit; a configured me points into it (raw), and deleting its tunnel after
//! the tables are freed is a use-after-free.

use super::{Spec, TunnelSpec};
use crate::engine::kernel::si::*;
use crate::engine::kernel::*;
use crate::engine::teardown::registry::{Action, h};

pub const SPEC: Spec = Spec {
    driver: Driver::Me,
    file: "sys/net/if_me.c",
    destroy_fn: "me_clone_destroy",
    reassign_fn: Some("me_reassign"),
    cloner: Some(h(
        "vnet_me_uninit",
        SI_SUB_PROTO_IFATTACHDOMAIN,
        SI_ORDER_ANY,
        "sys/net/if_me.c",
        Action::Cloner(Driver::Me),
        "frees me's tunnel hash tables, then detaches the me cloner",
    )),
    module: Some("if_me"),
    tunnel: Some(TunnelSpec { delete_fn: "me_delete_tunnel", inet6: false, route_cache: None }),
    members: None,
    also: None,
    prison_remove: None,
};

const TABLE: &str = "V_me_hashtbl";

/// me_set_tunnel: the vnet's tables are allocated on first use, and the tunnel is linked
/// into them.
pub(crate) fn tunnel_set(w: &mut World, ifp: ObjId) {
    let vnet = w.ifn(ifp).vnet;
    let t = match w.vn(vnet).tables.get(TABLE).copied().filter(|t| !w.o(*t).freed) {
        Some(t) => t,
        None => {
            let vkey = w.vkey(vnet);
            let t = w.new_obj(
                ObjKind::HashTable,
                lbl!(w, "{TABLE} (me tunnels)"),
                lbl!(w, "{vkey}/{TABLE}"),
                Some(vnet),
                Some(vnet),
                0,
                Data::Table,
            );
            w.add_edge(vnet, t, EdgeKind::Owner, "V_me_hashtbl");
            w.vnm(vnet).tables.insert(TABLE, t);
            t
        }
    };
    if w.edge_to(ifp, t, "me chain").is_none() {
        w.add_edge(ifp, t, EdgeKind::Raw, "me chain");
    }
}

/// me_delete_tunnel's unlink: a use-after-free if the tables are gone.
pub(crate) fn tunnel_deleted(w: &mut World, ifp: ObjId, path: &[&'static str]) -> R {
    let Some(e) = w.out_edge(ifp, "me chain") else { return Ok(()) };
    let t = w.edges[e.0 as usize].to;
    if w.o(t).freed {
        let mut p = path.to_vec();
        p.push("CK_LIST_REMOVE");
        let msg = format!(
            "use after free in me_delete_tunnel: {} unlinks itself from {}, which vnet_me_uninit freed at step {} \
             before detaching the cloner; the unlink writes into the freed bucket array [V if_me.c; I \
             consequence: an INVARIANTS kernel finds the write when that memory is next allocated]",
            w.o(ifp).name,
            w.o(t).name,
            w.o(t).freed_at
        );
        return w.uaf(t, "me_delete_tunnel", p, msg);
    }
    w.drop_edge(e)
}

/// The first half of vnet_me_uninit: free the tables if they were ever allocated.
/// Returns a sentence for the narration.
pub(crate) fn uninit_prologue(w: &mut World, vnet: ObjId) -> R<Option<String>> {
    let Some(t) = w.vn(vnet).tables.get(TABLE).copied().filter(|t| !w.o(*t).freed) else {
        return Ok(None);
    };
    w.vnm(vnet).tables.remove(TABLE);
    w.free(t, &["vnet_me_uninit"])?;
    Ok(Some(
        "vnet_me_uninit first frees V_me_hashtbl and V_me_srchashtbl (ME_WAIT between them), and only then \
         detaches the me cloner [V if_me.c]."
            .into(),
    ))
}
