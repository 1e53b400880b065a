//! SYSINIT subsystems and orders, as `sys/sys/kernel.h` numbers them.
//!
//! Invariants: the values are FreeBSD's exact constants (lifecycle.md §1, verified);
//! `Slot` orders exactly as the kernel sorts VNET_SYSINIT/VNET_SYSUNINIT records,
//! by subsystem first and order second. Ties between equal slots are resolved by the
//! registry (see `registry.rs`), never here.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The SI_SUB_* values that a VNET constructor or destructor can use, plus the bounds.
pub const SUBSYSTEMS: &[(&str, u32)] = &[
    ("SI_SUB_VNET", 0x21E_0000),
    ("SI_SUB_INIT_IF", 0x300_0000),
    ("SI_SUB_NETGRAPH", 0x301_0000),
    ("SI_SUB_DRIVERS", 0x310_0000),
    ("SI_SUB_PSEUDO", 0x700_0000),
    ("SI_SUB_PROTO_BEGIN", 0x800_0000),
    ("SI_SUB_PROTO_PFIL", 0x810_0000),
    ("SI_SUB_PROTO_IF", 0x840_0000),
    ("SI_SUB_PROTO_DOMAININIT", 0x860_0000),
    ("SI_SUB_PROTO_MC", 0x870_0000),
    ("SI_SUB_PROTO_DOMAIN", 0x880_0000),
    ("SI_SUB_PROTO_FIREWALL", 0x880_6000),
    ("SI_SUB_PROTO_IFATTACHDOMAIN", 0x880_8000),
    ("SI_SUB_PROTO_END", 0x8FF_FFFF),
    ("SI_SUB_VNET_DONE", 0xDC0_0000),
];

/// The SI_ORDER_* values (`enum sysinit_elem_order`).
pub const ORDERS: &[(&str, u32)] = &[
    ("SI_ORDER_FIRST", 0x0),
    ("SI_ORDER_SECOND", 0x1),
    ("SI_ORDER_THIRD", 0x2),
    ("SI_ORDER_FOURTH", 0x3),
    ("SI_ORDER_FIFTH", 0x4),
    ("SI_ORDER_SIXTH", 0x5),
    ("SI_ORDER_SEVENTH", 0x6),
    ("SI_ORDER_EIGHTH", 0x7),
    ("SI_ORDER_MIDDLE", 0x100_0000),
    ("SI_ORDER_ANY", 0xFFF_FFFF),
];

pub const SI_SUB_VNET: u32 = 0x21E_0000;
pub const SI_SUB_INIT_IF: u32 = 0x300_0000;
pub const SI_SUB_NETGRAPH: u32 = 0x301_0000;
pub const SI_SUB_PSEUDO: u32 = 0x700_0000;
pub const SI_SUB_PROTO_PFIL: u32 = 0x810_0000;
pub const SI_SUB_PROTO_IF: u32 = 0x840_0000;
pub const SI_SUB_PROTO_DOMAIN: u32 = 0x880_0000;
pub const SI_SUB_PROTO_FIREWALL: u32 = 0x880_6000;
pub const SI_SUB_PROTO_IFATTACHDOMAIN: u32 = 0x880_8000;
pub const SI_SUB_VNET_DONE: u32 = 0xDC0_0000;

pub const SI_ORDER_FIRST: u32 = 0x0;
pub const SI_ORDER_SECOND: u32 = 0x1;
pub const SI_ORDER_THIRD: u32 = 0x2;
pub const SI_ORDER_FOURTH: u32 = 0x3;
pub const SI_ORDER_ANY: u32 = 0xFFF_FFFF;

/// A (subsystem, order) position in the SYSINIT/SYSUNINIT lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Slot {
    pub sub: u32,
    pub order: u32,
}

impl Slot {
    pub const fn new(sub: u32, order: u32) -> Slot {
        Slot { sub, order }
    }

    /// Whether `VNET_SYSINIT`/`VNET_SYSUNINIT` accept this subsystem:
    /// `SI_SUB_VNET < sub <= SI_SUB_VNET_DONE` (vnet.h compile-time assert).
    pub fn is_vnet_range(self) -> bool {
        self.sub > SI_SUB_VNET && self.sub <= SI_SUB_VNET_DONE
    }

    /// "PROTO_DOMAIN/SECOND": the short form used in tables and test ids.
    pub fn short(self) -> String {
        let sub = sub_name(self.sub)
            .map(|n| n.trim_start_matches("SI_SUB_").to_string())
            .unwrap_or_else(|| format!("{:#x}", self.sub));
        let order = order_name(self.order)
            .map(|n| n.trim_start_matches("SI_ORDER_").to_string())
            .unwrap_or_else(|| format!("{:#x}", self.order));
        format!("{sub}/{order}")
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {}", sub_display(self.sub), order_display(self.order))
    }
}

/// The SI_SUB_* name of a value, if it has one.
pub fn sub_name(value: u32) -> Option<&'static str> {
    SUBSYSTEMS.iter().find(|(_, v)| *v == value).map(|(n, _)| *n)
}

/// The SI_ORDER_* name of a value, if it has one.
pub fn order_name(value: u32) -> Option<&'static str> {
    ORDERS.iter().find(|(_, v)| *v == value).map(|(n, _)| *n)
}

/// The name, or the hex value where the kernel has no name for it.
pub fn sub_display(value: u32) -> String {
    sub_name(value).map(str::to_string).unwrap_or_else(|| format!("{value:#x}"))
}

/// The name, or the hex value where the kernel has no name for it.
pub fn order_display(value: u32) -> String {
    order_name(value).map(str::to_string).unwrap_or_else(|| format!("{value:#x}"))
}

/// Parses `SI_SUB_PSEUDO`, `PSEUDO` or a hex/decimal value.
pub fn parse_sub(text: &str) -> Option<u32> {
    parse_named(text, "SI_SUB_", SUBSYSTEMS)
}

/// Parses `SI_ORDER_ANY`, `ANY` or a hex/decimal value.
pub fn parse_order(text: &str) -> Option<u32> {
    parse_named(text, "SI_ORDER_", ORDERS)
}

fn parse_named(text: &str, prefix: &str, table: &[(&str, u32)]) -> Option<u32> {
    let upper = text.to_ascii_uppercase();
    let full = if upper.starts_with(prefix) { upper.clone() } else { format!("{prefix}{upper}") };
    if let Some((_, v)) = table.iter().find(|(n, _)| *n == full) {
        return Some(*v);
    }
    if let Some(hex) = upper.strip_prefix("0X") {
        return u32::from_str_radix(hex, 16).ok();
    }
    upper.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_values_round_trip() {
        for (name, value) in SUBSYSTEMS {
            assert_eq!(parse_sub(name), Some(*value));
            assert_eq!(sub_name(*value), Some(*name));
        }
        for (name, value) in ORDERS {
            assert_eq!(parse_order(name), Some(*value));
        }
        assert_eq!(parse_sub("0x8800000"), Some(SI_SUB_PROTO_DOMAIN));
        assert_eq!(parse_order("second"), Some(SI_ORDER_SECOND));
        assert_eq!(parse_sub("SI_SUB_NOPE"), None);
    }

    #[test]
    fn the_numbers_that_drive_the_bug() {
        // PROTO_FIREWALL and PROTO_IFATTACHDOMAIN sort above PROTO_DOMAIN; PSEUDO below it.
        const { assert!(SI_SUB_PROTO_IFATTACHDOMAIN > SI_SUB_PROTO_DOMAIN) };
        const { assert!(SI_SUB_PROTO_FIREWALL > SI_SUB_PROTO_DOMAIN) };
        const { assert!(SI_SUB_PSEUDO < SI_SUB_PROTO_DOMAIN) };
        assert_eq!(Slot::new(SI_SUB_PROTO_DOMAIN, SI_ORDER_SECOND).short(), "PROTO_DOMAIN/SECOND");
    }
}
