//! Architecture invariants, as tests (rust-analyzer's habit).
//!
//! - `src/engine` and `src/share` are pure: their code names none of yew, web_sys,
//!   gloo, wasm_bindgen or js_sys (decisions §36: code, not comments).
//! - Only `src/ui/platform.rs` names web_sys, gloo, wasm_bindgen or js_sys.
//! - No petgraph index type is named outside `src/engine/graph.rs`.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::{Path, PathBuf};

const BROWSER_CRATES: &[&str] = &["yew", "web_sys", "gloo", "wasm_bindgen", "js_sys"];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else { return out };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The code of a Rust file with comments and string literals blanked out.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for c in chars.by_ref() {
                    if prev == '*' && c == '/' {
                        break;
                    }
                    prev = c;
                }
                out.push(' ');
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
                out.push_str("\"\"");
            }
            _ => out.push(c),
        }
    }
    out
}

/// Whether the code names `krate` as a path (`krate::`) or in a `use`/`extern crate`.
fn names_crate(code: &str, krate: &str) -> bool {
    let bytes = code.as_bytes();
    let mut start = 0;
    while let Some(pos) = code[start..].find(krate) {
        let at = start + pos;
        let end = at + krate.len();
        let before_ok =
            at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_');
        let rest = &code[end..];
        let after_ok = rest.starts_with("::")
            || rest.trim_start().starts_with(';') && code[..at].trim_end().ends_with("use")
            || code[..at].trim_end().ends_with("extern crate");
        if before_ok && after_ok {
            return true;
        }
        start = end;
    }
    false
}

fn violations(dir: &str, crates: &[&str], except: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut bad = Vec::new();
    for file in rust_files(&root.join(dir)) {
        let rel = file.strip_prefix(root).unwrap_or(&file).to_string_lossy().replace('\\', "/");
        if except.contains(&rel.as_str()) {
            continue;
        }
        let code = code_only(&fs::read_to_string(&file).unwrap_or_default());
        for krate in crates {
            if names_crate(&code, krate) {
                bad.push(format!("{rel} names `{krate}`"));
            }
        }
    }
    bad
}

#[test]
fn engine_is_pure() {
    let bad = violations("src/engine", BROWSER_CRATES, &[]);
    assert!(bad.is_empty(), "src/engine must not touch the browser:\n{}", bad.join("\n"));
}

#[test]
fn share_is_pure() {
    let bad = violations("src/share", BROWSER_CRATES, &[]);
    assert!(bad.is_empty(), "src/share must not touch the browser:\n{}", bad.join("\n"));
}

#[test]
fn only_the_platform_module_calls_the_browser() {
    let bad = violations(
        "src/ui",
        &["web_sys", "gloo", "wasm_bindgen", "js_sys"],
        &["src/ui/platform.rs"],
    );
    assert!(bad.is_empty(), "browser calls belong in src/ui/platform.rs:\n{}", bad.join("\n"));
}

#[test]
fn petgraph_indices_stay_in_the_graph_module() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut bad = Vec::new();
    for file in rust_files(&root.join("src")) {
        let rel = file.strip_prefix(root).unwrap_or(&file).to_string_lossy().replace('\\', "/");
        if rel == "src/engine/graph.rs" {
            continue;
        }
        let code = code_only(&fs::read_to_string(&file).unwrap_or_default());
        for name in ["NodeIndex", "EdgeIndex", "petgraph"] {
            if code.contains(name) {
                bad.push(format!("{rel} names `{name}`"));
            }
        }
    }
    assert!(bad.is_empty(), "petgraph stays behind src/engine/graph.rs:\n{}", bad.join("\n"));
}

#[test]
fn the_checker_sees_through_comments_but_not_code() {
    assert!(names_crate(&code_only("use yew::prelude::*;"), "yew"));
    assert!(names_crate(&code_only("let x = gloo::utils::window();"), "gloo"));
    assert!(!names_crate(&code_only("// yew::Html is not used here"), "yew"));
    assert!(!names_crate(&code_only("let s = \"web_sys::Window\";"), "web_sys"));
    assert!(!names_crate(&code_only("let yewish = 1;"), "yew"));
}
