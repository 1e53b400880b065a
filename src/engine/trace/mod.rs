//! The result of a simulation: every step of one teardown, computed up front.
//!
//! A `Trace` is a value. It names every kernel object that ever existed (`objects`),
//! every reference that ever existed (`edges`), the references present before teardown
//! (`initial_edges`), and the ordered `steps`, each with its events. The state of the
//! object graph at any step is a pure function of those (`Trace::view_at`).
//!
//! Invariants:
//! - `ObjId` and `EdgeId` are indexes into `objects` and `edges`; they are our ids,
//!   never petgraph indices.
//! - Steps are numbered from 1; "step 0" is the built scenario before teardown.
//! - A fault is its own step, and the first use-after-free or panic ends the trace.

pub mod graph;
pub mod provenance;

use crate::support::idmap::{DenseId, IdMap};
use crate::support::vecmap::VecSet;
use serde::{Deserialize, Serialize};

/// The key of the host's vnet (vnet0); the host's prison0 is keyed `host`.
pub const HOST_VNET_KEY: &str = "host/vnet";

/// Which stage order a lane simulates.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum StageOrder {
    /// FreeBSD today: everything happens in vnet_destroy's SYSUNINIT walk.
    #[default]
    Legacy,
    /// Zhenlei Huang's proposal: a vnet_shutdown stage once the jail's processes are gone [I].
    VnetShutdown,
    /// James Gritton's variant: the same cleanup from prison_cleanup(), before SIGKILL [I].
    PrisonCleanup,
}

impl StageOrder {
    pub const ALL: [StageOrder; 3] =
        [StageOrder::Legacy, StageOrder::VnetShutdown, StageOrder::PrisonCleanup];

    /// The slug used on the command line, in links and in select values.
    pub fn slug(self) -> &'static str {
        match self {
            StageOrder::Legacy => "legacy",
            StageOrder::VnetShutdown => "vnet-shutdown",
            StageOrder::PrisonCleanup => "prison-cleanup",
        }
    }

    pub fn from_slug(slug: &str) -> Option<StageOrder> {
        StageOrder::ALL.into_iter().find(|o| o.slug() == slug)
    }

    /// The lane's select box: the stage's kernel name.
    pub fn short(self) -> &'static str {
        match self {
            StageOrder::Legacy => "legacy",
            StageOrder::VnetShutdown => "vnet_shutdown",
            StageOrder::PrisonCleanup => "prison_cleanup",
        }
    }

    /// A human label for select boxes.
    pub fn label(self) -> &'static str {
        match self {
            StageOrder::Legacy => "legacy (as released)",
            StageOrder::VnetShutdown => "vnet_shutdown (proposal)",
            StageOrder::PrisonCleanup => "prison_cleanup hook (Gritton)",
        }
    }
}

/// Which FreeBSD kernel a lane runs: a release, a branch's releases, or main. What each
/// one changes is data in `engine::kernel::release`; this is only the id. The variant
/// order is chronological and is the link format's (v2): new kernels go at the end.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum Kernel {
    /// FreeBSD 13.0-RELEASE.
    #[serde(rename = "13.0")]
    R13_0,
    /// stable/13 after 13.0: 13.1 to 13.5.
    #[serde(rename = "13.x")]
    R13,
    /// stable/14 before D47991: 14.0 to 14.2.
    #[serde(rename = "14.x")]
    R14,
    /// FreeBSD 14.3-RELEASE, with D47991's jail-removal thread.
    #[serde(rename = "14.3")]
    R14_3,
    /// FreeBSD 15.0-RELEASE.
    #[serde(rename = "15.0")]
    R15_0,
    /// main as modelled (the 2025 sources): the default.
    #[default]
    #[serde(rename = "main")]
    Main,
}

impl Kernel {
    pub const ALL: [Kernel; 6] =
        [Kernel::R13_0, Kernel::R13, Kernel::R14, Kernel::R14_3, Kernel::R15_0, Kernel::Main];

    /// The slug used on the command line, in select values and in JSON.
    pub fn slug(self) -> &'static str {
        match self {
            Kernel::R13_0 => "13.0",
            Kernel::R13 => "13.x",
            Kernel::R14 => "14.x",
            Kernel::R14_3 => "14.3",
            Kernel::R15_0 => "15.0",
            Kernel::Main => "main",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Kernel> {
        Kernel::ALL.into_iter().find(|k| k.slug() == slug)
    }
}

/// A stable id of a kernel object within one trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ObjId(pub u32);

/// A stable id of one reference within one trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EdgeId(pub u32);

impl DenseId for ObjId {
    fn index(self) -> usize {
        self.0 as usize
    }
}

impl DenseId for EdgeId {
    fn index(self) -> usize {
        self.0 as usize
    }
}

/// Interface drivers the model knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Driver {
    Lo,
    Epair,
    Gif,
    Gre,
    Vxlan,
    Wg,
    Bridge,
    Vlan,
    Lagg,
    Tun,
    Tap,
    Ipsec,
    Me,
    Ovpn,
    /// netgraph's eiface (ngethN), made with ngctl, not a cloner.
    Ngeth,
}

impl Driver {
    /// Every driver, in palette order. New variants go at the end of the enum (links and
    /// traces name drivers by position or name), but may sit anywhere here.
    pub const ALL: [Driver; 15] = [
        Driver::Lo,
        Driver::Epair,
        Driver::Gif,
        Driver::Gre,
        Driver::Vxlan,
        Driver::Wg,
        Driver::Bridge,
        Driver::Vlan,
        Driver::Lagg,
        Driver::Tun,
        Driver::Tap,
        Driver::Ipsec,
        Driver::Me,
        Driver::Ovpn,
        Driver::Ngeth,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Driver::Lo => "lo",
            Driver::Epair => "epair",
            Driver::Gif => "gif",
            Driver::Gre => "gre",
            Driver::Vxlan => "vxlan",
            Driver::Wg => "wg",
            Driver::Bridge => "bridge",
            Driver::Vlan => "vlan",
            Driver::Lagg => "lagg",
            Driver::Tun => "tun",
            Driver::Tap => "tap",
            Driver::Ipsec => "ipsec",
            Driver::Me => "me",
            Driver::Ovpn => "ovpn",
            Driver::Ngeth => "ngeth",
        }
    }

    /// The driver an interface name belongs to: `gif0` → gif, `epair3b` → epair,
    /// `epair` (automatic unit) → epair.
    pub fn from_ifname(ifname: &str) -> Option<Driver> {
        Driver::ALL.into_iter().find(|d| {
            ifname.strip_prefix(d.name()).is_some_and(|rest| {
                let unit =
                    if *d == Driver::Epair { rest.trim_end_matches(['a', 'b']) } else { rest };
                unit.chars().all(|c| c.is_ascii_digit())
            })
        })
    }
}

/// What kind of kernel object a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjKind {
    Prison,
    Vnet,
    Process,
    Ifnet(Driver),
    Ifaddr,
    RibHead,
    NhControl,
    Rtentry,
    Nexthop,
    Subscription,
    RouteCache,
    Cred,
    Socket,
    /// A vlan parent's `struct ifvlantrunk`.
    VlanTrunk,
    /// A driver's per-vnet hash table.
    HashTable,
    /// pf's per-vnet interface records (kifs).
    PfKifs,
}

impl ObjKind {
    /// The kernel structure a person knows it by: "ifnet · gif", "rib_head", "prison".
    pub fn label(self) -> String {
        let s = match self {
            ObjKind::Ifnet(d) => return format!("ifnet · {}", d.name()),
            ObjKind::RibHead => "rib_head",
            ObjKind::NhControl => "nh_control",
            ObjKind::RouteCache => "route cache",
            ObjKind::Prison => "prison",
            ObjKind::Vnet => "vnet",
            ObjKind::Process => "process",
            ObjKind::Ifaddr => "ifaddr",
            ObjKind::Rtentry => "rtentry",
            ObjKind::Nexthop => "nexthop",
            ObjKind::Subscription => "subscription",
            ObjKind::Cred => "cred",
            ObjKind::Socket => "socket",
            ObjKind::VlanTrunk => "ifvlantrunk",
            ObjKind::HashTable => "hash table",
            ObjKind::PfKifs => "pf kifs",
        };
        s.to_string()
    }
}

/// How one object refers to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// A container that frees the target (e.g. a rib_head owns its subscriptions).
    Owner,
    /// A counted reference: the target cannot be freed while it is held.
    Counted,
    /// A plain pointer: nothing keeps the target alive.
    Raw,
}

/// One kernel object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectInfo {
    pub id: ObjId,
    pub kind: ObjKind,
    /// Display name, e.g. `gif0`, `rib inet/fib0`, `prison j1`.
    pub name: String,
    /// Unique, stable key, e.g. `j1/gif0`, `host/epair0a`, `j1/rib/inet/0`.
    pub key: String,
    /// The vnet the object lives in at step 0, for clustering (None for a vnet itself).
    pub vnet: Option<ObjId>,
    /// The step that created it (0 = it existed before teardown).
    pub born: usize,
}

/// One reference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    pub id: EdgeId,
    pub from: ObjId,
    pub to: ObjId,
    pub kind: EdgeKind,
    /// The kernel field that holds it, e.g. `pr_vnet`, `rs->rnh`, `nh_ifp`.
    pub label: String,
}

/// The stage of the jail's death that a step belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    JailRemove,
    PrisonCleanup,
    Sigkill,
    ProcessExit,
    VnetShutdown,
    VnetDestroy,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::JailRemove => "jail_remove",
            Stage::PrisonCleanup => "prison_cleanup",
            Stage::Sigkill => "sigkill",
            Stage::ProcessExit => "process_exit",
            Stage::VnetShutdown => "vnet_shutdown",
            Stage::VnetDestroy => "vnet_destroy",
        }
    }
}

/// What happened to an object in a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The object came into existence (`edge`: none).
    Created,
    /// An interface moved to another vnet (`other`: the new vnet).
    Moved,
    /// A reference was taken (`edge`: the new edge; `obj` is its target).
    Ref,
    /// A reference was dropped (`edge`: the edge removed; `obj` is its target).
    Unref,
    /// The object's memory was freed.
    Freed,
    /// A raw reference now points at freed memory (`edge`; `obj` is its target).
    Dangling,
    /// The kernel faulted on this object (see `Trace::faults`).
    Fault,
    /// A state field changed (`note` says which, e.g. `pr_state=DYING`).
    State,
}

/// One event on a named object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub kind: EventKind,
    pub obj: ObjId,
    pub edge: Option<EdgeId>,
    pub other: Option<ObjId>,
    pub note: Option<String>,
}

/// A reference count after a step. For a prison, `count` is pr_ref and `uref` pr_uref.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefCount {
    pub obj: ObjId,
    pub count: u32,
    pub uref: Option<u32>,
}

/// One step of the teardown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// 1-based.
    pub index: usize,
    pub stage: Stage,
    /// The top function, e.g. `vnet_gif_uninit`.
    pub function: String,
    /// The call path, outermost first, ending in the function where the step's work happens.
    pub call_path: Vec<String>,
    /// Source file of the top function, relative to the FreeBSD tree.
    pub file: String,
    /// SI_SUB_* / SI_ORDER_* names (or hex) where a registered handler runs; else None.
    pub subsystem: Option<String>,
    pub order: Option<String>,
    /// The vnet the step works in, if any.
    pub vnet: Option<ObjId>,
    /// vnet_state of that vnet after the step, as an SI_SUB_* name or hex.
    pub vnet_state: Option<String>,
    /// VNET_IS_SHUTTING_DOWN of that vnet during the step.
    pub shutting_down: bool,
    pub events: Vec<Event>,
    /// Counts after the step, for every object whose count the step changed.
    pub refcounts: Vec<RefCount>,
    /// One or two sentences, with [V]/[R]/[I]/[P] provenance markers.
    pub text: String,
}

/// The fault taxonomy (decisions §12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    UseAfterFree,
    Panic,
    Leak,
    Stuck,
}

/// Who freed the object a use-after-free touched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreedBy {
    pub step: usize,
    pub call_path: Vec<String>,
}

/// One fault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    pub kind: FaultKind,
    /// The faulting function (for a leak or stuck prison: where it would have been freed).
    pub function: String,
    pub object: ObjId,
    /// The step that reports it (for leaks and stuck prisons: the last step).
    pub step: usize,
    pub freed_by: Option<FreedBy>,
    /// A one-line summary, e.g. "page fault in rib_unsubscribe: …".
    pub message: String,
}

impl Fault {
    /// What the fault banner calls it: the kind's label, except for a use after free that
    /// is not a read through a freed pointer (me's unlink writes into freed memory, which
    /// an INVARIANTS kernel finds later): "use after free".
    pub fn headline(&self) -> &'static str {
        if self.kind == FaultKind::UseAfterFree && !self.message.starts_with("page fault") {
            "use after free"
        } else {
            self.kind.label()
        }
    }
}

/// The verdict on a whole teardown (decisions §14).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Clean,
    PageFault,
    Panic,
    Leak,
    Stuck,
}

impl FaultKind {
    /// The words a person reads: "page fault", "panic", "leak", "stuck".
    pub fn label(self) -> &'static str {
        match self {
            FaultKind::UseAfterFree => "page fault",
            FaultKind::Panic => "panic",
            FaultKind::Leak => "leak",
            FaultKind::Stuck => "stuck",
        }
    }

    /// Whether the kernel hits it at its step (a use-after-free or panic) rather than
    /// being found once the teardown is over (a leak or a stuck prison).
    pub fn at_its_step(self) -> bool {
        matches!(self, FaultKind::UseAfterFree | FaultKind::Panic)
    }
}

impl Outcome {
    /// The words a person reads: "clean", "page fault", ...
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Clean => "clean",
            Outcome::PageFault => "page fault",
            Outcome::Panic => "panic",
            Outcome::Leak => "leak",
            Outcome::Stuck => "stuck",
        }
    }

    /// How a teardown ends, for "It ends …": "in a page fault", "stuck", ….
    pub fn ending(self) -> &'static str {
        match self {
            Outcome::Clean => "clean",
            Outcome::PageFault => "in a page fault",
            Outcome::Panic => "in a panic",
            Outcome::Leak => "with a leak",
            Outcome::Stuck => "stuck",
        }
    }

    /// The slug used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Clean => "clean",
            Outcome::PageFault => "page_fault",
            Outcome::Panic => "panic",
            Outcome::Leak => "leak",
            Outcome::Stuck => "stuck",
        }
    }
}

/// A whole simulated teardown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    pub kernel: Kernel,
    pub order: StageOrder,
    pub outcome: Outcome,
    pub objects: Vec<ObjectInfo>,
    pub edges: Vec<Edge>,
    /// References present at step 0.
    pub initial_edges: Vec<EdgeId>,
    /// Counts at step 0 for every counted object.
    pub initial_refcounts: Vec<RefCount>,
    pub steps: Vec<Step>,
    pub faults: Vec<Fault>,
    /// Objects that survive by design (vnet0 and everything in it, decisions §15).
    pub survivors: Vec<ObjId>,
    /// Caveats the user must see, e.g. the open question of network.md §9.
    pub notes: Vec<String>,
}

/// The object graph at one step, replayed from a trace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct View {
    /// Every object that exists or existed by this step, with whether it is freed.
    pub objects: IdMap<ObjId, ObjState>,
    /// Every reference present at this step, with whether it dangles.
    pub edges: IdMap<EdgeId, bool>,
}

impl View {
    /// Applies one step's events and refcounts: `trace.view_at(k)` followed by
    /// `apply(trace, &trace.steps[k])` equals `trace.view_at(k + 1)`.
    pub fn apply(&mut self, trace: &Trace, s: &Step) {
        for ev in &s.events {
            match ev.kind {
                EventKind::Created => {
                    let vnet = trace.object(ev.obj).vnet;
                    self.objects.insert(
                        ev.obj,
                        ObjState { freed: false, vnet, refcount: None, faulted: false },
                    );
                }
                EventKind::Moved => {
                    if let Some(st) = self.objects.get_mut(&ev.obj) {
                        st.vnet = ev.other;
                    }
                }
                EventKind::Ref => {
                    if let Some(e) = ev.edge {
                        self.edges.insert(e, false);
                    }
                }
                EventKind::Unref => {
                    if let Some(e) = ev.edge {
                        self.edges.remove(&e);
                    }
                }
                EventKind::Freed => {
                    if let Some(st) = self.objects.get_mut(&ev.obj) {
                        st.freed = true;
                    }
                }
                EventKind::Dangling => {
                    if let Some(e) = ev.edge {
                        self.edges.insert(e, true);
                    }
                }
                EventKind::Fault => {
                    if let Some(st) = self.objects.get_mut(&ev.obj) {
                        st.faulted = true;
                    }
                }
                EventKind::State => {}
            }
        }
        for rc in &s.refcounts {
            if let Some(st) = self.objects.get_mut(&rc.obj) {
                st.refcount = Some(*rc);
            }
        }
    }
}

/// Views of one trace at any step without replaying from step 0 each time: a checkpoint
/// every `CHECKPOINT` steps (computed lazily, on first need) plus the last view asked for.
/// A move of ±1 step costs one step's events (forward) or at most `CHECKPOINT` steps
/// (backward); a jump costs at most `CHECKPOINT` steps from the nearest checkpoint.
#[derive(Clone, Debug, Default)]
pub struct ViewCache {
    checkpoints: Vec<View>,
    last: Option<(usize, View)>,
}

impl ViewCache {
    /// Steps between checkpoints.
    pub const CHECKPOINT: usize = 64;

    /// The view after `step` steps of `trace`; equal to `trace.view_at(step)`. The cache
    /// must be used with one trace only (make a new one when the trace changes).
    pub fn view_at(&mut self, trace: &Trace, step: usize) -> &View {
        let step = step.min(trace.steps.len());
        if self.checkpoints.is_empty() {
            self.checkpoints.push(trace.initial_view());
        }
        let want_cp = step / Self::CHECKPOINT;
        while self.checkpoints.len() <= want_cp {
            let k = self.checkpoints.len();
            let mut v = self.checkpoints[k - 1].clone();
            for s in &trace.steps[(k - 1) * Self::CHECKPOINT..k * Self::CHECKPOINT] {
                v.apply(trace, s);
            }
            self.checkpoints.push(v);
        }
        let base = want_cp * Self::CHECKPOINT;
        let (from, mut view) = match self.last.take() {
            Some((at, v)) if at <= step && at >= base => (at, v),
            _ => (base, self.checkpoints[want_cp].clone()),
        };
        for s in &trace.steps[from..step] {
            view.apply(trace, s);
        }
        &self.last.insert((step, view)).1
    }
}

/// An object's state in a `View`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObjState {
    pub freed: bool,
    /// The vnet it lives in now (interfaces move).
    pub vnet: Option<ObjId>,
    pub refcount: Option<RefCount>,
    pub faulted: bool,
}

impl Trace {
    /// The fault a reader has reached after `step` steps: a use-after-free or panic from
    /// its step on, a leak or stuck prison once the teardown is over.
    pub fn fault_at(&self, step: usize) -> Option<&Fault> {
        let end = step >= self.steps.len();
        self.faults.iter().find(|f| if f.kind.at_its_step() { f.step <= step } else { end })
    }

    pub fn object(&self, id: ObjId) -> &ObjectInfo {
        &self.objects[id.0 as usize]
    }

    pub fn edge(&self, id: EdgeId) -> &Edge {
        &self.edges[id.0 as usize]
    }

    /// The object with this key, e.g. `j1/gif0`.
    pub fn find(&self, key: &str) -> Option<ObjId> {
        self.objects.iter().find(|o| o.key == key).map(|o| o.id)
    }

    /// The graph before teardown (step 0).
    pub fn initial_view(&self) -> View {
        let mut view = View::default();
        for o in self.objects.iter().filter(|o| o.born == 0) {
            view.objects.insert(
                o.id,
                ObjState { freed: false, vnet: o.vnet, refcount: None, faulted: false },
            );
        }
        for rc in &self.initial_refcounts {
            if let Some(s) = view.objects.get_mut(&rc.obj) {
                s.refcount = Some(*rc);
            }
        }
        for e in &self.initial_edges {
            view.edges.insert(*e, false);
        }
        view
    }

    /// The graph after `step` steps (0 = before teardown). Steps past the end clamp.
    /// This replays from step 0; a UI that moves one step at a time should keep a `View`
    /// and call `View::apply` (or `ViewCache`) instead.
    pub fn view_at(&self, step: usize) -> View {
        let mut view = self.initial_view();
        for s in self.steps.iter().take(step) {
            view.apply(self, s);
        }
        view
    }

    /// Whether an object is the host's: vnet0 itself, or an object that lived in vnet0
    /// before the teardown (prison0, the host's ribs, its interfaces). An interface loaned
    /// to a jail at step 0 is the jail's. The graph folds the host's objects into one
    /// cluster, since the jail's vnet is the story.
    pub fn is_host(&self, id: ObjId) -> bool {
        let Some(o) = self.objects.get(id.0 as usize) else { return false };
        o.key == HOST_VNET_KEY
            || o.vnet
                .and_then(|v| self.objects.get(v.0 as usize))
                .is_some_and(|v| v.key == HOST_VNET_KEY)
    }

    /// The references a fault at this step goes through: the ones still present in
    /// `view` that dangle into an object the step faults on (a use-after-free follows one
    /// of them). Empty at a step without a fault.
    pub fn faulting_edges(&self, step: usize, view: &View) -> Vec<EdgeId> {
        let Some(s) = self.steps.get(step.wrapping_sub(1)) else { return Vec::new() };
        let faulted: Vec<ObjId> =
            s.events.iter().filter(|e| e.kind == EventKind::Fault).map(|e| e.obj).collect();
        if faulted.is_empty() {
            return Vec::new();
        }
        view.edges
            .iter()
            .filter(|(id, dangling)| {
                **dangling && self.edges.get(id.0 as usize).is_some_and(|e| faulted.contains(&e.to))
            })
            .map(|(id, _)| *id)
            .collect()
    }

    /// Objects touched by a step's events.
    pub fn touched(&self, step: usize) -> VecSet<ObjId> {
        self.steps
            .get(step.wrapping_sub(1))
            .map(|s| s.events.iter().map(|e| e.obj).collect())
            .unwrap_or_default()
    }

    /// Where the teardown is at `step`: the latest step up to and including it that
    /// touched any object, or None (at step 0 and before the first touch). A step that
    /// touches nothing (a SYSUNINIT with nothing of ours to free) is still about the
    /// objects just before it, so a view that jumps there shows that step's objects.
    pub fn lately(&self, step: usize) -> Option<usize> {
        (1..=step.min(self.steps.len()))
            .rev()
            .find(|&s| self.steps.get(s - 1).is_some_and(|st| !st.events.is_empty()))
    }

    /// The objects step `step` touches, each once, the most affected first: by their
    /// strongest event (a fault or a dangling reference, then a free, a move or a birth,
    /// a state change, and last a reference taken or dropped), ties in the order of their
    /// first event. What a view that cannot show them all shows first.
    pub fn touched_ranked(&self, step: usize) -> Vec<ObjId> {
        let weight = |k: EventKind| match k {
            EventKind::Fault | EventKind::Dangling => 0u8,
            EventKind::Freed => 1,
            EventKind::Moved | EventKind::Created => 2,
            EventKind::State => 3,
            EventKind::Ref | EventKind::Unref => 4,
        };
        // Each object's strongest weight so far (by ObjId), and the objects in the order
        // of their first event.
        let mut strongest: Vec<u8> = vec![u8::MAX; self.objects.len()];
        let mut first: Vec<ObjId> = Vec::new();
        for e in self.steps.get(step.wrapping_sub(1)).map_or(&[][..], |s| &s.events[..]) {
            let Some(w) = strongest.get_mut(e.obj.0 as usize) else { continue };
            if *w == u8::MAX {
                first.push(e.obj);
            }
            *w = (*w).min(weight(e.kind));
        }
        // By weight, then first event: a pass per weight keeps the event order (and costs
        // less wasm than a sort).
        let mut out = Vec::with_capacity(first.len());
        for w in 0..=4u8 {
            out.extend(first.iter().filter(|o| strongest.get(o.0 as usize) == Some(&w)));
        }
        out
    }
}

/// The first step (1-based) at which two lanes' step function or events differ, or None
/// if they never do. A lane that has ended differs from one that goes on.
pub fn first_divergence(a: &Trace, b: &Trace) -> Option<usize> {
    let n = a.steps.len().max(b.steps.len());
    (0..n)
        .find(|&i| match (a.steps.get(i), b.steps.get(i)) {
            (Some(x), Some(y)) => {
                let ev = |t: &Trace, s: &Step| -> Vec<(EventKind, String)> {
                    s.events.iter().map(|e| (e.kind, t.object(e.obj).key.clone())).collect()
                };
                x.function != y.function || ev(a, x) != ev(b, y)
            }
            _ => true,
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Lane, input::script::parse, presets::presets, simulate};

    fn traces() -> Vec<Trace> {
        presets()
            .iter()
            .flat_map(|p| {
                let sc = parse(p.script).expect("preset parses");
                StageOrder::ALL
                    .map(|o| simulate(&sc, &Lane::new(o).on(p.kernel)).expect("preset builds"))
            })
            .collect()
    }

    #[test]
    fn touched_ranked_puts_the_most_affected_first() {
        for t in traces() {
            for step in 0..=t.steps.len() + 1 {
                let order = t.touched_ranked(step);
                let mut sorted = order.clone();
                sorted.sort();
                sorted.dedup();
                assert_eq!(sorted.len(), order.len(), "step {step}: each object once");
                assert_eq!(
                    sorted,
                    t.touched(step).iter().copied().collect::<Vec<_>>(),
                    "step {step}"
                );
                // An object the step frees never comes after one it only references.
                let events = t.steps.get(step.wrapping_sub(1)).map_or(&[][..], |s| &s.events[..]);
                let has = |o: ObjId, k: EventKind| events.iter().any(|e| e.obj == o && e.kind == k);
                let weak = |o: ObjId| {
                    events
                        .iter()
                        .filter(|e| e.obj == o)
                        .all(|e| matches!(e.kind, EventKind::Ref | EventKind::Unref))
                };
                for (i, a) in order.iter().enumerate() {
                    for b in &order[i + 1..] {
                        assert!(!(weak(*a) && has(*b, EventKind::Freed)), "step {step}");
                    }
                }
            }
        }
        // The seed's vnet_if_return step leads with the interface it sends home.
        let t = &traces()[0];
        let s = t
            .steps
            .iter()
            .position(|s| s.events.iter().any(|e| e.kind == EventKind::Moved))
            .expect("the seed sends an interface home")
            + 1;
        let first = t.touched_ranked(s)[0];
        assert!(t.steps[s - 1].events.iter().any(|e| e.obj == first && e.kind == EventKind::Moved));
    }

    #[test]
    fn lately_looks_back_to_the_last_step_that_touched() {
        for t in traces() {
            let lately = |s: usize| t.lately(s).map(|s| t.touched(s)).unwrap_or_default();
            assert_eq!(t.lately(0), None);
            for step in 1..=t.steps.len() + 1 {
                let now = t.touched(step);
                if !now.is_empty() {
                    assert_eq!(t.lately(step), Some(step), "step {step}");
                } else if let Some(back) = (1..step).rev().find(|&s| !t.touched(s).is_empty()) {
                    assert_eq!(t.lately(step), Some(back), "step {step} looks back to {back}");
                } else {
                    assert!(lately(step).is_empty(), "step {step}");
                }
            }
            // The seed has steps that touch nothing after steps that do.
            assert!((1..=t.steps.len()).any(|s| t.touched(s).is_empty() && !lately(s).is_empty()));
        }
    }

    #[test]
    fn apply_step_by_step_equals_view_at() {
        for t in traces() {
            let mut v = t.initial_view();
            assert_eq!(v, t.view_at(0));
            for (k, s) in t.steps.iter().enumerate() {
                v.apply(&t, s);
                assert_eq!(v, t.view_at(k + 1), "step {}", k + 1);
            }
        }
    }

    #[test]
    fn view_cache_equals_view_at_forward_backward_and_jumps() {
        for t in traces() {
            let n = t.steps.len();
            let mut cache = ViewCache::default();
            let order: Vec<usize> = (0..=n)
                .chain((0..=n).rev())
                .chain([n, 0, n / 2, n / 3, n + 5, 1, n.saturating_sub(1)])
                .collect();
            for k in order {
                assert_eq!(*cache.view_at(&t, k), t.view_at(k), "step {k}");
            }
        }
    }
}
