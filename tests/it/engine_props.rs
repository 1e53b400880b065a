//! Property tests: random structurally generated scenarios, on every kernel release and
//! under every stage order, never panic the engine, never
//! underflow a count, never free an object twice, agree between simulate and verdict, and
//! a clean outcome leaves nothing alive in a destroyed vnet.
use crate::strategies::built_scenario as scenario;
use proptest::prelude::*;
use std::collections::BTreeSet;
use vnet_playground::engine::*;

static BUILT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static FAULTY: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn check(sc: &Scenario, order: StageOrder, kernel: Kernel) -> Result<(), TestCaseError> {
    let lane = Lane::new(order).on(kernel);
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
        for kernel in Kernel::ALL {
            for order in StageOrder::ALL {
                check(&sc, order, kernel)?;
            }
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
