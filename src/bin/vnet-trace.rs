//! vnet-trace: the engine on the command line.
//!
//! `vnet-trace [--kernel VERSION] [--order legacy|vnet-shutdown|prison-cleanup]
//! [--format text|json|markdown] [--preset NAME | FILE | -]`, `--list-presets`,
//! `--list-kernels` and `--help`.
//! `vnet-trace releases [--format FORMAT] [same sources]` prints the scenario under every
//! kernel release and stage order, with the first safe release of each order.
//! `vnet-trace explore [same options]` runs the order explorer (issue 6) instead: the
//! destructor x slot table, safe sets, stage orders, the minimal counterexample and the
//! cycle fixes; its exit status follows the base lane's outcome.
//! `vnet-trace export --format sh|atf|jail.conf [--name NAME] [--preset NAME | FILE | -]`
//! prints the scenario as something to run on a real FreeBSD VIMAGE host (a `/bin/sh`
//! reproducer, an ATF test case for tests/sys/net, or jail.conf(5)), each with the
//! playground's predictions in its header; it exits 0, or 2 on bad input.
//!
//! Exit codes (trace and explore): 0 when the teardown is clean, 1 when it found faults, 2 on bad input
//! (with `FILE:line:column: message`) or bad arguments. Engine build errors name a
//! scenario entry; they are reported at that entry's script line, column 1.

use std::io::{Read, Write};
use std::process::ExitCode;
use vnet_playground::engine::input::script;
use vnet_playground::engine::kernel::release;
use vnet_playground::engine::{
    self, BuildError, Kernel, Lane, Outcome, Scenario, StageOrder, explore::releases,
    explore::report, render, render::reproduce,
};

const USAGE: &str = "\
usage: vnet-trace [--kernel VERSION] [--order ORDER] [--format FORMAT]
                  [--preset NAME | FILE | -]
       vnet-trace explore [--kernel VERSION] [--order ORDER] [--format FORMAT]
                          [--preset NAME | FILE | -]
       vnet-trace releases [--format FORMAT] [--preset NAME | FILE | -]
       vnet-trace export --format sh|atf|jail.conf [--name NAME]
                         [--preset NAME | FILE | -]
       vnet-trace import [FILE | -]
       vnet-trace --list-presets | --list-kernels

  explore           try every destructor at every slot: safe sets, the
                    minimal counterexample and fixes for each cycle
  releases          the teardown under every kernel release and stage
                    order, and the first release that is safe
  export            print the scenario for a real FreeBSD VIMAGE host: a
                    /bin/sh reproducer (sh), an ATF test case (atf) or
                    jail.conf(5) (jail.conf), with the predictions
  import            read what a FreeBSD host printed (jls -n, ifconfig -a,
                    jexec J ifconfig -a, netstat -rn) and print the scenario
                    script, with what could not be inferred as comments

  --kernel VERSION  the FreeBSD kernel: 13.0, 13.2 to 13.5, 14.0 to 14.3,
                    15.0 or main (default); see --list-kernels
  --order ORDER     legacy (default), vnet-shutdown or prison-cleanup
  --format FORMAT   text (default, fits a mail), markdown or json;
                    for export: sh, atf or jail.conf (required)
  --name NAME       export --format atf: the test case's name (default:
                    the preset or file name)
  --preset NAME     a built-in scenario (see --list-presets)
  FILE              a scenario script; `-` reads standard input
Exit status: 0 clean, 1 faults found, 2 bad input (export: 0 or 2;
releases: 0 when every release is clean under every order).";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    Markdown,
}

/// What `export` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Export {
    Sh,
    Atf,
    JailConf,
}

#[derive(Debug, PartialEq, Eq)]
enum Source {
    Preset(String),
    File(String),
    Stdin,
}

#[derive(Debug, PartialEq, Eq)]
enum Action {
    Run { kernel: Kernel, order: StageOrder, format: Format, source: Source, explore: bool },
    Releases { format: Format, source: Source },
    Export { format: Export, name: Option<String>, source: Source },
    ListPresets,
    ListKernels,
    Help,
}

/// Hand-written argument parsing: `--flag value` and `--flag=value`.
fn parse_args(args: &[String]) -> Result<Action, String> {
    let mut order = None;
    let mut kernel = None;
    let mut format = None;
    let mut export = None;
    let mut name = None;
    let mut source: Option<Source> = None;
    let mut list = false;
    let mut list_kernels = false;
    let mut i = 0;
    let mut only_files = false;
    let explore = args.first().is_some_and(|a| a == "explore");
    let exporting = args.first().is_some_and(|a| a == "export");
    let across = args.first().is_some_and(|a| a == "releases");
    if explore || exporting || across {
        i = 1;
    }
    while i < args.len() {
        let arg = args[i].as_str();
        i += 1;
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") && !only_files => (f, Some(v.to_string())),
            _ => (arg, None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            let v = args.get(i).cloned().ok_or_else(|| format!("{name} needs a value"))?;
            i += 1;
            Ok(v)
        };
        match flag {
            _ if only_files || arg == "-" || !arg.starts_with('-') => {
                let s = if arg == "-" && !only_files {
                    Source::Stdin
                } else {
                    Source::File(arg.to_string())
                };
                if source.is_some() {
                    return Err(format!("only one scenario may be given; `{arg}` is one too many"));
                }
                source = Some(s);
            }
            "--" => only_files = true,
            "-h" | "--help" => return Ok(Action::Help),
            "--list-presets" => list = true,
            "--list-kernels" => list_kernels = true,
            "--order" | "--kernel" if across => {
                return Err(format!(
                    "{flag} does not apply to releases: it runs every kernel and order"
                ));
            }
            "--kernel" if exporting => {
                return Err(
                    "--kernel does not apply to export: its header covers every release".into()
                );
            }
            "--kernel" => {
                let v = value("--kernel")?;
                let k = release::parse_version(&v).ok_or_else(|| {
                    format!(
                        "unknown kernel `{v}`: use one of {} (see --list-kernels)",
                        release::known_versions()
                    )
                })?;
                if kernel.replace(k).is_some() {
                    return Err("--kernel is given twice".into());
                }
            }
            "--order" if exporting => {
                return Err(
                    "--order does not apply to export: its header covers every order".into()
                );
            }
            "--format" if exporting => {
                let v = value("--format")?;
                let f = match v.as_str() {
                    "sh" => Export::Sh,
                    "atf" => Export::Atf,
                    "jail.conf" => Export::JailConf,
                    _ => {
                        return Err(format!(
                            "unknown export format `{v}`: use sh, atf or jail.conf"
                        ));
                    }
                };
                if export.replace(f).is_some() {
                    return Err("--format is given twice".into());
                }
            }
            "--name" if exporting => {
                if name.replace(value("--name")?).is_some() {
                    return Err("--name is given twice".into());
                }
            }
            "--order" => {
                let v = value("--order")?;
                let o = StageOrder::from_slug(&v).ok_or_else(|| {
                    format!("unknown order `{v}`: use legacy, vnet-shutdown or prison-cleanup")
                })?;
                if order.replace(o).is_some() {
                    return Err("--order is given twice".into());
                }
            }
            "--format" => {
                let v = value("--format")?;
                let f = match v.as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    "markdown" | "md" => Format::Markdown,
                    _ => return Err(format!("unknown format `{v}`: use text, json or markdown")),
                };
                if format.replace(f).is_some() {
                    return Err("--format is given twice".into());
                }
            }
            "--preset" => {
                let v = value("--preset")?;
                if source.is_some() {
                    return Err("give either --preset or a FILE, not both".into());
                }
                source = Some(Source::Preset(v));
            }
            _ => return Err(format!("unknown option `{arg}`")),
        }
    }
    if list {
        return Ok(Action::ListPresets);
    }
    if list_kernels {
        return Ok(Action::ListKernels);
    }
    let source = source.ok_or("no scenario: give --preset NAME, a FILE, or `-` for stdin")?;
    if exporting {
        let format = export.ok_or("export needs --format sh, atf or jail.conf")?;
        return Ok(Action::Export { format, name, source });
    }
    if across {
        return Ok(Action::Releases { format: format.unwrap_or(Format::Text), source });
    }
    Ok(Action::Run {
        kernel: kernel.unwrap_or_default(),
        order: order.unwrap_or(StageOrder::Legacy),
        format: format.unwrap_or(Format::Text),
        source,
        explore,
    })
}

/// Reads the scenario text and a label for messages (`FILE`, `<stdin>`, `preset NAME`).
fn read_source(source: &Source) -> Result<(String, String), String> {
    match source {
        Source::Preset(name) => match engine::presets().into_iter().find(|p| p.slug == name) {
            Some(p) => Ok((format!("preset {name}"), p.script.to_string())),
            None => Err(format!("vnet-trace: no preset `{name}`; --list-presets lists them")),
        },
        Source::File(path) => match std::fs::read(path) {
            Ok(b) => Ok((path.clone(), String::from_utf8_lossy(&b).into_owned())),
            Err(e) => Err(format!("vnet-trace: {path}: {e}")),
        },
        Source::Stdin => {
            let mut b = Vec::new();
            match std::io::stdin().read_to_end(&mut b) {
                Ok(_) => Ok(("<stdin>".to_string(), String::from_utf8_lossy(&b).into_owned())),
                Err(e) => Err(format!("vnet-trace: <stdin>: {e}")),
            }
        }
    }
}

/// Parses the script; errors come back as `LABEL:line:column: message`.
fn parse_script(label: &str, text: &str) -> Result<(Scenario, Vec<usize>), String> {
    script::parse_with_lines(text)
        .map_err(|e| format!("{label}:{}:{}: {}", e.line, e.column, e.message))
}

/// An engine build error at the script line of its entry, column 1. An entry index past
/// the last command (an error about the lane itself) is reported at the last command.
fn build_error(label: &str, lines: &[usize], e: &BuildError) -> String {
    let line = lines.get(e.entry).or(lines.last()).copied().unwrap_or(1);
    format!("{label}:{line}:1: {}", e.message)
}

/// `vnet-trace import [FILE | -]`: the scenario a real system's output describes, as a
/// script whose leading comments list what could not be inferred; errors by line.
fn run_import(args: &[String]) -> ExitCode {
    let source = match args {
        [] => Source::Stdin,
        [a] if a == "-" => Source::Stdin,
        [a] if !a.starts_with('-') => Source::File(a.clone()),
        _ => {
            eprintln!("vnet-trace: import takes one FILE or `-`\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let (label, text) = match read_source(&source) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let got = engine::input::import::import(&text);
    for e in &got.errors {
        eprintln!("{label}:{}: {}", e.line, e.message);
    }
    if !got.errors.is_empty() {
        return ExitCode::from(2);
    }
    let mut out = String::new();
    if let Some(k) = got.kernel {
        out.push_str(&format!(
            "# The host runs {}: trace it with --kernel {}.\n",
            release::of(k).name,
            k.slug()
        ));
    }
    out.push_str("# Imported by vnet-trace. What could not be inferred:\n");
    for n in &got.notes {
        out.push_str(&format!("#   {n}\n"));
    }
    if got.notes.is_empty() {
        out.push_str("#   nothing\n");
    }
    out.push_str(&script::print(&got.scenario));
    emit(&out);
    ExitCode::SUCCESS
}

/// Writes `out` to standard output. A reader that went away (`vnet-trace … | head`) ends
/// the program quietly with success, as a pipeline expects; any other write error ends it
/// with status 2 and says why.
fn emit(out: &str) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("vnet-trace: cannot write the output: {e}");
        std::process::exit(2);
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "import") {
        return run_import(&args[1..]);
    }
    let action = match parse_args(&args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("vnet-trace: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let (kernel, order, format, source, explore) = match action {
        Action::Help => {
            emit(&format!("{USAGE}\n"));
            return ExitCode::SUCCESS;
        }
        Action::ListPresets => {
            let mut out = String::new();
            for p in engine::presets() {
                out.push_str(&format!("{:<24} {}\n", p.slug, p.title));
            }
            emit(&out);
            return ExitCode::SUCCESS;
        }
        Action::ListKernels => {
            let mut out = String::new();
            for r in &release::RELEASES {
                out.push_str(&format!(
                    "{:<6} {:<22} {}\n",
                    r.kernel.slug(),
                    r.name,
                    r.versions.join(", ")
                ));
                report::wrap(r.evidence, 7, &mut out);
            }
            emit(&out);
            return ExitCode::SUCCESS;
        }
        Action::Releases { format, source } => return run_releases(format, &source),
        Action::Run { kernel, order, format, source, explore } => {
            (kernel, order, format, source, explore)
        }
        Action::Export { format, name, source } => return run_export(format, name, &source),
    };
    let lane = Lane::new(order).on(kernel);
    if explore {
        return run_explore(&lane, format, &source);
    }
    let result = read_source(&source).and_then(|(label, text)| {
        let (scenario, lines) = parse_script(&label, &text)?;
        engine::simulate(&scenario, &lane).map_err(|e| build_error(&label, &lines, &e))
    });
    let trace = match result {
        Ok(t) => t,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let out = match format {
        Format::Text => render::text(&trace),
        Format::Markdown => render::markdown(&trace),
        Format::Json => render::json(&trace) + "\n",
    };
    emit(&out);
    if trace.outcome == Outcome::Clean { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

/// The scenario a source holds, or None after printing why it could not be read.
fn scenario_of(source: &Source) -> Option<Scenario> {
    match read_source(source).and_then(|(label, text)| parse_script(&label, &text)) {
        Ok((s, _)) => Some(s),
        Err(msg) => {
            eprintln!("{msg}");
            None
        }
    }
}

/// `vnet-trace export`: the scenario for a real host; exit 0, or 2 on bad input.
fn run_export(format: Export, name: Option<String>, source: &Source) -> ExitCode {
    let Some(scenario) = scenario_of(source) else { return ExitCode::from(2) };
    let out = match format {
        Export::Sh => reproduce::sh(&scenario),
        Export::JailConf => reproduce::jail_conf(&scenario),
        Export::Atf => {
            let name = name.unwrap_or_else(|| match source {
                Source::Preset(p) => p.clone(),
                Source::File(f) => std::path::Path::new(f)
                    .file_stem()
                    .map_or("reproduce".into(), |s| s.to_string_lossy().into_owned()),
                Source::Stdin => "reproduce".into(),
            });
            reproduce::atf(&scenario, &name)
        }
    };
    emit(&out);
    ExitCode::SUCCESS
}

/// `vnet-trace explore`: exit 0 when the base lane is clean, 1 when it fails, 2 on bad input.
fn run_explore(lane: &Lane, format: Format, source: &Source) -> ExitCode {
    let result = read_source(source).and_then(|(label, text)| {
        let (scenario, lines) = parse_script(&label, &text)?;
        report::report(&scenario, lane).map_err(|e| build_error(&label, &lines, &e))
    });
    let rep = match result {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let out = match format {
        Format::Text => report::text(&rep),
        Format::Markdown => report::markdown(&rep),
        Format::Json => report::json(&rep) + "\n",
    };
    emit(&out);
    if rep.result.base.as_ref().is_some_and(|c| c.is_clean()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `vnet-trace releases`: exit 0 when every release is clean under every order, 1 when
/// any cell fails or cannot build, 2 on bad input.
fn run_releases(format: Format, source: &Source) -> ExitCode {
    let Some(scenario) = scenario_of(source) else { return ExitCode::from(2) };
    let a = releases::across(&scenario, &[]);
    let out = match format {
        Format::Text => releases::text(&a),
        Format::Markdown => releases::markdown(&a),
        Format::Json => releases::json(&a) + "\n",
    };
    emit(&out);
    let all_clean =
        a.rows.iter().all(|r| r.cells.iter().all(|(_, c)| c.as_ref().is_ok_and(|c| c.is_clean())));
    if all_clean { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn arguments() {
        assert_eq!(
            parse_args(&args("--order=vnet-shutdown --format json seed.sh")),
            Ok(Action::Run {
                kernel: Kernel::Main,
                order: StageOrder::VnetShutdown,
                format: Format::Json,
                source: Source::File("seed.sh".into()),
                explore: false,
            })
        );
        assert_eq!(
            parse_args(&args("-")),
            Ok(Action::Run {
                kernel: Kernel::Main,
                order: StageOrder::Legacy,
                format: Format::Text,
                source: Source::Stdin,
                explore: false,
            })
        );
        assert_eq!(parse_args(&args("--list-presets")), Ok(Action::ListPresets));
        assert_eq!(parse_args(&args("--help")), Ok(Action::Help));
        assert!(parse_args(&args("--order nope x")).is_err());
        assert!(parse_args(&args("--preset a b")).is_err());
        assert!(parse_args(&args("--format")).is_err());
        assert!(parse_args(&args("")).is_err());
        assert!(parse_args(&args("--bogus x")).is_err());
        assert_eq!(
            parse_args(&args("-- --weird")),
            Ok(Action::Run {
                kernel: Kernel::Main,
                order: StageOrder::Legacy,
                format: Format::Text,
                source: Source::File("--weird".into()),
                explore: false,
            })
        );
        assert_eq!(
            parse_args(&args("explore --preset seed-gif-route-cache")),
            Ok(Action::Run {
                kernel: Kernel::Main,
                order: StageOrder::Legacy,
                format: Format::Text,
                source: Source::Preset("seed-gif-route-cache".into()),
                explore: true,
            })
        );
    }

    #[test]
    fn kernel_and_releases_arguments() {
        assert_eq!(
            parse_args(&args("--kernel 14.2 --preset seed-gif-route-cache")),
            Ok(Action::Run {
                kernel: Kernel::R14,
                order: StageOrder::Legacy,
                format: Format::Text,
                source: Source::Preset("seed-gif-route-cache".into()),
                explore: false,
            })
        );
        assert!(parse_args(&args("--kernel 12.4 -")).is_err());
        assert!(parse_args(&args("--kernel 13.0 --kernel 14.1 -")).is_err());
        assert_eq!(
            parse_args(&args("releases --format md -")),
            Ok(Action::Releases { format: Format::Markdown, source: Source::Stdin })
        );
        assert!(parse_args(&args("releases --kernel 13.0 -")).is_err());
        assert!(parse_args(&args("export --format sh --kernel 13.0 -")).is_err());
        assert_eq!(parse_args(&args("--list-kernels")), Ok(Action::ListKernels));
    }

    #[test]
    fn export_arguments() {
        assert_eq!(
            parse_args(&args("export --format atf --name t1 --preset seed-gif-route-cache")),
            Ok(Action::Export {
                format: Export::Atf,
                name: Some("t1".into()),
                source: Source::Preset("seed-gif-route-cache".into()),
            })
        );
        assert_eq!(
            parse_args(&args("export --format=jail.conf -")),
            Ok(Action::Export { format: Export::JailConf, name: None, source: Source::Stdin })
        );
        assert!(parse_args(&args("export -")).is_err());
        assert!(parse_args(&args("export --format json -")).is_err());
        assert!(parse_args(&args("export --format sh --order legacy -")).is_err());
        assert!(parse_args(&args("--name x -")).is_err());
    }

    #[test]
    fn build_errors_map_to_the_entry_line() {
        let e = BuildError { entry: 1, message: "m".into(), internal: false };
        assert_eq!(build_error("f", &[2, 5], &e), "f:5:1: m");
        let past = BuildError { entry: 9, message: "m".into(), internal: false };
        assert_eq!(build_error("f", &[2, 5], &past), "f:5:1: m");
        assert_eq!(build_error("f", &[], &past), "f:1:1: m");
    }
}
