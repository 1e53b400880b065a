//! Canvas geometry: where each jail box and interface chip sits, and what lies under a
//! point (for drops).
//!
//! Invariants:
//! - Pure function of the `Summary`: positions come from the commands' layout hints
//!   (`Entry::pos`, relative to the containing jail's content box) or, where there is none,
//!   from a deterministic flow (chips in rows of four, then nested jails side by side).
//! - A jail box always encloses its children, so hit-testing the deepest box under a
//!   point finds the container a drop goes into.

use crate::engine::input::canvas::{Loc, Sel, Summary};
use crate::support::vecmap::VecMap;

pub const CHIP_W: i32 = 104;
pub const CHIP_H: i32 = 32;
pub const GAP: i32 = 12;
pub const PAD: i32 = 14;
/// Height of a jail's title bar.
pub const HEAD: i32 = 34;
pub const JAIL_MIN_W: i32 = 2 * PAD + 2 * CHIP_W + GAP;
pub const JAIL_MIN_H: i32 = HEAD + CHIP_H + 2 * PAD;
/// Chips per row in the flow.
const PER_ROW: i32 = 3;

/// A rectangle in canvas coordinates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl Rect {
    pub fn contains(&self, x: i32, y: i32) -> bool {
        x >= self.x && y >= self.y && x < self.x + self.w && y < self.y + self.h
    }
}

/// One placed object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    pub sel: Sel,
    /// Absolute, in canvas coordinates.
    pub rect: Rect,
    /// Relative to the container's origin (what `Entry::pos` stores).
    pub rel: (i32, i32),
    pub depth: usize,
}

/// The whole canvas.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Geometry {
    /// Jails first (outer before inner), then chips.
    pub items: Vec<Placed>,
    pub width: i32,
    pub height: i32,
}

impl Geometry {
    pub fn get(&self, sel: &Sel) -> Option<&Placed> {
        self.items.iter().find(|p| &p.sel == sel)
    }

    /// The deepest jail under a point, or the host.
    pub fn container_at(&self, x: i32, y: i32, except: Option<&Sel>) -> Loc {
        self.items
            .iter()
            .filter(|p| matches!(p.sel, Sel::Jail(_)) && Some(&p.sel) != except)
            .filter(|p| match (except, &p.sel) {
                // A jail cannot be dropped inside its own descendants.
                (Some(Sel::Jail(e)), Sel::Jail(j)) => !j.starts_with(&format!("{e}.")),
                _ => true,
            })
            .filter(|p| p.rect.contains(x, y))
            .max_by_key(|p| p.depth)
            .and_then(|p| match &p.sel {
                Sel::Jail(j) => Some(j.clone()),
                Sel::Iface { .. } => None,
            })
    }

    /// The interface chip under a point.
    pub fn iface_at(&self, x: i32, y: i32) -> Option<&Sel> {
        self.items
            .iter()
            .filter(|p| matches!(p.sel, Sel::Iface { .. }) && p.rect.contains(x, y))
            .map(|p| &p.sel)
            .next()
    }

    /// The origin of a container's content box (where relative positions start).
    pub fn origin(&self, loc: &Loc) -> (i32, i32) {
        match loc {
            None => (0, 0),
            Some(j) => {
                self.get(&Sel::Jail(j.clone())).map(|p| (p.rect.x, p.rect.y)).unwrap_or((0, 0))
            }
        }
    }
}

/// Where the host's own chips start, under the host's title.
pub const HOST_HEAD: i32 = 40;

/// A child: what, where (relative) and how big.
type Child = (Sel, (i32, i32), (i32, i32));

struct Tree {
    /// Relative placements of a container's children and its size.
    rel: Vec<Child>,
    size: (i32, i32),
}

fn clamp(p: (i16, i16)) -> (i32, i32) {
    (i32::from(p.0).max(0), i32::from(p.1).max(0))
}

fn place(s: &Summary, loc: &Loc, sizes: &mut VecMap<String, (i32, i32)>) -> Tree {
    let head = if loc.is_none() { HOST_HEAD } else { HEAD };
    let mut rel = Vec::new();
    let mut max_x = 0;
    let mut max_y = 0;
    let mut k = 0;
    for f in s.ifaces_in(loc) {
        let p = match f.pos {
            Some(p) => clamp(p),
            None => {
                let p =
                    (PAD + (k % PER_ROW) * (CHIP_W + GAP), head + (k / PER_ROW) * (CHIP_H + GAP));
                k += 1;
                p
            }
        };
        max_x = max_x.max(p.0 + CHIP_W);
        max_y = max_y.max(p.1 + CHIP_H);
        rel.push((f.sel(), p, (CHIP_W, CHIP_H)));
    }
    let rows = (k + PER_ROW - 1) / PER_ROW;
    let mut cx = PAD;
    let cy = head + rows * (CHIP_H + GAP) + if rows > 0 { GAP / 2 } else { 0 };
    for j in s.children(loc) {
        let size = place(s, &Some(j.name.clone()), sizes).size;
        sizes.insert(j.name.clone(), size);
        let p = match j.pos {
            Some(p) => clamp(p),
            None => {
                let p = (cx, cy);
                cx += size.0 + 2 * GAP;
                p
            }
        };
        max_x = max_x.max(p.0 + size.0);
        max_y = max_y.max(p.1 + size.1);
        rel.push((Sel::Jail(j.name.clone()), p, size));
    }
    let size = if loc.is_none() {
        (max_x + PAD, max_y + PAD)
    } else {
        ((max_x + PAD).max(JAIL_MIN_W), (max_y + PAD).max(JAIL_MIN_H))
    };
    Tree { rel, size }
}

fn absolute(
    s: &Summary,
    loc: &Loc,
    origin: (i32, i32),
    depth: usize,
    sizes: &mut VecMap<String, (i32, i32)>,
    out: &mut Vec<Placed>,
    chips: &mut Vec<Placed>,
) {
    let tree = place(s, loc, sizes);
    for (sel, p, size) in tree.rel {
        let rect = Rect { x: origin.0 + p.0, y: origin.1 + p.1, w: size.0, h: size.1 };
        let placed = Placed { sel: sel.clone(), rect, rel: p, depth };
        match &sel {
            Sel::Jail(j) => {
                out.push(placed);
                absolute(s, &Some(j.clone()), (rect.x, rect.y), depth + 1, sizes, out, chips);
            }
            Sel::Iface { .. } => chips.push(placed),
        }
    }
}

/// Places everything.
pub fn geometry(s: &Summary) -> Geometry {
    let mut sizes = VecMap::new();
    let mut items = Vec::new();
    let mut chips = Vec::new();
    absolute(s, &None, (0, 0), 0, &mut sizes, &mut items, &mut chips);
    items.extend(chips);
    let width = items.iter().map(|p| p.rect.x + p.rect.w).max().unwrap_or(0) + PAD;
    let height = items.iter().map(|p| p.rect.y + p.rect.h).max().unwrap_or(0) + PAD;
    Geometry { items, width, height }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::input::canvas as model;
    use crate::engine::{Driver, Scenario};

    #[test]
    fn nested_boxes_enclose_their_children_and_drops_find_them() {
        let mut sc = Scenario::default();
        model::add_jail(&mut sc, &None, true, None);
        model::add_iface(&mut sc, Driver::Gif, &Some("j1".into()), None).expect("a vnet jail");
        model::add_jail(&mut sc, &Some("j1".into()), true, None);
        let g = geometry(&model::summarize(&sc));
        let outer = g.get(&Sel::Jail("j1".into())).map(|p| p.rect).unwrap_or_default();
        let inner = g.get(&Sel::Jail("j1.j1".into())).map(|p| p.rect).unwrap_or_default();
        let gif = g
            .get(&Sel::Iface { loc: Some("j1".into()), name: "gif0".into() })
            .map(|p| p.rect)
            .unwrap_or_default();
        for r in [inner, gif] {
            assert!(outer.contains(r.x, r.y) && outer.contains(r.x + r.w - 1, r.y + r.h - 1));
        }
        assert_eq!(g.container_at(inner.x + 3, inner.y + 3, None), Some("j1.j1".into()));
        assert_eq!(g.container_at(outer.x + 3, outer.y + 3, None), Some("j1".into()));
        assert_eq!(g.container_at(inner.x + 3, inner.y + 3, Some(&Sel::Jail("j1".into()))), None);
        assert_eq!(g.container_at(-5, -5, None), None);
        assert!(g.iface_at(gif.x + 2, gif.y + 2).is_some());
    }
}
