//! The reducer, one test per `Action`, natively (the reducer is pure).

use std::rc::Rc;
use vnet_playground::engine::input::canvas::Sel;
use vnet_playground::engine::kernel::si::{SI_ORDER_ANY, SI_SUB_PROTO_DOMAIN, Slot};
use vnet_playground::engine::{Driver, IfOp, Outcome, StageOrder};
use vnet_playground::ui::platform::Theme;
use vnet_playground::ui::state::{Action, Go, State};
use yew::Reducible;

fn seed() -> Rc<State> {
    Rc::new(State::initial(Theme::Light))
}

fn empty() -> Rc<State> {
    Rc::new(State::from_script("", None, Theme::Light))
}

fn run(s: Rc<State>, actions: impl IntoIterator<Item = Action>) -> Rc<State> {
    actions.into_iter().fold(s, |s, a| s.reduce(a))
}

fn j1() -> Option<String> {
    Some("j1".into())
}

fn gif0() -> Sel {
    Sel::Iface { loc: j1(), name: "gif0".into() }
}

/// The e2e path: vnet jail, gif, tunnel, route, ROUTE_CACHE.
fn built() -> Rc<State> {
    let tun = IfOp::Tunnel { src: "192.0.2.1".parse().unwrap(), dst: "192.0.2.2".parse().unwrap() };
    run(
        empty(),
        [
            Action::AddJail { parent: None, vnet: true, pos: Some((20, 60)) },
            Action::AddIface { driver: Driver::Gif, loc: j1(), pos: None },
            Action::SetIfaceProp {
                loc: j1(),
                name: "gif0".into(),
                kind: tun.clone(),
                op: Some(tun),
            },
            Action::AddTunnelRoute { tunnel: gif0(), via: "lo0".into() },
            Action::SetRouteCache(true),
        ],
    )
}

#[test]
fn first_visit_is_the_seed_at_step_0() {
    let s = seed();
    assert_eq!(s.preset.as_deref(), Some("seed-gif-route-cache"));
    assert_eq!(s.step, 0);
    assert!(!s.is_empty());
    assert_eq!(s.trace(0).map(|t| t.outcome), Some(Outcome::PageFault));
    assert_eq!(s.trace(1).map(|t| t.outcome), Some(Outcome::Clean));
}

#[test]
fn set_script_valid_and_invalid() {
    let s = seed();
    let good = format!("{}\n", s.script.trim_end());
    let s = s.reduce(Action::SetScript(good));
    assert!(s.script_error.is_none());
    let before = s.scenario.clone();
    let s = s.reduce(Action::SetScript("jail -c name=\n".into()));
    assert!(s.script_error.as_ref().is_some_and(|e| e.line == 1));
    assert_eq!(s.scenario, before, "the last valid scenario stays");
}

#[test]
fn load_preset() {
    let s = empty().reduce(Action::LoadPreset("upstream-gif".into()));
    assert_eq!(s.preset.as_deref(), Some("upstream-gif"));
    assert!(!s.scenario.entries.is_empty());
    let s2 = s.clone().reduce(Action::LoadPreset("no-such".into()));
    assert_eq!(s2.scenario, s.scenario);
}

#[test]
fn add_jail_iface_process_and_tunnel_route_build_the_fault() {
    let s = built();
    assert!(s.summary.jail("j1").is_some());
    assert_eq!(s.summary.routes.len(), 1);
    assert!(s.summary.route_cache());
    assert!(s.script.contains("options ROUTE_CACHE"), "{}", s.script);
    assert_eq!(
        s.trace(0).map(|t| t.outcome),
        Some(Outcome::PageFault),
        "{:?}",
        s.runs[0].as_ref().err()
    );
    assert_eq!(s.trace(1).map(|t| t.outcome), Some(Outcome::Clean));
    let s = s.reduce(Action::AddProcess { jail: "j1".into() });
    assert_eq!(s.summary.jail("j1").map(|j| j.processes), Some(1));
}

#[test]
fn add_iface_into_a_jail_without_vnet_is_refused() {
    let s = run(
        empty(),
        [
            Action::AddJail { parent: None, vnet: false, pos: None },
            Action::AddIface { driver: Driver::Gif, loc: j1(), pos: None },
        ],
    );
    assert!(s.edit_error.as_ref().is_some_and(|e| e.contains("Operation not permitted")));
    let s = s.reduce(Action::DismissError);
    assert!(s.edit_error.is_none());
}

#[test]
fn add_route_and_delete_entry() {
    let s = built();
    let dest = vnet_playground::engine::Prefix { addr: "10.9.0.0".parse().unwrap(), len: 16 };
    let s = s.reduce(Action::AddRoute { loc: j1(), dest, via: "gif0".into() });
    assert_eq!(s.summary.routes.len(), 2);
    let entry = s.summary.routes[1].entry;
    let s = s.reduce(Action::DeleteEntry(entry));
    assert_eq!(s.summary.routes.len(), 1);
}

#[test]
fn move_to_is_a_layout_hint_only() {
    let s = built();
    let runs = s.runs.clone();
    let s = s.reduce(Action::MoveTo { sel: gif0(), pos: (100, 90) });
    assert!(Rc::ptr_eq(&runs, &s.runs), "no re-simulation for a move");
    assert_eq!(
        s.summary.iface(&j1(), "gif0").and_then(|f| f.pos),
        Some((100, 90)),
        "the canvas sees the move"
    );
}

#[test]
fn reparent_loans_an_epair_and_nests_a_jail() {
    let s = run(
        empty(),
        [
            Action::AddJail { parent: None, vnet: true, pos: None },
            Action::AddJail { parent: None, vnet: true, pos: None },
            Action::AddIface { driver: Driver::Epair, loc: None, pos: None },
            Action::Reparent { sel: Sel::Iface { loc: None, name: "epair0b".into() }, to: j1() },
        ],
    );
    assert!(s.summary.iface(&j1(), "epair0b").is_some());
    assert!(s.script.contains("ifconfig epair0b vnet j1"), "{}", s.script);
    let s = s.reduce(Action::Reparent { sel: Sel::Jail("j2".into()), to: j1() });
    assert!(s.summary.jail("j1.j2").is_some());
    assert!(!s.script.contains("jail -r j1.j2"));
    let s = s.reduce(Action::Reparent { sel: Sel::Jail("j1".into()), to: Some("j1.j2".into()) });
    assert!(s.edit_error.is_some());
}

#[test]
fn rename_and_delete() {
    let s = built().reduce(Action::Rename { sel: Sel::Jail("j1".into()), name: "web".into() });
    assert_eq!(s.selection, Some(Sel::Jail("web".into())));
    assert!(s.script.contains("jail -r web"));
    let s = s.reduce(Action::Rename { sel: Sel::Jail("web".into()), name: "bad name".into() });
    assert!(s.edit_error.is_some());
    let s = s.reduce(Action::Delete(Sel::Jail("web".into())));
    assert!(s.summary.jails.is_empty());
    assert!(s.selection.is_none());
}

#[test]
fn set_iface_prop_replaces_in_place() {
    let s = built();
    let n = s.scenario.entries.len();
    let tun = IfOp::Tunnel { src: "192.0.2.1".parse().unwrap(), dst: "192.0.2.9".parse().unwrap() };
    let s = s.reduce(Action::SetIfaceProp {
        loc: j1(),
        name: "gif0".into(),
        kind: tun.clone(),
        op: Some(tun),
    });
    assert_eq!(s.scenario.entries.len(), n);
    assert!(s.script.contains("192.0.2.9"));
}

#[test]
fn set_persist_route_cache_and_sysuninit() {
    let s = built().reduce(Action::SetPersist { jail: "j1".into(), on: false });
    assert_eq!(s.summary.jail("j1").map(|j| j.persist), Some(false));
    let s = s.reduce(Action::SetRouteCache(false));
    assert!(!s.summary.route_cache());
    let slot = Slot::new(SI_SUB_PROTO_DOMAIN, SI_ORDER_ANY);
    let s = s.reduce(Action::SetSysuninit { func: "vnet_gif_uninit".into(), slot: Some(slot) });
    assert!(s.script.contains("sysuninit vnet_gif_uninit"), "{}", s.script);
    let s = s.reduce(Action::SetSysuninit { func: "vnet_gif_uninit".into(), slot: None });
    assert!(!s.script.contains("sysuninit"));
}

#[test]
fn select_lane_order_and_cursor() {
    let s = seed().reduce(Action::Select(Some(Sel::Jail("j1".into()))));
    assert_eq!(s.selection, Some(Sel::Jail("j1".into())));
    let n = s.len();
    let s = s.reduce(Action::Go(Go::Last));
    assert_eq!(s.step, n);
    let s = s.reduce(Action::Go(Go::Next));
    assert_eq!(s.step, n);
    let s = run(s, [Action::Go(Go::Prev), Action::Go(Go::To(2))]);
    assert_eq!(s.step, 2);
    let s = s.reduce(Action::Go(Go::First));
    assert_eq!(s.step, 0);
    let s = s.reduce(Action::SetLaneOrder { lane: 1, order: StageOrder::PrisonCleanup });
    assert_eq!(s.lanes[1].order, StageOrder::PrisonCleanup);
    assert_eq!(s.trace(1).map(|t| t.order), Some(StageOrder::PrisonCleanup));
}

#[test]
fn play_tick_and_speed() {
    let s = seed().reduce(Action::TogglePlay);
    assert!(s.playing);
    let s = s.reduce(Action::Tick);
    assert_eq!(s.step, 1);
    let n = s.len();
    let s = (0..n + 2).fold(s, |s, _| s.reduce(Action::Tick));
    assert_eq!(s.step, n);
    assert!(!s.playing);
    let s = s.reduce(Action::SetSpeed(99));
    assert_eq!(s.speed, 3);
}

#[test]
fn shortcuts_theme_undo_redo() {
    let s = seed().reduce(Action::SetShortcuts(true));
    assert!(s.shortcuts_open);
    let s = s.reduce(Action::SetTheme(Theme::Dark));
    assert_eq!(s.theme, Theme::Dark);
    let before = s.scenario.clone();
    let s = s.reduce(Action::SetRouteCache(false));
    assert_ne!(s.scenario, before);
    let s = s.reduce(Action::Undo);
    assert_eq!(s.scenario, before);
    let s = s.reduce(Action::Redo);
    assert!(!s.summary.route_cache());
}

/// The explorer opens a cell in lane B: lane A's order plus the extra re-registration
/// (decisions §24). On the seed under legacy, gif at PROTO_DOMAIN/SECOND is clean.
#[test]
fn set_lane_opens_an_explorer_cell_in_lane_b() {
    use vnet_playground::engine::Lane;
    use vnet_playground::engine::kernel::si::SI_ORDER_SECOND;
    let s = seed().reduce(Action::SetLaneOrder { lane: 1, order: StageOrder::Legacy });
    assert_eq!(s.trace(1).unwrap().outcome, Outcome::PageFault);
    let spec =
        s.lanes[0].with_extra("vnet_gif_uninit", Slot::new(SI_SUB_PROTO_DOMAIN, SI_ORDER_SECOND));
    let b = s.clone().reduce(Action::SetLane { lane: 1, spec: spec.clone() });
    assert_eq!(b.lanes[1], spec);
    assert_eq!(b.lanes[0], s.lanes[0], "lane A untouched");
    assert_eq!(b.trace(1).unwrap().outcome, Outcome::Clean);
    assert_eq!(b.trace(0).unwrap().outcome, Outcome::PageFault);
    assert_eq!(b.scenario, s.scenario, "a lane is not a scenario edit");
    // Lane changes are undoable, like SetLaneOrder (issue 5: undo covers every edit).
    assert_eq!(b.undo.len(), s.undo.len() + 1);
    // The same lane again changes nothing; an unknown lane index is ignored.
    let again = b.clone().reduce(Action::SetLane { lane: 1, spec });
    assert!(Rc::ptr_eq(&again.runs, &b.runs));
    let none = b.clone().reduce(Action::SetLane { lane: 7, spec: Lane::new(StageOrder::Legacy) });
    assert_eq!(none.lanes, b.lanes);
}

/// The inspector's noreap what-if toggles one `noreap J` line, the canvas shows it, and the
/// lanes then end stuck (the zombie's cred keeps the jail); undo takes it back.
#[test]
fn the_noreap_toggle_adds_and_removes_its_line() {
    use vnet_playground::engine::input::script::print;
    let s = run(
        Rc::new(State::from_script(
            "jail -c name=w vnet persist\njexec w sleep 9 &\njail -r w\n",
            None,
            Theme::Light,
        )),
        [Action::SetNoReap { jail: "w".into(), on: true }],
    );
    assert!(print(&s.scenario).contains("noreap w\njail -r w"), "{}", print(&s.scenario));
    assert!(s.summary.jail("w").is_some_and(|j| j.noreap));
    for r in s.runs.iter() {
        assert_eq!(r.as_ref().map(|t| t.outcome).ok(), Some(Outcome::Stuck));
    }
    let off = run(s.clone(), [Action::SetNoReap { jail: "w".into(), on: false }]);
    assert!(!print(&off.scenario).contains("noreap"));
    let undone = run(s, [Action::Undo]);
    assert!(!print(&undone.scenario).contains("noreap"));
}

/// Play folds the builder away so the teardown gets the room; folding is not an edit
/// (nothing to undo) and the strip brings the builder back.
#[test]
fn play_folds_the_builder_and_unfolding_brings_it_back() {
    let s = seed();
    assert!(!s.builder_folded);
    let playing = run(s.clone(), [Action::TogglePlay]);
    assert!(playing.playing && playing.builder_folded);
    assert_eq!(playing.undo.len(), s.undo.len(), "folding is not an edit");
    let back = run(playing, [Action::SetBuilderFolded(false)]);
    assert!(!back.builder_folded);
    // Stepping by hand does not fold it.
    let stepped = run(seed(), [Action::Go(Go::Next), Action::Go(Go::Next)]);
    assert!(!stepped.builder_folded);
}

#[test]
fn the_start_draws_its_graphs_a_frame_at_a_time() {
    use vnet_playground::ui::state::LANES;
    let full = seed();
    assert_eq!(full.graphs_drawn, LANES);
    // The first frame: the same traces, no layout yet.
    let first = Rc::new(State::starting(None, Theme::Light));
    assert_eq!(first.graphs_drawn, 0);
    assert!(first.graph.layout.pos.is_empty());
    assert_eq!(first.len(), full.len());
    assert_eq!(first.link_state(), full.link_state());
    // Each DrawMore adds one lane's graph; the first brings the layout of both lanes.
    let one = first.clone().reduce(Action::DrawMore);
    assert_eq!(one.graphs_drawn, 1);
    assert_eq!(*one.graph, *full.graph);
    let two = one.reduce(Action::DrawMore);
    assert_eq!(two.graphs_drawn, LANES);
    // Then it changes nothing.
    let again = two.clone().reduce(Action::DrawMore);
    assert!(Rc::ptr_eq(&again, &two));
    // A link's state, at its step, the same way.
    let mut link = built().link_state();
    link.step = 5;
    let opened = Rc::new(State::starting(Some(&link), Theme::Light));
    assert_eq!(opened.link_state(), link);
    assert_eq!(opened.graphs_drawn, 0);
    let drawn = run(opened, [Action::DrawMore, Action::DrawMore]);
    assert_eq!(*drawn.graph, *State::from_link(&link, Theme::Light).graph);
    // An edit before the first graph: the layout still comes with DrawMore, of the new traces.
    let edited = run(first, [Action::LoadPreset("upstream-gif".into())]);
    assert!(edited.graph.layout.pos.is_empty());
    let edited = edited.reduce(Action::DrawMore);
    assert_eq!(*edited.graph, *run(seed(), [Action::LoadPreset("upstream-gif".into())]).graph);
}

/// A lane's kernel is an edit: it re-simulates and undoes; a preset opens on its release
/// and an import on the host's, each undone in one step with the lanes before it.
#[test]
fn kernels_per_lane_presets_and_imports() {
    use vnet_playground::engine::Kernel;
    let s = seed();
    assert_eq!(s.trace(0).map(|t| t.outcome), Some(Outcome::PageFault));
    let s = s.reduce(Action::SetLaneKernel { lane: 0, kernel: Kernel::R13_0 });
    assert_eq!(s.lanes[0].kernel, Kernel::R13_0);
    assert_eq!(s.trace(0).map(|t| t.outcome), Some(Outcome::Panic));
    assert_eq!(s.lanes[1].kernel, Kernel::Main);
    let s = s.reduce(Action::Undo);
    assert_eq!(s.lanes[0].kernel, Kernel::Main);
    let s = s.reduce(Action::LoadPreset("vlan-on-lagg-removal-deadlock".into()));
    assert!(s.lanes.iter().all(|l| l.kernel == Kernel::R14));
    assert_eq!(s.trace(0).map(|t| t.outcome), Some(Outcome::Stuck));
    let s = s.reduce(Action::Undo);
    assert!(s.lanes.iter().all(|l| l.kernel == Kernel::Main));
    assert_eq!(s.trace(0).map(|t| t.outcome), Some(Outcome::PageFault));
    let sc = (*s.scenario).clone();
    let s = s.reduce(Action::LoadScenario(sc, Some(Kernel::R13)));
    assert!(s.lanes.iter().all(|l| l.kernel == Kernel::R13));
    let s = s.reduce(Action::Undo);
    assert!(s.lanes.iter().all(|l| l.kernel == Kernel::Main));
}
