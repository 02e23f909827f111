//! The TOML config maps a CRM export's files, columns and words onto the contract: the
//! shipped Salesforce-style example analyzed through `datasets/salesforce.toml` must
//! give exactly what the same data gives in contract form (translated here by hand).

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::*;

/// Rewrites one CSV file: renames columns by `cols` (dropping the others) and maps the
/// words of `words_col` by `words`.
fn translate(
    from: &Path,
    to: &Path,
    cols: &[(&str, &str)],
    words_col: Option<&str>,
    words: &HashMap<&str, &str>,
) {
    let mut r = csv::Reader::from_path(from).unwrap();
    let header = r.headers().unwrap().clone();
    let idx: Vec<usize> = cols
        .iter()
        .map(|(theirs, _)| header.iter().position(|h| h == *theirs).unwrap())
        .collect();
    let mut w = csv::Writer::from_path(to).unwrap();
    w.write_record(cols.iter().map(|(_, ours)| *ours)).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        let row: Vec<String> = cols
            .iter()
            .zip(&idx)
            .map(|((_, ours), &i)| {
                let v = &rec[i];
                if Some(*ours) == words_col && !v.is_empty() {
                    words[v].to_string()
                } else {
                    v.to_string()
                }
            })
            .collect();
        w.write_record(&row).unwrap();
    }
}

#[test]
fn salesforce_export_through_config_equals_contract_form() {
    let tmp = tempfile::tempdir().unwrap();
    let sf = repo().join("datasets/salesforce_example");
    let cfg = repo().join("datasets/salesforce.toml");
    let mapped = analyze(
        &sf,
        &tmp.path().join("a"),
        &["--config", cfg.to_str().unwrap()],
    );

    let contract = tmp.path().join("contract");
    std::fs::create_dir_all(&contract).unwrap();
    let none = HashMap::new();
    translate(
        &sf.join("Partner_Accounts.csv"),
        &contract.join("partners.csv"),
        &[
            ("Account ID", "partner_id"),
            ("Account Name", "name"),
            ("Partner Type", "partner_type"),
            ("Partner Tier", "tier"),
            ("Billing Region", "region"),
            ("Partner Since", "joined_at"),
        ],
        None,
        &none,
    );
    let stages = HashMap::from([
        ("Closed Won", "won"),
        ("Closed Lost", "lost"),
        ("Prospecting", "open"),
        ("Negotiation/Review", "open"),
    ]);
    translate(
        &sf.join("Opportunities.csv"),
        &contract.join("deals.csv"),
        &[
            ("Opportunity ID", "deal_id"),
            ("End Customer Account ID", "customer_id"),
            ("Product Code", "product_id"),
            ("Opportunity Amount", "amount"),
            ("Stage", "stage"),
            ("Created Date", "created_at"),
            ("Close Date", "closed_at"),
            ("Sales Region", "region"),
        ],
        Some("stage"),
        &stages,
    );
    let roles = HashMap::from([
        ("Partner Sourced", "sourced"),
        ("Deal Registration", "sourced"),
        ("Partner Influenced", "influenced"),
        ("Co-Sell", "co_sell"),
        ("Fulfillment", "fulfilled"),
        ("Distributor", "fulfilled"),
        ("Referral Partner", "referral"),
    ]);
    translate(
        &sf.join("Opportunity_Partners.csv"),
        &contract.join("deal_partners.csv"),
        &[
            ("Opportunity ID", "deal_id"),
            ("Partner Account ID", "partner_id"),
            ("Partner Role", "role"),
        ],
        Some("role"),
        &roles,
    );
    let plain = analyze(&contract, &tmp.path().join("b"), &[]);
    let a = read_parquet(&mapped.join("partner_metrics.parquet"));
    let b = read_parquet(&plain.join("partner_metrics.parquet"));
    assert_eq!(a, b);
    assert_eq!(a.num_rows(), 6);
    // Northwind (AAA01) sourced OPP01 alone, OPP02 and OPP10 (listed twice, sourced once).
    let sourced = floats(&a, "sourced_revenue");
    assert_eq!(sourced[0], Some(48000.0 + 125000.5 + 205000.0));
}

#[test]
fn unmapped_crm_words_are_reported_with_a_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("c.toml");
    let text = std::fs::read_to_string(repo().join("datasets/salesforce.toml"))
        .unwrap()
        .replace("\"Prospecting\", ", "");
    std::fs::write(&cfg, text).unwrap();
    let out = tmp.path().join("o");
    let sf = repo().join("datasets/salesforce_example");
    let o = ecograph(&[
        "analyze",
        sf.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    let m = stderr(&o);
    assert!(m.contains("Opportunities.csv, row 9 (line 10), column 'Stage', value \"Prospecting\": unknown deal stage"), "{m}");
    assert!(m.contains("[values.stage]"), "{m}");
}

#[test]
fn config_typos_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("c.toml");
    std::fs::write(&cfg, "[columns.deals]\nammount = \"Amount\"\n").unwrap();
    let o = ecograph(&[
        "validate",
        repo().join("datasets/demo").to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown column 'ammount' in [columns.deals]"),
        "{}",
        stderr(&o)
    );
}
