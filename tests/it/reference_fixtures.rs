//! partner_metrics and the summary compared with an independent NetworkX / pandas
//! implementation (`tests/fixtures/reference.py`; regenerate with
//! `bash tests/fixtures/regenerate.sh`) on the classic networks and the demo dataset.

use std::collections::HashMap;
use std::path::Path;

use crate::common::*;

/// partner_metrics, the summary and the communities of a reference case (see
/// [`reference_case`]); the Florentine families also against Padgett's published Medici
/// betweenness.
fn check_case(name: &str) {
    let (input, expected) = reference_case(name);
    let expected = expected.as_path();
    let out = analyzed(&input);
    let pm = read_parquet(&out.join("partner_metrics.parquet"));
    let (header, rows) = csv_rows(&expected.join("partner_metrics.csv"));
    assert_eq!(pm.num_rows(), rows.len(), "{name}: row count");
    let ids = strings(&pm, "partner_id");
    for column in header {
        for (i, exp) in rows.iter().enumerate() {
            let want = &exp[&column];
            assert_eq!(
                ids[i].as_deref(),
                Some(exp["partner_id"].as_str()),
                "{name}: partner order"
            );
            let got: Option<f64> = match pm.column_by_name(&column).unwrap().data_type() {
                arrow::datatypes::DataType::Utf8 => {
                    assert_eq!(strings(&pm, &column)[i].as_deref(), Some(want.as_str()));
                    continue;
                }
                arrow::datatypes::DataType::Int64 => Some(ints(&pm, &column)[i] as f64),
                _ => floats(&pm, &column)[i],
            };
            match (got, want.as_str()) {
                (None, "") => {}
                (Some(g), w) if !w.is_empty() => {
                    let w: f64 = w.parse().unwrap();
                    assert!(
                        close(g, w, 1e-9),
                        "{name}: {column} of {}: got {g}, reference {w}",
                        exp["partner_id"]
                    );
                }
                (g, w) => panic!(
                    "{name}: {column} of {}: got {g:?}, reference {w:?}",
                    exp["partner_id"]
                ),
            }
        }
    }
    let summary = summary(&out);
    let reference = read_json(&expected.join("summary.json"));
    for section in ["counts", "network", "revenue", "partner_lift"] {
        for (key, want) in reference[section].as_object().unwrap() {
            if key == "louvain_modularity_networkx" {
                continue; // a floor, checked in check_communities
            }
            let got = &summary[section][key];
            match (got.as_f64(), want.as_f64()) {
                (Some(g), Some(w)) => assert!(
                    close(g, w, 1e-9),
                    "{name}: {section}.{key}: got {g}, reference {w}"
                ),
                _ => assert_eq!(got, want, "{name}: {section}.{key}"),
            }
        }
    }
    check_communities(name, &out, expected, &summary, &reference);
    let total = summary["revenue"]["total_won_revenue"].as_f64().unwrap();
    assert!(
        close(
            total,
            reference["total_won_revenue"].as_f64().unwrap(),
            1e-12
        ),
        "{name}: total won revenue"
    );
    if name == "florentine" {
        medici_betweenness();
    }
}

/// Communities: the reported modularity is the modularity of the `community` column on
/// the reference's co-sell edges (recomputed here, independently of ecograph), at least
/// NetworkX's Louvain modularity on the same input; the `communities` table agrees.
fn check_communities(
    name: &str,
    out: &Path,
    expected: &Path,
    summary: &serde_json::Value,
    reference: &serde_json::Value,
) {
    let pm = read_parquet(&out.join("partner_metrics.parquet"));
    let ids = strings(&pm, "partner_id");
    let label: HashMap<String, i64> = ids
        .iter()
        .zip(ints(&pm, "community"))
        .map(|(id, c)| (id.clone().unwrap(), c))
        .collect();
    let mut r = csv::Reader::from_path(expected.join("cosell_edges.csv")).unwrap();
    let (mut m, mut inside) = (0.0f64, HashMap::<i64, f64>::new());
    let mut degree = HashMap::<i64, f64>::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let (ca, cb) = (label[&rec[0]], label[&rec[1]]);
        let w: f64 = rec[2].parse().unwrap();
        m += w;
        *degree.entry(ca).or_default() += w;
        *degree.entry(cb).or_default() += w;
        if ca == cb {
            *inside.entry(ca).or_default() += w;
        }
    }
    let got = summary["network"]["modularity"].as_f64();
    let floor = reference["network"]["louvain_modularity_networkx"].as_f64();
    match floor {
        None => assert_eq!(got, None, "{name}: modularity without edges"),
        Some(floor) => {
            let q: f64 = degree
                .iter()
                .map(|(c, d)| inside.get(c).unwrap_or(&0.0) / m - (d / (2.0 * m)).powi(2))
                .sum();
            let got = got.expect("modularity");
            assert!(
                close(got, q, 1e-12),
                "{name}: modularity {got} vs recomputed {q}"
            );
            assert!(
                got >= floor - 1e-12,
                "{name}: modularity {got} below NetworkX Louvain's {floor}"
            );
            eprintln!("{name}: modularity {got:.6} (NetworkX Louvain {floor:.6})");
        }
    }
    let table = read_parquet(&out.join("communities.parquet"));
    let sizes = ints(&table, "size");
    let mut count = HashMap::<i64, i64>::new();
    for c in label.values() {
        *count.entry(*c).or_default() += 1;
    }
    assert_eq!(sizes.len(), count.len(), "{name}: one row per community");
    for (c, size) in ints(&table, "community").iter().zip(&sizes) {
        assert_eq!(count[c], *size, "{name}: size of community {c}");
    }
}

reference_case_tests!(check_case);

/// Padgett's families: Medici betweenness is 0.522 on the 15 connected families
/// (normalised by 14·13/2). The input also has the isolated Pucci, so n = 16 and the
/// same path counts are normalised by 15·14/2: 0.522 · 91/105.
fn medici_betweenness() {
    let pm = read_parquet(&analyzed(&classic("florentine")).join("partner_metrics.parquet"));
    let ids = strings(&pm, "partner_id");
    let medici = ids
        .iter()
        .position(|s| s.as_deref() == Some("Medici"))
        .unwrap();
    let b = floats(&pm, "betweenness")[medici].unwrap();
    assert!(
        (b * 105.0 / 91.0 - 0.5219).abs() < 1e-3,
        "Medici betweenness {b}"
    );
}
