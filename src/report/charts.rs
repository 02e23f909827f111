//! The report's charts, drawn by plotters' SVG backend into strings that the page
//! inlines (no script, no network): the same model gives the same bytes.

use plotters::prelude::*;

use super::model::{CurvePoint, DivRow, NetworkMap, Quarter, TypeCell};

const W: u32 = 720;
const H: u32 = 300;
const FONT: &str = "sans-serif";
/// The palette (Tableau 10's first colours): one per series.
const BLUE: RGBColor = RGBColor(31, 119, 180);
const ORANGE: RGBColor = RGBColor(255, 127, 14);
const GREY: RGBColor = RGBColor(150, 150, 150);
const RED: RGBColor = RGBColor(214, 39, 40);

type Draw = Result<(), Box<dyn std::error::Error>>;

fn svg(draw: impl FnOnce(DrawingArea<SVGBackend, plotters::coord::Shift>) -> Draw) -> String {
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (W, H)).into_drawing_area();
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
            .build_cartesian_2d(0f64..1f64, (0..n).into_segmented())?;
        c.configure_mesh()
            .x_desc("normalized HHI (0 = spread evenly over its entities, 1 = one takes all)")
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => rows
                    .get(*i)
                    .map(|r| r.dimension.clone())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .label_style((FONT, 13))
            .draw()?;
        c.draw_series(rows.iter().enumerate().map(|(i, r)| {
            let h = r.hhi_normalized.unwrap_or(0.0);
            let colour = match r.band {
                Some("high") => RED,
                Some("moderate") => ORANGE,
                _ => BLUE,
            };
            let mut bar = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(i)),
                    (h, SegmentValue::Exact(i + 1)),
                ],
                colour.filled(),
            );
            bar.set_margin(6, 6, 0, 0);
            bar
        }))?;
        for limit in [crate::alerts::HHI_MODERATE, crate::alerts::HHI_HIGH] {
            c.draw_series(LineSeries::new(
                [
                    (limit, SegmentValue::Exact(0)),
                    (limit, SegmentValue::Exact(n)),
                ],
                GREY.stroke_width(2),
            ))?;
        }
        Ok(())
    })
}

/// Won revenue by quarter (bars).
pub fn growth(quarters: &[Quarter]) -> String {
    svg(|root| {
        let n = quarters.len().max(1);
        let top = quarters
            .iter()
            .map(|q| q.won_revenue)
            .fold(0.0, f64::max)
            .max(1.0)
            * 1.1;
        let y = value_axis(0.0, top);
        let mut c = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d((0..n).into_segmented(), y.clone())?;
        let step = n.div_ceil(8).max(1);
        c.configure_mesh()
            .disable_x_mesh()
            .y_desc("won revenue")
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) if i % step == 0 => quarters
                    .get(*i)
                    .map(|q| q.quarter_start.clone())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .y_label_formatter(&|v| short_number(*v))
            .label_style((FONT, 12))
            .draw()?;
        c.draw_series(quarters.iter().enumerate().map(|(i, q)| {
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(i), 0.0),
                    (SegmentValue::Exact(i + 1), on_axis(q.won_revenue, &y)),
                ],
                BLUE.filled(),
            );
            bar.set_margin(0, 0, 2, 2);
            bar
        }))?;
        Ok(())
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
/// its pair density (the share of possible pairs that share a customer), the darkest
/// the densest; both halves drawn so the matrix reads either way.
pub fn account_mapping(cells: &[TypeCell]) -> String {
    let mut types: Vec<Option<String>> = Vec::new();
    for c in cells {
        for t in [&c.type_a, &c.type_b] {
            if !types.contains(t) {
                types.push(t.clone());
            }
        }
    }
    // Named types in byte order, untyped partners last (as overlap_by_type sorts them).
    types.sort_by(|a, b| match (a, b) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, _) => std::cmp::Ordering::Greater,
        (_, None) => std::cmp::Ordering::Less,
        (Some(x), Some(y)) => x.as_bytes().cmp(y.as_bytes()),
    });
    let label = |t: &Option<String>| t.clone().unwrap_or_else(|| "(no type)".into());
    let n = types.len().max(1);
    let top = cells
        .iter()
        .map(|c| c.pair_density)
        .fold(0.0, f64::max)
        .max(1e-12);
    svg(|root| {
        let mut c = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(130)
            .build_cartesian_2d((0..n).into_segmented(), (0..n).into_segmented())?;
        let name = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) => types.get(*i).map(label).unwrap_or_default(),
            _ => String::new(),
        };
        c.configure_mesh()
            .disable_mesh()
            .x_label_formatter(&name)
            .y_label_formatter(&name)
            .label_style((FONT, 12))
            .draw()?;
        let at = |t: &Option<String>| types.iter().position(|x| x == t).unwrap_or(0);
        c.draw_series(cells.iter().flat_map(|cell| {
            let (x, y) = (at(&cell.type_a), at(&cell.type_b));
            let shade = cell.pair_density / top;
            let colour = RGBColor(
                (247.0 - 216.0 * shade) as u8,
                (251.0 - 132.0 * shade) as u8,
                (255.0 - 75.0 * shade) as u8,
            );
            let mut out = vec![(x, y)];
            if x != y {
                out.push((y, x));
            }
            out.into_iter().map(move |(x, y)| {
                Rectangle::new(
                    [
                        (SegmentValue::Exact(x), SegmentValue::Exact(y)),
                        (SegmentValue::Exact(x + 1), SegmentValue::Exact(y + 1)),
                    ],
                    colour.filled(),
                )
            })
        }))?;
        Ok(())
    })
}

/// 1234567 -> "1.2M", for axis labels.
pub(crate) fn short_number(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.1}B", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e3 {
        format!("{:.0}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
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
                growth(&quarters)
            });
            assert!(svg.contains("<svg") && svg.contains("</svg>"), "{v}: {svg}");
        }
    }
}
