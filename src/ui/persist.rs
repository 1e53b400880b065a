//! Never lose work: autosave, the address bar, opening links, snapshots and the bad-link
//! explanation.
//!
//! Invariants:
//! - Everything stored is a share-link fragment (`v1.…`, raw strings in localStorage, no
//!   serde_json): the work under [`WORK_KEY`], the snapshots under [`SNAPSHOTS_KEY`] as
//!   `name TAB fragment` lines.
//! - Opening a link never overwrites local work: when the link's scenario or lanes differ
//!   from the work, the work is first kept as a named snapshot ([`open_link`]).
//! - A bad link changes nothing but `link_error`; the work and the address bar stay.
//! - Embed mode never writes storage (an embedded view is not the reader's own work).
//! - The decisions are pure functions here, tested natively; `use_persistence` only wires
//!   them to the browser through `platform`.

use crate::share::link::{self, LinkState};
use crate::ui::platform;
use crate::ui::state::{Action, State};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// localStorage key of the autosaved work.
pub const WORK_KEY: &str = "vnet-playground.work";
/// localStorage key of the last fragment the app itself wrote into the address bar.
pub const URL_KEY: &str = "vnet-playground.url";
/// localStorage key of the snapshots.
pub const SNAPSHOTS_KEY: &str = "vnet-playground.snapshots";
/// The most snapshots kept; the oldest go first.
pub const MAX_SNAPSHOTS: usize = 30;
/// How long the address bar, and the autosave of a step alone, wait for things to settle.
pub const HASH_DEBOUNCE_MS: u32 = 250;
/// The name prefix of the snapshot taken before a link replaces the work.
pub const BEFORE_LINK: &str = "Your work before opening a link";
/// The name prefix of the snapshot taken before a snapshot replaces the work.
pub const BEFORE_SNAPSHOT: &str = "Your work before opening a snapshot";

/// One saved state: a name and its link fragment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub name: String,
    pub fragment: String,
}

/// Reads the stored snapshot list (unreadable lines are skipped).
pub fn parse_snapshots(stored: &str) -> Vec<Snapshot> {
    stored
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .filter(|(n, f)| !n.is_empty() && f.starts_with(link::PREFIX))
        .map(|(n, f)| Snapshot { name: n.to_string(), fragment: f.to_string() })
        .collect()
}

/// The stored form of a snapshot list.
pub fn format_snapshots(list: &[Snapshot]) -> String {
    list.iter().map(|s| format!("{}\t{}\n", clean_name(&s.name), s.fragment)).collect()
}

fn clean_name(name: &str) -> String {
    name.chars().map(|c| if c == '\t' || c == '\n' || c == '\r' { ' ' } else { c }).collect()
}

/// Whether two states are the same work (scenario and lanes; the step and embed flag are
/// only a view of it).
pub fn same_work(a: &LinkState, b: &LinkState) -> bool {
    a.scenario == b.scenario && a.lanes == b.lanes
}

/// Adds `work` to the list as "`prefix`, n" unless the same work is already kept; keeps
/// at most [`MAX_SNAPSHOTS`]. Returns whether the list changed.
pub fn keep_snapshot(list: &mut Vec<Snapshot>, prefix: &str, work: &LinkState) -> bool {
    let kept =
        list.iter().any(|s| link::decode(&s.fragment).is_ok_and(|old| same_work(&old, work)));
    if kept {
        return false;
    }
    let n = list
        .iter()
        .filter_map(|s| s.name.rsplit_once(", ").and_then(|(_, n)| n.parse::<usize>().ok()))
        .max()
        .unwrap_or(0)
        + 1;
    let mut w = work.clone();
    w.embed = false;
    list.push(Snapshot { name: format!("{prefix}, {n}"), fragment: link::encode(&w) });
    if list.len() > MAX_SNAPSHOTS {
        list.remove(0);
    }
    true
}

/// What to do with a fragment from the address bar.
#[derive(Clone, Debug, PartialEq)]
pub enum Opened {
    /// Nothing to open (no fragment, or the app's own last fragment): keep the work.
    Nothing,
    /// Open this state; if `keep` is set, first keep that work as a snapshot.
    Link { link: Box<LinkState>, keep: Option<Box<LinkState>> },
    /// The fragment is not a usable link: show this explanation and keep the work.
    Bad(String),
}

/// Decides what a fragment means for the current work. `own` is the last fragment the app
/// itself wrote (so a reload of a not-yet-updated address bar never beats the autosave).
pub fn open_link(fragment: &str, work: Option<&LinkState>, own: Option<&str>) -> Opened {
    let fragment = fragment.trim_start_matches('#');
    if fragment.trim().is_empty() || own == Some(fragment) {
        return Opened::Nothing;
    }
    match link::decode(fragment) {
        Err(e) => Opened::Bad(format!(
            "{e} Your work was not changed: it is still here, and autosaved in this browser."
        )),
        Ok(l) => {
            if work.is_some_and(|w| same_work(w, &l) && w.step == l.step && w.embed == l.embed) {
                return Opened::Nothing;
            }
            let keep = work.filter(|w| !l.embed && !same_work(w, &l)).cloned().map(Box::new);
            Opened::Link { link: Box::new(l), keep }
        }
    }
}

/// The state at start-up: the autosaved work, or the seed, then the address bar's link on
/// top (with the work kept as a snapshot if they differ, and the snapshot list to store).
/// Only the state that opens is simulated; it is the start's first frame
/// (`State::starting`: the graphs follow frame by frame).
pub fn startup(
    theme: platform::Theme,
    stored_work: Option<&str>,
    own: Option<&str>,
    fragment: &str,
    snapshots: &mut Vec<Snapshot>,
) -> State {
    let work = stored_work.and_then(|w| link::decode(w).ok());
    match open_link(fragment, work.as_ref(), own) {
        Opened::Nothing => State::starting(work.as_ref(), theme),
        Opened::Bad(msg) => {
            let mut state = State::starting(work.as_ref(), theme);
            state.link_error = Some(msg);
            state
        }
        Opened::Link { link, keep } => {
            if let Some(k) = keep {
                keep_snapshot(snapshots, BEFORE_LINK, &k);
            }
            State::starting(Some(&link), theme)
        }
    }
}

/// The stored snapshots.
pub fn load_snapshots() -> Vec<Snapshot> {
    platform::storage_get(SNAPSHOTS_KEY).map(|s| parse_snapshots(&s)).unwrap_or_default()
}

fn save_snapshots(list: &[Snapshot]) {
    platform::storage_set(SNAPSHOTS_KEY, &format_snapshots(list));
}

/// The app's start-up state (reads the address bar and localStorage; may store a
/// snapshot of the work a link replaces).
pub fn initial_state(theme: platform::Theme) -> State {
    let mut snaps = load_snapshots();
    let before = snaps.clone();
    let stored = platform::storage_get(WORK_KEY);
    let own = platform::storage_get(URL_KEY);
    let state =
        startup(theme, stored.as_deref(), own.as_deref(), &platform::read_hash(), &mut snaps);
    if snaps != before {
        save_snapshots(&snaps);
    }
    state
}

/// Autosave, the debounced address bar and hashchange handling. Returns the snapshot list
/// (kept in sync with storage) for the Snapshots menu.
#[hook]
pub fn use_persistence(state: &State, dispatch: Callback<Action>) -> UseStateHandle<Vec<Snapshot>> {
    let snapshots = use_state(load_snapshots);
    let current: Rc<RefCell<LinkState>> = use_mut_ref(LinkState::default);
    let pending: Rc<RefCell<Option<platform::TimeoutHandle>>> = use_mut_ref(|| None);
    let link_state = state.link_state();
    *current.borrow_mut() = link_state.clone();
    let saved_work: Rc<RefCell<Option<LinkState>>> = use_mut_ref(|| None);
    {
        let pending = pending.clone();
        use_effect_with(link_state, move |ls| {
            // A new scenario or new lanes are the reader's work: autosave them at once. A
            // step alone is only a view of the work: it waits with the address bar until
            // stepping settles, so a step never pays for encoding the link. So does the
            // state the app starts with (the autosave itself, the seed, or a link that is
            // still in the address bar), so the start's first tasks encode no link.
            let started = saved_work.borrow().is_some();
            let changed_work = !saved_work.borrow().as_ref().is_some_and(|w| same_work(w, ls));
            if started && changed_work && !ls.embed {
                platform::storage_set(WORK_KEY, &link::encode(ls));
            }
            *saved_work.borrow_mut() = Some(ls.clone());
            let ls = ls.clone();
            let write = Callback::from(move |_| {
                let fragment = link::encode(&ls);
                platform::replace_hash(&fragment);
                if !ls.embed {
                    platform::storage_set(WORK_KEY, &fragment);
                    platform::storage_set(URL_KEY, &fragment);
                }
            });
            *pending.borrow_mut() = Some(platform::after(HASH_DEBOUNCE_MS, write));
        });
    }
    {
        let snapshots = snapshots.clone();
        use_effect_with((), move |_| {
            let h = platform::on_hashchange(Callback::from(move |fragment: String| {
                let work = current.borrow().clone();
                // replaceState never fires hashchange: every hashchange is the reader's
                // (back/forward, a pasted link), so the app's own last fragment is no
                // reason to ignore it.
                match open_link(&fragment, Some(&work), None) {
                    Opened::Nothing => {}
                    Opened::Bad(msg) => {
                        pending.borrow_mut().take();
                        dispatch.emit(Action::SetLinkError(Some(msg)));
                        let own = link::encode(&work);
                        platform::replace_hash(&own);
                        platform::storage_set(URL_KEY, &own);
                    }
                    Opened::Link { link, keep } => {
                        pending.borrow_mut().take();
                        if let Some(k) = keep {
                            let mut list = load_snapshots();
                            if keep_snapshot(&mut list, BEFORE_LINK, &k) {
                                save_snapshots(&list);
                            }
                            snapshots.set(list);
                        }
                        dispatch.emit(Action::LoadLink(link));
                    }
                }
            }));
            move || h.release()
        });
    }
    snapshots
}

#[derive(Properties, PartialEq)]
pub struct SnapshotsProps {
    pub snapshots: UseStateHandle<Vec<Snapshot>>,
    /// The current work, kept as a snapshot before another one replaces it.
    pub work: Rc<LinkState>,
    pub dispatch: Callback<Action>,
}

/// The "Snapshots" menu: reopen (or forget) a kept state.
#[function_component(SnapshotsMenu)]
pub fn snapshots_menu(p: &SnapshotsProps) -> Html {
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let list = (*p.snapshots).clone();
    let items = list.iter().enumerate().rev().map(|(i, s)| {
        let reopen = {
            let (d, snaps, work, open) =
                (p.dispatch.clone(), p.snapshots.clone(), p.work.clone(), open.clone());
            let fragment = s.fragment.clone();
            Callback::from(move |_: MouseEvent| match link::decode(&fragment) {
                Ok(l) => {
                    let mut all = load_snapshots();
                    if !same_work(&work, &l) && keep_snapshot(&mut all, BEFORE_SNAPSHOT, &work) {
                        save_snapshots(&all);
                    }
                    snaps.set(all);
                    open.set(false);
                    d.emit(Action::LoadLink(Box::new(l)));
                }
                Err(e) => d.emit(Action::SetLinkError(Some(e.to_string()))),
            })
        };
        let forget = {
            let snaps = p.snapshots.clone();
            let fragment = s.fragment.clone();
            Callback::from(move |_: MouseEvent| {
                let mut all = load_snapshots();
                all.retain(|x| x.fragment != fragment);
                save_snapshots(&all);
                snaps.set(all);
            })
        };
        html! {
            <li key={format!("{i}-{}", s.name)}>
                <button class="snap-open" data-testid={format!("snapshot-open-{i}")} onclick={reopen}>{&s.name}</button>
                <button class="icon-button snap-forget" data-testid={format!("snapshot-forget-{i}")} onclick={forget}
                    aria-label={format!("Forget {}", s.name)} title="Forget this snapshot">{"×"}</button>
            </li>
        }
    });
    html! {
        <div class="menu snapshots">
            <button class="top-button" data-testid="snapshots-button" onclick={toggle}
                aria-expanded={open.to_string()} aria-haspopup="true">
                {format!("Snapshots ({})", list.len())}
            </button>
            if *open {
                <div class="menu-panel" data-testid="snapshots-menu" role="menu">
                    <p class="muted">{"States kept when a link or snapshot replaced your work. Opening one keeps the current work too."}</p>
                    if list.is_empty() {
                        <p class="muted">{"No snapshots yet."}</p>
                    } else {
                        <ul>{ for items }</ul>
                    }
                </div>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct LinkErrorProps {
    pub message: String,
    pub dispatch: Callback<Action>,
}

/// The explanation of a link that could not be opened, dismissible.
#[function_component(LinkErrorBanner)]
pub fn link_error_banner(p: &LinkErrorProps) -> Html {
    let dismiss = {
        let d = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::SetLinkError(None)))
    };
    html! {
        <div class="link-error" role="alert" data-testid="link-error">
            <strong>{"This link could not be opened. "}</strong>
            <span data-testid="link-error-message">{&p.message}</span>
            <button class="icon-button" data-testid="link-error-dismiss" onclick={dismiss} aria-label="Dismiss">{"×"}</button>
        </div>
    }
}
