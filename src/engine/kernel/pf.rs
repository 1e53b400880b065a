//! pf (sys/netpfil/pf/pf_ioctl.c, pf_if.c), as far as the teardown touches interfaces:
//! `kldload pf` runs `vnet_pf_init` in every vnet, now and for each vnet made later, at
//! (SI_SUB_PROTO_FIREWALL, SI_ORDER_THIRD), and pf keeps an interface record (kif) for
//! every interface of the vnet, which holds an `if_ref` on it (pfi_attach_ifnet) [V].
//! The ifnet arrival and departure handlers are registered once for all vnets:
//! `pfi_detach_ifnet_event` releases a departing interface's reference, but returns at
//! once when the vnet's `V_pf_vnet_active` is 0 [V]. `vnet_pf_uninit` (pf_unload_vnet)
//! first clears `V_pf_vnet_active`, then flushes rules and states and, in
//! pfi_cleanup_vnet, releases and frees every kif [V].
//!
//! Invariants: a vnet has one records object while pf is active there, with one counted
//! reference per interface currently in it; rules and states are not modelled (they
//! name kifs, not interfaces).

use super::*;
use crate::engine::teardown::registry::{Action, Builtin, h};

/// The module `kldload` names.
pub const MODULE: &str = "pf";

/// pf's per-vnet destructor.
pub const UNINIT: Builtin = h(
    "vnet_pf_uninit",
    SI_SUB_PROTO_FIREWALL,
    SI_ORDER_THIRD,
    "sys/netpfil/pf/pf_ioctl.c",
    Action::Pf,
    "clears V_pf_vnet_active, flushes pf's rules and states, and releases and frees its interface records",
);

const KIF: &str = "kif->pfik_ifp";

/// pf's ifnet_departure_event handler.
pub const DEPARTURE_FN: &str = "pfi_detach_ifnet_event";

impl World {
    /// Whether pf is loaded in this world.
    pub fn pf_loaded(&self) -> bool {
        self.loaded.contains(&MODULE)
    }

    /// vnet_pf_init for `vnet`: its records object, and a kif for every interface on it.
    pub(crate) fn pf_init_vnet(&mut self, vnet: ObjId) {
        if self.pf.contains_key(&vnet) {
            return;
        }
        let vkey = self.vkey(vnet);
        let vname = self.o(vnet).name.clone();
        let rec = self.new_obj(
            ObjKind::PfKifs,
            lbl!(self, "pf kifs ({vname})"),
            lbl!(self, "{vkey}/pf"),
            Some(vnet),
            Some(vnet),
            0,
            Data::Table,
        );
        self.add_edge(vnet, rec, EdgeKind::Owner, "V_pfi_ifs");
        self.pf.insert(vnet, rec);
        let ifps: Vec<ObjId> = self.vn(vnet).ifnets.values().copied().collect();
        for ifp in ifps {
            self.pf_attach(ifp);
        }
    }

    /// pfi_attach_ifnet, from the arrival event: a kif with an if_ref on `ifp`.
    pub(crate) fn pf_attach(&mut self, ifp: ObjId) {
        let vnet = self.ifn(ifp).vnet;
        if let Some(rec) = self.pf.get(&vnet).copied()
            && self.edge_to(rec, ifp, KIF).is_none()
        {
            self.add_edge(rec, ifp, EdgeKind::Counted, KIF);
        }
    }

    /// pfi_detach_ifnet_event, from the departure event: the kif lets go of `ifp` while
    /// pf is active in its vnet. Returns a sentence for the narration.
    pub(crate) fn pf_detach(&mut self, ifp: ObjId) -> R<Option<String>> {
        let vnet = self.ifn(ifp).vnet;
        let Some(rec) = self.pf.get(&vnet).copied() else { return Ok(None) };
        let Some(e) = self.edge_to(rec, ifp, KIF) else { return Ok(None) };
        if !self.hooked(DEPARTURE_FN) {
            return Ok(Some(format!(
                "pfi_detach_ifnet_event is left out here (what-if): pf's kif keeps its if_ref on {}.",
                self.o(ifp).name
            )));
        }
        self.drop_edge(e)?;
        Ok(Some(format!(
            "pf's departure handler (pfi_detach_ifnet_event) drops its kif's if_ref on {} [V pf_if.c].",
            self.o(ifp).name
        )))
    }

    /// vnet_pf_uninit: V_pf_vnet_active = 0, then pfi_cleanup_vnet frees every kif.
    /// Returns the sentence for the step.
    pub(crate) fn pf_uninit(&mut self, vnet: ObjId, func: &str) -> R<String> {
        let Some(rec) = self.pf.remove(&vnet) else {
            return Ok(format!(
                "{func}: pf is not active in this vnet: nothing of ours to free [V]."
            ));
        };
        let held = self.o(rec).out.iter().filter(|e| self.edges[e.0 as usize].live).count();
        self.free(rec, &["vnet_pf_uninit", "pf_unload_vnet", "pfi_cleanup_vnet"])?;
        let left = match held {
            0 => "finds no interface record left".to_string(),
            1 => "releases the if_ref of the one interface record left and frees it".to_string(),
            n => format!(
                "releases the if_ref of each of the {n} interface records left and frees them"
            ),
        };
        Ok(format!(
            "{func} (pf_unload_vnet) clears V_pf_vnet_active, so pf's departure handler ignores this vnet from \
             now on, flushes the rules and states, and pfi_cleanup_vnet {left} [V pf_ioctl.c, pf_if.c]."
        ))
    }
}
