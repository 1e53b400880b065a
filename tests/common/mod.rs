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
