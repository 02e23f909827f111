//! `cosell_network.graphml` (`analyze --graph graphml`): the co-sell network for
//! Gephi, Cytoscape, yEd, NetworkX (`nx.read_graphml`) and igraph users, with every
//! partner_metrics column as a typed node attribute and the `cosell_edges` weights on the
//! edges.
//!
//! GraphML (Brandes et al., graphdrawing.org/xmlns): one `<key>` per attribute with its
//! type (`string`, `long`, `double`), an undirected `<graph>`, a `<node id=partner_id>`
//! per partner with a `<data>` per non-null value, and an `<edge>` per co-sell tie with
//! `weight` (= shared_deals, the attribute Gephi and NetworkX read as the edge weight),
//! `shared_won_deals` and `shared_won_revenue`. Nodes also get `label` (the partner's
//! name, or its id without one), which Gephi and Cytoscape show. The XML is written by
//! quick-xml (escaping included; tab, line feed and carriage return in an attribute, and
//! carriage return in text, as character references, so that every id and name reads
//! back exactly; text XML 1.0 cannot hold at all, such as NUL, is refused), nodes in partner_id order and edges in cosell_edges
//! order, so the same results give the same bytes. Time and memory O(n + m) streamed:
//! the edges are written a chunk of partners at a time.
//!
//! For a partner manager: open the file in Gephi, size the nodes by
//! attributed_revenue, colour them by community, and see the co-selling map.

use std::io::Write;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, Float64Type, Int64Type};
use arrow::record_batch::RecordBatch;
use std::borrow::Cow;

use quick_xml::escape::escape;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use crate::graph::GraphSet;
use crate::metrics::cosell_edges::{chunks, edge_chunk};

/// The file name inside the output folder.
pub const GRAPHML_FILE: &str = "cosell_network.graphml";

/// A network file format `analyze --graph` can write besides the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    /// GraphML ([`GRAPHML_FILE`]).
    Graphml,
}

/// The GraphML type of an Arrow column type (None: not exported).
fn graphml_type(t: &DataType) -> Option<&'static str> {
    match t {
        DataType::Utf8 => Some("string"),
        DataType::Int64 => Some("long"),
        DataType::Float64 => Some("double"),
        _ => None,
    }
}

/// Cell `i` of `col` as GraphML text, None when null. Floats in Rust's shortest
/// round-trip form, so a reader gets the same f64 back.
fn cell(col: &dyn Array, i: usize) -> Option<String> {
    if col.is_null(i) {
        return None;
    }
    match col.data_type() {
        DataType::Utf8 => Some(col.as_string::<i32>().value(i).to_string()),
        DataType::Int64 => Some(col.as_primitive::<Int64Type>().value(i).to_string()),
        DataType::Float64 => Some(format!("{:?}", col.as_primitive::<Float64Type>().value(i))),
        _ => None,
    }
}

/// Refuses text that XML 1.0 cannot hold at all (NUL and the other C0 controls but tab,
/// line feed and carriage return; U+FFFE, U+FFFF): not even a character reference can
/// carry it. Validation refuses such ids; other text (a name) is refused here.
fn xml_char_check(value: &str, what: &dyn Fn() -> String) -> std::io::Result<()> {
    match crate::validate::forbidden_in_id(value) {
        None => Ok(()),
        Some(c) => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "{} contains the control character U+{:04X}, which XML 1.0 (GraphML) cannot \
                 hold; remove it from the input, or leave out --graph graphml",
                what(),
                u32::from(c)
            ),
        )),
    }
}

/// `value` escaped for an attribute: quick-xml's five entities, and tab, line feed and
/// carriage return as character references, which attribute-value normalization leaves
/// alone (written raw, a reader turns each into a space, so `P\t1`, `P\n1` and `P 1`
/// would read back as one id).
fn attr_value(value: &str) -> Cow<'_, str> {
    let e = escape(value);
    if !e.contains(['\t', '\n', '\r']) {
        return e;
    }
    Cow::Owned(
        e.replace('\t', "&#9;")
            .replace('\n', "&#10;")
            .replace('\r', "&#13;"),
    )
}

/// `value` escaped for element text: quick-xml's five entities, and carriage return as
/// a character reference (end-of-line handling turns a raw one into a line feed).
fn text_value(value: &str) -> Cow<'_, str> {
    let e = escape(value);
    if !e.contains('\r') {
        return e;
    }
    Cow::Owned(e.replace('\r', "&#13;"))
}

fn data<W: Write>(w: &mut Writer<W>, key: &str, value: &str) -> std::io::Result<()> {
    w.create_element("data")
        .with_attribute(("key", key))
        .write_text_content(BytesText::from_escaped(text_value(value)))?;
    Ok(())
}

/// An attribute `key="value"`, escaped by [`attr_value`].
fn attr<'a>(key: &'a str, value: &'a Cow<'a, str>) -> Attribute<'a> {
    Attribute::from((key.as_bytes(), value.as_bytes()))
}

/// Writes the GraphML document of `g` with `partner_metrics` (the exported batch, one
/// row per partner in partner order) as node attributes, to `out`.
pub fn write_graphml<W: Write>(
    g: &GraphSet,
    partner_metrics: &RecordBatch,
    out: W,
) -> std::io::Result<()> {
    let mut w = Writer::new_with_indent(out, b' ', 1);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let schema = partner_metrics.schema();
    let columns: Vec<(usize, &str, &'static str)> = schema
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| f.name() != "partner_id")
        .filter_map(|(i, f)| graphml_type(f.data_type()).map(|t| (i, f.name().as_str(), t)))
        .collect();
    let name_col = schema.index_of("name").ok();
    w.create_element("graphml")
        .with_attribute(("xmlns", "http://graphml.graphdrawing.org/xmlns"))
        .write_inner_content(|w| {
            let key = |w: &mut Writer<W>, id: &str, on: &str, ty: &str| {
                w.create_element("key")
                    .with_attributes([
                        ("id", id),
                        ("for", on),
                        ("attr.name", id),
                        ("attr.type", ty),
                    ])
                    .write_empty()
                    .map(|_| ())
            };
            key(w, "label", "node", "string")?;
            for &(_, name, ty) in &columns {
                key(w, name, "node", ty)?;
            }
            key(w, "weight", "edge", "long")?;
            key(w, "shared_won_deals", "edge", "long")?;
            key(w, "shared_won_revenue", "edge", "double")?;
            w.create_element("graph")
                .with_attributes([("id", "cosell"), ("edgedefault", "undirected")])
                .write_inner_content(|w| {
                    for (p, id) in g.partners.id.iter().enumerate() {
                        xml_char_check(id, &|| format!("partner id {id:?}"))?;
                        let id_attr = attr_value(id);
                        w.create_element("node")
                            .with_attribute(attr("id", &id_attr))
                            .write_inner_content(|w| {
                                let label = name_col
                                    .and_then(|c| cell(partner_metrics.column(c), p))
                                    .unwrap_or_else(|| id.clone());
                                data(w, "label", &label)?;
                                for &(c, name, _) in &columns {
                                    if let Some(v) = cell(partner_metrics.column(c), p) {
                                        xml_char_check(&v, &|| {
                                            format!("partner {id:?}'s {name} {v:?}")
                                        })?;
                                        data(w, name, &v)?;
                                    }
                                }
                                Ok(())
                            })?;
                    }
                    for range in chunks(g) {
                        let e = edge_chunk(g, range);
                        for i in 0..e.len() {
                            let source = attr_value(&g.partners.id[e.a[i] as usize]);
                            let target = attr_value(&g.partners.id[e.b[i] as usize]);
                            w.create_element("edge")
                                .with_attributes([attr("source", &source), attr("target", &target)])
                                .write_inner_content(|w| {
                                    data(w, "weight", &e.shared_deals[i].to_string())?;
                                    data(
                                        w,
                                        "shared_won_deals",
                                        &e.shared_won_deals[i].to_string(),
                                    )?;
                                    data(
                                        w,
                                        "shared_won_revenue",
                                        &format!("{:?}", e.shared_won_revenue[i]),
                                    )
                                })?;
                        }
                    }
                    Ok(())
                })?;
            Ok(())
        })?;
    w.into_inner().flush()
}
