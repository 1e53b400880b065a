//! A plain summary of the built scenario for the canvas: jails, interfaces, routes,
//! processes and kernel options, as they stand before any `jail -r`.
//!
//! Invariants: every list is in a stable order (creation order); jail names are full
//! dotted names; `None` for a jail means the host.

use crate::engine::input::scenario::Scenario;
use crate::engine::kernel::{BuildError, Data, PrState, World};
use crate::engine::trace::{Driver, Kernel, ObjKind};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// The world as built.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub jails: Vec<JailSummary>,
    pub interfaces: Vec<IfSummary>,
    pub routes: Vec<RouteSummary>,
    pub processes: Vec<ProcSummary>,
    pub options: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JailSummary {
    pub name: String,
    /// Whether it has its own vnet.
    pub vnet: bool,
    pub persist: bool,
    /// The parent jail, or None for the host.
    pub parent: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IfSummary {
    pub name: String,
    pub driver: Driver,
    /// The jail whose vnet created it (None = host).
    pub home: Option<String>,
    /// The jail whose vnet it is in now (None = host).
    pub current: Option<String>,
    /// "inet 10.0.0.1/30 -> 10.0.0.2" style strings.
    pub addresses: Vec<String>,
    pub tunnel: Option<(IpAddr, IpAddr)>,
    pub fib: u32,
    pub route_cache: bool,
    /// The other half of an epair.
    pub peer: Option<String>,
    /// A vlan's parent, or the bridge or lagg it is a member of.
    pub uplink: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteSummary {
    pub jail: Option<String>,
    pub fib: u32,
    /// "10.1.0.0/16".
    pub dest: String,
    pub gateway: Option<IpAddr>,
    pub ifname: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcSummary {
    pub jail: String,
    pub argv: String,
}

/// Builds the scenario's set-up commands (everything but `jail -r`).
pub fn build(scenario: &Scenario) -> Result<World, BuildError> {
    World::build(scenario, Kernel::Main, &[]).map(|(w, _)| w)
}

impl World {
    /// The jail that owns a vnet (None for vnet0).
    fn vnet_jail(&self, v: crate::engine::trace::ObjId) -> Option<String> {
        if v == self.vnet0 {
            return None;
        }
        self.vn(v).prison.map(|p| self.pr(p).name.clone())
    }
}

/// The canvas summary of a built world.
pub fn summarize(w: &World) -> Summary {
    let mut s = Summary { options: w.options.iter().cloned().collect(), ..Summary::default() };
    for o in &w.objs {
        if o.freed {
            continue;
        }
        match &o.data {
            Data::Prison(p)
                if o.kind == ObjKind::Prison && p.state != PrState::Invalid && o.key != "host" =>
            {
                s.jails.push(JailSummary {
                    name: p.name.clone(),
                    vnet: p.vnet_flag,
                    persist: p.persist,
                    parent: p.parent.filter(|x| *x != w.prison0).map(|x| w.pr(x).name.clone()),
                })
            }
            Data::Ifnet(i) => s.interfaces.push(IfSummary {
                name: o.name.clone(),
                driver: i.driver,
                home: w.vnet_jail(i.home),
                current: w.vnet_jail(i.vnet),
                addresses: i
                    .addrs
                    .iter()
                    .map(|a| {
                        let a = w.ifa(*a);
                        let mut t = format!("{} {}/{}", a.fam.name(), a.addr, a.len);
                        if let Some(d) = a.dst {
                            t.push_str(&format!(" -> {d}"));
                        }
                        t
                    })
                    .collect(),
                tunnel: i.tunnel,
                fib: i.fib,
                route_cache: i.cache.is_some(),
                peer: i.peer.map(|p| w.o(p).name.clone()),
                uplink: i
                    .vlan
                    .map(|(t, _)| w.trunk(t).parent)
                    .or(i.member_of)
                    .map(|x| w.o(x).name.clone()),
            }),
            Data::Rt(r) if r.linked => {
                let rib = w.rib(r.rib);
                let nh = w.nh(r.nh);
                s.routes.push(RouteSummary {
                    jail: w.vnet_jail(rib.vnet),
                    fib: rib.fib,
                    dest: format!(
                        "{}/{}",
                        crate::engine::kernel::prefix_addr(r.dest, r.len),
                        r.len
                    ),
                    gateway: nh.key.2,
                    ifname: w.o(nh.key.0).name.clone(),
                })
            }
            Data::Process { prison, argv } => s
                .processes
                .push(ProcSummary { jail: w.pr(*prison).name.clone(), argv: argv.clone() }),
            _ => {}
        }
    }
    s
}
