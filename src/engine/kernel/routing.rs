//! Routing: rib heads per (vnet, fib, family), rtentries, shared nexthops, rib change
//! notifications and the route caches they invalidate.
//!
//! Invariants: a nexthop is shared per (rib, ifp, ifa, gateway) [I]; every route is
//! indexed both in its rib and in its vnet's `routes_by_ifp`, and the two agree.
use super::*;
use crate::support::vecmap::VecMap;
use std::net::IpAddr;

/// ip_destroy's whole-family route flush (D29116, "rtentry leak for cloned interfaces
/// in a VNET", PR 253998). `without rib_flush_routes_family` is the what-if of a kernel
/// before it: ip_destroy flushes per interface still on V_ifnet (rt_flushifroutes_af),
/// so routes through interfaces that already left stay in the table [R D29116].
pub const FLUSH_FAMILY: &str = "rib_flush_routes_family";

impl World {
    // ---------------------------------------------------------------- routing

    pub fn rib_of(&self, vnet: ObjId, fib: u32, fam: Fam) -> Option<ObjId> {
        self.vn(vnet).ribs.get(&(fib, fam)).copied()
    }

    /// Creates the rib_head for (fib, family) in a vnet if missing (vnet_rtables_init or a
    /// later `fib N`).
    pub fn ensure_rib(&mut self, vnet: ObjId, fib: u32, fam: Fam) -> ObjId {
        if let Some(r) = self.rib_of(vnet, fib, fam) {
            return r;
        }
        let vkey = self.vkey(vnet);
        let name = lbl!(self, "rib {}/fib{fib}", fam.name());
        let rib = self.new_obj(
            ObjKind::RibHead,
            name.clone(),
            lbl!(self, "{vkey}/rib/{}/{fib}", fam.name()),
            Some(vnet),
            Some(vnet),
            0,
            Data::Ctl { rib: ObjId(0) },
        );
        let ctl = self.new_obj(
            ObjKind::NhControl,
            lbl!(self, "nh_control {}/fib{fib}", fam.name()),
            lbl!(self, "{vkey}/nhctl/{}/{fib}", fam.name()),
            Some(vnet),
            Some(vnet),
            0,
            Data::Ctl { rib },
        );
        self.om(rib).data = Data::Rib(Box::new(Rib {
            vnet,
            fib,
            fam,
            routes: VecMap::new(),
            subs: VecMap::new(),
            ctl,
            nhops: VecMap::new(),
        }));
        self.add_edge(vnet, rib, EdgeKind::Owner, "V_rt_tables");
        if self.vn(vnet).first_rib.is_none() {
            self.vnm(vnet).first_rib = Some(rib);
        }
        self.add_edge(rib, ctl, EdgeKind::Owner, "nh_control");
        self.vnm(vnet).ribs.insert((fib, fam), rib);
        rib
    }

    /// A key prefix for objects in a vnet: `host` or the owning jail's name.
    pub fn vkey(&self, vnet: ObjId) -> String {
        if !self.labels {
            return String::new();
        }
        if vnet == self.vnet0 {
            return "host".into();
        }
        match self.vn(vnet).prison {
            Some(p) => self.pr(p).name.clone(),
            None => format!("vnet{}", vnet.0),
        }
    }

    /// Finds or creates the nexthop for (ifp, ifa, gateway) in a rib and takes a count.
    pub(crate) fn nexthop(
        &mut self,
        rib: ObjId,
        ifp: ObjId,
        ifa: Option<ObjId>,
        gw: Option<IpAddr>,
    ) -> ObjId {
        let key = (ifp, ifa, gw);
        if let Some(n) = self.rib(rib).nhops.get(&key).copied() {
            return n;
        }
        let vnet = self.rib(rib).vnet;
        let vkey = self.vkey(vnet);
        let (fam, fib) = (self.rib(rib).fam, self.rib(rib).fib);
        let ifname = self.o(ifp).name.clone();
        let name = match gw {
            Some(g) => lbl!(self, "nexthop {g} via {ifname}"),
            None => lbl!(self, "nexthop {ifname}"),
        };
        let n = self.new_obj(
            ObjKind::Nexthop,
            name.clone(),
            lbl!(self, "{vkey}/nh/{}/{fib}/{}", fam.name(), self.objs.len()),
            Some(vnet),
            Some(vnet),
            0,
            Data::Nh(Nh { rib, key, linked: true }),
        );
        self.add_edge(n, ifp, EdgeKind::Counted, "nh_ifp");
        self.add_edge(n, ifp, EdgeKind::Counted, "nh_aifp");
        if let Some(a) = ifa {
            self.add_edge(n, a, EdgeKind::Counted, "nh_ifa");
        }
        self.add_edge(n, vnet, EdgeKind::Raw, "nh_vnet");
        self.ribm(rib).nhops.insert(key, n);
        n
    }

    /// Adds a route; the rtentry takes a count on its nexthop.
    pub(crate) fn add_route(&mut self, rib: ObjId, dest: IpAddr, len: u8, nh: ObjId) -> ObjId {
        let vnet = self.rib(rib).vnet;
        let vkey = self.vkey(vnet);
        let fib = self.rib(rib).fib;
        let rt = self.new_obj(
            ObjKind::Rtentry,
            lbl!(self, "route {}/{len}", prefix_addr(dest, len)),
            lbl!(self, "{vkey}/rt/{fib}/{dest}/{len}"),
            Some(vnet),
            Some(vnet),
            0,
            Data::Rt(Rt { rib, dest, len, nh, linked: true }),
        );
        self.add_edge(rib, rt, EdgeKind::Owner, "rnh radix");
        self.add_edge(rt, nh, EdgeKind::Counted, "rt_nhop");
        let rkey = (masked(dest, len), len);
        self.ribm(rib).routes.insert(rkey, rt);
        self.index_route(rt, rkey, true);
        self.rib_notify(rib);
        rt
    }

    /// Unlinks a route and queues its free (rt_free → destroy_rtentry, epoch) [V].
    pub fn delete_route(&mut self, rt: ObjId, by: &'static str) -> R {
        let (rib, dest, len, linked) = {
            let r = self.rt(rt);
            (r.rib, r.dest, r.len, r.linked)
        };
        if !linked {
            return Ok(());
        }
        if let Data::Rt(r) = &mut self.om(rt).data {
            r.linked = false;
        }
        let rkey = (masked(dest, len), len);
        self.ribm(rib).routes.remove(&rkey);
        self.index_route(rt, rkey, false);
        if let Some(e) = self.edge_to(rib, rt, "rnh radix") {
            self.drop_edge(e)?;
        }
        self.defer(rt, vec![by, "rt_free", "destroy_rtentry"]);
        self.rib_notify(rib);
        Ok(())
    }

    /// Adds or removes a route in its vnet's `routes_by_ifp`.
    pub(crate) fn index_route(&mut self, rt: ObjId, rkey: (u128, u8), add: bool) {
        let (rib, nh) = (self.rt(rt).rib, self.rt(rt).nh);
        let ifp = self.nh(nh).key.0;
        let (vnet, fib, fam) = {
            let r = self.rib(rib);
            (r.vnet, r.fib, r.fam)
        };
        let k = (ifp, (fib, fam), rkey, rt);
        let v = self.vnm(vnet);
        if add {
            v.routes_by_ifp.insert(k);
        } else {
            v.routes_by_ifp.remove(&k);
        }
    }

    /// rib_notify: every subscriber's callback runs. During set-up a route cache is
    /// refilled as if traffic flowed; during teardown it is only invalidated [I].
    pub fn rib_notify(&mut self, rib: ObjId) {
        let subs: Vec<ObjId> = self.rib(rib).subs.values().copied().collect();
        for s in subs {
            let cache = self.sub(s).cache;
            if self.o(cache).freed {
                continue;
            }
            if self.building {
                let ifp = self.cache(cache).ifp;
                self.refill_cache(ifp);
            } else {
                // Cannot fail: a live cache's ro_nh edge is live.
                if let Ok(true) = self.invalidate_cache(cache) {
                    self.state_ev(cache, || {
                        "rib_notify ran the cache's callback, which drops its cached nexthop [P #route-cache]"
                            .to_string()
                    });
                }
            }
        }
    }

    /// RO_INVALIDATE_CACHE: drop the cached nexthop.
    pub fn invalidate_cache(&mut self, cache: ObjId) -> R<bool> {
        if self.cache(cache).nh.is_none() {
            return Ok(false);
        }
        self.cachem(cache).nh = None;
        self.drop_out(cache, "ro_nh")?;
        Ok(true)
    }

    /// The longest-prefix match for `a` in a rib.
    pub fn lookup(&self, rib: ObjId, a: IpAddr) -> Option<ObjId> {
        self.rib(rib)
            .routes
            .iter()
            .rev()
            .filter(|((_, len), rt)| covers(self.rt(**rt).dest, *len, a))
            .max_by_key(|((_, len), _)| *len)
            .map(|(_, rt)| *rt)
    }

    /// Sets the cache to the nexthop currently matching the tunnel's outer destination.
    pub(crate) fn refill_cache(&mut self, ifp: ObjId) {
        let Some(cache) = self.ifn(ifp).cache else { return };
        let Some((_, dst)) = self.ifn(ifp).tunnel else { return };
        let vnet = self.ifn(ifp).vnet;
        let fib = self.ifn(ifp).fib;
        let want = self
            .rib_of(vnet, fib, Fam::of(dst))
            .and_then(|rib| self.lookup(rib, dst))
            .map(|rt| self.rt(rt).nh);
        if want == self.cache(cache).nh {
            return;
        }
        let _ = self.invalidate_cache(cache);
        if let Some(nh) = want {
            self.cachem(cache).nh = Some(nh);
            self.add_edge(cache, nh, EdgeKind::Counted, "ro_nh");
        }
    }
}
