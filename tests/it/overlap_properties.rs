//! Property tests of the overlap family on random small ecosystems: pair invariants
//! (p < q, similarities in [0, 1], overlap_coefficient >= jaccard, shared <= min size),
//! the streamed output against an all-in-memory computation for any block size (the
//! per-partner columns too, merged from per-thread partials), the
//! top-k / min-jaccard bounds against their definition, conflicts against a brute-force
//! scan, and bit-identical results for 1 and 2 threads.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use crate::arrow_input::{self, deal_id, partner_id, per_item, validated, Table, STAGES};
use ecograph::graph::{self, GraphSet};
use ecograph::metrics::overlap::pairs::Blocking;
use ecograph::metrics::overlap::{self, CollectSink, Dimension, OverlapParams, PairBlock};
use ecograph::validate::{ValidatedTables, NULL};

/// Per deal: (customer 0 = null, product 0 = null, created day or none, stage,
/// [(partner, sourced?)]); per partner: (type 0 = null, products carried).
type DealSpec = (u8, u8, Option<u16>, u8, Vec<(u8, bool)>);
type Spec = (usize, Vec<DealSpec>, Vec<(u8, Vec<u8>)>);

fn spec() -> impl Strategy<Value = Spec> {
    (1usize..30).prop_flat_map(|n| {
        let deal = (
            0u8..12,
            0u8..4,
            prop::option::weighted(0.9, 0u16..400),
            0u8..3,
            prop::collection::vec((0u8..n as u8, any::<bool>()), 0..5),
        );
        let partner = (0u8..4, prop::collection::vec(0u8..6, 0..4));
        (
            Just(n),
            prop::collection::vec(deal, 1..80),
            prop::collection::vec(partner, n..=n),
        )
    })
}

/// The spec as in-memory Arrow tables, through the validator.
fn tables((n, deals, partners): &Spec) -> ValidatedTables {
    let partners_t = arrow_input::partners(*n).text(
        "partner_type",
        &per_item(partners, |_, (t, _)| (*t > 0).then(|| format!("type{t}"))),
    );
    let carried: Vec<(usize, u8)> = partners
        .iter()
        .enumerate()
        .flat_map(|(p, (_, prods))| prods.iter().map(move |&x| (p, x)))
        .collect();
    let partner_products = Table::new("partner_products")
        .text(
            "partner_id",
            &per_item(&carried, |_, (p, _)| Some(partner_id(*p))),
        )
        .text(
            "product_id",
            &per_item(&carried, |_, (_, x)| Some(format!("X{x}"))),
        );
    let deals_t = Table::new("deals")
        .text("deal_id", &per_item(deals, |i, _| Some(deal_id(i))))
        .text(
            "customer_id",
            &per_item(deals, |_, d| (d.0 != 0).then(|| format!("C{}", d.0))),
        )
        .text(
            "product_id",
            &per_item(deals, |_, d| (d.1 != 0).then(|| format!("X{}", d.1))),
        )
        .floats(
            "amount",
            &per_item(deals, |i, _| Some(f64::from(i as u32) * 1.25)),
        )
        .text("stage", &per_item(deals, |_, d| Some(STAGES[d.3 as usize])))
        // Hours too, so days_apart is fractional.
        .timestamps_ms(
            "created_at",
            &per_item(deals, |i, d| {
                d.2.map(|x| i64::from(x) * 86_400_000 / 3 + 3_600_000 * (i as i64 % 5))
            }),
        );
    let links = arrow_input::links(deals.iter().enumerate().flat_map(|(i, d)| {
        d.4.iter().map(move |&(p, sourced)| {
            (
                i,
                usize::from(p),
                if sourced { "sourced" } else { "co_sell" },
            )
        })
    }));
    validated(&[partners_t, deals_t, links, partner_products])
}

fn on_threads<T: Send>(t: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(t)
        .build()
        .unwrap()
        .install(f)
}

/// All-in-memory reference: shared counts of every pair p < q by listing, per item,
/// all pairs of its partners (no blocks, no counters, no streaming).
fn naive_pairs(rows: &ecograph::graph::Csr) -> BTreeMap<(u32, u32), u32> {
    let mut by_item: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for p in 0..rows.rows() {
        for &c in rows.row(p) {
            by_item.entry(c).or_default().push(p as u32);
        }
    }
    let mut out = BTreeMap::new();
    for ps in by_item.values() {
        for (i, &p) in ps.iter().enumerate() {
            for &q in &ps[i + 1..] {
                *out.entry((p.min(q), p.max(q))).or_insert(0) += 1;
            }
        }
    }
    out
}

/// The streamed rows of one dimension, concatenated in stream order.
fn rows(sink: &CollectSink, dim: Dimension) -> Vec<(u32, u32, u32, f64)> {
    sink.blocks
        .iter()
        .filter(|(d, _)| *d == dim)
        .flat_map(|(_, b)| (0..b.len()).map(move |i| (b.a[i], b.b[i], b.shared[i], b.jaccard[i])))
        .collect()
}

fn blocking(work: usize, max_partners: usize, window: usize) -> Blocking {
    Blocking {
        work,
        max_partners,
        window,
    }
}

fn jac(s: u32, a: u32, b: u32) -> f64 {
    f64::from(s) / f64::from(a + b - s)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn pairs_are_well_formed_and_equal_the_in_memory_product(
        s in spec(), work in 1usize..200, maxp in 1usize..8, window in 1usize..4
    ) {
        let g = graph::build(tables(&s));
        let mut sink = CollectSink::default();
        let res = overlap::run(&g, &OverlapParams::all_pairs(), &mut sink, Some(&blocking(work, maxp, window))).unwrap();
        for (dim, inc) in [(Dimension::Customer, &g.partner_customers), (Dimension::Product, &g.partner_products)] {
            let got = rows(&sink, dim);
            let want = naive_pairs(inc);
            let as_map: BTreeMap<(u32, u32), u32> = got.iter().map(|r| ((r.0, r.1), r.2)).collect();
            prop_assert_eq!(as_map.len(), got.len(), "a pair appears twice");
            prop_assert_eq!(&as_map, &want);
            // Sorted by (partner_a, partner_b) across blocks: the stream is in order.
            prop_assert!(got.windows(2).all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)));
        }
        prop_assert_eq!(res.counts.customer_pairs as usize, naive_pairs(&g.partner_customers).len());
        // The per-partner columns and by-type sums, merged from per-thread partials of
        // many small blocks, equal those of one block (checked against definitions below).
        let whole = overlap::run(&g, &OverlapParams::all_pairs(), &mut overlap::NullSink, Some(&blocking(usize::MAX, usize::MAX, 1))).unwrap();
        prop_assert_eq!(&res.partner, &whole.partner);
        prop_assert_eq!(&res.by_type, &whole.by_type);
        for (_, b) in &sink.blocks {
            for i in 0..b.len() {
                let (sa, sb) = (b.size_a[i], b.size_b[i]);
                prop_assert!(b.a[i] < b.b[i]);
                prop_assert!(b.shared[i] >= 1 && b.shared[i] <= sa.min(sb));
                for x in [b.jaccard[i], b.overlap[i], b.cosine[i]] {
                    prop_assert!((0.0..=1.0).contains(&x));
                }
                prop_assert!(b.overlap[i] >= b.jaccard[i]);
                prop_assert!(b.cosine[i] >= b.jaccard[i]);
                prop_assert_eq!(b.jaccard[i], jac(b.shared[i], sa, sb));
            }
        }
    }

    #[test]
    fn per_partner_columns_match_definitions(s in spec(), t in 0.0f64..=1.0) {
        let g = graph::build(tables(&s));
        let params = OverlapParams { threshold: t, ..OverlapParams::default() };
        let res = overlap::run(&g, &params, &mut overlap::NullSink, None).unwrap();
        let pairs = naive_pairs(&g.partner_customers);
        let n = g.n_partners();
        let size = |p: u32| g.partner_customers.degree(p as usize) as u32;
        let (mut max_j, mut over) = (vec![0.0f64; n], vec![0u32; n]);
        for (&(p, q), &sh) in &pairs {
            let j = jac(sh, size(p), size(q));
            for x in [p, q] {
                max_j[x as usize] = max_j[x as usize].max(j);
                over[x as usize] += u32::from(j >= t);
            }
        }
        prop_assert_eq!(&res.partner.max_customer_overlap, &max_j);
        prop_assert_eq!(&res.partner.overlapping_partners, &over);
        // by-type: every pair once; totals add up.
        let total: u64 = res.by_type.iter().map(|r| r.pairs).sum();
        let shared: u64 = res.by_type.iter().map(|r| r.shared_customers).sum();
        prop_assert_eq!(total as usize, pairs.len());
        prop_assert_eq!(shared, pairs.values().map(|&x| u64::from(x)).sum::<u64>());
        for r in &res.by_type {
            prop_assert!(r.pairs >= 1 && r.pairs <= r.possible_pairs);
        }
        // unique customers: reached by exactly this partner.
        for p in 0..n {
            let u = g.partner_customers.row(p).iter().filter(|&&c| {
                (0..n).filter(|&q| g.partner_customers.row(q).contains(&c)).count() == 1
            }).count() as u32;
            prop_assert_eq!(res.partner.unique_customers[p], u);
        }
    }

    #[test]
    fn bounds_keep_exactly_the_defined_pairs(
        s in spec(), k in 1u32..4, mj in prop::option::of(0.0f64..=1.0), work in 1usize..50
    ) {
        let g = graph::build(tables(&s));
        let params = OverlapParams { top_k: Some(k), min_jaccard: mj, ..OverlapParams::default() };
        let mut sink = CollectSink::default();
        let res = overlap::run(&g, &params, &mut sink, Some(&blocking(work, 3, 2))).unwrap();
        for (dim, inc) in [(Dimension::Customer, &g.partner_customers), (Dimension::Product, &g.partner_products)] {
            let size = |p: u32| inc.degree(p as usize) as u32;
            let all: Vec<((u32, u32), f64)> = naive_pairs(inc)
                .into_iter()
                .map(|((p, q), sh)| ((p, q), jac(sh, size(p), size(q))))
                .collect();
            // Definition: per partner sort its pairs by (jaccard desc, other id asc), take K.
            let mut top: BTreeSet<(u32, u32)> = BTreeSet::new();
            for p in 0..g.n_partners() as u32 {
                let mut row: Vec<(f64, u32)> = all.iter().filter_map(|&((a, b), j)| {
                    if a == p { Some((j, b)) } else if b == p { Some((j, a)) } else { None }
                }).collect();
                row.sort_by(|x, y| y.0.partial_cmp(&x.0).unwrap().then(x.1.cmp(&y.1)));
                for &(_, q) in row.iter().take(k as usize) {
                    top.insert((p.min(q), p.max(q)));
                }
            }
            let want: Vec<(u32, u32)> = all.iter()
                .filter(|&&(pq, j)| top.contains(&pq) && mj.is_none_or(|m| j >= m))
                .map(|&(pq, _)| pq)
                .collect();
            let got: Vec<(u32, u32)> = rows(&sink, dim).iter().map(|r| (r.0, r.1)).collect();
            prop_assert_eq!(got, want);
        }
        // The per-partner columns ignore the output bounds.
        let free = overlap::run(&g, &OverlapParams::all_pairs(), &mut overlap::NullSink, None).unwrap();
        prop_assert_eq!(res.partner, free.partner);
        prop_assert_eq!(res.by_type, free.by_type);
    }

    #[test]
    fn conflicts_match_a_brute_force_scan(s in spec(), window in 0.0f64..60.0) {
        let g = graph::build(tables(&s));
        let c = overlap::conflicts::channel_conflicts(&g, window);
        let sourced = |d: usize| -> Vec<u32> {
            let r = g.deal_partners.offsets[d]..g.deal_partners.offsets[d + 1];
            r.filter(|&i| g.is_sourced(i)).map(|i| g.deal_partners.targets[i]).collect()
        };
        let mut want = Vec::new();
        for a in 0..g.n_deals() {
            for b in a + 1..g.n_deals() {
                let (da, db) = (&g.deals, &g.deals);
                if da.customer[a] == NULL || da.product[a] == NULL { continue; }
                if (da.customer[a], da.product[a]) != (db.customer[b], db.product[b]) { continue; }
                let (Some(ta), Some(tb)) = (da.created_ms[a], db.created_ms[b]) else { continue };
                let days = (ta - tb).abs() as f64 / 86_400_000.0;
                if days > window { continue; }
                for &pa in &sourced(a) {
                    for &pb in &sourced(b) {
                        if pa != pb {
                            want.push((da.customer[a], da.product[a], a as u32, b as u32, pa, pb, days));
                        }
                    }
                }
            }
        }
        want.sort_by_key(|x| (x.0, x.1, x.2, x.3, x.4, x.5));
        let got: Vec<_> = c.rows.iter()
            .map(|r| (r.customer, r.product, r.deal_a, r.deal_b, r.partner_a, r.partner_b, r.days_apart))
            .collect();
        prop_assert_eq!(got, want);
        // Customer ids index in byte order too, so index order is the output order.
        let per = c.per_partner(g.n_partners());
        prop_assert_eq!(per.iter().map(|&x| x as usize).sum::<usize>(), 2 * c.len());
        // What analyze does instead: count when planning, list chunk by chunk to write.
        let scan = overlap::conflicts::ConflictScan::new(&g, window);
        prop_assert_eq!(scan.count(&g), (c.len() as u64, per));
    }

    #[test]
    fn one_and_two_threads_give_the_same_bits(s in spec(), k in prop::option::of(1u32..3)) {
        let t = tables(&s);
        let params = OverlapParams { top_k: k, ..OverlapParams::default() };
        let go = |threads| on_threads(threads, || {
            let g: GraphSet = graph::build(t.clone());
            let mut sink = CollectSink::default();
            let r = overlap::run(&g, &params, &mut sink, Some(&blocking(16, 4, 3))).unwrap();
            (r.partner, r.by_type, r.conflicts, r.counts, sink.blocks)
        });
        let (one, two) = (go(1), go(2));
        let bits = |b: &[(Dimension, PairBlock)]| -> Vec<u64> {
            b.iter().flat_map(|(_, b)| b.jaccard.iter().chain(&b.overlap).chain(&b.cosine).map(|x| x.to_bits())).collect()
        };
        prop_assert_eq!(bits(&one.4), bits(&two.4));
        prop_assert_eq!(one, two);
    }
}

#[test]
fn empty_incidences_stream_nothing() {
    let s: Spec = (3, vec![(0, 0, None, 0, vec![])], vec![(0, vec![]); 3]);
    let g = graph::build(tables(&s));
    let mut sink = CollectSink::default();
    let r = overlap::run(&g, &OverlapParams::all_pairs(), &mut sink, None).unwrap();
    assert!(sink.blocks.is_empty());
    assert_eq!(r.partner.max_customer_overlap, vec![0.0; 3]);
    assert_eq!(r.counts, overlap::OverlapCounts::default());
}

/// The counted and the chunk-by-chunk conflicts of analyze agree with the rows listed at
/// once, over many chunks of (customer, product) groups (a generated ecosystem with
/// tens of thousands of groups; a chunk holds 4096).
#[test]
fn streamed_conflicts_are_the_listed_ones_over_many_chunks() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = ecograph::generate::GenConfig {
        partners: 3000,
        deals: 60_000,
        seed: 11,
        ..Default::default()
    };
    ecograph::generate::generate(&cfg, tmp.path(), &|_, _| {}).unwrap();
    let tables = ecograph::validate::load_and_validate(
        tmp.path(),
        &ecograph::config::Settings::contract(),
        false,
    )
    .unwrap();
    let g = graph::build(tables);
    let all = overlap::conflicts::channel_conflicts(&g, 90.0);
    let scan = overlap::conflicts::ConflictScan::new(&g, 90.0);
    assert!(scan.chunks() > 3, "{} chunks", scan.chunks());
    assert!(all.len() > 1000);
    let streamed: Vec<_> = (0..scan.chunks())
        .flat_map(|c| scan.chunk_rows(&g, c))
        .collect();
    assert_eq!(streamed, all.rows);
    assert_eq!(
        scan.count(&g),
        (all.len() as u64, all.per_partner(g.n_partners()))
    );
}
