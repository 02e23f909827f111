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
    Config { path: PathBuf, message: String },
    /// The output folder exists and `--overwrite` was not given.
    #[error("output folder {0} already exists; pass --overwrite to replace it")]
    OutputExists(PathBuf),
    /// Reading or writing a file failed for a reason outside the data (permissions, disk).
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Writing an output table failed inside arrow / parquet.
    #[error("writing {path}: {message}")]
    Export { path: PathBuf, message: String },
    /// A run parameter is out of range (checked before any work starts).
    #[error("invalid parameter: {0}")]
    Parameter(String),
    /// The generator failed.
    #[error(transparent)]
    Generate(#[from] crate::generate::GenerateError),
}

impl Error {
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

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The rule an input row or file broke: one variant per bad-input class of the contract.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    MissingTable,
    /// Same table present in two formats (`deals.csv` and `deals.parquet`).
    AmbiguousTable {
        files: Vec<String>,
    },
    MissingColumn {
        found: Vec<String>,
    },
    DuplicateId {
        first_row: u64,
    },
    DanglingReference {
        target_table: &'static str,
    },
    /// The referenced row exists but was rejected (only with `--skip-invalid`).
    RejectedReference {
        target_table: &'static str,
    },
    NotANumber,
    NotADate,
    NegativeAmount,
    NanAmount,
    InfiniteAmount,
    UnknownStage {
        allowed: String,
    },
    UnknownRole {
        allowed: String,
    },
    EmptyId,
    MalformedCsv {
        detail: String,
    },
    NonUtf8,
    WrongType {
        expected: &'static str,
        found: String,
    },
    EmptyTable,
    Unreadable {
        detail: String,
    },
}

impl Rule {
    /// Short machine-friendly name, used in `rejected_rows.reason` and tests.
    pub fn code(&self) -> &'static str {
        match self {
            Rule::MissingTable => "missing_table",
            Rule::AmbiguousTable { .. } => "ambiguous_table",
            Rule::MissingColumn { .. } => "missing_column",
            Rule::DuplicateId { .. } => "duplicate_id",
            Rule::DanglingReference { .. } => "dangling_reference",
            Rule::RejectedReference { .. } => "rejected_reference",
            Rule::NotANumber => "not_a_number",
            Rule::NotADate => "not_a_date",
            Rule::NegativeAmount => "negative_amount",
            Rule::NanAmount => "nan_amount",
            Rule::InfiniteAmount => "infinite_amount",
            Rule::UnknownStage { .. } => "unknown_stage",
            Rule::UnknownRole { .. } => "unknown_role",
            Rule::EmptyId => "empty_id",
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
                | Rule::UnknownStage { .. }
                | Rule::UnknownRole { .. }
                | Rule::EmptyId
        )
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::MissingTable => write!(f, "required table is missing (expected TABLE.csv, TABLE.parquet or TABLE.arrow)"),
            Rule::AmbiguousTable { files } => write!(f, "the table is given twice ({}); keep one file per table", files.join(", ")),
            Rule::MissingColumn { found } => write!(f, "required column is missing; columns found: {}", found.join(", ")),
            Rule::DuplicateId { first_row } => write!(f, "id must be unique in its table; first seen at row {first_row}"),
            Rule::DanglingReference { target_table } => write!(f, "id does not exist in the {target_table} table"),
            Rule::RejectedReference { target_table } => write!(f, "refers to a row of the {target_table} table that was rejected"),
            Rule::NotANumber => write!(f, "not a number (expected digits with an optional sign, '.' decimals and exponent, e.g. 1250.50; no thousands separators)"),
            Rule::NotADate => write!(f, "not a date (expected ISO 8601: YYYY-MM-DD, optionally with time HH:MM[:SS[.fff]] and Z or +-HH:MM)"),
            Rule::NegativeAmount => write!(f, "amount must be >= 0"),
            Rule::NanAmount => write!(f, "amount must be a number, not NaN"),
            Rule::InfiniteAmount => write!(f, "amount must be finite"),
            Rule::UnknownStage { allowed } => write!(f, "unknown deal stage (allowed: {allowed}; map your CRM's words in the config's [values.stage])"),
            Rule::UnknownRole { allowed } => write!(f, "unknown partner role (allowed: {allowed}; map your CRM's words in the config's [values.role])"),
            Rule::EmptyId => write!(f, "id must not be empty"),
            Rule::MalformedCsv { detail } => write!(f, "malformed CSV: {detail}"),
            Rule::NonUtf8 => write!(f, "text is not valid UTF-8 (re-export the file as UTF-8)"),
            Rule::WrongType { expected, found } => write!(f, "column has type {found}, expected {expected}"),
            Rule::EmptyTable => write!(f, "table has no data rows; at least one is required"),
            Rule::Unreadable { detail } => write!(f, "file cannot be read: {detail}"),
        }
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
    pub errors: Vec<InputError>,
}

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
