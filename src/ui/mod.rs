//! The browser shell: Yew components around the pure engine.
//!
//! Invariants: this is the only code that touches the browser, and only `platform.rs`
//! calls web-sys or gloo. Components compile natively too, so that SSR snapshot tests and
//! clippy run on the host. State lives in one reducer (`state.rs`); components only
//! dispatch `Action`s.

pub mod by_ptr;
pub mod camera;
pub mod canvas;
pub mod explorer;
pub mod export;
pub mod geom;
pub mod graph;
pub mod graph_view;
pub mod import;
pub mod inspector;
pub mod layout;
pub mod memo;
pub mod persist;
pub mod platform;
pub mod player;
pub mod share;
pub mod state;

use crate::ui::canvas::Builder;
use crate::ui::inspector::Inspector;
use crate::ui::player::Player;
use crate::ui::state::{Action, Go, SPEEDS, State};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// What the app starts from.
#[derive(Properties, Default)]
pub struct AppProps {
    /// The start state, when `start` computed it in a task before the first render; taken
    /// by the first render. Empty: the first render computes it.
    #[prop_or_default]
    pub start: Rc<RefCell<Option<State>>>,
}

impl PartialEq for AppProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.start, &o.start)
    }
}

/// The whole app.
#[function_component(App)]
pub fn app(p: &AppProps) -> Html {
    let state = {
        let start = p.start.clone();
        use_reducer(move || {
            start
                .borrow_mut()
                .take()
                .unwrap_or_else(|| persist::initial_state(platform::load_theme()))
        })
    };
    let dispatch: Callback<Action> = {
        let state = state.clone();
        use_memo((), move |_| {
            let d = state.dispatcher();
            Callback::from(move |a| d.dispatch(a))
        })
        .as_ref()
        .clone()
    };
    use_effect_with(state.theme, |t| platform::apply_theme(*t));
    // The start's first frame has no graphs: each painted frame adds one lane's graph
    // (the layout comes with the first), so no task of the start runs long.
    {
        let dispatch = dispatch.clone();
        use_effect_with(state.graphs_drawn, move |&drawn| {
            let pending = (drawn < crate::ui::state::LANES)
                .then(|| platform::after_paint(dispatch.reform(|_| Action::DrawMore)));
            move || {
                if let Some(p) = pending {
                    p.cancel();
                }
            }
        });
    }
    {
        let dispatch = dispatch.clone();
        use_effect_with((state.playing, state.speed), move |(playing, speed)| {
            let handle = playing.then(|| {
                let d = dispatch.clone();
                platform::every(
                    SPEEDS[(*speed).min(SPEEDS.len() - 1)],
                    Callback::from(move |_| d.emit(Action::Tick)),
                )
            });
            move || {
                if let Some(h) = handle {
                    h.release();
                }
            }
        });
    }
    {
        let dispatch = dispatch.clone();
        let keys = (state.shortcuts_open, state.builder_folded);
        use_effect_with(keys, move |&(open, folded)| {
            let h = platform::on_window_keydown(Callback::from(move |e: KeyboardEvent| {
                if let Some(a) = key_action(&e, open, folded) {
                    e.prevent_default();
                    dispatch.emit(a);
                }
            }));
            move || h.release()
        });
    }
    let toggle_theme = {
        let dispatch = dispatch.clone();
        let next = state.theme.toggled();
        Callback::from(move |_: MouseEvent| {
            platform::save_theme(next);
            dispatch.emit(Action::SetTheme(next));
        })
    };
    let open_shortcuts = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::SetShortcuts(true)))
    };
    let undo = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::Undo))
    };
    let redo = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::Redo))
    };
    let lines = use_memo(state.lines.clone(), |l| l.clone());
    let snapshots = persist::use_persistence(&state, dispatch.clone());
    let share_open = use_state(|| false);
    let import_open = use_state(|| false);
    let draw_all = use_state(|| false);
    let exploring = use_state(|| false);
    let link = Rc::new(state.link_state());
    if state.embed {
        return embed_view(&state, &link, lines, dispatch);
    }
    let open_share = {
        let share_open = share_open.clone();
        Callback::from(move |_: MouseEvent| share_open.set(true))
    };
    let close_share = {
        let share_open = share_open.clone();
        Callback::from(move |_: ()| share_open.set(false))
    };
    let open_import = {
        let import_open = import_open.clone();
        Callback::from(move |_: MouseEvent| import_open.set(true))
    };
    let close_import = {
        let import_open = import_open.clone();
        Callback::from(move |_: ()| import_open.set(false))
    };
    let toggle_explorer = {
        let exploring = exploring.clone();
        Callback::from(move |_: MouseEvent| exploring.set(!*exploring))
    };
    html! {
        <div class="app" data-testid="app">
            <header class="topbar">
                <div class="brand-wrap">
                    <span class="logo" aria-hidden="true">{"v"}</span>
                    <h1 class="brand">{"vnet-playground"}</h1>
                </div>
                <span class="tagline">{"Watch FreeBSD tear down a jail's VNET, step by step, under today's order and the proposed ones"}</span>
                <nav class="top-actions" aria-label="App">
                    <button class="icon-button" data-testid="undo" onclick={undo} disabled={state.undo.is_empty()} title="Undo (Ctrl+Z)" aria-label="Undo">{"↶"}</button>
                    <button class="icon-button" data-testid="redo" onclick={redo} disabled={state.redo.is_empty()} title="Redo (Ctrl+Shift+Z)" aria-label="Redo">{"↷"}</button>
                    <persist::SnapshotsMenu snapshots={snapshots} work={link.clone()} dispatch={dispatch.clone()} />
                    <button class="top-button" data-testid="import-button" onclick={open_import}
                        title="Build a scenario from what a real FreeBSD system prints">{"Import"}</button>
                    <export::ExportMenu runs={state.runs.clone()} scenario={state.scenario.clone()} script={state.script.clone()} preset={state.preset.clone()} step={state.step}
                        draw_all={ let d = draw_all.clone(); Callback::from(move |b: bool| d.set(b)) } />
                    <button class="top-button primary" data-testid="share-button" onclick={open_share}>{"Share"}</button>
                    <button class="top-tab" data-testid="explorer-tab" onclick={toggle_explorer} aria-pressed={exploring.to_string()}
                        title="Which stage orders are safe for this scenario?">{"▦ Order explorer"}</button>
                    <button class="icon-button" data-testid="shortcuts-button" onclick={open_shortcuts} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">{"?"}</button>
                    <a class="top-link" data-testid="model-guide" href="model.html" target="_blank" rel="noopener"
                        title="What the simulation models, its choices and the open questions">{"Model guide"}</a>
                    <a class="top-link" href="https://lists.freebsd.org/archives/freebsd-jail/2022-December/000170.html" target="_blank" rel="noopener">{"The mail thread"}</a>
                    <a class="top-link" href="https://cgit.freebsd.org/src/tree/sys/net/vnet.c" target="_blank" rel="noopener">{"vnet.c"}</a>
                    <button class="icon-button" data-testid="theme-toggle" onclick={toggle_theme}
                        aria-label="Switch between light and dark theme" title="Light / dark">
                        { if state.theme == platform::Theme::Dark { "☀" } else { "☾" } }
                    </button>
                </nav>
            </header>
            if let Some(msg) = state.link_error.clone() {
                <persist::LinkErrorBanner message={msg} dispatch={dispatch.clone()} />
            }
            <Presets current={state.preset.clone()} dispatch={dispatch.clone()} hidden={state.builder_folded} />
            <main class={classes!("workspace", state.builder_folded.then_some("folded"))}>
                if state.builder_folded {
                    <button class="builder-strip" data-testid="builder-unfold" title="Show the builder and the scenarios (b)"
                        onclick={ let d = dispatch.clone(); Callback::from(move |_: MouseEvent| d.emit(Action::SetBuilderFolded(false))) }>
                        <span aria-hidden="true">{"▸"}</span><span class="strip-label">{"Builder and scenarios"}</span>
                    </button>
                }
                <section class={classes!("builder", exploring.then_some("exploring"))} aria-label="Scenario builder" hidden={state.builder_folded}>
                    <button class="builder-fold" data-testid="builder-fold" title="Fold the builder and the scenarios away, so the teardown gets the room (b)"
                        onclick={ let d = dispatch.clone(); Callback::from(move |_: MouseEvent| d.emit(Action::SetBuilderFolded(true))) }>{"◂ Hide builder"}</button>
                    <Builder summary={state.summary.clone()} selection={state.selection.clone()}
                        edit_error={state.edit_error.clone()} dispatch={dispatch.clone()} />
                    <div class="builder-bottom">
                        <Inspector summary={state.summary.clone()} selection={state.selection.clone()} dispatch={dispatch.clone()} />
                        <ScriptEditor text={state.script.clone()} error={state.script_error.clone()} dispatch={dispatch.clone()} />
                    </div>
                    <explorer::ExplorerPanel scenario={state.scenario.clone()} lane_a={state.lanes[0].clone()}
                        lane_b={state.lanes[1].clone()} dispatch={dispatch.clone()} />
                </section>
                <section class="player" data-testid="player" aria-label="Teardown player">
                    <Player runs={state.runs.clone()} lanes={state.lanes.clone()} graph={state.graph.clone()}
                        graphs={state.graphs_drawn} step={state.step} len={state.len()} playing={state.playing} speed={state.speed}
                        lines={lines} dispatch={dispatch.clone()} draw_all={*draw_all} />
                </section>
            </main>
            if state.shortcuts_open { <Shortcuts dispatch={dispatch.clone()} /> }
            if *import_open {
                <import::ImportDialog dispatch={dispatch.clone()} on_close={close_import} />
            }
            if *share_open {
                <share::ShareDialog link={link} script={state.script.clone()} runs={state.runs.clone()} on_close={close_share} />
            }
        </div>
    }
}

/// Embed mode: the player and a read-only script, no palette or inspector, and a link to
/// the full app at the same state.
fn embed_view(
    state: &State,
    link: &crate::share::link::LinkState,
    lines: Rc<Vec<usize>>,
    dispatch: Callback<Action>,
) -> Html {
    let full = share::share_url(&platform::page_url(), link, true, false);
    let title = state
        .preset
        .as_deref()
        .and_then(|slug| crate::engine::gallery().into_iter().find(|p| p.slug == slug))
        .map(|p| p.title)
        .unwrap_or("A jail/VNET teardown");
    html! {
        <div class="app embed" data-testid="app" data-embed="true">
            <header class="embed-bar">
                <span class="logo" aria-hidden="true">{"v"}</span>
                <span class="embed-title" data-testid="embed-title">{title}</span>
                <a class="top-link" data-testid="open-full" href={full} target="_blank" rel="noopener">{"Open in vnet-playground ↗"}</a>
            </header>
            <section class="player" data-testid="player" aria-label="Teardown player">
                <Player runs={state.runs.clone()} lanes={state.lanes.clone()} graph={state.graph.clone()}
                    graphs={state.graphs_drawn} step={state.step} len={state.len()} playing={state.playing} speed={state.speed}
                    {lines} {dispatch} />
            </section>
            <details class="embed-script">
                <summary>{"Scenario script"}</summary>
                <pre data-testid="script-readonly">{&state.script}</pre>
            </details>
        </div>
    }
}

/// What a key pressed outside text fields does (decisions §26).
fn key_action(e: &KeyboardEvent, overlay_open: bool, folded: bool) -> Option<Action> {
    let key = e.key();
    if overlay_open {
        return matches!(key.as_str(), "Escape" | "?").then_some(Action::SetShortcuts(false));
    }
    if platform::in_text_field(e) {
        return None;
    }
    if (e.ctrl_key() || e.meta_key()) && key.eq_ignore_ascii_case("z") {
        return Some(if e.shift_key() { Action::Redo } else { Action::Undo });
    }
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    let on_object = platform::on_canvas_object(e);
    match key.as_str() {
        "?" => Some(Action::SetShortcuts(true)),
        "Escape" => Some(Action::Select(None)),
        "b" | "B" => Some(Action::SetBuilderFolded(!folded)),
        "ArrowLeft" if !on_object => Some(Action::Go(Go::Prev)),
        "ArrowRight" if !on_object => Some(Action::Go(Go::Next)),
        "Home" => Some(Action::Go(Go::First)),
        "End" => Some(Action::Go(Go::Last)),
        " " if !platform::on_button(e) => Some(Action::TogglePlay),
        _ => None,
    }
}

#[derive(Properties, PartialEq)]
pub struct PresetsProps {
    pub current: Option<String>,
    pub dispatch: Callback<Action>,
    /// Folded away with the builder, so the teardown gets the room.
    #[prop_or_default]
    pub hidden: bool,
}

/// The gallery of the engine's presets: one click loads one.
#[function_component(Presets)]
pub fn presets(p: &PresetsProps) -> Html {
    let all = use_memo((), |_| crate::engine::gallery());
    html! {
        <nav class="presets" aria-label="Preset scenarios" hidden={p.hidden}>
            <span class="presets-title">{"Scenarios"}</span>
            <ul class="preset-groups">
            { for crate::engine::Group::ALL.iter().map(|g| html! {
            <li key={g.label()} class="preset-group">
            <span class="group-label" aria-hidden="true">{g.label()}</span>
            <ul aria-label={g.label()}>
            { for all.iter().filter(|pr| pr.group == *g).map(|pr| {
                let d = p.dispatch.clone();
                let slug = pr.slug;
                let onclick = Callback::from(move |_: MouseEvent| d.emit(Action::LoadPreset(slug.to_string())));
                let current = p.current.as_deref() == Some(pr.slug);
                html! {
                    <li key={pr.slug} class={classes!("preset", current.then_some("current"))}>
                        <button data-testid={format!("preset-{}", pr.slug)} {onclick} aria-current={current.then_some("true")}
                            title={pr.story}>
                            <span class="p-title">
                                if pr.kernel != crate::engine::Kernel::Main {
                                    <span class="p-kernel" title="Opens both lanes on this release">{crate::engine::release::of(pr.kernel).name}</span>
                                }
                                {pr.title}
                            </span>
                            <span class="p-story">{pr.story}</span>
                        </button>
                        <span class="p-sources">
                            { for pr.sources.iter().map(|(label, url)| html! {
                                <a href={*url} target="_blank" rel="noopener" title={*label}>{short_source(label)}</a>
                            }) }
                        </span>
                    </li>
                }
            }) }
            </ul>
            </li>
            }) }
            </ul>
        </nav>
    }
}

fn short_source(label: &str) -> String {
    let head = label.split([':', ',']).next().unwrap_or(label).trim();
    if head.chars().count() > 22 {
        format!("{}…", head.chars().take(21).collect::<String>())
    } else {
        head.to_string()
    }
}

#[derive(Properties, PartialEq)]
pub struct ScriptProps {
    pub text: String,
    pub error: Option<crate::engine::ScriptError>,
    pub dispatch: Callback<Action>,
}

/// The scenario script, live both ways.
#[function_component(ScriptEditor)]
pub fn script_editor(p: &ScriptProps) -> Html {
    let oninput = {
        let d = p.dispatch.clone();
        Callback::from(move |e: InputEvent| d.emit(Action::SetScript(platform::value_of(&e))))
    };
    let lines = p.text.lines().count().max(1);
    let gutter = (1..=lines).map(|n| {
        let bad = p.error.as_ref().is_some_and(|e| e.line == n);
        html! { <span class={classes!(bad.then_some("bad"))}>{n}</span> }
    });
    let gutter_ref = use_node_ref();
    let onscroll = {
        let g = gutter_ref.clone();
        Callback::from(move |e: Event| platform::sync_scroll(&e, &g))
    };
    html! {
        <div class="script">
            <div class="script-head">
                <h2><label for="script-text">{"Scenario script"}</label></h2>
                { match &p.error {
                    None => html! { <span class="ok-pill">{"✓ valid"}</span> },
                    Some(_) => html! { <span class="bad-pill">{"error — the canvas shows the last valid scenario"}</span> },
                } }
            </div>
            <div class={classes!("editor", p.error.is_some().then_some("has-error"))}>
                <div class="gutter" aria-hidden="true" ref={gutter_ref}>{ for gutter }</div>
                <textarea id="script-text" data-testid="script" spellcheck="false" autocomplete="off"
                    value={p.text.clone()} {oninput} {onscroll}
                    aria-invalid={p.error.is_some().to_string()} aria-describedby="script-error" />
            </div>
            <div id="script-error" class="script-error" data-testid="script-error" role="status">
                { for p.error.as_ref().map(|e| html! {
                    <><strong>{format!("line {}, column {}: ", e.line, e.column)}</strong>{&e.message}</>
                }) }
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ShortcutsProps {
    pub dispatch: Callback<Action>,
}

/// The `?` overlay.
#[function_component(Shortcuts)]
pub fn shortcuts(p: &ShortcutsProps) -> Html {
    let close = {
        let d = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::SetShortcuts(false)))
    };
    use_effect_with((), |_| platform::focus_testid("shortcuts-close"));
    let rows = [
        ("← / →", "previous / next step"),
        ("Space", "play / pause (playing folds the builder away)"),
        ("b", "fold the builder and the scenarios to a strip, or bring them back"),
        ("Home / End", "first / last step"),
        ("Tab", "move between palette items, canvas objects and controls"),
        ("Enter", "on a palette item: add it to the selected jail; on an object: edit it"),
        ("Arrows (on an object)", "move it (Shift: faster)"),
        ("Arrows, + / − (on a minimap)", "pan, zoom in / out the graph's view"),
        ("Delete", "remove the focused object"),
        ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo"),
        ("Esc", "clear the selection, close this"),
        ("?", "this overlay"),
    ];
    html! {
        <div class="overlay" data-testid="shortcuts">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title">
                <h2 id="shortcuts-title">{"Keyboard shortcuts"}</h2>
                <table>
                    { for rows.iter().map(|(k, what)| html! { <tr><td><kbd>{*k}</kbd></td><td>{*what}</td></tr> }) }
                </table>
                <p class="muted">{"In text fields (the script, the inspector) keys belong to the field."}</p>
                <button class="primary" data-testid="shortcuts-close" onclick={close}>{"Close"}</button>
            </div>
        </div>
    }
}

/// Mounts the app on the page body: the start state in one task (its first simulation
/// runs the engine's code for the first time, which the browser compiles then), the first
/// render in the next, so that neither runs long.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    let start = Rc::new(RefCell::new(Some(persist::initial_state(platform::load_theme()))));
    platform::after(
        0,
        Callback::from(move |_| {
            platform::remove_boot();
            yew::Renderer::<App>::with_props(AppProps { start: start.clone() }).render();
        }),
    )
    .forget();
}
