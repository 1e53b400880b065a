//! Share links: the whole reader state in a URL fragment, safe to put in a mail.
//!
//! Format: `v2.` + base64url-without-padding(raw deflate(postcard(wire))), where the wire
//! form is a compact image of [`LinkState`]:
//! - every string (jail and interface names, comments, argv, function names) goes
//!   through one string table; ids below `DICT.len()` name the built-in dictionary
//!   [`DICT`], so the common names cost one byte;
//! - comments, trailing comments and canvas positions are stored sparsely, only for
//!   the entries that have them.
//!
//! This keeps the seed scenario's fragment well under 150 characters.
//!
//! Versions: v2 is v1 with each lane's kernel (its `Kernel` index) after its stage order.
//! `v1.` links, written before lanes had kernels, still open, on the default kernel (main).
//!
//! Invariants:
//! - `decode(&encode(s)) == Ok(s)` for every state with at most [`MAX_ENTRIES`] entries.
//! - [`DICT`] and the wire types are frozen for `v1` and `v2`: changing them breaks old
//!   links, which `tests/golden_links.txt` guards. A new format gets a new version prefix.
//! - `decode` never panics. Inflating is capped at [`MAX_INFLATED`] bytes and scenarios
//!   at [`MAX_ENTRIES`] entries.

use crate::engine::input::scenario::{
    Command, Entry, Gateway, IfOp, NgOp, Prefix, RouteFlag, Scenario, VxlanArgs,
};
use crate::engine::kernel::si::Slot;
use crate::engine::trace::{Kernel, StageOrder};
use crate::support::vecmap::VecMap;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use miniz_oxide::inflate::TINFLStatus;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::IpAddr;
use std::rc::Rc;

/// The most bytes a link may inflate to (256 KiB).
pub const MAX_INFLATED: usize = 256 * 1024;
/// The most commands a linked scenario may hold.
pub const MAX_ENTRIES: usize = 5_000;
/// The longest fragment we look at, in bytes (far above any real link).
pub const MAX_FRAGMENT: usize = 1 << 20;
/// The version prefix of links this code writes.
pub const PREFIX: &str = "v2.";
/// The newest link format this code reads (and writes).
pub const VERSION: u64 = 2;

/// The built-in string dictionary of format v1. Frozen: append nothing, reorder nothing.
pub const DICT: &[&str] = &[
    "ROUTE_CACHE",
    "j1",
    "j2",
    "j3",
    "j1.j2",
    "j1.j2.j3",
    "epair",
    "epair0",
    "epair0a",
    "epair0b",
    "epair1",
    "epair1a",
    "epair1b",
    "gif0",
    "gif1",
    "gre0",
    "gre1",
    "vxlan0",
    "wg0",
    "bridge0",
    "lo0",
    "sleep 1000",
    "vnet_gif_uninit",
    "vnet_gre_uninit",
    "vnet_bridge_uninit",
    "vnet_wg_uninit",
    "vnet_loif_uninit",
    "vnet_if_return",
    "rtables_destroy",
    "ip_destroy",
    "ip6_destroy",
    "tcp_destroy",
    "rip_destroy",
    "vnet_ether_uninit",
    "vnet_ether_pfil_uninit",
    "vnet_vlan_uninit",
];

/// One lane of the player: a kernel, a stage order and extra re-registrations.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaneState {
    /// Not in v1 links, which open on the default kernel.
    #[serde(default)]
    pub kernel: Kernel,
    pub order: StageOrder,
    /// Extra `(destructor function, slot)` re-registrations, e.g. from the explorer.
    pub extra: Vec<(String, Slot)>,
}

/// Everything a link carries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkState {
    /// Shared with the app's state, so building a link state never copies the scenario.
    pub scenario: Rc<Scenario>,
    pub lanes: [LaneState; 2],
    /// The player's step (0 = before teardown).
    pub step: u32,
    /// Embed mode: read-only, minimal chrome.
    pub embed: bool,
}

/// Why a link could not be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// Nothing after `#`.
    Empty,
    /// No `vN.` prefix.
    NotALink,
    /// A `vN.` prefix from a newer version.
    NewerVersion(u64),
    /// A prefix like `v0.` or `vx.` that no version ever wrote.
    UnknownVersion(String),
    /// A character outside base64url, with its 1-based position in the cleaned fragment.
    BadChar { ch: char, position: usize, cleaned: bool },
    /// The data ends early.
    Truncated { chars: usize, cleaned: bool },
    /// Longer than [`MAX_FRAGMENT`] or inflates past [`MAX_INFLATED`].
    TooBig,
    /// Inflates, but is not a state (or the compressed data is corrupt).
    Damaged(&'static str),
    /// More than [`MAX_ENTRIES`] commands.
    TooManyEntries(usize),
}

const CLEANED: &str =
    " (Spaces, line breaks and `<` `>` marks that mail clients add were already removed.)";

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::Empty => write!(
                f,
                "The link has no scenario in it: the part after `#` is empty. \
                 Copy the whole link, including everything after `#`."
            ),
            LinkError::NotALink => write!(
                f,
                "This is not a vnet-playground link: the part after `#` should start with `v2.` (or `v1.`). \
                 Check that the whole link was copied."
            ),
            LinkError::NewerVersion(n) => write!(
                f,
                "This link was made by a newer version of vnet-playground (link format v{n}); \
                 this version reads v1 and v2 links. Open it in the newest version of the app."
            ),
            LinkError::UnknownVersion(p) => write!(
                f,
                "This link has an unknown format `{p}`; this version reads v1 and v2 links. \
                 Check that the whole link was copied."
            ),
            LinkError::BadChar { ch, position, cleaned } => {
                write!(
                    f,
                    "The link has a character that links never contain: {} at position {position}. ",
                    shown_char(*ch)
                )?;
                match ch {
                    '=' => write!(
                        f,
                        "`=` and `=3D` come from quoted-printable mail encoding: copy the link from \
                         the mail's plain-text view or from the list archive."
                    )?,
                    '%' => write!(
                        f,
                        "The link was percent-encoded on the way: copy it from the original mail."
                    )?,
                    _ => write!(
                        f,
                        "A mail client or editor changed it: copy it again from the original mail."
                    )?,
                }
                if *cleaned {
                    write!(f, "{CLEANED}")?;
                }
                Ok(())
            }
            LinkError::Truncated { chars, cleaned } => {
                write!(
                    f,
                    "The link is cut short: it has {chars} characters; a mail client may have wrapped it. \
                     Join its pieces into one line, or copy the `<…>` form from the mail."
                )?;
                if *cleaned {
                    write!(f, "{CLEANED}")?;
                }
                Ok(())
            }
            LinkError::TooBig => write!(
                f,
                "The link unpacks to more than 256 KiB, far more than any real scenario: it is \
                 damaged or hostile, and was not opened."
            ),
            LinkError::Damaged(what) => write!(
                f,
                "The link is damaged ({what}). Copy it again from the original mail; the scenario \
                 script in the mail can also be pasted into the script view."
            ),
            LinkError::TooManyEntries(n) => write!(
                f,
                "The link holds {n} commands; the limit is {MAX_ENTRIES}. It was not opened."
            ),
        }
    }
}

impl std::error::Error for LinkError {}

/// The fragment (without `#`) for a state.
pub fn encode(state: &LinkState) -> String {
    let wire = to_wire(state);
    let mut out = Out::default();
    wire.write(&mut out, VERSION);
    let packed = miniz_oxide::deflate::compress_to_vec(&out.0, 10);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Reads a fragment (with or without `#`, or a whole URL) back into a state.
pub fn decode(fragment: &str) -> Result<LinkState, LinkError> {
    if fragment.len() > MAX_FRAGMENT {
        return Err(LinkError::TooBig);
    }
    let fragment = fragment.rsplit('#').next().unwrap_or(fragment);
    // Quoted-printable soft line breaks, then whitespace and `<`/`>` quote marks.
    let soft = fragment.replace("=\r\n", "").replace("=\n", "");
    let clean: String =
        soft.chars().filter(|c| !c.is_whitespace() && *c != '<' && *c != '>').collect();
    let cleaned = clean.len() != fragment.len();
    if clean.is_empty() {
        return Err(LinkError::Empty);
    }
    let Some((version, body)) = clean.strip_prefix('v').and_then(|r| r.split_once('.')) else {
        return Err(LinkError::NotALink);
    };
    let version_n = match version.parse::<u64>() {
        Ok(n @ 1..=VERSION) => n,
        Ok(n) if n > VERSION => return Err(LinkError::NewerVersion(n)),
        _ => {
            let shown: String = clean.chars().take(version.chars().count().min(12) + 2).collect();
            return Err(LinkError::UnknownVersion(shown));
        }
    };
    let head = version.len() + 2;
    if let Some((i, ch)) = body
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(LinkError::BadChar { ch, position: head + i + 1, cleaned });
    }
    let truncated = LinkError::Truncated { chars: clean.chars().count(), cleaned };
    let packed = URL_SAFE_NO_PAD.decode(body).map_err(|_| truncated.clone())?;
    let bytes =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INFLATED).map_err(|e| {
            match e.status {
                TINFLStatus::HasMoreOutput => LinkError::TooBig,
                TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                    truncated.clone()
                }
                _ => LinkError::Damaged("the compressed data is corrupt"),
            }
        })?;
    let mut input = In(&bytes);
    let wire = Wire::read(&mut input, version_n)
        .ok_or(LinkError::Damaged("the data is not a scenario of its version"))?;
    if !input.0.is_empty() {
        return Err(LinkError::Damaged("there is data after the end of the scenario"));
    }
    from_wire(wire)
}

/// The link as it should stand in a mail: `<URL>`, meant to sit alone on its line
/// (RFC 3986 appendix C), so that mail clients neither wrap nor mangle it.
pub fn wrap_link_for_mail(url: &str) -> String {
    let url: String = url.chars().filter(|c| !c.is_whitespace()).collect();
    format!("<{url}>")
}

// ---------------------------------------------------------------------------------------
// The v1/v2 wire form. Frozen: field order and variant order are the format. Its bytes are
// postcard's encoding of these types (as serde's derive would write them), written and
// read by hand below: the derive cost about 25 KB of wasm. A unit test checks the bytes
// against postcard itself.

#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
struct Wire {
    strings: Vec<String>,
    cmds: Vec<WCmd>,
    notes: Vec<WNote>,
    tail: Vec<u32>,
    lanes: [WLane; 2],
    step: u32,
    embed: bool,
}

/// Comments, trailing comment and position of one entry (only for entries with any).
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
struct WNote {
    entry: u32,
    comments: Vec<u32>,
    trailing: Option<u32>,
    pos: Option<(i16, i16)>,
}

#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
struct WLane {
    order: StageOrder,
    /// Only in v2: a lane's kernel; the test-only serde image is v2's.
    kernel: Kernel,
    extra: Vec<(u32, Slot)>,
}

/// A jail reference: 0 is the host, n is string n - 1.
type WJail = u32;

#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
enum WCmd {
    Opt(u32),
    /// bit 0: vnet, bit 1: persist.
    Jail(u32, u8, Option<u32>),
    If(WJail, u32, WOp),
    /// flag: 0 none, 1 -net, 2 -host.
    Route(WJail, u8, IpAddr, u8, WGw),
    Proc(u32, u32),
    Sysuninit(u32, Slot),
    Remove(u32),
    /// Added after the first v1 links: a new tag, so older links decode unchanged.
    NoReap(u32),
    /// Added later still, likewise.
    Kldload(u32),
    Without(u32),
    /// An `ngctl` line: the jail, then 0 (mkpeer eiface) or 1 with the interface (shutdown).
    Ngctl(WJail, Option<u32>),
}

#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
enum WOp {
    Create,
    Vxlan(u32, Option<IpAddr>, Option<IpAddr>, Option<u32>),
    Tunnel(IpAddr, IpAddr),
    Addr(IpAddr, u8, Option<IpAddr>),
    Up,
    Fib(u32),
    Vnet(u32),
    Reclaim(u32),
    Destroy,
    CreateVlan(u32, u32),
    SetVlan(u32, u32),
    AddMember(u32),
    DelMember(u32),
}

#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
enum WGw {
    Addr(IpAddr),
    Iface(u32),
}

/// Postcard output: varints for `u32`/lengths/variant indexes, zigzag varints for `i16`,
/// one byte for `u8`, `bool` and an `Option`'s tag, length-prefixed UTF-8 for strings.
#[derive(Default)]
struct Out(Vec<u8>);

impl Out {
    fn u8(&mut self, b: u8) {
        self.0.push(b);
    }

    fn u32(&mut self, mut n: u32) {
        while n >= 0x80 {
            self.0.push(n as u8 | 0x80);
            n >>= 7;
        }
        self.0.push(n as u8);
    }

    fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.0.extend_from_slice(s.as_bytes());
    }

    fn ids(&mut self, v: &[u32]) {
        self.u32(v.len() as u32);
        v.iter().for_each(|x| self.u32(*x));
    }

    fn opt_u32(&mut self, v: Option<u32>) {
        self.u8(u8::from(v.is_some()));
        v.into_iter().for_each(|x| self.u32(x));
    }

    fn ip(&mut self, a: IpAddr) {
        match a {
            IpAddr::V4(a) => {
                self.u8(0);
                self.0.extend_from_slice(&a.octets());
            }
            IpAddr::V6(a) => {
                self.u8(1);
                self.0.extend_from_slice(&a.octets());
            }
        }
    }

    fn opt_ip(&mut self, v: Option<IpAddr>) {
        self.u8(u8::from(v.is_some()));
        v.into_iter().for_each(|x| self.ip(x));
    }

    fn slot(&mut self, s: Slot) {
        self.u32(s.sub);
        self.u32(s.order);
    }
}

/// Postcard input, read as strictly as postcard reads it; `None` means "not a v1 state".
struct In<'a>(&'a [u8]);

impl In<'_> {
    fn u8(&mut self) -> Option<u8> {
        let (b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*b)
    }

    /// A varint of a `bits`-wide integer: at most `ceil(bits / 7)` bytes, and no bits
    /// beyond the width in the last one.
    fn varint(&mut self, bits: u32) -> Option<u64> {
        let max = bits.div_ceil(7);
        let mut out = 0u64;
        for i in 0..max {
            let b = self.u8()?;
            out |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return (i + 1 < max || u64::from(b) < 1 << (bits % 7)).then_some(out);
            }
        }
        None
    }

    fn u32(&mut self) -> Option<u32> {
        self.varint(32).map(|n| n as u32)
    }

    fn len(&mut self) -> Option<usize> {
        self.varint(usize::BITS).map(|n| n as usize)
    }

    fn i16(&mut self) -> Option<i16> {
        let n = self.varint(16)? as u16;
        Some((n >> 1) as i16 ^ -((n & 1) as i16))
    }

    fn bool(&mut self) -> Option<bool> {
        match self.u8()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.bool()? { f(self).map(Some) } else { Some(None) }
    }

    fn seq<T>(&mut self, mut f: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let n = self.len()?;
        // Every element takes at least a byte: never reserve more than what is left.
        let mut v = Vec::with_capacity(n.min(self.0.len()));
        for _ in 0..n {
            v.push(f(self)?);
        }
        Some(v)
    }

    fn str(&mut self) -> Option<String> {
        let n = self.len()?;
        let s = self.0.get(..n)?;
        self.0 = &self.0[n..];
        std::str::from_utf8(s).ok().map(str::to_string)
    }

    fn bytes<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (a, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*a)
    }

    fn ip(&mut self) -> Option<IpAddr> {
        match self.u32()? {
            0 => Some(IpAddr::from(self.bytes::<4>()?)),
            1 => Some(IpAddr::from(self.bytes::<16>()?)),
            _ => None,
        }
    }

    fn slot(&mut self) -> Option<Slot> {
        Some(Slot::new(self.u32()?, self.u32()?))
    }
}

impl Wire {
    fn write(&self, o: &mut Out, version: u64) {
        o.u32(self.strings.len() as u32);
        self.strings.iter().for_each(|s| o.str(s));
        o.u32(self.cmds.len() as u32);
        for c in &self.cmds {
            match c {
                WCmd::Opt(n) => {
                    o.u8(0);
                    o.u32(*n);
                }
                WCmd::Jail(n, flags, children_max) => {
                    o.u8(1);
                    o.u32(*n);
                    o.u8(*flags);
                    o.opt_u32(*children_max);
                }
                WCmd::If(j, n, op) => {
                    o.u8(2);
                    o.u32(*j);
                    o.u32(*n);
                    match op {
                        WOp::Create => o.u8(0),
                        WOp::Vxlan(id, local, remote, dev) => {
                            o.u8(1);
                            o.u32(*id);
                            o.opt_ip(*local);
                            o.opt_ip(*remote);
                            o.opt_u32(*dev);
                        }
                        WOp::Tunnel(src, dst) => {
                            o.u8(2);
                            o.ip(*src);
                            o.ip(*dst);
                        }
                        WOp::Addr(addr, len, dst) => {
                            o.u8(3);
                            o.ip(*addr);
                            o.u8(*len);
                            o.opt_ip(*dst);
                        }
                        WOp::Up => o.u8(4),
                        WOp::Fib(n) => {
                            o.u8(5);
                            o.u32(*n);
                        }
                        WOp::Vnet(j) => {
                            o.u8(6);
                            o.u32(*j);
                        }
                        WOp::Reclaim(j) => {
                            o.u8(7);
                            o.u32(*j);
                        }
                        WOp::Destroy => o.u8(8),
                        WOp::CreateVlan(tag, dev) | WOp::SetVlan(tag, dev) => {
                            o.u8(if matches!(op, WOp::CreateVlan(..)) { 9 } else { 10 });
                            o.u32(*tag);
                            o.u32(*dev);
                        }
                        WOp::AddMember(m) | WOp::DelMember(m) => {
                            o.u8(if matches!(op, WOp::AddMember(..)) { 11 } else { 12 });
                            o.u32(*m);
                        }
                    }
                }
                WCmd::Route(j, flag, dest, len, gw) => {
                    o.u8(3);
                    o.u32(*j);
                    o.u8(*flag);
                    o.ip(*dest);
                    o.u8(*len);
                    match gw {
                        WGw::Addr(a) => {
                            o.u8(0);
                            o.ip(*a);
                        }
                        WGw::Iface(i) => {
                            o.u8(1);
                            o.u32(*i);
                        }
                    }
                }
                WCmd::Proc(j, argv) => {
                    o.u8(4);
                    o.u32(*j);
                    o.u32(*argv);
                }
                WCmd::Sysuninit(f, slot) => {
                    o.u8(5);
                    o.u32(*f);
                    o.slot(*slot);
                }
                WCmd::Remove(n) => {
                    o.u8(6);
                    o.u32(*n);
                }
                WCmd::NoReap(j) => {
                    o.u8(7);
                    o.u32(*j);
                }
                WCmd::Kldload(m) => {
                    o.u8(8);
                    o.u32(*m);
                }
                WCmd::Without(f) => {
                    o.u8(9);
                    o.u32(*f);
                }
                WCmd::Ngctl(j, ifname) => {
                    o.u8(10);
                    o.u32(*j);
                    o.opt_u32(*ifname);
                }
            }
        }
        o.u32(self.notes.len() as u32);
        for n in &self.notes {
            o.u32(n.entry);
            o.ids(&n.comments);
            o.opt_u32(n.trailing);
            o.u8(u8::from(n.pos.is_some()));
            if let Some((x, y)) = n.pos {
                for v in [x, y] {
                    o.u32(u32::from(((v << 1) ^ (v >> 15)) as u16));
                }
            }
        }
        o.ids(&self.tail);
        for l in &self.lanes {
            o.u8(l.order as u8);
            if version >= 2 {
                o.u8(l.kernel as u8);
            }
            o.u32(l.extra.len() as u32);
            for (f, slot) in &l.extra {
                o.u32(*f);
                o.slot(*slot);
            }
        }
        o.u32(self.step);
        o.u8(u8::from(self.embed));
    }

    fn read(i: &mut In, version: u64) -> Option<Wire> {
        let strings = i.seq(In::str)?;
        let cmds = i.seq(|i| {
            Some(match i.u32()? {
                0 => WCmd::Opt(i.u32()?),
                1 => WCmd::Jail(i.u32()?, i.u8()?, i.opt(In::u32)?),
                2 => {
                    let (j, n) = (i.u32()?, i.u32()?);
                    let op = match i.u32()? {
                        0 => WOp::Create,
                        1 => WOp::Vxlan(i.u32()?, i.opt(In::ip)?, i.opt(In::ip)?, i.opt(In::u32)?),
                        2 => WOp::Tunnel(i.ip()?, i.ip()?),
                        3 => WOp::Addr(i.ip()?, i.u8()?, i.opt(In::ip)?),
                        4 => WOp::Up,
                        5 => WOp::Fib(i.u32()?),
                        6 => WOp::Vnet(i.u32()?),
                        7 => WOp::Reclaim(i.u32()?),
                        8 => WOp::Destroy,
                        9 => WOp::CreateVlan(i.u32()?, i.u32()?),
                        10 => WOp::SetVlan(i.u32()?, i.u32()?),
                        11 => WOp::AddMember(i.u32()?),
                        12 => WOp::DelMember(i.u32()?),
                        _ => return None,
                    };
                    WCmd::If(j, n, op)
                }
                3 => {
                    let (j, flag, dest, len) = (i.u32()?, i.u8()?, i.ip()?, i.u8()?);
                    let gw = match i.u32()? {
                        0 => WGw::Addr(i.ip()?),
                        1 => WGw::Iface(i.u32()?),
                        _ => return None,
                    };
                    WCmd::Route(j, flag, dest, len, gw)
                }
                4 => WCmd::Proc(i.u32()?, i.u32()?),
                5 => WCmd::Sysuninit(i.u32()?, i.slot()?),
                6 => WCmd::Remove(i.u32()?),
                7 => WCmd::NoReap(i.u32()?),
                8 => WCmd::Kldload(i.u32()?),
                9 => WCmd::Without(i.u32()?),
                10 => WCmd::Ngctl(i.u32()?, i.opt(In::u32)?),
                _ => return None,
            })
        })?;
        let notes = i.seq(|i| {
            Some(WNote {
                entry: i.u32()?,
                comments: i.seq(In::u32)?,
                trailing: i.opt(In::u32)?,
                pos: i.opt(|i| Some((i.i16()?, i.i16()?)))?,
            })
        })?;
        let tail = i.seq(In::u32)?;
        let mut lane = || {
            let order = *StageOrder::ALL.get(i.u32()? as usize)?;
            let kernel =
                if version >= 2 { *Kernel::ALL.get(i.u32()? as usize)? } else { Kernel::default() };
            Some(WLane { order, kernel, extra: i.seq(|i| Some((i.u32()?, i.slot()?)))? })
        };
        let lanes = [lane()?, lane()?];
        Some(Wire { strings, cmds, notes, tail, lanes, step: i.u32()?, embed: i.bool()? })
    }
}

#[derive(Default)]
struct Interner {
    ids: VecMap<String, u32>,
    strings: Vec<String>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(i) = DICT.iter().position(|d| *d == s) {
            return i as u32;
        }
        if let Some(i) = self.ids.get(s) {
            return *i;
        }
        let i = (DICT.len() + self.strings.len()) as u32;
        self.strings.push(s.to_string());
        self.ids.insert(s.to_string(), i);
        i
    }

    fn jail(&mut self, j: &Option<String>) -> WJail {
        j.as_ref().map_or(0, |j| self.id(j) + 1)
    }
}

fn to_wire(state: &LinkState) -> Wire {
    let mut t = Interner::default();
    let mut cmds = Vec::with_capacity(state.scenario.entries.len());
    let mut notes = Vec::new();
    for (i, e) in state.scenario.entries.iter().enumerate() {
        if !e.comments.is_empty() || e.trailing.is_some() || e.pos.is_some() {
            notes.push(WNote {
                entry: i as u32,
                comments: e.comments.iter().map(|c| t.id(c)).collect(),
                trailing: e.trailing.as_ref().map(|c| t.id(c)),
                pos: e.pos,
            });
        }
        cmds.push(match &e.command {
            Command::KernelOption { name } => WCmd::Opt(t.id(name)),
            Command::JailCreate { name, vnet, persist, children_max } => {
                WCmd::Jail(t.id(name), u8::from(*vnet) | (u8::from(*persist) << 1), *children_max)
            }
            Command::Ifconfig { jail, ifname, op } => {
                let j = t.jail(jail);
                let n = t.id(ifname);
                let op = match op {
                    IfOp::Create { vxlan: None } => WOp::Create,
                    IfOp::Create { vxlan: Some(v) } => {
                        WOp::Vxlan(v.id, v.local, v.remote, v.dev.as_ref().map(|d| t.id(d)))
                    }
                    IfOp::Tunnel { src, dst } => WOp::Tunnel(*src, *dst),
                    IfOp::Addr { addr, len, dst } => WOp::Addr(*addr, *len, *dst),
                    IfOp::Up => WOp::Up,
                    IfOp::Fib(n) => WOp::Fib(*n),
                    IfOp::Vnet { jail } => WOp::Vnet(t.id(jail)),
                    IfOp::Reclaim { jail } => WOp::Reclaim(t.id(jail)),
                    IfOp::Destroy => WOp::Destroy,
                    IfOp::CreateVlan { tag, dev } => WOp::CreateVlan(u32::from(*tag), t.id(dev)),
                    IfOp::SetVlan { tag, dev } => WOp::SetVlan(u32::from(*tag), t.id(dev)),
                    IfOp::AddMember { member } => WOp::AddMember(t.id(member)),
                    IfOp::DelMember { member } => WOp::DelMember(t.id(member)),
                };
                WCmd::If(j, n, op)
            }
            Command::RouteAdd { jail, flag, dest, gateway } => {
                let flag = match flag {
                    None => 0,
                    Some(RouteFlag::Net) => 1,
                    Some(RouteFlag::Host) => 2,
                };
                let gw = match gateway {
                    Gateway::Addr(a) => WGw::Addr(*a),
                    Gateway::Interface(i) => WGw::Iface(t.id(i)),
                };
                WCmd::Route(t.jail(jail), flag, dest.addr, dest.len, gw)
            }
            Command::Process { jail, argv } => WCmd::Proc(t.id(jail), t.id(argv)),
            Command::Sysuninit { func, slot } => WCmd::Sysuninit(t.id(func), *slot),
            Command::JailRemove { name } => WCmd::Remove(t.id(name)),
            Command::NoReap { jail } => WCmd::NoReap(t.id(jail)),
            Command::Kldload { module } => WCmd::Kldload(t.id(module)),
            Command::Without { func } => WCmd::Without(t.id(func)),
            Command::Ngctl { jail, op } => {
                let j = t.jail(jail);
                match op {
                    NgOp::MkpeerEiface => WCmd::Ngctl(j, None),
                    NgOp::Shutdown { ifname } => WCmd::Ngctl(j, Some(t.id(ifname))),
                }
            }
        });
    }
    let tail = state.scenario.tail_comments.iter().map(|c| t.id(c)).collect();
    let lanes = state.lanes.each_ref().map(|l| WLane {
        order: l.order,
        kernel: l.kernel,
        extra: l.extra.iter().map(|(f, s)| (t.id(f), *s)).collect(),
    });
    Wire { strings: t.strings, cmds, notes, tail, lanes, step: state.step, embed: state.embed }
}

struct Strings(Vec<String>);

impl Strings {
    fn get(&self, id: u32) -> Result<String, LinkError> {
        let id = id as usize;
        match DICT.get(id) {
            Some(s) => Ok((*s).to_string()),
            None => self
                .0
                .get(id - DICT.len())
                .cloned()
                .ok_or(LinkError::Damaged("a name refers to nothing")),
        }
    }

    fn jail(&self, j: WJail) -> Result<Option<String>, LinkError> {
        match j {
            0 => Ok(None),
            n => self.get(n - 1).map(Some),
        }
    }
}

fn from_wire(w: Wire) -> Result<LinkState, LinkError> {
    if w.cmds.len() > MAX_ENTRIES {
        return Err(LinkError::TooManyEntries(w.cmds.len()));
    }
    let s = Strings(w.strings);
    let mut entries = Vec::with_capacity(w.cmds.len());
    for c in w.cmds {
        let command = match c {
            WCmd::Opt(n) => Command::KernelOption { name: s.get(n)? },
            WCmd::Jail(n, flags, children_max) => {
                if flags > 3 {
                    return Err(LinkError::Damaged("a jail has unknown flags"));
                }
                Command::JailCreate {
                    name: s.get(n)?,
                    vnet: flags & 1 != 0,
                    persist: flags & 2 != 0,
                    children_max,
                }
            }
            WCmd::If(j, n, op) => {
                let op = match op {
                    WOp::Create => IfOp::Create { vxlan: None },
                    WOp::Vxlan(id, local, remote, dev) => IfOp::Create {
                        vxlan: Some(VxlanArgs {
                            id,
                            local,
                            remote,
                            dev: dev.map(|d| s.get(d)).transpose()?,
                        }),
                    },
                    WOp::Tunnel(src, dst) => IfOp::Tunnel { src, dst },
                    WOp::Addr(addr, len, dst) => IfOp::Addr { addr, len, dst },
                    WOp::Up => IfOp::Up,
                    WOp::Fib(n) => IfOp::Fib(n),
                    WOp::Vnet(j) => IfOp::Vnet { jail: s.get(j)? },
                    WOp::Reclaim(j) => IfOp::Reclaim { jail: s.get(j)? },
                    WOp::Destroy => IfOp::Destroy,
                    WOp::CreateVlan(tag, dev) => {
                        IfOp::CreateVlan { tag: vlan_tag(tag)?, dev: s.get(dev)? }
                    }
                    WOp::SetVlan(tag, dev) => {
                        IfOp::SetVlan { tag: vlan_tag(tag)?, dev: s.get(dev)? }
                    }
                    WOp::AddMember(m) => IfOp::AddMember { member: s.get(m)? },
                    WOp::DelMember(m) => IfOp::DelMember { member: s.get(m)? },
                };
                Command::Ifconfig { jail: s.jail(j)?, ifname: s.get(n)?, op }
            }
            WCmd::Route(j, flag, addr, len, gw) => Command::RouteAdd {
                jail: s.jail(j)?,
                flag: match flag {
                    0 => None,
                    1 => Some(RouteFlag::Net),
                    2 => Some(RouteFlag::Host),
                    _ => return Err(LinkError::Damaged("a route has an unknown flag")),
                },
                dest: Prefix { addr, len },
                gateway: match gw {
                    WGw::Addr(a) => Gateway::Addr(a),
                    WGw::Iface(i) => Gateway::Interface(s.get(i)?),
                },
            },
            WCmd::Proc(j, argv) => Command::Process { jail: s.get(j)?, argv: s.get(argv)? },
            WCmd::Sysuninit(f, slot) => Command::Sysuninit { func: s.get(f)?, slot },
            WCmd::Remove(n) => Command::JailRemove { name: s.get(n)? },
            WCmd::NoReap(j) => Command::NoReap { jail: s.get(j)? },
            WCmd::Kldload(m) => Command::Kldload { module: s.get(m)? },
            WCmd::Without(f) => Command::Without { func: s.get(f)? },
            WCmd::Ngctl(j, ifname) => Command::Ngctl {
                jail: s.jail(j)?,
                op: match ifname {
                    None => NgOp::MkpeerEiface,
                    Some(n) => NgOp::Shutdown { ifname: s.get(n)? },
                },
            },
        };
        entries.push(Entry::new(command));
    }
    let mut last = None;
    for n in w.notes {
        if last.is_some_and(|l| n.entry <= l) {
            return Err(LinkError::Damaged("the comments are out of order"));
        }
        last = Some(n.entry);
        let e = entries
            .get_mut(n.entry as usize)
            .ok_or(LinkError::Damaged("a comment belongs to no command"))?;
        e.comments = n.comments.into_iter().map(|c| s.get(c)).collect::<Result<_, _>>()?;
        e.trailing = n.trailing.map(|c| s.get(c)).transpose()?;
        e.pos = n.pos;
    }
    let tail_comments = w.tail.into_iter().map(|c| s.get(c)).collect::<Result<_, _>>()?;
    let [a, b] = w.lanes;
    let lane = |l: WLane| -> Result<LaneState, LinkError> {
        Ok(LaneState {
            kernel: l.kernel,
            order: l.order,
            extra: l
                .extra
                .into_iter()
                .map(|(f, slot)| Ok((s.get(f)?, slot)))
                .collect::<Result<_, LinkError>>()?,
        })
    };
    Ok(LinkState {
        scenario: Rc::new(Scenario { entries, tail_comments }),
        lanes: [lane(a)?, lane(b)?],
        step: w.step,
        embed: w.embed,
    })
}

/// A character as an error message shows it: `'x'` when it prints, else its code point
/// (`U+00A0`). Hand-written, so the wasm carries no Unicode printability tables.
/// A vlan tag read from a link: 0 to 4095 fit the wire's field, anything else is damage.
fn vlan_tag(tag: u32) -> Result<u16, LinkError> {
    u16::try_from(tag)
        .ok()
        .filter(|t| *t <= 4095)
        .ok_or(LinkError::Damaged("a vlan tag out of range"))
}

fn shown_char(ch: char) -> String {
    if ch.is_ascii_graphic() || ch == ' ' {
        format!("'{ch}'")
    } else {
        format!("U+{:04X}", ch as u32)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::engine::input::script;

    pub(crate) use crate::engine::presets::SEED;

    fn seed_state() -> LinkState {
        LinkState {
            scenario: Rc::new(script::parse(SEED).unwrap()),
            lanes: [
                LaneState { kernel: Kernel::Main, order: StageOrder::Legacy, extra: vec![] },
                LaneState { kernel: Kernel::Main, order: StageOrder::VnetShutdown, extra: vec![] },
            ],
            step: 0,
            embed: false,
        }
    }

    #[test]
    fn the_seed_link_fits_the_budget() {
        let state = seed_state();
        let link = encode(&state);
        println!("seed fragment: {} chars: {link}", link.len());
        assert!(link.len() <= 150, "{} chars: {link}", link.len());
        assert_eq!(decode(&link).unwrap(), state);
        // At the page fault, with an explorer re-registration in lane B: still short.
        let mut at_fault = state.clone();
        at_fault.step = 17;
        at_fault.lanes[1].extra.push(("vnet_gif_uninit".into(), Slot::new(0x880_0000, 1)));
        let link = encode(&at_fault);
        assert!(link.len() <= 150, "{} chars: {link}", link.len());
        assert_eq!(decode(&link).unwrap(), at_fault);
    }

    #[test]
    fn mail_damage_is_repaired_or_explained() {
        let state = seed_state();
        let link = encode(&state);
        let url = format!("https://example.org/vnet-playground/#{link}");
        // Wrapped, quoted, bracketed, with a QP soft break: all repaired.
        let (a, b) = link.split_at(40);
        let (b, c) = b.split_at(30);
        let mangled = format!("<https://example.org/#{a}\n> {b}=\r\n{c} >");
        assert_eq!(decode(&mangled).unwrap(), state);
        assert_eq!(decode(&url).unwrap(), state);
        assert_eq!(wrap_link_for_mail(&url), format!("<{url}>"));

        assert_eq!(decode(""), Err(LinkError::Empty));
        assert_eq!(decode("#  "), Err(LinkError::Empty));
        assert_eq!(decode("hello"), Err(LinkError::NotALink));
        let e = decode("v9.AAAA").unwrap_err();
        assert_eq!(e, LinkError::NewerVersion(9));
        assert!(e.to_string().contains("made by a newer version"), "{e}");
        assert!(matches!(decode("v0.AAAA"), Err(LinkError::UnknownVersion(_))));

        let e = decode(&format!("{}=3D{}", &link[..20], &link[20..])).unwrap_err();
        assert_eq!(e, LinkError::BadChar { ch: '=', position: 21, cleaned: false });
        assert!(e.to_string().contains("quoted-printable"), "{e}");

        let cut = &link[..link.len() - 25];
        let e = decode(cut).unwrap_err();
        assert!(matches!(e, LinkError::Truncated { .. }), "{e:?}");
        assert!(e.to_string().contains(&format!("it has {} characters", cut.len())), "{e}");
    }

    /// A state that uses every wire variant, with values at the edges of each type.
    fn every_variant() -> LinkState {
        use std::net::{Ipv4Addr, Ipv6Addr};
        let v4 = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 255));
        let v6 = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0xffff, 1));
        let ifc = |op| Command::Ifconfig { jail: Some("jé".into()), ifname: "gif0".into(), op };
        let cmds = vec![
            Command::KernelOption { name: "VIMAGE".into() },
            Command::JailCreate {
                name: "j1".into(),
                vnet: true,
                persist: false,
                children_max: None,
            },
            Command::JailCreate {
                name: "x".into(),
                vnet: false,
                persist: true,
                children_max: Some(u32::MAX),
            },
            ifc(IfOp::Create { vxlan: None }),
            ifc(IfOp::Create {
                vxlan: Some(VxlanArgs {
                    id: 300,
                    local: Some(v4),
                    remote: None,
                    dev: Some("em0".into()),
                }),
            }),
            ifc(IfOp::Create {
                vxlan: Some(VxlanArgs { id: 0, local: None, remote: Some(v6), dev: None }),
            }),
            ifc(IfOp::Tunnel { src: v6, dst: v4 }),
            ifc(IfOp::Addr { addr: v4, len: 255, dst: Some(v6) }),
            ifc(IfOp::Addr { addr: v6, len: 64, dst: None }),
            ifc(IfOp::Up),
            ifc(IfOp::Fib(128)),
            ifc(IfOp::Vnet { jail: "j1".into() }),
            ifc(IfOp::Reclaim { jail: "j2".into() }),
            ifc(IfOp::Destroy),
            Command::RouteAdd {
                jail: None,
                flag: Some(RouteFlag::Host),
                dest: Prefix { addr: v6, len: 128 },
                gateway: Gateway::Interface("lo0".into()),
            },
            Command::RouteAdd {
                jail: Some("j1".into()),
                flag: None,
                dest: Prefix { addr: v4, len: 0 },
                gateway: Gateway::Addr(v6),
            },
            Command::Process { jail: "j1".into(), argv: "sleep 1000".into() },
            Command::Sysuninit { func: "ip_destroy".into(), slot: Slot::new(u32::MAX, 1 << 21) },
            Command::JailRemove { name: "j1".into() },
        ];
        let mut entries: Vec<Entry> = cmds.into_iter().map(Entry::new).collect();
        entries[1].comments = vec!["a".into(), "".into()];
        entries[2].trailing = Some("t".into());
        entries[3].pos = Some((i16::MIN, i16::MAX));
        entries[4].pos = Some((-1, 64));
        LinkState {
            scenario: Scenario { entries, tail_comments: vec!["end".into()] }.into(),
            lanes: [
                LaneState {
                    kernel: Kernel::R13_0,
                    order: StageOrder::PrisonCleanup,
                    extra: vec![("ip_destroy".into(), Slot::new(7, 0))],
                },
                LaneState { kernel: Kernel::R14, order: StageOrder::VnetShutdown, extra: vec![] },
            ],
            step: 70_000,
            embed: true,
        }
    }

    #[test]
    fn the_hand_written_wire_bytes_are_postcards() {
        let mut states = vec![seed_state(), every_variant(), LinkState::default()];
        for p in crate::engine::presets::presets() {
            let mut s = seed_state();
            s.scenario = script::parse(p.script).unwrap().into();
            states.push(s);
        }
        for state in states {
            let wire = to_wire(&state);
            let mut out = Out::default();
            wire.write(&mut out, VERSION);
            assert_eq!(out.0, postcard::to_allocvec(&wire).unwrap());
            let mut input = In(&out.0);
            let back = Wire::read(&mut input, VERSION).unwrap();
            assert!(input.0.is_empty());
            assert_eq!(from_wire(back).unwrap(), state);
        }
    }

    #[test]
    fn the_reader_is_as_strict_as_postcard() {
        let mut i = In(&[0x80, 0x80, 0x80, 0x80, 0x0f]);
        assert_eq!(i.u32(), Some(0xf000_0000));
        assert_eq!(In(&[0x80, 0x80, 0x80, 0x80, 0x10]).u32(), None);
        assert_eq!(In(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).u32(), None);
        assert_eq!(In(&[0xff, 0xff, 0x03]).i16(), Some(i16::MIN));
        assert_eq!(In(&[0xff, 0xff, 0x04]).i16(), None);
        assert_eq!(In(&[2]).bool(), None);
        assert_eq!(In(&[2, 0xff, 0xfe]).str(), None);
        assert_eq!(In(&[5, 1]).str(), None);
        for bytes in [&[0xff; 40][..], &[1, 0, 1, 9][..], &[0, 1, 0, 0x80][..]] {
            assert_eq!(
                Wire::read(&mut In(bytes), VERSION).is_some(),
                postcard::take_from_bytes::<Wire>(bytes).is_ok(),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn hostile_links_are_capped() {
        // 1 MiB of zeros deflates to a few hundred bytes.
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![0u8; 1 << 20], 10);
        let e = decode(&format!("v1.{}", URL_SAFE_NO_PAD.encode(bomb))).unwrap_err();
        assert_eq!(e, LinkError::TooBig);

        let mut big = LinkState::default();
        Rc::make_mut(&mut big.scenario).entries =
            vec![Entry::new(Command::JailRemove { name: "j1".into() }); MAX_ENTRIES + 1];
        assert_eq!(decode(&encode(&big)), Err(LinkError::TooManyEntries(MAX_ENTRIES + 1)));
        Rc::make_mut(&mut big.scenario).entries.pop();
        assert_eq!(decode(&encode(&big)).unwrap(), big);

        let junk = miniz_oxide::deflate::compress_to_vec(&[0xff; 40], 10);
        let e = decode(&format!("v1.{}", URL_SAFE_NO_PAD.encode(junk))).unwrap_err();
        assert!(matches!(e, LinkError::Damaged(_)), "{e:?}");
    }
}
