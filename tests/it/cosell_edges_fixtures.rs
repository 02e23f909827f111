//! `cosell_edges` compared with the independent pandas reference
//! (`tests/fixtures/reference_cosell.py`; regenerate with
//! `bash tests/fixtures/regenerate.sh`): every tie and its three weights (revenue within
//! 1e-12 relative) on the demo, the committed generated ecosystem, the overlap edge
//! cases and the four classic networks; and the table agrees with partner_metrics.

use std::path::PathBuf;

use crate::common::*;
use crate::overlap_fixtures::{compare, read};
use arrow::array::{Array, Int64Array, StringArray};
use ecograph::config::Settings;
use ecograph::metrics::cosell_edges::{edge_chunk, edges};
use ecograph::validate::load_and_validate;

fn cases() -> Vec<(&'static str, PathBuf, PathBuf)> {
    let f = repo().join("tests/fixtures");
    let mut v = vec![
        ("demo", demo(), f.join("demo/expected")),
        (
            "generated",
            f.join("generated"),
            f.join("generated/expected"),
        ),
        (
            "edge",
            f.join("overlap/edge"),
            f.join("overlap/edge/expected"),
        ),
    ];
    for name in ["karate", "florentine", "davis", "lesmis"] {
        v.push((name, classic(name), classic(name).join("expected")));
    }
    v
}

#[test]
fn every_tie_and_weight_matches_the_reference() {
    for (name, input, expected) in cases() {
        let out = analyzed(&input);
        let got = read(&out, "cosell_edges");
        compare(name, &got, &expected.join("cosell_edges.csv"), &[]);
    }
}

/// Each partner's shared_deals over its ties is its cosell_strength, and its ties are its
/// cosell_degree; the rows are the summary's co-sell edge count.
#[test]
fn ties_add_up_to_the_partner_columns() {
    let out = analyzed(&demo());
    let e = read(&out, "cosell_edges");
    let pm = read(&out, "partner_metrics");
    let text = |b: &arrow::record_batch::RecordBatch, c: &str| -> Vec<String> {
        let a: &StringArray = b
            .column_by_name(c)
            .unwrap()
            .as_any()
            .downcast_ref()
            .unwrap();
        (0..a.len()).map(|i| a.value(i).to_string()).collect()
    };
    let int = |b: &arrow::record_batch::RecordBatch, c: &str| -> Vec<i64> {
        let a: &Int64Array = b
            .column_by_name(c)
            .unwrap()
            .as_any()
            .downcast_ref()
            .unwrap();
        a.values().to_vec()
    };
    let ids = text(&pm, "partner_id");
    let (a, b, w) = (
        text(&e, "partner_a"),
        text(&e, "partner_b"),
        int(&e, "shared_deals"),
    );
    let mut strength = std::collections::HashMap::<&str, (i64, i64)>::new();
    for i in 0..a.len() {
        assert!(
            a[i].as_bytes() < b[i].as_bytes(),
            "row {i}: partner_a < partner_b"
        );
        for p in [&a[i], &b[i]] {
            let s = strength.entry(p.as_str()).or_default();
            s.0 += w[i];
            s.1 += 1;
        }
    }
    let (want_s, want_d) = (int(&pm, "cosell_strength"), int(&pm, "cosell_degree"));
    for (i, id) in ids.iter().enumerate() {
        let got = strength.get(id.as_str()).copied().unwrap_or_default();
        assert_eq!(got, (want_s[i], want_d[i]), "partner {id}");
    }
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("ecosystem_summary.json")).unwrap())
            .unwrap();
    assert_eq!(Some(a.len() as u64), s["counts"]["cosell_edges"].as_u64());
}

/// The rows of any cut of the partners into chunks, concatenated, are the whole table:
/// what makes the streamed, windowed writing independent of the thread count.
#[test]
fn any_chunking_gives_the_same_rows() {
    let input = repo().join("tests/fixtures/generated");
    let g =
        ecograph::graph::build(load_and_validate(&input, &Settings::contract(), false).unwrap());
    let all = edges(&g);
    assert!(all.len() > 100);
    let n = g.n_partners();
    for cuts in [vec![0, n], vec![0, 1, n], vec![0, 37, 38, 100, n]] {
        let mut got = ecograph::metrics::cosell_edges::EdgeChunk::default();
        for w in cuts.windows(2) {
            let c = edge_chunk(&g, w[0]..w[1]);
            got.a.extend(c.a);
            got.b.extend(c.b);
            got.shared_deals.extend(c.shared_deals);
            got.shared_won_deals.extend(c.shared_won_deals);
            got.shared_won_revenue.extend(c.shared_won_revenue);
        }
        assert_eq!(got, all, "cuts {cuts:?}");
    }
}
