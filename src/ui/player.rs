//! The teardown player: one cursor (First/Prev/Next/Last, Play/Pause with speed, a
//! scrubber with fault and divergence markers, "k / N") driving two lanes side by side,
//! each with its order, outcome, fault banner, narration, refcount table and graph.
//!
//! Invariants:
//! - Rendering a step never simulates: it reads the traces in `State::runs`.
//! - A lane shorter than the other holds its last state (decisions §27).
//! - Narration regions are aria-live; provenance markers are labelled badges, not colours.
//! - A lane's narration and refcounts sit in a fixed-height step card above the graph, so
//!   nothing a step changes moves the graph (e2e: "the graph stays put").

use crate::engine::Lane;
use crate::engine::{Kernel, ObjKind, StageOrder, Trace, release};
use crate::ui::by_ptr::ByPtr;
use crate::ui::graph::{GraphLayout, MarkerKind, markers};
use crate::ui::graph_view::GraphFrame;
use crate::ui::graph_view::marked;
use crate::ui::platform;
use crate::ui::state::{Action, Go, LANES, Run, SPEEDS};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PlayerProps {
    pub runs: ByPtr<[Run; 2]>,
    pub lanes: [Lane; 2],
    pub graph: ByPtr<GraphLayout>,
    /// How many lanes' graphs to draw (`State::graphs_drawn`: fewer in the start's first
    /// frames; lane A's comes first).
    #[prop_or(LANES)]
    pub graphs: usize,
    pub step: usize,
    pub len: usize,
    pub playing: bool,
    pub speed: usize,
    /// Script line of each scenario entry, to place build errors.
    pub lines: Rc<Vec<usize>>,
    pub dispatch: Callback<Action>,
    /// Draw every graph in full, windowed or not (around an image export).
    #[prop_or_default]
    pub draw_all: bool,
}

fn go(dispatch: &Callback<Action>, g: Go) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |_| dispatch.emit(Action::Go(g)))
}

/// The player.
#[function_component(Player)]
pub fn player(p: &PlayerProps) -> Html {
    let started = platform::now_ms();
    let n = p.len;
    let marks = markers(&p.runs);
    // The transport's callbacks live as long as the dispatcher, so a step does not hand
    // its controls new listeners.
    let controls = use_memo(p.dispatch.clone(), |d| {
        let on_scrub = {
            let d = d.clone();
            Callback::from(move |e: InputEvent| {
                if let Ok(k) = platform::value_of(&e).parse::<usize>() {
                    d.emit(Action::Go(Go::To(k)));
                }
            })
        };
        let on_speed = {
            let d = d.clone();
            Callback::from(move |e: Event| {
                if let Ok(i) = platform::value_of(&e).parse::<usize>() {
                    d.emit(Action::SetSpeed(i));
                }
            })
        };
        let toggle = d.reform(|_: MouseEvent| Action::TogglePlay);
        let buttons = [go(d, Go::First), go(d, Go::Prev), toggle, go(d, Go::Next), go(d, Go::Last)];
        (on_scrub, on_speed, buttons)
    });
    let (on_scrub, on_speed, [first, prev, toggle, next, last]) = (*controls).clone();
    // Basis points (1/100 %), formatted as integers to keep the float formatter out.
    let pct = |k: usize| (k * 10_000).checked_div(n).unwrap_or(0);
    let marker_html = marks.iter().map(|m| {
        let class = match m.kind {
            MarkerKind::Fault => "mark fault",
            MarkerKind::Divergence => "mark diverge",
        };
        let dispatch = p.dispatch.clone();
        let step = m.step;
        let onclick = Callback::from(move |_: MouseEvent| dispatch.emit(Action::Go(Go::To(step))));
        html! {
            <button class={class} style={format!("left:{}.{:02}%", pct(m.step) / 100, pct(m.step) % 100)} title={m.label.clone()}
                aria-label={format!("Go to step {}: {}", m.step, m.label)} {onclick}>
                { if m.kind == MarkerKind::Fault { "⚡" } else { "◆" } }
            </button>
        }
    });
    let lanes = (0..2).map(|i| {
        html! {
            <LaneView key={i} index={i} run={p.runs[i].clone()} kernel={p.lanes[i].kernel} order={p.lanes[i].order} extra={p.lanes[i].extra.clone()}
                graph={p.graph.0.clone()} drawn={i < p.graphs} step={p.step} lines={p.lines.clone()} dispatch={p.dispatch.clone()} draw_all={p.draw_all} />
        }
    });
    let html = html! {
        <div class="player-inner">
            <div class="transport" role="group" aria-label="Teardown player controls">
                <div class="buttons">
                    <button class="tbtn" data-testid="step-first" onclick={first} disabled={p.step == 0}
                        aria-label="First step (Home)" title="First step (Home)">{"|◀"}</button>
                    <button class="tbtn" data-testid="step-prev" onclick={prev} disabled={p.step == 0}
                        aria-label="Previous step (←)" title="Previous step (←)">{"◀"}</button>
                    <button class="tbtn play" data-testid="play" onclick={toggle} disabled={n == 0}
                        aria-label={ if p.playing { "Pause (Space)" } else { "Play (Space)" } }
                        aria-pressed={p.playing.to_string()}>
                        { if p.playing { "❚❚ Pause" } else { "▶ Play" } }
                    </button>
                    <button class="tbtn" data-testid="step-next" onclick={next} disabled={p.step >= n}
                        aria-label="Next step (→)" title="Next step (→)">{"▶"}</button>
                    <button class="tbtn" data-testid="step-last" onclick={last} disabled={p.step >= n}
                        aria-label="Last step (End)" title="Last step (End)">{"▶|"}</button>
                </div>
                <div class="scrub">
                    <input type="range" data-testid="scrubber" min="0" max={n.to_string()} value={p.step.to_string()}
                        aria-label="Teardown step" aria-valuetext={format!("step {} of {n}", p.step)} oninput={on_scrub} />
                    <div class="marks">{ for marker_html }</div>
                </div>
                <span class="counter" data-testid="step-counter" aria-live="polite">{format!("{} / {n}", p.step)}</span>
                <label class="speed">
                    <span class="sr-only">{"Speed"}</span>
                    <select data-testid="speed" onchange={on_speed} aria-label="Playback speed">
                        { for SPEEDS.iter().enumerate().map(|(i, ms)| html! {
                            <option value={i.to_string()} selected={i == p.speed}>{speed_label(*ms)}</option>
                        }) }
                    </select>
                </label>
            </div>
            <div class="lanes">{ for lanes }</div>
        </div>
    };
    platform::report_render_ms(platform::now_ms() - started);
    html
}

fn speed_label(ms: u32) -> String {
    // Tenths of the normal speed (900 ms a step), in integers.
    let tenths = (9000 + ms / 2) / ms.max(1);
    if tenths % 10 == 0 {
        format!("{}×", tenths / 10)
    } else {
        format!("{}.{}×", tenths / 10, tenths % 10)
    }
}

#[derive(Properties)]
pub struct LaneProps {
    pub index: usize,
    pub run: Run,
    #[prop_or_default]
    pub kernel: Kernel,
    pub order: StageOrder,
    /// The lane's extra re-registrations (what-ifs, e.g. from the order explorer).
    #[prop_or_default]
    pub extra: Vec<(String, crate::engine::kernel::si::Slot)>,
    pub graph: Rc<GraphLayout>,
    /// Whether the lane's graph is drawn yet (the start draws it a frame later).
    #[prop_or(true)]
    pub drawn: bool,
    pub step: usize,
    pub lines: Rc<Vec<usize>>,
    pub dispatch: Callback<Action>,
    #[prop_or_default]
    pub draw_all: bool,
}

impl PartialEq for LaneProps {
    fn eq(&self, o: &Self) -> bool {
        let same_run = match (&self.run, &o.run) {
            (Ok(a), Ok(b)) => Rc::ptr_eq(a, b),
            (Err(a), Err(b)) => a == b,
            _ => false,
        };
        same_run
            && self.index == o.index
            && self.order == o.order
            && self.kernel == o.kernel
            && self.extra == o.extra
            && Rc::ptr_eq(&self.graph, &o.graph)
            && self.drawn == o.drawn
            && self.step == o.step
            && self.lines == o.lines
            && self.dispatch == o.dispatch
            && self.draw_all == o.draw_all
    }
}

/// One lane.
#[function_component(LaneView)]
pub fn lane_view(p: &LaneProps) -> Html {
    let ab = ["a", "b"][p.index.min(1)];
    let on_order = use_memo((p.dispatch.clone(), p.index), |(dispatch, lane)| {
        let (dispatch, lane) = (dispatch.clone(), *lane);
        Callback::from(move |e: Event| {
            if let Some(order) = StageOrder::from_slug(&platform::value_of(&e)) {
                dispatch.emit(Action::SetLaneOrder { lane, order });
            }
        })
    });
    let on_kernel = use_memo((p.dispatch.clone(), p.index), |(dispatch, lane)| {
        let (dispatch, lane) = (dispatch.clone(), *lane);
        Callback::from(move |e: Event| {
            if let Some(kernel) = Kernel::from_slug(&platform::value_of(&e)) {
                dispatch.emit(Action::SetLaneKernel { lane, kernel });
            }
        })
    });
    let kernel_select = html! {
        <select key={p.kernel.slug()} class="kernel" data-testid={format!("lane-{ab}-kernel")} onchange={(*on_kernel).clone()}
            aria-label={format!("FreeBSD release of lane {}", ab.to_ascii_uppercase())} title="The FreeBSD release this lane runs">
            { for Kernel::ALL.iter().map(|k| html! {
                <option value={k.slug()} selected={*k == p.kernel} title={release::of(*k).name}>{release::of(*k).short}</option>
            }) }
        </select>
    };
    let select = html! {
        // Keyed by the order: a fresh element whenever the order changes (undo, a link),
        // since toggling `selected` on the options of a live select can leave none selected.
        <select key={p.order.slug()} data-testid={format!("lane-{ab}-order")} onchange={(*on_order).clone()}
            aria-label={format!("Stage order of lane {}", ab.to_ascii_uppercase())}>
            { for StageOrder::ALL.iter().map(|o| html! {
                <option value={o.slug()} selected={*o == p.order} title={o.label()}>{o.short()}</option>
            }) }
        </select>
    };
    // The step card starts each step at its top. Only a card the reader scrolled is reset,
    // so a step never makes the browser lay out early just to scroll.
    let card = use_node_ref();
    let scrolled = use_mut_ref(|| false);
    let on_card_scroll = {
        let (card, scrolled) = (card.clone(), scrolled.clone());
        use_memo((), move |_| {
            Callback::from(move |_: Event| *scrolled.borrow_mut() = platform::scroll(&card).1 > 0.0)
        })
    };
    {
        let card = card.clone();
        use_effect_with(p.step, move |_| {
            if std::mem::take(&mut *scrolled.borrow_mut()) {
                platform::scroll_to(&card, (0.0, 0.0));
            }
        });
    }
    let body = match &p.run {
        Err(e) => {
            let line = p.lines.get(e.entry).copied();
            html! {
                <div class="lane-error" role="alert" data-testid={format!("lane-{ab}-error")}>
                    <strong>{"This lane cannot build the scenario"}</strong>
                    <p>{ line.map(|l| format!("line {l}: ")).unwrap_or_default() }{marked(&e.message)}</p>
                </div>
            }
        }
        Ok(t) => lane_body(t, p, ab, &card, &on_card_scroll),
    };
    let outcome = match &p.run {
        Ok(t) => html! {
            <span class={classes!("outcome", format!("o-{}", t.outcome.name()))} data-testid={format!("lane-{ab}-outcome")}
                title="The verdict of the whole teardown">
                { crate::engine::Outcome::label(t.outcome) }
            </span>
        },
        Err(_) => {
            html! { <span class="outcome o-error" data-testid={format!("lane-{ab}-outcome")}>{"no trace"}</span> }
        }
    };
    html! {
        <section class={classes!("lane", format!("lane-{ab}"))} data-testid={format!("lane-{ab}")}
            aria-label={format!("Lane {}", ab.to_ascii_uppercase())}>
            <div class="lane-head">
                <span class="lane-letter" aria-hidden="true">{ab.to_ascii_uppercase()}</span>
                {kernel_select}
                {select}
                {outcome}
                if !p.extra.is_empty() {
                    <span class="whatif" data-testid={format!("lane-{ab}-whatif")}
                        title="Extra SYSUNINIT re-registrations in this lane (what-if)">
                        { format!("what-if: {}", p.extra.iter().map(|(f, s)| format!("{f} at {}", s.short())).collect::<Vec<_>>().join("; ")) }
                    </span>
                }
            </div>
            {body}
        </section>
    }
}

fn lane_body(
    t: &Rc<Trace>,
    p: &LaneProps,
    ab: &'static str,
    card: &NodeRef,
    on_scroll: &Callback<Event>,
) -> Html {
    let len = t.steps.len();
    let step = p.step.min(len);
    let held = p.step > len;
    // Faults reached by now (use-after-free and panics at their step; leaks and stuck
    // prisons when the lane ends).
    let fault = t.fault_at(step);
    let banner = fault.map(|f| {
        // Who freed the object, and a button to go to that step.
        let freed_by = f.freed_by.as_ref().map(|fb| {
            let dispatch = p.dispatch.clone();
            let to = fb.step;
            let who = fb.call_path.first().cloned().unwrap_or_default();
            let onclick = Callback::from(move |_: MouseEvent| dispatch.emit(Action::Go(Go::To(to))));
            html! {
                <p class="freed-by">{"freed by "}<code>{fb.call_path.join(" → ")}</code>{" "}
                    <button class="jump" data-testid={format!("jump-freed-{ab}")} {onclick}>
                        {format!("Go to step {to}, where {who} freed it")}
                    </button>
                </p>
            }
        });
        let kind = capitalized(f.headline());
        // "Page fault at step 18 in rib_unsubscribe: …", not "…: page fault in …".
        let rest = match f.message.strip_prefix(f.headline()) {
            Some(r) if r.starts_with(' ') || r.starts_with(':') => r.to_string(),
            _ => format!(": {}", f.message),
        };
        let inner = html! {
            <div class={classes!("fault-banner", format!("f-{:?}", f.kind).to_ascii_lowercase())} role="alert"
                data-testid={format!("fault-banner-{ab}")}>
                <span class="fault-icon" aria-hidden="true">{"⚡"}</span>
                <div class="fault-text">
                    <p><strong>{kind}{format!(" at step {}", f.step)}</strong>{marked(&rest)}</p>
                    {freed_by}
                </div>
            </div>
        };
        if ab == "a" { html! { <div data-testid="fault-banner">{inner}</div> } } else { inner }
    });
    let narration = narration(t, step, held, len, p, ab);
    let narration = html! {
        <div class="narration" data-testid={format!("narration-{ab}")} aria-live="polite" aria-atomic="true">
            {narration}
        </div>
    };
    let narration = if ab == "a" {
        html! { <div data-testid="narration">{narration}</div> }
    } else {
        narration
    };
    // The step card has a fixed height and scrolls inside, so the graph under it stays put
    // from step to step, and what a step changes is laid out and painted inside the card
    // alone (see `.stepcard` in style.css).
    html! {
        <>
            // The banner and the step card share the card's height, so the graph under
            // them stays put when a fault appears.
            <div class="lane-top">
            {banner}
            <div class="stepcard">
                <div class="stepcard-in" data-testid={format!("stepcard-{ab}")} ref={card.clone()} onscroll={on_scroll.clone()} tabindex="0" aria-label={format!("Lane {}: the step and its reference counts", ab.to_ascii_uppercase())}>
                    {narration}
                    {refcounts(t, step)}
                </div>
            </div>
            </div>
            if p.drawn {
                <GraphFrame trace={t.clone()} layout={p.graph.clone()} step={step} lane={ab} draw_all={p.draw_all} />
            } else {
                <div class="graph-wrap graph-pending" data-testid={format!("graph-pending-{ab}")} aria-busy="true"
                    aria-label={format!("Lane {}: drawing the dependency graph", ab.to_ascii_uppercase())}></div>
            }
            <Legend />
            <Notes trace={t.clone()} />
        </>
    }
}

fn narration(t: &Trace, step: usize, held: bool, len: usize, p: &LaneProps, ab: &str) -> Html {
    if step == 0 {
        let live = t.objects.iter().filter(|o| o.born == 0).count();
        // What the lane comes to, and a way straight there: the first fault, or the end.
        let ahead = t.fault_at(len).map(|f| {
            let at = f.step.min(len);
            let dispatch = p.dispatch.clone();
            let onclick = Callback::from(move |_: MouseEvent| dispatch.emit(Action::Go(Go::To(at))));
            html! {
                <p class="n-ahead">
                    {format!("It ends {} at step {at}, in ", t.outcome.ending())}
                    <code class="fn">{&f.function}</code>{". "}
                    <button class="jump" data-testid={format!("jump-fault-{ab}")} {onclick}>{format!("Go to step {at}")}</button>
                </p>
            }
        });
        return html! {
            <>
                <div class="n-title"><span class="n-step">{"Step 0"}</span>{" Before teardown"}</div>
                <p class="n-text">{format!(
                    "The scenario is built: {live} kernel objects. The teardown has {len} steps in this order on {}; press → or Play.",
                    release::of(t.kernel).name
                )}</p>
                if let Some(a) = ahead { {a} } else if len > 0 {
                    <p class="n-ahead">{"It ends clean: no use after free, panic, leak or stuck prison."}</p>
                }
                <p class="n-census" data-testid={format!("census-{ab}")}>{census(t)}</p>
            </>
        };
    }
    let Some(s) = t.steps.get(step - 1) else { return html! {} };
    let path = s.call_path.iter().enumerate().map(|(i, f)| html! {
        <>
            // Spaces round the arrow: a long path wraps there, in the paragraph's own line
            // breaking (no flex or inline-block boxes to lay out).
            if i > 0 { <span class="arrow" aria-hidden="true">{" → "}</span> }
            <code class={classes!("fn", (i + 1 == s.call_path.len()).then_some("top"))}>{f}</code>
        </>
    });
    let slot = match (&s.subsystem, &s.order) {
        (Some(sub), Some(ord)) => Some(format!("{sub}, {ord}")),
        (Some(sub), None) => Some(sub.clone()),
        _ => None,
    };
    html! {
        <>
            if held {
                <div class="held">{format!("This lane ended at step {len}; it holds its last state.")}</div>
            }
            <div class="n-title">
                <span class="n-step">{format!("Step {}", s.index)}</span>
                <span class="stage">{s.stage.name()}</span>
                <code class="fn top">{&s.function}</code>
            </div>
            <div class="callpath" aria-label="Call path">{ for path }</div>
            <dl class="facts">
                <dt>{"file"}</dt><dd><code>{&s.file}</code></dd>
                if let Some(slot) = slot { <dt>{"SYSUNINIT"}</dt><dd><code>{slot}</code></dd> }
                if let Some(vs) = &s.vnet_state { <dt>{"vnet_state"}</dt><dd><code>{vs}</code></dd> }
                <dt>{"VNET_IS_SHUTTING_DOWN"}</dt>
                <dd><code class={classes!(s.shutting_down.then_some("yes"))}>{ if s.shutting_down { "true" } else { "false" } }</code></dd>
            </dl>
            <p class="n-text">{marked(&s.text)}</p>
        </>
    }
}

fn refcounts(t: &Rc<Trace>, step: usize) -> Html {
    if step == 0 {
        return html! {};
    }
    let touched = t.touched(step);
    if touched.is_empty() {
        return html! {};
    }
    let rows = crate::ui::memo::with_view(t, step, |view| {
        touched
            .iter()
            .filter_map(|id| {
                let o = t.objects.get(id.0 as usize)?;
                let st = view.objects.get(id);
                let count = st.and_then(|s| s.refcount).map(|r| match r.uref {
                    Some(u) => format!("{} (uref {u})", r.count),
                    None => r.count.to_string(),
                });
                let state = match st {
                    Some(s) if s.faulted => "faulted",
                    Some(s) if s.freed => "freed",
                    Some(_) => "live",
                    None => "—",
                };
                // Unkeyed: a step patches the rows in place (new text, new class) instead
                // of removing them and creating new ones.
                Some(html! {
                    <tr class={format!("st-{state}")}>
                        <td><code>{&o.name}</code></td>
                        <td>{count.unwrap_or_else(|| "—".into())}</td>
                        <td><span class={format!("state s-{state}")}>{state}</span></td>
                    </tr>
                })
            })
            .collect::<Html>()
    });
    html! {
        <table class="refcounts" aria-label="Objects this step touched">
            <thead><tr><th>{"object"}</th><th class="c-count">{"refcount"}</th><th class="c-state">{"state"}</th></tr></thead>
            <tbody>{ rows }</tbody>
        </table>
    }
}

#[derive(Properties, PartialEq)]
struct NotesProps {
    trace: ByPtr<Trace>,
}

/// A trace's notes: rendered once per trace, not once per step.
#[function_component(Notes)]
fn notes(p: &NotesProps) -> Html {
    if p.trace.notes.is_empty() {
        return html! {};
    }
    html! {
        <ul class="notes">{ for p.trace.notes.iter().map(|n| html! { <li>{marked(n)}</li> }) }</ul>
    }
}

/// What the scenario holds before the teardown, in one sentence: the jails' objects by
/// kind (names where there are few), then how many the host holds.
fn census(t: &Trace) -> String {
    // (kind's words, count, names), in the order kinds first appear.
    let mut kinds: Vec<(String, usize, Vec<&str>)> = Vec::new();
    let mut host = 0;
    for o in t.objects.iter().filter(|o| o.born == 0) {
        if t.is_host(o.id) {
            host += 1;
            continue;
        }
        let word = match o.kind {
            ObjKind::Ifnet(_) => "interface".to_string(),
            k => k.label(),
        };
        match kinds.iter_mut().find(|k| k.0 == word) {
            Some(k) => {
                k.1 += 1;
                k.2.push(&o.name);
            }
            None => kinds.push((word, 1, vec![&o.name])),
        }
    }
    let parts: Vec<String> = kinds
        .iter()
        .map(|(word, n, names)| {
            let named = matches!(word.as_str(), "prison" | "vnet" | "interface");
            match (*n, named) {
                (1, true) if word != "interface" => names.join(""),
                (n, true) if n <= 6 => format!("{n} {} ({})", plural(word, n), names.join(", ")),
                (n, _) => format!("{n} {}", plural(word, n)),
            }
        })
        .collect();
    let list = match parts.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => "nothing".into(),
    };
    let host = match host {
        0 => String::new(),
        n => format!("; the host (prison0, vnet0 and what lives in vnet0) holds {n} more"),
    };
    format!("In the jails before the teardown: {list}{host}.")
}

/// A kind's word for `n` of them: "rtentry" → "rtentries", "nexthop" → "nexthops".
fn plural(word: &str, n: usize) -> String {
    match (n, word.strip_suffix('y')) {
        (1, _) => word.to_string(),
        (_, Some(stem)) => format!("{stem}ies"),
        _ => format!("{word}s"),
    }
}

/// The graph's legend; a component without props, so a step never re-renders it.
#[function_component(Legend)]
fn legend() -> Html {
    html! {
        <div class="legend" aria-label="Legend">
            <span><svg width="34" height="10" aria-hidden="true"><path class="edge owner" d="M2,5 L32,5" /></svg>{"owner"}</span>
            <span><svg width="34" height="10" aria-hidden="true"><path class="edge counted" d="M2,5 L32,5" /></svg>{"counted"}</span>
            <span><svg width="34" height="10" aria-hidden="true"><path class="edge raw" d="M2,5 L32,5" /></svg>{"raw pointer"}</span>
            <span><svg width="34" height="10" aria-hidden="true"><path class="edge raw dangling" d="M2,5 L32,5" /></svg>{"dangling ✕"}</span>
            <span><span class="ghost-swatch" aria-hidden="true"></span>{"freed (ghost)"}</span>
        </div>
    }
}

/// "page fault" → "Page fault".
fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{parse_script, simulate};

    fn trace(script: &str) -> Trace {
        let (sc, _) = parse_script(script).expect("parses");
        simulate(&sc, &Lane::new(StageOrder::Legacy)).expect("builds")
    }

    #[test]
    fn the_census_names_the_jails_objects_and_counts_the_host() {
        let seed = crate::engine::presets()
            .iter()
            .find(|p| p.slug == crate::engine::SEED_SLUG)
            .expect("seed")
            .script;
        let c = census(&trace(seed));
        assert!(c.starts_with("In the jails before the teardown: prison j1, vnet j1, "), "{c}");
        assert!(c.contains("3 interfaces (lo0, epair0b, gif0)"), "{c}");
        assert!(
            c.contains("3 rtentries") && c.contains("3 nexthops") && c.contains("1 subscription"),
            "{c}"
        );
        assert!(
            c.ends_with("; the host (prison0, vnet0 and what lives in vnet0) holds 8 more."),
            "{c}"
        );
        // Two jails, other names: both prisons by name, and a plural with no names.
        let two = census(&trace("jail -c name=web vnet persist\njail -c name=db vnet persist\n"));
        assert!(two.contains("2 prisons (prison web, prison db)"), "{two}");
        assert!(two.contains("2 vnets (vnet web, vnet db)"), "{two}");
        assert_eq!(plural("rtentry", 2), "rtentries");
        assert_eq!(plural("rtentry", 1), "rtentry");
        assert_eq!(plural("route cache", 3), "route caches");
    }
}
