//! Browser unit tests (wasm-bindgen-test in headless Chromium): the app mounts, and the
//! theme toggle changes the document.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn settle() {
    yew::platform::time::sleep(std::time::Duration::from_millis(50)).await;
}

fn mount() -> web_sys::Element {
    let doc = gloo::utils::document();
    let root = doc.create_element("div").expect("a div");
    doc.body().expect("a body").append_child(&root).expect("append");
    yew::Renderer::<vnet_playground::ui::App>::with_root(root.clone()).render();
    root
}

#[wasm_bindgen_test]
async fn the_app_mounts_with_its_three_areas() {
    let root = mount();
    settle().await;
    for id in ["app", "canvas", "player"] {
        let sel = format!("[data-testid='{id}']");
        assert!(root.query_selector(&sel).ok().flatten().is_some(), "missing {id}");
    }
}

#[wasm_bindgen_test]
async fn the_theme_toggle_flips_data_theme() {
    let root = mount();
    settle().await;
    let html = gloo::utils::document().document_element().expect("html");
    let before = html.get_attribute("data-theme");
    let button: web_sys::HtmlElement = root
        .query_selector("[data-testid='theme-toggle']")
        .ok()
        .flatten()
        .expect("toggle")
        .dyn_into()
        .expect("an HTML element");
    button.click();
    settle().await;
    assert_ne!(html.get_attribute("data-theme"), before);
}
