//! The member half of the drivers that aggregate other interfaces: a bridge's members
//! (`ifconfig bridge0 addm IF`) and a lagg's ports (`ifconfig lagg0 laggport IF`). Each
//! driver names its functions and references in its `MemberSpec`; the mechanism is
//! shared: adding takes a reference on the member, the member's departure (an
//! ifnet_departure_event handler registered once for all vnets) removes it, and the
//! aggregate's destroy removes every member first.
//!
//! Invariants: an interface is a member of at most one aggregate, in the same vnet; the
//! aggregate's reference on a member lives exactly while it is a member.

use crate::engine::kernel::*;

/// How one aggregating driver holds its members.
#[derive(Debug)]
pub struct MemberSpec {
    /// The ifconfig words that add and remove one (`addm`/`deletem`,
    /// `laggport`/`-laggport`).
    pub words: (&'static str, &'static str),
    /// The request ifconfig's errors name (`BRDGADD`, `SIOCSLAGGPORT`).
    pub ioctl: &'static str,
    /// The function that removes one (`bridge_delete_member`, `lagg_port_destroy`).
    pub del_fn: &'static str,
    /// The departure handler (`bridge_ifdetach`, `lagg_port_ifdetach`).
    pub departure_fn: &'static str,
    /// The label of the aggregate's reference on the member.
    pub edge: &'static str,
    /// Whether that reference is counted (if_ref).
    pub counted: bool,
    /// The label of the member's pointer back (`if_bridge`, `if_lagg`).
    pub back: &'static str,
    /// Whether losing the first member (the primary) changes the aggregate's link-level
    /// address and fires iflladdr_event on it: lagg_port_destroy does, unless the lagg
    /// is being destroyed [V if_lagg.c]; a bridge keeps its own address by default.
    pub primary_lladdr: bool,
}

fn mspec(w: &World, agg: ObjId) -> &'static MemberSpec {
    super::spec(w.ifn(agg).driver).members.as_ref().expect("an aggregating driver")
}

/// Adds `m` to `agg`. Errors are ifconfig's words.
pub(crate) fn add(w: &mut World, agg: ObjId, m: ObjId) -> Result<(), String> {
    let s = mspec(w, agg);
    let ioctl = s.ioctl;
    if m == agg || w.ifn(m).vnet != w.ifn(agg).vnet {
        return Err(format!("{ioctl}: Invalid argument"));
    }
    if w.ifn(m).member_of == Some(agg) {
        return Err(format!("{ioctl}: File exists"));
    }
    if w.ifn(m).member_of.is_some() {
        return Err(format!("{ioctl}: Device busy"));
    }
    if super::spec(w.ifn(m).driver).members.is_some() {
        return Err(format!(
            "{ioctl}: Invalid argument (the model does not nest a {} in a {})",
            w.ifn(m).driver.name(),
            w.ifn(agg).driver.name()
        ));
    }
    let kind = if s.counted { EdgeKind::Counted } else { EdgeKind::Raw };
    w.add_edge(agg, m, kind, s.edge);
    w.add_edge(m, agg, EdgeKind::Raw, s.back);
    w.ifm(agg).members.push(m);
    w.ifm(m).member_of = Some(agg);
    Ok(())
}

/// Removes `m` from its aggregate, if it is in one.
pub(crate) fn remove(w: &mut World, m: ObjId) -> R<Option<ObjId>> {
    let Some(agg) = w.ifn(m).member_of else { return Ok(None) };
    let s = mspec(w, agg);
    w.ifm(m).member_of = None;
    w.ifm(agg).members.retain(|x| *x != m);
    w.drop_out(m, s.back)?;
    if let Some(e) = w.edge_to(agg, m, s.edge) {
        w.drop_edge(e)?;
    }
    Ok(Some(agg))
}

/// The departure handler for a departing member. Returns a sentence for the narration.
pub(crate) fn member_departs(w: &mut World, m: ObjId) -> R<Option<String>> {
    let Some(agg) = w.ifn(m).member_of else { return Ok(None) };
    let s = mspec(w, agg);
    if !w.hooked(s.departure_fn) {
        return Ok(Some(format!(
            "{} is left out here (what-if): {} still holds {}.",
            s.departure_fn,
            w.o(agg).name,
            w.o(m).name
        )));
    }
    let primary = w.ifn(agg).members.first() == Some(&m);
    remove(w, m)?;
    let mut t = format!(
        "The departure event runs {} for {}: {} removes it from {}, which stays [V {}].",
        s.departure_fn,
        w.o(m).name,
        s.del_fn,
        w.o(agg).name,
        super::spec(w.ifn(agg).driver).file.trim_start_matches("sys/net/")
    );
    if primary && s.primary_lladdr {
        let next = w.ifn(agg).members.first().map(|n| w.o(*n).name.clone());
        t.push_str(&format!(
            " It was the primary port, so {} takes {} and fires iflladdr_event on {} [V].",
            w.o(agg).name,
            match next {
                Some(n) => format!("{n}'s link-level address"),
                None => "an all-zero link-level address".into(),
            },
            w.o(agg).name
        ));
        if let Some(more) = super::vlan::parent_lladdr(w, agg) {
            t.push(' ');
            t.push_str(&more);
        }
    }
    Ok(Some(t))
}

/// The aggregate's destroy removes every member first.
pub(crate) fn destroy_members(w: &mut World, agg: ObjId) -> R {
    for m in w.ifn(agg).members.clone() {
        remove(w, m)?;
    }
    Ok(())
}
