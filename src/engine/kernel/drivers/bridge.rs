//! if_bridge (sys/net/if_bridge.c): `vnet_bridge_uninit` detaches the bridge cloner at
//! (SI_SUB_PSEUDO, SI_ORDER_ANY); the cloner is attached at (SI_SUB_PROTO_IFATTACHDOMAIN,
//! SI_ORDER_ANY) [V]. `ifconfig bridge0 addm IF` runs bridge_ioctl_add, which keeps a
//! plain pointer to the member (no if_ref) and sets the member's `if_bridge`; the global
//! departure handler `bridge_ifdetach` removes a departing member; bridge_clone_destroy
//! removes every member first [V]. Under VIMAGE `bridge_reassign` deletes every member of
//! a bridge that moves to another vnet [V]. D28860: that deletion can change the
//! bridge's MAC (when it inherited a member's) and fire iflladdr_event after if_vmove's
//! detach has already freed the bridge's per-family data; `arp_iflladdr` checks for it
//! since [R D28860, V if_ether.c].
//!
//! Invariants: as for every aggregate (`member.rs`); the member reference is raw.

use super::Spec;
use super::member::MemberSpec;
use crate::engine::kernel::si::*;
use crate::engine::kernel::*;
use crate::engine::teardown::registry::{Action, h};

pub const SPEC: Spec = Spec {
    driver: Driver::Bridge,
    file: "sys/net/if_bridge.c",
    destroy_fn: "bridge_clone_destroy",
    reassign_fn: Some("bridge_reassign"),
    cloner: Some(h(
        "vnet_bridge_uninit",
        SI_SUB_PSEUDO,
        SI_ORDER_ANY,
        "sys/net/if_bridge.c",
        Action::Cloner(Driver::Bridge),
        "detaches the bridge cloner",
    )),
    module: None,
    tunnel: None,
    members: Some(MemberSpec {
        words: ("addm", "deletem"),
        ioctl: "BRDGADD",
        del_fn: "bridge_delete_member",
        departure_fn: "bridge_ifdetach",
        edge: "bif_ifp",
        primary_lladdr: false,
        counted: false,
        back: "if_bridge",
    }),
    also: None,
    prison_remove: None,
};

/// bridge_reassign: a bridge moving to another vnet loses every member. Returns a
/// sentence for the narration when it had any.
pub(crate) fn reassign(w: &mut World, ifp: ObjId) -> R<Option<String>> {
    let members = w.ifn(ifp).members.clone();
    if members.is_empty() {
        return Ok(None);
    }
    for m in &members {
        super::member::remove(w, *m)?;
    }
    let names = members.iter().map(|m| w.o(*m).name.clone()).collect::<Vec<_>>().join(", ");
    Ok(Some(format!(
        "bridge_reassign deletes {}'s members ({names}) with bridge_delete_member [V if_bridge.c]. Had the \
         bridge taken a member's MAC (net.link.bridge.inherit_mac), its MAC would change here and fire \
         iflladdr_event after the detach freed its per-family data: D28860, which arp_iflladdr now checks \
         for [R D28860, V if_ether.c]",
        w.o(ifp).name
    )))
}
