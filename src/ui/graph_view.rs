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
//! - Dependency cycles come from the engine (`engine_api::cycles_at`, tarjan SCCs, memoised until
//!   the edge set changes): their
//!   nodes and edges are outlined (dash-dot, not colour alone) and each cycle's sentence is
//!   listed under the graph.
//! - An interface that moved to another vnet since birth docks under that vnet's cluster
//!   (no re-layout); the transition on `transform` makes it glide.

use crate::engine::order;
use crate::engine::{EdgeKind, EventKind, ObjId, ObjKind, Trace};
use crate::ui::engine_api;
use crate::ui::graph::GraphLayout;
use crate::ui::layout::{NODE_H, NODE_W};
use crate::ui::player::marked;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use yew::prelude::*;

/// Above this many objects the graph drops its per-node transitions: on big scenarios the
/// browser's style and paint work for hundreds of animated nodes costs more than a frame.
pub const BIG_GRAPH: usize = 300;

#[derive(Properties)]
pub struct GraphProps {
    pub trace: Rc<Trace>,
    pub layout: Rc<GraphLayout>,
    pub step: usize,
    /// "a" or "b", to keep marker ids unique per lane.
    pub lane: &'static str,
}

impl PartialEq for GraphProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.trace, &o.trace)
            && Rc::ptr_eq(&self.layout, &o.layout)
            && self.step == o.step
            && self.lane == o.lane
    }
}

fn kind_label(k: ObjKind) -> String {
    match k {
        ObjKind::Ifnet(d) => format!("ifnet · {}", d.name()),
        ObjKind::RibHead => "rib_head".into(),
        ObjKind::NhControl => "nh_control".into(),
        ObjKind::RouteCache => "route cache".into(),
        other => format!("{other:?}").to_ascii_lowercase(),
    }
}

/// The dependency graph.
#[function_component(GraphView)]
pub fn graph_view(p: &GraphProps) -> Html {
    let t = &p.trace;
    let view = engine_api::view_at(t, p.step);
    let touched = t.touched(p.step);
    let l = &p.layout.layout;
    let lane = p.lane;
    // Dependency cycles at this step, from the engine (objects and sentences).
    let cycles = engine_api::cycles_at(t, p.step);
    let in_cycle: BTreeMap<ObjId, usize> = order::map_of(
        cycles.iter().enumerate().flat_map(|(i, c)| c.objects.iter().map(move |o| (*o, i))),
    );
    // Where each object is drawn now. The layout fixes a position per object in the
    // cluster of the vnet it was born in; an interface that has since moved to another
    // vnet (a loan, a return home) docks under that vnet's cluster instead, and the CSS
    // transition on `transform` makes it glide there. No re-layout happens.
    let clusters_by_key: BTreeMap<&str, &crate::ui::layout::ClusterBox> =
        order::map_of(l.clusters.iter().map(|c| (c.key.as_str(), c)));
    let mut docked: BTreeMap<&str, usize> = BTreeMap::new();
    let mut extra_h = 0.0f32;
    let mut pos: BTreeMap<ObjId, (f32, f32)> = BTreeMap::new();
    for (id, st) in &view.objects {
        let Some(o) = t.objects.get(id.0 as usize) else { continue };
        let Some(&home_pos) = l.pos.get(&o.key) else { continue };
        let now = st.vnet.and_then(|v| t.objects.get(v.0 as usize)).map(|v| v.key.as_str());
        let home = p.layout.home_cluster.get(&o.key).map(String::as_str);
        let moved = match (now, home) {
            (Some(n), Some(h)) if n != h && matches!(o.kind, ObjKind::Ifnet(_)) => {
                clusters_by_key.get(n).copied()
            }
            _ => None,
        };
        let at = match moved {
            Some(c) => {
                let k = docked.entry(c.key.as_str()).or_insert(0);
                let x = c.x + NODE_W / 2.0 + 10.0 + *k as f32 * (NODE_W + 10.0);
                let y = c.y + c.h + NODE_H / 2.0 + 8.0;
                *k += 1;
                extra_h = extra_h.max(y + NODE_H / 2.0 + 8.0);
                (x, y)
            }
            None => home_pos,
        };
        pos.insert(*id, at);
    }
    // The faulting reference of this step, if any: it pulses.
    let fault_edges: BTreeSet<u32> = t
        .steps
        .get(p.step.wrapping_sub(1))
        .map(|s| {
            let hits = s
                .events
                .iter()
                .filter(|e| matches!(e.kind, EventKind::Fault | EventKind::Dangling))
                .filter_map(|e| e.edge.map(|x| x.0));
            order::set_of(hits)
        })
        .unwrap_or_default();

    let clusters = l.clusters.iter().map(|c| {
        let label = p.layout.cluster_labels.get(&c.key).cloned().unwrap_or_else(|| c.key.clone());
        html! {
            <g key={format!("c-{}", c.key)} class="cluster">
                <rect x={px(c.x)} y={px(c.y)} width={px(c.w)} height={px(c.h)} rx="10" />
                <text x={px(c.x + 10.0)} y={px(c.y + 17.0)}>{label}</text>
            </g>
        }
    });

    let edges = view.edges.iter().filter_map(|(id, dangling)| {
        let e = t.edges.get(id.0 as usize)?;
        let from = pos.get(&e.from)?;
        let to = pos.get(&e.to)?;
        let (x0, y0, x1, y1) = anchor(*from, *to);
        let class = classes!(
            "edge",
            match e.kind {
                EdgeKind::Owner => "owner",
                EdgeKind::Counted => "counted",
                EdgeKind::Raw => "raw",
            },
            dangling.then_some("dangling"),
            fault_edges.contains(&id.0).then_some("faulting"),
            (!*dangling && in_cycle.get(&e.from).is_some_and(|c| in_cycle.get(&e.to) == Some(c)))
                .then_some("in-cycle"),
        );
        let (start, end) = match (e.kind, *dangling) {
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
            if *dangling { ", dangling" } else { "" }
        )
        .to_ascii_lowercase();
        let (ix0, iy0, ix1, iy1) = (r(x0), r(y0), r(x1), r(y1));
        let d = if (y1 - y0).abs() < 1.0 {
            format!("M{ix0},{iy0} Q{},{} {ix1},{iy1}", r((x0 + x1) / 2.0), r(y0 - 30.0))
        } else {
            format!("M{ix0},{iy0} L{ix1},{iy1}")
        };
        Some(html! {
            <GraphEdge key={format!("e{}", id.0)} {class} {d} {start} {end} {title} />
        })
    });

    let nodes = view.objects.iter().filter_map(|(id, st)| {
        let o = t.objects.get(id.0 as usize)?;
        let &(cx, cy) = pos.get(id)?;
        let class = classes!(
            "node",
            format!("k-{}", kind_class(o.kind)),
            st.freed.then_some("ghost"),
            st.faulted.then_some("faulted"),
            touched.contains(id).then_some("touched"),
            in_cycle.contains_key(id).then_some("in-cycle"),
        );
        let count = st.refcount.map(|r| match r.uref {
            Some(u) => format!("{}/{u}", r.count),
            None => r.count.to_string(),
        });
        let label = format!(
            "{} ({}){}{}",
            o.name,
            kind_label(o.kind),
            if st.freed { ", freed" } else { "" },
            count.as_ref().map(|c| format!(", refcount {c}")).unwrap_or_default()
        );
        let name = if o.name.chars().count() > 18 {
            format!("{}…", o.name.chars().take(17).collect::<String>())
        } else {
            o.name.clone()
        };
        Some(html! {
            <GraphNode key={o.key.clone()} class={class} x={r(cx - NODE_W / 2.0)} y={r(cy - NODE_H / 2.0)}
                label={label} name={name} freed={st.freed} kind={kind_label(o.kind)} count={count} faulted={st.faulted} />
        })
    });

    let w = l.width.max(200.0);
    let h = l.height.max(120.0).max(extra_h);
    let cycle_list = (!cycles.is_empty()).then(|| {
        html! {
            <ul class="cycles" data-testid={format!("cycles-{lane}")} aria-label="Dependency cycles at this step">
                { for cycles.iter().map(|c| html! {
                    <li><span class="cycle-icon" aria-hidden="true">{"⟳"}</span>{marked(&c.sentence)}</li>
                }) }
            </ul>
        }
    });
    html! {
        <>
        <svg class={classes!("graph", (view.objects.len() > BIG_GRAPH).then_some("big"))} data-testid={format!("graph-{lane}")} viewBox={format!("0 0 {} {}", r(w), r(h))}
            style={format!("width:{}px", r(w))} preserveAspectRatio="xMidYMin meet" role="group"
            aria-label={format!("Dependency graph of lane {}, step {}", lane.to_ascii_uppercase(), p.step)}>
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
            <g class="clusters">{ for clusters }</g>
            <g class="edges">{ for edges }</g>
            <g class="nodes">{ for nodes }</g>
        </svg>
        {cycle_list}
        </>
    }
}

#[derive(Properties, PartialEq)]
struct NodeProps {
    class: Classes,
    x: i32,
    y: i32,
    label: String,
    name: String,
    freed: bool,
    kind: String,
    count: Option<String>,
    faulted: bool,
}

/// One object of the graph. A component with `PartialEq` props, so a step re-renders only
/// the nodes whose state changed.
#[function_component(GraphNode)]
fn graph_node(p: &NodeProps) -> Html {
    html! {
        <g class={p.class.clone()} style={format!("transform:translate({}px,{}px)", p.x, p.y)}
            role="img" aria-label={p.label.clone()}>
            <title>{&p.label}</title>
            <rect width={px(NODE_W)} height={px(NODE_H)} rx="7" />
            <text class="n-name" x="10" y="17">{&p.name}</text>
            <text class="n-kind" x="10" y="31">{ if p.freed { "freed".to_string() } else { p.kind.clone() } }</text>
            if let Some(c) = &p.count {
                <g class="badge" style={format!("transform:translate({}px,-8px)", r(NODE_W - 14.0))}>
                    <circle r="10" cx="0" cy="0" />
                    <text x="0" y="4" text-anchor="middle">{c}</text>
                </g>
            }
            if p.faulted {
                <text class="fault-mark" x={px(NODE_W - 18.0)} y="32">{"⚡"}</text>
            }
        </g>
    }
}

#[derive(Properties, PartialEq)]
struct EdgeProps {
    class: Classes,
    d: String,
    start: String,
    end: String,
    title: String,
}

/// One reference of the graph; re-renders only when it changes.
#[function_component(GraphEdge)]
fn graph_edge(p: &EdgeProps) -> Html {
    html! {
        <path class={p.class.clone()} d={p.d.clone()} marker-start={p.start.clone()} marker-end={p.end.clone()}>
            <title>{&p.title}</title>
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
        ObjKind::Cred | ObjKind::Socket => "misc",
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
