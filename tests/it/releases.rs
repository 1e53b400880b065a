//! Kernel releases: each release's registry against a table read in FreeBSD trees and
//! commit texts, the history the issue names (the seed, gif before D32835, vxlan in a
//! jail, the D47991 deadlock), old links, and `vnet-trace releases`.

use crate::common::trace_on;
use std::process::Command;
use vnet_playground::engine::explore::releases::{self, across};
use vnet_playground::engine::input::script::parse;
use vnet_playground::engine::kernel::release::{self as rel, CHANGES, RELEASES};
use vnet_playground::engine::kernel::si::*;
use vnet_playground::engine::presets::{SEED, presets};
use vnet_playground::engine::teardown::registry::Registry;
use vnet_playground::engine::*;
use vnet_playground::support::vecmap::VecSet;

/// What differs from main, per release: gif's slot, the drivers it lacks, whether
/// if_clone borrows vnet0's cloners, whether jail removal has a thread of its own, and
/// whether tun/tap and ovpn use prison removal hooks. Read in the 12.1, 14.0-STABLE and
/// 15.1 trees and the commits D32835, 744bfb213144, D36632, D47991, D51525; the
/// releases between them are placed by the commits' dates and MFC notes (inferred).
#[allow(clippy::type_complexity)]
const TABLE: &[(Kernel, u32, &[Driver], bool, bool, bool)] = &[
    (Kernel::R13_0, SI_SUB_PROTO_IFATTACHDOMAIN, &[Driver::Wg, Driver::Ovpn], true, false, false),
    (Kernel::R13, SI_SUB_PSEUDO, &[Driver::Ovpn], true, false, false),
    (Kernel::R14, SI_SUB_PSEUDO, &[], false, false, false),
    (Kernel::R14_3, SI_SUB_PSEUDO, &[], false, true, false),
    (Kernel::R15_0, SI_SUB_PSEUDO, &[], false, true, true),
    (Kernel::Main, SI_SUB_PSEUDO, &[], false, true, true),
];

fn registry(k: Kernel, loaded: &[&'static str]) -> Vec<(&'static str, Slot)> {
    let l: VecSet<&'static str> = loaded.iter().copied().collect();
    Registry::new([], &l, k).expect("no moves").teardown.iter().map(|h| (h.func, h.slot)).collect()
}

#[test]
fn every_release_matches_the_table() {
    assert_eq!(RELEASES.len(), Kernel::ALL.len());
    assert_eq!(TABLE.len(), Kernel::ALL.len());
    for (i, (k, gif_sub, missing, fallback, thread, hooks)) in TABLE.iter().enumerate() {
        let r = rel::of(*k);
        assert_eq!(r.kernel, *k);
        assert_eq!(Kernel::ALL[i], *k, "kernels are listed oldest first");
        let reg = registry(*k, &["if_tuntap", "if_ovpn"]);
        let gif = reg.iter().find(|(f, _)| *f == "vnet_gif_uninit").expect("gif");
        assert_eq!(gif.1, Slot::new(*gif_sub, SI_ORDER_ANY), "{k:?} gif");
        assert_eq!(r.missing, *missing, "{k:?}");
        for d in [Driver::Wg, Driver::Ovpn] {
            let f = destructor(d).expect("a cloner").0;
            let registered = reg.iter().any(|(g, _)| *g == f);
            let expect = !(missing.contains(&d) || d == Driver::Ovpn && *hooks);
            assert_eq!(registered, expect, "{k:?} {f}");
        }
        assert_eq!(reg.iter().any(|(f, _)| *f == "vnet_tun_uninit"), !hooks, "{k:?} tun");
        assert_eq!(r.cloner_fallback, *fallback, "{k:?}");
        assert_eq!(r.removal_thread, *thread, "{k:?}");
        assert_eq!(r.prison_remove_clones, *hooks, "{k:?}");
        // Everything else is main's registry, slot for slot.
        let main = registry(Kernel::Main, &["if_tuntap", "if_ovpn"]);
        for (f, s) in &main {
            if *f == "vnet_gif_uninit" {
                continue;
            }
            if let Some((_, s2)) = reg.iter().find(|(g, _)| g == f) {
                assert_eq!(s, s2, "{k:?} {f}");
            }
        }
    }
}

/// Each change names the kernels that have it, and they agree with the release data.
#[test]
fn every_change_agrees_with_the_releases() {
    for k in Kernel::ALL {
        let r = rel::of(k);
        let has = |s: &str| rel::has_change(k, s).unwrap_or_else(|| panic!("no change {s}"));
        assert_eq!(has("slots:vnet_gif_uninit"), rel::slot(k, "vnet_gif_uninit").is_none());
        assert_eq!(has("missing:wg"), rel::has(k, Driver::Wg));
        assert_eq!(has("missing:ovpn"), rel::has(k, Driver::Ovpn));
        assert_eq!(has("cloner_fallback"), !r.cloner_fallback);
        assert_eq!(has("removal_thread"), r.removal_thread);
        assert_eq!(has("prison_remove_clones"), r.prison_remove_clones);
        assert_eq!(has("cleanup_split"), r.cleanup_split);
    }
    for c in CHANGES {
        assert!(c.url.starts_with("https://"), "{}", c.switch);
        assert!(c.marker.starts_with('[') && c.marker.ends_with(']'), "{}", c.switch);
        // A change is new behaviour: once a release has it, every newer one does too.
        let first = Kernel::ALL.iter().position(|k| c.kernels.contains(k)).expect("some kernel");
        assert!(Kernel::ALL[first..].iter().all(|k| c.kernels.contains(k)), "{}", c.switch);
    }
}

#[test]
fn versions_name_their_kernels() {
    for (v, k) in [
        ("13.0", Kernel::R13_0),
        ("13.0-RELEASE-p13", Kernel::R13_0),
        ("13.2", Kernel::R13),
        ("13.5-RELEASE", Kernel::R13),
        ("13.x", Kernel::R13),
        ("14.2", Kernel::R14),
        ("14.3-RELEASE", Kernel::R14_3),
        ("15.0", Kernel::R15_0),
        ("main", Kernel::Main),
        ("16.0-CURRENT", Kernel::Main),
    ] {
        assert_eq!(rel::parse_version(v), Some(k), "{v}");
    }
    for v in ["12.4", "13.1", "14.4", "", "fourteen"] {
        assert_eq!(rel::parse_version(v), None, "{v}");
    }
    assert!(rel::unmodelled("13.1").is_some_and(|w| w.contains("wg")));
}

fn legacy(a: &releases::Across) -> Vec<Option<Outcome>> {
    Kernel::ALL
        .iter()
        .map(|k| a.get(*k, StageOrder::Legacy).and_then(|c| c.as_ref().ok()).map(|c| c.outcome))
        .collect()
}

/// The history: gif's cloner moved by D32835 turns 13.0's ip_destroy panic into the
/// seed's route-cache page fault (a prototype) from 13.x on; without the route cache,
/// gif in a jail is clean from 13.x on.
#[test]
fn the_seed_and_pre_d32835_gif_follow_the_history() {
    use Outcome::*;
    let seed = across(&parse(SEED).expect("seed"), &[]);
    assert_eq!(
        legacy(&seed),
        [
            Some(Panic),
            Some(PageFault),
            Some(PageFault),
            Some(PageFault),
            Some(PageFault),
            Some(PageFault)
        ]
    );
    for o in [StageOrder::VnetShutdown, StageOrder::PrisonCleanup] {
        assert_eq!(seed.first_safe(o), Some(Kernel::R13_0), "{o:?}");
    }
    assert_eq!(seed.first_safe(StageOrder::Legacy), None);
    let p = presets().into_iter().find(|p| p.slug == "pre-d32835-gif").expect("preset");
    assert_eq!(p.kernel, Kernel::R13_0);
    assert!(!p.script.contains("sysuninit"), "a release, not a re-registration");
    let a = across(&parse(p.script).expect("parses"), &[]);
    assert_eq!(legacy(&a)[0], Some(Panic));
    assert!(legacy(&a)[1..].iter().all(|o| *o == Some(Clean)));
    assert_eq!(a.first_safe(StageOrder::Legacy), Some(Kernel::R13));
    let t = trace_on(p.script, StageOrder::Legacy, Kernel::R13_0);
    let gif = t.steps.iter().find(|s| s.function == "vnet_gif_uninit").expect("gif step");
    assert_eq!(gif.subsystem.as_deref(), Some("SI_SUB_PROTO_IFATTACHDOMAIN"));
    assert!(gif.text.contains("D32835"), "{}", gif.text);
}

/// vxlan in a vnet jail: 13.x borrows vnet0's cloner and leaks the interface; 14.0 and
/// later refuse the create with EINVAL, as ifconfig words it.
#[test]
fn vxlan_in_a_jail_leaks_on_13_and_is_refused_later() {
    let p = presets().into_iter().find(|p| p.slug == "vxlan-in-jail-on-13").expect("preset");
    let a = across(&parse(p.script).expect("parses"), &[]);
    for k in [Kernel::R13_0, Kernel::R13] {
        let c = a.get(k, StageOrder::Legacy).and_then(|c| c.as_ref().ok()).expect("builds");
        assert_eq!(c.outcome, Outcome::Leak, "{k:?}");
    }
    for k in [Kernel::R14, Kernel::R14_3, Kernel::R15_0, Kernel::Main] {
        let e = a.get(k, StageOrder::Legacy).expect("a cell").as_ref().expect_err("refused");
        assert!(e.contains("SIOCIFCREATE2: Invalid argument"), "{e}");
    }
    assert_eq!(a.first_safe(StageOrder::Legacy), Some(Kernel::R14));
    let t = trace_on(p.script, StageOrder::Legacy, Kernel::R13);
    let leak = t.faults.iter().find(|f| f.kind == FaultKind::Leak).expect("a leak");
    assert_eq!(t.object(leak.object).name, "vxlan0");
    assert!(leak.message.contains("vnet0's vxlan cloner list"), "{}", leak.message);
}

/// D47991: before it, the last reference's teardown ran on taskqueue_thread, and a
/// vlan whose lladdr task was queued there made vlan_clone_destroy wait on itself.
#[test]
fn the_vlan_deadlock_is_stuck_until_d47991() {
    let p =
        presets().into_iter().find(|p| p.slug == "vlan-on-lagg-removal-deadlock").expect("preset");
    let t = trace_on(p.script, StageOrder::Legacy, Kernel::R14);
    assert_eq!(t.outcome, Outcome::Stuck);
    let f = t.faults.last().expect("a fault");
    assert_eq!((f.kind, f.function.as_str()), (FaultKind::Stuck, "taskqueue_drain"));
    assert_eq!(t.object(f.object).name, "vlan5");
    assert!(
        f.message.contains("taskqueue_thread") && f.message.contains("D47991"),
        "{}",
        f.message
    );
    let last = t.steps.last().expect("a step");
    assert!(last.call_path.iter().any(|c| c == "taskqueue_drain"), "{:?}", last.call_path);
    assert!(
        t.steps.iter().any(|s| s.call_path.first().map(String::as_str) == Some("taskqueue_thread"))
    );
    // Fixed by the thread of its own.
    let t = trace_on(p.script, StageOrder::Legacy, Kernel::R14_3);
    assert_eq!(t.outcome, Outcome::Clean);
    assert!(
        t.steps
            .iter()
            .any(|s| s.call_path.first().map(String::as_str) == Some("taskqueue_jail_remove"))
    );
    // No queued task, no deadlock: without the process the teardown runs in jail -r.
    let quiet = p.script.replace("jexec j1 sleep 1000 &\n", "");
    assert_eq!(trace_on(&quiet, StageOrder::Legacy, Kernel::R14).outcome, Outcome::Clean);
    // A vlan on a plain loaned epair: its parent's departure queues nothing.
    let plain = "jail -c name=v vnet persist\nifconfig epair3 create\nifconfig epair3b vnet v\n\
                 jexec v ifconfig vlan7 create vlan 7 vlandev epair3b\njexec v sleep 1 &\njail -r v\n";
    assert_eq!(trace_on(plain, StageOrder::Legacy, Kernel::R14).outcome, Outcome::Clean);
}

/// A kernel without a driver refuses its create, with the release named.
#[test]
fn a_release_without_a_driver_refuses_it() {
    let sc = parse("jail -c name=w vnet persist\njexec w ifconfig wg0 create\njail -r w\n")
        .expect("parses");
    let e = simulate(&sc, &Lane::new(StageOrder::Legacy).on(Kernel::R13_0)).expect_err("refused");
    assert!(e.message.contains("FreeBSD 13.0 has no wg driver"), "{}", e.message);
    assert!(simulate(&sc, &Lane::new(StageOrder::Legacy).on(Kernel::R13)).is_ok());
}

#[test]
fn vnet_trace_releases_prints_text_markdown_and_json() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_vnet-trace")).args(args).output().expect("runs")
    };
    let o = run(&["releases", "--preset", "pre-d32835-gif"]);
    assert_eq!(o.status.code(), Some(1), "a release faults");
    let text = String::from_utf8_lossy(&o.stdout);
    for line in text.lines() {
        assert!(line.chars().count() <= 72, "{line:?}");
    }
    assert!(text.contains("First safe under legacy: from FreeBSD 13.2 to 13.5."), "{text}");
    assert!(text.contains("D32835"), "{text}");
    let md = run(&["releases", "--format", "markdown", "--preset", "pre-d32835-gif"]);
    assert!(String::from_utf8_lossy(&md.stdout).contains("| FreeBSD 13.0 | panic in ip_destroy |"));
    let js = run(&["releases", "--format", "json", "--preset", "pre-d32835-gif"]);
    let v: serde_json::Value = serde_json::from_slice(&js.stdout).expect("json");
    assert_eq!(v["first_safe"]["legacy"], "13.x");
    assert_eq!(v["releases"][0]["cells"][0]["outcome"], "panic");
    // --kernel picks the release; 13.1 and unknown versions are refused with a reason.
    let k =
        run(&["--kernel", "14.2", "--format", "json", "--preset", "vlan-on-lagg-removal-deadlock"]);
    let v: serde_json::Value = serde_json::from_slice(&k.stdout).expect("json");
    assert_eq!((v["kernel"].as_str(), v["outcome"].as_str()), (Some("14.x"), Some("stuck")));
    let bad = run(&["--kernel", "13.1", "--preset", "seed-gif-route-cache"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("13.2"));
}
