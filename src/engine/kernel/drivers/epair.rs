//! epair (sys/net/if_epair.c): a pair of interfaces created together. epair_clone_create
//! puts both halves on the creating vnet's epair cloner list (the framework adds `a`, the
//! driver adds `b`), and epair_clone_destroy destroys the peer too, in the peer's current
//! vnet [V]. `vnet_epair_uninit` detaches the cloner at (SI_SUB_INIT_IF, SI_ORDER_ANY).
//!
//! Invariants: the halves point at each other with raw `oifp` references while both
//! live; a unit is taken in the creating vnet until both halves are destroyed.

use super::Spec;
use crate::engine::kernel::si::*;
use crate::engine::kernel::*;
use crate::engine::teardown::registry::{Action, h};

pub const SPEC: Spec = Spec {
    driver: Driver::Epair,
    file: "sys/net/if_epair.c",
    destroy_fn: "epair_clone_destroy",
    reassign_fn: None,
    cloner: Some(h(
        "vnet_epair_uninit",
        SI_SUB_INIT_IF,
        SI_ORDER_ANY,
        "sys/net/if_epair.c",
        Action::Cloner(Driver::Epair),
        "detaches the epair cloner",
    )),
    module: None,
    tunnel: None,
    members: None,
    also: None,
    prison_remove: None,
};

/// `ifconfig epair[N] create` in `vnet`: both halves, with the lowest free unit when none
/// is given.
pub(crate) fn create(w: &mut World, i: usize, vnet: ObjId, ifname: &str) -> Result<(), BuildError> {
    let einval = || berr(i, "ifconfig: SIOCIFCREATE2: Invalid argument".into());
    let rest = &ifname["epair".len()..];
    if rest.ends_with(['a', 'b']) {
        return Err(einval());
    }
    let unit = if rest.is_empty() {
        let v = w.vn(vnet);
        lowest_free_unit(|u| {
            v.epair_units.contains(&u)
                || v.names.contains_key(&format!("epair{u}a"))
                || v.names.contains_key(&format!("epair{u}b"))
        })
    } else {
        rest.parse::<u32>().map_err(|_| einval())?
    };
    let (a, b) = (format!("epair{unit}a"), format!("epair{unit}b"));
    if w.vn(vnet).epair_units.contains(&unit)
        || w.vn(vnet).names.contains_key(&a)
        || w.vn(vnet).names.contains_key(&b)
    {
        return Err(berr(i, "ifconfig: SIOCIFCREATE2: File exists".into()));
    }
    w.vnm(vnet).epair_units.insert(unit);
    let ia = w.create_ifnet(vnet, Driver::Epair, &a, Some(unit));
    let ib = w.create_ifnet(vnet, Driver::Epair, &b, Some(unit));
    w.ifm(ia).peer = Some(ib);
    w.ifm(ib).peer = Some(ia);
    w.add_edge(ia, ib, EdgeKind::Raw, "oifp");
    w.add_edge(ib, ia, EdgeKind::Raw, "oifp");
    Ok(())
}

/// epair_clone_destroy takes the peer with it; a peer already freed is a use-after-free.
pub(crate) fn destroy(w: &mut World, ifp: ObjId, path: &[&'static str]) -> R<Vec<ObjId>> {
    let Some(peer) = w.ifn(ifp).peer else { return Ok(Vec::new()) };
    if w.o(peer).freed {
        let mut q = path.to_vec();
        q.push("if_clone_destroyif");
        let msg = format!(
            "page fault in epair_clone_destroy: {}'s peer {} was freed at step {}",
            w.o(ifp).name,
            w.o(peer).name,
            w.o(peer).freed_at
        );
        return w.uaf(peer, "epair_clone_destroy", q, msg).map(|_| Vec::new());
    }
    Ok(if w.ifn(peer).destroyed { Vec::new() } else { vec![peer] })
}
