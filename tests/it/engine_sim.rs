//! The engine's headline facts: the seed's fault, verdict/simulate agreement, build
//! errors, the summary and the dependency cycles.

use vnet_playground::engine::input::script::parse;
use vnet_playground::engine::kernel::si::*;
use vnet_playground::engine::presets::{SEED, presets};
use vnet_playground::engine::*;

fn seed() -> Scenario {
    parse(SEED).expect("seed parses")
}

#[test]
fn seed_legacy_page_faults_in_rib_unsubscribe_from_gif_uninit() {
    let t = simulate(&seed(), &Lane::new(StageOrder::Legacy)).expect("builds");
    assert_eq!(t.outcome, Outcome::PageFault);
    let f = &t.faults[0];
    assert_eq!(f.kind, FaultKind::UseAfterFree);
    assert_eq!(f.function, "rib_unsubscribe");
    assert_eq!(t.object(f.object).kind, ObjKind::Subscription);
    let fb = f.freed_by.as_ref().expect("freed_by");
    assert_eq!(fb.call_path, ["rtables_destroy", "rt_table_destroy", "rib_destroy_subscriptions"]);
    assert_eq!(t.steps[fb.step - 1].function, "rtables_destroy");
    let last = t.steps.last().expect("steps");
    assert_eq!(last.function, "vnet_gif_uninit");
    assert_eq!(last.call_path.last().map(String::as_str), Some("rib_unsubscribe"));
    assert_eq!(f.step, last.index);
    assert!(f.message.starts_with(
        "page fault in rib_unsubscribe: gif0's rib subscription (rib inet/fib0) was freed at step"
    ));
    assert!(f.message.ends_with("by rtables_destroy"));
}

#[test]
fn seed_is_clean_under_both_proposals_with_nothing_leaked() {
    for order in [StageOrder::VnetShutdown, StageOrder::PrisonCleanup] {
        let t = simulate(&seed(), &Lane::new(order)).expect("builds");
        assert_eq!(t.outcome, Outcome::Clean, "{}", order.slug());
        assert!(t.faults.is_empty());
        let view = t.view_at(t.steps.len());
        for (id, st) in &view.objects {
            if !st.freed {
                assert!(
                    t.survivors.contains(id),
                    "{} alive but not a survivor",
                    t.object(*id).name
                );
            }
        }
        let epair0b = t.find("host/epair0b").expect("epair0b");
        assert!(t.survivors.contains(&epair0b));
    }
}

#[test]
fn verdict_agrees_with_simulate_on_every_preset_and_lane() {
    for p in presets() {
        let sc = parse(p.script).expect("parses");
        for order in StageOrder::ALL {
            let lane = Lane::new(order).on(p.kernel);
            let full = simulate(&sc, &lane).expect("builds").outcome;
            assert_eq!(verdict(&sc, &lane).expect("builds"), full, "{} {}", p.slug, order.slug());
        }
    }
}

#[test]
fn the_seed_has_the_cycle_from_the_mail() {
    let t = simulate(&seed(), &Lane::new(StageOrder::Legacy)).expect("builds");
    let g = graph_at(&t, 0);
    let cycles = g.cycles();
    let gif0 = t.find("j1/gif0").expect("gif0");
    let c = cycles.iter().find(|c| c.objects.contains(&gif0)).expect("a cycle through gif0");
    assert!(c.sentence.contains("gif0"), "{}", c.sentence);
    assert!(c.sentence.contains("rib inet/fib0"), "{}", c.sentence);
    assert!(c.sentence.contains("nh_ifp") || c.sentence.contains("nh_aifp"), "{}", c.sentence);
    // After rtables_destroy the rib is gone and so is the cycle through it.
    let rt = t.steps.iter().find(|s| s.function == "rtables_destroy").expect("step").index;
    assert!(graph_at(&t, rt).cycles().iter().all(|c| !c.objects.contains(&gif0)));
}

#[test]
fn build_errors_read_like_the_tools() {
    let err = |s: &str| build(&parse(s).expect("parses")).expect_err("fails");
    let mut sc = parse("jail -c name=j1 persist\n").expect("parses");
    sc.entries.push(Entry::new(Command::Ifconfig {
        jail: Some("j1".into()),
        ifname: "gif0".into(),
        op: IfOp::Create { vxlan: None },
    }));
    let e = build(&sc).expect_err("fails");
    assert_eq!(
        (e.entry, e.message.as_str()),
        (1, "ifconfig: SIOCIFCREATE2: Operation not permitted")
    );
    let e = err("jail -c name=j1 vnet persist\njexec j1 ifconfig vxlan0 create\n");
    assert!(e.message.starts_with("ifconfig: SIOCIFCREATE2: Invalid argument"), "{}", e.message);
    assert!(e.message.contains("leak"));
    let e = err("jail -c name=j1 vnet persist\njexec j2 ifconfig gif0 create\n");
    assert!(e.message.contains("\"j2\" not found"), "{}", e.message);
    let e = err("jail -c name=j1 vnet persist\nifconfig gif0 create\nifconfig gif0 vnet j9\n");
    assert_eq!(e.entry, 2);
    let e = err("jail -c name=j1 persist\nifconfig gif0 create\nifconfig gif0 vnet j1\n");
    assert!(e.message.contains("SIOCSIFVNET"), "{}", e.message);
    let e = err("jail -c name=a.b vnet persist\n");
    assert!(e.message.contains("\"a\" not found"), "{}", e.message);
    let e = err(
        "jail -c name=j1 vnet persist\njexec j1 ifconfig gif0 create\njexec j1 ifconfig gif0 create\n",
    );
    assert!(e.message.contains("File exists"), "{}", e.message);
    let e = err("sysuninit vnet_nope_uninit SI_SUB_PSEUDO SI_ORDER_ANY\n");
    assert!(e.message.contains("vnet_nope_uninit"), "{}", e.message);
    let e = err(
        "jail -c name=j1 vnet persist\njexec j1 ifconfig lo1 create\njexec j1 route add -net 10.0.0.0/8 192.0.2.1\n",
    );
    assert!(e.message.contains("Network is unreachable"), "{}", e.message);
}

#[test]
fn epair_create_picks_the_next_free_unit_and_summary_shows_it() {
    let w = build(&parse("ifconfig epair create\nifconfig epair create\nifconfig epair0a destroy\nifconfig epair create\n").expect("parses"))
        .expect("builds");
    let s = summarize(&w);
    let names: Vec<&str> = s.interfaces.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["lo0", "epair1a", "epair1b", "epair0a", "epair0b"]);
    let w = build(&seed()).expect("builds");
    let s = summarize(&w);
    let gif = s.interfaces.iter().find(|i| i.name == "gif0").expect("gif0");
    assert!(gif.route_cache);
    assert_eq!(gif.current.as_deref(), Some("j1"));
    let e = s.interfaces.iter().find(|i| i.name == "epair0b").expect("epair0b");
    assert_eq!((e.home.as_deref(), e.current.as_deref()), (None, Some("j1")));
    assert!(s.routes.iter().any(|r| r.dest == "10.1.0.0/16" && r.jail.as_deref() == Some("j1")));
}

#[test]
fn nested_child_vnet_goes_first() {
    let p = presets().into_iter().find(|p| p.slug == "nested-vnet-jails").expect("preset");
    let t = simulate(&parse(p.script).expect("parses"), &Lane::new(StageOrder::Legacy))
        .expect("builds");
    let destroys: Vec<String> = t
        .steps
        .iter()
        .filter(|s| s.function == "vnet_destroy" && s.call_path.iter().any(|f| f == "prison_deref"))
        .map(|s| t.object(s.vnet.expect("vnet")).name.clone())
        .collect();
    assert_eq!(destroys, ["vnet p.c", "vnet p"]);
}

#[test]
fn explorer_slots_for_gif_match_decisions_30() {
    let sc = seed();
    let lane = |slot: Slot| Lane {
        kernel: Kernel::Main,
        order: StageOrder::Legacy,
        extra: vec![("vnet_gif_uninit".into(), slot)],
    };
    let v = |sub, ord| verdict(&sc, &lane(Slot::new(sub, ord))).expect("builds");
    assert_eq!(v(SI_SUB_VNET_DONE, SI_ORDER_ANY), Outcome::Clean);
    assert_eq!(v(SI_SUB_PROTO_DOMAIN, SI_ORDER_SECOND), Outcome::Clean);
    assert_eq!(v(SI_SUB_PROTO_DOMAIN, SI_ORDER_FIRST), Outcome::Clean);
    assert_eq!(v(SI_SUB_PROTO_DOMAIN, SI_ORDER_THIRD), Outcome::Panic);
    assert_eq!(v(SI_SUB_PROTO_DOMAIN, SI_ORDER_FOURTH), Outcome::Panic);
    assert_eq!(v(SI_SUB_PROTO_FIREWALL, SI_ORDER_THIRD), Outcome::Panic);
    assert_eq!(v(SI_SUB_PROTO_IFATTACHDOMAIN, SI_ORDER_ANY), Outcome::Panic);
    assert_eq!(v(SI_SUB_PROTO_IF, SI_ORDER_ANY), Outcome::PageFault);
    assert_eq!(v(SI_SUB_INIT_IF, SI_ORDER_FIRST), Outcome::PageFault);
}

/// The benchmarks' scale scenario is the seed's mechanism many times over: legacy faults
/// in the first jail's gif destructor, the proposal is clean (decisions §30, network.md §5.3).
#[test]
fn the_scale_scenario_behaves_like_the_seed() {
    let sc = vnet_playground::engine::input::script::parse(
        &vnet_playground::engine::presets::scale_script(3),
    )
    .expect("parses");
    let legacy = simulate(&sc, &Lane::new(StageOrder::Legacy)).expect("builds");
    assert_eq!(legacy.outcome, Outcome::PageFault);
    assert_eq!(legacy.faults[0].function, "rib_unsubscribe");
    let shutdown = simulate(&sc, &Lane::new(StageOrder::VnetShutdown)).expect("builds");
    assert_eq!(shutdown.outcome, Outcome::Clean);
    assert!(shutdown.objects.len() > 3 * 15);
}

/// The UI's incremental cycle search (`graph::cycles_since`) gives exactly the full
/// search's cycles at every step of every preset and of a scaled scenario, in every order.
#[test]
fn incremental_cycles_equal_the_full_search() {
    use vnet_playground::engine::trace::graph::{cycles_since, graph_edges, graph_of};
    let mut scripts: Vec<String> = presets().iter().map(|p| p.script.to_string()).collect();
    scripts.push(vnet_playground::engine::presets::scale_script(6));
    let (mut derived, mut inside) = (0, 0);
    for script in &scripts {
        let sc = parse(script).expect("parses");
        for order in StageOrder::ALL {
            let Ok(t) = simulate(&sc, &Lane { kernel: Kernel::Main, order, extra: Vec::new() })
            else {
                continue;
            };
            let mut before: Option<(Vec<EdgeId>, Vec<Cycle>)> = None;
            for step in 0..=t.steps.len() {
                let view = t.view_at(step);
                let key = graph_edges(&t, &view);
                let full = graph_of(&t, &view).cycles();
                if let Some((k, c)) = &before
                    && let Some(inc) = cycles_since(&t, &view, &key, k, c)
                {
                    assert_eq!(inc, full, "step {step} of {order:?}");
                    derived += 1;
                    inside += usize::from(!c.is_empty());
                }
                before = Some((key, full));
            }
        }
    }
    assert!(derived > 100, "the incremental path was taken {derived} times");
    assert!(inside > 10, "searches inside earlier cycles: {inside}");
}
