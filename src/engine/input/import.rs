//! Import a real FreeBSD system's state: one paste of `jls -n` / `jls -v`, `ifconfig -a`
//! (the host's, and each jail's after a `jexec J ifconfig -a` or `ifconfig -j J -a`
//! line) and `netstat -rn` (likewise), in any order, becomes a [`Scenario`] that builds
//! the same jails, interfaces, addresses and static routes, then tears the jails down.
//! A `uname -r` (or `uname -a`, `freebsd-version -k`) line names the host's release,
//! which becomes the kernel the lanes run ([`Imported::kernel`]).
//!
//! Invariants:
//! - [`import`] is pure and never panics, whatever the input; input is capped at
//!   [`MAX_BYTES`] and [`MAX_LINES`], with a clear error.
//! - Each block is recognised by its own format, not by the marker lines alone.
//! - Malformed lines (a bad address, a netmask that is not contiguous) are errors with
//!   the 1-based line and what was expected; what cannot be inferred (processes, kernel
//!   options, where a loaned interface was created) is listed in `notes`, never guessed
//!   silently.
//! - The scenario printed by `script::print` parses back to itself, its commands come in
//!   the order jails (parents first), creations and loans, configuration, routes,
//!   teardown, and `engine::build` accepts it whenever `errors` is empty (a command the
//!   model refuses is dropped with a note).

use crate::engine::input::scenario::{
    Command, Entry, Gateway, IfOp, Prefix, RouteFlag, Scenario, VxlanArgs,
};
use crate::engine::input::script::{self, is_ifname, is_jail_name};
use crate::engine::kernel;
use crate::engine::kernel::release;
use crate::engine::trace::{Driver, Kernel};
use crate::support::vecmap::{VecMap, VecSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The most bytes a paste may have (1 MiB).
pub const MAX_BYTES: usize = 1 << 20;
/// The most lines a paste may have.
pub const MAX_LINES: usize = 20_000;
/// How many commands the model may refuse before the import gives up.
const MAX_DROPS: usize = 64;
/// How many line notes an import keeps.
const MAX_NOTES: usize = 200;

/// What an import gives back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub scenario: Scenario,
    /// What could not be inferred or modelled, listed rather than guessed.
    pub notes: Vec<String>,
    pub errors: Vec<ImportError>,
    /// The host's release, from a `uname -r` line, when the model has a kernel for it.
    pub kernel: Option<Kernel>,
}

/// A malformed line: its 1-based number and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub line: usize,
    pub message: String,
}

/// Where an interface or a route lives: `None` is the host; `Some` names a jail (or its
/// JID, resolved once the whole paste is read).
type Loc = Option<String>;

#[derive(Default)]
struct Jail {
    jid: Option<String>,
    parent_jid: Option<String>,
    vnet: Option<bool>,
    persist: Option<bool>,
    children_max: Option<u32>,
    dying: bool,
}

struct Iface {
    loc: Loc,
    name: String,
    line: usize,
    up: bool,
    fib: u32,
    tunnel: Option<(IpAddr, IpAddr)>,
    addrs: Vec<(IpAddr, u8, Option<IpAddr>)>,
    vxlan: Option<VxlanArgs>,
    members: Vec<String>,
}

struct Route {
    loc: Loc,
    line: usize,
    flag: Option<RouteFlag>,
    dest: Prefix,
    gateway: Gateway,
}

enum Mode {
    None,
    Ifconfig(Loc),
    Netstat { loc: Loc, fib: u32, v6: Option<bool>, netif: Option<usize> },
    JlsV { pending: Option<String> },
}

#[derive(Default)]
struct St {
    jails: VecMap<String, Jail>,
    order: Vec<String>,
    ifaces: Vec<Iface>,
    routes: Vec<Route>,
    notes: Vec<String>,
    errors: Vec<ImportError>,
    skipped: Vec<usize>,
    /// (location, name) of every interface header seen.
    seen: VecSet<(Loc, String)>,
    /// Notes left out past [`MAX_NOTES`].
    more_notes: usize,
    linklocal: bool,
    lo_addrs: bool,
    rejects: usize,
    kernel: Option<Kernel>,
}

impl St {
    fn err(&mut self, line: usize, message: String) {
        self.errors.push(ImportError { line, message });
    }

    fn note(&mut self, n: String) {
        if self.notes.len() >= MAX_NOTES {
            self.more_notes += 1;
        } else if !self.notes.contains(&n) {
            self.notes.push(n);
        }
    }

    fn jail(&mut self, name: &str) -> &mut Jail {
        if !self.jails.contains_key(name) {
            self.order.push(name.to_string());
        }
        self.jails.get_or_default(name.to_string())
    }
}

fn at(l: &Loc) -> String {
    match l {
        None => "the host".to_string(),
        Some(j) => format!("jail {j}"),
    }
}

/// Imports one paste. See the module comment for what it accepts and promises.
pub fn import(text: &str) -> Imported {
    let mut st = St::default();
    if text.len() > MAX_BYTES {
        st.err(1, format!("the paste is {} bytes long; the limit is 1 MiB", text.len()));
        return finish_empty(st);
    }
    let mut mode = Mode::None;
    let mut cur: Option<usize> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        if n > MAX_LINES {
            st.err(n, format!("the paste has more than {MAX_LINES} lines, the limit"));
            break;
        }
        let toks: Vec<&str> = raw.split_whitespace().collect();
        if toks.is_empty() {
            continue;
        }
        if let Some(m) = marker(&toks) {
            mode = m;
            cur = None;
            continue;
        }
        if let Some(v) = version_line(&toks) {
            match release::parse_version(v) {
                Some(k) => {
                    st.kernel = Some(k);
                    st.note(format!(
                        "line {n}: the host runs {} (uname -r), so the lanes run {}",
                        shown(v),
                        release::of(k).name
                    ));
                }
                None => st.note(format!(
                    "line {n}: the host runs {}, which the model has no kernel for ({}); the lanes keep theirs",
                    shown(v),
                    release::unmodelled(v)
                        .map_or_else(|| format!("it knows {}", release::known_versions()), str::to_string)
                )),
            }
            continue;
        }
        if toks[0].ends_with(':') && toks.len() > 1 && toks[1].starts_with("flags=") {
            let loc = match &mode {
                Mode::Ifconfig(l) => l.clone(),
                _ => None,
            };
            mode = Mode::Ifconfig(loc.clone());
            let name = toks[0].trim_end_matches(':').to_string();
            if !st.seen.insert((loc.clone(), name.clone())) {
                st.err(
                    n,
                    format!(
                        "`{name}` appears twice for {}: put a `jexec J ifconfig -a` line above each jail's output",
                        at(&loc)
                    ),
                );
                cur = None;
                continue;
            }
            let up = toks[1].split(['<', '>', ',']).any(|f| f == "UP");
            st.ifaces.push(Iface {
                loc,
                name,
                line: n,
                up,
                fib: 0,
                tunnel: None,
                addrs: Vec::new(),
                vxlan: None,
                members: Vec::new(),
            });
            cur = Some(st.ifaces.len() - 1);
            continue;
        }
        if toks[0] == "Routing" && toks.get(1) == Some(&"tables") {
            let loc = match &mode {
                Mode::Netstat { loc, .. } => loc.clone(),
                _ => None,
            };
            let fib = match toks.get(3) {
                Some(f) => f.trim_end_matches(')').parse().unwrap_or(0),
                None => 0,
            };
            mode = Mode::Netstat { loc, fib, v6: None, netif: None };
            continue;
        }
        if let ["Internet:" | "Internet6:"] = toks[..] {
            let v6 = Some(toks[0] == "Internet6:");
            mode = match mode {
                Mode::Netstat { loc, fib, .. } => Mode::Netstat { loc, fib, v6, netif: None },
                _ => Mode::Netstat { loc: None, fib: 0, v6, netif: None },
            };
            continue;
        }
        if toks[0] == "JID" && toks.contains(&"Hostname") {
            if toks.contains(&"Address") && !toks.contains(&"Address(es)") {
                st.note(format!(
                    "line {n}: plain `jls` shows no jail names or vnet flags; paste `jls -n` instead"
                ));
                mode = Mode::None;
            } else {
                mode = Mode::JlsV { pending: None };
            }
            continue;
        }
        if is_jls_n(&toks) {
            jls_n(&mut st, n, &toks);
            mode = Mode::None;
            continue;
        }
        match &mut mode {
            Mode::Ifconfig(_) => {
                if let Some(c) = cur {
                    detail(&mut st, c, n, &toks)
                }
            }
            Mode::Netstat { loc, fib, v6: Some(v6), netif } => {
                if toks[0] == "Destination" {
                    *netif = toks.iter().position(|t| *t == "Netif");
                } else {
                    let (loc, fib, v6, netif) = (loc.clone(), *fib, *v6, *netif);
                    route_row(&mut st, n, &toks, loc, fib, v6, netif);
                }
            }
            Mode::JlsV { pending } => jls_v(&mut st, n, &toks, pending),
            _ => st.skipped.push(n),
        }
    }
    assemble(st)
}

/// One line of `jls -v`: `JID  Hostname  Path`, then `Name  State`, `CPUSetID` and
/// the jail's addresses, each on its own line.
fn jls_v(st: &mut St, n: usize, toks: &[&str], pending: &mut Option<String>) {
    let num = toks[0].parse::<u32>().is_ok();
    if matches!(toks[0], "Name" | "CPUSetID" | "IP") || toks.len() == 1 && num {
        return;
    }
    if toks.len() >= 2 && num {
        *pending = Some(toks[0].to_string());
    } else if toks.len() == 2 && matches!(toks[1], "ACTIVE" | "DYING") {
        if let Some(jid) = pending.take() {
            if !is_jail_name(toks[0]) {
                return st.err(n, format!("expected a jail name, found `{}`", shown(toks[0])));
            }
            let j = st.jail(toks[0]);
            j.dying |= toks[1] == "DYING";
            j.jid = Some(jid);
        }
    } else if toks.len() == 1 && ip(toks[0]).is_some() {
        st.note(format!("line {n}: jail addresses (ip4.addr, ip6.addr) are not modelled"));
    } else {
        st.skipped.push(n);
    }
}

/// The release a `uname -r` line (`14.2-RELEASE-p1`), a `uname -a` line (`FreeBSD host
/// 14.2-RELEASE-p1 …`) or `freebsd-version -k` prints.
fn version_line<'a>(toks: &[&'a str]) -> Option<&'a str> {
    let v = match toks {
        [v] => *v,
        ["FreeBSD", _, v, ..] => *v,
        _ => return None,
    };
    let (num, tag) = v.split_once('-')?;
    let (major, minor) = num.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let known = ["RELEASE", "STABLE", "CURRENT", "PRERELEASE", "BETA", "RC", "ALPHA"];
    (digits(major) && digits(minor) && known.iter().any(|k| tag.starts_with(k))).then_some(v)
}

fn finish_empty(st: St) -> Imported {
    Imported { scenario: Scenario::default(), notes: st.notes, errors: st.errors, kernel: None }
}

fn shown(s: &str) -> String {
    s.chars().take(40).map(|c| if c.is_control() || c == '`' { '?' } else { c }).collect()
}

/// A command line: an optional prompt (`#`, `$`, `root@host:~ #`), then `jexec J CMD`,
/// `ifconfig [-j J] -a`, `netstat -rn` or `jls …`.
fn marker(toks: &[&str]) -> Option<Mode> {
    let k = toks.iter().take(5).position(|t| {
        matches!(*t, "jexec" | "ifconfig" | "netstat" | "jls" | "setfib" | "sudo" | "doas")
    })?;
    if k > 0 && !toks[k - 1].ends_with(['#', '$', '%', '>']) {
        return None;
    }
    let mut rest = &toks[k..];
    let mut jail: Loc = None;
    loop {
        match *rest.first()? {
            "sudo" | "doas" => rest = &rest[1..],
            "setfib" => rest = rest.get(2..)?,
            "jexec" => {
                let mut j = 1;
                while rest.get(j)?.starts_with('-') {
                    j += if matches!(rest[j], "-u" | "-U") { 2 } else { 1 };
                }
                jail = Some(rest.get(j)?.to_string());
                rest = &rest[j + 1..];
            }
            _ => break,
        }
    }
    Some(match *rest.first()? {
        "ifconfig" => {
            if let Some(p) = rest.iter().position(|t| *t == "-j") {
                jail = Some(rest.get(p + 1)?.to_string());
            }
            Mode::Ifconfig(jail)
        }
        "netstat" => Mode::Netstat { loc: jail, fib: 0, v6: None, netif: None },
        _ => Mode::None,
    })
}

fn is_jls_n(toks: &[&str]) -> bool {
    toks.iter().any(|t| t.starts_with("name="))
        && toks.iter().all(|t| {
            let key = t.split('=').next().unwrap_or("");
            key.starts_with(|c: char| c.is_ascii_lowercase())
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._".contains(c))
                || !t.contains('=') && !t.starts_with('-')
        })
}

fn unquote(v: &str) -> &str {
    v.trim_matches(['"', '\''])
}

fn jls_n(st: &mut St, n: usize, toks: &[&str]) {
    let Some(name) = toks.iter().find_map(|t| t.strip_prefix("name=")).map(unquote) else {
        return;
    };
    if !is_jail_name(name) {
        st.err(
            n,
            format!(
                "expected a jail name after `name=` (letters, digits, `_`, `-`, dots between nested names), found `{}`",
                shown(name)
            ),
        );
        return;
    }
    let mut bad = None;
    let j = st.jail(name);
    for t in toks {
        let (k, v) = t.split_once('=').map_or((*t, ""), |(k, v)| (k, unquote(v)));
        match (k, v) {
            ("jid", v) => j.jid = Some(v.to_string()),
            ("parent", v) if v != "0" => j.parent_jid = Some(v.to_string()),
            ("vnet", "new") => j.vnet = Some(true),
            ("vnet", "inherit" | "disable" | "") => j.vnet = Some(false),
            ("vnet", v) => {
                bad = Some(format!(
                    "expected `vnet=new` or `vnet=inherit`, found `vnet={}`",
                    shown(v)
                ))
            }
            ("persist", _) => j.persist = Some(true),
            ("nopersist", _) => j.persist = Some(false),
            ("dying", _) => j.dying = true,
            ("children.max", v) => match v.parse::<u32>() {
                Ok(m) => j.children_max = Some(m),
                Err(_) => {
                    bad = Some(format!(
                        "expected a number after `children.max=`, found `{}`",
                        shown(v)
                    ))
                }
            },
            _ => {}
        }
    }
    if let Some(m) = bad {
        st.err(n, m);
    }
}

/// An address as ifconfig and netstat print it, without a `%scope` suffix.
fn ip(s: &str) -> Option<IpAddr> {
    s.split('%').next()?.parse().ok()
}

fn detail(st: &mut St, c: usize, n: usize, toks: &[&str]) {
    let bad_addr = |what: &str, t: Option<&&str>| match t {
        Some(t) => format!("expected {what}, found `{}`", shown(t)),
        None => format!("expected {what}, found the end of the line"),
    };
    match toks[0] {
        "inet" | "inet6" => {
            let v6 = toks[0] == "inet6";
            let fam = if v6 { "an IPv6 address" } else { "an IPv4 address" };
            let raw = toks.get(1).copied().unwrap_or("");
            let (a_text, cidr) = match raw.split_once('/') {
                Some((a, l)) => (a, Some(l)),
                None => (raw, None),
            };
            let Some(a) = ip(a_text).filter(|a| a.is_ipv6() == v6) else {
                return st.err(n, bad_addr(&format!("{fam} after `{}`", toks[0]), toks.get(1)));
            };
            let mut len = None;
            let mut dst = None;
            if let Some(l) = cidr {
                len = l.parse::<u8>().ok().filter(|l| *l <= if v6 { 128 } else { 32 });
                if len.is_none() {
                    return st.err(
                        n,
                        format!("expected a prefix length after `/`, found `{}`", shown(l)),
                    );
                }
            }
            let mut i = 2;
            while i < toks.len() {
                let next = toks.get(i + 1);
                match toks[i] {
                    "-->" => {
                        // `-f inet:cidr` prints the length after the destination.
                        let (d, l) = next.map_or(("", None), |t| match t.split_once('/') {
                            Some((d, l)) => (d, l.parse::<u8>().ok().filter(|l| *l <= 32)),
                            None => (t, None),
                        });
                        match ip(d).filter(|d| d.is_ipv6() == v6) {
                            Some(d) => dst = Some(d),
                            None => {
                                return st.err(n, bad_addr(&format!("{fam} after `-->`"), next));
                            }
                        }
                        len = l.or(len);
                    }
                    "netmask" if !v6 => {
                        let m = next.and_then(|t| {
                            let h = t.strip_prefix("0x")?;
                            u32::from_str_radix(h, 16).ok()
                        });
                        match m {
                            Some(m) if m.leading_ones() + m.trailing_zeros() == 32 => {
                                len = Some(m.leading_ones() as u8)
                            }
                            _ => {
                                return st.err(
                                    n,
                                    bad_addr(
                                        "a contiguous hex netmask (like `0xffffff00`) after `netmask`",
                                        next,
                                    ),
                                );
                            }
                        }
                    }
                    "prefixlen" if v6 => match next.and_then(|t| t.parse::<u8>().ok()) {
                        Some(l) if l <= 128 => len = Some(l),
                        _ => {
                            return st.err(
                                n,
                                bad_addr("a prefix length from 0 to 128 after `prefixlen`", next),
                            );
                        }
                    },
                    _ => {
                        i += 1;
                        continue;
                    }
                }
                i += 2;
            }
            let f = &st.ifaces[c];
            if f.name == "lo0" {
                st.lo_addrs = true;
            } else if matches!(a, IpAddr::V6(v) if v.segments()[0] & 0xffc0 == 0xfe80) {
                st.linklocal = true;
            } else {
                let len = len.unwrap_or(if v6 { 64 } else { 32 });
                st.ifaces[c].addrs.push((a, len, dst));
            }
        }
        "tunnel" => {
            let v6 = toks.get(1) == Some(&"inet6");
            let src = toks.get(2).and_then(|t| ip(t));
            let dst = toks.get(4).and_then(|t| ip(t));
            match (src, toks.get(3), dst) {
                (Some(s), Some(&"-->"), Some(d)) if s.is_ipv6() == v6 && d.is_ipv6() == v6 => {
                    st.ifaces[c].tunnel = Some((s, d))
                }
                _ => st.err(
                    n,
                    "expected `tunnel inet SRC --> DST` (or `tunnel inet6 …`) with two addresses"
                        .into(),
                ),
            }
        }
        "fib:" => match toks.get(1).and_then(|t| t.parse().ok()) {
            Some(f) => st.ifaces[c].fib = f,
            None => st.err(n, bad_addr("a fib number after `fib:`", toks.get(1))),
        },
        "member:" => {
            if let Some(m) = toks.get(1) {
                st.ifaces[c].members.push(m.to_string());
            }
        }
        "vxlan" if toks.get(1) == Some(&"vni") => {
            let id = toks.get(2).and_then(|t| t.parse::<u32>().ok());
            let host = |k: &str| {
                let p = toks.iter().position(|t| *t == k)?;
                let t = toks.get(p + 1)?;
                let h = t.rsplit_once(':').map_or(*t, |(h, _)| h);
                ip(h.trim_matches(['[', ']'])).filter(|a| !a.is_unspecified())
            };
            match id {
                Some(id) => {
                    let remote = host("remote").or_else(|| host("group"));
                    st.ifaces[c].vxlan =
                        Some(VxlanArgs { id, local: host("local"), remote, dev: None })
                }
                None => st.err(n, bad_addr("a vxlan network identifier after `vni`", toks.get(2))),
            }
        }
        t if HARMLESS.iter().any(|h| t.starts_with(h)) => {}
        _ => {
            let name = st.ifaces[c].name.clone();
            if modelled(&name) {
                st.note(format!(
                    "line {n}: `{}` in {name}'s ifconfig output is not modelled; skipped",
                    shown(&toks.join(" "))
                ));
            }
        }
    }
}

/// Detail lines of `ifconfig -a` that change nothing the model simulates.
const HARMLESS: &[&str] = &[
    "options=",
    "capabilities=",
    "ether",
    "hwaddr",
    "media:",
    "status:",
    "nd6",
    "groups:",
    "description:",
    "id",
    "maxage",
    "root",
    "ifmaxaddr",
    "lladdr",
    "plugged:",
    "vendor:",
    "module",
    "drivername:",
    "syncpeer",
    "vlan",
    "laggproto",
    "laggport",
    "ssid",
    "channel",
    "country",
    "parent",
    "txpower",
    "protmode",
    "wme",
    "bintval",
    "config:",
    "ftable:",
];

/// The first few names, then how many more.
fn list(names: &[String]) -> String {
    let mut s = names.iter().take(8).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > 8 {
        s.push_str(&format!(" and {} more", names.len() - 8));
    }
    s
}

/// A name the model can create: a modelled driver with a unit (`gif0`, `epair3b`).
fn modelled(name: &str) -> bool {
    let unit = match Driver::from_ifname(name) {
        Some(Driver::Epair) => name.strip_suffix(['a', 'b']).unwrap_or(""),
        Some(_) => name,
        None => "",
    };
    is_ifname(name) && unit.ends_with(|c: char| c.is_ascii_digit())
}

fn route_row(
    st: &mut St,
    n: usize,
    toks: &[&str],
    loc: Loc,
    fib: u32,
    v6: bool,
    netif: Option<usize>,
) {
    if toks.len() < 3 {
        return st.skipped.push(n);
    }
    let flags = toks[2];
    let netif = toks.get(netif.unwrap_or(3).min(toks.len() - 1)).copied().unwrap_or("");
    let static_ = flags.contains('S');
    let gw_link = toks[1].starts_with("link#");
    if flags.contains(['R', 'B']) {
        st.rejects += 1;
        return;
    }
    if !static_ || (!flags.contains('G') && (!gw_link || netif == "lo0" && flags.contains('H'))) {
        if flags.contains('G') {
            st.note(format!(
                "line {n}: route {} via {} (flags {flags}) is not static, so the system made it; skipped",
                shown(toks[0]),
                shown(toks[1])
            ));
        }
        return;
    }
    let host = flags.contains('H');
    let fam = if v6 { "an IPv6" } else { "an IPv4" };
    let dest = if toks[0] == "default" {
        let addr =
            if v6 { IpAddr::V6(Ipv6Addr::UNSPECIFIED) } else { IpAddr::V4(Ipv4Addr::UNSPECIFIED) };
        Some((addr, Some(0)))
    } else {
        let (a, l) = match toks[0].split_once('/') {
            Some((a, l)) => (a, Some(l)),
            None => (toks[0], None),
        };
        let addr = if v6 { ip(a) } else { short_v4(a) };
        let max = if v6 { 128 } else { 32 };
        let len = match l {
            Some(l) => l.parse::<u8>().ok().filter(|l| *l <= max).map(Some),
            None if host => Some(Some(max)),
            None => Some(None),
        };
        match (addr.filter(|a| a.is_ipv6() == v6), len) {
            (Some(a), Some(l)) => Some((a, l)),
            _ => None,
        }
    };
    let Some((addr, len)) = dest else {
        return st.err(
            n,
            format!(
                "expected {fam} destination (`default`, `A` or `A/LEN`), found `{}`",
                shown(toks[0])
            ),
        );
    };
    let Some(len) = len else {
        return st
            .note(format!("line {n}: route {} has no prefix length; skipped", shown(toks[0])));
    };
    let gateway = if flags.contains('G') {
        match ip(toks[1]).filter(|g| g.is_ipv6() == v6) {
            Some(g) => Gateway::Addr(g),
            None => {
                return st
                    .err(n, format!("expected {fam} gateway address, found `{}`", shown(toks[1])));
            }
        }
    } else {
        Gateway::Interface(netif.to_string())
    };
    if fib != 0 {
        return st
            .note(format!("line {n}: routes of fib {fib} are not modelled (only fib 0); skipped"));
    }
    let flag = if toks[0] == "default" {
        None
    } else if host {
        Some(RouteFlag::Host)
    } else {
        Some(RouteFlag::Net)
    };
    st.routes.push(Route { loc, line: n, flag, dest: Prefix { addr, len }, gateway });
}

/// `10.1` as old netstat prints 10.1.0.0.
fn short_v4(s: &str) -> Option<IpAddr> {
    let parts: Vec<u8> = s.split('.').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut o = [0u8; 4];
    o[..parts.len()].copy_from_slice(&parts);
    Some(IpAddr::V4(Ipv4Addr::from(o)))
}

/// The scenario, in order: jails, creations and loans, configuration, routes, teardown.
fn assemble(mut st: St) -> Imported {
    // JIDs to names, for `jexec 3 …` and `parent=3`.
    let mut by_jid: VecMap<String, String> = VecMap::new();
    for (name, j) in st.jails.iter() {
        if let Some(id) = &j.jid {
            by_jid.insert(id.clone(), name.clone());
        }
    }
    let resolve =
        |l: &Loc| -> Loc { l.as_ref().map(|j| by_jid.get(j).cloned().unwrap_or(j.clone())) };
    for f in &mut st.ifaces {
        f.loc = resolve(&f.loc);
    }
    for r in &mut st.routes {
        r.loc = resolve(&r.loc);
    }
    // Jails: parents before children, in the paste's order otherwise.
    let mut names = st.order.clone();
    crate::support::order::sort_by_key(&mut names, |n| n.matches('.').count());
    let mut out: Vec<(usize, Command)> = Vec::new();
    let mut live: VecMap<String, bool> = VecMap::new();
    for name in &names {
        let Some(j) = st.jails.get(name) else { continue };
        let (dying, vnet, persist, cmax, pj) =
            (j.dying, j.vnet, j.persist, j.children_max, j.parent_jid.clone());
        if dying {
            st.note(format!("jail {name} is dying: it is already being torn down; skipped"));
            continue;
        }
        if let Some((parent, _)) = name.rsplit_once('.') {
            if !live.contains_key(parent) {
                st.note(format!("jail {name}: its parent {parent} is not in the paste; skipped"));
                continue;
            }
        } else if let Some(p) = pj {
            st.note(format!(
                "jail {name}: jls shows parent JID {p} but the name is not dotted; imported as a top-level jail"
            ));
        }
        let has_ifs =
            st.ifaces.iter().any(|f| f.loc.as_deref() == Some(name.as_str()) && f.name != "lo0");
        let vnet = match vnet {
            Some(v) => v,
            None => {
                st.note(format!(
                    "jail {name}: jls -v does not show vnet; {}",
                    if has_ifs {
                        "inferred from its own interfaces"
                    } else {
                        "imported without vnet"
                    }
                ));
                has_ifs
            }
        };
        match persist {
            Some(true) => {}
            Some(false) => st.note(format!(
                "jail {name} is nopersist, so processes keep it alive; the paste cannot show them, so it is imported as persist"
            )),
            None => st.note(format!("jail {name}: persist is not shown; imported as persist")),
        }
        live.insert(name.clone(), vnet);
        out.push((
            0,
            Command::JailCreate {
                name: name.clone(),
                vnet,
                persist: true,
                children_max: cmax.filter(|m| *m > 0),
            },
        ));
    }
    // Which interfaces the model can follow.
    let (mut unmodelled, mut in_jail): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    let mut keep: Vec<bool> = Vec::new();
    // (jail, known without a vnet) -> interfaces shown there that are not imported.
    let mut elsewhere: VecMap<(String, bool), Vec<String>> = VecMap::new();
    for f in &st.ifaces {
        let ok_loc = match &f.loc {
            None => true,
            Some(j) => {
                let known = live.get(j);
                if known != Some(&true) {
                    let e = elsewhere.get_or_insert((j.clone(), known.is_some()), Vec::new());
                    e.push(f.name.clone());
                }
                known == Some(&true)
            }
        };
        let ok = ok_loc && modelled(&f.name);
        if ok_loc && !modelled(&f.name) {
            unmodelled.push(format!("{} ({})", f.name, at(&f.loc)));
            if f.loc.is_some() {
                in_jail.push(format!("{} ({})", f.name, at(&f.loc)));
            }
        }
        if ok && Driver::from_ifname(&f.name) == Some(Driver::Vxlan) && f.loc.is_some() {
            st.notes.push(format!(
                "{} is in {}: the model creates vxlan only in the host; skipped",
                f.name,
                at(&f.loc)
            ));
            keep.push(false);
            continue;
        }
        keep.push(ok);
    }
    for ((j, known), names) in elsewhere.iter() {
        st.notes.push(if *known {
            format!(
                "jail {j} has no vnet of its own, so its ifconfig shows its parent's interfaces; not imported: {}",
                list(names)
            )
        } else {
            format!(
                "jail {j} is not in the paste's jls output, so its interfaces are not imported: {}",
                list(names)
            )
        });
    }
    if !live.is_empty() {
        st.notes.push(
            "these tools cannot show processes in jails or kernel options (such as options ROUTE_CACHE); add `jexec J CMD &` or `options …` lines by hand if the system has them".into(),
        );
    }
    if !in_jail.is_empty() {
        st.notes.push(format!(
            "in a vnet jail, so the model cannot follow them back to the host at teardown: {}",
            list(&in_jail)
        ));
    }
    if !unmodelled.is_empty() {
        st.notes.push(format!(
            "not modelled (physical NICs or drivers the model lacks): {}",
            list(&unmodelled)
        ));
    }
    if st.lo_addrs {
        st.notes.push(
            "lo0's addresses (127.0.0.1, ::1) are set by userland, not the kernel; not modelled"
                .into(),
        );
    }
    if st.linklocal {
        st.notes.push(
            "IPv6 link-local (fe80::) addresses are made by the kernel per interface; not imported"
                .into(),
        );
    }
    if st.rejects > 0 {
        st.notes.push(format!(
            "{} reject or blackhole routes (flags R, B) are not modelled; skipped",
            st.rejects
        ));
    }
    // Creations and loans, location by location (host first, then jails parents first).
    let locs: Vec<Loc> = std::iter::once(None).chain(live.keys().cloned().map(Some)).collect();
    let mut locs = locs;
    crate::support::order::sort_by_key(&mut locs, |l| {
        l.as_ref().map_or(0, |j| j.matches('.').count() + 1)
    });
    let vnet_anc = |l: &Loc| -> Loc {
        let mut cur = l.clone();
        while let Some(j) = &cur {
            if live.get(j) == Some(&true) {
                break;
            }
            cur = j.rsplit_once('.').map(|(p, _)| p.to_string());
        }
        cur
    };
    let common = |a: &Loc, b: &Loc| -> Loc {
        let (Some(a), Some(b)) = (a, b) else { return None };
        let pa: Vec<&str> = a.split('.').collect();
        let pb: Vec<&str> = b.split('.').collect();
        let k = pa.iter().zip(&pb).take_while(|(x, y)| x == y).count();
        if k == 0 { None } else { vnet_anc(&Some(pa[..k].join("."))) }
    };
    // epair units: (create loc, [(end, loc)]).
    let mut epairs: VecMap<String, (Vec<(String, Loc)>, usize)> = VecMap::new();
    for (f, k) in st.ifaces.iter().zip(&keep) {
        if *k && Driver::from_ifname(&f.name) == Some(Driver::Epair) {
            let unit = f.name.trim_end_matches(['a', 'b']).to_string();
            if unit != f.name && unit.len() > "epair".len() {
                let e = epairs.get_or_insert(unit, (Vec::new(), f.line));
                e.0.push((f.name.clone(), f.loc.clone()));
            }
        }
    }
    let mut creates: Vec<(Loc, usize, Command)> = Vec::new();
    let (mut inferred, mut assumed) = (Vec::new(), Vec::new());
    let mut loans: Vec<(Loc, usize, Command)> = Vec::new();
    for (unit, (ends, line)) in epairs.iter() {
        let mut home = ends[0].1.clone();
        for (_, l) in ends {
            home = common(&home, l);
        }
        if ends.len() == 1 {
            home = None;
            let other =
                if ends[0].0.ends_with('a') { format!("{unit}b") } else { format!("{unit}a") };
            st.notes.push(format!("{other} is not in the paste (perhaps in a jail not shown); the model keeps it in the host"));
        }
        inferred.push(format!("{unit} in {}", at(&home)));
        creates.push((
            home.clone(),
            *line,
            Command::Ifconfig {
                jail: home.clone(),
                ifname: unit.clone(),
                op: IfOp::Create { vxlan: None },
            },
        ));
        for (end, l) in ends {
            if *l != home {
                if let Some(j) = l {
                    loans.push((
                        home.clone(),
                        *line,
                        Command::Ifconfig {
                            jail: home.clone(),
                            ifname: end.clone(),
                            op: IfOp::Vnet { jail: j.clone() },
                        },
                    ));
                }
            }
        }
    }
    for (f, k) in st.ifaces.iter().zip(&keep) {
        let d = Driver::from_ifname(&f.name);
        if !*k || d == Some(Driver::Epair) || f.name == "lo0" {
            continue;
        }
        if f.loc.is_some() {
            assumed.push(format!("{} ({})", f.name, at(&f.loc)));
        }
        if !f.members.is_empty() {
            st.notes.push(format!(
                "{}'s members ({}) are not modelled",
                f.name,
                f.members.join(", ")
            ));
        }
        creates.push((
            f.loc.clone(),
            f.line,
            Command::Ifconfig {
                jail: f.loc.clone(),
                ifname: f.name.clone(),
                op: IfOp::Create { vxlan: f.vxlan.clone().filter(|_| d == Some(Driver::Vxlan)) },
            },
        ));
    }
    if !inferred.is_empty() {
        st.notes.push(format!(
            "where each epair was created is inferred (ifconfig does not show it): {}",
            list(&inferred)
        ));
    }
    if !assumed.is_empty() {
        st.notes.push(format!(
            "assumed created in the jail that shows them (a loaned interface looks the same): {}",
            list(&assumed)
        ));
    }
    for l in &locs {
        for (cl, line, c) in creates.iter().chain(&loans) {
            if cl == l {
                out.push((*line, c.clone()));
            }
        }
    }
    // Configuration, each interface where it is now.
    let mut reach: Vec<(Loc, IpAddr, u8, Option<IpAddr>, String)> = Vec::new();
    for (f, k) in st.ifaces.iter().zip(&keep) {
        if !*k || f.name == "lo0" {
            continue;
        }
        let mut op = |op: IfOp| {
            out.push((
                f.line,
                Command::Ifconfig { jail: f.loc.clone(), ifname: f.name.clone(), op },
            ))
        };
        if let Some((s, d)) = f.tunnel {
            op(IfOp::Tunnel { src: s, dst: d });
        }
        if f.fib != 0 {
            op(IfOp::Fib(f.fib));
        }
        for (a, len, dst) in &f.addrs {
            op(IfOp::Addr { addr: *a, len: *len, dst: *dst });
            if f.fib == 0 {
                reach.push((f.loc.clone(), *a, *len, *dst, f.name.clone()));
            }
        }
        if f.up {
            op(IfOp::Up);
        }
    }
    // Routes whose gateway a modelled interface reaches.
    let routes = std::mem::take(&mut st.routes);
    for r in &routes {
        let ok = match &r.gateway {
            Gateway::Addr(g) => reach.iter().any(|(l, a, len, dst, _)| {
                *l == r.loc && (*dst == Some(*g) || dst.is_none() && kernel::covers(*a, *len, *g))
            }),
            Gateway::Interface(i) => {
                st.ifaces.iter().zip(&keep).any(|(f, k)| *k && f.loc == r.loc && f.name == *i)
            }
        };
        if r.loc.as_ref().is_some_and(|j| live.get(j) != Some(&true)) {
            st.note(format!(
                "routes of {} (not a vnet jail in the paste) are not imported",
                at(&r.loc)
            ));
            continue;
        }
        if !ok {
            let dest = if r.dest.len == 0 {
                "default".to_string()
            } else {
                format!("{}/{}", r.dest.addr, r.dest.len)
            };
            let gw = match &r.gateway {
                Gateway::Addr(a) => a.to_string(),
                Gateway::Interface(i) => i.clone(),
            };
            st.notes.push(format!(
                "line {}: route {dest} via {gw} skipped: no modelled interface in {} reaches it",
                r.line,
                at(&r.loc)
            ));
            continue;
        }
        out.push((
            r.line,
            Command::RouteAdd {
                jail: r.loc.clone(),
                flag: r.flag,
                dest: r.dest,
                gateway: r.gateway.clone(),
            },
        ));
    }
    for name in names.iter().filter(|n| live.contains_key(*n)) {
        if !name.contains('.') {
            out.push((0, Command::JailRemove { name: name.clone() }));
        }
    }
    if live.is_empty() {
        st.notes.push("no jails in the paste: nothing to tear down".into());
    }
    if st.more_notes > 0 {
        st.notes.push(format!("{} more notes like these were left out", st.more_notes));
    }
    if !st.skipped.is_empty() {
        let shown: Vec<String> = st.skipped.iter().take(5).map(|l| l.to_string()).collect();
        let more = st.skipped.len().saturating_sub(5);
        st.notes.push(format!(
            "line{} {}{} not recognised; skipped",
            if st.skipped.len() > 1 { "s" } else { "" },
            shown.join(", "),
            if more > 0 { format!(" and {more} more") } else { String::new() }
        ));
    }
    settle(st, out)
}

/// Drops what the model refuses (with a note), so that the result builds.
fn settle(mut st: St, mut out: Vec<(usize, Command)>) -> Imported {
    let mk = |out: &[(usize, Command)]| Scenario {
        entries: out.iter().map(|(_, c)| Entry::new(c.clone())).collect(),
        tail_comments: Vec::new(),
    };
    let mut drops = 0;
    let mut sc = mk(&out);
    while let Err(e) = crate::engine::build(&sc) {
        let line = out.get(e.entry).map_or(1, |(l, _)| (*l).max(1));
        if drops >= MAX_DROPS || e.entry >= out.len() {
            st.err(line, format!("the model cannot build this paste: {}", e.message));
            break;
        }
        let (_, c) = out.remove(e.entry);
        st.notes.push(format!(
            "line {line}: the model refuses `{}`: {}; skipped",
            script::command_text(&c),
            e.message
        ));
        drops += 1;
        sc = mk(&out);
    }
    if script::parse(&script::print(&sc)).as_ref() != Ok(&sc) {
        st.err(1, "the imported scenario does not print back to itself (an import bug)".into());
    }
    Imported { scenario: sc, notes: st.notes, errors: st.errors, kernel: st.kernel }
}
