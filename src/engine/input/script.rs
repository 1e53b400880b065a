//! The script: the text form of a [`Scenario`], written as the commands a FreeBSD user
//! would type (`jail -c`, `ifconfig`, `jexec … route add`, `jail -r`, …), so that it can
//! be pasted into a mail and read by anyone on the list.
//!
//! Invariants:
//! - [`parse`] never panics, whatever the input (random bytes, huge lines, unicode, CRLF,
//!   tabs). Input is capped at [`MAX_LINES`] lines and [`MAX_BYTES`] bytes.
//! - Errors carry a 1-based line and a 1-based column counted in characters, and say
//!   what was expected.
//! - [`print`] is canonical: one command per line, `jexec J ifconfig …` form, comments
//!   as `# text`, trailing comments after two spaces. For every valid scenario with no
//!   canvas positions, `parse(&print(s)) == Ok(s)`, and printing a parsed script twice
//!   gives the same text. Canvas positions (`Entry::pos`) are not part of the text.
//! - Checks here need no simulation: syntax, name shapes, address families, the
//!   `jail -r` lines coming last, and interface creation in a jail declared without
//!   `vnet` ("Operation not permitted", as in FreeBSD).

use crate::engine::input::scenario::{
    Command, Entry, Gateway, IfOp, NgOp, Prefix, RouteFlag, Scenario, VxlanArgs,
};
use crate::engine::kernel::si::{self, Slot};
use crate::engine::trace::Driver;
use crate::support::vecmap::VecMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The most lines a script may have.
pub const MAX_LINES: usize = 20_000;
/// The most bytes a script may have (1 MiB).
pub const MAX_BYTES: usize = 1 << 20;
/// The longest interface name (IFNAMSIZ - 1).
pub const MAX_IFNAME: usize = 15;
/// The largest vxlan network identifier (24 bits).
pub const MAX_VXLANID: u32 = (1 << 24) - 1;

/// A script error, at a 1-based line and a 1-based column counted in characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ScriptError {}

/// Parses a script into a scenario (positions are `None`).
pub fn parse(text: &str) -> Result<Scenario, ScriptError> {
    parse_with_lines(text).map(|(s, _)| s)
}

/// Parses a script, and also returns the 1-based line of each entry, so that a later
/// error about entry `i` (e.g. from the engine) can be reported at `lines[i]`.
pub fn parse_with_lines(text: &str) -> Result<(Scenario, Vec<usize>), ScriptError> {
    if text.len() > MAX_BYTES {
        return Err(ScriptError {
            line: 1,
            column: 1,
            message: format!(
                "the script is {} bytes long; the limit is 1 MiB ({MAX_BYTES} bytes)",
                text.len()
            ),
        });
    }
    let mut scenario = Scenario::default();
    let mut lines = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    let mut removing = false;
    // Jails declared so far, and whether each has its own vnet.
    let mut jails: VecMap<String, bool> = VecMap::new();
    for (i, raw) in text.lines().enumerate() {
        let lineno = i + 1;
        if lineno > MAX_LINES {
            return Err(ScriptError {
                line: lineno,
                column: 1,
                message: format!("the script has more than {MAX_LINES} lines, the limit"),
            });
        }
        let (toks, comment, end_col) = tokenize(raw);
        if toks.is_empty() {
            if let Some(c) = comment {
                pending.push(c);
            }
            continue;
        }
        let mut cur = Cur { line: lineno, toks: &toks, i: 0, end_col };
        let command = parse_command(&mut cur, &jails)?;
        match &command {
            Command::JailRemove { .. } => removing = true,
            _ if removing => {
                return Err(cur.err_at(
                    &toks[0],
                    "`jail -r` lines must come last: the teardown runs after the scenario is built"
                        .to_string(),
                ));
            }
            Command::JailCreate { name, vnet, .. } => {
                jails.insert(name.clone(), *vnet);
            }
            _ => {}
        }
        scenario.entries.push(Entry {
            comments: std::mem::take(&mut pending),
            command,
            trailing: comment,
            pos: None,
        });
        lines.push(lineno);
    }
    scenario.tail_comments = pending;
    Ok((scenario, lines))
}

/// Prints a scenario as its canonical script. Positions are not printed.
pub fn print(s: &Scenario) -> String {
    let mut out = String::new();
    for e in &s.entries {
        for c in &e.comments {
            out.push_str(&comment_text(c));
            out.push('\n');
        }
        out.push_str(&command_text(&e.command));
        if let Some(t) = &e.trailing {
            out.push_str("  ");
            out.push_str(&comment_text(t));
        }
        out.push('\n');
    }
    for c in &s.tail_comments {
        out.push_str(&comment_text(c));
        out.push('\n');
    }
    out
}

fn comment_text(c: &str) -> String {
    if c.is_empty() { "#".to_string() } else { format!("# {c}") }
}

/// One command as its canonical line, without comments.
pub fn command_text(cmd: &Command) -> String {
    match cmd {
        Command::KernelOption { name } => format!("options {name}"),
        Command::JailCreate { name, vnet, persist, children_max } => {
            let mut s = format!("jail -c name={name}");
            if *vnet {
                s.push_str(" vnet");
            }
            if *persist {
                s.push_str(" persist");
            }
            if let Some(k) = children_max {
                s.push_str(&format!(" children.max={k}"));
            }
            s
        }
        Command::Ifconfig { jail, ifname, op } => {
            let mut s = match jail {
                Some(j) => format!("jexec {j} ifconfig {ifname} "),
                None => format!("ifconfig {ifname} "),
            };
            s.push_str(&op_text(ifname, op));
            s
        }
        Command::RouteAdd { jail, flag, dest, gateway } => {
            let mut s = match jail {
                Some(j) => format!("jexec {j} route add"),
                None => "route add".to_string(),
            };
            match flag {
                Some(RouteFlag::Net) => s.push_str(" -net"),
                Some(RouteFlag::Host) => s.push_str(" -host"),
                None => {}
            }
            if dest.addr.is_ipv6() {
                s.push_str(" -inet6");
            }
            if dest.len == 0 && dest.addr.is_unspecified() {
                s.push_str(" default");
            } else {
                s.push_str(&format!(" {}/{}", dest.addr, dest.len));
            }
            match gateway {
                Gateway::Addr(a) => s.push_str(&format!(" {a}")),
                Gateway::Interface(i) => s.push_str(&format!(" -interface {i}")),
            }
            s
        }
        Command::Process { jail, argv } => format!("jexec {jail} {argv} &"),
        Command::Sysuninit { func, slot } => format!(
            "sysuninit {func} {} {}",
            si::sub_display(slot.sub),
            si::order_display(slot.order)
        ),
        Command::NoReap { jail } => format!("noreap {jail}"),
        Command::Kldload { module } => format!("kldload {module}"),
        Command::Without { func } => format!("without {func}"),
        Command::Ngctl { jail, op } => {
            let cmd = match op {
                NgOp::MkpeerEiface => "ngctl mkpeer . eiface hook ether".to_string(),
                NgOp::Shutdown { ifname } => format!("ngctl shutdown {ifname}:"),
            };
            match jail {
                Some(j) => format!("jexec {j} {cmd}"),
                None => cmd,
            }
        }
        Command::JailRemove { name } => format!("jail -r {name}"),
    }
}

fn op_text(ifname: &str, op: &IfOp) -> String {
    match op {
        IfOp::Create { vxlan: None } => "create".to_string(),
        IfOp::Create { vxlan: Some(v) } => {
            let mut s = format!("create vxlanid {}", v.id);
            if let Some(a) = v.local {
                s.push_str(&format!(" vxlanlocal {a}"));
            }
            if let Some(a) = v.remote {
                s.push_str(&format!(" vxlanremote {a}"));
            }
            if let Some(d) = &v.dev {
                s.push_str(&format!(" vxlandev {d}"));
            }
            s
        }
        IfOp::Tunnel { src, dst } => format!("tunnel {src} {dst}"),
        IfOp::Addr { addr, len, dst } => {
            let fam = if addr.is_ipv6() { "inet6" } else { "inet" };
            match dst {
                Some(d) => format!("{fam} {addr}/{len} {d}"),
                None => format!("{fam} {addr}/{len}"),
            }
        }
        IfOp::Up => "up".to_string(),
        IfOp::Fib(n) => format!("fib {n}"),
        IfOp::Vnet { jail } => format!("vnet {jail}"),
        IfOp::Reclaim { jail } => format!("-vnet {jail}"),
        IfOp::Destroy => "destroy".to_string(),
        IfOp::CreateVlan { tag, dev } => format!("create vlan {tag} vlandev {dev}"),
        IfOp::SetVlan { tag, dev } => format!("vlan {tag} vlandev {dev}"),
        IfOp::AddMember { member } => {
            format!("{} {member}", member_words(ifname).unwrap_or(("addm", "deletem")).0)
        }
        IfOp::DelMember { member } => {
            format!("{} {member}", member_words(ifname).unwrap_or(("addm", "deletem")).1)
        }
    }
}

/// The ifconfig words that add and remove a member of `ifname`'s driver (`addm` and
/// `deletem` for a bridge, `laggport` and `-laggport` for a lagg), or None for a driver
/// without members.
pub fn member_words(ifname: &str) -> Option<(&'static str, &'static str)> {
    let d = Driver::from_ifname(ifname)?;
    crate::engine::kernel::drivers::spec(d).members.as_ref().map(|m| m.words)
}

// ---------------------------------------------------------------------------------------
// Tokens

/// A whitespace-separated word and the 1-based column of its first character.
struct Tok<'a> {
    text: &'a str,
    col: usize,
}

/// Splits a line into words up to the first word that starts with `#` (a comment, as
/// in sh). Returns the words, the trimmed comment text, and the column just past the
/// last word.
fn tokenize(line: &str) -> (Vec<Tok<'_>>, Option<String>, usize) {
    let mut toks = Vec::new();
    let mut start: Option<(usize, usize)> = None; // (byte, col)
    let mut end_col = 1;
    let mut col = 0;
    for (byte, ch) in line.char_indices() {
        col += 1;
        if ch.is_whitespace() {
            if let Some((b, c)) = start.take() {
                toks.push(Tok { text: &line[b..byte], col: c });
                end_col = col;
            }
        } else if start.is_none() {
            if ch == '#' {
                let rest = &line[byte + ch.len_utf8()..];
                return (toks, Some(rest.trim().to_string()), end_col);
            }
            start = Some((byte, col));
        }
    }
    if let Some((b, c)) = start {
        toks.push(Tok { text: &line[b..], col: c });
        end_col = col + 1;
    }
    (toks, None, end_col)
}

/// How a word is quoted in a message: at most 40 characters; control, invisible and
/// odd space characters written as `\u{…}` (tab, CR and LF as `\t`, `\r`, `\n`), so a
/// mail client's no-break space or zero-width joiner is visible. Hand-written, so the
/// wasm carries no Unicode printability tables.
fn shown(text: &str) -> String {
    let mut s = String::new();
    for ch in text.chars().take(40) {
        match ch {
            '\t' => s.push_str("\\t"),
            '\r' => s.push_str("\\r"),
            '\n' => s.push_str("\\n"),
            '`' | '\\' => {
                s.push('\\');
                s.push(ch);
            }
            _ if ch.is_control()
                || (!ch.is_ascii() && ch.is_whitespace())
                || matches!(ch, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}') =>
            {
                s.push_str(&format!("\\u{{{:x}}}", ch as u32));
            }
            _ => s.push(ch),
        }
    }
    if text.chars().nth(40).is_some() {
        s.push('…');
    }
    format!("`{s}`")
}

/// A cursor over one line's words.
struct Cur<'a, 'b> {
    line: usize,
    toks: &'b [Tok<'a>],
    i: usize,
    end_col: usize,
}

impl<'a, 'b> Cur<'a, 'b> {
    fn peek(&self) -> Option<&'b Tok<'a>> {
        self.toks.get(self.i)
    }

    fn next(&mut self) -> Option<&'b Tok<'a>> {
        let t = self.toks.get(self.i);
        if t.is_some() {
            self.i += 1;
        }
        t
    }

    fn err_at(&self, tok: &Tok<'_>, message: String) -> ScriptError {
        ScriptError { line: self.line, column: tok.col, message }
    }

    fn err_col(&self, column: usize, message: String) -> ScriptError {
        ScriptError { line: self.line, column, message }
    }

    /// "expected {what}, found end of line" when there is no next word.
    fn expect(&mut self, what: &str) -> Result<&'b Tok<'a>, ScriptError> {
        match self.next() {
            Some(t) => Ok(t),
            None => {
                Err(self
                    .err_col(self.end_col, format!("expected {what}, found the end of the line")))
            }
        }
    }

    /// Error if any word is left.
    fn end(&self, after: &str) -> Result<(), ScriptError> {
        match self.peek() {
            None => Ok(()),
            Some(t) => Err(self.err_at(
                t,
                format!("expected the end of the line after {after}, found {}", shown(t.text)),
            )),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Names and values

/// `[A-Za-z0-9_-]+` components joined by dots.
pub fn is_jail_name(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|c| {
            !c.is_empty()
                && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
        })
}

/// `[a-z]+[0-9]*[ab]?`, at most 15 characters.
pub fn is_ifname(s: &str) -> bool {
    if s.is_empty() || s.len() > MAX_IFNAME {
        return false;
    }
    let after_letters = s.trim_start_matches(|c: char| c.is_ascii_lowercase());
    if after_letters.len() == s.len() {
        return false;
    }
    // The letters ate any `a`/`b` not preceded by a digit, so what is left after the
    // digits is either nothing or the epair side letter.
    let rest = after_letters.trim_start_matches(|c: char| c.is_ascii_digit());
    matches!(rest, "" | "a" | "b")
}

fn is_ident(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn jail_name(c: &mut Cur<'_, '_>, after: &str) -> Result<String, ScriptError> {
    let what = format!("a jail name after {after}");
    let t = c.expect(&what)?;
    if is_jail_name(t.text) {
        Ok(t.text.to_string())
    } else {
        Err(c.err_at(
            t,
            format!(
                "expected {what} (letters, digits, `_` and `-`, with dots between nested names), found {}",
                shown(t.text)
            ),
        ))
    }
}

fn ifname(c: &mut Cur<'_, '_>, after: &str) -> Result<String, ScriptError> {
    let what = format!("an interface name after {after}");
    let t = c.expect(&what)?;
    if is_ifname(t.text) {
        Ok(t.text.to_string())
    } else {
        Err(c.err_at(
            t,
            format!(
                "expected {what} (like `gif0` or `epair0b`: lowercase letters, a unit number, \
                 at most {MAX_IFNAME} characters), found {}",
                shown(t.text)
            ),
        ))
    }
}

fn number(c: &mut Cur<'_, '_>, after: &str) -> Result<(u32, usize), ScriptError> {
    let what = format!("a number after {after}");
    let t = c.expect(&what)?;
    match t.text.parse::<u32>() {
        Ok(n) => Ok((n, t.col)),
        Err(_) => Err(c.err_at(t, format!("expected {what}, found {}", shown(t.text)))),
    }
}

/// Which address family a position accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fam {
    Any,
    V4,
    V6,
}

impl Fam {
    fn of(a: &IpAddr) -> Fam {
        if a.is_ipv6() { Fam::V6 } else { Fam::V4 }
    }

    fn what(self) -> &'static str {
        match self {
            Fam::Any => "an IPv4 or IPv6 address",
            Fam::V4 => "an IPv4 address",
            Fam::V6 => "an IPv6 address",
        }
    }

    fn max_len(self) -> u8 {
        if self == Fam::V6 { 128 } else { 32 }
    }
}

fn addr_of(
    c: &Cur<'_, '_>,
    t: &Tok<'_>,
    text: &str,
    fam: Fam,
    after: &str,
) -> Result<IpAddr, ScriptError> {
    let err =
        || c.err_at(t, format!("expected {} after {after}, found {}", fam.what(), shown(t.text)));
    let a: IpAddr = text.parse().map_err(|_| err())?;
    if fam != Fam::Any && Fam::of(&a) != fam {
        return Err(err());
    }
    Ok(a)
}

fn addr(c: &mut Cur<'_, '_>, fam: Fam, after: &str) -> Result<IpAddr, ScriptError> {
    let t = c.expect(&format!("{} after {after}", fam.what()))?;
    addr_of(c, t, t.text, fam, after)
}

/// `ADDR[/LEN]`; returns the address and the length if given.
fn prefix(c: &mut Cur<'_, '_>, fam: Fam, after: &str) -> Result<(IpAddr, Option<u8>), ScriptError> {
    let t = c.expect(&format!("{} after {after}", fam.what()))?;
    let (a, len) = match t.text.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (t.text, None),
    };
    let ip = addr_of(c, t, a, fam, after)?;
    let Some(l) = len else { return Ok((ip, None)) };
    let max = Fam::of(&ip).max_len();
    match l.parse::<u8>() {
        Ok(n) if n <= max => Ok((ip, Some(n))),
        _ => Err(c.err_col(
            t.col + a.chars().count() + 1,
            format!("expected a prefix length from 0 to {max} after `/`, found {}", shown(l)),
        )),
    }
}

// ---------------------------------------------------------------------------------------
// Commands

const COMMANDS: &str = "`options`, `kldload`, `jail`, `ifconfig`, `ngctl`, `route`, `jexec`, \
                        `sysuninit`, `noreap` or `without`";

fn parse_command(
    c: &mut Cur<'_, '_>,
    jails: &VecMap<String, bool>,
) -> Result<Command, ScriptError> {
    let first = c.expect(&format!("a command ({COMMANDS})"))?;
    match first.text {
        "options" => {
            let t = c.expect("an option name after `options`")?;
            if !t.text.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') {
                return Err(c.err_at(
                    t,
                    format!(
                        "expected an option name (letters, digits and `_`) after `options`, found {}",
                        shown(t.text)
                    ),
                ));
            }
            c.end(&format!("`options {}`", t.text))?;
            Ok(Command::KernelOption { name: t.text.to_string() })
        }
        "jail" => {
            let t = c.expect("`-c` or `-r` after `jail`")?;
            match t.text {
                "-c" => jail_create(c),
                "-r" => {
                    let name = jail_name(c, "`jail -r`")?;
                    c.end("the jail name")?;
                    Ok(Command::JailRemove { name })
                }
                _ => Err(c.err_at(
                    t,
                    format!("expected `-c` or `-r` after `jail`, found {}", shown(t.text)),
                )),
            }
        }
        "ifconfig" => ifconfig(c, None, jails),
        "ngctl" => ngctl(c, None),
        "route" => route(c, None),
        "jexec" => {
            let jail = jail_name(c, "`jexec`")?;
            let after = format!("`jexec {jail}`");
            let cmd = c.expect(&format!("a command after {after}"))?;
            match cmd.text {
                "ifconfig" => ifconfig(c, Some(jail), jails),
                "ngctl" if c.peek().is_some_and(|t| matches!(t.text, "mkpeer" | "shutdown")) => {
                    ngctl(c, Some(jail))
                }
                "route" if c.peek().is_some_and(|t| t.text == "add") => route(c, Some(jail)),
                _ => process(c, jail, &after),
            }
        }
        "sysuninit" => sysuninit(c),
        "noreap" => {
            let jail = jail_name(c, "`noreap`")?;
            c.end("the jail name")?;
            Ok(Command::NoReap { jail })
        }
        "without" => {
            let t = c.expect("a hook function after `without` (like `wg_prison_remove`)")?;
            if !is_ident(t.text) {
                return Err(c.err_at(
                    t,
                    format!("expected a function name after `without`, found {}", shown(t.text)),
                ));
            }
            c.end(&format!("`without {}`", t.text))?;
            Ok(Command::Without { func: t.text.to_string() })
        }
        "kldload" => {
            let t = c.expect("a module name after `kldload` (like `pf`)")?;
            let name = t.text.strip_suffix(".ko").unwrap_or(t.text);
            if name.is_empty() || !name.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') {
                return Err(c.err_at(
                    t,
                    format!(
                        "expected a module name (letters, digits and `_`, like `pf`) after `kldload`, found {}",
                        shown(t.text)
                    ),
                ));
            }
            c.end(&format!("`kldload {}`", t.text))?;
            Ok(Command::Kldload { module: name.to_string() })
        }
        _ => Err(c.err_at(
            first,
            format!("expected a command ({COMMANDS}), found {}", shown(first.text)),
        )),
    }
}

/// `ngctl mkpeer [.] eiface HOOK ether` or `ngctl shutdown IF:`, the eiface forms.
fn ngctl(c: &mut Cur<'_, '_>, jail: Option<String>) -> Result<Command, ScriptError> {
    let verb = c.expect("`mkpeer` or `shutdown` after `ngctl`")?;
    let op = match verb.text {
        "mkpeer" => {
            if c.peek().is_some_and(|t| t.text == ".") {
                c.next();
            }
            let ty = c.expect("a node type after `ngctl mkpeer` (the model knows `eiface`)")?;
            if ty.text != "eiface" {
                return Err(c.err_at(
                    ty,
                    format!(
                        "expected the node type `eiface` after `ngctl mkpeer` (the model knows no other \
                         netgraph node), found {}",
                        shown(ty.text)
                    ),
                ));
            }
            let _hook = c.expect("the local hook name after `eiface` (like `hook`)")?;
            let peer = c.expect("the eiface's hook `ether` after the local hook")?;
            if peer.text != "ether" {
                return Err(c.err_at(
                    peer,
                    format!(
                        "ngctl: mkpeer: an eiface node's hook is `ether`, found {}",
                        shown(peer.text)
                    ),
                ));
            }
            c.end("`ether`")?;
            NgOp::MkpeerEiface
        }
        "shutdown" => {
            let t = c.expect("a node path after `ngctl shutdown` (like `ngeth0:`)")?;
            let name = t.text.strip_suffix(':').unwrap_or(t.text);
            if !is_ifname(name) || Driver::from_ifname(name) != Some(Driver::Ngeth) {
                return Err(c.err_at(
                    t,
                    format!(
                        "expected an eiface node's path (like `ngeth0:`) after `ngctl shutdown`, found {}",
                        shown(t.text)
                    ),
                ));
            }
            c.end("the node path")?;
            NgOp::Shutdown { ifname: name.to_string() }
        }
        other => {
            return Err(c.err_at(
                verb,
                format!("expected `mkpeer` or `shutdown` after `ngctl`, found {}", shown(other)),
            ));
        }
    };
    Ok(Command::Ngctl { jail, op })
}

fn jail_create(c: &mut Cur<'_, '_>) -> Result<Command, ScriptError> {
    let mut name = None;
    let mut vnet = None;
    let mut persist = None;
    let mut children_max = None;
    const EXPECTED: &str = "`name=N`, `vnet`, `persist` or `children.max=K`";
    while let Some(t) = c.next() {
        let dup = |c: &Cur<'_, '_>, what: &str| {
            Err(c.err_at(t, format!("`{what}` is given twice on this `jail -c` line")))
        };
        if let Some(n) = t.text.strip_prefix("name=") {
            if name.is_some() {
                return dup(c, "name");
            }
            if !is_jail_name(n) {
                return Err(c.err_col(
                    t.col + 5,
                    format!(
                        "expected a jail name after `name=` (letters, digits, `_` and `-`, \
                         with dots between nested names), found {}",
                        shown(n)
                    ),
                ));
            }
            name = Some(n.to_string());
        } else if let Some(k) = t.text.strip_prefix("children.max=") {
            if children_max.is_some() {
                return dup(c, "children.max");
            }
            match k.parse::<u32>() {
                Ok(k) => children_max = Some(k),
                Err(_) => {
                    return Err(c.err_col(
                        t.col + 13,
                        format!("expected a number after `children.max=`, found {}", shown(k)),
                    ));
                }
            }
        } else if matches!(t.text, "vnet" | "vnet=new" | "vnet=inherit") {
            if vnet.is_some() {
                return dup(c, "vnet");
            }
            vnet = Some(t.text != "vnet=inherit");
        } else if t.text == "persist" {
            if persist.is_some() {
                return dup(c, "persist");
            }
            persist = Some(true);
        } else {
            return Err(c.err_at(
                t,
                format!("expected {EXPECTED} after `jail -c`, found {}", shown(t.text)),
            ));
        }
    }
    match name {
        Some(name) => Ok(Command::JailCreate {
            name,
            vnet: vnet.unwrap_or(false),
            persist: persist.unwrap_or(false),
            children_max,
        }),
        None => Err(c.err_col(
            c.end_col,
            "expected `name=N` on this `jail -c` line, found the end of the line".to_string(),
        )),
    }
}

const OPS: &str = "`create`, `tunnel`, `inet`, `inet6`, `up`, `fib`, `vnet`, `-vnet`, `vlan`, `addm`, \
                   `deletem`, `laggport`, `-laggport` or `destroy`";

fn ifconfig(
    c: &mut Cur<'_, '_>,
    mut jail: Option<String>,
    jails: &VecMap<String, bool>,
) -> Result<Command, ScriptError> {
    if let Some(t) = c.peek().filter(|t| t.text == "-j") {
        if jail.is_some() {
            return Err(c.err_at(
                t,
                "expected an interface name, found `-j`: `-j` is not needed inside `jexec`"
                    .to_string(),
            ));
        }
        c.next();
        jail = Some(jail_name(c, "`ifconfig -j`")?);
    }
    let ifname = ifname(c, "`ifconfig`")?;
    let after = format!("`{ifname}`");
    let op_tok = c.expect(&format!("{OPS} after {after}"))?;
    let op = match op_tok.text {
        "create" => {
            if let Some(j) = jail.as_ref().filter(|j| jails.get(*j) == Some(&false)) {
                return Err(c.err_at(
                    op_tok,
                    format!(
                        "ifconfig: {ifname}: Operation not permitted: jail `{j}` was created \
                         without `vnet`, so it cannot create interfaces"
                    ),
                ));
            }
            let drv = Driver::from_ifname(&ifname);
            if drv == Some(Driver::Vlan) && c.peek().is_some() {
                let (tag, dev) = vlan_args(c, "`create`")?;
                IfOp::CreateVlan { tag, dev }
            } else {
                let vxlan = if drv == Some(Driver::Vxlan) {
                    vxlan_args(c)?
                } else {
                    c.end("`create`")?;
                    None
                };
                IfOp::Create { vxlan }
            }
        }
        "vlan" | "vlandev" => {
            c.i -= 1;
            let (tag, dev) = vlan_args(c, &after)?;
            IfOp::SetVlan { tag, dev }
        }
        "addm" | "deletem" | "laggport" | "-laggport" => {
            let words = member_words(&ifname);
            let add = op_tok.text == "addm" || op_tok.text == "laggport";
            if words.is_none_or(|w| op_tok.text != if add { w.0 } else { w.1 }) {
                let hint = match words {
                    Some(w) => format!("{after} takes `{}` and `{}`", w.0, w.1),
                    None => "`addm`/`deletem` are for bridges and `laggport`/`-laggport` for laggs"
                        .to_string(),
                };
                return Err(c.err_at(
                    op_tok,
                    format!("ifconfig: {}: bad value for {ifname} ({hint})", op_tok.text),
                ));
            }
            let member = self::ifname(c, &format!("`{}`", op_tok.text))?;
            if let Some(t) = c.peek() {
                return Err(c.err_at(
                    t,
                    format!(
                        "expected the end of the line after `{} {member}`: write one `{}` per line, found {}",
                        op_tok.text,
                        op_tok.text,
                        shown(t.text)
                    ),
                ));
            }
            if add { IfOp::AddMember { member } } else { IfOp::DelMember { member } }
        }
        "tunnel" => tunnel(c, Fam::Any, "`tunnel`")?,
        "inet" | "inet6" => {
            let fam = if op_tok.text == "inet" { Fam::V4 } else { Fam::V6 };
            if c.peek().is_some_and(|t| t.text == "tunnel") {
                c.next();
                tunnel(c, fam, &format!("`{} tunnel`", op_tok.text))?
            } else {
                if_addr(c, fam, op_tok.text)?
            }
        }
        "up" => IfOp::Up,
        "fib" => IfOp::Fib(number(c, "`fib`")?.0),
        "vnet" => IfOp::Vnet { jail: jail_name(c, "`vnet`")? },
        "-vnet" => IfOp::Reclaim { jail: jail_name(c, "`-vnet`")? },
        "destroy" => IfOp::Destroy,
        _ => {
            return Err(c.err_at(
                op_tok,
                format!("expected {OPS} after {after}, found {}", shown(op_tok.text)),
            ));
        }
    };
    c.end(&format!("`{}`", c.toks.get(c.i.wrapping_sub(1)).map_or("", |t| t.text)))?;
    Ok(Command::Ifconfig { jail, ifname, op })
}

/// `vlan TAG vlandev PARENT`, in either order, both required (the model configures a
/// vlan in one go).
fn vlan_args(c: &mut Cur<'_, '_>, after: &str) -> Result<(u16, String), ScriptError> {
    let mut tag = None;
    let mut dev = None;
    while let Some(t) = c.next() {
        let twice = || c.err_at(t, format!("{} is given twice", shown(t.text)));
        match t.text {
            "vlan" => {
                if tag.is_some() {
                    return Err(twice());
                }
                let (n, col) = number(c, "`vlan`")?;
                if n == 0 || n > u32::from(crate::engine::kernel::drivers::vlan::MAX_TAG) {
                    return Err(c.err_col(
                        col,
                        format!(
                            "ifconfig: vlan: bad value: expected a vlan tag from 1 to {}, found `{n}`",
                            crate::engine::kernel::drivers::vlan::MAX_TAG
                        ),
                    ));
                }
                tag = Some(n as u16);
            }
            "vlandev" => {
                if dev.is_some() {
                    return Err(twice());
                }
                dev = Some(ifname(c, "`vlandev`")?);
            }
            other => {
                return Err(c.err_at(
                    t,
                    format!(
                        "expected `vlan TAG` or `vlandev IF` after {after}, found {}",
                        shown(other)
                    ),
                ));
            }
        }
    }
    match (tag, dev) {
        (Some(t), Some(d)) => Ok((t, d)),
        (None, _) => Err(c.err_col(
            c.end_col,
            format!("expected `vlan TAG` after {after}: ifconfig needs both a tag and a parent (`vlandev`)"),
        )),
        (_, None) => Err(c.err_col(
            c.end_col,
            format!("expected `vlandev IF` after {after}: ifconfig needs both a tag and a parent"),
        )),
    }
}

fn vxlan_args(c: &mut Cur<'_, '_>) -> Result<Option<VxlanArgs>, ScriptError> {
    let mut id = None;
    let mut local = None;
    let mut remote = None;
    let mut dev = None;
    while let Some(t) = c.next() {
        let twice = || c.err_at(t, format!("{} is given twice", shown(t.text)));
        match t.text {
            "vxlanid" => {
                if id.is_some() {
                    return Err(twice());
                }
                let (n, col) = number(c, "`vxlanid`")?;
                if n > MAX_VXLANID {
                    return Err(c.err_col(
                        col,
                        format!(
                            "expected a vxlan id from 0 to {MAX_VXLANID} (24 bits), found `{n}`"
                        ),
                    ));
                }
                id = Some(n);
            }
            "vxlanlocal" => {
                if local.is_some() {
                    return Err(twice());
                }
                local = Some(addr(c, Fam::Any, "`vxlanlocal`")?);
            }
            "vxlanremote" => {
                if remote.is_some() {
                    return Err(twice());
                }
                remote = Some(addr(c, Fam::Any, "`vxlanremote`")?);
            }
            "vxlandev" => {
                if dev.is_some() {
                    return Err(twice());
                }
                dev = Some(ifname(c, "`vxlandev`")?);
            }
            _ => {
                return Err(c.err_at(
                    t,
                    format!(
                        "expected `vxlanid`, `vxlanlocal`, `vxlanremote`, `vxlandev` or the end of the line, found {}",
                        shown(t.text)
                    ),
                ));
            }
        }
    }
    match id {
        Some(id) => Ok(Some(VxlanArgs { id, local, remote, dev })),
        None if local.is_none() && remote.is_none() && dev.is_none() => Ok(None),
        None => Err(c.err_col(
            c.end_col,
            "expected `vxlanid N` with the other vxlan parameters, found the end of the line"
                .to_string(),
        )),
    }
}

fn tunnel(c: &mut Cur<'_, '_>, fam: Fam, after: &str) -> Result<IfOp, ScriptError> {
    let src = addr(c, fam, after)?;
    let src_text = src.to_string();
    let dst = addr(c, Fam::of(&src), &format!("the tunnel source `{src_text}`"))?;
    Ok(IfOp::Tunnel { src, dst })
}

/// `ADDR[/LEN] [DST] [netmask M | prefixlen N]` after `inet`/`inet6`.
fn if_addr(c: &mut Cur<'_, '_>, fam: Fam, kw: &str) -> Result<IfOp, ScriptError> {
    let (a, mut len) = prefix(c, fam, &format!("`{kw}`"))?;
    let mut dst = None;
    while let Some(t) = c.next() {
        match t.text {
            "netmask" if fam == Fam::V4 && len.is_none() => {
                let m =
                    c.expect("a netmask (like `0xffffff00` or `255.255.255.0`) after `netmask`")?;
                let v = match m.text.strip_prefix("0x").or_else(|| m.text.strip_prefix("0X")) {
                    Some(h) => u32::from_str_radix(h, 16).ok(),
                    None => m.text.parse::<Ipv4Addr>().ok().map(u32::from),
                };
                match v {
                    Some(v) if v.leading_ones() + v.trailing_zeros() == 32 => {
                        len = Some(v.leading_ones() as u8)
                    }
                    _ => {
                        return Err(c.err_at(
                            m,
                            format!(
                                "expected a contiguous netmask (like `0xffffff00` or `255.255.255.0`) after `netmask`, found {}",
                                shown(m.text)
                            ),
                        ));
                    }
                }
            }
            "prefixlen" if fam == Fam::V6 && len.is_none() => {
                let (n, col) = number(c, "`prefixlen`")?;
                if n > 128 {
                    return Err(c.err_col(
                        col,
                        format!(
                            "expected a prefix length from 0 to 128 after `prefixlen`, found `{n}`"
                        ),
                    ));
                }
                len = Some(n as u8);
            }
            _ if dst.is_none() => {
                dst = Some(addr_of(c, t, t.text, fam, &format!("the address `{a}`"))?);
            }
            _ => {
                return Err(c.err_at(
                    t,
                    format!(
                        "expected the end of the line after the destination address, found {}",
                        shown(t.text)
                    ),
                ));
            }
        }
    }
    let len = len.unwrap_or(if fam == Fam::V6 { 64 } else { 32 });
    Ok(IfOp::Addr { addr: a, len, dst })
}

fn route(c: &mut Cur<'_, '_>, jail: Option<String>) -> Result<Command, ScriptError> {
    let t = c.expect("`add` after `route`")?;
    if t.text != "add" {
        return Err(c.err_at(
            t,
            format!(
                "expected `add` after `route` (only `route add` is modelled), found {}",
                shown(t.text)
            ),
        ));
    }
    let mut flag = None;
    let mut fam = Fam::Any;
    while let Some(t) = c.peek() {
        let f = match t.text {
            "-net" => Some(RouteFlag::Net),
            "-host" => Some(RouteFlag::Host),
            "-inet" | "-4" => {
                fam = Fam::V4;
                None
            }
            "-inet6" | "-6" => {
                fam = Fam::V6;
                None
            }
            _ => break,
        };
        if let Some(f) = f {
            if flag.is_some() {
                return Err(c.err_at(t, "only one of `-net` and `-host` may be given".to_string()));
            }
            flag = Some(f);
        }
        c.next();
    }
    let dest = match c.peek() {
        Some(t) if t.text == "default" => {
            c.next();
            None
        }
        _ => Some(prefix(c, fam, "`route add`")?),
    };
    let dest_fam = match &dest {
        Some((a, _)) => Fam::of(a),
        None => fam,
    };
    let g = c.expect("a gateway address or `-interface IF` after the destination")?;
    let gateway = if matches!(g.text, "-interface" | "-iface") {
        Gateway::Interface(ifname(c, &format!("`{}`", g.text))?)
    } else {
        let a = addr_of(c, g, g.text, dest_fam, "the destination")?;
        Gateway::Addr(a)
    };
    c.end("the gateway")?;
    let dest = match dest {
        Some((a, len)) => Prefix { addr: a, len: len.unwrap_or(Fam::of(&a).max_len()) },
        None => {
            let v6 = match (&gateway, fam) {
                (_, Fam::V6) => true,
                (Gateway::Addr(a), Fam::Any) => a.is_ipv6(),
                _ => false,
            };
            let addr = if v6 {
                IpAddr::V6(Ipv6Addr::UNSPECIFIED)
            } else {
                IpAddr::V4(Ipv4Addr::UNSPECIFIED)
            };
            Prefix { addr, len: 0 }
        }
    };
    Ok(Command::RouteAdd { jail, flag, dest, gateway })
}

fn process(c: &mut Cur<'_, '_>, jail: String, after: &str) -> Result<Command, ScriptError> {
    // The command word has been taken; rewind to include it.
    c.i -= 1;
    let words = &c.toks[c.i..];
    c.i = c.toks.len();
    let Some((last, rest)) = words.split_last() else {
        return Err(c.err_col(
            c.end_col,
            format!("expected a command after {after}, found the end of the line"),
        ));
    };
    let last_text = if last.text == "&" {
        None
    } else if let Some(s) = last.text.strip_suffix('&') {
        Some(s)
    } else {
        return Err(c.err_col(
            c.end_col,
            "expected `&` at the end: only background processes are modelled".to_string(),
        ));
    };
    let mut argv: Vec<&str> = rest.iter().map(|t| t.text).collect();
    argv.extend(last_text);
    if argv.is_empty() {
        return Err(c.err_at(last, format!("expected a command after {after}, found `&`")));
    }
    Ok(Command::Process { jail, argv: argv.join(" ") })
}

fn sysuninit(c: &mut Cur<'_, '_>) -> Result<Command, ScriptError> {
    let f = c.expect("a function name after `sysuninit`")?;
    if !is_ident(f.text) {
        return Err(c.err_at(
            f,
            format!(
                "expected a function name (like `vnet_gif_uninit`) after `sysuninit`, found {}",
                shown(f.text)
            ),
        ));
    }
    let after = format!("`{}`", f.text);
    let s = c.expect(&format!("an SI_SUB_* name or a hex value after {after}"))?;
    let Some(sub) = si::parse_sub(s.text) else {
        return Err(c.err_at(
            s,
            format!(
                "expected an SI_SUB_* name or a hex value after {after}, found {}",
                shown(s.text)
            ),
        ));
    };
    let o = c.expect(&format!("an SI_ORDER_* name or a hex value after `{}`", s.text))?;
    let Some(order) = si::parse_order(o.text) else {
        return Err(c.err_at(
            o,
            format!(
                "expected an SI_ORDER_* name or a hex value after `{}`, found {}",
                s.text,
                shown(o.text)
            ),
        ));
    };
    let slot = Slot::new(sub, order);
    if !slot.is_vnet_range() {
        return Err(c.err_at(
            s,
            format!(
                "expected a subsystem above SI_SUB_VNET and at most SI_SUB_VNET_DONE \
                 (VNET_SYSUNINIT's range), found {}",
                si::sub_display(sub)
            ),
        ));
    }
    c.end(&format!("`{}`", o.text))?;
    Ok(Command::Sysuninit { func: f.text.to_string(), slot })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::engine::kernel::si::{SI_ORDER_ANY, SI_SUB_PROTO_IFATTACHDOMAIN};

    const SAMPLE: &str = "\
options ROUTE_CACHE                      # kernel built with the tunnel nexthop-cache prototype [P]
jail -c name=j1 vnet persist             # name=j1.j2 makes a child; without `vnet` it shares the parent's vnet
ifconfig epair0 create                   # in the host: makes epair0a and epair0b
ifconfig epair0b vnet j1                 # loan an interface into a jail
jexec j1 ifconfig gif0 create            # also gre0, vxlan0 (vxlanid/vxlanlocal/vxlanremote), wg0, bridge0
jexec j1 ifconfig gif0 tunnel 192.0.2.1 192.0.2.2
jexec j1 ifconfig gif0 inet 10.0.0.1/30 10.0.0.2
jexec j1 ifconfig epair0b inet 192.0.2.1/24
jexec j1 route add -net 10.1.0.0/16 10.0.0.2
jexec j1 sleep 1000 &                    # a process in the jail
sysuninit vnet_gif_uninit SI_SUB_PROTO_IFATTACHDOMAIN SI_ORDER_ANY   # what-if re-registration
jail -r j1                               # the teardown to simulate
";

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn err(text: &str) -> ScriptError {
        parse(text).unwrap_err()
    }

    #[test]
    fn the_issue_sample_parses() {
        let s = parse(SAMPLE).unwrap();
        assert_eq!(s.entries.len(), 12);
        assert_eq!(s.entries[0].command, Command::KernelOption { name: "ROUTE_CACHE".into() });
        assert_eq!(
            s.entries[0].trailing.as_deref(),
            Some("kernel built with the tunnel nexthop-cache prototype [P]")
        );
        assert_eq!(
            s.entries[1].command,
            Command::JailCreate {
                name: "j1".into(),
                vnet: true,
                persist: true,
                children_max: None
            }
        );
        assert_eq!(
            s.entries[5].command,
            Command::Ifconfig {
                jail: Some("j1".into()),
                ifname: "gif0".into(),
                op: IfOp::Tunnel { src: ip("192.0.2.1"), dst: ip("192.0.2.2") }
            }
        );
        assert_eq!(
            s.entries[6].command,
            Command::Ifconfig {
                jail: Some("j1".into()),
                ifname: "gif0".into(),
                op: IfOp::Addr { addr: ip("10.0.0.1"), len: 30, dst: Some(ip("10.0.0.2")) }
            }
        );
        assert_eq!(
            s.entries[8].command,
            Command::RouteAdd {
                jail: Some("j1".into()),
                flag: Some(RouteFlag::Net),
                dest: Prefix { addr: ip("10.1.0.0"), len: 16 },
                gateway: Gateway::Addr(ip("10.0.0.2"))
            }
        );
        assert_eq!(
            s.entries[9].command,
            Command::Process { jail: "j1".into(), argv: "sleep 1000".into() }
        );
        assert_eq!(
            s.entries[10].command,
            Command::Sysuninit {
                func: "vnet_gif_uninit".into(),
                slot: Slot::new(SI_SUB_PROTO_IFATTACHDOMAIN, SI_ORDER_ANY)
            }
        );
        assert_eq!(s.entries[11].command, Command::JailRemove { name: "j1".into() });
        let printed = print(&s);
        assert_eq!(parse(&printed).unwrap(), s);
        assert_eq!(print(&parse(&printed).unwrap()), printed);
    }

    #[test]
    fn comments_attach_to_the_next_command() {
        let s = parse("\r\n  # first\r\n\r\n#second  \r\n\tjail -c name=a  #t\r\n# tail\r\n#\r\n")
            .unwrap();
        assert_eq!(s.entries[0].comments, vec!["first".to_string(), "second".to_string()]);
        assert_eq!(s.entries[0].trailing.as_deref(), Some("t"));
        assert_eq!(s.tail_comments, vec!["tail".to_string(), String::new()]);
        assert_eq!(print(&s), "# first\n# second\njail -c name=a  # t\n# tail\n#\n");
    }

    #[test]
    fn alternative_spellings_print_canonically() {
        let cases = [
            ("ifconfig -j j1 gif0 up", "jexec j1 ifconfig gif0 up"),
            (
                "jail -c persist vnet=new name=a.b children.max=3",
                "jail -c name=a.b vnet persist children.max=3",
            ),
            (
                "jexec j ifconfig gif0 inet tunnel 1.2.3.4 5.6.7.8",
                "jexec j ifconfig gif0 tunnel 1.2.3.4 5.6.7.8",
            ),
            ("ifconfig gif0 inet 10.0.0.1", "ifconfig gif0 inet 10.0.0.1/32"),
            ("ifconfig gif0 inet 10.0.0.1 netmask 0xffffff00", "ifconfig gif0 inet 10.0.0.1/24"),
            (
                "ifconfig gif0 inet 10.0.0.1 10.0.0.2 netmask 255.255.255.252",
                "ifconfig gif0 inet 10.0.0.1/30 10.0.0.2",
            ),
            ("ifconfig gif0 inet6 2001:db8::1", "ifconfig gif0 inet6 2001:db8::1/64"),
            (
                "ifconfig gif0 inet6 2001:db8::1 prefixlen 128",
                "ifconfig gif0 inet6 2001:db8::1/128",
            ),
            ("route add default 10.0.0.1", "route add default 10.0.0.1"),
            ("route add -6 default -iface gif0", "route add -inet6 default -interface gif0"),
            ("route add default fe80::1", "route add -inet6 default fe80::1"),
            (
                "route add -host 10.0.0.9 -interface gif0",
                "route add -host 10.0.0.9/32 -interface gif0",
            ),
            ("jexec j sleep 10&", "jexec j sleep 10 &"),
            ("sysuninit f 0x8800000 1", "sysuninit f SI_SUB_PROTO_DOMAIN SI_ORDER_SECOND"),
            ("sysuninit f PROTO_DOMAIN 0x1234", "sysuninit f SI_SUB_PROTO_DOMAIN 0x1234"),
            (
                "ifconfig vxlan0 create vxlanremote 10.0.0.2 vxlanid 42",
                "ifconfig vxlan0 create vxlanid 42 vxlanremote 10.0.0.2",
            ),
            ("ifconfig epair create", "ifconfig epair create"),
        ];
        for (input, want) in cases {
            let s = parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(print(&s), format!("{want}\n"), "{input}");
        }
    }

    #[test]
    fn errors_name_line_column_and_what_was_expected() {
        let e = err("jail -c name=j1 vnet\njexec j1 ifconfig gif0 tunnel 192.0.2 192.0.2.2\n");
        assert_eq!((e.line, e.column), (2, 31));
        assert_eq!(e.message, "expected an IPv4 or IPv6 address after `tunnel`, found `192.0.2`");
        assert_eq!(e.to_string(), format!("line 2, column 31: {}", e.message));

        let e = err("jexec j1 sleep 1000");
        assert_eq!((e.line, e.column), (1, 20));
        assert_eq!(e.message, "expected `&` at the end: only background processes are modelled");

        let e = err("jail -r j1\njail -c name=j2");
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.message.contains("must come last"), "{e}");

        let e = err("# c\n\tifconfig gif0 inet 10.0.0.1/33");
        assert_eq!((e.line, e.column), (2, 30));
        assert!(e.message.contains("from 0 to 32"), "{e}");

        let e = err("ifconfig GIF0 up");
        assert_eq!((e.line, e.column), (1, 10));

        let e = err("ifconfig gif0 inet 2001:db8::1");
        assert_eq!(e.message, "expected an IPv4 address after `inet`, found `2001:db8::1`");

        let e = err("ifconfig gif0 tunnel 10.0.0.1 ::1");
        assert_eq!(e.column, 31);

        let e = err("λλ jail");
        assert_eq!((e.line, e.column), (1, 1));
        assert!(e.message.starts_with("expected a command"), "{e}");

        let e = err("jail -c vnet");
        assert_eq!((e.line, e.column), (1, 13));

        let e = err("ifconfig gif0");
        assert_eq!((e.line, e.column), (1, 14));

        let e = err("jail -c name=j2\njexec j2 ifconfig gif0 create");
        assert_eq!((e.line, e.column), (2, 24));
        assert!(e.message.contains("Operation not permitted"), "{e}");

        let e = err("sysuninit vnet_gif_uninit SI_SUB_PSEUDO_X ANY");
        assert_eq!(e.column, 27);
        let e = err("sysuninit vnet_gif_uninit 0x100 ANY");
        assert!(e.message.contains("VNET_SYSUNINIT"), "{e}");

        let e = err("route add -net 10.0.0.0/8 fe80::1");
        assert_eq!(e.column, 27);
        let e = err("ifconfig gif0 up now  # x");
        assert_eq!(
            (e.column, e.message.as_str()),
            (18, "expected the end of the line after `up`, found `now`")
        );
        let e = err("ifconfig gif0 create vxlanid 3");
        assert_eq!(e.column, 22);
        let e = err("jexec j1 &");
        assert_eq!(e.column, 10);
    }

    #[test]
    fn caps_are_clear_errors() {
        let big = "#".repeat(MAX_BYTES + 1);
        assert!(err(&big).message.contains("1 MiB"));
        let many = "\n".repeat(MAX_LINES + 5);
        let e = err(&many);
        assert_eq!(e.line, MAX_LINES + 1);
        assert!(parse(&"\n".repeat(MAX_LINES)).is_ok());
    }

    #[test]
    fn names() {
        for ok in ["gif0", "epair0b", "epair", "lo0", "bridge12", "abcdefghijklmno"] {
            assert!(is_ifname(ok), "{ok}");
        }
        for bad in ["", "0", "Gif0", "gif0c", "gif0ab", "abcdefghijklmnop", "gif-0", "é0"] {
            assert!(!is_ifname(bad), "{bad}");
        }
        for ok in ["j1", "j1.j2", "a_b-c.d"] {
            assert!(is_jail_name(ok), "{ok}");
        }
        for bad in ["", ".", "a.", ".a", "a..b", "a b", "j/1"] {
            assert!(!is_jail_name(bad), "{bad}");
        }
    }
}
