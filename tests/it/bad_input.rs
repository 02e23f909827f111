//! One test per bad-input class of the contract (§1 "Bad input"): the message names the
//! file, row (and CSV line), column and value; the exit code is non-zero; no output
//! folder and no staging folder is left behind.

use std::path::Path;
use std::sync::Arc;

use crate::common::*;
use arrow::array::{ArrayRef, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;

/// Writes a valid input, lets `corrupt` break it, runs analyze and returns stderr after
/// checking the exit code and that nothing but the input is left in the folder.
fn fails(corrupt: impl FnOnce(&Path)) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write_small_valid(&input);
    corrupt(&input);
    let out = tmp.path().join("out");
    let o = run_analyze(&input, &out, &[]);
    assert_eq!(o.status.code(), Some(3), "stderr: {}", stderr(&o));
    assert_eq!(
        names(tmp.path()),
        vec!["in".to_string()],
        "output or staging folder left behind"
    );
    stderr(&o)
}

fn replace(dir: &Path, file: &str, from: &str, to: &str) {
    let p = dir.join(file);
    let s = std::fs::read_to_string(&p).unwrap();
    assert!(s.contains(from), "{from} not in {file}");
    std::fs::write(&p, s.replacen(from, to, 1)).unwrap();
}

fn has(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "message lacks {p:?}:\n{msg}");
    }
}

#[test]
fn missing_table_file() {
    let m = fails(|d| std::fs::remove_file(d.join("deal_partners.csv")).unwrap());
    has(&m, &["deal_partners", "required table is missing"]);
}

#[test]
fn missing_required_column_lists_columns_found() {
    let m = fails(|d| replace(d, "partners.csv", "partner_id,name", "id,name"));
    has(
        &m,
        &[
            "partners.csv",
            "column 'partner_id'",
            "required column is missing",
            "columns found: 'id', 'name', 'partner_type'",
        ],
    );
}

#[test]
fn duplicate_id_names_both_rows() {
    let m = fails(|d| replace(d, "deals.csv", "D4,C3", "D2,C3"));
    has(
        &m,
        &[
            "deals.csv",
            "row 4 (line 5)",
            "column 'deal_id'",
            "\"D2\"",
            "first seen at row 2",
        ],
    );
}

#[test]
fn dangling_reference() {
    let m = fails(|d| replace(d, "deal_partners.csv", "D3,P3", "D3,P9"));
    has(
        &m,
        &[
            "deal_partners.csv",
            "row 4 (line 5)",
            "column 'partner_id'",
            "\"P9\"",
            "does not exist in the partners table",
        ],
    );
}

#[test]
fn unparseable_number_and_date() {
    let m = fails(|d| {
        replace(d, "deals.csv", "D1,C1,X,1000", "D1,C1,X,\"1,000\"");
        replace(d, "deals.csv", "2021-05-01,,EMEA", "2021-13-01,,EMEA");
    });
    has(
        &m,
        &[
            "2 problems",
            "deals.csv, row 1 (line 2), column 'amount', value \"1,000\": not a number",
        ],
    );
    has(
        &m,
        &["deals.csv, row 3 (line 4), column 'created_at', value \"2021-13-01\": not a date"],
    );
}

#[test]
fn negative_nan_and_infinite_amounts() {
    let m = fails(|d| {
        replace(d, "deals.csv", "1000,won", "-5,won");
        replace(d, "deals.csv", "500.5,lost", "NaN,lost");
        replace(d, "deals.csv", "250,,", "inf,,");
    });
    has(
        &m,
        &["row 1 (line 2), column 'amount', value \"-5\": amount must be >= 0"],
    );
    has(
        &m,
        &["row 2 (line 3), column 'amount', value \"NaN\": amount must be a number, not NaN"],
    );
    has(
        &m,
        &["row 4 (line 5), column 'amount', value \"inf\": amount must be finite"],
    );
}

#[test]
fn unknown_stage_and_role() {
    let m = fails(|d| {
        replace(d, "deals.csv", "won,2021-04-01", "Closed Won,2021-04-01");
        replace(d, "deal_partners.csv", "D2,P2,sourced", "D2,P2,reseller");
    });
    has(
        &m,
        &["deals.csv, row 1 (line 2), column 'stage', value \"Closed Won\": unknown deal stage"],
    );
    has(&m, &["deal_partners.csv, row 3 (line 4), column 'role', value \"reseller\": unknown partner role"]);
}

#[test]
fn malformed_csv_column_count() {
    let m = fails(|d| replace(d, "partners.csv", "P2,Globex,isv", "P2,Globex,Inc,isv"));
    has(
        &m,
        &[
            "partners.csv, row 2 (line 3)",
            "malformed CSV: row has 7 fields, the header has 6",
        ],
    );
}

#[test]
fn malformed_csv_unbalanced_quote() {
    let m = fails(|d| replace(d, "partners.csv", "P2,Globex", "P2,\"Globex"));
    has(
        &m,
        &[
            "partners.csv, row 2 (line 3)",
            "malformed CSV",
            "unbalanced quote",
        ],
    );
}

#[test]
fn non_utf8_bytes() {
    let m = fails(|d| {
        let p = d.join("partners.csv");
        let mut bytes = std::fs::read(&p).unwrap();
        let at = bytes.windows(6).position(|w| w == b"Globex").unwrap();
        bytes[at + 1] = 0xff;
        std::fs::write(&p, bytes).unwrap();
    });
    has(
        &m,
        &[
            "partners.csv, row 2 (line 3), column 'name'",
            "not valid UTF-8",
        ],
    );
}

#[test]
fn parquet_column_of_wrong_type() {
    let m = fails(|d| {
        std::fs::remove_file(d.join("deals.csv")).unwrap();
        // amount stored as text in Parquet: the wrong-type class (contract §4).
        let schema = Arc::new(Schema::new(vec![
            Field::new("deal_id", DataType::Utf8, false),
            Field::new("amount", DataType::Utf8, true),
        ]));
        let cols: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(vec!["D1", "D2", "D3", "D4"])),
            Arc::new(StringArray::from(vec!["1", "2", "3", "4"])),
        ];
        let batch = RecordBatch::try_new(schema.clone(), cols).unwrap();
        let f = std::fs::File::create(d.join("deals.parquet")).unwrap();
        let mut w = parquet::arrow::ArrowWriter::try_new(f, schema, None).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
    });
    has(
        &m,
        &[
            "deals.parquet",
            "column 'amount'",
            "column has type",
            "expected a number",
        ],
    );
}

#[test]
fn empty_partners_table() {
    let m = fails(|d| std::fs::write(d.join("partners.csv"), "partner_id,name\n").unwrap());
    has(&m, &["partners.csv", "table has no data rows"]);
}

#[test]
fn empty_deals_table() {
    let m = fails(|d| std::fs::write(d.join("deals.csv"), "deal_id,amount\n").unwrap());
    has(&m, &["deals.csv", "table has no data rows"]);
}

#[test]
fn one_table_in_two_formats() {
    let m = fails(|d| {
        std::fs::copy(d.join("deals.csv"), d.join("deals.parquet"))
            .map(|_| ())
            .unwrap()
    });
    has(&m, &["deals.csv", "deals.parquet", "given twice"]);
}

#[test]
fn reports_many_errors_in_file_order() {
    let m = fails(|d| {
        replace(d, "deal_partners.csv", "D1,P1", "D8,P1");
        replace(d, "deals.csv", "250,,", "x,,");
        replace(d, "partners.csv", "2021-02-01", "yesterday");
    });
    let p = m.find("partners.csv").unwrap();
    let d = m.find("deals.csv").unwrap();
    let l = m.find("deal_partners.csv").unwrap();
    assert!(p < d && d < l, "not in file order:\n{m}");
    has(&m, &["3 problems"]);
}

#[test]
fn skip_invalid_writes_rejected_rows_and_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write_small_valid(&input);
    replace(&input, "deals.csv", "250,,", "-1,,");
    replace(&input, "deal_partners.csv", "D3,P3", "D3,P9");
    let out = analyze(&input, tmp.path(), &["--skip-invalid"]);
    let rej = read_parquet(&out.join("rejected_rows.parquet"));
    assert_eq!(
        strings(&rej, "table"),
        vec![Some("deals".into()), Some("deal_partners".into())]
    );
    assert_eq!(ints(&rej, "row"), vec![4, 4]);
    assert_eq!(
        strings(&rej, "value"),
        vec![Some("-1".into()), Some("P9".into())]
    );
    let pm = read_parquet(&out.join("partner_metrics.parquet"));
    // P3 lost its only deal link, D4 is gone: P1 and P2 keep D1 / D2.
    assert_eq!(ints(&pm, "deals"), vec![1, 2, 0]);
}

#[test]
fn validate_command_reports_without_writing() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write_small_valid(&input);
    let o = ecograph(&["validate", input.to_str().unwrap()]);
    ok(&o);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("conforms to the data contract") && text.contains("deals.csv"),
        "{text}"
    );
    replace(&input, "deals.csv", "500.5", "5oo");
    let o = ecograph(&["validate", input.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    has(
        &stderr(&o),
        &["deals.csv, row 2 (line 3), column 'amount', value \"5oo\""],
    );
}

#[test]
fn existing_output_needs_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write_small_valid(&input);
    let out = analyze(&input, tmp.path(), &[]);
    let o = run_analyze(&input, &out, &[]);
    assert_eq!(o.status.code(), Some(4));
    has(&stderr(&o), &["already exists", "--overwrite"]);
    analyze(&input, tmp.path(), &["--overwrite"]);
}

/// Inputs the fuzzer found that made polars panic or abort (tests/fixtures/corrupt):
/// each is now a named, unreadable file (exit 3), checked before polars decodes it.
#[test]
fn corrupt_parquet_and_arrow_files_are_refused_not_crashed_on() {
    let root = repo().join("tests/fixtures/corrupt");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 4, "{cases:?}");
    for case in cases {
        let o = ecograph(&["validate", case.to_str().unwrap()]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(3), "{}: {e}", case.display());
        if case.ends_with("wrong-type-ids") {
            has(
                &e,
                &["partners.parquet, column 'partner_id': column has type f64"],
            );
        } else {
            has(&e, &["file cannot be read", "looks corrupt"]);
        }
        assert!(!e.contains("panicked"), "{e}");
    }
}
