//! The explorer's report as text (a mail: every line at most 72 columns), Markdown and
//! JSON, for `vnet-trace explore` and the UI's export.
//!
//! Invariants: pure functions of a [`Report`]; the text table abbreviates destructors
//! (`vnet_gif_uninit` → `gif`, `rtables_destroy` → `rtables`) and cells (`ok`, `pf`,
//! `panic`, `leak`, `stuck`, `*` marks the destructor's own slot) and prints a legend;
//! wide tables are split into chunks of columns so that no line passes 72 columns.

use crate::engine::explore::releases::{Across, across};
use crate::engine::explore::{Cell, ExploreResult, Suggestion, explore, shrink, suggestions};
use crate::engine::input::scenario::Scenario;
use crate::engine::input::script::{command_text, print};
use crate::engine::kernel::BuildError;
use crate::engine::kernel::si::Slot;
use crate::engine::teardown::Lane;
use crate::engine::trace::{Kernel, Outcome, StageOrder};
use serde_json::{Value, json};

/// The width of a mail.
pub const WIDTH: usize = 72;
const SLOT_COL: usize = 25;
const CELL_COL: usize = 8;
const MAX_COLS: usize = (WIDTH - SLOT_COL) / CELL_COL;

/// Everything `vnet-trace explore` prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub lane: Lane,
    pub result: ExploreResult,
    /// The minimal counterexample, when the base lane fails.
    pub shrunk: Option<Scenario>,
    pub original_len: usize,
    pub suggestions: Vec<Suggestion>,
    /// The scenario under every release and stage order, with the lane's
    /// re-registrations.
    pub across: Across,
}

impl Report {
    /// The report on a finished run, however it was run (at once here, or in time-boxed
    /// chunks by the app): shrinks the scenario when the base lane fails, and suggests a
    /// fix for each dependency cycle. The CLI and the app both build their report here.
    pub fn finish(scenario: &Scenario, lane: &Lane, result: ExploreResult) -> Report {
        let fails = result.base.as_ref().is_some_and(|c| !c.is_clean());
        let shrunk = fails.then(|| shrink(scenario, lane));
        // The run built the scenario, so the suggestions can build it too.
        let suggestions = suggestions(scenario, lane, &result).unwrap_or_default();
        let across = across(scenario, &lane.extra);
        Report {
            across,
            lane: lane.clone(),
            result,
            shrunk,
            original_len: scenario.entries.len(),
            suggestions,
        }
    }
}

/// Explores, shrinks (when the base lane fails) and suggests fixes.
pub fn report(scenario: &Scenario, lane: &Lane) -> Result<Report, BuildError> {
    let result = explore(scenario, lane)?;
    Ok(Report::finish(scenario, lane, result))
}

/// `vnet_gif_uninit` → `gif`, `ip6_destroy` → `ip6`, `rtables_destroy` → `rtables`.
pub fn short_func(func: &str) -> String {
    let s = func.strip_prefix("vnet_").unwrap_or(func);
    let s = s.strip_suffix("_uninit").or_else(|| s.strip_suffix("_destroy")).unwrap_or(s);
    s.chars().take(CELL_COL - 1).collect()
}

fn code(c: &Cell) -> &'static str {
    match c.outcome {
        Outcome::Clean => "ok",
        Outcome::PageFault => "pf",
        Outcome::Panic => "panic",
        Outcome::Leak => "leak",
        Outcome::Stuck => "stuck",
    }
}

/// "page_fault in rib_unsubscribe", or "clean".
pub fn cell_text(c: &Cell) -> String {
    match &c.fault {
        Some(f) if !c.is_clean() => format!("{} in {}", c.outcome.name(), f.function),
        _ => c.outcome.name().to_string(),
    }
}

/// Greedy word wrap at [`WIDTH`] columns, every line indented by `indent`.
pub fn wrap(text: &str, indent: usize, out: &mut String) {
    let mut line = String::new();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if len > indent && len + 1 + word.chars().count() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line.clear();
        }
        if line.is_empty() {
            line.push_str(&" ".repeat(indent));
        } else if line.chars().count() > indent {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.trim().is_empty() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

fn slot_list(v: &[Slot]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.iter().map(|s| s.short()).collect::<Vec<_>>().join(", ")
    }
}

/// Failures of a row grouped by what failed, in first-seen order: ("panic in ip_destroy", n).
fn failures(r: &ExploreResult, func: &str) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    if let Some(row) = r.row(func) {
        for c in row.cells.iter().filter(|c| !c.is_clean()) {
            let t = cell_text(c);
            match out.iter_mut().find(|(k, _)| *k == t) {
                Some(e) => e.1 += 1,
                None => out.push((t, 1)),
            }
        }
    }
    out
}

fn lane_text(kernel: Kernel, order: StageOrder, extra: &[(String, Slot)]) -> String {
    let mut s = match kernel {
        Kernel::Main => String::new(),
        k => format!("--kernel {} ", k.slug()),
    };
    s.push_str(&format!("--order {}", order.slug()));
    for (f, slot) in extra {
        s.push_str(&format!(" + sysuninit {f} {}", slot.short()));
    }
    s
}

/// Plain text, every line at most [`WIDTH`] columns.
pub fn text(rep: &Report) -> String {
    let r = &rep.result;
    let mut out = String::new();
    let base = r.base.as_ref().map(cell_text).unwrap_or_else(|| "not run".into());
    wrap(
        &format!(
            "vnet-trace explore: {}, base lane {base}",
            lane_text(rep.lane.kernel, r.order, &r.base_extra)
        ),
        0,
        &mut out,
    );
    wrap(
        &format!(
            "{} simulations: {} destructors x {} slots, 3 stage orders, {} of {} pairs{}.",
            r.simulations,
            r.rows.len(),
            r.slots.len(),
            r.pairs.len(),
            r.pairs_wanted,
            if r.capped { " (cap of 10,000 simulations hit)" } else { "" }
        ),
        0,
        &mut out,
    );
    for chunk in r.rows.chunks(MAX_COLS.max(1)) {
        out.push('\n');
        let mut head = format!("{:<SLOT_COL$}", "slot (teardown order)");
        for row in chunk {
            head.push_str(&format!("{:<CELL_COL$}", short_func(&row.func)));
        }
        out.push_str(head.trim_end());
        out.push('\n');
        for (i, slot) in r.slots.iter().enumerate() {
            let mut line = format!("{:<SLOT_COL$}", slot.short());
            for row in chunk {
                let c = row.cells.get(i).map(code).unwrap_or("-");
                let mark = if row.home == *slot { "*" } else { "" };
                line.push_str(&format!("{:<CELL_COL$}", format!("{c}{mark}")));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out.push('\n');
    wrap(
        "Legend: ok clean, pf page fault (use after free), panic, leak, stuck; \
         * where the destructor sits in the base lane. Each cell re-registers one \
         destructor at the slot; registered last, it runs first among equal slots.",
        0,
        &mut out,
    );
    out.push_str("\nSafe slots:\n");
    for row in &r.rows {
        wrap(&format!("{} (at {}):", row.func, row.home.short()), 2, &mut out);
        wrap(&format!("safe: {}", slot_list(&r.safe_slots(&row.func))), 4, &mut out);
        for (what, n) in failures(r, &row.func) {
            wrap(&format!("{what}: {n} slot{}", if n == 1 { "" } else { "s" }), 4, &mut out);
        }
    }
    out.push_str("\nStage orders (the lane's re-registrations kept):\n");
    for (o, c) in &r.stages {
        let mark = if *o == r.order { " (base)" } else { "" };
        out.push_str(&format!("  {:<15} {}{mark}\n", o.slug(), cell_text(c)));
    }
    out.push('\n');
    out.push_str(&crate::engine::explore::releases::table_text(&rep.across));
    let joint = r.joint_fixes();
    out.push_str("\nPairs:\n");
    wrap(
        &format!(
            "{} tried, {} clean; {} clean pair{} where neither move alone is clean.",
            r.pairs.len(),
            r.pairs.iter().filter(|p| p.cell.is_clean()).count(),
            joint.len(),
            if joint.len() == 1 { "" } else { "s" }
        ),
        2,
        &mut out,
    );
    for p in joint.iter().take(5) {
        wrap(
            &format!("{} at {} with {} at {}", p.a.0, p.a.1.short(), p.b.0, p.b.1.short()),
            4,
            &mut out,
        );
    }
    if r.capped {
        wrap(
            "The cap of 10,000 simulations per run was hit: the remaining pairs were not tried.",
            2,
            &mut out,
        );
    }
    if let Some(s) = &rep.shrunk {
        out.push_str(&format!(
            "\nMinimal counterexample ({} of {} commands, same fault):\n",
            s.entries.len(),
            rep.original_len
        ));
        for e in &s.entries {
            out.push_str(&format!("  {}\n", command_text(&e.command)));
        }
    }
    if !rep.suggestions.is_empty() {
        out.push_str("\nCycles and fixes:\n");
        let mut n = 0;
        for (i, sug) in rep.suggestions.iter().enumerate() {
            if i == 0 || rep.suggestions[i - 1].cycle != sug.cycle {
                n += 1;
                wrap(&format!("{n}. cycle: {}", sug.cycle), 2, &mut out);
            }
            wrap(&format!("fix: {}", sug.fix), 5, &mut out);
            let extra: Vec<(String, Slot)> = sug.lane.extra.iter().cloned().collect();
            wrap(
                &format!("try: {}", lane_text(rep.lane.kernel, sug.lane.order, &extra)),
                5,
                &mut out,
            );
        }
    }
    out
}

fn md(s: &str) -> String {
    s.replace('|', "\\|")
}

/// Markdown for issue trackers.
pub fn markdown(rep: &Report) -> String {
    let r = &rep.result;
    let base = r.base.as_ref().map(cell_text).unwrap_or_default();
    let mut out = format!(
        "### vnet-trace explore: `{}`, base lane **{}**\n\n{} simulations{}.\n\n| slot |",
        lane_text(rep.lane.kernel, r.order, &r.base_extra),
        md(&base),
        r.simulations,
        if r.capped { " (cap of 10,000 simulations hit)" } else { "" }
    );
    for row in &r.rows {
        out.push_str(&format!(" `{}` |", row.func));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(r.rows.len()));
    out.push('\n');
    for (i, slot) in r.slots.iter().enumerate() {
        out.push_str(&format!("| {} |", slot.short()));
        for row in &r.rows {
            let c = row.cells.get(i).map(cell_text).unwrap_or_default();
            let c = if c == "clean" { "clean".to_string() } else { format!("**{c}**") };
            let mark = if row.home == *slot { " (current)" } else { "" };
            out.push_str(&format!(" {}{mark} |", md(&c)));
        }
        out.push('\n');
    }
    out.push_str("\n**Safe slots**\n\n");
    for row in &r.rows {
        out.push_str(&format!("- `{}`: {}\n", row.func, slot_list(&r.safe_slots(&row.func))));
    }
    out.push_str("\n**Stage orders**\n\n");
    for (o, c) in &r.stages {
        out.push_str(&format!("- `{}`: {}\n", o.slug(), cell_text(c)));
    }
    out.push_str(&format!("\n{}", crate::engine::explore::releases::table_markdown(&rep.across)));
    if let Some(s) = &rep.shrunk {
        out.push_str(&format!(
            "\n**Minimal counterexample** ({} of {} commands)\n\n```sh\n{}```\n",
            s.entries.len(),
            rep.original_len,
            print(s)
        ));
    }
    if !rep.suggestions.is_empty() {
        out.push_str("\n**Cycles and fixes**\n\n");
        for s in &rep.suggestions {
            out.push_str(&format!("- {}\n  - {}\n", md(&s.cycle), md(&s.fix)));
        }
    }
    out
}

fn cell_json(c: &Cell) -> Value {
    json!({
        "outcome": c.outcome.name(),
        "fault": c.fault.as_ref().map(|f| json!({
            "kind": serde_json::to_value(f.kind).unwrap_or(Value::Null),
            "function": f.function,
        })),
    })
}

/// The report as a JSON value; slots are written "PROTO_DOMAIN/SECOND".
pub fn json_value(rep: &Report) -> Value {
    let r = &rep.result;
    let rows: Vec<Value> = r
        .rows
        .iter()
        .map(|row| {
            json!({
                "function": row.func,
                "current": row.home.short(),
                "safe": r.safe_slots(&row.func).iter().map(|s| s.short()).collect::<Vec<_>>(),
                "cells": r.slots.iter().zip(&row.cells).map(|(s, c)| {
                    let mut v = cell_json(c);
                    if let Some(m) = v.as_object_mut() {
                        m.insert("slot".into(), json!(s.short()));
                    }
                    v
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "order": r.order.slug(),
        "extra": r.base_extra.iter().map(|(f, s)| json!({"function": f, "slot": s.short()})).collect::<Vec<_>>(),
        "base": r.base.as_ref().map(cell_json),
        "simulations": r.simulations,
        "slots": r.slots.iter().map(|s| s.short()).collect::<Vec<_>>(),
        "destructors": rows,
        "stages": r.stages.iter().map(|(o, c)| {
            let mut v = cell_json(c);
            if let Some(m) = v.as_object_mut() {
                m.insert("order".into(), json!(o.slug()));
            }
            v
        }).collect::<Vec<_>>(),
        "pairs": {
            "tried": r.pairs.len(),
            "wanted": r.pairs_wanted,
            "capped": r.capped,
            "clean": r.pairs.iter().filter(|p| p.cell.is_clean()).count(),
            "joint_fixes": r.joint_fixes().iter().map(|p| json!([
                {"function": p.a.0, "slot": p.a.1.short()},
                {"function": p.b.0, "slot": p.b.1.short()},
            ])).collect::<Vec<_>>(),
        },
        "counterexample": rep.shrunk.as_ref().map(print),
        "kernel": rep.lane.kernel.slug(),
        "releases": crate::engine::explore::releases::json_value(&rep.across),
        "suggestions": rep.suggestions.iter().map(|s| json!({
            "cycle": s.cycle,
            "fix": s.fix,
            "order": s.lane.order.slug(),
            "extra": s.lane.extra.as_ref().map(|(f, slot)| json!({"function": f, "slot": slot.short()})),
        })).collect::<Vec<_>>(),
    })
}

/// Pretty-printed JSON.
pub fn json(rep: &Report) -> String {
    serde_json::to_string_pretty(&json_value(rep)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::input::script::parse;
    use crate::engine::presets::SEED;

    #[test]
    fn explore_render_text_fits_72_columns() {
        let rep = report(&parse(SEED).expect("seed"), &Lane::default()).expect("report");
        let t = text(&rep);
        for line in t.lines() {
            assert!(line.chars().count() <= WIDTH, "{line:?}");
        }
        assert!(t.contains("PROTO_DOMAIN/SECOND"));
        assert!(t.contains("Minimal counterexample"));
        assert!(markdown(&rep).contains("| PROTO_DOMAIN/SECOND |"));
        let v = json_value(&rep);
        assert_eq!(v["base"]["outcome"], "page_fault");
        assert_eq!(short_func("vnet_gif_uninit"), "gif");
        assert_eq!(short_func("rtables_destroy"), "rtables");
    }
}
