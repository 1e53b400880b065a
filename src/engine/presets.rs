//! The preset gallery: real history from the mail thread and network.md §5-§6, each with
//! its sources and the outcome the docs predict under every stage order.
//!
//! Invariants: scripts are plain scenario text (parsed with `script::parse`); every preset
//! states an expected outcome for all three orders, and `tests/engine_presets.rs` asserts
//! them. The engine never looks at a preset's slug or names: the expectations follow from
//! the general mechanism.

use crate::engine::trace::{Kernel, Outcome, StageOrder};
use crate::support::vecmap::VecMap;

/// The subsystem a preset is about, in gallery order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// Tunnel drivers: gif, gre, ipsec, me, wg, ovpn.
    Tunnels,
    /// Cloned interfaces that hold others or are held: epair, vlan, bridge, lagg, tun/tap.
    Interfaces,
    /// Jails and processes: nesting, non-vnet jails, zombies.
    Jails,
    /// Firewalls: pf's interface records.
    Firewalls,
}

impl Group {
    pub const ALL: [Group; 4] = [Group::Tunnels, Group::Interfaces, Group::Jails, Group::Firewalls];

    pub fn label(self) -> &'static str {
        match self {
            Group::Tunnels => "Tunnels",
            Group::Interfaces => "Interfaces",
            Group::Jails => "Jails and processes",
            Group::Firewalls => "Firewalls",
        }
    }
}

/// One gallery entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preset {
    pub slug: &'static str,
    pub group: Group,
    pub title: &'static str,
    /// One line.
    pub story: &'static str,
    pub sources: Vec<(&'static str, &'static str)>,
    pub script: &'static str,
    /// The kernel the story is told on: opening the preset sets both lanes to it.
    pub kernel: Kernel,
    pub expect: VecMap<StageOrder, Outcome>,
    /// The outcome under legacy on each release the story spans (the bug's history);
    /// empty for stories that only concern main.
    pub releases: &'static [(Kernel, Outcome)],
}

const THREAD: (&str, &str) = (
    "freebsd-jail, 18 Dec 2022: Propose a new stage vnet_shutdown",
    "https://lists.freebsd.org/archives/freebsd-jail/2022-December/000170.html",
);
const GRITTON: (&str, &str) = (
    "James Gritton's reply: use prison_cleanup",
    "https://lists.freebsd.org/archives/freebsd-jail/2022-December/000173.html",
);
const D32835: (&str, &str) =
    ("D32835: if_gif: move the cloner to SI_SUB_PSEUDO", "https://reviews.freebsd.org/D32835");
const GMSHAKE: (&str, &str) = (
    "Zhenlei Huang's route-cache prototype (gmshake/freebsd-src)",
    "https://github.com/gmshake/freebsd-src",
);
const IF_GIF: (&str, &str) = (
    "if_gif.c: gif_reassign deletes the tunnel of a moved gif",
    "https://cgit.freebsd.org/src/tree/sys/net/if_gif.c",
);
const KERN_EXIT: (&str, &str) = (
    "kern_exit.c: exit1 drops the user reference, proc_reap the cred",
    "https://cgit.freebsd.org/src/tree/sys/kern/kern_exit.c",
);
const D6747: (&str, &str) = ("D6747: top-down VNET teardown", "https://reviews.freebsd.org/D6747");
const D28860: (&str, &str) = (
    "D28860: if_bridge's lladdr event after if_afdata is gone",
    "https://reviews.freebsd.org/D28860",
);
const D51525: (&str, &str) = (
    "D51525: if_tuntap: destroy a dying jail's interfaces from a prison removal hook",
    "https://reviews.freebsd.org/D51525",
);
const D36632: (&str, &str) =
    ("D36632: if_clone: rework the cloning KPI", "https://reviews.freebsd.org/D36632");
const D29116: (&str, &str) =
    ("D29116: flush all routes of a family in ip_destroy", "https://reviews.freebsd.org/D29116");
const PR253998: (&str, &str) = (
    "PR 253998: rtentry leak for cloned interfaces in a VNET",
    "https://bugs.freebsd.org/bugzilla/show_bug.cgi?id=253998",
);
const D47991: (&str, &str) =
    ("D47991: jail removal on a thread of its own", "https://reviews.freebsd.org/D47991");
const IF_VLAN: (&str, &str) = (
    "if_vlan.c: vlan_ifdetach, trunk_destroy",
    "https://cgit.freebsd.org/src/tree/sys/net/if_vlan.c",
);
const IF_BRIDGE: (&str, &str) =
    ("if_bridge.c: bridge_reassign", "https://cgit.freebsd.org/src/tree/sys/net/if_bridge.c");
const IF_LAGG: (&str, &str) =
    ("if_lagg.c: lagg_port_ifdetach", "https://cgit.freebsd.org/src/tree/sys/net/if_lagg.c");
const IF_TUNTAP: (&str, &str) = (
    "if_tuntap.c: tuntap_prison_remove, vnet_tun_uninit",
    "https://cgit.freebsd.org/src/tree/sys/net/if_tuntap.c",
);
const IF_VXLAN: (&str, &str) =
    ("if_vxlan.c: one global cloner", "https://cgit.freebsd.org/src/tree/sys/net/if_vxlan.c");
const IF_EPAIR: (&str, &str) =
    ("if_epair.c: epair_clone_destroy", "https://cgit.freebsd.org/src/tree/sys/net/if_epair.c");
const IF_ME: (&str, &str) =
    ("if_me.c: vnet_me_uninit", "https://cgit.freebsd.org/src/tree/sys/net/if_me.c");
const IF_IPSEC: (&str, &str) =
    ("if_ipsec.c: vnet_ipsec_uninit", "https://cgit.freebsd.org/src/tree/sys/net/if_ipsec.c");
const PF_IF: (&str, &str) = (
    "pf_if.c: pfi_attach_ifnet, pfi_detach_ifnet_event",
    "https://cgit.freebsd.org/src/tree/sys/netpfil/pf/pf_if.c",
);
const PF_IOCTL: (&str, &str) = (
    "pf_ioctl.c: vnet_pf_uninit, pf_unload_vnet",
    "https://cgit.freebsd.org/src/tree/sys/netpfil/pf/pf_ioctl.c",
);
const NG_EIFACE: (&str, &str) = (
    "ng_eiface.c, ng_base.c: vnet_netgraph_uninit",
    "https://cgit.freebsd.org/src/tree/sys/netgraph/ng_base.c",
);
const PR238326: (&str, &str) = (
    "PR 238326: netgraph vnet jails panic the host when stopped",
    "https://bugs.freebsd.org/bugzilla/show_bug.cgi?id=238326",
);
const IF_WG: (&str, &str) =
    ("if_wg.c wg_prison_remove", "https://cgit.freebsd.org/src/tree/sys/dev/wg/if_wg.c");
const IF_OVPN: (&str, &str) =
    ("if_ovpn.c: ovpn_clone_destroy", "https://cgit.freebsd.org/src/tree/sys/net/if_ovpn.c");

fn all(o: Outcome) -> VecMap<StageOrder, Outcome> {
    VecMap::from_pairs(StageOrder::ALL.map(|s| (s, o)).to_vec())
}

fn expect(pairs: &[(StageOrder, Outcome)]) -> VecMap<StageOrder, Outcome> {
    VecMap::from_pairs(pairs.to_vec())
}

fn legacy_then_clean(o: Outcome) -> VecMap<StageOrder, Outcome> {
    let mut m = all(Outcome::Clean);
    m.insert(StageOrder::Legacy, o);
    m
}

pub const SEED: &str = "\
options ROUTE_CACHE
jail -c name=j1 vnet persist
ifconfig epair0 create
ifconfig epair0b vnet j1
jexec j1 ifconfig epair0b inet 192.0.2.1/24
jexec j1 ifconfig gif0 create
jexec j1 ifconfig gif0 tunnel 192.0.2.1 192.0.2.2
jexec j1 ifconfig gif0 inet 10.0.0.1/30 10.0.0.2
jexec j1 route add -net 10.1.0.0/16 10.0.0.2
jail -r j1
";

/// The slug of the scenario a first-time visitor sees.
pub const SEED_SLUG: &str = "seed-gif-route-cache";

/// The gallery as the app shows it: grouped by subsystem, the seed first in its group
/// (the first), the rest in display order.
pub fn gallery() -> Vec<Preset> {
    let mut all = presets();
    crate::support::order::sort_by_key(&mut all, |p| (p.group, p.slug != SEED_SLUG));
    all
}

/// The gallery, in display order.
pub fn presets() -> Vec<Preset> {
    vec![
        Preset {
            slug: "seed-gif-route-cache",
            group: Group::Tunnels,
            title: "gif with the route-cache prototype in a vnet jail",
            story: "rtables_destroy frees gif0's rib subscription before vnet_gif_uninit unsubscribes it: the page fault from the mail.",
            sources: vec![THREAD, GRITTON, GMSHAKE, D32835],
            script: SEED,
            kernel: Kernel::Main,
            expect: legacy_then_clean(Outcome::PageFault),
            releases: &[],
        },
        Preset {
            slug: "upstream-gif",
            group: Group::Tunnels,
            title: "The same jail on upstream FreeBSD (no route cache)",
            story: "Without the prototype gif0 holds nothing in the routing subsystem, so today's order is clean.",
            sources: vec![THREAD, D32835],
            script: "\
jail -c name=j1 vnet persist
ifconfig epair0 create
ifconfig epair0b vnet j1
jexec j1 ifconfig epair0b inet 192.0.2.1/24
jexec j1 ifconfig gif0 create
jexec j1 ifconfig gif0 tunnel 192.0.2.1 192.0.2.2
jexec j1 ifconfig gif0 inet 10.0.0.1/30 10.0.0.2
jexec j1 route add -net 10.1.0.0/16 10.0.0.2
jail -r j1
",
            kernel: Kernel::Main,
            expect: all(Outcome::Clean),
            releases: &[],
        },
        Preset {
            slug: "gre-route-cache",
            group: Group::Tunnels,
            title: "gre with the route cache, routes via -interface gre0",
            story: "gre dies at PROTO_IFATTACHDOMAIN while routing still lives, so its unsubscribe is safe [I #route-cache].",
            sources: vec![THREAD, GMSHAKE, D6747],
            script: "\
options ROUTE_CACHE
jail -c name=j1 vnet persist
ifconfig epair0 create
ifconfig epair0b vnet j1
jexec j1 ifconfig epair0b inet 192.0.2.1/24
jexec j1 ifconfig gre0 create
jexec j1 ifconfig gre0 tunnel 192.0.2.1 192.0.2.2
jexec j1 route add -net 10.1.0.0/16 -interface gre0
jail -r j1
",
            kernel: Kernel::Main,
            expect: all(Outcome::Clean),
            releases: &[],
        },
        Preset {
            slug: "pre-d32835-gif",
            group: Group::Tunnels,
            title: "gif in a vnet jail on FreeBSD 13.0, before D32835",
            story: "On 13.0 gif's cloner sits at PROTO_IFATTACHDOMAIN: gif is destroyed while the vnet is shutting down, its address stays in the hash, and ip_destroy panics. 13.1 and later are clean.",
            sources: vec![
                D32835,
                ("commit 8ca6c11a7cf8", "https://cgit.freebsd.org/src/commit/?id=8ca6c11a7cf8"),
            ],
            script: "\
jail -c name=j1 vnet persist
ifconfig epair0 create
ifconfig epair0b vnet j1
jexec j1 ifconfig epair0b inet 192.0.2.1/24
jexec j1 ifconfig gif0 create
jexec j1 ifconfig gif0 tunnel 192.0.2.1 192.0.2.2
jexec j1 ifconfig gif0 inet 10.0.0.1/30 10.0.0.2
jail -r j1
",
            kernel: Kernel::R13_0,
            expect: legacy_then_clean(Outcome::Panic),
            releases: &[
                (Kernel::R13_0, Outcome::Panic),
                (Kernel::R13, Outcome::Clean),
                (Kernel::R14, Outcome::Clean),
                (Kernel::R15_0, Outcome::Clean),
                (Kernel::Main, Outcome::Clean),
            ],
        },
        Preset {
            slug: "gif-proto-domain-second",
            group: Group::Tunnels,
            title: "The seed with gif at PROTO_DOMAIN/SECOND",
            story: "Between ip_destroy and rtables_destroy: the one slot that numbering happens to leave free.",
            sources: vec![THREAD, D32835],
            script: "\
options ROUTE_CACHE
sysuninit vnet_gif_uninit SI_SUB_PROTO_DOMAIN SI_ORDER_SECOND
jail -c name=j1 vnet persist
ifconfig epair0 create
ifconfig epair0b vnet j1
jexec j1 ifconfig epair0b inet 192.0.2.1/24
jexec j1 ifconfig gif0 create
jexec j1 ifconfig gif0 tunnel 192.0.2.1 192.0.2.2
jexec j1 ifconfig gif0 inet 10.0.0.1/30 10.0.0.2
jexec j1 route add -net 10.1.0.0/16 10.0.0.2
jail -r j1
",
            kernel: Kernel::Main,
            expect: all(Outcome::Clean),
            releases: &[],
        },
        Preset {
            slug: "epair-loan",
            group: Group::Interfaces,
            title: "An epair end loaned into a jail",
            story: "vnet_if_return sends epair0b home with a full detach before anything else runs.",
            sources: vec![
                ("D20868: epair vs vnet_if_return", "https://reviews.freebsd.org/D20868"),
                D6747,
            ],
            script: "\
jail -c name=j1 vnet persist
ifconfig epair0 create
ifconfig epair0b vnet j1
jexec j1 ifconfig epair0b inet 192.0.2.1/24
jexec j1 route add -net 198.51.100.0/24 192.0.2.254
jexec j1 sleep 1000 &
jail -r j1
",
            kernel: Kernel::Main,
            expect: all(Outcome::Clean),
            releases: &[],
        },
        Preset {
            slug: "nested-vnet-jails",
            group: Group::Jails,
            title: "Nested vnet jails",
            story: "Removing the parent kills the child too; the child's vnet is destroyed first.",
            sources: vec![(
                "kern_jail.c prison_deref_kill",
                "https://cgit.freebsd.org/src/tree/sys/kern/kern_jail.c",
            )],
            script: "\
jail -c name=p vnet persist
jail -c name=p.c vnet persist
ifconfig epair0 create
ifconfig epair0b vnet p.c
jexec p.c ifconfig epair0b inet 192.0.2.1/24
jexec p ifconfig gif0 create
jexec p ifconfig gif0 inet 10.0.0.1/30 10.0.0.2
jexec p.c sleep 1000 &
jail -r p
",
            kernel: Kernel::Main,
            expect: all(Outcome::Clean),
            releases: &[],
        },
        Preset {
            slug: "non-vnet-jail",
            group: Group::Jails,
            title: "A jail without its own vnet",
            story: "It shares the host's vnet, so removing it never calls vnet_destroy.",
            sources: vec![(
                "kern_jail.c prison_deref",
                "https://cgit.freebsd.org/src/tree/sys/kern/kern_jail.c",
            )],
            script: "\
jail -c name=j1 persist
jexec j1 sleep 1000 &
jail -r j1
",
            kernel: Kernel::Main,
            expect: all(Outcome::Clean),
            releases: &[],
        },
        Preset {
            slug: "gre-inner-address",
            group: Group::Tunnels,
            title: "gre with an inner address in a vnet jail",
            story: "By D32835's reasoning ip_destroy should panic; FreeBSD's own gre tests disagree, an open question [I #gre-inner-address].",
            sources: vec![
                D32835,
                (
                    "tests/sys/net/if_gre.sh",
                    "https://cgit.freebsd.org/src/tree/tests/sys/net/if_gre.sh",
                ),
            ],
            script: "\
jail -c name=j1 vnet persist
ifconfig epair0 create
ifconfig epair0b vnet j1
jexec j1 ifconfig epair0b inet 192.0.2.1/24
jexec j1 ifconfig gre0 create
jexec j1 ifconfig gre0 tunnel 192.0.2.1 192.0.2.2
jexec j1 ifconfig gre0 inet 10.0.0.1/30 10.0.0.2
jail -r j1
",
            kernel: Kernel::Main,
            expect: legacy_then_clean(Outcome::Panic),
            releases: &[],
        },
        Preset {
            slug: "gif-loaned-in",
            group: Group::Tunnels,
            title: "A host gif with the route cache, loaned into the jail",
            story: "It leaves at vnet_if_return while routing lives; upstream gif_reassign deletes its tunnel, and with it the prototype's cache and subscription.",
            sources: vec![THREAD, GMSHAKE, IF_GIF],
            script: "\
options ROUTE_CACHE
jail -c name=j1 vnet persist
ifconfig epair0 create
ifconfig epair0b vnet j1
ifconfig gif0 create
ifconfig gif0 vnet j1
jexec j1 ifconfig epair0b inet 192.0.2.1/24
jexec j1 ifconfig gif0 tunnel 192.0.2.1 192.0.2.2
jexec j1 ifconfig gif0 inet 10.0.0.1/30 10.0.0.2
jail -r j1
",
            kernel: Kernel::Main,
            expect: all(Outcome::Clean),
            releases: &[],
        },
        Preset {
            slug: "upstream-gif-loaned-in",
            group: Group::Tunnels,
            title: "A host gif loaned into the jail, on upstream FreeBSD",
            story: "No route cache: vnet_if_return sends gif0 home and gif_reassign deletes its tunnel on the way.",
            sources: vec![IF_GIF],
            script: "\
jail -c name=j1 vnet persist
ifconfig gif0 create
ifconfig gif0 vnet j1
jexec j1 ifconfig gif0 tunnel 198.51.100.1 198.51.100.2
jail -r j1
",
            kernel: Kernel::Main,
            expect: all(Outcome::Clean),
            releases: &[],
        },
        Preset {
            slug: "zombie-keeps-jail",
            group: Group::Jails,
            title: "A jailed process whose parent never reaps it",
            story: "exit1 drops the user reference, but the zombie's cred keeps a pr_ref until reaped: the jail stays dying.",
            sources: vec![KERN_EXIT],
            script: "\
jail -c name=j1 vnet persist
jexec j1 sleep 3600 &
noreap j1
jail -r j1
",
            kernel: Kernel::Main,
            expect: all(Outcome::Stuck),
            releases: &[],
        },
        Preset {
            slug: "wg-in-jail",
            group: Group::Tunnels,
            title: "wg created in a vnet jail",
            story: "wg holds its creator's cred; wg_prison_remove drops it in prison_cleanup so the jail can die.",
            sources: vec![IF_WG],
            script: "\
jail -c name=j1 vnet persist
jexec j1 ifconfig wg0 create
jexec j1 sleep 1000 &
jail -r j1
",
            kernel: Kernel::Main,
            expect: all(Outcome::Clean),
            releases: &[],
        },
        Preset {
            slug: "wg-without-prison-remove",
            group: Group::Tunnels,
            title: "wg in a jail, on a kernel without wg_prison_remove (what-if)",
            story: "wg0 holds its creator's cred, so the jail waits for its vnet and the vnet for the jail: it never finishes dying.",
            sources: vec![IF_WG],
            script: "\
without wg_prison_remove
jail -c name=j1 vnet persist
jexec j1 ifconfig wg0 create
jail -r j1
",
            kernel: Kernel::Main,
            expect: legacy_then_clean(Outcome::Stuck),
            releases: &[],
        },
        Preset {
            slug: "gre-reclaimed-home",
            group: Group::Interfaces,
            title: "A jail's gre reclaimed by the host",
            story: "gre0 lives in the host but sits on the jail's cloner list, so the jail's teardown destroys it.",
            sources: vec![
                D6747,
                ("if_clone.c", "https://cgit.freebsd.org/src/tree/sys/net/if_clone.c"),
            ],
            script: "\
jail -c name=j1 vnet persist
jexec j1 ifconfig gre0 create
ifconfig gre0 -vnet j1
ifconfig gre0 inet 10.0.0.1/30 10.0.0.2
jail -r j1
",
            kernel: Kernel::Main,
            expect: all(Outcome::Clean),
            releases: &[],
        },
        Preset {
            slug: "vlan-on-loaned-epair",
            group: Group::Interfaces,
            title: "A vlan in the jail on a loaned epair end",
            story: "vnet_if_return takes epair0b home; its departure unconfigures vlan5 (the trunk drops its if_ref), and vnet_vlan_uninit destroys it later.",
            sources: vec![IF_VLAN, D47991],
            script: "\
jail -c name=j1 vnet persist
ifconfig epair0 create
ifconfig epair0b vnet j1
jexec j1 ifconfig vlan5 create vlan 5 vlandev epair0b
jexec j1 ifconfig vlan5 inet 192.0.2.1/24
jail -r j1
",
            kernel: Kernel::Main,
            expect: all(Outcome::Clean),
            releases: &[],
        },
        Preset {
            slug: "bridge-returned-home",
            group: Group::Interfaces,
            title: "A host bridge loaned into the jail, with jail members",
            story: "vnet_if_return sends bridge0 home; bridge_reassign deletes its members after the detach freed its per-family data (D28860).",
            sources: vec![D28860, IF_BRIDGE],
            script: "\
jail -c name=j1 vnet persist
ifconfig bridge0 create
ifconfig bridge0 vnet j1
jexec j1 ifconfig epair0 create
jexec j1 ifconfig bridge0 addm epair0a
jexec j1 ifconfig bridge0 addm epair0b
jail -r j1
",
            kernel: Kernel::Main,
            expect: all(Outcome::Clean),
            releases: &[],
        },
        Preset {
            slug: "lagg-on-loaned-ports",
            group: Group::Interfaces,
            title: "A lagg in the jail over two loaned epair ends",
            story: "Each port's departure runs lagg_port_ifdetach, which drops the lagg's if_ref before the port goes home.",
            sources: vec![IF_LAGG],
            script: "\
jail -c name=j1 vnet persist
ifconfig epair0 create
ifconfig epair1 create
ifconfig epair0b vnet j1
ifconfig epair1b vnet j1
jexec j1 ifconfig lagg0 create
jexec j1 ifconfig lagg0 laggport epair0b
jexec j1 ifconfig lagg0 laggport epair1b
jexec j1 ifconfig lagg0 inet 192.0.2.1/24
jail -r j1
",
            kernel: Kernel::Main,
            expect: all(Outcome::Clean),
            releases: &[],
        },
        Preset {
            slug: "vlan-on-lagg-removal-deadlock",
            group: Group::Jails,
            title: "A vlan on a lagg of loaned ports, in a jail with a process",
            story: "The lagg loses its primary port on the way out, queueing the vlan's lladdr task on taskqueue_thread; before D47991 that thread runs the teardown and vlan_clone_destroy waits on it forever.",
            sources: vec![D47991, IF_VLAN, IF_LAGG],
            script: "\
jail -c name=j1 vnet persist
ifconfig epair0 create
ifconfig epair1 create
ifconfig epair0b vnet j1
ifconfig epair1b vnet j1
jexec j1 ifconfig lagg0 create
jexec j1 ifconfig lagg0 laggport epair0b
jexec j1 ifconfig lagg0 laggport epair1b
jexec j1 ifconfig vlan5 create vlan 5 vlandev lagg0
jexec j1 sleep 1000 &
jail -r j1
",
            kernel: Kernel::R14,
            expect: expect(&[
                (StageOrder::Legacy, Outcome::Stuck),
                (StageOrder::VnetShutdown, Outcome::Stuck),
                (StageOrder::PrisonCleanup, Outcome::Clean),
            ]),
            releases: &[
                (Kernel::R13_0, Outcome::Stuck),
                (Kernel::R13, Outcome::Stuck),
                (Kernel::R14, Outcome::Stuck),
                (Kernel::R14_3, Outcome::Clean),
                (Kernel::R15_0, Outcome::Clean),
                (Kernel::Main, Outcome::Clean),
            ],
        },
        Preset {
            slug: "vxlan-in-jail-on-13",
            group: Group::Tunnels,
            title: "vxlan created in a vnet jail on FreeBSD 13",
            story: "13.x's if_clone borrows vnet0's vxlan cloner, so the jail gets a vxlan that no VNET destructor destroys: it leaks with a dangling if_vnet. 14.0 and later refuse the create (EINVAL).",
            sources: vec![D36632, IF_VXLAN],
            script: "\
jail -c name=j1 vnet persist
ifconfig epair0 create
ifconfig epair0b vnet j1
jexec j1 ifconfig epair0b inet 192.0.2.1/24
jexec j1 ifconfig vxlan0 create vxlanid 42 vxlanlocal 192.0.2.1 vxlanremote 192.0.2.2
jexec j1 ifconfig vxlan0 inet 10.7.0.1/24
jail -r j1
",
            kernel: Kernel::R13,
            expect: legacy_then_clean(Outcome::Leak),
            releases: &[(Kernel::R13_0, Outcome::Leak), (Kernel::R13, Outcome::Leak)],
        },
        Preset {
            slug: "route-leak-before-d29116",
            group: Group::Tunnels,
            title: "A route through gre0, with ip_destroy as before D29116 (what-if)",
            story: "gre0 leaves V_ifnet while the vnet is shutting down; a per-interface flush never visits it, so its route, the nexthop and gre0 itself outlive the vnet. rib_flush_routes_family (D29116) flushes the whole table.",
            sources: vec![D29116, PR253998],
            script: "\
without rib_flush_routes_family
jail -c name=j1 vnet persist
ifconfig epair0 create
ifconfig epair0b vnet j1
jexec j1 ifconfig epair0b inet 192.0.2.1/24
jexec j1 ifconfig gre0 create
jexec j1 ifconfig gre0 tunnel 192.0.2.1 192.0.2.2
jexec j1 route add -net 10.9.0.0/16 -interface gre0
jail -r j1
",
            kernel: Kernel::Main,
            expect: legacy_then_clean(Outcome::Leak),
            releases: &[],
        },
        Preset {
            slug: "tun-tap-in-jail",
            group: Group::Interfaces,
            title: "tun and tap created in a vnet jail",
            story: "On 15.0 and main tuntap_prison_remove destroys both at the DYING mark, before SIGKILL (D51525); on 14.x and older one VNET destructor, vnet_tun_uninit at PROTO_IF, destroys them after IP and routing are gone.",
            sources: vec![IF_TUNTAP, D51525],
            script: "\
jail -c name=j1 vnet persist
jexec j1 ifconfig tun0 create
jexec j1 ifconfig tun0 inet 10.0.0.1/30 10.0.0.2
jexec j1 ifconfig tap0 create
jail -r j1
",
            kernel: Kernel::Main,
            expect: all(Outcome::Clean),
            releases: &[],
        },
        Preset {
            slug: "epair-two-jails",
            group: Group::Interfaces,
            title: "One epair between two jails, removed one after the other",
            story: "Each jail's vnet_if_return sends its end home to the host; the epair outlives both jails.",
            sources: vec![IF_EPAIR],
            script: "\
jail -c name=a vnet persist
jail -c name=b vnet persist
ifconfig epair0 create
ifconfig epair0a vnet a
ifconfig epair0b vnet b
jexec a ifconfig epair0a inet 192.0.2.1/24
jexec b ifconfig epair0b inet 192.0.2.2/24
jail -r a
jail -r b
",
            kernel: Kernel::Main,
            expect: all(Outcome::Clean),
            releases: &[],
        },
        Preset {
            slug: "me-tunnel-in-jail",
            group: Group::Tunnels,
            title: "An me tunnel in a vnet jail",
            story: "vnet_me_uninit frees me's hash tables before it destroys me0, whose tunnel delete then writes into them [I #me-tables].",
            sources: vec![IF_ME],
            script: "\
jail -c name=j1 vnet persist
ifconfig epair0 create
ifconfig epair0b vnet j1
jexec j1 ifconfig epair0b inet 192.0.2.1/24
jexec j1 ifconfig me0 create
jexec j1 ifconfig me0 tunnel 192.0.2.1 192.0.2.2
jail -r j1
",
            kernel: Kernel::Main,
            expect: legacy_then_clean(Outcome::PageFault),
            releases: &[],
        },
        Preset {
            slug: "ipsec-in-jail",
            group: Group::Tunnels,
            title: "An ipsec tunnel in a vnet jail",
            story: "vnet_ipsec_uninit destroys the interfaces first and frees its tables after: the order me lacks.",
            sources: vec![IF_IPSEC],
            script: "\
jail -c name=j1 vnet persist
ifconfig epair0 create
ifconfig epair0b vnet j1
jexec j1 ifconfig epair0b inet 192.0.2.1/24
jexec j1 ifconfig ipsec0 create
jexec j1 ifconfig ipsec0 tunnel 192.0.2.1 192.0.2.2
jail -r j1
",
            kernel: Kernel::Main,
            expect: all(Outcome::Clean),
            releases: &[],
        },
        Preset {
            slug: "ovpn-in-jail",
            group: Group::Tunnels,
            title: "An OpenVPN offload interface in a vnet jail",
            story: "On 15.0 and main ovpn_prison_remove destroys ovpn0 at the DYING mark; on 14.x vnet_ovpn_uninit, at PSEUDO beside gif and bridge, does. Its peers come from openvpn, which is not modelled.",
            sources: vec![IF_OVPN],
            script: "\
jail -c name=j1 vnet persist
jexec j1 ifconfig ovpn0 create
jail -r j1
",
            kernel: Kernel::Main,
            expect: all(Outcome::Clean),
            releases: &[],
        },
        Preset {
            slug: "ng-eiface-jails",
            group: Group::Interfaces,
            title: "netgraph eiface: one from the host, loaned in; one made in the jail",
            story: "vnet_if_return sends the host's ngeth0 home; vnet_netgraph_uninit shuts the jail's own node down. PR 238326's panic is not explained by the source read [I].",
            sources: vec![NG_EIFACE, PR238326],
            script: "\
jail -c name=j1 vnet persist
ngctl mkpeer . eiface hook ether
ngctl mkpeer . eiface hook ether
ifconfig ngeth1 vnet j1
jexec j1 ifconfig ngeth1 inet 192.0.2.1/24
jexec j1 ngctl mkpeer . eiface hook ether
jail -r j1
",
            kernel: Kernel::Main,
            expect: all(Outcome::Clean),
            releases: &[],
        },
        Preset {
            slug: "pf-in-jail",
            group: Group::Firewalls,
            title: "pf loaded, a vnet jail with a loaned epair end and a gif",
            story: "Each interface's kif holds an if_ref; epair0b's goes at its departure, the rest in vnet_pf_uninit, before gif0 dies.",
            sources: vec![PF_IF, PF_IOCTL],
            script: "\
kldload pf
jail -c name=j1 vnet persist
ifconfig epair0 create
ifconfig epair0b vnet j1
jexec j1 ifconfig epair0b inet 192.0.2.1/24
jexec j1 ifconfig gif0 create
jexec j1 ifconfig gif0 tunnel 192.0.2.1 192.0.2.2
jail -r j1
",
            kernel: Kernel::Main,
            expect: all(Outcome::Clean),
            releases: &[],
        },
    ]
}

/// The preset with this slug.
pub fn preset(slug: &str) -> Option<Preset> {
    presets().into_iter().find(|p| p.slug == slug)
}

/// A synthetic scale scenario for benchmarks and profiling, not a preset: `jails` vnet
/// jails, each with a loaned epair end, a gif tunnel with an address and a route (about 20
/// kernel objects a jail), all removed at the end.
pub fn scale_script(jails: usize) -> String {
    let mut s = String::from("options ROUTE_CACHE\n");
    for j in 0..jails {
        let (a, b) = (j / 250, j % 250);
        s.push_str(&format!(
            "jail -c name=j{j} vnet persist\nifconfig epair{j} create\nifconfig epair{j}b vnet j{j}\n\
             jexec j{j} ifconfig epair{j}b inet 10.{a}.{b}.1/24\njexec j{j} ifconfig gif0 create\n\
             jexec j{j} ifconfig gif0 tunnel 10.{a}.{b}.1 10.{a}.{b}.2\n\
             jexec j{j} ifconfig gif0 inet 172.16.0.1/30 172.16.0.2\n\
             jexec j{j} route add -net 192.168.0.0/16 172.16.0.2\n"
        ));
    }
    for j in 0..jails {
        s.push_str(&format!("jail -r j{j}\n"));
    }
    s
}
