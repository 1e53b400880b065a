//! The camera of a lane's graph: which part of the drawing its frame shows, and at what
//! scale. Pure; the graph view renders the result as one CSS transform.
//!
//! Invariants:
//! - Units: a camera shows the layout point (`x`, `y`) at the frame's top-left corner,
//!   at `k` CSS pixels per layout unit. Frames and sizes are in CSS pixels, graphs and
//!   rectangles in layout units.
//! - [`follow`] keeps the focus (the objects a step touches, and at a fault the faulting
//!   reference's ends) inside the frame whenever there is one: it zooms out as far as it
//!   must for that, never further than the whole graph. It moves only when the focus is not
//!   already in view, so the camera stays still while a teardown works in one place.
//! - A graph that fits the frame at a readable scale ([`K_READ`]) is shown whole and
//!   never moves.
//! - Deterministic: the same previous camera and inputs give the same camera.

/// The scale at which node labels are readable: an 11.5 px label at 1:1.
pub const K_READ: f32 = 1.0;
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

    fn w(&self) -> f32 {
        self.x1 - self.x0
    }

    fn h(&self) -> f32 {
        self.y1 - self.y0
    }

    fn contains(&self, o: &Rect) -> bool {
        o.x0 >= self.x0 && o.x1 <= self.x1 && o.y0 >= self.y0 && o.y1 <= self.y1
    }

    fn overlaps(&self, o: &Rect) -> bool {
        o.x0 < self.x1 && o.x1 > self.x0 && o.y0 < self.y1 && o.y1 > self.y0
    }
}

/// `cam`, or the same scale centred on the focus when the focus lies under `cover`: a
/// part of the frame (CSS px from its top left) that something drawn over the graph
/// hides, such as the minimap in its corner. A focus too big to clear it stays as it
/// was.
pub fn clear_of(
    cam: Cam,
    focus: Option<Rect>,
    cover: Rect,
    graph: (f32, f32),
    frame: (f32, f32),
) -> Cam {
    let Some(b) = focus else { return cam };
    let hidden = |c: Cam| {
        let under = Rect {
            x0: c.x + cover.x0 / c.k,
            y0: c.y + cover.y0 / c.k,
            x1: c.x + cover.x1 / c.k,
            y1: c.y + cover.y1 / c.k,
        };
        under.overlaps(&b)
    };
    if !hidden(cam) {
        return cam;
    }
    let moved = centred(((b.x0 + b.x1) / 2.0, (b.y0 + b.y1) / 2.0), cam.k, graph, frame);
    if hidden(moved) || !visible(moved, frame).contains(&b) { cam } else { moved }
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

/// The camera for a step: see the module's invariants. `prev` is what the frame showed
/// before, `k_pref` the scale the reader chose (or [`K_READ`]).
pub fn follow(
    prev: Option<Cam>,
    focus: Option<Rect>,
    graph: (f32, f32),
    frame: (f32, f32),
    k_pref: f32,
) -> Cam {
    let all = fit_scale(graph, frame);
    if all >= K_READ && k_pref <= K_READ {
        return whole(graph, frame);
    }
    let mut k = k_pref;
    if let Some(b) = focus {
        let need = (frame.0 / (b.w() + 2.0 * MARGIN)).min(frame.1 / (b.h() + 2.0 * MARGIN));
        if need < k {
            k = need.max(all.min(k_pref));
        }
    }
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
    match focus {
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

    fn focus(x: f32, y: f32) -> Rect {
        Rect::around([(x, y)], (64.0, 20.0)).unwrap()
    }

    #[test]
    fn a_focus_under_the_minimap_is_brought_out_from_under_it() {
        let (graph, frame) = ((2000.0, 1000.0), (400.0, 300.0));
        let corner = Rect { x0: 280.0, y0: 0.0, x1: 400.0, y1: 120.0 };
        let cam = Cam { x: 0.0, y: 0.0, k: 1.0 };
        // A node at the frame's top right, under the corner: the camera centres on it.
        let hid = Rect { x0: 300.0, y0: 20.0, x1: 380.0, y1: 60.0 };
        let c = clear_of(cam, Some(hid), corner, graph, frame);
        assert_ne!(c, cam);
        assert!(visible(c, frame).contains(&hid));
        let under = Rect { x0: c.x + 280.0, y0: c.y, x1: c.x + 400.0, y1: c.y + 120.0 };
        assert!(!under.overlaps(&hid));
        // One in the open stays where it is; so does no focus.
        let open = Rect { x0: 20.0, y0: 150.0, x1: 100.0, y1: 190.0 };
        assert_eq!(clear_of(cam, Some(open), corner, graph, frame), cam);
        assert_eq!(clear_of(cam, None, corner, graph, frame), cam);
        // A focus as big as the frame cannot clear it: nothing moves.
        let big = Rect { x0: 0.0, y0: 0.0, x1: 400.0, y1: 300.0 };
        assert_eq!(clear_of(cam, Some(big), corner, graph, frame), cam);
    }

    #[test]
    fn a_small_graph_is_shown_whole_and_still() {
        let g = (400.0, 300.0);
        let a = follow(None, Some(focus(50.0, 50.0)), g, FRAME, K_READ);
        let b = follow(Some(a), Some(focus(350.0, 250.0)), g, FRAME, K_READ);
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
            let c = follow(cam, Some(f), g, FRAME, K_READ);
            assert_eq!(c.k, K_READ);
            assert!(visible(c, FRAME).contains(&f), "{f:?} in {c:?}");
            cam = Some(c);
        }
    }

    #[test]
    fn it_moves_only_when_it_must() {
        let g = (800.0, 1100.0);
        let a = follow(None, Some(focus(300.0, 500.0)), g, FRAME, K_READ);
        let b = follow(Some(a), Some(focus(320.0, 560.0)), g, FRAME, K_READ);
        assert_eq!(a, b);
        let c = follow(Some(b), None, g, FRAME, K_READ);
        assert_eq!(b, c);
    }

    #[test]
    fn a_wide_focus_zooms_out_no_further_than_the_whole_graph() {
        let g = (3000.0, 2000.0);
        let f = Rect { x0: 100.0, y0: 100.0, x1: 1900.0, y1: 300.0 };
        let c = follow(None, Some(f), g, FRAME, K_READ);
        assert!(c.k < K_READ && c.k >= fit_scale(g, FRAME));
        assert!(visible(c, FRAME).contains(&f));
        let all = Rect { x0: 0.0, y0: 0.0, x1: 3000.0, y1: 2000.0 };
        let c = follow(None, Some(all), g, FRAME, K_READ);
        assert!((c.k - fit_scale(g, FRAME)).abs() < 1e-4);
    }

    #[test]
    fn css_numbers_use_integers_only() {
        assert_eq!(css_num(1.0), "1.000");
        assert_eq!(css_num(0.4567), "0.457");
        assert_eq!(css_num(-12.5), "-12.500");
        assert_eq!(css_num(-0.0004), "0.000");
    }
}
