//! Pure helpers behind the dependency graph and the player: the layout over both lanes, the
//! first divergence, the markers of the scrubber, and the narration's provenance markers.
//!
//! Invariants:
//! - Pure; keyed by the objects' stable keys (`ObjectInfo::key`), never by trace-local ids,
//!   so both lanes share one layout and nothing moves between steps.
//! - The layout is computed once per pair of traces (the reducer calls it on simulate).

use crate::engine::{EdgeKind, EventKind, ObjKind, Trace};
use crate::support::vecmap::VecMap;
use crate::ui::layout::{LEdge, LNode, Layout, layout};
use crate::ui::state::Run;
use std::collections::BTreeMap;

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
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
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

/// The first step (1-based) at which the lanes' step function or events differ
/// (decisions §27), or None if they never do.
pub fn divergence(a: &Trace, b: &Trace) -> Option<usize> {
    let n = a.steps.len().max(b.steps.len());
    (0..n)
        .find(|&i| match (a.steps.get(i), b.steps.get(i)) {
            (Some(x), Some(y)) => {
                let ev = |t: &Trace, s: &crate::engine::Step| -> Vec<(EventKind, String)> {
                    s.events.iter().map(|e| (e.kind, t.object(e.obj).key.clone())).collect()
                };
                x.function != y.function || ev(a, x) != ev(b, y)
            }
            _ => true,
        })
        .map(|i| i + 1)
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
        && let Some(d) = divergence(a, b)
    {
        out.push(Marker {
            step: d,
            kind: MarkerKind::Divergence,
            label: format!("the lanes diverge at step {d}"),
        });
    }
    out
}

/// A piece of narration text: plain text, or a provenance marker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Marker(Provenance),
}

/// The four provenance markers (decisions §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provenance {
    Verified,
    Review,
    Inferred,
    Prototype,
}

impl Provenance {
    pub fn label(self) -> &'static str {
        match self {
            Provenance::Verified => "verified",
            Provenance::Review => "from review/commit",
            Provenance::Inferred => "inferred",
            Provenance::Prototype => "prototype, not in FreeBSD",
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Provenance::Verified => "prov prov-v",
            Provenance::Review => "prov prov-r",
            Provenance::Inferred => "prov prov-i",
            Provenance::Prototype => "prov prov-p",
        }
    }

    fn of(tag: &str) -> Option<Provenance> {
        let tag = tag.trim();
        match tag {
            "R" => Some(Provenance::Review),
            "I" => Some(Provenance::Inferred),
            "P" => Some(Provenance::Prototype),
            _ if tag == "V" || tag.starts_with("V-") || tag.starts_with("V:") => {
                Some(Provenance::Verified)
            }
            _ => None,
        }
    }
}

/// Splits text into plain runs and [V]/[V-x]/[V: path]/[R]/[I]/[P] markers.
pub fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut plain = String::new();
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|c| open + c) else { break };
        // `[V]`, `[V: path]`, and compound ones like `[V pieces, I composition]`.
        let inner = &rest[open + 1..close];
        let parts: Vec<Option<Provenance>> = if inner.contains(':') {
            vec![Provenance::of(inner)]
        } else {
            inner
                .split(',')
                .map(|part| Provenance::of(part.split_whitespace().next().unwrap_or("")))
                .collect()
        };
        if parts.iter().all(Option::is_some) {
            plain.push_str(&rest[..open]);
            if !plain.trim_end().is_empty() {
                out.push(Piece::Text(plain.clone()));
            }
            plain.clear();
            out.extend(parts.into_iter().flatten().map(Piece::Marker));
        } else {
            plain.push_str(&rest[..=close]);
        }
        rest = &rest[close + 1..];
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        out.push(Piece::Text(plain));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_become_badges() {
        let p = pieces("rib freed [V: net/route.c] then read [I]. Cache [P][R] ok [x]");
        assert_eq!(p[0], Piece::Text("rib freed ".into()));
        assert_eq!(p[1], Piece::Marker(Provenance::Verified));
        assert_eq!(p[2], Piece::Text(" then read ".into()));
        assert_eq!(p[3], Piece::Marker(Provenance::Inferred));
        assert_eq!(p[5], Piece::Marker(Provenance::Prototype));
        assert_eq!(p[6], Piece::Marker(Provenance::Review));
        assert_eq!(p[7], Piece::Text(" ok [x]".into()));
        assert_eq!(pieces("plain"), vec![Piece::Text("plain".into())]);
        let c = pieces("a fault [V pieces, I composition].");
        assert_eq!(c[1], Piece::Marker(Provenance::Verified));
        assert_eq!(c[2], Piece::Marker(Provenance::Inferred));
    }
}
