//! The set-up: runs a scenario's commands (jail -c, ifconfig, route add, jexec) against a
//! fresh world, reporting errors as the FreeBSD tools word them.
//!
//! Invariants: the build records no steps; an error names the scenario entry that
//! failed; an engine invariant broken during the build is reported as internal.
use super::*;
use crate::support::vecmap::{VecMap, VecSet};

/// What a tool prints when a jail without a vnet of its own asks for a network change:
/// `what` is the tool and the request (`ifconfig: SIOCIFCREATE2`).
pub fn not_permitted(what: &str) -> String {
    format!("{what}: Operation not permitted")
}

impl World {
    // ---------------------------------------------------------------- build

    /// The vnet a command runs in: the host's, or the jail's (shared for non-vnet jails).
    pub(crate) fn ctx(
        &self,
        jail: &Option<String>,
        idx: usize,
    ) -> Result<(ObjId, ObjId), BuildError> {
        match jail {
            None => Ok((self.prison0, self.vnet0)),
            Some(j) => {
                let p = self
                    .find_jail(j)
                    .ok_or_else(|| berr(idx, format!("jexec: jail \"{j}\" not found")))?;
                Ok((p, self.pr(p).vnet))
            }
        }
    }

    pub fn find_jail(&self, name: &str) -> Option<ObjId> {
        self.prisons.get(name).copied().filter(|p| self.pr(*p).state == PrState::Alive)
    }

    pub(crate) fn new_world() -> World {
        let mut w = World {
            objs: Vec::new(),
            edges: Vec::new(),
            prisons: VecMap::new(),
            prison0: ObjId(0),
            vnet0: ObjId(1),
            options: VecSet::new(),
            registry: Registry { teardown: Vec::new() },
            loaded: VecSet::new(),
            pf: VecMap::new(),
            without: VecSet::new(),
            moves: Vec::new(),
            epoch: Vec::new(),
            seq: 0,
            rec: Rec::default(),
            built_objs: 0,
            built_edges: 0,
            order: StageOrder::Legacy,
            kernel: Kernel::Main,
            freeprison: Vec::new(),
            building: true,
            halted: false,
            held: Vec::new(),
            labels: true,
            task: None,
            lladdr_queued: VecSet::new(),
        };
        let p0 = w.new_obj(
            ObjKind::Prison,
            "prison0".into(),
            "host".into(),
            Some(ObjId(1)),
            None,
            1,
            Data::Prison(Prison {
                name: "host".into(),
                state: PrState::Alive,
                uref: 1,
                persist: true,
                noreap: false,
                vnet_flag: true,
                vnet: ObjId(1),
                parent: None,
                children: VecSet::new(),
                procs: VecSet::new(),
                entry: 0,
            }),
        );
        let v0 = w.new_obj(
            ObjKind::Vnet,
            "vnet0".into(),
            crate::engine::trace::HOST_VNET_KEY.into(),
            None,
            None,
            0,
            Data::Vnet(Box::new(Vnet {
                prison: Some(p0),
                state: SI_SUB_VNET_DONE,
                magic: VNET_MAGIC_N,
                ..Vnet::default()
            })),
        );
        w.add_edge(p0, v0, EdgeKind::Owner, "pr_vnet");
        w.ensure_rib(v0, 0, Fam::Inet);
        w.ensure_rib(v0, 0, Fam::Inet6);
        w.create_ifnet(v0, Driver::Lo, "lo0", None);
        w
    }

    /// Runs the set-up commands (everything but `jail -r`) and returns the built world plus
    /// the `jail -r` entries in order.
    pub fn build(
        scenario: &Scenario,
        kernel: Kernel,
        extra: &[(String, Slot)],
    ) -> Result<(World, Vec<usize>), BuildError> {
        World::build_with(scenario, kernel, extra, true)
    }

    /// `build`, optionally without display names and keys (the verdict-only path).
    pub fn build_with(
        scenario: &Scenario,
        kernel: Kernel,
        extra: &[(String, Slot)],
        labels: bool,
    ) -> Result<(World, Vec<usize>), BuildError> {
        let mut w = World::new_world();
        w.labels = labels;
        w.kernel = kernel;
        let n = scenario.entries.len();
        w.objs.reserve(8 * n);
        w.edges.reserve(24 * n);
        let mut moves: Vec<(String, Slot)> = Vec::new();
        let mut removes = Vec::new();
        for (i, e) in scenario.entries.iter().enumerate() {
            match &e.command {
                Command::KernelOption { name } => {
                    let up = name.to_ascii_uppercase();
                    if !KNOWN_OPTIONS.contains(&up.as_str()) {
                        return Err(berr(
                            i,
                            format!(
                                "options: unknown kernel option \"{name}\" (the model knows ROUTE_CACHE)"
                            ),
                        ));
                    }
                    w.options.insert(up);
                }
                Command::Sysuninit { func, slot } => {
                    if !registry::is_known(func) {
                        return Err(berr(
                            i,
                            format!("sysuninit: unknown VNET destructor \"{func}\""),
                        ));
                    }
                    if !slot.is_vnet_range() {
                        return Err(berr(
                            i,
                            format!(
                                "sysuninit: {func}: subsystem {} is outside (SI_SUB_VNET, SI_SUB_VNET_DONE]",
                                sub_display(slot.sub)
                            ),
                        ));
                    }
                    moves.push((func.clone(), *slot));
                }
                Command::Without { func } => {
                    let hooks = drivers::hooks();
                    if !hooks.contains(&func.as_str()) {
                        return Err(berr(
                            i,
                            format!(
                                "without: the model knows no hook \"{func}\" to leave out (it knows {})",
                                hooks.join(", ")
                            ),
                        ));
                    }
                    w.without.insert(func.clone());
                }
                Command::JailRemove { .. } => removes.push(i),
                _ => {
                    if !removes.is_empty() {
                        return Err(berr(
                            i,
                            "a set-up command after the teardown (`jail -r` lines come last)"
                                .into(),
                        ));
                    }
                }
            }
        }
        for (f, s) in extra {
            if !registry::is_known(f) {
                return Err(berr(
                    scenario.entries.len(),
                    format!("sysuninit: unknown VNET destructor \"{f}\""),
                ));
            }
            moves.push((f.clone(), *s));
        }
        w.loaded = registry::loaded(scenario, extra.iter().map(|(f, _)| f.as_str()));
        w.registry =
            Registry::new(moves.iter().map(|(f, s)| (f.as_str(), *s)), &w.loaded, w.kernel)
                .map_err(|f| berr(0, format!("sysuninit: unknown VNET destructor \"{f}\"")))?;
        w.moves = moves;
        for (i, e) in scenario.entries.iter().enumerate() {
            w.build_one(i, &e.command)?;
            w.drain().map_err(|s| stop_err(i, s))?;
        }
        for p in std::mem::take(&mut w.held) {
            w.dec(p, "creation").map_err(|s| stop_err(w.pr(p).entry, s))?;
        }
        // A jail with neither persist nor a process (nor a child) dies at once [I].
        for p in w.prisons.values() {
            let pr = w.pr(*p);
            if pr.state == PrState::Alive && pr.uref == 0 {
                return Err(berr(
                    pr.entry,
                    format!(
                        "jail: \"{}\" has neither persist nor a process, so the kernel removes it as soon as it is created",
                        pr.name
                    ),
                ));
            }
        }
        for (i, e) in scenario.entries.iter().enumerate() {
            if let Command::JailRemove { name } = &e.command
                && !w.prisons.contains_key(name)
            {
                return Err(berr(
                    i,
                    format!(
                        "jail: \"{name}\" not found: no such jail, so jail_remove would fail with EINVAL [V kern_jail.c]"
                    ),
                ));
            }
        }
        w.building = false;
        w.built_objs = w.objs.len();
        w.built_edges = w.edges.len();
        Ok((w, removes))
    }

    pub(crate) fn build_one(&mut self, i: usize, c: &Command) -> Result<(), BuildError> {
        match c {
            Command::KernelOption { .. }
            | Command::Sysuninit { .. }
            | Command::Without { .. }
            | Command::JailRemove { .. } => Ok(()),
            Command::NoReap { jail } => {
                let (p, _) = self.ctx(&Some(jail.clone()), i)?;
                self.prm(p).noreap = true;
                Ok(())
            }
            Command::JailCreate { name, vnet, persist, .. } => {
                self.jail_create(i, name, *vnet, *persist)
            }
            Command::Kldload { module } => self.kldload(i, module),
            Command::Ngctl { jail, op } => {
                let (p, vnet) = self.ctx(jail, i)?;
                self.own_vnet(
                    i,
                    p,
                    &format!(
                        "ngctl: {}",
                        match op {
                            NgOp::MkpeerEiface => "mkpeer",
                            NgOp::Shutdown { .. } => "shutdown",
                        }
                    ),
                )?;
                match op {
                    NgOp::MkpeerEiface => drivers::ngeth::mkpeer(self, i, vnet).map(|_| ()),
                    NgOp::Shutdown { ifname } => {
                        let ifp = self.vn(vnet).names.get(ifname).copied().filter(|x| {
                            self.ifn(*x).driver == Driver::Ngeth && self.ifn(*x).home == vnet
                        });
                        let Some(ifp) = ifp else {
                            return Err(berr(
                                i,
                                format!("ngctl: shutdown: {ifname}:: No such file or directory"),
                            ));
                        };
                        self.destroy_ifnet(ifp, &[]).map(|_| ()).map_err(|s| stop_err(i, s))
                    }
                }
            }
            Command::Process { jail, argv } => {
                let (p, v) = self.ctx(&Some(jail.clone()), i)?;
                let n = self.pr(p).procs.len() + 1;
                let pid = self.new_obj(
                    ObjKind::Process,
                    lbl!(
                        self,
                        "{} (pid in {jail})",
                        argv.split_whitespace().next().unwrap_or("proc")
                    ),
                    lbl!(self, "{jail}/proc{n}"),
                    Some(v),
                    Some(p),
                    0,
                    Data::Process { prison: p, argv: argv.clone() },
                );
                self.add_edge(pid, p, EdgeKind::Counted, "p_ucred->cr_prison");
                self.prm(p).uref += 1;
                self.prm(p).procs.insert(pid);
                Ok(())
            }
            Command::RouteAdd { jail, flag, dest, gateway } => {
                self.route_add(i, jail, *flag, dest, gateway)
            }
            Command::Ifconfig { jail, ifname, op } => self.ifconfig(i, jail, ifname, op),
        }
    }

    pub(crate) fn jail_create(
        &mut self,
        i: usize,
        name: &str,
        vnet: bool,
        persist: bool,
    ) -> Result<(), BuildError> {
        if name.is_empty() || name.split('.').any(|s| s.is_empty()) {
            return Err(berr(i, format!("jail: name=\"{name}\": invalid jail name")));
        }
        if self.prisons.contains_key(name) {
            return Err(berr(i, format!("jail: \"{name}\" already exists")));
        }
        let parent = match name.rsplit_once('.') {
            None => self.prison0,
            Some((p, _)) => {
                self.find_jail(p).ok_or_else(|| berr(i, format!("jail: \"{p}\" not found")))?
            }
        };
        let pvnet = self.pr(parent).vnet;
        let p = self.new_obj(
            ObjKind::Prison,
            lbl!(self, "prison {name}"),
            name.to_string(),
            Some(pvnet),
            Some(parent),
            1,
            Data::Prison(Prison {
                name: name.to_string(),
                state: PrState::Invalid,
                uref: 0,
                persist,
                noreap: false,
                vnet_flag: vnet,
                vnet: pvnet,
                parent: Some(parent),
                children: VecSet::new(),
                procs: VecSet::new(),
                entry: i,
            }),
        );
        // The child holds a ref and a uref on its parent [V kern_jail.c].
        if parent != self.prison0 {
            self.add_edge(p, parent, EdgeKind::Counted, "pr_parent");
            self.prm(parent).uref += 1;
        }
        self.prm(parent).children.insert(p);
        self.prisons.insert(name.to_string(), p);
        if vnet {
            let v = self.new_obj(
                ObjKind::Vnet,
                lbl!(self, "vnet {name}"),
                lbl!(self, "{name}/vnet"),
                None,
                Some(p),
                0,
                Data::Vnet(Box::new(Vnet {
                    prison: Some(p),
                    state: SI_SUB_VNET_DONE,
                    magic: VNET_MAGIC_N,
                    ..Vnet::default()
                })),
            );
            self.om(p).vnet_at_birth = Some(v);
            self.prm(p).vnet = v;
            self.add_edge(p, v, EdgeKind::Owner, "pr_vnet");
            // vnet_alloc's constructors: routing tables, then lo0 (vnet_loif_init at
            // PROTO_IF/ANY creates it; its 127.0.0.1 comes from userland, not modelled) [V].
            self.ensure_rib(v, 0, Fam::Inet);
            self.ensure_rib(v, 0, Fam::Inet6);
            self.create_ifnet(v, Driver::Lo, "lo0", None);
            // A loaded pf's VNET_SYSINIT runs for the new vnet too.
            if !self.pf.is_empty() {
                self.pf_init_vnet(v);
            }
        } else {
            self.add_edge(p, pvnet, EdgeKind::Raw, "pr_vnet");
        }
        if persist {
            self.inc(p);
            self.prm(p).uref += 1;
        }
        self.prm(p).state = PrState::Alive;
        // jail_set drops its creation-time reference at the end. A jail without persist
        // keeps it here until the build ends (jail(8) holds such a jail while it starts
        // the jail's processes) [I].
        if persist {
            self.dec(p, "creation").map_err(|s| stop_err(i, s))?;
        } else {
            self.held.push(p);
        }
        Ok(())
    }

    pub(crate) fn route_add(
        &mut self,
        i: usize,
        jail: &Option<String>,
        flag: Option<RouteFlag>,
        dest: &Prefix,
        gateway: &Gateway,
    ) -> Result<(), BuildError> {
        let (p, vnet) = self.ctx(jail, i)?;
        self.own_vnet(i, p, "route: writing to routing socket")?;
        let fam = Fam::of(dest.addr);
        let len = if flag == Some(RouteFlag::Host) { fam.bits() } else { dest.len.min(fam.bits()) };
        let kind = if len == fam.bits() { "host" } else { "net" };
        let gw_text = match gateway {
            Gateway::Addr(a) => a.to_string(),
            Gateway::Interface(i) => i.clone(),
        };
        let shown = format!("{kind} {}/{len}: gateway {gw_text} fib 0", dest.addr);
        let rib = self.ensure_rib(vnet, 0, fam);
        if self.rib(rib).routes.contains_key(&(masked(dest.addr, len), len)) {
            return Err(berr(i, format!("route: add {shown}: route already in table")));
        }
        let nh = match gateway {
            Gateway::Addr(g) => {
                if Fam::of(*g) != fam {
                    return Err(berr(i, format!("route: add {shown}: Invalid argument")));
                }
                // The gateway must be on a connected network (ifa_ifwithroute).
                let conn = self
                    .rib(rib)
                    .routes
                    .values()
                    .copied()
                    .filter(|rt| {
                        let r = self.rt(*rt);
                        self.nh(r.nh).key.2.is_none() && covers(r.dest, r.len, *g)
                    })
                    .max_by_key(|rt| self.rt(*rt).len);
                let Some(conn) = conn else {
                    return Err(berr(i, format!("route: add {shown}: Network is unreachable")));
                };
                let (ifp, ifa, _) = self.nh(self.rt(conn).nh).key;
                self.nexthop(rib, ifp, ifa, Some(*g))
            }
            Gateway::Interface(name) => {
                let Some(ifp) = self.vn(vnet).names.get(name).copied() else {
                    return Err(berr(i, format!("route: add {shown}: interface {name} not found")));
                };
                let ifa = self.ifn(ifp).addrs.iter().copied().find(|a| self.ifa(*a).fam == fam);
                self.nexthop(rib, ifp, ifa, None)
            }
        };
        self.add_route(rib, dest.addr, len, nh);
        Ok(())
    }

    /// The one "needs a vnet" check: a jail without a vnet of its own may not configure
    /// the network, since prison_priv_check grants the PRIV_NET_* privileges only to vnet
    /// jails (kern_jail.c) [V]. `what` is the tool and the request, as the tool prints it.
    pub(crate) fn own_vnet(&self, i: usize, p: ObjId, what: &str) -> Result<(), BuildError> {
        if p == self.prison0 || self.pr(p).vnet_flag {
            return Ok(());
        }
        Err(berr(i, not_permitted(what)))
    }

    pub(crate) fn ifconfig(
        &mut self,
        i: usize,
        jail: &Option<String>,
        ifname: &str,
        op: &IfOp,
    ) -> Result<(), BuildError> {
        let (p, vnet) = match jail {
            None => (self.prison0, self.vnet0),
            Some(j) => {
                let p = self
                    .find_jail(j)
                    .ok_or_else(|| berr(i, format!("ifconfig: jail \"{j}\" not found")))?;
                (p, self.pr(p).vnet)
            }
        };
        let ioctl = match op {
            IfOp::Create { .. } => "SIOCIFCREATE2",
            IfOp::Addr { addr, .. } if addr.is_ipv6() => "SIOCAIFADDR_IN6",
            IfOp::Addr { .. } => "SIOCAIFADDR",
            IfOp::Tunnel { .. } => "SIOCSIFPHYADDR",
            IfOp::Up => "SIOCSIFFLAGS",
            IfOp::Fib(_) => "SIOCSIFFIB",
            IfOp::Vnet { .. } => "SIOCSIFVNET",
            IfOp::Reclaim { .. } => "SIOCSIFRVNET",
            IfOp::Destroy => "SIOCIFDESTROY",
            IfOp::CreateVlan { .. } => "SIOCIFCREATE2",
            IfOp::SetVlan { .. } => "SIOCSETVLAN",
            IfOp::AddMember { .. } | IfOp::DelMember { .. } => "SIOCSDRVSPEC",
        };
        self.own_vnet(i, p, &format!("ifconfig: {ioctl}"))?;
        if let IfOp::Create { .. } = op {
            return self.if_create(i, p, vnet, ifname);
        }
        if let IfOp::CreateVlan { tag, dev } = op {
            if Driver::from_ifname(ifname) != Some(Driver::Vlan) {
                return Err(berr(i, "ifconfig: SIOCIFCREATE2: Invalid argument".into()));
            }
            // vlan_clone_create looks the parent up first (ifunit_ref) [V if_vlan.c].
            let Some(parent) = self.vn(vnet).names.get(dev).copied() else {
                return Err(berr(
                    i,
                    "ifconfig: SIOCIFCREATE2 (set vlan): Device not configured".into(),
                ));
            };
            self.if_create(i, p, vnet, ifname)?;
            let Some(ifp) = self.vn(vnet).names.get(ifname).copied() else {
                return Err(berr(i, "ifconfig: SIOCIFCREATE2: Invalid argument".into()));
            };
            return drivers::vlan::config(self, ifp, *tag, parent)
                .map_err(|m| berr(i, format!("ifconfig: {m}")));
        }
        if let IfOp::Reclaim { .. } = op {
            return self.reclaim(i, p, vnet, ifname, op);
        }
        let Some(ifp) = self.vn(vnet).names.get(ifname).copied() else {
            return Err(berr(i, format!("ifconfig: interface {ifname} does not exist")));
        };
        match op {
            IfOp::Create { .. } => Ok(()),
            IfOp::Up => {
                self.ifm(ifp).up = true;
                Ok(())
            }
            IfOp::Fib(n) => {
                self.ifm(ifp).fib = *n;
                self.ensure_rib(vnet, *n, Fam::Inet);
                self.ensure_rib(vnet, *n, Fam::Inet6);
                Ok(())
            }
            IfOp::Tunnel { src, dst } => {
                let Some(t) = drivers::spec(self.ifn(ifp).driver).tunnel.as_ref() else {
                    return Err(berr(i, "ifconfig: SIOCSIFPHYADDR: Invalid argument".into()));
                };
                if Fam::of(*src) != Fam::of(*dst) || (!t.inet6 && src.is_ipv6()) {
                    return Err(berr(i, "ifconfig: SIOCSIFPHYADDR: Invalid argument".into()));
                }
                self.set_tunnel(ifp, *src, *dst).map_err(|s| stop_err(i, s))
            }
            IfOp::Addr { addr, len, dst } => {
                let fam = Fam::of(*addr);
                if *len > fam.bits() || dst.is_some_and(|d| Fam::of(d) != fam) {
                    return Err(berr(i, "ifconfig: ioctl (SIOCAIFADDR): Invalid argument".into()));
                }
                self.add_addr(ifp, *addr, *len, *dst).map_err(|m| berr(i, format!("ifconfig: {m}")))
            }
            IfOp::Vnet { jail: target } => {
                let Some(t) = self.find_jail(target) else {
                    return Err(berr(i, format!("ifconfig: jail \"{target}\" not found")));
                };
                if !self.is_descendant(t, p) {
                    return Err(berr(i, format!("ifconfig: jail \"{target}\" not found")));
                }
                let tv = self.pr(t).vnet;
                // if_vmove_loan: a target prison whose vnet is the interface's own (a
                // non-vnet jail) gives EEXIST, as does a name taken there [V if.c].
                if tv == vnet {
                    return Err(berr(i, "ifconfig: SIOCSIFVNET: File exists".into()));
                }
                if self.vn(tv).names.contains_key(ifname) {
                    return Err(berr(i, "ifconfig: SIOCSIFVNET: File exists".into()));
                }
                self.if_vmove(ifp, tv, &[]).map(|_| ()).map_err(|s| stop_err(i, s))
            }
            IfOp::Reclaim { .. } | IfOp::CreateVlan { .. } => Ok(()),
            IfOp::SetVlan { tag, dev } => {
                if self.ifn(ifp).driver != Driver::Vlan {
                    return Err(berr(i, "ifconfig: SIOCSETVLAN: Invalid argument".into()));
                }
                // SIOCSETVLAN refuses a vlan loaned into another vnet [V if_vlan.c].
                if self.ifn(ifp).home != vnet {
                    return Err(berr(i, "ifconfig: SIOCSETVLAN: Operation not permitted".into()));
                }
                let Some(parent) = self.vn(vnet).names.get(dev).copied() else {
                    return Err(berr(i, "ifconfig: SIOCSETVLAN: Device not configured".into()));
                };
                drivers::vlan::config(self, ifp, *tag, parent)
                    .map_err(|m| berr(i, format!("ifconfig: {m}")))
            }
            IfOp::AddMember { member } | IfOp::DelMember { member } => {
                if drivers::spec(self.ifn(ifp).driver).members.is_none() {
                    return Err(berr(i, "ifconfig: SIOCSDRVSPEC: Invalid argument".into()));
                }
                let Some(m) = self.vn(vnet).names.get(member).copied() else {
                    return Err(berr(i, format!("ifconfig: {member}: no such interface")));
                };
                if let IfOp::AddMember { .. } = op {
                    drivers::member::add(self, ifp, m)
                        .map_err(|e| berr(i, format!("ifconfig: {e}")))
                } else {
                    if self.ifn(m).member_of != Some(ifp) {
                        return Err(berr(
                            i,
                            format!("ifconfig: {member} is not a member of {ifname}"),
                        ));
                    }
                    drivers::member::remove(self, m).map(|_| ()).map_err(|s| stop_err(i, s))
                }
            }
            IfOp::Destroy => {
                // No cloner makes ngeth interfaces: `ngctl shutdown` removes them.
                if self.ifn(ifp).driver == Driver::Ngeth {
                    return Err(berr(
                        i,
                        format!(
                            "ifconfig: SIOCIFDESTROY: Invalid argument (shut the node down: ngctl shutdown {ifname}:)"
                        ),
                    ));
                }
                if self.ifn(ifp).driver == Driver::Lo && ifname == "lo0" {
                    return Err(berr(i, "ifconfig: SIOCIFDESTROY: Invalid argument".into()));
                }
                self.destroy_ifnet(ifp, &[]).map(|_| ()).map_err(|s| stop_err(i, s))
            }
        }
    }

    pub(crate) fn reclaim(
        &mut self,
        i: usize,
        p: ObjId,
        vnet: ObjId,
        ifname: &str,
        op: &IfOp,
    ) -> Result<(), BuildError> {
        let IfOp::Reclaim { jail: target } = op else { return Ok(()) };
        let Some(t) = self.find_jail(target).filter(|t| self.is_descendant(*t, p)) else {
            return Err(berr(i, format!("ifconfig: jail \"{target}\" not found")));
        };
        let tv = self.pr(t).vnet;
        if tv == vnet {
            return Err(berr(i, "ifconfig: SIOCSIFRVNET: File exists".into()));
        }
        let Some(ifp) = self.vn(tv).names.get(ifname).copied() else {
            return Err(berr(i, "ifconfig: SIOCSIFRVNET: Device not configured".into()));
        };
        // Only if_vmove_loan checks the name in the destination; if_vmove_reclaim does not,
        // so FreeBSD would attach a second interface of that name (if.c) [V]. The model keeps
        // names unique per vnet, so it says so instead of pretending to an errno.
        if self.vn(vnet).names.contains_key(ifname) {
            let here = match self.vn(vnet).prison {
                Some(pr) if vnet != self.vnet0 => format!("jail {}", self.pr(pr).name),
                _ => "the host".to_string(),
            };
            return Err(berr(
                i,
                format!(
                    "ifconfig: {here} already has an interface named {ifname}. if_vmove_reclaim does not \
                     check the name, so FreeBSD would attach a second {ifname} there [V if.c]; the model keeps \
                     interface names unique per vnet and cannot follow"
                ),
            ));
        }
        self.if_vmove(ifp, vnet, &[]).map(|_| ()).map_err(|s| stop_err(i, s))
    }

    /// `kldload NAME` (from the host): a module outside the base set loads (its
    /// destructor was registered for the whole run, see `registry::loaded`); pf's
    /// VNET_SYSINIT then runs in every existing vnet. Errors are kldload's words.
    fn kldload(&mut self, i: usize, module: &str) -> Result<(), BuildError> {
        let known = registry::modules();
        if !known.contains(&module) {
            let base = Driver::ALL
                .into_iter()
                .any(|d| drivers::spec(d).module.is_none() && drivers::kld_name(d) == module);
            return Err(berr(
                i,
                if base {
                    format!(
                        "kldload: can't load {module}: module already loaded or in kernel (the model always \
                         has it)"
                    )
                } else {
                    format!(
                        "kldload: can't load {module}: No such file or directory (the model knows {})",
                        known.join(", ")
                    )
                },
            ));
        }
        if module == pf::MODULE {
            if !self.pf.is_empty() {
                return Err(berr(
                    i,
                    "kldload: can't load pf: module already loaded or in kernel".into(),
                ));
            }
            let vnets: Vec<ObjId> = std::iter::once(self.vnet0)
                .chain(self.prisons.values().map(|p| self.pr(*p).vnet))
                .collect();
            for v in vnets {
                self.pf_init_vnet(v);
            }
        }
        Ok(())
    }

    /// Whether `p` is a strict descendant of `anc`.
    pub fn is_descendant(&self, p: ObjId, anc: ObjId) -> bool {
        let mut cur = self.pr(p).parent;
        while let Some(c) = cur {
            if c == anc {
                return true;
            }
            cur = self.pr(c).parent;
        }
        false
    }

    pub(crate) fn if_create(
        &mut self,
        i: usize,
        p: ObjId,
        vnet: ObjId,
        ifname: &str,
    ) -> Result<(), BuildError> {
        let Some(driver) = Driver::from_ifname(ifname) else {
            return Err(berr(i, "ifconfig: SIOCIFCREATE2: Invalid argument".into()));
        };
        if driver == Driver::Ngeth {
            return Err(berr(
                i,
                "ifconfig: SIOCIFCREATE2: Invalid argument (ngeth interfaces come from netgraph: ngctl mkpeer . eiface hook ether)".into(),
            ));
        }
        if !release::has(self.kernel, driver) {
            let r = release::of(self.kernel);
            return Err(berr(
                i,
                format!(
                    "ifconfig: SIOCIFCREATE2: Invalid argument ({} has no {} driver{})",
                    r.name,
                    driver.name(),
                    release::missing_note(driver)
                ),
            ));
        }
        if driver == Driver::Vxlan
            && vnet != self.vnet0
            && !release::of(self.kernel).cloner_fallback
        {
            return Err(berr(i, drivers::vxlan::IN_JAIL.into()));
        }
        if driver == Driver::Epair {
            return drivers::epair::create(self, i, vnet, ifname);
        }
        if ifname == driver.name() {
            return Err(berr(
                i,
                "ifconfig: SIOCIFCREATE2: Invalid argument (give a unit, e.g. gif0)".into(),
            ));
        }
        if self.vn(vnet).names.contains_key(ifname) {
            return Err(berr(i, "ifconfig: SIOCIFCREATE2: File exists".into()));
        }
        let ifp = self.create_ifnet(vnet, driver, ifname, None);
        if driver == Driver::Wg {
            drivers::wg::created(self, ifp, p);
        }
        Ok(())
    }
}
