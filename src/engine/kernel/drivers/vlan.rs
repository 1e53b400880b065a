//! vlan (sys/net/if_vlan.c): `vnet_vlan_uninit` detaches the vlan cloner at
//! (SI_SUB_INIT_IF, SI_ORDER_ANY) [V]; the cloner is attached at
//! (SI_SUB_PROTO_IFATTACHDOMAIN, SI_ORDER_ANY). A configured vlan sits on its parent's
//! trunk (`struct ifvlantrunk`), which the parent's first vlan allocates and which holds
//! one `if_ref` on the parent; `trunk_destroy` drops it when the last vlan leaves [V].
//! The parent's departure (vlan_ifdetach, an ifnet_departure_event handler registered
//! once for all vnets) unconfigures its vlans but does not destroy them [V]. vlan has no
//! `if_reassign` hook [V].
//!
//! Invariants: a vlan is on at most one trunk; a trunk lives exactly while it has vlans
//! and holds one counted reference on its parent; the model does not stack vlans (a vlan
//! cannot be a parent), since vlan_clone_destroy refuses (EBUSY) to destroy a vlan that
//! is a trunk, a case the model does not follow.

use super::Spec;
use crate::engine::kernel::si::*;
use crate::engine::kernel::*;
use crate::engine::teardown::registry::{Action, h};

pub const SPEC: Spec = Spec {
    driver: Driver::Vlan,
    file: "sys/net/if_vlan.c",
    destroy_fn: "vlan_clone_destroy",
    reassign_fn: None,
    cloner: Some(h(
        "vnet_vlan_uninit",
        SI_SUB_INIT_IF,
        SI_ORDER_ANY,
        "sys/net/if_vlan.c",
        Action::Cloner(Driver::Vlan),
        "detaches the vlan cloner",
    )),
    module: None,
    tunnel: None,
    members: None,
    also: None,
    prison_remove: None,
};

/// The largest 802.1Q tag (vlan_clone_create and SIOCSETVLAN refuse more) [V].
pub const MAX_TAG: u16 = 4094;

/// vlan_config: puts `ifp` on `parent`'s trunk with `tag`, allocating the trunk (and its
/// if_ref on the parent) for the parent's first vlan. Errors are ifconfig's words.
pub(crate) fn config(w: &mut World, ifp: ObjId, tag: u16, parent: ObjId) -> Result<(), String> {
    if w.ifn(ifp).vlan.is_some() {
        return Err("SIOCSETVLAN: Device busy (the vlan already has a parent; the model does not \
                    re-parent a configured vlan)"
            .into());
    }
    if w.ifn(parent).driver == Driver::Vlan {
        return Err("SIOCSETVLAN: the model does not stack vlans (802.1ad / QinQ) on a vlan".into());
    }
    if parent == ifp || w.ifn(parent).vnet != w.ifn(ifp).vnet {
        return Err("SIOCSETVLAN: Invalid argument".into());
    }
    let trunk = match w.ifn(parent).trunk {
        Some(t) => {
            if w.trunk(t).vlans.iter().any(|v| w.ifn(*v).vlan.is_some_and(|c| c.1 == tag)) {
                return Err("SIOCSETVLAN: File exists".into());
            }
            t
        }
        None => {
            let vnet = w.ifn(parent).vnet;
            let vkey = w.vkey(vnet);
            let pname = w.o(parent).name.clone();
            let t = w.new_obj(
                ObjKind::VlanTrunk,
                lbl!(w, "{pname}'s vlan trunk"),
                lbl!(w, "{vkey}/{pname}/trunk"),
                Some(vnet),
                Some(vnet),
                0,
                Data::Trunk(Trunk { parent, vlans: VecSet::new() }),
            );
            w.add_edge(t, parent, EdgeKind::Counted, "trunk->parent");
            w.add_edge(parent, t, EdgeKind::Raw, "if_vlantrunk");
            w.ifm(parent).trunk = Some(t);
            t
        }
    };
    w.trunkm(trunk).vlans.insert(ifp);
    w.add_edge(trunk, ifp, EdgeKind::Raw, "vlan hash");
    w.add_edge(ifp, trunk, EdgeKind::Raw, "ifv_trunk");
    w.ifm(ifp).vlan = Some((trunk, tag));
    Ok(())
}

/// vlan_unconfig_locked: takes `ifp` off its trunk; the last vlan's departure destroys
/// the trunk (trunk_destroy, which if_rele's the parent). Returns the parent, if the
/// vlan had one.
pub(crate) fn unconfig(w: &mut World, ifp: ObjId, path: &[&'static str]) -> R<Option<ObjId>> {
    let Some((trunk, _)) = w.ifn(ifp).vlan else { return Ok(None) };
    w.ifm(ifp).vlan = None;
    let parent = w.trunk(trunk).parent;
    w.trunkm(trunk).vlans.remove(&ifp);
    if let Some(e) = w.edge_to(trunk, ifp, "vlan hash") {
        w.drop_edge(e)?;
    }
    w.drop_out(ifp, "ifv_trunk")?;
    if w.trunk(trunk).vlans.is_empty() {
        w.ifm(parent).trunk = None;
        w.drop_out(parent, "if_vlantrunk")?;
        let mut by = path.to_vec();
        by.extend(["vlan_unconfig_locked", "trunk_destroy"]);
        w.free(trunk, &by)?;
    }
    Ok(Some(parent))
}

/// vlan's ifnet_departure_event handler.
pub const DEPARTURE_FN: &str = "vlan_ifdetach";

/// vlan_ifdetach, for a departing parent: every vlan on its trunk is unconfigured and
/// stays, parentless [V]. Returns a sentence for the narration.
pub(crate) fn parent_departs(w: &mut World, parent: ObjId) -> R<Option<String>> {
    let Some(trunk) = w.ifn(parent).trunk else { return Ok(None) };
    if !w.hooked(DEPARTURE_FN) {
        return Ok(Some(format!(
            "vlan_ifdetach is left out here (what-if): {}'s trunk keeps its vlans and its if_ref.",
            w.o(parent).name
        )));
    }
    let vlans: Vec<ObjId> = w.trunk(trunk).vlans.iter().copied().collect();
    for v in &vlans {
        unconfig(w, *v, &["vlan_ifdetach"])?;
    }
    let names = vlans.iter().map(|v| w.o(*v).name.clone()).collect::<Vec<_>>().join(", ");
    Ok(Some(format!(
        "The departure event runs vlan_ifdetach for {}: {names} lose{} {} parent (vlan_unconfig_locked; \
         trunk_destroy drops the trunk's if_ref) but stay, unconfigured [V if_vlan.c].",
        w.o(parent).name,
        if vlans.len() == 1 { "s" } else { "" },
        if vlans.len() == 1 { "its" } else { "their" }
    )))
}

/// The thread vlan's lladdr task runs on (vlan_iflladdr and vlan_config queue it there).
pub const LLADDR_QUEUE: &str = "taskqueue_thread";

/// vlan_iflladdr, vlan's iflladdr_event handler, for a trunk parent whose link-level
/// address changed: it copies the address into each vlan and queues each vlan's lladdr
/// task on taskqueue_thread [V if_vlan.c]. When this teardown itself runs on that
/// thread, the tasks wait for it to finish; otherwise the thread runs them. Returns a
/// sentence for the narration.
pub(crate) fn parent_lladdr(w: &mut World, parent: ObjId) -> Option<String> {
    let trunk = w.ifn(parent).trunk?;
    let vlans: Vec<ObjId> = w.trunk(trunk).vlans.iter().copied().collect();
    let names = vlans.iter().map(|v| w.o(*v).name.clone()).collect::<Vec<_>>().join(", ");
    let busy = !w.building && w.task == Some(LLADDR_QUEUE);
    let (task, tasks) = if vlans.len() == 1 { ("task", "its") } else { ("tasks", "their") };
    if busy {
        w.lladdr_queued.extend(vlans.iter().copied());
        Some(format!(
            "vlan_iflladdr copies the new address into {names} and queues {tasks} lladdr {task} on \
             {LLADDR_QUEUE}, the thread that is running this teardown, so the {task} must wait for it to \
             finish [V if_vlan.c, kern_jail.c]."
        ))
    } else {
        Some(format!(
            "vlan_iflladdr copies the new address into {names} and queues {tasks} lladdr {task} on \
             {LLADDR_QUEUE}, which is free and runs {} [V if_vlan.c].",
            if vlans.len() == 1 { "it" } else { "them" }
        ))
    }
}

/// The part of vlan_clone_destroy after ether_ifdetach: vlan_unconfig, then draining the
/// lladdr task from taskqueue_thread, which waits while the task is queued or running
/// (taskqueue_drain, sys/kern/subr_taskqueue.c) [V]. A queued task behind the very task
/// this thread runs never runs: the drain waits forever (the deadlock D47991 removed by
/// running jail removal on a thread of its own). Returns a sentence for the narration.
pub(crate) fn detached(w: &mut World, ifp: ObjId, path: &[&'static str]) -> R<Option<String>> {
    let parent = unconfig(w, ifp, path)?;
    let name = w.o(ifp).name.clone();
    let off = match parent {
        Some(p) => format!("vlan_unconfig takes {name} off {}'s trunk; then ", w.o(p).name),
        None => String::new(),
    };
    let here = w.task;
    if w.lladdr_queued.contains(&ifp) && here == Some(LLADDR_QUEUE) {
        let jail = w
            .vn(w.ifn(ifp).vnet)
            .prison
            .map_or_else(|| "the jail".into(), |p| w.pr(p).name.clone());
        let mut p = path.to_vec();
        p.push("taskqueue_drain");
        w.fault(
            FaultKind::Stuck,
            "taskqueue_drain",
            ifp,
            None,
            p,
            format!(
                "stuck: {off}vlan_clone_destroy waits in taskqueue_drain for {name}'s lladdr task, queued on \
                 {LLADDR_QUEUE} behind the prison_complete task this same thread is running. The drain never \
                 returns, so vnet_destroy never finishes and {jail} never finishes dying: a deadlock, which \
                 D47991 removed by giving jail removal a thread of its own [V if_vlan.c, subr_taskqueue.c, \
                 R D47991]"
            ),
        )?;
    }
    let why = match here {
        Some(LLADDR_QUEUE) => format!(
            "This teardown runs on {LLADDR_QUEUE} itself, but {name}'s task is not queued, so the drain \
             returns at once; the deadlock D47991 removed needs a queued task [V subr_taskqueue.c, R D47991]."
        ),
        Some(q) => format!(
            "The teardown runs on {q}'s thread, not on {LLADDR_QUEUE}, so this drain cannot wait on \
             itself [V kern_jail.c, R D47991]."
        ),
        None => format!(
            "The teardown runs in the jail -r system call here, not on {LLADDR_QUEUE}, so this drain \
             cannot wait on itself [V kern_jail.c]."
        ),
    };
    Ok(Some(format!(
        "{off}vlan_clone_destroy drains {name}'s lladdr task from {LLADDR_QUEUE}. {why}"
    )))
}
