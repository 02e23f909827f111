//! The contract's columns picked out of a table as read ([`select_contract_columns`]):
//! each under its configured name (or its own), renamed to the contract's name, with the
//! near-miss checks: a header that misses a contract name only by case, spaces or a BOM,
//! a name given twice, a column the config maps onto a contract column the file also has
//! by name. Readers read only the columns kept ([`wanted_columns`]).

use super::{table_error, Chunks, RawTable, SourceFile};
use crate::config::Settings;
use crate::error::{InputError, Rule};
use crate::schema::TableSpec;

/// Keeps the contract's columns (under their configured names), renamed to contract
/// names. A configured name the file lacks, a header that misses a contract name only
/// by case, spaces or a BOM, and a header naming a column twice (or a column the config
/// maps onto a contract column the file also has by name) are errors; an absent
/// optional column that changes results is left to `validate::warnings`.
///
/// `header` is every column name of the file in order; `all` the columns read, all of
/// them or those of [`wanted_columns`].
pub(crate) fn select_contract_columns(
    spec: TableSpec,
    source: SourceFile,
    header: Vec<String>,
    all: Vec<(String, Chunks)>,
    n_rows: usize,
    lines: Option<Vec<u32>>,
    settings: &Settings,
) -> Result<RawTable, Vec<InputError>> {
    let duplicates = header_errors(&spec, &source, &header, settings);
    if !duplicates.is_empty() {
        return Err(duplicates);
    }
    let selection = Selection {
        spec: &spec,
        source: &source,
        settings,
        found: &header,
        all: &all,
    };
    let mut errors = Vec::new();
    let (columns, user_names) = selection.contract_columns(&mut errors)?;
    let links = selection.links_column(&mut errors)?;
    selection.length_errors(&columns, links.as_ref(), &user_names, n_rows, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(RawTable {
        spec,
        source,
        columns,
        n_rows,
        lines,
        rows: None,
        user_names,
        links,
        skipped_empty: Vec::new(),
    })
}

/// Contract columns as kept: (contract name, the column's chunks).
type Kept = Vec<(&'static str, Chunks)>;

/// Contract column -> the column's name in the user's file.
type UserNames = Vec<(&'static str, String)>;

/// A table's columns as read, being matched with the contract's.
struct Selection<'a> {
    spec: &'a TableSpec,
    source: &'a SourceFile,
    settings: &'a Settings,
    /// Every column name of the file, in order.
    found: &'a [String],
    /// The columns read, under the file's names.
    all: &'a [(String, Chunks)],
}

impl Selection<'_> {
    /// The column the file has under `name`, if read.
    fn by_name(&self, name: &str) -> Option<Chunks> {
        self.all
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, a)| a.clone())
    }

    /// A problem of the file's column `column`.
    fn error(&self, column: &str, rule: Rule) -> InputError {
        InputError {
            column: Some(column.to_string()),
            ..table_error(self.spec, self.source.display.clone(), rule)
        }
    }

    /// Each contract column the file has, under its contract name, with the user's
    /// name of it. A configured name the file lacks, a near miss and an absent required
    /// column are pushed to `errors`; a column that cannot be decoded is the only error.
    fn contract_columns(
        &self,
        errors: &mut Vec<InputError>,
    ) -> Result<(Kept, UserNames), Vec<InputError>> {
        let (spec, found) = (self.spec, self.found);
        let config = &self.settings.config;
        let mapped_elsewhere: Vec<&str> = config
            .columns
            .get(spec.name)
            .map(|m| m.values().map(String::as_str).collect())
            .unwrap_or_default();
        let mut columns = Vec::new();
        let mut user_names = Vec::new();
        for col in spec.columns {
            let mapped = config.mapped_column(spec.name, col.name);
            let user = mapped.unwrap_or(col.name);
            if let Some(a) = self.by_name(user) {
                let a = decode_dictionaries(a)
                    .map_err(|detail| vec![self.error(user, Rule::Unreadable { detail })])?;
                columns.push((col.name, a));
                user_names.push((col.name, user.to_string()));
                continue;
            }
            let near = found
                .iter()
                .find(|h| header_key(h) == col.name && !mapped_elsewhere.contains(&h.as_str()));
            if mapped.is_some() {
                errors.push(self.error(
                    user,
                    Rule::ConfigColumnMissing {
                        key: format!("[columns.{}] {}", spec.name, col.name),
                        found: found.to_vec(),
                    },
                ));
            } else if let Some(h) = near {
                errors.push(self.error(
                    h,
                    Rule::ResemblesColumn {
                        table: spec.name,
                        contract: col.name,
                        header: h.clone(),
                    },
                ));
            } else if col.required {
                errors.push(self.error(
                    user,
                    Rule::MissingColumn {
                        found: found.to_vec(),
                        hint: header_hint(found),
                    },
                ));
            }
            // An absent optional column is no error; validate::warnings says what it implies.
        }
        Ok((columns, user_names))
    }

    /// The deals column the config's `[deal_partners] from_deals_column` names (deals
    /// only); its absence is pushed to `errors`, a failure to decode it is the only error.
    fn links_column(
        &self,
        errors: &mut Vec<InputError>,
    ) -> Result<Option<Chunks>, Vec<InputError>> {
        let mut links = None;
        if self.spec.name == "deals"
            && let Some(l) = &self.settings.links_from_deals
        {
            match self.by_name(&l.column) {
                Some(a) => {
                    links = Some(decode_dictionaries(a).map_err(|detail| {
                        vec![self.error(&l.column, Rule::Unreadable { detail })]
                    })?)
                }
                None => errors.push(self.error(
                    &l.column,
                    Rule::ConfigColumnMissing {
                        key: "[deal_partners] from_deals_column".into(),
                        found: self.found.to_vec(),
                    },
                )),
            }
        }
        Ok(links)
    }

    /// Every column must hold one value per row: a damaged file can decode a column
    /// shorter (or longer) than the table, and validation indexes every column by row.
    fn length_errors(
        &self,
        columns: &Kept,
        links: Option<&Chunks>,
        user_names: &UserNames,
        n_rows: usize,
        errors: &mut Vec<InputError>,
    ) {
        let links_column = self
            .settings
            .links_from_deals
            .as_ref()
            .map(|l| l.column.as_str());
        let held = columns
            .iter()
            .map(|(name, chunks)| (*name, chunks))
            .chain(links.map(|l| (links_column.unwrap_or("links"), l)));
        for (name, chunks) in held {
            let len: usize = chunks.iter().map(|a| a.len()).sum();
            if len != n_rows {
                let user = user_names
                    .iter()
                    .find(|(c, _)| *c == name)
                    .map_or(name, |(_, u)| u.as_str());
                errors.push(self.error(
                    user,
                    Rule::Unreadable {
                        detail: format!(
                            "column '{user}' holds {len} values for the table's {n_rows} rows; the file is damaged"
                        ),
                    },
                ));
            }
        }
    }
}

/// A header as compared with the contract's names when looking for near misses: BOMs
/// and surrounding spaces dropped, lower case, inner spaces and hyphens as `_`.
fn header_key(h: &str) -> String {
    let h = h.replace('\u{feff}', "");
    let mut out = String::with_capacity(h.len());
    for (i, part) in h
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        if i > 0 {
            out.push('_');
        }
        out.extend(part.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Why a header row may not have been split into the expected columns.
fn header_hint(found: &[String]) -> Option<String> {
    let [only] = found else { return None };
    [';', '\t', '|']
        .into_iter()
        .find(|d| only.contains(*d))
        .map(|d| {
            let shown = if d == '\t' { "\\t".to_string() } else { d.to_string() };
            format!(
                "the header is a single column: the file looks '{shown}'-separated; set [csv] delimiter = \"{shown}\" in the config or pass --delimiter '{shown}'"
            )
        })
}

/// Every non-empty name given twice in `names`: the name and the 1-based positions of
/// its first and of each later occurrence.
pub(crate) fn duplicate_names(names: &[String]) -> Vec<(String, usize, usize)> {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut out = Vec::new();
    // Empty names are Excel's trailing empty columns (`a,b,,`): never a contract column,
    // so nothing is lost by reading neither.
    for (i, n) in names.iter().enumerate().filter(|(_, n)| !n.is_empty()) {
        match seen.get(n.as_str()) {
            Some(&first) => out.push((n.clone(), first + 1, i + 1)),
            None => {
                seen.insert(n, i);
            }
        }
    }
    out
}

/// The positions of the file's columns that [`select_contract_columns`] keeps: each
/// contract column under its configured name (or its own), and the config's links
/// column. A reader reads only these: a column the contract does not know is ignored
/// whatever its type (a struct or map column included).
#[cfg(feature = "read")]
pub(crate) fn wanted_columns(
    spec: &TableSpec,
    settings: &Settings,
    header: &[String],
) -> Vec<usize> {
    let config = &settings.config;
    let mut names: Vec<&str> = spec
        .columns
        .iter()
        .map(|c| config.mapped_column(spec.name, c.name).unwrap_or(c.name))
        .collect();
    if spec.name == "deals"
        && let Some(l) = &settings.links_from_deals
    {
        names.push(&l.column);
    }
    (0..header.len())
        .filter(|&i| names.contains(&header[i].as_str()))
        .collect()
}

/// The problems of a file's header alone, before any column is read: a name given
/// twice, and two columns that would both be read as one contract column (a column
/// named as the contract column while the config maps another one onto it).
pub(crate) fn header_errors(
    spec: &TableSpec,
    source: &SourceFile,
    header: &[String],
    settings: &Settings,
) -> Vec<InputError> {
    let config = &settings.config;
    let error = |column: &str, rule: Rule| InputError {
        column: Some(column.to_string()),
        ..table_error(spec, source.display.clone(), rule)
    };
    let mut errors: Vec<InputError> = duplicate_names(header)
        .into_iter()
        .map(|(name, first, second)| {
            error(
                &name.clone(),
                Rule::DuplicateColumn {
                    name,
                    first,
                    second,
                    mapping: None,
                },
            )
        })
        .collect();
    let sources: Vec<&str> = spec
        .columns
        .iter()
        .filter_map(|c| config.mapped_column(spec.name, c.name))
        .chain(
            settings
                .links_from_deals
                .as_ref()
                .filter(|_| spec.name == "deals")
                .map(|l| l.column.as_str()),
        )
        .collect();
    let position = |name: &str| header.iter().position(|h| h == name);
    for col in spec.columns {
        let Some(mapped) = config.mapped_column(spec.name, col.name) else {
            continue;
        };
        if mapped == col.name || sources.contains(&col.name) {
            continue;
        }
        if let (Some(by_name), Some(by_config)) = (position(col.name), position(mapped)) {
            errors.push(error(
                col.name,
                Rule::DuplicateColumn {
                    name: col.name.to_string(),
                    first: by_name.min(by_config) + 1,
                    second: by_name.max(by_config) + 1,
                    mapping: Some(format!(
                        "'{}' by its name and '{mapped}' by the config's [columns.{}] {}",
                        col.name, spec.name, col.name
                    )),
                },
            ));
        }
    }
    errors
}

/// A column's chunks with dictionary-encoded chunks (pandas / polars categoricals,
/// pyarrow `dictionary` columns) decoded to their values: an id column stored as a
/// dictionary of strings is text like any other.
fn decode_dictionaries(chunks: Chunks) -> Result<Chunks, String> {
    chunks
        .into_iter()
        .map(|a| match a.data_type() {
            arrow::datatypes::DataType::Dictionary(_, values) => {
                arrow::compute::cast(&a, values).map_err(|e| e.to_string())
            }
            _ => Ok(a),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::InputFormat;
    use crate::schema::TABLES;

    /// The long fuzz run found a damaged Parquet file whose `partner_id` decoded to no
    /// values for a table of two rows; validation then indexed row 0 of an empty array.
    #[test]
    fn a_column_shorter_than_its_table_is_an_unreadable_file_not_a_panic() {
        let spec = *TABLES.iter().find(|s| s.name == "partners").unwrap();
        let source = SourceFile::in_memory("partners.parquet", InputFormat::Parquet);
        let column = |values: &[&str]| -> Chunks {
            vec![std::sync::Arc::new(arrow::array::StringArray::from(
                values.to_vec(),
            ))]
        };
        let settings = crate::config::Settings::contract();
        let take = |ids: &[&str], names: &[&str]| {
            select_contract_columns(
                spec,
                source.clone(),
                vec!["partner_id".into(), "name".into()],
                vec![
                    ("partner_id".into(), column(ids)),
                    ("name".into(), column(names)),
                ],
                2,
                None,
                &settings,
            )
        };
        let Err(e) = take(&[], &["a", "b"]) else {
            panic!("a short column was accepted");
        };
        assert_eq!(e.len(), 1);
        let text = e[0].to_string();
        assert!(
            text.contains("'partner_id' holds 0 values for the table's 2 rows"),
            "{text}"
        );
        assert!(take(&["P1", "P2"], &["a", "b"]).is_ok());
    }

    #[test]
    fn header_keys_ignore_case_spaces_and_boms() {
        assert_eq!(header_key("Stage"), "stage");
        assert_eq!(header_key(" \u{feff}Deal ID "), "deal_id");
        assert_eq!(header_key("Created-At"), "created_at");
        assert_eq!(header_key("DealStage"), "dealstage");
    }

    #[test]
    fn duplicate_names_give_both_positions_and_skip_empty_names() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            duplicate_names(&names(&["a", "amount", "b", "amount", "amount"])),
            [("amount".to_string(), 2, 4), ("amount".to_string(), 2, 5)]
        );
        assert!(duplicate_names(&names(&["a", "b", "", ""])).is_empty());
        assert!(duplicate_names(&names(&["a", "A", "a "])).is_empty());
    }

    #[test]
    fn a_column_mapped_onto_a_contract_column_the_file_has_is_a_duplicate() {
        let spec = *TABLES.iter().find(|s| s.name == "deals").unwrap();
        let source = SourceFile::in_memory("deals.csv", InputFormat::Csv);
        let header = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mapped = |toml: &str| {
            crate::config::Config::from_toml(toml, std::path::Path::new("c.toml"))
                .unwrap()
                .resolve(&Default::default())
                .unwrap()
        };
        let settings = mapped("[columns.deals]\namount = \"Amount_c\"\n");
        let e = header_errors(
            &spec,
            &source,
            &header(&["deal_id", "amount", "Amount_c"]),
            &settings,
        );
        assert_eq!(e.len(), 1);
        assert!(matches!(
            &e[0].rule,
            Rule::DuplicateColumn { name, first: 2, second: 3, mapping: Some(_) } if name == "amount"
        ));
        // Not when the file's 'amount' is itself mapped onto another contract column.
        let settings = mapped("[columns.deals]\namount = \"Amount_c\"\nregion = \"amount\"\n");
        assert!(header_errors(
            &spec,
            &source,
            &header(&["deal_id", "amount", "Amount_c"]),
            &settings
        )
        .is_empty());
        // wanted_columns: the mapped name, not the unused one.
        #[cfg(feature = "read")]
        let settings = mapped("[columns.deals]\namount = \"Amount_c\"\n");
        assert_eq!(
            wanted_columns(
                &spec,
                &settings,
                &header(&["x", "deal_id", "Amount_c", "y"])
            ),
            [1, 2]
        );
    }

    #[test]
    fn a_single_column_header_with_semicolons_gets_a_hint() {
        let h = header_hint(&["partner_id;name".to_string()]).unwrap();
        assert!(h.contains("delimiter = \";\""), "{h}");
        assert!(header_hint(&["a".into(), "b;c".into()]).is_none());
    }
}
