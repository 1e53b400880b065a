//! The app's one reducer: `State` plus `enum Action`, and `impl Reducible`.
//!
//! Invariants:
//! - Pure: no browser call, no clock. It compiles and is tested natively.
//! - The scenario is the only model. Canvas edits and script edits both produce a new
//!   `Scenario`; the summary, the script text, both lanes' traces and the graph layout
//!   are derived from it in `commit`, and nowhere else (the layout of the start's first
//!   frame comes one frame later, with `Action::DrawMore`: see `graphs_drawn`).
//! - Simulation happens only when the scenario or a lane changes, never on a step.
//! - The user's work is never lost: an unparsable script keeps the last valid scenario on
//!   the canvas; a scenario the engine cannot build is kept and shows its error; every
//!   scenario change can be undone.
//! - `step` is always within `0..=len()`.

use crate::engine::input::canvas::{self as edits, Loc, Sel, Summary};
use crate::engine::kernel::si::Slot;
use crate::engine::{self, Lane, ScriptError};
use crate::engine::{Driver, IfOp, Kernel, Prefix, StageOrder, Trace};
use crate::share::link::{LaneState, LinkState};
use crate::ui::graph::{GraphLayout, graph_layout};
use crate::ui::platform::Theme;
use std::rc::Rc;
use yew::Reducible;

/// A lane's simulation result.
pub use crate::ui::graph::Run;

/// How far back undo goes.
pub const UNDO_DEPTH: usize = 100;

/// The number of lanes, and of graphs a complete page draws.
pub const LANES: usize = 2;

/// Playback speeds in milliseconds per step, slowest first.
pub const SPEEDS: [u32; 4] = [1600, 900, 450, 200];

/// Everything the app shows.
#[derive(Clone, Debug)]
pub struct State {
    /// The last valid scenario: what the canvas shows and the lanes simulate.
    /// Shared, so cloning the state for a step (the reducer does) never copies it.
    pub scenario: Rc<crate::engine::Scenario>,
    pub summary: Rc<Summary>,
    /// The script text as the user typed it (may not parse).
    pub script: String,
    /// The script line of each scenario entry.
    pub lines: Vec<usize>,
    pub script_error: Option<ScriptError>,
    /// Why the last canvas edit was refused, if it was.
    pub edit_error: Option<String>,
    pub lanes: [Lane; 2],
    pub runs: Rc<[Run; 2]>,
    /// The layout of both lanes' objects, once `graphs_drawn > 0` (empty before).
    pub graph: Rc<GraphLayout>,
    /// How many lanes' graphs the page draws, 0 to `LANES`. The start draws its first frame
    /// without them (`State::starting`), then one more lane's graph after each frame
    /// (`Action::DrawMore`, computing the layout with the first), so that no task of the
    /// start runs long. Every other state draws both.
    pub graphs_drawn: usize,
    pub step: usize,
    pub playing: bool,
    /// Index into `SPEEDS`.
    pub speed: usize,
    pub selection: Option<Sel>,
    /// The preset last loaded, while the scenario is still that preset.
    pub preset: Option<String>,
    pub shortcuts_open: bool,
    /// Whether the builder is folded to a strip, so the lanes and their graphs get the
    /// room (Play folds it, and the scenario gallery with it; a click on the strip or the
    /// `b` key brings them back).
    pub builder_folded: bool,
    pub theme: Theme,
    /// Earlier (scenario, lanes) pairs, newest last; at most `UNDO_DEPTH`.
    pub undo: Vec<Undoable>,
    pub redo: Vec<Undoable>,
    /// Embed mode (from a link): read-only, minimal chrome. Edits are ignored.
    pub embed: bool,
    /// Why the last link could not be opened (shown until dismissed; the work is untouched).
    pub link_error: Option<String>,
}

/// What one undo step restores: the scenario and both lanes (stepping is not an edit).
pub type Undoable = (Rc<crate::engine::Scenario>, [Lane; 2]);

/// Which way the cursor moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Go {
    First,
    Prev,
    Next,
    Last,
    To(usize),
}

/// Everything the user can do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The script editor's text changed.
    SetScript(String),
    LoadPreset(String),
    /// Opens a scenario made elsewhere (an import): one undoable edit.
    /// An imported scenario, with the host's release for both lanes when it was read.
    LoadScenario(crate::engine::Scenario, Option<Kernel>),
    AddJail {
        parent: Loc,
        vnet: bool,
        pos: Option<(i16, i16)>,
    },
    AddIface {
        driver: Driver,
        loc: Loc,
        pos: Option<(i16, i16)>,
    },
    AddProcess {
        jail: String,
    },
    /// A route from a tunnel to its outer destination through interface `via`.
    AddTunnelRoute {
        tunnel: Sel,
        via: String,
    },
    AddRoute {
        loc: Loc,
        dest: Prefix,
        via: String,
    },
    /// Removes one command (a route, a process line) by its entry index.
    DeleteEntry(usize),
    /// Moves an object on the canvas (a layout hint).
    MoveTo {
        sel: Sel,
        pos: (i16, i16),
    },
    /// Drops an object into another container: loans an interface, nests a jail.
    Reparent {
        sel: Sel,
        to: Loc,
    },
    Rename {
        sel: Sel,
        name: String,
    },
    Delete(Sel),
    /// Sets (or clears) an interface's tunnel, address, fib or up.
    SetIfaceProp {
        loc: Loc,
        name: String,
        kind: IfOp,
        op: Option<IfOp>,
    },
    /// Sets a vlan's tag and parent, or takes the parent away.
    SetVlan {
        loc: Loc,
        name: String,
        cfg: Option<(u16, String)>,
    },
    /// Adds `member` to (or removes it from) the bridge or lagg `agg`.
    Member {
        loc: Loc,
        agg: String,
        member: String,
        add: bool,
    },
    /// Leaves a hook out (a `without FUNC` what-if line), or puts it back.
    SetWithout {
        func: String,
        on: bool,
    },
    /// Loads (or unloads) a kernel module with a `kldload` line.
    SetModule {
        module: String,
        on: bool,
    },
    SetPersist {
        jail: String,
        on: bool,
    },
    /// The `noreap J` what-if: the jail's processes are never reaped.
    SetNoReap {
        jail: String,
        on: bool,
    },
    SetRouteCache(bool),
    /// Re-registers a destructor at a slot (or drops the re-registration).
    SetSysuninit {
        func: String,
        slot: Option<Slot>,
    },
    Select(Option<Sel>),
    SetLaneOrder {
        lane: usize,
        order: StageOrder,
    },
    SetLaneKernel {
        lane: usize,
        kernel: Kernel,
    },
    Go(Go),
    TogglePlay,
    /// One playback tick: the next step, or stop at the end.
    Tick,
    SetSpeed(usize),
    SetShortcuts(bool),
    /// Folds the builder to a strip (true) or brings it back (false).
    SetBuilderFolded(bool),
    SetTheme(Theme),
    Undo,
    Redo,
    DismissError,
    /// Opens a link's state (a shared link, a snapshot, the autosave): scenario, lanes,
    /// step and embed flag. Undoable when it changes the scenario or the lanes.
    LoadLink(Box<LinkState>),
    /// Shows (or, with None, dismisses) why a link could not be opened.
    SetLinkError(Option<String>),
    /// Replaces one lane's order and extra re-registrations (the order explorer opens a
    /// cell or a suggestion in lane B this way, decisions §24) and re-simulates it.
    SetLane {
        lane: usize,
        spec: Lane,
    },
    /// Draws one more lane's graph (the start's frames after the first; the layout comes
    /// with the first graph). Not an edit; nothing once both are drawn.
    DrawMore,
}

impl Action {
    /// Whether this action changes the user's work (refused in embed mode). Stepping,
    /// selecting, theme and undo/redo are not edits.
    pub fn is_edit(&self) -> bool {
        matches!(
            self,
            Action::SetScript(_)
                | Action::LoadPreset(_)
                | Action::AddJail { .. }
                | Action::AddIface { .. }
                | Action::AddProcess { .. }
                | Action::LoadScenario(..)
                | Action::AddTunnelRoute { .. }
                | Action::AddRoute { .. }
                | Action::DeleteEntry(_)
                | Action::MoveTo { .. }
                | Action::Reparent { .. }
                | Action::Rename { .. }
                | Action::Delete(_)
                | Action::SetIfaceProp { .. }
                | Action::SetVlan { .. }
                | Action::Member { .. }
                | Action::SetModule { .. }
                | Action::SetWithout { .. }
                | Action::SetPersist { .. }
                | Action::SetNoReap { .. }
                | Action::SetRouteCache(_)
                | Action::SetSysuninit { .. }
                | Action::SetLaneOrder { .. }
                | Action::SetLaneKernel { .. }
                | Action::SetLane { .. }
                | Action::Undo
                | Action::Redo
        )
    }
}

fn simulate_both(sc: &crate::engine::Scenario, lanes: &[Lane; 2]) -> [Run; 2] {
    let run = |l: &Lane| engine::simulate(sc, l).map(Rc::new);
    [run(&lanes[0]), run(&lanes[1])]
}

impl State {
    /// The state for a scenario script (the seed, or a link), with the player at step 0.
    pub fn from_script(script: &str, preset: Option<String>, theme: Theme) -> State {
        State::from_script_drawing(script, preset, theme, LANES)
    }

    /// The same, drawing `drawn` lanes' graphs (with no layout computed when 0).
    fn from_script_drawing(
        script: &str,
        preset: Option<String>,
        theme: Theme,
        drawn: usize,
    ) -> State {
        let lanes = [Lane::new(StageOrder::Legacy), Lane::new(StageOrder::VnetShutdown)];
        let (scenario, lines, script_error) = match engine::parse_script(script) {
            Ok((sc, lines)) => (sc, lines, None),
            Err(e) => (crate::engine::Scenario::default(), Vec::new(), Some(e)),
        };
        let runs = simulate_both(&scenario, &lanes);
        let graph = if drawn > 0 { graph_layout(&runs) } else { GraphLayout::default() };
        State {
            summary: Rc::new(edits::summarize(&scenario)),
            scenario: Rc::new(scenario),
            script: script.to_string(),
            lines,
            script_error,
            edit_error: None,
            lanes,
            runs: Rc::new(runs),
            graph: Rc::new(graph),
            graphs_drawn: drawn.min(LANES),
            step: 0,
            playing: false,
            speed: 1,
            selection: None,
            preset,
            shortcuts_open: false,
            builder_folded: false,
            theme,
            undo: Vec::new(),
            redo: Vec::new(),
            embed: false,
            link_error: None,
        }
    }

    /// The first-time visitor's state: the seed preset.
    pub fn initial(theme: Theme) -> State {
        State::initial_drawing(theme, LANES)
    }

    fn initial_drawing(theme: Theme, drawn: usize) -> State {
        let presets = engine::gallery();
        match presets.iter().find(|p| p.slug == engine::SEED_SLUG).or(presets.first()) {
            Some(p) => State::from_script_drawing(p.script, Some(p.slug.to_string()), theme, drawn),
            None => State::from_script_drawing("", None, theme, drawn),
        }
    }

    /// The start's first frame: the state of `link` (or the seed's, with None) with no
    /// graph drawn and no layout computed yet; `Action::DrawMore` adds them frame by frame.
    pub fn starting(link: Option<&LinkState>, theme: Theme) -> State {
        match link {
            Some(l) => State::from_link_drawing(l, theme, 0),
            None => State::initial_drawing(theme, 0),
        }
    }

    /// The number of steps of the longer lane (decisions §27).
    pub fn len(&self) -> usize {
        self.runs.iter().map(|r| r.as_ref().map(|t| t.steps.len()).unwrap_or(0)).max().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The trace of lane `i`, if it built.
    pub fn trace(&self, i: usize) -> Option<&Trace> {
        self.runs.get(i).and_then(|r| r.as_ref().ok()).map(|t| t.as_ref())
    }

    /// Installs a new scenario: re-derives everything and simulates both lanes.
    /// `text` is the script as typed (for script edits) or None to print it.
    fn commit(&mut self, sc: crate::engine::Scenario, text: Option<(String, Vec<usize>)>) {
        if sc == *self.scenario && text.is_none() {
            return;
        }
        self.push_undo();
        self.scenario = Rc::new(sc);
        self.install(text);
    }

    /// `commit`, with both lanes moved to `kernel` when given: one undo brings back the
    /// scenario and the lanes before it.
    fn commit_on(
        &mut self,
        sc: crate::engine::Scenario,
        text: Option<(String, Vec<usize>)>,
        kernel: Option<Kernel>,
    ) {
        let Some(k) = kernel.filter(|k| self.lanes.iter().any(|l| l.kernel != *k)) else {
            return self.commit(sc, text);
        };
        self.push_undo();
        self.lanes.iter_mut().for_each(|l| l.kernel = k);
        self.scenario = Rc::new(sc);
        self.install(text);
    }

    /// Records the current (scenario, lanes) for undo and forgets the redo stack.
    fn push_undo(&mut self) {
        self.undo.push((self.scenario.clone(), self.lanes.clone()));
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    /// Derives summary, script, traces and layout from `self.scenario`.
    fn install(&mut self, text: Option<(String, Vec<usize>)>) {
        match text {
            Some((t, lines)) => {
                self.script = t;
                self.lines = lines;
            }
            None => {
                self.script = engine::print_script(&self.scenario);
                self.lines = match engine::parse_script(&self.script) {
                    Ok((_, lines)) => lines,
                    Err(_) => Vec::new(),
                };
            }
        }
        self.script_error = None;
        self.summary = Rc::new(edits::summarize(&self.scenario));
        self.resimulate();
        if let Some(sel) = &self.selection
            && !self.summary.contains(sel)
        {
            self.selection = None;
        }
    }

    fn resimulate(&mut self) {
        let runs = simulate_both(&self.scenario, &self.lanes);
        // Before the first graph is drawn, DrawMore computes the layout.
        self.graph = Rc::new(if self.graphs_drawn > 0 {
            graph_layout(&runs)
        } else {
            GraphLayout::default()
        });
        self.runs = Rc::new(runs);
        self.step = self.step.min(self.len());
        if self.step == self.len() {
            self.playing = false;
        }
    }

    /// Applies a canvas edit to a copy of the scenario and commits it.
    fn edit(&mut self, f: impl FnOnce(&mut crate::engine::Scenario)) {
        let mut sc = (*self.scenario).clone();
        f(&mut sc);
        self.edit_error = None;
        self.preset = None;
        self.commit(sc, None);
    }

    fn go(&mut self, go: Go) {
        let n = self.len();
        self.step = match go {
            Go::First => 0,
            Go::Prev => self.step.saturating_sub(1),
            Go::Next => (self.step + 1).min(n),
            Go::Last => n,
            Go::To(k) => k.min(n),
        };
    }
}

/// Carries canvas positions over from the old scenario to a re-parsed one: an entry gets
/// the position of the first unused old entry with the same command.
pub fn carry_positions(old: &crate::engine::Scenario, new: &mut crate::engine::Scenario) {
    let mut used = vec![false; old.entries.len()];
    for e in new.entries.iter_mut() {
        if let Some(i) =
            old.entries.iter().enumerate().position(|(i, o)| !used[i] && o.command == e.command)
        {
            used[i] = true;
            e.pos = old.entries[i].pos;
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if self.embed && action.is_edit() {
            return self;
        }
        if matches!(action, Action::DrawMore) && self.graphs_drawn >= LANES {
            return self;
        }
        let mut s = (*self).clone();
        match action {
            Action::SetScript(text) => match engine::parse_script(&text) {
                Ok((mut sc, lines)) => {
                    carry_positions(&s.scenario, &mut sc);
                    s.preset = None;
                    s.edit_error = None;
                    if sc == *s.scenario {
                        s.script = text;
                        s.lines = lines;
                        s.script_error = None;
                    } else {
                        s.commit(sc, Some((text, lines)));
                    }
                }
                Err(e) => {
                    s.script = text;
                    s.script_error = Some(e);
                }
            },
            Action::LoadPreset(slug) => {
                if let Some(p) = engine::gallery().into_iter().find(|p| p.slug == slug)
                    && let Ok((sc, lines)) = engine::parse_script(p.script)
                {
                    s.selection = None;
                    s.edit_error = None;
                    // The preset's story is told on its kernel.
                    s.commit_on(sc, Some((p.script.to_string(), lines)), Some(p.kernel));
                    s.preset = Some(slug);
                    s.step = 0;
                    s.playing = false;
                }
            }
            Action::LoadScenario(sc, kernel) => {
                s.selection = None;
                s.edit_error = None;
                s.preset = None;
                s.commit_on(sc, None, kernel);
                s.step = 0;
                s.playing = false;
            }
            Action::AddJail { parent, vnet, pos } => {
                let mut name = String::new();
                s.edit(|sc| name = edits::add_jail(sc, &parent, vnet, pos));
                s.selection = Some(Sel::Jail(name));
            }
            Action::AddIface { driver, loc, pos } => {
                let mut sc = (*s.scenario).clone();
                match edits::add_iface(&mut sc, driver, &loc, pos) {
                    Ok(name) => {
                        s.preset = None;
                        s.edit_error = None;
                        s.commit(sc, None);
                        s.selection = Some(Sel::Iface { loc, name });
                    }
                    Err(e) => s.edit_error = Some(e.0),
                }
            }
            Action::AddProcess { jail } => s.edit(|sc| edits::add_process(sc, &jail)),
            Action::AddTunnelRoute { tunnel, via } => {
                if let Sel::Iface { loc, name } = &tunnel
                    && let Some(t) = s.summary.iface(loc, name).cloned()
                {
                    s.edit(|sc| edits::tunnel_route(sc, &t, &via));
                }
            }
            Action::AddRoute { loc, dest, via } => {
                s.edit(|sc| edits::add_route(sc, &loc, dest, &via))
            }
            Action::DeleteEntry(i) => s.edit(|sc| edits::delete_entry(sc, i)),
            Action::MoveTo { sel, pos } => {
                let mut sc = (*s.scenario).clone();
                edits::set_pos(&mut sc, &sel, pos);
                // A move is only a layout hint: no re-simulation; the canvas summary
                // (which carries positions) is re-derived. One drop (or one arrow key
                // press) is one undo entry.
                if sc != *s.scenario {
                    s.push_undo();
                    s.summary = Rc::new(edits::summarize(&sc));
                    s.scenario = Rc::new(sc);
                }
            }
            Action::Reparent { sel, to } => {
                let mut sc = (*s.scenario).clone();
                let result = edits::reparent(&mut sc, &sel, &to);
                match result {
                    Ok(new_sel) => {
                        s.preset = None;
                        s.edit_error = None;
                        s.commit(sc, None);
                        s.selection = Some(new_sel);
                    }
                    Err(e) => s.edit_error = Some(e.0),
                }
            }
            Action::Rename { sel, name } => {
                let mut sc = (*s.scenario).clone();
                match edits::rename(&mut sc, &sel, &name) {
                    Ok(new_sel) => {
                        s.preset = None;
                        s.edit_error = None;
                        s.commit(sc, None);
                        s.selection = Some(new_sel);
                    }
                    Err(e) => s.edit_error = Some(e.0),
                }
            }
            Action::Delete(sel) => {
                s.edit(|sc| edits::delete(sc, &sel));
                if s.selection.as_ref() == Some(&sel) {
                    s.selection = None;
                }
            }
            Action::SetIfaceProp { loc, name, kind, op } => {
                s.edit(|sc| edits::set_iface_prop(sc, &loc, &name, &kind, op))
            }
            Action::SetModule { module, on } => s.edit(|sc| edits::set_kldload(sc, &module, on)),
            Action::SetWithout { func, on } => s.edit(|sc| edits::set_without(sc, &func, on)),
            Action::SetVlan { loc, name, cfg } => {
                s.edit(|sc| edits::set_vlan(sc, &loc, &name, cfg))
            }
            Action::Member { loc, agg, member, add } => {
                let mut sc = (*s.scenario).clone();
                let result = if add {
                    edits::add_member(&mut sc, &loc, &agg, &member)
                } else {
                    edits::remove_member(&mut sc, &loc, &agg, &member);
                    Ok(())
                };
                match result {
                    Ok(()) => {
                        s.preset = None;
                        s.edit_error = None;
                        s.commit(sc, None);
                    }
                    Err(e) => s.edit_error = Some(e.0),
                }
            }
            Action::SetPersist { jail, on } => s.edit(|sc| edits::set_persist(sc, &jail, on)),
            Action::SetNoReap { jail, on } => s.edit(|sc| edits::set_noreap(sc, &jail, on)),
            Action::SetRouteCache(on) => s.edit(|sc| edits::set_option(sc, edits::ROUTE_CACHE, on)),
            Action::SetSysuninit { func, slot } => {
                s.edit(|sc| edits::set_sysuninit(sc, &func, slot))
            }
            Action::Select(sel) => s.selection = sel,
            Action::SetLaneOrder { lane, order } => {
                if s.lanes.get(lane).is_some_and(|l| l.order != order) {
                    s.push_undo();
                    s.lanes[lane].order = order;
                    s.resimulate();
                }
            }
            Action::SetLaneKernel { lane, kernel } => {
                if s.lanes.get(lane).is_some_and(|l| l.kernel != kernel) {
                    s.push_undo();
                    s.lanes[lane].kernel = kernel;
                    s.resimulate();
                }
            }
            Action::Go(go) => {
                s.go(go);
                s.playing = false;
            }
            Action::TogglePlay => {
                if s.playing {
                    s.playing = false;
                } else if !s.is_empty() {
                    if s.step >= s.len() {
                        s.step = 0;
                    }
                    s.playing = true;
                    // While the teardown plays, the lanes and their graphs get the room.
                    s.builder_folded = true;
                }
            }
            Action::Tick => {
                if s.playing {
                    s.go(Go::Next);
                    if s.step >= s.len() {
                        s.playing = false;
                    }
                }
            }
            Action::SetSpeed(i) => s.speed = i.min(SPEEDS.len() - 1),
            Action::SetShortcuts(open) => s.shortcuts_open = open,
            Action::SetBuilderFolded(folded) => s.builder_folded = folded,
            Action::SetTheme(t) => s.theme = t,
            Action::Undo => {
                if let Some((sc, lanes)) = s.undo.pop() {
                    let cur = std::mem::replace(&mut s.scenario, sc);
                    let cur_lanes = std::mem::replace(&mut s.lanes, lanes);
                    s.redo.push((cur, cur_lanes));
                    s.preset = None;
                    s.install(None);
                }
            }
            Action::Redo => {
                if let Some((sc, lanes)) = s.redo.pop() {
                    let cur = std::mem::replace(&mut s.scenario, sc);
                    let cur_lanes = std::mem::replace(&mut s.lanes, lanes);
                    s.undo.push((cur, cur_lanes));
                    s.preset = None;
                    s.install(None);
                }
            }
            Action::DismissError => s.edit_error = None,
            Action::LoadLink(link) => s.load_link(&link, true),
            Action::SetLinkError(e) => s.link_error = e,
            Action::SetLane { lane, spec } => {
                if s.lanes.get(lane).is_some_and(|l| *l != spec) {
                    s.push_undo();
                    s.lanes[lane] = spec;
                    s.resimulate();
                }
            }
            Action::DrawMore => {
                if s.graphs_drawn == 0 {
                    s.graph = Rc::new(graph_layout(&s.runs));
                }
                s.graphs_drawn += 1;
            }
        }
        Rc::new(s)
    }
}

impl State {
    /// The state a link describes, with empty undo history (a reload, a fresh tab).
    pub fn from_link(link: &LinkState, theme: Theme) -> State {
        State::from_link_drawing(link, theme, LANES)
    }

    fn from_link_drawing(link: &LinkState, theme: Theme, drawn: usize) -> State {
        let mut s = State::from_script_drawing("", None, theme, drawn);
        s.load_link(link, false);
        s
    }

    /// Everything a link carries about this state (decisions §29).
    pub fn link_state(&self) -> LinkState {
        LinkState {
            scenario: self.scenario.clone(),
            lanes: self.lanes.clone().map(|l| LaneState {
                kernel: l.kernel,
                order: l.order,
                extra: l.extra,
            }),
            step: u32::try_from(self.step).unwrap_or(u32::MAX),
            embed: self.embed,
        }
    }

    /// Installs a link's scenario, lanes, step and embed flag; `undoable` records the
    /// current work for undo first (when the link changes it).
    fn load_link(&mut self, link: &LinkState, undoable: bool) {
        let lanes =
            link.lanes.clone().map(|l| Lane { kernel: l.kernel, order: l.order, extra: l.extra });
        if link.scenario != self.scenario || lanes != self.lanes {
            if undoable {
                self.push_undo();
            }
            self.scenario = link.scenario.clone();
            self.lanes = lanes;
            self.selection = None;
            self.edit_error = None;
            self.install(None);
        }
        self.preset = engine::gallery()
            .into_iter()
            .find(|p| engine::parse_script(p.script).is_ok_and(|(sc, _)| sc == *self.scenario))
            .map(|p| p.slug.to_string());
        self.step = usize::try_from(link.step).unwrap_or(usize::MAX).min(self.len());
        self.playing = false;
        self.embed = link.embed;
        self.link_error = None;
    }
}
