//! Proptest strategies shared by the property tests: addresses, and scenarios that
//! build (structurally generated, every driver and command kind), so that the engine,
//! the canvas model and the codecs are tried on the same kinds of input.
//!
//! Invariants: every strategy is deterministic given proptest's seed; `built_scenario`
//! only yields scenarios whose set-up builds without an error.
use proptest::prelude::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use vnet_playground::engine::teardown::registry::{BUILTINS, builtin_slots};
use vnet_playground::engine::*;

/// Any IPv4 address.
pub fn ip_v4() -> impl Strategy<Value = IpAddr> {
    any::<[u8; 4]>().prop_map(|b| IpAddr::V4(Ipv4Addr::from(b)))
}

/// Any IPv6 address, often in 2001:db8::/32.
pub fn ip_v6() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<[u8; 16]>().prop_map(|b| IpAddr::V6(Ipv6Addr::from(b))),
        any::<u16>().prop_map(|x| IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, x))),
    ]
}

/// Any address of either family.
pub fn ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![ip_v4(), ip_v6()]
}

/// Two addresses of one family.
pub fn ip_pair() -> impl Strategy<Value = (IpAddr, IpAddr)> {
    prop_oneof![(ip_v4(), ip_v4()), (ip_v6(), ip_v6())]
}

pub const JAILS: &[&str] = &["a", "b", "a.c", "b.d"];
pub const DRIVERS: &[&str] = &[
    "gif", "gre", "wg", "bridge", "lo", "epair", "vxlan", "vlan", "lagg", "tun", "tap", "ipsec",
    "me", "ovpn",
];

/// 10.n.0.h.
fn net(n: u8, h: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(10, n, 0, h))
}

fn jail_opt(j: usize) -> Option<String> {
    (j < JAILS.len()).then(|| JAILS[j].to_string())
}

fn ifname(d: usize, u: u8) -> String {
    let drv = DRIVERS[d % DRIVERS.len()];
    if drv == "epair" {
        format!("epair{u}{}", if u % 2 == 0 { "a" } else { "b" })
    } else {
        format!("{drv}{u}")
    }
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        (0..=JAILS.len(), 0..DRIVERS.len(), 0u8..3).prop_map(|(j, d, u)| {
            let drv = DRIVERS[d];
            let name = if drv == "epair" { format!("epair{u}") } else { format!("{drv}{u}") };
            Command::Ifconfig { jail: jail_opt(j), ifname: name, op: IfOp::Create { vxlan: None } }
        }),
        (0..=JAILS.len(), 0..DRIVERS.len(), 0u8..3, 0..JAILS.len()).prop_map(|(j, d, u, t)| {
            Command::Ifconfig {
                jail: jail_opt(j),
                ifname: ifname(d, u),
                op: IfOp::Vnet { jail: JAILS[t].into() },
            }
        }),
        (0..=JAILS.len(), 0..DRIVERS.len(), 0u8..3, 0..JAILS.len()).prop_map(|(j, d, u, t)| {
            Command::Ifconfig {
                jail: jail_opt(j),
                ifname: ifname(d, u),
                op: IfOp::Reclaim { jail: JAILS[t].into() },
            }
        }),
        (0..=JAILS.len(), 0..DRIVERS.len(), 0u8..3, 0u8..4, 1u8..4, any::<bool>()).prop_map(
            |(j, d, u, n, h, p2p)| Command::Ifconfig {
                jail: jail_opt(j),
                ifname: ifname(d, u),
                op: IfOp::Addr {
                    addr: net(n, h),
                    len: if p2p { 32 } else { 24 },
                    dst: p2p.then(|| net(n, h + 100))
                }
            }
        ),
        (0..=JAILS.len(), 0..DRIVERS.len(), 0u8..3, 0u8..4).prop_map(|(j, d, u, n)| {
            Command::Ifconfig {
                jail: jail_opt(j),
                ifname: ifname(d, u),
                op: IfOp::Tunnel { src: net(n, 1), dst: net(n, 2) },
            }
        }),
        (0..=JAILS.len(), 0..DRIVERS.len(), 0u8..3, 0u32..3).prop_map(|(j, d, u, f)| {
            Command::Ifconfig { jail: jail_opt(j), ifname: ifname(d, u), op: IfOp::Fib(f) }
        }),
        (0..=JAILS.len(), 0..DRIVERS.len(), 0u8..3).prop_map(|(j, d, u)| Command::Ifconfig {
            jail: jail_opt(j),
            ifname: ifname(d, u),
            op: IfOp::Destroy
        }),
        (0..=JAILS.len(), 0u8..4, 0u8..4, 0..DRIVERS.len(), 0u8..3, any::<bool>()).prop_map(
            |(j, n, g, d, u, via_if)| Command::RouteAdd {
                jail: jail_opt(j),
                flag: Some(RouteFlag::Net),
                dest: Prefix { addr: IpAddr::V4(Ipv4Addr::new(172, 16 + n, 0, 0)), len: 16 },
                gateway: if via_if {
                    Gateway::Interface(ifname(d, u))
                } else {
                    Gateway::Addr(net(g, 200))
                }
            }
        ),
        (0..=JAILS.len(), 0u8..3, 1u16..4, 0..DRIVERS.len(), 0u8..3, any::<bool>()).prop_map(
            |(j, u, tag, d, pu, at_create)| {
                let dev = ifname(d, pu);
                Command::Ifconfig {
                    jail: jail_opt(j),
                    ifname: format!("vlan{u}"),
                    op: if at_create {
                        IfOp::CreateVlan { tag, dev }
                    } else {
                        IfOp::SetVlan { tag, dev }
                    },
                }
            }
        ),
        (0..=JAILS.len(), any::<bool>(), 0u8..2, 0..DRIVERS.len(), 0u8..3, any::<bool>()).prop_map(
            |(j, lagg, u, d, mu, add)| {
                let member = ifname(d, mu);
                Command::Ifconfig {
                    jail: jail_opt(j),
                    ifname: format!("{}{u}", if lagg { "lagg" } else { "bridge" }),
                    op: if add { IfOp::AddMember { member } } else { IfOp::DelMember { member } },
                }
            }
        ),
        (0..=JAILS.len(), proptest::option::of(0u8..2)).prop_map(|(j, down)| Command::Ngctl {
            jail: jail_opt(j),
            op: match down {
                None => NgOp::MkpeerEiface,
                Some(u) => NgOp::Shutdown { ifname: format!("ngeth{u}") },
            },
        }),
        (0..JAILS.len())
            .prop_map(|j| Command::Process { jail: JAILS[j].into(), argv: "sleep 100".into() }),
        (0..JAILS.len()).prop_map(|j| Command::NoReap { jail: JAILS[j].into() }),
        (0..BUILTINS.len(), 0..12usize).prop_map(|(f, s)| {
            let slots = builtin_slots();
            Command::Sysuninit { func: BUILTINS[f].0.into(), slot: slots[s % slots.len()] }
        }),
    ]
}

/// A few commands that build on each other: an epair and a bridge or lagg with an end
/// as member, or an epair and a vlan on one end, in one place; or a single command.
fn bundle() -> impl Strategy<Value = Vec<Command>> {
    let ifc = |j: &Option<String>, n: String, op: IfOp| Command::Ifconfig {
        jail: j.clone(),
        ifname: n,
        op,
    };
    prop_oneof![
        3 => command().prop_map(|c| vec![c]),
        1 => (0..=JAILS.len(), 0u8..3, prop_oneof![Just("bridge"), Just("lagg"), Just("vlan")], 0u8..2, any::<bool>())
            .prop_map(move |(j, u, agg, k, b_end)| {
                let j = jail_opt(j);
                let end = format!("epair{u}{}", if b_end { "b" } else { "a" });
                let mut v = vec![ifc(&j, format!("epair{u}"), IfOp::Create { vxlan: None })];
                if agg == "vlan" {
                    v.push(ifc(
                        &j,
                        format!("vlan{k}"),
                        IfOp::CreateVlan { tag: u16::from(k) + 1, dev: end },
                    ));
                } else {
                    v.push(ifc(&j, format!("{agg}{k}"), IfOp::Create { vxlan: None }));
                    v.push(ifc(&j, format!("{agg}{k}"), IfOp::AddMember { member: end }));
                }
                v
            }),
        1 => (0..=JAILS.len(), prop_oneof![Just("me"), Just("ipsec"), Just("gif"), Just("gre")], 0u8..2, 0u8..4)
            .prop_map(move |(j, d, u, n)| {
                let j = jail_opt(j);
                vec![
                    ifc(&j, format!("{d}{u}"), IfOp::Create { vxlan: None }),
                    ifc(&j, format!("{d}{u}"), IfOp::Tunnel { src: net(n, 1), dst: net(n, 2) }),
                ]
            }),
    ]
}

/// Scenarios that build: every jail first (a non-persistent one with a process), then
/// random commands over a few names, each kept only if the scenario still builds, then
/// one to three `jail -r` lines. Every driver, loans, reclaims, routes, processes,
/// `noreap` and re-registrations appear.
pub fn built_scenario() -> impl Strategy<Value = Scenario> {
    (
        any::<bool>(),
        prop::collection::vec((any::<bool>(), any::<bool>()), JAILS.len()),
        prop::collection::vec(bundle(), 0..32),
        prop::collection::vec(0..JAILS.len(), 1..4),
    )
        .prop_map(|(rc, jails, cmds, removes)| {
            let mut entries = Vec::new();
            if rc {
                entries.push(Entry::new(Command::KernelOption { name: "ROUTE_CACHE".into() }));
            }
            // Every jail exists first; a non-persistent one gets a process so it lives.
            for (name, (vnet, persist)) in JAILS.iter().zip(jails) {
                entries.push(Entry::new(Command::JailCreate {
                    name: (*name).into(),
                    vnet,
                    persist,
                    children_max: None,
                }));
                if !persist {
                    entries.push(Entry::new(Command::Process {
                        jail: (*name).into(),
                        argv: "sh".into(),
                    }));
                }
            }
            // Keep only the commands that build on top of the ones kept so far, so that the
            // scenarios are valid.
            for b in cmds {
                for c in b {
                    entries.push(Entry::new(c));
                    let sc = Scenario { entries: entries.clone(), tail_comments: Vec::new() };
                    if build(&sc).is_err() {
                        entries.pop();
                    }
                }
            }
            entries.extend(
                removes
                    .into_iter()
                    .map(|j| Entry::new(Command::JailRemove { name: JAILS[j].into() })),
            );
            Scenario { entries, tail_comments: Vec::new() }
        })
}
