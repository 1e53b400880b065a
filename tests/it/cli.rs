//! The vnet-trace binary, run as a user would: exit codes, JSON fields, errors with a
//! line and column, the preset list, and the 72-column text.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use vnet_playground::engine::presets;

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vnet-trace"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn vnet-trace");
    if let Some(mut pipe) = child.stdin.take() {
        pipe.write_all(stdin.unwrap_or("").as_bytes()).expect("write stdin");
    }
    child.wait_with_output().expect("wait")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn seed_legacy_page_faults_in_rib_unsubscribe() {
    let o = run(&["--preset", "seed-gif-route-cache", "--format", "json"], None);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).expect("json");
    assert_eq!(v["order"], "legacy");
    assert_eq!(v["outcome"], "page_fault");
    let faults = v["faults"].as_array().expect("faults");
    let f = faults
        .iter()
        .find(|f| f["function"] == "rib_unsubscribe")
        .expect("a fault in rib_unsubscribe");
    assert_eq!(f["kind"], "use_after_free");
    let path: Vec<&str> = f["freed_by"]["call_path"]
        .as_array()
        .expect("freed_by.call_path")
        .iter()
        .filter_map(|x| x.as_str())
        .collect();
    assert!(path.contains(&"rtables_destroy"), "{path:?}");
    assert!(v["steps"].as_array().is_some_and(|s| !s.is_empty()));
}

#[test]
fn seed_under_the_proposed_stages_is_clean() {
    for order in ["vnet-shutdown", "prison-cleanup"] {
        let o = run(&["--order", order, "--preset", "seed-gif-route-cache"], None);
        assert_eq!(o.status.code(), Some(0), "{order}: {}", err(&o));
    }
    let o = run(&["--order=vnet-shutdown", "--format=markdown", "-"], Some(presets::SEED));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("| # |"));
}

#[test]
fn bad_scripts_exit_2_with_line_and_column() {
    // A syntax error on line 3.
    let o = run(&["-"], Some("jail -c name=j1 vnet persist\n\njexec j1 ifconfig gif0 frob\n"));
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).starts_with("<stdin>:3:"), "{}", err(&o));
    // An engine build error (unknown option) on line 2, reported at column 1.
    let dir = std::env::temp_dir().join(format!("vnet-trace-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let file = dir.join("bad.vnet");
    std::fs::write(&file, "# a comment\noptions NOPE\njail -c name=j1 vnet persist\njail -r j1\n")
        .expect("write");
    let path = file.to_string_lossy().into_owned();
    let o = run(&[&path], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).starts_with(&format!("{path}:2:1: ")), "{}", err(&o));
    let _ = std::fs::remove_dir_all(&dir);
    // Bad arguments and missing files are bad input too.
    assert_eq!(run(&["--order", "nope", "-"], Some("")).status.code(), Some(2));
    assert_eq!(run(&["/nonexistent/x.vnet"], None).status.code(), Some(2));
    assert_eq!(run(&["--preset", "no-such-preset"], None).status.code(), Some(2));
}

#[test]
fn list_presets_lists_every_slug_and_help_exits_0() {
    let o = run(&["--list-presets"], None);
    assert_eq!(o.status.code(), Some(0));
    let listed: Vec<String> =
        out(&o).lines().filter_map(|l| l.split_whitespace().next()).map(String::from).collect();
    for p in presets::presets() {
        assert!(listed.iter().any(|s| s == p.slug), "{} missing", p.slug);
    }
    let h = run(&["--help"], None);
    assert_eq!(h.status.code(), Some(0));
    assert!(out(&h).contains("usage: vnet-trace"));
}

#[test]
fn text_fits_a_mail() {
    for p in presets::presets() {
        for order in ["legacy", "vnet-shutdown", "prison-cleanup"] {
            let o = run(&["--kernel", p.kernel.slug(), "--order", order, "--preset", p.slug], None);
            assert!(matches!(o.status.code(), Some(0 | 1)), "{}: {}", p.slug, err(&o));
            for line in out(&o).lines() {
                assert!(line.chars().count() <= 72, "{} {order}: {line:?}", p.slug);
            }
        }
    }
}

#[test]
fn explore_prints_the_table_safe_sets_counterexample_and_fixes() {
    let o = run(&["explore", "--preset", "seed-gif-route-cache"], None);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let t = out(&o);
    for line in t.lines() {
        assert!(line.chars().count() <= 72, "{line:?}");
    }
    for needed in [
        "slot (teardown order)",
        "PROTO_DOMAIN/SECOND",
        "safe: VNET_DONE/ANY, PROTO_DOMAIN/SECOND, PROTO_DOMAIN/FIRST",
        "panic in ip_destroy",
        "page_fault in rib_unsubscribe",
        "Minimal counterexample",
        "Cycles and fixes",
        "vnet-shutdown",
    ] {
        assert!(t.contains(needed), "{needed} missing:\n{t}");
    }
    let j =
        run(&["explore", "--format", "json", "--order", "vnet-shutdown", "-"], Some(presets::SEED));
    assert_eq!(j.status.code(), Some(0), "{}", err(&j));
    let v: serde_json::Value = serde_json::from_str(&out(&j)).expect("json");
    assert_eq!(v["base"]["outcome"], "clean");
    let gif = v["destructors"]
        .as_array()
        .and_then(|d| d.iter().find(|r| r["function"] == "vnet_gif_uninit"))
        .expect("gif row");
    assert_eq!(gif["safe"].as_array().map(Vec::len), v["slots"].as_array().map(Vec::len));
    let m = run(&["explore", "--format", "markdown", "--preset", "upstream-gif"], None);
    assert_eq!(m.status.code(), Some(0));
    assert!(out(&m).contains("| slot |"));
    let bad = run(&["explore", "-"], Some("jail -c name=j1 vnet persist\nbogus line\n"));
    assert_eq!(bad.status.code(), Some(2));
    assert!(err(&bad).starts_with("<stdin>:2:"), "{}", err(&bad));
}

#[test]
fn export_prints_each_format_and_exits_0() {
    let o = run(&["export", "--format", "sh", "--preset", "seed-gif-route-cache"], None);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).starts_with("#!/bin/sh\n"), "{}", out(&o));
    assert!(out(&o).contains("\nepair0=$(ifconfig epair create)"), "{}", out(&o));
    assert!(out(&o).contains("\njail -r j1\n"), "{}", out(&o));
    // A preset's slug names the test case; --name overrides it.
    let o = run(&["export", "--format=atf", "--preset", "seed-gif-route-cache"], None);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("atf_test_case \"seed_gif_route_cache\" \"cleanup\""), "{}", out(&o));
    let o = run(&["export", "--format", "atf", "--name", "my-case", "-"], Some(presets::SEED));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("\nmy_case_body()\n{\n\tvnet_init\n"), "{}", out(&o));
    let o = run(&["export", "--format", "jail.conf", "-"], Some(presets::SEED));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("\nj1 {\n\tpath = \"/\";\n\tvnet;\n\tpersist;\n"), "{}", out(&o));
    // A faulting scenario still exports with 0: the fault is the header's prediction.
    let o = run(&["export", "--format", "sh", "--preset", "gre-inner-address"], None);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("#   legacy: panic"), "{}", out(&o));
}

#[test]
fn export_errors_exit_2() {
    // An unknown format, a missing one, and --order, which export does not take.
    let o = run(&["export", "--format", "json", "--preset", "seed-gif-route-cache"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).starts_with("vnet-trace: unknown export format `json`"), "{}", err(&o));
    assert!(out(&o).is_empty());
    let o = run(&["export", "--preset", "seed-gif-route-cache"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("export needs --format"), "{}", err(&o));
    let o =
        run(&["export", "--format", "sh", "--order", "legacy", "--preset", "upstream-gif"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--order does not apply to export"), "{}", err(&o));
    // --name belongs to export only.
    let o = run(&["--name", "x", "--preset", "seed-gif-route-cache"], None);
    assert_eq!(o.status.code(), Some(2));
    // A bad script: FILE:line:column, nothing on stdout.
    let o = run(&["export", "--format", "sh", "-"], Some("jail -c name=j1 vnet\njail -x j1\n"));
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).starts_with("<stdin>:2:"), "{}", err(&o));
    assert!(out(&o).is_empty());
    let o = run(&["export", "--format", "sh", "--preset", "nope"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("no preset `nope`"), "{}", err(&o));
}

#[test]
fn import_prints_a_script_that_parses_and_names_bad_lines() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/import/upstream-gif.txt");
    let out = run(&["import", path], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("# Imported by vnet-trace. What could not be inferred:\n"), "{text}");
    assert!(text.contains("#   not modelled (physical NICs"), "{text}");
    let sc = vnet_playground::engine::input::script::parse(&text).expect("the output parses");
    assert!(vnet_playground::engine::build(&sc).is_ok());
    let bad = run(
        &["import", "-"],
        Some(
            "jexec j1 ifconfig -a\ngif0: flags=8051<UP> metric 0 mtu 1280\n\tinet 10.0.0.999 netmask 0xffffff00\n",
        ),
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).starts_with("<stdin>:3: "),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    assert_eq!(run(&["import", "a", "b"], None).status.code(), Some(2));
}

/// `vnet-trace … | head` closes the pipe early: the program ends quietly with success
/// instead of panicking on the failed write.
#[test]
fn a_reader_that_goes_away_ends_it_quietly() {
    for args in [
        &["--preset", "seed-gif-route-cache"][..],
        &["--list-kernels"][..],
        &["releases", "--preset", "seed-gif-route-cache"][..],
    ] {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let o = Command::new(env!("CARGO_BIN_EXE_vnet-trace"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", err(&o));
        assert_eq!(err(&o), "", "{args:?}");
    }
}
