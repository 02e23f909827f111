//! Structured fuzzing of everything a user hands to ecograph: CSV files (every dialect the
//! config allows), Parquet and Arrow IPC (file and stream) files with odd column types and
//! flipped or cut bytes, and the TOML config. The only property: no panic. An `Err` is a
//! fine answer to bad input; a panic is a bug, reported with the (shrunk) case.
//!
//! Each case starts from a valid small table set, mutates it (headers dropped, renamed,
//! duplicated; quotes, BOMs, line breaks, delimiters, non-UTF-8 bytes, truncation; odd
//! numbers and dates; duplicate ids, dangling references; 0-byte and header-only files;
//! wholly random bytes), writes it to a folder and calls
//! `validate::load_and_validate` and, when that succeeds, `graph::build`.
//!
//! - `ECOGRAPH_FUZZ_CASES`: cases per test (default 300, a few seconds each in a debug build).
//! - `ECOGRAPH_FUZZ_KEEP_GOING=1`: record every panic and go on (long runs) instead of
//!   stopping at the first and shrinking it. The summary lists each distinct panic once.
//!
//! A failing case is written to `target/tmp/fuzz-failures/TEST/` for a re-run with
//! `ecograph validate`. A process abort (a failed allocation inside a decoder cannot be
//! caught) leaves the case being run in `target/tmp/fuzz-scratch/TEST-PID/in`.
//! Decoder panics that ecograph's own guard turns into "unreadable file" errors are not
//! failures; each distinct one is printed at the end (`fuzz: decoder panic caught ...`).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, Once};
use std::time::Instant;

use arrow::array::{
    ArrayRef, BinaryArray, BooleanArray, Date32Array, Date64Array, Decimal128Array,
    DictionaryArray, DurationMillisecondArray, Float32Array, Float64Array, Int32Array, Int64Array,
    Int8Array, LargeStringArray, ListArray, ListBuilder, NullArray, StringArray, StringBuilder,
    StringViewArray, StructArray, Time32SecondArray, TimestampMicrosecondArray,
    TimestampMillisecondArray, TimestampNanosecondArray, TimestampSecondArray, UInt64Array,
};
use arrow::datatypes::{Field, Int32Type, Int64Type, Schema, TimeUnit};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use ecograph::config::{Config, Overrides, Settings};
use ecograph::schema::{TableSpec, TABLES};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config as RunConfig, TestCaseError, TestError, TestRunner};

// ---------------------------------------------------------------------------------------
// Running cases: panics caught, counted, reported.

fn cases() -> u32 {
    std::env::var("ECOGRAPH_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(300)
}

fn keep_going() -> bool {
    std::env::var("ECOGRAPH_FUZZ_KEEP_GOING").is_ok_and(|v| v == "1")
}

thread_local! {
    static IN_CASE: Cell<bool> = const { Cell::new(false) };
    /// Cases of this test thread whose input validated (and was then built).
    static VALID: Cell<u64> = const { Cell::new(0) };
}
/// Library calls under way (in any test thread): panics on worker threads are recorded.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);
/// Panic messages with their location, as the hook saw them.
static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// Decoder panics that ecograph itself caught and reported as an unreadable file
/// (`src/io/guard.rs`): not failures, but findings about polars. Location -> (times, message).
static CAUGHT: Mutex<BTreeMap<String, (u64, String)>> = Mutex::new(BTreeMap::new());
/// Keep-going mode: distinct panic -> (times seen, first case).
static FOUND: Mutex<BTreeMap<String, (u64, String)>> = Mutex::new(BTreeMap::new());

/// The default hook prints every caught panic (noise while shrinking); this one records
/// panics of library calls instead and leaves every other panic to the default hook.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let me = std::thread::current();
            let test_thread = me.name().is_some_and(|n| n.starts_with("fuzz_"));
            let worker = ACTIVE.load(Ordering::SeqCst) > 0 && !test_thread;
            if IN_CASE.with(Cell::get) || worker {
                let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
                if seen.len() >= 8 {
                    seen.remove(0);
                }
                seen.push(format!("[thread {:?}] {info}", me.name().unwrap_or("?")));
            } else {
                default(info);
            }
        }));
    });
}

struct InCase;

impl InCase {
    fn enter() -> InCase {
        ACTIVE.fetch_add(1, Ordering::SeqCst);
        IN_CASE.with(|c| c.set(true));
        InCase
    }
}

impl Drop for InCase {
    fn drop(&mut self) {
        IN_CASE.with(|c| c.set(false));
        ACTIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

fn payload_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(non-text payload)".into())
}

/// Runs one library call; a panic becomes `Err` with its message and location.
fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    let r = {
        let _g = InCase::enter();
        panic::catch_unwind(AssertUnwindSafe(f))
    };
    r.map_err(|p| {
        let seen: Vec<String> =
            std::mem::take(&mut *SEEN.lock().unwrap_or_else(|e| e.into_inner()));
        format!(
            "{what} panicked: {}\n  hook: {}",
            payload_text(&*p),
            seen.join("\n        ")
        )
    })
}

/// Loads and validates `dir`, then builds the graphs when the tables are valid.
fn check_dir(dir: &Path, settings: &Settings, skip_invalid: bool) -> Result<(), String> {
    let loaded = guarded("load_and_validate", || {
        ecograph::validate::load_and_validate(dir, settings, skip_invalid)
    })?;
    if let Err(ecograph::Error::Input(e)) = &loaded {
        for err in &e.errors {
            if let ecograph::error::Rule::Unreadable { detail } = &err.rule
                && detail.contains("decoder failed")
            {
                let at = detail
                    .rsplit_once(" at ")
                    .map_or(detail.as_str(), |(_, a)| a);
                let mut c = CAUGHT.lock().unwrap_or_else(|e| e.into_inner());
                let entry = c
                    .entry(at.trim_end_matches(')').to_string())
                    .or_insert_with(|| (0, format!("{}: {detail}", err.file)));
                entry.0 += 1;
            }
        }
    }
    if let Ok(tables) = loaded {
        guarded("build", || drop(ecograph::graph::build(tables)))?;
        VALID.with(|v| v.set(v.get() + 1));
    }
    Ok(())
}

/// A reusable input folder, emptied before each case. It is under `target/tmp` so that
/// the case of a process abort (which no `catch_unwind` can stop, e.g. a failed
/// allocation) stays there to be looked at; removed when the test ends normally.
struct Scratch {
    root: PathBuf,
    dir: PathBuf,
}

impl Scratch {
    fn new(test: &str) -> Scratch {
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join("fuzz-scratch")
            .join(format!("{test}-{}", std::process::id()));
        let dir = root.join("in");
        Scratch { root, dir }
    }

    fn fresh(&self) -> &Path {
        let _ = std::fs::remove_dir_all(&self.dir);
        std::fs::create_dir_all(&self.dir).unwrap();
        &self.dir
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Where a failing case is kept for a re-run.
fn failure_dir(test: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("fuzz-failures")
        .join(test)
}

/// Every file of `dir`, bytes shown escaped (cut at 2000 bytes).
fn listing(dir: &Path) -> String {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    names.sort();
    let mut s = String::new();
    for p in names {
        let b = std::fs::read(&p).unwrap_or_default();
        let shown: String = b
            .iter()
            .take(2000)
            .flat_map(|&c| std::ascii::escape_default(c))
            .map(char::from)
            .collect();
        let _ = writeln!(
            s,
            "  {} ({} bytes): b\"{shown}\"{}",
            p.file_name().unwrap().to_string_lossy(),
            b.len(),
            if b.len() > 2000 { " ..." } else { "" }
        );
    }
    s
}

/// Runs `cases()` cases of `strategy` through `body` (which writes the case into the
/// given folder and checks it). `body` returns `Err` only for a panic.
fn fuzz<S>(test: &str, strategy: S, body: impl Fn(&S::Value, &Path) -> Result<(), String>)
where
    S: Strategy,
    S::Value: std::fmt::Debug,
{
    install_hook();
    let n = cases();
    let keep = keep_going();
    let scratch = Scratch::new(test);
    let ran = AtomicU64::new(0);
    let panics = AtomicU64::new(0);
    let start = Instant::now();
    let mut runner = TestRunner::new(RunConfig {
        cases: n,
        failure_persistence: None,
        ..RunConfig::default()
    });
    let result = runner.run(&strategy, |case| {
        ran.fetch_add(1, Ordering::Relaxed);
        match body(&case, scratch.fresh()) {
            Ok(()) => Ok(()),
            Err(msg) if keep => {
                panics.fetch_add(1, Ordering::Relaxed);
                // The panic's location when the hook saw it (ecograph's own guard may
                // silence it first), else its message.
                let key = msg
                    .lines()
                    .find_map(|l| l.split_once("panicked at ").map(|(_, at)| at))
                    .unwrap_or_else(|| msg.lines().next().unwrap_or_default())
                    .to_string();
                let mut found = FOUND.lock().unwrap_or_else(|e| e.into_inner());
                let entry = found.entry(format!("{test}: {key}")).or_insert_with(|| {
                    (
                        0,
                        format!("{msg}\n case: {case:?}\n files:\n{}", listing(&scratch.dir)),
                    )
                });
                entry.0 += 1;
                Ok(())
            }
            Err(msg) => Err(TestCaseError::fail(msg)),
        }
    });
    let secs = start.elapsed().as_secs_f64();
    {
        let caught = CAUGHT.lock().unwrap_or_else(|e| e.into_inner());
        for (at, (times, first)) in caught.iter() {
            eprintln!("fuzz: decoder panic caught by ecograph (an unreadable-file error, not a crash), {times} times so far, at {at}:\n    {first}");
        }
    }
    match result {
        Ok(()) => {
            let p = panics.load(Ordering::Relaxed);
            eprintln!(
                "fuzz: {test}: {} cases, {p} panics, {secs:.1} s ({} inputs valid and built)",
                ran.load(Ordering::Relaxed),
                VALID.with(Cell::get)
            );
            if p > 0 {
                let found = FOUND.lock().unwrap_or_else(|e| e.into_inner());
                let mut report = String::new();
                for (k, (times, first)) in found.iter().filter(|(k, _)| k.starts_with(test)) {
                    let _ = writeln!(report, "== {k} ({times} times)\n{first}\n");
                }
                panic!("{test}: {p} panics on user data:\n{report}");
            }
        }
        Err(TestError::Fail(why, case)) => {
            let dir = failure_dir(test);
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            let again = body(&case, &dir);
            panic!(
                "{test}: panic on user data (after {} cases; shrunk):\n{why}\n\
                 re-run of the shrunk case: {again:?}\n\
                 case: {case:?}\nfiles (kept in {}):\n{}",
                ran.load(Ordering::Relaxed),
                dir.display(),
                listing(&dir)
            );
        }
        Err(TestError::Abort(why)) => panic!("{test}: aborted: {why}"),
    }
}

// ---------------------------------------------------------------------------------------
// Tables: valid rows, then mutations.

#[derive(Debug, Clone)]
struct Table {
    name: &'static str,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// What a column's valid values look like.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Vk {
    Partner,
    Deal,
    Customer,
    Product,
    Amount,
    Date,
    Stage,
    Role,
    Region,
    Tier,
    PType,
    Name,
    Word,
}

fn kind_of(column: &str) -> Vk {
    match column {
        "partner_id" => Vk::Partner,
        "deal_id" => Vk::Deal,
        "customer_id" => Vk::Customer,
        "product_id" => Vk::Product,
        "amount" => Vk::Amount,
        "joined_at" | "created_at" | "closed_at" => Vk::Date,
        "stage" => Vk::Stage,
        "role" => Vk::Role,
        "region" => Vk::Region,
        "tier" => Vk::Tier,
        "partner_type" => Vk::PType,
        "name" => Vk::Name,
        _ => Vk::Word,
    }
}

fn spec(name: &str) -> &'static TableSpec {
    TABLES.iter().find(|t| t.name == name).unwrap()
}

fn words(ws: &'static [&'static str]) -> BoxedStrategy<String> {
    prop::sample::select(ws).prop_map(str::to_string).boxed()
}

fn valid(k: Vk) -> BoxedStrategy<String> {
    match k {
        // References mostly hit the first rows (dangling now and then).
        Vk::Partner => prop_oneof![6 => 0u32..2, 3 => 0u32..5, 1 => 0u32..10]
            .prop_map(|i| format!("P{i}"))
            .boxed(),
        Vk::Deal => prop_oneof![6 => 0u32..2, 3 => 0u32..5, 1 => 0u32..12]
            .prop_map(|i| format!("D{i}"))
            .boxed(),
        Vk::Customer => prop_oneof![
            4 => (0u32..5).prop_map(|i| format!("C{i}")),
            1 => Just(String::new()),
        ]
        .boxed(),
        Vk::Product => prop_oneof![
            4 => (0u32..4).prop_map(|i| format!("X{i}")),
            1 => Just(String::new()),
        ]
        .boxed(),
        Vk::Amount => prop_oneof![
            8 => (0u32..100_000).prop_map(|a| a.to_string()),
            8 => (0u32..100_000, 0u32..100).prop_map(|(a, b)| format!("{a}.{b:02}")),
            8 => Just(String::new()),
            1 => prop::sample::select(NUMERIC_EDGES).prop_map(str::to_string),
        ]
        .boxed(),
        Vk::Date => (1990i32..2035, 1u32..=12, 1u32..=28, 0u8..6, 0u32..86_400)
            .prop_map(|(y, m, d, form, s)| {
                let date = format!("{y:04}-{m:02}-{d:02}");
                let (h, mi, se) = (s / 3600, s / 60 % 60, s % 60);
                match form {
                    0 | 1 => date,
                    2 => format!("{date}T{h:02}:{mi:02}:{se:02}Z"),
                    3 => format!("{date} {h:02}:{mi:02}"),
                    4 => format!("{date}T{h:02}:{mi:02}:{se:02}.125-05:30"),
                    _ => String::new(),
                }
            })
            .boxed(),
        Vk::Stage => words(&["won", "lost", "open", "Won", " LOST ", ""]),
        Vk::Role => words(&[
            "sourced",
            "influenced",
            "co_sell",
            "fulfilled",
            "referral",
            "",
            "Sourced",
        ]),
        Vk::Region => words(&["NA", "EMEA", "APAC", "", "LATAM"]),
        Vk::Tier => words(&["gold", "silver", "bronze", ""]),
        Vk::PType => words(&["reseller", "isv", "msp", "si", ""]),
        Vk::Name => words(&[
            "Acme",
            "Globex",
            "Initech",
            "Ünïcødé GmbH",
            "株式会社",
            "",
            "O'Brien & Co",
        ]),
        Vk::Word => words(&["a", "b", "software", "retail", "", "primary"]),
    }
}

/// Numbers at the edges of f64 and of the amount bound (1e15): the largest finite
/// values and their sums' overflow, the bound and just above it, signed zero,
/// subnormals, infinities and NaN as text, exponents out of range.
const NUMERIC_EDGES: &[&str] = &[
    "1.7e308",
    "1e308",
    "-1.7e308",
    "1.7976931348623157e308",
    "5e307",
    "1e15",
    "1000000000000000",
    "1000000000000000.01",
    "1.0000000000000002e15",
    "1e16",
    "9007199254740993",
    "-0.0",
    "-0",
    "5e-324",
    "2.2250738585072014e-308",
    "1e-320",
    "inf",
    "+inf",
    "INF",
    "NaN",
    "1e309",
    "1e99999",
    "1e-99999",
    "1E+308",
];

/// Values users really produce, and values that break naive parsers.
const WEIRD: &[&str] = &[
    "",
    " ",
    "\"",
    "\"\"",
    "'",
    ",",
    ";",
    "\t",
    "a,b",
    "a;b",
    "a\nb",
    "a\r\nb",
    "a\rb",
    "\u{feff}",
    "\u{feff}P1",
    "\0",
    "NaN",
    "nan",
    "-NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e999",
    "-1e999",
    "1e-999",
    "1e308",
    "-0",
    "+0",
    "-0.0",
    "-1",
    "-5.5",
    "$1,200.00",
    "1.200,00",
    "1 200,00",
    "1'200.00",
    "1,2,3",
    "1..2",
    "€ 5",
    "5 USD",
    "USD",
    "$",
    "0x1F",
    "1_000",
    ".5",
    "5.",
    "1e",
    "+",
    "-",
    "00000000000000000000001",
    "18446744073709551616",
    "-9223372036854775809",
    "2025-02-30",
    "2025-13-01",
    "2025-00-10",
    "2024-02-29",
    "03/31/2025",
    "31/03/2025",
    "31.03.2025",
    "9999-12-31T23:59:60Z",
    "9999-12-31T23:59:59.999999999+23:59",
    "0000-01-01",
    "-0001-01-01",
    "+275760-09-13",
    "262143-12-31",
    "2025-01-01T24:00:00",
    "2025-01-01T23:59:60",
    "2025-01-01T10:00:00+99:99",
    "2025-01-01T10:00:00.",
    "2025-01-01T10:00:00.1234567890123456789012345",
    "2025-01-01Z",
    "2025-01-01T",
    "2025-01-01 ",
    "2025-1-1",
    "20250101",
    "1970-01-01T00:00:00-23:59",
    "1e10",
    "P1",
    "P0",
    "D0",
    "D1",
    "P99",
    "D99",
    "C0",
    "X0",
    "won",
    "WON",
    "sourced",
    "NULL",
    "null",
    "N/A",
    "None",
    "true",
    "🚀",
    "\u{202e}evil",
    "e\u{301}",
    "ß",
    "İ",
    "\u{a0}",
    "\u{2028}",
    "\u{fffd}",
    "﻿\u{feff}\u{feff}",
];

fn weird() -> BoxedStrategy<String> {
    prop_oneof![
        8 => prop::sample::select(WEIRD).prop_map(str::to_string),
        2 => prop::sample::select(NUMERIC_EDGES).prop_map(str::to_string),
        1 => (1usize..400).prop_map(|n| "9".repeat(n)),
        1 => (1usize..70_000).prop_map(|n| "x".repeat(n)),
        1 => (1usize..2000).prop_map(|n| "1".repeat(n) + ".5e3"),
        3 => "(?s).{0,12}",
        1 => "[0-9eE.,+\\-$€ ]{0,10}",
        1 => "[0-9:TZ+\\- ]{8,30}",
    ]
    .boxed()
}

fn cell(k: Vk) -> BoxedStrategy<String> {
    // Rarely weird by itself: `TableMut::SetCell` puts weird values in (and shrinks well).
    prop_oneof![40 => valid(k), 1 => weird()].boxed()
}

/// Valid-looking rows of a table (own ids unique most of the time).
fn table(name: &'static str, rows: Range<usize>) -> BoxedStrategy<Table> {
    let spec = spec(name);
    let header: Vec<String> = spec.columns.iter().map(|c| c.name.to_string()).collect();
    let own = match name {
        "partners" => Some("P"),
        "deals" => Some("D"),
        "products" => Some("X"),
        "customers" => Some("C"),
        _ => None,
    };
    let row: Vec<BoxedStrategy<String>> =
        spec.columns.iter().map(|c| cell(kind_of(c.name))).collect();
    (prop::collection::vec(row, rows), prop::bool::weighted(0.9))
        .prop_map(move |(mut rows, unique)| {
            if let (Some(prefix), true) = (own, unique) {
                for (i, r) in rows.iter_mut().enumerate() {
                    r[0] = format!("{prefix}{i}");
                }
            }
            Table {
                name,
                header: header.clone(),
                rows,
            }
        })
        .boxed()
}

#[derive(Debug, Clone)]
enum Rename {
    Upper,
    Padded,
    Bom,
    Empty,
    Text(String),
    CopyOf(Index),
}

#[derive(Debug, Clone)]
enum TableMut {
    DropColumn(Index),
    Rename(Index, Rename),
    DuplicateColumn(Index),
    SwapColumns(Index, Index),
    AddColumn(String, String),
    DuplicateRow(Index),
    DeleteRow(Index),
    SetCell(Index, Index, String),
    /// Adds (true) or removes (false) a field of one row.
    Ragged(Index, bool),
    /// Every field of a row emptied (`,,,,`).
    ClearRow(Index),
    /// A line with no field at all.
    BlankLine(Index),
    /// Columns added to the header (empty in every row): a few, or around and past the
    /// reader's column limit (16,384).
    Widen(usize),
    /// A header name this many bytes long (past 4 MiB, the header line's limit).
    LongName(Index, usize),
    /// A cell this many bytes long (past 16 MiB, one CSV field's limit).
    HugeCell(Index, Index, usize),
}

fn table_mut() -> BoxedStrategy<TableMut> {
    let rename = prop_oneof![
        Just(Rename::Upper),
        Just(Rename::Padded),
        Just(Rename::Bom),
        Just(Rename::Empty),
        "(?s).{0,8}".prop_map(Rename::Text),
        any::<Index>().prop_map(Rename::CopyOf),
    ];
    prop_oneof![
        2 => any::<Index>().prop_map(TableMut::DropColumn),
        3 => (any::<Index>(), rename).prop_map(|(i, r)| TableMut::Rename(i, r)),
        1 => any::<Index>().prop_map(TableMut::DuplicateColumn),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| TableMut::SwapColumns(a, b)),
        1 => ("[a-z_]{0,6}", weird()).prop_map(|(h, v)| TableMut::AddColumn(h, v)),
        2 => any::<Index>().prop_map(TableMut::DuplicateRow),
        1 => any::<Index>().prop_map(TableMut::DeleteRow),
        6 => (any::<Index>(), any::<Index>(), weird()).prop_map(|(r, c, v)| TableMut::SetCell(r, c, v)),
        2 => (any::<Index>(), any::<bool>()).prop_map(|(r, add)| TableMut::Ragged(r, add)),
        2 => any::<Index>().prop_map(TableMut::ClearRow),
        1 => any::<Index>().prop_map(TableMut::BlankLine),
        1 => wide_mut(),
    ]
    .boxed()
}

/// Wide headers, long names and huge cells: the reader's size limits (rare, and the
/// largest rarer still, to keep the default run's time).
fn wide_mut() -> BoxedStrategy<TableMut> {
    prop_oneof![
        16 => (1usize..300).prop_map(TableMut::Widen),
        1 => prop::sample::select(vec![16_384usize, 16_385]).prop_map(TableMut::Widen),
        4 => (any::<Index>(), 1usize..2000).prop_map(|(i, n)| TableMut::LongName(i, n)),
        1 => (any::<Index>(), prop::sample::select(vec![70_000usize, (4 << 20) + 1]))
            .prop_map(|(i, n)| TableMut::LongName(i, n)),
        1 => (any::<Index>(), any::<Index>(), prop::sample::select(vec![1usize << 20, (16 << 20) + 1]))
            .prop_map(|(r, c, n)| TableMut::HugeCell(r, c, n)),
    ]
    .boxed()
}

/// Half the files keep their valid rows and headers.
fn table_muts() -> BoxedStrategy<Vec<TableMut>> {
    prop_oneof![
        1 => Just(Vec::new()),
        1 => prop::collection::vec(table_mut(), 1..4),
    ]
    .boxed()
}

fn at(i: &Index, len: usize) -> Option<usize> {
    (len > 0).then(|| i.index(len))
}

fn apply(t: &mut Table, m: &TableMut) {
    let nc = t.header.len();
    let nr = t.rows.len();
    match m {
        TableMut::DropColumn(i) => {
            if let Some(c) = at(i, nc) {
                t.header.remove(c);
                for r in &mut t.rows {
                    if c < r.len() {
                        r.remove(c);
                    }
                }
            }
        }
        TableMut::Rename(i, how) => {
            if let Some(c) = at(i, nc) {
                let old = t.header[c].clone();
                t.header[c] = match how {
                    Rename::Upper => old.to_uppercase(),
                    Rename::Padded => format!(" {old} "),
                    Rename::Bom => format!("\u{feff}{old}"),
                    Rename::Empty => String::new(),
                    Rename::Text(s) => s.clone(),
                    Rename::CopyOf(j) => t.header[j.index(nc)].clone(),
                };
            }
        }
        TableMut::DuplicateColumn(i) => {
            if let Some(c) = at(i, nc) {
                t.header.insert(c + 1, t.header[c].clone());
                for r in &mut t.rows {
                    if c < r.len() {
                        r.insert(c + 1, r[c].clone());
                    }
                }
            }
        }
        TableMut::SwapColumns(a, b) => {
            if let (Some(a), Some(b)) = (at(a, nc), at(b, nc)) {
                t.header.swap(a, b);
                for r in &mut t.rows {
                    if a < r.len() && b < r.len() {
                        r.swap(a, b);
                    }
                }
            }
        }
        TableMut::AddColumn(h, v) => {
            t.header.push(h.clone());
            for r in &mut t.rows {
                r.push(v.clone());
            }
        }
        TableMut::DuplicateRow(i) => {
            if let Some(r) = at(i, nr) {
                t.rows.insert(r + 1, t.rows[r].clone());
            }
        }
        TableMut::DeleteRow(i) => {
            if let Some(r) = at(i, nr) {
                t.rows.remove(r);
            }
        }
        TableMut::SetCell(r, c, v) => {
            if let Some(r) = at(r, nr)
                && let Some(c) = at(c, t.rows[r].len())
            {
                t.rows[r][c] = v.clone();
            }
        }
        TableMut::Ragged(r, add) => {
            if let Some(r) = at(r, nr) {
                if *add {
                    t.rows[r].push("extra".into());
                } else {
                    t.rows[r].pop();
                }
            }
        }
        TableMut::ClearRow(r) => {
            if let Some(r) = at(r, nr) {
                t.rows[r].iter_mut().for_each(String::clear);
            }
        }
        TableMut::BlankLine(i) => {
            let r = i.index(nr + 1);
            t.rows.insert(r, Vec::new());
        }
        TableMut::Widen(n) => {
            t.header.extend((0..*n).map(|i| format!("w{i}")));
            for r in &mut t.rows {
                r.extend((0..*n).map(|_| String::new()));
            }
        }
        TableMut::LongName(i, n) => {
            if let Some(c) = at(i, nc) {
                t.header[c] = "h".repeat(*n);
            }
        }
        TableMut::HugeCell(r, c, n) => {
            if let Some(r) = at(r, nr)
                && let Some(c) = at(c, t.rows[r].len())
            {
                t.rows[r][c] = "x".repeat(*n);
            }
        }
    }
}

fn mutated(t: &Table, muts: &[TableMut]) -> Table {
    let mut t = t.clone();
    for m in muts {
        apply(&mut t, m);
    }
    t
}

// ---------------------------------------------------------------------------------------
// CSV text and byte-level damage.

#[derive(Debug, Clone, Copy)]
enum Quote {
    Minimal,
    All,
    Never,
}

#[derive(Debug, Clone)]
struct CsvStyle {
    quote: Quote,
    eol: &'static str,
    bom: bool,
    final_eol: bool,
}

fn csv_style() -> BoxedStrategy<CsvStyle> {
    (
        prop_oneof![8 => Just(Quote::Minimal), 1 => Just(Quote::All), 1 => Just(Quote::Never)],
        prop_oneof![12 => Just("\n"), 6 => Just("\r\n"), 1 => Just("\r")],
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.8),
    )
        .prop_map(|(quote, eol, bom, final_eol)| CsvStyle {
            quote,
            eol,
            bom,
            final_eol,
        })
        .boxed()
}

fn csv_field(out: &mut Vec<u8>, f: &str, delim: u8, quote: Quote) {
    let special = f
        .bytes()
        .any(|b| b == delim || b == b'"' || b == b'\n' || b == b'\r');
    match quote {
        Quote::Never => out.extend_from_slice(f.as_bytes()),
        Quote::Minimal if !special => out.extend_from_slice(f.as_bytes()),
        _ => {
            out.push(b'"');
            out.extend_from_slice(f.replace('"', "\"\"").as_bytes());
            out.push(b'"');
        }
    }
}

fn to_csv(t: &Table, delim: u8, style: &CsvStyle, header_only: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if style.bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let rows = if header_only { &[][..] } else { &t.rows[..] };
    for (i, r) in std::iter::once(&t.header).chain(rows).enumerate() {
        if i > 0 {
            out.extend_from_slice(style.eol.as_bytes());
        }
        for (j, f) in r.iter().enumerate() {
            if j > 0 {
                out.push(delim);
            }
            csv_field(&mut out, f, delim, style.quote);
        }
    }
    if style.final_eol {
        out.extend_from_slice(style.eol.as_bytes());
    }
    out
}

const SNIPPETS: &[&[u8]] = &[
    b"\"",
    b"\r",
    b"\n",
    b"\r\n",
    b",",
    b";",
    b"\t",
    b"\xEF\xBB\xBF",
    b"\xff",
    b"\xfe\xff",
    b"\xc3",
    b"\xe2\x82",
    b"\xed\xa0\x80",
    b"\x00",
    b"\n\n",
    b",,,,\n",
    b"\"\"",
    b"\"a\nb\"",
    b"\\",
    b"\x1a",
    b"\xff\xff\xff\xff",
    b"\x00\x00\x00\x00",
    b"\x7f\xff\xff\xff",
];

#[derive(Debug, Clone)]
enum ByteMut {
    Insert(Index, &'static [u8]),
    Delete(Index, usize),
    Flip(Index, u8),
    Set(Index, u8),
    /// Flip a byte among the last 64 (where Parquet and Arrow keep their metadata).
    TailFlip(Index, u8),
    Truncate(Index),
}

fn byte_mut() -> BoxedStrategy<ByteMut> {
    prop_oneof![
        3 => (any::<Index>(), prop::sample::select(SNIPPETS)).prop_map(|(i, s)| ByteMut::Insert(i, s)),
        1 => (any::<Index>(), 1usize..8).prop_map(|(i, n)| ByteMut::Delete(i, n)),
        3 => (any::<Index>(), 1u8..=255).prop_map(|(i, x)| ByteMut::Flip(i, x)),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(i, x)| ByteMut::Set(i, x)),
        3 => (any::<Index>(), 1u8..=255).prop_map(|(i, x)| ByteMut::TailFlip(i, x)),
        1 => any::<Index>().prop_map(ByteMut::Truncate),
    ]
    .boxed()
}

fn damage(b: &mut Vec<u8>, m: &ByteMut) {
    let n = b.len();
    match m {
        ByteMut::Insert(i, s) => {
            let p = i.index(n + 1);
            b.splice(p..p, s.iter().copied());
        }
        ByteMut::Delete(i, k) => {
            if let Some(p) = at(i, n) {
                b.drain(p..(p + k).min(n));
            }
        }
        ByteMut::Flip(i, x) => {
            if let Some(p) = at(i, n) {
                b[p] ^= x;
            }
        }
        ByteMut::Set(i, x) => {
            if let Some(p) = at(i, n) {
                b[p] = *x;
            }
        }
        ByteMut::TailFlip(i, x) => {
            if let Some(k) = at(i, n.min(64)) {
                b[n - 1 - k] ^= x;
            }
        }
        ByteMut::Truncate(i) => b.truncate(i.index(n + 1)),
    }
}

fn byte_muts() -> BoxedStrategy<Vec<ByteMut>> {
    prop_oneof![
        4 => Just(Vec::new()),
        1 => prop::collection::vec(byte_mut(), 1..4),
    ]
    .boxed()
}

/// What becomes of a file as a whole.
#[derive(Debug, Clone)]
enum Form {
    Normal,
    Missing,
    Empty,
    HeaderOnly,
    Random(Vec<u8>),
}

fn form() -> BoxedStrategy<Form> {
    prop_oneof![
        60 => Just(Form::Normal),
        1 => Just(Form::Missing),
        2 => Just(Form::Empty),
        2 => Just(Form::HeaderOnly),
        2 => prop::collection::vec(any::<u8>(), 0..300).prop_map(Form::Random),
    ]
    .boxed()
}

#[derive(Debug, Clone)]
struct CsvFile {
    table: Table,
    muts: Vec<TableMut>,
    style: CsvStyle,
    bytes: Vec<ByteMut>,
    form: Form,
}

fn csv_file(name: &'static str, rows: Range<usize>) -> BoxedStrategy<CsvFile> {
    (
        table(name, rows),
        table_muts(),
        csv_style(),
        byte_muts(),
        form(),
    )
        .prop_map(|(table, muts, style, bytes, form)| CsvFile {
            table,
            muts,
            style,
            bytes,
            form,
        })
        .boxed()
}

impl CsvFile {
    /// The file with its valid rows and headers, as written.
    fn undamaged(&self) -> CsvFile {
        CsvFile {
            muts: Vec::new(),
            bytes: Vec::new(),
            form: Form::Normal,
            ..self.clone()
        }
    }

    /// The file's bytes (None: no file), with `delim` as the field separator.
    fn render(&self, delim: u8) -> Option<Vec<u8>> {
        let t = mutated(&self.table, &self.muts);
        let mut b = match &self.form {
            Form::Missing => return None,
            Form::Empty => Vec::new(),
            Form::Random(r) => r.clone(),
            Form::HeaderOnly => to_csv(&t, delim, &self.style, true),
            Form::Normal => to_csv(&t, delim, &self.style, false),
        };
        for m in &self.bytes {
            damage(&mut b, m);
        }
        Some(b)
    }
}

fn optional_tables<T: std::fmt::Debug + 'static>(
    f: impl Fn(&'static str, Range<usize>) -> BoxedStrategy<T>,
) -> BoxedStrategy<Vec<Option<T>>> {
    vec![
        prop::option::weighted(0.25, f("partner_products", 0..6)),
        prop::option::weighted(0.2, f("products", 0..5)),
        prop::option::weighted(0.2, f("customers", 0..6)),
    ]
    .boxed()
}

fn write(dir: &Path, file: &str, bytes: &[u8]) {
    std::fs::write(dir.join(file), bytes).unwrap();
}

// ---------------------------------------------------------------------------------------
// Test 1: CSV readers with the contract's settings.

/// One fuzz case: the three required tables, the optional ones, and the mode. `F` is
/// how a file is written ([`CsvFile`] or [`TypedFile`]).
#[derive(Debug, Clone)]
struct Case<F> {
    /// Otherwise every file keeps its valid headers and rows (rare weird values aside),
    /// so that many cases get past validation into `build`.
    damaged: bool,
    files: Vec<F>,
    optional: Vec<Option<F>>,
    skip_invalid: bool,
}

/// Cases whose files are drawn by `file` (`csv_file` or `typed_file`).
fn case<F: std::fmt::Debug + Clone + 'static>(
    file: fn(&'static str, Range<usize>) -> BoxedStrategy<F>,
) -> BoxedStrategy<Case<F>> {
    (
        vec![
            file("partners", 2..8),
            file("deals", 2..10),
            file("deal_partners", 0..12),
        ],
        optional_tables(file),
        any::<bool>(),
        prop::bool::weighted(0.65),
    )
        .prop_map(|(files, optional, skip_invalid, damaged)| Case {
            damaged,
            files,
            optional,
            skip_invalid,
        })
        .boxed()
}

#[test]
fn fuzz_csv_readers() {
    let settings = Settings::contract();
    fuzz("fuzz_csv_readers", case(csv_file), |case, dir| {
        for f in case.files.iter().chain(case.optional.iter().flatten()) {
            let f = if case.damaged { f } else { &f.undamaged() };
            if let Some(b) = f.render(b',') {
                write(dir, &format!("{}.csv", f.table.name), &b);
            }
        }
        check_dir(dir, &settings, case.skip_invalid)
    });
}

// ---------------------------------------------------------------------------------------
// Test 2: Parquet and Arrow IPC readers.

#[derive(Debug, Clone)]
enum ColType {
    Utf8,
    LargeUtf8,
    Utf8View,
    Int64,
    Int32,
    UInt64,
    Int8,
    Float64,
    Float32,
    Boolean,
    Date32,
    Date64,
    Timestamp(TimeUnit, Option<String>),
    Null,
    ListUtf8,
    ListInt64,
    Decimal128(u8, i8),
    Binary,
    DictUtf8,
    Struct,
    Duration,
    Time32,
}

fn col_type() -> BoxedStrategy<ColType> {
    let unit = prop_oneof![
        Just(TimeUnit::Second),
        Just(TimeUnit::Millisecond),
        Just(TimeUnit::Microsecond),
        Just(TimeUnit::Nanosecond),
    ];
    let tz = prop_oneof![
        4 => Just(None),
        2 => Just(Some("UTC".to_string())),
        1 => prop::sample::select(&[
            "+02:00", "-05:30", "Europe/Berlin", "America/New_York", "Foo/Bar", "", "+25:00",
            "Z", "utc", "+0200", "Etc/GMT+12",
        ][..])
        .prop_map(|s| Some(s.to_string())),
        1 => "(?s).{0,6}".prop_map(Some),
    ];
    prop_oneof![
        16 => Just(ColType::Utf8),
        1 => Just(ColType::LargeUtf8),
        1 => Just(ColType::Utf8View),
        3 => Just(ColType::Int64),
        1 => Just(ColType::Int32),
        1 => Just(ColType::UInt64),
        1 => Just(ColType::Int8),
        2 => Just(ColType::Float64),
        1 => Just(ColType::Float32),
        1 => Just(ColType::Boolean),
        2 => Just(ColType::Date32),
        1 => Just(ColType::Date64),
        3 => (unit, tz).prop_map(|(u, z)| ColType::Timestamp(u, z)),
        1 => Just(ColType::Null),
        1 => Just(ColType::ListUtf8),
        1 => Just(ColType::ListInt64),
        1 => (1u8..=38, -4i8..=12).prop_map(|(p, s)| ColType::Decimal128(p, s)),
        1 => Just(ColType::Binary),
        1 => Just(ColType::DictUtf8),
        1 => Just(ColType::Struct),
        1 => Just(ColType::Duration),
        1 => Just(ColType::Time32),
    ]
    .boxed()
}

/// A column's type: one the contract accepts for the column (most of the time), or any.
#[derive(Debug, Clone)]
enum TypeChoice {
    Proper(u8),
    Any(ColType),
}

fn type_choice() -> BoxedStrategy<TypeChoice> {
    prop_oneof![
        12 => any::<u8>().prop_map(TypeChoice::Proper),
        1 => col_type().prop_map(TypeChoice::Any),
    ]
    .boxed()
}

impl TypeChoice {
    fn resolve(&self, column: &str) -> ColType {
        let k = match self {
            TypeChoice::Any(t) => return t.clone(),
            TypeChoice::Proper(k) => *k as usize,
        };
        let pick = |ts: &[ColType]| ts[k % ts.len()].clone();
        match kind_of(column) {
            Vk::Partner | Vk::Deal | Vk::Customer | Vk::Product => pick(&[
                ColType::Utf8,
                ColType::Utf8,
                ColType::Utf8,
                ColType::LargeUtf8,
                ColType::Utf8View,
            ]),
            Vk::Amount => pick(&[
                ColType::Float64,
                ColType::Float64,
                ColType::Int64,
                ColType::Decimal128(18, 2),
                ColType::Float32,
                ColType::Null,
            ]),
            Vk::Date => pick(&[
                ColType::Date32,
                ColType::Timestamp(TimeUnit::Millisecond, None),
                ColType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
                ColType::Timestamp(TimeUnit::Nanosecond, None),
                ColType::Utf8,
                ColType::Date64,
            ]),
            _ => pick(&[
                ColType::Utf8,
                ColType::Utf8,
                ColType::LargeUtf8,
                ColType::Null,
            ]),
        }
    }
}

#[derive(Debug, Clone)]
struct ParquetOpts {
    row_group: Option<usize>,
    page_rows: Option<usize>,
    dictionary: bool,
    zstd: bool,
    v2: bool,
    statistics: bool,
}

#[derive(Debug, Clone)]
enum Format {
    Csv(CsvStyle),
    Parquet(ParquetOpts),
    ArrowFile,
    ArrowStream,
}

#[derive(Debug, Clone)]
struct TypedFile {
    table: Table,
    muts: Vec<TableMut>,
    format: Format,
    /// Arrow as `.ipc` rather than `.arrow`.
    ipc_ext: bool,
    /// The bytes of one format under another's extension.
    mislabel: bool,
    types: Vec<TypeChoice>,
    /// Utf8 columns: empty strings written as nulls.
    null_empty: bool,
    batches: usize,
    seed: u64,
    bytes: Vec<ByteMut>,
    missing: bool,
}

fn format() -> BoxedStrategy<Format> {
    let pq = (
        prop::option::of(1usize..4),
        prop::option::of(1usize..3),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(row_group, page_rows, dictionary, zstd, v2, statistics)| ParquetOpts {
                row_group,
                page_rows,
                dictionary,
                zstd,
                v2,
                statistics,
            },
        );
    prop_oneof![
        1 => csv_style().prop_map(Format::Csv),
        4 => pq.prop_map(Format::Parquet),
        2 => Just(Format::ArrowFile),
        2 => Just(Format::ArrowStream),
    ]
    .boxed()
}

fn typed_file(name: &'static str, rows: Range<usize>) -> BoxedStrategy<TypedFile> {
    (
        table(name, rows),
        table_muts(),
        format(),
        any::<bool>(),
        prop::bool::weighted(0.03),
        prop::collection::vec(type_choice(), 1..9),
        any::<bool>(),
        1usize..4,
        any::<u64>(),
        prop_oneof![1 => Just(Vec::new()), 1 => prop::collection::vec(byte_mut(), 1..4)],
        prop::bool::weighted(0.01),
    )
        .prop_map(
            |(
                table,
                muts,
                format,
                ipc_ext,
                mislabel,
                types,
                null_empty,
                batches,
                seed,
                bytes,
                missing,
            )| {
                TypedFile {
                    table,
                    muts,
                    format,
                    ipc_ext,
                    mislabel,
                    types,
                    null_empty,
                    batches,
                    seed,
                    bytes,
                    missing,
                }
            },
        )
        .boxed()
}

/// splitmix64: a value per (seed, row, column) for the non-text column types.
fn mix(seed: u64, row: usize, col: usize) -> u64 {
    let mut z = seed
        .wrapping_add((row as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add((col as u64) << 40);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn int_of(s: &str, h: u64) -> Option<i64> {
    if h.is_multiple_of(16) {
        return Some(
            [
                i64::MIN,
                i64::MAX,
                0,
                -1,
                i64::MIN + 1,
                1 << 53,
                1_000_000_000_000_000,
                1_000_000_000_000_001,
            ][(h >> 8) as usize % 8],
        );
    }
    if s.is_empty() {
        return None;
    }
    s.parse().ok().or_else(|| {
        let digits: String = s.chars().filter(char::is_ascii_digit).take(18).collect();
        digits.parse().ok().or(Some((h >> 4) as i64 % 1000))
    })
}

fn float_of(s: &str, h: u64) -> Option<f64> {
    if h.is_multiple_of(16) {
        return Some(
            [
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                -0.0,
                f64::MAX,
                5e-324,
                -1.5,
                1.7e308,
                1e308,
                1e15,
                1.000_000_000_000_000_2e15,
            ][(h >> 8) as usize % 11],
        );
    }
    if s.is_empty() {
        return None;
    }
    Some(s.parse().unwrap_or((h >> 11) as f64 / 1e6))
}

/// Milliseconds of an ISO date at the start of `s`, or an extreme value now and then.
fn ms_of(s: &str, h: u64) -> Option<i64> {
    if h.is_multiple_of(12) {
        return Some(
            [
                i64::MIN,
                i64::MAX,
                0,
                -1,
                253_402_300_800_000,
                -62_135_596_800_000,
            ][(h >> 8) as usize % 6],
        );
    }
    let d = chrono::NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()?;
    Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis())
}

fn column(ty: &ColType, cells: &[&str], null_empty: bool, seed: u64, col: usize) -> ArrayRef {
    let n = cells.len();
    let h = |r: usize| mix(seed, r, col);
    let text: Vec<Option<&str>> = cells
        .iter()
        .map(|s| (!(null_empty && s.is_empty())).then_some(*s))
        .collect();
    let ints: Vec<Option<i64>> = cells
        .iter()
        .enumerate()
        .map(|(r, s)| int_of(s, h(r)))
        .collect();
    let ms: Vec<Option<i64>> = cells
        .iter()
        .enumerate()
        .map(|(r, s)| ms_of(s, h(r)))
        .collect();
    match ty {
        ColType::Utf8 => Arc::new(StringArray::from(text)),
        ColType::LargeUtf8 => Arc::new(LargeStringArray::from(text)),
        ColType::Utf8View => Arc::new(StringViewArray::from(text)),
        ColType::Int64 => Arc::new(Int64Array::from(ints)),
        ColType::Int32 => Arc::new(Int32Array::from(
            ints.iter().map(|v| v.map(|x| x as i32)).collect::<Vec<_>>(),
        )),
        ColType::UInt64 => Arc::new(UInt64Array::from(
            ints.iter().map(|v| v.map(|x| x as u64)).collect::<Vec<_>>(),
        )),
        ColType::Int8 => Arc::new(Int8Array::from(
            ints.iter().map(|v| v.map(|x| x as i8)).collect::<Vec<_>>(),
        )),
        ColType::Float64 => Arc::new(Float64Array::from(
            cells
                .iter()
                .enumerate()
                .map(|(r, s)| float_of(s, h(r)))
                .collect::<Vec<_>>(),
        )),
        ColType::Float32 => Arc::new(Float32Array::from(
            cells
                .iter()
                .enumerate()
                .map(|(r, s)| float_of(s, h(r)).map(|x| x as f32))
                .collect::<Vec<_>>(),
        )),
        ColType::Boolean => Arc::new(BooleanArray::from(
            (0..n)
                .map(|r| (h(r) % 5 != 0).then_some(h(r) % 2 == 0))
                .collect::<Vec<_>>(),
        )),
        ColType::Date32 => Arc::new(Date32Array::from(
            (0..n)
                .map(|r| match h(r) % 10 {
                    0 => Some([i32::MIN, i32::MAX, -719_162, 2_932_896][(h(r) >> 8) as usize % 4]),
                    _ => ms[r].map(|m| m.div_euclid(86_400_000) as i32),
                })
                .collect::<Vec<_>>(),
        )),
        ColType::Date64 => Arc::new(Date64Array::from(ms)),
        ColType::Timestamp(unit, tz) => {
            let scaled = |k: i64| {
                ms.iter()
                    .map(|v| v.map(|x| x.wrapping_mul(k)))
                    .collect::<Vec<_>>()
            };
            match unit {
                TimeUnit::Second => Arc::new(
                    TimestampSecondArray::from(
                        ms.iter().map(|v| v.map(|x| x / 1000)).collect::<Vec<_>>(),
                    )
                    .with_timezone_opt(tz.clone()),
                ),
                TimeUnit::Millisecond => Arc::new(
                    TimestampMillisecondArray::from(scaled(1)).with_timezone_opt(tz.clone()),
                ),
                TimeUnit::Microsecond => Arc::new(
                    TimestampMicrosecondArray::from(scaled(1000)).with_timezone_opt(tz.clone()),
                ),
                TimeUnit::Nanosecond => Arc::new(
                    TimestampNanosecondArray::from(scaled(1_000_000)).with_timezone_opt(tz.clone()),
                ),
            }
        }
        ColType::Null => Arc::new(NullArray::new(n)),
        ColType::ListUtf8 => {
            let mut b = ListBuilder::new(StringBuilder::new());
            for (r, s) in text.iter().enumerate() {
                match s {
                    None => b.append(false),
                    Some(s) => {
                        for _ in 0..h(r) % 3 {
                            b.values().append_value(s);
                        }
                        b.append(true);
                    }
                }
            }
            Arc::new(b.finish())
        }
        ColType::ListInt64 => Arc::new(ListArray::from_iter_primitive::<Int64Type, _, _>(
            ints.iter()
                .enumerate()
                .map(|(r, v)| (h(r) % 7 != 0).then(|| vec![*v; (h(r) % 3) as usize])),
        )),
        ColType::Decimal128(p, s) => {
            let vals: Vec<Option<i128>> = cells
                .iter()
                .enumerate()
                .map(|(r, c)| match h(r) % 8 {
                    0 => Some([i128::MAX, i128::MIN, 10i128.pow(38), -1][(h(r) >> 8) as usize % 4]),
                    _ => float_of(c, h(r)).map(|f| (f * 10f64.powi(i32::from(*s))) as i128),
                })
                .collect();
            let a = Decimal128Array::from(vals);
            match a.clone().with_precision_and_scale(*p, *s) {
                Ok(a) => Arc::new(a),
                Err(_) => Arc::new(a),
            }
        }
        ColType::Binary => Arc::new(BinaryArray::from(
            text.iter()
                .map(|v| v.map(str::as_bytes))
                .collect::<Vec<_>>(),
        )),
        ColType::DictUtf8 => Arc::new(text.iter().copied().collect::<DictionaryArray<Int32Type>>()),
        ColType::Struct => {
            let child: ArrayRef = Arc::new(StringArray::from(text));
            Arc::new(StructArray::from(vec![(
                Arc::new(Field::new("v", arrow::datatypes::DataType::Utf8, true)),
                child,
            )]))
        }
        ColType::Duration => Arc::new(DurationMillisecondArray::from(ints)),
        ColType::Time32 => Arc::new(Time32SecondArray::from(
            ints.iter().map(|v| v.map(|x| x as i32)).collect::<Vec<_>>(),
        )),
    }
}

/// The table as record batches (rows padded or cut to the header's width).
fn batches(f: &TypedFile, t: &Table) -> Result<(Arc<Schema>, Vec<RecordBatch>), String> {
    let nc = t.header.len();
    let rows: Vec<Vec<&str>> = t
        .rows
        .iter()
        .map(|r| {
            (0..nc)
                .map(|c| r.get(c).map_or("", String::as_str))
                .collect()
        })
        .collect();
    let parts = f.batches.min(rows.len()).max(1);
    let per = rows.len().div_ceil(parts).max(1);
    let mut schema = None;
    let mut out = Vec::new();
    let chunks: Vec<&[Vec<&str>]> = if rows.is_empty() {
        vec![&[]]
    } else {
        rows.chunks(per).collect()
    };
    for (k, chunk) in chunks.into_iter().enumerate() {
        let mut fields = Vec::new();
        let mut arrays = Vec::new();
        for c in 0..nc {
            let cells: Vec<&str> = chunk.iter().map(|r| r[c]).collect();
            let a = column(
                &f.types[c % f.types.len()].resolve(&t.header[c]),
                &cells,
                f.null_empty,
                f.seed ^ k as u64,
                c,
            );
            fields.push(Field::new(t.header[c].clone(), a.data_type().clone(), true));
            arrays.push(a);
        }
        let s = schema
            .get_or_insert_with(|| Arc::new(Schema::new(fields)))
            .clone();
        let opts = RecordBatchOptions::new().with_row_count(Some(chunk.len()));
        out.push(RecordBatch::try_new_with_options(s, arrays, &opts).map_err(|e| e.to_string())?);
    }
    Ok((schema.unwrap(), out))
}

fn typed_bytes(f: &TypedFile, t: &Table) -> Result<Vec<u8>, String> {
    let err = |e: &dyn std::fmt::Display| e.to_string();
    if let Format::Csv(style) = &f.format {
        return Ok(to_csv(t, b',', style, false));
    }
    let (schema, bs) = batches(f, t)?;
    let mut buf = Vec::new();
    match &f.format {
        Format::Csv(_) => unreachable!(),
        Format::Parquet(o) => {
            use parquet::basic::{Compression, ZstdLevel};
            use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};
            let mut p = WriterProperties::builder()
                .set_max_row_group_row_count(o.row_group)
                .set_dictionary_enabled(o.dictionary)
                .set_compression(if o.zstd {
                    Compression::ZSTD(ZstdLevel::default())
                } else {
                    Compression::UNCOMPRESSED
                })
                .set_writer_version(if o.v2 {
                    WriterVersion::PARQUET_2_0
                } else {
                    WriterVersion::PARQUET_1_0
                })
                .set_statistics_enabled(if o.statistics {
                    EnabledStatistics::Page
                } else {
                    EnabledStatistics::None
                });
            if let Some(n) = o.page_rows {
                p = p.set_data_page_row_count_limit(n).set_write_batch_size(n);
            }
            let mut w = parquet::arrow::ArrowWriter::try_new(&mut buf, schema, Some(p.build()))
                .map_err(|e| err(&e))?;
            for b in &bs {
                w.write(b).map_err(|e| err(&e))?;
            }
            w.close().map_err(|e| err(&e))?;
        }
        Format::ArrowFile => {
            let mut w =
                arrow::ipc::writer::FileWriter::try_new(&mut buf, &schema).map_err(|e| err(&e))?;
            for b in &bs {
                w.write(b).map_err(|e| err(&e))?;
            }
            w.finish().map_err(|e| err(&e))?;
        }
        Format::ArrowStream => {
            let mut w = arrow::ipc::writer::StreamWriter::try_new(&mut buf, &schema)
                .map_err(|e| err(&e))?;
            for b in &bs {
                w.write(b).map_err(|e| err(&e))?;
            }
            w.finish().map_err(|e| err(&e))?;
        }
    }
    Ok(buf)
}

impl TypedFile {
    /// The file with valid headers and rows and contract-typed columns, undamaged.
    fn undamaged(&self) -> TypedFile {
        TypedFile {
            muts: Vec::new(),
            bytes: Vec::new(),
            mislabel: false,
            missing: false,
            types: self
                .types
                .iter()
                .map(|t| match t {
                    TypeChoice::Any(_) => TypeChoice::Proper(0),
                    t => t.clone(),
                })
                .collect(),
            ..self.clone()
        }
    }

    /// Writes the file; `Err` when arrow or parquet refuse to write the generated table
    /// (the harness's limit, not ecograph's).
    fn write(&self, dir: &Path) -> Result<(), String> {
        if self.missing {
            return Ok(());
        }
        let t = mutated(&self.table, &self.muts);
        // arrow-rs is not under test: a panic there only means this table cannot be written.
        let made = panic::catch_unwind(AssertUnwindSafe(|| typed_bytes(self, &t)))
            .map_err(|p| format!("writer panicked: {}", payload_text(&*p)))??;
        let mut bytes = made;
        for m in &self.bytes {
            damage(&mut bytes, m);
        }
        let ext = match (&self.format, self.mislabel) {
            (Format::Csv(_), false) => "csv",
            (Format::Parquet(_), false) | (Format::Csv(_), true) => "parquet",
            (Format::Parquet(_), true) => "arrow",
            (_, true) => "parquet",
            (_, false) if self.ipc_ext => "ipc",
            (_, false) => "arrow",
        };
        write(dir, &format!("{}.{ext}", t.name), &bytes);
        Ok(())
    }
}

static UNWRITABLE: AtomicU64 = AtomicU64::new(0);

#[test]
fn fuzz_parquet_arrow_readers() {
    let settings = Settings::contract();
    fuzz(
        "fuzz_parquet_arrow_readers",
        case(typed_file),
        |case, dir| {
            for f in case.files.iter().chain(case.optional.iter().flatten()) {
                let f = if case.damaged { f } else { &f.undamaged() };
                if f.write(dir).is_err() {
                    // The table stays absent: still a case (a missing table).
                    UNWRITABLE.fetch_add(1, Ordering::Relaxed);
                }
            }
            check_dir(dir, &settings, case.skip_invalid)
        },
    );
    eprintln!(
        "fuzz: fuzz_parquet_arrow_readers: {} generated tables arrow/parquet could not write (left absent)",
        UNWRITABLE.load(Ordering::Relaxed)
    );
}

// ---------------------------------------------------------------------------------------
// Test 3: the config parser, then the resolved settings on a matching (or not) input.

#[derive(Debug, Clone)]
enum Tv {
    Str(String),
    /// Put between quotes unescaped (breaks the syntax now and then).
    Raw(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Arr(Vec<Tv>),
    Inline(Vec<(String, Tv)>),
    Date,
    Nothing,
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        k.to_string()
    } else {
        toml_str(k)
    }
}

impl Tv {
    fn render(&self) -> String {
        match self {
            Tv::Str(s) => toml_str(s),
            Tv::Raw(s) => format!("\"{s}\""),
            Tv::Int(i) => i.to_string(),
            Tv::Float(f) if f.is_nan() => "nan".into(),
            Tv::Float(f) if f.is_infinite() => if *f > 0.0 { "inf" } else { "-inf" }.into(),
            Tv::Float(f) => format!("{f:?}"),
            Tv::Bool(b) => b.to_string(),
            Tv::Arr(v) => format!(
                "[{}]",
                v.iter().map(Tv::render).collect::<Vec<_>>().join(", ")
            ),
            Tv::Inline(v) => format!(
                "{{ {} }}",
                v.iter()
                    .map(|(k, v)| format!("{} = {}", key(k), v.render()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Tv::Date => "1979-05-27T07:32:00Z".into(),
            Tv::Nothing => String::new(),
        }
    }
}

/// A value of any type (mostly the wrong one for the key).
fn any_tv() -> BoxedStrategy<Tv> {
    let leaf = prop_oneof![
        4 => "(?s).{0,8}".prop_map(Tv::Str),
        1 => "(?s).{0,6}".prop_map(Tv::Raw),
        2 => any::<i64>().prop_map(Tv::Int),
        1 => any::<f64>().prop_map(Tv::Float),
        2 => any::<bool>().prop_map(Tv::Bool),
        1 => Just(Tv::Date),
        1 => Just(Tv::Nothing),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Tv::Arr),
            prop::collection::vec(("[a-z_]{1,8}", inner), 0..3).prop_map(Tv::Inline),
        ]
    })
    .boxed()
}

/// A string from `choices` or any string, else a value of another type.
fn str_tv(choices: &'static [&'static str]) -> BoxedStrategy<Tv> {
    prop_oneof![
        10 => prop::sample::select(choices).prop_map(|s| Tv::Str(s.to_string())),
        2 => "(?s).{0,8}".prop_map(Tv::Str),
        1 => any_tv(),
    ]
    .boxed()
}

fn str_list_tv(choices: &'static [&'static str]) -> BoxedStrategy<Tv> {
    prop_oneof![
        10 => prop::collection::vec(
            prop_oneof![6 => prop::sample::select(choices).prop_map(str::to_string), 1 => "(?s).{0,8}"],
            0..4
        )
        .prop_map(|v| Tv::Arr(v.into_iter().map(Tv::Str).collect())),
        1 => any_tv(),
    ]
    .boxed()
}

/// The contract's table names, then near misses.
static TABLE_NAMES: LazyLock<Vec<&str>> = LazyLock::new(|| {
    TABLES
        .iter()
        .map(|t| t.name)
        .chain(["partner", "Deals", ""])
        .collect()
});
/// Every contract column name once, in contract order, then a typo and the empty name.
static COLUMN_NAMES: LazyLock<Vec<&str>> = LazyLock::new(|| {
    let mut names: Vec<&str> = Vec::new();
    for c in TABLES.iter().flat_map(|t| t.columns) {
        if !names.contains(&c.name) {
            names.push(c.name);
        }
    }
    names.extend(["amont", ""]);
    names
});
const USER_COLUMNS: &[&str] = &[
    "Opportunity ID",
    "Account",
    "Amount",
    "Stage",
    "Close Date",
    "partner_id",
    "deal_id",
    "name",
    "amount",
    " id ",
    "ID",
    "a,b",
    "a\"b",
    "a\nb",
    "\u{feff}x",
    "",
    "Associated Company IDs",
];
const FILE_NAMES: &[&str] = &[
    "partners.csv",
    "Opps.csv",
    "deals.parquet",
    "x.arrow",
    "links.ipc",
    "data.txt",
    "noext",
    "partners.CSV",
    "sub/dir.csv",
    "../x.csv",
    "/dev/null",
    ".",
    "",
    " ",
];
const WORD_KEYS: &[&str] = &[
    "won",
    "lost",
    "open",
    "sourced",
    "influenced",
    "resell",
    "reseller",
    "NA",
    "gold",
    "win",
    "",
];
const USER_WORDS: &[&str] = &[
    "Closed Won",
    "Closed Lost",
    "Prospecting",
    "won",
    "WON",
    "Won ",
    "Partner Sourced",
    "VAR",
    "North America",
    "",
    " ",
];
const DATE_TOKENS: &[&str] = &[
    "%Y", "%m", "%d", "%e", "%H", "%M", "%S", "%F", "%D", "%T", "%.3f", "%.f", "%f", "%z", "%:z",
    "%#z", "%Z", "%s", "%j", "%b", "%B", "%y", "%C", "%%", "%", "%-d", "%_m", "%0e", "%+", "%c",
    "%p", "%I", "%a", "%A", "%u", "%U", "%G", "%V", "%n", "%t", "%3f", "%:::z", "/", "-", ".", " ",
    "T", ",", "x", "日",
];

#[derive(Debug, Clone)]
struct Section {
    head: String,
    entries: Vec<(String, Tv)>,
}

fn entries(
    keys: &'static [&'static str],
    val: BoxedStrategy<Tv>,
    n: Range<usize>,
) -> BoxedStrategy<Vec<(String, Tv)>> {
    prop::collection::vec(
        (
            prop_oneof![8 => prop::sample::select(keys).prop_map(str::to_string), 1 => "[a-z_]{0,8}"],
            val,
        ),
        n,
    )
    .boxed()
}

fn date_format() -> BoxedStrategy<String> {
    prop::collection::vec(prop::sample::select(DATE_TOKENS), 0..7)
        .prop_map(|v| v.concat())
        .boxed()
}

fn section() -> BoxedStrategy<Section> {
    let sec = |head: BoxedStrategy<String>, e: BoxedStrategy<Vec<(String, Tv)>>| {
        (head, e)
            .prop_map(|(head, entries)| Section { head, entries })
            .boxed()
    };
    let fixed = |h: &'static str| Just(h.to_string()).boxed();
    prop_oneof![
        3 => sec(fixed("files"), entries(&TABLE_NAMES, str_tv(FILE_NAMES), 0..4)),
        4 => sec(
            prop::sample::select(&TABLE_NAMES[..]).prop_map(|t| format!("columns.{}", key(t))).boxed(),
            entries(&COLUMN_NAMES, str_tv(USER_COLUMNS), 0..4),
        ),
        4 => sec(
            prop::sample::select(&["stage", "role", "partner_type", "tier", "region", "segment"][..])
                .prop_map(|k| format!("values.{k}"))
                .boxed(),
            entries(WORD_KEYS, str_list_tv(USER_WORDS), 0..4),
        ),
        1 => sec(fixed("matching"), entries(&["vocabulary"], str_tv(&["loose", "exact", "fuzzy", "", "Exact"]), 0..2)),
        3 => sec(
            fixed("csv"),
            prop::collection::vec(
                prop_oneof![
                    3 => str_tv(&[",", ";", "\t", "|", " ", "::", "\"", "\n", "\r", "é", "\0", "", "a", "#", "'"])
                        .prop_map(|v| ("delimiter".to_string(), v)),
                    1 => prop_oneof![4 => any::<bool>().prop_map(Tv::Bool), 1 => any_tv()]
                        .prop_map(|v| ("skip_empty_rows".to_string(), v)),
                    1 => ("[a-z_]{0,8}", any_tv()),
                ],
                0..3,
            )
            .boxed(),
        ),
        3 => sec(
            fixed("numbers"),
            prop::collection::vec(
                prop_oneof![
                    2 => str_tv(&[".", ",", ";", "", "·"]).prop_map(|v| ("decimal".to_string(), v)),
                    2 => str_tv(&[",", ".", " ", "'", "_", "\u{a0}", "\u{202f}", "x", ""])
                        .prop_map(|v| ("thousands".to_string(), v)),
                    2 => str_list_tv(&["$", "€", "USD", " ", "1", "-", "EUR ", "£", "", "US$", "e", "E"])
                        .prop_map(|v| ("currency".to_string(), v)),
                    1 => ("[a-z_]{0,8}", any_tv()),
                ],
                0..4,
            )
            .boxed(),
        ),
        3 => sec(
            fixed("dates"),
            prop::collection::vec(
                prop_oneof![
                    6 => date_format().prop_map(|f| ("format".to_string(), Tv::Str(f))),
                    2 => str_tv(&["%m/%d/%Y", "%d.%m.%Y %H:%M", "%d/%m/%Y", "%Y%m%d", "%F %T", "%D"])
                        .prop_map(|v| ("format".to_string(), v)),
                    1 => ("[a-z_]{0,8}", any_tv()),
                ],
                0..2,
            )
            .boxed(),
        ),
        2 => sec(
            fixed("deal_partners"),
            prop::collection::vec(
                prop_oneof![
                    3 => str_tv(&["Associated Company IDs", "partners", "partner_id", "", " "])
                        .prop_map(|v| ("from_deals_column".to_string(), v)),
                    2 => str_tv(&[";", ",", "|", "", " ", ";;", "\n", "\""]).prop_map(|v| ("separator".to_string(), v)),
                    2 => str_tv(&["influenced", "sourced", "Sourced", "boss", ""]).prop_map(|v| ("role".to_string(), v)),
                    1 => ("[a-z_]{0,8}", any_tv()),
                ],
                0..4,
            )
            .boxed(),
        ),
        2 => sec(
            fixed("attribution"),
            prop::collection::vec(
                prop_oneof![
                    3 => config_number().prop_map(|v| ("half_life_days".to_string(), v)),
                    1 => ("[a-z_]{0,8}", any_tv()),
                ],
                0..2,
            )
            .boxed(),
        ),
        2 => sec(
            fixed("attribution.role_weights"),
            entries(&["sourced", "co_sell", "fulfilled", "influenced", "referral"], config_number(), 0..5),
        ),
        1 => sec("(?s).{0,10}".boxed(), prop::collection::vec(("(?s).{0,6}", any_tv()), 0..3).boxed()),
    ]
    .boxed()
}

/// A number for a numeric config key: ordinary, at the edges of f64 and of the bounds
/// (weights and half-life at most 1e6), or a value of another type.
fn config_number() -> BoxedStrategy<Tv> {
    prop_oneof![
        4 => (0u32..100).prop_map(|v| Tv::Float(f64::from(v) / 10.0)),
        4 => prop::sample::select(
            &[
                1.7e308, 1e308, -1.7e308, f64::MAX, 1e6, 1_000_000.5, 1e15, 0.0, -0.0, 5e-324,
                f64::MIN_POSITIVE, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, -1.0,
            ][..],
        )
        .prop_map(Tv::Float),
        1 => any::<i64>().prop_map(Tv::Int),
        1 => any_tv(),
    ]
    .boxed()
}

/// Configs like real ones (valid keys and values, mostly), so that the settings they
/// declare drive validation: number and date formats, delimiters, words, links.
fn sane_config() -> BoxedStrategy<Vec<Section>> {
    let one = |k: &'static str, vs: &'static [&'static str]| {
        prop::sample::select(vs).prop_map(move |v| (k.to_string(), Tv::Str(v.to_string())))
    };
    let list = |k: &'static str, vs: &'static [&'static str]| {
        prop::sample::subsequence(vs, 0..=vs.len()).prop_map(move |v| {
            (
                k.to_string(),
                Tv::Arr(v.into_iter().map(|s| Tv::Str(s.to_string())).collect()),
            )
        })
    };
    let sec = |head: &'static str, e: BoxedStrategy<Vec<(String, Tv)>>| {
        e.prop_map(move |entries| Section {
            head: head.to_string(),
            entries,
        })
        .boxed()
    };
    // A section of the one entry `e` draws.
    let sec_of_one = |head: &'static str, e: BoxedStrategy<(String, Tv)>| {
        sec(head, e.prop_map(|e| vec![e]).boxed())
    };
    // A section of some of the (key, text) entries `kv`, in their order.
    let sec_of_some = |head: &'static str, kv: &'static [(&'static str, &'static str)]| {
        sec(
            head,
            prop::sample::subsequence(kv, 0..=kv.len())
                .prop_map(|v| {
                    v.into_iter()
                        .map(|(k, u)| (k.to_string(), Tv::Str(u.to_string())))
                        .collect()
                })
                .boxed(),
        )
    };
    let csv = sec(
        "csv",
        (one("delimiter", &[",", ";", "\t", "|"]), any::<bool>())
            .prop_map(|(d, skip)| vec![d, ("skip_empty_rows".to_string(), Tv::Bool(skip))])
            .boxed(),
    );
    let numbers = sec(
        "numbers",
        (
            one("decimal", &[".", ","]),
            prop::option::of(one(
                "thousands",
                &[",", ".", " ", "'", "_", "\u{a0}", "\u{202f}"],
            )),
            list("currency", &["$", "€", "USD", "£", "US$", "EUR"]),
        )
            .prop_map(|(d, t, c)| {
                let mut v = vec![d];
                v.extend(t);
                v.push(c);
                v
            })
            .boxed(),
    );
    let dates = sec_of_one(
        "dates",
        one(
            "format",
            &[
                "%m/%d/%Y",
                "%d.%m.%Y",
                "%d/%m/%Y %H:%M",
                "%Y%m%d",
                "%e %b %Y",
                "%d-%m-%Y %H:%M:%S",
                "%D",
                "%F",
                "%Y-%m-%dT%H:%M:%S%.3f",
                "%d %B %Y",
                "%m/%d/%y",
            ],
        )
        .boxed(),
    );
    let stage = sec(
        "values.stage",
        (
            list("won", &["Closed Won", "Won ✓"]),
            list("lost", &["Closed Lost"]),
            list(
                "open",
                &["Prospecting", "Qualification", "Negotiation/Review"],
            ),
        )
            .prop_map(|(a, b, c)| vec![a, b, c])
            .boxed(),
    );
    let role = sec_of_one(
        "values.role",
        list("sourced", &["Partner Sourced", "Reseller"]).boxed(),
    );
    let region = sec_of_one(
        "values.region",
        list("NA", &["North America", "US", "Canada"]).boxed(),
    );
    let columns = sec_of_some(
        "columns.deals",
        &[
            ("deal_id", "Opportunity ID"),
            ("amount", "Opportunity Amount"),
            ("stage", "Stage"),
            ("created_at", "Created Date"),
            ("closed_at", "Close Date"),
        ],
    );
    let files = sec_of_some(
        "files",
        &[
            ("deals", "Opportunities.csv"),
            ("partners", "Accounts.csv"),
            ("deal_partners", "links.txt"),
        ],
    );
    let links = sec(
        "deal_partners",
        (
            one("from_deals_column", &["Associated Company IDs", "Partners"]),
            one("separator", &[";", "|", " ", ", "]),
            prop::option::of(one("role", &["influenced", "sourced", "referral"])),
        )
            .prop_map(|(c, s, r)| {
                let mut v = vec![c, s];
                v.extend(r);
                v
            })
            .boxed(),
    );
    (
        prop::option::weighted(0.5, csv),
        prop::option::weighted(0.6, numbers),
        prop::option::weighted(0.6, dates),
        prop::option::weighted(0.4, stage),
        prop::option::weighted(0.2, role),
        prop::option::weighted(0.2, region),
        prop::option::weighted(0.3, columns),
        prop::option::weighted(0.2, files),
        prop::option::weighted(0.2, links),
    )
        .prop_map(|(a, b, c, d, e, f, g, h, i)| {
            [a, b, c, d, e, f, g, h, i].into_iter().flatten().collect()
        })
        .boxed()
}

#[derive(Debug, Clone)]
enum ConfigText {
    Sections(Vec<Section>),
    Bytes(Vec<u8>),
}

impl ConfigText {
    fn render(&self, damage_with: &[ByteMut]) -> String {
        let mut b = match self {
            ConfigText::Bytes(b) => b.clone(),
            ConfigText::Sections(ss) => {
                let mut s = String::new();
                for sec in ss {
                    let head =
                        if sec.head.starts_with("columns.") || sec.head.starts_with("values.") {
                            sec.head.clone()
                        } else {
                            key(&sec.head)
                        };
                    let _ = writeln!(s, "[{head}]");
                    for (k, v) in &sec.entries {
                        let _ = writeln!(s, "{} = {}", key(k), v.render());
                    }
                }
                s.into_bytes()
            }
        };
        for m in damage_with {
            damage(&mut b, m);
        }
        String::from_utf8_lossy(&b).into_owned()
    }
}

#[derive(Debug, Clone)]
struct OverridesGen {
    delimiter: Option<String>,
    decimal: Option<String>,
    thousands: Option<String>,
    currency: Vec<String>,
    date_format: Option<String>,
    exact: bool,
}

fn overrides() -> BoxedStrategy<Option<OverridesGen>> {
    let s = |c: &'static [&'static str]| {
        prop::option::weighted(
            0.3,
            prop_oneof![4 => prop::sample::select(c).prop_map(str::to_string), 1 => "(?s).{0,3}"],
        )
    };
    prop::option::weighted(
        0.3,
        (
            s(&[";", "\t", "|", ",", "::"]),
            s(&[",", ".", ";"]),
            s(&[".", ",", " ", "'", "x"]),
            prop::collection::vec(
                prop::sample::select(&["$", "€", "USD", "1"][..]).prop_map(str::to_string),
                0..2,
            ),
            prop::option::weighted(0.3, date_format()),
            prop::bool::weighted(0.2),
        )
            .prop_map(
                |(delimiter, decimal, thousands, currency, date_format, exact)| OverridesGen {
                    delimiter,
                    decimal,
                    thousands,
                    currency,
                    date_format,
                    exact,
                },
            ),
    )
    .boxed()
}

/// How the input of a config case follows the config.
#[derive(Debug, Clone)]
struct Follow {
    delimiter: bool,
    names: bool,
    files: bool,
    numbers: bool,
    dates: bool,
    words: bool,
}

#[derive(Debug, Clone)]
struct ConfigCase {
    text: ConfigText,
    text_damage: Vec<ByteMut>,
    overrides: Option<OverridesGen>,
    tables: Vec<(Table, Vec<TableMut>)>,
    style: CsvStyle,
    follow: Follow,
    skip_invalid: bool,
}

fn config_case() -> BoxedStrategy<ConfigCase> {
    let text = prop_oneof![
        8 => prop::collection::vec(section(), 0..7).prop_map(ConfigText::Sections),
        6 => sane_config().prop_map(ConfigText::Sections),
        1 => prop::collection::vec(any::<u8>(), 0..300).prop_map(ConfigText::Bytes),
    ];
    let t = |name, rows| {
        (
            table(name, rows),
            prop_oneof![3 => Just(Vec::new()), 1 => prop::collection::vec(table_mut(), 1..3)],
        )
    };
    let w = || prop::bool::weighted(0.85);
    (
        text,
        prop_oneof![6 => Just(Vec::new()), 1 => prop::collection::vec(byte_mut(), 1..3)],
        overrides(),
        vec![
            t("partners", 2..6),
            t("deals", 2..7),
            t("deal_partners", 0..8),
        ],
        csv_style(),
        (w(), w(), w(), w(), w(), w()).prop_map(
            |(delimiter, names, files, numbers, dates, words)| Follow {
                delimiter,
                names,
                files,
                numbers,
                dates,
                words,
            },
        ),
        any::<bool>(),
    )
        .prop_map(
            |(text, text_damage, overrides, tables, style, follow, skip_invalid)| ConfigCase {
                text,
                text_damage,
                overrides,
                tables,
                style,
                follow,
                skip_invalid,
            },
        )
        .boxed()
}

/// A file name that stays inside the input folder.
fn safe_name(n: &str) -> bool {
    !n.is_empty() && n.len() < 100 && n != "." && n != ".." && !n.contains(['/', '\\', '\0'])
}

/// `12345.67` in the config's number format.
fn format_amount(
    s: &str,
    decimal: char,
    thousands: Option<char>,
    currency: Option<&str>,
    h: u64,
) -> String {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return s.to_string();
    }
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0
            && (int.len() - i) % 3 == 0
            && let Some(t) = thousands
        {
            out.push(t);
        }
        out.push(ch);
    }
    if !frac.is_empty() {
        out.push(decimal);
        out.push_str(frac);
    }
    match currency {
        Some(c) if h.is_multiple_of(2) => format!("{c}{out}"),
        Some(c) => format!("{out} {c}"),
        None => out,
    }
}

/// An ISO date (prefix of `s`) in `fmt`; `s` unchanged when chrono cannot format it.
fn format_date(s: &str, fmt: &str) -> String {
    let Some(d) = s
        .get(..10)
        .and_then(|p| chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d").ok())
    else {
        return s.to_string();
    };
    let dt = d.and_hms_opt(9, 30, 0).unwrap();
    let mut out = String::new();
    match write!(out, "{}", dt.format(fmt)) {
        Ok(()) => out,
        Err(_) => s.to_string(),
    }
}

impl ConfigCase {
    fn overrides(&self) -> Overrides {
        match &self.overrides {
            None => Overrides::default(),
            Some(o) => Overrides {
                delimiter: o.delimiter.clone(),
                decimal: o.decimal.clone(),
                thousands: o.thousands.clone(),
                currency: o.currency.clone(),
                date_format: o.date_format.clone(),
                exact_vocabulary: o.exact,
            },
        }
    }

    /// Writes an input for `cfg` (with overrides `o`, which resolved).
    fn write_input(&self, dir: &Path, cfg: &Config, o: &Overrides) {
        let f = &self.follow;
        let delim = o
            .delimiter
            .as_ref()
            .unwrap_or(&cfg.csv.delimiter)
            .bytes()
            .next()
            .unwrap_or(b',');
        let delim = if f.delimiter { delim } else { b',' };
        let decimal = o
            .decimal
            .as_ref()
            .or(cfg.numbers.decimal.as_ref())
            .and_then(|d| d.chars().next())
            .unwrap_or('.');
        let thousands = o
            .thousands
            .as_ref()
            .or(cfg.numbers.thousands.as_ref())
            .and_then(|d| d.chars().next());
        let currency = if o.currency.is_empty() {
            &cfg.numbers.currency
        } else {
            &o.currency
        };
        let date_fmt = o.date_format.as_ref().or(cfg.dates.format.as_ref());
        let links = cfg.deal_partners.as_ref();
        let stage_words: Vec<&String> = cfg.values.stage.values().flatten().collect();
        let tables: Vec<Table> = self.tables.iter().map(|(t, m)| mutated(t, m)).collect();
        for i in 0..tables.len() {
            let mut t = tables[i].clone();
            let name = t.name;
            if name == "deal_partners" && links.is_some() && f.names {
                continue; // links come from the deals column
            }
            let columns: Vec<String> = t.header.clone();
            for (c, col) in columns.iter().enumerate() {
                for (r, row) in t.rows.iter_mut().enumerate() {
                    let Some(v) = row.get_mut(c) else { continue };
                    let h = mix(r as u64, c, i);
                    match kind_of(col) {
                        Vk::Amount if f.numbers => {
                            let cur = (!currency.is_empty())
                                .then(|| currency[h as usize % currency.len()].as_str());
                            *v = format_amount(v, decimal, thousands, cur, h);
                        }
                        Vk::Date if f.dates => {
                            if let Some(fmt) = date_fmt {
                                *v = format_date(v, fmt);
                            }
                        }
                        Vk::Stage if f.words && !stage_words.is_empty() => {
                            *v = stage_words[h as usize % stage_words.len()].clone();
                        }
                        _ => {}
                    }
                }
            }
            if name == "deals"
                && let Some(l) = links.filter(|_| f.names)
            {
                let links_t = &tables[2];
                t.header.push(l.from_deals_column.clone());
                for row in &mut t.rows {
                    let id = row.first().cloned().unwrap_or_default();
                    let ids: Vec<&str> = links_t
                        .rows
                        .iter()
                        .filter(|lr| lr.first() == Some(&id))
                        .filter_map(|lr| lr.get(1).map(String::as_str))
                        .collect();
                    row.push(ids.join(&l.separator));
                }
            }
            if f.names {
                for h in &mut t.header {
                    if let Some(u) = cfg.mapped_column(name, h) {
                        *h = u.to_string();
                    }
                }
            }
            let file = match cfg.file_name(name) {
                Some(n) if f.files && safe_name(n) => n.to_string(),
                _ => format!("{name}.csv"),
            };
            write(dir, &file, &to_csv(&t, delim, &self.style, false));
        }
    }
}

static RESOLVED: AtomicU64 = AtomicU64::new(0);

#[test]
fn fuzz_config_parser() {
    fuzz("fuzz_config_parser", config_case(), |case, dir| {
        let text = case.text.render(&case.text_damage);
        let path = Path::new("fuzz.toml");
        let Ok(cfg) = guarded("Config::from_toml", || Config::from_toml(&text, path))? else {
            return Ok(());
        };
        let _ = guarded("Config::resolve (no overrides)", || {
            cfg.resolve(&Overrides::default())
        })?;
        let o = case.overrides();
        let Ok(settings) = guarded("Config::resolve", || cfg.resolve(&o))? else {
            return Ok(());
        };
        RESOLVED.fetch_add(1, Ordering::Relaxed);
        case.write_input(dir, &cfg, &o);
        std::fs::write(dir.join("fuzz.toml"), &text).unwrap();
        check_dir(dir, &settings, case.skip_invalid)
    });
    eprintln!(
        "fuzz: fuzz_config_parser: {} configs resolved and were run on an input",
        RESOLVED.load(Ordering::Relaxed)
    );
}
