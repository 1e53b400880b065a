//! SSR snapshot tests of the main components (native; no browser). Snapshots live in
//! tests/snapshots/; a missing one is written (but fails under CI), UPDATE_SNAPSHOTS=1
//! rewrites them, and any other difference fails.

use crate::common;
use std::rc::Rc;
use vnet_playground::engine::input::canvas::Sel;
use vnet_playground::ui::canvas::{Builder, BuilderProps};
use vnet_playground::ui::inspector::{Inspector, InspectorProps};
use vnet_playground::ui::platform::Theme;
use vnet_playground::ui::player::{Player, PlayerProps};
use vnet_playground::ui::state::{Action, Go, State};
use vnet_playground::ui::{App, Presets, PresetsProps, ScriptEditor, ScriptProps};
use yew::{Callback, LocalServerRenderer, Reducible};

fn check(name: &str, html: String) {
    let path = format!("{}/tests/snapshots/{name}.html", env!("CARGO_MANIFEST_DIR"));
    // One element per line keeps diffs readable.
    let pretty = html.replace("><", ">\n<");
    if let Err(e) = common::snapshot(std::path::Path::new(&path), &pretty) {
        panic!("snapshot {name}: {e}:\n{pretty}");
    }
}

fn seed() -> Rc<State> {
    Rc::new(State::initial(Theme::Light))
}

#[tokio::test]
async fn app_first_visit() {
    let html = LocalServerRenderer::<App>::new().hydratable(false).render().await;
    assert!(html.contains("data-testid=\"step-counter\""));
    assert!(html.contains("preset-seed-gif-route-cache"));
    check("app", html);
}

#[tokio::test]
async fn builder_with_the_seed() {
    let s = seed()
        .reduce(Action::Select(Some(Sel::Iface { loc: Some("j1".into()), name: "gif0".into() })));
    let props = BuilderProps {
        summary: s.summary.clone(),
        selection: s.selection.clone(),
        edit_error: None,
        dispatch: Callback::noop(),
    };
    let html = LocalServerRenderer::<Builder>::with_props(props).hydratable(false).render().await;
    for id in [
        "palette-jail",
        "palette-jail-novnet",
        "palette-gif",
        "palette-route",
        "palette-process",
        "route-cache-toggle",
        "obj-j1",
        "obj-j1/gif0",
        "obj-host/epair0a",
        "obj-j1/epair0b",
    ] {
        assert!(html.contains(&format!("data-testid=\"{id}\"")), "missing {id}");
    }
    check("builder", html);
}

#[tokio::test]
async fn inspector_of_a_tunnel() {
    let s = seed();
    let props = InspectorProps {
        summary: s.summary.clone(),
        selection: Some(Sel::Iface { loc: Some("j1".into()), name: "gif0".into() }),
        dispatch: Callback::noop(),
    };
    let html = LocalServerRenderer::<Inspector>::with_props(props).hydratable(false).render().await;
    assert!(html.contains("vnet_gif_uninit"));
    check("inspector_gif", html);
}

#[tokio::test]
async fn player_at_the_fault() {
    let s = seed();
    let fault = s.trace(0).and_then(|t| t.faults.first()).map(|f| f.step).unwrap_or(1);
    let s = s.reduce(Action::Go(Go::To(fault)));
    let props = PlayerProps {
        runs: s.runs.clone().into(),
        lanes: s.lanes.clone(),
        graph: s.graph.clone().into(),
        graphs: s.graphs_drawn,
        step: s.step,
        len: s.len(),
        playing: false,
        speed: s.speed,
        lines: Rc::new(s.lines.clone()),
        dispatch: Callback::noop(),
        draw_all: false,
    };
    let html = LocalServerRenderer::<Player>::with_props(props).hydratable(false).render().await;
    for id in [
        "fault-banner-a",
        "fault-banner",
        "narration-a",
        "narration-b",
        "narration",
        "lane-a-outcome",
        "scrubber",
    ] {
        assert!(html.contains(&format!("data-testid=\"{id}\"")), "missing {id}");
    }
    assert!(!html.contains("data-testid=\"fault-banner-b\""));
    assert!(html.contains("rib_unsubscribe"));
    check("player_fault", html);
}

#[tokio::test]
async fn script_with_an_error_and_presets() {
    let s = seed().reduce(Action::SetScript("jail -c name=\n".into()));
    let props = ScriptProps {
        text: s.script.clone(),
        error: s.script_error.clone(),
        dispatch: Callback::noop(),
    };
    let html =
        LocalServerRenderer::<ScriptEditor>::with_props(props).hydratable(false).render().await;
    assert!(html.contains("line 1, column"));
    check("script_error", html);
    let props = PresetsProps {
        current: Some("seed-gif-route-cache".into()),
        dispatch: Callback::noop(),
        hidden: false,
    };
    let html = LocalServerRenderer::<Presets>::with_props(props).hydratable(false).render().await;
    check("presets", html);
}

/// The explorer's report for the seed under legacy, from a precomputed result.
#[tokio::test]
async fn explorer_grid_of_the_seed() {
    use vnet_playground::engine::Lane;
    use vnet_playground::ui::explorer::{ExploreReport, ReportData, ReportProps};
    let s = seed();
    let data = ReportData::compute(&s.scenario, &s.lanes[0]).expect("the seed builds");
    let props = ReportProps {
        data: Rc::new(data),
        lane_b: Lane::new(vnet_playground::engine::StageOrder::VnetShutdown),
        stale: false,
        dispatch: Callback::noop(),
    };
    let html =
        LocalServerRenderer::<ExploreReport>::with_props(props).hydratable(false).render().await;
    for id in [
        "explorer-grid",
        "explorer-cell-vnet_gif_uninit-PROTO_DOMAIN-SECOND",
        "explorer-cell-vnet_gif_uninit-VNET_DONE-ANY",
        "explorer-cell-rtables_destroy-INIT_IF-FIRST",
        "explorer-shrunk",
        "explorer-try-0",
    ] {
        assert!(html.contains(&format!("data-testid=\"{id}\"")), "missing {id}");
    }
    assert!(html.contains("data-simulations=\"1758\""));
    assert!(html.contains("safe at VNET_DONE/ANY, PROTO_DOMAIN/SECOND, PROTO_DOMAIN/FIRST"));
    check("explorer", html);
}
