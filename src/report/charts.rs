//! The report's charts, drawn by plotters' SVG backend into strings that the page
//! inlines (no script, no network): the same model gives the same bytes.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::model::{CurvePoint, DivRow, NetworkMap, Quarter, TypeCell};
use super::quarters::{quarter_index, quarter_label, quarter_window};

const W: u32 = 720;
const H: u32 = 300;
const FONT: &str = "sans-serif";
/// The heatmap's width: wider than the other charts, for the type names under its
/// columns.
const HEATMAP_W: u32 = 880;
/// The font size of the growth chart's and the heatmap's labels and values: plotters
/// writes a size of 15 as about 12 px, the size of the page's small print.
const LABEL: u32 = 15;
/// The palette (Tableau 10's first colours): one per series.
const BLUE: RGBColor = RGBColor(31, 119, 180);
const ORANGE: RGBColor = RGBColor(255, 127, 14);
const GREY: RGBColor = RGBColor(150, 150, 150);
const RED: RGBColor = RGBColor(214, 39, 40);

type Draw = Result<(), Box<dyn std::error::Error>>;

/// An axis of `n` equal slots (at least one): slot `i` spans `[i, i + 1)`, its label
/// drawn at its centre by [`slot_labels`]. (plotters' segmented axis over `0..n` has
/// `n + 1` segments, the last one empty, and maps a single value to a wrong place.)
fn slots(n: usize) -> std::ops::Range<f64> {
    0f64..n.max(1) as f64
}

type Chart<'a, 'b, Y> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<plotters::coord::types::RangedCoordf64, Y>>;

/// Writes `labels[i]` under the centre of slot `i` of the chart's x axis (a [`slots`]
/// axis), `lines` apart: with two or more lines, labels alternate between them, so a
/// label may be as wide as that many slots. An empty label is skipped.
fn slot_labels<Y: Ranged>(
    area: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    c: &Chart<'_, '_, Y>,
    labels: &[String],
    lines: usize,
    y: Y::ValueType,
) -> Draw
where
    Y::ValueType: Clone,
{
    for (i, t) in labels.iter().enumerate().filter(|x| !x.1.is_empty()) {
        let (px, py) = c.backend_coord(&(i as f64 + 0.5, y.clone()));
        let style =
            TextStyle::from((FONT, LABEL).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
        let line = (i % lines.max(1)) as i32;
        area.draw(&Text::new(t.clone(), (px, py + 8 + 18 * line), style))?;
    }
    Ok(())
}

/// Writes `labels[i]` left of the centre of slot `i` of the chart's y axis (a
/// [`slots`] axis).
fn slot_labels_y<X: Ranged<ValueType = f64>>(
    area: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    c: &ChartContext<'_, SVGBackend<'_>, Cartesian2d<X, plotters::coord::types::RangedCoordf64>>,
    labels: &[String],
    x: f64,
) -> Draw {
    for (i, t) in labels.iter().enumerate() {
        let (px, py) = c.backend_coord(&(x, i as f64 + 0.5));
        let style =
            TextStyle::from((FONT, LABEL).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
        area.draw(&Text::new(t.clone(), (px - 8, py), style))?;
    }
    Ok(())
}

fn svg(draw: impl FnOnce(DrawingArea<SVGBackend, plotters::coord::Shift>) -> Draw) -> String {
    svg_sized(W, H, draw)
}

/// [`svg`] of `width` × `height` pixels.
fn svg_sized(
    width: u32,
    height: u32,
    draw: impl FnOnce(DrawingArea<SVGBackend, plotters::coord::Shift>) -> Draw,
) -> String {
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (width, height)).into_drawing_area();
        // A chart that cannot be drawn leaves an empty figure, never a failed report.
        let _ = root.fill(&WHITE).map_err(|e| e.to_string());
        let _ = draw(root.clone());
        let _ = root.present();
    }
    s
}

/// Normalized HHI of each dimension as a bar, coloured by its band, with the band
/// limits ([`crate::alerts::HHI_MODERATE`], [`crate::alerts::HHI_HIGH`]).
pub fn diversification(rows: &[DivRow]) -> String {
    svg(|root| {
        let n = rows.len().max(1);
        let mut c = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(110)
            .build_cartesian_2d(0f64..1f64, slots(n))?;
        c.configure_mesh()
            .x_desc("normalized HHI (0 = spread evenly over its entities, 1 = one takes all)")
            .y_labels(0)
            .label_style((FONT, 13))
            .draw()?;
        c.draw_series(rows.iter().enumerate().map(|(i, r)| {
            let h = r.hhi_normalized.unwrap_or(0.0);
            let colour = match r.band {
                Some("high") => RED,
                Some("moderate") => ORANGE,
                _ => BLUE,
            };
            let mut bar = Rectangle::new([(0.0, i as f64), (h, i as f64 + 1.0)], colour.filled());
            bar.set_margin(6, 6, 0, 0);
            bar
        }))?;
        let names: Vec<String> = rows.iter().map(|r| r.dimension.clone()).collect();
        slot_labels_y(&root, &c, &names, 0.0)?;
        for limit in [crate::alerts::HHI_MODERATE, crate::alerts::HHI_HIGH] {
            c.draw_series(LineSeries::new(
                [(limit, 0.0), (limit, n as f64)],
                GREY.stroke_width(2),
            ))?;
        }
        Ok(())
    })
}

/// The growth chart's true time axis: every quarter of its window (`quarter_window`),
/// each with its won revenue, 0 for a quarter without deals, so the bars stand at their
/// real distance in time. Rows whose date cannot be read are left out; two rows of one
/// quarter add up. O(rows + quarters spanned).
pub(crate) fn quarter_axis(quarters: &[Quarter]) -> Vec<(String, f64)> {
    let Some(w) = quarter_window(quarters) else {
        return Vec::new();
    };
    let mut axis: Vec<(String, f64)> = (w.first..=w.last)
        .map(|q| (quarter_label(q), 0.0))
        .collect();
    for q in quarters {
        if let Some(i) = quarter_index(&q.quarter_start).filter(|i| (w.first..=w.last).contains(i))
        {
            axis[(i - w.first) as usize].1 += q.won_revenue;
        }
    }
    axis
}

/// Every how many quarters the growth chart writes a label, for at most about ten
/// labels: each quarter, every other one, then whole years (4, 8, 20, 40, ...), so
/// labels stay on the same quarter of each year.
fn label_step(n: usize) -> usize {
    [1, 2, 4, 8, 20, 40, 100, 200]
        .into_iter()
        .find(|s| n.div_ceil(*s) <= 10)
        .unwrap_or(400)
}

/// Won revenue by quarter (bars) on a true quarter axis (`quarter_axis`): an empty
/// quarter is an empty slot at zero, labels read "2025Q3"; the value axis is
/// abbreviated like the tiles (`abbreviated`) and names the currency.
pub fn growth(quarters: &[Quarter], currency: Option<&str>) -> String {
    let axis = quarter_axis(quarters);
    svg(|root| {
        let n = axis.len().max(1);
        let top = axis.iter().map(|q| q.1).fold(0.0, f64::max).max(1.0) * 1.1;
        let y = value_axis(0.0, top);
        let mut c = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d(slots(n), y.clone())?;
        let step = label_step(n);
        let title = super::money_heading("won revenue", currency);
        c.configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .y_desc(title)
            .x_labels(0)
            .y_label_formatter(&|v| super::abbreviated(*v))
            .label_style((FONT, LABEL))
            .axis_desc_style((FONT, LABEL))
            .draw()?;
        c.draw_series(axis.iter().enumerate().map(|(i, q)| {
            let mut bar = Rectangle::new(
                [(i as f64, 0.0), (i as f64 + 1.0, on_axis(q.1, &y))],
                BLUE.filled(),
            );
            bar.set_margin(0, 0, 2, 2);
            bar
        }))?;
        let labels: Vec<String> = axis
            .iter()
            .enumerate()
            .map(|(i, q)| {
                if i % step == 0 {
                    q.0.clone()
                } else {
                    String::new()
                }
            })
            .collect();
        slot_labels(&root, &c, &labels, 1, 0.0)
    })
}

/// The largest magnitude an end of a value axis may have.
const AXIS_LIMIT: f64 = 1e300;

/// A value axis plotters can always draw, from the ends `lo..hi` the data asks for.
///
/// plotters' tick search (`compute_f64_key_points`) loops forever when the span
/// `hi - lo` is infinite or NaN: one won revenue of 1.7e308 made the growth chart's
/// top `1.1 × 1.7e308 = inf` and `ecograph report` spin. Here NaN ends become 0,
/// infinite ones and any beyond ±[`AXIS_LIMIT`] are clamped to it (so the span is at most
/// 2e300, finite), reversed ends are swapped, and a span too small to tick (equal
/// ends, subnormal or below a billionth of the ends' magnitude) is widened around the
/// lower end. On such a range the tick search takes a finite, small number of steps:
/// its first scale is a finite power of ten and each step divides it by 2, 5 or 10
/// until the ticks exceed the count asked for. Ordinary ranges pass unchanged, so the
/// charts of ordinary data keep their bytes.
pub(crate) fn value_axis(lo: f64, hi: f64) -> std::ops::Range<f64> {
    let end = |v: f64| {
        if v.is_nan() {
            0.0
        } else {
            v.clamp(-AXIS_LIMIT, AXIS_LIMIT)
        }
    };
    let (mut lo, mut hi) = (end(lo), end(hi));
    if lo > hi {
        std::mem::swap(&mut lo, &mut hi);
    }
    let least = (lo.abs().max(hi.abs()) * 1e-9).max(1e-9);
    if hi - lo < least {
        if lo + least <= AXIS_LIMIT {
            hi = lo + least;
        } else {
            lo = hi - least;
        }
    }
    lo..hi
}

/// `v` held inside the axis (a bar of an infinite or NaN value drawn to the edge or not
/// at all, rather than at a coordinate plotters cannot map).
fn on_axis(v: f64, axis: &std::ops::Range<f64>) -> f64 {
    if v.is_nan() {
        axis.start.max(0.0).min(axis.end)
    } else {
        v.clamp(axis.start, axis.end)
    }
}

/// The largest island left as partners are removed, targeted and random.
pub fn resilience(points: &[CurvePoint]) -> String {
    svg(|root| {
        let mut c = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(50)
            .build_cartesian_2d(0f64..0.5f64, 0f64..1f64)?;
        c.configure_mesh()
            .x_desc("share of partners removed")
            .y_desc("largest co-selling island left")
            .label_style((FONT, 12))
            .draw()?;
        for (strategy, colour) in [("targeted", RED), ("random", BLUE)] {
            let curve: Vec<(f64, f64)> = points
                .iter()
                .filter(|p| p.strategy == strategy)
                .map(|p| (p.removed_fraction, p.lcc_fraction))
                .collect();
            c.draw_series(LineSeries::new(curve.clone(), colour.stroke_width(3)))?
                .label(strategy)
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 18, y)], colour.stroke_width(3))
                });
            c.draw_series(
                curve
                    .into_iter()
                    .map(|p| Circle::new(p, 3, colour.filled())),
            )?;
        }
        c.configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(GREY)
            .label_font((FONT, 13))
            .position(SeriesLabelPosition::UpperRight)
            .draw()?;
        Ok(())
    })
}

/// Partners named on the printed network map at most: the most central whose label
/// overlaps no label already placed.
const LABELS: usize = 12;

/// `#rrggbb` as a colour (grey when malformed: the model's colours are always well formed).
fn hex_colour(hex: &str) -> RGBColor {
    let channel = |k: usize| {
        hex.get(1 + 2 * k..3 + 2 * k)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(150)
    };
    RGBColor(channel(0), channel(1), channel(2))
}

/// The co-sell network map as the page prints it (on screen the interactive map takes
/// its place): ties as light lines, partners as circles sized by attributed revenue
/// (area) and coloured by community (the model's colour), and up to twelve of the
/// most central named, each only where its label box (12 px text, about 0.6 em a
/// character) overlaps no label already placed, so names never pile up.
pub fn network(map: &NetworkMap) -> String {
    const SIDE: u32 = 720;
    const MARGIN: u32 = 20;
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (SIDE, SIDE)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let _ = (|| -> Draw {
            let mut c = ChartBuilder::on(&root)
                .margin(MARGIN)
                .build_cartesian_2d(-0.03f64..1.03f64, -0.03f64..1.03f64)?;
            let n = &map.nodes;
            let max_w = map.edges.iter().map(|e| e.2).max().unwrap_or(1).max(1) as f64;
            c.draw_series(map.edges.iter().map(|&(a, b, w)| {
                let alpha = 0.15 + 0.5 * (w as f64 / max_w);
                PathElement::new(
                    [(n[a].x, n[a].y), (n[b].x, n[b].y)],
                    GREY.mix(alpha).stroke_width(1),
                )
            }))?;
            let top = n
                .iter()
                .map(|x| x.attributed_revenue)
                .fold(0.0, f64::max)
                .max(1.0);
            // Biggest first, so small partners stay visible on top.
            let mut order: Vec<usize> = (0..n.len()).collect();
            order.sort_by(|&a, &b| {
                n[b].attributed_revenue
                    .total_cmp(&n[a].attributed_revenue)
                    .then(a.cmp(&b))
            });
            c.draw_series(order.iter().map(|&i| {
                let r = 2.0 + 12.0 * (n[i].attributed_revenue.max(0.0) / top).sqrt();
                Circle::new(
                    (n[i].x, n[i].y),
                    r as i32,
                    hex_colour(&n[i].colour).mix(0.85).filled(),
                )
            }))?;
            // Label boxes in pixels: the text hangs from the node's centre and runs right
            // (plotters anchors text at its top left).
            let span = f64::from(SIDE - 2 * MARGIN);
            let pixel = |v: f64| (v + 0.03) / 1.06 * span;
            let mut placed: Vec<(f64, f64, f64, f64)> = Vec::new();
            for node in n {
                if placed.len() == LABELS {
                    break;
                }
                let (x, y) = (pixel(node.x), span - pixel(node.y));
                let bx = (x, y, x + 7.2 * node.name.chars().count() as f64, y + 14.0);
                let overlaps = |p: &(f64, f64, f64, f64)| {
                    bx.0 < p.2 + 4.0 && p.0 < bx.2 + 4.0 && bx.1 < p.3 + 2.0 && p.1 < bx.3 + 2.0
                };
                if bx.2 <= span && !placed.iter().any(overlaps) {
                    placed.push(bx);
                    c.draw_series(std::iter::once(Text::new(
                        node.name.clone(),
                        (node.x, node.y),
                        (FONT, 12).into_font().color(&BLACK),
                    )))?;
                }
            }
            Ok(())
        })();
        let _ = root.present();
    }
    s
}

#[cfg(test)]
mod network_tests {
    use super::*;
    use crate::report::model::MapNode;

    fn node(name: &str, x: f64, y: f64) -> MapNode {
        MapNode {
            partner_id: name.to_string(),
            name: name.to_string(),
            x,
            y,
            attributed_revenue: 1.0,
            community: None,
            colour: "#1f77b4".to_string(),
            pagerank: 0.1,
            won_deals: 1,
            win_rate: None,
            cosell_degree: 1,
            betweenness: None,
            reach_loss: None,
            ties_drawn: 1,
            card: Vec::new(),
        }
    }

    /// Partners piled at the centre get one label, not a heap of them; partners apart
    /// get theirs.
    #[test]
    fn printed_labels_never_pile_up() {
        let labels = |nodes: Vec<MapNode>| {
            let map = NetworkMap {
                nodes,
                edges: vec![(0, 1, 1)],
                total_edges: 1,
                isolated: 0,
                total: 8,
            };
            network(&map).matches("<text").count()
        };
        let piled = (0..8)
            .map(|k| node(&format!("Partner {k}"), 0.5, 0.5))
            .collect();
        assert_eq!(labels(piled), 1);
        let apart = (0..8)
            .map(|k| node(&format!("P{k}"), 0.1, 0.1 * k as f64 + 0.1))
            .collect();
        assert_eq!(labels(apart), 8);
        assert_eq!(hex_colour("#ff7f0e"), RGBColor(255, 127, 14));
    }
}

/// The account-mapping heatmap: partner type against partner type, each cell shaded by
/// its pair density (the share of possible pairs of partners of those two types that
/// share a customer; darkest the densest) and labelled with it as a percentage, dark
/// text on light cells and white on dark ones; a scale bar on the right gives the
/// colours from 0 to the densest cell. Both halves are drawn so the matrix reads either
/// way. The types are those overlap_by_type lists, so a "no type" row and column appear
/// only when partners without a type overlap. O(types² + cells).
pub fn account_mapping(cells: &[TypeCell]) -> String {
    let types = heatmap_types(cells);
    let label = |t: &Option<String>| t.clone().unwrap_or_else(|| "no type".into());
    let n = types.len();
    let top = cells
        .iter()
        .map(|c| c.pair_density)
        .filter(|d| d.is_finite())
        .fold(0.0, f64::max);
    // A row per type, at least 34 px each, so the values in the cells stay legible.
    let height = (H as usize).max(70 + 34 * n).min(1200) as u32;
    // The type names under the columns, written across: when the longest is wider
    // than its column (about 7 px a character), they alternate between lines (up to
    // four), so that each has the width of as many columns.
    let longest = types
        .iter()
        .map(|t| label(t).chars().count())
        .max()
        .unwrap_or(0);
    let column = (HEATMAP_W - 110 - 130 - 24) as usize / n.max(1);
    let lines = (longest * 7 + 8).div_ceil(column.max(1)).clamp(1, 4);
    let below = 14 + 18 * lines as u32;
    let height = height + below - 40;
    svg_sized(HEATMAP_W, height, |root| {
        if n == 0 {
            return Ok(());
        }
        let (matrix, legend) = root.split_horizontally(HEATMAP_W - 110);
        let mut c = ChartBuilder::on(&matrix)
            .margin(12)
            .x_label_area_size(below)
            .y_label_area_size(130)
            .build_cartesian_2d(slots(n), slots(n))?;

        c.configure_mesh()
            .disable_mesh()
            .x_labels(0)
            .y_labels(0)
            .label_style((FONT, LABEL))
            .draw()?;
        let names: Vec<String> = types.iter().map(label).collect();
        slot_labels(&matrix, &c, &names, lines, 0.0)?;
        slot_labels_y(&matrix, &c, &names, 0.0)?;
        let at = |t: &Option<String>| types.iter().position(|x| x == t).unwrap_or(0);
        // Both halves of the matrix, each cell once.
        let mut drawn: Vec<(usize, usize, f64)> = Vec::new();
        for cell in cells {
            let (x, y) = (at(&cell.type_a), at(&cell.type_b));
            for (x, y) in [(x, y), (y, x)] {
                if !drawn.iter().any(|d| d.0 == x && d.1 == y) {
                    drawn.push((x, y, cell.pair_density));
                }
            }
        }
        c.draw_series(drawn.iter().map(|&(x, y, d)| {
            Rectangle::new(
                [(x as f64, y as f64), (x as f64 + 1.0, y as f64 + 1.0)],
                shade(d, top).filled(),
            )
        }))?;
        c.draw_series(drawn.iter().map(|&(x, y, d)| {
            let ink = if d / top.max(1e-300) > 0.55 {
                &WHITE
            } else {
                &BLACK
            };
            let style = TextStyle::from((FONT, LABEL).into_font())
                .color(ink)
                .pos(Pos::new(HPos::Center, VPos::Center));
            Text::new(
                super::show(Some(d), "share"),
                (x as f64 + 0.5, y as f64 + 0.5),
                style,
            )
        }))?;
        draw_scale(&legend, top, height)
    })
}

/// The types of the heatmap's rows and columns: those of the cells, named types in
/// byte order, the null type ("no type") last, as overlap_by_type sorts them.
fn heatmap_types(cells: &[TypeCell]) -> Vec<Option<String>> {
    let mut types: Vec<Option<String>> = Vec::new();
    for c in cells {
        for t in [&c.type_a, &c.type_b] {
            if !types.contains(t) {
                types.push(t.clone());
            }
        }
    }
    types.sort_by(|a, b| match (a, b) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, _) => std::cmp::Ordering::Greater,
        (_, None) => std::cmp::Ordering::Less,
        (Some(x), Some(y)) => x.as_bytes().cmp(y.as_bytes()),
    });
    types
}

/// The heatmap's colour of density `d` on a scale whose darkest is `top`: from near
/// white to the palette's blue, linear in `d / top`.
fn shade(d: f64, top: f64) -> RGBColor {
    let t = if top > 0.0 && d.is_finite() {
        (d / top).clamp(0.0, 1.0)
    } else {
        0.0
    };
    RGBColor(
        (247.0 - 216.0 * t) as u8,
        (251.0 - 132.0 * t) as u8,
        (255.0 - 75.0 * t) as u8,
    )
}

/// The heatmap's colour legend: a vertical bar from 0 (bottom) to `top` (the densest
/// cell), labelled at both ends and titled.
fn draw_scale(
    area: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    top: f64,
    height: u32,
) -> Draw {
    const STEPS: i32 = 40;
    let (x0, x1) = (14, 34);
    let (y_top, y_bottom) = (40, (height as i32 - 60).max(80));
    let span = (y_bottom - y_top) as f64;
    for k in 0..STEPS {
        let a = y_top + (span * k as f64 / STEPS as f64) as i32;
        let b = y_top + (span * (k + 1) as f64 / STEPS as f64).ceil() as i32;
        let d = top * (1.0 - (k as f64 + 0.5) / STEPS as f64);
        area.draw(&Rectangle::new([(x0, a), (x1, b)], shade(d, top).filled()))?;
    }
    area.draw(&Rectangle::new(
        [(x0, y_top), (x1, y_bottom)],
        GREY.stroke_width(1),
    ))?;
    let text = |s: String, y: i32| {
        Text::new(
            s,
            (x1 + 6, y),
            TextStyle::from((FONT, LABEL).into_font()).pos(Pos::new(HPos::Left, VPos::Center)),
        )
    };
    area.draw(&Text::new(
        "pair density",
        (x0, y_top - 22),
        (FONT, LABEL).into_font(),
    ))?;
    area.draw(&text(super::show(Some(top), "share"), y_top))?;
    area.draw(&text("0 %".into(), y_bottom))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::coord::ranged1d::Ranged;
    use plotters::coord::types::RangedCoordf64;
    use std::sync::mpsc;
    use std::time::Duration;

    /// Runs `f` on its own thread and fails if it takes longer than `secs`: a hang
    /// fails the test instead of blocking the test run (the thread is left behind).
    fn within<T: Send + 'static>(
        secs: u64,
        what: &str,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> T {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(Duration::from_secs(secs))
            .unwrap_or_else(|_| panic!("{what}: did not finish within {secs} s (a hang)"))
    }

    const EXTREMES: [f64; 16] = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        1e-9,
        5e-324,
        -5e-324,
        f64::MIN_POSITIVE,
        1e15,
        1.7e308,
        -1.7e308,
        f64::MAX,
        f64::MIN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ];

    #[test]
    fn every_value_axis_is_finite_ordered_and_ticks_in_a_few_steps() {
        within(30, "value axes of extreme ranges", || {
            for &lo in &EXTREMES {
                for &hi in &EXTREMES {
                    let r = value_axis(lo, hi);
                    assert!(
                        r.start.is_finite() && r.end.is_finite(),
                        "{lo}..{hi}: {r:?}"
                    );
                    assert!(r.start < r.end, "{lo}..{hi}: {r:?}");
                    assert!((r.end - r.start).is_finite(), "{lo}..{hi}: {r:?}");
                    // plotters' own tick search, as the mesh runs it (at most 10 labels).
                    let ticks = RangedCoordf64::from(r.clone()).key_points(10usize);
                    assert!(
                        !ticks.is_empty() && ticks.len() <= 11,
                        "{lo}..{hi}: {r:?} gave {} ticks",
                        ticks.len()
                    );
                    let _ = RangedCoordf64::from(r.clone()).key_points(100usize);
                }
            }
        });
    }

    #[test]
    fn ordinary_ranges_pass_unchanged() {
        for (lo, hi) in [
            (0.0, 1.1),
            (0.0, 1_234_567.0 * 1.1),
            (-3.0, 7.5),
            (0.0, 4.7e24),
        ] {
            assert_eq!(value_axis(lo, hi), lo..hi);
        }
    }

    #[test]
    fn the_growth_chart_of_extreme_revenue_is_drawn_without_hanging() {
        for &v in &EXTREMES {
            let svg = within(30, &format!("growth chart of {v}"), move || {
                let quarters: Vec<Quarter> = [v, 1.0, v, 0.0]
                    .iter()
                    .enumerate()
                    .map(|(i, &won_revenue)| Quarter {
                        quarter_start: format!("2025-0{}-01", 1 + 3 * (i % 3)),
                        won_revenue,
                        cumulative_partners: i as i64,
                        deals: 1,
                    })
                    .collect();
                growth(&quarters, None)
            });
            assert!(svg.contains("<svg") && svg.contains("</svg>"), "{v}: {svg}");
        }
    }

    /// A text element of plotters' SVG holding exactly `t`.
    fn text(t: &str) -> String {
        format!(">\n{t}\n</text>")
    }

    use crate::report::quarters::tests::{deals, quarter, real_with_stray};

    #[test]
    fn the_axis_draws_the_window_and_leaves_a_stray_quarter_off() {
        for stray in ["1900-01-01", "9999-12-31"] {
            let axis = quarter_axis(&real_with_stray(stray));
            assert_eq!(axis.len(), 12, "{stray}");
            assert_eq!(axis.iter().map(|q| q.1).sum::<f64>(), 15.0);
        }
        // A history of exactly a hundred years is drawn whole.
        assert_eq!(
            quarter_axis(&[deals("1926-01-01", 1), deals("2025-10-01", 1)]).len(),
            400
        );
    }

    #[test]
    fn the_quarter_axis_holds_every_quarter_and_empty_ones_at_zero() {
        // 2024Q3 and 2025Q1 have no deal: network_growth has no row for them.
        let rows = [
            quarter("2024-04-01", 5.0),
            quarter("2024-10-01", 7.0),
            quarter("2025-04-01", 9.0),
        ];
        let axis = quarter_axis(&rows);
        let want = [
            ("2024Q2", 5.0),
            ("2024Q3", 0.0),
            ("2024Q4", 7.0),
            ("2025Q1", 0.0),
            ("2025Q2", 9.0),
        ];
        let got: Vec<(&str, f64)> = axis.iter().map(|(l, v)| (l.as_str(), *v)).collect();
        assert_eq!(got, want);
        // Counter-example: consecutive quarters gain no empty slot.
        let rows = [quarter("2024-01-01", 1.0), quarter("2024-04-01", 2.0)];
        assert_eq!(quarter_axis(&rows).len(), 2);
        // An unreadable date is left out; nothing readable, no axis.
        assert!(quarter_axis(&[quarter("", 3.0)]).is_empty());
        // A stray date a thousand years on does not make a thousand years of bars.
        let far = [quarter("2024-01-01", 1.0), quarter("3024-01-01", 1.0)];
        assert_eq!(quarter_axis(&far).len(), 1);
    }

    #[test]
    fn the_growth_chart_labels_quarters_at_their_true_place() {
        let rows = [quarter("2024-04-01", 5e6), quarter("2025-04-01", 9e6)];
        let svg = growth(&rows, Some("EUR"));
        for label in ["2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2"] {
            assert!(svg.contains(&text(label)), "{label} missing");
        }
        assert!(!svg.contains("2024-04-01"), "a date label left");
        assert!(svg.contains("won revenue (EUR)"));
        assert!(
            svg.contains(&text("8.0M")),
            "axis not abbreviated as the tiles are"
        );
        // Five quarters, five bars of the palette's blue (two of them at zero height).
        assert_eq!(svg.matches("fill=\"#1F77B4\"").count(), 5, "{svg}");
    }

    fn cell(a: Option<&str>, b: Option<&str>, d: f64) -> TypeCell {
        TypeCell {
            type_a: a.map(Into::into),
            type_b: b.map(Into::into),
            pairs: 1,
            pair_density: d,
        }
    }

    #[test]
    fn the_heatmap_has_values_a_legend_and_only_the_types_listed() {
        let cells = [
            cell(Some("isv"), Some("isv"), 0.5),
            cell(Some("isv"), Some("reseller"), 0.25),
            cell(Some("reseller"), Some("reseller"), 0.000174),
        ];
        let svg = account_mapping(&cells);
        for v in ["50.0 %", "25.0 %", "0.017 %"] {
            assert!(svg.contains(&text(v)), "{v} not in a cell");
        }
        // Both halves: the off-diagonal value twice.
        assert_eq!(svg.matches(&text("25.0 %")).count(), 2);
        // The legend: its title and both ends (the densest cell is also 50.0 %).
        assert!(svg.contains(&text("pair density")) && svg.contains(&text("0 %")));
        assert_eq!(svg.matches(&text("50.0 %")).count(), 2);
        // Two types, two labels on each axis, and no "no type" without untyped partners.
        assert_eq!(svg.matches(&text("isv")).count(), 2);
        assert_eq!(svg.matches(&text("reseller")).count(), 2);
        assert!(!svg.contains("no type"));
        assert_eq!(heatmap_types(&cells).len(), 2);
        // With untyped partners overlapping: one more row and column, named.
        let with_null = [cell(Some("isv"), None, 0.1)];
        let svg = account_mapping(&with_null);
        assert_eq!(svg.matches(&text("no type")).count(), 2);
        assert_eq!(
            heatmap_types(&with_null),
            vec![Some("isv".to_string()), None]
        );
        // Dark text on the lightest cell, white on the darkest.
        assert!(shade(0.0, 0.5).0 > 200 && shade(0.5, 0.5).0 < 60);
        assert!(account_mapping(&[]).contains("</svg>"));
    }
}
