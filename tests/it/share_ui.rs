//! Issue 5, natively: the reducer's new actions (links, link errors, embed guard), undo
//! coverage of every edit, the persistence decisions (autosave, own fragment, snapshots,
//! bad links) and the share/export text builders.

use std::rc::Rc;
use vnet_playground::engine::StageOrder;
use vnet_playground::engine::input::canvas::Sel;
use vnet_playground::engine::kernel::si::{SI_ORDER_ANY, SI_SUB_PROTO_DOMAIN, Slot};
use vnet_playground::share::link::{self, LinkState};
use vnet_playground::ui::export;
use vnet_playground::ui::persist::{self, Opened, Snapshot};
use vnet_playground::ui::platform::Theme;
use vnet_playground::ui::share;
use vnet_playground::ui::state::{Action, Go, State, UNDO_DEPTH};
use yew::Reducible;

fn seed() -> Rc<State> {
    Rc::new(State::initial(Theme::Light))
}

fn run(s: Rc<State>, actions: impl IntoIterator<Item = Action>) -> Rc<State> {
    actions.into_iter().fold(s, |s, a| s.reduce(a))
}

fn upstream() -> LinkState {
    let s = run(seed(), [Action::LoadPreset("upstream-gif".into())]);
    s.link_state()
}

#[test]
fn link_state_round_trips_through_the_reducer() {
    let s = run(
        seed(),
        [Action::SetLaneOrder { lane: 1, order: StageOrder::PrisonCleanup }, Action::Go(Go::To(3))],
    );
    let l = s.link_state();
    assert_eq!(l.step, 3);
    assert_eq!(l.lanes[1].order, StageOrder::PrisonCleanup);
    let back = State::from_link(&link::decode(&link::encode(&l)).unwrap(), Theme::Light);
    assert_eq!(back.scenario, s.scenario);
    assert_eq!(back.lanes, s.lanes);
    assert_eq!(back.step, 3);
    assert_eq!(back.script, s.script);
    assert!(back.undo.is_empty());
    assert_eq!(back.preset.as_deref(), Some("seed-gif-route-cache"));
}

#[test]
fn load_link_is_one_undoable_edit_and_sets_step_and_embed() {
    let s = seed();
    let mut l = upstream();
    l.step = 2;
    let t = s.clone().reduce(Action::LoadLink(Box::new(l.clone())));
    assert_eq!(t.scenario, l.scenario);
    assert_eq!(t.step, 2);
    assert_eq!(t.undo.len(), 1);
    let u = t.reduce(Action::Undo);
    assert_eq!(u.scenario, s.scenario);
    // A step past the end is clamped.
    l.step = 10_000;
    let t = s.reduce(Action::LoadLink(Box::new(l)));
    assert_eq!(t.step, t.len());
}

#[test]
fn embed_mode_refuses_edits_but_plays() {
    let mut l = seed().link_state();
    l.embed = true;
    let s = Rc::new(State::from_link(&l, Theme::Light));
    assert!(s.embed);
    let before = s.scenario.clone();
    let s = run(
        s,
        [
            Action::SetRouteCache(false),
            Action::SetScript(String::new()),
            Action::SetLaneOrder { lane: 0, order: StageOrder::PrisonCleanup },
            Action::Undo,
            Action::Go(Go::Next),
        ],
    );
    assert_eq!(s.scenario, before);
    assert_eq!(s.lanes[0].order, StageOrder::Legacy);
    assert_eq!(s.step, 1);
}

#[test]
fn link_errors_show_and_dismiss_without_touching_the_work() {
    let s = seed();
    let t = s.clone().reduce(Action::SetLinkError(Some("bad".into())));
    assert_eq!(t.link_error.as_deref(), Some("bad"));
    assert_eq!(t.scenario, s.scenario);
    assert!(t.undo.is_empty());
    let t = t.reduce(Action::SetLinkError(None));
    assert!(t.link_error.is_none());
}

#[test]
fn undo_covers_lanes_and_moves_but_not_steps() {
    let s = seed();
    let s = run(s, [Action::Go(Go::Next), Action::TogglePlay, Action::Tick, Action::Go(Go::Last)]);
    assert!(s.undo.is_empty(), "stepping is not an edit");
    let s = s.reduce(Action::SetLaneOrder { lane: 0, order: StageOrder::PrisonCleanup });
    assert_eq!(s.undo.len(), 1);
    let gif0 = Sel::Iface { loc: Some("j1".into()), name: "gif0".into() };
    let s = s.reduce(Action::MoveTo { sel: gif0.clone(), pos: (40, 50) });
    assert_eq!(s.undo.len(), 2);
    let moved = s.scenario.clone();
    let s = s.reduce(Action::Undo);
    assert_ne!(s.scenario, moved);
    let s = s.reduce(Action::Undo);
    assert_eq!(s.lanes[0].order, StageOrder::Legacy);
    let s = run(s, [Action::Redo, Action::Redo]);
    assert_eq!(s.lanes[0].order, StageOrder::PrisonCleanup);
    assert_eq!(s.scenario, moved);
}

#[test]
fn undo_is_at_least_100_deep() {
    let mut s = seed();
    let base = s.script.clone();
    for k in 0..(UNDO_DEPTH + 5) {
        s = s.reduce(Action::SetScript(format!("# edit {k}\n{base}")));
    }
    assert_eq!(s.undo.len(), UNDO_DEPTH);
    for _ in 0..UNDO_DEPTH {
        s = s.reduce(Action::Undo);
    }
    assert!(s.script.contains("# edit 4"), "{}", s.script);
    assert_eq!(s.redo.len(), UNDO_DEPTH);
}

#[test]
fn is_edit_classifies_actions() {
    assert!(Action::SetRouteCache(true).is_edit());
    assert!(Action::Undo.is_edit());
    assert!(!Action::Go(Go::Next).is_edit());
    assert!(!Action::Tick.is_edit());
    assert!(!Action::TogglePlay.is_edit());
    assert!(!Action::Select(None).is_edit());
    assert!(!Action::SetLinkError(None).is_edit());
}

#[test]
fn open_link_keeps_differing_work_as_a_snapshot() {
    let mine = seed().link_state();
    let theirs = upstream();
    let f = link::encode(&theirs);
    match persist::open_link(&format!("#{f}"), Some(&mine), None) {
        Opened::Link { link, keep } => {
            assert_eq!(*link, theirs);
            assert_eq!(keep.as_deref(), Some(&mine));
        }
        other => panic!("{other:?}"),
    }
    // The same work at another step: opened, nothing to keep.
    let mut later = mine.clone();
    later.step = 4;
    match persist::open_link(&link::encode(&later), Some(&mine), None) {
        Opened::Link { keep, .. } => assert!(keep.is_none()),
        other => panic!("{other:?}"),
    }
    // An embed link never snapshots (it does not replace the stored work).
    let mut emb = theirs.clone();
    emb.embed = true;
    match persist::open_link(&link::encode(&emb), Some(&mine), None) {
        Opened::Link { keep, .. } => assert!(keep.is_none()),
        other => panic!("{other:?}"),
    }
    // The app's own fragment, or the work itself, or nothing: nothing to do.
    assert_eq!(persist::open_link(&f, Some(&mine), Some(&f)), Opened::Nothing);
    assert_eq!(persist::open_link(&link::encode(&mine), Some(&mine), None), Opened::Nothing);
    assert_eq!(persist::open_link("", Some(&mine), None), Opened::Nothing);
}

#[test]
fn bad_links_explain_and_say_the_work_is_safe() {
    let mine = seed().link_state();
    let f = link::encode(&mine);
    let cut = &f[..f.len() - 20];
    let qp = format!("{}=3D{}", &f[..30], &f[30..]);
    for (bad, want) in [
        (cut.to_string(), "cut short"),
        (qp, "quoted-printable"),
        (format!("v3.{}", &f[3..]), "newer version"),
        ("v1.!!!".to_string(), "character"),
    ] {
        match persist::open_link(&bad, Some(&mine), None) {
            Opened::Bad(msg) => {
                assert!(msg.contains(want), "{bad}: {msg}");
                assert!(msg.contains("Your work was not changed"), "{msg}");
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
}

#[test]
fn startup_prefers_autosave_over_the_apps_own_stale_fragment() {
    let mut work = upstream();
    work.step = 3;
    let stored = link::encode(&work);
    let stale = link::encode(&seed().link_state());
    let mut snaps = Vec::new();
    let s = persist::startup(Theme::Light, Some(&stored), Some(&stale), &stale, &mut snaps);
    assert_eq!(s.link_state(), work);
    assert!(snaps.is_empty());
    // A foreign link wins, and the work is kept.
    let s = persist::startup(Theme::Light, Some(&stored), None, &stale, &mut snaps);
    assert_eq!(s.scenario, seed().scenario);
    assert_eq!(snaps.len(), 1);
    assert_eq!(snaps[0].name, format!("{}, 1", persist::BEFORE_LINK));
    // A bad link: the autosave, and the explanation.
    let s = persist::startup(Theme::Light, Some(&stored), None, "v1.AAAA", &mut snaps);
    assert_eq!(s.link_state(), work);
    assert!(s.link_error.is_some());
    // Nothing stored, nothing in the address bar: the seed.
    let s = persist::startup(Theme::Light, None, None, "", &mut Vec::new());
    assert_eq!(s.preset.as_deref(), Some("seed-gif-route-cache"));
}

#[test]
fn snapshots_round_trip_dedupe_number_and_cap() {
    let mut list: Vec<Snapshot> = Vec::new();
    let a = seed().link_state();
    let b = upstream();
    assert!(persist::keep_snapshot(&mut list, persist::BEFORE_LINK, &a));
    assert!(!persist::keep_snapshot(&mut list, persist::BEFORE_LINK, &a), "same work kept once");
    assert!(persist::keep_snapshot(&mut list, persist::BEFORE_SNAPSHOT, &b));
    assert_eq!(list[1].name, format!("{}, 2", persist::BEFORE_SNAPSHOT));
    let stored = persist::format_snapshots(&list);
    assert_eq!(persist::parse_snapshots(&stored), list);
    assert_eq!(persist::parse_snapshots("garbage\nno tab here\nx\tnot-a-link\n"), vec![]);
    for k in 0..(persist::MAX_SNAPSHOTS + 3) {
        let mut s = a.clone();
        s.lanes[0].extra.push((format!("f{k}"), Slot::new(SI_SUB_PROTO_DOMAIN, SI_ORDER_ANY)));
        persist::keep_snapshot(&mut list, persist::BEFORE_LINK, &s);
    }
    assert_eq!(list.len(), persist::MAX_SNAPSHOTS);
}

#[test]
fn share_texts() {
    let s = run(seed(), [Action::Go(Go::To(5))]);
    let l = s.link_state();
    let base = "https://example.org/p/";
    let at = share::share_url(base, &l, true, false);
    let zero = share::share_url(base, &l, false, false);
    assert_eq!(link::decode(&at).unwrap().step, 5);
    assert_eq!(link::decode(&zero).unwrap().step, 0);
    let emb = share::share_url(base, &l, true, true);
    assert!(link::decode(&emb).unwrap().embed);
    assert!(share::embed_snippet(&emb).starts_with(&format!("<iframe src=\"{emb}\"")));
    let traces = [s.trace(0), s.trace(1)];
    let a = vnet_playground::engine::explore::releases::across(&s.scenario, &[]);
    let table = vnet_playground::engine::explore::releases::table_text(&a);
    let mail = share::mail_text(&at, &s.script, traces, Some(&table));
    assert!(mail.contains("Across releases") && mail.contains("13.0    panic"), "{mail}");
    let mut lines = mail.lines();
    assert_eq!(lines.next(), Some(format!("<{at}>").as_str()));
    assert!(mail.contains(s.script.trim_end()));
    let trace_part = &mail[mail.find("\nLane A:").unwrap()..];
    assert!(trace_part.lines().all(|l| l.chars().count() <= 72));
    assert!(trace_part.contains("\nLane B:\n"));
}

#[test]
fn export_texts() {
    let s = seed();
    let traces = [s.trace(0), s.trace(1)];
    let text = export::traces_text(traces);
    assert!(text.starts_with("Lane A\n"));
    assert!(text.lines().all(|l| l.chars().count() <= 72));
    assert!(export::traces_markdown(traces).contains("| # | stage |"));
    let json: serde_json::Value = serde_json::from_str(&export::traces_json(traces)).unwrap();
    assert_eq!(json["lanes"].as_array().unwrap().len(), 2);
    assert_eq!(json["lanes"][0]["outcome"], "page_fault");
    assert_eq!(
        export::file_stem(Some("seed-gif-route-cache"), 3),
        "vnet-seed-gif-route-cache-step3"
    );
}

/// The README's table: every preset's link length (fragment after `#`). Run with
/// `cargo test --test it -- --nocapture preset_link_lengths`.
#[test]
fn preset_link_lengths() {
    let mut table = String::from("| preset | link length (characters after `#`) |\n|---|---:|\n");
    for p in vnet_playground::engine::gallery() {
        let s = run(seed(), [Action::LoadPreset(p.slug.to_string())]);
        let f = link::encode(&s.link_state());
        table.push_str(&format!("| `{}` | {} |\n", p.slug, f.len()));
        if p.slug == "seed-gif-route-cache" {
            assert!(f.len() <= 150, "seed link is {} characters", f.len());
        }
    }
    println!("{table}");
}
