//! Every preset's outcome under all three stage orders equals what the docs predict.
use crate::common;

use vnet_playground::engine::input::script::parse;
use vnet_playground::engine::presets::presets;
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
