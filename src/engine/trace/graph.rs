//! The dependency graph at one step, and its cycles.
//!
//! Invariants: petgraph indices never leave this module; callers see only `ObjId`s. The
//! graph holds the live (not freed) objects of `Trace::view_at(step)` and every reference
//! present at that step between them; dangling references point at freed memory and are
//! left out. A cycle is a strongly connected component with more than one object (tarjan),
//! explained in one sentence built from the edge labels and kinds.

use crate::engine::trace::*;
use crate::support::idmap::IdMap;
use crate::support::order;
use crate::support::vecmap::VecSet;
use petgraph::algo::tarjan_scc;
use petgraph::stable_graph::{NodeIndex, StableGraph};
use std::collections::VecDeque;

/// Back pointers to a container that every contained object has (an ifnet's vnet, an
/// address's ifnet, a nexthop's vnet, a jail's shared vnet). They would join every object
/// of a vnet into one component, so the cycle view leaves them out [I]. Pointers that code
/// follows to do work, such as a subscription's `rs->rnh`, stay in.
pub const BOOKKEEPING: &[&str] = &["if_vnet", "if_home_vnet", "nh_vnet", "pr_vnet", "ifa_ifp"];

/// One dependency cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cycle {
    /// Every object of the strongly connected component, by id.
    pub objects: Vec<ObjId>,
    pub sentence: String,
}

/// The object graph at one step.
pub struct DepGraph {
    graph: StableGraph<ObjId, EdgeId>,
    nodes: IdMap<ObjId, NodeIndex>,
    names: IdMap<ObjId, String>,
    kinds: IdMap<ObjId, ObjKind>,
    edges: IdMap<EdgeId, (ObjId, ObjId, EdgeKind, String)>,
}

/// Builds the graph after `step` steps (0 = before teardown).
pub fn graph_at(trace: &Trace, step: usize) -> DepGraph {
    graph_of(trace, &trace.view_at(step))
}

/// The edges the dependency graph of `view` holds: present, not dangling, not
/// bookkeeping, between live objects. Cycles are a function of this set alone, so a UI
/// can recompute them only when it changes.
pub fn graph_edges(trace: &Trace, view: &View) -> Vec<EdgeId> {
    let live = |o: ObjId| view.objects.get(&o).is_some_and(|s| !s.freed);
    view.edges
        .iter()
        .filter(|(_, dangling)| !**dangling)
        .map(|(id, _)| trace.edge(*id))
        .filter(|e| !BOOKKEEPING.contains(&e.label.as_str()) && live(e.from) && live(e.to))
        .map(|e| e.id)
        .collect()
}

/// Whether the sorted edge set `sub` is a subset of the sorted edge set `of`. Taking
/// references away never makes a cycle, so a UI that found none in `of` needs no new
/// search for `sub`.
pub fn is_edge_subset(sub: &[EdgeId], of: &[EdgeId]) -> bool {
    let mut rest = of.iter();
    sub.iter().all(|e| rest.any(|o| o == e))
}

/// Builds the graph of an already computed view (see `ViewCache`).
pub fn graph_of(trace: &Trace, view: &View) -> DepGraph {
    graph_where(trace, view, |_| true)
}

/// The graph of `view` restricted to the objects in `keep` and the references among them.
pub fn graph_within(trace: &Trace, view: &View, keep: &VecSet<ObjId>) -> DepGraph {
    graph_where(trace, view, |o| keep.contains(&o))
}

fn graph_where(trace: &Trace, view: &View, keep: impl Fn(ObjId) -> bool) -> DepGraph {
    let mut graph = StableGraph::new();
    let mut nodes = IdMap::new();
    let mut names = IdMap::new();
    let mut kinds = IdMap::new();
    for (id, st) in &view.objects {
        if !st.freed && keep(*id) {
            nodes.insert(*id, graph.add_node(*id));
            names.insert(*id, trace.object(*id).name.clone());
            kinds.insert(*id, trace.object(*id).kind);
        }
    }
    let mut edges = IdMap::new();
    for (eid, dangling) in &view.edges {
        if *dangling {
            continue;
        }
        let e = trace.edge(*eid);
        if BOOKKEEPING.contains(&e.label.as_str()) {
            continue;
        }
        if let (Some(a), Some(b)) = (nodes.get(&e.from), nodes.get(&e.to)) {
            graph.add_edge(*a, *b, *eid);
            edges.insert(*eid, (e.from, e.to, e.kind, e.label.clone()));
        }
    }
    DepGraph { graph, nodes, names, kinds, edges }
}

/// The cycles of `view`, whose graph edges (`graph_edges`) are `now`, derived from an
/// earlier view's edges `before` and cycles, when `now` only lost references. None when
/// `now` is not a subset of `before` (the caller then searches the whole graph).
///
/// - A cycle of the smaller graph is strongly connected in the bigger one too, so it lies
///   inside one of the earlier cycles.
/// - An earlier cycle that lost no reference between two of its own objects is still a
///   cycle, with the same objects and the same sentence: the graph among its objects is
///   unchanged (a freed object loses all its references, so it counts as a loss). It is
///   taken over as it is.
/// - The search runs only over the objects of the cycles that lost a reference.
pub fn cycles_since(
    trace: &Trace,
    view: &View,
    now: &[EdgeId],
    before: &[EdgeId],
    cycles_before: &[Cycle],
) -> Option<Vec<Cycle>> {
    if !is_edge_subset(now, before) {
        return None;
    }
    let mut cycle_of: IdMap<ObjId, usize> = IdMap::new();
    for (i, c) in cycles_before.iter().enumerate() {
        for o in &c.objects {
            cycle_of.insert(*o, i);
        }
    }
    // The references lost since `before` (both lists are sorted), and the cycles they
    // were inside.
    let mut lost_in = vec![false; cycles_before.len()];
    let mut kept = now.iter().peekable();
    for e in before {
        while kept.next_if(|k| *k < e).is_some() {}
        if kept.next_if_eq(&e).is_some() {
            continue;
        }
        let edge = trace.edge(*e);
        if let (Some(a), Some(b)) = (cycle_of.get(&edge.from), cycle_of.get(&edge.to))
            && a == b
            && let Some(hit) = lost_in.get_mut(*a)
        {
            *hit = true;
        }
    }
    let mut out: Vec<Cycle> = Vec::new();
    let mut search: VecSet<ObjId> = VecSet::new();
    for (c, lost) in cycles_before.iter().zip(&lost_in) {
        if *lost {
            search.extend(c.objects.iter().copied());
        } else {
            out.push(c.clone());
        }
    }
    if !search.is_empty() {
        out.extend(graph_within(trace, view, &search).cycles());
        order::sort_by(&mut out, |a, b| a.objects.cmp(&b.objects));
    }
    Some(out)
}

impl DepGraph {
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// Objects this one refers to, with the reference.
    pub fn out_edges(&self, obj: ObjId) -> Vec<(EdgeId, ObjId)> {
        let mut v: Vec<(EdgeId, ObjId)> =
            self.edges.iter().filter(|(_, e)| e.0 == obj).map(|(id, e)| (*id, e.1)).collect();
        order::sort(&mut v);
        v
    }

    /// Every non-trivial strongly connected component, with a sentence that walks the
    /// shortest cycle through it (starting at an interface when there is one).
    pub fn cycles(&self) -> Vec<Cycle> {
        let mut out = Vec::new();
        for scc in tarjan_scc(&self.graph) {
            if scc.len() < 2 {
                continue;
            }
            let mut objs: Vec<ObjId> =
                scc.iter().filter_map(|n| self.graph.node_weight(*n).copied()).collect();
            order::sort(&mut objs);
            let set: VecSet<ObjId> = objs.iter().copied().collect();
            let start = objs
                .iter()
                .copied()
                .find(|o| self.kinds.get(o).is_some_and(|k| matches!(k, ObjKind::Ifnet(_))))
                .unwrap_or(objs[0]);
            let hops = self.shortest_cycle(start, &set);
            let sentence = self.sentence(&hops);
            out.push(Cycle { objects: objs, sentence });
        }
        order::sort_by(&mut out, |a, b| a.objects.cmp(&b.objects));
        out
    }

    /// Breadth-first search for the shortest way from `start` back to itself.
    fn shortest_cycle(&self, start: ObjId, set: &VecSet<ObjId>) -> Vec<EdgeId> {
        let mut prev: IdMap<ObjId, EdgeId> = IdMap::new();
        let mut queue = VecDeque::from([start]);
        let mut seen = VecSet::new();
        seen.insert(start);
        while let Some(cur) = queue.pop_front() {
            for (eid, to) in self.out_edges(cur) {
                if !set.contains(&to) {
                    continue;
                }
                if to == start {
                    let mut hops = vec![eid];
                    let mut at = cur;
                    while at != start {
                        let Some(e) = prev.get(&at).copied() else { break };
                        hops.push(e);
                        at = self.edges.get(&e).map(|x| x.0).unwrap_or(start);
                    }
                    hops.reverse();
                    return hops;
                }
                if seen.insert(to) {
                    prev.insert(to, eid);
                    queue.push_back(to);
                }
            }
        }
        Vec::new()
    }

    fn sentence(&self, hops: &[EdgeId]) -> String {
        let parts: Vec<String> = hops
            .iter()
            .filter_map(|h| self.edges.get(h))
            .map(|(from, to, kind, label)| {
                let f = self.names.get(from).cloned().unwrap_or_default();
                let t = self.names.get(to).cloned().unwrap_or_default();
                let verb = match kind {
                    EdgeKind::Owner => "owns",
                    EdgeKind::Counted => "holds a counted reference on",
                    EdgeKind::Raw => "points (raw) at",
                };
                format!("{f} {verb} {t} ({label})")
            })
            .collect();
        let mut s = parts.join("; ");
        if hops.iter().any(|h| self.edges.get(h).is_some_and(|e| e.2 == EdgeKind::Raw)) {
            s.push_str(". The raw link keeps nothing alive: whichever side is freed first leaves the other pointing at freed memory.");
        } else {
            s.push('.');
        }
        s
    }
}
