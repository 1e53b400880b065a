//! The built-in VNET_SYSUNINIT registrations (lifecycle.md §5) and the destructor order.
//!
//! Invariants:
//! - Every entry carries FreeBSD's real (SI_SUB, SI_ORDER) slot and the source file that
//!   registers it.
//! - Built-ins are registered in ONE fixed sequence (`BUILTINS` order). The kernel breaks
//!   ties between equal slots by registration (boot/link) order, which the docs could not
//!   determine; the sequence here is a modelling choice [I] (decisions §6), chosen so that
//!   teardown runs tied entries in the order network.md §6 lists them (gre before wg, rip
//!   before tcp, ip before ip6, gif before bridge, epair before vlan).
//! - A `sysuninit FUNC SUB ORDER` re-registration replaces the built-in entry and counts as
//!   registered after every built-in, in script order (decisions §7), so among equal slots
//!   it runs first.
//! - Destructors run in descending (sub, order, seq).
//!
//! Representatives, checked against FreeBSD sources [V]:
//! - Stats: `VNET_PCPUSTAT_SYSUNINIT(name)` (sys/net/vnet.h) defines a function named
//!   `vnet_<name>_uninit` and registers it at (SI_SUB_INIT_IF, SI_ORDER_FIRST); ip_input.c
//!   uses it for `ipstat` (under VIMAGE), hence `vnet_ipstat_uninit`. Other protocols' stats
//!   share the slot; one entry stands for them.
//! - Firewalls: `vnet_ipf_uninit` (ipfilter, sys/netpfil/ipfilter/netinet/mlfk_ipl.c) sits at
//!   (SI_SUB_PROTO_FIREWALL, SI_ORDER_THIRD) and only touches ipfilter's own state, which
//!   the model does not represent. pflow's `vnet_pflow_finalise` shares that slot but
//!   drains the network epoch's callbacks, and ipfw's `vnet_ipfw_uninit` sits at an
//!   unnamed order near SI_ORDER_ANY; neither is the neutral stand-in the model needs.
//!   Firewalls are modules, so the entry assumes one is loaded [I].
//! - Loopback: `vnet_loif_init` (if_loop.c) attaches the lo cloner and creates lo0 in every
//!   vnet at (SI_SUB_PROTO_IF, SI_ORDER_ANY); `vnet_loif_uninit` detaches it at
//!   (SI_SUB_INIT_IF, SI_ORDER_SECOND). The kernel gives lo0 no address: 127.0.0.1 is
//!   configured from userland (rc.conf's `ifconfig_lo0`, or a jail's exec.start), which the
//!   model leaves out.
//! - epair: `vnet_epair_uninit` at (SI_SUB_INIT_IF, SI_ORDER_ANY); epair_clone_create puts
//!   both halves on the creating vnet's epair cloner list (the framework adds `a`, the
//!   driver adds `b` itself), and epair_clone_destroy destroys the peer in the peer's
//!   current vnet.

use crate::engine::input::scenario::{Command, IfOp, Scenario};
use crate::engine::kernel::si::*;
use crate::engine::kernel::{drivers, release};
use crate::engine::trace::{Driver, Kernel};
use crate::support::vecmap::VecSet;

/// What a destructor does to the objects the model knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// `vnet_if_return`: loaned interfaces go home.
    IfReturn,
    /// A cloner detach: destroys this vnet's clones of the driver.
    Cloner(Driver),
    /// `ip_destroy` (false) or `ip6_destroy` (true).
    IpDestroy { inet6: bool },
    /// `rtables_destroy`.
    Rtables,
    /// `vnet_pf_uninit`: pf's per-vnet state, its interface records among it.
    Pf,
    /// Something the model has no objects for (firewall, pcbs, ether, pfil, stats).
    Nothing,
}

/// One VNET destructor registration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handler {
    pub func: &'static str,
    pub slot: Slot,
    pub file: &'static str,
    pub action: Action,
    /// What the kernel really does there, for the "nothing of ours" steps.
    pub does: &'static str,
    /// Registration sequence: built-ins 0.., re-registrations after them.
    pub seq: u32,
    /// Whether this entry was moved by a `sysuninit` line.
    pub moved: bool,
    /// Whether the lane's release registers it at another slot than main does.
    pub release: bool,
}

pub const fn h(
    func: &'static str,
    sub: u32,
    order: u32,
    file: &'static str,
    action: Action,
    does: &'static str,
) -> (&'static str, Slot, &'static str, Action, &'static str) {
    (func, Slot::new(sub, order), file, action, does)
}

/// A built-in registration: (function, slot, file, action, what the kernel does there).
pub type Builtin = (&'static str, Slot, &'static str, Action, &'static str);

/// A driver's cloner registration (every modelled driver but vxlan has one).
const fn cloner(d: Driver) -> Builtin {
    match drivers::spec(d).cloner {
        Some(b) => b,
        None => panic!("driver without a per-vnet cloner"),
    }
}

/// The other destructor a driver's module registers.
const fn also(d: Driver) -> Builtin {
    match drivers::spec(d).also {
        Some(b) => b,
        None => panic!("driver without another destructor"),
    }
}

/// The built-ins in registration sequence [I] (see the module comment).
pub const BUILTINS: &[Builtin] = &[
    h(
        "vnet_ipstat_uninit",
        SI_SUB_INIT_IF,
        SI_ORDER_FIRST,
        "sys/netinet/ip_input.c",
        Action::Nothing,
        "frees the per-vnet IPv4 statistics counters (the function VNET_PCPUSTAT_SYSUNINIT(ipstat) defines)",
    ),
    cloner(Driver::Lo),
    cloner(Driver::Vlan),
    cloner(Driver::Epair),
    cloner(Driver::Bridge),
    cloner(Driver::Gif),
    h(
        "vnet_ether_pfil_destroy",
        SI_SUB_PROTO_PFIL,
        SI_ORDER_ANY,
        "sys/net/if_ethersubr.c",
        Action::Nothing,
        "(registered as vnet_ether_pfil_uninit) unregisters the link-layer pfil head",
    ),
    h(
        "vnet_ether_destroy",
        SI_SUB_PROTO_IF,
        SI_ORDER_ANY,
        "sys/net/if_ethersubr.c",
        Action::Nothing,
        "(registered as vnet_ether_uninit) unregisters the ether netisr",
    ),
    h(
        "rtables_destroy",
        SI_SUB_PROTO_DOMAIN,
        SI_ORDER_FIRST,
        "sys/net/route/route_tables.c",
        Action::Rtables,
        "destroys every routing table",
    ),
    h(
        "ip6_destroy",
        SI_SUB_PROTO_DOMAIN,
        SI_ORDER_THIRD,
        "sys/netinet6/ip6_input.c",
        Action::IpDestroy { inet6: true },
        "purges IPv6 addresses and routes",
    ),
    h(
        "ip_destroy",
        SI_SUB_PROTO_DOMAIN,
        SI_ORDER_THIRD,
        "sys/netinet/ip_input.c",
        Action::IpDestroy { inet6: false },
        "purges IPv4 addresses and routes",
    ),
    h(
        "tcp_destroy",
        SI_SUB_PROTO_DOMAIN,
        SI_ORDER_FOURTH,
        "sys/netinet/tcp_subr.c",
        Action::Nothing,
        "frees TCP's per-vnet state",
    ),
    h(
        "rip_destroy",
        SI_SUB_PROTO_DOMAIN,
        SI_ORDER_FOURTH,
        "sys/netinet/raw_ip.c",
        Action::Nothing,
        "frees raw IP's pcb info",
    ),
    h(
        "vnet_ipf_uninit",
        SI_SUB_PROTO_FIREWALL,
        SI_ORDER_THIRD,
        "sys/netpfil/ipfilter/netinet/mlfk_ipl.c",
        Action::Nothing,
        "detaches ipfilter from this vnet and destroys its rules and state",
    ),
    cloner(Driver::Wg),
    cloner(Driver::Gre),
    h(
        "vnet_if_return",
        SI_SUB_VNET_DONE,
        SI_ORDER_ANY,
        "sys/net/if.c",
        Action::IfReturn,
        "moves loaned interfaces back to their home vnet",
    ),
    // Modules outside the base set, registered when loaded, so after every entry above.
    cloner(Driver::Lagg),
    cloner(Driver::Tun),
    cloner(Driver::Ovpn),
    cloner(Driver::Ipsec),
    cloner(Driver::Me),
    crate::engine::kernel::pf::UNINIT,
    cloner(Driver::Ngeth),
    also(Driver::Ngeth),
];

/// The kernel modules the model loads on demand: the drivers outside the base set and
/// pf (`kldload NAME`).
pub fn modules() -> Vec<&'static str> {
    let mut v: Vec<&'static str> =
        Driver::ALL.iter().filter_map(|d| drivers::spec(*d).module).collect();
    v.push(crate::engine::kernel::pf::MODULE);
    crate::support::order::sort(&mut v);
    v.dedup();
    v
}

/// The module whose load registers built-in `b`, if it is not in the base set.
pub fn module_of(b: &Builtin) -> Option<&'static str> {
    match b.3 {
        Action::Cloner(d) => drivers::spec(d).module,
        Action::Pf => Some(crate::engine::kernel::pf::MODULE),
        _ => Driver::ALL
            .into_iter()
            .find(|d| drivers::spec(*d).also.is_some_and(|a| a.0 == b.0))
            .and_then(|d| drivers::spec(d).module),
    }
}

/// Whether built-in `b` is registered in a kernel with the modules of `loaded`: always
/// for the base set; a module's destructor only when the module is loaded; never for a
/// driver the release does not have.
pub fn present(b: &Builtin, loaded: &VecSet<&'static str>, kernel: Kernel) -> bool {
    let driver_here = match b.3 {
        // On releases whose tun/tap and ovpn destroy a jail's interfaces from a prison
        // removal hook, those drivers register no VNET destructor [V if_tuntap.c 15.1].
        Action::Cloner(d) => {
            release::has(kernel, d)
                && !(release::of(kernel).prison_remove_clones
                    && drivers::spec(d).prison_remove.is_some())
        }
        _ => true,
    };
    driver_here && module_of(b).is_none_or(|m| loaded.contains(&m))
}

/// The modules outside the base set that a scenario loads: `kldload` lines; drivers it
/// creates interfaces of (ifconfig loads the module, e.g. if_tuntap.ko, on the first
/// create [V sbin/ifconfig/ifconfig.c ifmaybeload]); and modules whose destructor a
/// `sysuninit` line names (extra moves included).
pub fn loaded<'a>(
    scenario: &Scenario,
    extra: impl IntoIterator<Item = &'a str>,
) -> VecSet<&'static str> {
    let mut out = VecSet::new();
    let by_func = |f: &str, out: &mut VecSet<&'static str>| {
        let f = resolve(f);
        if let Some(m) = BUILTINS.iter().find(|b| b.0 == f).and_then(module_of) {
            out.insert(m);
        }
    };
    for e in &scenario.entries {
        match &e.command {
            Command::Ifconfig {
                ifname, op: IfOp::Create { .. } | IfOp::CreateVlan { .. }, ..
            } => {
                if let Some(m) = Driver::from_ifname(ifname).and_then(|d| drivers::spec(d).module) {
                    out.insert(m);
                }
            }
            Command::Kldload { module } => {
                if let Some(m) = modules().into_iter().find(|m| m == module) {
                    out.insert(m);
                }
            }
            Command::Sysuninit { func, .. } => by_func(func, &mut out),
            Command::Ngctl { .. } => {
                out.extend(drivers::ngeth::SPEC.module);
            }
            _ => {}
        }
    }
    for f in extra {
        by_func(f, &mut out);
    }
    out
}

/// The registry a lane runs with: built-ins plus re-registrations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registry {
    /// In teardown order (descending (sub, order, seq)).
    pub teardown: Vec<Handler>,
}

/// Registrations whose VNET_SYSUNINIT name differs from the function they run
/// (sys/net/if_ethersubr.c) [V]: (registration name, function). The registry lists
/// functions; a `sysuninit` line may name either.
pub const LABELS: &[(&str, &str)] = &[
    ("vnet_ether_uninit", "vnet_ether_destroy"),
    ("vnet_ether_pfil_uninit", "vnet_ether_pfil_destroy"),
];

/// The function a destructor name stands for: itself, or the function a registration
/// name runs.
pub fn resolve(name: &str) -> &str {
    LABELS.iter().find(|(l, _)| *l == name).map(|(_, f)| *f).unwrap_or(name)
}

/// Whether `func` names a built-in destructor (by function or registration name).
pub fn is_known(func: &str) -> bool {
    let func = resolve(func);
    BUILTINS.iter().any(|b| b.0 == func)
}

/// The built-in entry for `func` (a function or registration name).
pub fn builtin(func: &str) -> Option<Handler> {
    let func = resolve(func);
    BUILTINS.iter().enumerate().find(|(_, b)| b.0 == func).map(|(i, b)| Handler {
        func: b.0,
        slot: b.1,
        file: b.2,
        action: b.3,
        does: b.4,
        seq: i as u32,
        moved: false,
        release: false,
    })
}

/// The distinct slots of the base set's built-in destructors, ascending.
pub fn builtin_slots() -> Vec<Slot> {
    // The base set's: a module's slot is a place only where that module is loaded.
    let mut v: Vec<Slot> =
        BUILTINS.iter().filter(|b| module_of(b).is_none()).map(|b| b.1).collect();
    crate::support::order::sort(&mut v);
    v.dedup();
    v
}

impl Registry {
    /// Builds the list from the built-ins and the re-registrations, in the order given.
    /// Returns the unknown function name as the error.
    pub fn new<'a>(
        moves: impl IntoIterator<Item = (&'a str, Slot)>,
        loaded: &VecSet<&'static str>,
        kernel: Kernel,
    ) -> Result<Registry, String> {
        let mut list: Vec<Handler> = BUILTINS
            .iter()
            .filter(|b| present(b, loaded, kernel))
            .filter_map(|b| builtin(b.0))
            .map(|mut h| {
                if let Some(s) = release::slot(kernel, h.func) {
                    h.slot = s;
                    h.release = true;
                }
                h
            })
            .collect::<Vec<_>>();
        for (next, (func, slot)) in (BUILTINS.len() as u32..).zip(moves) {
            let func = resolve(func);
            let Some(pos) = list.iter().position(|h| h.func == func) else {
                return Err(func.to_string());
            };
            let mut e = list.remove(pos);
            e.slot = slot;
            e.seq = next;
            e.moved = true;
            list.push(e);
        }
        crate::support::order::sort_by(&mut list, |a, b| (b.slot, b.seq).cmp(&(a.slot, a.seq)));
        Ok(Registry { teardown: list })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn todays_order_matches_network_md_section_6() {
        let r = Registry::new([], &VecSet::new(), Kernel::Main).expect("no moves");
        let names: Vec<&str> = r.teardown.iter().map(|h| h.func).collect();
        assert_eq!(
            names,
            [
                "vnet_if_return",
                "vnet_gre_uninit",
                "vnet_wg_uninit",
                "vnet_ipf_uninit",
                "rip_destroy",
                "tcp_destroy",
                "ip_destroy",
                "ip6_destroy",
                "rtables_destroy",
                "vnet_ether_destroy",
                "vnet_ether_pfil_destroy",
                "vnet_gif_uninit",
                "vnet_bridge_uninit",
                "vnet_epair_uninit",
                "vnet_vlan_uninit",
                "vnet_loif_uninit",
                "vnet_ipstat_uninit",
            ]
        );
    }

    #[test]
    fn a_re_registration_runs_first_among_equals() {
        let r = Registry::new(
            [("vnet_gif_uninit", Slot::new(SI_SUB_PROTO_DOMAIN, SI_ORDER_FIRST))],
            &VecSet::new(),
            Kernel::Main,
        )
        .expect("known");
        let pos = |f: &str| r.teardown.iter().position(|h| h.func == f);
        assert!(pos("vnet_gif_uninit") < pos("rtables_destroy"));
        assert!(pos("ip6_destroy") < pos("vnet_gif_uninit"));
        assert_eq!(
            Registry::new([("nope", Slot::new(1, 1))], &VecSet::new(), Kernel::Main),
            Err("nope".to_string())
        );
    }
}
