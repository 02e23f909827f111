//! `analyze --graph graphml`: the GraphML file read back with an XML parser holds every
//! partner as a node with each non-null partner_metrics value (typed keys), every
//! cosell_edges row as an edge with its weights, and the same bytes for any thread count.
//! (Checked by hand with NetworkX 3's `read_graphml` too: typed values, undirected.)

use std::collections::HashMap;

use crate::common::*;
use crate::overlap_fixtures::read;
use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, Float64Type, Int64Type};
use quick_xml::events::Event;
use quick_xml::Reader;

/// (keys id -> (for, type), nodes id -> {key: text}, edges [(source, target, {key: text})]).
type Parsed = (
    HashMap<String, (String, String)>,
    HashMap<String, HashMap<String, String>>,
    Vec<(String, String, HashMap<String, String>)>,
);

fn attr(e: &quick_xml::events::BytesStart, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .unwrap()
        .map(|a| a.unescape_value().unwrap().into_owned())
}

fn parse(text: &str) -> Parsed {
    let mut r = Reader::from_str(text);
    let (mut keys, mut nodes, mut edges) = (HashMap::new(), HashMap::new(), Vec::new());
    let mut current: Option<(String, Option<String>)> = None;
    let mut data_key: Option<String> = None;
    let mut values: HashMap<String, String> = HashMap::new();
    let mut undirected = false;
    loop {
        match r.read_event().unwrap() {
            Event::Eof => break,
            Event::Empty(e) if e.name().as_ref() == b"key" => {
                keys.insert(
                    attr(&e, "id").unwrap(),
                    (attr(&e, "for").unwrap(), attr(&e, "attr.type").unwrap()),
                );
            }
            Event::Start(e) => match e.name().as_ref() {
                b"graph" => undirected = attr(&e, "edgedefault").as_deref() == Some("undirected"),
                b"node" => current = Some((attr(&e, "id").unwrap(), None)),
                b"edge" => {
                    current = Some((attr(&e, "source").unwrap(), attr(&e, "target")));
                }
                b"data" => data_key = attr(&e, "key"),
                _ => {}
            },
            // A value's text comes as text events and entity references (`&amp;`).
            Event::Text(t) => {
                if let Some(k) = &data_key {
                    values
                        .entry(k.clone())
                        .or_default()
                        .push_str(&t.decode().unwrap());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(k) = &data_key {
                    let name = r.decode().unwrap();
                    let c = match r.resolve_char_ref().unwrap() {
                        Some(c) => c.to_string(),
                        None => quick_xml::escape::resolve_predefined_entity(&name)
                            .unwrap()
                            .to_string(),
                    };
                    values.entry(k.clone()).or_default().push_str(&c);
                }
            }
            Event::End(e) if e.name().as_ref() == b"data" => data_key = None,
            Event::End(e) if matches!(e.name().as_ref(), b"node" | b"edge") => {
                let (a, b) = current.take().unwrap();
                let v = std::mem::take(&mut values);
                match b {
                    None => {
                        nodes.insert(a, v);
                    }
                    Some(b) => edges.push((a, b, v)),
                }
            }
            _ => {}
        }
    }
    assert!(undirected, "the co-sell network is undirected");
    (keys, nodes, edges)
}

#[test]
fn nodes_and_edges_carry_the_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let out = analyze(&demo(), tmp.path(), &["--graph", "graphml"]);
    let text = std::fs::read_to_string(out.join("cosell_network.graphml")).unwrap();
    let (keys, nodes, edges) = parse(&text);
    let pm = read(&out, "partner_metrics");
    let ids = pm
        .column_by_name("partner_id")
        .unwrap()
        .as_string::<i32>()
        .clone();
    assert_eq!(nodes.len(), pm.num_rows());
    let mut nulls = 0;
    for f in pm
        .schema()
        .fields()
        .iter()
        .filter(|f| f.name() != "partner_id")
    {
        let want = match f.data_type() {
            DataType::Utf8 => "string",
            DataType::Int64 => "long",
            _ => "double",
        };
        assert_eq!(keys[f.name()], ("node".into(), want.into()), "{}", f.name());
        let col = pm.column_by_name(f.name()).unwrap();
        for i in 0..pm.num_rows() {
            let got = nodes[ids.value(i)].get(f.name());
            if col.is_null(i) {
                assert!(got.is_none(), "a null is no <data>");
                nulls += 1;
                continue;
            }
            let got = got.unwrap_or_else(|| panic!("{} of {}", f.name(), ids.value(i)));
            match f.data_type() {
                DataType::Utf8 => assert_eq!(got, col.as_string::<i32>().value(i)),
                DataType::Int64 => {
                    assert_eq!(
                        got.parse::<i64>().unwrap(),
                        col.as_primitive::<Int64Type>().value(i)
                    )
                }
                _ => assert_eq!(
                    got.parse::<f64>().unwrap(),
                    col.as_primitive::<Float64Type>().value(i),
                    "{} of {}: the same f64",
                    f.name(),
                    ids.value(i)
                ),
            }
        }
    }
    assert!(nulls > 0, "the demo has null win rates");
    let e = read(&out, "cosell_edges");
    assert_eq!(edges.len(), e.num_rows());
    let (a, b) = (
        e.column_by_name("partner_a").unwrap().as_string::<i32>(),
        e.column_by_name("partner_b").unwrap().as_string::<i32>(),
    );
    let w = e
        .column_by_name("shared_deals")
        .unwrap()
        .as_primitive::<Int64Type>();
    let rev = e
        .column_by_name("shared_won_revenue")
        .unwrap()
        .as_primitive::<Float64Type>();
    for (i, (s, t, v)) in edges.iter().enumerate() {
        assert_eq!((s.as_str(), t.as_str()), (a.value(i), b.value(i)));
        assert_eq!(v["weight"].parse::<i64>().unwrap(), w.value(i));
        assert_eq!(
            v["shared_won_revenue"].parse::<f64>().unwrap(),
            rev.value(i)
        );
    }
    assert_eq!(keys["weight"], ("edge".into(), "long".into()));
}

#[test]
fn same_bytes_for_any_thread_count_and_absent_by_default() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |t: &str| {
        let out = analyze_into(
            &demo(),
            &tmp.path().join(t),
            &["--graph", "graphml", "--threads", t],
        );
        std::fs::read(out.join("cosell_network.graphml")).unwrap()
    };
    assert_eq!(run("1"), run("2"));
    assert!(!analyzed(&demo()).join("cosell_network.graphml").exists());
}
