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
    /// For select boxes and headers: "FreeBSD 13.0".
    pub name: &'static str,
    /// The FreeBSD versions this kernel stands for (`--kernel 14.2` picks 14.x).
    pub versions: &'static [&'static str],
    /// Where its sources live.
    pub branch: &'static str,
    /// Registrations whose slot differs from main's: (function, slot). Before D32835
    /// gif's cloner sat at (SI_SUB_PROTO_IFATTACHDOMAIN, SI_ORDER_ANY).
    pub slots: &'static [(&'static str, Slot)],
    /// Drivers the release has no cloner for: `ifconfig X create` fails.
    pub missing: &'static [Driver],
    /// if_clone falls back to vnet0's cloners when the jail's vnet has no match, so a
    /// global cloner (vxlan's) creates interfaces inside a vnet jail.
    pub cloner_fallback: bool,
    /// The jail's vnet is destroyed on a thread of its own (D47991), not on
    /// taskqueue_thread.
    pub removal_thread: bool,
}

/// One difference between releases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    /// The switch, as `Release`'s field names it.
    pub switch: &'static str,
    /// What changed, in one sentence.
    pub what: &'static str,
    /// The commit or review, as a user can look it up.
    pub cite: &'static str,
    pub url: &'static str,
    /// The provenance marker of the claim about which releases have it.
    pub marker: &'static str,
    /// The kernels with the change (the new behaviour).
    pub kernels: &'static [Kernel],
}

const IFATTACH_ANY: Slot = Slot::new(SI_SUB_PROTO_IFATTACHDOMAIN, SI_ORDER_ANY);

pub const RELEASES: [Release; 5] = [
    Release {
        kernel: Kernel::R13_0,
        name: "FreeBSD 13.0",
        versions: &["13.0"],
        branch: "releng/13.0",
        slots: &[("vnet_gif_uninit", IFATTACH_ANY)],
        missing: &[Driver::Wg, Driver::Ovpn],
        cloner_fallback: true,
        removal_thread: false,
    },
    Release {
        kernel: Kernel::R13,
        name: "FreeBSD 13.1 to 13.5",
        versions: &["13.1", "13.2", "13.3", "13.4", "13.5"],
        branch: "stable/13",
        slots: &[],
        missing: &[Driver::Ovpn],
        cloner_fallback: true,
        removal_thread: false,
    },
    Release {
        kernel: Kernel::R14,
        name: "FreeBSD 14.0 to 14.3",
        versions: &["14.0", "14.1", "14.2", "14.3"],
        branch: "stable/14",
        slots: &[],
        missing: &[],
        cloner_fallback: false,
        removal_thread: false,
    },
    Release {
        kernel: Kernel::R15_0,
        name: "FreeBSD 15.0",
        versions: &["15.0"],
        branch: "releng/15.0",
        slots: &[],
        missing: &[],
        cloner_fallback: false,
        removal_thread: true,
    },
    Release {
        kernel: Kernel::Main,
        name: "FreeBSD main",
        versions: &["main", "16.0", "16.0-CURRENT", "CURRENT"],
        branch: "main",
        slots: &[],
        missing: &[],
        cloner_fallback: false,
        removal_thread: true,
    },
];

pub const CHANGES: &[Change] = &[];

/// The slot kernel `k` registers `func` at, where it differs from main's.
pub fn slot(k: Kernel, func: &str) -> Option<Slot> {
    of(k).slots.iter().find(|(f, _)| *f == func).map(|(_, s)| *s)
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

/// The versions the model covers, for error messages.
pub fn known_versions() -> String {
    RELEASES.iter().flat_map(|r| r.versions.iter().take(1)).copied().collect::<Vec<_>>().join(", ")
}

/// Why a release lacks driver `d`, for the error a create gets there.
pub fn missing_note(d: Driver) -> &'static str {
    match d {
        Driver::Wg => "; if_wg came into the base system with 14.0 and 13.2",
        Driver::Ovpn => "; if_ovpn came with 14.0",
        _ => "",
    }
}
