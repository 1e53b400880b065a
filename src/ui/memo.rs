//! Memoised per-step views and cycles of a trace, so that a step move costs only the
//! steps between (the engine's `ViewCache`) and cycles are recomputed only when the set
//! of graph edges changes.
//!
//! Invariants: pure and deterministic (a cache, nothing else: the same answers as
//! `Trace::view_at` and `graph_at(..).cycles()`); keyed by the trace's `Rc` and forgets
//! traces that were dropped; nothing here touches the browser.

use crate::engine::{Cycle, EdgeId, Trace, View, ViewCache};
use std::cell::RefCell;
use std::rc::{Rc, Weak};

/// What is memoised for one trace.
struct Memo {
    trace: Weak<Trace>,
    cache: ViewCache,
    cycles: Option<(Vec<EdgeId>, Rc<Vec<Cycle>>)>,
}

thread_local! {
    static MEMO: RefCell<Vec<Memo>> = const { RefCell::new(Vec::new()) };
}

fn with_memo<R>(trace: &Rc<Trace>, f: impl FnOnce(&mut Memo) -> R) -> R {
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        m.retain(|e| e.trace.strong_count() > 0);
        let i = match m.iter().position(|e| e.trace.as_ptr() == Rc::as_ptr(trace)) {
            Some(i) => i,
            None => {
                m.push(Memo {
                    trace: Rc::downgrade(trace),
                    cache: ViewCache::default(),
                    cycles: None,
                });
                m.len() - 1
            }
        };
        f(&mut m[i])
    })
}

/// Runs `f` on the object graph after `step` steps: equal to `trace.view_at(step)`, but
/// incremental, and borrowed from the memo rather than copied. `f` must not call back
/// into this module.
pub fn with_view<R>(trace: &Rc<Trace>, step: usize, f: impl FnOnce(&View) -> R) -> R {
    with_memo(trace, |m| f(m.cache.view_at(trace, step)))
}

/// `cycles(trace, step)`, recomputed only when the graph's edge set changes; when it only
/// lost edges, the search runs inside the earlier cycles alone (`graph::cycles_since`).
pub fn cycles_at(trace: &Rc<Trace>, step: usize) -> Rc<Vec<Cycle>> {
    use crate::engine::trace::graph;
    with_memo(trace, |m| {
        let view = m.cache.view_at(trace, step);
        let key = graph::graph_edges(trace, view);
        let c = match &m.cycles {
            Some((k, c)) if *k == key => return c.clone(),
            Some((k, c)) => match graph::cycles_since(trace, view, &key, k, c) {
                Some(now) if now == **c => c.clone(),
                Some(now) => Rc::new(now),
                None => Rc::new(graph::graph_of(trace, view).cycles()),
            },
            None => Rc::new(graph::graph_of(trace, view).cycles()),
        };
        m.cycles = Some((key, c.clone()));
        c
    })
}
