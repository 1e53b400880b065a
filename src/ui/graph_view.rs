//! The dependency graph of one lane at one step, as SVG.
//!
//! Invariants:
//! - Positions come from the shared `GraphLayout` (one per scenario, both lanes), so nodes
//!   never jump between steps; only CSS transitions (transform, opacity) animate, and the
//!   stylesheet turns them off under prefers-reduced-motion.
//! - Edge kinds differ by shape, never colour alone: owner = solid with a diamond at the
//!   owner, counted = solid with a filled arrow, raw = dashed with an open arrow,
//!   dangling = dotted with a ✕ at the freed end. Freed objects stay as dashed ghosts.
//! - Every SVG element has a stable key (the object's or reference's key).
//! - Dependency cycles come from the engine (`memo::cycles_at`, tarjan SCCs, memoised until
//!   the edge set changes): their
//!   nodes and edges are outlined (dash-dot, not colour alone) and each cycle's sentence is
//!   listed under the graph.
//! - An interface that moved to another vnet since birth docks under that vnet's cluster
//!   (no re-layout); the transition on `transform` makes it glide.

use crate::engine::{Cycle, EdgeId, EdgeKind, EventKind, ObjId, ObjKind, ObjState, Trace};
use crate::support::vecmap::VecMap;
use crate::ui::by_ptr::ByPtr;
use crate::ui::graph::GraphLayout;
use crate::ui::layout::{NODE_H, NODE_W};
use crate::ui::memo;
use crate::ui::platform;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Above this many objects the graph drops its per-node transitions: on big scenarios the
/// browser's style and paint work for hundreds of animated nodes costs more than a frame.
pub const BIG_GRAPH: usize = 300;

#[derive(Properties, PartialEq)]
pub struct GraphProps {
    pub trace: ByPtr<Trace>,
    pub layout: ByPtr<GraphLayout>,
    pub step: usize,
    /// "a" or "b", to keep marker ids unique per lane.
    pub lane: &'static str,
    /// Draw only what meets this rectangle of the graph (x0, y0, x1, y1, in layout
    /// units): objects and clusters that meet it, and references with an end that does;
    /// None draws everything. See [`GraphFrame`].
    #[prop_or_default]
    pub window: Option<Window>,
    /// The dependency cycles at this step (`memo::cycles_at`), outlined in the graph.
    pub cycles: ByPtr<Vec<Cycle>>,
}

/// A rectangle of the graph in layout units: x0, y0, x1, y1.
pub type Window = [i32; 4];

/// The window is kept in whole tiles of this many layout units, so scrolling re-renders
/// the graph only when it crosses a tile edge, not on every scroll event.
pub const TILE: i32 = 256;

/// The part of the graph worth drawing for a scroll frame showing `size` (width, height)
/// at offset `scroll`, at scale 1: the visible rectangle grown to whole tiles, plus one
/// tile of margin on every side so a short scroll finds the nodes already drawn.
pub fn window_for(scroll: (f64, f64), size: (f64, f64)) -> Window {
    let lo = |v: f64| ((v.max(0.0) as i32) / TILE - 1) * TILE;
    let hi = |v: f64| ((v.max(0.0) as i32) / TILE + 2) * TILE;
    [lo(scroll.0), lo(scroll.1), hi(scroll.0 + size.0), hi(scroll.1 + size.1)]
}

/// Whether the box of a node centred at `at` meets the window.
fn node_meets(w: Option<Window>, at: (f32, f32)) -> bool {
    let (hw, hh) = (NODE_W / 2.0, NODE_H / 2.0);
    meets(w, at.0 - hw, at.1 - hh, at.0 + hw, at.1 + hh)
}

/// Whether the box (x0, y0)–(x1, y1) meets the window (None: everything is in).
fn meets(w: Option<Window>, x0: f32, y0: f32, x1: f32, y1: f32) -> bool {
    w.is_none_or(|[a, b, c, d]| {
        x0.min(x1) <= c as f32
            && x0.max(x1) >= a as f32
            && y0.min(y1) <= d as f32
            && y0.max(y1) >= b as f32
    })
}

/// The dependency graph.
#[function_component(GraphView)]
pub fn graph_view(p: &GraphProps) -> Html {
    let t = &p.trace.0;
    let touched = t.touched(p.step);
    let l = &p.layout.layout;
    let lane = p.lane;
    let cycles = &p.cycles;
    // The cycle each object is in, indexed by ObjId.
    let mut in_cycle: Vec<Option<usize>> = vec![None; t.objects.len()];
    for (i, c) in cycles.iter().enumerate() {
        for o in &c.objects {
            if let Some(slot) = in_cycle.get_mut(o.0 as usize) {
                *slot = Some(i);
            }
        }
    }
    let cycle_of = |o: ObjId| in_cycle.get(o.0 as usize).copied().flatten();
    // Where each object is drawn now. The layout fixes a position per object in the
    // cluster of the vnet it was born in; an interface that has since moved to another
    // vnet (a loan, a return home) docks under that vnet's cluster instead, and the CSS
    // transition on `transform` makes it glide there. No re-layout happens.
    let geo = use_memo((p.trace.clone(), p.layout.clone()), |(t, l)| Geometry::new(t, l));
    // The faulting reference of this step, if any: it pulses.
    let fault_edges: Vec<u32> = t
        .steps
        .get(p.step.wrapping_sub(1))
        .map(|s| {
            s.events
                .iter()
                .filter(|e| matches!(e.kind, EventKind::Fault | EventKind::Dangling))
                .filter_map(|e| e.edge.map(|x| x.0))
                .collect()
        })
        .unwrap_or_default();
    let win = p.window;
    // The view is borrowed from the engine's memo for the rest, never copied.
    let (count, extra_h, edges, nodes) = memo::with_view(t, p.step, |view| {
        // How many interfaces have docked under each cluster so far.
        let mut docked: Vec<usize> = vec![0; l.clusters.len()];
        let mut extra_h = 0.0f32;
        let mut pos: Vec<Option<(f32, f32)>> = vec![None; t.objects.len()];
        for (id, st) in &view.objects {
            let i = id.0 as usize;
            let Some(&home_pos) = geo.home.get(i).and_then(Option::as_ref) else { continue };
            let now =
                st.vnet.and_then(|v| geo.cluster_of_vnet.get(v.0 as usize).copied().flatten());
            let moved = match (now, geo.home_cluster.get(i).copied().flatten()) {
                (Some(n), Some(h)) if n != h && geo.is_ifnet.get(i) == Some(&true) => Some(n),
                _ => None,
            };
            let at = match moved.and_then(|n| l.clusters.get(n).map(|c| (n, c))) {
                Some((n, c)) => {
                    let Some(k) = docked.get_mut(n) else { continue };
                    let x = c.x + NODE_W / 2.0 + 10.0 + *k as f32 * (NODE_W + 10.0);
                    let y = c.y + c.h + NODE_H / 2.0 + 8.0;
                    *k += 1;
                    extra_h = extra_h.max(y + NODE_H / 2.0 + 8.0);
                    (x, y)
                }
                None => home_pos,
            };
            if let Some(slot) = pos.get_mut(i) {
                *slot = Some(at);
            }
        }
        let pos_of = |o: ObjId| pos.get(o.0 as usize).copied().flatten();
        let edges = view.edges.iter().filter_map(|(id, dangling)| {
            let e = t.edges.get(id.0 as usize)?;
            let from = pos_of(e.from)?;
            let to = pos_of(e.to)?;
            // Windowed, a reference is drawn when one of its ends is (as React Flow's
            // onlyRenderVisibleElements does); lines merely passing through are left out.
            if !node_meets(win, from) && !node_meets(win, to) {
                return None;
            }
            let in_cycle =
                !*dangling && cycle_of(e.from).is_some_and(|c| cycle_of(e.to) == Some(c));
            Some(html! {
                <GraphEdge key={id.0} trace={t.clone()} id={*id} {lane} {from} {to} dangling={*dangling}
                    faulting={fault_edges.contains(&id.0)} {in_cycle} />
            })
        });

        let nodes = view.objects.iter().filter_map(|(id, st)| {
            let o = t.objects.get(id.0 as usize)?;
            let (cx, cy) = pos_of(*id)?;
            if !node_meets(win, (cx, cy)) {
                return None;
            }
            Some(html! {
                <GraphNode key={o.key.as_str()} trace={t.clone()} id={*id} x={r(cx - NODE_W / 2.0)} y={r(cy - NODE_H / 2.0)}
                    state={*st} touched={touched.contains(id)} in_cycle={cycle_of(*id).is_some()} />
            })
        });

        (view.objects.len(), extra_h, edges.collect::<Html>(), nodes.collect::<Html>())
    });
    let w = l.width.max(200.0);
    let h = l.height.max(120.0).max(extra_h);
    html! {
        <>
        <svg class={classes!("graph", (count > BIG_GRAPH).then_some("big"))}
            data-drawn={win.map(|_| "window").unwrap_or("all")} data-testid={format!("graph-{lane}")} viewBox={format!("0 0 {} {}", r(w), r(h))}
            style={format!("width:{}px", r(w))} preserveAspectRatio="xMidYMin meet" role="group"
            aria-label={format!("Dependency graph of lane {}, step {}", lane.to_ascii_uppercase(), p.step)}>
            <Markers {lane} />
            <Clusters layout={p.layout.clone()} window={win} />
            <g class="edges">{ edges }</g>
            <g class="nodes">{ nodes }</g>
        </svg>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct MarkersProps {
    lane: &'static str,
}

/// The arrowheads, diamonds and crosses the references end in; ids are per lane.
#[function_component(Markers)]
fn markers(p: &MarkersProps) -> Html {
    let lane = p.lane;
    html! {
        <defs>
            <marker id={format!("arrow-{lane}")} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" class="m-fill" />
            </marker>
            <marker id={format!("arrow-open-{lane}")} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10" class="m-open" />
            </marker>
            <marker id={format!("diamond-{lane}")} viewBox="0 0 12 12" refX="1" refY="6" markerWidth="9" markerHeight="9" orient="auto">
                <path d="M0,6 L6,0 L12,6 L6,12 z" class="m-fill" />
            </marker>
            <marker id={format!("x-{lane}")} viewBox="0 0 12 12" refX="6" refY="6" markerWidth="10" markerHeight="10" orient="auto">
                <path d="M1,1 L11,11 M11,1 L1,11" class="m-x" />
            </marker>
        </defs>
    }
}

#[derive(Properties, PartialEq)]
struct ClustersProps {
    layout: ByPtr<GraphLayout>,
    window: Option<Window>,
}

/// The vnet clusters (boxes with a label) that meet the window. They depend on the
/// layout and the window only, so a step does not re-render them.
#[function_component(Clusters)]
fn clusters(p: &ClustersProps) -> Html {
    let win = p.window;
    let clusters =
        p.layout.layout.clusters.iter().filter(|c| meets(win, c.x, c.y, c.x + c.w, c.y + c.h)).map(
            |c| {
                let label =
                    p.layout.cluster_labels.get(&c.key).cloned().unwrap_or_else(|| c.key.clone());
                html! {
                    <g key={format!("c-{}", c.key)} class="cluster">
                        <rect x={px(c.x)} y={px(c.y)} width={px(c.w)} height={px(c.h)} rx="10" />
                        <text x={px(c.x + 10.0)} y={px(c.y + 17.0)}>{label}</text>
                    </g>
                }
            },
        );
    html! { <g class="clusters">{ for clusters }</g> }
}

#[derive(Properties, PartialEq)]
struct CycleListProps {
    cycles: ByPtr<Vec<Cycle>>,
    lane: &'static str,
}

/// How many cycle sentences a graph lists before it folds the rest behind a button.
pub const CYCLES_SHOWN: usize = 6;

/// The sentences of the dependency cycles under a graph. `cycles_at` hands out the same
/// `Rc` while the cycles stay the same, so a step re-renders this list only when a cycle
/// appears or goes; items are keyed by their first object, so the others stay put. A big
/// scenario can hold a cycle per jail: past [`CYCLES_SHOWN`] the rest wait behind a
/// "Show all" button, which keeps a long, repetitive list out of the page (and out of
/// every step's layout) until the reader asks for it.
#[function_component(CycleList)]
fn cycle_list(p: &CycleListProps) -> Html {
    let all = use_state(|| false);
    if p.cycles.is_empty() {
        return html! {};
    }
    let n = p.cycles.len();
    let shown = if *all { n } else { n.min(CYCLES_SHOWN) };
    let toggle = {
        let all = all.clone();
        Callback::from(move |_: MouseEvent| all.set(!*all))
    };
    html! {
        <ul class="cycles" data-testid={format!("cycles-{}", p.lane)} aria-label="Dependency cycles at this step">
            { for p.cycles.iter().take(shown).map(|c| html! {
                <li key={c.objects.first().map_or(0, |o| o.0)}><span class="cycle-icon" aria-hidden="true">{"⟳"}</span>{marked(&c.sentence)}</li>
            }) }
            if n > CYCLES_SHOWN {
                <li key="more" class="cycles-more">
                    <button class="link-button" data-testid={format!("cycles-more-{}", p.lane)} onclick={toggle}
                        aria-expanded={all.to_string()}>
                        { if *all { "Show fewer cycles".to_string() } else { format!("Show all {n} cycles ({} more)", n - CYCLES_SHOWN) } }
                    </button>
                </li>
            }
        </ul>
    }
}

/// What a lane's graph needs from the layout, indexed by `ObjId` and computed once per
/// trace and layout, so a step looks nothing up by key.
struct Geometry {
    /// Each object's position in its home cluster (None: not laid out).
    home: Vec<Option<(f32, f32)>>,
    /// Each object's home cluster, an index into `Layout::clusters`; `usize::MAX` when
    /// the home cluster has no box.
    home_cluster: Vec<Option<usize>>,
    /// The cluster each vnet object of the trace heads.
    cluster_of_vnet: Vec<Option<usize>>,
    is_ifnet: Vec<bool>,
}

impl Geometry {
    fn new(t: &Trace, g: &GraphLayout) -> Geometry {
        let cluster_index: VecMap<&str, usize> = VecMap::from_pairs(
            g.layout.clusters.iter().enumerate().map(|(i, c)| (c.key.as_str(), i)).collect(),
        );
        let cluster_of_vnet =
            t.objects.iter().map(|o| cluster_index.get(o.key.as_str()).copied()).collect();
        Geometry {
            home: t.objects.iter().map(|o| g.layout.pos.get(&o.key).copied()).collect(),
            home_cluster: t
                .objects
                .iter()
                .map(|o| {
                    g.home_cluster
                        .get(&o.key)
                        .map(|h| cluster_index.get(h.as_str()).copied().unwrap_or(usize::MAX))
                })
                .collect(),
            cluster_of_vnet,
            is_ifnet: t.objects.iter().map(|o| matches!(o.kind, ObjKind::Ifnet(_))).collect(),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct GraphFrameProps {
    pub trace: ByPtr<Trace>,
    pub layout: ByPtr<GraphLayout>,
    pub step: usize,
    pub lane: &'static str,
    /// Draw in full even when big, so an image export holds every object.
    #[prop_or_default]
    pub draw_all: bool,
}

/// What the frame last showed: scroll offset and size, in px.
#[derive(Clone, Copy)]
struct Seen {
    scroll: (f64, f64),
    size: (f64, f64),
}

/// Whether a layout is big enough to be drawn windowed (see [`GraphFrame`]).
pub fn is_big(layout: &GraphLayout) -> bool {
    layout.layout.pos.len() > BIG_GRAPH
}

/// The scrollable frame around a lane's graph.
///
/// - Small graphs shrink to fit the lane by default; "Actual size" shows them at full
///   scale, scrollable, for reading labels.
/// - Big graphs ([`is_big`]) open at actual size and are drawn windowed: only what meets
///   the visible part of the frame plus a margin ([`window_for`]) is in the DOM, so a step
///   costs the browser a few dozen nodes, not a thousand. The frame follows the teardown:
///   when a step touches objects and none of them is in view, it scrolls to the nearest
///   ([`follow`]).
///   "Fit" still shows the whole graph, drawn in full, as the reader's explicit choice.
/// - The choice is per lane and is not an edit.
#[function_component(GraphFrame)]
pub fn graph_frame(p: &GraphFrameProps) -> Html {
    let big = is_big(&p.layout);
    // The reader's choice, and whether the graph was big when it was made: a choice made
    // for a small graph does not carry over to a big one, or back.
    let choice = use_state(|| None::<(bool, bool)>);
    let zoomed = match *choice {
        Some((for_big, z)) if for_big == big => z,
        _ => big,
    };
    let frame = use_node_ref();
    let window = use_state_eq(|| window_for((0.0, 0.0), (1600.0, 900.0)));
    let toggle = {
        let choice = choice.clone();
        use_memo((big, zoomed), move |&(big, zoomed)| {
            Callback::from(move |_: MouseEvent| choice.set(Some((big, !zoomed))))
        })
    };
    let windowed = big && zoomed && !p.draw_all;
    // The frame's scroll offset and size, read on scroll and when windowing starts, so a
    // step never forces the browser to lay out early just to ask.
    let seen: Rc<RefCell<Option<Seen>>> = use_mut_ref(|| None);
    let measure = {
        let (frame, window, seen) = (frame.clone(), window.clone(), seen.clone());
        move || {
            if let Some((_, _, w, h)) = platform::rect(&frame) {
                let at = platform::scroll(&frame);
                *seen.borrow_mut() = Some(Seen { scroll: at, size: (w, h) });
                window.set(window_for(at, (w, h)));
            }
        }
    };
    // Made once: the handles it holds stay valid across renders, and a step then does not
    // hand the frame a new listener.
    let onscroll = {
        let measure = measure.clone();
        use_memo((), move |_| Callback::from(move |_: Event| measure()))
    };
    use_effect_with(windowed, move |on| {
        if *on {
            measure();
        }
    });
    {
        // Follow the teardown on big graphs. The new window is drawn at once; the scroll
        // waits for the next animation frame, so the browser lays the page out once, with
        // both, instead of once for the scroll and again for the nodes it brings in.
        let (frame, window, seen) = (frame.clone(), window.clone(), seen.clone());
        let (trace, layout) = (p.trace.0.clone(), p.layout.0.clone());
        let scroll_frame: Rc<RefCell<Option<platform::Frame>>> = use_mut_ref(|| None);
        use_effect_with((p.step, windowed), move |&(step, on)| {
            let Some(Seen { scroll, size }) = *seen.borrow() else { return };
            if !on {
                return;
            }
            let at: Vec<(f32, f32)> = trace
                .touched(step)
                .iter()
                .filter_map(|id| trace.objects.get(id.0 as usize))
                .filter_map(|o| layout.layout.pos.get(&o.key).copied())
                .collect();
            if let Some(to) = follow(&at, scroll, size) {
                *seen.borrow_mut() = Some(Seen { scroll: to, size });
                window.set(window_for(to, size));
                let frame = frame.clone();
                *scroll_frame.borrow_mut() =
                    Some(platform::next_frame(Callback::from(move |_| {
                        platform::scroll_to(&frame, to)
                    })));
            }
        });
    }
    let label = if zoomed { "⤡ Fit" } else { "⤢ Actual size" };
    let title = match (zoomed, big) {
        (true, true) => "Show the whole graph, drawn in full (slower on a graph this big)",
        (true, false) => "Fit the graph to the lane",
        (false, _) => "Show the graph at actual size",
    };
    // Dependency cycles at this step, from the engine (objects and sentences).
    let cycles = memo::cycles_at(&p.trace.0, p.step);
    html! {
        <>
        <div class={classes!("graph-wrap", zoomed.then_some("zoomed"), windowed.then_some("windowed"))}
            ref={frame} onscroll={(*onscroll).clone()}>
            <button class="graph-zoom" data-testid={format!("graph-zoom-{}", p.lane)} onclick={(*toggle).clone()}
                aria-pressed={zoomed.to_string()} {title}>
                {label}
            </button>
            <GraphView trace={p.trace.clone()} layout={p.layout.clone()} step={p.step} lane={p.lane}
                window={windowed.then_some(*window)} cycles={cycles.clone()} />
        </div>
        // Under the frame, not inside it: in a big graph's scroll area the list would sit
        // below thousands of pixels of drawing.
        <CycleList {cycles} lane={p.lane} />
        </>
    }
}

/// Where to scroll so the teardown stays in view: None when one of the points (object
/// centres, layout units) is already visible in the frame at `scroll` with `size`, or
/// when there are none; else the scroll offset that centres the point nearest to the
/// current view, so the frame moves as little as it can.
pub fn follow(points: &[(f32, f32)], scroll: (f64, f64), size: (f64, f64)) -> Option<(f64, f64)> {
    let (hw, hh) = (f64::from(NODE_W) / 2.0, f64::from(NODE_H) / 2.0);
    let visible = |&(x, y): &(f32, f32)| {
        let (x, y) = (f64::from(x), f64::from(y));
        x - hw >= scroll.0
            && x + hw <= scroll.0 + size.0
            && y - hh >= scroll.1
            && y + hh <= scroll.1 + size.1
    };
    if points.iter().any(visible) {
        return None;
    }
    let centre = (scroll.0 + size.0 / 2.0, scroll.1 + size.1 / 2.0);
    let dist = |&(x, y): &(f32, f32)| {
        (f64::from(x) - centre.0).powi(2) + (f64::from(y) - centre.1).powi(2)
    };
    let (x, y) = *points.iter().min_by(|a, b| dist(a).total_cmp(&dist(b)))?;
    Some(((f64::from(x) - size.0 / 2.0).max(0.0), (f64::from(y) - size.1 / 2.0).max(0.0)))
}

/// One object as the graph draws it at a step: only ids and small values, so the graph
/// compares a node's props in a few word compares and builds its strings only when the
/// node itself changed.
#[derive(Properties, PartialEq)]
struct NodeProps {
    trace: ByPtr<Trace>,
    id: ObjId,
    x: i32,
    y: i32,
    state: ObjState,
    touched: bool,
    in_cycle: bool,
}

/// One object of the graph. A component with cheap `PartialEq` props, so a step
/// re-renders only the nodes whose state changed.
#[function_component(GraphNode)]
fn graph_node(p: &NodeProps) -> Html {
    let o = p.trace.object(p.id);
    let st = &p.state;
    let class = classes!(
        "node",
        format!("k-{}", kind_class(o.kind)),
        st.freed.then_some("ghost"),
        st.faulted.then_some("faulted"),
        p.touched.then_some("touched"),
        p.in_cycle.then_some("in-cycle"),
    );
    let count = st.refcount.map(|r| match r.uref {
        Some(u) => format!("{}/{u}", r.count),
        None => r.count.to_string(),
    });
    let label = format!(
        "{} ({}){}{}",
        o.name,
        o.kind.label(),
        if st.freed { ", freed" } else { "" },
        count.as_ref().map(|c| format!(", refcount {c}")).unwrap_or_default()
    );
    let name = if o.name.chars().count() > 18 {
        format!("{}…", o.name.chars().take(17).collect::<String>())
    } else {
        o.name.clone()
    };
    html! {
        <g {class} style={format!("transform:translate({}px,{}px)", p.x, p.y)}
            role="img" aria-label={label.clone()}>
            <title>{label}</title>
            <rect width={px(NODE_W)} height={px(NODE_H)} rx="7" />
            // One text element with two lines: the browser lays out each SVG text element
            // on its own, so one per node instead of two halves the graph's text work.
            <text x="10" y="17"><tspan class="n-name">{name}</tspan><tspan class="n-kind" x="10" y="31">{ if st.freed { "freed".to_string() } else { o.kind.label() } }</tspan></text>
            if let Some(c) = count {
                <g class="badge" style={format!("transform:translate({}px,-8px)", r(NODE_W - 14.0))}>
                    <circle r="10" cx="0" cy="0" />
                    <text x="0" y="4" text-anchor="middle">{c}</text>
                </g>
            }
            if st.faulted {
                <text class="fault-mark" x={px(NODE_W - 18.0)} y="32">{"⚡"}</text>
            }
        </g>
    }
}

/// One reference as the graph draws it at a step (see [`NodeProps`]).
#[derive(Properties, PartialEq)]
struct EdgeProps {
    trace: ByPtr<Trace>,
    id: EdgeId,
    lane: &'static str,
    /// Where its two ends' boxes are centred now (layout units).
    from: (f32, f32),
    to: (f32, f32),
    dangling: bool,
    faulting: bool,
    in_cycle: bool,
}

/// One reference of the graph; re-renders only when it changes.
#[function_component(GraphEdge)]
fn graph_edge(p: &EdgeProps) -> Html {
    let (t, lane, dangling) = (&p.trace, p.lane, p.dangling);
    let e = t.edge(p.id);
    let (x0, y0, x1, y1) = anchor(p.from, p.to);
    let class = classes!(
        "edge",
        match e.kind {
            EdgeKind::Owner => "owner",
            EdgeKind::Counted => "counted",
            EdgeKind::Raw => "raw",
        },
        dangling.then_some("dangling"),
        p.faulting.then_some("faulting"),
        p.in_cycle.then_some("in-cycle"),
    );
    let (start, end) = match (e.kind, dangling) {
        (_, true) => (String::new(), format!("url(#x-{lane})")),
        (EdgeKind::Owner, _) => {
            (format!("url(#diamond-{lane})"), format!("url(#arrow-open-{lane})"))
        }
        (EdgeKind::Counted, _) => (String::new(), format!("url(#arrow-{lane})")),
        (EdgeKind::Raw, _) => (String::new(), format!("url(#arrow-open-{lane})")),
    };
    let title = format!(
        "{} → {} ({}, {:?}{})",
        t.object(e.from).name,
        t.object(e.to).name,
        e.label,
        e.kind,
        if dangling { ", dangling" } else { "" }
    )
    .to_ascii_lowercase();
    let (ix0, iy0, ix1, iy1) = (r(x0), r(y0), r(x1), r(y1));
    let d = if (y1 - y0).abs() < 1.0 {
        format!("M{ix0},{iy0} Q{},{} {ix1},{iy1}", r((x0 + x1) / 2.0), r(y0 - 30.0))
    } else {
        format!("M{ix0},{iy0} L{ix1},{iy1}")
    };
    html! {
        <path {class} {d} marker-start={start} marker-end={end}>
            <title>{title}</title>
        </path>
    }
}

fn kind_class(k: ObjKind) -> &'static str {
    match k {
        ObjKind::Prison => "prison",
        ObjKind::Vnet => "vnet",
        ObjKind::Process => "process",
        ObjKind::Ifnet(_) => "ifnet",
        ObjKind::Ifaddr => "ifaddr",
        ObjKind::RibHead | ObjKind::NhControl | ObjKind::Rtentry | ObjKind::Nexthop => "route",
        ObjKind::Subscription | ObjKind::RouteCache => "cache",
        ObjKind::Cred
        | ObjKind::Socket
        | ObjKind::VlanTrunk
        | ObjKind::HashTable
        | ObjKind::PfKifs => "misc",
    }
}

/// Where an edge leaves its source box and enters its target box.
fn anchor(from: (f32, f32), to: (f32, f32)) -> (f32, f32, f32, f32) {
    let (hw, hh) = (NODE_W / 2.0, NODE_H / 2.0);
    if (to.1 - from.1).abs() < 1.0 {
        // Same rank: leave from the top, arc over.
        return (from.0, from.1 - hh, to.0, to.1 - hh - 2.0);
    }
    let down = to.1 > from.1;
    let (y0, y1) =
        if down { (from.1 + hh, to.1 - hh - 2.0) } else { (from.1 - hh, to.1 + hh + 2.0) };
    let dx = (to.0 - from.0).clamp(-hw, hw) * 0.3;
    (from.0 + dx, y0, to.0 - dx, y1)
}

/// Rounds a layout coordinate to whole pixels. Integer formatting keeps the float
/// formatter (flt2dec, ~11 KB of wasm) out of the build.
fn r(v: f32) -> i32 {
    (v + 0.5).floor() as i32
}

/// A layout coordinate as an attribute value.
fn px(v: f32) -> String {
    r(v).to_string()
}

/// Text with its provenance markers as labelled badges (the engine splits them out, with
/// what each cites). A marker that cites a section of the model guide (`[I #reaping]`)
/// links to it; the guide is the page `model.html`, made from docs/model.md.
pub fn marked(text: &str) -> Html {
    use crate::engine::trace::provenance::{Piece, Provenance, pieces};
    let class = |p: Provenance| match p {
        Provenance::Verified => "prov prov-v",
        Provenance::Review => "prov prov-r",
        Provenance::Inferred => "prov prov-i",
        Provenance::Prototype => "prov prov-p",
    };
    html! {
        <>
        { for pieces(text).into_iter().map(|pc| match pc {
            Piece::Text(s) => html! { <>{s}</> },
            Piece::Marker(m, cite) => match cite.strip_prefix('#') {
                Some(anchor) => html! {
                    <a class={class(m)} href={format!("model.html#{anchor}")} target="_blank" rel="noopener"
                        title={format!("{}: see the model guide", m.label())}>{m.label()}</a>
                },
                None => {
                    let title = if cite.is_empty() { m.label().to_string() } else { format!("{}: {cite}", m.label()) };
                    html! {
                        <span class={class(m)} {title} aria-label={format!("({})", m.label())}>{m.label()}</span>
                    }
                }
            },
        }) }
        </>
    }
}
