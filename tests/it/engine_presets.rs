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
            let lane = Lane::new(*order).on(p.kernel);
            let t = simulate(&sc, &lane).unwrap_or_else(|e| panic!("{}: {e}", p.slug));
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

/// A preset that tells a bug's history gives, under legacy, the outcome it names on each
/// release; the across-releases table agrees with the full trace.
#[test]
fn every_preset_history_matches_each_release() {
    let mut bad = Vec::new();
    for p in presets() {
        let sc = parse(p.script).unwrap_or_else(|e| panic!("{}: {e:?}", p.slug));
        let across = explore::releases::across(&sc, &[]);
        for (kernel, want) in p.releases {
            let lane = Lane::new(StageOrder::Legacy).on(*kernel);
            let got = simulate(&sc, &lane).map(|t| t.outcome);
            if got.as_ref() != Ok(want) {
                bad.push(format!(
                    "{} on {}: got {got:?} want {}",
                    p.slug,
                    kernel.slug(),
                    want.name()
                ));
            }
            let cell = across.get(*kernel, StageOrder::Legacy).and_then(|c| c.as_ref().ok());
            assert_eq!(cell.map(|c| c.outcome), got.ok(), "{} on {}", p.slug, kernel.slug());
        }
        if !p.releases.is_empty() {
            assert!(
                p.releases.iter().any(|(k, _)| *k == p.kernel),
                "{}: tells its story on a release it lists",
                p.slug
            );
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}
