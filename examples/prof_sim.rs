//! Profiling and regression driver (not part of the product).
//!
//! - `prof_sim N REPS [noseed]`: simulate the bench's generated scenario with N jails REPS
//!   times, then time seed verdicts and simulations (skipped with `noseed`).
//! - `prof_sim 1 0 K`: K seed verdicts only (for `valgrind --tool=callgrind`).
//! - `prof_sim golden`: every preset, every tests/scenarios/*.vnet and a 12-jail generated
//!   scenario under all orders, as JSON; diff two builds' output to prove traces unchanged.
// A native-only profiling driver: wall-clock timing is its purpose (the lint guards wasm code).
#![allow(clippy::disallowed_methods)]
use std::time::Instant;
use vnet_playground::engine::input::script::parse;
use vnet_playground::engine::presets::SEED;
use vnet_playground::engine::*;

fn generated(jails: usize) -> Scenario {
    parse(&vnet_playground::engine::presets::scale_script(jails)).expect("parses")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("golden") {
        // Every preset, snapshot scenario and a generated scenario, all orders, as JSON.
        let mut scripts: Vec<(String, String)> = vnet_playground::engine::presets::presets()
            .into_iter()
            .map(|p| (p.slug.to_string(), p.script.to_string()))
            .collect();
        for e in std::fs::read_dir("tests/scenarios").expect("dir") {
            let path = e.expect("entry").path();
            if path.extension().is_some_and(|x| x == "vnet") {
                scripts.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).expect("read"),
                ));
            }
        }
        let mut out = String::new();
        for (name, text) in scripts {
            let sc = parse(&text).expect("parse");
            for order in StageOrder::ALL {
                let t = simulate(&sc, &Lane::new(order));
                out.push_str(&format!(
                    "== {name} {}\n{}\n",
                    order.slug(),
                    serde_json::to_string(&t.map_err(|e| e.to_string())).expect("json")
                ));
            }
        }
        let sc = generated(12);
        for order in StageOrder::ALL {
            let t = simulate(&sc, &Lane::new(order));
            out.push_str(&format!(
                "== gen12 {}\n{}\n",
                order.slug(),
                serde_json::to_string(&t.map_err(|e| e.to_string())).expect("json")
            ));
        }
        print!("{out}");
        return;
    }
    let jails: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(450);
    let reps: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(3);
    let sc = generated(jails);
    if reps == 0 {
        // Seed only: verdicts then simulations, for instruction counts.
        let seed = parse(SEED).expect("seed");
        let n: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(1000);
        for _ in 0..n {
            std::hint::black_box(verdict(&seed, &Lane::new(StageOrder::Legacy)).expect("ok"));
        }
        return;
    }
    let lane = Lane::new(StageOrder::VnetShutdown);
    for _ in 0..reps {
        let t = Instant::now();
        let tr = simulate(&sc, &lane).expect("ok");
        eprintln!("{jails} jails, {} objects: simulate {:?}", tr.objects.len(), t.elapsed());
    }
    if args.get(3).map(String::as_str) == Some("noseed") {
        return;
    }
    let seed = parse(SEED).expect("seed");
    let l = Lane::new(StageOrder::Legacy);
    let t = Instant::now();
    let n = 2000;
    for _ in 0..n {
        std::hint::black_box(verdict(&seed, &l).expect("ok"));
    }
    eprintln!("seed verdict: {:.0}/s", n as f64 / t.elapsed().as_secs_f64());
    let t = Instant::now();
    for _ in 0..n / 4 {
        std::hint::black_box(simulate(&seed, &lane).expect("ok"));
    }
    eprintln!("seed simulate: {:?}/run", t.elapsed() / (n as u32 / 4));
}
