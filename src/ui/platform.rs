//! Every browser call the app makes: theme, storage, location, history, clipboard.
//!
//! Invariants: the only module that names web_sys or gloo. On the host (native tests)
//! each function is a harmless no-op or returns a default, so components render in SSR.

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

    fn as_str(self) -> &'static str {
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
    let _ = theme.as_str();
}
