//! The TOML config maps a CRM export's files, columns and words onto the contract: the
//! shipped Salesforce-style example analyzed through `datasets/salesforce.toml` must
//! give exactly what the same data gives in contract form (translated here by hand).

use std::collections::HashMap;
use std::path::Path;

use crate::common::*;

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
    let o = run_analyze(&sf, &out, &["--config", cfg.to_str().unwrap()]);
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

/// The shipped HubSpot-style export (companies + deals, partners in an association
/// cell, `$1,200.00`, `03/31/2025`, `closed won`, CRM names for types, tiers and
/// countries) through `datasets/hubspot.toml` gives exactly what the same data gives in
/// contract form, translated here by hand.
#[test]
fn hubspot_export_through_config_equals_contract_form() {
    let tmp = tempfile::tempdir().unwrap();
    let hs = repo().join("datasets/hubspot_example");
    let cfg = repo().join("datasets/hubspot.toml");
    let out_hs = tmp.path().join("hs");
    let o = run_analyze(
        &hs,
        &out_hs,
        &["--config", cfg.to_str().unwrap(), "--format", "csv"],
    );
    ok(&o);
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));

    let contract = tmp.path().join("contract");
    std::fs::create_dir_all(&contract).unwrap();
    std::fs::write(
        contract.join("partners.csv"),
        "partner_id,name,partner_type,tier,region,joined_at\n\
9001,\"Northwind Traders, Inc.\",reseller,gold,NA,2023-01-15\n\
9002,Contoso Consulting,system_integrator,platinum,EMEA,2022-06-01\n\
9003,Fabrikam Cloud,technology,silver,EMEA,2023-03-20\n\
9004,Adventure Works MSP,msp,gold,APAC,2022-11-02\n\
9005,Tailspin Referrals,referral,registered,NA,2024-02-14\n\
9006,Woodgrove Distribution,distributor,platinum,EMEA,2021-09-09\n\
9007,Litware Software,technology,gold,APAC,2023-05-05\n\
9008,Proseware Resellers,reseller,silver,NA,2023-07-30\n",
    )
    .unwrap();
    std::fs::write(
        contract.join("deals.csv"),
        "deal_id,customer_id,product_id,amount,stage,created_at,closed_at\n\
7001,C-100,CRM,48000.00,won,2024-01-08,2024-03-29\n\
7002,C-100,ANALYTICS,125000.50,won,2024-02-12,2024-06-30\n\
7003,C-200,CRM,310000.00,won,2024-02-20,2024-07-15\n\
7004,C-300,ANALYTICS,22500.00,lost,2024-03-01,2024-04-10\n\
7005,C-400,PLATFORM,95000.00,open,2024-04-18,\n\
7006,C-500,ANALYTICS,67250.00,won,2024-05-02,2024-08-20\n\
7007,C-600,PLATFORM,150000.00,won,2024-05-10,2024-07-01\n\
7008,C-700,CRM,40000.00,won,2024-06-03,2024-09-12\n\
7009,C-100,PLATFORM,80000.00,open,2024-07-22,\n\
7010,C-200,CRM,18000.00,lost,2024-08-05,2024-09-30\n\
7011,C-300,ANALYTICS,54900.00,won,2024-09-14,2024-11-28\n\
7012,C-400,CRM,12000.00,won,2024-10-01,2024-10-20\n",
    )
    .unwrap();
    std::fs::write(
        contract.join("deal_partners.csv"),
        "deal_id,partner_id,role\n\
7001,9001,influenced\n\
7002,9001,influenced\n\
7002,9003,influenced\n\
7003,9002,influenced\n\
7003,9003,influenced\n\
7003,9007,influenced\n\
7004,9004,influenced\n\
7005,9002,influenced\n\
7005,9006,influenced\n\
7006,9003,influenced\n\
7006,9007,influenced\n\
7008,9005,influenced\n\
7008,9001,influenced\n\
7009,9008,influenced\n\
7010,9006,influenced\n\
7011,9004,influenced\n\
7011,9002,influenced\n",
    )
    .unwrap();
    let out_c = analyze_into(&contract, &tmp.path().join("c"), &["--format", "csv"]);
    for f in [
        "partner_metrics.csv",
        "overlap_pairs.csv",
        "channel_conflicts.csv",
        "diversification.csv",
        "network_growth.csv",
        "communities.csv",
    ] {
        assert_eq!(
            std::fs::read_to_string(out_hs.join(f)).unwrap(),
            std::fs::read_to_string(out_c.join(f)).unwrap(),
            "{f}"
        );
    }
    let won = |dir: &Path| summary(dir)["revenue"].clone();
    assert_eq!(won(&out_hs), won(&out_c));
    assert_eq!(won(&out_hs)["total_won_revenue"], 807150.5);
}
