//! Shared helpers for the engine tests: a plain text dump of a trace for snapshots.
#![allow(dead_code)]

use vnet_playground::engine::*;

/// A stable, readable dump of a whole trace (one block per step).
pub fn dump(t: &Trace) -> String {
    let mut s = format!("order: {}\noutcome: {}\n", t.order.slug(), t.outcome.name());
    for st in &t.steps {
        s.push_str(&format!(
            "\n#{} [{}] {} ({}) {}{}\n  path: {}\n  vnet_state={} shutting_down={}\n  {}\n",
            st.index,
            st.stage.name(),
            st.function,
            st.file,
            st.subsystem.clone().unwrap_or_default(),
            st.order.as_ref().map(|o| format!("/{o}")).unwrap_or_default(),
            st.call_path.join(" > "),
            st.vnet_state.clone().unwrap_or_else(|| "-".into()),
            st.shutting_down,
            st.text
        ));
        for e in &st.events {
            let name = &t.object(e.obj).name;
            let edge = e.edge.map(|x| format!(" via {}", t.edge(x).label)).unwrap_or_default();
            let note = e.note.clone().map(|n| format!(" {n}")).unwrap_or_default();
            s.push_str(&format!("    {:?} {name}{edge}{note}\n", e.kind));
        }
    }
    for f in &t.faults {
        s.push_str(&format!(
            "\nfault {:?} in {} at step {}: {}\n",
            f.kind, f.function, f.step, f.message
        ));
        if let Some(fb) = &f.freed_by {
            s.push_str(&format!("  freed_by step {}: {}\n", fb.step, fb.call_path.join(" > ")));
        }
    }
    for n in &t.notes {
        s.push_str(&format!("note: {n}\n"));
    }
    s
}

/// Compares `actual` with the snapshot file at `path`. `UPDATE_SNAPSHOTS=1` rewrites it;
/// a missing snapshot is written on a developer's machine but fails under CI (`CI=true`),
/// so a snapshot can never silently appear in a CI run. Returns what is wrong.
pub fn snapshot(path: &std::path::Path, actual: &str) -> Result<(), String> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let update = std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1");
    let write = || std::fs::write(path, actual).map_err(|e| format!("{}: {e}", path.display()));
    match std::fs::read_to_string(path) {
        Ok(old) if old == actual => Ok(()),
        Ok(_) if update => write(),
        Ok(_) => Err(format!("{} differs (UPDATE_SNAPSHOTS=1 to accept)", path.display())),
        Err(_) if ci => {
            Err(format!("{} is missing (run the tests locally to write it)", path.display()))
        }
        Err(_) => write(),
    }
}

/// The trace of a script that must parse and build.
pub fn trace(script: &str, order: StageOrder) -> Trace {
    trace_on(script, order, Kernel::Main)
}

/// The trace of a script under an order on a kernel release.
pub fn trace_on(script: &str, order: StageOrder, kernel: Kernel) -> Trace {
    let sc = vnet_playground::engine::input::script::parse(script)
        .unwrap_or_else(|e| panic!("parse: {e:?}"));
    simulate(&sc, &Lane::new(order).on(kernel)).unwrap_or_else(|e| panic!("simulate: {e}"))
}

/// The set-up's error for a script that parses (under legacy).
pub fn build_err(script: &str) -> String {
    let sc = vnet_playground::engine::input::script::parse(script)
        .unwrap_or_else(|e| panic!("parse: {e:?}"));
    match simulate(&sc, &Lane::new(StageOrder::Legacy)) {
        Ok(_) => panic!("expected a build error"),
        Err(e) => e.message,
    }
}

/// Every preset's trace under every kernel and stage order that builds it: what the
/// sentence checks read.
pub fn every_preset_trace() -> Vec<(&'static str, Trace)> {
    let mut out = Vec::new();
    for p in vnet_playground::engine::presets() {
        let sc = vnet_playground::engine::input::script::parse(p.script)
            .unwrap_or_else(|e| panic!("{}: {e:?}", p.slug));
        for k in Kernel::ALL {
            for o in StageOrder::ALL {
                if let Ok(t) = simulate(&sc, &Lane::new(o).on(k)) {
                    out.push((p.slug, t));
                }
            }
        }
    }
    out
}
