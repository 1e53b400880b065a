//! WireGuard (sys/dev/wg/if_wg.c): `vnet_wg_uninit` detaches the wg cloner at
//! (SI_SUB_PROTO_IFATTACHDOMAIN, SI_ORDER_ANY) [V]. A wg keeps its creator's ucred, hence
//! a reference on the creating prison, which `wg_prison_remove` (an OSD PR_METHOD_REMOVE
//! hook) or the clone destroy drops. `wg_reassign` takes a moved wg down.
//!
//! Invariants: the `sc_ucred` reference is counted on the creating prison while held,
//! and dropped at most once.

use super::Spec;
use crate::engine::kernel::si::*;
use crate::engine::kernel::*;
use crate::engine::teardown::registry::{Action, h};

pub const SPEC: Spec = Spec {
    driver: Driver::Wg,
    file: "sys/dev/wg/if_wg.c",
    destroy_fn: "wg_clone_destroy",
    reassign_fn: Some("wg_reassign"),
    cloner: Some(h(
        "vnet_wg_uninit",
        SI_SUB_PROTO_IFATTACHDOMAIN,
        SI_ORDER_ANY,
        "sys/dev/wg/if_wg.c",
        Action::Cloner(Driver::Wg),
        "detaches the wg cloner",
    )),
    module: None,
    tunnel: None,
    members: None,
    also: None,
    prison_remove: None,
};

/// wg's OSD PR_METHOD_REMOVE method.
pub const REMOVE_FN: &str = "wg_prison_remove";

/// After if_attach: the softc keeps the creator's cred, a pr_ref on `creator` [V-idx].
pub(crate) fn created(w: &mut World, ifp: ObjId, creator: ObjId) {
    w.add_edge(ifp, creator, EdgeKind::Counted, "sc_ucred");
    w.ifm(ifp).cred = Some(creator);
}

/// wg_clone_destroy drops the creator's cred (crfree).
pub(crate) fn destroy(w: &mut World, ifp: ObjId) -> R {
    w.wg_drop_cred(ifp).map(|_| ())
}

/// wg_reassign: the moved wg is taken down (wg_down). Its sockets are not modelled, so
/// nothing of ours changes; the narration says so.
pub(crate) fn reassign(w: &mut World, ifp: ObjId) -> Option<String> {
    Some(format!("wg_reassign takes {} down (wg_down) [V if_wg.c]", w.o(ifp).name))
}

impl World {
    /// Drops a wg's creator cred (crfree); the prison logic sees the lower pr_ref.
    pub fn wg_drop_cred(&mut self, ifp: ObjId) -> R<Option<ObjId>> {
        let Some(p) = self.ifn(ifp).cred else { return Ok(None) };
        self.ifm(ifp).cred = None;
        self.drop_out(ifp, "sc_ucred")?;
        Ok(Some(p))
    }
}
