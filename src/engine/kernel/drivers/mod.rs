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
pub mod ipsec;
pub mod lagg;
pub mod lo;
pub mod me;
pub mod member;
pub mod ngeth;
pub mod ovpn;
pub mod tap;
pub mod tun;
pub mod tunnel;
pub mod vlan;
pub mod vxlan;
pub mod wg;

use super::*;
use crate::engine::teardown::registry::Builtin;
use crate::engine::trace::Driver;

/// The tunnel half of a driver configured with `ifconfig IF tunnel SRC DST`.
#[derive(Debug)]
pub struct TunnelSpec {
    /// The function that deletes the tunnel (`gif_delete_tunnel`, ...).
    pub delete_fn: &'static str,
    /// Whether IPv6 outer addresses are accepted (if_me.c speaks IPv4 only).
    pub inet6: bool,
    /// With `options ROUTE_CACHE` [P], the labels of the tunnel's rib-subscription and
    /// route-cache pointers; None for drivers the prototype does not cover.
    pub route_cache: Option<(&'static str, &'static str)>,
}

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
    /// The kernel module `ifconfig IF create` loads for a driver outside the model's base
    /// set (ifconfig's ifmaybeload [V sbin/ifconfig/ifconfig.c]); its destructor is
    /// registered only in scenarios that load it. None for the base set.
    pub module: Option<&'static str>,
    /// The tunnel half, for tunnel drivers.
    pub tunnel: Option<TunnelSpec>,
    /// The member half, for drivers that aggregate interfaces (bridge, lagg).
    pub members: Option<member::MemberSpec>,
    /// Another VNET destructor the driver's module registers (ng_eiface's unit
    /// allocator), present exactly when the module is.
    pub also: Option<Builtin>,
    /// The OSD PR_METHOD_REMOVE hook that, on releases with it, destroys a dying vnet
    /// jail's interfaces of this driver at prison_cleanup instead of a VNET destructor
    /// (`release::Release::prison_remove_clones`).
    pub prison_remove: Option<&'static str>,
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
        Driver::Vlan => &vlan::SPEC,
        Driver::Lagg => &lagg::SPEC,
        Driver::Tun => &tun::SPEC,
        Driver::Tap => &tap::SPEC,
        Driver::Ipsec => &ipsec::SPEC,
        Driver::Me => &me::SPEC,
        Driver::Ovpn => &ovpn::SPEC,
        Driver::Ngeth => &ngeth::SPEC,
    }
}

/// The drivers whose clones the cloner detach of `d`'s destructor destroys: `d` and any
/// driver registered by the same function (tun and tap share vnet_tun_uninit).
pub fn sharing(d: Driver) -> Vec<Driver> {
    let Some(f) = spec(d).cloner.map(|c| c.0) else { return vec![d] };
    Driver::ALL.into_iter().filter(|x| spec(*x).cloner.is_some_and(|c| c.0 == f)).collect()
}

/// The VNET_SYSUNINIT function that detaches `d`'s cloner and its built-in slot, for
/// the inspector's what-if select (None for a driver with a global cloner).
pub fn destructor(d: Driver) -> Option<(&'static str, crate::engine::kernel::si::Slot)> {
    spec(d).cloner.map(|c| (c.0, c.1))
}

/// The hooks a `without FUNC` what-if may leave out: every driver's `if_reassign` hook
/// and departure handler, wg's OSD PR_METHOD_REMOVE method and pf's departure handler.
pub fn hooks() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Driver::ALL.into_iter().flat_map(hooks_of).collect();
    v.push(crate::engine::kernel::pf::DEPARTURE_FN);
    v.push(crate::engine::kernel::routing::FLUSH_FAMILY);
    crate::support::order::sort(&mut v);
    v.dedup();
    v
}

/// The hooks of `d` a `without` what-if may leave out, for the inspector.
pub fn hooks_of(d: Driver) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = spec(d).reassign_fn.into_iter().collect();
    v.extend(spec(d).members.as_ref().map(|m| m.departure_fn));
    match d {
        Driver::Vlan => v.push(vlan::DEPARTURE_FN),
        Driver::Wg => v.push(wg::REMOVE_FN),
        _ => {}
    }
    v.extend(spec(d).prison_remove);
    v
}

/// The name kldload and kldstat know `d`'s module by: its `module`, or `if_<name>` for
/// the base set (if_gif, if_epair, ...).
pub fn kld_name(d: Driver) -> String {
    spec(d).module.map_or_else(|| format!("if_{}", d.name()), str::to_string)
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
            d if spec(d).tunnel.is_some() => tunnel::destroy(self, ifp, path).map(|()| Vec::new()),
            Driver::Wg => wg::destroy(self, ifp).map(|()| Vec::new()),
            Driver::Epair => epair::destroy(self, ifp, path),
            d if spec(d).members.is_some() => {
                member::destroy_members(self, ifp).map(|()| Vec::new())
            }
            _ => Ok(Vec::new()),
        }
    }

    /// The driver's part of a clone destroy after the common detach (vlan_unconfig and the
    /// lladdr-task drain of vlan_clone_destroy). Returns a sentence for the narration.
    pub(crate) fn driver_detached(
        &mut self,
        ifp: ObjId,
        path: &[&'static str],
    ) -> R<Option<String>> {
        match self.ifn(ifp).driver {
            Driver::Vlan => vlan::detached(self, ifp, path),
            Driver::Tun | Driver::Tap => Ok(Some(tun::DESTROY_NOTE.into())),
            Driver::Ngeth => Ok(Some(ngeth::DESTROY_NOTE.into())),
            _ => Ok(None),
        }
    }

    /// The ifnet_departure_event handlers the model knows, for a departing `ifp` (every
    /// if_detach fires the event, a move between vnets too): vlan_ifdetach for a vlan
    /// parent, the bridge's and lagg's member handlers for a member. Returns sentences
    /// for the narration.
    pub(crate) fn departure(&mut self, ifp: ObjId) -> R<Vec<String>> {
        let mut out = Vec::new();
        out.extend(vlan::parent_departs(self, ifp)?);
        out.extend(member::member_departs(self, ifp)?);
        Ok(out)
    }

    /// Work a cloner's destructor does before its cloner detach (vnet_me_uninit frees its
    /// hash tables first). Returns a sentence for the narration.
    pub(crate) fn cloner_prologue(&mut self, d: Driver, vnet: ObjId) -> R<Option<String>> {
        match d {
            Driver::Me => me::uninit_prologue(self, vnet),
            _ => Ok(None),
        }
    }

    /// A tunnel driver's own bookkeeping when a tunnel is set (me's hash tables).
    pub(crate) fn driver_tunnel_set(&mut self, ifp: ObjId) {
        if self.ifn(ifp).driver == Driver::Me {
            me::tunnel_set(self, ifp);
        }
    }

    /// A tunnel driver's own bookkeeping when a tunnel is deleted.
    pub(crate) fn driver_tunnel_deleted(&mut self, ifp: ObjId, path: &[&'static str]) -> R {
        if self.ifn(ifp).driver == Driver::Me {
            return me::tunnel_deleted(self, ifp, path);
        }
        Ok(())
    }

    /// The driver's `if_reassign` hook, run by if_vmove after the detach. Returns a
    /// sentence for the narration when the hook changed something.
    pub(crate) fn driver_reassign(
        &mut self,
        ifp: ObjId,
        path: &[&'static str],
    ) -> R<Option<String>> {
        let d = self.ifn(ifp).driver;
        if let Some(f) = spec(d).reassign_fn.filter(|f| !self.hooked(f)) {
            return Ok(Some(format!(
                "{f} is left out here (what-if), so nothing of {}'s changes on the move",
                self.o(ifp).name
            )));
        }
        match d {
            d if spec(d).tunnel.is_some() && spec(d).reassign_fn.is_some() => {
                tunnel::reassign(self, ifp, path)
            }
            Driver::Wg => Ok(wg::reassign(self, ifp)),
            Driver::Ovpn => Ok(Some(ovpn::reassign(&self.o(ifp).name))),
            Driver::Bridge => bridge::reassign(self, ifp),
            _ => Ok(None),
        }
    }
}
