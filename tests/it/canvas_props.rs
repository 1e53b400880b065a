//! Property tests of the canvas model (`engine::input::canvas`): for every scenario that
//! builds, what the canvas draws agrees with what the engine built; and after any
//! sequence of canvas edits the scenario prints a script that parses back to itself.
use crate::strategies::{JAILS, built_scenario};
use proptest::prelude::*;
use std::net::{IpAddr, Ipv4Addr};
use vnet_playground::engine::input::canvas::{self, Loc, Sel};
use vnet_playground::engine::input::script::{parse, print};
use vnet_playground::engine::*;

/// One interface as both sides can say it: (name, driver, home vnet, current vnet,
/// tunnel, sorted addresses, fib). Vnets are named by the jail that owns them.
type If = (String, Driver, Loc, Loc, Option<(IpAddr, IpAddr)>, Vec<String>, u32, Option<String>);

/// Jails (name, vnet, persist, parent), interfaces, and processes per jail.
type Views = (Vec<(String, bool, bool, Loc)>, Vec<If>, Vec<(String, usize)>);

fn engine_view(sc: &Scenario) -> Views {
    let s = summarize(&build(sc).expect("the strategy only yields scenarios that build"));
    let mut jails: Vec<_> =
        s.jails.iter().map(|j| (j.name.clone(), j.vnet, j.persist, j.parent.clone())).collect();
    jails.sort();
    let mut ifs: Vec<If> = s
        .interfaces
        .iter()
        .map(|i| {
            let mut a = i.addresses.clone();
            a.sort();
            (
                i.name.clone(),
                i.driver,
                i.home.clone(),
                i.current.clone(),
                i.tunnel,
                a,
                i.fib,
                i.uplink.clone(),
            )
        })
        .collect();
    ifs.sort();
    let mut procs: Vec<(String, usize)> = Vec::new();
    for p in &s.processes {
        match procs.iter_mut().find(|(j, _)| *j == p.jail) {
            Some((_, n)) => *n += 1,
            None => procs.push((p.jail.clone(), 1)),
        }
    }
    procs.sort();
    (jails, ifs, procs)
}

fn canvas_view(sc: &Scenario) -> Views {
    let s = canvas::summarize(sc);
    let mut jails: Vec<_> =
        s.jails.iter().map(|j| (j.name.clone(), j.vnet, j.persist, j.parent.clone())).collect();
    jails.sort();
    let mut ifs: Vec<If> = s
        .ifaces
        .iter()
        .map(|i| {
            let mut a: Vec<String> = i
                .addrs
                .iter()
                .map(|(addr, len, dst)| {
                    let fam = if addr.is_ipv6() { "inet6" } else { "inet" };
                    let mut t = format!("{fam} {addr}/{len}");
                    if let Some(d) = dst {
                        t.push_str(&format!(" -> {d}"));
                    }
                    t
                })
                .collect();
            a.sort();
            (
                i.name.clone(),
                i.driver.expect("a built interface has a driver"),
                s.vnet_owner(&i.home),
                s.vnet_owner(&i.loc),
                i.tunnel,
                a,
                i.fib.unwrap_or(0),
                i.uplink.clone(),
            )
        })
        .collect();
    ifs.sort();
    let mut procs: Vec<(String, usize)> =
        s.jails.iter().filter(|j| j.processes > 0).map(|j| (j.name.clone(), j.processes)).collect();
    procs.sort();
    (jails, ifs, procs)
}

/// One canvas edit, as the palette, the inspector and drags make them.
#[derive(Clone, Debug)]
enum Edit {
    AddJail { parent: usize, vnet: bool },
    AddIface { driver: usize, loc: usize },
    AddProcess { jail: usize },
    Rename { target: usize, name: String },
    Delete { target: usize },
    Move { target: usize, to: usize },
    SetAddr { target: usize, host: u8 },
    SetTunnel { target: usize, host: u8 },
    SetPersist { jail: usize, on: bool },
    RouteCache(bool),
    Position { target: usize, x: i16, y: i16 },
    SetVlan { target: usize, parent: Option<usize>, tag: u16 },
    Member { target: usize, member: usize, add: bool },
}

/// Every driver the palette offers (lo comes with each vnet).
fn drivers() -> Vec<Driver> {
    Driver::ALL.into_iter().filter(|d| *d != Driver::Lo).collect()
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0..6usize, any::<bool>()).prop_map(|(parent, vnet)| Edit::AddJail { parent, vnet }),
        (0..drivers().len(), 0..6usize).prop_map(|(driver, loc)| Edit::AddIface { driver, loc }),
        (0..6usize).prop_map(|jail| Edit::AddProcess { jail }),
        (0..12usize, "[A-Za-z0-9_.-]{0,8}|gif[0-9]{1,2}|epair[0-9]")
            .prop_map(|(target, name)| Edit::Rename { target, name }),
        (0..12usize).prop_map(|target| Edit::Delete { target }),
        (0..12usize, 0..6usize).prop_map(|(target, to)| Edit::Move { target, to }),
        (0..12usize, 1u8..250).prop_map(|(target, host)| Edit::SetAddr { target, host }),
        (0..12usize, 1u8..250).prop_map(|(target, host)| Edit::SetTunnel { target, host }),
        (0..6usize, any::<bool>()).prop_map(|(jail, on)| Edit::SetPersist { jail, on }),
        any::<bool>().prop_map(Edit::RouteCache),
        (0..12usize, -50i16..900, -50i16..900).prop_map(|(target, x, y)| Edit::Position {
            target,
            x,
            y
        }),
        (0..12usize, proptest::option::of(0..12usize), 1u16..4095)
            .prop_map(|(target, parent, tag)| Edit::SetVlan { target, parent, tag }),
        (0..12usize, 0..12usize, any::<bool>()).prop_map(|(target, member, add)| Edit::Member {
            target,
            member,
            add
        }),
    ]
}

/// The objects on the canvas now, jails first, as selections.
fn objects(sc: &Scenario) -> Vec<Sel> {
    let s = canvas::summarize(sc);
    let mut v: Vec<Sel> = s.jails.iter().map(|j| Sel::Jail(j.name.clone())).collect();
    v.extend(s.ifaces.iter().map(|i| i.sel()));
    v
}

fn locs(sc: &Scenario) -> Vec<Loc> {
    let s = canvas::summarize(sc);
    let mut v = vec![None];
    v.extend(s.jails.iter().map(|j| Some(j.name.clone())));
    v
}

fn apply(sc: &mut Scenario, e: &Edit) {
    let pick = |v: Vec<Sel>, i: usize| (!v.is_empty()).then(|| v[i % v.len()].clone());
    let pick_loc = |v: Vec<Loc>, i: usize| v[i % v.len()].clone();
    let jail = |sc: &Scenario, i: usize| {
        let s = canvas::summarize(sc);
        (!s.jails.is_empty()).then(|| s.jails[i % s.jails.len()].name.clone())
    };
    match e {
        Edit::AddJail { parent, vnet } => {
            let p = pick_loc(locs(sc), *parent);
            canvas::add_jail(sc, &p, *vnet, None);
        }
        Edit::AddIface { driver, loc } => {
            let l = pick_loc(locs(sc), *loc);
            let _ = canvas::add_iface(sc, drivers()[*driver], &l, None);
        }
        Edit::AddProcess { jail: j } => {
            if let Some(j) = jail(sc, *j) {
                canvas::add_process(sc, &j);
            }
        }
        Edit::Rename { target, name } => {
            if let Some(sel) = pick(objects(sc), *target) {
                let _ = canvas::rename(sc, &sel, name);
            }
        }
        Edit::Delete { target } => {
            if let Some(sel) = pick(objects(sc), *target) {
                canvas::delete(sc, &sel);
            }
        }
        Edit::Move { target, to } => {
            if let Some(sel) = pick(objects(sc), *target) {
                let to = pick_loc(locs(sc), *to);
                let _ = canvas::reparent(sc, &sel, &to);
            }
        }
        Edit::SetAddr { target, host } => {
            if let Some(Sel::Iface { loc, name }) = pick(objects(sc), *target) {
                let addr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, *host));
                let op = IfOp::Addr { addr, len: 24, dst: None };
                canvas::set_iface_prop(sc, &loc, &name, &op.clone(), Some(op));
            }
        }
        Edit::SetTunnel { target, host } => {
            if let Some(Sel::Iface { loc, name }) = pick(objects(sc), *target) {
                let src = IpAddr::V4(Ipv4Addr::new(192, 0, 2, *host));
                let dst = IpAddr::V4(Ipv4Addr::new(198, 51, 100, *host));
                let op = IfOp::Tunnel { src, dst };
                canvas::set_iface_prop(sc, &loc, &name, &op.clone(), Some(op));
            }
        }
        Edit::SetPersist { jail: j, on } => {
            if let Some(j) = jail(sc, *j) {
                canvas::set_persist(sc, &j, *on);
            }
        }
        Edit::RouteCache(on) => canvas::set_option(sc, canvas::ROUTE_CACHE, *on),
        Edit::Position { target, x, y } => {
            if let Some(sel) = pick(objects(sc), *target) {
                canvas::set_pos(sc, &sel, (*x, *y));
            }
        }
        Edit::SetVlan { target, parent, tag } => {
            if let Some(Sel::Iface { loc, name }) = pick(objects(sc), *target) {
                let dev = parent.and_then(|p| match pick(objects(sc), p) {
                    Some(Sel::Iface { name, .. }) => Some(name),
                    _ => None,
                });
                canvas::set_vlan(sc, &loc, &name, dev.map(|d| (*tag, d)));
            }
        }
        Edit::Member { target, member, add } => {
            if let (Some(Sel::Iface { loc, name }), Some(Sel::Iface { name: m, .. })) =
                (pick(objects(sc), *target), pick(objects(sc), *member))
            {
                if *add {
                    let _ = canvas::add_member(sc, &loc, &name, &m);
                } else {
                    canvas::remove_member(sc, &loc, &name, &m);
                }
            }
        }
    }
}

/// The scenario without canvas positions, which live only in links, not in the text.
fn without_positions(sc: &Scenario) -> Scenario {
    let mut sc = sc.clone();
    for e in &mut sc.entries {
        e.pos = None;
    }
    sc
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// What the canvas draws is what the engine builds: the same jails, the same
    /// interfaces where the engine has them (with their tunnels, addresses and fib) and
    /// the same processes.
    #[test]
    fn the_canvas_agrees_with_the_engine(sc in built_scenario()) {
        let (ej, ei, ep) = engine_view(&sc);
        let (cj, ci, cp) = canvas_view(&sc);
        prop_assert_eq!(cj, ej, "jails\n{}", print(&sc));
        prop_assert_eq!(ci, ei, "interfaces\n{}", print(&sc));
        prop_assert_eq!(cp, ep, "processes\n{}", print(&sc));
    }

    /// After any sequence of canvas edits, the scenario prints a script that parses back
    /// to the same scenario (positions aside), and printing is canonical.
    #[test]
    fn edits_keep_the_script_round_tripping(edits in proptest::collection::vec(edit(), 0..24)) {
        let mut sc = parse(vnet_playground::engine::presets::SEED).expect("the seed parses");
        for e in &edits {
            apply(&mut sc, e);
            let text = print(&sc);
            let back = parse(&text);
            prop_assert!(back.is_ok(), "after {:?}:\n{}\n{:?}", e, text, back.err());
            let back = back.expect("checked");
            prop_assert_eq!(&back, &without_positions(&sc), "after {:?}:\n{}", e, text);
            prop_assert_eq!(print(&back), text);
        }
    }
}

/// The two names the audit found: the canvas accepts every jail name the parser accepts
/// (`web-1`) and refuses every one it does not (`a..b`).
#[test]
fn jail_names_follow_the_parsers_rules() {
    let mut sc = parse("jail -c name=j1 vnet persist\njail -r j1\n").expect("parses");
    let r = canvas::rename(&mut sc, &Sel::Jail("j1".into()), "web-1");
    assert_eq!(r, Ok(Sel::Jail("web-1".into())));
    assert!(parse(&print(&sc)).is_ok());
    let before = sc.clone();
    assert!(canvas::rename(&mut sc, &Sel::Jail("web-1".into()), "a..b").is_err());
    assert_eq!(sc, before, "a refused rename changes nothing");
    // A jail without a vnet refuses an interface with the engine's own errno text.
    let mut sc = parse("jail -c name=nv persist\njail -r nv\n").expect("parses");
    let err = canvas::add_iface(&mut sc, Driver::Gif, &Some("nv".into()), None)
        .expect_err("no vnet of its own");
    assert!(err.0.starts_with("ifconfig: SIOCIFCREATE2: Operation not permitted"), "{}", err.0);
    assert_eq!(JAILS.len(), 4);
}

/// A move is a full detach in the old vnet (if_vmove): the interface arrives without its
/// addresses, and a gif or gre without its tunnel (gif_reassign, gre_reassign).
#[test]
fn a_moved_interface_loses_what_the_detach_purges() {
    let sc = parse(
        "jail -c name=j1 vnet persist\nifconfig epair0 create\nifconfig epair0b vnet j1\n\
         jexec j1 ifconfig epair0b inet 192.0.2.1/24\nifconfig epair0b -vnet j1\n\
         ifconfig gre2 create\nifconfig gre2 tunnel 192.0.2.1 192.0.2.9\nifconfig gre2 vnet j1\n",
    )
    .expect("parses");
    assert_eq!(canvas_view(&sc), engine_view(&sc));
    let s = canvas::summarize(&sc);
    assert!(s.iface(&None, "epair0b").is_some_and(|f| f.addrs.is_empty()));
    assert!(s.iface(&Some("j1".into()), "gre2").is_some_and(|f| f.tunnel.is_none()));
}

/// Found by the property above: a jail without a vnet shares its parent's, so reclaiming
/// from it (`ifconfig lo1 -vnet b.d`) takes the interface out of the parent's vnet
/// (if_vmove_reclaim looks the name up in the jail's pr_vnet), and the canvas follows.
#[test]
fn reclaiming_from_a_jail_without_a_vnet_uses_its_parents() {
    let sc = parse(
        "jail -c name=b vnet persist\njail -c name=b.d persist\njexec b ifconfig lo1 create\n\
         ifconfig lo1 -vnet b.d\n",
    )
    .expect("parses");
    assert_eq!(canvas_view(&sc), engine_view(&sc));
    assert!(canvas::summarize(&sc).iface(&None, "lo1").is_some(), "lo1 is in the host now");
}
