//! The drivers beyond gif, gre, epair, wg, lo and vxlan, against FreeBSD main as read in
//! sys/net/if_vlan.c, if_bridge.c, if_lagg.c, if_tuntap.c, if_ipsec.c, if_me.c and
//! if_ovpn.c: each driver's registration against a table written from the source, the
//! references aggregates hold, what a departure does, the module rule, and the script's
//! errors. The scenarios use names unlike the presets'.
use crate::common::{build_err, trace, trace_on};
use vnet_playground::engine::input::script::parse;
use vnet_playground::engine::kernel::drivers::spec;
use vnet_playground::engine::kernel::si::*;
use vnet_playground::engine::teardown::registry::{self, Registry};
use vnet_playground::engine::*;
use vnet_playground::support::vecmap::VecSet;

fn text(t: &Trace) -> String {
    t.steps.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join("\n")
}

/// (driver, VNET_SYSUNINIT function, SI_SUB, SI_ORDER, file, clone destroy, if_reassign,
/// module loaded on use), as read in the FreeBSD sources.
type Row = (Driver, &'static str, u32, u32, &'static str, &'static str, Option<&'static str>, bool);

const TABLE: &[Row] = &[
    (
        Driver::Lo,
        "vnet_loif_uninit",
        SI_SUB_INIT_IF,
        SI_ORDER_SECOND,
        "sys/net/if_loop.c",
        "lo_clone_destroy",
        None,
        false,
    ),
    (
        Driver::Epair,
        "vnet_epair_uninit",
        SI_SUB_INIT_IF,
        SI_ORDER_ANY,
        "sys/net/if_epair.c",
        "epair_clone_destroy",
        None,
        false,
    ),
    (
        Driver::Vlan,
        "vnet_vlan_uninit",
        SI_SUB_INIT_IF,
        SI_ORDER_ANY,
        "sys/net/if_vlan.c",
        "vlan_clone_destroy",
        None,
        false,
    ),
    (
        Driver::Lagg,
        "vnet_lagg_uninit",
        SI_SUB_INIT_IF,
        SI_ORDER_ANY,
        "sys/net/if_lagg.c",
        "lagg_clone_destroy",
        None,
        true,
    ),
    (
        Driver::Bridge,
        "vnet_bridge_uninit",
        SI_SUB_PSEUDO,
        SI_ORDER_ANY,
        "sys/net/if_bridge.c",
        "bridge_clone_destroy",
        Some("bridge_reassign"),
        false,
    ),
    (
        Driver::Gif,
        "vnet_gif_uninit",
        SI_SUB_PSEUDO,
        SI_ORDER_ANY,
        "sys/net/if_gif.c",
        "gif_clone_destroy",
        Some("gif_reassign"),
        false,
    ),
    (
        Driver::Ovpn,
        "vnet_ovpn_uninit",
        SI_SUB_PSEUDO,
        SI_ORDER_ANY,
        "sys/net/if_ovpn.c",
        "ovpn_clone_destroy",
        Some("ovpn_reassign"),
        true,
    ),
    (
        Driver::Tun,
        "vnet_tun_uninit",
        SI_SUB_PROTO_IF,
        SI_ORDER_ANY,
        "sys/net/if_tuntap.c",
        "tun_clone_destroy",
        None,
        true,
    ),
    (
        Driver::Tap,
        "vnet_tun_uninit",
        SI_SUB_PROTO_IF,
        SI_ORDER_ANY,
        "sys/net/if_tuntap.c",
        "tun_clone_destroy",
        None,
        true,
    ),
    (
        Driver::Gre,
        "vnet_gre_uninit",
        SI_SUB_PROTO_IFATTACHDOMAIN,
        SI_ORDER_ANY,
        "sys/net/if_gre.c",
        "gre_clone_destroy",
        Some("gre_reassign"),
        false,
    ),
    (
        Driver::Wg,
        "vnet_wg_uninit",
        SI_SUB_PROTO_IFATTACHDOMAIN,
        SI_ORDER_ANY,
        "sys/dev/wg/if_wg.c",
        "wg_clone_destroy",
        Some("wg_reassign"),
        false,
    ),
    (
        Driver::Ipsec,
        "vnet_ipsec_uninit",
        SI_SUB_PROTO_IFATTACHDOMAIN,
        SI_ORDER_ANY,
        "sys/net/if_ipsec.c",
        "ipsec_clone_destroy",
        Some("ipsec_reassign"),
        true,
    ),
    (
        Driver::Me,
        "vnet_me_uninit",
        SI_SUB_PROTO_IFATTACHDOMAIN,
        SI_ORDER_ANY,
        "sys/net/if_me.c",
        "me_clone_destroy",
        Some("me_reassign"),
        true,
    ),
    (
        Driver::Ngeth,
        "vnet_netgraph_uninit",
        SI_SUB_NETGRAPH,
        SI_ORDER_FIRST,
        "sys/netgraph/ng_base.c",
        "ng_eiface_rmnode",
        None,
        true,
    ),
];

#[test]
fn every_driver_matches_the_table_read_in_source() {
    for (d, func, sub, order, file, destroy, reassign, module) in TABLE {
        let s = spec(*d);
        let c = s.cloner.expect("a per-vnet cloner");
        assert_eq!((c.0, c.1, c.2), (*func, Slot::new(*sub, *order), *file), "{d:?}");
        // netgraph's destructor lives in ng_base.c, the driver in ng_eiface.c.
        let own = if *d == Driver::Ngeth { "sys/netgraph/ng_eiface.c" } else { file };
        assert_eq!((s.file, s.destroy_fn, s.reassign_fn), (own, *destroy, *reassign), "{d:?}");
        assert_eq!(s.module.is_some(), *module, "{d:?}");
    }
    // Every driver with a per-vnet cloner is in the table; vxlan's cloner is global.
    for d in Driver::ALL {
        assert_eq!(spec(d).cloner.is_some(), TABLE.iter().any(|t| t.0 == d), "{d:?}");
    }
}

#[test]
fn a_module_outside_the_base_set_registers_only_when_used() {
    let walk = |loaded: &[&'static str]| -> Vec<&str> {
        let l: VecSet<&'static str> = loaded.iter().copied().collect();
        // 14.x: the last release whose tun/tap still have a VNET destructor.
        Registry::new([], &l, Kernel::R14)
            .expect("no moves")
            .teardown
            .iter()
            .map(|h| h.func)
            .collect()
    };
    assert!(!walk(&[]).contains(&"vnet_tun_uninit"));
    assert!(!walk(&[]).contains(&"vnet_me_uninit"));
    // tap loads if_tuntap, whose one destructor serves tun and tap.
    let sc = parse("jail -c name=x vnet persist\njexec x ifconfig tap0 create\njail -r x\n")
        .expect("parses");
    assert_eq!(registry::loaded(&sc, []).iter().copied().collect::<Vec<_>>(), ["if_tuntap"]);
    let w = walk(&["if_tuntap"]);
    assert_eq!(w.iter().filter(|f| **f == "vnet_tun_uninit").count(), 1);
    // Loaded later, it runs first among equals: ipsec before gre at IFATTACHDOMAIN/ANY.
    let w = walk(&["ipsec"]);
    let pos = |f: &str| w.iter().position(|x| *x == f).expect(f);
    assert!(pos("vnet_ipsec_uninit") < pos("vnet_gre_uninit"));
    // A sysuninit line naming a module's destructor loads it.
    let sc = parse("sysuninit vnet_lagg_uninit SI_SUB_PSEUDO SI_ORDER_ANY\njail -c name=x vnet persist\njail -r x\n")
        .expect("parses");
    assert!(registry::loaded(&sc, []).contains(&"if_lagg"));
}

#[test]
fn a_vlan_parent_leaving_unconfigures_its_vlans_and_drops_the_trunk_reference() {
    let t = trace(
        "jail -c name=vj vnet persist\nifconfig epair4 create\nifconfig epair4a vnet vj\n\
         jexec vj ifconfig vlan7 create vlan 100 vlandev epair4a\n\
         jexec vj ifconfig vlan8 create vlan 200 vlandev epair4a\njail -r vj\n",
        StageOrder::Legacy,
    );
    assert_eq!(t.outcome, Outcome::Clean);
    let all = text(&t);
    assert!(all.contains("vlan_ifdetach for epair4a: vlan7, vlan8 lose their parent"), "{all}");
    // One trunk for both vlans, freed when the parent departs, before any vlan dies.
    let trunk = t.objects.iter().find(|o| o.kind == ObjKind::VlanTrunk).expect("a trunk");
    assert_eq!(t.objects.iter().filter(|o| o.kind == ObjKind::VlanTrunk).count(), 1);
    let freed = t
        .steps
        .iter()
        .position(|s| s.events.iter().any(|e| e.kind == EventKind::Freed && e.obj == trunk.id));
    let vlan_uninit = t.steps.iter().position(|s| s.function == "vnet_vlan_uninit");
    assert!(freed < vlan_uninit, "{freed:?} {vlan_uninit:?}");
    // The vlans are destroyed by their cloner, not by the departure.
    let destroyed =
        t.steps.iter().filter(|s| s.call_path.iter().any(|c| c == "vlan_clone_destroy")).count();
    assert_eq!(destroyed, 2);
}

#[test]
fn a_bridge_keeps_plain_pointers_and_a_lagg_counted_ones() {
    let t = trace(
        "jail -c name=bj vnet persist\njexec bj ifconfig epair2 create\n\
         jexec bj ifconfig bridge5 create\njexec bj ifconfig bridge5 addm epair2a\n\
         jexec bj ifconfig lagg3 create\njexec bj ifconfig lagg3 laggport epair2b\njail -r bj\n",
        StageOrder::Legacy,
    );
    assert_eq!(t.outcome, Outcome::Clean);
    let kind = |label: &str| t.edges.iter().find(|e| e.label == label).map(|e| e.kind);
    assert_eq!(kind("bif_ifp"), Some(EdgeKind::Raw));
    assert_eq!(kind("lp_ifp"), Some(EdgeKind::Counted));
}

#[test]
fn a_bridge_moved_home_loses_its_members_on_the_way() {
    let script = "jail -c name=bh vnet persist\nifconfig bridge9 create\nifconfig bridge9 vnet bh\n\
         jexec bh ifconfig tap4 create\njexec bh ifconfig bridge9 addm tap4\njail -r bh\n";
    // On 14.x tap4 is still there when vnet_if_return moves the bridge home.
    let t = trace_on(script, StageOrder::Legacy, Kernel::R14);
    assert_eq!(t.outcome, Outcome::Clean);
    let s = t.steps.iter().find(|s| s.text.contains("bridge_reassign")).expect("bridge_reassign");
    assert!(s.text.contains("tap4") && s.text.contains("D28860"), "{}", s.text);
    // On main, tuntap_prison_remove destroys tap4 at the DYING mark: the bridge goes home
    // empty, its member removed by the departure handler on the way.
    let t = trace(script, StageOrder::Legacy);
    assert_eq!(t.outcome, Outcome::Clean);
    let gone = t.steps.iter().position(|s| s.function == "tuntap_prison_remove").expect("hook");
    let home = t.steps.iter().position(|s| s.function == "vnet_if_return").expect("return");
    assert!(gone < home);
    assert!(t.steps[gone].text.contains("bridge_ifdetach"), "{}", t.steps[gone].text);
}

#[test]
fn me_frees_its_tables_before_its_interfaces_and_the_proposals_avoid_it() {
    let script = "jail -c name=mj vnet persist\njexec mj ifconfig me3 create\n\
                  jexec mj ifconfig me3 tunnel 203.0.113.1 203.0.113.9\njail -r mj\n";
    let t = trace(script, StageOrder::Legacy);
    assert_eq!(t.outcome, Outcome::PageFault);
    let f = &t.faults[0];
    assert_eq!((f.kind, f.function.as_str()), (FaultKind::UseAfterFree, "me_delete_tunnel"));
    assert!(f.message.contains("I consequence"), "{}", f.message);
    assert_eq!(f.headline(), "use after free");
    // The fault sentence does not claim a page fault for a write.
    let last = t.steps.last().expect("a step");
    assert!(!last.text.contains("a page fault"), "{}", last.text);
    // Without a tunnel there is nothing to unlink.
    let quiet = script.replace("jexec mj ifconfig me3 tunnel 203.0.113.1 203.0.113.9\n", "");
    assert_eq!(trace(&quiet, StageOrder::Legacy).outcome, Outcome::Clean);
    for o in [StageOrder::VnetShutdown, StageOrder::PrisonCleanup] {
        assert_eq!(trace(script, o).outcome, Outcome::Clean, "{o:?}");
    }
    // me speaks IPv4 only.
    let m = build_err(
        "jail -c name=m6 vnet persist\njexec m6 ifconfig me1 create\njexec m6 ifconfig me1 tunnel 2001:db8::1 2001:db8::2\njail -r m6\n",
    );
    assert!(m.contains("SIOCSIFPHYADDR: Invalid argument"), "{m}");
}

#[test]
fn tun_and_tap_die_in_one_destructor_after_ip() {
    let script = "jail -c name=tj vnet persist\njexec tj ifconfig tap2 create\njexec tj ifconfig tun6 create\n\
         jexec tj ifconfig tun6 inet 10.9.0.1/30 10.9.0.2\njexec tj sleep 1000 &\njail -r tj\n";
    // 15.0 and main: tuntap_prison_remove destroys both at prison_cleanup, before SIGKILL,
    // with full detaches; no VNET destructor is left [V if_tuntap.c 15.1].
    for k in [Kernel::R15_0, Kernel::Main] {
        let t = trace_on(script, StageOrder::Legacy, k);
        assert_eq!(t.outcome, Outcome::Clean);
        let hook: Vec<usize> =
            (0..t.steps.len()).filter(|i| t.steps[*i].function == "tuntap_prison_remove").collect();
        assert_eq!(hook.len(), 2, "one step per interface");
        let kill =
            t.steps.iter().position(|s| s.function == "prison_proc_iterate").expect("SIGKILL");
        assert!(hook.iter().all(|i| *i < kill));
        assert!(t.steps.iter().all(|s| s.function != "vnet_tun_uninit"));
        assert!(t.steps[hook[0]].text.contains("full one"), "{}", t.steps[hook[0]].text);
    }
    let t = trace_on(script, StageOrder::Legacy, Kernel::R14);
    assert_eq!(t.outcome, Outcome::Clean);
    let pos = |f: &str| t.steps.iter().position(|s| s.function == f).expect(f);
    assert!(pos("ip_destroy") < pos("vnet_tun_uninit"));
    let tun_steps: Vec<_> = t
        .steps
        .iter()
        .filter(|s| s.function == "vnet_tun_uninit" && s.call_path.len() > 3)
        .collect();
    assert_eq!(tun_steps.len(), 2, "one step per interface destroyed");
}

#[test]
fn script_errors_say_where_and_what() {
    let err = |s: &str| parse(s).expect_err("an error");
    let e = err("ifconfig vlan1 create vlan 5000 vlandev epair0a\n");
    assert_eq!((e.line, e.column), (1, 28));
    assert!(e.message.contains("1 to 4094"), "{}", e.message);
    let e = err("ifconfig vlan1 create vlan 5\n");
    assert!(e.message.contains("vlandev"), "{}", e.message);
    let e = err("ifconfig gif0 addm epair0a\n");
    assert_eq!((e.line, e.column), (1, 15));
    assert!(e.message.contains("bridges"), "{}", e.message);
    let e = err("ifconfig lagg0 addm epair0a\n");
    assert!(e.message.contains("`laggport`"), "{}", e.message);
    let e = err("ifconfig bridge0 addm epair0a addm epair1a\n");
    assert_eq!(e.column, 31);
    assert!(e.message.contains("one `addm` per line"), "{}", e.message);
    // And the set-up's errors are ifconfig's.
    let m = build_err(
        "jail -c name=e vnet persist\njexec e ifconfig vlan2 create vlan 3 vlandev epair9a\njail -r e\n",
    );
    assert!(m.contains("Device not configured"), "{m}");
}

#[test]
fn new_ops_round_trip_through_print_and_links() {
    let script = "jail -c name=r vnet persist\njexec r ifconfig epair0 create\n\
                  jexec r ifconfig vlan4 create vlan 9 vlandev epair0a\n\
                  jexec r ifconfig vlan5 create\njexec r ifconfig vlan5 vlan 10 vlandev epair0a\n\
                  jexec r ifconfig lagg0 create\njexec r ifconfig lagg0 laggport epair0b\n\
                  jexec r ifconfig lagg0 -laggport epair0b\njail -r r\n";
    let sc = parse(script).expect("parses");
    assert_eq!(print_script(&sc), script);
    let state = vnet_playground::share::LinkState {
        scenario: std::rc::Rc::new(sc.clone()),
        ..Default::default()
    };
    let back =
        vnet_playground::share::decode(&vnet_playground::share::encode(&state)).expect("decodes");
    assert_eq!(*back.scenario, sc);
}

#[test]
fn pf_holds_a_counted_reference_per_interface_until_vnet_pf_uninit() {
    let t = trace(
        "kldload pf\njail -c name=fw vnet persist\nifconfig epair6 create\nifconfig epair6b vnet fw\n\
         jexec fw ifconfig gre2 create\njail -r fw\n",
        StageOrder::Legacy,
    );
    assert_eq!(t.outcome, Outcome::Clean);
    let kifs: Vec<_> = t.edges.iter().filter(|e| e.label == "kif->pfik_ifp").collect();
    assert!(kifs.iter().all(|e| e.kind == EdgeKind::Counted));
    // The loaned end's reference goes at its departure, before pf's destructor runs.
    let pos = |f: &str| t.steps.iter().position(|s| s.function == f).expect(f);
    let dropped = t.steps.iter().position(|s| {
        s.text.contains("(pfi_detach_ifnet_event) drops its kif's if_ref on epair6b")
    });
    assert!(dropped.is_some_and(|d| d < pos("vnet_pf_uninit")), "{dropped:?}");
    // gre2 dies at IFATTACHDOMAIN, before pf: its reference goes at its departure too; lo0's
    // is the one left for pfi_cleanup_vnet.
    let s = &t.steps[pos("vnet_pf_uninit")];
    assert!(s.text.contains("the one interface record left"), "{}", s.text);
    // Loaded later than ipfilter, pf's destructor runs first at their shared slot.
    assert!(pos("vnet_pf_uninit") < pos("vnet_ipf_uninit"));
    // Without kldload there is no pf destructor at all.
    let t = trace("jail -c name=fw vnet persist\njail -r fw\n", StageOrder::Legacy);
    assert!(t.steps.iter().all(|s| s.function != "vnet_pf_uninit"));
}

#[test]
fn kldload_speaks_as_kldload() {
    let err = build_err;
    let m = err("kldload if_gif\njail -c name=k vnet persist\njail -r k\n");
    assert!(m.contains("module already loaded or in kernel"), "{m}");
    let m = err("kldload nosuch\njail -c name=k vnet persist\njail -r k\n");
    assert!(m.contains("No such file or directory") && m.contains("pf"), "{m}");
    let m = err("kldload pf\nkldload pf.ko\njail -c name=k vnet persist\njail -r k\n");
    assert!(m.contains("already loaded"), "{m}");
    // A module loaded by name registers its destructor even with no interface of it.
    let t = trace_on(
        "kldload if_tuntap\njail -c name=k vnet persist\njail -r k\n",
        StageOrder::Legacy,
        Kernel::R14,
    );
    assert!(t.steps.iter().any(|s| s.function == "vnet_tun_uninit"));
}

#[test]
fn without_a_hook_shows_what_it_is_for() {
    // wg's OSD method: without it the jail holds itself through wg0's cred.
    let wg = "without wg_prison_remove\njail -c name=w2 vnet persist\njexec w2 ifconfig wg3 create\njail -r w2\n";
    let t = trace(wg, StageOrder::Legacy);
    assert_eq!(t.outcome, Outcome::Stuck);
    assert!(t.faults[0].message.contains("held by wg3 (sc_ucred)"), "{}", t.faults[0].message);
    assert_eq!(
        trace(&wg.replace("without wg_prison_remove\n", ""), StageOrder::Legacy).outcome,
        Outcome::Clean
    );
    // A departure handler: without lagg_port_ifdetach the lagg keeps its port's if_ref
    // after the port went home.
    let t = trace(
        "without lagg_port_ifdetach\njail -c name=lg vnet persist\nifconfig epair3 create\n\
         ifconfig epair3b vnet lg\njexec lg ifconfig lagg1 create\njexec lg ifconfig lagg1 laggport epair3b\njail -r lg\n",
        StageOrder::Legacy,
    );
    assert!(
        text(&t)
            .contains("lagg_port_ifdetach is left out here (what-if): lagg1 still holds epair3b")
    );
    // An if_reassign hook: without gif_reassign a loaned gif keeps its tunnel.
    let t = trace(
        "without gif_reassign\njail -c name=gr vnet persist\nifconfig gif2 create\nifconfig gif2 vnet gr\n\
         jexec gr ifconfig gif2 tunnel 198.51.100.7 198.51.100.8\njail -r gr\n",
        StageOrder::Legacy,
    );
    assert!(text(&t).contains("gif_reassign is left out here (what-if)"));
    // Only hooks the model knows.
    let sc = parse("without ip_destroy\njail -c name=x vnet persist\njail -r x\n").expect("parses");
    let e = simulate(&sc, &Lane::new(StageOrder::Legacy)).expect_err("unknown hook");
    assert!(
        e.message.contains("knows no hook") && e.message.contains("wg_prison_remove"),
        "{}",
        e.message
    );
}

#[test]
fn ng_eiface_nodes_die_with_the_vnet_that_made_them() {
    let t = trace(
        "jail -c name=ng vnet persist\nngctl mkpeer . eiface hook ether\nngctl mkpeer . eiface hook ether\n\
         ifconfig ngeth1 vnet ng\njexec ng ngctl mkpeer . eiface hook ether\njail -r ng\n",
        StageOrder::Legacy,
    );
    assert_eq!(t.outcome, Outcome::Clean);
    let pos = |f: &str| t.steps.iter().position(|s| s.function == f).expect(f);
    // The host's ngeth1 goes home first; the jail's own node (ngeth0: the unit allocator is
    // per vnet) is shut down by vnet_netgraph_uninit, before the unit allocator goes.
    assert!(text(&t).contains("ng_eiface_rmnode"));
    assert!(pos("vnet_if_return") < pos("vnet_netgraph_uninit"));
    assert!(pos("vnet_netgraph_uninit") < pos("vnet_ng_eiface_uninit"));
    // No cloner: ifconfig neither creates nor destroys one.
    let err = build_err;
    assert!(
        err("ifconfig ngeth0 create\njail -c name=x vnet persist\njail -r x\n")
            .contains("ngctl mkpeer")
    );
    assert!(
        err("ngctl mkpeer . eiface hook ether\nifconfig ngeth0 destroy\njail -c name=x vnet persist\njail -r x\n")
            .contains("ngctl shutdown ngeth0:")
    );
    let ok = trace(
        "ngctl mkpeer . eiface hook ether\nngctl shutdown ngeth0:\njail -c name=x vnet persist\njail -r x\n",
        StageOrder::Legacy,
    );
    assert_eq!(ok.outcome, Outcome::Clean);
}
