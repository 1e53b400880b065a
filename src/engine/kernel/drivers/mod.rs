//! One module per interface driver: its cloner's VNET_SYSUNINIT registration (function,
//! slot, file), its clone-destroy function, its `if_reassign` hook and what it does to the
//! objects the model knows when created, moved and destroyed.
//!
//! Invariants:
//! - Adding a driver is adding one file here, a `Driver` variant and an arm in `spec`:
//!   the registry, the set-up and the teardown read a driver only through `Spec` and the
//!   hooks below, never by matching on its name elsewhere.
//! - Every registration carries FreeBSD's real (SI_SUB, SI_ORDER) slot and file.
//! - Hooks only change objects through the world's checked helpers (`refs.rs`).

pub mod bridge;
pub mod epair;
pub mod gif;
pub mod gre;
pub mod lo;
pub mod tunnel;
pub mod vxlan;
pub mod wg;

use super::*;
use crate::engine::teardown::registry::Builtin;
use crate::engine::trace::Driver;

/// What the engine knows of one driver.
#[derive(Debug)]
pub struct Spec {
    pub driver: Driver,
    /// The driver's source file.
    pub file: &'static str,
    /// The cloner's destroy function, which `if_clone_destroyif` calls.
    pub destroy_fn: &'static str,
    /// The `if_reassign` hook if_vmove calls between the detach and the attach, if any.
    pub reassign_fn: Option<&'static str>,
    /// The VNET_SYSUNINIT that detaches the driver's per-vnet cloner (none for a
    /// driver whose cloner is global).
    pub cloner: Option<Builtin>,
}

/// The spec of `d`.
pub const fn spec(d: Driver) -> &'static Spec {
    match d {
        Driver::Lo => &lo::SPEC,
        Driver::Epair => &epair::SPEC,
        Driver::Gif => &gif::SPEC,
        Driver::Gre => &gre::SPEC,
        Driver::Vxlan => &vxlan::SPEC,
        Driver::Wg => &wg::SPEC,
        Driver::Bridge => &bridge::SPEC,
    }
}

/// The VNET_SYSUNINIT function that detaches `d`'s cloner and its built-in slot, for
/// the inspector's what-if select (None for a driver with a global cloner).
pub fn destructor(d: Driver) -> Option<(&'static str, crate::engine::kernel::si::Slot)> {
    spec(d).cloner.map(|c| (c.0, c.1))
}

/// The clone-destroy function of `d` (`gif_clone_destroy`, ...).
pub fn destroy_fn(d: Driver) -> &'static str {
    spec(d).destroy_fn
}

impl World {
    /// The driver's part of a clone destroy, before the common detach and if_free.
    /// Returns further interfaces the destroy takes with it (an epair's peer).
    pub(crate) fn driver_destroy(&mut self, ifp: ObjId, path: &[&'static str]) -> R<Vec<ObjId>> {
        match self.ifn(ifp).driver {
            Driver::Gif | Driver::Gre => tunnel::destroy(self, ifp, path).map(|()| Vec::new()),
            Driver::Wg => wg::destroy(self, ifp).map(|()| Vec::new()),
            Driver::Epair => epair::destroy(self, ifp, path),
            Driver::Lo | Driver::Vxlan | Driver::Bridge => Ok(Vec::new()),
        }
    }

    /// The driver's `if_reassign` hook, run by if_vmove after the detach. Returns a
    /// sentence for the narration when the hook changed something.
    pub(crate) fn driver_reassign(
        &mut self,
        ifp: ObjId,
        path: &[&'static str],
    ) -> R<Option<String>> {
        match self.ifn(ifp).driver {
            Driver::Gif | Driver::Gre => tunnel::reassign(self, ifp, path),
            Driver::Wg => Ok(wg::reassign(self, ifp)),
            Driver::Lo | Driver::Epair | Driver::Vxlan | Driver::Bridge => Ok(None),
        }
    }
}
