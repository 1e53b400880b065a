//! Faults: a use-after-free or panic recorded as its own step, which stops the run.
//!
//! Invariants: a fault during the build is an engine error, never a user-visible fault;
//! the first use-after-free or panic halts the world.
use super::*;

impl World {
    /// Reports a use-after-free (fills in by whom the object was freed).
    pub fn uaf(
        &mut self,
        obj: ObjId,
        function: &str,
        path: Vec<&'static str>,
        message: String,
    ) -> R {
        let freed_by = FreedBy {
            step: self.o(obj).freed_at,
            call_path: self.o(obj).freed_by.iter().map(|s| s.to_string()).collect(),
        };
        self.fault(FaultKind::UseAfterFree, function, obj, Some(freed_by), path, message)
    }

    // ---------------------------------------------------------------- faults

    /// Records a fault as its own step and stops the run.
    pub fn fault(
        &mut self,
        kind: FaultKind,
        function: &str,
        obj: ObjId,
        freed_by: Option<FreedBy>,
        path: Vec<&'static str>,
        message: String,
    ) -> R {
        if self.building {
            return Err(Stop::Internal(format!("fault during set-up: {message}")));
        }
        if self.rec.dirty {
            self.split_step();
        }
        let step = self.rec.count;
        if let Some(s) = self.rec.cur.as_mut() {
            s.call_path = path.iter().map(|x| x.to_string()).collect();
            if self.rec.on {
                s.events.push(Event {
                    kind: EventKind::Fault,
                    obj,
                    edge: None,
                    other: None,
                    note: None,
                });
                // A page fault is what following a raw pointer into freed memory gives; a
                // caller describing another effect (a write, found later) says so itself.
                s.text = if kind == FaultKind::UseAfterFree && message.starts_with("page fault") {
                    format!(
                        "{message}. The code follows a raw pointer into freed memory: a page fault \
                         [V pieces, I composition]."
                    )
                } else {
                    format!("{message}.")
                };
            }
        }
        self.rec.faults.push(Fault {
            kind,
            function: function.to_string(),
            object: obj,
            step,
            freed_by,
            message,
        });
        self.halted = true;
        Err(Stop::Fault)
    }
}
