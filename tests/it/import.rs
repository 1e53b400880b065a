//! The importer (`engine::input::import`): real `jls`, `ifconfig -a` and `netstat -rn`
//! output (samples in `tests/import/`, each format's source named in its README) becomes
//! a scenario that prints and parses back to itself, builds, and tears down like the
//! hand-written preset it came from.
//!
//! Invariants: every test here can fail; the samples are FreeBSD's formats, not ours.

use proptest::prelude::*;
use vnet_playground::engine::input::import::{Imported, MAX_BYTES, MAX_LINES, import};
use vnet_playground::engine::input::script::{parse, print};
use vnet_playground::engine::presets::presets;
use vnet_playground::engine::*;

fn sample(name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The scenario as a script, then the notes and errors (for failure messages).
fn show(r: &Imported) -> String {
    let mut s = print(&r.scenario);
    for n in &r.notes {
        s.push_str(&format!("note: {n}\n"));
    }
    for e in &r.errors {
        s.push_str(&format!("error: line {}: {}\n", e.line, e.message));
    }
    s
}

/// No errors, the script round-trips, and the engine builds it.
fn clean(text: &str) -> Imported {
    let r = import(text);
    assert!(r.errors.is_empty(), "{}", show(&r));
    assert_eq!(parse(&print(&r.scenario)).as_ref(), Ok(&r.scenario), "{}", show(&r));
    if let Err(e) = build(&r.scenario) {
        panic!("{e}\n{}", show(&r));
    }
    r
}

fn has_note(r: &Imported, parts: &[&str]) -> bool {
    r.notes.iter().any(|n| parts.iter().all(|p| n.contains(p)))
}

#[test]
fn the_upstream_gif_jail_imports_and_tears_down_like_the_preset() {
    let r = clean(&sample("upstream-gif.txt"));
    let script = print(&r.scenario);
    for want in [
        "jail -c name=j1 vnet persist\n",
        "ifconfig epair0 create\n",
        "ifconfig epair0b vnet j1\n",
        "jexec j1 ifconfig gif0 create\n",
        "jexec j1 ifconfig epair0b inet 192.0.2.1/24\n",
        "jexec j1 ifconfig gif0 tunnel 192.0.2.1 192.0.2.2\n",
        "jexec j1 ifconfig gif0 inet 10.0.0.1/30 10.0.0.2\n",
        "jexec j1 route add -net 10.1.0.0/16 10.0.0.2\n",
    ] {
        assert!(script.contains(want), "missing {want:?} in\n{}", show(&r));
    }
    assert!(script.ends_with("jail -r j1\n"), "{script}");
    // Only the one static route: connected, host, loopback and reject routes are the
    // kernel's or rc's, and the host's default route leaves through vtnet0.
    assert_eq!(script.matches("route add").count(), 1, "{script}");
    assert!(has_note(&r, &["vtnet0"]), "{}", show(&r));
    assert!(has_note(&r, &["default via 198.51.100.1"]), "{}", show(&r));
    assert!(has_note(&r, &["lo0", "127.0.0.1"]), "{}", show(&r));
    assert!(has_note(&r, &["epair0", "inferred"]), "{}", show(&r));

    let preset = presets().into_iter().find(|p| p.slug == "upstream-gif").expect("preset");
    let want = parse(preset.script).expect("preset parses");
    for order in StageOrder::ALL {
        let lane = Lane::new(order);
        let a = simulate(&r.scenario, &lane).expect("imported simulates");
        let b = simulate(&want, &lane).expect("preset simulates");
        assert_eq!(a.outcome, b.outcome, "{}", order.slug());
        let steps = |t: &Trace| -> Vec<(String, Vec<String>)> {
            t.steps.iter().map(|s| (s.function.clone(), s.call_path.clone())).collect()
        };
        assert_eq!(steps(&a), steps(&b), "{}", order.slug());
        assert!(!a.steps.is_empty());
    }
}

#[test]
fn nested_jails_bridges_and_loans_import() {
    let r = clean(&sample("nested.txt"));
    let script = print(&r.scenario);
    let lines: Vec<&str> = script.lines().collect();
    let pos =
        |l: &str| lines.iter().position(|x| *x == l).unwrap_or_else(|| panic!("{l}\n{script}"));
    // Parents before children, creations before loans, loans before configuration.
    assert!(
        pos("jail -c name=r1 vnet persist children.max=4") < pos("jail -c name=r1.r2 vnet persist")
    );
    assert!(pos("ifconfig epair1 create") < pos("ifconfig epair1b vnet r1"));
    assert!(pos("jexec r1 ifconfig epair2 create") < pos("jexec r1 ifconfig epair2b vnet r1.r2"));
    assert!(
        pos("jexec r1 ifconfig epair2b vnet r1.r2")
            < pos("jexec r1.r2 ifconfig epair2b inet 198.18.0.2/30")
    );
    assert!(
        pos("jexec r1 ifconfig gre0 fib 1")
            < pos("jexec r1 ifconfig gre0 inet 172.16.0.1/32 172.16.0.2")
    );
    for l in [
        "ifconfig bridge0 create",
        "ifconfig bridge0 inet 192.0.2.254/24",
        "jexec r1 ifconfig gre0 tunnel 192.0.2.1 192.0.2.9",
        "jexec r1 ifconfig epair1b inet6 2001:db8:1::1/64",
        "jexec r1 route add default 192.0.2.254",
        "jexec r1 route add -net 198.18.4.0/24 -interface epair2a",
        "jexec r1 route add -net -inet6 2001:db8:2::/48 2001:db8:1::fe",
    ] {
        pos(l);
    }
    assert_eq!(lines.last(), Some(&"jail -r r1"), "only top-level jails are removed");
    assert!(!script.contains("fe80"), "{script}");
    assert!(!script.contains("em1") && !script.contains("wg0"), "{script}");
    assert!(has_note(&r, &["cannot follow", "em1 (jail r1.r2)"]), "{}", show(&r));
    assert!(has_note(&r, &["r9", "not in the paste", "lo0, wg0"]), "{}", show(&r));
    assert!(has_note(&r, &["r1.r2", "nopersist"]), "{}", show(&r));
    assert!(has_note(&r, &["bridge0", "epair1a"]), "{}", show(&r));
    assert!(has_note(&r, &["fe80"]), "{}", show(&r));
    for order in StageOrder::ALL {
        simulate(&r.scenario, &Lane::new(order)).expect("simulates");
    }
}

#[test]
fn jls_v_gives_names_and_ifconfig_j_gives_the_vnet() {
    let r = clean(&sample("jls-v.txt"));
    let script = print(&r.scenario);
    assert!(script.contains("jail -c name=vj vnet persist\n"), "{script}");
    assert!(script.contains("jail -c name=plain persist\n"), "{script}");
    assert!(
        script.contains("jexec vj ifconfig gif3 tunnel 198.51.100.1 198.51.100.2\n"),
        "{script}"
    );
    assert!(has_note(&r, &["vj", "inferred"]), "{}", show(&r));
    assert!(has_note(&r, &["plain", "without vnet"]), "{}", show(&r));
    assert!(has_note(&r, &["ip4.addr"]), "{}", show(&r));
}

#[test]
fn every_marker_spelling_names_the_jail() {
    let jls = "jid=1 name=j1 vnet=new persist\n";
    let out = "gif0: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> metric 0 mtu 1280\n\
               \ttunnel inet 192.0.2.1 --> 192.0.2.2\n";
    for m in [
        "jexec j1 ifconfig -a",
        "# jexec j1 ifconfig -a",
        "$ jexec j1 ifconfig -a",
        "root@host:~ # jexec j1 ifconfig -a",
        "ifconfig -j j1 -a",
        "$ jexec 1 ifconfig -a",
    ] {
        let r = clean(&format!("{jls}{m}\n{out}"));
        let s = print(&r.scenario);
        assert!(s.contains("jexec j1 ifconfig gif0 create\n"), "{m}:\n{}", show(&r));
    }
    for m in ["ifconfig -a", "# ifconfig -a", ""] {
        let r = clean(&format!("{jls}{m}\n{out}"));
        assert!(print(&r.scenario).contains("\nifconfig gif0 create\n"), "{m}:\n{}", show(&r));
    }
}

#[test]
fn malformed_lines_are_errors_with_their_line() {
    let text = "ifconfig -a\n\
                gif0: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> metric 0 mtu 1280\n\
                \tinet 10.0.0.1 netmask 0xff00ff00\n\
                \tinet 10.0.0.300 netmask 0xffffff00\n\
                \tinet6 2001:db8::1 prefixlen 129\n\
                \ttunnel inet 192.0.2.1 -> 192.0.2.2\n\
                jid=1 name=j1 vnet=maybe persist children.max=lots\n\
                netstat -rn\n\
                Internet:\n\
                Destination        Gateway            Flags     Netif Expire\n\
                10.9.0.0/99        10.0.0.2           UGS        gif0\n\
                10.8.0.0/16        nowhere            UGS        gif0\n";
    let r = import(text);
    let at = |line: usize| -> String {
        r.errors.iter().filter(|e| e.line == line).map(|e| e.message.clone()).collect()
    };
    assert!(
        at(3).contains("contiguous hex netmask") && at(3).contains("0xff00ff00"),
        "{}",
        show(&r)
    );
    assert!(at(4).contains("IPv4 address") && at(4).contains("10.0.0.300"), "{}", show(&r));
    assert!(at(5).contains("prefix length") && at(5).contains("129"), "{}", show(&r));
    assert!(at(6).contains("tunnel inet SRC --> DST"), "{}", show(&r));
    assert!(at(7).contains("vnet=new") || at(7).contains("children.max"), "{}", show(&r));
    assert!(at(11).contains("destination") && at(11).contains("10.9.0.0/99"), "{}", show(&r));
    assert!(at(12).contains("gateway") && at(12).contains("nowhere"), "{}", show(&r));
    assert!(r.errors.iter().all(|e| e.line > 0 && e.line <= 12), "{}", show(&r));
    // The good parts still come through, and what is there round-trips.
    assert_eq!(parse(&print(&r.scenario)).as_ref(), Ok(&r.scenario));
}

#[test]
fn a_second_output_without_a_marker_is_an_error() {
    let block = "lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> metric 0 mtu 16384\n\tgroups: lo\n";
    let r = import(&format!("{block}{block}"));
    assert_eq!(r.errors.len(), 1, "{}", show(&r));
    assert_eq!(r.errors[0].line, 3);
    assert!(r.errors[0].message.contains("jexec J ifconfig -a"), "{}", show(&r));
}

#[test]
fn interfaces_the_paste_does_not_explain_are_listed() {
    // epair5b sits in j1, but the paste has no host output with epair5a.
    let r = clean(
        "name=j1 jid=3 vnet=new persist\n\
         $ jexec j1 ifconfig -a\n\
         epair5b: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500\n\
         \tinet 198.51.100.9 netmask 0xffffff00 broadcast 198.51.100.255\n\
         vtnet1: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500\n\
         $ jexec j7 ifconfig -a\n\
         gre4: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> metric 0 mtu 1476\n",
    );
    let s = print(&r.scenario);
    assert!(s.contains("ifconfig epair5 create\nifconfig epair5b vnet j1\n"), "{}", show(&r));
    assert!(has_note(&r, &["epair5a", "not in the paste"]), "{}", show(&r));
    assert!(has_note(&r, &["cannot follow", "vtnet1 (jail j1)"]), "{}", show(&r));
    assert!(has_note(&r, &["gre4", "j7"]), "{}", show(&r));
    assert!(!s.contains("gre4") && !s.contains("vtnet1"), "{s}");
}

#[test]
fn only_static_gateway_routes_are_imported() {
    let r = clean(
        "ifconfig -a\n\
         epair0a: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500\n\
         \tinet 192.0.2.1 netmask 0xffffff00 broadcast 192.0.2.255\n\
         netstat -rn\n\
         Routing tables\n\n\
         Internet:\n\
         Destination        Gateway            Flags     Netif Expire\n\
         default            192.0.2.254        UGS     epair0a\n\
         10.5.0.0/16        192.0.2.7          UG1     epair0a\n\
         10.6.0.9           192.0.2.8          UGHS    epair0a\n\
         192.0.2.0/24       link#1             U       epair0a\n\
         192.0.2.1          link#2             UHS         lo0\n\
         10.7.0.0/16        127.0.0.1          UGSB        lo0\n",
    );
    let s = print(&r.scenario);
    let routes: Vec<&str> = s.lines().filter(|l| l.contains("route add")).collect();
    assert_eq!(
        routes,
        ["route add default 192.0.2.254", "route add -host 10.6.0.9/32 192.0.2.8"],
        "{}",
        show(&r)
    );
    assert!(has_note(&r, &["10.5.0.0/16", "not static"]), "{}", show(&r));
    assert!(has_note(&r, &["reject or blackhole"]), "{}", show(&r));
    assert!(has_note(&r, &["nothing to tear down"]), "{}", show(&r));
}

#[test]
fn oversized_pastes_are_clear_errors() {
    let r = import(&"#".repeat(MAX_BYTES + 1));
    assert!(r.errors[0].message.contains("1 MiB"));
    let r = import(&"x\n".repeat(MAX_LINES + 3));
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].line, MAX_LINES + 1);
    assert!(import(&"\n".repeat(MAX_LINES)).errors.is_empty());
}

fn pieces() -> Vec<String> {
    let mut v: Vec<String> = ["upstream-gif.txt", "nested.txt", "jls-v.txt"]
        .iter()
        .flat_map(|f| sample(f).lines().map(str::to_string).collect::<Vec<_>>())
        .collect();
    v.extend(
        [
            "\tinet 10.0.0.1 --> netmask",
            "\tinet6 ::",
            "\tvxlan vni 7 local :0 remote [2001:db8::2]:4789",
            "\tfib: x",
            "x: flags=",
            "jexec",
            "ifconfig -j",
            "name=.. vnet=new",
            "default UGS",
            "Routing tables (fib: 9)",
            "λ\u{200b}\t`",
        ]
        .map(str::to_string),
    );
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any mix of real lines, truncations and garbage: no panic, the scenario
    /// round-trips, and without errors it builds.
    #[test]
    fn garbage_and_partial_pastes_never_panic(
        picks in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..200, any::<bool>()), 0..60),
        noise in "[ -~\t]{0,40}",
    ) {
        let all = pieces();
        let mut text = String::new();
        for (i, cut, trunc) in &picks {
            let l = &all[i.index(all.len())];
            let l = if *trunc { l.char_indices().nth(*cut).map_or(l.as_str(), |(b, _)| &l[..b]) } else { l };
            text.push_str(l);
            text.push('\n');
        }
        text.push_str(&noise);
        let r = import(&text);
        let back = parse(&print(&r.scenario));
        prop_assert_eq!(back.as_ref(), Ok(&r.scenario));
        if r.errors.is_empty() {
            prop_assert!(build(&r.scenario).is_ok(), "{}", show(&r));
        }
    }
}

#[test]
fn other_output_forms_import_too() {
    // `ifconfig -f inet:cidr`, a vxlan status line, IPv6 point-to-point, and an old
    // netstat with Refs/Use columns and shortened networks; a fib's table is not modelled.
    let r = clean(
        "name=j1 jid=1 vnet=new persist\n\
         jexec j1 ifconfig -f inet:cidr -a\n\
         gif0: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> metric 0 mtu 1280\n\
         \ttunnel inet6 2001:db8::a --> 2001:db8::b\n\
         \tinet 10.0.0.1 --> 10.0.0.2/30\n\
         \tinet6 2001:db8:f::1 --> 2001:db8:f::2 prefixlen 128\n\
         epair0b: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500\n\
         \tinet 192.0.2.1/24 broadcast 192.0.2.255\n\
         ifconfig -a\n\
         vxlan0: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1450\n\
         \tvxlan vni 42 local 198.51.100.1:4789 remote 198.51.100.2:4789\n\
         jexec j1 netstat -rn\n\
         Routing tables\n\
         Internet:\n\
         Destination        Gateway            Flags    Refs      Use  Netif Expire\n\
         10.1/16            10.0.0.2           UGS         0        0   gif0\n\
         jexec j1 netstat -rn -F 2\n\
         Routing tables (fib: 2)\n\
         Internet:\n\
         Destination        Gateway            Flags     Netif Expire\n\
         10.2.0.0/16        10.0.0.2           UGS        gif0\n",
    );
    let s = print(&r.scenario);
    for want in [
        "jexec j1 ifconfig gif0 tunnel 2001:db8::a 2001:db8::b\n",
        "jexec j1 ifconfig gif0 inet 10.0.0.1/30 10.0.0.2\n",
        "jexec j1 ifconfig gif0 inet6 2001:db8:f::1/128 2001:db8:f::2\n",
        "jexec j1 ifconfig epair0b inet 192.0.2.1/24\n",
        "ifconfig vxlan0 create vxlanid 42 vxlanlocal 198.51.100.1 vxlanremote 198.51.100.2\n",
        "jexec j1 route add -net 10.1.0.0/16 10.0.0.2\n",
    ] {
        assert!(s.contains(want), "missing {want:?}:\n{}", show(&r));
    }
    assert!(!s.contains("10.2.0.0"), "{}", show(&r));
    assert!(has_note(&r, &["fib 2"]), "{}", show(&r));
    assert!(has_note(&r, &["processes", "ROUTE_CACHE"]), "{}", show(&r));
}

#[test]
fn a_paste_at_the_line_cap_imports() {
    // 5,000 gif interfaces and 4,996 line notes' worth of unknown detail: the importer
    // stays linear enough to finish, caps its notes, and the result builds.
    let mut text = String::from("jid=1 name=j1 vnet=new persist\njexec j1 ifconfig -a\n");
    for u in 0..4999 {
        text.push_str(&format!(
            "gif{u}: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> metric 0 mtu 1280\n\
             \ttunnel inet 192.0.2.1 --> 192.0.2.2\n\
             \tinet 10.{}.{}.1 --> 10.{}.{}.2 netmask 0xffffffff\n\
             \tcarp: BACKUP vhid {u}\n",
            u / 250,
            u % 250,
            u / 250,
            u % 250
        ));
    }
    assert!(text.lines().count() <= MAX_LINES);
    let r = clean(&text);
    assert_eq!(print(&r.scenario).matches(" create\n").count(), 4999);
    assert!(r.notes.len() < 400, "{}", r.notes.len());
    assert!(has_note(&r, &["more notes"]), "{:?}", r.notes.last());
}

/// A `uname -r` or `uname -a` line names the host's release: the lanes run it. A
/// release the model has no kernel for is named in a note, and the lanes keep theirs.
#[test]
fn uname_names_the_release() {
    use vnet_playground::engine::Kernel;
    let gif = sample("upstream-gif.txt");
    let r = clean(&format!("# uname -r\n14.2-RELEASE-p1\n{gif}"));
    assert_eq!(r.kernel, Some(Kernel::R14));
    assert!(has_note(&r, &["line 2", "14.2-RELEASE-p1", "FreeBSD 14.0 to 14.2"]), "{}", show(&r));
    let r = clean(&format!(
        "FreeBSD h1 13.0-RELEASE-p14 FreeBSD 13.0-RELEASE-p14 #0: Tue Jan  1 00:00:00 UTC 2023 root@h1:/usr/obj GENERIC amd64\n{gif}"
    ));
    assert_eq!(r.kernel, Some(Kernel::R13_0));
    let r = clean(&format!("13.1-RELEASE\n{gif}"));
    assert_eq!(r.kernel, None);
    assert!(has_note(&r, &["13.1-RELEASE", "not modelled"]), "{}", show(&r));
    let r = clean(&format!("16.0-CURRENT\n{gif}"));
    assert_eq!(r.kernel, Some(Kernel::Main));
    // Without such a line there is no kernel, and a lone word is not a release.
    assert_eq!(clean(&gif).kernel, None);
    assert_eq!(import("RELEASE\n").kernel, None);
}
