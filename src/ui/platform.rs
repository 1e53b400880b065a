//! Every browser call the app makes: theme, storage, timers, focus, pointer capture,
//! element geometry, global key and pointer listeners, and reading form values.
//!
//! Invariants: the only module that calls web_sys or gloo. On the host (native tests,
//! SSR) each function is a harmless no-op or returns a default, so components render in
//! SSR and the reducer's tests never need a browser.

use yew::prelude::*;

/// The colour theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn toggled(self) -> Theme {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

const THEME_KEY: &str = "vnet-playground.theme";

/// The remembered theme, else the system preference (prefers-color-scheme).
pub fn load_theme() -> Theme {
    #[cfg(target_arch = "wasm32")]
    {
        use gloo::storage::Storage;
        if let Ok(t) = gloo::storage::LocalStorage::raw().get_item(THEME_KEY) {
            match t.as_deref() {
                Some("dark") => return Theme::Dark,
                Some("light") => return Theme::Light,
                _ => {}
            }
        }
        let dark = gloo::utils::window()
            .match_media("(prefers-color-scheme: dark)")
            .ok()
            .flatten()
            .map(|m| m.matches())
            .unwrap_or(false);
        if dark { Theme::Dark } else { Theme::Light }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        Theme::Light
    }
}

/// Remembers a manual theme choice.
pub fn save_theme(theme: Theme) {
    #[cfg(target_arch = "wasm32")]
    {
        use gloo::storage::Storage;
        let _ = gloo::storage::LocalStorage::raw().set_item(THEME_KEY, theme.as_str());
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (theme, THEME_KEY);
}

/// Sets `data-theme` on the root element, which the stylesheet keys on.
pub fn apply_theme(theme: Theme) {
    #[cfg(target_arch = "wasm32")]
    {
        if let Some(root) = gloo::utils::document().document_element() {
            let _ = root.set_attribute("data-theme", theme.as_str());
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = theme;
}

/// Milliseconds from a monotonic clock (performance.now), for measurements only.
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        gloo::utils::window().performance().map(|p| p.now()).unwrap_or(0.0)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// A handle that keeps a timer or listener alive; dropping it stops it.
#[derive(Default)]
pub struct Handle {
    #[cfg(target_arch = "wasm32")]
    _interval: Option<gloo::timers::callback::Interval>,
    #[cfg(target_arch = "wasm32")]
    _listeners: Vec<gloo::events::EventListener>,
}

impl Handle {
    /// Stops the timer or listeners (same as dropping the handle; named for effect
    /// clean-ups, where a plain `drop` of the native no-op handle would look pointless).
    pub fn release(self) {
        let _stopped = self;
    }
}

/// Calls `tick` every `ms` milliseconds until the handle is dropped.
pub fn every(ms: u32, tick: Callback<()>) -> Handle {
    #[cfg(target_arch = "wasm32")]
    {
        let i = gloo::timers::callback::Interval::new(ms, move || tick.emit(()));
        Handle { _interval: Some(i), ..Handle::default() }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (ms, tick);
        Handle::default()
    }
}

/// Listens to keydown on the window until the handle is dropped.
pub fn on_window_keydown(cb: Callback<KeyboardEvent>) -> Handle {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        // Not passive: the app calls preventDefault on the keys it handles (Space must not
        // scroll the page, arrows must not move the scrubber twice).
        let opts = gloo::events::EventListenerOptions::enable_prevent_default();
        let w = gloo::utils::window();
        let l = gloo::events::EventListener::new_with_options(&w, "keydown", opts, move |e| {
            if let Some(k) = e.dyn_ref::<KeyboardEvent>() {
                cb.emit(k.clone());
            }
        });
        Handle { _listeners: vec![l], ..Handle::default() }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = cb;
        Handle::default()
    }
}

/// Listens to pointermove, pointerup and pointercancel on the window (where a drag's
/// events end up whether or not the pointer was captured) until the handle is dropped.
pub fn on_window_pointer(
    on_move: Callback<PointerEvent>,
    on_up: Callback<(PointerEvent, bool)>,
) -> Handle {
    #[cfg(target_arch = "wasm32")]
    {
        use gloo::events::{EventListener, EventListenerOptions};
        use wasm_bindgen::JsCast;
        let w = gloo::utils::window();
        let opts = EventListenerOptions::enable_prevent_default();
        let mv = EventListener::new_with_options(&w, "pointermove", opts, move |e| {
            if let Some(p) = e.dyn_ref::<PointerEvent>() {
                p.prevent_default();
                on_move.emit(p.clone());
            }
        });
        let up1 = on_up.clone();
        let up = EventListener::new(&w, "pointerup", move |e| {
            if let Some(p) = e.dyn_ref::<PointerEvent>() {
                up1.emit((p.clone(), false));
            }
        });
        let cancel = EventListener::new(&w, "pointercancel", move |e| {
            if let Some(p) = e.dyn_ref::<PointerEvent>() {
                on_up.emit((p.clone(), true));
            }
        });
        Handle { _listeners: vec![mv, up, cancel], ..Handle::default() }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (on_move, on_up);
        Handle::default()
    }
}

/// The pointer's client coordinates.
pub fn pointer_xy(e: &PointerEvent) -> (f64, f64) {
    #[cfg(target_arch = "wasm32")]
    {
        (e.client_x() as f64, e.client_y() as f64)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = e;
        (0.0, 0.0)
    }
}

/// Whether the primary button (or a touch/pen contact) started this pointer event.
pub fn is_primary_press(e: &PointerEvent) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        e.button() == 0
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = e;
        true
    }
}

/// Captures the pointer on the element that got the pointerdown (errors, e.g. for
/// synthetic pointers, are ignored: the window listeners see the events anyway).
pub fn capture_pointer(e: &PointerEvent) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = e.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let _ = el.set_pointer_capture(e.pointer_id());
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = e;
}

/// The element's bounding box in client coordinates: (left, top, width, height).
pub fn rect(node: &NodeRef) -> Option<(f64, f64, f64, f64)> {
    #[cfg(target_arch = "wasm32")]
    {
        let el = node.cast::<web_sys::Element>()?;
        let r = el.get_bounding_client_rect();
        Some((r.left(), r.top(), r.width(), r.height()))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = node;
        None
    }
}

/// The element's scroll offset (left, top).
pub fn scroll(node: &NodeRef) -> (f64, f64) {
    #[cfg(target_arch = "wasm32")]
    {
        node.cast::<web_sys::Element>()
            .map(|el| (el.scroll_left() as f64, el.scroll_top() as f64))
            .unwrap_or((0.0, 0.0))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = node;
        (0.0, 0.0)
    }
}

/// Focuses the element with this data-testid, if there is one.
pub fn focus_testid(id: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let sel = format!("[data-testid=\"{id}\"]");
        if let Ok(Some(el)) = gloo::utils::document().query_selector(&sel)
            && let Ok(h) = el.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = h.focus();
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = id;
}

/// Whether a key event comes from a text field, where keys belong to the field.
pub fn in_text_field(e: &KeyboardEvent) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| {
            let tag = el.tag_name().to_ascii_lowercase();
            let typ = el.get_attribute("type").unwrap_or_default();
            tag == "textarea"
                || tag == "select"
                || (tag == "input" && typ != "range" && typ != "checkbox")
                || el.get_attribute("contenteditable").is_some()
        })
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = e;
        false
    }
}

/// Whether a key event comes from a canvas object (arrows then move the object).
pub fn on_canvas_object(e: &KeyboardEvent) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        e.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-canvas-object]").ok().flatten())
            .is_some()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = e;
        false
    }
}

/// The value of the input, textarea or select an event came from.
pub fn value_of(e: &Event) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let Some(t) = e.target() else { return String::new() };
        if let Some(i) = t.dyn_ref::<web_sys::HtmlInputElement>() {
            i.value()
        } else if let Some(a) = t.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            a.value()
        } else if let Some(s) = t.dyn_ref::<web_sys::HtmlSelectElement>() {
            s.value()
        } else {
            String::new()
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = e;
        String::new()
    }
}

/// Whether the checkbox an event came from is checked.
pub fn checked_of(e: &Event) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        e.target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .is_some_and(|i| i.checked())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = e;
        false
    }
}

/// Publishes the last render's duration for the e2e benchmark (window.__vnetRenderMs).
pub fn report_render_ms(ms: f64) {
    #[cfg(target_arch = "wasm32")]
    {
        let _ = js_sys::Reflect::set(
            &gloo::utils::window(),
            &"__vnetRenderMs".into(),
            &wasm_bindgen::JsValue::from_f64(ms),
        );
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = ms;
}

/// The current value of an input element.
pub fn input_value(node: &NodeRef) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        node.cast::<web_sys::HtmlInputElement>().map(|i| i.value()).unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = node;
        String::new()
    }
}

/// Whether a key event comes from a button or link (Space and Enter activate those).
pub fn on_button(e: &KeyboardEvent) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| {
            let tag = el.tag_name().to_ascii_lowercase();
            tag == "button" || tag == "a" || el.get_attribute("role").as_deref() == Some("button")
        })
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = e;
        false
    }
}

/// Keeps an element's vertical scroll in step with the scrolled element of an event (the
/// script's line-number gutter follows the textarea).
pub fn sync_scroll(e: &Event, follower: &NodeRef) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        if let (Some(src), Some(dst)) = (
            e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()),
            follower.cast::<web_sys::Element>(),
        ) {
            dst.set_scroll_top(src.scroll_top());
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (e, follower);
}

/// A pending animation-frame callback; dropping it cancels the callback.
#[derive(Default)]
pub struct Frame {
    #[cfg(target_arch = "wasm32")]
    _frame: Option<gloo::render::AnimationFrame>,
}

/// Calls `cb` once, on the next animation frame, unless the returned `Frame` is dropped
/// first. The order explorer runs one time-boxed chunk per frame this way.
pub fn next_frame(cb: Callback<()>) -> Frame {
    #[cfg(target_arch = "wasm32")]
    {
        Frame { _frame: Some(gloo::render::request_animation_frame(move |_| cb.emit(()))) }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = cb;
        Frame::default()
    }
}
