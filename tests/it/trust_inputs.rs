//! Issue 23, the input side: no header, file, encoding or size from the outside may
//! lose data, hang or lie. A repeated header is refused in every format (and after the
//! config's column mapping); a wide header or a huge field is refused before anything
//! allocates by it; unused columns of any type are ignored; dictionary-encoded ids are
//! text; UTF-16 / UTF-32 files, named pipes and devices are named as what they are; a
//! missing table lists what the folder holds. Each refusal has its counter-example: a
//! well-formed file still passes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow::array::{
    ArrayRef, DictionaryArray, Float64Array, Int32Array, ListArray, MapBuilder, StringArray,
    StringBuilder, StructArray,
};
use arrow::datatypes::{DataType, Field, Int32Type};
use arrow::record_batch::RecordBatch;

use crate::common::*;

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn has(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "message lacks {p:?}:\n{msg}");
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn small(tmp: &Path) -> PathBuf {
    let input = tmp.join("in");
    write_small_valid(&input);
    input
}

/// `ecograph validate INPUT EXTRA...`, killed after `limit` (a hang is a failure).
fn validate_within(input: &Path, extra: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecograph"))
        .arg("validate")
        .arg(input)
        .args(extra)
        .arg("--quiet")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("validate {} still ran after {limit:?}", input.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn validate(input: &Path) -> Output {
    validate_within(input, &[], Duration::from_secs(120))
}

/// Exit 3, and the message has every part.
fn refused(o: &Output, parts: &[&str]) -> String {
    let msg = stderr(o);
    assert_eq!(code(o), 3, "{msg}");
    has(&msg, parts);
    msg
}

/// The output CSV tables of `analyze INPUT --format csv`, with their bytes.
fn csv_results(input: &Path, out: &Path) -> Vec<(String, Vec<u8>)> {
    let o = run_analyze(input, out, &["--format", "csv"]);
    ok(&o);
    names(out)
        .into_iter()
        .filter(|n| n.ends_with(".csv"))
        .map(|n| {
            let b = std::fs::read(out.join(&n)).unwrap();
            (n, b)
        })
        .collect()
}

fn text(v: &[&str]) -> ArrayRef {
    Arc::new(StringArray::from(v.to_vec()))
}

/// The deals of `write_small_valid`, typed as a Parquet / Arrow writer would.
fn deals_columns() -> Vec<(&'static str, ArrayRef)> {
    vec![
        ("deal_id", text(&["D1", "D2", "D3", "D4"])),
        ("customer_id", text(&["C1", "C1", "C2", "C3"])),
        ("product_id", text(&["X", "X", "Y", "Y"])),
        (
            "amount",
            Arc::new(Float64Array::from(vec![
                Some(1000.0),
                Some(500.5),
                None,
                Some(250.0),
            ])),
        ),
        (
            "stage",
            Arc::new(StringArray::from(vec![
                Some("won"),
                Some("lost"),
                Some("open"),
                None,
            ])),
        ),
        (
            "created_at",
            text(&["2021-04-01", "2021-04-02", "2021-05-01", "2021-06-01"]),
        ),
        (
            "closed_at",
            Arc::new(StringArray::from(vec![
                Some("2021-05-01"),
                Some("2021-06-01"),
                None,
                Some("2021-07-01"),
            ])),
        ),
        ("region", text(&["NA", "NA", "EMEA", "APAC"])),
    ]
}

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
        .collect();
    RecordBatch::try_new(
        Arc::new(arrow::datatypes::Schema::new(fields)),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .unwrap()
}

fn write_parquet(path: &Path, b: &RecordBatch) {
    let f = std::fs::File::create(path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(f, b.schema(), None).unwrap();
    w.write(b).unwrap();
    w.close().unwrap();
}

fn write_arrow_file(path: &Path, b: &RecordBatch) {
    let f = std::fs::File::create(path).unwrap();
    let mut w = arrow::ipc::writer::FileWriter::try_new(f, &b.schema()).unwrap();
    w.write(b).unwrap();
    w.finish().unwrap();
}

fn write_arrow_stream(path: &Path, b: &RecordBatch) {
    let f = std::fs::File::create(path).unwrap();
    let mut w = arrow::ipc::writer::StreamWriter::try_new(f, &b.schema()).unwrap();
    w.write(b).unwrap();
    w.finish().unwrap();
}

/// Writes a batch to a file.
type Writer = fn(&Path, &RecordBatch);

/// The binary formats: their extension and writer.
const BINARY: [(&str, Writer); 3] = [
    ("parquet", write_parquet),
    ("arrow", write_arrow_file),
    ("ipc", write_arrow_stream),
];

/// `small()` with deals.csv replaced by `deals.EXT` holding `b`.
fn with_binary_deals(tmp: &Path, name: &str, ext: &str, b: &RecordBatch) -> PathBuf {
    let input = tmp.join(name);
    write_small_valid(&input);
    std::fs::remove_file(input.join("deals.csv")).unwrap();
    let (_, write) = BINARY.iter().find(|(e, _)| *e == ext).unwrap();
    write(&input.join(format!("deals.{ext}")), b);
    input
}

// ---- Duplicate headers ----------------------------------------------------------------

/// The real amounts in a second `amount` column: the first one used to win silently.
#[test]
fn a_repeated_csv_header_is_refused_naming_both_positions() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small(tmp.path());
    std::fs::write(
        input.join("deals.csv"),
        "deal_id,customer_id,product_id,amount,stage,amount\n\
         D1,C1,X,1,won,1000\n\
         D2,C1,X,2,lost,500.5\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    for o in [validate(&input), run_analyze(&input, &out, &[])] {
        refused(
            &o,
            &["deals.csv", "column 'amount'", "twice", "columns 4 and 6"],
        );
    }
    assert!(!out.exists(), "an output was written");
}

#[test]
fn a_column_mapped_onto_a_contract_column_the_file_also_has_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small(tmp.path());
    std::fs::write(
        input.join("deals.csv"),
        "deal_id,amount,Amount_c,stage\nD1,1,1000,won\nD2,2,500.5,lost\nD3,3,7,open\n",
    )
    .unwrap();
    let cfg = tmp.path().join("c.toml");
    std::fs::write(&cfg, "[columns.deals]\namount = \"Amount_c\"\n").unwrap();
    let o = validate_within(&input, &["--config", s(&cfg)], Duration::from_secs(60));
    refused(
        &o,
        &[
            "deals.csv",
            "contract column 'amount'",
            "columns 2 and 3",
            "[columns.deals] amount",
        ],
    );
    // Counter-example: the same mapping without a column named 'amount' passes.
    std::fs::write(
        input.join("deals.csv"),
        "deal_id,Amount_c,stage\nD1,1000,won\nD2,500.5,lost\nD3,7,open\n",
    )
    .unwrap();
    ok(&validate_within(
        &input,
        &["--config", s(&cfg)],
        Duration::from_secs(60),
    ));
}

#[test]
fn a_repeated_header_is_refused_in_parquet_and_arrow_file_and_stream() {
    let tmp = tempfile::tempdir().unwrap();
    for (ext, _) in BINARY {
        let mut cols = deals_columns();
        cols.push((
            "amount",
            Arc::new(Float64Array::from(vec![1.0, 2.0, 3.0, 4.0])),
        ));
        let input = with_binary_deals(tmp.path(), &format!("dup-{ext}"), ext, &batch(cols));
        let file = format!("deals.{ext}");
        refused(
            &validate(&input),
            &[&file, "column 'amount'", "twice", "columns 4 and 9"],
        );
        // Counter-example: the file without the repeat passes.
        let input = with_binary_deals(
            tmp.path(),
            &format!("ok-{ext}"),
            ext,
            &batch(deals_columns()),
        );
        ok(&validate(&input));
    }
}

// ---- Size limits ------------------------------------------------------------------------

/// Runs validate under a 1.5 GB address-space limit (`ulimit -v`: an allocation past
/// it fails, and the run with it): the 25 M column header of the review peaked at
/// 14 GB. Two threads and two malloc arenas, so that the address space reserved per
/// thread on a many-core machine does not count against the limit.
fn validate_in_small_memory(input: &Path) -> Output {
    let start = Instant::now();
    let o = Command::new("sh")
        .env("RAYON_NUM_THREADS", "2")
        .env("POLARS_MAX_THREADS", "2")
        .env("MALLOC_ARENA_MAX", "2")
        .arg("-c")
        .arg("ulimit -v 1500000 && exec \"$0\" validate \"$1\" --quiet")
        .arg(env!("CARGO_BIN_EXE_ecograph"))
        .arg(input)
        .output()
        .unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "took {:?}",
        start.elapsed()
    );
    o
}

#[test]
fn a_header_of_two_million_columns_is_refused_quickly_in_little_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small(tmp.path());
    let mut wide = String::from("partner_id");
    for i in 0..2_000_000 {
        wide.push_str(if i % 2 == 0 { ",a" } else { "," });
    }
    wide.push_str("\nP1\n");
    std::fs::write(input.join("partners.csv"), &wide).unwrap();
    let msg = refused(
        &validate_in_small_memory(&input),
        &["partners.csv", "more than 16,384 columns", "limit"],
    );
    assert_eq!(msg.matches("partners.csv").count(), 1, "{msg}");
    // The same header quoted (the streaming pass gives it to the limits pass).
    let quoted = wide.replacen("partner_id", "\"partner_id\"", 1);
    std::fs::write(input.join("partners.csv"), quoted).unwrap();
    refused(
        &validate_in_small_memory(&input),
        &["partners.csv", "more than 16,384 columns"],
    );
}

#[test]
fn a_header_within_the_column_limit_still_passes() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small(tmp.path());
    let extra: String = (0..5000).map(|i| format!(",extra_{i}")).collect();
    let cells: String = ",".repeat(5000);
    std::fs::write(
        input.join("partners.csv"),
        format!("partner_id{extra}\nP1{cells}\nP2{cells}\nP3{cells}\n"),
    )
    .unwrap();
    ok(&validate(&input));
}

#[test]
fn a_huge_field_or_header_name_is_refused_with_the_limit_named() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small(tmp.path());
    let big = "x".repeat(17 << 20);
    // A quoted field, an unquoted field, a header name.
    for (what, content) in [
        ("quoted", format!("partner_id,name\nP1,\"{big}\"\nP2,b\n")),
        ("unquoted", format!("partner_id,name\nP1,{big}\nP2,b\n")),
        ("header", format!("partner_id,{big}\nP1,a\n")),
    ] {
        std::fs::write(input.join("partners.csv"), content).unwrap();
        let o = validate_in_small_memory(&input);
        if what == "header" {
            refused(
                &o,
                &["partners.csv", "header line", "4,194,304 bytes", "limit"],
            );
        } else {
            refused(
                &o,
                &[
                    "partners.csv",
                    "line 2",
                    "field 2",
                    "16,777,216 bytes",
                    "limit",
                ],
            );
        }
    }
    // A header line of more than 4 MiB in many short names.
    let names: String = (0..700_000).map(|i| format!(",c{i}")).collect();
    std::fs::write(
        input.join("partners.csv"),
        format!("partner_id{names}\nP1\n"),
    )
    .unwrap();
    refused(
        &validate_in_small_memory(&input),
        &["partners.csv", "limit"],
    );
}

#[test]
fn a_long_field_within_the_limit_still_passes() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small(tmp.path());
    let long = "x".repeat(3 << 20);
    std::fs::write(
        input.join("partners.csv"),
        format!("partner_id,name\nP1,\"{long}\"\nP2,{long}\nP3,c\n"),
    )
    .unwrap();
    ok(&validate(&input));
}

#[test]
fn a_parquet_or_arrow_schema_beyond_the_column_limit_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cols = deals_columns();
    let one: ArrayRef = Arc::new(Int32Array::from(vec![0, 0, 0, 0]));
    let names: Vec<String> = (0..16_400).map(|i| format!("x{i}")).collect();
    for n in &names {
        cols.push((n.as_str(), one.clone()));
    }
    let b = batch(cols);
    for (ext, _) in BINARY {
        let input = with_binary_deals(tmp.path(), &format!("wide-{ext}"), ext, &b);
        refused(
            &validate(&input),
            &[&format!("deals.{ext}"), "16,408 fields", "16,384"],
        );
    }
}

// ---- Unused and dictionary columns --------------------------------------------------------

/// A struct, a map and a list column the contract does not know.
fn nested_columns() -> Vec<(&'static str, ArrayRef)> {
    let inner: ArrayRef = Arc::new(Int32Array::from(vec![1, 2, 3, 4]));
    let st = StructArray::from(vec![(
        Arc::new(Field::new("n", DataType::Int32, false)),
        inner,
    )]);
    let mut mb = MapBuilder::new(None, StringBuilder::new(), StringBuilder::new());
    for i in 0..4 {
        mb.keys().append_value(format!("k{i}"));
        mb.values().append_value("v");
        mb.append(true).unwrap();
    }
    let list = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
        Some(vec![Some(1)]),
        None,
        Some(vec![]),
        Some(vec![Some(2), Some(3)]),
    ]);
    vec![
        ("properties", Arc::new(st) as ArrayRef),
        ("custom_fields", Arc::new(mb.finish())),
        ("tags", Arc::new(list)),
    ]
}

#[test]
fn unused_struct_map_and_list_columns_are_ignored() {
    let tmp = tempfile::tempdir().unwrap();
    for (ext, _) in BINARY {
        let plain = with_binary_deals(
            tmp.path(),
            &format!("plain-{ext}"),
            ext,
            &batch(deals_columns()),
        );
        let mut cols = deals_columns();
        cols.splice(1..1, nested_columns());
        let nested = with_binary_deals(tmp.path(), &format!("nested-{ext}"), ext, &batch(cols));
        let a = csv_results(&plain, &tmp.path().join(format!("out-plain-{ext}")));
        let b = csv_results(&nested, &tmp.path().join(format!("out-nested-{ext}")));
        assert!(!a.is_empty());
        assert_eq!(a, b, "{ext}: the unused columns changed the results");
    }
}

#[test]
fn dictionary_encoded_id_columns_are_read_as_their_text() {
    let tmp = tempfile::tempdir().unwrap();
    let dict = |v: &[&str]| -> ArrayRef {
        Arc::new(v.iter().copied().collect::<DictionaryArray<Int32Type>>())
    };
    for (ext, _) in BINARY {
        let plain = with_binary_deals(
            tmp.path(),
            &format!("plain-{ext}"),
            ext,
            &batch(deals_columns()),
        );
        let mut cols = deals_columns();
        cols[0].1 = dict(&["D1", "D2", "D3", "D4"]);
        cols[1].1 = dict(&["C1", "C1", "C2", "C3"]);
        cols[7].1 = dict(&["NA", "NA", "EMEA", "APAC"]);
        let dictionary = with_binary_deals(tmp.path(), &format!("dict-{ext}"), ext, &batch(cols));
        let a = csv_results(&plain, &tmp.path().join(format!("out-plain-{ext}")));
        let b = csv_results(&dictionary, &tmp.path().join(format!("out-dict-{ext}")));
        assert_eq!(a, b, "{ext}: dictionary ids read otherwise than text");
    }
}

// ---- Encodings ----------------------------------------------------------------------------

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = (bom.then_some(0xFEFFu16))
        .into_iter()
        .chain(text.encode_utf16());
    for u in units {
        out.extend_from_slice(&if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

#[test]
fn utf16_and_utf32_files_are_named_by_their_encoding_once() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small(tmp.path());
    let partners = std::fs::read_to_string(input.join("partners.csv")).unwrap();
    let utf32le: Vec<u8> = std::iter::once('\u{feff}')
        .chain(partners.chars())
        .flat_map(|c| (c as u32).to_le_bytes())
        .collect();
    for (bytes, name) in [
        (utf16(&partners, false, true), "UTF-16 little-endian"),
        (utf16(&partners, true, true), "UTF-16 big-endian"),
        (utf16(&partners, false, false), "UTF-16 little-endian"),
        (utf32le, "UTF-32 little-endian"),
    ] {
        std::fs::write(input.join("partners.csv"), bytes).unwrap();
        let msg = refused(
            &validate(&input),
            &["partners.csv", name, "save it as UTF-8"],
        );
        assert!(msg.contains("(1 problem)"), "{msg}");
        assert!(!msg.contains("unquoted"), "{msg}");
    }
    // Counter-example: the same text in UTF-8, with and without a BOM, passes.
    std::fs::write(input.join("partners.csv"), &partners).unwrap();
    ok(&validate(&input));
    std::fs::write(input.join("partners.csv"), format!("\u{feff}{partners}")).unwrap();
    ok(&validate(&input));
}

// ---- Special files ------------------------------------------------------------------------

#[test]
fn a_named_pipe_as_a_table_is_refused_without_opening_it() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small(tmp.path());
    let fifo = input.join("partners.csv");
    std::fs::remove_file(&fifo).unwrap();
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let o = validate_within(&input, &[], Duration::from_secs(30));
    let msg = refused(&o, &["partners.csv", "named pipe (FIFO)", "not a file"]);
    assert!(!msg.contains("folder"), "{msg}");
}

#[test]
fn a_link_to_dev_zero_as_a_table_is_refused_naming_the_device() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small(tmp.path());
    std::fs::remove_file(input.join("deals.csv")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", input.join("deals.csv")).unwrap();
    let o = validate_within(&input, &[], Duration::from_secs(30));
    let msg = refused(
        &o,
        &[
            "deals.csv",
            "symbolic link to a character device",
            "not a file",
        ],
    );
    assert!(!msg.contains("folder"), "{msg}");
    // A folder is still called a folder.
    std::fs::remove_file(input.join("deals.csv")).unwrap();
    std::fs::create_dir(input.join("deals.csv")).unwrap();
    refused(&validate(&input), &["deals.csv", "is a folder"]);
}

// ---- A missing table ----------------------------------------------------------------------

#[test]
fn a_missing_table_lists_the_folders_files_and_the_files_config() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small(tmp.path());
    std::fs::rename(input.join("partners.csv"), input.join("Accounts.csv")).unwrap();
    let msg = refused(
        &validate(&input),
        &[
            "partners.csv|.parquet|.arrow",
            "required table is missing",
            "Accounts.csv, deal_partners.csv, deals.csv",
            "--config",
            "[files] partners",
        ],
    );
    assert!(!msg.contains("more"), "{msg}");
    // Many files: the first ten, sorted, and how many more.
    for i in 0..12 {
        std::fs::write(input.join(format!("z{i:02}.txt")), "").unwrap();
    }
    refused(
        &validate(&input),
        &[
            "Accounts.csv, deal_partners.csv, deals.csv, z00.txt",
            "z06.txt and 5 more",
        ],
    );
    // A config naming a file the folder lacks says so, with the same listing.
    let cfg = tmp.path().join("c.toml");
    std::fs::write(&cfg, "[files]\npartners = \"Partners.csv\"\n").unwrap();
    refused(
        &validate_within(&input, &["--config", s(&cfg)], Duration::from_secs(60)),
        &[
            "Partners.csv: required table is missing",
            "[files] partners names \"Partners.csv\"",
            "the folder holds Accounts.csv,",
            "in the config's [files] partners",
        ],
    );
    // Counter-example: mapped with [files], the folder passes.
    std::fs::write(&cfg, "[files]\npartners = \"Accounts.csv\"\n").unwrap();
    ok(&validate_within(
        &input,
        &["--config", s(&cfg)],
        Duration::from_secs(60),
    ));
}
