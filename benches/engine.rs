//! Criterion benchmarks of the engine: the seed (full trace and verdict only) and
//! generated scenarios of about 100, 1,000 and 10,000 objects (many vnet jails, each with
//! a loaned epair end, a gif tunnel with an address and a route), and the order explorer
//! on the seed ("explore/seed"), printed as simulated orders per second.
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use vnet_playground::engine::presets::SEED;
use vnet_playground::engine::script::parse;
use vnet_playground::engine::*;

/// About 22 objects per jail (prison, vnet, ribs, lo0, epair pair, gif, addresses,
/// routes, nexthops, cache, subscription).
fn generated(jails: usize) -> Scenario {
    let mut s = String::from("options ROUTE_CACHE\n");
    for j in 0..jails {
        let (a, b) = (j / 250, j % 250);
        s.push_str(&format!(
            "jail -c name=j{j} vnet persist\nifconfig epair{j} create\nifconfig epair{j}b vnet j{j}\n\
             jexec j{j} ifconfig epair{j}b inet 10.{a}.{b}.1/24\njexec j{j} ifconfig gif0 create\n\
             jexec j{j} ifconfig gif0 tunnel 10.{a}.{b}.1 10.{a}.{b}.2\n\
             jexec j{j} ifconfig gif0 inet 172.16.0.1/30 172.16.0.2\n\
             jexec j{j} route add -net 192.168.0.0/16 172.16.0.2\n"
        ));
    }
    for j in 0..jails {
        s.push_str(&format!("jail -r j{j}\n"));
    }
    parse(&s).expect("generated scenario parses")
}

/// The whole explorer run on the seed under legacy; also prints orders per second.
fn bench_explore(c: &mut Criterion) {
    let seed = parse(SEED).expect("seed");
    let lane = Lane::new(StageOrder::Legacy);
    let sims = explore::explore(&seed, &lane).expect("explores").simulations;
    let t = std::time::Instant::now();
    let runs = 5;
    for _ in 0..runs {
        black_box(explore::explore(black_box(&seed), &lane).map(|r| r.simulations).ok());
    }
    let per_sec = (sims * runs) as f64 / t.elapsed().as_secs_f64();
    eprintln!("explore/seed: {sims} simulations per run, {per_sec:.0} simulated orders/s");
    c.bench_function("explore/seed", |b| b.iter(|| explore::explore(black_box(&seed), &lane)));
}

fn bench(c: &mut Criterion) {
    let seed = parse(SEED).expect("seed");
    let shutdown = Lane::new(StageOrder::VnetShutdown);
    c.bench_function("seed simulate vnet-shutdown", |b| {
        b.iter(|| simulate(black_box(&seed), &shutdown))
    });
    c.bench_function("seed verdict legacy", |b| {
        b.iter(|| verdict(black_box(&seed), &Lane::new(StageOrder::Legacy)))
    });
    for (label, jails) in [("100", 5), ("1000", 45), ("10000", 450)] {
        let sc = generated(jails);
        let n = simulate(&sc, &shutdown).expect("builds").objects.len();
        eprintln!("{label}: {jails} jails, {n} objects");
        c.bench_function(&format!("simulate ~{label} objects vnet-shutdown"), |b| {
            b.iter(|| simulate(black_box(&sc), &shutdown))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench, bench_explore
}
criterion_main!(benches);
