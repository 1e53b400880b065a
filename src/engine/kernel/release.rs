//! FreeBSD kernels as data: what each release the model knows does differently in a
//! jail's teardown, every difference citing the commit or review that made it.
//!
//! A lane runs one `Kernel`. The registry (`teardown::registry`) and the set-up read a
//! release's switches from here and nowhere else; `main` is the model's reference kernel
//! (the built-in registrations), and every other release is main plus the differences
//! listed in `CHANGES`.
//!
//! Invariants:
//! - Every switch of a release is one field of `Release`, and `CHANGES` names each
//!   switch once, with its citation, its provenance marker and the kernels that have the
//!   new behaviour; `tests/it/releases.rs` checks every release against a table.
//! - `of(k)` is total; `parse_version` maps every FreeBSD version the model covers (and
//!   the slugs) to its kernel, and nothing else.

use crate::engine::kernel::si::*;
use crate::engine::trace::{Driver, Kernel};

/// What one kernel does differently. `main` is the reference: every switch at its value
/// there gives today's model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Release {
    pub kernel: Kernel,
    /// For headers and tables: "FreeBSD 13.0".
    pub name: &'static str,
    /// For the lane's select box: "13.0", "14.0–14.2".
    pub short: &'static str,
    /// The FreeBSD versions this kernel stands for (`--kernel 14.2` picks 14.x).
    pub versions: &'static [&'static str],
    /// Where its sources live.
    pub branch: &'static str,
    /// Registrations whose slot differs from main's: (function, slot, what later moved
    /// it). Before D32835 gif's cloner sat at (SI_SUB_PROTO_IFATTACHDOMAIN, SI_ORDER_ANY).
    pub slots: &'static [(&'static str, Slot, &'static str)],
    /// Drivers the release has no cloner for: `ifconfig X create` fails.
    pub missing: &'static [Driver],
    /// if_clone falls back to vnet0's cloners when the jail's vnet has no match, so a
    /// global cloner (vxlan's) creates interfaces inside a vnet jail.
    pub cloner_fallback: bool,
    /// The last reference's teardown (prison_complete) runs on a thread of its own,
    /// `taskqueue_jail_remove` (D47991), not on `taskqueue_thread`.
    pub removal_thread: bool,
    /// tun/tap and ovpn destroy a dying vnet jail's interfaces from PR_METHOD_REMOVE
    /// hooks at prison_cleanup, and have no VNET destructor (D51525 and 96b29c7f0cff).
    pub prison_remove_clones: bool,
    /// prison_cleanup comes in a locked and an unlocked half (with jail descriptors).
    pub cleanup_split: bool,
    /// Whether a tree of this release's branch was read for kern_jail.c (14.0-STABLE,
    /// 15.1); the 13.x jail_remove path is 14.0's, inferred.
    pub jail_read: bool,
    /// How the release's behaviour is known, for the model guide and `--list-kernels`.
    pub evidence: &'static str,
}

/// One difference between releases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    /// The switch, as `Release`'s field names it (`slots` and `missing` name the entry).
    pub switch: &'static str,
    /// What changed, in one sentence.
    pub what: &'static str,
    /// The commit or review, as a user can look it up.
    pub cite: &'static str,
    pub url: &'static str,
    /// The provenance of the claim about which releases have it: `[V ...]` where it was
    /// read in a tree of that release, `[R ...]` from the commit text, `[I]` inferred.
    pub marker: &'static str,
    /// The kernels with the change (the new behaviour).
    pub kernels: &'static [Kernel],
}

const IFATTACH_ANY: Slot = Slot::new(SI_SUB_PROTO_IFATTACHDOMAIN, SI_ORDER_ANY);

pub const RELEASES: [Release; 6] = [
    Release {
        kernel: Kernel::R13_0,
        name: "FreeBSD 13.0",
        short: "13.0",
        versions: &["13.0"],
        branch: "releng/13.0",
        slots: &[("vnet_gif_uninit", IFATTACH_ANY, "D32835 moved it to SI_SUB_PSEUDO in 13.1")],
        missing: &[Driver::Wg, Driver::Ovpn],
        cloner_fallback: true,
        removal_thread: false,
        prison_remove_clones: false,
        cleanup_split: false,
        jail_read: false,
        evidence: "not read in a 13.0 tree: gif's slot and if_clone's fallback as in 12.1's source, the rest as in 14.0's",
    },
    Release {
        kernel: Kernel::R13,
        name: "FreeBSD 13.2 to 13.5",
        short: "13.2–13.5",
        versions: &["13.2", "13.3", "13.4", "13.5"],
        branch: "stable/13",
        slots: &[],
        missing: &[Driver::Ovpn],
        cloner_fallback: true,
        removal_thread: false,
        prison_remove_clones: false,
        cleanup_split: false,
        jail_read: false,
        evidence: "not read in a stable/13 tree: each change placed by its commit's date and MFC note",
    },
    Release {
        kernel: Kernel::R14,
        name: "FreeBSD 14.0 to 14.2",
        short: "14.0–14.2",
        versions: &["14.0", "14.1", "14.2"],
        branch: "stable/14",
        slots: &[],
        missing: &[],
        cloner_fallback: false,
        removal_thread: false,
        prison_remove_clones: false,
        cleanup_split: false,
        jail_read: true,
        evidence: "read in a 14.0-STABLE tree (early 2024)",
    },
    Release {
        kernel: Kernel::R14_3,
        name: "FreeBSD 14.3",
        short: "14.3",
        versions: &["14.3"],
        branch: "releng/14.3",
        slots: &[],
        missing: &[],
        cloner_fallback: false,
        removal_thread: true,
        prison_remove_clones: false,
        cleanup_split: false,
        jail_read: true,
        evidence: "14.0-STABLE's source plus D47991's merge to stable/14 (inferred from its MFC note)",
    },
    Release {
        kernel: Kernel::R15_0,
        name: "FreeBSD 15.0",
        short: "15.0",
        versions: &["15.0"],
        branch: "releng/15.0",
        slots: &[],
        missing: &[],
        cloner_fallback: false,
        removal_thread: true,
        prison_remove_clones: true,
        cleanup_split: true,
        jail_read: true,
        evidence: "read in a 15.1-RELEASE tree; 15.0 is assumed to match it",
    },
    Release {
        kernel: Kernel::Main,
        name: "FreeBSD main",
        short: "main",
        versions: &["main", "16.0", "16.0-CURRENT", "CURRENT"],
        branch: "main",
        slots: &[],
        missing: &[],
        cloner_fallback: false,
        removal_thread: true,
        prison_remove_clones: true,
        cleanup_split: true,
        jail_read: true,
        evidence: "read in main (2025 and 2026 copies) and in a 15.1-RELEASE tree",
    },
];

use Kernel::*;

/// Every difference the releases model, with the kernels that have the new behaviour.
/// `tests/it/releases.rs` checks these against `RELEASES` and a table of its own.
pub const CHANGES: &[Change] = &[
    Change {
        switch: "slots:vnet_gif_uninit",
        what: "moved gif's cloner from SI_SUB_PROTO_IFATTACHDOMAIN to SI_SUB_PSEUDO, so gif is destroyed after the protocols purge its addresses",
        cite: "D32835 (8ca6c11a7cf8)",
        url: "https://reviews.freebsd.org/D32835",
        marker: "[V the 12.1 14.0 and 15.1 trees, I 13.1 and later by its MFC note]",
        kernels: &[R13, R14, R14_3, R15_0, Main],
    },
    Change {
        switch: "missing:wg",
        what: "brought wg(4) into the base system, with wg_prison_remove as its PR_METHOD_REMOVE hook",
        cite: "744bfb213144",
        url: "https://cgit.freebsd.org/src/commit/?id=744bfb213144",
        marker: "[V the 14.0 and 15.1 trees, I 13.2 and later]",
        kernels: &[R13, R14, R14_3, R15_0, Main],
    },
    Change {
        switch: "missing:ovpn",
        what: "added if_ovpn, OpenVPN's data channel offload",
        cite: "if_ovpn (FreeBSD 14.0)",
        url: "https://cgit.freebsd.org/src/log/sys/net/if_ovpn.c",
        marker: "[V the 14.0 tree, R BSDCan 2023]",
        kernels: &[R14, R14_3, R15_0, Main],
    },
    Change {
        switch: "cloner_fallback",
        what: "reworked the cloning KPI: a vnet without a matching cloner no longer borrows vnet0's, so vxlan cannot be created in a vnet jail (EINVAL) instead of leaking there",
        cite: "D36632 (09ee0fc023c0)",
        url: "https://reviews.freebsd.org/D36632",
        marker: "[V the 12.1 and 14.0 trees, I 13.x keeps the fallback]",
        kernels: &[R14, R14_3, R15_0, Main],
    },
    Change {
        switch: "removal_thread",
        what: "runs jail removal on a thread of its own (taskqueue_jail_remove) instead of taskqueue_thread, where vlan_clone_destroy's taskqueue_drain could wait on itself",
        cite: "D47991 (8cf955f3f48a)",
        url: "https://reviews.freebsd.org/D47991",
        marker: "[V the 14.0 and 15.1 trees, I 14.3 by its MFC note]",
        kernels: &[R14_3, R15_0, Main],
    },
    Change {
        switch: "prison_remove_clones",
        what: "destroys a dying vnet jail's tun, tap and ovpn interfaces from PR_METHOD_REMOVE hooks (tuntap_prison_remove, ovpn_prison_remove) instead of VNET destructors",
        cite: "D51525 (3b263fa76c08) and 96b29c7f0cff",
        url: "https://reviews.freebsd.org/D51525",
        marker: "[V the 15.1 tree, R the commit texts of July 2025, I 15.0]",
        kernels: &[R15_0, Main],
    },
    Change {
        switch: "cleanup_split",
        what: "splits prison_cleanup into a locked half (the NOTE_JAIL_REMOVE knote, jail descriptors) and an unlocked half (NFS export credentials, POSIX shared memory, the PR_METHOD_REMOVE hooks)",
        cite: "kern_jail.c (jail descriptors)",
        url: "https://cgit.freebsd.org/src/log/sys/kern/kern_jail.c",
        marker: "[V the 14.0 and 15.1 trees, I 15.0]",
        kernels: &[R15_0, Main],
    },
];

/// Whether kernel `k` has the change named by `switch` (for the tests and the guide).
pub fn has_change(k: Kernel, switch: &str) -> Option<bool> {
    CHANGES.iter().find(|c| c.switch == switch).map(|c| c.kernels.contains(&k))
}

/// The taskqueue whose thread runs prison_complete (and so, after the last reference,
/// prison_deref and vnet_destroy) on kernel `k`.
pub fn removal_queue(k: Kernel) -> &'static str {
    if of(k).removal_thread { "taskqueue_jail_remove" } else { "taskqueue_thread" }
}

/// The slot kernel `k` registers `func` at, where it differs from main's.
pub fn slot(k: Kernel, func: &str) -> Option<Slot> {
    of(k).slots.iter().find(|(f, ..)| *f == func).map(|(_, s, _)| *s)
}

/// What later moved `func`'s registration away from the slot kernel `k` gives it.
pub fn slot_change(k: Kernel, func: &str) -> Option<&'static str> {
    of(k).slots.iter().find(|(f, ..)| *f == func).map(|(.., why)| *why)
}

/// Whether kernel `k` has driver `d` at all.
pub fn has(k: Kernel, d: Driver) -> bool {
    !of(k).missing.contains(&d)
}

/// The data of kernel `k`.
pub fn of(k: Kernel) -> &'static Release {
    &RELEASES[k as usize]
}

/// The kernel a FreeBSD version names: "13.0", "14.2", "14.2-RELEASE", "15.0-RELEASE-p1",
/// "main", or a slug ("13.x").
pub fn parse_version(s: &str) -> Option<Kernel> {
    let s = s.trim();
    if let Some(k) = Kernel::from_slug(s) {
        return Some(k);
    }
    let base = s.split('-').next().unwrap_or(s);
    let full = s.to_ascii_uppercase();
    RELEASES
        .iter()
        .find(|r| r.versions.iter().any(|v| v.eq_ignore_ascii_case(&full) || *v == base))
        .map(|r| r.kernel)
}

/// Why a version is not one of the model's kernels, when it is a real one.
pub fn unmodelled(v: &str) -> Option<&'static str> {
    match v.split('-').next().unwrap_or(v).trim() {
        "13.1" => Some("13.1 is not modelled: it is 13.x before wg(4), which came in 13.2"),
        v if v.starts_with("12.") || v.starts_with("11.") => {
            Some("releases before 13.0 are not modelled")
        }
        _ => None,
    }
}

/// The versions the model covers, for error messages.
pub fn known_versions() -> String {
    RELEASES.iter().flat_map(|r| r.versions.iter().take(1)).copied().collect::<Vec<_>>().join(", ")
}

/// Why a release lacks driver `d`, for the error a create gets there.
pub fn missing_note(d: Driver) -> &'static str {
    match d {
        Driver::Wg => "; wg(4) came into the base system with 744bfb213144, in 14.0 and 13.2",
        Driver::Ovpn => "; if_ovpn came with 14.0",
        _ => "",
    }
}
