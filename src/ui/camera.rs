//! The camera of a lane's graph: which part of the drawing its frame shows, and at what
//! scale. Pure; the graph view renders the result as one CSS transform.
//!
//! Invariants:
//! - Units: a camera shows the layout point (`x`, `y`) at the frame's top-left corner,
//!   at `k` CSS pixels per layout unit. Frames and sizes are in CSS pixels, graphs and
//!   rectangles in layout units.
//! - [`follow`] keeps the focus in the frame at a readable scale. The focus is what must
//!   be seen (at a fault or a dangling reference, the reference and its ends) and what
//!   the step touches, in the order the caller ranks it (most affected first). The
//!   camera zooms out as far as it must to take in all of it, but never below
//!   [`K_FLOOR`] (labels at 11 CSS px) unless what must be seen needs it, and never
//!   further than the whole graph. A focus too big to read whole is
//!   shown in part: what must be seen, then the step's objects in order while they fit
//!   ([`pick`]); the graph view points at the rest from the frame's edges.
//! - It moves only when the part it picks is not already in view, so the camera stays
//!   still while a teardown works in one place.
//! - [`clear_of`] moves it the least it takes to bring the focus out from under something
//!   drawn over the frame (the minimap), never losing what must be seen.
//! - A graph that fits the frame at a readable scale ([`K_READ`]) is shown whole and
//!   never moves.
//! - Deterministic: the same previous camera and inputs give the same camera.

/// The scale at which node labels are readable: an 11.5 px label at 1:1.
pub const K_READ: f32 = 1.0;
/// The smallest scale the camera zooms out to by itself for a step's objects: node labels
/// (11.5 px at 1:1) at 11 CSS px. Below it the camera shows part of the focus instead.
pub const K_FLOOR: f32 = 0.96;
/// The largest scale the camera picks by itself (a small graph in a big frame).
pub const K_MAX: f32 = 1.3;
/// The smallest and largest scale the zoom buttons reach.
pub const K_MIN: f32 = 0.2;
pub const K_ZOOM_MAX: f32 = 2.5;
/// The room kept between the focus and the frame's edge, in layout units.
pub const MARGIN: f32 = 28.0;

/// What a frame shows: the layout point at its top-left corner and the scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cam {
    pub x: f32,
    pub y: f32,
    pub k: f32,
}

/// A rectangle in layout units: x0, y0, x1, y1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Rect {
    /// The smallest rectangle holding every box of this size centred at these points.
    pub fn around(points: impl IntoIterator<Item = (f32, f32)>, half: (f32, f32)) -> Option<Rect> {
        points.into_iter().fold(None, |r: Option<Rect>, (x, y)| {
            let b = Rect { x0: x - half.0, y0: y - half.1, x1: x + half.0, y1: y + half.1 };
            Some(match r {
                None => b,
                Some(r) => Rect {
                    x0: r.x0.min(b.x0),
                    y0: r.y0.min(b.y0),
                    x1: r.x1.max(b.x1),
                    y1: r.y1.max(b.y1),
                },
            })
        })
    }

    /// The smallest rectangle holding both.
    pub fn union(&self, o: &Rect) -> Rect {
        Rect {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }

    fn w(&self) -> f32 {
        self.x1 - self.x0
    }

    fn h(&self) -> f32 {
        self.y1 - self.y0
    }

    pub fn contains(&self, o: &Rect) -> bool {
        o.x0 >= self.x0 && o.x1 <= self.x1 && o.y0 >= self.y0 && o.y1 <= self.y1
    }

    pub fn overlaps(&self, o: &Rect) -> bool {
        o.x0 < self.x1 && o.x1 > self.x0 && o.y0 < self.y1 && o.y1 > self.y0
    }
}

/// `cam`, or the same scale moved the least it takes to bring the focus out from under
/// `cover`: a part of the frame (CSS px from its top left) that something drawn over the
/// graph hides, such as the minimap in its corner. `boxes` are the focus's objects (what
/// must be seen among them); a move may not lose `must` (the box around what must be
/// seen) nor show fewer of them. When
/// no move clears the cover, the camera stays.
pub fn clear_of(
    cam: Cam,
    must: Option<Rect>,
    boxes: &[Rect],
    cover: Rect,
    graph: (f32, f32),
    frame: (f32, f32),
) -> Cam {
    let under = |c: Cam| under(c, cover);
    let shown = |c: Cam| {
        let v = visible(c, frame);
        boxes.iter().filter(move |b| v.contains(b))
    };
    // The box around the shown ones under the cover.
    let hidden = |c: Cam| {
        let u = under(c);
        shown(c)
            .filter(|b| u.overlaps(b))
            .fold(None, |a: Option<Rect>, b| Some(a.map_or(*b, |a| a.union(b))))
    };
    let Some(h) = hidden(cam) else { return cam };
    let u = under(cam);
    let gap = 6.0 / cam.k;
    // Move the view right until the hidden ones are left of the cover, or up until
    // they are below it.
    let right = clamp(Cam { x: cam.x + (h.x1 - u.x0 + gap), ..cam }, graph, frame);
    let up = clamp(Cam { y: cam.y - (u.y1 - h.y0 + gap), ..cam }, graph, frame);
    let before = shown(cam).count();
    let keeps = |c: Cam| {
        hidden(c).is_none()
            && must.is_none_or(|m| visible(c, frame).contains(&m))
            && shown(c).count() >= before
    };
    let moved = |c: Cam| (c.x - cam.x).abs() + (c.y - cam.y).abs();
    [right, up]
        .into_iter()
        .filter(|c| keeps(*c))
        .min_by(|a, b| moved(*a).total_cmp(&moved(*b)))
        .unwrap_or(cam)
}

/// The part of the graph (layout units) under `cover`, a part of the frame (CSS px from
/// its top left), for this camera.
pub fn under(c: Cam, cover: Rect) -> Rect {
    Rect {
        x0: c.x + cover.x0 / c.k,
        y0: c.y + cover.y0 / c.k,
        x1: c.x + cover.x1 / c.k,
        y1: c.y + cover.y1 / c.k,
    }
}

/// The part of the graph a camera shows in a frame of this size.
pub fn visible(c: Cam, frame: (f32, f32)) -> Rect {
    Rect { x0: c.x, y0: c.y, x1: c.x + frame.0 / c.k, y1: c.y + frame.1 / c.k }
}

/// The whole graph, centred, as large as fits (at most [`K_MAX`]).
pub fn whole(graph: (f32, f32), frame: (f32, f32)) -> Cam {
    let k = fit_scale(graph, frame).min(K_MAX);
    clamp(Cam { x: 0.0, y: 0.0, k }, graph, frame)
}

/// The scale at which the whole graph just fits the frame.
pub fn fit_scale(graph: (f32, f32), frame: (f32, f32)) -> f32 {
    (frame.0 / graph.0.max(1.0)).min(frame.1 / graph.1.max(1.0)).max(0.01)
}

/// Keeps the camera on the graph: along an axis where the graph is smaller than the frame
/// it is centred, else the frame stays inside the graph.
pub fn clamp(c: Cam, graph: (f32, f32), frame: (f32, f32)) -> Cam {
    let axis = |at: f32, g: f32, f: f32| {
        let span = f / c.k;
        // max/min, not `clamp`: its NaN assertion would bring the float formatter in.
        if span >= g { (g - span) / 2.0 } else { at.min(g - span).max(0.0) }
    };
    Cam { x: axis(c.x, graph.0, frame.0), y: axis(c.y, graph.1, frame.1), k: c.k }
}

/// The camera that centres this point at scale `k`.
pub fn centred(at: (f32, f32), k: f32, graph: (f32, f32), frame: (f32, f32)) -> Cam {
    clamp(Cam { x: at.0 - frame.0 / k / 2.0, y: at.1 - frame.1 / k / 2.0, k }, graph, frame)
}

/// What a step's camera keeps in view, in layout units: `must` (at a fault or a dangling
/// reference, the reference and its ends) and `want`, the boxes of the step's objects,
/// the most affected first.
#[derive(Clone, Copy, Debug, Default)]
pub struct Focus<'a> {
    pub must: Option<Rect>,
    pub want: &'a [Rect],
}

impl Focus<'_> {
    /// All of it, or None when there is nothing to follow.
    pub fn all(&self) -> Option<Rect> {
        self.want.iter().fold(self.must, |acc, w| Some(acc.map_or(*w, |a| a.union(w))))
    }
}

/// The scale at which this rectangle, with the margin around it, just fits the frame.
fn scale_for(b: &Rect, frame: (f32, f32)) -> f32 {
    (frame.0 / (b.w() + 2.0 * MARGIN)).min(frame.1 / (b.h() + 2.0 * MARGIN))
}

/// Whether this rectangle, with the margin around it, fits the frame at scale `k`.
pub fn fits(b: &Rect, frame: (f32, f32), k: f32) -> bool {
    scale_for(b, frame) >= k
}

/// The part of the focus a frame shows at scale `k`: what must be seen, then each of the
/// step's objects in order while the whole still fits (one that does not is skipped, a
/// later one may still fit). None when there is no focus.
pub fn pick(f: Focus<'_>, frame: (f32, f32), k: f32) -> Option<Rect> {
    let (sw, sh) = (frame.0 / k - 2.0 * MARGIN, frame.1 / k - 2.0 * MARGIN);
    let mut acc = f.must.or_else(|| f.want.first().copied())?;
    for w in f.want {
        let u = acc.union(w);
        if u.w() <= sw + 1e-3 && u.h() <= sh + 1e-3 {
            acc = u;
        }
    }
    Some(acc)
}

/// The camera for a step: see the module's invariants. `prev` is what the frame showed
/// before, `k_pref` the scale the reader chose (or [`K_READ`]), `floor` the smallest scale
/// it zooms out to for the step's objects ([`K_FLOOR`]; a big graph passes `k_pref`, so
/// that it is never zoomed out to draw much of it).
pub fn follow(
    prev: Option<Cam>,
    focus: Focus<'_>,
    graph: (f32, f32),
    frame: (f32, f32),
    k_pref: f32,
    floor: f32,
) -> Cam {
    let all = fit_scale(graph, frame);
    if all >= K_READ && k_pref <= K_READ {
        return whole(graph, frame);
    }
    // Zoomed out no further than the whole graph, nor than the reader's own choice.
    let lowest = all.min(k_pref);
    let mut k = k_pref;
    if let Some(b) = focus.all() {
        let need = scale_for(&b, frame);
        if need < k {
            k = need.max(floor.min(k_pref)).max(lowest);
        }
    }
    if let Some(m) = focus.must {
        let need = scale_for(&m, frame);
        if need < k {
            k = need.max(lowest);
        }
    }
    let target = pick(focus, frame, k);
    // The first view of a graph: its top left (the host's box, the jail's prison and
    // vnet).
    let start = match prev {
        Some(p) if (p.k - k).abs() < 1e-4 => clamp(p, graph, frame),
        Some(p) => {
            let v = visible(p, frame);
            centred(((v.x0 + v.x1) / 2.0, (v.y0 + v.y1) / 2.0), k, graph, frame)
        }
        None => clamp(Cam { x: 0.0, y: 0.0, k }, graph, frame),
    };
    match target {
        Some(b) if !visible(start, frame).contains(&b) => {
            centred(((b.x0 + b.x1) / 2.0, (b.y0 + b.y1) / 2.0), k, graph, frame)
        }
        _ => start,
    }
}

/// `v` (a scale or an offset) as CSS text with three decimals, written with integers
/// only (the float formatter costs about 11 KB of wasm).
pub fn css_num(v: f32) -> String {
    let m = (f64::from(v) * 1000.0).round() as i64;
    let (sign, m) = if m < 0 { ("-", -m) } else { ("", m) };
    format!("{sign}{}.{:03}", m / 1000, m % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: (f32, f32) = (640.0, 460.0);

    fn on(want: &[Rect]) -> Focus<'_> {
        Focus { must: None, want }
    }

    fn focus(x: f32, y: f32) -> Rect {
        Rect::around([(x, y)], (64.0, 20.0)).unwrap()
    }

    #[test]
    fn a_focus_under_the_minimap_is_brought_out_from_under_it() {
        let (graph, frame) = ((2000.0, 1000.0), (400.0, 300.0));
        let corner = Rect { x0: 280.0, y0: 0.0, x1: 400.0, y1: 120.0 };
        let cam = Cam { x: 100.0, y: 300.0, k: 1.0 };
        let at = |x0: f32, y0: f32| Rect { x0, y0, x1: x0 + 80.0, y1: y0 + 40.0 };
        // A node at the frame's top right, under the corner, one in the open: the view
        // moves right (the least) and keeps both.
        let (hid, open) = (at(410.0, 305.0), at(220.0, 450.0));
        let c = clear_of(cam, None, &[open, hid], corner, graph, frame);
        assert!(c.x > cam.x && c.y == cam.y, "{c:?}");
        let v = visible(c, frame);
        assert!(v.contains(&hid) && v.contains(&open));
        let under = Rect { x0: c.x + 280.0, y0: c.y, x1: c.x + 400.0, y1: c.y + 120.0 };
        assert!(!under.overlaps(&hid));
        // A node at the left edge as well: moving right would lose it, so the view moves
        // up instead.
        let left = at(102.0, 350.0);
        let c = clear_of(cam, None, &[left, hid], corner, graph, frame);
        assert!(c.y < cam.y && c.x == cam.x, "{c:?}");
        assert!(visible(c, frame).contains(&left) && visible(c, frame).contains(&hid));
        // Nothing under the corner, or nothing to show: nothing moves.
        assert_eq!(clear_of(cam, None, &[open], corner, graph, frame), cam);
        assert_eq!(clear_of(cam, None, &[], corner, graph, frame), cam);
        // No move clears it without losing what must be seen: the view stays.
        let big = Rect { x0: 100.0, y0: 300.0, x1: 500.0, y1: 600.0 };
        assert_eq!(clear_of(cam, Some(big), &[], corner, graph, frame), cam);
    }

    #[test]
    fn a_small_graph_is_shown_whole_and_still() {
        let g = (400.0, 300.0);
        let a = follow(None, on(&[focus(50.0, 50.0)]), g, FRAME, K_READ, K_FLOOR);
        let b = follow(Some(a), on(&[focus(350.0, 250.0)]), g, FRAME, K_READ, K_FLOOR);
        assert_eq!(a, b);
        assert!(a.k >= K_READ && a.k <= K_MAX);
        assert!(visible(a, FRAME).contains(&Rect { x0: 0.0, y0: 0.0, x1: g.0, y1: g.1 }));
    }

    #[test]
    fn a_big_graph_is_read_at_full_scale_and_the_focus_stays_in_view() {
        let g = (800.0, 1100.0);
        let mut cam = None;
        for (x, y) in [(100.0, 60.0), (700.0, 500.0), (400.0, 1050.0), (420.0, 1000.0)] {
            let f = focus(x, y);
            let c = follow(cam, on(&[f]), g, FRAME, K_READ, K_FLOOR);
            assert_eq!(c.k, K_READ);
            assert!(visible(c, FRAME).contains(&f), "{f:?} in {c:?}");
            cam = Some(c);
        }
    }

    #[test]
    fn it_moves_only_when_it_must() {
        let g = (800.0, 1100.0);
        let a = follow(None, on(&[focus(300.0, 500.0)]), g, FRAME, K_READ, K_FLOOR);
        let b = follow(Some(a), on(&[focus(320.0, 560.0)]), g, FRAME, K_READ, K_FLOOR);
        assert_eq!(a, b);
        let c = follow(Some(b), Focus::default(), g, FRAME, K_READ, K_FLOOR);
        assert_eq!(b, c);
    }

    #[test]
    fn a_wide_focus_zooms_out_to_the_readable_floor_and_no_further() {
        let g = (3000.0, 2000.0);
        // Just too wide for 1:1, fine at the floor: all of it, a little zoomed out.
        let f = Rect { x0: 100.0, y0: 100.0, x1: 700.0, y1: 300.0 };
        let c = follow(None, on(&[f]), g, FRAME, K_READ, K_FLOOR);
        assert!(c.k < K_READ && c.k >= K_FLOOR, "{c:?}");
        assert!(visible(c, FRAME).contains(&f));
        // Far too wide: the floor holds, and the part in view starts with the first object.
        let (a, b) = (focus(150.0, 150.0), focus(1800.0, 150.0));
        let c = follow(None, on(&[a, b]), g, FRAME, K_READ, K_FLOOR);
        assert_eq!(c.k, K_FLOOR);
        assert!(visible(c, FRAME).contains(&a) && !visible(c, FRAME).contains(&b));
        // With a lower floor it goes as far as the whole graph, and no further.
        let all = Rect { x0: 0.0, y0: 0.0, x1: 3000.0, y1: 2000.0 };
        let c = follow(None, on(&[all]), g, FRAME, K_READ, 0.1);
        assert!((c.k - fit_scale(g, FRAME)).abs() < 1e-4);
    }

    #[test]
    fn what_must_be_seen_comes_first_and_may_zoom_below_the_floor() {
        let g = (3000.0, 2000.0);
        let (a, b, x) = (focus(150.0, 150.0), focus(400.0, 200.0), focus(2500.0, 1500.0));
        // A fault far from the step's first objects: the fault is in view, and what else
        // fits beside it.
        let must = focus(2300.0, 1400.0);
        let c =
            follow(None, Focus { must: Some(must), want: &[a, x, b] }, g, FRAME, K_READ, K_FLOOR);
        let v = visible(c, FRAME);
        assert!(v.contains(&must) && v.contains(&x), "{c:?}");
        assert!(!v.contains(&a) && !v.contains(&b));
        // A faulting reference longer than the frame at the floor: zoomed out for it.
        let long = Rect { x0: 100.0, y0: 100.0, x1: 1900.0, y1: 160.0 };
        let c = follow(None, Focus { must: Some(long), want: &[a] }, g, FRAME, K_READ, K_FLOOR);
        assert!(c.k < K_FLOOR && visible(c, FRAME).contains(&long));
    }

    #[test]
    fn pick_takes_objects_in_order_while_they_fit() {
        let (a, b, c, d) =
            (focus(100.0, 100.0), focus(1500.0, 100.0), focus(300.0, 300.0), focus(500.0, 100.0));
        let got = pick(Focus { must: None, want: &[a, b, c, d] }, FRAME, 1.0).unwrap();
        assert_eq!(got, a.union(&c).union(&d));
        assert_eq!(pick(Focus::default(), FRAME, 1.0), None);
    }

    #[test]
    fn css_numbers_use_integers_only() {
        assert_eq!(css_num(1.0), "1.000");
        assert_eq!(css_num(0.4567), "0.457");
        assert_eq!(css_num(-12.5), "-12.500");
        assert_eq!(css_num(-0.0004), "0.000");
    }
}
