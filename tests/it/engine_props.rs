//! Property tests: random structurally generated scenarios never panic the engine, never
//! underflow a count, never free an object twice, agree between simulate and verdict, and
//! a clean outcome leaves nothing alive in a destroyed vnet.
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};
use vnet_playground::engine::teardown::registry::{BUILTINS, builtin_slots};
use vnet_playground::engine::*;

const JAILS: &[&str] = &["a", "b", "a.c", "b.d"];
const DRIVERS: &[&str] = &["gif", "gre", "wg", "bridge", "lo", "epair", "vxlan"];

fn ip(n: u8, h: u8) -> IpAddr {
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
                    addr: ip(n, h),
                    len: if p2p { 32 } else { 24 },
                    dst: p2p.then(|| ip(n, h + 100))
                }
            }
        ),
        (0..=JAILS.len(), 0..DRIVERS.len(), 0u8..3, 0u8..4).prop_map(|(j, d, u, n)| {
            Command::Ifconfig {
                jail: jail_opt(j),
                ifname: ifname(d, u),
                op: IfOp::Tunnel { src: ip(n, 1), dst: ip(n, 2) },
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
                    Gateway::Addr(ip(g, 200))
                }
            }
        ),
        (0..JAILS.len())
            .prop_map(|j| Command::Process { jail: JAILS[j].into(), argv: "sleep 100".into() }),
        (0..BUILTINS.len(), 0..12usize).prop_map(|(f, s)| {
            let slots = builtin_slots();
            Command::Sysuninit { func: BUILTINS[f].0.into(), slot: slots[s % slots.len()] }
        }),
    ]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        any::<bool>(),
        prop::collection::vec((any::<bool>(), any::<bool>()), JAILS.len()),
        prop::collection::vec(command(), 0..32),
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
            for c in cmds {
                entries.push(Entry::new(c));
                let sc = Scenario { entries: entries.clone(), tail_comments: Vec::new() };
                if build(&sc).is_err() {
                    entries.pop();
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

static BUILT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static FAULTY: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn check(sc: &Scenario, order: StageOrder) -> Result<(), TestCaseError> {
    let lane = Lane::new(order);
    let t = match simulate(sc, &lane) {
        Ok(t) => {
            BUILT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if t.outcome != Outcome::Clean {
                FAULTY.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            t
        }
        Err(e) => {
            prop_assert!(!e.internal, "engine error: {e}");
            return Ok(());
        }
    };
    prop_assert_eq!(verdict(sc, &lane).map_err(|e| TestCaseError::fail(e.to_string()))?, t.outcome);
    let mut freed = BTreeSet::new();
    for s in &t.steps {
        for e in &s.events {
            if e.kind == EventKind::Freed {
                prop_assert!(freed.insert(e.obj), "{} freed twice", t.object(e.obj).name);
            }
        }
    }
    // view_at agrees with the events, step by step.
    let mut seen = 0;
    for k in 0..=t.steps.len() {
        if k > 0 {
            seen += t.steps[k - 1].events.iter().filter(|e| e.kind == EventKind::Freed).count();
        }
        let v = t.view_at(k);
        prop_assert_eq!(v.objects.values().filter(|o| o.freed).count(), seen);
        for e in v.edges.keys() {
            prop_assert!((e.0 as usize) < t.edges.len());
        }
    }
    if t.outcome == Outcome::Clean {
        let v = t.view_at(t.steps.len());
        let dead_vnets: BTreeSet<ObjId> = v.iter_freed_vnets(&t).collect();
        for (id, st) in &v.objects {
            if !st.freed
                && let Some(vn) = st.vnet
            {
                prop_assert!(
                    !dead_vnets.contains(&vn),
                    "{} alive in a destroyed vnet",
                    t.object(*id).name
                );
            }
        }
        prop_assert!(t.faults.is_empty());
    }
    Ok(())
}

trait FreedVnets {
    fn iter_freed_vnets<'a>(&'a self, t: &'a Trace) -> Box<dyn Iterator<Item = ObjId> + 'a>;
}

impl FreedVnets for View {
    fn iter_freed_vnets<'a>(&'a self, t: &'a Trace) -> Box<dyn Iterator<Item = ObjId> + 'a> {
        Box::new(
            self.objects
                .iter()
                .filter(move |(id, st)| st.freed && t.object(**id).kind == ObjKind::Vnet)
                .map(|(id, _)| *id),
        )
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_scenarios_hold_the_invariants(sc in scenario()) {
        for order in StageOrder::ALL {
            check(&sc, order)?;
        }
        if std::env::var("PROP_STATS").is_ok() {
            eprintln!("built {} non-clean {}", BUILT.load(std::sync::atomic::Ordering::Relaxed), FAULTY.load(std::sync::atomic::Ordering::Relaxed));
        }
    }
}

proptest! {
    /// The sorted-set subset test behind the UI's cycle memo agrees with `BTreeSet`.
    #[test]
    fn edge_subset_agrees_with_sets(
        a in proptest::collection::btree_set(0u32..40, 0..20),
        b in proptest::collection::btree_set(0u32..40, 0..30),
    ) {
        let ids = |s: &BTreeSet<u32>| s.iter().map(|&i| EdgeId(i)).collect::<Vec<_>>();
        let want = a.is_subset(&b);
        prop_assert_eq!(graph::is_edge_subset(&ids(&a), &ids(&b)), want);
        prop_assert!(graph::is_edge_subset(&ids(&a), &ids(&a)));
    }
}
