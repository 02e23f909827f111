//! Validation on Arrow columns no file reader produced (the path a Python extension
//! handing over pyarrow tables takes): `RawTable::from_arrow` -> `RawTables::new` ->
//! `validate`. Also the one way the property suites make `ValidatedTables`: through
//! the validator, never by hand.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, Decimal128Array, Float64Array, Int64Array, StringArray, TimestampMillisecondArray,
};
use arrow::record_batch::RecordBatch;

use ecograph::config::Settings;
use ecograph::error::InputErrors;
use ecograph::io::raw::{RawTable, RawTables, SourceFile};
use ecograph::io::InputFormat;
use ecograph::validate::{self, ValidatedTables};

/// The message the CLI would print for these problems.
fn msg(e: InputErrors) -> String {
    ecograph::Error::Input(e).to_string()
}

/// The contract's stage words, in the order of `schema::Stage`.
pub(crate) const STAGES: [&str; 3] = ["won", "lost", "open"];
/// The contract's role words, in the order of `schema::Role`.
pub(crate) const ROLES: [&str; 5] = ["sourced", "influenced", "co_sell", "fulfilled", "referral"];

/// One in-memory table: its name and its columns (name, array), as a caller has them.
pub(crate) struct Table {
    pub name: &'static str,
    pub columns: Vec<(&'static str, ArrayRef)>,
}

impl Table {
    pub(crate) fn new(name: &'static str) -> Table {
        Table {
            name,
            columns: Vec::new(),
        }
    }

    pub(crate) fn text<S: AsRef<str>>(mut self, column: &'static str, v: &[Option<S>]) -> Table {
        let a = StringArray::from_iter(v.iter().map(|s| s.as_ref().map(|s| s.as_ref())));
        self.columns.push((column, Arc::new(a)));
        self
    }

    pub(crate) fn floats(mut self, column: &'static str, v: &[Option<f64>]) -> Table {
        self.columns
            .push((column, Arc::new(Float64Array::from(v.to_vec()))));
        self
    }

    pub(crate) fn timestamps_ms(mut self, column: &'static str, v: &[Option<i64>]) -> Table {
        self.columns.push((
            column,
            Arc::new(TimestampMillisecondArray::from(v.to_vec())),
        ));
        self
    }

    fn batch(&self) -> RecordBatch {
        RecordBatch::try_from_iter(self.columns.iter().map(|(n, a)| (*n, a.clone())))
            .expect("columns of equal length")
    }
}

/// `f(index, item)` for every item: a column with one value per item.
pub(crate) fn per_item<T, V>(items: &[T], f: impl Fn(usize, &T) -> V) -> Vec<V> {
    items.iter().enumerate().map(|(i, x)| f(i, x)).collect()
}

/// Partner `i`'s id in the property suites: byte order differs from numeric order
/// ("10" < "9") on purpose.
pub(crate) fn partner_id(i: usize) -> String {
    format!("{}", 100 - i)
}

/// Deal `i`'s id in the property suites.
pub(crate) fn deal_id(i: usize) -> String {
    format!("D{i}")
}

/// A partners table of `n` partners with ids [`partner_id`].
pub(crate) fn partners(n: usize) -> Table {
    let ids: Vec<Option<String>> = (0..n).map(|i| Some(partner_id(i))).collect();
    Table::new("partners").text("partner_id", &ids)
}

/// A deal_partners table from (deal index, partner index, role word) triples.
pub(crate) fn links(triples: impl IntoIterator<Item = (usize, usize, &'static str)>) -> Table {
    let (mut deal, mut partner, mut role) = (Vec::new(), Vec::new(), Vec::new());
    for (d, p, r) in triples {
        deal.push(Some(deal_id(d)));
        partner.push(Some(partner_id(p)));
        role.push(Some(r));
    }
    Table::new("deal_partners")
        .text("deal_id", &deal)
        .text("partner_id", &partner)
        .text("role", &role)
}

/// The tables as the validator sees them, typed (Arrow format: amounts must be numbers).
pub(crate) fn raw(tables: &[Table], settings: &Settings) -> RawTables {
    let raw = tables
        .iter()
        .map(|t| {
            let src = SourceFile::in_memory(format!("{} (in memory)", t.name), InputFormat::Arrow);
            RawTable::from_arrow(t.name, src, &[t.batch()], settings)
                .unwrap_or_else(|e| panic!("{}: {}", t.name, msg(e)))
        })
        .collect();
    RawTables::new(raw, settings).unwrap_or_else(|e| panic!("{}", msg(e)))
}

/// Validated tables from in-memory Arrow tables, in strict mode (panics on a problem).
pub(crate) fn validated(tables: &[Table]) -> ValidatedTables {
    let settings = Settings::contract();
    validate::validate(raw(tables, &settings), &settings, false)
        .unwrap_or_else(|e| panic!("{}", msg(e)))
}

#[test]
fn in_memory_arrow_tables_give_the_results_of_the_same_csv_files() {
    use ecograph::graph;
    use ecograph::metrics::{self, MetricParams};
    use ecograph::progress::{Silent, Stages};

    let partners = Table::new("partners")
        .text("partner_id", &[Some("P2"), Some("P1"), Some("P3")])
        .text("partner_type", &[Some("reseller"), None, Some("msp")]);
    let deals = Table::new("deals")
        .text("deal_id", &[Some("D1"), Some("D2"), Some("D3")])
        .text("customer_id", &[Some("C1"), Some("C1"), Some("C2")])
        .floats("amount", &[Some(100.0), Some(50.5), None])
        .text("stage", &[Some("won"), Some("lost"), Some("won")])
        .timestamps_ms(
            "created_at",
            &[Some(1_704_067_200_000), None, Some(1_706_745_600_000)],
        );
    let links = Table::new("deal_partners")
        .text("deal_id", &[Some("D1"), Some("D1"), Some("D2"), Some("D3")])
        .text(
            "partner_id",
            &[Some("P1"), Some("P2"), Some("P2"), Some("P3")],
        )
        .text(
            "role",
            &[Some("sourced"), None, Some("co_sell"), Some("sourced")],
        );
    let from_arrow = graph::build(validated(&[partners, deals, links]));

    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "partners.csv",
        "partner_id,partner_type\nP2,reseller\nP1,\nP3,msp\n",
    );
    write(
        "deals.csv",
        "deal_id,customer_id,amount,stage,created_at\nD1,C1,100,won,2024-01-01\nD2,C1,50.5,lost,\nD3,C2,,won,2024-02-01\n",
    );
    write(
        "deal_partners.csv",
        "deal_id,partner_id,role\nD1,P1,sourced\nD1,P2,\nD2,P2,co_sell\nD3,P3,sourced\n",
    );
    let from_csv = graph::build(
        validate::load_and_validate(dir.path(), &Settings::contract(), false).unwrap(),
    );

    assert_eq!(from_arrow.partners.id, ["P1", "P2", "P3"]);
    assert_eq!(from_arrow.partners.id, from_csv.partners.id);
    assert_eq!(
        from_arrow.partners.partner_type,
        from_csv.partners.partner_type
    );
    assert_eq!(from_arrow.deals.amount, [100.0, 50.5, 0.0]);
    assert_eq!(from_arrow.deals.amount, from_csv.deals.amount);
    assert_eq!(from_arrow.deals.created_ms, from_csv.deals.created_ms);
    assert_eq!(from_arrow.deals.stage, from_csv.deals.stage);
    assert_eq!(from_arrow.cosell, from_csv.cosell);
    assert_eq!(from_arrow.deal_partner_roles, from_csv.deal_partner_roles);
    let params = MetricParams::default();
    let a = metrics::compute(&from_arrow, &params, &mut Stages::new(&Silent));
    let c = metrics::compute(&from_csv, &params, &mut Stages::new(&Silent));
    assert_eq!(a.partner.pagerank, c.partner.pagerank);
    assert_eq!(
        a.partner.activity.attributed_revenue,
        c.partner.activity.attributed_revenue
    );
}

#[test]
fn int_ids_and_decimal_amounts_from_an_arrow_producer_are_read_as_the_contract_says() {
    let settings = Settings::contract();
    let ids: ArrayRef = Arc::new(Int64Array::from(vec![7, 8]));
    let amounts: ArrayRef = Arc::new(
        Decimal128Array::from(vec![Some(12_345), None])
            .with_precision_and_scale(10, 2)
            .unwrap(),
    );
    let partners = Table {
        name: "partners",
        columns: vec![("partner_id", ids.clone())],
    };
    let deals = Table {
        name: "deals",
        columns: vec![("deal_id", ids.clone()), ("amount", amounts)],
    };
    let links = Table {
        name: "deal_partners",
        columns: vec![("deal_id", ids.clone()), ("partner_id", ids)],
    };
    let t = validate::validate(raw(&[partners, deals, links], &settings), &settings, false)
        .expect("integer ids and decimal amounts are valid");
    assert_eq!(t.partners().id, ["7", "8"]);
    assert_eq!(t.deals().amount, [123.45, 0.0]);
    assert_eq!(t.links().len(), 2);
}

#[test]
fn a_text_amount_in_a_typed_table_is_a_type_error_naming_the_table() {
    let settings = Settings::contract();
    let partners = Table::new("partners").text("partner_id", &[Some("P1")]);
    let deals = Table::new("deals")
        .text("deal_id", &[Some("D1")])
        .text("amount", &[Some("12.50")]);
    let links = Table::new("deal_partners")
        .text("deal_id", &[Some("D1")])
        .text("partner_id", &[Some("P1")]);
    let err = validate::validate(raw(&[partners, deals, links], &settings), &settings, false)
        .expect_err("typed tables carry numbers as numbers");
    let text = msg(err);
    assert!(
        text.contains("deals (in memory), column 'amount': column has type str"),
        "{text}"
    );
}

#[test]
fn an_unknown_table_name_and_a_missing_required_table_are_errors() {
    let settings = Settings::contract();
    let t = Table::new("partners").text("partner_id", &[Some("P1")]);
    let src = SourceFile::in_memory("x", InputFormat::Arrow);
    let e = RawTable::from_arrow("partner", src, &[t.batch()], &settings)
        .err()
        .map(msg)
        .expect("not a contract table");
    assert!(
        e.contains("'partner' is not a table of the contract"),
        "{e}"
    );
    let only_partners = vec![RawTable::from_arrow(
        "partners",
        SourceFile::in_memory("p", InputFormat::Arrow),
        &[t.batch()],
        &settings,
    )
    .unwrap()];
    let text = RawTables::new(only_partners, &settings)
        .err()
        .map(msg)
        .expect("deals and deal_partners missing");
    assert!(
        text.contains("deals") && text.contains("deal_partners"),
        "{text}"
    );

    let twice: Vec<RawTable> = ["first", "second"]
        .into_iter()
        .map(|name| {
            let src = SourceFile::in_memory(name, InputFormat::Arrow);
            RawTable::from_arrow("partners", src, &[t.batch()], &settings).unwrap()
        })
        .collect();
    let text = RawTables::new(twice, &settings)
        .err()
        .map(msg)
        .expect("partners given twice");
    assert!(text.contains("given twice (first, second)"), "{text}");
}

#[test]
fn a_table_in_several_record_batches_reads_as_one() {
    let settings = Settings::contract();
    let whole = Table::new("deals")
        .text("deal_id", &[Some("D1"), Some("D2"), Some("D3")])
        .floats("amount", &[Some(1.0), None, Some(3.5)]);
    let first = Table::new("deals")
        .text("deal_id", &[Some("D1"), Some("D2")])
        .floats("amount", &[Some(1.0), None]);
    let second = Table::new("deals")
        .text("deal_id", &[Some("D3")])
        .floats("amount", &[Some(3.5)]);
    let partners = || Table::new("partners").text("partner_id", &[Some("P1")]);
    let links = || {
        Table::new("deal_partners")
            .text("deal_id", &[Some("D3"), Some("D1")])
            .text("partner_id", &[Some("P1"), Some("P1")])
    };
    let in_memory = |name: &str| SourceFile::in_memory(name, InputFormat::Arrow);
    let read = |deals: Vec<RecordBatch>| {
        let tables = vec![
            RawTable::from_arrow("partners", in_memory("p"), &[partners().batch()], &settings)
                .unwrap(),
            RawTable::from_arrow("deals", in_memory("d"), &deals, &settings).unwrap(),
            RawTable::from_arrow(
                "deal_partners",
                in_memory("l"),
                &[links().batch()],
                &settings,
            )
            .unwrap(),
        ];
        let raw = RawTables::new(tables, &settings).unwrap();
        validate::validate(raw, &settings, false).unwrap()
    };
    let one = read(vec![whole.batch()]);
    let two = read(vec![first.batch(), second.batch()]);
    assert_eq!(two.deals().id, ["D1", "D2", "D3"]);
    assert_eq!(two.deals().amount, [1.0, 0.0, 3.5]);
    assert_eq!(two.deals().id, one.deals().id);
    assert_eq!(two.deals().amount, one.deals().amount);
    assert_eq!(two.links(), one.links());

    let other = Table::new("deals").text("deal_id", &[Some("D9")]);
    let e = RawTable::from_arrow(
        "deals",
        in_memory("d"),
        &[first.batch(), other.batch()],
        &settings,
    )
    .err()
    .map(msg)
    .expect("batches with other columns");
    assert!(e.contains("disagree on the columns"), "{e}");
}
