//! Property tests of the script parser and printer: valid scenarios round-trip through
//! the text, printing is canonical, and no input makes the parser panic.

use crate::strategies::{ip, ip_pair};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use vnet_playground::engine::input::scenario::*;
use vnet_playground::engine::input::script::{parse, print};
use vnet_playground::engine::kernel::si::{ORDERS, SUBSYSTEMS, Slot};

fn jail() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("j1".to_string()),
        Just("j2".to_string()),
        Just("j1.j2".to_string()),
        "[A-Za-z0-9_-]{1,6}(\\.[A-Za-z0-9_-]{1,4}){0,2}",
    ]
}

fn ifname() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("gif0".to_string()),
        Just("epair0b".to_string()),
        Just("epair".to_string()),
        Just("vxlan0".to_string()),
        "[a-z]{1,6}[0-9]{0,3}",
        "[a-z]{1,6}[0-9]{1,3}[ab]",
    ]
}

fn comment() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 #.,:()`&é λ-]{0,24}".prop_map(|s| s.trim().to_string())
}

fn op() -> impl Strategy<Value = IfOp> {
    prop_oneof![
        Just(IfOp::Create { vxlan: None }),
        (
            0u32..(1 << 24),
            proptest::option::of(ip()),
            proptest::option::of(ip()),
            proptest::option::of(ifname())
        )
            .prop_map(|(id, local, remote, dev)| IfOp::Create {
                vxlan: Some(VxlanArgs { id, local, remote, dev })
            }),
        ip_pair().prop_map(|(src, dst)| IfOp::Tunnel { src, dst }),
        (ip_pair(), any::<bool>(), any::<u8>()).prop_map(|((a, d), has_dst, len)| {
            let max = if a.is_ipv6() { 129 } else { 33 };
            IfOp::Addr { addr: a, len: len % max, dst: has_dst.then_some(d) }
        }),
        Just(IfOp::Up),
        any::<u32>().prop_map(IfOp::Fib),
        jail().prop_map(|jail| IfOp::Vnet { jail }),
        jail().prop_map(|jail| IfOp::Reclaim { jail }),
        Just(IfOp::Destroy),
    ]
}

fn argv() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("sleep"), Just("nc"), Just("sh"), Just("ping")],
        proptest::collection::vec("[a-z0-9./=,:-]{1,8}", 0..4),
    )
        .prop_map(|(cmd, args)| {
            let mut v = vec![cmd.to_string()];
            v.extend(args);
            v.join(" ")
        })
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        "[A-Z0-9_]{1,12}".prop_map(|name| Command::KernelOption { name }),
        (jail(), any::<bool>(), any::<bool>(), proptest::option::of(any::<u32>())).prop_map(
            |(name, vnet, persist, children_max)| Command::JailCreate {
                name,
                vnet,
                persist,
                children_max
            }
        ),
        (proptest::option::of(jail()), ifname(), op())
            .prop_map(|(jail, ifname, op)| { Command::Ifconfig { jail, ifname, op } }),
        (
            proptest::option::of(jail()),
            proptest::option::of(prop_oneof![Just(RouteFlag::Net), Just(RouteFlag::Host)]),
            ip_pair(),
            any::<u8>(),
            proptest::option::of(ifname()),
        )
            .prop_map(|(jail, flag, (d, g), len, iface)| {
                let max = if d.is_ipv6() { 129 } else { 33 };
                let gateway = match iface {
                    Some(i) => Gateway::Interface(i),
                    None => Gateway::Addr(g),
                };
                Command::RouteAdd { jail, flag, dest: Prefix { addr: d, len: len % max }, gateway }
            }),
        (jail(), argv()).prop_map(|(jail, argv)| Command::Process { jail, argv }),
        jail().prop_map(|jail| Command::NoReap { jail }),
        (
            "[a-z_][a-z0-9_]{0,20}",
            prop_oneof![
                proptest::sample::select(SUBSYSTEMS.to_vec()).prop_map(|(_, v)| v),
                (0x21E_0001u32..=0xDC0_0000)
            ],
            prop_oneof![
                proptest::sample::select(ORDERS.to_vec()).prop_map(|(_, v)| v),
                any::<u32>()
            ],
        )
            .prop_filter("in the VNET range", |(_, sub, order)| Slot::new(*sub, *order)
                .is_vnet_range())
            .prop_map(|(func, sub, order)| Command::Sysuninit {
                func,
                slot: Slot::new(sub, order)
            }),
    ]
}

/// Also default routes: make some destinations the all-zero prefix.
fn entry(cmd: impl Strategy<Value = Command>) -> impl Strategy<Value = Entry> {
    (
        proptest::collection::vec(comment(), 0..3),
        cmd,
        proptest::option::of(comment()),
        any::<bool>(),
    )
        .prop_map(|(comments, mut command, trailing, default)| {
            if let (Command::RouteAdd { dest, .. }, true) = (&mut command, default) {
                dest.len = 0;
                dest.addr = if dest.addr.is_ipv6() {
                    IpAddr::V6(Ipv6Addr::UNSPECIFIED)
                } else {
                    IpAddr::V4(Ipv4Addr::UNSPECIFIED)
                };
            }
            Entry { comments, command, trailing, pos: None }
        })
}

/// A valid scenario: commands, then `jail -r` lines, with the fix-ups that the
/// syntax-level checks need (vxlan args only on vxlan, no create in a non-vnet jail).
fn scenario() -> impl Strategy<Value = Scenario> {
    (
        proptest::collection::vec(entry(command()), 0..24),
        proptest::collection::vec(
            entry(jail().prop_map(|name| Command::JailRemove { name })),
            0..3,
        ),
        proptest::collection::vec(comment(), 0..3),
    )
        .prop_map(|(mut entries, removes, tail_comments)| {
            let mut vnet: BTreeMap<String, bool> = BTreeMap::new();
            for e in &mut entries {
                match &mut e.command {
                    Command::JailCreate { name, vnet: v, .. } => {
                        vnet.insert(name.clone(), *v);
                    }
                    Command::Ifconfig { jail, ifname, op: op @ IfOp::Create { .. } } => {
                        if jail.as_ref().is_some_and(|j| vnet.get(j) == Some(&false)) {
                            *op = IfOp::Up;
                        } else if !ifname.starts_with("vxlan") {
                            *op = IfOp::Create { vxlan: None };
                        }
                    }
                    _ => {}
                }
            }
            entries.extend(removes);
            Scenario { entries, tail_comments }
        })
}

const WORDS: &[&str] = &[
    "options",
    "jail",
    "-c",
    "-r",
    "name=j1",
    "vnet",
    "persist",
    "children.max=2",
    "ifconfig",
    "-j",
    "j1",
    "gif0",
    "epair0b",
    "create",
    "tunnel",
    "inet",
    "inet6",
    "up",
    "fib",
    "-vnet",
    "destroy",
    "route",
    "add",
    "-net",
    "-host",
    "-inet6",
    "default",
    "-interface",
    "jexec",
    "&",
    "sysuninit",
    "SI_SUB_PSEUDO",
    "ANY",
    "0x",
    "10.0.0.1",
    "10.0.0.0/8",
    "::1",
    "/",
    "#",
    "\t",
    "\r",
    "é",
    "vxlanid",
    "1",
    "vxlan0",
    "netmask",
    "0xffffff00",
    "prefixlen",
    "999999999999",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn valid_scenarios_round_trip(s in scenario()) {
        let text = print(&s);
        let back = parse(&text);
        prop_assert_eq!(back.as_ref(), Ok(&s), "text:\n{}", text);
        prop_assert_eq!(print(&s), text);
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(s) = parse(&text) {
            let again = print(&s);
            prop_assert_eq!(parse(&again).map(|t| print(&t)), Ok(again.clone()));
        }
    }

    #[test]
    fn token_soup_never_panics(
        lines in proptest::collection::vec(proptest::collection::vec(proptest::sample::select(WORDS), 0..8), 0..8)
    ) {
        let text: String = lines.iter().map(|l| l.join(" ") + "\n").collect();
        match parse(&text) {
            Ok(s) => {
                let printed = print(&s);
                prop_assert_eq!(parse(&printed), Ok(s));
            }
            Err(e) => {
                prop_assert!(e.line >= 1 && e.line <= lines.len().max(1));
                prop_assert!(e.column >= 1);
            }
        }
    }
}

#[test]
fn huge_lines_and_odd_whitespace_do_not_panic() {
    let long = "a".repeat(500_000);
    assert!(parse(&long).is_err());
    assert!(parse(&format!("jexec j1 {long} &")).is_ok());
    assert!(parse("\u{feff}jail -c name=a").is_err());
    assert!(parse("jail\u{a0}-c\u{2003}name=a\r\n").is_ok());
    assert!(parse("\r\r\r").is_ok());
}
