//! Every preset's outcome under all three stage orders equals what the docs predict.
mod common;

use vnet_playground::engine::presets::presets;
use vnet_playground::engine::script::parse;
use vnet_playground::engine::*;

#[test]
fn every_preset_matches_its_expectation() {
    let mut bad = Vec::new();
    for p in presets() {
        let sc = parse(p.script).unwrap_or_else(|e| panic!("{}: {e:?}", p.slug));
        for (order, want) in &p.expect {
            let t = simulate(&sc, &Lane::new(*order)).unwrap_or_else(|e| panic!("{}: {e}", p.slug));
            if t.outcome != *want {
                bad.push(format!(
                    "{} {}: got {} want {}",
                    p.slug,
                    order.slug(),
                    t.outcome.name(),
                    want.name()
                ));
                if std::env::var("DUMP").is_ok() {
                    eprintln!("{}", common::dump(&t));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
#[ignore]
fn dump_preset() {
    let slug = std::env::var("PRESET").unwrap_or("seed-gif-route-cache".into());
    let order =
        StageOrder::from_slug(&std::env::var("ORDER").unwrap_or("legacy".into())).expect("order");
    let p = vnet_playground::engine::presets::preset(&slug).expect("preset");
    let t = simulate(&parse(p.script).expect("parse"), &Lane::new(order)).expect("sim");
    println!("{}", common::dump(&t));
}
