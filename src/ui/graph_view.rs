//! The dependency graph of one lane at one step, as SVG, in a frame with a camera.
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
//!   the edge set changes): their nodes and edges are outlined (dash-dot, not colour
//!   alone) and each cycle's sentence is listed under the graph, one line each, opening to
//!   the whole sentence.
//! - An interface that moved to another vnet since birth docks under that vnet's cluster
//!   (no re-layout); the transition on `transform` makes it glide.
//! - The host's objects (`Trace::is_host`) are folded by default into one box with a
//!   button that unfolds them; references to a folded object end at the box. A host
//!   object the step touches or faults on is never hidden: it comes out of the box into
//!   the row beside it ([`crate::ui::graph::host_slot`]).
//! - The camera ([`camera::follow`]) follows the focus: what must be seen (at a fault or a
//!   dangling reference, the reference with its holder and the freed object) and the
//!   objects the step touches, most affected first (`Trace::touched_ranked`; at a step
//!   that touches none, the drawn ones of the latest step that did: `Trace::lately`; before
//!   the first, the jails' objects, prisons and vnets first). It
//!   zooms out for them no further than a readable scale (`camera::K_FLOOR`); what does
//!   not fit is counted by a button at the frame's edge it lies beyond, which pans there
//!   (only for the step's own objects). On a big graph it does not zoom out at all for
//!   them (that would draw the whole graph) and starts from its object nearest to the
//!   view. It is one CSS transform on the frame's content, so gliding between steps is a
//!   transition (none under reduced motion). The reader can drag, zoom, show the whole
//!   graph, or move the view on the minimap (pointer or keyboard); the next step follows
//!   again.
//! - The minimap sits in the first corner (top right, bottom right, bottom left, top
//!   left) where it hides none of the focus in view, and marks the step's objects.
//! - Graphs of more than [`BIG_GRAPH`] objects are drawn windowed: only what meets the
//!   camera's view, grown to whole [`TILE`]s plus a margin ([`window_for`]), is in the DOM,
//!   and a reference only when an end that is drawn (not folded into the host's box)
//!   meets it.

use crate::engine::{Cycle, EdgeId, EdgeKind, EventKind, ObjId, ObjKind, ObjState, Trace};
use crate::support::vecmap::VecMap;
use crate::ui::by_ptr::ByPtr;
use crate::ui::camera::{self, Cam, K_MIN, K_READ, K_ZOOM_MAX, Rect};
use crate::ui::graph::{GraphLayout, box_path, host_box, host_centre, host_slot};
use crate::ui::layout::{Layout, NODE_H, NODE_W};
use crate::ui::memo;
use crate::ui::platform;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Above this many objects the graph drops its per-node transitions and is drawn
/// windowed: on big scenarios the browser's style and paint work for hundreds of nodes
/// costs more than a frame.
pub const BIG_GRAPH: usize = 300;

/// A rectangle of the graph in layout units: x0, y0, x1, y1.
pub type Window = [i32; 4];

/// The window is kept in whole tiles of this many layout units, so moving the camera
/// re-renders the graph only when the view crosses a tile edge.
pub const TILE: i32 = 256;

/// The part of the graph worth drawing for a view at `at` (layout units) of `size`
/// (layout units): the visible rectangle grown to whole tiles, plus one tile of margin on
/// every side so a short move finds the nodes already drawn.
pub fn window_for(at: (f64, f64), size: (f64, f64)) -> Window {
    let lo = |v: f64| ((v.max(0.0) as i32) / TILE - 1) * TILE;
    let hi = |v: f64| ((v.max(0.0) as i32) / TILE + 2) * TILE;
    [lo(at.0), lo(at.1), hi(at.0 + size.0), hi(at.1 + size.1)]
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

/// What the frame tells the view about its camera.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CamInput {
    /// The frame's inner size in CSS px.
    pub size: (i32, i32),
    /// The camera the reader set at this step (drag, zoom, minimap), if any.
    pub user: Option<Cam>,
    /// Show the whole graph, at whatever scale fits.
    pub whole: bool,
    /// The scale the reader zoomed to, kept from step to step.
    pub k_pref: f32,
}

/// The camera the frame shows now: the view writes it, the frame's handlers start a drag
/// or a zoom from it, and the next step follows on from it. With it, the minimap's corner,
/// which only a followed camera changes (it does not move under the reader's pointer).
#[derive(Clone, Default)]
pub struct Shown(pub Rc<RefCell<Option<Cam>>>, Rc<RefCell<Corner>>);

impl PartialEq for Shown {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.0, &o.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct GraphProps {
    pub trace: ByPtr<Trace>,
    pub layout: ByPtr<GraphLayout>,
    pub step: usize,
    /// "a" or "b", to keep marker ids unique per lane.
    pub lane: &'static str,
    /// The dependency cycles at this step (`memo::cycles_at`), outlined in the graph.
    pub cycles: ByPtr<Vec<Cycle>>,
    /// Whether the host's objects are unfolded.
    pub expanded: bool,
    /// Draw everything even when big (an image export).
    pub draw_all: bool,
    pub cam: CamInput,
    pub shown: Shown,
    /// The frame (its size is observed).
    pub frame: NodeRef,
    /// A camera the reader asked for on the minimap.
    pub on_cam: Callback<Cam>,
    pub on_host: Callback<MouseEvent>,
    /// Whether the frame has been measured (the camera glides only after).
    pub measured: bool,
}

/// Where a step draws its objects.
struct Placed {
    /// Each object's centre (layout units); a folded host object's is the host box's.
    pos: Vec<Option<(f32, f32)>>,
    /// Whether the object is folded into the host box (not drawn).
    folded: Vec<bool>,
    /// How many of the view's objects are folded.
    inside: usize,
    /// The drawing's size at this step.
    size: (f32, f32),
}

/// Places the view's objects (see the module's invariants). `focus` are the objects a
/// folded host must still show.
fn place(
    t: &Trace,
    view: &crate::engine::View,
    geo: &Geometry,
    l: &Layout,
    fold: bool,
    focus: &[ObjId],
) -> Placed {
    let n = t.objects.len();
    // How many interfaces have docked under each cluster so far.
    let mut docked: Vec<usize> = vec![0; l.clusters.len()];
    let (mut extra_w, mut extra_h) = (0.0f32, 0.0f32);
    let mut pos: Vec<Option<(f32, f32)>> = vec![None; n];
    let mut folded = vec![false; n];
    let (mut slots, mut inside) = (0usize, 0usize);
    for (id, st) in &view.objects {
        let i = id.0 as usize;
        let is_ifnet = geo.is_ifnet.get(i) == Some(&true);
        if fold {
            // An interface is the host's while it lives in the host's vnet; anything else
            // by where it lived at step 0.
            let in_host = if is_ifnet {
                st.vnet.is_some_and(|v| geo.is_host.get(v.0 as usize) == Some(&true))
            } else {
                geo.is_host.get(i) == Some(&true)
            };
            if in_host {
                let at = if focus.contains(id) {
                    let at = host_slot(slots);
                    slots += 1;
                    extra_w = extra_w.max(at.0 + NODE_W / 2.0 + 28.0);
                    at
                } else {
                    inside += 1;
                    if let Some(f) = folded.get_mut(i) {
                        *f = true;
                    }
                    host_centre()
                };
                if let Some(slot) = pos.get_mut(i) {
                    *slot = Some(at);
                }
                continue;
            }
        }
        // The layout fixes a position per object in the cluster of the vnet it was born
        // in; an interface that has since moved to another vnet (a loan, a return home)
        // docks under that vnet's cluster instead, and the CSS transition on `transform`
        // makes it glide there. No re-layout happens.
        let now = st.vnet.and_then(|v| geo.cluster_of_vnet.get(v.0 as usize).copied().flatten());
        let moved = match (now, geo.home_cluster.get(i).copied().flatten()) {
            (Some(n), Some(h)) if n != h && is_ifnet => Some(n),
            _ => None,
        };
        let at = match moved.and_then(|n| l.clusters.get(n).map(|c| (n, c))) {
            Some((n, c)) => {
                let Some(k) = docked.get_mut(n) else { continue };
                let x = c.x + NODE_W / 2.0 + 10.0 + *k as f32 * (NODE_W + 10.0);
                let y = c.y + c.h + NODE_H / 2.0 + 8.0;
                *k += 1;
                extra_h = extra_h.max(y + NODE_H / 2.0 + 8.0);
                extra_w = extra_w.max(x + NODE_W / 2.0 + 10.0);
                (x, y)
            }
            None => match geo.home.get(i).copied().flatten() {
                Some(p) => p,
                None => continue,
            },
        };
        if let Some(slot) = pos.get_mut(i) {
            *slot = Some(at);
        }
    }
    Placed {
        pos,
        folded,
        inside,
        size: (l.width.max(200.0).max(extra_w), l.height.max(120.0).max(extra_h)),
    }
}

/// The dependency graph: the frame's content (the camera's transform over the SVG, and
/// the host box's button) and the minimap beside it.
#[function_component(GraphView)]
pub fn graph_view(p: &GraphProps) -> Html {
    let t = &p.trace.0;
    let g = &p.layout.0;
    let touched = t.touched(p.step);
    let lane = p.lane;
    let fold = !p.expanded && !g.host.is_empty();
    let l: &Layout = if fold { &g.collapsed } else { &g.layout };
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
    let geos = use_memo((p.trace.clone(), p.layout.clone()), |(t, g)| {
        [Geometry::new(t, g, &g.layout), Geometry::new(t, g, &g.collapsed)]
    });
    let geo = &geos[usize::from(fold)];
    let big = t.objects.len() > BIG_GRAPH;
    let frame = (p.cam.size.0.max(1) as f32, p.cam.size.1.max(1) as f32);
    let shown = p.shown.clone();
    let mini = use_node_ref();
    let cam_in = p.cam;
    let draw_all = p.draw_all;
    // The view is borrowed from the engine's memo for the rest, never copied.
    let (count, placed_size, inside, cam, drawn, beyond) = memo::with_view(t, p.step, |view| {
        // The faulting references of this step pulse: what dangles or faults now, and at a
        // use-after-free the references that dangle into the freed object.
        let mut faulting: Vec<EdgeId> = t
            .steps
            .get(p.step.wrapping_sub(1))
            .map(|s| {
                s.events
                    .iter()
                    .filter(|e| matches!(e.kind, EventKind::Fault | EventKind::Dangling))
                    .filter_map(|e| e.edge)
                    .collect()
            })
            .unwrap_or_default();
        faulting.extend(t.faulting_edges(p.step, view));
        // What must be seen: the faulting references' ends. What the step is about: the
        // objects it touches, in the order it touches them.
        let mut must_ids: Vec<ObjId> = Vec::new();
        for e in faulting.iter().filter_map(|e| t.edges.get(e.0 as usize)) {
            must_ids.extend([e.from, e.to]);
        }
        let mut want_ids = t.touched_ranked(p.step);
        let keep: Vec<ObjId> = want_ids.iter().chain(&must_ids).copied().collect();
        let pl = place(t, view, geo, l, fold, &keep);
        let pos_of = |o: ObjId| pl.pos.get(o.0 as usize).copied().flatten();
        let is_folded = |o: ObjId| pl.folded.get(o.0 as usize) == Some(&true);
        // A step that touches nothing keeps the camera on the objects just before it, so
        // a jump there (the scrubber, a link) shows where the teardown is.
        let quiet = want_ids.is_empty() && must_ids.is_empty();
        let lately = t.lately(p.step);
        let opening = quiet && lately.is_none();
        // Before the teardown: the jails' objects, their prisons (rank 0) and vnets (1)
        // first; the host is not the story.
        let rank = |o: &ObjId| match t.objects.get(o.0 as usize).map(|x| x.kind) {
            Some(ObjKind::Prison) => 0,
            Some(ObjKind::Vnet) => 1,
            _ => 2,
        };
        if quiet {
            want_ids = match lately {
                Some(s) => t.touched_ranked(s),
                None => {
                    let jail: Vec<ObjId> =
                        view.objects.keys().filter(|o| !t.is_host(**o)).copied().collect();
                    (0..3)
                        .flat_map(|r| jail.iter().filter(move |o| rank(o) == r).copied())
                        .collect()
                }
            };
            want_ids.retain(|o| !is_folded(*o));
        }
        // A node's box with its refcount badge, which stands out above it.
        let half = (NODE_W / 2.0 + 6.0, NODE_H / 2.0 + 20.0);
        let boxed = |o: &ObjId| pos_of(*o).and_then(|at| Rect::around([at], half));
        let must = Rect::around(must_ids.iter().filter_map(|o| pos_of(*o)), half);
        let mut want: Vec<(ObjId, Rect)> =
            want_ids.iter().filter_map(|o| boxed(o).map(|b| (*o, b))).collect();
        let prev = *shown.0.borrow();
        // A big graph is never zoomed out to take in a step spread over it (that would
        // draw it all): the camera then starts from the step's object nearest to the view.
        // (Nor, before the teardown, for the whole jail: the view opens at the reader's
        // scale on its prison and vnet.)
        let floor = if big || opening { cam_in.k_pref } else { camera::K_FLOOR };
        if let (true, Some(c)) = (big, prev) {
            let v = camera::visible(c, frame);
            let mid = ((v.x0 + v.x1) / 2.0, (v.y0 + v.y1) / 2.0);
            let d = |r: &Rect| {
                ((r.x0 + r.x1) / 2.0 - mid.0).powi(2) + ((r.y0 + r.y1) / 2.0 - mid.1).powi(2)
            };
            let near = want.iter().enumerate().min_by(|a, b| d(&a.1.1).total_cmp(&d(&b.1.1)));
            if let Some(i) = near.map(|n| n.0) {
                want[..=i].rotate_right(1);
            }
        }
        // The folded host's box is a button: the minimap does not sit on any of it that
        // shows either.
        let host_rect = fold.then(|| {
            let (x, y, w, h) = host_box();
            Rect { x0: x, y0: y, x1: x + w, y1: y + h }
        });
        let mut boxes: Vec<Rect> = want.iter().map(|w| w.1).collect();
        // Before the teardown the folded host's box comes right after the jails' prisons
        // and vnets, so a frame with room for them all shows it too.
        if let (true, Some(h)) = (opening, host_rect) {
            boxes.insert(want.iter().take_while(|(o, _)| rank(o) < 2).count(), h);
        }
        // There, when the step's objects do not fit, the camera goes to that one alone:
        // a bigger part would move the view, and redraw its window, more often.
        let all_fit = camera::Focus { must: None, want: &boxes }
            .all()
            .is_none_or(|b| camera::fits(&b, frame, cam_in.k_pref));
        let chased = if big && !all_fit { &boxes[..boxes.len().min(1)] } else { &boxes[..] };
        let focus = camera::Focus { must, want: chased };
        // Each object's box, what must be seen among them, for what the minimap hides.
        let every: Vec<Rect> =
            boxes.iter().copied().chain(must_ids.iter().filter_map(boxed)).collect();
        let cam = if cam_in.whole {
            camera::whole(pl.size, frame)
        } else if let Some(u) = cam_in.user {
            camera::clamp(u, pl.size, frame)
        } else {
            let cam = camera::follow(prev, focus, pl.size, frame, cam_in.k_pref, floor);
            // The minimap (when the graph is not all in view) and the tools above it sit
            // over the frame's top right: the focus is not left under them.
            if whole_shown(cam, pl.size, frame) {
                cam
            } else {
                let cover = Corner::TopRight.cover(minimap_size(pl.size, frame), frame);
                camera::clear_of(cam, must, &every, cover, pl.size, frame)
            }
        };
        // The minimap takes the first corner where it hides none of the focus in view.
        let v = camera::visible(cam, frame);
        let mini_size = minimap_size(pl.size, frame);
        let followed = !cam_in.whole && cam_in.user.is_none();
        let corner = if followed {
            let c = CORNERS
                .into_iter()
                .find(|c| {
                    let u = camera::under(cam, c.cover(mini_size, frame));
                    !every.iter().any(|b| v.contains(b) && u.overlaps(b))
                        && !host_rect.is_some_and(|h| v.overlaps(&h) && u.overlaps(&h))
                })
                .unwrap_or(Corner::TopRight);
            *shown.1.borrow_mut() = c;
            c
        } else {
            *shown.1.borrow()
        };
        // The step's objects out of view, by the side of the frame they stick out of most.
        // A node counts as out when its own box is not all in view (its refcount badge may
        // stand out; one CSS pixel of slack). Only a step's own objects: at a quiet step
        // the camera stays on the last ones, which the step does not touch.
        let mut beyond: [Vec<Rect>; 4] = Default::default();
        let slack = 1.0 / cam.k;
        let seen = Rect { x0: v.x0 - slack, y0: v.y0 - slack, x1: v.x1 + slack, y1: v.y1 + slack };
        for (o, b) in want.iter().filter(|_| !quiet) {
            let Some(n) =
                pos_of(*o).and_then(|at| Rect::around([at], (NODE_W / 2.0, NODE_H / 2.0)))
            else {
                continue;
            };
            if seen.contains(&n) {
                continue;
            }
            let sides = [
                (Side::Above, seen.y0 - n.y0),
                (Side::Below, n.y1 - seen.y1),
                (Side::Left, seen.x0 - n.x0),
                (Side::Right, n.x1 - seen.x1),
            ];
            let side = sides.iter().fold(sides[0], |m, s| if s.1 > m.1 { *s } else { m }).0;
            beyond[side as usize].push(*b);
        }
        let off_screen: Vec<(Side, usize, Cam)> = SIDES
            .iter()
            .map(|s| {
                let those = &beyond[*s as usize];
                let to = camera::pick(camera::Focus { must: None, want: those }, frame, cam.k)
                    .map(|b| {
                        camera::centred(
                            ((b.x0 + b.x1) / 2.0, (b.y0 + b.y1) / 2.0),
                            cam.k,
                            pl.size,
                            frame,
                        )
                    })
                    .unwrap_or(cam);
                (*s, those.len(), to)
            })
            .collect();
        let touched_marks: String = want
            .iter()
            .filter(|_| !quiet)
            .filter_map(|(o, _)| pos_of(*o))
            .fold(String::new(), |mut d, (x, y)| {
                box_path(&mut d, x - NODE_W / 2.0, y - NODE_H / 2.0, NODE_W, NODE_H);
                d
            });
        *shown.0.borrow_mut() = Some(cam);
        let win = (big && !cam_in.whole && !draw_all).then(|| {
            let v = camera::visible(cam, frame);
            window_for(
                (f64::from(v.x0), f64::from(v.y0)),
                (f64::from(v.x1 - v.x0), f64::from(v.y1 - v.y0)),
            )
        });
        let edges = view.edges.iter().filter_map(|(id, dangling)| {
            let e = t.edges.get(id.0 as usize)?;
            if is_folded(e.from) && is_folded(e.to) {
                return None;
            }
            let from = pos_of(e.from)?;
            let to = pos_of(e.to)?;
            // Windowed, a reference is drawn when one of its ends is (as React Flow's
            // onlyRenderVisibleElements does); lines merely passing through are left out.
            // A folded end is the host's box, where every jail's reference to the host
            // ends: it does not count, or a view of the box would draw the references of
            // every jail in the scenario.
            let drawn_end = |o: ObjId, at: (f32, f32)| !is_folded(o) && node_meets(win, at);
            if win.is_some() && !drawn_end(e.from, from) && !drawn_end(e.to, to) {
                return None;
            }
            let in_cycle =
                !*dangling && cycle_of(e.from).is_some_and(|c| cycle_of(e.to) == Some(c));
            Some(html! {
                <GraphEdge key={id.0} trace={t.clone()} id={*id} {lane} {from} {to} dangling={*dangling}
                    faulting={faulting.contains(id)} {in_cycle} />
            })
        });
        let nodes = view.objects.iter().filter_map(|(id, st)| {
            if is_folded(*id) {
                return None;
            }
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
        let count = view.objects.len();
        let drawn = (edges.collect::<Html>(), nodes.collect::<Html>());
        (count, pl.size, pl.inside, (cam, win, corner), drawn, (off_screen, touched_marks))
    });
    let (cam, win, corner) = cam;
    let ((edges, nodes), (off_screen, touched_marks)) = (drawn, beyond);
    let (w, h) = (r(placed_size.0), r(placed_size.1));
    // The host's button is the folded box itself, or sits over the unfolded host
    // cluster's label; in layout units, inside the camera's transform.
    let host_button = if fold {
        let (x, y, bw, bh) = host_box();
        Some((x, y, bw, bh))
    } else {
        g.layout
            .clusters
            .iter()
            .find(|c| c.key == crate::engine::HOST_VNET_KEY && !g.host.is_empty() && !draw_all)
            .map(|c| (c.x, c.y, c.w, 24.0))
    };
    let transform = format!(
        "transform:translate({}px,{}px) scale({})",
        camera::css_num(-cam.x * cam.k),
        camera::css_num(-cam.y * cam.k),
        camera::css_num(cam.k)
    );
    let whole_in_view = whole_shown(cam, placed_size, frame);
    html! {
        <>
        <div class={classes!("graph-wrap", p.measured.then_some("measured"))} ref={p.frame.clone()}>
            <div class="graph-cam" style={transform}>
                <svg class={classes!("graph", (count > BIG_GRAPH).then_some("big"))}
                    data-drawn={win.map(|_| "window").unwrap_or("all")} data-testid={format!("graph-{lane}")} viewBox={format!("0 0 {w} {h}")}
                    width={w.to_string()} height={h.to_string()} role="group"
                    aria-label={format!("Dependency graph of lane {}, step {}", lane.to_ascii_uppercase(), p.step)}>
                    <Markers {lane} />
                    <Clusters layout={p.layout.clone()} window={win} {fold} />
                    <g class="edges">{ edges }</g>
                    <g class="nodes">{ nodes }</g>
                </svg>
                if let Some((x, y, bw, bh)) = host_button {
                    <button class={classes!("host-toggle", fold.then_some("folded"))} data-testid={format!("host-cluster-toggle-{lane}")}
                        style={format!("left:{}px;top:{}px;width:{}px;height:{}px", r(x), r(y), r(bw), r(bh))}
                        aria-expanded={(!fold).to_string()} onclick={p.on_host.clone()}
                        title="The host: prison0, vnet0 and what lives in vnet0">
                        <span class="n-name">{ if fold { "host · vnet0" } else { "" } }</span>
                        <span class="n-kind">{ if fold { format!("{inside} objects, folded ▸") } else { "▴ fold the host".into() } }</span>
                    </button>
                }
            </div>
            { for off_screen.iter().map(|(side, n, to)| {
                let (to, on_cam) = (*to, p.on_cam.clone());
                let (arrow, word, place) = side.words();
                // The name starts with the visible "N more" (the arrow is not read).
                let rest = if *n == 1 {
                    format!(" object of this step is {place} the view: show it")
                } else {
                    format!(" objects of this step are {place} the view: show them")
                };
                // All four are always there, hidden when they count none: a step changes
                // their text, and no element comes or goes (that costs a style pass).
                html! {
                    <button class={classes!("beyond", word)} data-testid={format!("beyond-{lane}-{word}")} data-count={n.to_string()} hidden={*n == 0}
                        onclick={Callback::from(move |_: MouseEvent| on_cam.emit(to))}>
                        <span aria-hidden="true">{ arrow }</span>{ format!(" {n} more") }<span class="sr-only">{ rest }</span>
                    </button>
                }
            }) }
        </div>
        if !whole_in_view {
            { minimap(MinimapArgs { layout: g, fold, graph: (w, h), cam, frame, lane, on_cam: p.on_cam.clone(), node: mini, touched: touched_marks, corner }) }
        }
        </>
    }
}

/// A side of the frame, beyond which some of the step's objects lie.
#[derive(Clone, Copy)]
enum Side {
    Above,
    Below,
    Left,
    Right,
}

const SIDES: [Side; 4] = [Side::Above, Side::Below, Side::Left, Side::Right];

impl Side {
    /// Its arrow, its word (a class and a test id) and where the objects are, as a
    /// sentence says it.
    fn words(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Side::Above => ("↑", "above", "above"),
            Side::Below => ("↓", "below", "below"),
            Side::Left => ("←", "left", "left of"),
            Side::Right => ("→", "right", "right of"),
        }
    }
}

/// What the minimap draws and whom it tells.
struct MinimapArgs<'a> {
    layout: &'a GraphLayout,
    fold: bool,
    /// The drawing's size (layout units).
    graph: (i32, i32),
    cam: Cam,
    frame: (f32, f32),
    lane: &'static str,
    on_cam: Callback<Cam>,
    node: NodeRef,
    /// The step's objects, as one path of boxes.
    touched: String,
    corner: Corner,
}

/// The minimap's size: at most this wide and tall, in CSS px, and at most these parts
/// of a small frame.
const MINI_W: f32 = 168.0;
const MINI_H: f32 = 116.0;
const MINI_PART_W: f32 = 0.26;
const MINI_PART_H: f32 = 0.3;
/// Where the minimap sits in the frame (style.css `.minimap`): this far from the frame's
/// edges, and at the top right under the "Whole graph" button.
const MINI_EDGE: f32 = 8.0;
const MINI_TOP: f32 = 38.0;

/// A corner of the frame the minimap can sit in.
#[derive(Clone, Copy, Default, PartialEq)]
enum Corner {
    #[default]
    TopRight,
    BottomRight,
    BottomLeft,
    TopLeft,
}

/// The corners in the order the minimap tries them.
const CORNERS: [Corner; 4] =
    [Corner::TopRight, Corner::BottomRight, Corner::BottomLeft, Corner::TopLeft];

impl Corner {
    /// The part of the frame (CSS px) a minimap of this size hides there; at the top
    /// right, the "Whole graph" button above it too.
    fn cover(self, (mw, mh): (f32, f32), (fw, fh): (f32, f32)) -> Rect {
        let (x0, x1) = match self {
            Corner::TopRight | Corner::BottomRight => (fw - MINI_EDGE - mw, fw),
            Corner::BottomLeft | Corner::TopLeft => (0.0, MINI_EDGE + mw),
        };
        let (y0, y1) = match self {
            Corner::TopRight => (0.0, MINI_TOP + mh),
            Corner::TopLeft => (0.0, MINI_EDGE + mh),
            Corner::BottomRight | Corner::BottomLeft => (fh - MINI_EDGE - mh, fh),
        };
        Rect { x0, y0, x1, y1 }
    }

    /// Its class (style.css `.minimap.at-…`).
    fn class(self) -> &'static str {
        match self {
            Corner::TopRight => "at-tr",
            Corner::BottomRight => "at-br",
            Corner::BottomLeft => "at-bl",
            Corner::TopLeft => "at-tl",
        }
    }
}

/// The minimap's size in CSS px for a graph of this size (layout units) in this frame.
fn minimap_size(graph: (f32, f32), frame: (f32, f32)) -> (f32, f32) {
    let (gw, gh) = (graph.0.max(1.0), graph.1.max(1.0));
    let s = (MINI_W.min(frame.0 * MINI_PART_W) / gw).min(MINI_H.min(frame.1 * MINI_PART_H) / gh);
    (gw * s, gh * s)
}

/// Whether the camera shows the whole drawing (then there is no minimap).
fn whole_shown(cam: Cam, size: (f32, f32), frame: (f32, f32)) -> bool {
    let v = camera::visible(cam, frame);
    v.x0 <= 0.5 && v.y0 <= 0.5 && v.x1 >= size.0 - 0.5 && v.y1 >= size.1 - 0.5
}

/// The overview of the whole graph in a corner of the frame, with the camera's view as a
/// rectangle. A press or drag on it moves the view there; arrow keys pan it, + and −
/// zoom.
/// (A function, not a component: the graph view renders it, and a component of its own
/// costs more wasm than it saves work.)
fn minimap(p: MinimapArgs) -> Html {
    let (gw, gh) = (p.graph.0.max(1) as f32, p.graph.1.max(1) as f32);
    let (sw, sh) = minimap_size((gw, gh), p.frame);
    let s = sw / gw;
    let (mw, mh) = (r(sw).max(1), r(sh).max(1));
    let v = camera::visible(p.cam, p.frame);
    let node = p.node;
    let (cam, frame, graph) = (p.cam, p.frame, (gw, gh));
    // A press, or a move with the button held, centres the view on the point under the
    // pointer.
    let go = {
        let (node, on_cam) = (node.clone(), p.on_cam.clone());
        Callback::from(move |e: PointerEvent| {
            if !platform::is_pressed(&e) {
                return;
            }
            e.prevent_default();
            let Some((left, top, _, _)) = platform::rect(&node) else { return };
            let (x, y) = platform::pointer_xy(&e);
            let at = (((x - left) as f32) / s, ((y - top) as f32) / s);
            on_cam.emit(camera::centred(at, cam.k, graph, frame));
        })
    };
    let onkeydown = {
        let on_cam = p.on_cam.clone();
        Callback::from(move |e: KeyboardEvent| {
            let (vw, vh) = (v.x1 - v.x0, v.y1 - v.y0);
            let to = match e.key().as_str() {
                "ArrowLeft" => Cam { x: cam.x - vw / 4.0, ..cam },
                "ArrowRight" => Cam { x: cam.x + vw / 4.0, ..cam },
                "ArrowUp" => Cam { y: cam.y - vh / 4.0, ..cam },
                "ArrowDown" => Cam { y: cam.y + vh / 4.0, ..cam },
                "+" | "=" => zoomed(cam, frame, graph, 1.25),
                "-" | "_" => zoomed(cam, frame, graph, 0.8),
                _ => return,
            };
            e.prevent_default();
            on_cam.emit(camera::clamp(to, graph, frame));
        })
    };
    // The drawing: the clusters and every object as one path each, so a graph of a
    // thousand objects is two elements, made once per layout.
    let paths = &p.layout.minimap[usize::from(p.fold && !p.layout.host.is_empty())];
    html! {
        <div class={classes!("minimap", p.corner.class())} data-testid={format!("minimap-{}", p.lane)} ref={node} tabindex="0" role="group"
            aria-roledescription="minimap" data-pans="true"
            aria-label="Overview of the graph: press or drag to move the view there; arrow keys pan, + and − zoom"
            style={format!("width:{mw}px;height:{mh}px")} onpointerdown={go.clone()} onpointermove={go} {onkeydown}>
            <svg width={mw.to_string()} height={mh.to_string()} viewBox={format!("0 0 {} {}", p.graph.0, p.graph.1)} aria-hidden="true">
                <path class="mini-clusters" d={paths.0.clone()} />
                <path class="mini-nodes" d={paths.1.clone()} />
                <path class="mini-touched" d={p.touched} />
                <rect class="mini-view" x={px(v.x0)} y={px(v.y0)} width={px(v.x1 - v.x0)} height={px(v.y1 - v.y0)} />
            </svg>
        </div>
    }
}

/// The camera zoomed by `by` about the centre of its view, within the zoom's limits.
pub fn zoomed(cam: Cam, frame: (f32, f32), graph: (f32, f32), by: f32) -> Cam {
    let v = camera::visible(cam, frame);
    let k = (cam.k * by).clamp(K_MIN, K_ZOOM_MAX);
    camera::centred(((v.x0 + v.x1) / 2.0, (v.y0 + v.y1) / 2.0), k, graph, frame)
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
    fold: bool,
}

/// The vnet clusters (boxes with a label) that meet the window. They depend on the
/// layout, the fold and the window only, so a step does not re-render them.
#[function_component(Clusters)]
fn clusters(p: &ClustersProps) -> Html {
    let win = p.window;
    let l = if p.fold { &p.layout.collapsed } else { &p.layout.layout };
    let clusters =
        l.clusters.iter().filter(|c| meets(win, c.x, c.y, c.x + c.w, c.y + c.h)).map(|c| {
            let label =
                p.layout.cluster_labels.get(&c.key).cloned().unwrap_or_else(|| c.key.clone());
            html! {
                <g key={format!("c-{}", c.key)} class="cluster">
                    <rect x={px(c.x)} y={px(c.y)} width={px(c.w)} height={px(c.h)} rx="10" />
                    <text x={px(c.x + 10.0)} y={px(c.y + 17.0)}>{label}</text>
                </g>
            }
        });
    html! { <g class="clusters">{ for clusters }</g> }
}

#[derive(Properties, PartialEq)]
struct CycleListProps {
    cycles: ByPtr<Vec<Cycle>>,
    lane: &'static str,
}

/// How many cycle sentences a graph lists before it folds the rest behind a button.
pub const CYCLES_SHOWN: usize = 6;

/// The sentences of the dependency cycles under a graph, one line each (cut with an
/// ellipsis); each line is a disclosure that opens to the whole sentence. `cycles_at`
/// hands out the same `Rc` while the cycles stay the same, so a step re-renders this list
/// only when a cycle appears or goes; items are keyed by their first object, so the others
/// stay put. A big scenario can hold a cycle per jail: past [`CYCLES_SHOWN`] the rest wait
/// behind a "Show all" button, which keeps a long, repetitive list out of the page (and out
/// of every step's layout) until the reader asks for it.
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
                <li key={c.objects.first().map_or(0, |o| o.0)}>
                    <details class="cycle">
                        <summary><span class="cycle-icon" aria-hidden="true">{"⟳"}</span>{marked(&c.sentence)}</summary>
                    </details>
                </li>
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

/// What a lane's graph needs from one of the layouts, indexed by `ObjId` and computed once
/// per trace and layout, so a step looks nothing up by key.
struct Geometry {
    /// Each object's position in its home cluster (None: not laid out).
    home: Vec<Option<(f32, f32)>>,
    /// Each object's home cluster, an index into `Layout::clusters`; `usize::MAX` when
    /// the home cluster has no box.
    home_cluster: Vec<Option<usize>>,
    /// The cluster each vnet object of the trace heads.
    cluster_of_vnet: Vec<Option<usize>>,
    is_ifnet: Vec<bool>,
    /// Whether the object is the host's (`Trace::is_host`).
    is_host: Vec<bool>,
}

impl Geometry {
    fn new(t: &Trace, g: &GraphLayout, l: &Layout) -> Geometry {
        let cluster_index: VecMap<&str, usize> = VecMap::from_pairs(
            l.clusters.iter().enumerate().map(|(i, c)| (c.key.as_str(), i)).collect(),
        );
        let cluster_of_vnet =
            t.objects.iter().map(|o| cluster_index.get(o.key.as_str()).copied()).collect();
        Geometry {
            home: t.objects.iter().map(|o| l.pos.get(&o.key).copied()).collect(),
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
            is_host: t.objects.iter().map(|o| t.is_host(o.id)).collect(),
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

/// A frame's size before it is measured (and natively, for SSR).
const FRAME_GUESS: (i32, i32) = (640, 440);

/// What a lane's frame remembers: its measured size and the reader's choices.
#[derive(Clone, Copy, PartialEq)]
struct FrameState {
    size: Option<(i32, i32)>,
    whole: bool,
    expanded: bool,
    k_pref: f32,
    /// The reader's camera and the step it was set at.
    user: Option<(usize, Cam)>,
}

enum FrameAct {
    Size(i32, i32),
    Whole,
    Host,
    /// The reader moved or zoomed the view at this step.
    Cam(usize, Cam),
}

impl Reducible for FrameState {
    type Action = FrameAct;
    fn reduce(self: Rc<Self>, a: FrameAct) -> Rc<Self> {
        let mut s = *self;
        match a {
            FrameAct::Size(w, h) => s.size = Some((w, h)),
            FrameAct::Whole => (s.whole, s.k_pref, s.user) = (!s.whole, K_READ, None),
            FrameAct::Host => s.expanded = !s.expanded,
            FrameAct::Cam(step, c) => (s.whole, s.k_pref, s.user) = (false, c.k, Some((step, c))),
        }
        Rc::new(s)
    }
}

/// The frame around a lane's graph, with its camera, zoom controls and the host's fold.
///
/// - By default the camera follows the step at a readable scale ([`camera::follow`]); a
///   graph that fits whole at that scale is shown whole.
/// - The reader can show the whole graph ("Whole graph", drawn in full even when big), or
///   move and zoom the view on the minimap (pointer; arrow keys, + and −). A move holds
///   until the next step; the zoom holds until the reader changes it.
/// - The choices are per lane and are not edits.
#[function_component(GraphFrame)]
pub fn graph_frame(p: &GraphFrameProps) -> Html {
    let frame = use_node_ref();
    let st = use_reducer_eq(|| FrameState {
        size: None,
        whole: false,
        expanded: false,
        k_pref: K_READ,
        user: None,
    });
    let shown = Shown(use_mut_ref(|| None), use_mut_ref(Corner::default));
    {
        // The frame's size, from a ResizeObserver: a window resize or the builder's fold
        // changes it without any step.
        let (frame, d) = (frame.clone(), st.dispatcher());
        use_effect_with((), move |_| {
            let h = platform::on_resize(
                &frame,
                Callback::from(move |(w, h): (f64, f64)| {
                    d.dispatch(FrameAct::Size(w as i32, h as i32))
                }),
            );
            move || h.release()
        });
    }
    let frame_px = st.size.unwrap_or(FRAME_GUESS);
    let step = p.step;
    let act = |a: fn() -> FrameAct| {
        let d = st.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(a()))
    };
    let (toggle_whole, on_host) = (act(|| FrameAct::Whole), act(|| FrameAct::Host));
    let on_cam = {
        let d = st.dispatcher();
        Callback::from(move |c: Cam| d.dispatch(FrameAct::Cam(step, c)))
    };
    let cam = CamInput {
        size: frame_px,
        user: st.user.filter(|(s, _)| *s == step).map(|(_, c)| c),
        whole: st.whole,
        k_pref: st.k_pref,
    };
    let lane = p.lane;
    let (label, title) = if st.whole {
        ("⤡ Follow", "Follow the step at a readable size again")
    } else {
        ("⤢ Whole graph", "Show the whole graph (drawn in full, slower on a big graph)")
    };
    // Dependency cycles at this step, from the engine (objects and sentences).
    let cycles = memo::cycles_at(&p.trace.0, p.step);
    html! {
        <>
        <div class="graph-box" data-testid={format!("graph-frame-{lane}")}>
            <GraphView trace={p.trace.clone()} layout={p.layout.clone()} {step} {lane}
                cycles={cycles.clone()} expanded={st.expanded || p.draw_all} draw_all={p.draw_all} {cam} {shown}
                {frame} {on_cam} {on_host} measured={st.size.is_some()} />
            <div class="graph-tools">
                <button class="graph-zoom" data-testid={format!("graph-zoom-{lane}")} onclick={toggle_whole}
                    aria-pressed={st.whole.to_string()} {title}>
                    {label}
                </button>
            </div>
        </div>
        // Under the frame, not inside it.
        <CycleList {cycles} lane={p.lane} />
        </>
    }
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
