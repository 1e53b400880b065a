//! The scenario builder: the palette and the canvas of nested jail boxes and interface
//! chips, with one Pointer Events drag path for mouse, touch and pen.
//!
//! Invariants:
//! - Every edit is dispatched as an `Action` that edits the scenario; the drag itself is
//!   the only local state (where the pointer is), and it never outlives the pointer.
//! - Drags listen on the window (`platform::on_window_pointer`), so a drag works whether
//!   or not the browser honoured the pointer capture (synthetic touch pointers).
//! - A press that does not move is a click: palette items then add into the selected jail
//!   (or the host), which is also the keyboard path (Tab, Enter).

use crate::engine::input::canvas::{IfaceNode, JailNode, Loc, Sel, Summary};
use crate::engine::{Driver, Gateway};
use crate::ui::geom::{self, CHIP_H, CHIP_W, Geometry};
use crate::ui::platform;
use crate::ui::state::Action;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

fn edits_pf() -> &'static str {
    crate::engine::input::canvas::PF
}

/// What the palette offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaletteKind {
    Jail,
    JailNoVnet,
    Iface(Driver),
    Route,
    Process,
}

impl PaletteKind {
    /// The palette's first row.
    pub const ALL: [PaletteKind; 10] = [
        PaletteKind::Jail,
        PaletteKind::JailNoVnet,
        PaletteKind::Iface(Driver::Epair),
        PaletteKind::Iface(Driver::Gif),
        PaletteKind::Iface(Driver::Gre),
        PaletteKind::Iface(Driver::Vxlan),
        PaletteKind::Iface(Driver::Wg),
        PaletteKind::Iface(Driver::Bridge),
        PaletteKind::Route,
        PaletteKind::Process,
    ];

    /// The drivers behind "More drivers".
    pub const MORE: [PaletteKind; 8] = [
        PaletteKind::Iface(Driver::Vlan),
        PaletteKind::Iface(Driver::Lagg),
        PaletteKind::Iface(Driver::Tun),
        PaletteKind::Iface(Driver::Tap),
        PaletteKind::Iface(Driver::Ipsec),
        PaletteKind::Iface(Driver::Me),
        PaletteKind::Iface(Driver::Ovpn),
        PaletteKind::Iface(Driver::Ngeth),
    ];

    /// The test id suffix: `palette-<kind>`.
    pub fn slug(self) -> &'static str {
        match self {
            PaletteKind::Jail => "jail",
            PaletteKind::JailNoVnet => "jail-novnet",
            PaletteKind::Iface(d) => d.name(),
            PaletteKind::Route => "route",
            PaletteKind::Process => "process",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PaletteKind::Jail => "vnet jail",
            PaletteKind::JailNoVnet => "jail (no vnet)",
            PaletteKind::Iface(d) => d.name(),
            PaletteKind::Route => "route",
            PaletteKind::Process => "process",
        }
    }

    pub fn hint(self) -> &'static str {
        match self {
            PaletteKind::Jail => "jail -c name=… vnet persist",
            PaletteKind::JailNoVnet => "jail -c name=… persist (shares the host's stack)",
            PaletteKind::Iface(Driver::Epair) => "a virtual cable: epairNa / epairNb",
            PaletteKind::Iface(Driver::Gif) => "generic tunnel (IPv4/IPv6 in IP)",
            PaletteKind::Iface(Driver::Gre) => "GRE tunnel",
            PaletteKind::Iface(Driver::Vxlan) => "VXLAN (host only on this kernel)",
            PaletteKind::Iface(Driver::Wg) => "WireGuard tunnel",
            PaletteKind::Iface(Driver::Bridge) => "if_bridge: add members in the inspector (addm)",
            PaletteKind::Iface(Driver::Vlan) => {
                "802.1Q vlan on an epair end, tap or lagg (vlandev)"
            }
            PaletteKind::Iface(Driver::Lagg) => {
                "link aggregation: add ports in the inspector (laggport)"
            }
            PaletteKind::Iface(Driver::Tun) => "tun: layer-3 device for a userland daemon",
            PaletteKind::Iface(Driver::Tap) => "tap: Ethernet device for a userland daemon",
            PaletteKind::Iface(Driver::Ipsec) => "IPsec virtual tunnel interface",
            PaletteKind::Iface(Driver::Me) => "minimal encapsulation (RFC 2004), IPv4",
            PaletteKind::Iface(Driver::Ovpn) => "OpenVPN data channel offload",
            PaletteKind::Iface(Driver::Ngeth) => {
                "netgraph eiface: ngctl mkpeer . eiface hook ether"
            }
            PaletteKind::Iface(_) => "interface",
            PaletteKind::Route => "drop on an interface: route to the tunnel's destination",
            PaletteKind::Process => "drop on a jail: jexec J sleep 3600 &",
        }
    }

    fn glyph(self) -> &'static str {
        match self {
            PaletteKind::Jail => "▣",
            PaletteKind::JailNoVnet => "□",
            PaletteKind::Iface(Driver::Epair) => "⇄",
            PaletteKind::Iface(Driver::Bridge) => "⋈",
            PaletteKind::Iface(Driver::Lagg) => "≡",
            PaletteKind::Iface(Driver::Vlan) => "⋮",
            PaletteKind::Iface(Driver::Tun | Driver::Tap) => "⊡",
            PaletteKind::Iface(Driver::Ngeth) => "⊶",
            PaletteKind::Iface(_) => "⟿",
            PaletteKind::Route => "↦",
            PaletteKind::Process => "⚙",
        }
    }
}

/// What is being dragged.
#[derive(Clone, Debug, PartialEq)]
enum What {
    Palette(PaletteKind),
    Object { sel: Sel, grab: (f64, f64) },
    RouteFrom(Sel),
}

#[derive(Clone, Debug, PartialEq)]
struct Drag {
    what: What,
    start: (f64, f64),
    at: (f64, f64),
    moved: bool,
}

/// Pixels a press must travel to become a drag.
const THRESHOLD: f64 = 5.0;

#[derive(Properties, PartialEq)]
pub struct BuilderProps {
    pub summary: Rc<Summary>,
    pub selection: Option<Sel>,
    pub edit_error: Option<String>,
    pub dispatch: Callback<Action>,
}

/// The palette, the ROUTE_CACHE toggle and the canvas.
#[function_component(Builder)]
pub fn builder(p: &BuilderProps) -> Html {
    let canvas_ref = use_node_ref();
    let drag: Rc<RefCell<Option<Drag>>> = use_mut_ref(|| None);
    let suppress_click = use_mut_ref(|| f64::MIN);
    let more_ref = use_node_ref();
    let redraw = use_force_update();
    let dragging = use_state(|| false);
    let geo = use_memo(p.summary.clone(), |s| geom::geometry(s));

    // Converts client coordinates to canvas coordinates.
    let to_canvas = {
        let canvas_ref = canvas_ref.clone();
        move |(x, y): (f64, f64)| -> Option<(i32, i32)> {
            let (l, t, w, h) = platform::rect(&canvas_ref)?;
            if x < l || y < t || x > l + w || y > t + h {
                return None;
            }
            let (sx, sy) = platform::scroll(&canvas_ref);
            Some(((x - l + sx) as i32, (y - t + sy) as i32))
        }
    };

    // Window listeners live while a drag does.
    {
        let drag = drag.clone();
        let redraw = redraw.clone();
        let dispatch = p.dispatch.clone();
        let geo = geo.clone();
        let summary = p.summary.clone();
        let dragging_set = dragging.clone();
        let suppress = suppress_click.clone();
        let to_canvas = to_canvas.clone();
        use_effect_with(*dragging, move |on| {
            let handle = on.then(|| {
                let drag_mv = drag.clone();
                let on_move = Callback::from(move |e: PointerEvent| {
                    let at = platform::pointer_xy(&e);
                    if let Some(d) = drag_mv.borrow_mut().as_mut() {
                        d.at = at;
                        if (at.0 - d.start.0).hypot(at.1 - d.start.1) > THRESHOLD {
                            d.moved = true;
                        }
                    }
                    redraw.force_update();
                });
                let on_up = Callback::from(move |(e, cancelled): (PointerEvent, bool)| {
                    let at = platform::pointer_xy(&e);
                    let finished = drag.borrow_mut().take();
                    dragging_set.set(false);
                    let Some(mut d) = finished else { return };
                    d.at = at;
                    if (at.0 - d.start.0).hypot(at.1 - d.start.1) > THRESHOLD {
                        d.moved = true;
                    }
                    if cancelled {
                        return;
                    }
                    if !d.moved {
                        if let What::Object { sel, .. } = d.what {
                            dispatch.emit(Action::Select(Some(sel)));
                        }
                        return;
                    }
                    *suppress.borrow_mut() = platform::now_ms();
                    if let Some(action) = drop_action(&d, to_canvas(at), &geo, &summary) {
                        dispatch.emit(action);
                    }
                });
                platform::on_window_pointer(on_move, on_up)
            });
            move || {
                if let Some(h) = handle {
                    h.release();
                }
            }
        });
    }

    let start_drag = {
        let drag = drag.clone();
        let dragging = dragging.clone();
        let suppress_click = suppress_click.clone();
        move |what: What, e: &PointerEvent| {
            if !platform::is_primary_press(e) {
                return;
            }
            e.stop_propagation();
            platform::capture_pointer(e);
            let at = platform::pointer_xy(e);
            *drag.borrow_mut() = Some(Drag { what, start: at, at, moved: false });
            *suppress_click.borrow_mut() = f64::MIN;
            dragging.set(true);
        }
    };

    // The palette.
    let selected_jail: Loc = match &p.selection {
        Some(Sel::Jail(j)) => Some(j.clone()),
        Some(Sel::Iface { loc, .. }) => loc.clone(),
        None => None,
    };
    let item = |kind: PaletteKind| {
        let onpointerdown = {
            let start = start_drag.clone();
            Callback::from(move |e: PointerEvent| start(What::Palette(kind), &e))
        };
        let onclick = {
            let dispatch = p.dispatch.clone();
            let loc = selected_jail.clone();
            let summary = p.summary.clone();
            let selection = p.selection.clone();
            let suppress = suppress_click.clone();
            Callback::from(move |_: MouseEvent| {
                // A drag that ended here already dropped; its trailing click is not a tap.
                if platform::now_ms() - *suppress.borrow() < 400.0 {
                    return;
                }
                if let Some(a) = click_action(kind, &loc, &summary, &selection) {
                    dispatch.emit(a);
                }
            })
        };
        let title = format!(
            "{} — {}. Drag onto the canvas, or press Enter to add to the selection.",
            kind.label(),
            kind.hint()
        );
        html! {
            <button class="palette-item" data-testid={format!("palette-{}", kind.slug())}
                title={title.clone()} aria-label={title} {onpointerdown} {onclick}>
                <span class="glyph" aria-hidden="true">{kind.glyph()}</span>
                <span>{kind.label()}</span>
            </button>
        }
    };
    let palette = PaletteKind::ALL.iter().map(|k| item(*k)).collect::<Html>();
    let more = PaletteKind::MORE.iter().map(|k| item(*k)).collect::<Html>();
    // "More drivers" closes once one of its items is used (a click, a drag's trailing
    // click, Enter) or on Escape.
    let close_more = {
        let more_ref = more_ref.clone();
        Callback::from(move |_: MouseEvent| platform::close_details(&more_ref))
    };
    let more_blur = {
        let more_ref = more_ref.clone();
        Callback::from(move |e: FocusEvent| {
            if platform::focus_leaves(&e, &more_ref) {
                platform::close_details(&more_ref);
            }
        })
    };
    let close_more_key = {
        let more_ref = more_ref.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" || e.key() == "Enter" {
                platform::close_details(&more_ref);
            }
        })
    };
    let pf_on = p.summary.modules.contains(edits_pf());
    let toggle_pf = {
        let dispatch = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.emit(Action::SetModule { module: edits_pf().to_string(), on: !pf_on })
        })
    };
    let route_cache = p.summary.route_cache();
    let toggle_rc = {
        let dispatch = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::SetRouteCache(!route_cache)))
    };

    // The canvas objects.
    let d = drag.borrow().clone();
    let objects = geo.items.iter().map(|placed| {
        let selected = p.selection.as_ref() == Some(&placed.sel);
        let being_dragged = matches!(&d, Some(Drag { what: What::Object { sel, .. }, moved: true, .. }) if *sel == placed.sel);
        let (mut x, mut y) = (placed.rect.x, placed.rect.y);
        if being_dragged && let Some(dr) = &d {
            x += (dr.at.0 - dr.start.0) as i32;
            y += (dr.at.1 - dr.start.1) as i32;
        }
        // Placed by left/top, not a transform: a transform gives each of a big scenario's
        // hundreds of objects its own paint property node, which every frame of the page
        // (a player step too) then pays for.
        let style = format!(
            "left:{x}px;top:{y}px;width:{}px;height:{}px",
            placed.rect.w, placed.rect.h
        );
        let onpointerdown = {
            let start = start_drag.clone();
            let sel = placed.sel.clone();
            let rect = placed.rect;
            let to_canvas = to_canvas.clone();
            Callback::from(move |e: PointerEvent| {
                let at = platform::pointer_xy(&e);
                let grab = to_canvas(at)
                    .map(|(cx, cy)| (f64::from(cx - rect.x), f64::from(cy - rect.y)))
                    .unwrap_or((0.0, 0.0));
                start(What::Object { sel: sel.clone(), grab }, &e)
            })
        };
        let onkeydown = {
            let dispatch = p.dispatch.clone();
            let sel = placed.sel.clone();
            let rel = placed.rel;
            Callback::from(move |e: KeyboardEvent| {
                let step = if e.shift_key() { 40 } else { 10 };
                let delta = match e.key().as_str() {
                    "ArrowLeft" => Some((-step, 0)),
                    "ArrowRight" => Some((step, 0)),
                    "ArrowUp" => Some((0, -step)),
                    "ArrowDown" => Some((0, step)),
                    _ => None,
                };
                if let Some((dx, dy)) = delta {
                    e.prevent_default();
                    let pos = (clamp16(rel.0 + dx), clamp16(rel.1 + dy));
                    dispatch.emit(Action::Select(Some(sel.clone())));
                    dispatch.emit(Action::MoveTo { sel: sel.clone(), pos });
                    return;
                }
                match e.key().as_str() {
                    "Enter" => {
                        e.prevent_default();
                        dispatch.emit(Action::Select(Some(sel.clone())));
                        platform::focus_testid("inspector-name");
                    }
                    "Delete" | "Backspace" => {
                        e.prevent_default();
                        dispatch.emit(Action::Delete(sel.clone()));
                        platform::focus_testid("canvas");
                    }
                    _ => {}
                }
            })
        };
        let onfocus = {
            let dispatch = p.dispatch.clone();
            let sel = placed.sel.clone();
            let already = selected;
            Callback::from(move |_: FocusEvent| {
                if !already {
                    dispatch.emit(Action::Select(Some(sel.clone())));
                }
            })
        };
        let class = classes!(
            "obj",
            selected.then_some("selected"),
            being_dragged.then_some("dragging"),
        );
        match &placed.sel {
            Sel::Jail(name) => {
                let Some(j) = p.summary.jail(name) else { return html! {} };
                jail_box(j, class, style, placed.depth, onpointerdown, onkeydown, onfocus)
            }
            Sel::Iface { loc, name } => {
                let Some(f) = p.summary.iface(loc, name) else { return html! {} };
                let route_handle = f.is_tunnel().then(|| {
                    let start = start_drag.clone();
                    let sel = placed.sel.clone();
                    let onpointerdown = Callback::from(move |e: PointerEvent| start(What::RouteFrom(sel.clone()), &e));
                    html! {
                        <span class="route-handle" {onpointerdown} aria-hidden="true"
                            title="Drag to the outer interface to add a route to the tunnel's destination"></span>
                    }
                });
                chip(f, class, style, onpointerdown, onkeydown, onfocus, route_handle)
            }
        }
    });

    // Connectors: epair cables and tunnel routes.
    let wires = wires(&p.summary, &geo);
    let ghost = d.as_ref().filter(|d| d.moved).and_then(|d| {
        let (l, t, _, _) = platform::rect(&canvas_ref)?;
        let (sx, sy) = platform::scroll(&canvas_ref);
        // Whole pixels: formatting integers keeps the float formatter out of the wasm.
        let (x, y) = ((d.at.0 - l + sx) as i32, (d.at.1 - t + sy) as i32);
        match &d.what {
            What::Palette(kind) => Some(html! {
                <div class="drag-ghost" style={format!("transform:translate({}px,{}px)", x - 40, y - 14)}>
                    {kind.glyph()}{" "}{kind.label()}
                </div>
            }),
            What::RouteFrom(sel) => {
                let r = geo.get(sel)?.rect;
                let (x0, y0) = (r.x + r.w, r.y + r.h / 2);
                Some(html! {
                    <svg class="wire-layer" width={geo.width.max(x + 20).to_string()} height={geo.height.max(y + 20).to_string()}>
                        <path class="wire route drawing" d={format!("M{x0},{y0} L{x},{y}")} />
                    </svg>
                })
            }
            What::Object { .. } => None,
        }
    });
    let drop_target = d.as_ref().filter(|d| d.moved).and_then(|d| {
        let (cx, cy) = to_canvas(d.at)?;
        let except = match &d.what {
            What::Object { sel, .. } => Some(sel.clone()),
            _ => None,
        };
        geo.container_at(cx, cy, except.as_ref())
    });
    let drop_hint = drop_target.as_ref().and_then(|j| geo.get(&Sel::Jail(j.clone()))).map(|pl| {
        let r = pl.rect;
        html! { <div class="drop-target" style={format!("transform:translate({}px,{}px);width:{}px;height:{}px", r.x, r.y, r.w, r.h)}></div> }
    });

    let on_canvas_click = {
        let dispatch = p.dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            if e.target() == e.current_target() {
                dispatch.emit(Action::Select(None));
            }
        })
    };
    let empty = p.summary.jails.is_empty() && p.summary.ifaces.len() <= 1;
    let error = p.edit_error.clone().map(|msg| {
        let dispatch = p.dispatch.clone();
        let onclick = Callback::from(move |_: MouseEvent| dispatch.emit(Action::DismissError));
        html! {
            <div class="edit-error" role="alert" data-testid="edit-error">
                <span>{msg}</span>
                <button class="link-button" {onclick} aria-label="Dismiss">{"✕"}</button>
            </div>
        }
    });
    html! {
        <div class="builder-main">
            <div class="palette" role="toolbar" aria-label="Palette: drag onto the canvas, or press Enter to add to the selected jail">
                {palette}
                <details class="palette-more" data-testid="palette-more" ref={more_ref.clone()} onfocusout={more_blur}>
                    <summary title="vlan, lagg, tun, tap, ipsec, me, ovpn and ngeth">{"More drivers"}</summary>
                    <div class="palette-more-items" onclick={close_more} onkeyup={close_more_key}>{more}</div>
                </details>
                <span class="palette-sep" aria-hidden="true"></span>
                <button class={classes!("toggle", route_cache.then_some("on"))} data-testid="route-cache-toggle"
                    role="switch" aria-checked={route_cache.to_string()} onclick={toggle_rc}
                    title="options ROUTE_CACHE: gif and gre cache a rib subscription and a nexthop [prototype, not in FreeBSD]">
                    <span class="switch" aria-hidden="true"><span class="knob"></span></span>
                    <span>{"ROUTE_CACHE"}</span>
                    <span class="prov prov-p" title="prototype, not in FreeBSD">{"P"}</span>
                </button>
                <button class={classes!("toggle", pf_on.then_some("on"))} data-testid="pf-toggle"
                    role="switch" aria-checked={pf_on.to_string()} onclick={toggle_pf}
                    title="kldload pf: pf keeps an interface record with an if_ref on every interface of every vnet, until vnet_pf_uninit">
                    <span class="switch" aria-hidden="true"><span class="knob"></span></span>
                    <span>{"pf"}</span>
                </button>
            </div>
            <div class={classes!("canvas", (*dragging).then_some("is-dragging"))} data-testid="canvas" ref={canvas_ref}
                tabindex="-1" role="application" aria-label="Scenario canvas: Tab to an object, arrows move it, Enter edits it, Delete removes it"
                onclick={on_canvas_click}>
                <div class="canvas-inner" style={format!("width:{}px;height:{}px", geo.width.max(400), geo.height.max(260))}>
                    <div class="host-label" aria-hidden="true">{"host · vnet0"}</div>
                    {drop_hint}
                    { for objects }
                    {wires}
                    {ghost}
                    if empty {
                        <div class="canvas-empty">{"Drag a vnet jail here, then drop interfaces into it."}</div>
                    }
                </div>
            </div>
            {error}
        </div>
    }
}

fn clamp16(v: i32) -> i16 {
    v.clamp(0, i32::from(i16::MAX)) as i16
}

fn jail_box(
    j: &JailNode,
    class: Classes,
    style: String,
    depth: usize,
    onpointerdown: Callback<PointerEvent>,
    onkeydown: Callback<KeyboardEvent>,
    onfocus: Callback<FocusEvent>,
) -> Html {
    // The accessible name is the visible text with a few hidden words around it, so
    // that what a speech-input user reads out is part of the name (WCAG 2.5.3).
    let kind = if j.vnet { "vnet jail " } else { "jail without vnet " };
    html! {
        <div class={classes!(class, "jail", (!j.vnet).then_some("novnet"), format!("depth-{}", depth.min(3)))}
            data-testid={format!("obj-{}", j.name)} data-canvas-object="jail" tabindex="0" role="button"
            {style} {onpointerdown} {onkeydown} {onfocus}>
            <div class="jail-head">
                <span class="sr-only">{kind}</span>
                <span class="jail-name">{j.short()}</span>
                <span class="tag">{ if j.vnet { "vnet" } else { "no vnet" } }</span>
                if j.persist { <span class="tag">{"persist"}</span> }
                if j.processes > 0 { <span class="tag" title="processes">{format!("⚙ {}", j.processes)}<span class="sr-only">{" processes"}</span></span> }
                if j.noreap { <span class="tag tag-whatif" title="what-if: its processes are never reaped (noreap)">{"no reap"}</span> }
                if j.removed { <span class="tag tag-remove" title="jail -r tears it down">{"jail -r"}</span> }
            </div>
        </div>
    }
}

fn chip(
    f: &IfaceNode,
    class: Classes,
    style: String,
    onpointerdown: Callback<PointerEvent>,
    onkeydown: Callback<KeyboardEvent>,
    onfocus: Callback<FocusEvent>,
    route_handle: Option<Html>,
) -> Html {
    let loaned = f.loc != f.home;
    let driver = f.driver.map(Driver::name).unwrap_or("if");
    let detail = if let Some((_, dst)) = f.tunnel {
        format!("→ {dst}")
    } else if let Some((a, l, _)) = f.addrs.first() {
        format!("{a}/{l}")
    } else if loaned {
        format!("from {}", f.home.as_deref().unwrap_or("host"))
    } else {
        String::new()
    };
    // Hidden words after the visible ones: the name starts with what is on screen.
    let more = format!(", {driver} interface{}", if loaned { ", loaned" } else { "" });
    let test_id = format!("obj-{}/{}", f.loc.as_deref().unwrap_or("host"), f.name);
    html! {
        <div class={classes!(class, "chip", format!("drv-{driver}"), loaned.then_some("loaned"), f.entry.is_none().then_some("implicit"))}
            data-testid={test_id} data-canvas-object="iface" tabindex="0" role="button"
            {style} {onpointerdown} {onkeydown} {onfocus}>
            <span class="chip-name">{&f.name}</span>
            if !detail.is_empty() { <span class="chip-detail">{detail}</span> }
            <span class="sr-only">{more}</span>
            {route_handle}
        </div>
    }
}

/// Lines between epair ends, and from tunnels to the interface their route goes through.
fn wires(s: &Summary, geo: &Geometry) -> Html {
    let centre =
        |sel: &Sel| geo.get(sel).map(|p| (p.rect.x + p.rect.w / 2, p.rect.y + p.rect.h / 2));
    let mut paths = Vec::new();
    for f in s.ifaces.iter().filter(|f| f.driver == Some(Driver::Epair) && f.name.ends_with('a')) {
        let other = format!("{}b", f.name.trim_end_matches('a'));
        if let Some(g) = s.ifaces.iter().find(|g| g.name == other && g.entry == f.entry)
            && let (Some(a), Some(b)) = (centre(&f.sel()), centre(&g.sel()))
        {
            paths.push(html! { <path key={format!("e-{}", f.name)} class="wire epair" d={format!("M{},{} L{},{}", a.0, a.1, b.0, b.1)} /> });
        }
    }
    // A vlan to its parent, a member to its bridge or lagg (in the same vnet).
    for f in s.ifaces.iter().filter(|f| f.uplink.is_some()) {
        let Some(up) = f.uplink.as_deref() else { continue };
        let at = s.vnet_owner(&f.loc);
        let Some(g) = s.ifaces.iter().find(|g| g.name == up && s.vnet_owner(&g.loc) == at) else {
            continue;
        };
        if let (Some(a), Some(b)) = (centre(&f.sel()), centre(&g.sel())) {
            let class = if f.driver == Some(Driver::Vlan) { "wire vlan" } else { "wire member" };
            paths.push(html! { <path key={format!("u-{}-{}", f.name, up)} {class} d={format!("M{},{} L{},{}", a.0, a.1, b.0, b.1)} /> });
        }
    }
    for r in &s.routes {
        let Gateway::Interface(via) = &r.gateway else { continue };
        let tunnel = s.ifaces_in(&r.loc).find(|t| {
            t.tunnel.is_some_and(|(_, dst)| dst == r.dest.addr)
                || (r.dest.len == 0 && t.is_tunnel())
        });
        let outer = s.iface(&r.loc, via);
        if let (Some(t), Some(o)) = (tunnel, outer)
            && let (Some(a), Some(b)) = (geo.get(&t.sel()), geo.get(&o.sel()))
        {
            let (x0, y0) = (a.rect.x + a.rect.w, a.rect.y + a.rect.h / 2);
            let (x1, y1) = (b.rect.x + b.rect.w / 2, b.rect.y + b.rect.h / 2);
            let mx = (x0 + x1) / 2;
            paths.push(html! {
                <g key={format!("r-{}", r.entry)}>
                    <path class="wire route" d={format!("M{x0},{y0} C{},{y0} {mx},{y1} {x1},{y1}", x0 + 30)} />
                    <text class="wire-label" x={mx.to_string()} y={((y0 + y1) / 2 - 6).to_string()}>
                        {format!("{}/{}", r.dest.addr, r.dest.len)}
                    </text>
                </g>
            });
        }
    }
    if paths.is_empty() {
        return html! {};
    }
    html! {
        <svg class="wire-layer" width={geo.width.to_string()} height={geo.height.to_string()} aria-hidden="true">
            { for paths }
        </svg>
    }
}

/// What a finished drag does.
fn drop_action(d: &Drag, at: Option<(i32, i32)>, geo: &Geometry, s: &Summary) -> Option<Action> {
    let (x, y) = at?;
    match &d.what {
        What::Palette(kind) => {
            let loc = geo.container_at(x, y, None);
            let (ox, oy) = geo.origin(&loc);
            let rel = |w: i32, h: i32| Some((clamp16(x - ox - w / 2), clamp16(y - oy - h / 2)));
            match kind {
                PaletteKind::Jail | PaletteKind::JailNoVnet => Some(Action::AddJail {
                    parent: loc,
                    vnet: *kind == PaletteKind::Jail,
                    pos: rel(geom::JAIL_MIN_W / 3, geom::HEAD),
                }),
                PaletteKind::Iface(driver) => {
                    Some(Action::AddIface { driver: *driver, loc, pos: rel(CHIP_W, CHIP_H) })
                }
                PaletteKind::Process => loc.map(|jail| Action::AddProcess { jail }),
                PaletteKind::Route => {
                    let via = geo.iface_at(x, y)?;
                    let Sel::Iface { loc, name } = via else { return None };
                    let tunnel = s.ifaces_in(loc).find(|t| t.is_tunnel() && t.name != *name)?;
                    Some(Action::AddTunnelRoute { tunnel: tunnel.sel(), via: name.clone() })
                }
            }
        }
        What::Object { sel, grab } => {
            let current = match sel {
                Sel::Jail(j) => s.jail(j).and_then(|j| j.parent.clone()),
                Sel::Iface { loc, .. } => loc.clone(),
            };
            let to = geo.container_at(x, y, Some(sel));
            if to == current {
                let (ox, oy) = geo.origin(&to);
                let pos = (clamp16(x - ox - grab.0 as i32), clamp16(y - oy - grab.1 as i32));
                Some(Action::MoveTo { sel: sel.clone(), pos })
            } else {
                Some(Action::Reparent { sel: sel.clone(), to })
            }
        }
        What::RouteFrom(tunnel) => {
            let via = geo.iface_at(x, y)?;
            let Sel::Iface { name, loc } = via else { return None };
            let Sel::Iface { loc: tloc, .. } = tunnel else { return None };
            (loc == tloc && via != tunnel)
                .then(|| Action::AddTunnelRoute { tunnel: tunnel.clone(), via: name.clone() })
        }
    }
}

/// What a click (or Enter) on a palette item does: add into the selected jail, or the host.
pub fn click_action(
    kind: PaletteKind,
    loc: &Loc,
    s: &Summary,
    selection: &Option<Sel>,
) -> Option<Action> {
    match kind {
        PaletteKind::Jail | PaletteKind::JailNoVnet => Some(Action::AddJail {
            parent: loc.clone(),
            vnet: kind == PaletteKind::Jail,
            pos: None,
        }),
        PaletteKind::Iface(driver) => {
            Some(Action::AddIface { driver, loc: loc.clone(), pos: None })
        }
        PaletteKind::Process => loc.clone().map(|jail| Action::AddProcess { jail }),
        PaletteKind::Route => {
            // Route the selected (or first) tunnel of the selected location through the
            // first other interface there.
            let tunnel = match selection {
                Some(Sel::Iface { loc: l, name }) => s.iface(l, name).filter(|f| f.is_tunnel()),
                _ => None,
            }
            .or_else(|| s.ifaces_in(loc).find(|f| f.is_tunnel()))?;
            let via = s.ifaces_in(&tunnel.loc).find(|f| !f.is_tunnel())?;
            Some(Action::AddTunnelRoute { tunnel: tunnel.sel(), via: via.name.clone() })
        }
    }
}
