//! Renderings of a [`Trace`] for people and tools: plain text for mail (every line at
//! most [`TEXT_WIDTH`] columns), Markdown for issue trackers, and JSON (decisions §19).
//!
//! Invariants: pure functions of the trace; objects are named by their stable keys
//! (e.g. `j1/gif0`) in JSON and by their display names in text; an id that points
//! outside the trace is shown as `?N`, never a panic; JSON maps are ordered (sorted VecMap),
//! so output is deterministic.

use crate::engine::trace::{Edge, EdgeId, Event, EventKind, FaultKind, ObjId, ObjectInfo, Trace};
use crate::support::json::Json;
use crate::support::vecmap::VecMap;

pub mod reproduce;

/// The widest line of the text rendering.
pub const TEXT_WIDTH: usize = 72;

fn obj(trace: &Trace, id: ObjId) -> Option<&ObjectInfo> {
    trace.objects.get(id.0 as usize)
}

fn edge(trace: &Trace, id: EdgeId) -> Option<&Edge> {
    trace.edges.get(id.0 as usize)
}

fn name(trace: &Trace, id: ObjId) -> String {
    obj(trace, id).map_or_else(|| format!("?{}", id.0), |o| o.name.clone())
}

fn key(trace: &Trace, id: ObjId) -> String {
    obj(trace, id).map_or_else(|| format!("?{}", id.0), |o| o.key.clone())
}

fn kind_name(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Created => "created",
        EventKind::Moved => "moved",
        EventKind::Ref => "ref",
        EventKind::Unref => "unref",
        EventKind::Freed => "freed",
        EventKind::Dangling => "dangling",
        EventKind::Fault => "fault",
        EventKind::State => "state",
    }
}

fn fault_kind_name(kind: FaultKind) -> &'static str {
    match kind {
        FaultKind::UseAfterFree => "use_after_free",
        FaultKind::Panic => "panic",
        FaultKind::Leak => "leak",
        FaultKind::Stuck => "stuck",
    }
}

/// One event as a short phrase, e.g. `ref gif0 -> rib inet/fib0 (rs->rnh)`.
pub fn event_text(trace: &Trace, ev: &Event) -> String {
    let target = name(trace, ev.obj);
    let via_edge = |verb: &str| match ev.edge.and_then(|e| edge(trace, e)) {
        Some(e) => format!("{verb} {} -> {} ({})", name(trace, e.from), name(trace, e.to), e.label),
        None => format!("{verb} {target}"),
    };
    let mut s = match ev.kind {
        EventKind::Created => format!("created {target}"),
        EventKind::Moved => match ev.other {
            Some(o) => format!("moved {target} to {}", name(trace, o)),
            None => format!("moved {target}"),
        },
        EventKind::Ref => via_edge("ref"),
        EventKind::Unref => via_edge("unref"),
        EventKind::Freed => format!("freed {target}"),
        EventKind::Dangling => via_edge("dangling"),
        EventKind::Fault => format!("FAULT on {target}"),
        EventKind::State => match &ev.note {
            Some(n) => return format!("{target}: {n}"),
            None => format!("state of {target}"),
        },
    };
    if let Some(n) = &ev.note {
        s.push_str(&format!(" [{n}]"));
    }
    s
}

/// Greedy word wrap; every line (with its indent) is at most `width` characters.
/// Words longer than a line are split.
fn wrap(text: &str, indent: usize, width: usize, out: &mut String) {
    let room = width.saturating_sub(indent).max(8);
    let pad = " ".repeat(indent);
    let mut line = String::new();
    let mut len = 0;
    let flush = |line: &mut String, len: &mut usize, out: &mut String| {
        if *len > 0 {
            out.push_str(&pad);
            out.push_str(line);
            out.push('\n');
            line.clear();
            *len = 0;
        }
    };
    for word in text.split_whitespace() {
        let mut chars: Vec<char> = word.chars().collect();
        while !chars.is_empty() {
            let wl = chars.len();
            if len > 0 && len + 1 + wl <= room {
                line.push(' ');
                line.extend(chars.drain(..));
                len += 1 + wl;
            } else if len == 0 && wl <= room {
                line.extend(chars.drain(..));
                len = wl;
            } else if len > 0 {
                flush(&mut line, &mut len, out);
            } else {
                line.extend(chars.drain(..room));
                len = room;
                flush(&mut line, &mut len, out);
            }
        }
    }
    flush(&mut line, &mut len, out);
}

fn slot_text(sub: &Option<String>, order: &Option<String>) -> Option<String> {
    match (sub, order) {
        (Some(s), Some(o)) => Some(format!(
            "{}/{}",
            s.trim_start_matches("SI_SUB_"),
            o.trim_start_matches("SI_ORDER_")
        )),
        (Some(s), None) => Some(s.trim_start_matches("SI_SUB_").to_string()),
        _ => None,
    }
}

fn fault_line(trace: &Trace, f: &crate::engine::trace::Fault) -> String {
    let mut s = format!(
        "{} in {} on {} (step {})",
        fault_kind_name(f.kind),
        f.function,
        name(trace, f.object),
        f.step
    );
    if let Some(by) = &f.freed_by {
        s.push_str(&format!("; freed at step {} by {}", by.step, by.call_path.join(" -> ")));
    }
    // A leak or a stuck prison found at the end has no step text of its own: say it here.
    let told = f.step >= 1
        && trace.steps.get(f.step - 1).is_some_and(|st| st.text.contains(f.message.as_str()));
    if !told {
        s.push_str(&format!(". {}", f.message));
    }
    s
}

/// Plain text for a mail: every line at most [`TEXT_WIDTH`] characters.
pub fn text(trace: &Trace) -> String {
    let mut out = String::new();
    wrap(
        &format!(
            "vnet-trace: kernel {}, order {}, outcome {}, {} steps",
            trace.kernel.slug(),
            trace.order.slug(),
            trace.outcome.name(),
            trace.steps.len()
        ),
        0,
        TEXT_WIDTH,
        &mut out,
    );
    for s in &trace.steps {
        out.push('\n');
        let mut head = format!("{}. {} {}", s.index, s.stage.name(), s.function);
        if let Some(slot) = slot_text(&s.subsystem, &s.order) {
            head.push_str(&format!(" @ {slot}"));
        }
        wrap(&head, 0, TEXT_WIDTH, &mut out);
        if s.call_path.len() > 1 {
            wrap(&s.call_path.join(" -> "), 5, TEXT_WIDTH, &mut out);
        }
        if let Some(state) = &s.vnet_state {
            let down = if s.shutting_down { ", shutting down" } else { "" };
            wrap(&format!("vnet_state {state}{down}"), 5, TEXT_WIDTH, &mut out);
        }
        for ev in &s.events {
            wrap(&format!("- {}", event_text(trace, ev)), 5, TEXT_WIDTH, &mut out);
        }
        if !s.text.is_empty() {
            wrap(&s.text, 5, TEXT_WIDTH, &mut out);
        }
    }
    if !trace.faults.is_empty() {
        out.push_str("\nFaults:\n");
        for f in &trace.faults {
            wrap(&format!("- {}", fault_line(trace, f)), 0, TEXT_WIDTH, &mut out);
        }
    }
    for n in &trace.notes {
        out.push('\n');
        wrap(&format!("Note: {n}"), 0, TEXT_WIDTH, &mut out);
    }
    out
}

fn md_cell(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|").replace('\n', " ")
}

/// Markdown for issue trackers: a table of steps, then the faults.
pub fn markdown(trace: &Trace) -> String {
    let mut out = format!(
        "### vnet-trace: `{}` on {}, outcome **{}**\n\n| # | stage | function | slot | events | what happens |\n|---|---|---|---|---|---|\n",
        trace.order.slug(),
        crate::engine::kernel::release::of(trace.kernel).name,
        trace.outcome.name()
    );
    for s in &trace.steps {
        let events: Vec<String> = s.events.iter().map(|e| md_cell(&event_text(trace, e))).collect();
        out.push_str(&format!(
            "| {} | {} | `{}` | {} | {} | {} |\n",
            s.index,
            s.stage.name(),
            md_cell(&s.call_path.join(" → ")).replace('`', "'"),
            slot_text(&s.subsystem, &s.order).map(|t| md_cell(&t)).unwrap_or_default(),
            events.join("<br>"),
            md_cell(&s.text)
        ));
    }
    if !trace.faults.is_empty() {
        out.push_str("\n**Faults**\n\n");
        for f in &trace.faults {
            out.push_str(&format!("- {}\n", fault_line(trace, f)));
        }
    }
    for n in &trace.notes {
        out.push_str(&format!("\n> {}\n", n.replace('\n', " ")));
    }
    out
}

fn event_json(trace: &Trace, ev: &Event) -> Json {
    let mut m = VecMap::new();
    m.insert("kind".to_string(), Json::str(kind_name(ev.kind)));
    m.insert("object".to_string(), Json::str(key(trace, ev.obj)));
    if let Some(e) = ev.edge {
        let edge_json = match edge(trace, e) {
            Some(e) => Json::obj([
                ("from", Json::str(key(trace, e.from))),
                ("to", Json::str(key(trace, e.to))),
                ("kind", Json::str(format!("{:?}", e.kind).to_ascii_lowercase())),
                ("label", Json::str(e.label.as_str())),
            ]),
            None => Json::Null,
        };
        m.insert("edge".to_string(), edge_json);
    }
    if let Some(o) = ev.other {
        m.insert("other".to_string(), Json::str(key(trace, o)));
    }
    if let Some(n) = &ev.note {
        m.insert("note".to_string(), Json::str(n.as_str()));
    }
    m.insert("text".to_string(), Json::str(event_text(trace, ev)));
    Json::Obj(m)
}

/// The trace as a JSON value (decisions §19).
pub fn json_value(trace: &Trace) -> Json {
    let steps: Vec<Json> = trace
        .steps
        .iter()
        .map(|s| {
            let refcounts = VecMap::from_pairs(
                s.refcounts.iter().map(|r| (key(trace, r.obj), Json::int(r.count))).collect(),
            );
            let urefs = VecMap::from_pairs(
                s.refcounts
                    .iter()
                    .filter_map(|r| r.uref.map(|u| (key(trace, r.obj), Json::int(u))))
                    .collect(),
            );
            let mut m = VecMap::new();
            m.insert("index".to_string(), Json::int(s.index));
            m.insert("stage".to_string(), Json::str(s.stage.name()));
            m.insert("function".to_string(), Json::str(s.function.as_str()));
            m.insert("call_path".to_string(), Json::strs(&s.call_path));
            m.insert("file".to_string(), Json::str(s.file.as_str()));
            m.insert("subsystem".to_string(), Json::opt_str(s.subsystem.as_deref()));
            m.insert("order".to_string(), Json::opt_str(s.order.as_deref()));
            m.insert("vnet_state".to_string(), Json::opt_str(s.vnet_state.as_deref()));
            m.insert("shutting_down".to_string(), Json::Bool(s.shutting_down));
            m.insert(
                "events".to_string(),
                Json::Arr(s.events.iter().map(|e| event_json(trace, e)).collect()),
            );
            m.insert("refcounts".to_string(), Json::Obj(refcounts));
            m.insert("text".to_string(), Json::str(s.text.as_str()));
            if !urefs.is_empty() {
                m.insert("urefs".to_string(), Json::Obj(urefs));
            }
            Json::Obj(m)
        })
        .collect();
    let faults: Vec<Json> = trace
        .faults
        .iter()
        .map(|f| {
            Json::obj([
                ("kind", Json::str(fault_kind_name(f.kind))),
                ("function", Json::str(f.function.as_str())),
                ("object", Json::str(key(trace, f.object))),
                ("step", Json::int(f.step)),
                (
                    "freed_by",
                    f.freed_by.as_ref().map_or(Json::Null, |b| {
                        Json::obj([
                            ("step", Json::int(b.step)),
                            ("call_path", Json::strs(&b.call_path)),
                        ])
                    }),
                ),
                ("message", Json::str(f.message.as_str())),
            ])
        })
        .collect();
    Json::obj([
        ("kernel", Json::str(trace.kernel.slug())),
        ("order", Json::str(trace.order.slug())),
        ("outcome", Json::str(trace.outcome.name())),
        ("steps", Json::Arr(steps)),
        ("faults", Json::Arr(faults)),
        (
            "survivors",
            Json::Arr(trace.survivors.iter().map(|o| Json::str(key(trace, *o))).collect()),
        ),
        ("notes", Json::strs(&trace.notes)),
    ])
}

/// The trace as pretty-printed JSON.
pub fn json(trace: &Trace) -> String {
    json_value(trace).pretty()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::engine::trace::*;
    use serde_json::Value;

    fn o(id: u32, kind: ObjKind, name: &str, key: &str) -> ObjectInfo {
        ObjectInfo {
            id: ObjId(id),
            kind,
            name: name.into(),
            key: key.into(),
            vnet: Some(ObjId(1)),
            born: 0,
        }
    }

    /// A hand-made three-step trace shaped like the seed's page fault.
    fn small() -> Trace {
        let objects = vec![
            o(0, ObjKind::Prison, "prison j1", "j1"),
            o(1, ObjKind::Vnet, "vnet j1", "j1/vnet"),
            o(2, ObjKind::Ifnet(Driver::Gif), "gif0", "j1/gif0"),
            o(3, ObjKind::RibHead, "rib inet/fib0", "j1/rib/inet/0"),
            o(4, ObjKind::Subscription, "subscription gif0", "j1/gif0/sub"),
        ];
        let edges = vec![
            Edge {
                id: EdgeId(0),
                from: ObjId(4),
                to: ObjId(3),
                kind: EdgeKind::Raw,
                label: "rs->rnh".into(),
            },
            Edge {
                id: EdgeId(1),
                from: ObjId(0),
                to: ObjId(1),
                kind: EdgeKind::Counted,
                label: "pr_vnet".into(),
            },
        ];
        let step = |index, stage, function: &str, path: &[&str], events| Step {
            index,
            stage,
            function: function.into(),
            call_path: path.iter().map(|s| s.to_string()).collect(),
            file: "sys/net/route.c".into(),
            subsystem: Some("SI_SUB_PROTO_DOMAIN".into()),
            order: Some("SI_ORDER_FIRST".into()),
            vnet: Some(ObjId(1)),
            vnet_state: Some("SI_SUB_PROTO_DOMAIN".into()),
            shutting_down: true,
            events,
            refcounts: vec![],
            text: "The rib and its subscriptions are freed together [V]. ".repeat(3),
        };
        let mut s1 = step(
            1,
            Stage::JailRemove,
            "jail_remove",
            &["jail_remove"],
            vec![Event {
                kind: EventKind::State,
                obj: ObjId(0),
                edge: None,
                other: None,
                note: Some("pr_state=DYING".into()),
            }],
        );
        s1.subsystem = None;
        s1.order = None;
        s1.refcounts = vec![RefCount { obj: ObjId(0), count: 1, uref: Some(0) }];
        let s2 = step(
            2,
            Stage::VnetDestroy,
            "rtables_destroy",
            &[
                "vnet_destroy",
                "vnet_sysuninit",
                "rtables_destroy",
                "rt_table_destroy",
                "rib_destroy_subscriptions",
            ],
            vec![
                Event {
                    kind: EventKind::Freed,
                    obj: ObjId(3),
                    edge: None,
                    other: None,
                    note: None,
                },
                Event {
                    kind: EventKind::Dangling,
                    obj: ObjId(3),
                    edge: Some(EdgeId(0)),
                    other: None,
                    note: None,
                },
            ],
        );
        let s3 = step(
            3,
            Stage::VnetDestroy,
            "vnet_gif_uninit",
            &[
                "vnet_gif_uninit",
                "if_clone_detach",
                "gif_clone_destroy",
                "gif_delete_tunnel",
                "rib_unsubscribe",
            ],
            vec![Event {
                kind: EventKind::Fault,
                obj: ObjId(4),
                edge: Some(EdgeId(0)),
                other: None,
                note: None,
            }],
        );
        Trace {
            kernel: Default::default(),
            order: StageOrder::Legacy,
            outcome: Outcome::PageFault,
            objects,
            edges,
            initial_edges: vec![EdgeId(0), EdgeId(1)],
            initial_refcounts: vec![],
            steps: vec![s1, s2, s3],
            faults: vec![Fault {
                kind: FaultKind::UseAfterFree,
                function: "rib_unsubscribe".into(),
                object: ObjId(4),
                step: 3,
                freed_by: Some(FreedBy {
                    step: 2,
                    call_path: vec![
                        "rtables_destroy".into(),
                        "rt_table_destroy".into(),
                        "rib_destroy_subscriptions".into(),
                    ],
                }),
                message: "page fault in rib_unsubscribe".into(),
            }],
            survivors: vec![ObjId(99)],
            notes: vec!["ROUTE_CACHE is a prototype [P].".into()],
        }
    }

    #[test]
    fn text_fits_a_mail() {
        let t = text(&small());
        for line in t.lines() {
            assert!(line.chars().count() <= TEXT_WIDTH, "too wide: {line:?}");
        }
        assert!(
            t.starts_with("vnet-trace: kernel main, order legacy, outcome page_fault, 3 steps\n"),
            "{t}"
        );
        assert!(t.contains("\n2. vnet_destroy rtables_destroy @ PROTO_DOMAIN/FIRST"), "{t}");
        assert!(t.contains("- dangling subscription gif0 -> rib inet/fib0 (rs->rnh)"), "{t}");
        assert!(t.contains("- prison j1: pr_state=DYING"), "{t}");
        assert!(t.contains("use_after_free in rib_unsubscribe on subscription gif0"), "{t}");
    }

    #[test]
    fn wrap_splits_words_longer_than_a_line() {
        let mut out = String::new();
        wrap(&"x".repeat(200), 5, TEXT_WIDTH, &mut out);
        assert_eq!(out.lines().count(), 3);
        assert!(out.lines().all(|l| l.chars().count() <= TEXT_WIDTH));
    }

    #[test]
    fn markdown_is_a_table() {
        let m = markdown(&small());
        assert!(m.contains("| # | stage | function | slot | events | what happens |"));
        assert!(m.contains("| 3 | vnet_destroy | `vnet_gif_uninit → if_clone_detach"), "{m}");
        assert_eq!(m.lines().filter(|l| l.starts_with("| ")).count(), 4);
        assert!(m.contains("**Faults**"));
    }

    #[test]
    fn json_has_the_agreed_shape() {
        let v: Value = serde_json::from_str(&json(&small())).unwrap();
        assert_eq!(v["order"], "legacy");
        assert_eq!(v["outcome"], "page_fault");
        let s2 = &v["steps"][1];
        for field in [
            "index",
            "stage",
            "function",
            "call_path",
            "file",
            "subsystem",
            "order",
            "vnet_state",
            "shutting_down",
            "events",
            "refcounts",
            "text",
        ] {
            assert!(s2.get(field).is_some(), "missing {field}");
        }
        assert_eq!(s2["stage"], "vnet_destroy");
        assert_eq!(s2["order"], "SI_ORDER_FIRST");
        assert_eq!(s2["events"][1]["kind"], "dangling");
        assert_eq!(s2["events"][1]["edge"]["from"], "j1/gif0/sub");
        assert_eq!(s2["events"][1]["edge"]["kind"], "raw");
        assert_eq!(v["steps"][0]["subsystem"], Value::Null);
        assert_eq!(v["steps"][0]["refcounts"]["j1"], 1);
        assert_eq!(v["steps"][0]["urefs"]["j1"], 0);
        let f = &v["faults"][0];
        assert_eq!(f["kind"], "use_after_free");
        assert_eq!(f["function"], "rib_unsubscribe");
        assert_eq!(f["object"], "j1/gif0/sub");
        assert_eq!(f["freed_by"]["call_path"][0], "rtables_destroy");
        assert_eq!(v["survivors"][0], "?99");
    }
}
