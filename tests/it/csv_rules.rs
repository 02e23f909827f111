//! The contract's CSV fine points (§4): BOM tolerated, blank lines skipped (and not
//! counted as rows), empty field (quoted too) = null, `NA` is text, fields not trimmed,
//! timestamps with offsets.

use crate::common::*;

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn edge_input(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    write(dir, "partners.csv", b"\xef\xbb\xbfpartner_id,name,partner_type,tier,region,joined_at\nP1,\"Acme, Inc.\",reseller,gold,NA,2021-01-01\n\nP2,\"\",isv,,EMEA,2021-02-01T10:00:00+02:00\n");
    write(dir, "deals.csv", b"deal_id,customer_id,product_id,amount,stage,created_at,closed_at,region\nD1,C1,X,1000,won,2021-04-01,2021-05-01,NA\n\nD2,\"\",X,\"\",,2021-04-02,,NA\n");
    write(
        dir,
        "deal_partners.csv",
        b"deal_id,partner_id,role\nD1,P1,sourced\nD2,P2,\"\"\nD2,P1,co_sell\n",
    );
}

#[test]
fn bom_blank_lines_nulls_and_na() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    edge_input(&input);
    let out = analyze(&input, tmp.path(), &[]);
    let pm = read_parquet(&out.join("partner_metrics.parquet"));
    assert_eq!(
        strings(&pm, "partner_id"),
        vec![Some("P1".into()), Some("P2".into())]
    );
    assert_eq!(
        strings(&pm, "region"),
        vec![Some("NA".into()), Some("EMEA".into())],
        "NA is text"
    );
    assert_eq!(
        strings(&pm, "tier"),
        vec![Some("gold".into()), None],
        "empty field is null"
    );
    // D2: null stage = won, null amount = 0, null role = influenced, null customer.
    assert_eq!(ints(&pm, "won_deals"), vec![2, 1]);
    assert_eq!(
        floats(&pm, "influenced_revenue"),
        vec![Some(0.0), Some(0.0)]
    );
    assert_eq!(
        floats(&pm, "sourced_revenue"),
        vec![Some(1000.0), Some(0.0)]
    );
    assert_eq!(ints(&pm, "customers"), vec![1, 0]);
}

#[test]
fn rows_after_blank_lines_keep_their_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    edge_input(&input);
    // Row 2 of deals sits on line 4, after a blank line.
    let s = std::fs::read_to_string(input.join("deals.csv"))
        .unwrap()
        .replace("D2,\"\",X,\"\"", "D2,\"\",X,\" 5\"");
    std::fs::write(input.join("deals.csv"), s).unwrap();
    let o = run_analyze(&input, &tmp.path().join("o"), &[]);
    assert_eq!(o.status.code(), Some(3));
    let m = stderr(&o);
    assert!(
        m.contains("deals.csv, row 2 (line 4), column 'amount', value \" 5\": not a number"),
        "{m}"
    );
}
