//! A small layered (Sugiyama-style) layout for the dependency graph.
//!
//! Steps: break cycles (depth-first, dropping back edges), rank by longest path over the
//! ranking edges (owner and counted references; raw pointers do not rank), order each rank
//! by barycenter sweeps, then place: clusters (vnets) get side-by-side column blocks, so a
//! vnet's objects stay together, and each rank is a row. Blocks that would make the
//! drawing wider than [`WRAP_W`] wrap into bands of all the ranks.
//!
//! Invariants:
//! - Pure and deterministic: the same input gives the same coordinates (inputs are
//!   processed in the given order, ties broken by index; no hashing).
//! - Computed once per scenario over the objects of both lanes, keyed by the object's
//!   stable key, so nothing moves between steps or between lanes.
//! - Every input node gets a position; coordinates are non-negative.

use crate::support::order;
use crate::support::vecmap::VecMap;

/// Horizontal distance between node centres.
pub const DX: f32 = 144.0;
/// Vertical distance between ranks.
pub const DY: f32 = 76.0;
/// Margin around the drawing and inside clusters.
pub const PAD: f32 = 28.0;
/// Node box size.
pub const NODE_W: f32 = 128.0;
pub const NODE_H: f32 = 40.0;

/// Above this width (in layout units) the cluster blocks wrap into bands.
pub const WRAP_W: f32 = 6000.0;

/// A node to place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LNode {
    pub key: String,
    /// The cluster (vnet) it belongs to, if any; clusters are drawn as boxes.
    pub cluster: Option<String>,
}

/// An edge between node indexes. `ranks` says whether it takes part in ranking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LEdge {
    pub from: usize,
    pub to: usize,
    pub ranks: bool,
}

/// A cluster's box.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterBox {
    pub key: String,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// The result: a centre per node key, the clusters' boxes and the drawing's size.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    pub pos: VecMap<String, (f32, f32)>,
    pub clusters: Vec<ClusterBox>,
    pub width: f32,
    pub height: f32,
}

/// Lays the graph out.
pub fn layout(nodes: &[LNode], edges: &[LEdge]) -> Layout {
    let n = nodes.len();
    if n == 0 {
        return Layout { width: 2.0 * PAD, height: 2.0 * PAD, ..Layout::default() };
    }
    let edges: Vec<LEdge> =
        edges.iter().copied().filter(|e| e.from < n && e.to < n && e.from != e.to).collect();
    let rank = ranks(n, &edges);
    let max_rank = rank.iter().copied().max().unwrap_or(0);

    // Clusters in order of first appearance; unclustered nodes form the first block.
    let mut cluster_ids: VecMap<&str, usize> = VecMap::new();
    let mut cluster_names: Vec<Option<&str>> = vec![None];
    let cluster_of: Vec<usize> = nodes
        .iter()
        .map(|nd| match nd.cluster.as_deref() {
            None => 0,
            Some(c) => match cluster_ids.get(c) {
                Some(&i) => i,
                None => {
                    cluster_names.push(Some(c));
                    cluster_ids.insert(c, cluster_names.len() - 1);
                    cluster_names.len() - 1
                }
            },
        })
        .collect();

    // Initial order: by cluster, then input order.
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); max_rank + 1];
    let mut idx: Vec<usize> = (0..n).collect();
    order::sort_by_key(&mut idx, |&v| (cluster_of[v], v));
    for v in idx {
        layers[rank[v]].push(v);
    }

    // Barycenter sweeps over all edges between adjacent ranks, keeping clusters contiguous.
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &edges {
        up[e.to].push(e.from);
        down[e.from].push(e.to);
    }
    let mut position = vec![0usize; n];
    let refresh = |layers: &Vec<Vec<usize>>, position: &mut Vec<usize>| {
        for layer in layers {
            for (i, &v) in layer.iter().enumerate() {
                position[v] = i;
            }
        }
    };
    refresh(&layers, &mut position);
    for sweep in 0..6 {
        let downward = sweep % 2 == 0;
        let range: Vec<usize> =
            if downward { (1..=max_rank).collect() } else { (0..max_rank).rev().collect() };
        for r in range {
            let neigh = if downward { &up } else { &down };
            let adj = if downward { r.wrapping_sub(1) } else { r + 1 };
            let mut keyed: Vec<(usize, f32, usize)> = layers[r]
                .iter()
                .map(|&v| {
                    let ps: Vec<f32> = neigh[v]
                        .iter()
                        .filter(|&&u| rank[u] == adj)
                        .map(|&u| position[u] as f32)
                        .collect();
                    let bary = if ps.is_empty() {
                        position[v] as f32
                    } else {
                        ps.iter().sum::<f32>() / ps.len() as f32
                    };
                    (cluster_of[v], bary, v)
                })
                .collect();
            order::sort_by(&mut keyed, |a, b| {
                a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2))
            });
            layers[r] = keyed.into_iter().map(|(_, _, v)| v).collect();
            for (i, &v) in layers[r].iter().enumerate() {
                position[v] = i;
            }
        }
    }

    // Placement: each cluster is a block of columns as wide as its widest rank.
    let nc = cluster_names.len();
    let mut width_of = vec![0usize; nc];
    for layer in &layers {
        let mut count = vec![0usize; nc];
        for &v in layer {
            count[cluster_of[v]] += 1;
        }
        for c in 0..nc {
            width_of[c] = width_of[c].max(count[c]);
        }
    }
    // Blocks go left to right. A drawing wider than `WRAP_W` wraps its blocks into bands
    // (every band has all the ranks), about as wide as the whole is tall, so a big
    // scenario is a sheet to scroll in two directions, not one very long strip.
    let top = PAD + 24.0;
    let band_h = top + (max_rank + 1) as f32 * DY;
    let block_w = |c: usize| {
        if width_of[c] == 0 {
            0.0
        } else {
            width_of[c] as f32 * DX + if c == 0 { PAD } else { 2.0 * PAD }
        }
    };
    let one_row: f32 = PAD + (0..nc).map(block_w).sum::<f32>();
    let row_w = if one_row > WRAP_W { WRAP_W.max((one_row * band_h).sqrt()) } else { f32::MAX };
    let mut offset = vec![0f32; nc];
    let mut band_of = vec![0usize; nc];
    let (mut x, mut band, mut total_w) = (PAD, 0usize, PAD);
    for c in 0..nc {
        if x > PAD && x + block_w(c) > row_w {
            (x, band) = (PAD, band + 1);
        }
        offset[c] = x;
        band_of[c] = band;
        x += block_w(c);
        total_w = total_w.max(x);
    }
    let mut out = Layout::default();
    let mut pos = Vec::with_capacity(n);
    for (r, layer) in layers.iter().enumerate() {
        for c in 0..nc {
            let members: Vec<usize> =
                layer.iter().copied().filter(|&v| cluster_of[v] == c).collect();
            let inset = if c == 0 { 0.0 } else { PAD / 2.0 };
            let slack = (width_of[c] - members.len()) as f32 * DX / 2.0;
            for (i, v) in members.into_iter().enumerate() {
                let cx = offset[c] + inset + slack + i as f32 * DX + DX / 2.0;
                let cy = band_of[c] as f32 * band_h + top + r as f32 * DY + NODE_H / 2.0;
                pos.push((nodes[v].key.clone(), (cx, cy)));
            }
        }
    }
    out.pos = VecMap::from_pairs(pos);
    for (c, name) in cluster_names.iter().enumerate().skip(1) {
        let Some(name) = name else { continue };
        let ys: Vec<f32> = (0..n)
            .filter(|&v| cluster_of[v] == c)
            .filter_map(|v| out.pos.get(&nodes[v].key).map(|p| p.1))
            .collect();
        let y0 = ys.iter().copied().fold(f32::MAX, f32::min) - NODE_H / 2.0 - 26.0;
        let y1 = ys.iter().copied().fold(f32::MIN, f32::max) + NODE_H / 2.0 + 12.0;
        out.clusters.push(ClusterBox {
            key: name.to_string(),
            x: offset[c],
            y: y0.max(0.0),
            w: width_of[c] as f32 * DX + PAD,
            h: y1 - y0.max(0.0),
        });
    }
    out.width = total_w.max(2.0 * PAD);
    out.height = (band + 1) as f32 * band_h + PAD;
    out
}

/// Longest-path ranks over the ranking edges, after dropping the back edges of a
/// depth-first search (so cycles never loop the ranking).
fn ranks(n: usize, edges: &[LEdge]) -> Vec<usize> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in edges.iter().filter(|e| e.ranks) {
        out[e.from].push(e.to);
    }
    // Iterative DFS; state 0 = new, 1 = on stack, 2 = done.
    let mut state = vec![0u8; n];
    let mut order = Vec::with_capacity(n);
    let mut dag: Vec<Vec<usize>> = vec![Vec::new(); n];
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some((v, i)) = stack.pop() {
            if let Some(&w) = out[v].get(i) {
                stack.push((v, i + 1));
                match state[w] {
                    0 => {
                        dag[v].push(w);
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    2 => dag[v].push(w),
                    _ => {} // a back edge: dropped
                }
            } else {
                state[v] = 2;
                order.push(v);
            }
        }
    }
    // `order` is a post-order; reversed it is a topological order of the DAG.
    let mut rank = vec![0usize; n];
    for &v in order.iter().rev() {
        for &w in &dag[v] {
            rank[w] = rank[w].max(rank[v] + 1);
        }
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(k: &str, c: Option<&str>) -> LNode {
        LNode { key: k.into(), cluster: c.map(str::to_string) }
    }

    #[test]
    fn a_chain_ranks_top_down() {
        let nodes = vec![node("a", None), node("b", None), node("c", None)];
        let edges =
            vec![LEdge { from: 0, to: 1, ranks: true }, LEdge { from: 1, to: 2, ranks: true }];
        let l = layout(&nodes, &edges);
        let y = |k: &str| l.pos.get(k).expect("placed").1;
        assert!(y("a") < y("b") && y("b") < y("c"));
    }

    #[test]
    fn cycles_and_raw_edges_do_not_break_it() {
        let nodes = vec![node("a", None), node("b", None), node("c", None)];
        let edges = vec![
            LEdge { from: 0, to: 1, ranks: true },
            LEdge { from: 1, to: 2, ranks: true },
            LEdge { from: 2, to: 0, ranks: true },
            LEdge { from: 2, to: 1, ranks: false },
            LEdge { from: 5, to: 1, ranks: true },
        ];
        let l = layout(&nodes, &edges);
        assert_eq!(l.pos.len(), 3);
        assert!(l.pos.values().all(|&(x, y)| x >= 0.0 && y >= 0.0));
    }

    #[test]
    fn clusters_are_contiguous_and_boxed() {
        let nodes = vec![
            node("v1", None),
            node("x1", Some("v1")),
            node("y1", Some("v2")),
            node("x2", Some("v1")),
        ];
        let edges = vec![
            LEdge { from: 0, to: 1, ranks: true },
            LEdge { from: 0, to: 2, ranks: true },
            LEdge { from: 0, to: 3, ranks: true },
        ];
        let l = layout(&nodes, &edges);
        assert_eq!(l.clusters.len(), 2);
        let b1 = &l.clusters[0];
        for k in ["x1", "x2"] {
            let (x, y) = *l.pos.get(k).expect("placed");
            assert!(x > b1.x && x < b1.x + b1.w && y > b1.y && y < b1.y + b1.h);
        }
        assert!(l.pos.get("y1").expect("placed").0 > b1.x + b1.w);
    }

    #[test]
    fn deterministic_and_fast_enough_for_500() {
        let nodes: Vec<LNode> =
            (0..500).map(|i| node(&format!("n{i}"), Some(["a", "b", "c"][i % 3]))).collect();
        let edges: Vec<LEdge> = (1..500)
            .map(|i| LEdge { from: (i * 7) % i.max(1) / 2, to: i, ranks: i % 5 != 0 })
            .collect();
        let a = layout(&nodes, &edges);
        let b = layout(&nodes, &edges);
        assert_eq!(a, b);
        assert_eq!(a.pos.len(), 500);
    }

    #[test]
    fn a_wide_drawing_wraps_into_bands_without_overlap() {
        // 80 vnets of 4 objects each, every one owned by a host object: one strip would be
        // 80 blocks wide.
        let mut nodes = vec![node("host", None)];
        let mut edges = Vec::new();
        for v in 0..80 {
            for k in 0..4 {
                nodes.push(node(&format!("v{v}o{k}"), Some(&format!("v{v}"))));
                let i = nodes.len() - 1;
                edges.push(LEdge { from: if k == 0 { 0 } else { i - 1 }, to: i, ranks: true });
            }
        }
        let l = layout(&nodes, &edges);
        assert_eq!(l.pos.len(), nodes.len());
        assert!(l.width <= WRAP_W.max((l.width * l.height).sqrt()) + 4.0 * DX, "{}", l.width);
        assert!(l.height > 2.0 * (5.0 * DY), "it wrapped: {}", l.height);
        for (i, a) in l.clusters.iter().enumerate() {
            assert!(a.x >= 0.0 && a.y >= 0.0 && a.x + a.w <= l.width && a.y + a.h <= l.height);
            for b in &l.clusters[i + 1..] {
                let apart =
                    a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
                assert!(apart, "{} overlaps {}", a.key, b.key);
            }
        }
        // Every node sits inside its cluster's box.
        for v in 0..80 {
            let c = l.clusters.iter().find(|c| c.key == format!("v{v}")).unwrap();
            for k in 0..4 {
                let (x, y) = *l.pos.get(&format!("v{v}o{k}")).expect("placed");
                assert!(x > c.x && x < c.x + c.w && y > c.y && y < c.y + c.h);
            }
        }
    }
}
