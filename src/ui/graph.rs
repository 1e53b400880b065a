//! Pure helpers behind the dependency graph and the player: the layout over both lanes and
//! the markers of the scrubber. Trace semantics (the first divergence, provenance, fault
//! and outcome labels) come from the engine.
//!
//! Invariants:
//! - Pure; keyed by the objects' stable keys (`ObjectInfo::key`), never by trace-local ids,
//!   so both lanes share one layout and nothing moves between steps.
//! - The layout is computed once per pair of traces (the reducer calls it on simulate),
//!   twice over: with every object (the host expanded) and without the host's objects
//!   (`Trace::is_host`), which then fold into one box at the top, [`host_box`], with a row
//!   beside it for the host objects a step brings out ([`host_slot`]).

use crate::engine::{BuildError, EdgeKind, ObjKind, Trace};
use crate::support::vecmap::VecMap;
use crate::support::vecmap::VecSet;
use crate::ui::layout::{DX, LEdge, LNode, Layout, NODE_H, NODE_W, PAD, layout};
use std::rc::Rc;

/// One lane's simulation: its trace, or why the scenario did not build.
pub type Run = Result<Rc<Trace>, BuildError>;

/// The layout of every object of both lanes, and the cluster labels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GraphLayout {
    pub layout: Layout,
    /// Cluster key → label (the vnet's name).
    pub cluster_labels: VecMap<String, String>,
    /// Object key → the cluster (vnet key) the layout placed it in.
    pub home_cluster: VecMap<String, String>,
    /// The same drawing without the host's objects: they fold into [`host_box`], and the
    /// rest sits one row lower to make room for it.
    pub collapsed: Layout,
    /// The keys of the host's objects (empty: nothing to fold).
    pub host: VecSet<String>,
    /// The minimap's drawing of `layout` and of `collapsed`: the clusters' boxes and the
    /// objects' boxes, each as one SVG path.
    pub minimap: [(String, String); 2],
}

/// The width of the folded host's box, in layout units.
pub const HOST_W: f32 = 2.0 * NODE_W + 20.0;
/// How far the folded drawing moves down to make room for the host's row.
const HOST_ROW: f32 = NODE_H + PAD;

/// The folded host's box: x, y, width, height (layout units).
pub fn host_box() -> (f32, f32, f32, f32) {
    (PAD, PAD, HOST_W, NODE_H)
}

/// The centre of the folded host's box, where references to a folded object end.
pub fn host_centre() -> (f32, f32) {
    let (x, y, w, h) = host_box();
    (x + w / 2.0, y + h / 2.0)
}

/// Where the `i`-th host object a step brings out of the folded box is drawn: in a row to
/// the right of the box.
pub fn host_slot(i: usize) -> (f32, f32) {
    let (x, y, w, h) = host_box();
    (x + w + 16.0 + i as f32 * DX + NODE_W / 2.0, y + h / 2.0)
}

/// Lays out the union of both lanes' objects and references.
pub fn graph_layout(runs: &[Run; 2]) -> GraphLayout {
    let mut index: VecMap<String, usize> = VecMap::new();
    let mut nodes: Vec<LNode> = Vec::new();
    // Keys are unique (`index` guards them): built as lists, sorted once at the end.
    let mut labels = Vec::new();
    let mut homes = Vec::new();
    let mut edges: Vec<LEdge> = Vec::new();
    let mut host = Vec::new();
    for t in runs.iter().filter_map(|r| r.as_ref().ok()) {
        for o in &t.objects {
            if index.contains_key(&o.key) {
                continue;
            }
            if t.is_host(o.id) {
                host.push(o.key.clone());
            }
            let cluster = if o.kind == ObjKind::Vnet {
                Some(o.key.clone())
            } else {
                o.vnet.map(|v| t.object(v).key.clone())
            };
            if o.kind == ObjKind::Vnet {
                labels.push((o.key.clone(), o.name.clone()));
            }
            if let Some(c) = &cluster {
                homes.push((o.key.clone(), c.clone()));
            }
            index.insert(o.key.clone(), nodes.len());
            nodes.push(LNode { key: o.key.clone(), cluster });
        }
        for e in &t.edges {
            let (Some(&from), Some(&to)) =
                (index.get(&t.object(e.from).key), index.get(&t.object(e.to).key))
            else {
                continue;
            };
            let le = LEdge { from, to, ranks: e.kind != EdgeKind::Raw };
            if !edges.contains(&le) {
                edges.push(le);
            }
        }
    }
    let host: VecSet<String> = host.into_iter().collect();
    let (full, collapsed) = (layout(&nodes, &edges), folded(&nodes, &edges, &host));
    GraphLayout {
        minimap: [minimap(&full, None), minimap(&collapsed, Some(&host))],
        layout: full,
        collapsed,
        cluster_labels: VecMap::from_pairs(labels),
        home_cluster: VecMap::from_pairs(homes),
        host,
    }
}

/// Appends a box at (x, y), w wide and h high, to an SVG path, in whole units (integers
/// only: no float formatter in the wasm).
pub fn box_path(out: &mut String, x: f32, y: f32, w: f32, h: f32) {
    let r = |v: f32| (v + 0.5).floor() as i32;
    for (c, v) in [('M', r(x)), (',', r(y)), ('h', r(w)), ('v', r(h)), ('h', -r(w))] {
        out.push(c);
        push_int(out, v);
    }
    out.push('z');
}

/// Appends an integer in decimal, without the formatting machinery (a step writes a box
/// per object it touches).
fn push_int(out: &mut String, v: i32) {
    if v < 0 {
        out.push('-');
    }
    let mut n = v.unsigned_abs();
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for d in &digits[i..] {
        out.push(char::from(*d));
    }
}

/// A layout as the minimap draws it (see `GraphLayout::minimap`); `host` leaves the host's
/// objects out for the folded box.
fn minimap(l: &Layout, host: Option<&VecSet<String>>) -> (String, String) {
    let mut nodes = String::new();
    for (key, &(x, y)) in l.pos.iter() {
        if !host.is_some_and(|h| h.contains(key)) {
            box_path(&mut nodes, x - NODE_W / 2.0, y - NODE_H / 2.0, NODE_W, NODE_H);
        }
    }
    if host.is_some_and(|h| !h.is_empty()) {
        let (x, y, w, h) = host_box();
        box_path(&mut nodes, x, y, w, h);
    }
    let mut boxes = String::new();
    for c in &l.clusters {
        box_path(&mut boxes, c.x, c.y, c.w, c.h);
    }
    (boxes, nodes)
}

/// The layout without the host's objects, one row lower, with room for the folded host's
/// box and its row at the top.
fn folded(nodes: &[LNode], edges: &[LEdge], host: &VecSet<String>) -> Layout {
    if host.is_empty() {
        return layout(nodes, edges);
    }
    // Old index → new index of the objects that stay.
    let mut keep: Vec<Option<usize>> = Vec::with_capacity(nodes.len());
    let mut rest: Vec<LNode> = Vec::new();
    for nd in nodes {
        if host.contains(&nd.key) {
            keep.push(None);
        } else {
            keep.push(Some(rest.len()));
            rest.push(nd.clone());
        }
    }
    let rest_edges: Vec<LEdge> = edges
        .iter()
        .filter_map(|e| Some(LEdge { from: keep[e.from]?, to: keep[e.to]?, ranks: e.ranks }))
        .collect();
    let mut l = layout(&rest, &rest_edges);
    for p in l.pos.values_mut() {
        p.1 += HOST_ROW;
    }
    for c in &mut l.clusters {
        c.y += HOST_ROW;
    }
    let (x, _, w, _) = host_box();
    l.width = l.width.max(x + w + PAD);
    l.height += HOST_ROW;
    l
}

/// A marker on the scrubber.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    pub step: usize,
    pub kind: MarkerKind,
    pub label: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    Fault,
    Divergence,
}

/// The scrubber's markers: every fault of either lane, and the first divergence.
pub fn markers(runs: &[Run; 2]) -> Vec<Marker> {
    let mut out = Vec::new();
    for (i, t) in runs.iter().enumerate() {
        if let Ok(t) = t {
            for f in &t.faults {
                out.push(Marker {
                    step: f.step,
                    kind: MarkerKind::Fault,
                    label: format!("lane {}: {}", ["A", "B"][i], f.message),
                });
            }
        }
    }
    if let (Ok(a), Ok(b)) = (&runs[0], &runs[1])
        && let Some(d) = crate::engine::trace::first_divergence(a, b)
    {
        out.push(Marker {
            step: d,
            kind: MarkerKind::Divergence,
            label: format!("the lanes diverge at step {d}"),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_paths_are_written_in_whole_units() {
        let mut d = String::new();
        box_path(&mut d, -3.6, 0.4, 128.0, 40.0);
        box_path(&mut d, 1_000_000.2, 7.0, 9.0, 2_147_483.0);
        assert_eq!(d, "M-4,0h128v40h-128zM1000000,7h9v2147483h-9z");
    }
}
