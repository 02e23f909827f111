//! Property tests on random small ecosystems: invariants of the foundation metrics and
//! bit-identical results for any thread count.

use crate::common::on_threads;
use proptest::prelude::*;

use crate::arrow_input::{deal_id, links, partners, per_item, validated, Table, ROLES, STAGES};
use ecograph::graph::{self, GraphSet};
use ecograph::metrics::{self, MetricParams};
use ecograph::progress::{Silent, Stages};
use ecograph::schema::Stage;
use ecograph::validate::ValidatedTables;

/// A random ecosystem: per deal (amount, stage, customer, [(partner, role)]).
type Spec = (usize, Vec<(u32, u8, u8, Vec<(u8, u8)>)>);

fn spec() -> impl Strategy<Value = Spec> {
    (1usize..25).prop_flat_map(|n| {
        let deal = (
            0u32..100_000,
            0u8..3,
            0u8..6,
            prop::collection::vec((0u8..n as u8, 0u8..5), 0..5),
        );
        (Just(n), prop::collection::vec(deal, 1..60))
    })
}

/// The spec as in-memory Arrow tables, through the validator.
fn tables((n, deals): &Spec) -> ValidatedTables {
    let deals_t = Table::new("deals")
        .text("deal_id", &per_item(deals, |i, _| Some(deal_id(i))))
        .text(
            "customer_id",
            &per_item(deals, |_, d| (d.2 != 0).then(|| format!("C{}", d.2))),
        )
        .floats(
            "amount",
            &per_item(deals, |_, d| Some(f64::from(d.0) / 100.0)),
        )
        .text("stage", &per_item(deals, |_, d| Some(STAGES[d.1 as usize])));
    let links = links(deals.iter().enumerate().flat_map(|(i, d)| {
        d.3.iter()
            .map(move |&(p, role)| (i, usize::from(p), ROLES[role as usize]))
    }));
    validated(&[partners(*n), deals_t, links])
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * 1f64.max(a.abs().max(b.abs()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn revenue_is_split_exactly_once(s in spec()) {
        let g: GraphSet = graph::build(tables(&s));
        let m = metrics::compute(&g, &MetricParams::default(), &mut Stages::new(&Silent));
        let a = &m.partner.activity;
        let (mut partner_won, mut sourced_won) = (0.0, 0.0);
        for d in 0..g.n_deals() {
            if g.deals.stage[d] != Stage::Won || g.deal_partners.degree(d) == 0 { continue; }
            partner_won += g.deals.amount[d];
            let r = g.deal_partners.offsets[d]..g.deal_partners.offsets[d + 1];
            if r.into_iter().any(|i| g.is_sourced(i)) { sourced_won += g.deals.amount[d]; }
        }
        prop_assert!(close(a.attributed_revenue.iter().sum(), partner_won));
        prop_assert!(close(a.sourced_revenue.iter().sum(), sourced_won));
        for p in 0..g.n_partners() {
            prop_assert!(a.won_deals[p] <= a.deals[p]);
            if let Some(w) = a.win_rate[p] { prop_assert!((0.0..=1.0).contains(&w)); }
            // Per won deal, amount / sourced partners or the full amount >= amount / partners.
            prop_assert!(a.sourced_revenue[p] + a.influenced_revenue[p] + 1e-9 >= a.attributed_revenue[p]);
        }
    }

    #[test]
    fn cosell_weights_count_shared_deals(s in spec()) {
        let g = graph::build(tables(&s));
        let n = g.n_partners();
        for p in 0..n {
            for (&q, &w) in g.cosell.row(p).iter().zip(g.cosell.row_weights(p)) {
                let shared = (0..g.n_deals())
                    .filter(|&d| g.deal_partners.row(d).contains(&(p as u32)) && g.deal_partners.row(d).contains(&q))
                    .count() as u32;
                prop_assert_eq!(w, shared);
                prop_assert!(g.cosell.row(q as usize).contains(&(p as u32)), "symmetric");
            }
        }
        // Partner index order is byte order of ids.
        prop_assert!(g.partners.id.windows(2).all(|w| w[0].as_bytes() < w[1].as_bytes()));
    }

    #[test]
    fn components_and_pagerank_invariants(s in spec()) {
        let g = graph::build(tables(&s));
        let m = metrics::compute(&g, &MetricParams::default(), &mut Stages::new(&Silent));
        let c = &m.partner.components;
        for p in 0..g.n_partners() {
            for &q in g.cosell.row(p) { prop_assert_eq!(c.id[p], c.id[q as usize]); }
        }
        // Component k first appears at a smaller partner index than component k + 1.
        let mut seen = 0u32;
        for &id in &c.id { prop_assert!(id <= seen); if id == seen { seen += 1; } }
        prop_assert_eq!(c.sizes.iter().sum::<u32>() as usize, g.n_partners());
        prop_assert!(close(m.partner.pagerank.iter().sum(), 1.0));
        prop_assert!(m.partner.pagerank.iter().all(|&x| x > 0.0));
    }

    #[test]
    fn thread_count_never_changes_bits(s in spec()) {
        let t = tables(&s);
        let one = on_threads(1, || { let g = graph::build(t.clone()); metrics::compute(&g, &MetricParams::default(), &mut Stages::new(&Silent)).partner });
        let three = on_threads(3, || { let g = graph::build(t.clone()); metrics::compute(&g, &MetricParams::default(), &mut Stages::new(&Silent)).partner });
        prop_assert_eq!(one, three);
    }
}
