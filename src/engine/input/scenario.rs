//! The scenario: what a FreeBSD user would type to build a jail network and tear it down.
//!
//! This serde form is what the UI edits and what links carry. The script text
//! (`script.rs`) is a view of it: `parse(print(s)) == s` for every valid scenario, and
//! printing is canonical (printing a parsed script twice gives the same text).
//!
//! Invariants: a scenario is a list of commands in the order they run; comments and
//! canvas positions ride along with the command they precede, and have no effect on
//! the simulation.

use crate::engine::kernel::si::Slot;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// A whole scenario: commands in order, plus comments after the last one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    pub entries: Vec<Entry>,
    /// Comment lines after the last command (without the leading `#`).
    pub tail_comments: Vec<String>,
}

/// One command with the comments that precede it and an optional canvas position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Whole-line comments just above the command, without the leading `#`.
    pub comments: Vec<String>,
    pub command: Command,
    /// An end-of-line comment, without the leading `#`.
    pub trailing: Option<String>,
    /// Where the object this command creates sits on the canvas (a layout hint only).
    pub pos: Option<(i16, i16)>,
}

impl Entry {
    pub fn new(command: Command) -> Entry {
        Entry { comments: Vec::new(), command, trailing: None, pos: None }
    }
}

/// A jail's full dotted name, e.g. `j1` or `j1.j2`.
pub type JailName = String;

/// One line of the script.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// `options NAME`: a kernel configuration option, e.g. ROUTE_CACHE [P].
    KernelOption { name: String },
    /// `jail -c name=N [vnet] [persist] [children.max=K]`.
    JailCreate { name: JailName, vnet: bool, persist: bool, children_max: Option<u32> },
    /// `ifconfig IF …`, run in the host (`jail: None`) or with `jexec J ifconfig …`.
    Ifconfig { jail: Option<JailName>, ifname: String, op: IfOp },
    /// `route add [-net|-host] DEST GW` or `route add … -interface IF`.
    RouteAdd { jail: Option<JailName>, flag: Option<RouteFlag>, dest: Prefix, gateway: Gateway },
    /// `jexec J CMD … &`: a process running in the jail.
    Process { jail: JailName, argv: String },
    /// `sysuninit FUNC SUB ORDER`: re-register a VNET destructor at another slot (what-if).
    Sysuninit { func: String, slot: Slot },
    /// `noreap J`: the parents of J's processes never wait for them (a stopped parent, say),
    /// so each stays a zombie whose cred keeps a reference on J (what-if).
    NoReap { jail: JailName },
    /// `jail -r N`: the teardown to simulate.
    JailRemove { name: JailName },
    /// `kldload NAME`: load a kernel module (pf, or a driver's) before the teardown.
    Kldload { module: String },
    /// `without FUNC`: a what-if kernel in which the hook FUNC (an OSD method, a
    /// departure handler or an if_reassign hook) is not registered.
    Without { func: String },
    /// `ngctl …` in the host or with `jexec J ngctl …`: netgraph's eiface nodes.
    Ngctl { jail: Option<JailName>, op: NgOp },
}

/// What an `ngctl` line does (the two forms the model knows).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NgOp {
    /// `mkpeer . eiface hook ether`: a new eiface node and its ngethN interface.
    MkpeerEiface,
    /// `shutdown IF:`: shut an eiface node down, destroying its interface.
    Shutdown { ifname: String },
}

/// What an `ifconfig IF …` line does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum IfOp {
    /// `create`, with vxlan's parameters where given.
    Create { vxlan: Option<VxlanArgs> },
    /// `tunnel SRC DST` (also written `inet tunnel` / `inet6 tunnel`).
    Tunnel { src: IpAddr, dst: IpAddr },
    /// `inet ADDR[/LEN] [DST]` or `inet6 ADDR[/LEN]`.
    Addr { addr: IpAddr, len: u8, dst: Option<IpAddr> },
    /// `up`.
    Up,
    /// `fib N`.
    Fib(u32),
    /// `vnet J`: loan the interface into jail J.
    Vnet { jail: JailName },
    /// `-vnet J`: reclaim the interface from jail J.
    Reclaim { jail: JailName },
    /// `destroy`.
    Destroy,
    /// `create vlan TAG vlandev PARENT`: a vlan created on its parent at once.
    CreateVlan { tag: u16, dev: String },
    /// `vlan TAG vlandev PARENT`: configure an existing vlan.
    SetVlan { tag: u16, dev: String },
    /// `addm IF` on a bridge, `laggport IF` on a lagg.
    AddMember { member: String },
    /// `deletem IF` on a bridge, `-laggport IF` on a lagg.
    DelMember { member: String },
}

/// `vxlanid N vxlanlocal A vxlanremote B [vxlandev IF]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VxlanArgs {
    pub id: u32,
    pub local: Option<IpAddr>,
    pub remote: Option<IpAddr>,
    pub dev: Option<String>,
}

/// `-net` or `-host`, kept so that printing round-trips.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RouteFlag {
    Net,
    Host,
}

/// An address prefix; `default` is the all-zero prefix of length 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefix {
    pub addr: IpAddr,
    pub len: u8,
}

/// Where a route points.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Gateway {
    Addr(IpAddr),
    Interface(String),
}
