//! The browser shell: Yew components around the pure engine.
//!
//! Invariants: this is the only code that touches the browser, and only
//! `platform.rs` calls web-sys or gloo. Components compile natively too, so that SSR
//! snapshot tests and clippy run on the host.

pub mod platform;

use yew::prelude::*;

/// The whole app.
#[function_component(App)]
pub fn app() -> Html {
    let theme = use_state(platform::load_theme);
    {
        let theme = *theme;
        use_effect_with(theme, move |t| platform::apply_theme(*t));
    }
    let toggle = {
        let theme = theme.clone();
        Callback::from(move |_| {
            let next = theme.toggled();
            platform::save_theme(next);
            theme.set(next);
        })
    };
    html! {
        <div class="app" data-testid="app">
            <header class="topbar">
                <h1 class="brand">{"vnet-playground"}</h1>
                <span class="tagline">{"FreeBSD jail/VNET teardown, step by step"}</span>
                <button class="icon-button" data-testid="theme-toggle" onclick={toggle}
                    aria-label="Switch between light and dark theme">
                    { if *theme == platform::Theme::Dark { "☀" } else { "☾" } }
                </button>
            </header>
            <main class="workspace">
                <section class="builder" aria-label="Scenario builder">
                    <div class="canvas" data-testid="canvas"></div>
                </section>
                <section class="player" data-testid="player" aria-label="Teardown player"></section>
                <section class="narration" data-testid="narration" aria-live="polite"></section>
            </main>
        </div>
    }
}

/// Mounts the app on the page body.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
