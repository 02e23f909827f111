//! Typed errors of the library. The binary turns them into readable messages and exit
//! codes (`main.rs`); nothing in the library panics on user data.

use std::fmt;
use std::path::PathBuf;

/// Everything that can stop a run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input broke the data contract; every problem found is listed.
    #[error("{}", render_input_errors(.0))]
    Input(InputErrors),
    /// The config file could not be read or does not fit its schema.
    #[error("config file {path}: {message}")]
    Config {
        /// The config file, as given with `--config`.
        path: PathBuf,
        /// What is wrong, naming the key (`unknown column 'amont' in [columns.deals]`).
        message: String,
    },
    /// The output folder exists and `--overwrite` was not given.
    #[error("output folder {0} already exists; pass --overwrite to replace it")]
    OutputExists(PathBuf),
    /// The output path may not be written: it is the input folder or contains it, a
    /// file, or a folder ecograph did not write (checked before any work).
    #[error("refusing to write the output to {path}: {reason}")]
    OutputRefused {
        /// The output folder asked for (`--out`).
        path: PathBuf,
        /// Why it may not be written, in words (`it is the input folder`).
        reason: String,
    },
    /// The input folder does not exist or is not a folder.
    #[error("input folder {path}: {reason}")]
    InputFolder {
        /// The input folder asked for.
        path: PathBuf,
        /// What is wrong with it (`it does not exist`, `it is a file, not a folder; ...`).
        reason: String,
    },
    /// Reading or writing a file failed for a reason outside the data (permissions, disk).
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done, as the message's first word (`reading`, `creating`).
        action: &'static str,
        /// The file or folder it was done to.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// Writing an output table failed inside arrow / parquet.
    #[error("writing {path}: {message}")]
    Export {
        /// The output file being written.
        path: PathBuf,
        /// arrow's, parquet's or serde_json's error, as text.
        message: String,
    },
    /// A results folder (an `analyze` output read back, [`crate::results`]) is missing,
    /// incomplete, or holds a table that is not the declared one.
    #[error("results folder {path}: {reason}")]
    Results {
        /// The folder or the table file.
        path: PathBuf,
        /// What is wrong, and what to give instead.
        reason: String,
    },
    /// A run parameter is out of range (checked before any work starts).
    #[error("invalid parameter: {0}")]
    Parameter(String),
    /// An output table would be larger than its limit; found before anything is written
    /// (`analyze` plans the row counts first), so nothing is.
    #[error(
        "{table} would have {rows} rows ({detail}), above the limit of {limit} rows \
         ({flag}); nothing was written. {remedy}, or raise the limit with {flag} N; \
         `ecograph analyze ... --dry-run` prints every table's size first",
        rows = thousands(*.rows),
        limit = thousands(*.limit)
    )]
    OutputTooLarge {
        /// The table (`overlap_pairs`, `cosell_edges`).
        table: &'static str,
        /// Rows it would have.
        rows: u64,
        /// The limit in force.
        limit: u64,
        /// The flag that sets the limit (`--max-pair-rows`, `--max-cosell-edges`).
        flag: &'static str,
        /// Where the rows come from, in words (`13,504,889 customer + 185,789,124
        /// product pairs, about 930 MB of Parquet`).
        detail: String,
        /// How to bound the output instead (`Bound it with --overlap-top-k K ...`).
        remedy: String,
    },
    /// Network-measure stages expected to take longer than `--max-stage-minutes` each
    /// (the dry run's cost model on the reference 2-core machine); found right after the
    /// network is built, before any measure runs, so nothing is written.
    #[error(
        "{stages} expected to take longer than the limit of {limit_minutes} minutes per \
         stage on 2 cores (--max-stage-minutes); nothing was written. {detail_cap}. To go \
         on: {remedy}; or raise the limit with --max-stage-minutes M. `ecograph analyze ... \
         --dry-run` prints every stage's expected time first",
        detail_cap = capitalized(detail)
    )]
    StageTooLong {
        /// The stages over the limit, slowest first, with their expected times
        /// (`clustering + structural holes about 100.0 min, betweenness about 25.0 min`).
        stages: String,
        /// `--max-stage-minutes` in force.
        limit_minutes: f64,
        /// The network's size, in words.
        detail: String,
        /// How to get the run through, per stage (sample the measure, leave it out).
        remedy: String,
    },
    /// The generator failed.
    #[error(transparent)]
    Generate(#[from] crate::generate::GenerateError),
}

/// Exit codes of the `ecograph` binary, one per kind of failure, as `--help` lists them
/// (one line each, to fit an 80-column terminal; the README spells each one out).
pub const EXIT_CODES: [(u8, &str); 7] = [
    (0, "success"),
    (
        1,
        "I/O or export failure (disk full, no permission to write, ...)",
    ),
    (
        2,
        "bad flags, a missing or invalid config, a missing input folder",
    ),
    (
        3,
        "the input breaks the data contract (every problem is listed), or `report` was \
         given a folder that is not an analyze output",
    ),
    (
        4,
        "output refused: it exists, or ecograph may not replace it",
    ),
    (
        5,
        "an output or a stage would pass its --max-* limit; nothing written",
    ),
    (
        130,
        "interrupted (Ctrl-C, SIGTERM, SIGHUP); nothing is left behind",
    ),
];

/// `1234567` as `1,234,567`, for counts in messages.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Error {
    /// The binary's exit code for this error (see [`EXIT_CODES`]).
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) | Error::Results { .. } => 3,
            Error::OutputTooLarge { .. } | Error::StageTooLong { .. } => 5,
            Error::OutputExists(_) | Error::OutputRefused { .. } => 4,
            Error::Parameter(_) | Error::Config { .. } | Error::InputFolder { .. } => 2,
            Error::Generate(crate::generate::GenerateError::InvalidConfig(_)) => 2,
            Error::Io { .. } | Error::Export { .. } | Error::Generate(_) => 1,
        }
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// `text` with its first letter in upper case (a clause that starts a sentence).
fn capitalized(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The library's result type: [`Error`] unless another error type is named.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The rule an input row or file broke: one variant per bad-input class of the contract.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// A required table (`partners`, `deals`, `deal_partners`) has no file in the input
    /// folder, under any of its accepted names.
    MissingTable {
        /// The contract table (`partners`).
        table: &'static str,
        /// The file name the config's `[files]` gives the table, if it does.
        configured: Option<String>,
        /// The files the input folder holds (sorted, at most
        /// [`MISSING_TABLE_SHOWN`]), so that the
        /// message can say which of them to map with `[files]`; empty for tables handed
        /// over in memory.
        found: Vec<String>,
        /// How many more files the folder holds than `found` lists.
        more: usize,
    },
    /// A required table is not among the tables handed over in memory
    /// ([`crate::io::raw::RawTables::new`]).
    MissingGiven {
        /// The contract table (`deals`).
        table: &'static str,
    },
    /// Same table present in two formats (`deals.csv` and `deals.parquet`).
    AmbiguousTable {
        /// The files found for the table, as named in the folder.
        files: Vec<String>,
    },
    /// A column the contract requires (`deal_id` in deals) is not in the file's header.
    MissingColumn {
        /// The file's headers, as read.
        found: Vec<String>,
        /// Why the columns may not have been recognised (a `;`-separated file, ...).
        hint: Option<String>,
    },
    /// A column the config maps (`[columns.deals] stage = "Dealstage"`) is not in the file.
    ConfigColumnMissing {
        /// The config line that names it (`[columns.deals] stage`).
        key: String,
        /// The file's headers, as read.
        found: Vec<String>,
    },
    /// A header that is a contract column but for case, spaces or a BOM (`Stage`).
    ResemblesColumn {
        /// The contract table of the file (`deals`).
        table: &'static str,
        /// The contract column it resembles (`stage`).
        contract: &'static str,
        /// The header as written in the file (`Stage`).
        header: String,
    },
    /// A folder, named pipe, device or socket where a table file should be (refused
    /// before anything opens it: opening a named pipe blocks).
    NotAFile {
        /// What it is, in words (`a folder`, `a named pipe (FIFO)`, `a symbolic link to
        /// a character device (like /dev/zero)`).
        kind: String,
    },
    /// Two columns of a file are the same column: the header names it twice, or the
    /// config maps a column onto a contract column the file also has by name.
    DuplicateColumn {
        /// The column name as in the file (or the contract name both would be read as).
        name: String,
        /// 1-based position of the first column.
        first: usize,
        /// 1-based position of the second column.
        second: usize,
        /// How the two came to be one column, when the config made them so (`'amount'
        /// by its name and 'Amount_c' by [columns.deals] amount`).
        mapping: Option<String>,
    },
    /// A file beyond one of the reader's size limits (columns in a header, bytes in a
    /// field or a header line), checked before the parser allocates by it.
    TooLarge {
        /// What is too large, with its size and the limit (`the header has 2,000,000
        /// columns, more than the limit of 16,384`).
        detail: String,
    },
    /// A text file in another encoding than UTF-8 (UTF-16 or UTF-32, told by its byte
    /// order mark or by its zero bytes).
    Encoding {
        /// The encoding found (`UTF-16 little-endian`).
        found: &'static str,
    },
    /// A 0-byte file.
    EmptyFile {
        /// The table's required columns, for the message: what a header must have.
        expected: Vec<&'static str>,
    },
    /// deal_partners is both a file and taken from a deals column by the config.
    LinksTwice {
        /// The deals column the config names (`[deal_partners] from_deals_column`).
        column: String,
    },
    /// An id appears twice in the table that defines it (two partners rows `P1`).
    DuplicateId {
        /// The 1-based data row where the id was first seen.
        first_row: u64,
    },
    /// An id refers to a row that does not exist (a deal_partners row naming a deal
    /// that is not in deals).
    DanglingReference {
        /// The table the id should be in (`deals`, `partners`, `products`).
        target_table: &'static str,
    },
    /// The referenced row exists but was rejected (only with `--skip-invalid`).
    RejectedReference {
        /// The table of the rejected row (`deals`, `partners`).
        target_table: &'static str,
    },
    /// An amount that is not a number in the contract's format or the configured one
    /// (`1,200.00` without `[numbers] thousands = ","`).
    NotANumber,
    /// A date that is neither ISO 8601 nor in the configured `[dates] format`.
    NotADate,
    /// An amount below zero.
    NegativeAmount,
    /// An amount that is NaN (text `NaN`, or a NaN float in a Parquet / Arrow file).
    NanAmount,
    /// An amount that is infinite (text `inf`, or an infinite float).
    InfiniteAmount,
    /// A finite amount above [`crate::validate::MAX_AMOUNT`] (10^15): sums of such
    /// amounts could overflow to infinity.
    AmountTooLarge,
    /// A deal stage that is not `won`, `lost`, `open` or a word mapped to one in
    /// `[values.stage]`.
    UnknownStage {
        /// The accepted words, quoted, for the message.
        allowed: String,
    },
    /// A partner role that is not a contract role (`sourced`, `co_sell`, ...) or a word
    /// mapped to one in `[values.role]`.
    UnknownRole {
        /// The accepted words, quoted, for the message.
        allowed: String,
    },
    /// An id holds a character XML 1.0 cannot carry (NUL and the other C0 controls but
    /// tab, line feed and carriage return; U+FFFE, U+FFFF): no GraphML, JSON-to-XML or
    /// spreadsheet tool could give it back, and it is never meant.
    ControlCharacterInId {
        /// The character, as `U+0000`.
        character: String,
    },
    /// An id cell is empty (or null) where an id is required.
    EmptyId,
    /// A CSV file that cannot be parsed as CSV (a row with too many fields, an
    /// unterminated quote).
    MalformedCsv {
        /// What is wrong (`row has 5 fields, the header has 4 (...)`).
        detail: String,
    },
    /// Text that is not valid UTF-8 (a file exported as Latin-1 or UTF-16).
    NonUtf8,
    /// A Parquet / Arrow column whose type cannot hold what the column means (a float
    /// `created_at`, a boolean `deal_id`).
    WrongType {
        /// What the column accepts (`a date, timestamp or ISO 8601 text`).
        expected: &'static str,
        /// The column's type in the file, as polars / pyarrow users know it (`f64`).
        found: String,
    },
    /// The partners or deals table has a header but no data rows: nothing to analyse.
    EmptyTable,
    /// A file that cannot be read at all (no permission, a truncated Parquet footer).
    Unreadable {
        /// The reader's error, as text.
        detail: String,
    },
}

impl Rule {
    /// Short machine-friendly name, used in `rejected_rows.reason` and tests.
    pub fn code(&self) -> &'static str {
        match self {
            Rule::MissingTable { .. } | Rule::MissingGiven { .. } => "missing_table",
            Rule::AmbiguousTable { .. } => "ambiguous_table",
            Rule::MissingColumn { .. } => "missing_column",
            Rule::ConfigColumnMissing { .. } => "config_column_missing",
            Rule::ResemblesColumn { .. } => "resembles_column",
            Rule::NotAFile { .. } => "not_a_file",
            Rule::DuplicateColumn { .. } => "duplicate_column",
            Rule::TooLarge { .. } => "too_large",
            Rule::Encoding { .. } => "encoding",
            Rule::EmptyFile { .. } => "empty_file",
            Rule::LinksTwice { .. } => "links_twice",
            Rule::DuplicateId { .. } => "duplicate_id",
            Rule::DanglingReference { .. } => "dangling_reference",
            Rule::RejectedReference { .. } => "rejected_reference",
            Rule::NotANumber => "not_a_number",
            Rule::NotADate => "not_a_date",
            Rule::NegativeAmount => "negative_amount",
            Rule::NanAmount => "nan_amount",
            Rule::InfiniteAmount => "infinite_amount",
            Rule::AmountTooLarge => "amount_too_large",
            Rule::UnknownStage { .. } => "unknown_stage",
            Rule::UnknownRole { .. } => "unknown_role",
            Rule::EmptyId => "empty_id",
            Rule::ControlCharacterInId { .. } => "control_character_in_id",
            Rule::MalformedCsv { .. } => "malformed_csv",
            Rule::NonUtf8 => "non_utf8",
            Rule::WrongType { .. } => "wrong_type",
            Rule::EmptyTable => "empty_table",
            Rule::Unreadable { .. } => "unreadable_file",
        }
    }

    /// Whether `--skip-invalid` can drop the offending row and go on. File-level
    /// problems (missing table or column, wrong type, broken CSV) cannot be skipped.
    pub fn is_row_level(&self) -> bool {
        matches!(
            self,
            Rule::DuplicateId { .. }
                | Rule::DanglingReference { .. }
                | Rule::RejectedReference { .. }
                | Rule::NotANumber
                | Rule::NotADate
                | Rule::NegativeAmount
                | Rule::NanAmount
                | Rule::InfiniteAmount
                | Rule::AmountTooLarge
                | Rule::UnknownStage { .. }
                | Rule::UnknownRole { .. }
                | Rule::EmptyId
                | Rule::ControlCharacterInId { .. }
        )
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::MissingTable { table, configured, found, more } => {
                match configured {
                    Some(name) => write!(f, "required table is missing (the config's [files] {table} names {name:?}, which is not in the folder)")?,
                    None => write!(f, "required table is missing (expected {table}.csv, {table}.parquet or {table}.arrow)")?,
                }
                if found.is_empty() {
                    return Ok(());
                }
                write!(f, "; the folder holds {}", found.join(", "))?;
                if *more > 0 {
                    write!(f, " and {more} more")?;
                }
                match configured {
                    Some(_) => write!(f, "; if one of them is the {table} table, give its name in the config's [files] {table}"),
                    None => write!(f, "; if one of them is the {table} table, name it in a config file given with --config: [files] {table} = \"<one of the files above>\""),
                }
            }
            Rule::MissingGiven { table } => write!(f, "required table is missing: the tables given have none named '{table}'"),
            Rule::AmbiguousTable { files } => write!(f, "the table is given twice ({}); keep one file per table", files.join(", ")),
            Rule::MissingColumn { found, hint } => {
                write!(f, "required column is missing; columns found: {}", list(found))?;
                if let Some(h) = hint {
                    write!(f, " ({h})")?;
                }
                Ok(())
            }
            Rule::ConfigColumnMissing { key, found } => write!(f, "the config names this column ({key}), but the file has no such column; columns found: {}", list(found)),
            Rule::ResemblesColumn { table, contract, header } => write!(f, "looks like the contract column '{contract}' but column names must match exactly; rename the header to '{contract}' or map it in the config: [columns.{table}] {contract} = {header:?}"),
            Rule::NotAFile { kind } => write!(f, "is {kind}, not a file; the table must be a .csv, .parquet or .arrow file"),
            Rule::DuplicateColumn { name, first, second, mapping: None } => write!(f, "the header names the column '{name}' twice (columns {first} and {second}); column names must be unique, rename or remove one"),
            Rule::DuplicateColumn { name, first, second, mapping: Some(how) } => write!(f, "two columns of the file would be read as the contract column '{name}' (columns {first} and {second}: {how}); remove or rename one of them"),
            Rule::TooLarge { detail } => write!(f, "{detail}"),
            Rule::Encoding { found } => write!(f, "the file is {found} encoded; save it as UTF-8 (in Excel: Save As \"CSV UTF-8\")"),
            Rule::EmptyFile { expected } => write!(f, "the file is empty (0 bytes); expected a header row with at least: {}", expected.join(", ")),
            Rule::LinksTwice { column } => write!(f, "deal_partners is given twice: as this file and, by the config's [deal_partners] from_deals_column, as the deals column '{column}'; keep one"),
            Rule::DuplicateId { first_row } => write!(f, "id must be unique in its table; first seen at row {first_row}"),
            Rule::DanglingReference { target_table } => write!(f, "id does not exist in the {target_table} table"),
            Rule::RejectedReference { target_table } => write!(f, "refers to a row of the {target_table} table that was rejected"),
            Rule::NotANumber => write!(f, "not a number (expected digits with an optional sign, '.' decimals and exponent, e.g. 1250.50; for 1,200.00, 1.200,00 or $ declare the format in the config's [numbers] decimal / thousands / currency, or pass --decimal, --thousands, --currency)"),
            Rule::NotADate => write!(f, "not a date (expected ISO 8601: YYYY-MM-DD, optionally with time HH:MM[:SS[.fff]] and Z or +-HH:MM; for other formats set the config's [dates] format or --date-format, e.g. \"%m/%d/%Y\")"),
            Rule::NegativeAmount => write!(f, "amount must be >= 0"),
            Rule::NanAmount => write!(f, "amount must be a number, not NaN"),
            Rule::InfiniteAmount => write!(f, "amount must be finite"),
            Rule::AmountTooLarge => write!(f, "amount must be at most 1e15 (1,000,000,000,000,000), ecograph's bound that keeps every revenue sum finite; a larger amount is a unit or export error"),
            Rule::UnknownStage { allowed } => write!(f, "unknown deal stage (allowed: {allowed}; map your CRM's words in the config's [values.stage])"),
            Rule::UnknownRole { allowed } => write!(f, "unknown partner role (allowed: {allowed}; map your CRM's words in the config's [values.role])"),
            Rule::EmptyId => write!(f, "id must not be empty"),
            Rule::ControlCharacterInId { character } => write!(f, "id contains the control character {character}, which no XML (GraphML) file can hold; remove it (tab, line feed and carriage return are allowed)"),
            Rule::MalformedCsv { detail } => write!(f, "malformed CSV: {detail}"),
            Rule::NonUtf8 => write!(f, "text is not valid UTF-8 (re-export the file as UTF-8)"),
            Rule::WrongType { expected, found } => write!(f, "column has type {found}, expected {expected}"),
            Rule::EmptyTable => write!(f, "table has no data rows; at least one is required"),
            Rule::Unreadable { detail } => write!(f, "file cannot be read: {detail}"),
        }
    }
}

/// Column names for a message: quoted, or `(none)`.
fn list(found: &[String]) -> String {
    if found.iter().all(|c| c.trim().is_empty()) {
        return "(none)".into();
    }
    found
        .iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Something in the input that is allowed but changes the results, said out loud: on
/// stderr and under `validation.warnings` in the summary.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Warning {
    /// Short machine-friendly name (`missing_stage`, `no_partner_links`, ...).
    pub code: &'static str,
    /// Contract table it concerns (`deals`).
    pub table: &'static str,
    /// File name as given (the table's expected name when the file is absent).
    pub file: String,
    /// The column it concerns, when there is one (`stage`).
    pub column: Option<String>,
    /// What it implies, in words (`no 'stage' column: every deal counts as won`).
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

/// One problem in the input, located as precisely as the format allows.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    /// File name as given (or the table's expected name when the file is missing).
    pub file: String,
    /// Table name of the contract (`deals`, `partners`, ...).
    pub table: &'static str,
    /// 1-based data row (the header is not a row).
    pub row: Option<u64>,
    /// For CSV: 1-based physical line in the file.
    pub line: Option<u64>,
    /// Column as named in the file (after config mapping is undone for display).
    pub column: Option<String>,
    /// Offending value, as text.
    pub value: Option<String>,
    /// The rule broken.
    pub rule: Rule,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        if let Some(line) = self.line {
            write!(f, " (line {line})")?;
        }
        if let Some(col) = &self.column {
            write!(f, ", column '{col}'")?;
        }
        if let Some(v) = &self.value {
            write!(f, ", value {v:?}")?;
        }
        write!(f, ": {}", self.rule)
    }
}

/// All the problems found in one validation pass, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InputErrors {
    /// Every problem, in file order (the message shows the first
    /// [`MAX_REPORTED_ERRORS`]).
    pub errors: Vec<InputError>,
}

/// How many of the input folder's files a missing-table message lists.
pub const MISSING_TABLE_SHOWN: usize = 10;

/// How many problems are spelled out in a message; the rest are counted.
pub const MAX_REPORTED_ERRORS: usize = 50;

fn render_input_errors(e: &InputErrors) -> String {
    let n = e.errors.len();
    let mut s = format!(
        "the input breaks the data contract ({n} problem{}):",
        if n == 1 { "" } else { "s" }
    );
    for err in e.errors.iter().take(MAX_REPORTED_ERRORS) {
        s.push_str("\n  - ");
        s.push_str(&err.to_string());
    }
    if n > MAX_REPORTED_ERRORS {
        s.push_str(&format!("\n  ... and {} more", n - MAX_REPORTED_ERRORS));
    }
    s
}
