//! Reproducers: a scenario as things that run on a real FreeBSD VIMAGE host: a `/bin/sh`
//! script ([`sh`]), an ATF test case in the style of FreeBSD's tests/sys/net ([`atf`]),
//! and a jail.conf(5) file ([`jail_conf`]).
//!
//! Invariants: pure functions of the scenario; each header's predictions come from
//! [`simulate`] under every stage order. Every command is either emitted or kept as a `#`
//! comment that says why a stock kernel cannot do it, never silently dropped. Every word
//! taken from the scenario is quoted for sh and no comment spans lines, so `sh -n` accepts
//! the sh and ATF output of every scenario. Interfaces whose unit the kernel picks
//! (epairs, and clones made in the host) are captured in shell variables, and the later
//! references to their script names use those variables.

use crate::engine::input::scenario::{Command, Gateway, IfOp, Scenario};
use crate::engine::input::script::command_text;
use crate::engine::teardown::{Lane, simulate};
use crate::engine::trace::{Driver, StageOrder};

/// A word for sh: as it is when every character is safe, else in single quotes.
pub fn quote(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-./:=%+,@".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// `# text`, wrapped at 78 columns; continuation lines are indented two more than the
/// text's own indent. Line breaks in the text become spaces.
fn note(out: &mut String, indent: &str, text: &str) {
    let text = text.replace(['\n', '\r'], " ");
    let lead = text.len() - text.trim_start().len();
    let mut line = format!("{indent}#");
    let mut first = true;
    for word in text.split(' ').skip(lead) {
        if !first && line.len() + 1 + word.len() > 78 {
            out.push_str(&line);
            out.push('\n');
            line = format!("{indent}#{}", " ".repeat(lead + 3));
        } else {
            line.push(' ');
            if first {
                line.push_str(&" ".repeat(lead));
            }
        }
        first = false;
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// Why a command cannot run on a stock FreeBSD kernel, or `None` when it can.
fn unsupported(cmd: &Command) -> Option<String> {
    Some(match cmd {
        Command::KernelOption { name } if name.eq_ignore_ascii_case("ROUTE_CACHE") => {
            "options ROUTE_CACHE: Zhenlei Huang's route-cache prototype for tunnels, not in \
             FreeBSD; a kernel with it needs gmshake/freebsd-src. Not reproduced here."
                .to_string()
        }
        Command::KernelOption { name } => format!(
            "options {name}: a kernel configuration option; build a kernel with it (config(8)). \
             Not set here."
        ),
        Command::Sysuninit { .. } => format!(
            "{}: a what-if re-registration of a VNET destructor at another SYSUNINIT slot; a \
             stock kernel cannot do it (its VNET_SYSUNINIT line would have to change). Not \
             reproduced here.",
            command_text(cmd)
        ),
        Command::NoReap { jail } => format!(
            "noreap {jail}: a what-if: the parents of {jail}'s processes never reap them, so \
             each stays a zombie holding the jail. Not reproduced here; to approximate it, start \
             a process from a parent that stops itself, e.g. sh -c 'jexec {jail} sleep 3600 & \
             kill -STOP $$' &, and send that parent SIGCONT after the teardown."
        ),
        Command::Without { func } => format!(
            "without {func}: a what-if kernel in which {func} is not registered; a stock kernel \
             always has it. Not reproduced here."
        ),
        _ => return None,
    })
}

/// The header's predictions: outcome (and first fault) under each stage order, and under
/// legacy without what a stock kernel cannot do, when the scenario has any of it.
fn predictions(out: &mut String, sc: &Scenario) {
    let verdict = |sc: &Scenario, order: StageOrder| match simulate(sc, &Lane::new(order)) {
        Ok(t) => match t.faults.first() {
            Some(f) => format!("{} ({}: {})", t.outcome.label(), f.function, f.message),
            None => t.outcome.label().to_string(),
        },
        Err(e) => format!("the playground cannot build it: {}", e.message),
    };
    note(out, "", "What vnet-playground predicts (its model follows FreeBSD main):");
    for order in StageOrder::ALL {
        note(out, "", &format!("  {}: {}", order.slug(), verdict(sc, order)));
    }
    note(
        out,
        "",
        "Only legacy is FreeBSD today; the proposed stage orders (vnet-shutdown, \
         prison-cleanup) exist only in the playground.",
    );
    let stock: Vec<_> =
        sc.entries.iter().filter(|e| unsupported(&e.command).is_none()).cloned().collect();
    let stock_sc = Scenario { entries: stock.clone(), tail_comments: Vec::new() };
    let per: Vec<String> = crate::engine::trace::Kernel::ALL
        .into_iter()
        .map(|k| {
            let v = match simulate(&stock_sc, &Lane::new(StageOrder::Legacy).on(k)) {
                Ok(t) => t.outcome.label(),
                Err(_) => "refused",
            };
            format!("{} {v}", k.slug())
        })
        .collect();
    note(
        out,
        "",
        &format!(
            "Per release, legacy{}: {}. (uname -r on the host says which line applies.)",
            if stock.len() < sc.entries.len() { ", stock parts only" } else { "" },
            per.join(", ")
        ),
    );
    if stock.len() < sc.entries.len() {
        let stock = stock_sc;
        note(
            out,
            "",
            &format!(
                "On a stock kernel (without the parts kept as comments), legacy: {}",
                verdict(&stock, StageOrder::Legacy)
            ),
        );
    }
}

/// The scenario's jails: which have a vnet of their own, and how many jails are under each.
struct Jails(Vec<(String, bool)>);

impl Jails {
    fn of(sc: &Scenario) -> Jails {
        Jails(
            sc.entries
                .iter()
                .filter_map(|e| match &e.command {
                    Command::JailCreate { name, vnet, .. } => Some((name.clone(), *vnet)),
                    _ => None,
                })
                .collect(),
        )
    }

    /// The jail whose vnet `j` uses ("" for the host's).
    fn vnet_of(&self, j: &str) -> String {
        let mut cur = j;
        loop {
            if self.0.iter().any(|(n, v)| n == cur && *v) {
                return cur.to_string();
            }
            match cur.rsplit_once('.') {
                Some((p, _)) => cur = p,
                None => return String::new(),
            }
        }
    }

    /// children.max for `j`: the number of jails under it, at least what was given. A
    /// jail's children.max must stay below its parent's, which the count guarantees.
    fn children_max(&self, j: &str, given: Option<u32>) -> Option<u32> {
        let prefix = format!("{j}.");
        let n = self.0.iter().filter(|(c, _)| c.starts_with(&prefix)).count() as u32;
        if n == 0 { given } else { Some(n.max(given.unwrap_or(0))) }
    }
}

/// The name `target` has for a process in `ctx`: jail names are relative to the caller's
/// jail (prison_find_name), so `p` calls its child `p.c` just `c`.
fn relative(ctx: &Option<String>, target: &str) -> String {
    let rel = ctx.as_ref().and_then(|c| target.strip_prefix(c.as_str())?.strip_prefix('.'));
    quote(rel.unwrap_or(target))
}

/// One interface while the script runs: where it is, its script name, and how the
/// output refers to it.
struct If {
    at: String,
    home: String,
    name: String,
    shown: String,
    group: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    Sh,
    Atf,
    Conf,
}

/// A one-line `# text` comment (no newline at the end, never wrapped).
fn hash(text: &str) -> String {
    let t = text.replace(['\n', '\r'], " ");
    if t.is_empty() { "#".into() } else { format!("# {t}") }
}

/// `# text` wrapped, as lines without newlines.
fn wrapped(text: &str) -> Vec<String> {
    let mut s = String::new();
    note(&mut s, "", text);
    s.lines().map(String::from).collect()
}

/// The walk over the commands shared by the three outputs: where each interface is and
/// how the output names it.
struct Walk {
    flavor: Flavor,
    jails: Jails,
    ifs: Vec<If>,
    vars: Vec<String>,
    groups: usize,
    procs: bool,
    removed: Vec<String>,
}

impl Walk {
    fn new(sc: &Scenario, flavor: Flavor) -> Walk {
        let jails = Jails::of(sc);
        Walk {
            flavor,
            jails,
            ifs: Vec::new(),
            vars: Vec::new(),
            groups: 0,
            procs: false,
            removed: Vec::new(),
        }
    }

    fn shown(&self, at: &str, name: &str) -> String {
        self.ifs
            .iter()
            .find(|i| i.at == at && i.name == name)
            .map_or_else(|| quote(name), |i| i.shown.clone())
    }

    fn var(&mut self, base: String) -> String {
        let mut v = base.clone();
        let mut k = 2;
        while self.vars.contains(&v) {
            v = format!("{base}_{k}");
            k += 1;
        }
        self.vars.push(v.clone());
        v
    }

    fn add(&mut self, at: &str, name: String, shown: String) {
        let (at, home) = (at.to_string(), at.to_string());
        self.ifs.push(If { at, home, name, shown, group: self.groups });
    }

    /// The unit of `ifconfig epair[N] create` in vnet `at`: N, or the lowest free one.
    fn epair_unit(&self, at: &str, ifname: &str) -> u32 {
        // The unit the kernel picks for `ifconfig epair create`, by the engine's own rule.
        ifname["epair".len()..].parse::<u32>().unwrap_or_else(|_| {
            crate::engine::kernel::lowest_free_unit(|u| {
                let (a, b) = (format!("epair{u}a"), format!("epair{u}b"));
                self.ifs
                    .iter()
                    .any(|i| (i.at == at || i.home == at) && (i.name == a || i.name == b))
            })
        })
    }

    /// `ifconfig … create`: the line(s), recording the interface (or pair) it makes.
    fn create(&mut self, jail: &Option<String>, at: &str, ifname: &str, op: &IfOp) -> String {
        let prefix = jail.as_ref().map_or(String::new(), |j| format!("jexec {} ", quote(j)));
        self.groups += 1;
        let driver = Driver::from_ifname(ifname);
        if driver == Some(Driver::Epair) {
            let unit = self.epair_unit(at, ifname);
            let (a, b) = (format!("epair{unit}a"), format!("epair{unit}b"));
            if self.flavor == Flavor::Conf {
                self.add(at, a.clone(), a);
                self.add(at, b.clone(), b);
                return format!("{prefix}ifconfig epair{unit} create");
            }
            let base = match jail {
                Some(j) => {
                    format!("epair{unit}_{}", j.replace(|c: char| !c.is_ascii_alphanumeric(), "_"))
                }
                None => format!("epair{unit}"),
            };
            let v = self.var(base);
            let line = if self.flavor == Flavor::Atf && jail.is_none() {
                self.add(at, a, format!("${{{v}}}a"));
                self.add(at, b, format!("${{{v}}}b"));
                format!("{v}=$(vnet_mkepair)  # epair{unit}a and epair{unit}b in the script")
            } else {
                self.add(at, a, format!("${{{v}}}"));
                self.add(at, b, format!("${{{v}%a}}b"));
                format!(
                    "{v}=$({prefix}ifconfig epair create)  # epair{unit}a and epair{unit}b in the script; the kernel picks the unit"
                )
            };
            return line;
        }
        let op = match op {
            IfOp::Create { vxlan: Some(v) } => {
                let mut v = v.clone();
                v.dev = v.dev.map(|d| self.shown(at, &d));
                IfOp::Create { vxlan: Some(v) }
            }
            other => other.clone(),
        };
        match (jail, driver) {
            (None, Some(d)) if self.flavor != Flavor::Conf => {
                let v = self.var(ifname.to_string());
                let cmd = Command::Ifconfig { jail: None, ifname: d.name().into(), op };
                let mut line = format!("{v}=$({})  # {ifname} in the script", command_text(&cmd));
                if self.flavor == Flavor::Atf {
                    line.push_str(&format!("\necho ${{{v}}} >> created_interfaces.lst"));
                }
                self.add(at, ifname.to_string(), format!("${{{v}}}"));
                line
            }
            _ => {
                self.add(at, ifname.to_string(), quote(ifname));
                let jail = jail.as_ref().map(|j| quote(j));
                command_text(&Command::Ifconfig { jail, ifname: quote(ifname), op })
            }
        }
    }

    /// The lines for one `ifconfig`: `create` records the new interface; `vnet`, `-vnet`
    /// and `destroy` move or forget it; names resolve in the vnet the command runs in.
    fn ifconfig(&mut self, jail: &Option<String>, ifname: &str, op: &IfOp) -> Vec<String> {
        let at = jail.as_ref().map_or(String::new(), |j| self.jails.vnet_of(j));
        if let IfOp::Create { .. } = op {
            return self.create(jail, &at, ifname, op).split('\n').map(String::from).collect();
        }
        let (from, to, op) = match op {
            IfOp::Vnet { jail: t } => {
                (at.clone(), Some(self.jails.vnet_of(t)), IfOp::Vnet { jail: relative(jail, t) })
            }
            IfOp::Reclaim { jail: t } => {
                (self.jails.vnet_of(t), Some(at.clone()), IfOp::Reclaim { jail: relative(jail, t) })
            }
            other => (at.clone(), None, other.clone()),
        };
        let shown = self.shown(&from, ifname);
        let destroy = op == IfOp::Destroy;
        let cmd =
            Command::Ifconfig { jail: jail.as_ref().map(|j| quote(j)), ifname: shown.clone(), op };
        let mut lines = vec![command_text(&cmd)];
        if let Some(p) = self.ifs.iter().position(|i| i.at == from && i.name == ifname) {
            if destroy {
                let g = self.ifs[p].group;
                self.ifs.retain(|i| i.group != g);
            } else if let Some(to) = to {
                if self.flavor == Flavor::Atf && to.is_empty() && !self.ifs[p].home.is_empty() {
                    lines.push(format!("echo {shown} >> created_interfaces.lst"));
                }
                self.ifs[p].at = to;
            }
        }
        lines
    }

    /// The lines for one command (sh and ATF).
    fn command(&mut self, cmd: &Command) -> Vec<String> {
        let atf = self.flavor == Flavor::Atf;
        let mut out = Vec::new();
        if let Some(why) = unsupported(cmd) {
            return wrapped(&why);
        }
        match cmd {
            Command::JailCreate { name, vnet, persist, children_max } => {
                let cm = self.jails.children_max(name, *children_max);
                if let Some(k) = cm {
                    out.extend(wrapped(&format!(
                        "{name} gets children.max={k}: the jails under it (a child's children.max \
                         must stay below its parent's)"
                    )));
                }
                if !persist {
                    out.extend(wrapped(&format!(
                        "{name} gets persist: with no process yet, a jail without it would go away \
                         at once (jail -r removes it either way)"
                    )));
                }
                let q = quote(name);
                if atf && *vnet {
                    out.push(format!("vnet_mkjail {q}"));
                    if let Some(k) = cm {
                        out.push(format!("jail -m name={q} children.max={k}"));
                    }
                } else {
                    let mut s = format!("jail -c name={q}");
                    if *vnet {
                        s.push_str(" vnet");
                    }
                    s.push_str(" persist");
                    if let Some(k) = cm {
                        s.push_str(&format!(" children.max={k}"));
                    }
                    out.push(s);
                    if atf {
                        out.push(format!("echo {q} >> created_jails.lst"));
                    }
                }
            }
            Command::Ifconfig { jail, ifname, op } => {
                if let IfOp::Fib(n @ 1..) = op {
                    out.extend(wrapped(&format!(
                        "fib {n} needs net.fibs above {n} (e.g. sysctl net.fibs={} in the host)",
                        n.saturating_add(1)
                    )));
                }
                out.extend(self.ifconfig(jail, ifname, op));
            }
            Command::RouteAdd { jail, flag, dest, gateway } => {
                let at = jail.as_ref().map_or(String::new(), |j| self.jails.vnet_of(j));
                let gateway = match gateway {
                    Gateway::Interface(i) => Gateway::Interface(self.shown(&at, i)),
                    g => g.clone(),
                };
                let jail = jail.as_ref().map(|j| quote(j));
                out.push(command_text(&Command::RouteAdd {
                    jail,
                    flag: *flag,
                    dest: *dest,
                    gateway,
                }));
            }
            Command::Ngctl { jail, op } => {
                out.push(command_text(&Command::Ngctl {
                    jail: jail.as_ref().map(|j| quote(j)),
                    op: op.clone(),
                }));
            }
            Command::Process { jail, argv } => {
                self.procs = true;
                let words: Vec<String> = argv.split_whitespace().map(quote).collect();
                out.push(format!("jexec {} {} &", quote(jail), words.join(" ")));
            }
            Command::JailRemove { name } => {
                if self.removed.is_empty() {
                    if self.procs {
                        out.push("sleep 1  # let the background processes start".to_string());
                    }
                    if !atf {
                        out.push(
                            "set +e  # the teardown: a failure here must not skip the cleanup"
                                .into(),
                        );
                    }
                }
                let q = quote(name);
                out.push(if atf {
                    format!("atf_check -s exit:0 -o ignore jail -r {q}")
                } else {
                    format!("jail -r {q}")
                });
                self.removed.push(name.clone());
            }
            _ => {}
        }
        out
    }

    /// Every command's lines with the script's comments, in order.
    fn lines(&mut self, sc: &Scenario) -> Vec<String> {
        let mut lines = Vec::new();
        for e in &sc.entries {
            lines.extend(e.comments.iter().map(|c| hash(c)));
            let mut these = self.command(&e.command);
            if let Some(t) = &e.trailing {
                match these.last_mut() {
                    Some(l) => {
                        l.push_str("  ");
                        l.push_str(&hash(t));
                    }
                    None => these.push(hash(t)),
                }
            }
            lines.extend(these);
        }
        lines.extend(sc.tail_comments.iter().map(|c| hash(c)));
        lines
    }

    /// How the output names each interface left in the host after the teardown: those
    /// made in the host (one side per pair; loans come home) and those reclaimed to it.
    fn host_leftovers(&self) -> Vec<String> {
        let mut seen: Vec<usize> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        for i in &self.ifs {
            let home = i.home.is_empty() && !seen.contains(&i.group);
            if home || (i.at.is_empty() && !i.home.is_empty()) {
                seen.push(i.group);
                if !names.contains(&i.shown) {
                    names.push(i.shown.clone());
                }
            }
        }
        names
    }

    /// Jails the scenario never removes, nor removes a parent of.
    fn never_removed(&self) -> Vec<String> {
        let gone = |j: &str| {
            self.removed
                .iter()
                .any(|r| j == r || j.strip_prefix(r.as_str()).is_some_and(|s| s.starts_with('.')))
        };
        self.jails.0.iter().map(|(n, _)| n.clone()).filter(|n| !gone(n)).collect()
    }
}

/// The kernel modules the scenario needs: its `kldload` lines and the drivers it creates
/// (lo is always there), named as kldload names them.
fn modules(sc: &Scenario) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in &sc.entries {
        let more: Vec<String> = match &e.command {
            Command::Kldload { module } => vec![module.clone()],
            Command::Ngctl { .. } => {
                vec!["ng_socket".into(), crate::engine::kernel::drivers::kld_name(Driver::Ngeth)]
            }
            Command::Ifconfig {
                ifname, op: IfOp::Create { .. } | IfOp::CreateVlan { .. }, ..
            } => match Driver::from_ifname(ifname).filter(|d| *d != Driver::Lo) {
                Some(d) => vec![crate::engine::kernel::drivers::kld_name(d)],
                None => Vec::new(),
            },
            _ => Vec::new(),
        };
        for m in more {
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    out
}

/// A `/bin/sh` reproducer: the scenario's commands for a FreeBSD host with VIMAGE.
pub fn sh(sc: &Scenario) -> String {
    let mut out = String::from("#!/bin/sh\n");
    note(
        &mut out,
        "",
        "A reproducer exported by vnet-playground: the scenario's commands, for a real FreeBSD host.",
    );
    note(
        &mut out,
        "",
        "It needs a kernel with `options VIMAGE` (GENERIC has it) and must run as root. It builds \
         the jails and interfaces, runs the teardown (jail -r), then destroys what is left in the \
         host, so it can run again.",
    );
    note(&mut out, "", "");
    predictions(&mut out, sc);
    out.push_str("\nset -e\n");
    let mods = modules(sc);
    if !mods.is_empty() {
        out.push_str(&format!("kldload -n {}\n", mods.join(" ")));
    }
    let mut w = Walk::new(sc, Flavor::Sh);
    for l in w.lines(sc) {
        out.push_str(&l);
        out.push('\n');
    }
    if !w.removed.is_empty() {
        let mut names: Vec<String> = w.removed.iter().map(|j| quote(j)).collect();
        names.dedup();
        out.push('\n');
        note(
            &mut out,
            "",
            "A removed jail dies once its killed processes have exited; its loaned interfaces \
             come home then. Wait up to 10 s for that, and say so if a jail stays dying.",
        );
        out.push_str(&format!(
            "for j in {}; do\n\tn=0\n\twhile jls -d -j \"$j\" >/dev/null 2>&1 && [ $n -lt 10 ]; do\n\t\tsleep 1\n\t\tn=$((n + 1))\n\tdone\n\tif jls -d -j \"$j\" >/dev/null 2>&1; then\n\t\techo \"jail $j is still dying\" >&2\n\tfi\ndone\n",
            names.join(" ")
        ));
    }
    let jails = w.never_removed();
    let ifs = w.host_leftovers();
    if !jails.is_empty() || !ifs.is_empty() {
        out.push('\n');
        note(&mut out, "", "Clean up what is left in the host, so the script can run again.");
        for j in jails {
            out.push_str(&format!("jail -r {} 2>/dev/null || true\n", quote(&j)));
        }
        for i in ifs {
            out.push_str(&format!("ifconfig {i} destroy 2>/dev/null || true\n"));
        }
    }
    out
}

/// A name usable as an ATF test case and sh function prefix.
fn test_name(name: &str) -> String {
    let s: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) { format!("t_{s}") } else { s }
}

/// An ATF test case (atf-sh, using tests/sys/common/vnet.subr) named `name`.
pub fn atf(sc: &Scenario, name: &str) -> String {
    let n = test_name(name);
    let mut out = String::new();
    note(
        &mut out,
        "",
        "An ATF test case exported by vnet-playground, in the style of FreeBSD's tests/sys/net: \
         put it in that directory (it sources ../common/vnet.subr) and run it with kyua. It needs \
         a kernel with `options VIMAGE` and root.",
    );
    note(&mut out, "", "");
    predictions(&mut out, sc);
    out.push_str("\n. $(atf_get_srcdir)/../common/vnet.subr\n\n");
    let descr = sc
        .entries
        .first()
        .and_then(|e| e.comments.first())
        .map_or("a jail teardown from vnet-playground".to_string(), |c| {
            c.replace(['\n', '\r'], " ")
        });
    out.push_str(&format!(
        "atf_test_case \"{n}\" \"cleanup\"\n{n}_head()\n{{\n\tatf_set descr {}\n\tatf_set require.user root\n}}\n\n{n}_body()\n{{\n\tvnet_init\n",
        quote(&descr)
    ));
    for m in modules(sc) {
        out.push_str(&format!(
            "\tkldstat -q -m {m} || kldload -n {m} || atf_skip \"This test needs {m}\"\n"
        ));
    }
    let mut w = Walk::new(sc, Flavor::Atf);
    for l in w.lines(sc) {
        out.push('\t');
        out.push_str(&l);
        out.push('\n');
    }
    let mut checked: Vec<&String> = Vec::new();
    for j in &w.removed {
        if !checked.contains(&j) {
            checked.push(j);
            out.push_str(&format!("\tatf_check -s not-exit:0 -e ignore jls -j {}\n", quote(j)));
        }
    }
    out.push_str(&format!(
        "}}\n\n{n}_cleanup()\n{{\n\tvnet_cleanup\n}}\n\natf_init_test_cases()\n{{\n\tatf_add_test_case \"{n}\"\n}}\n"
    ));
    out
}

/// A value in a jail.conf(5) string: `\`, `"` and `$` (its variable expansion) escaped.
fn conf_str(s: &str) -> String {
    let mut q = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' | '"' | '$' => {
                q.push('\\');
                q.push(c);
            }
            '\n' | '\r' => q.push(' '),
            _ => q.push(c),
        }
    }
    q.push('"');
    q
}

/// One jail's block: its name and `param += "value"` lines in order.
struct Block {
    name: String,
    head: Vec<String>,
    params: Vec<(&'static str, String)>,
}

/// jail.conf(5) for the scenario's jails, with what it cannot express as comments.
pub fn jail_conf(sc: &Scenario) -> String {
    let mut w = Walk::new(sc, Flavor::Conf);
    let mut blocks: Vec<Block> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut early: Vec<String> = Vec::new();
    let mut host_after: Option<usize> = None;
    let mut removes: Vec<String> = Vec::new();
    for e in &sc.entries {
        let cmd = &e.command;
        if let Some(why) = unsupported(cmd) {
            notes.push(why);
            continue;
        }
        // (block, parameter, value) for this command; `None` block: the host, early.
        let mut put: Vec<(Option<String>, &'static str, String)> = Vec::new();
        match cmd {
            Command::JailCreate { name, vnet, persist, children_max } => {
                let mut head = vec![format!("path = {};", conf_str("/"))];
                if *vnet {
                    head.push("vnet;".into());
                }
                head.push(if *persist {
                    "persist;".into()
                } else {
                    "persist;  # added: with no process yet, the jail would go away at once".into()
                });
                if let Some(k) = w.jails.children_max(name, *children_max) {
                    head.push(format!("children.max = {k};  # the jails under it"));
                }
                blocks.push(Block { name: name.clone(), head, params: Vec::new() });
            }
            Command::Process { jail, argv } => {
                let words: Vec<String> = argv.split_whitespace().map(quote).collect();
                put.push((Some(jail.clone()), "exec.start", format!("{} &", words.join(" "))));
            }
            Command::JailRemove { name } => removes.push(name.clone()),
            Command::RouteAdd { jail, flag, dest, gateway } => {
                let c = Command::RouteAdd {
                    jail: None,
                    flag: *flag,
                    dest: *dest,
                    gateway: gateway.clone(),
                };
                put.push((jail.clone(), "exec.start", command_text(&c)));
            }
            Command::Ifconfig { jail, ifname, op } => {
                let line = w.ifconfig(jail, ifname, op).join("; ");
                let inside = |j: &String| {
                    line.strip_prefix(&format!("jexec {} ", quote(j))).unwrap_or(&line).to_string()
                };
                match (jail, op) {
                    (None, IfOp::Vnet { jail: t }) => {
                        put.push((Some(t.clone()), "vnet.interface", ifname.clone()))
                    }
                    (_, IfOp::Vnet { jail: t }) => {
                        put.push((Some(t.clone()), "exec.created", line.clone()))
                    }
                    (_, IfOp::Reclaim { jail: t }) => {
                        put.push((Some(t.clone()), "exec.poststart", line.clone()));
                        if jail.is_none() {
                            host_after = blocks.iter().position(|b| b.name == *t).or(host_after);
                        }
                    }
                    (Some(j), _) => put.push((Some(j.clone()), "exec.start", inside(j))),
                    (None, _) => put.push((None, "", line.clone())),
                }
            }
            _ => {}
        }
        for (b, p, v) in put {
            let b = match b {
                Some(j) => match blocks.iter().position(|x| x.name == j) {
                    Some(i) => i,
                    None => {
                        notes.push(format!(
                            "{} (jail {j} is not created by the scenario)",
                            command_text(cmd)
                        ));
                        continue;
                    }
                },
                None => match host_after {
                    Some(i) => {
                        blocks[i].params.push(("exec.poststart", v));
                        continue;
                    }
                    None => {
                        early.push(v);
                        continue;
                    }
                },
            };
            blocks[b].params.push((p, v));
        }
    }
    let mut out = String::new();
    note(
        &mut out,
        "",
        "jail.conf(5) exported by vnet-playground: the scenario's jails for a real FreeBSD host \
         with `options VIMAGE`. Create them with `jail -f FILE -c`, then tear down as the \
         scenario does:",
    );
    for r in &removes {
        note(&mut out, "", &format!("  jail -f FILE -r {}", quote(r)));
    }
    note(
        &mut out,
        "",
        "Host commands run from the first jail's exec.prestart, or after a reclaim from that \
         jail's exec.poststart; loans from a jail run from the child's exec.created.",
    );
    note(&mut out, "", "Not expressible here:");
    note(
        &mut out,
        "",
        "  jail(8) takes every vnet.interface back (ifconfig IF -vnet) before it removes the \
         jail, so those interfaces are home before the teardown starts, unlike `jail -r` on a \
         jail made by hand (see the sh export for that).",
    );
    for n in &notes {
        note(&mut out, "", &format!("  {n}"));
    }
    for c in sc.entries.iter().flat_map(|e| e.comments.iter().chain(e.trailing.iter())) {
        note(&mut out, "", &format!("Script: {c}"));
    }
    note(&mut out, "", "");
    predictions(&mut out, sc);
    let leftovers = w.host_leftovers();
    if let Some(first) = blocks.first_mut() {
        let mut pre: Vec<(&'static str, String)> =
            early.into_iter().map(|v| ("exec.prestart", v)).collect();
        pre.append(&mut first.params);
        first.params = pre;
        for i in leftovers {
            first.params.push(("exec.poststop", format!("ifconfig {i} destroy || true")));
        }
    }
    for b in &blocks {
        let plain = b.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let name = if plain { b.name.clone() } else { conf_str(&b.name) };
        out.push_str(&format!("\n{name} {{\n"));
        for h in &b.head {
            out.push_str(&format!("\t{h}\n"));
        }
        for (p, v) in &b.params {
            out.push_str(&format!("\t{p} += {};\n", conf_str(v)));
        }
        out.push_str("}\n");
    }
    out
}
