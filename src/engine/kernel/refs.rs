//! Objects, references and counts: creating objects and edges, counted references,
//! frees (immediate or deferred to the network epoch) and the epoch's drain points.
//!
//! Invariants: a counted edge adds exactly one to its target while it is live; a count
//! never wraps (an underflow is `Stop::Internal`); an object is freed at most once;
//! freeing drops the object's owner in-edges and all its out-edges, while raw in-edges
//! stay and become dangling.
use super::*;

impl World {
    // ---------------------------------------------------------------- objects and edges

    #[allow(clippy::too_many_arguments)]
    pub fn new_obj(
        &mut self,
        kind: ObjKind,
        name: String,
        key: String,
        vnet: Option<ObjId>,
        owner: Option<ObjId>,
        count: u32,
        data: Data,
    ) -> ObjId {
        let id = ObjId(self.objs.len() as u32);
        let born = self.step_no();
        self.objs.push(Obj {
            kind,
            name,
            key,
            vnet_at_birth: vnet,
            born,
            freed: false,
            freed_at: 0,
            freed_by: Vec::new(),
            count,
            owner,
            data,
            out: Vec::new(),
            inn: Vec::new(),
            dead_out: 0,
            dead_in: 0,
        });
        self.ev(EventKind::Created, id, None, None);
        if count > 0 {
            self.touch(id);
        }
        id
    }

    /// Adds a reference; a counted one takes a count on the target.
    pub fn add_edge(
        &mut self,
        from: ObjId,
        to: ObjId,
        kind: EdgeKind,
        label: &'static str,
    ) -> EdgeId {
        let id = EdgeId(self.edges.len() as u32);
        self.edges.push(E { from, to, kind, label, live: true, dangling: false });
        self.compact(from);
        self.compact(to);
        self.om(from).out.push(id);
        self.om(to).inn.push(id);
        if kind == EdgeKind::Counted {
            self.om(to).count += 1;
            self.touch(to);
        }
        self.ev(EventKind::Ref, to, Some(id), Some(from));
        id
    }

    /// Drops the dead entries of an object's edge lists once they are the majority, so
    /// that walks stay proportional to the live edges (amortised O(1) per edge). Runs
    /// only when an edge is added, never while a list is being walked.
    pub(crate) fn compact(&mut self, id: ObjId) {
        let o = &self.objs[id.0 as usize];
        let (dead_out, dead_in) = (o.dead_out as usize, o.dead_in as usize);
        if dead_out >= 8 && dead_out * 2 >= o.out.len() {
            let mut out = std::mem::take(&mut self.om(id).out);
            out.retain(|e| self.edges[e.0 as usize].live);
            let o = self.om(id);
            o.out = out;
            o.dead_out = 0;
        }
        if dead_in >= 8 && dead_in * 2 >= self.o(id).inn.len() {
            let mut inn = std::mem::take(&mut self.om(id).inn);
            inn.retain(|e| self.edges[e.0 as usize].live);
            let o = self.om(id);
            o.inn = inn;
            o.dead_in = 0;
        }
    }

    /// Marks a live edge dead (the only place `live` goes false).
    pub fn kill_edge(&mut self, e: EdgeId) {
        let x = &mut self.edges[e.0 as usize];
        if !x.live {
            return;
        }
        x.live = false;
        let (from, to) = (x.from, x.to);
        self.om(from).dead_out += 1;
        self.om(to).dead_in += 1;
    }

    /// The live out-edge of `from` with this label, if any (the oldest). Callers ask this
    /// only of objects with a handful of out-edges (an ifnet, a cache).
    pub fn out_edge(&self, from: ObjId, label: &str) -> Option<EdgeId> {
        self.o(from)
            .out
            .iter()
            .copied()
            .find(|e| self.edges[e.0 as usize].live && self.edges[e.0 as usize].label == label)
    }

    /// The live edge `from --label--> to`, if any (the oldest). It walks the shorter of
    /// `from`'s out-list and `to`'s in-list: the callers look up an owner's edge to one
    /// child (vnet0's cloner entry for an ifnet, a rib's entry for a route), and the
    /// child's in-list stays short however many children the owner has. Both lists are
    /// in creation order, so either walk finds the same (oldest) edge.
    pub fn edge_to(&self, from: ObjId, to: ObjId, label: &str) -> Option<EdgeId> {
        let hit = |e: &EdgeId| {
            let x = &self.edges[e.0 as usize];
            x.live && x.from == from && x.to == to && x.label == label
        };
        let (out, inn) = (&self.o(from).out, &self.o(to).inn);
        if out.len() <= inn.len() {
            out.iter().copied().find(hit)
        } else {
            inn.iter().copied().find(hit)
        }
    }

    /// Drops a count that has no edge (index ref, persist, temporary holds).
    pub fn dec(&mut self, obj: ObjId, what: &str) -> R<u32> {
        let o = self.om(obj);
        let Some(n) = o.count.checked_sub(1) else {
            return Err(Stop::Internal(format!(
                "refcount underflow on {} ({what})",
                self.o(obj).name
            )));
        };
        o.count = n;
        self.touch(obj);
        Ok(n)
    }

    pub fn inc(&mut self, obj: ObjId) {
        self.om(obj).count += 1;
        self.touch(obj);
    }

    /// Removes a live reference. A counted one releases the target; if that was the last
    /// count, the target's release path runs (`on_zero`).
    pub fn drop_edge(&mut self, e: EdgeId) -> R {
        let (to, kind, live) = {
            let x = &self.edges[e.0 as usize];
            (x.to, x.kind, x.live)
        };
        if !live {
            return Err(Stop::Internal(format!("edge {} dropped twice", e.0)));
        }
        self.kill_edge(e);
        self.ev(EventKind::Unref, to, Some(e), Some(self.edges[e.0 as usize].from));
        if kind == EdgeKind::Counted {
            let n = self.dec(to, self.edges[e.0 as usize].label)?;
            if n == 0 {
                self.on_zero(to)?;
            }
        }
        Ok(())
    }

    /// Drops the live edge `from --label--> *` if present.
    pub fn drop_out(&mut self, from: ObjId, label: &str) -> R {
        if let Some(e) = self.out_edge(from, label) {
            self.drop_edge(e)?;
        }
        Ok(())
    }

    /// What happens when an object's last count goes.
    pub(crate) fn on_zero(&mut self, obj: ObjId) -> R {
        match self.o(obj).kind {
            ObjKind::Nexthop => {
                // nhop_free: unlink from the control hash while the rib lives, then free
                // through an epoch callback (destroy_nhop) [V nhop_ctl.c].
                let (rib, key, linked) = {
                    let n = self.nh(obj);
                    (n.rib, n.key, n.linked)
                };
                if linked && !self.o(rib).freed {
                    self.ribm(rib).nhops.remove(&key);
                }
                self.defer(obj, vec!["nhop_free", "destroy_nhop_epoch"]);
            }
            ObjKind::Ifnet(_) => self.defer(obj, vec!["if_rele", "if_free_deferred"]),
            ObjKind::Ifaddr => self.defer(obj, vec!["ifa_free", "ifa_destroy"]),
            // Prisons are handled by the jail logic; the rest have no counts.
            _ => {}
        }
        Ok(())
    }

    pub fn defer(&mut self, obj: ObjId, by: Vec<&'static str>) {
        self.epoch.push(Deferred { obj, by });
    }

    /// Frees an object now. Owner in-edges go, raw in-edges dangle, out-edges are dropped
    /// (releasing counted ones, which may queue further frees).
    pub fn free(&mut self, obj: ObjId, by: &[&'static str]) -> R {
        if self.o(obj).freed {
            return Err(Stop::Internal(format!("{} freed twice", self.o(obj).name)));
        }
        let step = self.step_no();
        {
            let o = self.om(obj);
            o.freed = true;
            o.freed_at = step;
            o.freed_by = by.to_vec();
        }
        self.ev(EventKind::Freed, obj, None, None);
        // Walk by position: nothing below adds an edge, so the lists are not compacted
        // meanwhile (and an object has no edge to itself).
        let mut i = 0;
        while let Some(&e) = self.o(obj).inn.get(i) {
            i += 1;
            let x = &self.edges[e.0 as usize];
            if !x.live {
                continue;
            }
            let (kind, from, dangling, label) = (x.kind, x.from, x.dangling, x.label);
            match kind {
                EdgeKind::Owner => {
                    self.kill_edge(e);
                    self.ev(EventKind::Unref, obj, Some(e), Some(from));
                }
                EdgeKind::Raw => {
                    if !dangling {
                        self.edges[e.0 as usize].dangling = true;
                        self.ev(EventKind::Dangling, obj, Some(e), Some(from));
                    }
                }
                EdgeKind::Counted => {
                    return Err(Stop::Internal(format!(
                        "{} freed while {} holds a counted reference ({label})",
                        self.o(obj).name,
                        self.o(from).name,
                    )));
                }
            }
        }
        let mut i = 0;
        while let Some(&e) = self.o(obj).out.get(i) {
            i += 1;
            if self.edges[e.0 as usize].live {
                self.drop_edge(e)?;
            }
        }
        Ok(())
    }

    /// Runs every queued epoch callback, including ones queued meanwhile [I: a drain is
    /// modelled as reaching a fixpoint].
    pub fn drain(&mut self) -> R<usize> {
        let mut n = 0;
        while !self.epoch.is_empty() {
            let mut batch = std::mem::take(&mut self.epoch);
            // if_free_deferred runs after the address and nexthop callbacks queued with it,
            // so that no ifaddr briefly points at a freed ifnet [I].
            crate::support::order::sort_by_key(&mut batch, |d| {
                matches!(self.o(d.obj).kind, ObjKind::Ifnet(_))
            });
            for d in batch {
                if self.o(d.obj).freed {
                    return Err(Stop::Internal(format!("{} queued twice", self.o(d.obj).name)));
                }
                self.free_deferred(d.obj, &d.by)?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// The epoch callback body for each kind of deferred object.
    pub(crate) fn free_deferred(&mut self, obj: ObjId, by: &[&'static str]) -> R {
        match self.o(obj).kind {
            ObjKind::Ifnet(_) => {
                // An ifnet that still carries addresses (detached without a purge) drops
                // them as it goes [I].
                let addrs = self.ifn(obj).addrs.clone();
                for a in addrs {
                    self.addr_unhash(a);
                }
                self.ifm(obj).addrs.clear();
                self.free(obj, by)
            }
            ObjKind::Rtentry => self.free(obj, by),
            _ => self.free(obj, by),
        }
    }
}
