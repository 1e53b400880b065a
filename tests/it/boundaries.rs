//! Architecture invariants, as tests (rust-analyzer's habit).
//!
//! - `src/engine`, `src/support` and `src/share` are pure: their code names none of yew,
//!   web_sys, gloo, wasm_bindgen or js_sys (code is checked, not comments).
//! - Only `src/ui/platform.rs` names web_sys, gloo, wasm_bindgen or js_sys.
//! - No petgraph index type is named outside `src/engine/trace/graph.rs`.
//! - Every module opens with a `//!` comment that says its purpose and invariants.
//! - Every driver is one module under `src/engine/kernel/drivers/`, and no code outside
//!   that folder names a driver's clone-destroy or reassign function.

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
fn support_is_pure() {
    let bad = violations("src/support", BROWSER_CRATES, &[]);
    assert!(bad.is_empty(), "src/support must not touch the browser:\n{}", bad.join("\n"));
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
        if rel == "src/engine/trace/graph.rs" {
            continue;
        }
        let code = code_only(&fs::read_to_string(&file).unwrap_or_default());
        for name in ["NodeIndex", "EdgeIndex", "petgraph"] {
            if code.contains(name) {
                bad.push(format!("{rel} names `{name}`"));
            }
        }
    }
    assert!(bad.is_empty(), "petgraph stays behind src/engine/trace/graph.rs:\n{}", bad.join("\n"));
}

#[test]
fn the_checker_sees_through_comments_but_not_code() {
    assert!(names_crate(&code_only("use yew::prelude::*;"), "yew"));
    assert!(names_crate(&code_only("let x = gloo::utils::window();"), "gloo"));
    assert!(!names_crate(&code_only("// yew::Html is not used here"), "yew"));
    assert!(!names_crate(&code_only("let s = \"web_sys::Window\";"), "web_sys"));
    assert!(!names_crate(&code_only("let yewish = 1;"), "yew"));
}

#[test]
fn every_module_opens_with_a_doc_comment() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut bad = Vec::new();
    for dir in ["src", "tests", "benches", "examples"] {
        for file in rust_files(&root.join(dir)) {
            let rel = file.strip_prefix(root).unwrap_or(&file).to_string_lossy().replace('\\', "/");
            let text = fs::read_to_string(&file).unwrap_or_default();
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            if !first.starts_with("//!") {
                bad.push(rel);
            }
        }
    }
    assert!(bad.is_empty(), "these files do not open with a //! comment:\n{}", bad.join("\n"));
}

#[test]
fn every_driver_is_one_module() {
    use vnet_playground::engine::Driver;
    use vnet_playground::engine::kernel::drivers::spec;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("src/engine/kernel/drivers");
    let mut bad = Vec::new();
    let mut private = Vec::new();
    for d in Driver::ALL {
        let s = spec(d);
        assert_eq!(s.driver, d, "spec({d:?}) describes another driver");
        if !dir.join(format!("{}.rs", d.name())).is_file() {
            bad.push(format!("no src/engine/kernel/drivers/{}.rs", d.name()));
        }
        private.push(s.destroy_fn);
        private.extend(s.reassign_fn);
    }
    for file in rust_files(&root.join("src")) {
        let rel = file.strip_prefix(root).unwrap_or(&file).to_string_lossy().replace('\\', "/");
        if rel.starts_with("src/engine/kernel/drivers/") {
            continue;
        }
        // Unit-test fixtures may spell a call path out.
        let text = fs::read_to_string(&file).unwrap_or_default();
        let text = text.split("#[cfg(test)]").next().unwrap_or("");
        for f in &private {
            if text.contains(&format!("\"{f}\"")) {
                bad.push(format!("{rel} names {f}: driver knowledge belongs in its driver module"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The modules under `dir` (by file stem) that each module names as `crate::<prefix>::X`.
fn module_imports(dir: &str, prefix: &str) -> Vec<(String, Vec<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for file in rust_files(&root.join(dir)) {
        let Some(stem) = file.file_stem().and_then(|s| s.to_str()) else { continue };
        if file.parent() != Some(&root.join(dir)) || stem == "mod" {
            continue;
        }
        let code = code_only(&fs::read_to_string(&file).unwrap_or_default());
        let code = code.split("#[cfg(test)]").next().unwrap_or("").to_string();
        let mut deps: Vec<String> = code
            .match_indices(&format!("crate::{prefix}::"))
            .map(|(i, m)| {
                code[i + m.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .filter(|d| !d.is_empty() && d != stem)
            .collect();
        deps.sort();
        deps.dedup();
        out.push((stem.to_string(), deps));
    }
    out
}

#[test]
fn no_import_cycle_between_ui_modules() {
    let graph = module_imports("src/ui", "ui");
    assert!(graph.len() > 10, "{graph:?}");
    let deps =
        |m: &str| graph.iter().find(|(n, _)| n == m).map(|(_, d)| d.clone()).unwrap_or_default();
    let mut bad = Vec::new();
    for (m, _) in &graph {
        // Depth-first search from m: reaching m again is a cycle.
        let mut stack = deps(m);
        let mut seen: Vec<String> = Vec::new();
        while let Some(x) = stack.pop() {
            if x == *m {
                bad.push(m.clone());
                break;
            }
            if !seen.contains(&x) {
                seen.push(x.clone());
                stack.extend(deps(&x));
            }
        }
    }
    assert!(bad.is_empty(), "these ui modules are on an import cycle: {bad:?}\n{graph:?}");
}
