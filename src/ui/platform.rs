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

/// The stored theme's key. `index.html` reads it too, to set the theme before the wasm
/// loads (a test below keeps the two the same).
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

/// Removes what `index.html` shows while the app loads (`#boot`), just before the app's
/// first render takes its place.
pub fn remove_boot() {
    #[cfg(target_arch = "wasm32")]
    if let Some(boot) = gloo::utils::document().get_element_by_id("boot") {
        boot.remove();
    }
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
    #[cfg(target_arch = "wasm32")]
    _observer: Option<Observer>,
}

/// A ResizeObserver and its callback; disconnected when dropped.
#[cfg(target_arch = "wasm32")]
struct Observer {
    observer: web_sys::ResizeObserver,
    _callback: wasm_bindgen::closure::Closure<dyn FnMut(js_sys::Array)>,
}

#[cfg(target_arch = "wasm32")]
impl Drop for Observer {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Calls `cb` with the element's content-box size (width, height in CSS px) now and
/// whenever it changes (a ResizeObserver), until the handle is dropped. Natively nothing
/// is observed.
pub fn on_resize(node: &NodeRef, cb: Callback<(f64, f64)>) -> Handle {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let Some(el) = node.cast::<web_sys::Element>() else { return Handle::default() };
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            if let Ok(e) = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>() {
                let r = e.content_rect();
                cb.emit((r.width(), r.height()));
            }
        });
        let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) else {
            return Handle::default();
        };
        observer.observe(&el);
        Handle { _observer: Some(Observer { observer, _callback: callback }), ..Handle::default() }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (node, cb);
        Handle::default()
    }
}

/// Whether the primary button (or a touch or pen contact) is down during this event.
pub fn is_pressed(e: &PointerEvent) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        e.buttons() & 1 == 1
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = e;
        false
    }
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
        // Yew delegates events to the body, so `current_target` is the body: capture on
        // the pressed object itself (its nearest element with a test id), or a click
        // after a press that did not move would go to the body instead of the button.
        let el = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.closest("[data-testid]").ok().flatten().or(Some(t)));
        if let Some(el) = el {
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

/// Scrolls the element to this offset (left, top), at once.
pub fn scroll_to(node: &NodeRef, to: (f64, f64)) {
    #[cfg(target_arch = "wasm32")]
    if let Some(el) = node.cast::<web_sys::Element>() {
        el.set_scroll_left(to.0 as i32);
        el.set_scroll_top(to.1 as i32);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (node, to);
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

/// Whether a key event comes from a canvas object or a graph's minimap (arrows then move
/// the object or the view, not the player).
pub fn on_canvas_object(e: &KeyboardEvent) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        e.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-canvas-object],[data-pans]").ok().flatten())
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
/// Whether a focusout event on `node` moves the focus out of it altogether (to nothing,
/// or to an element outside).
pub fn focus_leaves(e: &FocusEvent, node: &NodeRef) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let Some(root) = node.cast::<web_sys::Node>() else { return false };
        let to = e.related_target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        !to.is_some_and(|t| root.contains(Some(&t)))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (e, node);
        false
    }
}

/// Closes a `<details>` disclosure (the palette's "More drivers" after one is used).
pub fn close_details(node: &NodeRef) {
    #[cfg(target_arch = "wasm32")]
    if let Some(el) = node.cast::<web_sys::Element>() {
        let _ = el.remove_attribute("open");
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = node;
}

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

// ---------------------------------------------------------------------------------------
// Sharing and keeping work safe (issue 5): the address bar, local storage, the clipboard,
// downloads and the graph's SVG/PNG export.

/// A fragment without its `#`, percent-decoded (browsers encode spaces and other
/// characters a pasted link may carry).
#[cfg(target_arch = "wasm32")]
fn decoded_fragment(raw: &str) -> String {
    let raw = raw.strip_prefix('#').unwrap_or(raw);
    js_sys::decode_uri_component(raw)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| raw.to_string())
}

/// The current fragment without `#`, percent-decoded, or "" when there is none.
pub fn read_hash() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        decoded_fragment(&gloo::utils::window().location().hash().unwrap_or_default())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        String::new()
    }
}

/// Replaces the fragment with `#fragment` without adding a history entry (and without a
/// hashchange event).
pub fn replace_hash(fragment: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        let w = gloo::utils::window();
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&format!("#{fragment}")),
            );
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = fragment;
}

/// The page's address without the fragment, e.g. `https://example.org/playground/`.
pub fn page_url() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let href = gloo::utils::window().location().href().unwrap_or_default();
        href.split('#').next().unwrap_or_default().to_string()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        "https://vnet-playground.example/".to_string()
    }
}

/// Calls `cb` with the new fragment (as `read_hash` gives it) on every hashchange
/// (back/forward, a pasted link) until the handle drops.
pub fn on_hashchange(cb: Callback<String>) -> Handle {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        // The fragment the reader went to, from the event, not from the address bar: a
        // debounced write of the app's own state may have replaced the address bar since.
        let l = gloo::events::EventListener::new(&gloo::utils::window(), "hashchange", move |e| {
            let to = e
                .dyn_ref::<web_sys::HashChangeEvent>()
                .map(|h| h.new_url())
                .and_then(|u| u.split_once('#').map(|(_, f)| decoded_fragment(f)))
                .unwrap_or_else(read_hash);
            cb.emit(to)
        });
        Handle { _listeners: vec![l], ..Handle::default() }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = cb;
        Handle::default()
    }
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

/// Calls `cb` once, in a task after the next frame has been painted (an animation frame,
/// then a zero timeout), unless the returned handle is dropped first. The start draws its
/// graphs this way, one lane per frame. A hidden tab paints no frame: the call waits
/// until the tab is shown.
pub fn after_paint(cb: Callback<()>) -> Painted {
    #[cfg(target_arch = "wasm32")]
    {
        let timeout = std::rc::Rc::new(std::cell::RefCell::new(None));
        let slot = timeout.clone();
        let frame = gloo::render::request_animation_frame(move |_| {
            *slot.borrow_mut() = Some(gloo::timers::callback::Timeout::new(0, move || cb.emit(())));
        });
        Painted { _frame: Some(frame), _timeout: timeout }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = cb;
        Painted::default()
    }
}

/// A pending [`after_paint`] call; dropping it cancels the call.
#[derive(Default)]
pub struct Painted {
    #[cfg(target_arch = "wasm32")]
    _frame: Option<gloo::render::AnimationFrame>,
    #[cfg(target_arch = "wasm32")]
    _timeout: std::rc::Rc<std::cell::RefCell<Option<gloo::timers::callback::Timeout>>>,
}

impl Painted {
    /// Cancels the call if it has not happened yet.
    pub fn cancel(self) {}
}

/// Calls `cb` once after `ms` milliseconds, unless the handle is dropped first.
pub fn after(ms: u32, cb: Callback<()>) -> TimeoutHandle {
    #[cfg(target_arch = "wasm32")]
    {
        TimeoutHandle {
            _timeout: Some(gloo::timers::callback::Timeout::new(ms, move || cb.emit(()))),
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (ms, cb);
        TimeoutHandle::default()
    }
}

/// A pending [`after`] call; dropping it cancels the call.
#[derive(Default)]
pub struct TimeoutHandle {
    #[cfg(target_arch = "wasm32")]
    _timeout: Option<gloo::timers::callback::Timeout>,
}

impl TimeoutHandle {
    /// Lets the call happen with no handle kept (it can no longer be cancelled).
    pub fn forget(self) {
        #[cfg(target_arch = "wasm32")]
        if let Some(t) = self._timeout {
            t.forget();
        }
    }
}

/// A raw localStorage string (no serde_json), or None (missing, or storage disabled).
pub fn storage_get(key: &str) -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        use gloo::storage::Storage;
        gloo::storage::LocalStorage::raw().get_item(key).ok().flatten()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = key;
        None
    }
}

/// Stores a raw localStorage string; false if storage refused (full, or disabled).
pub fn storage_set(key: &str, value: &str) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        use gloo::storage::Storage;
        gloo::storage::LocalStorage::raw().set_item(key, value).is_ok()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (key, value);
        false
    }
}

/// Copies `text` with navigator.clipboard; if that fails (no permission, insecure page),
/// selects the text of the textarea with data-testid `fallback_testid` and tries
/// execCommand("copy"). `done` gets true when the text reached the clipboard, false when
/// the user must press Ctrl+C on the selected text.
pub fn copy_text(text: &str, fallback_testid: &str, done: Callback<bool>) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let fallback = {
            let id = fallback_testid.to_string();
            move || -> bool {
                let doc = gloo::utils::document();
                let sel = format!("[data-testid=\"{id}\"]");
                let Some(area) = doc
                    .query_selector(&sel)
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
                else {
                    return false;
                };
                let _ = area.focus();
                area.select();
                doc.dyn_into::<web_sys::HtmlDocument>()
                    .ok()
                    .and_then(|d| d.exec_command("copy").ok())
                    .unwrap_or(false)
            }
        };
        let promise = gloo::utils::window().navigator().clipboard().write_text(text);
        let ok = {
            let done = done.clone();
            Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |_| done.emit(true))
        };
        let err = Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |_| done.emit(fallback()));
        let _ = promise.then2(&ok, &err);
        // Each runs at most once, when the promise settles; they must outlive this call.
        ok.forget();
        err.forget();
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (text, fallback_testid);
        done.emit(false);
    }
}

/// Offers `content` as a file download (Blob + object URL + `<a download>`).
pub fn download_text(file_name: &str, mime: &str, content: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        let blob = gloo::file::Blob::new_with_options(content, Some(mime));
        let url = gloo::file::ObjectUrl::from(blob);
        click_download(&url, file_name);
        // Revoke the URL once the download has surely started.
        gloo::timers::callback::Timeout::new(30_000, move || drop(url)).forget();
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (file_name, mime, content);
}

#[cfg(target_arch = "wasm32")]
fn click_download(url: &str, file_name: &str) {
    use wasm_bindgen::JsCast;
    let doc = gloo::utils::document();
    if let Some(a) =
        doc.create_element("a").ok().and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(url);
        a.set_download(file_name);
        let _ = a.set_attribute("style", "display:none");
        if let Some(body) = doc.body() {
            let _ = body.append_child(&a);
            a.click();
            a.remove();
        }
    }
}

/// The computed properties copied into an exported SVG's `<style>`, so that it looks the
/// same without the app's stylesheet (and with the theme's variables resolved).
#[cfg(target_arch = "wasm32")]
const SVG_PROPS: &[&str] = &[
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "paint-order",
    "visibility",
];

/// Whether the graph with this test id is drawn windowed (`data-drawn="window"`).
pub fn drawn_windowed(testid: &str) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        gloo::utils::document()
            .query_selector(&format!("[data-testid=\"{testid}\"]"))
            .ok()
            .flatten()
            .and_then(|e| e.get_attribute("data-drawn"))
            .is_some_and(|d| d == "window")
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = testid;
        false
    }
}

/// A standalone SVG document of the graphs with these data-testids, stacked, each under
/// its label: computed styles go into one `<style>` inside the `<svg>`. Returns the text
/// and its size in px, or None when no graph is on the page.
pub fn graph_svg(graphs: &[(&str, &str)]) -> Option<(String, f64, f64)> {
    #[cfg(target_arch = "wasm32")]
    {
        use crate::support::vecmap::VecMap;
        use wasm_bindgen::JsCast;
        const NS: &str = "http://www.w3.org/2000/svg";
        const LABEL_H: i64 = 26;
        let doc = gloo::utils::document();
        let win = gloo::utils::window();
        let out = doc.create_element_ns(Some(NS), "svg").ok()?;
        let body = doc.create_element_ns(Some(NS), "g").ok()?;
        let mut classes: VecMap<String, String> = VecMap::new();
        // Integers only: no float formatter in the wasm.
        let (mut width, mut y) = (0i64, 0i64);
        let mut background = String::from("#ffffff");
        let mut ink = String::from("#000000");
        for (testid, label) in graphs {
            let Some(src) =
                doc.query_selector(&format!("[data-testid=\"{testid}\"]")).ok().flatten()
            else {
                continue;
            };
            if let Some(parent) = src.parent_element()
                && let Ok(Some(cs)) = win.get_computed_style(&parent)
            {
                let bg = cs.get_property_value("background-color").unwrap_or_default();
                if !bg.is_empty() && bg != "rgba(0, 0, 0, 0)" {
                    background = bg;
                }
                ink = cs.get_property_value("color").unwrap_or(ink);
            }
            let clone: web_sys::Element = src.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
            let (from, to) =
                (src.query_selector_all("*").ok()?, clone.query_selector_all("*").ok()?);
            for i in 0..from.length().min(to.length()) {
                let (Some(a), Some(b)) = (
                    from.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()),
                    to.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()),
                ) else {
                    continue;
                };
                let Ok(Some(cs)) = win.get_computed_style(&a) else { continue };
                let mut decl = String::new();
                for p in SVG_PROPS {
                    let v = cs.get_property_value(p).unwrap_or_default();
                    if !v.is_empty() {
                        decl.push_str(&format!("{p}:{v};"));
                    }
                }
                let next = format!("s{}", classes.len());
                let class = classes.get_or_insert(decl, next).clone();
                let _ = b.set_attribute("class", &class);
            }
            let vb = src.get_attribute("viewBox").unwrap_or_default();
            let nums: Vec<i64> = vb.split_whitespace().filter_map(|n| n.parse().ok()).collect();
            let (w, h) = match nums.as_slice() {
                [_, _, w, h] => (*w, *h),
                _ => (600, 400),
            };
            let text = doc.create_element_ns(Some(NS), "text").ok()?;
            let _ = text.set_attribute("x", "8");
            let _ = text.set_attribute("y", &format!("{}", y + 18));
            let _ = text.set_attribute("class", "lane-label");
            text.set_text_content(Some(label));
            let _ = body.append_child(&text);
            for a in ["style", "class", "role", "preserveAspectRatio"] {
                let _ = clone.remove_attribute(a);
            }
            let _ = clone.set_attribute("x", "0");
            let _ = clone.set_attribute("y", &format!("{}", y + LABEL_H));
            let _ = clone.set_attribute("width", &format!("{w}"));
            let _ = clone.set_attribute("height", &format!("{h}"));
            let _ = body.append_child(&clone);
            width = width.max(w);
            y += LABEL_H + h;
        }
        if y == 0 {
            return None;
        }
        let mut css = format!(
            ".lane-label{{font:600 14px system-ui,sans-serif;fill:{ink};}}\n.bg{{fill:{background};}}\n"
        );
        for (decl, class) in &classes {
            css.push_str(&format!(".{class}{{{decl}}}\n"));
        }
        let _ = out.set_attribute("xmlns", NS);
        let _ = out.set_attribute("viewBox", &format!("0 0 {width} {y}"));
        let _ = out.set_attribute("width", &format!("{width}"));
        let _ = out.set_attribute("height", &format!("{y}"));
        let style = doc.create_element_ns(Some(NS), "style").ok()?;
        style.set_text_content(Some(&css));
        let _ = out.append_child(&style);
        let bg = doc.create_element_ns(Some(NS), "rect").ok()?;
        for (k, v) in [("class", "bg"), ("width", "100%"), ("height", "100%")] {
            let _ = bg.set_attribute(k, v);
        }
        let _ = out.append_child(&bg);
        let _ = out.append_child(&body);
        let xml = web_sys::XmlSerializer::new().ok()?.serialize_to_string(&out).ok()?;
        Some((
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{xml}\n"),
            width as f64,
            y as f64,
        ))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = graphs;
        None
    }
}

/// Rasterises an SVG document (from [`graph_svg`]) at twice its size into a PNG download:
/// image → canvas → toBlob.
pub fn download_png(svg: &str, width: f64, height: f64, file_name: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let Ok(img) = web_sys::HtmlImageElement::new() else { return };
        let name = file_name.to_string();
        let img2 = img.clone();
        let onload = Closure::once_into_js(move || {
            let doc = gloo::utils::document();
            let Some(canvas) = doc
                .create_element("canvas")
                .ok()
                .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok())
            else {
                return;
            };
            let scale = 2.0;
            canvas.set_width((width * scale).ceil() as u32);
            canvas.set_height((height * scale).ceil() as u32);
            let Some(ctx) = canvas
                .get_context("2d")
                .ok()
                .flatten()
                .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
            else {
                return;
            };
            let _ = ctx.scale(scale, scale);
            let _ = ctx.draw_image_with_html_image_element(&img2, 0.0, 0.0);
            let done = Closure::once_into_js(move |blob: Option<web_sys::Blob>| {
                if let Some(b) = blob
                    && let Ok(url) = web_sys::Url::create_object_url_with_blob(&b)
                {
                    click_download(&url, &name);
                    let u = url.clone();
                    gloo::timers::callback::Timeout::new(30_000, move || {
                        let _ = web_sys::Url::revoke_object_url(&u);
                    })
                    .forget();
                }
            });
            let _ = canvas.to_blob(done.unchecked_ref());
        });
        img.set_onload(Some(onload.unchecked_ref()));
        let encoded: String = js_sys::encode_uri_component(svg).into();
        img.set_src(&format!("data:image/svg+xml;charset=utf-8,{encoded}"));
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (svg, width, height, file_name);
}

#[cfg(test)]
mod tests {
    #[test]
    fn index_html_reads_the_same_theme_key() {
        let page = include_str!("../../index.html");
        assert!(page.contains(&format!("localStorage.getItem(\"{}\")", super::THEME_KEY)));
    }
}
