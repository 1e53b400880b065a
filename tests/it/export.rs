//! The reproducers (`engine::render::reproduce`): golden files for the seed and other
//! presets, `/bin/sh -n` on the sh and ATF output of every preset and scenario file,
//! a property test that every built scenario's commands survive into the sh output
//! (emitted or mentioned in a comment), quoting that sh reads back word for word, and
//! jail.conf output that is well formed (blocks, `param += "…";`, escaped strings).
//!
//! Invariants: golden files live in tests/export/ and are compared with
//! `common::snapshot` (never silently written under CI); every check here has an input
//! that makes it fail (`sh -n` is shown to reject a broken script first).
use crate::common;
use crate::strategies::built_scenario;

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command as Proc;
use vnet_playground::engine::input::script::parse;
use vnet_playground::engine::render::reproduce::{atf, jail_conf, quote, sh};
use vnet_playground::engine::*;

fn tmp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vnet-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    dir.join(tag)
}

/// What `/bin/sh -n` says about `text`: `Ok` when it parses.
fn sh_n(text: &str, tag: &str) -> Result<(), String> {
    let f = tmp(tag);
    std::fs::write(&f, text).expect("write");
    let o = Proc::new("/bin/sh").arg("-n").arg(&f).output().expect("run /bin/sh -n");
    let _ = std::fs::remove_file(&f);
    if o.status.success() {
        Ok(())
    } else {
        Err(format!("{tag}: {}\n{text}", String::from_utf8_lossy(&o.stderr)))
    }
}

fn preset_scenario(slug: &str) -> Scenario {
    let p = presets().into_iter().find(|p| p.slug == slug).expect("preset");
    parse(p.script).expect("preset parses")
}

fn scenario_files() -> Vec<(String, Scenario)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/scenarios")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "vnet"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).expect("read");
            let stem = f.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            (stem, parse(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display())))
        })
        .collect()
}

#[test]
fn golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/export");
    std::fs::create_dir_all(&dir).expect("tests/export");
    let two = scenario_files().into_iter().find(|(n, _)| n == "two-jails-gre-wg").expect("file");
    let cases = [
        ("seed", preset_scenario(SEED_SLUG)),
        ("nested", preset_scenario("nested-vnet-jails")),
        ("two-jails-gre-wg", two.1),
    ];
    let mut bad = Vec::new();
    for (name, sc) in cases {
        for (ext, text) in
            [("sh", sh(&sc)), ("atf.sh", atf(&sc, name)), ("jail.conf", jail_conf(&sc))]
        {
            if let Err(e) = common::snapshot(&dir.join(format!("{name}.{ext}")), &text) {
                bad.push(e);
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn the_seed_captures_its_epair_and_keeps_the_prototype_as_a_comment() {
    let out = sh(&preset_scenario(SEED_SLUG));
    assert!(out.starts_with("#!/bin/sh\n"));
    assert!(out.contains("\nset -e\n"));
    assert!(out.contains("\nepair0=$(ifconfig epair create)"), "{out}");
    assert!(out.contains("\nifconfig ${epair0%a}b vnet j1\n"), "{out}");
    assert!(out.contains("\njexec j1 ifconfig ${epair0%a}b inet 192.0.2.1/24\n"), "{out}");
    assert!(out.contains("\n# options ROUTE_CACHE:"), "{out}");
    assert!(out.contains("gmshake/freebsd-src"), "{out}");
    assert!(!out.lines().any(|l| l.starts_with("options")), "{out}");
    assert!(out.contains("#   legacy: page fault (rib_unsubscribe:"), "{out}");
    assert!(out.contains("#   vnet-shutdown: clean\n"), "{out}");
    assert!(out.contains("legacy: clean"), "the stock-kernel line: {out}");
    let keep_going = out.find("\nset +e").expect("the teardown does not stop the cleanup");
    let teardown = out.find("\njail -r j1\n").expect("teardown");
    assert!(keep_going < teardown, "{out}");
    let cleanup = out.find("\nifconfig ${epair0} destroy").expect("cleanup");
    let wait = out.find("\nfor j in j1; do\n").expect("the wait for the dying jail");
    assert!(teardown < wait && wait < cleanup, "{out}");
}

#[test]
fn nested_jails_give_each_parent_its_descendant_count() {
    let sc = scenario_files().into_iter().find(|(n, _)| n == "nested-gif-child").expect("file").1;
    let out = sh(&sc);
    assert!(out.contains("\njail -c name=top vnet persist children.max=2\n"), "{out}");
    assert!(out.contains("\njail -c name=top.mid persist children.max=1\n"), "{out}");
    assert!(out.contains("\njail -c name=top.mid.leaf vnet persist\n"), "{out}");
    let conf = jail_conf(&sc);
    assert!(conf.contains("\n\"top.mid\" {\n"), "{conf}");
    assert!(conf.contains("\tchildren.max = 2;"), "{conf}");
}

#[test]
fn a_loan_from_a_jail_names_the_child_relative_to_it() {
    let sc = parse(
        "jail -c name=p vnet persist\njail -c name=p.c vnet persist\n\
         jexec p ifconfig epair create\njexec p ifconfig epair0b vnet p.c\n\
         jexec p.c ifconfig epair0b up\njail -r p\n",
    )
    .expect("parses");
    build(&sc).expect("builds");
    let out = sh(&sc);
    assert!(out.contains("\nepair0_p=$(jexec p ifconfig epair create)"), "{out}");
    assert!(out.contains("\njexec p ifconfig ${epair0_p%a}b vnet c\n"), "{out}");
    assert!(out.contains("\njexec p.c ifconfig ${epair0_p%a}b up\n"), "{out}");
    let conf = jail_conf(&sc);
    assert!(conf.contains("exec.created += \"jexec p ifconfig epair0b vnet c\";"), "{conf}");
}

#[test]
fn sh_n_can_fail() {
    assert!(sh_n("if then fi (\n", "broken.sh").is_err());
    assert!(sh_n("echo ok\n", "fine.sh").is_ok());
}

#[test]
fn sh_n_accepts_every_preset_and_scenario_file() {
    let mut all: Vec<(String, Scenario)> = presets()
        .into_iter()
        .map(|p| (p.slug.to_string(), parse(p.script).expect("preset parses")))
        .collect();
    all.extend(scenario_files());
    assert!(all.len() > 10);
    let mut bad = Vec::new();
    for (name, sc) in &all {
        for (tag, text) in
            [(format!("{name}.sh"), sh(sc)), (format!("{name}.atf.sh"), atf(sc, name))]
        {
            if let Err(e) = sh_n(&text, &tag) {
                bad.push(e);
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn quoted_words_read_back_unchanged() {
    let words =
        ["plain", "two words", "it's", "$HOME", "a;b", "`x`", "", "*", "\"q\"", "a\\b", "#x"];
    let line: Vec<String> = words.iter().map(|w| quote(w)).collect();
    let script = format!("for w in {}; do printf '%s|' \"$w\"; done", line.join(" "));
    let o = Proc::new("/bin/sh").arg("-c").arg(&script).output().expect("sh -c");
    let expect: String = words.iter().map(|w| format!("{w}|")).collect();
    assert_eq!(String::from_utf8_lossy(&o.stdout), expect, "{script}");
}

#[test]
fn odd_process_words_and_comments_stay_shell_safe() {
    let sc = parse(
        "# line one\njail -c name=j1 vnet persist  # it's here\n\
         jexec j1 sh -c 'echo;$x' \"q\" `y` it's ( &\njail -r j1\n",
    )
    .expect("parses");
    let out = sh(&sc);
    sh_n(&out, "odd.sh").expect("parses");
    assert!(out.contains("\n# line one\n"), "{out}");
    assert!(out.contains(" 'it'\\''s' '(' &\n"), "{out}");
    assert!(out.contains("\njail -c name=j1 vnet persist  # it's here\n"), "{out}");
    sh_n(&atf(&sc, "odd name"), "odd.atf.sh").expect("parses");
    assert!(atf(&sc, "odd name").contains("atf_test_case \"odd_name\" \"cleanup\""));
}

/// What is wrong with `text` as jail.conf(5), as this module writes it: outside blocks
/// only comments, blank lines and `NAME {`; inside, `param;` or `param += "…";` (with an
/// optional `# comment`), strings with `\`, `"` and `$` escaped; every block closed.
fn conf_errors(text: &str) -> Vec<String> {
    let mut bad = Vec::new();
    let mut open = false;
    for (i, l) in text.lines().enumerate() {
        let ok = if !open {
            open = l.ends_with(" {") && !l.starts_with('#');
            open || l.is_empty() || l.starts_with('#')
        } else if l == "}" {
            open = false;
            true
        } else {
            param_ok(l)
        };
        if !ok {
            bad.push(format!("line {}: {l}", i + 1));
        }
    }
    if open {
        bad.push("a block is not closed".into());
    }
    bad
}

fn param_ok(l: &str) -> bool {
    let Some(l) = l.strip_prefix('\t') else { return false };
    let (stmt, _comment) = match l.find(";  # ") {
        Some(k) => (&l[..=k], &l[k + 3..]),
        None => (l, ""),
    };
    let Some(stmt) = stmt.strip_suffix(';') else { return false };
    let key_ok = |k: &str| {
        !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
    };
    match stmt.split_once(" = ").or_else(|| stmt.split_once(" += ")) {
        None => key_ok(stmt),
        Some((k, v)) => key_ok(k) && (v.parse::<u32>().is_ok() || quoted_ok(v)),
    }
}

fn quoted_ok(v: &str) -> bool {
    let Some(inner) = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else { return false };
    let mut esc = false;
    for c in inner.chars() {
        match (esc, c) {
            (true, '\\' | '"' | '$') => esc = false,
            (true, _) => return false,
            (false, '\\') => esc = true,
            (false, '"' | '$' | '\n') => return false,
            _ => {}
        }
    }
    !esc
}

#[test]
fn jail_conf_is_well_formed_for_every_preset_and_the_check_can_fail() {
    assert!(!conf_errors("j1 {\n\texec.start += \"a\"b\";\n}\n").is_empty());
    assert!(!conf_errors("j1 {\n\texec.start += \"$x\";\n}\n").is_empty());
    assert!(!conf_errors("j1 {\n\tvnet;\n").is_empty());
    assert!(conf_errors("j1 {\n\tvnet;\n\texec.start += \"\\$x\";\n}\n").is_empty());
    let mut all: Vec<(String, Scenario)> = presets()
        .into_iter()
        .map(|p| (p.slug.to_string(), parse(p.script).expect("preset parses")))
        .collect();
    all.extend(scenario_files());
    let odd = "jail -c name=a-b vnet persist\njexec a-b sh -c 'echo $x \"q\"' &\njail -r a-b\n";
    all.push(("odd".into(), parse(odd).expect("parses")));
    for (name, sc) in &all {
        let conf = jail_conf(sc);
        assert_eq!(conf_errors(&conf), Vec::<String>::new(), "{name}:\n{conf}");
    }
}

/// Every name a command mentions, which the output must contain.
fn mentioned(c: &Command) -> Vec<String> {
    match c {
        Command::KernelOption { name } => vec![name.clone()],
        Command::JailCreate { name, .. } | Command::JailRemove { name } => vec![name.clone()],
        Command::NoReap { jail } => vec![format!("noreap {jail}")],
        Command::Kldload { module } => vec![format!("kldload {module}")],
        Command::Without { func } => vec![format!("without {func}")],
        Command::Ngctl { jail, op } => {
            let mut v: Vec<String> = jail.iter().cloned().collect();
            v.push(match op {
                NgOp::MkpeerEiface => "ngctl mkpeer".to_string(),
                NgOp::Shutdown { ifname } => format!("ngctl shutdown {ifname}:"),
            });
            v
        }
        Command::Sysuninit { func, .. } => vec![func.clone()],
        Command::Process { jail, argv } => {
            let mut v = vec![jail.clone()];
            v.extend(argv.split_whitespace().map(String::from));
            v
        }
        Command::RouteAdd { jail, gateway, .. } => {
            let mut v: Vec<String> = jail.iter().cloned().collect();
            if let Gateway::Interface(i) = gateway {
                v.push(i.clone());
            }
            v
        }
        Command::Ifconfig { jail, ifname, op } => {
            let mut v: Vec<String> = jail.iter().cloned().collect();
            v.push(ifname.clone());
            match op {
                IfOp::Vnet { jail: t } | IfOp::Reclaim { jail: t } => {
                    v.push(t.rsplit('.').next().unwrap_or(t).to_string())
                }
                IfOp::AddMember { member: m }
                | IfOp::DelMember { member: m }
                | IfOp::CreateVlan { dev: m, .. }
                | IfOp::SetVlan { dev: m, .. } => v.push(m.clone()),
                _ => {}
            }
            v
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_command_survives_into_a_script_sh_accepts(sc in built_scenario()) {
        let out = sh(&sc);
        if let Err(e) = sh_n(&out, "prop.sh") {
            prop_assert!(false, "{}", e);
        }
        if let Err(e) = sh_n(&atf(&sc, "prop"), "prop.atf.sh") {
            prop_assert!(false, "{}", e);
        }
        let conf = jail_conf(&sc);
        prop_assert!(conf_errors(&conf).is_empty(), "{:?}\n{}", conf_errors(&conf), conf);
        for e in &sc.entries {
            for m in mentioned(&e.command) {
                prop_assert!(out.contains(&m), "`{}` of `{:?}` is missing:\n{}", m, e.command, out);
            }
        }
        let removes = sc.entries.iter().filter(|e| matches!(e.command, Command::JailRemove { .. }));
        let lines = out.lines().filter(|l| l.starts_with("jail -r ") && !l.contains("||"));
        prop_assert_eq!(removes.count(), lines.count());
        let procs = sc.entries.iter().filter(|e| matches!(e.command, Command::Process { .. }));
        let bg = out.lines().filter(|l| l.starts_with("jexec ") && l.ends_with(" &"));
        prop_assert_eq!(procs.count(), bg.count());
    }
}
