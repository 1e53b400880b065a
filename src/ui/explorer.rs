//! The order explorer panel (issue 6): runs the engine's explorer for the current
//! scenario and lane A's order, then shows the destructor × slot grid, the safe slots,
//! the stage orders, the pairs, the minimal counterexample and the cycle suggestions.
//!
//! Invariants:
//! - The browser never blocks for more than about one frame: the run advances in
//!   time-boxed chunks ([`FRAME_MS`]), one per animation frame (`platform::next_frame`).
//!   The live `Explorer` sits in a `use_mut_ref`, outside the pure reducer; only the
//!   finished [`ReportData`] reaches the view.
//! - Cancel drops the explorer and the pending frame; nothing of a cancelled run shows.
//! - Every cell is a button. Its outcome is told by colour, by an icon (✓ ⚡ ✖ ⌛ ⚠) and
//!   by its label, never by colour alone. Clicking it opens, in lane B, the explored lane
//!   plus that one re-registration (decisions §24) through `Action::SetLane`.
//! - The engine is reached only through its API (`crate::engine`); timing only through
//!   `platform`.

use crate::engine::explore::releases::Across;
use crate::engine::kernel::si::Slot;
use crate::engine::{self, BuildError, Cell, ExploreResult, Explorer, Lane, Suggestion};
use crate::engine::{Kernel, Outcome, Scenario, StageOrder, release};
use crate::support::vecmap::VecMap;
use crate::ui::platform;
use crate::ui::state::Action;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Simulations per `run` call; the loop re-checks the clock after each call.
pub const CHUNK: usize = 25;
/// Time box of one frame's chunk, in milliseconds.
pub const FRAME_MS: f64 = 8.0;
/// Joint fixes listed under the pairs summary.
const MAX_JOINT: usize = 8;

/// A finished run and what the panel derives from it.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportData {
    pub scenario: Scenario,
    /// The explored lane (lane A when the run started).
    pub base: Lane,
    pub result: ExploreResult,
    /// The minimal counterexample's script, when the base lane fails.
    pub shrunk: Option<String>,
    pub shrunk_len: usize,
    pub original_len: usize,
    pub suggestions: Vec<Suggestion>,
    /// The scenario under every release and stage order.
    pub across: Across,
    /// Wall-clock time of the whole run, and the part spent simulating (microseconds).
    pub wall_us: u64,
    pub busy_us: u64,
}

impl ReportData {
    /// Shrinks and suggests for a finished result.
    pub fn finish(
        scenario: Scenario,
        base: Lane,
        result: ExploreResult,
        wall_us: u64,
        busy_us: u64,
    ) -> ReportData {
        let rep = engine::explore::report::Report::finish(&scenario, &base, result);
        ReportData {
            shrunk_len: rep.shrunk.as_ref().map_or(0, |s| s.entries.len()),
            shrunk: rep.shrunk.as_ref().map(engine::print_script),
            original_len: rep.original_len,
            suggestions: rep.suggestions,
            across: rep.across,
            scenario,
            base: rep.lane,
            result: rep.result,
            wall_us,
            busy_us,
        }
    }

    /// The whole run at once, untimed (tests and snapshots).
    pub fn compute(scenario: &Scenario, base: &Lane) -> Result<ReportData, BuildError> {
        let result = engine::explore(scenario, base)?;
        Ok(ReportData::finish(scenario.clone(), base.clone(), result, 0, 0))
    }
}

/// Icon and words of an outcome.
pub fn outcome_icon(o: Outcome) -> (&'static str, &'static str) {
    let icon = match o {
        Outcome::Clean => "✓",
        Outcome::PageFault => "⚡",
        Outcome::Panic => "✖",
        // ⌛ has no glyph in common Linux/BSD fonts without an emoji font; ∞ (a wait
        // that never ends) renders everywhere.
        Outcome::Stuck => "∞",
        Outcome::Leak => "⚠",
    };
    (icon, o.label())
}

/// "page fault in rib_unsubscribe", "clean".
pub fn cell_words(c: &Cell) -> String {
    let (_, words) = outcome_icon(c.outcome);
    match &c.fault {
        Some(f) if c.outcome != Outcome::Clean => format!("{words} in {}", f.function),
        _ => words.to_string(),
    }
}

/// The test id of a cell: `explorer-cell-<func>-<SUB>-<ORDER>` (decisions §25).
pub fn cell_testid(func: &str, slot: Slot) -> String {
    format!("explorer-cell-{func}-{}", slot.short().replace('/', "-"))
}

fn rate(sims: usize, us: u64) -> u64 {
    (sims as u64).saturating_mul(1_000_000) / us.max(1)
}

/// Groups a number with commas: 12345 → "12,345".
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Idle,
    Running { done: usize, total: usize },
    Cancelled { done: usize, total: usize },
    Failed(String),
    Done,
}

/// The live run, outside the reducer.
#[derive(Default)]
struct Runner {
    explorer: Option<Explorer>,
    frame: Option<platform::Frame>,
    input: Option<(Scenario, Lane)>,
    started: f64,
    busy: f64,
}

type Setters = (UseStateSetter<Phase>, UseStateSetter<Option<Rc<ReportData>>>);

fn schedule(runner: Rc<RefCell<Runner>>, set: Setters) {
    let r = runner.clone();
    let frame = platform::next_frame(Callback::from(move |_| step(r.clone(), set.clone())));
    runner.borrow_mut().frame = Some(frame);
}

/// One frame's work: chunks until the time box is used up, then the next frame.
fn step(runner: Rc<RefCell<Runner>>, set: Setters) {
    let t0 = platform::now_ms();
    let (finished, done, total) = {
        let mut r = runner.borrow_mut();
        let Some(e) = r.explorer.as_mut() else { return };
        let finished = loop {
            let f = e.run(CHUNK);
            if f || platform::now_ms() - t0 >= FRAME_MS {
                break f;
            }
        };
        let (done, total) = (e.done(), e.total());
        r.busy += platform::now_ms() - t0;
        (finished, done, total)
    };
    if !finished {
        set.0.set(Phase::Running { done, total });
        schedule(runner, set);
        return;
    }
    let (explorer, input, wall, busy) = {
        let mut r = runner.borrow_mut();
        let wall = platform::now_ms() - r.started;
        (r.explorer.take(), r.input.take(), wall, r.busy)
    };
    if let (Some(e), Some((sc, lane))) = (explorer, input) {
        let data = ReportData::finish(
            sc,
            lane,
            e.into_result(),
            (wall * 1000.0) as u64,
            (busy * 1000.0) as u64,
        );
        set.1.set(Some(Rc::new(data)));
        set.0.set(Phase::Done);
    }
}

#[derive(Properties, PartialEq)]
pub struct ExplorerProps {
    pub scenario: Rc<Scenario>,
    pub lane_a: Lane,
    pub lane_b: Lane,
    pub dispatch: Callback<Action>,
}

/// The panel: run / cancel, progress, and the report of the last finished run.
#[function_component(ExplorerPanel)]
pub fn explorer_panel(p: &ExplorerProps) -> Html {
    let runner = use_mut_ref(Runner::default);
    let phase = use_state(|| Phase::Idle);
    let report = use_state(|| None::<Rc<ReportData>>);
    {
        let runner = runner.clone();
        use_effect_with((), move |_| {
            move || {
                let mut r = runner.borrow_mut();
                r.frame = None;
                r.explorer = None;
            }
        });
    }
    let run = {
        let (runner, sc, lane) = (runner.clone(), p.scenario.clone(), p.lane_a.clone());
        let set: Setters = (phase.setter(), report.setter());
        Callback::from(move |_: MouseEvent| match Explorer::new(&sc, &lane) {
            Err(e) => set.0.set(Phase::Failed(e.message)),
            Ok(e) => {
                let total = e.total();
                {
                    let mut r = runner.borrow_mut();
                    r.explorer = Some(e);
                    r.input = Some(((*sc).clone(), lane.clone()));
                    r.started = platform::now_ms();
                    r.busy = 0.0;
                }
                set.1.set(None);
                set.0.set(Phase::Running { done: 0, total });
                schedule(runner.clone(), set.clone());
            }
        })
    };
    let cancel = {
        let (runner, phase) = (runner.clone(), phase.clone());
        Callback::from(move |_: MouseEvent| {
            let mut r = runner.borrow_mut();
            r.frame = None;
            r.input = None;
            if let Some(e) = r.explorer.take() {
                phase.set(Phase::Cancelled { done: e.done(), total: e.total() });
            }
        })
    };
    let running = matches!(*phase, Phase::Running { .. });
    let (done, total) = match &*phase {
        Phase::Running { done, total } | Phase::Cancelled { done, total } => (*done, *total),
        Phase::Done => {
            report.as_ref().map_or((0, 0), |d| (d.result.simulations, d.result.simulations))
        }
        _ => (0, 0),
    };
    let pct = (done * 100).checked_div(total).unwrap_or(0);
    let status = match &*phase {
        Phase::Idle => {
            "Tries every destructor at every slot, the three stage orders, and pairs.".to_string()
        }
        Phase::Running { done, total } => format!("Simulating {done} of {total} orders…"),
        Phase::Cancelled { done, total } => format!("Cancelled after {done} of {total} orders."),
        Phase::Failed(m) => format!("The engine cannot build this scenario: {m}"),
        Phase::Done => report.as_ref().map_or(String::new(), |d| {
            format!(
                "{} orders in {} ms ({} per second).",
                thousands(d.result.simulations as u64),
                thousands(d.wall_us / 1000),
                thousands(rate(d.result.simulations, d.wall_us))
            )
        }),
    };
    let order_label = p.lane_a.order.label();
    html! {
        <div class="explorer-panel" data-testid="explorer">
            <div class="x-head">
                <h2>{"Order explorer"}</h2>
                <span class="muted">{format!("scenario × lane A ({order_label})")}</span>
            </div>
            <div class="x-controls">
                <button class="x-run" data-testid="explorer-run" onclick={run} disabled={running}>
                    { if report.is_some() { "Run again" } else { "Run the explorer" } }
                </button>
                if running {
                    <button class="x-cancel" data-testid="explorer-cancel" onclick={cancel}>{"Cancel"}</button>
                }
                <div class="x-progress" data-testid="explorer-progress" role="progressbar"
                    aria-label="Explorer progress" aria-valuemin="0" aria-valuemax={total.to_string()}
                    aria-valuenow={done.to_string()}>
                    <div class="x-bar" style={format!("width:{pct}%")}></div>
                </div>
                <span class="x-status muted" role="status" data-testid="explorer-status">{status}</span>
            </div>
            if !p.lane_b.extra.is_empty() {
                <p class="x-whatif">
                    {"Lane B shows a what-if. "}
                    <button class="x-link" data-testid="explorer-clear-b"
                        onclick={open_b(&p.dispatch, Lane::new(p.lane_b.order).on(p.lane_b.kernel))}>{"Clear lane B's re-registrations"}</button>
                </p>
            }
            { for report.as_ref().map(|d| {
                let stale = d.scenario != *p.scenario || d.base != p.lane_a;
                html! { <ExploreReport data={d.clone()} lane_b={p.lane_b.clone()} {stale} dispatch={p.dispatch.clone()} /> }
            }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ReportProps {
    pub data: Rc<ReportData>,
    /// Lane B now, to mark the cell it shows.
    pub lane_b: Lane,
    /// The scenario or lane A changed since the run.
    #[prop_or_default]
    pub stale: bool,
    pub dispatch: Callback<Action>,
}

fn open_b(dispatch: &Callback<Action>, spec: Lane) -> Callback<MouseEvent> {
    let d = dispatch.clone();
    Callback::from(move |_: MouseEvent| d.emit(Action::SetLane { lane: 1, spec: spec.clone() }))
}

/// The scenario under every release × stage order: each cell opens that lane in lane B.
fn across_table(a: &Across, base: &Lane, dispatch: &Callback<Action>) -> Html {
    let head = html! {
        <tr>
            <th scope="col">{"kernel"}</th>
            { for StageOrder::ALL.iter().map(|o| html! { <th scope="col">{o.label()}</th> }) }
        </tr>
    };
    let body = a.rows.iter().map(|r| {
        let cells = r.cells.iter().map(|(o, c)| {
            let spec = Lane { kernel: r.kernel, order: *o, extra: base.extra.clone() };
            let here = spec == *base;
            let id = format!("explorer-release-{}-{}", r.kernel.slug(), o.slug());
            match c {
                Ok(c) => {
                    let (icon, _) = outcome_icon(c.outcome);
                    let words = cell_words(c);
                    html! {
                        <td>
                            <button class={classes!("x-cell", format!("xc-{}", c.outcome.name()), here.then_some("home"))}
                                data-testid={id} aria-label={format!("{} under {}: {words}. Open in lane B.", release::of(r.kernel).name, o.label())}
                                title={words.clone()} onclick={open_b(dispatch, spec)}>
                                <span aria-hidden="true">{format!("{icon}\u{a0}")}</span>{c.outcome.label()}
                            </button>
                        </td>
                    }
                }
                Err(e) => html! {
                    <td><span class="x-cell xc-error" data-testid={id} title={e.clone()}>{"cannot build"}</span></td>
                },
            }
        });
        html! {
            <tr><th scope="row">{release::of(r.kernel).name}</th>{ for cells }</tr>
        }
    });
    let safe = StageOrder::ALL.iter().map(|o| {
        let words = crate::engine::explore::releases::safe_words(a, *o);
        html! { <li><span class="x-stage">{o.label()}</span>{format!(": first safe {words}")}</li> }
    });
    let errors: Vec<(Kernel, String)> = a
        .rows
        .iter()
        .filter_map(|r| {
            r.cells.iter().find_map(|(_, c)| c.as_ref().err()).map(|e| (r.kernel, e.clone()))
        })
        .collect();
    html! {
        <>
            <div class="x-grid-wrap">
                <table class="x-grid x-releases" data-testid="explorer-releases">
                    <caption>{"The same scenario on each FreeBSD release, under each stage order. Click a cell to open it in lane B."}</caption>
                    <thead>{head}</thead>
                    <tbody>{ for body }</tbody>
                </table>
            </div>
            <ul class="x-list" data-testid="explorer-first-safe">{ for safe }</ul>
            if !errors.is_empty() {
                <ul class="x-list muted">
                    { for errors.iter().map(|(k, e)| html! { <li>{format!("{}: {e}", release::of(*k).name)}</li> }) }
                </ul>
            }
        </>
    }
}

fn chip(c: &Cell) -> Html {
    let (icon, _) = outcome_icon(c.outcome);
    html! { <span class={classes!("x-chip", format!("xc-{}", c.outcome.name()))}>{format!("{icon} {}", cell_words(c))}</span> }
}

/// The grid and everything below it.
#[function_component(ExploreReport)]
pub fn explore_report(p: &ReportProps) -> Html {
    let d = &p.data;
    let r = &d.result;
    let base = &d.base;
    let head = html! {
        <tr>
            <th scope="col" class="x-corner">{"slot ↓ teardown order"}</th>
            { for r.rows.iter().map(|row| html! {
                <th scope="col" class="x-func" title={format!("{} (now at {})", row.func, row.home.short())}>
                    {engine::explore::report::short_func(&row.func)}
                </th>
            }) }
        </tr>
    };
    let body = r.slots.iter().enumerate().map(|(i, slot)| {
        let cells = r.rows.iter().map(|row| {
            let Some(c) = row.cells.get(i) else { return html! { <td></td> } };
            let (icon, _) = outcome_icon(c.outcome);
            let home = row.home == *slot;
            let spec = base.with_extra(&row.func, *slot);
            let picked = p.lane_b == spec;
            let label = format!(
                "{} at {}: {}{}. Open in lane B.",
                row.func,
                slot.short(),
                cell_words(c),
                if home { " (its current slot, ●)" } else { "" }
            );
            html! {
                <td>
                    <button class={classes!("x-cell", format!("xc-{}", c.outcome.name()), home.then_some("home"), picked.then_some("picked"))}
                        data-testid={cell_testid(&row.func, *slot)} title={label.clone()} aria-label={label}
                        aria-pressed={picked.to_string()} onclick={open_b(&p.dispatch, spec)}>
                        <span class="x-icon" aria-hidden="true">{icon}</span>
                        if home { <span class="x-home" aria-hidden="true">{"●"}</span> }
                    </button>
                </td>
            }
        });
        html! { <tr><th scope="row" class="x-slot">{slot.short()}</th>{ for cells }</tr> }
    });
    let legend = [Outcome::Clean, Outcome::PageFault, Outcome::Panic, Outcome::Stuck, Outcome::Leak]
        .into_iter()
        .map(|o| {
            let (icon, words) = outcome_icon(o);
            html! { <span class="x-key"><span class={classes!("x-swatch", format!("xc-{}", o.name()))} aria-hidden="true">{icon}</span>{words}</span> }
        });
    let base_line = r.base.as_ref().map(|c| {
        html! { <p class="x-base">{format!("Lane A as explored ({}, {}): ", release::of(base.kernel).name, base.order.label())}{chip(c)}</p> }
    });
    let safe = r.rows.iter().map(|row| {
        let safe: Vec<String> = r.safe_slots(&row.func).iter().map(|s| s.short()).collect();
        let mut fails: VecMap<String, usize> = VecMap::new();
        for c in row.cells.iter().filter(|c| !c.is_clean()) {
            *fails.get_or_default(cell_words(c)) += 1;
        }
        html! {
            <li>
                <code>{&row.func}</code><span class="muted">{format!(" (at {})", row.home.short())}</span>{": "}
                if safe.is_empty() { <span class="x-none">{"no safe slot"}</span> }
                else { <span class="x-safe">{format!("safe at {}", safe.join(", "))}</span> }
                { for fails.iter().map(|(w, n)| html! {
                    <span class="x-fail">{format!("; {w}: {n} slot{}", if *n == 1 { "" } else { "s" })}</span>
                }) }
            </li>
        }
    });
    let stages = r.stages.iter().map(|(o, c)| {
        let spec = Lane { kernel: base.kernel, order: *o, extra: base.extra.clone() };
        html! {
            <li>
                <span class="x-stage">{o.label()}</span>{chip(c)}
                <button class="x-link" data-testid={format!("explorer-stage-{}", o.slug())} onclick={open_b(&p.dispatch, spec)}>{"Open in lane B"}</button>
            </li>
        }
    });
    let clean_pairs = r.pairs.iter().filter(|pc| pc.cell.is_clean()).count();
    let joint = r.joint_fixes();
    let joint_list = joint.iter().take(MAX_JOINT).map(|pc| {
        let mut spec = base.with_extra(&pc.a.0, pc.a.1);
        spec.extra.push(pc.b.clone());
        html! {
            <li>
                {format!("{} at {} with {} at {}", pc.a.0, pc.a.1.short(), pc.b.0, pc.b.1.short())}
                <button class="x-link" onclick={open_b(&p.dispatch, spec)}>{"Try it"}</button>
            </li>
        }
    });
    let load = p.data.shrunk.clone().map(|script| {
        let d = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::SetScript(script.clone())))
    });
    html! {
        <div class="x-report">
            if p.stale {
                <p class="x-stale" role="note">{"The scenario or lane A changed since this run: run again to refresh."}</p>
            }
            {for base_line}
            <div class="x-grid-wrap">
                <table class="x-grid" data-testid="explorer-grid" data-simulations={r.simulations.to_string()}
                    data-wall-us={d.wall_us.to_string()} data-busy-us={d.busy_us.to_string()}>
                    <caption>{"Each cell moves one destructor to one slot (registered after every built-in, so it runs first among equals). Click a cell to open that order in lane B."}</caption>
                    <thead>{head}</thead>
                    <tbody>{ for body }</tbody>
                </table>
            </div>
            <div class="x-legend" aria-label="Legend">
                { for legend }
                <span class="x-key"><span class="x-swatch home" aria-hidden="true">{"●"}</span>{"the destructor's current slot"}</span>
            </div>
            <h3>{"Safe slots"}</h3>
            <ul class="x-list" data-testid="explorer-safe">{ for safe }</ul>
            <h3>{"Stage orders"}<span class="muted">{" (lane A's re-registrations kept)"}</span></h3>
            <ul class="x-list" data-testid="explorer-stages">{ for stages }</ul>
            <h3>{"Across releases"}<span class="muted">{" (lane A's re-registrations kept)"}</span></h3>
            {across_table(&d.across, base, &p.dispatch)}
            <h3>{"Pairs"}</h3>
            <p data-testid="explorer-pairs">
                {format!("{} pairs tried, {} clean; {} clean only when both move.", r.pairs.len(), clean_pairs, joint.len())}
                if r.capped {
                    <strong class="x-cap">{format!(" The cap of {} simulations stopped the pairs at {} of {}.", thousands(crate::engine::explore::CAP as u64), r.pairs.len(), r.pairs_wanted)}</strong>
                }
            </p>
            if !joint.is_empty() { <ul class="x-list">{ for joint_list }</ul> }
            if let Some(script) = &p.data.shrunk {
                <h3>{"Minimal counterexample"}</h3>
                <p class="muted">{format!("{} of {} commands still fail the same way under {}.", d.shrunk_len, d.original_len, base.order.label())}</p>
                <pre class="x-shrunk" data-testid="explorer-shrunk">{script}</pre>
                <button class="x-link" data-testid="explorer-load-shrunk" onclick={load}>{"Load it into the editor"}</button>
            }
            <h3>{"Dependency cycles"}</h3>
            if d.suggestions.is_empty() {
                <p class="muted">{"No cycle at the start of the teardown."}</p>
            } else {
                <ol class="x-list x-sugg">
                    { for d.suggestions.iter().enumerate().map(|(i, s)| {
                        let spec = s.lane.lane(base);
                        html! {
                            <li>
                                <p>{&s.cycle}</p>
                                <p><strong>{"Fix: "}</strong>{&s.fix}</p>
                                if spec != *base {
                                    <button class="x-link" data-testid={format!("explorer-try-{i}")} onclick={open_b(&p.dispatch, spec)}>{"Try it in lane B"}</button>
                                }
                            </li>
                        }
                    }) }
                </ol>
            }
        </div>
    }
}
