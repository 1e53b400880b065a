//! The tunnel half of the tunnel drivers (gif, gre, ipsec, me): setting endpoints, and
//! for gif and gre with `options ROUTE_CACHE` (Zhenlei Huang's prototype, not in FreeBSD)
//! the route cache and rib subscription, deleted by the driver's delete-tunnel function.
//!
//! Invariants: a tunnel has a cache and a subscription only with ROUTE_CACHE on and only
//! for a driver the prototype covers (`TunnelSpec::route_cache`);
//! deleting a tunnel reads the subscription and its rib, so a freed one is a
//! use-after-free, reported with who freed it.
use crate::engine::kernel::*;
use std::net::IpAddr;

impl World {
    /// Sets a tunnel's endpoints; with ROUTE_CACHE [P] it gets a cache and a subscription.
    pub(crate) fn set_tunnel(&mut self, ifp: ObjId, src: IpAddr, dst: IpAddr) -> R {
        if self.ifn(ifp).tunnel.is_some() {
            self.delete_tunnel(ifp, &[])?;
        }
        self.ifm(ifp).tunnel = Some((src, dst));
        self.driver_tunnel_set(ifp);
        if !self.route_cache_on() || !cached(self.ifn(ifp).driver) {
            return Ok(());
        }
        let vnet = self.ifn(ifp).vnet;
        let fib = self.ifn(ifp).fib;
        let rib = self.ensure_rib(vnet, fib, Fam::of(dst));
        let ifname = self.o(ifp).name.clone();
        let vkey = self.vkey(vnet);
        let drv = self.ifn(ifp).driver;
        let cache = match self.ifn(ifp).cache {
            Some(c) => c,
            None => {
                let c = self.new_obj(
                    ObjKind::RouteCache,
                    lbl!(self, "{ifname} route cache"),
                    lbl!(self, "{vkey}/{ifname}/rc"),
                    Some(vnet),
                    Some(self.ifn(ifp).home),
                    0,
                    Data::Cache(Cache { ifp, nh: None }),
                );
                self.add_edge(ifp, c, EdgeKind::Owner, rc_label(drv));
                self.ifm(ifp).cache = Some(c);
                c
            }
        };
        let seq = self.next_seq();
        let rname = self.o(rib).name.clone();
        let s = self.new_obj(
            ObjKind::Subscription,
            lbl!(self, "{ifname}'s rib subscription ({rname})"),
            lbl!(self, "{vkey}/{ifname}/rs/{seq}"),
            Some(vnet),
            Some(vnet),
            0,
            Data::Sub(Sub { rib, ifp, cache, seq }),
        );
        self.add_edge(rib, s, EdgeKind::Owner, "rnh_subscribers");
        self.add_edge(s, rib, EdgeKind::Raw, "rs->rnh");
        self.add_edge(s, cache, EdgeKind::Raw, "rs->arg");
        self.add_edge(ifp, s, EdgeKind::Raw, rs_label(drv));
        self.ribm(rib).subs.insert(seq, s);
        self.ifm(ifp).sub = Some(s);
        self.refill_cache(ifp);
        Ok(())
    }

    /// gif_delete_tunnel / gre_delete_tunnel: unsubscribe (reading `rs` and `rs->rnh`),
    /// then invalidate the cache. A freed subscription or rib is a use-after-free.
    pub fn delete_tunnel(&mut self, ifp: ObjId, path: &[&'static str]) -> R {
        if let Some(s) = self.ifn(ifp).sub {
            let mut p = path.to_vec();
            p.push("rib_unsubscribe");
            if self.o(s).freed {
                let rib = self.sub(s).rib;
                let msg = format!(
                    "page fault in rib_unsubscribe: {} was freed at step {} by {}",
                    self.o(s).name,
                    self.o(s).freed_at,
                    self.o(s).freed_by.first().copied().unwrap_or("?"),
                );
                let _ = rib;
                return self.uaf(s, "rib_unsubscribe", p, msg);
            }
            let rib = self.sub(s).rib;
            if self.o(rib).freed {
                let msg = format!(
                    "page fault in rib_unsubscribe: {} (behind {}) was freed at step {} by {}",
                    self.o(rib).name,
                    self.o(s).name,
                    self.o(rib).freed_at,
                    self.o(rib).freed_by.first().copied().unwrap_or("?"),
                );
                return self.uaf(rib, "rib_unsubscribe", p, msg);
            }
            let seq = self.sub(s).seq;
            self.ribm(rib).subs.remove(&seq);
            if let Some(e) = self.edge_to(rib, s, "rnh_subscribers") {
                self.drop_edge(e)?;
            }
            let drv = self.ifn(ifp).driver;
            self.drop_out(ifp, rs_label(drv))?;
            self.ifm(ifp).sub = None;
            self.defer(s, vec!["rib_unsubscribe", "epoch_call"]);
        }
        self.driver_tunnel_deleted(ifp, path)?;
        if let Some(c) = self.ifn(ifp).cache {
            self.invalidate_cache(c)?;
        }
        self.ifm(ifp).tunnel = None;
        Ok(())
    }
}

/// The name of the driver's delete-tunnel function.
pub fn delete_fn(d: Driver) -> &'static str {
    super::spec(d).tunnel.as_ref().map_or("if_delete_tunnel", |t| t.delete_fn)
}

/// The tunnel part of gif_clone_destroy / gre_clone_destroy.
pub(crate) fn destroy(w: &mut World, ifp: ObjId, path: &[&'static str]) -> R {
    if w.ifn(ifp).tunnel.is_none() && w.ifn(ifp).sub.is_none() {
        return Ok(());
    }
    let mut q = path.to_vec();
    q.push(delete_fn(w.ifn(ifp).driver));
    w.delete_tunnel(ifp, &q)
}

/// gif_reassign / gre_reassign (under VIMAGE, upstream FreeBSD): a tunnel moved to another
/// vnet is deleted, with or without the route-cache prototype.
pub(crate) fn reassign(w: &mut World, ifp: ObjId, path: &[&'static str]) -> R<Option<String>> {
    let drv = w.ifn(ifp).driver;
    if w.ifn(ifp).tunnel.is_none() && w.ifn(ifp).sub.is_none() {
        return Ok(None);
    }
    let (hook, del) = (super::spec(drv).reassign_fn.unwrap_or("if_reassign"), delete_fn(drv));
    let had_sub = w.ifn(ifp).sub.is_some();
    let mut p = path.to_vec();
    p.push(hook);
    p.push(del);
    w.delete_tunnel(ifp, &p)?;
    let name = &w.o(ifp).name;
    Ok(Some(if had_sub {
        format!(
            "{hook} deletes {name}'s tunnel ({del}), which unsubscribes its route cache from the rib \
             [V {}, P cache]",
            super::spec(drv).file.trim_start_matches("sys/net/")
        )
    } else {
        format!(
            "{hook} deletes {name}'s tunnel ({del}) [V {}]",
            super::spec(drv).file.trim_start_matches("sys/net/")
        )
    }))
}

/// The label of a tunnel's rib-subscription pointer.
pub fn rs_label(d: Driver) -> &'static str {
    super::spec(d).tunnel.as_ref().and_then(|t| t.route_cache).map_or("rs", |l| l.0)
}

/// The label of a tunnel's route-cache pointer.
pub fn rc_label(d: Driver) -> &'static str {
    super::spec(d).tunnel.as_ref().and_then(|t| t.route_cache).map_or("rc", |l| l.1)
}

/// Whether the route-cache prototype covers `d` (gif and gre).
pub fn cached(d: Driver) -> bool {
    super::spec(d).tunnel.as_ref().is_some_and(|t| t.route_cache.is_some())
}
