//! The kernel object model: an arena of prisons, vnets, processes, ifnets, addresses,
//! routing objects and route caches, joined by owner/counted/raw references.
//!
//! Invariants:
//! - Objects are never removed from the arena; freeing marks them freed. `ObjId` is the
//!   arena index. An object is freed at most once (a second free is an engine error).
//! - Counts are `u32` and change only through checked helpers; an underflow is an engine
//!   error (`Stop::Internal`), never a wrap.
//! - A counted edge contributes exactly one to its target's count while it is live.
//!   Base counts without an edge: an ifnet's index reference (`if_refcount` starts at 1),
//!   a prison's creation, persist and temporary holds.
//! - Freeing an object removes its owner in-edges and all its out-edges (releasing
//!   counted ones); raw in-edges stay and become dangling.
//! - All containers are ordered (sorted `VecMap`/`VecSet`, Vec), so a run is deterministic.
//!
//! Facts checked in FreeBSD sources [V]: every vnet gets lo0 from vnet_loif_init (if_loop.c)
//! and the kernel gives it no address (127.0.0.1 comes from userland, which the model does
//! not run); both epair halves sit on the creating vnet's cloner list (if_epair.c);
//! `ifconfig IF vnet J` for a jail that shares the interface's vnet fails with EEXIST
//! (if.c if_vmove_loan), as does a name already taken in the target vnet.
//!
//! Modelling choices [I] made here: an interface address
//! adds only its connected route (no loopback host route); a route via `-interface IF` on
//! an interface without an address of that family has no `nh_ifa` (link-level addresses
//! are not modelled); nexthops are shared per (rib, ifp, ifa, gateway); a tunnel's outer
//! lookup uses the interface's fib; during set-up a route cache always holds the nexthop
//! that currently matches (as if traffic flowed), while during teardown a rib change only
//! invalidates it.

use crate::engine::input::scenario::*;
use crate::engine::kernel::si::*;
use crate::engine::teardown::registry::{self, Registry};
use crate::engine::trace::*;
use crate::support::vecmap::{VecMap, VecSet};
use std::net::IpAddr;

/// `format!` for an object's display name or key, or an empty string (no allocation) when
/// the world is built without labels for the verdict-only path.
macro_rules! lbl {
    ($w:expr, $($t:tt)*) => {
        if $w.labels { format!($($t)*) } else { String::new() }
    };
}

pub mod build;
pub mod drivers;
pub mod faults;
pub mod ifnet;
pub mod pf;
pub mod refs;
pub mod release;
pub mod routing;
pub mod si;

pub use drivers::destroy_fn;

pub const VNET_MAGIC_N: u32 = 0x5e4a_6f28;
pub const VNET_MAGIC_FREED: u32 = 0xdead_beef;

/// An error building the scenario (or, with `internal`, an engine bug).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    /// Index into `scenario.entries` of the failing command.
    pub entry: usize,
    pub message: String,
    /// True when the engine itself broke an invariant (a bug, not bad input).
    pub internal: bool,
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "command {}: {}", self.entry + 1, self.message)
    }
}

impl std::error::Error for BuildError {}

/// Address family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fam {
    Inet,
    Inet6,
}

impl Fam {
    pub fn of(a: IpAddr) -> Fam {
        if a.is_ipv4() { Fam::Inet } else { Fam::Inet6 }
    }
    pub fn name(self) -> &'static str {
        match self {
            Fam::Inet => "inet",
            Fam::Inet6 => "inet6",
        }
    }
    pub fn bits(self) -> u8 {
        match self {
            Fam::Inet => 32,
            Fam::Inet6 => 128,
        }
    }
}

fn addr_bits(a: IpAddr) -> u128 {
    match a {
        IpAddr::V4(v) => u32::from(v) as u128,
        IpAddr::V6(v) => u128::from(v),
    }
}

/// `a` masked to `len` bits of its family.
/// The unit `ifconfig epair create` takes without one: the lowest that `taken` does not
/// claim. Cloners are per vnet, so `taken` answers for the creating vnet only [V
/// if_clone.c]. The canvas model (`ui/model.rs`) names new epairs with the same rule.
pub fn lowest_free_unit(taken: impl Fn(u32) -> bool) -> u32 {
    let mut u = 0;
    while taken(u) {
        u += 1;
    }
    u
}

pub fn masked(a: IpAddr, len: u8) -> u128 {
    let bits = Fam::of(a).bits();
    let len = len.min(bits);
    if len == 0 {
        return 0;
    }
    let v = addr_bits(a);
    let drop = (bits - len) as u32;
    (v >> drop) << drop
}

/// The network address of `a`/`len` as an address.
pub fn prefix_addr(a: IpAddr, len: u8) -> IpAddr {
    let m = masked(a, len);
    match a {
        IpAddr::V4(_) => IpAddr::V4(std::net::Ipv4Addr::from(m as u32)),
        IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::from(m)),
    }
}

/// Whether `a` falls in the prefix (`p`, `len`).
pub fn covers(p: IpAddr, len: u8, a: IpAddr) -> bool {
    Fam::of(p) == Fam::of(a) && masked(p, len) == masked(a, len)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PrState {
    Invalid,
    Alive,
    Dying,
}

impl PrState {
    pub fn name(self) -> &'static str {
        match self {
            PrState::Invalid => "INVALID",
            PrState::Alive => "ALIVE",
            PrState::Dying => "DYING",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Prison {
    pub name: String,
    pub state: PrState,
    pub uref: u32,
    pub persist: bool,
    /// Whether its processes' parents never reap them (the `noreap` what-if).
    pub noreap: bool,
    pub vnet_flag: bool,
    pub vnet: ObjId,
    pub parent: Option<ObjId>,
    /// Live children, in creation order (ids grow with creation).
    pub children: VecSet<ObjId>,
    /// Its processes not yet exited, in creation order.
    pub procs: VecSet<ObjId>,
    /// The scenario entry that created it (for errors).
    pub entry: usize,
}

#[derive(Clone, Debug, Default)]
pub struct Vnet {
    pub prison: Option<ObjId>,
    pub state: u32,
    pub shutdown: bool,
    pub magic: u32,
    /// Whether the proposed vnet_shutdown phases have run.
    pub shut_phases_done: bool,
    /// Whether rtables_destroy freed V_rt_tables.
    pub rt_tables_freed: bool,
    /// V_ifnet in arrival order.
    pub ifnets: VecMap<u64, ObjId>,
    pub names: VecMap<String, ObjId>,
    /// Per-driver cloner lists: the clones this vnet's cloners created.
    pub clones: VecMap<Driver, VecMap<u64, ObjId>>,
    pub ribs: VecMap<(u32, Fam), ObjId>,
    /// The inet/inet6 address hashes.
    pub hash: VecMap<Fam, VecSet<ObjId>>,
    pub epair_units: VecSet<u32>,
    /// Routes in `ribs` by transmit interface, as (ifp, rib key, route key, rtentry):
    /// `routes_via` reads one range, in the same (rib, route) order as a full walk.
    pub routes_by_ifp: VecSet<RouteByIfp>,
    /// The first rib_head this vnet created (what V_rt_tables points at first).
    pub first_rib: Option<ObjId>,
    /// Per-vnet driver tables the model follows (me's tunnel hash), by variable name.
    pub tables: VecMap<&'static str, ObjId>,
}

impl Vnet {
    /// VNET_IS_SHUTTING_DOWN (vnet.h) [V].
    pub fn shutting_down(&self) -> bool {
        self.shutdown && self.state < SI_SUB_VNET_DONE
    }
}

#[derive(Clone, Debug)]
pub struct Ifnet {
    pub driver: Driver,
    pub vnet: ObjId,
    pub home: ObjId,
    pub fib: u32,
    pub up: bool,
    pub addrs: Vec<ObjId>,
    pub peer: Option<ObjId>,
    pub tunnel: Option<(IpAddr, IpAddr)>,
    pub cache: Option<ObjId>,
    pub sub: Option<ObjId>,
    /// The prison whose cred a wg interface holds.
    pub cred: Option<ObjId>,
    pub on_list: bool,
    pub list_seq: u64,
    pub clone_seq: u64,
    pub destroyed: bool,
    /// The epair unit, for releasing it.
    pub unit: Option<u32>,
    /// A configured vlan's trunk and tag.
    pub vlan: Option<(ObjId, u16)>,
    /// A vlan parent's trunk (`if_vlantrunk`).
    pub trunk: Option<ObjId>,
    /// A bridge's members or a lagg's ports, in the order added.
    pub members: Vec<ObjId>,
    /// The bridge or lagg this interface is a member or port of.
    pub member_of: Option<ObjId>,
}

/// A vlan parent's trunk (`struct ifvlantrunk`, if_vlan.c).
#[derive(Clone, Debug)]
pub struct Trunk {
    pub parent: ObjId,
    pub vlans: VecSet<ObjId>,
}

#[derive(Clone, Debug)]
pub struct Ifaddr {
    pub fam: Fam,
    pub addr: IpAddr,
    pub len: u8,
    pub dst: Option<IpAddr>,
    pub ifp: ObjId,
    /// The vnet whose hash holds it, while it does.
    pub hashed_in: Option<ObjId>,
    /// Its connected route, while it exists.
    pub route: Option<ObjId>,
}

#[derive(Clone, Debug)]
pub struct Rib {
    pub vnet: ObjId,
    pub fib: u32,
    pub fam: Fam,
    pub routes: VecMap<(u128, u8), ObjId>,
    pub subs: VecMap<u64, ObjId>,
    pub ctl: ObjId,
    pub nhops: VecMap<NhKey, ObjId>,
}

/// A `routes_by_ifp` entry: (transmit ifnet, (fib, family), (masked dest, len), rtentry).
pub type RouteByIfp = (ObjId, (u32, Fam), (u128, u8), ObjId);

pub type NhKey = (ObjId, Option<ObjId>, Option<IpAddr>);

#[derive(Clone, Debug)]
pub struct Rt {
    pub rib: ObjId,
    pub dest: IpAddr,
    pub len: u8,
    pub nh: ObjId,
    pub linked: bool,
}

#[derive(Clone, Debug)]
pub struct Nh {
    pub rib: ObjId,
    pub key: NhKey,
    pub linked: bool,
}

#[derive(Clone, Debug)]
pub struct Sub {
    pub rib: ObjId,
    pub ifp: ObjId,
    pub cache: ObjId,
    pub seq: u64,
}

#[derive(Clone, Debug)]
pub struct Cache {
    pub ifp: ObjId,
    pub nh: Option<ObjId>,
}

#[derive(Clone, Debug)]
pub enum Data {
    Prison(Prison),
    Vnet(Box<Vnet>),
    Process {
        prison: ObjId,
        argv: String,
    },
    Ifnet(Box<Ifnet>),
    Ifaddr(Ifaddr),
    Rib(Box<Rib>),
    Ctl {
        rib: ObjId,
    },
    Rt(Rt),
    Nh(Nh),
    Sub(Sub),
    Cache(Cache),
    Trunk(Trunk),
    /// A per-vnet table the model follows as a whole (`V_me_hashtbl`, pf's kifs); its
    /// vnet is the object's `vnet_at_birth`.
    Table,
}

#[derive(Clone, Debug)]
pub struct Obj {
    pub kind: ObjKind,
    pub name: String,
    pub key: String,
    pub vnet_at_birth: Option<ObjId>,
    pub born: usize,
    pub freed: bool,
    pub freed_at: usize,
    pub freed_by: Vec<&'static str>,
    pub count: u32,
    /// The vnet or prison whose destruction orphans this object (for leaks).
    pub owner: Option<ObjId>,
    pub data: Data,
    /// Out-edges in creation order. Dead edges linger until the next compaction (see
    /// `add_edge`); readers skip them.
    pub out: Vec<EdgeId>,
    /// In-edges in creation order, with the same lazy compaction.
    pub inn: Vec<EdgeId>,
    /// How many entries of `out` / `inn` are dead (drives compaction).
    pub dead_out: u32,
    pub dead_in: u32,
}

#[derive(Clone, Debug)]
pub struct E {
    pub from: ObjId,
    pub to: ObjId,
    pub kind: EdgeKind,
    pub label: &'static str,
    pub live: bool,
    pub dangling: bool,
}

/// Why a simulation stopped early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// A use-after-free or panic ended the trace.
    Fault,
    /// The engine broke one of its invariants.
    Internal(String),
}

pub type R<T = ()> = Result<T, Stop>;

/// A queued epoch callback.
#[derive(Clone, Debug)]
pub struct Deferred {
    pub obj: ObjId,
    pub by: Vec<&'static str>,
}

/// The step being recorded.
#[derive(Clone, Debug, Default)]
pub struct Rec {
    /// Record events and text (false for the verdict-only fast path).
    pub on: bool,
    pub steps: Vec<Step>,
    pub cur: Option<Step>,
    /// Objects touched in the open step, with repeats (sorted and deduplicated when
    /// the step ends).
    pub changed: Vec<ObjId>,
    pub faults: Vec<Fault>,
    pub notes: Vec<String>,
    /// Sentences for the open step from code below its narration (departure handlers,
    /// driver hooks), appended to its text when it ends.
    pub asides: Vec<String>,
    /// Steps begun so far (counted even when not recording).
    pub count: usize,
    /// Whether the open step has events (tracked even when not recording).
    pub dirty: bool,
}

/// The whole modelled kernel.
#[derive(Clone, Debug)]
pub struct World {
    pub objs: Vec<Obj>,
    pub edges: Vec<E>,
    pub prisons: VecMap<String, ObjId>,
    pub prison0: ObjId,
    pub vnet0: ObjId,
    pub options: VecSet<String>,
    pub registry: Registry,
    /// The drivers outside the base set whose modules the scenario loads.
    pub loaded: VecSet<&'static str>,
    /// pf's per-vnet interface records (`V_pfi_ifs`), by vnet, while pf is active there.
    pub pf: VecMap<ObjId, ObjId>,
    /// Hooks a `without FUNC` what-if leaves unregistered.
    pub without: VecSet<String>,
    pub moves: Vec<(String, Slot)>,
    pub epoch: Vec<Deferred>,
    pub seq: u64,
    pub rec: Rec,
    /// Objects and edges that existed when the build ended.
    pub built_objs: usize,
    pub built_edges: usize,
    pub order: StageOrder,
    /// The kernel release the lane runs (`release::of`).
    pub kernel: Kernel,
    pub freeprison: Vec<ObjId>,
    pub building: bool,
    pub halted: bool,
    /// Prisons whose creation reference is held until the build ends.
    pub held: Vec<ObjId>,
    /// Whether objects get display names and keys. Off only for `verdict`, which reports
    /// nothing but the outcome; interface names are always kept (they are looked up).
    pub labels: bool,
    /// The taskqueue whose thread runs the teardown now, when it runs in a task
    /// (prison_complete after a process exit or reap); None in a syscall.
    pub task: Option<&'static str>,
    /// vlans whose lladdr task (vlan_lladdr_fn) is queued on taskqueue_thread and has not
    /// run, because that thread is busy with this teardown.
    pub lladdr_queued: VecSet<ObjId>,
}

/// Kernel options the model knows.
pub const KNOWN_OPTIONS: &[&str] = &["ROUTE_CACHE", "VIMAGE", "INVARIANTS"];

impl World {
    // ---------------------------------------------------------------- arena basics

    pub fn o(&self, id: ObjId) -> &Obj {
        &self.objs[id.0 as usize]
    }
    pub fn om(&mut self, id: ObjId) -> &mut Obj {
        &mut self.objs[id.0 as usize]
    }
    pub fn pr(&self, id: ObjId) -> &Prison {
        match &self.o(id).data {
            Data::Prison(p) => p,
            _ => panic!("object {} is not a prison", id.0),
        }
    }
    pub fn prm(&mut self, id: ObjId) -> &mut Prison {
        match &mut self.om(id).data {
            Data::Prison(p) => p,
            _ => panic!("object {} is not a prison", id.0),
        }
    }
    pub fn vn(&self, id: ObjId) -> &Vnet {
        match &self.o(id).data {
            Data::Vnet(v) => v,
            _ => panic!("object {} is not a vnet", id.0),
        }
    }
    pub fn vnm(&mut self, id: ObjId) -> &mut Vnet {
        match &mut self.om(id).data {
            Data::Vnet(v) => v,
            _ => panic!("object {} is not a vnet", id.0),
        }
    }
    pub fn ifn(&self, id: ObjId) -> &Ifnet {
        match &self.o(id).data {
            Data::Ifnet(v) => v,
            _ => panic!("object {} is not an ifnet", id.0),
        }
    }
    pub fn ifm(&mut self, id: ObjId) -> &mut Ifnet {
        match &mut self.om(id).data {
            Data::Ifnet(v) => v,
            _ => panic!("object {} is not an ifnet", id.0),
        }
    }
    pub fn ifa(&self, id: ObjId) -> &Ifaddr {
        match &self.o(id).data {
            Data::Ifaddr(v) => v,
            _ => panic!("object {} is not an ifaddr", id.0),
        }
    }
    pub fn ifam(&mut self, id: ObjId) -> &mut Ifaddr {
        match &mut self.om(id).data {
            Data::Ifaddr(v) => v,
            _ => panic!("object {} is not an ifaddr", id.0),
        }
    }
    pub fn rib(&self, id: ObjId) -> &Rib {
        match &self.o(id).data {
            Data::Rib(v) => v,
            _ => panic!("object {} is not a rib", id.0),
        }
    }
    pub fn ribm(&mut self, id: ObjId) -> &mut Rib {
        match &mut self.om(id).data {
            Data::Rib(v) => v,
            _ => panic!("object {} is not a rib", id.0),
        }
    }
    pub fn rt(&self, id: ObjId) -> &Rt {
        match &self.o(id).data {
            Data::Rt(v) => v,
            _ => panic!("object {} is not an rtentry", id.0),
        }
    }
    pub fn nh(&self, id: ObjId) -> &Nh {
        match &self.o(id).data {
            Data::Nh(v) => v,
            _ => panic!("object {} is not a nexthop", id.0),
        }
    }
    pub fn sub(&self, id: ObjId) -> &Sub {
        match &self.o(id).data {
            Data::Sub(v) => v,
            _ => panic!("object {} is not a subscription", id.0),
        }
    }
    pub fn cache(&self, id: ObjId) -> &Cache {
        match &self.o(id).data {
            Data::Cache(v) => v,
            _ => panic!("object {} is not a route cache", id.0),
        }
    }
    pub fn cachem(&mut self, id: ObjId) -> &mut Cache {
        match &mut self.om(id).data {
            Data::Cache(v) => v,
            _ => panic!("object {} is not a route cache", id.0),
        }
    }

    pub fn trunk(&self, id: ObjId) -> &Trunk {
        match &self.o(id).data {
            Data::Trunk(v) => v,
            _ => panic!("object {} is not a vlan trunk", id.0),
        }
    }
    pub fn trunkm(&mut self, id: ObjId) -> &mut Trunk {
        match &mut self.om(id).data {
            Data::Trunk(v) => v,
            _ => panic!("object {} is not a vlan trunk", id.0),
        }
    }

    pub fn name(&self, id: ObjId) -> &str {
        &self.o(id).name
    }

    /// Whether the hook `func` is registered (not left out by a `without` what-if).
    pub fn hooked(&self, func: &str) -> bool {
        !self.without.contains(func)
    }

    pub fn route_cache_on(&self) -> bool {
        self.options.contains("ROUTE_CACHE")
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// The step that is being recorded now (0 during the build).
    pub fn step_no(&self) -> usize {
        if self.building { 0 } else { self.rec.count }
    }

    // ---------------------------------------------------------------- recording

    pub fn ev(&mut self, kind: EventKind, obj: ObjId, edge: Option<EdgeId>, other: Option<ObjId>) {
        self.rec.dirty = true;
        if self.rec.on
            && !self.building
            && let Some(s) = self.rec.cur.as_mut()
        {
            s.events.push(Event { kind, obj, edge, other, note: None });
        }
    }

    pub fn state_ev(&mut self, obj: ObjId, note: impl FnOnce() -> String) {
        if self.rec.on
            && !self.building
            && let Some(s) = self.rec.cur.as_mut()
        {
            s.events.push(Event {
                kind: EventKind::State,
                obj,
                edge: None,
                other: None,
                note: Some(note()),
            });
        }
    }

    fn touch(&mut self, obj: ObjId) {
        if self.rec.on && !self.building {
            self.rec.changed.push(obj);
        }
    }
}

pub fn berr(entry: usize, message: String) -> BuildError {
    BuildError { entry, message, internal: false }
}

pub fn stop_err(entry: usize, s: Stop) -> BuildError {
    match s {
        Stop::Internal(m) => {
            BuildError { entry, message: format!("internal engine error: {m}"), internal: true }
        }
        Stop::Fault => BuildError {
            entry,
            message: "internal engine error: fault during set-up".into(),
            internal: true,
        },
    }
}

pub fn hash_label(f: Fam) -> &'static str {
    match f {
        Fam::Inet => "V_in_ifaddrhashtbl",
        Fam::Inet6 => "V_in6_ifaddrhashtbl",
    }
}
