//! Interfaces (sys/net/if.c): attach to a vnet's V_ifnet, addresses and their hashes,
//! if_detach_internal, if_vmove and the driver-independent half of a clone destroy.
//!
//! Invariants: an ifnet is on at most one vnet's list; its name is unique in that vnet;
//! `home` is the vnet whose cloner created it and never changes; the driver-specific
//! hooks (reassign, destroy) live in `drivers/`.
use super::*;
use std::net::IpAddr;

impl World {
    // ---------------------------------------------------------------- interfaces

    pub(crate) fn link_ifnet(&mut self, ifp: ObjId, vnet: ObjId) {
        let s = self.next_seq();
        let name = self.o(ifp).name.clone();
        {
            let i = self.ifm(ifp);
            i.vnet = vnet;
            i.on_list = true;
            i.list_seq = s;
        }
        let v = self.vnm(vnet);
        v.ifnets.insert(s, ifp);
        v.names.insert(name, ifp);
        // The arrival event: a loaded pf makes a kif for it.
        self.pf_attach(ifp);
    }

    pub fn unlink_ifnet(&mut self, ifp: ObjId) {
        if !self.ifn(ifp).on_list {
            return;
        }
        let (vnet, s) = (self.ifn(ifp).vnet, self.ifn(ifp).list_seq);
        let name = self.o(ifp).name.clone();
        self.ifm(ifp).on_list = false;
        let v = self.vnm(vnet);
        v.ifnets.remove(&s);
        if v.names.get(&name) == Some(&ifp) {
            v.names.remove(&name);
        }
    }

    /// if_alloc + if_attach in `vnet`, on that vnet's cloner list for the driver.
    pub(crate) fn create_ifnet(
        &mut self,
        vnet: ObjId,
        driver: Driver,
        name: &str,
        unit: Option<u32>,
    ) -> ObjId {
        let vkey = self.vkey(vnet);
        let ifp = self.new_obj(
            ObjKind::Ifnet(driver),
            name.to_string(),
            lbl!(self, "{vkey}/{name}"),
            Some(vnet),
            Some(vnet),
            1,
            Data::Ifnet(Box::new(Ifnet {
                driver,
                vnet,
                home: vnet,
                fib: 0,
                up: false,
                addrs: Vec::new(),
                peer: None,
                tunnel: None,
                cache: None,
                sub: None,
                cred: None,
                on_list: false,
                list_seq: 0,
                clone_seq: 0,
                destroyed: false,
                unit,
                vlan: None,
                trunk: None,
                members: Vec::new(),
                member_of: None,
            })),
        );
        let cs = self.next_seq();
        self.ifm(ifp).clone_seq = cs;
        self.vnm(vnet).clones.get_or_default(driver).insert(cs, ifp);
        self.add_edge(vnet, ifp, EdgeKind::Owner, "ifc_iflist");
        self.add_edge(ifp, vnet, EdgeKind::Raw, "if_vnet");
        self.add_edge(ifp, vnet, EdgeKind::Raw, "if_home_vnet");
        self.link_ifnet(ifp, vnet);
        ifp
    }

    /// Removes an address: out of the hash and the interface, its connected route deleted.
    pub fn purge_addr(&mut self, a: ObjId, by: &'static str) -> R {
        self.addr_unhash(a);
        if let Some(rt) = self.ifa(a).route {
            self.ifam(a).route = None;
            if !self.o(rt).freed {
                self.delete_route(rt, by)?;
            }
        }
        let ifp = self.ifa(a).ifp;
        self.ifm(ifp).addrs.retain(|x| *x != a);
        if let Some(e) = self.edge_to(ifp, a, "if_addrhead") {
            self.drop_edge(e)?;
        }
        Ok(())
    }

    pub fn addr_unhash(&mut self, a: ObjId) {
        if let Some(v) = self.ifa(a).hashed_in {
            let fam = self.ifa(a).fam;
            self.ifam(a).hashed_in = None;
            if let Some(h) = self.vnm(v).hash.get_mut(&fam) {
                h.remove(&a);
            }
            let label = hash_label(fam);
            if let Some(e) = self.edge_to(v, a, label) {
                self.kill_edge(e);
                self.ev(EventKind::Unref, a, Some(e), Some(v));
            }
        }
    }

    /// Routes in the interface's vnet whose nexthop transmits on it.
    pub fn routes_via(&self, ifp: ObjId) -> Vec<ObjId> {
        let vnet = self.ifn(ifp).vnet;
        let lo = (ifp, (0, Fam::Inet), (0, 0), ObjId(0));
        let hi = (ifp, (u32::MAX, Fam::Inet6), (u128::MAX, u8::MAX), ObjId(u32::MAX));
        self.vn(vnet).routes_by_ifp.range(lo..=hi).map(|k| k.3).collect()
    }

    pub(crate) fn add_addr(
        &mut self,
        ifp: ObjId,
        addr: IpAddr,
        len: u8,
        dst: Option<IpAddr>,
    ) -> Result<(), String> {
        let fam = Fam::of(addr);
        let vnet = self.ifn(ifp).vnet;
        let fib = self.ifn(ifp).fib;
        let (rdest, rlen) = match dst {
            Some(d) => (d, fam.bits()),
            None => (addr, len),
        };
        let rib = self.ensure_rib(vnet, fib, fam);
        if self.rib(rib).routes.contains_key(&(masked(rdest, rlen), rlen)) {
            return Err("ioctl (SIOCAIFADDR): File exists".into());
        }
        let vkey = self.vkey(vnet);
        let ifname = self.o(ifp).name.clone();
        let a = self.new_obj(
            ObjKind::Ifaddr,
            lbl!(self, "{ifname} {} {addr}", fam.name()),
            lbl!(self, "{vkey}/{ifname}/{addr}"),
            Some(vnet),
            Some(vnet),
            0,
            Data::Ifaddr(Ifaddr { fam, addr, len, dst, ifp, hashed_in: Some(vnet), route: None }),
        );
        self.add_edge(ifp, a, EdgeKind::Counted, "if_addrhead");
        self.add_edge(a, ifp, EdgeKind::Raw, "ifa_ifp");
        self.add_edge(vnet, a, EdgeKind::Raw, hash_label(fam));
        self.vnm(vnet).hash.get_or_default(fam).insert(a);
        self.ifm(ifp).addrs.push(a);
        let nh = self.nexthop(rib, ifp, Some(a), None);
        let rt = self.add_route(rib, rdest, rlen, nh);
        self.ifam(a).route = Some(rt);
        Ok(())
    }
    // ---------------------------------------------------------------- detach, move, destroy

    /// if_detach_internal (sys/net/if.c, FreeBSD main): NET_EPOCH_WAIT and
    /// NET_EPOCH_DRAIN_CALLBACKS first, in every case. While the ifnet's own vnet is
    /// shutting down it then only fires the departure event and returns. Otherwise it runs
    /// rt_flushifroutes, then if_purgeaddrs, the departure event and if_purgemaddrs (and,
    /// unless the ifnet is moving, if_dead) [V]. Returns whether it purged.
    pub fn if_detach(&mut self, ifp: ObjId) -> R<bool> {
        self.drain()?;
        let vnet = self.ifn(ifp).vnet;
        self.unlink_ifnet(ifp);
        // if_down, in every case.
        self.ifm(ifp).up = false;
        if self.vn(vnet).shutting_down() {
            self.departure_event(ifp)?;
            return Ok(false);
        }
        for rt in self.routes_via(ifp) {
            self.delete_route(rt, "rt_flushifroutes")?;
        }
        let addrs = self.ifn(ifp).addrs.clone();
        for a in addrs {
            self.purge_addr(a, "if_purgeaddrs")?;
        }
        self.departure_event(ifp)?;
        Ok(true)
    }

    /// EVENTHANDLER_INVOKE(ifnet_departure_event): the handlers of the drivers that hold
    /// other interfaces (vlan parents, bridge members, lagg ports) let go of `ifp`.
    fn departure_event(&mut self, ifp: ObjId) -> R {
        for t in self.departure(ifp)? {
            self.aside(t);
        }
        if let Some(t) = self.pf_detach(ifp)? {
            self.aside(t);
        }
        Ok(())
    }

    /// if_vmove: full detach in the old vnet, the driver's if_reassign hook, attach in the
    /// new. Returns the hook's sentence for the narration, if it changed anything.
    pub fn if_vmove(&mut self, ifp: ObjId, to: ObjId, path: &[&'static str]) -> R<Option<String>> {
        self.if_detach(ifp)?;
        let note = self.driver_reassign(ifp, path)?;
        self.drop_out(ifp, "if_vnet")?;
        self.link_ifnet(ifp, to);
        self.add_edge(ifp, to, EdgeKind::Raw, "if_vnet");
        self.ev(EventKind::Moved, ifp, None, Some(to));
        Ok(note)
    }

    /// The driver's clone destroy: tunnel teardown, detach, if_free, off the cloner list.
    /// An epair takes its peer with it. Returns the interfaces destroyed.
    pub fn destroy_ifnet(&mut self, ifp: ObjId, path: &[&'static str]) -> R<Vec<ObjId>> {
        let drv = self.ifn(ifp).driver;
        let mut p = path.to_vec();
        p.push(destroy_fn(drv));
        let mut gone = vec![ifp];
        gone.extend(self.driver_destroy(ifp, &p)?);
        for x in gone.clone() {
            self.ifm(x).destroyed = true;
            self.if_detach(x)?;
            if let Some(t) = self.driver_detached(x, &p)? {
                self.aside(t);
            }
            if let Some(c) = self.ifn(x).cache {
                // route_cache_uninit: the cache goes with the softc.
                self.ifm(x).cache = None;
                self.invalidate_cache(c)?;
                self.free(c, &["route_cache_uninit"])?;
            }
            let (home, cs) = (self.ifn(x).home, self.ifn(x).clone_seq);
            if let Some(l) = self.vnm(home).clones.get_mut(&drv) {
                l.remove(&cs);
            }
            if let Some(u) = self.ifn(x).unit.filter(|_| drv == Driver::Epair) {
                self.vnm(home).epair_units.remove(&u);
            }
            if let Some(e) = self.edge_to(home, x, "ifc_iflist") {
                self.drop_edge(e)?;
            }
            if let Some(peer) = self.ifn(x).peer
                && let Some(e) = self.edge_to(x, peer, "oifp")
            {
                self.drop_edge(e)?;
            }
            // if_free drops the index reference; the memory goes when the count reaches 0.
            let n = self.dec(x, "if_free index ref")?;
            if n == 0 {
                self.on_zero(x)?;
            }
        }
        Ok(gone)
    }
}
