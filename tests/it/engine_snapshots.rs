//! Data-driven tests: every tests/scenarios/*.vnet script is simulated under all three
//! orders and compared with tests/scenarios/*.trace. A missing snapshot is written; set
//! UPDATE_SNAPSHOTS=1 to rewrite them; with CI=true a mismatch or missing file fails.
use crate::common;

use std::path::Path;
use vnet_playground::engine::input::script::parse;
use vnet_playground::engine::*;

#[test]
fn scenario_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/scenarios")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "vnet"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut bad = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read");
        let sc = parse(&text).unwrap_or_else(|e| panic!("{}: {e:?}", f.display()));
        let mut out = String::new();
        for order in StageOrder::ALL {
            let t =
                simulate(&sc, &Lane::new(order)).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            out.push_str(&common::dump(&t));
            out.push_str("\n==========\n");
        }
        if let Err(e) = common::snapshot(&f.with_extension("trace"), &out) {
            bad.push(e);
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}
