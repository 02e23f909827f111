//! End to end on the shipped demo: every output exists with the contract's columns and
//! types, revenue adds up, shares are in range, results are byte-identical for any
//! thread count, and Parquet / Arrow inputs give the same results as CSV.

use std::collections::HashSet;

use crate::common::*;
use arrow::datatypes::DataType;

/// partner_metrics' columns in output order, written out rather than taken from
/// `ecograph::schema::out`, so that renaming, dropping or moving one fails here.
const PARTNER_METRICS_COLUMNS: [&str; 34] = [
    "partner_id",
    "name",
    "partner_type",
    "tier",
    "region",
    "deals",
    "won_deals",
    "win_rate",
    "sourced_revenue",
    "influenced_revenue",
    "attributed_revenue",
    "customers",
    "products",
    "cosell_degree",
    "cosell_strength",
    "pagerank",
    "betweenness",
    "closeness",
    "harmonic",
    "clustering",
    "core_number",
    "constraint",
    "effective_size",
    "community",
    "component",
    "component_size",
    "max_customer_overlap",
    "overlapping_partners",
    "unique_customers",
    "conflicts",
    "potential_influence",
    "reach_loss",
    "revenue_at_risk",
    "customer_hhi",
];

fn type_of(column: &str) -> DataType {
    match column {
        "partner_id" | "name" | "partner_type" | "tier" | "region" => DataType::Utf8,
        "win_rate"
        | "sourced_revenue"
        | "influenced_revenue"
        | "attributed_revenue"
        | "pagerank"
        | "betweenness"
        | "closeness"
        | "harmonic"
        | "clustering"
        | "constraint"
        | "effective_size"
        | "max_customer_overlap"
        | "potential_influence"
        | "reach_loss"
        | "revenue_at_risk"
        | "customer_hhi" => DataType::Float64,
        _ => DataType::Int64,
    }
}

#[test]
fn outputs_have_the_contract_columns_and_types() {
    let out = analyzed(&demo());
    assert_eq!(
        names(&out),
        vec![
            ".ecograph-output",
            "attribution.parquet",
            "channel_conflicts.parquet",
            "communities.parquet",
            "cosell_edges.parquet",
            "diversification.parquet",
            "ecosystem_summary.json",
            "network_growth.parquet",
            "overlap_by_type.parquet",
            "overlap_pairs.parquet",
            "partner_metrics.parquet",
            "resilience.parquet",
            "tier_fit.parquet",
        ]
    );
    let pm = read_parquet(&out.join("partner_metrics.parquet"));
    assert_eq!(column_names(&pm), PARTNER_METRICS_COLUMNS);
    for f in pm.schema().fields() {
        assert_eq!(f.data_type(), &type_of(f.name()), "type of {}", f.name());
    }
    assert!(pm.num_rows() >= 200, "demo has a few hundred partners");
    let summary = summary(&out);
    for key in [
        "schema_version",
        "ecograph_version",
        "counts",
        "network",
        "revenue",
        "partner_lift",
        "parameters",
        "inputs",
        "timings_s",
    ] {
        assert!(summary.get(key).is_some(), "summary lacks {key}");
    }
    for (section, key) in [
        ("revenue", "partner_revenue_share"),
        ("revenue", "cosell_rate"),
        ("network", "lcc_fraction"),
        ("network", "density"),
        ("network", "average_clustering"),
        ("network", "modularity"),
    ] {
        let v = summary[section][key]
            .as_f64()
            .unwrap_or_else(|| panic!("{section}.{key} is null"));
        assert!((0.0..=1.0).contains(&v), "{section}.{key} = {v}");
    }
    assert!(summary["revenue"]["cosell_lift"].as_f64().unwrap() > 0.0);
    assert_eq!(summary["betweenness"]["mode"], "exact");
    let communities = read_parquet(&out.join("communities.parquet"));
    assert_eq!(
        column_names(&communities),
        [
            "community",
            "size",
            "top_partners",
            "dominant_partner_type",
            "dominant_type_share",
        ]
    );
    let sizes: i64 = ints(&communities, "size").iter().sum();
    assert_eq!(
        sizes as usize,
        pm.num_rows(),
        "every partner in one community"
    );
    assert_eq!(
        summary["inputs"].as_object().unwrap().len(),
        6,
        "a checksum per input file"
    );
    // Run metadata in the Parquet key-value metadata.
    let v = parquet_run_metadata(&out.join("partner_metrics.parquet"));
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["parameters"]["metrics"]["pagerank"]["damping"], 0.85);
    assert_eq!(v["betweenness"]["mode"], "exact");
    assert_eq!(v["parameters"]["metrics"]["betweenness"]["seed"], 42);
}

/// Won revenue of deals with at least one partner, straight from the demo CSV files.
fn partner_won_revenue() -> f64 {
    let mut with_partner = HashSet::new();
    let mut r = csv::Reader::from_path(demo().join("deal_partners.csv")).unwrap();
    for rec in r.records() {
        with_partner.insert(rec.unwrap()[0].to_string());
    }
    let mut r = csv::Reader::from_path(demo().join("deals.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let (id, amount, stage) = (
        0,
        h.iter().position(|c| c == "amount").unwrap(),
        h.iter().position(|c| c == "stage").unwrap(),
    );
    let mut total = 0.0;
    for rec in r.records() {
        let rec = rec.unwrap();
        let won = rec[stage].is_empty() || &rec[stage] == "won";
        if won && with_partner.contains(&rec[id]) {
            total += rec[amount].parse::<f64>().unwrap_or(0.0);
        }
    }
    total
}

#[test]
fn attributed_revenue_adds_up_to_partner_won_revenue() {
    let out = analyzed(&demo());
    let pm = read_parquet(&out.join("partner_metrics.parquet"));
    let sum: f64 = floats(&pm, "attributed_revenue")
        .iter()
        .map(|v| v.unwrap())
        .sum();
    let want = partner_won_revenue();
    assert!(want > 0.0);
    assert!(
        (sum - want).abs() <= 1e-9 * want,
        "sum attributed {sum} != partner won revenue {want}"
    );
}

#[test]
fn thread_count_does_not_change_a_byte() {
    let tmp = tempfile::tempdir().unwrap();
    for format in ["parquet", "arrow", "csv"] {
        let run = |t: &str| {
            let out = analyze_into(
                &demo(),
                &tmp.path().join(format!("{format}-{t}")),
                &["--threads", t, "--format", format],
            );
            std::fs::read(out.join(format!("partner_metrics.{format}"))).unwrap()
        };
        assert!(
            run("1") == run("2"),
            "{format} output differs between 1 and 2 threads"
        );
    }
}

/// Converts the demo's CSV tables into typed Parquet and Arrow files with polars and
/// checks that analyzing them gives the same partner_metrics.
#[test]
fn parquet_and_arrow_inputs_match_csv() {
    use polars::prelude::{
        self as pl, CsvReadOptions, IpcWriter, ParquetWriter, SerReader, SerWriter,
    };
    let tmp = tempfile::tempdir().unwrap();
    let reference = read_parquet(&analyzed(&demo()).join("partner_metrics.parquet"));
    for (k, ext) in ["parquet", "arrow"].iter().enumerate() {
        let dir = tmp.path().join(format!("in-{ext}"));
        std::fs::create_dir_all(&dir).unwrap();
        for table in table_names() {
            let mut df = CsvReadOptions::default()
                .with_infer_schema_length(Some(0))
                .try_into_reader_with_file_path(Some(demo().join(format!("{table}.csv"))))
                .unwrap()
                .finish()
                .unwrap();
            if table == "deals" {
                // Typed columns, as a data pipeline would write them.
                for (name, to) in [
                    ("amount", pl::DataType::Float64),
                    ("created_at", pl::DataType::Date),
                    ("closed_at", pl::DataType::Date),
                ] {
                    // Strict: a value that does not convert is an error, not a null.
                    let typed = df.column(name).unwrap().strict_cast(&to).unwrap();
                    df.with_column(typed).unwrap();
                }
            }
            let mut f = std::fs::File::create(dir.join(format!("{table}.{ext}"))).unwrap();
            if k == 0 {
                ParquetWriter::new(&mut f).finish(&mut df).unwrap();
            } else {
                IpcWriter::new(&mut f).finish(&mut df).unwrap();
            }
        }
        let out = analyze(&dir, &tmp.path().join(format!("o-{ext}")), &[]);
        let got = read_parquet(&out.join("partner_metrics.parquet"));
        assert_eq!(got, reference, "{ext} input differs from CSV input");
    }
}

#[test]
fn switched_off_measures_are_null_columns_and_cost_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = analyze(
        &demo(),
        tmp.path(),
        &["--metrics", "-betweenness,-community"],
    );
    let pm = read_parquet(&out.join("partner_metrics.parquet"));
    assert_eq!(
        column_names(&pm),
        PARTNER_METRICS_COLUMNS,
        "same schema with measures off"
    );
    assert_eq!(
        pm.column_by_name("betweenness").unwrap().null_count(),
        pm.num_rows()
    );
    assert_eq!(
        pm.column_by_name("community").unwrap().null_count(),
        pm.num_rows()
    );
    assert_eq!(pm.column_by_name("closeness").unwrap().null_count(), 0);
    assert!(!out.join("communities.parquet").exists());
    let summary = summary(&out);
    assert!(summary["betweenness"].is_null());
    assert!(summary["network"]["modularity"].is_null());
    assert!(
        summary["timings_s"].get("betweenness").is_none(),
        "not computed at all"
    );
    assert_eq!(
        summary["parameters"]["result"]["metrics"]["centrality"],
        serde_json::json!([
            "closeness",
            "harmonic",
            "clustering",
            "core_number",
            "constraint",
            "effective_size"
        ])
    );
    // A typo is a usage error (exit code 2), naming the choices.
    let bad = run_analyze(&demo(), &tmp.path().join("x"), &["--metrics", "betweeness"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("unknown measure 'betweeness'"));
}

#[test]
fn sampled_betweenness_is_within_its_epsilon_of_exact() {
    let tmp = tempfile::tempdir().unwrap();
    let exact = analyze(
        &demo(),
        &tmp.path().join("exact"),
        &["--metrics", "betweenness"],
    );
    let sampled = analyze(
        &demo(),
        &tmp.path().join("sampled"),
        &[
            "--metrics",
            "betweenness",
            "--betweenness-exact-limit",
            "10",
            "--betweenness-epsilon",
            "0.02",
            "--seed",
            "3",
        ],
    );
    let read = |dir: &std::path::Path| {
        floats(
            &read_parquet(&dir.join("partner_metrics.parquet")),
            "betweenness",
        )
    };
    let (a, b) = (read(&exact), read(&sampled));
    let worst = a
        .iter()
        .zip(&b)
        .map(|(x, y)| (x.unwrap() - y.unwrap()).abs())
        .fold(0.0, f64::max);
    assert!(worst <= 0.02, "worst error {worst}");
    assert!(worst > 0.0, "sampling must not be exact by accident");
    let summary = summary(&sampled);
    assert_eq!(summary["betweenness"]["mode"], "sampled");
    assert_eq!(summary["betweenness"]["epsilon"], 0.02);
    assert_eq!(summary["betweenness"]["seed"], 3);
    assert!(summary["betweenness"]["samples"].as_u64().unwrap() > 1000);
}

#[test]
fn sampled_closeness_is_within_its_bounds_and_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let only = ["--metrics", "closeness,harmonic"];
    let exact = analyze(&demo(), &tmp.path().join("exact"), &only);
    let mut flags = only.to_vec();
    flags.extend([
        "--closeness-exact-limit",
        "10",
        "--closeness-epsilon",
        "0.3",
    ]);
    let sampled = analyze(&demo(), &tmp.path().join("sampled"), &flags);
    let s = summary(&sampled);
    let mode = &s["closeness"];
    assert_eq!(mode["mode"], "sampled", "{mode}");
    assert_eq!(mode["epsilon"], 0.3);
    assert_eq!(mode["seed"], 42);
    assert!(mode["sampled_components"].as_u64().unwrap() >= 1);
    assert_eq!(summary(&exact)["closeness"]["mode"], "exact");
    let meta = parquet_run_metadata(&sampled.join("partner_metrics.parquet"));
    assert_eq!(&meta["closeness"], mode, "the tables say it too");
    let rel = mode["closeness_relative_error_bound"].as_f64().unwrap();
    let hb = mode["harmonic_error_bound"].as_f64().unwrap();
    let read = |dir: &std::path::Path, col: &str| {
        floats(&read_parquet(&dir.join("partner_metrics.parquet")), col)
    };
    let (c0, c) = (read(&exact, "closeness"), read(&sampled, "closeness"));
    let (h0, h) = (read(&exact, "harmonic"), read(&sampled, "harmonic"));
    let mut differs = false;
    for i in 0..c0.len() {
        let (x0, x) = (c0[i].unwrap(), c[i].unwrap());
        if x0 > 0.0 {
            assert!((x - x0).abs() / x0 <= rel, "row {i}: {x} vs exact {x0}");
        }
        assert!((h[i].unwrap() - h0[i].unwrap()).abs() <= hb);
        differs |= x != x0;
    }
    assert!(differs, "sampling must not be exact by accident");
}
