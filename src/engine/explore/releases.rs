//! The scenario across kernel releases: every release × stage order, and the first
//! release from which on each order is safe; as text (every line at most 72 columns),
//! Markdown and JSON, for `vnet-trace releases` and the explorer's "across releases" row.
//!
//! Invariants:
//! - Rows follow `Kernel::ALL` (oldest first), cells `StageOrder::ALL`; a cell is the
//!   same verdict-only run the explorer uses (`explore::cell`), so it agrees with the
//!   full trace of that lane.
//! - A scenario that a release cannot build (a driver it lacks) gets that release's
//!   build error in its cells, never a guess.
//! - "First safe" is the oldest release that is clean and after which every newer
//!   release is clean too: a fix that a later release undid is not "safe".

use crate::engine::explore::report::wrap;
use crate::engine::explore::{Cell, cell};
use crate::engine::input::scenario::Scenario;
use crate::engine::kernel::release::{self, CHANGES};
use crate::engine::kernel::si::Slot;
use crate::engine::teardown::Lane;
use crate::engine::trace::{Kernel, Outcome, StageOrder};
use serde_json::{Value, json};

/// One release's row: a verdict (or the build error) per stage order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub kernel: Kernel,
    pub cells: Vec<(StageOrder, Result<Cell, String>)>,
}

/// The whole table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Across {
    /// The re-registrations every cell keeps (the explored lane's).
    pub extra: Vec<(String, Slot)>,
    pub rows: Vec<Row>,
}

/// Runs the scenario under every release and stage order, with `extra` re-registrations.
pub fn across(scenario: &Scenario, extra: &[(String, Slot)]) -> Across {
    let rows = Kernel::ALL
        .into_iter()
        .map(|kernel| Row {
            kernel,
            cells: StageOrder::ALL
                .into_iter()
                .map(|order| {
                    let lane = Lane { kernel, order, extra: extra.to_vec() };
                    (order, cell(scenario, &lane).map_err(|e| e.message))
                })
                .collect(),
        })
        .collect();
    Across { extra: extra.to_vec(), rows }
}

impl Across {
    /// The cell of one release and order.
    pub fn get(&self, kernel: Kernel, order: StageOrder) -> Option<&Result<Cell, String>> {
        let row = self.rows.iter().find(|r| r.kernel == kernel)?;
        row.cells.iter().find(|(o, _)| *o == order).map(|(_, c)| c)
    }

    /// The oldest release that is safe under `order` with every newer one safe too: the
    /// teardown is clean, or the release refuses the scenario's commands (a create that
    /// fails there cannot leak or fault).
    pub fn first_safe(&self, order: StageOrder) -> Option<Kernel> {
        let clean =
            |k: Kernel| self.get(k, order).is_some_and(|c| c.as_ref().map_or(true, Cell::is_clean));
        let mut first = None;
        for r in self.rows.iter().rev() {
            if !clean(r.kernel) {
                break;
            }
            first = Some(r.kernel);
        }
        first
    }

    /// Whether the outcome differs between releases under any order.
    pub fn differs(&self) -> bool {
        StageOrder::ALL.into_iter().any(|o| {
            let mut seen = self.rows.iter().map(|r| short(self.get(r.kernel, o)));
            let first = seen.next();
            seen.any(|s| Some(s) != first)
        })
    }
}

/// A cell in a table: the outcome's words, or "no build".
fn short(c: Option<&Result<Cell, String>>) -> &'static str {
    match c {
        Some(Ok(c)) => c.outcome.label(),
        Some(Err(_)) => "refused",
        None => "",
    }
}

/// "panic in ip_destroy", "clean", or the build error.
fn long(c: &Result<Cell, String>) -> String {
    match c {
        Ok(c) => match &c.fault {
            Some(f) if !c.is_clean() => format!("{} in {}", c.outcome.label(), f.function),
            _ => c.outcome.label().to_string(),
        },
        Err(e) => format!("cannot build: {e}"),
    }
}

/// "from FreeBSD 14.3", "every release", "none"; a release that refuses the scenario is
/// said to.
pub fn safe_words(a: &Across, order: StageOrder) -> String {
    let k = a.first_safe(order);
    let refused = k.and_then(|k| a.get(k, order)).is_some_and(|c| c.is_err());
    let mut s = match k {
        Some(k) if k == Kernel::ALL[0] => "every release".to_string(),
        Some(k) => format!("from {}", release::of(k).name),
        None => "none".to_string(),
    };
    if refused {
        s.push_str(", which refuses the scenario's commands");
    }
    s
}

const KCOL: usize = 8;
const OCOL: usize = 16;

/// The table and the first safe releases, as a mail: at most 72 columns.
pub fn table_text(a: &Across) -> String {
    let mut out = String::from("Across releases (each kernel under each stage order):\n");
    let mut head = format!("  {:<KCOL$}", "kernel");
    for o in StageOrder::ALL {
        head.push_str(&format!("{:<OCOL$}", o.slug()));
    }
    out.push_str(head.trim_end());
    out.push('\n');
    for r in &a.rows {
        let mut line = format!("  {:<KCOL$}", r.kernel.slug());
        for (_, c) in &r.cells {
            line.push_str(&format!("{:<OCOL$}", short(Some(c))));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    for o in StageOrder::ALL {
        wrap(&format!("First safe under {}: {}.", o.slug(), safe_words(a, o)), 0, &mut out);
    }
    out
}

/// `vnet-trace releases`: the table, the faults, and what differs between the kernels.
pub fn text(a: &Across) -> String {
    let mut out = table_text(a);
    let mut seen: Vec<String> = Vec::new();
    let mut details = String::new();
    for r in &a.rows {
        for (_, c) in &r.cells {
            let l = long(c);
            if l == "clean" || seen.contains(&l) {
                continue;
            }
            let on: Vec<String> = a
                .rows
                .iter()
                .flat_map(|r2| r2.cells.iter().map(move |(o2, c2)| (r2.kernel, *o2, c2)))
                .filter(|(_, _, c2)| long(c2) == l)
                .map(|(k, o2, _)| format!("{} {}", k.slug(), o2.slug()))
                .collect();
            wrap(&format!("{l} ({})", on.join(", ")), 2, &mut details);
            seen.push(l);
        }
    }
    if !details.is_empty() {
        out.push_str("\nFaults:\n");
        out.push_str(&details);
    }
    if !a.extra.is_empty() {
        let moves: Vec<String> =
            a.extra.iter().map(|(f, s)| format!("{f} at {}", s.short())).collect();
        out.push('\n');
        wrap(&format!("Every cell keeps the re-registrations {}.", moves.join(", ")), 0, &mut out);
    }
    out.push_str("\nWhat differs between the kernels:\n");
    for c in CHANGES {
        let ks: Vec<&str> = c.kernels.iter().map(|k| k.slug()).collect();
        wrap(&format!("{}: {} (in {}) {}", c.cite, c.what, ks.join(", "), c.marker), 2, &mut out);
        out.push_str(&format!("    {}\n", c.url));
    }
    out
}

/// The table and the first safe releases in Markdown.
pub fn table_markdown(a: &Across) -> String {
    let mut out = String::from("**Across releases**\n\n| kernel |");
    for o in StageOrder::ALL {
        out.push_str(&format!(" {} |", o.label()));
    }
    out.push_str("\n|---|");
    for _ in StageOrder::ALL {
        out.push_str("---|");
    }
    out.push('\n');
    for r in &a.rows {
        out.push_str(&format!("| {} |", release::of(r.kernel).name));
        for (_, c) in &r.cells {
            out.push_str(&format!(" {} |", long(c).replace('|', "\\|")));
        }
        out.push('\n');
    }
    out.push('\n');
    for o in StageOrder::ALL {
        out.push_str(&format!("- First safe under {}: {}.\n", o.label(), safe_words(a, o)));
    }
    out
}

/// `vnet-trace releases --format markdown`.
pub fn markdown(a: &Across) -> String {
    let mut out = table_markdown(a);
    out.push_str("\n**What differs between the kernels**\n\n");
    for c in CHANGES {
        let ks: Vec<&str> = c.kernels.iter().map(|k| k.slug()).collect();
        out.push_str(&format!(
            "- [{}]({}) {} (in {}) {}\n",
            c.cite,
            c.url,
            c.what,
            ks.join(", "),
            c.marker
        ));
    }
    out
}

pub fn json_value(a: &Across) -> Value {
    let cell_json = |c: &Result<Cell, String>| match c {
        Ok(c) => json!({
            "outcome": c.outcome.name(),
            "fault": c.fault.as_ref().filter(|_| c.outcome != Outcome::Clean).map(|f| f.function.clone()),
        }),
        Err(e) => json!({ "outcome": Value::Null, "error": e }),
    };
    json!({
        "extra": a.extra.iter().map(|(f, s)| json!({"function": f, "slot": s.short()})).collect::<Vec<_>>(),
        "releases": a.rows.iter().map(|r| json!({
            "kernel": r.kernel.slug(),
            "name": release::of(r.kernel).name,
            "cells": r.cells.iter().map(|(o, c)| {
                let mut v = cell_json(c);
                if let Some(m) = v.as_object_mut() {
                    m.insert("order".into(), json!(o.slug()));
                }
                v
            }).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "first_safe": StageOrder::ALL.iter().map(|o| (o.slug().to_string(), json!(a.first_safe(*o).map(|k| k.slug())))).collect::<serde_json::Map<_, _>>(),
        "changes": CHANGES.iter().map(|c| json!({
            "switch": c.switch,
            "what": c.what,
            "cite": c.cite,
            "url": c.url,
            "kernels": c.kernels.iter().map(|k| k.slug()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

pub fn json(a: &Across) -> String {
    serde_json::to_string_pretty(&json_value(a)).unwrap_or_default()
}
