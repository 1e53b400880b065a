//! The canvas model: what the scenario builds (jails, interfaces, routes, processes), derived
//! from the scenario's commands, plus the pure edits that the canvas and the inspector make.
//!
//! Invariants:
//! - There is no second model. `Summary` is a pure function of a `Scenario`, and every edit
//!   here takes a `Scenario` and returns a changed `Scenario` (commands in, commands out).
//! - New commands go before the first `jail -r`, so the teardown stays at the end (decisions
//!   §22); `options` lines go first.
//! - Each object remembers the entries that mention it, so that deleting an object deletes
//!   exactly its commands and editing a property replaces its old command in place.
//! - Interface names are unique per vnet (decisions §25): an interface is named by its
//!   current location and its name.

use crate::engine::input::script;
use crate::engine::kernel::lowest_free_unit;
use crate::engine::kernel::si::Slot;
use crate::engine::{Command, Driver, Entry, Gateway, IfOp, NgOp, Prefix, RouteFlag, Scenario};
use crate::support::vecmap::VecSet;
#[cfg(test)]
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

/// Where an object lives: `None` is the host (vnet0), `Some(j)` is jail `j`.
pub type Loc = Option<String>;

/// What the user has selected on the canvas.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sel {
    Jail(String),
    Iface { loc: Loc, name: String },
}

impl Sel {
    /// The canvas test id: `obj-<jail>`, `obj-<jail>/<if>`, `obj-host/<if>` (decisions §25).
    pub fn test_id(&self) -> String {
        match self {
            Sel::Jail(j) => format!("obj-{j}"),
            Sel::Iface { loc, name } => format!("obj-{}/{name}", loc.as_deref().unwrap_or("host")),
        }
    }
}

/// One jail as the canvas draws it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JailNode {
    /// The full dotted name, e.g. `j1.j2`.
    pub name: String,
    pub vnet: bool,
    pub persist: bool,
    pub parent: Loc,
    pub pos: Option<(i16, i16)>,
    /// The `jail -c` entry.
    pub entry: usize,
    pub processes: usize,
    /// Whether a `noreap` line leaves its processes unreaped (what-if).
    pub noreap: bool,
    /// Whether the teardown removes it (`jail -r`).
    pub removed: bool,
}

impl JailNode {
    /// The last component of the dotted name.
    pub fn short(&self) -> &str {
        self.name.rsplit('.').next().unwrap_or(&self.name)
    }
}

/// One interface as the canvas draws it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IfaceNode {
    pub name: String,
    pub driver: Option<Driver>,
    /// The vnet that created it.
    pub home: Loc,
    /// Where it is now (a loaned epair end lives in another jail).
    pub loc: Loc,
    pub tunnel: Option<(IpAddr, IpAddr)>,
    pub addrs: Vec<(IpAddr, u8, Option<IpAddr>)>,
    pub fib: Option<u32>,
    pub up: bool,
    /// The entry that created it; `None` for the implicit `lo0` of each vnet.
    pub entry: Option<usize>,
    /// Every entry that names it (create, configure, loan).
    pub entries: Vec<usize>,
    pub pos: Option<(i16, i16)>,
    /// A vlan's parent (`vlandev`), or the bridge or lagg this interface is a member of.
    pub uplink: Option<String>,
    /// A vlan's tag.
    pub vlan_tag: Option<u16>,
}

impl IfaceNode {
    pub fn sel(&self) -> Sel {
        Sel::Iface { loc: self.loc.clone(), name: self.name.clone() }
    }

    pub fn is_tunnel(&self) -> bool {
        matches!(
            self.driver,
            Some(
                Driver::Gif | Driver::Gre | Driver::Wg | Driver::Vxlan | Driver::Ipsec | Driver::Me
            )
        )
    }
}

/// One route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteNode {
    pub loc: Loc,
    pub dest: Prefix,
    pub gateway: Gateway,
    pub entry: usize,
}

/// Everything the canvas shows, derived from a scenario.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub jails: Vec<JailNode>,
    pub ifaces: Vec<IfaceNode>,
    pub routes: Vec<RouteNode>,
    pub options: VecSet<String>,
    /// `kldload NAME` lines.
    pub modules: VecSet<String>,
    /// `without FUNC` lines (what-ifs).
    pub withouts: VecSet<String>,
    /// `sysuninit FUNC SLOT` lines, with their entry.
    pub sysuninits: Vec<(String, Slot, usize)>,
}

impl Summary {
    pub fn jail(&self, name: &str) -> Option<&JailNode> {
        self.jails.iter().find(|j| j.name == name)
    }

    pub fn iface(&self, loc: &Loc, name: &str) -> Option<&IfaceNode> {
        self.ifaces.iter().find(|i| &i.loc == loc && i.name == name)
    }

    pub fn contains(&self, sel: &Sel) -> bool {
        match sel {
            Sel::Jail(j) => self.jail(j).is_some(),
            Sel::Iface { loc, name } => self.iface(loc, name).is_some(),
        }
    }

    /// Whether a location has its own network stack (the host, or a vnet jail).
    pub fn has_vnet(&self, loc: &Loc) -> bool {
        match loc {
            None => true,
            Some(j) => self.jail(j).is_some_and(|j| j.vnet),
        }
    }

    /// The jails directly inside `parent`, in creation order.
    pub fn children(&self, parent: &Loc) -> impl Iterator<Item = &JailNode> {
        let parent = parent.clone();
        self.jails.iter().filter(move |j| j.parent == parent)
    }

    /// The interfaces now in `loc`, in creation order.
    pub fn ifaces_in(&self, loc: &Loc) -> impl Iterator<Item = &IfaceNode> {
        let loc = loc.clone();
        self.ifaces.iter().filter(move |i| i.loc == loc)
    }

    /// The jail whose vnet `loc` uses (None = the host's): a non-vnet jail shares its
    /// parent's.
    pub fn vnet_owner(&self, loc: &Loc) -> Loc {
        vnet_owner(self, loc)
    }

    /// The bridge or lagg `f` is a member of (a vlan's uplink is its parent instead).
    pub fn member_of<'a>(&self, f: &'a IfaceNode) -> Option<&'a str> {
        f.uplink.as_deref().filter(|_| f.driver != Some(Driver::Vlan))
    }

    /// The members of the bridge or lagg `agg` in `loc`, in script order.
    pub fn members(&self, loc: &Loc, agg: &str) -> Vec<String> {
        let at = self.vnet_owner(loc);
        self.ifaces
            .iter()
            .filter(|g| self.member_of(g) == Some(agg) && self.vnet_owner(&g.loc) == at)
            .map(|g| g.name.clone())
            .collect()
    }

    /// What `add_member` accepts for `agg` in `loc`: interfaces there that are not lo, not
    /// a bridge or lagg themselves and not yet a member of one.
    pub fn member_candidates(&self, loc: &Loc, agg: &str) -> Vec<String> {
        self.ifaces_in(loc)
            .filter(|g| g.name != agg && self.member_of(g).is_none())
            .filter(|g| !matches!(g.driver, Some(Driver::Bridge | Driver::Lagg | Driver::Lo)))
            .map(|g| g.name.clone())
            .collect()
    }

    /// The interfaces in `loc` a vlan there may take as its parent (not lo, not a vlan).
    pub fn vlan_parents(&self, loc: &Loc, vlan: &str) -> Vec<String> {
        self.ifaces_in(loc)
            .filter(|g| g.name != vlan && !matches!(g.driver, Some(Driver::Vlan | Driver::Lo)))
            .map(|g| g.name.clone())
            .collect()
    }

    pub fn route_cache(&self) -> bool {
        self.options.contains(ROUTE_CACHE)
    }
}

/// The kernel option that turns the tunnel route cache on [P].
pub const ROUTE_CACHE: &str = "ROUTE_CACHE";

fn parent_of(name: &str) -> Loc {
    name.rsplit_once('.').map(|(p, _)| p.to_string())
}

/// The jail whose vnet a location lives in (None = the host): a non-vnet jail shares its
/// parent's vnet.
fn vnet_owner(s: &Summary, loc: &Loc) -> Loc {
    let mut at = loc.clone();
    while let Some(name) = at.clone() {
        match s.jails.iter().find(|j| j.name == name) {
            Some(j) if !j.vnet => at = j.parent.clone(),
            _ => return at,
        }
    }
    None
}

/// The names an `ifconfig X create` line in `loc` creates: `epair3` makes
/// `epair3a`/`epair3b`, and `epair` alone takes the lowest unit free in that vnet, by the
/// engine's rule (`kernel::lowest_free_unit`), so the canvas and the trace agree.
fn created_names(s: &Summary, loc: &Loc, ifname: &str) -> Vec<String> {
    if Driver::from_ifname(ifname) != Some(Driver::Epair) {
        return vec![ifname.to_string()];
    }
    let owner = vnet_owner(s, loc);
    let unit = match ifname.trim_start_matches("epair").trim_end_matches(['a', 'b']) {
        "" => lowest_free_unit(|u| {
            let (a, b) = (format!("epair{u}a"), format!("epair{u}b"));
            s.ifaces.iter().any(|f| {
                (f.name == a || f.name == b)
                    && (vnet_owner(s, &f.home) == owner || vnet_owner(s, &f.loc) == owner)
            })
        }),
        digits => digits.parse().unwrap_or(0),
    };
    vec![format!("epair{unit}a"), format!("epair{unit}b")]
}

fn implicit_lo(loc: Loc) -> IfaceNode {
    IfaceNode {
        name: "lo0".into(),
        driver: Some(Driver::Lo),
        home: loc.clone(),
        loc,
        tunnel: None,
        addrs: Vec::new(),
        fib: None,
        up: true,
        entry: None,
        entries: Vec::new(),
        pos: None,
        uplink: None,
        vlan_tag: None,
    }
}

/// What an if_vmove leaves of an interface: the full detach in the old vnet brings it down
/// (if_down) and purges its addresses, and gif_reassign / gre_reassign delete a tunnel
/// (sys/net/if.c, if_gif.c, if_gre.c) [V].
fn moved(f: &mut IfaceNode) {
    f.addrs.clear();
    f.up = false;
    let spec = f.driver.map(crate::engine::kernel::drivers::spec);
    if spec.is_some_and(|d| d.tunnel.is_some() && d.reassign_fn.is_some()) {
        f.tunnel = None;
    }
    // A member leaves its bridge or lagg (the departure event); a bridge loses its
    // members (bridge_reassign, handled by `departs`). A vlan keeps its parent.
    if f.driver != Some(Driver::Vlan) {
        f.uplink = None;
    }
}

/// The departure of `name` from the vnet of `at`, as the drivers' handlers see it: its
/// vlans lose their parent; its members lose it when it is destroyed, or when it is a
/// bridge that moves (bridge_reassign). `destroyed` tells which; `bridge` whether it is one.
fn departs(s: &mut Summary, name: &str, at: &Loc, destroyed: bool, bridge: bool) {
    let owners: Vec<Loc> = s.ifaces.iter().map(|g| vnet_owner(s, &g.loc)).collect();
    for (g, owner) in s.ifaces.iter_mut().zip(owners) {
        if g.name == name || g.uplink.as_deref() != Some(name) || owner != *at {
            continue;
        }
        if g.driver == Some(Driver::Vlan) || destroyed || bridge {
            g.uplink = None;
        }
    }
}

/// Derives what the canvas shows from the scenario's commands.
pub fn summarize(sc: &Scenario) -> Summary {
    let mut s = Summary::default();
    s.ifaces.push(implicit_lo(None));
    for (i, e) in sc.entries.iter().enumerate() {
        match &e.command {
            Command::KernelOption { name } => {
                s.options.insert(name.clone());
            }
            Command::Kldload { module } => {
                s.modules.insert(module.clone());
            }
            Command::Without { func } => {
                s.withouts.insert(func.clone());
            }
            Command::Ngctl { jail, op: NgOp::MkpeerEiface } => {
                let at = vnet_owner(&s, jail);
                let unit = crate::engine::kernel::lowest_free_unit(|u| {
                    s.ifaces.iter().any(|f| {
                        f.driver == Some(Driver::Ngeth)
                            && vnet_owner(&s, &f.home) == at
                            && f.name == format!("ngeth{u}")
                    })
                });
                s.ifaces.push(IfaceNode {
                    driver: Some(Driver::Ngeth),
                    name: format!("ngeth{unit}"),
                    home: jail.clone(),
                    loc: jail.clone(),
                    tunnel: None,
                    addrs: Vec::new(),
                    fib: None,
                    up: false,
                    entry: Some(i),
                    entries: vec![i],
                    pos: e.pos,
                    uplink: None,
                    vlan_tag: None,
                });
            }
            Command::Ngctl { jail, op: NgOp::Shutdown { ifname } } => {
                let at = vnet_owner(&s, jail);
                departs(&mut s, ifname, &at, true, false);
                let ifaces = std::mem::take(&mut s.ifaces);
                s.ifaces = ifaces
                    .into_iter()
                    .filter(|f| !(f.name == *ifname && vnet_owner(&s, &f.home) == at))
                    .collect();
            }
            Command::JailCreate { name, vnet, persist, .. } => {
                s.jails.push(JailNode {
                    name: name.clone(),
                    vnet: *vnet,
                    persist: *persist,
                    parent: parent_of(name),
                    pos: e.pos,
                    entry: i,
                    processes: 0,
                    noreap: false,
                    removed: false,
                });
                if *vnet {
                    s.ifaces.push(implicit_lo(Some(name.clone())));
                }
            }
            Command::Ifconfig { jail, ifname, op } => match op {
                IfOp::Create { .. } | IfOp::CreateVlan { .. } => {
                    let (uplink, vlan_tag) = match op {
                        IfOp::CreateVlan { dev, tag } => (Some(dev.clone()), Some(*tag)),
                        _ => (None, None),
                    };
                    for name in created_names(&s, jail, ifname) {
                        s.ifaces.push(IfaceNode {
                            driver: Driver::from_ifname(&name),
                            name,
                            home: jail.clone(),
                            loc: jail.clone(),
                            tunnel: None,
                            addrs: Vec::new(),
                            fib: None,
                            up: false,
                            entry: Some(i),
                            entries: vec![i],
                            pos: e.pos,
                            uplink: uplink.clone(),
                            vlan_tag,
                        });
                    }
                }
                IfOp::Destroy => {
                    // Names are looked up in the vnet the command runs in, which a jail
                    // without a vnet shares with its parent.
                    let pair = pair_names(ifname);
                    let at = vnet_owner(&s, jail);
                    for n in &pair {
                        departs(&mut s, n, &at, true, false);
                    }
                    let ifaces = std::mem::take(&mut s.ifaces);
                    s.ifaces = ifaces
                        .into_iter()
                        .filter(|f| !(pair.contains(&f.name) && vnet_owner(&s, &f.loc) == at))
                        .collect();
                }
                _ => {
                    // `-vnet J` runs in the parent and names the jail the interface is in.
                    let here = match op {
                        IfOp::Reclaim { jail: from } => Some(from.clone()),
                        _ => jail.clone(),
                    };
                    // The interface is looked up in the vnet of `here` (a jail without a
                    // vnet shares its parent's).
                    let at = vnet_owner(&s, &here);
                    let Some(k) = s
                        .ifaces
                        .iter()
                        .position(|f| f.name == *ifname && vnet_owner(&s, &f.loc) == at)
                    else {
                        continue;
                    };
                    if let IfOp::AddMember { member } | IfOp::DelMember { member } = op {
                        let agg = s.ifaces[k].name.clone();
                        let add = matches!(op, IfOp::AddMember { .. });
                        if let Some(m) = s
                            .ifaces
                            .iter()
                            .position(|m| m.name == *member && vnet_owner(&s, &m.loc) == at)
                        {
                            s.ifaces[m].uplink = add.then_some(agg);
                        }
                    }
                    if matches!(op, IfOp::Vnet { .. } | IfOp::Reclaim { .. }) {
                        let bridge = s.ifaces[k].driver == Some(Driver::Bridge);
                        departs(&mut s, ifname, &at, false, bridge);
                    }
                    let f = &mut s.ifaces[k];
                    if f.entry.is_some() {
                        f.entries.push(i);
                    }
                    match op {
                        IfOp::Tunnel { src, dst } => f.tunnel = Some((*src, *dst)),
                        IfOp::Addr { addr, len, dst } => f.addrs.push((*addr, *len, *dst)),
                        IfOp::Up => f.up = true,
                        IfOp::Fib(n) => f.fib = Some(*n),
                        IfOp::Vnet { jail: to } => {
                            f.loc = Some(to.clone());
                            moved(f);
                        }
                        IfOp::Reclaim { .. } => {
                            f.loc = jail.clone();
                            moved(f);
                        }
                        IfOp::SetVlan { dev, tag } => {
                            f.uplink = Some(dev.clone());
                            f.vlan_tag = Some(*tag);
                        }
                        IfOp::Create { .. }
                        | IfOp::CreateVlan { .. }
                        | IfOp::Destroy
                        | IfOp::AddMember { .. }
                        | IfOp::DelMember { .. } => {}
                    }
                }
            },
            Command::RouteAdd { jail, dest, gateway, .. } => s.routes.push(RouteNode {
                loc: jail.clone(),
                dest: *dest,
                gateway: gateway.clone(),
                entry: i,
            }),
            Command::Process { jail, .. } => {
                if let Some(j) = s.jails.iter_mut().find(|j| &j.name == jail) {
                    j.processes += 1;
                }
            }
            Command::Sysuninit { func, slot } => s.sysuninits.push((func.clone(), *slot, i)),
            Command::NoReap { jail } => {
                if let Some(j) = s.jails.iter_mut().find(|j| &j.name == jail) {
                    j.noreap = true;
                }
            }
            Command::JailRemove { name } => {
                for j in s.jails.iter_mut() {
                    if j.name == *name || j.name.starts_with(&format!("{name}.")) {
                        j.removed = true;
                    }
                }
            }
        }
    }
    s
}

/// Both ends of an epair (destroying one end destroys the pair), or the name itself.
fn pair_names(ifname: &str) -> Vec<String> {
    if Driver::from_ifname(ifname) == Some(Driver::Epair) {
        let unit = ifname.trim_start_matches("epair").trim_end_matches(['a', 'b']);
        vec![format!("epair{unit}a"), format!("epair{unit}b"), ifname.to_string()]
    } else {
        vec![ifname.to_string()]
    }
}

/// Where a new command goes: before the first `jail -r`.
fn teardown_start(sc: &Scenario) -> usize {
    sc.entries
        .iter()
        .position(|e| matches!(e.command, Command::JailRemove { .. }))
        .unwrap_or(sc.entries.len())
}

fn insert_before_teardown(sc: &mut Scenario, entry: Entry) -> usize {
    let at = teardown_start(sc);
    sc.entries.insert(at, entry);
    at
}

/// A jail name that is not yet taken: `j1`, `j2`, … (inside `parent` if given).
pub fn fresh_jail_name(s: &Summary, parent: &Loc) -> String {
    (1..)
        .map(|n| match parent {
            Some(p) => format!("{p}.j{n}"),
            None => format!("j{n}"),
        })
        .find(|name| s.jail(name).is_none())
        .unwrap_or_default()
}

/// An interface name of `driver` not yet used in `loc` (epair units are kept globally
/// unique, so that a loaned end never collides).
pub fn fresh_ifname(s: &Summary, driver: Driver, loc: &Loc) -> String {
    (0..)
        .map(|n| format!("{}{n}", driver.name()))
        .find(|base| {
            if driver == Driver::Epair {
                !s.ifaces.iter().any(|f| f.name.starts_with(base.as_str()))
            } else {
                s.iface(loc, base).is_none()
            }
        })
        .unwrap_or_default()
}

/// Adds a jail (vnet or not) inside `parent`; a top-level jail also gets its `jail -r`.
/// Returns the new jail's name.
pub fn add_jail(sc: &mut Scenario, parent: &Loc, vnet: bool, pos: Option<(i16, i16)>) -> String {
    let s = summarize(sc);
    let name = fresh_jail_name(&s, parent);
    let create =
        Command::JailCreate { name: name.clone(), vnet, persist: true, children_max: None };
    insert_before_teardown(sc, Entry { pos, ..Entry::new(create) });
    if parent.is_none() {
        sc.entries.push(Entry::new(Command::JailRemove { name: name.clone() }));
    }
    name
}

/// Adds an interface of `driver` in `loc`. Returns the name the canvas shows (for an epair,
/// its `a` end). A jail without a vnet of its own cannot create one, as in FreeBSD (the
/// same errno text the engine's set-up gives).
pub fn add_iface(
    sc: &mut Scenario,
    driver: Driver,
    loc: &Loc,
    pos: Option<(i16, i16)>,
) -> Result<String, EditError> {
    let s = summarize(sc);
    if !s.has_vnet(loc) {
        return Err(EditError(format!(
            "{}: jail {} has no vnet of its own",
            crate::engine::kernel::build::not_permitted("ifconfig: SIOCIFCREATE2"),
            loc.as_deref().unwrap_or("host")
        )));
    }
    let base = fresh_ifname(&s, driver, loc);
    let vxlan = (driver == Driver::Vxlan).then(|| crate::engine::VxlanArgs {
        id: 1 + s.ifaces.iter().filter(|f| f.driver == Some(Driver::Vxlan)).count() as u32,
        local: None,
        remote: None,
        dev: None,
    });
    if driver == Driver::Ngeth {
        // netgraph names it: the lowest free unit in this vnet (the summary's rule).
        let cmd = Command::Ngctl { jail: loc.clone(), op: NgOp::MkpeerEiface };
        insert_before_teardown(sc, Entry { pos, ..Entry::new(cmd) });
        let s = summarize(sc);
        let made =
            s.ifaces.iter().rev().find(|f| f.driver == Some(Driver::Ngeth) && f.home == *loc);
        return Ok(made.map(|f| f.name.clone()).unwrap_or_default());
    }
    let op = match (driver, vlan_default(&s, loc)) {
        (Driver::Vlan, Some((tag, dev))) => IfOp::CreateVlan { tag, dev },
        _ => IfOp::Create { vxlan },
    };
    let cmd = Command::Ifconfig { jail: loc.clone(), ifname: base.clone(), op };
    insert_before_teardown(sc, Entry { pos, ..Entry::new(cmd) });
    Ok(if driver == Driver::Epair { format!("{base}a") } else { base })
}

/// Sets a vlan's tag and parent (`vlan TAG vlandev PARENT`), or with `None` takes the
/// parent away: the vlan's create line carries them (`create vlan TAG vlandev PARENT`).
pub fn set_vlan(sc: &mut Scenario, loc: &Loc, name: &str, cfg: Option<(u16, String)>) {
    let s = summarize(sc);
    let Some(f) = s.iface(loc, name).filter(|f| f.driver == Some(Driver::Vlan)) else { return };
    let Some(create) = f.entry else { return };
    // Any separate `vlan … vlandev …` lines go; the create line says it all.
    let extra: Vec<usize> = f
        .entries
        .iter()
        .copied()
        .filter(|i| {
            matches!(
                sc.entries.get(*i).map(|e| &e.command),
                Some(Command::Ifconfig { op: IfOp::SetVlan { .. }, .. })
            )
        })
        .collect();
    if let Some(Command::Ifconfig { op, .. }) = sc.entries.get_mut(create).map(|e| &mut e.command) {
        *op = match cfg {
            Some((tag, dev)) => IfOp::CreateVlan { tag, dev },
            None => IfOp::Create { vxlan: None },
        };
    }
    for i in extra.into_iter().rev() {
        sc.entries.remove(i);
    }
}

/// A vlan parent for a new vlan in `loc`: the first Ethernet-like interface there (an
/// epair end, tap or lagg) and the lowest tag not yet used on it.
pub fn vlan_default(s: &Summary, loc: &Loc) -> Option<(u16, String)> {
    let parent = s
        .ifaces_in(loc)
        .find(|f| matches!(f.driver, Some(Driver::Epair | Driver::Tap | Driver::Lagg)))?;
    let used: Vec<u16> = s
        .ifaces
        .iter()
        .filter(|v| v.driver == Some(Driver::Vlan) && v.uplink.as_deref() == Some(&parent.name))
        .filter_map(|v| v.vlan_tag)
        .collect();
    let tag = (1..=crate::engine::kernel::drivers::vlan::MAX_TAG).find(|t| !used.contains(t))?;
    Some((tag, parent.name.clone()))
}

/// Adds `member` (in the same place) to the bridge or lagg `agg`: `addm` / `laggport`.
pub fn add_member(sc: &mut Scenario, loc: &Loc, agg: &str, member: &str) -> Result<(), EditError> {
    let s = summarize(sc);
    let Some(a) = s.iface(loc, agg) else { return Err(EditError(format!("no interface {agg}"))) };
    if !matches!(a.driver, Some(Driver::Bridge | Driver::Lagg)) {
        return Err(EditError(format!("{agg} is not a bridge or lagg")));
    }
    let Some(m) = s.iface(loc, member) else {
        return Err(EditError(format!("no interface {member} here")));
    };
    if let Some(other) = s.member_of(m) {
        return Err(EditError(format!("{member} is already a member of {other}")));
    }
    if !s.member_candidates(loc, agg).iter().any(|c| c == member) {
        return Err(EditError(
            "the model puts neither lo nor a bridge or lagg inside a bridge or lagg".into(),
        ));
    }
    let last = a.entries.iter().chain(&m.entries).copied().max();
    let at = last.map_or(teardown_start(sc), |l| (l + 1).min(teardown_start(sc)));
    let cmd = Command::Ifconfig {
        jail: loc.clone(),
        ifname: agg.to_string(),
        op: IfOp::AddMember { member: member.to_string() },
    };
    sc.entries.insert(at, Entry::new(cmd));
    Ok(())
}

/// Takes `member` out of `agg` by deleting the line that added it.
pub fn remove_member(sc: &mut Scenario, loc: &Loc, agg: &str, member: &str) {
    let s = summarize(sc);
    let Some(a) = s.iface(loc, agg) else { return };
    let hit = a.entries.iter().copied().rev().find(|i| {
        matches!(sc.entries.get(*i).map(|e| &e.command),
            Some(Command::Ifconfig { op: IfOp::AddMember { member: m }, .. }) if m == member)
    });
    if let Some(i) = hit {
        sc.entries.remove(i);
    }
}

/// Adds a process (`jexec J sleep 3600 &`) to a jail.
pub fn add_process(sc: &mut Scenario, jail: &str) {
    let cmd = Command::Process { jail: jail.to_string(), argv: "sleep 3600".into() };
    insert_before_teardown(sc, Entry::new(cmd));
}

/// Moves an object on the canvas (a layout hint on its creating command).
pub fn set_pos(sc: &mut Scenario, sel: &Sel, pos: (i16, i16)) {
    let s = summarize(sc);
    let entry = match sel {
        Sel::Jail(j) => s.jail(j).map(|j| j.entry),
        Sel::Iface { loc, name } => s.iface(loc, name).and_then(|f| f.entry),
    };
    if let Some(e) = entry.and_then(|i| sc.entries.get_mut(i)) {
        e.pos = Some(pos);
    }
}

/// Deletes an object and every command that names it (a jail takes its nested jails,
/// interfaces, routes and processes with it). The implicit `lo0` cannot be deleted.
pub fn delete(sc: &mut Scenario, sel: &Sel) {
    let s = summarize(sc);
    let mut doomed: VecSet<usize> = VecSet::new();
    match sel {
        Sel::Jail(j) => {
            let inside = |name: &str| name == j || name.starts_with(&format!("{j}."));
            let in_loc = |l: &Loc| l.as_deref().is_some_and(inside);
            for (i, e) in sc.entries.iter().enumerate() {
                let hit = match &e.command {
                    Command::JailCreate { name, .. } | Command::JailRemove { name } => inside(name),
                    Command::Process { jail, .. } | Command::NoReap { jail } => inside(jail),
                    Command::RouteAdd { jail, .. } => in_loc(jail),
                    Command::Ifconfig { jail, op, .. } => {
                        in_loc(jail)
                            || matches!(op, IfOp::Vnet { jail: to } | IfOp::Reclaim { jail: to } if inside(to))
                    }
                    _ => false,
                };
                if hit {
                    doomed.insert(i);
                }
            }
            // Interfaces created inside go with it, wherever they were loaned.
            for f in s.ifaces.iter().filter(|f| in_loc(&f.home)) {
                doomed.extend(f.entries.iter().copied());
            }
        }
        Sel::Iface { loc, name } => {
            let Some(f) = s.iface(loc, name) else { return };
            if f.entry.is_none() {
                return;
            }
            let names = pair_names(name);
            for g in s.ifaces.iter().filter(|g| g.entry == f.entry) {
                doomed.extend(g.entries.iter().copied());
            }
            for (i, e) in sc.entries.iter().enumerate() {
                match &e.command {
                    Command::RouteAdd { gateway: Gateway::Interface(gw), .. }
                        if names.contains(gw) =>
                    {
                        doomed.insert(i);
                    }
                    Command::Ifconfig { ifname, op: IfOp::Destroy, .. }
                        if names.contains(ifname) =>
                    {
                        doomed.insert(i);
                    }
                    Command::Ifconfig {
                        op:
                            IfOp::AddMember { member: n }
                            | IfOp::DelMember { member: n }
                            | IfOp::SetVlan { dev: n, .. },
                        ..
                    } if names.contains(n) => {
                        doomed.insert(i);
                    }
                    _ => {}
                }
            }
            // A vlan created on it is created bare instead.
            for e in sc.entries.iter_mut() {
                if let Command::Ifconfig { op, .. } = &mut e.command
                    && matches!(op, IfOp::CreateVlan { dev, .. } if names.contains(dev))
                {
                    *op = IfOp::Create { vxlan: None };
                }
            }
        }
    }
    let mut i = 0;
    sc.entries.retain(|_| {
        let keep = !doomed.contains(&i);
        i += 1;
        keep
    });
}

/// Moves an object to another place on the canvas: an interface is loaned or returned
/// (`move_iface`); a jail is renamed under its new parent, and since a top-level jail needs
/// its own `jail -r` while a nested one goes with its parent, the teardown lines follow.
pub fn reparent(sc: &mut Scenario, sel: &Sel, to: &Loc) -> Result<Sel, EditError> {
    match sel {
        Sel::Iface { loc, name } => move_iface(sc, loc, name, to),
        Sel::Jail(j) => {
            let short = j.rsplit('.').next().unwrap_or(j).to_string();
            if to.as_deref().is_some_and(|t| t == j || t.starts_with(&format!("{j}."))) {
                return Err(EditError("a jail cannot go inside itself".into()));
            }
            let full = match to {
                Some(p) => format!("{p}.{short}"),
                None => short,
            };
            if &full == j {
                return Ok(sel.clone());
            }
            let r = rename(sc, sel, &full)?;
            fix_teardown(sc);
            Ok(r)
        }
    }
}

/// After a jail moved: only top-level jails keep `jail -r` lines, and each top-level
/// jail has one when the scenario has a teardown at all.
fn fix_teardown(sc: &mut Scenario) {
    let tops: Vec<String> = sc
        .entries
        .iter()
        .filter_map(|e| match &e.command {
            Command::JailCreate { name, .. } if !name.contains('.') => Some(name.clone()),
            _ => None,
        })
        .collect();
    let had_teardown = sc.entries.iter().any(|e| matches!(e.command, Command::JailRemove { .. }));
    sc.entries
        .retain(|e| !matches!(&e.command, Command::JailRemove { name } if name.contains('.')));
    if had_teardown {
        for t in tops {
            let has = sc
                .entries
                .iter()
                .any(|e| matches!(&e.command, Command::JailRemove { name } if *name == t));
            if !has {
                sc.entries.push(Entry::new(Command::JailRemove { name: t }));
            }
        }
    }
}

/// Why a rename was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditError(pub String);

/// Renames a jail (all its nested jails and every command that names them) or an interface
/// (which must keep its driver's prefix, e.g. gif0 → gif7, since FreeBSD picks the driver by
/// name). Returns the new selection.
pub fn rename(sc: &mut Scenario, sel: &Sel, new: &str) -> Result<Sel, EditError> {
    let new = new.trim();
    let s = summarize(sc);
    match sel {
        Sel::Jail(old) => {
            let parent = parent_of(old);
            let full = if new.contains('.') {
                new.to_string()
            } else {
                match &parent {
                    Some(p) => format!("{p}.{new}"),
                    None => new.to_string(),
                }
            };
            // The parser's own rule, so every name the canvas accepts prints a script
            // that parses (and every name a script may use, the canvas accepts).
            if !script::is_jail_name(&full) {
                return Err(EditError(
                    "a jail name is letters, digits, _ and -, with dots between nested names"
                        .into(),
                ));
            }
            if &full == old {
                return Ok(sel.clone());
            }
            if s.jail(&full).is_some() {
                return Err(EditError(format!("a jail named {full} exists already")));
            }
            let map = |name: &mut String| {
                if name == old {
                    *name = full.clone();
                } else if let Some(rest) = name.strip_prefix(&format!("{old}.")) {
                    *name = format!("{full}.{rest}");
                }
            };
            for e in sc.entries.iter_mut() {
                match &mut e.command {
                    Command::JailCreate { name, .. } | Command::JailRemove { name } => map(name),
                    Command::Process { jail, .. } | Command::NoReap { jail } => map(jail),
                    Command::RouteAdd { jail: Some(j), .. } => map(j),
                    Command::Ifconfig { jail, op, .. } => {
                        if let Some(j) = jail {
                            map(j);
                        }
                        if let IfOp::Vnet { jail: to } | IfOp::Reclaim { jail: to } = op {
                            map(to);
                        }
                    }
                    _ => {}
                }
            }
            Ok(Sel::Jail(full))
        }
        Sel::Iface { loc, name } => {
            let Some(f) = s.iface(loc, name) else {
                return Err(EditError(format!("no interface {name}")));
            };
            if f.entry.is_none() {
                return Err(EditError("lo0 comes with the vnet and keeps its name".into()));
            }
            if new == name {
                return Ok(sel.clone());
            }
            if f.driver == Some(Driver::Epair) {
                return Err(EditError("epair ends are named by their unit (epairNa/b)".into()));
            }
            if f.driver == Some(Driver::Ngeth) {
                return Err(EditError("netgraph names eiface interfaces (ngethN)".into()));
            }
            if !script::is_ifname(new) || Driver::from_ifname(new) != f.driver {
                let d = f.driver.map(Driver::name).unwrap_or("the driver");
                return Err(EditError(format!("the name must be {d} followed by a unit number")));
            }
            if s.iface(loc, new).is_some() {
                return Err(EditError(format!("{new} exists already here")));
            }
            for i in f.entries.iter().copied() {
                if let Some(Command::Ifconfig { ifname, .. }) =
                    sc.entries.get_mut(i).map(|e| &mut e.command)
                {
                    *ifname = new.to_string();
                }
            }
            for e in sc.entries.iter_mut() {
                match &mut e.command {
                    Command::RouteAdd { gateway: Gateway::Interface(gw), .. }
                    | Command::Ifconfig {
                        op:
                            IfOp::AddMember { member: gw }
                            | IfOp::DelMember { member: gw }
                            | IfOp::CreateVlan { dev: gw, .. }
                            | IfOp::SetVlan { dev: gw, .. },
                        ..
                    } if gw == name => *gw = new.to_string(),
                    _ => {}
                }
            }
            Ok(Sel::Iface { loc: loc.clone(), name: new.to_string() })
        }
    }
}

/// Which property of an interface an `ifconfig` line sets, so that setting it again
/// replaces the old line.
fn same_prop(a: &IfOp, b: &IfOp) -> bool {
    matches!(
        (a, b),
        (IfOp::Tunnel { .. }, IfOp::Tunnel { .. })
            | (IfOp::Addr { .. }, IfOp::Addr { .. })
            | (IfOp::Fib(_), IfOp::Fib(_))
            | (IfOp::Up, IfOp::Up)
    )
}

/// Sets (or with `None` clears) an interface property: tunnel, address, fib or up.
/// The line is replaced in place if the interface has one; else it is added after the
/// interface's last line, in the vnet where the interface is now.
pub fn set_iface_prop(sc: &mut Scenario, loc: &Loc, name: &str, kind: &IfOp, op: Option<IfOp>) {
    let s = summarize(sc);
    let Some(f) = s.iface(loc, name) else { return };
    let existing = f.entries.iter().copied().find(|i| {
        matches!(sc.entries.get(*i).map(|e| &e.command),
            Some(Command::Ifconfig { op: o, .. }) if same_prop(o, kind))
    });
    match (existing, op) {
        (Some(i), Some(op)) => {
            if let Some(Command::Ifconfig { op: o, .. }) =
                sc.entries.get_mut(i).map(|e| &mut e.command)
            {
                *o = op;
            }
        }
        (Some(i), None) => {
            sc.entries.remove(i);
        }
        (None, Some(op)) => {
            let cmd = Command::Ifconfig { jail: loc.clone(), ifname: name.to_string(), op };
            let at = match f.entries.last() {
                Some(last) => (last + 1).min(teardown_start(sc)),
                None => teardown_start(sc),
            };
            sc.entries.insert(at, Entry::new(cmd));
        }
        (None, None) => {}
    }
}

/// Loans an interface from where it is now into jail `to` (`ifconfig IF vnet J`), or, when
/// `to` is its home, returns it (`ifconfig IF -vnet J`).
pub fn move_iface(sc: &mut Scenario, loc: &Loc, name: &str, to: &Loc) -> Result<Sel, EditError> {
    let s = summarize(sc);
    let Some(f) = s.iface(loc, name) else {
        return Err(EditError(format!("no interface {name}")));
    };
    if loc == to {
        return Ok(f.sel());
    }
    if f.entry.is_none() {
        return Err(EditError("lo0 belongs to its vnet and cannot move".into()));
    }
    if !s.has_vnet(to) {
        return Err(EditError("only a vnet jail can take an interface".into()));
    }
    if s.iface(to, name).is_some() {
        return Err(EditError(format!("{name} exists already there")));
    }
    let (ctx, op) = match (loc, to) {
        (Some(from), home) if *home == f.home => {
            (home.clone(), IfOp::Reclaim { jail: from.clone() })
        }
        (_, Some(j)) => (loc.clone(), IfOp::Vnet { jail: j.clone() }),
        (Some(from), None) => (None, IfOp::Reclaim { jail: from.clone() }),
        (None, None) => return Ok(f.sel()),
    };
    let cmd = Command::Ifconfig { jail: ctx, ifname: name.to_string(), op };
    insert_before_teardown(sc, Entry::new(cmd));
    Ok(Sel::Iface { loc: to.clone(), name: name.to_string() })
}

/// Adds a route in `loc` to `dest` through interface `via`.
pub fn add_route(sc: &mut Scenario, loc: &Loc, dest: Prefix, via: &str) {
    let flag = if dest.len == 0 {
        None
    } else if dest.len == 32 || dest.len == 128 {
        Some(RouteFlag::Host)
    } else {
        Some(RouteFlag::Net)
    };
    let cmd = Command::RouteAdd {
        jail: loc.clone(),
        flag,
        dest,
        gateway: Gateway::Interface(via.to_string()),
    };
    insert_before_teardown(sc, Entry::new(cmd));
}

/// The route a tunnel needs to reach its outer destination through `outer`: a host route
/// to the tunnel's destination, or a default route if the tunnel has no endpoints yet.
pub fn tunnel_route(sc: &mut Scenario, tunnel: &IfaceNode, outer: &str) {
    let dest = match tunnel.tunnel {
        Some((_, dst)) => Prefix { addr: dst, len: if dst.is_ipv4() { 32 } else { 128 } },
        None => Prefix { addr: IpAddr::V4(Ipv4Addr::UNSPECIFIED), len: 0 },
    };
    add_route(sc, &tunnel.loc, dest, outer);
}

/// Removes the route at entry `i`.
pub fn delete_entry(sc: &mut Scenario, i: usize) {
    if i < sc.entries.len() {
        sc.entries.remove(i);
    }
}

/// Sets or clears a jail's `persist`.
pub fn set_persist(sc: &mut Scenario, jail: &str, on: bool) {
    for e in sc.entries.iter_mut() {
        if let Command::JailCreate { name, persist, .. } = &mut e.command
            && name == jail
        {
            *persist = on;
        }
    }
}

/// Turns the `noreap J` what-if on (a line before the teardown) or off.
pub fn set_noreap(sc: &mut Scenario, jail: &str, on: bool) {
    sc.entries.retain(|e| !matches!(&e.command, Command::NoReap { jail: j } if j == jail));
    if on {
        insert_before_teardown(sc, Entry::new(Command::NoReap { jail: jail.to_string() }));
    }
}

/// Puts a kernel line at the top (after the lines `after` accepts, in their order), or
/// with `on == false` drops every line `has` accepts.
fn set_head_line(
    sc: &mut Scenario,
    on: bool,
    has: impl Fn(&Command) -> bool,
    after: impl Fn(&Command) -> bool,
    make: impl FnOnce() -> Command,
) {
    if !on {
        sc.entries.retain(|e| !has(&e.command));
    } else if !sc.entries.iter().any(|e| has(&e.command)) {
        let at = sc.entries.iter().position(|e| !after(&e.command)).unwrap_or(sc.entries.len());
        sc.entries.insert(at, Entry::new(make()));
    }
}

/// Turns a kernel option on (as the first line) or off.
pub fn set_option(sc: &mut Scenario, option: &str, on: bool) {
    set_head_line(
        sc,
        on,
        |c| matches!(c, Command::KernelOption { name } if name == option),
        |_| false,
        || Command::KernelOption { name: option.to_string() },
    );
}

/// Loads a kernel module before anything else (`kldload NAME` after any `options`
/// lines), or with `on == false` drops the line.
pub fn set_kldload(sc: &mut Scenario, module: &str, on: bool) {
    set_head_line(
        sc,
        on,
        |c| matches!(c, Command::Kldload { module: m } if m == module),
        |c| matches!(c, Command::KernelOption { .. }),
        || Command::Kldload { module: module.to_string() },
    );
}

/// Adds or drops a `without FUNC` what-if line (placed with the kernel lines at the top).
pub fn set_without(sc: &mut Scenario, func: &str, on: bool) {
    set_head_line(
        sc,
        on,
        |c| matches!(c, Command::Without { func: f } if f == func),
        |c| matches!(c, Command::KernelOption { .. } | Command::Kldload { .. }),
        || Command::Without { func: func.to_string() },
    );
}

/// The module the palette's pf switch loads.
pub const PF: &str = "pf";

/// Re-registers a driver's destructor at `slot` (a `sysuninit` line), or with `None` drops
/// the re-registration.
pub fn set_sysuninit(sc: &mut Scenario, func: &str, slot: Option<Slot>) {
    sc.entries.retain(|e| !matches!(&e.command, Command::Sysuninit { func: f, .. } if f == func));
    if let Some(slot) = slot {
        let cmd = Command::Sysuninit { func: func.to_string(), slot };
        insert_before_teardown(sc, Entry::new(cmd));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Automatic epair units are per vnet, as in the engine: the canvas names the same
    /// interfaces the trace does.
    #[test]
    fn automatic_epair_units_agree_with_the_engine() {
        let sc = crate::engine::input::script::parse(
            "ifconfig epair create\njail -c name=j1 vnet persist\njexec j1 ifconfig epair create\n\
             ifconfig epair create\njexec j1 ifconfig epair create\n",
        )
        .expect("parses");
        let canvas: BTreeSet<(Loc, String)> =
            summarize(&sc).ifaces.iter().map(|f| (f.loc.clone(), f.name.clone())).collect();
        let built = crate::engine::summarize(&crate::engine::build(&sc).expect("builds"));
        let engine: BTreeSet<(Loc, String)> =
            built.interfaces.iter().map(|f| (f.current.clone(), f.name.clone())).collect();
        assert_eq!(canvas, engine);
        assert!(canvas.contains(&(Some("j1".into()), "epair0a".into())));
        assert!(canvas.contains(&(None, "epair1b".into())));
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    #[test]
    fn builds_the_seed_shape_by_edits() {
        let mut sc = Scenario::default();
        let j = add_jail(&mut sc, &None, true, Some((40, 60)));
        assert_eq!(j, "j1");
        let loc = Some(j.clone());
        let gif = add_iface(&mut sc, Driver::Gif, &loc, None).expect("a vnet jail");
        assert_eq!(gif, "gif0");
        let tun = IfOp::Tunnel { src: ip("10.0.0.1"), dst: ip("10.0.0.2") };
        set_iface_prop(&mut sc, &loc, &gif, &tun, Some(tun.clone()));
        set_option(&mut sc, ROUTE_CACHE, true);
        let s = summarize(&sc);
        let f = s.iface(&loc, "gif0").cloned();
        assert!(f.is_some());
        if let Some(f) = f {
            tunnel_route(&mut sc, &f, "lo0");
        }
        let s = summarize(&sc);
        assert!(s.route_cache());
        assert_eq!(s.routes.len(), 1);
        assert!(matches!(sc.entries.last().map(|e| &e.command), Some(Command::JailRemove { .. })));
        assert!(matches!(sc.entries[0].command, Command::KernelOption { .. }));
        // lo0 of the host and of j1, and gif0.
        assert_eq!(s.ifaces.len(), 3);
    }

    #[test]
    fn delete_and_rename_a_jail_take_everything_inside() {
        let mut sc = Scenario::default();
        add_jail(&mut sc, &None, true, None);
        let inner = add_jail(&mut sc, &Some("j1".into()), true, None);
        assert_eq!(inner, "j1.j1");
        add_iface(&mut sc, Driver::Epair, &Some(inner.clone()), None).expect("a vnet");
        add_process(&mut sc, &inner);
        let sel = rename(&mut sc, &Sel::Jail("j1".into()), "web");
        assert_eq!(sel, Ok(Sel::Jail("web".into())));
        let s = summarize(&sc);
        assert!(s.jail("web.j1").is_some_and(|j| j.processes == 1));
        assert!(s.iface(&Some("web.j1".into()), "epair0a").is_some());
        delete(&mut sc, &Sel::Jail("web".into()));
        assert!(sc.entries.is_empty());
    }

    #[test]
    fn epair_loan_and_return() {
        let mut sc = Scenario::default();
        add_jail(&mut sc, &None, true, None);
        add_iface(&mut sc, Driver::Epair, &None, None).expect("a vnet");
        let to = Some("j1".to_string());
        assert!(move_iface(&mut sc, &None, "epair0b", &to).is_ok());
        let s = summarize(&sc);
        assert!(s.iface(&to, "epair0b").is_some());
        assert!(move_iface(&mut sc, &to, "epair0b", &None).is_ok());
        assert!(summarize(&sc).iface(&None, "epair0b").is_some());
        delete(&mut sc, &Sel::Iface { loc: None, name: "epair0a".into() });
        assert_eq!(summarize(&sc).ifaces.len(), 2);
    }

    #[test]
    fn interface_rename_keeps_the_driver() {
        let mut sc = Scenario::default();
        add_iface(&mut sc, Driver::Gre, &None, None).expect("a vnet");
        let sel = Sel::Iface { loc: None, name: "gre0".into() };
        assert!(rename(&mut sc, &sel, "gif3").is_err());
        assert!(rename(&mut sc, &sel, "gre3").is_ok());
        assert!(summarize(&sc).iface(&None, "gre3").is_some());
    }

    #[test]
    fn test_ids() {
        assert_eq!(Sel::Jail("j1".into()).test_id(), "obj-j1");
        assert_eq!(Sel::Iface { loc: None, name: "gif0".into() }.test_id(), "obj-host/gif0");
    }
}
