//! Every file `analyze` writes has exactly the schema `schema::outputs` declares (names,
//! order, Arrow types, nullability), in Parquet and Arrow IPC, on the demo and on a run
//! with every centrality measure switched off and bad rows skipped, so the declaration
//! is what a reader gets whatever the data holds.

use std::fs::File;
use std::path::Path;

use arrow::datatypes::Schema;
use ecograph::schema::outputs::{OutTable, OUTPUT_TABLES};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::common::{analyze, analyzed, demo};

/// Field names, types and nullability (metadata aside).
fn fields(s: &Schema) -> Vec<(String, arrow::datatypes::DataType, bool)> {
    s.fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone(), f.is_nullable()))
        .collect()
}

fn schema_of(dir: &Path, t: &OutTable, ext: &str) -> Option<Schema> {
    let path = dir.join(format!("{}.{ext}", t.name));
    let file = File::open(&path).ok()?;
    Some(match ext {
        "parquet" => ParquetRecordBatchReaderBuilder::try_new(file)
            .expect("readable parquet")
            .schema()
            .as_ref()
            .clone(),
        _ => arrow::ipc::reader::FileReader::try_new(file, None)
            .expect("readable arrow")
            .schema()
            .as_ref()
            .clone(),
    })
}

/// Checks every table present in `dir`; returns the names found.
fn check(dir: &Path, ext: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    for t in OUTPUT_TABLES {
        if let Some(s) = schema_of(dir, &t, ext) {
            assert_eq!(fields(&s), fields(&t.schema()), "{} ({ext})", t.name);
            found.push(t.name);
        }
    }
    found
}

#[test]
fn every_written_table_has_the_declared_schema() {
    let default = analyzed(&demo());
    assert_eq!(
        check(&default, "parquet"),
        [
            "partner_metrics",
            "attribution",
            "tier_fit",
            "cosell_edges",
            "communities",
            "diversification",
            "network_growth",
            "resilience",
            "overlap_pairs",
            "channel_conflicts",
            "overlap_by_type"
        ]
    );

    // No centrality measure (their columns all null), bad rows skipped, Arrow IPC.
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for f in std::fs::read_dir(demo()).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, input.join(f.file_name().unwrap())).unwrap();
    }
    let mut deals = std::fs::read_to_string(demo().join("deals.csv")).unwrap();
    deals.push_str("D-bad,,,not-a-number,won,,,\n");
    std::fs::write(input.join("deals.csv"), deals).unwrap();
    let out = analyze(
        &input,
        tmp.path(),
        &["--metrics", "none", "--skip-invalid", "--format", "arrow"],
    );
    assert_eq!(
        check(&out, "arrow"),
        [
            "partner_metrics",
            "attribution",
            "tier_fit",
            "cosell_edges",
            "diversification",
            "network_growth",
            "resilience",
            "overlap_pairs",
            "channel_conflicts",
            "overlap_by_type",
            "rejected_rows"
        ]
    );
}
