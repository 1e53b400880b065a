//! The proposed stage orders' network cleanup, not in FreeBSD: Zhenlei Huang's
//! `vnet_shutdown` stage and James Gritton's `prison_cleanup` variant run the same four
//! phases (return loaned interfaces, delete tunnels, destroy this vnet's clones, flush
//! routes), at different moments.
//!
//! Invariants: the phases run at most once per vnet; they set the vnet's shutdown flag
//! but leave vnet_state at SI_SUB_VNET_DONE, so every detach in them is a full one; every
//! step says it is inferred or prototype.

use super::*;

impl World {
    // ---------------------------------------------------------------- the proposed phases

    /// The four network cleanup phases of decisions §10/§11 [I][P]: return loans, delete
    /// tunnels, destroy this vnet's clones (lo0 stays for vnet_loif_uninit), flush routes.
    pub(crate) fn phases(&mut self, v: ObjId, stage: Stage) -> R {
        self.vnm(v).shutdown = true;
        self.vnm(v).shut_phases_done = true;
        let (top, path0): (&str, Vec<&'static str>) = if stage == Stage::PrisonCleanup {
            ("prison_cleanup", vec!["prison_cleanup", "vnet_shutdown"])
        } else {
            ("vnet_shutdown", vec!["prison_deref", "vnet_shutdown"])
        };
        let procs_alive = {
            let p = self.vn(v).prison;
            p.map(|p| self.pr(p).procs.iter().filter(|x| !self.o(**x).freed).count()).unwrap_or(0)
        };
        let alive_note = move || {
            if stage == Stage::PrisonCleanup && procs_alive > 0 {
                format!(
                    " {procs_alive} jailed process{} still running: SIGKILL comes after prison_cleanup.",
                    if procs_alive == 1 { " is" } else { "es are" }
                )
            } else {
                String::new()
            }
        };
        let tag = if stage == Stage::PrisonCleanup {
            "[I #prison-cleanup] (Gritton's variant)"
        } else {
            "[I #vnet-shutdown][P] (Huang's proposal)"
        };

        // (a) loaned interfaces go home.
        let loans: Vec<ObjId> =
            self.vn(v).ifnets.values().copied().filter(|i| self.ifn(*i).home != v).collect();
        if loans.is_empty() {
            self.phase_step(stage, top, &path0, &["if_vmove"], v);
            let an = alive_note();
            self.text(|w| {
                format!(
                    "{top}, phase (a): {} has no loaned interfaces to return {tag}; vnet_shutdown is \
                     set but vnet_state stays SI_SUB_VNET_DONE.{an}",
                    w.o(v).name
                )
            });
        }
        for ifp in loans {
            self.phase_step(stage, top, &path0, &["if_vmove", "if_detach_internal"], v);
            let home = self.ifn(ifp).home;
            let hook = self.if_vmove(ifp, home, &{
                let mut p = path0.clone();
                p.push("if_vmove");
                p
            })?;
            let an = alive_note();
            self.text(|w| {
                let hook = hook.map(|h| format!(" Then {h}.")).unwrap_or_default();
                format!(
                    "{top}, phase (a): {} goes home to {} with a full detach (routes flushed, then \
                     addresses purged), since VNET_IS_SHUTTING_DOWN is still false {tag}.{hook}{an}",
                    w.o(ifp).name,
                    w.o(home).name
                )
            });
        }
        // (b) tunnels.
        let tunnels: Vec<ObjId> = self
            .vn(v)
            .ifnets
            .values()
            .copied()
            .filter(|i| self.ifn(*i).tunnel.is_some() || self.ifn(*i).sub.is_some())
            .collect();
        if tunnels.is_empty() {
            self.phase_step(stage, top, &path0, &["delete_tunnel"], v);
            let an = alive_note();
            self.text(|_| format!("{top}, phase (b): no tunnels to delete {tag}.{an}"));
        }
        for ifp in tunnels {
            let drv = self.ifn(ifp).driver;
            let del = crate::engine::kernel::drivers::tunnel::delete_fn(drv);
            self.phase_step(stage, top, &path0, &[del], v);
            let had_sub = self.ifn(ifp).sub.is_some();
            let mut p = path0.clone();
            p.push(del);
            self.delete_tunnel(ifp, &p)?;
            let an = alive_note();
            self.text(|w| {
                if had_sub {
                    format!(
                        "{top}, phase (b): {del} unsubscribes {} from its rib while routing is alive, \
                         and invalidates its route cache [P] {tag}.{an}",
                        w.o(ifp).name
                    )
                } else {
                    format!("{top}, phase (b): {del} removes {}'s tunnel {tag}.{an}", w.o(ifp).name)
                }
            });
        }
        // (c) every clone whose home is this vnet, whatever its cloner; lo0 stays [I].
        let mut clones: Vec<ObjId> = Vec::new();
        for (d, l) in &self.vn(v).clones {
            if *d == Driver::Lo {
                continue;
            }
            clones.extend(l.values().copied());
        }
        crate::support::order::sort_by_key(&mut clones, |c| self.ifn(*c).clone_seq);
        if clones.is_empty() {
            self.phase_step(stage, top, &path0, &["if_clone_destroyif"], v);
            let an = alive_note();
            self.text(|_| format!("{top}, phase (c): no cloned interfaces to destroy {tag}.{an}"));
        }
        for ifp in clones {
            if self.ifn(ifp).destroyed {
                continue;
            }
            let drv = self.ifn(ifp).driver;
            self.phase_step(stage, top, &path0, &["if_clone_destroyif", destroy_fn(drv)], v);
            let mut p = path0.clone();
            p.push("if_clone_destroyif");
            let gone = self.destroy_ifnet(ifp, &p)?;
            let an = alive_note();
            self.text(|w| {
                format!(
                    "{top}, phase (c): {} destroy{} with a full detach, because vnet_state is still \
                     SI_SUB_VNET_DONE {tag}.{an}",
                    gone.iter().map(|g| w.o(*g).name.clone()).collect::<Vec<_>>().join(" and "),
                    if gone.len() == 1 { "s itself" } else { " themselves" }
                )
            });
        }
        // (d) flush routes.
        let ribs: Vec<ObjId> =
            self.vn(v).ribs.values().copied().filter(|r| !self.rib(*r).routes.is_empty()).collect();
        if ribs.is_empty() {
            self.phase_step(stage, top, &path0, &["rib_flush_routes"], v);
            let an = alive_note();
            self.text(|_| format!("{top}, phase (d): no routes left to flush {tag}.{an}"));
        }
        for rib in ribs {
            self.phase_step(stage, top, &path0, &["rib_flush_routes"], v);
            let rts: Vec<ObjId> = self.rib(rib).routes.values().copied().collect();
            for rt in &rts {
                self.delete_route(*rt, "rib_flush_routes")?;
            }
            let an = alive_note();
            let n = rts.len();
            self.text(|w| {
                format!(
                    "{top}, phase (d): {n} route{} flushed from {} {tag}.{an}",
                    if n == 1 { "" } else { "s" },
                    w.o(rib).name
                )
            });
        }
        self.end_step();
        Ok(())
    }

    pub(crate) fn phase_step(
        &mut self,
        stage: Stage,
        top: &str,
        path0: &[&'static str],
        more: &[&str],
        v: ObjId,
    ) {
        let mut p: Vec<&str> = path0.to_vec();
        p.extend_from_slice(more);
        self.step(stage, top, &p, VNET_C, None, Some(v));
    }
}
