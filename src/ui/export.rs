//! Export: the graph at the current step as SVG or PNG, both lanes' traces as text,
//! Markdown or JSON (the same renderings as `vnet-trace`), and the scenario script.
//!
//! Invariants:
//! - Trace files are built by `engine::render` only, so they match the CLI's output.
//! - The SVG is standalone: its styles are resolved and inlined in a `<style>` inside the
//!   `<svg>` (`platform::graph_svg`); the PNG is that SVG drawn into a canvas.
//! - Downloads go through `platform` (Blob + object URL + `<a download>`).
//! - An image export holds the whole graph: windowed graphs are drawn in full for it
//!   (the player's `draw_all`) and windowed again after.

use crate::engine::Trace;
use crate::engine::render;
use crate::support::json::Json;
use crate::ui::platform;
use crate::ui::state::Run;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// The lanes' graphs, by test id, with their labels in an image export.
const GRAPHS: [(&str, &str); 2] = [("graph-a", "Lane A"), ("graph-b", "Lane B")];
/// The most frames an image export waits for the graphs to be drawn in full.
const GRAPH_WAIT_FRAMES: u32 = 60;

/// Calls `done` on the first animation frame (after the next one) where no graph is
/// drawn windowed, or after `tries` frames at the most.
fn when_drawn_in_full(
    pending: Rc<RefCell<Option<platform::Frame>>>,
    tries: u32,
    done: Rc<dyn Fn()>,
) {
    let later = pending.clone();
    let frame = platform::next_frame(Callback::from(move |_| {
        let windowed = GRAPHS.iter().any(|(id, _)| platform::drawn_windowed(id));
        if windowed && tries > 0 {
            when_drawn_in_full(later.clone(), tries - 1, done.clone());
        } else {
            done();
        }
    }));
    *pending.borrow_mut() = Some(frame);
}

/// A file's base name: the preset's slug, or "scenario", and the step.
pub fn file_stem(preset: Option<&str>, step: usize) -> String {
    format!("vnet-{}-step{step}", preset.unwrap_or("scenario"))
}

/// Both lanes as plain text (72 columns), one after the other.
pub fn traces_text(traces: [Option<&Trace>; 2]) -> String {
    lanes(traces, render::text, "(this lane does not build)\n")
}

/// Both lanes as Markdown.
pub fn traces_markdown(traces: [Option<&Trace>; 2]) -> String {
    lanes(traces, render::markdown, "_This lane does not build._\n")
}

/// Both lanes as one JSON document: `{"lanes": [trace A, trace B]}` (null for a lane that
/// does not build).
pub fn traces_json(traces: [Option<&Trace>; 2]) -> String {
    let lanes = traces.map(|t| t.map_or(Json::Null, render::json_value));
    Json::obj([("lanes", Json::Arr(lanes.into()))]).pretty()
}

fn lanes(traces: [Option<&Trace>; 2], f: impl Fn(&Trace) -> String, none: &str) -> String {
    let mut out = String::new();
    for (i, t) in traces.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("Lane {}\n\n", if i == 0 { 'A' } else { 'B' }));
        match t {
            Some(t) => out.push_str(&f(t)),
            None => out.push_str(none),
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

#[derive(Properties, PartialEq)]
pub struct ExportProps {
    pub runs: Rc<[Run; 2]>,
    /// The scenario, for the reproducers a real FreeBSD host runs.
    pub scenario: Rc<crate::engine::Scenario>,
    pub script: String,
    pub preset: Option<String>,
    pub step: usize,
    /// Asks the graph frames to draw in full (true) and back (false), around an export.
    pub draw_all: Callback<bool>,
}

/// The Export menu.
#[function_component(ExportMenu)]
pub fn export_menu(p: &ExportProps) -> Html {
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let stem = file_stem(p.preset.as_deref(), p.step);
    let item = |id: &'static str, label: &'static str, f: Rc<dyn Fn()>| {
        let open = open.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            f();
            open.set(false);
        });
        html! { <li><button data-testid={id} {onclick} role="menuitem">{label}</button></li> }
    };
    let graphs = GRAPHS;
    // A windowed graph holds only the part in view: an image export first asks every
    // frame to draw in full, waits (a frame at a time) until no graph is windowed any
    // more, exports, and asks back. Yew may spread the two graphs' renders over several
    // frames (it yields to the browser every 16 ms).
    let pending: Rc<RefCell<Option<platform::Frame>>> = use_mut_ref(|| None);
    let in_full = |job: Rc<dyn Fn()>| -> Rc<dyn Fn()> {
        let (pending, draw_all) = (pending.clone(), p.draw_all.clone());
        Rc::new(move || {
            draw_all.emit(true);
            let draw_all = draw_all.clone();
            let job = job.clone();
            let done: Rc<dyn Fn()> = Rc::new(move || {
                job();
                draw_all.emit(false);
            });
            when_drawn_in_full(pending.clone(), GRAPH_WAIT_FRAMES, done);
        })
    };
    let svg = {
        let stem = stem.clone();
        in_full(Rc::new(move || {
            if let Some((svg, _, _)) = platform::graph_svg(&graphs) {
                platform::download_text(&format!("{stem}.svg"), "image/svg+xml", &svg);
            }
        }))
    };
    let png = {
        let stem = stem.clone();
        in_full(Rc::new(move || {
            if let Some((svg, w, h)) = platform::graph_svg(&graphs) {
                platform::download_png(&svg, w, h, &format!("{stem}.png"));
            }
        }))
    };
    let runs = p.runs.clone();
    let text_file =
        move |ext: &'static str, mime: &'static str, f: fn([Option<&Trace>; 2]) -> String| {
            let (runs, stem) = (runs.clone(), stem.clone());
            Rc::new(move || {
                let traces = [0, 1].map(|i| runs[i].as_ref().ok().map(|t| t.as_ref()));
                platform::download_text(&format!("{stem}.{ext}"), mime, &f(traces));
            }) as Rc<dyn Fn()>
        };
    let script = {
        let (text, name) = (p.script.clone(), file_stem(p.preset.as_deref(), 0));
        let name = name.trim_end_matches("-step0").to_string();
        Rc::new(move || platform::download_text(&format!("{name}.vnet"), "text/plain", &text))
    };
    // Reproducers for a real FreeBSD host (engine::reproduce): a script, an ATF test
    // case in the style of tests/sys/net, and jail.conf.
    let host_file = |ext: &'static str, f: fn(&crate::engine::Scenario, &str) -> String| {
        let (sc, name) = (p.scenario.clone(), file_stem(p.preset.as_deref(), 0));
        let name = name.trim_end_matches("-step0").to_string();
        Rc::new(move || {
            // reproduce::atf turns the name into a valid test case name itself.
            platform::download_text(&format!("{name}{ext}"), "text/plain", &f(&sc, &name));
        }) as Rc<dyn Fn()>
    };
    let sh = host_file(".sh", |sc, _| crate::engine::reproduce::sh(sc));
    let atf = host_file(".atf.sh", crate::engine::reproduce::atf);
    let conf = host_file(".jail.conf", |sc, _| crate::engine::reproduce::jail_conf(sc));
    html! {
        <div class="menu export">
            <button class="top-button" data-testid="export-button" onclick={toggle}
                aria-expanded={open.to_string()} aria-haspopup="true">{"Export"}</button>
            if *open {
                <ul class="menu-panel" data-testid="export-menu" role="menu">
                    { item("export-svg", "Graph as SVG", svg) }
                    { item("export-png", "Graph as PNG", png) }
                    { item("export-text", "Trace as text (.txt)", text_file("txt", "text/plain", traces_text)) }
                    { item("export-markdown", "Trace as Markdown (.md)", text_file("md", "text/markdown", traces_markdown)) }
                    { item("export-json", "Trace as JSON", text_file("json", "application/json", traces_json)) }
                    { item("export-script", "Scenario script (.vnet)", script) }
                    { item("export-sh", "Reproducer for a FreeBSD host (.sh)", sh) }
                    { item("export-atf", "ATF test case for tests/sys/net (.sh)", atf) }
                    { item("export-jail-conf", "jail.conf for the jails", conf) }
                </ul>
            }
        </div>
    }
}
