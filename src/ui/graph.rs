//! Pure helpers behind the dependency graph and the player: the layout over both lanes and
//! the markers of the scrubber. Trace semantics (the first divergence, provenance, fault
//! and outcome labels) come from the engine.
//!
//! Invariants:
//! - Pure; keyed by the objects' stable keys (`ObjectInfo::key`), never by trace-local ids,
//!   so both lanes share one layout and nothing moves between steps.
//! - The layout is computed once per pair of traces (the reducer calls it on simulate).

use crate::engine::{BuildError, EdgeKind, ObjKind, Trace};
use crate::support::vecmap::VecMap;
use crate::ui::layout::{LEdge, LNode, Layout, layout};
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
}

/// Lays out the union of both lanes' objects and references.
pub fn graph_layout(runs: &[Run; 2]) -> GraphLayout {
    let mut index: VecMap<String, usize> = VecMap::new();
    let mut nodes: Vec<LNode> = Vec::new();
    // Keys are unique (`index` guards them): built as lists, sorted once at the end.
    let mut labels = Vec::new();
    let mut homes = Vec::new();
    let mut edges: Vec<LEdge> = Vec::new();
    for t in runs.iter().filter_map(|r| r.as_ref().ok()) {
        for o in &t.objects {
            if index.contains_key(&o.key) {
                continue;
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
    GraphLayout {
        layout: layout(&nodes, &edges),
        cluster_labels: VecMap::from_pairs(labels),
        home_cluster: VecMap::from_pairs(homes),
    }
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
