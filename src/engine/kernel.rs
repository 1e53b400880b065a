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

use crate::engine::registry::{self, Registry};
use crate::engine::scenario::*;
use crate::engine::si::*;
use crate::engine::trace::*;
use crate::engine::vecmap::{VecMap, VecSet};
use std::net::IpAddr;

/// `format!` for an object's display name or key, or an empty string (no allocation) when
/// the world is built without labels for the verdict-only path.
macro_rules! lbl {
    ($w:expr, $($t:tt)*) => {
        if $w.labels { format!($($t)*) } else { String::new() }
    };
}

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
    Process { prison: ObjId, argv: String },
    Ifnet(Box<Ifnet>),
    Ifaddr(Ifaddr),
    Rib(Box<Rib>),
    Ctl { rib: ObjId },
    Rt(Rt),
    Nh(Nh),
    Sub(Sub),
    Cache(Cache),
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
    pub moves: Vec<(String, Slot)>,
    pub epoch: Vec<Deferred>,
    pub seq: u64,
    pub rec: Rec,
    /// Objects and edges that existed when the build ended.
    pub built_objs: usize,
    pub built_edges: usize,
    pub order: StageOrder,
    pub freeprison: Vec<ObjId>,
    pub building: bool,
    pub halted: bool,
    /// Prisons whose creation reference is held until the build ends.
    pub held: Vec<ObjId>,
    /// Whether objects get display names and keys. Off only for `verdict`, which reports
    /// nothing but the outcome; interface names are always kept (they are looked up).
    pub labels: bool,
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

    pub fn name(&self, id: ObjId) -> &str {
        &self.o(id).name
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

    // ---------------------------------------------------------------- objects and edges

    #[allow(clippy::too_many_arguments)]
    pub fn new_obj(
        &mut self,
        kind: ObjKind,
        name: String,
        key: String,
        vnet: Option<ObjId>,
        owner: Option<ObjId>,
        count: u32,
        data: Data,
    ) -> ObjId {
        let id = ObjId(self.objs.len() as u32);
        let born = self.step_no();
        self.objs.push(Obj {
            kind,
            name,
            key,
            vnet_at_birth: vnet,
            born,
            freed: false,
            freed_at: 0,
            freed_by: Vec::new(),
            count,
            owner,
            data,
            out: Vec::new(),
            inn: Vec::new(),
            dead_out: 0,
            dead_in: 0,
        });
        self.ev(EventKind::Created, id, None, None);
        if count > 0 {
            self.touch(id);
        }
        id
    }

    /// Adds a reference; a counted one takes a count on the target.
    pub fn add_edge(
        &mut self,
        from: ObjId,
        to: ObjId,
        kind: EdgeKind,
        label: &'static str,
    ) -> EdgeId {
        let id = EdgeId(self.edges.len() as u32);
        self.edges.push(E { from, to, kind, label, live: true, dangling: false });
        self.compact(from);
        self.compact(to);
        self.om(from).out.push(id);
        self.om(to).inn.push(id);
        if kind == EdgeKind::Counted {
            self.om(to).count += 1;
            self.touch(to);
        }
        self.ev(EventKind::Ref, to, Some(id), Some(from));
        id
    }

    /// Drops the dead entries of an object's edge lists once they are the majority, so
    /// that walks stay proportional to the live edges (amortised O(1) per edge). Runs
    /// only when an edge is added, never while a list is being walked.
    fn compact(&mut self, id: ObjId) {
        let o = &self.objs[id.0 as usize];
        let (dead_out, dead_in) = (o.dead_out as usize, o.dead_in as usize);
        if dead_out >= 8 && dead_out * 2 >= o.out.len() {
            let mut out = std::mem::take(&mut self.om(id).out);
            out.retain(|e| self.edges[e.0 as usize].live);
            let o = self.om(id);
            o.out = out;
            o.dead_out = 0;
        }
        if dead_in >= 8 && dead_in * 2 >= self.o(id).inn.len() {
            let mut inn = std::mem::take(&mut self.om(id).inn);
            inn.retain(|e| self.edges[e.0 as usize].live);
            let o = self.om(id);
            o.inn = inn;
            o.dead_in = 0;
        }
    }

    /// Marks a live edge dead (the only place `live` goes false).
    pub fn kill_edge(&mut self, e: EdgeId) {
        let x = &mut self.edges[e.0 as usize];
        if !x.live {
            return;
        }
        x.live = false;
        let (from, to) = (x.from, x.to);
        self.om(from).dead_out += 1;
        self.om(to).dead_in += 1;
    }

    /// The live out-edge of `from` with this label, if any (the oldest). Callers ask this
    /// only of objects with a handful of out-edges (an ifnet, a cache).
    pub fn out_edge(&self, from: ObjId, label: &str) -> Option<EdgeId> {
        self.o(from)
            .out
            .iter()
            .copied()
            .find(|e| self.edges[e.0 as usize].live && self.edges[e.0 as usize].label == label)
    }

    /// The live edge `from --label--> to`, if any (the oldest). It walks the shorter of
    /// `from`'s out-list and `to`'s in-list: the callers look up an owner's edge to one
    /// child (vnet0's cloner entry for an ifnet, a rib's entry for a route), and the
    /// child's in-list stays short however many children the owner has. Both lists are
    /// in creation order, so either walk finds the same (oldest) edge.
    pub fn edge_to(&self, from: ObjId, to: ObjId, label: &str) -> Option<EdgeId> {
        let hit = |e: &EdgeId| {
            let x = &self.edges[e.0 as usize];
            x.live && x.from == from && x.to == to && x.label == label
        };
        let (out, inn) = (&self.o(from).out, &self.o(to).inn);
        if out.len() <= inn.len() {
            out.iter().copied().find(hit)
        } else {
            inn.iter().copied().find(hit)
        }
    }

    /// Drops a count that has no edge (index ref, persist, temporary holds).
    pub fn dec(&mut self, obj: ObjId, what: &str) -> R<u32> {
        let o = self.om(obj);
        let Some(n) = o.count.checked_sub(1) else {
            return Err(Stop::Internal(format!(
                "refcount underflow on {} ({what})",
                self.o(obj).name
            )));
        };
        o.count = n;
        self.touch(obj);
        Ok(n)
    }

    pub fn inc(&mut self, obj: ObjId) {
        self.om(obj).count += 1;
        self.touch(obj);
    }

    /// Removes a live reference. A counted one releases the target; if that was the last
    /// count, the target's release path runs (`on_zero`).
    pub fn drop_edge(&mut self, e: EdgeId) -> R {
        let (to, kind, live) = {
            let x = &self.edges[e.0 as usize];
            (x.to, x.kind, x.live)
        };
        if !live {
            return Err(Stop::Internal(format!("edge {} dropped twice", e.0)));
        }
        self.kill_edge(e);
        self.ev(EventKind::Unref, to, Some(e), Some(self.edges[e.0 as usize].from));
        if kind == EdgeKind::Counted {
            let n = self.dec(to, self.edges[e.0 as usize].label)?;
            if n == 0 {
                self.on_zero(to)?;
            }
        }
        Ok(())
    }

    /// Drops the live edge `from --label--> *` if present.
    pub fn drop_out(&mut self, from: ObjId, label: &str) -> R {
        if let Some(e) = self.out_edge(from, label) {
            self.drop_edge(e)?;
        }
        Ok(())
    }

    /// What happens when an object's last count goes.
    fn on_zero(&mut self, obj: ObjId) -> R {
        match self.o(obj).kind {
            ObjKind::Nexthop => {
                // nhop_free: unlink from the control hash while the rib lives, then free
                // through an epoch callback (destroy_nhop) [V nhop_ctl.c].
                let (rib, key, linked) = {
                    let n = self.nh(obj);
                    (n.rib, n.key, n.linked)
                };
                if linked && !self.o(rib).freed {
                    self.ribm(rib).nhops.remove(&key);
                }
                self.defer(obj, vec!["nhop_free", "destroy_nhop_epoch"]);
            }
            ObjKind::Ifnet(_) => self.defer(obj, vec!["if_rele", "if_free_deferred"]),
            ObjKind::Ifaddr => self.defer(obj, vec!["ifa_free", "ifa_destroy"]),
            // Prisons are handled by the jail logic; the rest have no counts.
            _ => {}
        }
        Ok(())
    }

    pub fn defer(&mut self, obj: ObjId, by: Vec<&'static str>) {
        self.epoch.push(Deferred { obj, by });
    }

    /// Frees an object now. Owner in-edges go, raw in-edges dangle, out-edges are dropped
    /// (releasing counted ones, which may queue further frees).
    pub fn free(&mut self, obj: ObjId, by: &[&'static str]) -> R {
        if self.o(obj).freed {
            return Err(Stop::Internal(format!("{} freed twice", self.o(obj).name)));
        }
        let step = self.step_no();
        {
            let o = self.om(obj);
            o.freed = true;
            o.freed_at = step;
            o.freed_by = by.to_vec();
        }
        self.ev(EventKind::Freed, obj, None, None);
        // Walk by position: nothing below adds an edge, so the lists are not compacted
        // meanwhile (and an object has no edge to itself).
        let mut i = 0;
        while let Some(&e) = self.o(obj).inn.get(i) {
            i += 1;
            let x = &self.edges[e.0 as usize];
            if !x.live {
                continue;
            }
            let (kind, from, dangling, label) = (x.kind, x.from, x.dangling, x.label);
            match kind {
                EdgeKind::Owner => {
                    self.kill_edge(e);
                    self.ev(EventKind::Unref, obj, Some(e), Some(from));
                }
                EdgeKind::Raw => {
                    if !dangling {
                        self.edges[e.0 as usize].dangling = true;
                        self.ev(EventKind::Dangling, obj, Some(e), Some(from));
                    }
                }
                EdgeKind::Counted => {
                    return Err(Stop::Internal(format!(
                        "{} freed while {} holds a counted reference ({label})",
                        self.o(obj).name,
                        self.o(from).name,
                    )));
                }
            }
        }
        let mut i = 0;
        while let Some(&e) = self.o(obj).out.get(i) {
            i += 1;
            if self.edges[e.0 as usize].live {
                self.drop_edge(e)?;
            }
        }
        Ok(())
    }

    /// Runs every queued epoch callback, including ones queued meanwhile [I: a drain is
    /// modelled as reaching a fixpoint].
    pub fn drain(&mut self) -> R<usize> {
        let mut n = 0;
        while !self.epoch.is_empty() {
            let mut batch = std::mem::take(&mut self.epoch);
            // if_free_deferred runs after the address and nexthop callbacks queued with it,
            // so that no ifaddr briefly points at a freed ifnet [I].
            crate::engine::order::sort_by_key(&mut batch, |d| {
                matches!(self.o(d.obj).kind, ObjKind::Ifnet(_))
            });
            for d in batch {
                if self.o(d.obj).freed {
                    return Err(Stop::Internal(format!("{} queued twice", self.o(d.obj).name)));
                }
                self.free_deferred(d.obj, &d.by)?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// The epoch callback body for each kind of deferred object.
    fn free_deferred(&mut self, obj: ObjId, by: &[&'static str]) -> R {
        match self.o(obj).kind {
            ObjKind::Ifnet(_) => {
                // An ifnet that still carries addresses (detached without a purge) drops
                // them as it goes [I].
                let addrs = self.ifn(obj).addrs.clone();
                for a in addrs {
                    self.addr_unhash(a);
                }
                self.ifm(obj).addrs.clear();
                self.free(obj, by)
            }
            ObjKind::Rtentry => self.free(obj, by),
            _ => self.free(obj, by),
        }
    }

    // ---------------------------------------------------------------- routing

    pub fn rib_of(&self, vnet: ObjId, fib: u32, fam: Fam) -> Option<ObjId> {
        self.vn(vnet).ribs.get(&(fib, fam)).copied()
    }

    /// Creates the rib_head for (fib, family) in a vnet if missing (vnet_rtables_init or a
    /// later `fib N`).
    pub fn ensure_rib(&mut self, vnet: ObjId, fib: u32, fam: Fam) -> ObjId {
        if let Some(r) = self.rib_of(vnet, fib, fam) {
            return r;
        }
        let vkey = self.vkey(vnet);
        let name = lbl!(self, "rib {}/fib{fib}", fam.name());
        let rib = self.new_obj(
            ObjKind::RibHead,
            name.clone(),
            lbl!(self, "{vkey}/rib/{}/{fib}", fam.name()),
            Some(vnet),
            Some(vnet),
            0,
            Data::Ctl { rib: ObjId(0) },
        );
        let ctl = self.new_obj(
            ObjKind::NhControl,
            lbl!(self, "nh_control {}/fib{fib}", fam.name()),
            lbl!(self, "{vkey}/nhctl/{}/{fib}", fam.name()),
            Some(vnet),
            Some(vnet),
            0,
            Data::Ctl { rib },
        );
        self.om(rib).data = Data::Rib(Box::new(Rib {
            vnet,
            fib,
            fam,
            routes: VecMap::new(),
            subs: VecMap::new(),
            ctl,
            nhops: VecMap::new(),
        }));
        self.add_edge(vnet, rib, EdgeKind::Owner, "V_rt_tables");
        if self.vn(vnet).first_rib.is_none() {
            self.vnm(vnet).first_rib = Some(rib);
        }
        self.add_edge(rib, ctl, EdgeKind::Owner, "nh_control");
        self.vnm(vnet).ribs.insert((fib, fam), rib);
        rib
    }

    /// A key prefix for objects in a vnet: `host` or the owning jail's name.
    pub fn vkey(&self, vnet: ObjId) -> String {
        if !self.labels {
            return String::new();
        }
        if vnet == self.vnet0 {
            return "host".into();
        }
        match self.vn(vnet).prison {
            Some(p) => self.pr(p).name.clone(),
            None => format!("vnet{}", vnet.0),
        }
    }

    /// Finds or creates the nexthop for (ifp, ifa, gateway) in a rib and takes a count.
    fn nexthop(&mut self, rib: ObjId, ifp: ObjId, ifa: Option<ObjId>, gw: Option<IpAddr>) -> ObjId {
        let key = (ifp, ifa, gw);
        if let Some(n) = self.rib(rib).nhops.get(&key).copied() {
            return n;
        }
        let vnet = self.rib(rib).vnet;
        let vkey = self.vkey(vnet);
        let (fam, fib) = (self.rib(rib).fam, self.rib(rib).fib);
        let ifname = self.o(ifp).name.clone();
        let name = match gw {
            Some(g) => lbl!(self, "nexthop {g} via {ifname}"),
            None => lbl!(self, "nexthop {ifname}"),
        };
        let n = self.new_obj(
            ObjKind::Nexthop,
            name.clone(),
            lbl!(self, "{vkey}/nh/{}/{fib}/{}", fam.name(), self.objs.len()),
            Some(vnet),
            Some(vnet),
            0,
            Data::Nh(Nh { rib, key, linked: true }),
        );
        self.add_edge(n, ifp, EdgeKind::Counted, "nh_ifp");
        self.add_edge(n, ifp, EdgeKind::Counted, "nh_aifp");
        if let Some(a) = ifa {
            self.add_edge(n, a, EdgeKind::Counted, "nh_ifa");
        }
        self.add_edge(n, vnet, EdgeKind::Raw, "nh_vnet");
        self.ribm(rib).nhops.insert(key, n);
        n
    }

    /// Adds a route; the rtentry takes a count on its nexthop.
    fn add_route(&mut self, rib: ObjId, dest: IpAddr, len: u8, nh: ObjId) -> ObjId {
        let vnet = self.rib(rib).vnet;
        let vkey = self.vkey(vnet);
        let fib = self.rib(rib).fib;
        let rt = self.new_obj(
            ObjKind::Rtentry,
            lbl!(self, "route {}/{len}", prefix_addr(dest, len)),
            lbl!(self, "{vkey}/rt/{fib}/{dest}/{len}"),
            Some(vnet),
            Some(vnet),
            0,
            Data::Rt(Rt { rib, dest, len, nh, linked: true }),
        );
        self.add_edge(rib, rt, EdgeKind::Owner, "rnh radix");
        self.add_edge(rt, nh, EdgeKind::Counted, "rt_nhop");
        let rkey = (masked(dest, len), len);
        self.ribm(rib).routes.insert(rkey, rt);
        self.index_route(rt, rkey, true);
        self.rib_notify(rib);
        rt
    }

    /// Unlinks a route and queues its free (rt_free → destroy_rtentry, epoch) [V].
    pub fn delete_route(&mut self, rt: ObjId, by: &'static str) -> R {
        let (rib, dest, len, linked) = {
            let r = self.rt(rt);
            (r.rib, r.dest, r.len, r.linked)
        };
        if !linked {
            return Ok(());
        }
        if let Data::Rt(r) = &mut self.om(rt).data {
            r.linked = false;
        }
        let rkey = (masked(dest, len), len);
        self.ribm(rib).routes.remove(&rkey);
        self.index_route(rt, rkey, false);
        if let Some(e) = self.edge_to(rib, rt, "rnh radix") {
            self.drop_edge(e)?;
        }
        self.defer(rt, vec![by, "rt_free", "destroy_rtentry"]);
        self.rib_notify(rib);
        Ok(())
    }

    /// Adds or removes a route in its vnet's `routes_by_ifp`.
    fn index_route(&mut self, rt: ObjId, rkey: (u128, u8), add: bool) {
        let (rib, nh) = (self.rt(rt).rib, self.rt(rt).nh);
        let ifp = self.nh(nh).key.0;
        let (vnet, fib, fam) = {
            let r = self.rib(rib);
            (r.vnet, r.fib, r.fam)
        };
        let k = (ifp, (fib, fam), rkey, rt);
        let v = self.vnm(vnet);
        if add {
            v.routes_by_ifp.insert(k);
        } else {
            v.routes_by_ifp.remove(&k);
        }
    }

    /// rib_notify: every subscriber's callback runs. During set-up a route cache is
    /// refilled as if traffic flowed; during teardown it is only invalidated [I].
    pub fn rib_notify(&mut self, rib: ObjId) {
        let subs: Vec<ObjId> = self.rib(rib).subs.values().copied().collect();
        for s in subs {
            let cache = self.sub(s).cache;
            if self.o(cache).freed {
                continue;
            }
            if self.building {
                let ifp = self.cache(cache).ifp;
                self.refill_cache(ifp);
            } else {
                // Cannot fail: a live cache's ro_nh edge is live.
                if let Ok(true) = self.invalidate_cache(cache) {
                    self.state_ev(cache, || {
                        "rib_notify ran the cache's callback, which drops its cached nexthop [P][I]"
                            .to_string()
                    });
                }
            }
        }
    }

    /// RO_INVALIDATE_CACHE: drop the cached nexthop.
    pub fn invalidate_cache(&mut self, cache: ObjId) -> R<bool> {
        if self.cache(cache).nh.is_none() {
            return Ok(false);
        }
        self.cachem(cache).nh = None;
        self.drop_out(cache, "ro_nh")?;
        Ok(true)
    }

    /// The longest-prefix match for `a` in a rib.
    pub fn lookup(&self, rib: ObjId, a: IpAddr) -> Option<ObjId> {
        self.rib(rib)
            .routes
            .iter()
            .rev()
            .filter(|((_, len), rt)| covers(self.rt(**rt).dest, *len, a))
            .max_by_key(|((_, len), _)| *len)
            .map(|(_, rt)| *rt)
    }

    /// Sets the cache to the nexthop currently matching the tunnel's outer destination.
    fn refill_cache(&mut self, ifp: ObjId) {
        let Some(cache) = self.ifn(ifp).cache else { return };
        let Some((_, dst)) = self.ifn(ifp).tunnel else { return };
        let vnet = self.ifn(ifp).vnet;
        let fib = self.ifn(ifp).fib;
        let want = self
            .rib_of(vnet, fib, Fam::of(dst))
            .and_then(|rib| self.lookup(rib, dst))
            .map(|rt| self.rt(rt).nh);
        if want == self.cache(cache).nh {
            return;
        }
        let _ = self.invalidate_cache(cache);
        if let Some(nh) = want {
            self.cachem(cache).nh = Some(nh);
            self.add_edge(cache, nh, EdgeKind::Counted, "ro_nh");
        }
    }

    // ---------------------------------------------------------------- interfaces

    fn link_ifnet(&mut self, ifp: ObjId, vnet: ObjId) {
        let s = self.next_seq();
        let name = self.o(ifp).name.clone();
        {
            let i = self.ifm(ifp);
            i.vnet = vnet;
            i.on_list = true;
            i.list_seq = s;
        }
        let v = self.vnm(vnet);
        v.ifnets.insert(s, ifp);
        v.names.insert(name, ifp);
    }

    pub fn unlink_ifnet(&mut self, ifp: ObjId) {
        if !self.ifn(ifp).on_list {
            return;
        }
        let (vnet, s) = (self.ifn(ifp).vnet, self.ifn(ifp).list_seq);
        let name = self.o(ifp).name.clone();
        self.ifm(ifp).on_list = false;
        let v = self.vnm(vnet);
        v.ifnets.remove(&s);
        if v.names.get(&name) == Some(&ifp) {
            v.names.remove(&name);
        }
    }

    /// if_alloc + if_attach in `vnet`, on that vnet's cloner list for the driver.
    fn create_ifnet(
        &mut self,
        vnet: ObjId,
        driver: Driver,
        name: &str,
        unit: Option<u32>,
    ) -> ObjId {
        let vkey = self.vkey(vnet);
        let ifp = self.new_obj(
            ObjKind::Ifnet(driver),
            name.to_string(),
            lbl!(self, "{vkey}/{name}"),
            Some(vnet),
            Some(vnet),
            1,
            Data::Ifnet(Box::new(Ifnet {
                driver,
                vnet,
                home: vnet,
                fib: 0,
                up: false,
                addrs: Vec::new(),
                peer: None,
                tunnel: None,
                cache: None,
                sub: None,
                cred: None,
                on_list: false,
                list_seq: 0,
                clone_seq: 0,
                destroyed: false,
                unit,
            })),
        );
        let cs = self.next_seq();
        self.ifm(ifp).clone_seq = cs;
        self.vnm(vnet).clones.get_or_default(driver).insert(cs, ifp);
        self.add_edge(vnet, ifp, EdgeKind::Owner, "ifc_iflist");
        self.add_edge(ifp, vnet, EdgeKind::Raw, "if_vnet");
        self.add_edge(ifp, vnet, EdgeKind::Raw, "if_home_vnet");
        self.link_ifnet(ifp, vnet);
        ifp
    }

    /// Removes an address: out of the hash and the interface, its connected route deleted.
    pub fn purge_addr(&mut self, a: ObjId, by: &'static str) -> R {
        self.addr_unhash(a);
        if let Some(rt) = self.ifa(a).route {
            self.ifam(a).route = None;
            if !self.o(rt).freed {
                self.delete_route(rt, by)?;
            }
        }
        let ifp = self.ifa(a).ifp;
        self.ifm(ifp).addrs.retain(|x| *x != a);
        if let Some(e) = self.edge_to(ifp, a, "if_addrhead") {
            self.drop_edge(e)?;
        }
        Ok(())
    }

    pub fn addr_unhash(&mut self, a: ObjId) {
        if let Some(v) = self.ifa(a).hashed_in {
            let fam = self.ifa(a).fam;
            self.ifam(a).hashed_in = None;
            if let Some(h) = self.vnm(v).hash.get_mut(&fam) {
                h.remove(&a);
            }
            let label = hash_label(fam);
            if let Some(e) = self.edge_to(v, a, label) {
                self.kill_edge(e);
                self.ev(EventKind::Unref, a, Some(e), Some(v));
            }
        }
    }

    /// Routes in the interface's vnet whose nexthop transmits on it.
    pub fn routes_via(&self, ifp: ObjId) -> Vec<ObjId> {
        let vnet = self.ifn(ifp).vnet;
        let lo = (ifp, (0, Fam::Inet), (0, 0), ObjId(0));
        let hi = (ifp, (u32::MAX, Fam::Inet6), (u128::MAX, u8::MAX), ObjId(u32::MAX));
        self.vn(vnet).routes_by_ifp.range(lo..=hi).map(|k| k.3).collect()
    }

    fn add_addr(
        &mut self,
        ifp: ObjId,
        addr: IpAddr,
        len: u8,
        dst: Option<IpAddr>,
    ) -> Result<(), String> {
        let fam = Fam::of(addr);
        let vnet = self.ifn(ifp).vnet;
        let fib = self.ifn(ifp).fib;
        let (rdest, rlen) = match dst {
            Some(d) => (d, fam.bits()),
            None => (addr, len),
        };
        let rib = self.ensure_rib(vnet, fib, fam);
        if self.rib(rib).routes.contains_key(&(masked(rdest, rlen), rlen)) {
            return Err("ioctl (SIOCAIFADDR): File exists".into());
        }
        let vkey = self.vkey(vnet);
        let ifname = self.o(ifp).name.clone();
        let a = self.new_obj(
            ObjKind::Ifaddr,
            lbl!(self, "{ifname} {} {addr}", fam.name()),
            lbl!(self, "{vkey}/{ifname}/{addr}"),
            Some(vnet),
            Some(vnet),
            0,
            Data::Ifaddr(Ifaddr { fam, addr, len, dst, ifp, hashed_in: Some(vnet), route: None }),
        );
        self.add_edge(ifp, a, EdgeKind::Counted, "if_addrhead");
        self.add_edge(a, ifp, EdgeKind::Raw, "ifa_ifp");
        self.add_edge(vnet, a, EdgeKind::Raw, hash_label(fam));
        self.vnm(vnet).hash.get_or_default(fam).insert(a);
        self.ifm(ifp).addrs.push(a);
        let nh = self.nexthop(rib, ifp, Some(a), None);
        let rt = self.add_route(rib, rdest, rlen, nh);
        self.ifam(a).route = Some(rt);
        Ok(())
    }

    /// Sets a tunnel's endpoints; with ROUTE_CACHE [P] it gets a cache and a subscription.
    fn set_tunnel(&mut self, ifp: ObjId, src: IpAddr, dst: IpAddr) -> R {
        if self.ifn(ifp).tunnel.is_some() {
            self.delete_tunnel(ifp, &[])?;
        }
        self.ifm(ifp).tunnel = Some((src, dst));
        if !self.route_cache_on() {
            return Ok(());
        }
        let vnet = self.ifn(ifp).vnet;
        let fib = self.ifn(ifp).fib;
        let rib = self.ensure_rib(vnet, fib, Fam::of(dst));
        let ifname = self.o(ifp).name.clone();
        let vkey = self.vkey(vnet);
        let drv = self.ifn(ifp).driver;
        let cache = match self.ifn(ifp).cache {
            Some(c) => c,
            None => {
                let c = self.new_obj(
                    ObjKind::RouteCache,
                    lbl!(self, "{ifname} route cache"),
                    lbl!(self, "{vkey}/{ifname}/rc"),
                    Some(vnet),
                    Some(self.ifn(ifp).home),
                    0,
                    Data::Cache(Cache { ifp, nh: None }),
                );
                self.add_edge(ifp, c, EdgeKind::Owner, rc_label(drv));
                self.ifm(ifp).cache = Some(c);
                c
            }
        };
        let seq = self.next_seq();
        let rname = self.o(rib).name.clone();
        let s = self.new_obj(
            ObjKind::Subscription,
            lbl!(self, "{ifname}'s rib subscription ({rname})"),
            lbl!(self, "{vkey}/{ifname}/rs/{seq}"),
            Some(vnet),
            Some(vnet),
            0,
            Data::Sub(Sub { rib, ifp, cache, seq }),
        );
        self.add_edge(rib, s, EdgeKind::Owner, "rnh_subscribers");
        self.add_edge(s, rib, EdgeKind::Raw, "rs->rnh");
        self.add_edge(s, cache, EdgeKind::Raw, "rs->arg");
        self.add_edge(ifp, s, EdgeKind::Raw, rs_label(drv));
        self.ribm(rib).subs.insert(seq, s);
        self.ifm(ifp).sub = Some(s);
        self.refill_cache(ifp);
        Ok(())
    }

    /// gif_delete_tunnel / gre_delete_tunnel: unsubscribe (reading `rs` and `rs->rnh`),
    /// then invalidate the cache. A freed subscription or rib is a use-after-free.
    pub fn delete_tunnel(&mut self, ifp: ObjId, path: &[&'static str]) -> R {
        if let Some(s) = self.ifn(ifp).sub {
            let mut p = path.to_vec();
            p.push("rib_unsubscribe");
            if self.o(s).freed {
                let rib = self.sub(s).rib;
                let msg = format!(
                    "page fault in rib_unsubscribe: {} was freed at step {} by {}",
                    self.o(s).name,
                    self.o(s).freed_at,
                    self.o(s).freed_by.first().copied().unwrap_or("?"),
                );
                let _ = rib;
                return self.uaf(s, "rib_unsubscribe", p, msg);
            }
            let rib = self.sub(s).rib;
            if self.o(rib).freed {
                let msg = format!(
                    "page fault in rib_unsubscribe: {} (behind {}) was freed at step {} by {}",
                    self.o(rib).name,
                    self.o(s).name,
                    self.o(rib).freed_at,
                    self.o(rib).freed_by.first().copied().unwrap_or("?"),
                );
                return self.uaf(rib, "rib_unsubscribe", p, msg);
            }
            let seq = self.sub(s).seq;
            self.ribm(rib).subs.remove(&seq);
            if let Some(e) = self.edge_to(rib, s, "rnh_subscribers") {
                self.drop_edge(e)?;
            }
            let drv = self.ifn(ifp).driver;
            self.drop_out(ifp, rs_label(drv))?;
            self.ifm(ifp).sub = None;
            self.defer(s, vec!["rib_unsubscribe", "epoch_call"]);
        }
        if let Some(c) = self.ifn(ifp).cache {
            self.invalidate_cache(c)?;
        }
        self.ifm(ifp).tunnel = None;
        Ok(())
    }

    /// Reports a use-after-free (fills in by whom the object was freed).
    pub fn uaf(
        &mut self,
        obj: ObjId,
        function: &str,
        path: Vec<&'static str>,
        message: String,
    ) -> R {
        let freed_by = FreedBy {
            step: self.o(obj).freed_at,
            call_path: self.o(obj).freed_by.iter().map(|s| s.to_string()).collect(),
        };
        self.fault(FaultKind::UseAfterFree, function, obj, Some(freed_by), path, message)
    }

    // ---------------------------------------------------------------- build

    /// The vnet a command runs in: the host's, or the jail's (shared for non-vnet jails).
    fn ctx(&self, jail: &Option<String>, idx: usize) -> Result<(ObjId, ObjId), BuildError> {
        match jail {
            None => Ok((self.prison0, self.vnet0)),
            Some(j) => {
                let p = self
                    .find_jail(j)
                    .ok_or_else(|| berr(idx, format!("jexec: jail \"{j}\" not found")))?;
                Ok((p, self.pr(p).vnet))
            }
        }
    }

    pub fn find_jail(&self, name: &str) -> Option<ObjId> {
        self.prisons.get(name).copied().filter(|p| self.pr(*p).state == PrState::Alive)
    }

    fn new_world() -> World {
        let mut w = World {
            objs: Vec::new(),
            edges: Vec::new(),
            prisons: VecMap::new(),
            prison0: ObjId(0),
            vnet0: ObjId(1),
            options: VecSet::new(),
            registry: Registry { teardown: Vec::new() },
            moves: Vec::new(),
            epoch: Vec::new(),
            seq: 0,
            rec: Rec::default(),
            built_objs: 0,
            built_edges: 0,
            order: StageOrder::Legacy,
            freeprison: Vec::new(),
            building: true,
            halted: false,
            held: Vec::new(),
            labels: true,
        };
        let p0 = w.new_obj(
            ObjKind::Prison,
            "prison0".into(),
            "host".into(),
            Some(ObjId(1)),
            None,
            1,
            Data::Prison(Prison {
                name: "host".into(),
                state: PrState::Alive,
                uref: 1,
                persist: true,
                vnet_flag: true,
                vnet: ObjId(1),
                parent: None,
                children: VecSet::new(),
                procs: VecSet::new(),
                entry: 0,
            }),
        );
        let v0 = w.new_obj(
            ObjKind::Vnet,
            "vnet0".into(),
            "host/vnet".into(),
            None,
            None,
            0,
            Data::Vnet(Box::new(Vnet {
                prison: Some(p0),
                state: SI_SUB_VNET_DONE,
                magic: VNET_MAGIC_N,
                ..Vnet::default()
            })),
        );
        w.add_edge(p0, v0, EdgeKind::Owner, "pr_vnet");
        w.ensure_rib(v0, 0, Fam::Inet);
        w.ensure_rib(v0, 0, Fam::Inet6);
        w.create_ifnet(v0, Driver::Lo, "lo0", None);
        w
    }

    /// Runs the set-up commands (everything but `jail -r`) and returns the built world plus
    /// the `jail -r` entries in order.
    pub fn build(
        scenario: &Scenario,
        extra: &[(String, Slot)],
    ) -> Result<(World, Vec<usize>), BuildError> {
        World::build_with(scenario, extra, true)
    }

    /// `build`, optionally without display names and keys (the verdict-only path).
    pub fn build_with(
        scenario: &Scenario,
        extra: &[(String, Slot)],
        labels: bool,
    ) -> Result<(World, Vec<usize>), BuildError> {
        let mut w = World::new_world();
        w.labels = labels;
        let n = scenario.entries.len();
        w.objs.reserve(8 * n);
        w.edges.reserve(24 * n);
        let mut moves: Vec<(String, Slot)> = Vec::new();
        let mut removes = Vec::new();
        for (i, e) in scenario.entries.iter().enumerate() {
            match &e.command {
                Command::KernelOption { name } => {
                    let up = name.to_ascii_uppercase();
                    if !KNOWN_OPTIONS.contains(&up.as_str()) {
                        return Err(berr(
                            i,
                            format!(
                                "options: unknown kernel option \"{name}\" (the model knows ROUTE_CACHE)"
                            ),
                        ));
                    }
                    w.options.insert(up);
                }
                Command::Sysuninit { func, slot } => {
                    if !registry::is_known(func) {
                        return Err(berr(
                            i,
                            format!("sysuninit: unknown VNET destructor \"{func}\""),
                        ));
                    }
                    if !slot.is_vnet_range() {
                        return Err(berr(
                            i,
                            format!(
                                "sysuninit: {func}: subsystem {} is outside (SI_SUB_VNET, SI_SUB_VNET_DONE]",
                                sub_display(slot.sub)
                            ),
                        ));
                    }
                    moves.push((func.clone(), *slot));
                }
                Command::JailRemove { .. } => removes.push(i),
                _ => {
                    if !removes.is_empty() {
                        return Err(berr(
                            i,
                            "a set-up command after the teardown (`jail -r` lines come last)"
                                .into(),
                        ));
                    }
                }
            }
        }
        for (f, s) in extra {
            if !registry::is_known(f) {
                return Err(berr(
                    scenario.entries.len(),
                    format!("sysuninit: unknown VNET destructor \"{f}\""),
                ));
            }
            moves.push((f.clone(), *s));
        }
        w.registry = Registry::new(moves.iter().map(|(f, s)| (f.as_str(), *s)))
            .map_err(|f| berr(0, format!("sysuninit: unknown VNET destructor \"{f}\"")))?;
        w.moves = moves;
        for (i, e) in scenario.entries.iter().enumerate() {
            w.build_one(i, &e.command)?;
            w.drain().map_err(|s| stop_err(i, s))?;
        }
        for p in std::mem::take(&mut w.held) {
            w.dec(p, "creation").map_err(|s| stop_err(w.pr(p).entry, s))?;
        }
        // A jail with neither persist nor a process (nor a child) dies at once [I].
        for p in w.prisons.values() {
            let pr = w.pr(*p);
            if pr.state == PrState::Alive && pr.uref == 0 {
                return Err(berr(
                    pr.entry,
                    format!(
                        "jail: \"{}\" has neither persist nor a process, so the kernel removes it as soon as it is created",
                        pr.name
                    ),
                ));
            }
        }
        for (i, e) in scenario.entries.iter().enumerate() {
            if let Command::JailRemove { name } = &e.command
                && !w.prisons.contains_key(name)
            {
                return Err(berr(i, format!("jail: \"{name}\" not found")));
            }
        }
        w.building = false;
        w.built_objs = w.objs.len();
        w.built_edges = w.edges.len();
        Ok((w, removes))
    }

    fn build_one(&mut self, i: usize, c: &Command) -> Result<(), BuildError> {
        match c {
            Command::KernelOption { .. }
            | Command::Sysuninit { .. }
            | Command::JailRemove { .. } => Ok(()),
            Command::JailCreate { name, vnet, persist, .. } => {
                self.jail_create(i, name, *vnet, *persist)
            }
            Command::Process { jail, argv } => {
                let (p, v) = self.ctx(&Some(jail.clone()), i)?;
                let n = self.pr(p).procs.len() + 1;
                let pid = self.new_obj(
                    ObjKind::Process,
                    lbl!(
                        self,
                        "{} (pid in {jail})",
                        argv.split_whitespace().next().unwrap_or("proc")
                    ),
                    lbl!(self, "{jail}/proc{n}"),
                    Some(v),
                    Some(p),
                    0,
                    Data::Process { prison: p, argv: argv.clone() },
                );
                self.add_edge(pid, p, EdgeKind::Counted, "p_ucred->cr_prison");
                self.prm(p).uref += 1;
                self.prm(p).procs.insert(pid);
                Ok(())
            }
            Command::RouteAdd { jail, flag, dest, gateway } => {
                self.route_add(i, jail, *flag, dest, gateway)
            }
            Command::Ifconfig { jail, ifname, op } => self.ifconfig(i, jail, ifname, op),
        }
    }

    fn jail_create(
        &mut self,
        i: usize,
        name: &str,
        vnet: bool,
        persist: bool,
    ) -> Result<(), BuildError> {
        if name.is_empty() || name.split('.').any(|s| s.is_empty()) {
            return Err(berr(i, format!("jail: name=\"{name}\": invalid jail name")));
        }
        if self.prisons.contains_key(name) {
            return Err(berr(i, format!("jail: \"{name}\" already exists")));
        }
        let parent = match name.rsplit_once('.') {
            None => self.prison0,
            Some((p, _)) => {
                self.find_jail(p).ok_or_else(|| berr(i, format!("jail: \"{p}\" not found")))?
            }
        };
        let pvnet = self.pr(parent).vnet;
        let p = self.new_obj(
            ObjKind::Prison,
            lbl!(self, "prison {name}"),
            name.to_string(),
            Some(pvnet),
            Some(parent),
            1,
            Data::Prison(Prison {
                name: name.to_string(),
                state: PrState::Invalid,
                uref: 0,
                persist,
                vnet_flag: vnet,
                vnet: pvnet,
                parent: Some(parent),
                children: VecSet::new(),
                procs: VecSet::new(),
                entry: i,
            }),
        );
        // The child holds a ref and a uref on its parent [V kern_jail.c].
        if parent != self.prison0 {
            self.add_edge(p, parent, EdgeKind::Counted, "pr_parent");
            self.prm(parent).uref += 1;
        }
        self.prm(parent).children.insert(p);
        self.prisons.insert(name.to_string(), p);
        if vnet {
            let v = self.new_obj(
                ObjKind::Vnet,
                lbl!(self, "vnet {name}"),
                lbl!(self, "{name}/vnet"),
                None,
                Some(p),
                0,
                Data::Vnet(Box::new(Vnet {
                    prison: Some(p),
                    state: SI_SUB_VNET_DONE,
                    magic: VNET_MAGIC_N,
                    ..Vnet::default()
                })),
            );
            self.om(p).vnet_at_birth = Some(v);
            self.prm(p).vnet = v;
            self.add_edge(p, v, EdgeKind::Owner, "pr_vnet");
            // vnet_alloc's constructors: routing tables, then lo0 (vnet_loif_init at
            // PROTO_IF/ANY creates it; its 127.0.0.1 comes from userland, not modelled) [V].
            self.ensure_rib(v, 0, Fam::Inet);
            self.ensure_rib(v, 0, Fam::Inet6);
            self.create_ifnet(v, Driver::Lo, "lo0", None);
        } else {
            self.add_edge(p, pvnet, EdgeKind::Raw, "pr_vnet");
        }
        if persist {
            self.inc(p);
            self.prm(p).uref += 1;
        }
        self.prm(p).state = PrState::Alive;
        // jail_set drops its creation-time reference at the end. A jail without persist
        // keeps it here until the build ends (jail(8) holds such a jail while it starts
        // the jail's processes) [I].
        if persist {
            self.dec(p, "creation").map_err(|s| stop_err(i, s))?;
        } else {
            self.held.push(p);
        }
        Ok(())
    }

    fn route_add(
        &mut self,
        i: usize,
        jail: &Option<String>,
        flag: Option<RouteFlag>,
        dest: &Prefix,
        gateway: &Gateway,
    ) -> Result<(), BuildError> {
        let (_, vnet) = self.ctx(jail, i)?;
        let fam = Fam::of(dest.addr);
        let len = if flag == Some(RouteFlag::Host) { fam.bits() } else { dest.len.min(fam.bits()) };
        let kind = if len == fam.bits() { "host" } else { "net" };
        let gw_text = match gateway {
            Gateway::Addr(a) => a.to_string(),
            Gateway::Interface(i) => i.clone(),
        };
        let shown = format!("{kind} {}/{len}: gateway {gw_text} fib 0", dest.addr);
        let rib = self.ensure_rib(vnet, 0, fam);
        if self.rib(rib).routes.contains_key(&(masked(dest.addr, len), len)) {
            return Err(berr(i, format!("route: add {shown}: route already in table")));
        }
        let nh = match gateway {
            Gateway::Addr(g) => {
                if Fam::of(*g) != fam {
                    return Err(berr(i, format!("route: add {shown}: Invalid argument")));
                }
                // The gateway must be on a connected network (ifa_ifwithroute).
                let conn = self
                    .rib(rib)
                    .routes
                    .values()
                    .copied()
                    .filter(|rt| {
                        let r = self.rt(*rt);
                        self.nh(r.nh).key.2.is_none() && covers(r.dest, r.len, *g)
                    })
                    .max_by_key(|rt| self.rt(*rt).len);
                let Some(conn) = conn else {
                    return Err(berr(i, format!("route: add {shown}: Network is unreachable")));
                };
                let (ifp, ifa, _) = self.nh(self.rt(conn).nh).key;
                self.nexthop(rib, ifp, ifa, Some(*g))
            }
            Gateway::Interface(name) => {
                let Some(ifp) = self.vn(vnet).names.get(name).copied() else {
                    return Err(berr(i, format!("route: add {shown}: interface {name} not found")));
                };
                let ifa = self.ifn(ifp).addrs.iter().copied().find(|a| self.ifa(*a).fam == fam);
                self.nexthop(rib, ifp, ifa, None)
            }
        };
        self.add_route(rib, dest.addr, len, nh);
        Ok(())
    }

    fn ifconfig(
        &mut self,
        i: usize,
        jail: &Option<String>,
        ifname: &str,
        op: &IfOp,
    ) -> Result<(), BuildError> {
        let (p, vnet) = match jail {
            None => (self.prison0, self.vnet0),
            Some(j) => {
                let p = self
                    .find_jail(j)
                    .ok_or_else(|| berr(i, format!("ifconfig: jail \"{j}\" not found")))?;
                (p, self.pr(p).vnet)
            }
        };
        if let IfOp::Create { .. } = op {
            return self.if_create(i, p, vnet, ifname);
        }
        if let IfOp::Reclaim { .. } = op {
            return self.reclaim(i, p, vnet, ifname, op);
        }
        let Some(ifp) = self.vn(vnet).names.get(ifname).copied() else {
            return Err(berr(i, format!("ifconfig: interface {ifname} does not exist")));
        };
        match op {
            IfOp::Create { .. } => Ok(()),
            IfOp::Up => {
                self.ifm(ifp).up = true;
                Ok(())
            }
            IfOp::Fib(n) => {
                self.ifm(ifp).fib = *n;
                self.ensure_rib(vnet, *n, Fam::Inet);
                self.ensure_rib(vnet, *n, Fam::Inet6);
                Ok(())
            }
            IfOp::Tunnel { src, dst } => {
                if !matches!(self.ifn(ifp).driver, Driver::Gif | Driver::Gre) {
                    return Err(berr(i, "ifconfig: SIOCSIFPHYADDR: Invalid argument".into()));
                }
                if Fam::of(*src) != Fam::of(*dst) {
                    return Err(berr(i, "ifconfig: SIOCSIFPHYADDR: Invalid argument".into()));
                }
                self.set_tunnel(ifp, *src, *dst).map_err(|s| stop_err(i, s))
            }
            IfOp::Addr { addr, len, dst } => {
                let fam = Fam::of(*addr);
                if *len > fam.bits() || dst.is_some_and(|d| Fam::of(d) != fam) {
                    return Err(berr(i, "ifconfig: ioctl (SIOCAIFADDR): Invalid argument".into()));
                }
                self.add_addr(ifp, *addr, *len, *dst).map_err(|m| berr(i, format!("ifconfig: {m}")))
            }
            IfOp::Vnet { jail: target } => {
                let Some(t) = self.find_jail(target) else {
                    return Err(berr(i, format!("ifconfig: jail \"{target}\" not found")));
                };
                if !self.is_descendant(t, p) {
                    return Err(berr(i, format!("ifconfig: jail \"{target}\" not found")));
                }
                let tv = self.pr(t).vnet;
                // if_vmove_loan: a target prison whose vnet is the interface's own (a
                // non-vnet jail) gives EEXIST, as does a name taken there [V if.c].
                if tv == vnet {
                    return Err(berr(i, "ifconfig: SIOCSIFVNET: File exists".into()));
                }
                if self.vn(tv).names.contains_key(ifname) {
                    return Err(berr(i, "ifconfig: SIOCSIFVNET: File exists".into()));
                }
                self.if_vmove(ifp, tv, &[]).map_err(|s| stop_err(i, s))
            }
            IfOp::Reclaim { .. } => Ok(()),
            IfOp::Destroy => {
                if self.ifn(ifp).driver == Driver::Lo && ifname == "lo0" {
                    return Err(berr(i, "ifconfig: SIOCIFDESTROY: Invalid argument".into()));
                }
                self.destroy_ifnet(ifp, &[]).map(|_| ()).map_err(|s| stop_err(i, s))
            }
        }
    }

    fn reclaim(
        &mut self,
        i: usize,
        p: ObjId,
        vnet: ObjId,
        ifname: &str,
        op: &IfOp,
    ) -> Result<(), BuildError> {
        let IfOp::Reclaim { jail: target } = op else { return Ok(()) };
        let Some(t) = self.find_jail(target).filter(|t| self.is_descendant(*t, p)) else {
            return Err(berr(i, format!("ifconfig: jail \"{target}\" not found")));
        };
        let tv = self.pr(t).vnet;
        if tv == vnet {
            return Err(berr(i, "ifconfig: SIOCSIFRVNET: File exists".into()));
        }
        let Some(ifp) = self.vn(tv).names.get(ifname).copied() else {
            return Err(berr(i, "ifconfig: SIOCSIFRVNET: Device not configured".into()));
        };
        if self.vn(vnet).names.contains_key(ifname) {
            return Err(berr(i, "ifconfig: SIOCSIFRVNET: File exists".into()));
        }
        self.if_vmove(ifp, vnet, &[]).map_err(|s| stop_err(i, s))
    }

    /// Whether `p` is a strict descendant of `anc`.
    pub fn is_descendant(&self, p: ObjId, anc: ObjId) -> bool {
        let mut cur = self.pr(p).parent;
        while let Some(c) = cur {
            if c == anc {
                return true;
            }
            cur = self.pr(c).parent;
        }
        false
    }

    fn if_create(
        &mut self,
        i: usize,
        p: ObjId,
        vnet: ObjId,
        ifname: &str,
    ) -> Result<(), BuildError> {
        if p != self.prison0 && !self.pr(p).vnet_flag {
            return Err(berr(i, "ifconfig: SIOCIFCREATE2: Operation not permitted".into()));
        }
        let Some(driver) = Driver::from_ifname(ifname) else {
            return Err(berr(i, "ifconfig: SIOCIFCREATE2: Invalid argument".into()));
        };
        if driver == Driver::Vxlan && vnet != self.vnet0 {
            return Err(berr(
                i,
                "ifconfig: SIOCIFCREATE2: Invalid argument. vxlan has one global cloner in vnet0, so a vnet jail \
                 cannot find it; older kernels fell back to vnet0's cloner, and the vxlan they made in the jail \
                 leaked when the jail died [V if_clone.c]."
                    .into(),
            ));
        }
        if driver == Driver::Epair {
            let rest = &ifname["epair".len()..];
            if rest.ends_with(['a', 'b']) {
                return Err(berr(i, "ifconfig: SIOCIFCREATE2: Invalid argument".into()));
            }
            let unit = if rest.is_empty() {
                let v = self.vn(vnet);
                lowest_free_unit(|u| {
                    v.epair_units.contains(&u)
                        || v.names.contains_key(&format!("epair{u}a"))
                        || v.names.contains_key(&format!("epair{u}b"))
                })
            } else {
                rest.parse::<u32>()
                    .map_err(|_| berr(i, "ifconfig: SIOCIFCREATE2: Invalid argument".into()))?
            };
            let (a, b) = (format!("epair{unit}a"), format!("epair{unit}b"));
            if self.vn(vnet).epair_units.contains(&unit)
                || self.vn(vnet).names.contains_key(&a)
                || self.vn(vnet).names.contains_key(&b)
            {
                return Err(berr(i, "ifconfig: SIOCIFCREATE2: File exists".into()));
            }
            self.vnm(vnet).epair_units.insert(unit);
            let ia = self.create_ifnet(vnet, Driver::Epair, &a, Some(unit));
            let ib = self.create_ifnet(vnet, Driver::Epair, &b, Some(unit));
            self.ifm(ia).peer = Some(ib);
            self.ifm(ib).peer = Some(ia);
            self.add_edge(ia, ib, EdgeKind::Raw, "oifp");
            self.add_edge(ib, ia, EdgeKind::Raw, "oifp");
            return Ok(());
        }
        if ifname == driver.name() {
            return Err(berr(
                i,
                "ifconfig: SIOCIFCREATE2: Invalid argument (give a unit, e.g. gif0)".into(),
            ));
        }
        if self.vn(vnet).names.contains_key(ifname) {
            return Err(berr(i, "ifconfig: SIOCIFCREATE2: File exists".into()));
        }
        let ifp = self.create_ifnet(vnet, driver, ifname, None);
        if driver == Driver::Wg {
            // wg keeps its creator's cred, hence a pr_ref on the creating prison [V-idx if_wg.c].
            self.add_edge(ifp, p, EdgeKind::Counted, "sc_ucred");
            self.ifm(ifp).cred = Some(p);
        }
        Ok(())
    }

    // ---------------------------------------------------------------- detach, move, destroy

    /// if_detach_internal: drains the epoch first; while the ifnet's vnet is shutting down it
    /// skips the address purge and route flush [V if.c]. Returns whether it purged.
    pub fn if_detach(&mut self, ifp: ObjId) -> R<bool> {
        self.drain()?;
        let vnet = self.ifn(ifp).vnet;
        self.unlink_ifnet(ifp);
        if self.vn(vnet).shutting_down() {
            return Ok(false);
        }
        let addrs = self.ifn(ifp).addrs.clone();
        for a in addrs {
            self.purge_addr(a, "if_purgeaddrs")?;
        }
        for rt in self.routes_via(ifp) {
            self.delete_route(rt, "rt_flushifroutes")?;
        }
        Ok(true)
    }

    /// if_vmove: full detach in the old vnet, the driver's if_reassign hook, attach in the new.
    pub fn if_vmove(&mut self, ifp: ObjId, to: ObjId, path: &[&'static str]) -> R {
        self.if_detach(ifp)?;
        let drv = self.ifn(ifp).driver;
        let reassign = match drv {
            Driver::Gif => self.route_cache_on(),
            Driver::Gre => true,
            _ => false,
        };
        if reassign && self.ifn(ifp).tunnel.is_some() {
            let mut p = path.to_vec();
            p.push(if drv == Driver::Gif { "gif_reassign" } else { "gre_reassign" });
            p.push(if drv == Driver::Gif { "gif_delete_tunnel" } else { "gre_delete_tunnel" });
            self.delete_tunnel(ifp, &p)?;
        }
        self.drop_out(ifp, "if_vnet")?;
        self.link_ifnet(ifp, to);
        self.add_edge(ifp, to, EdgeKind::Raw, "if_vnet");
        self.ev(EventKind::Moved, ifp, None, Some(to));
        Ok(())
    }

    /// The driver's clone destroy: tunnel teardown, detach, if_free, off the cloner list.
    /// An epair takes its peer with it. Returns the interfaces destroyed.
    pub fn destroy_ifnet(&mut self, ifp: ObjId, path: &[&'static str]) -> R<Vec<ObjId>> {
        let drv = self.ifn(ifp).driver;
        let mut p = path.to_vec();
        p.push(destroy_fn(drv));
        let mut gone = vec![ifp];
        match drv {
            Driver::Gif | Driver::Gre
                if self.ifn(ifp).tunnel.is_some() || self.ifn(ifp).sub.is_some() =>
            {
                let mut q = p.clone();
                q.push(if drv == Driver::Gif { "gif_delete_tunnel" } else { "gre_delete_tunnel" });
                self.delete_tunnel(ifp, &q)?;
            }
            Driver::Wg => {
                self.wg_drop_cred(ifp)?;
            }
            Driver::Epair => {
                if let Some(peer) = self.ifn(ifp).peer {
                    if self.o(peer).freed {
                        let mut q = p.clone();
                        q.push("if_clone_destroyif");
                        let msg = format!(
                            "page fault in epair_clone_destroy: {}'s peer {} was freed at step {}",
                            self.o(ifp).name,
                            self.o(peer).name,
                            self.o(peer).freed_at
                        );
                        return self.uaf(peer, "epair_clone_destroy", q, msg).map(|_| Vec::new());
                    }
                    if !self.ifn(peer).destroyed {
                        gone.push(peer);
                    }
                }
            }
            _ => {}
        }
        for x in gone.clone() {
            self.ifm(x).destroyed = true;
            self.if_detach(x)?;
            if let Some(c) = self.ifn(x).cache {
                // route_cache_uninit: the cache goes with the softc.
                self.ifm(x).cache = None;
                self.invalidate_cache(c)?;
                self.free(c, &["route_cache_uninit"])?;
            }
            let (home, cs) = (self.ifn(x).home, self.ifn(x).clone_seq);
            if let Some(l) = self.vnm(home).clones.get_mut(&drv) {
                l.remove(&cs);
            }
            if let Some(u) = self.ifn(x).unit {
                self.vnm(home).epair_units.remove(&u);
            }
            if let Some(e) = self.edge_to(home, x, "ifc_iflist") {
                self.drop_edge(e)?;
            }
            if let Some(peer) = self.ifn(x).peer
                && let Some(e) = self.edge_to(x, peer, "oifp")
            {
                self.drop_edge(e)?;
            }
            // if_free drops the index reference; the memory goes when the count reaches 0.
            let n = self.dec(x, "if_free index ref")?;
            if n == 0 {
                self.on_zero(x)?;
            }
        }
        Ok(gone)
    }

    /// wg drops its creator's cred (crfree); the prison logic sees the lower pr_ref.
    pub fn wg_drop_cred(&mut self, ifp: ObjId) -> R<Option<ObjId>> {
        let Some(p) = self.ifn(ifp).cred else { return Ok(None) };
        self.ifm(ifp).cred = None;
        self.drop_out(ifp, "sc_ucred")?;
        Ok(Some(p))
    }

    // ---------------------------------------------------------------- faults

    /// Records a fault as its own step and stops the run.
    pub fn fault(
        &mut self,
        kind: FaultKind,
        function: &str,
        obj: ObjId,
        freed_by: Option<FreedBy>,
        path: Vec<&'static str>,
        message: String,
    ) -> R {
        if self.building {
            return Err(Stop::Internal(format!("fault during set-up: {message}")));
        }
        if self.rec.dirty {
            self.split_step();
        }
        let step = self.rec.count;
        if let Some(s) = self.rec.cur.as_mut() {
            s.call_path = path.iter().map(|x| x.to_string()).collect();
            if self.rec.on {
                s.events.push(Event {
                    kind: EventKind::Fault,
                    obj,
                    edge: None,
                    other: None,
                    note: None,
                });
                s.text = if kind == FaultKind::UseAfterFree {
                    format!(
                        "{message}. The code follows a raw pointer into freed memory: a page fault \
                         [V pieces, I composition]."
                    )
                } else {
                    format!("{message}.")
                };
            }
        }
        self.rec.faults.push(Fault {
            kind,
            function: function.to_string(),
            object: obj,
            step,
            freed_by,
            message,
        });
        self.halted = true;
        Err(Stop::Fault)
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

pub fn rs_label(d: Driver) -> &'static str {
    if d == Driver::Gre { "gre_rs" } else { "gif_rs" }
}

pub fn rc_label(d: Driver) -> &'static str {
    if d == Driver::Gre { "gre_rc" } else { "gif_rc" }
}

pub fn destroy_fn(d: Driver) -> &'static str {
    match d {
        Driver::Lo => "lo_clone_destroy",
        Driver::Epair => "epair_clone_destroy",
        Driver::Gif => "gif_clone_destroy",
        Driver::Gre => "gre_clone_destroy",
        Driver::Vxlan => "vxlan_clone_destroy",
        Driver::Wg => "wg_clone_destroy",
        Driver::Bridge => "bridge_clone_destroy",
    }
}
