//! The written tables follow the data contract; runs are reproducible; progress,
//! tiny configurations and configuration errors behave.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::{date, for_each_seed, read, run, Data, Deal, TABLES};
use crate::generate::params::MAX_CYCLE_DAYS;
use crate::generate::vocab::{
    INDUSTRIES, PARTNER_TYPES, REGIONS, RELATIONS, ROLES, SEGMENTS, STAGES, TIERS,
};
use crate::generate::{generate, GenConfig, GenerateError};

/// Same config and seed give byte-identical files; another seed gives other files.
#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    for_each_seed(|cfg| {
        let cfg = GenConfig {
            partners: 150,
            deals: 2_500,
            ..cfg
        };
        let (a, ra) = run(&cfg);
        let (b, rb) = run(&cfg);
        let other = cfg.seed + 1;
        let (c, _) = run(&GenConfig {
            seed: other,
            ..cfg.clone()
        });
        assert_eq!(ra.deal_partner_links, rb.deal_partner_links);
        for t in TABLES {
            let name = format!("{t}.csv");
            let fa = std::fs::read(a.path().join(&name)).unwrap();
            let fb = std::fs::read(b.path().join(&name)).unwrap();
            let fc = std::fs::read(c.path().join(&name)).unwrap();
            assert!(
                fa == fb,
                "{name} differs between two runs with the same seed"
            );
            assert!(
                fa != fc,
                "{name} is the same for seeds {} and {other}",
                cfg.seed
            );
        }
    });
}

/// Every table follows the data contract: headers, unique ordered ids, references,
/// vocabularies, date formats, join gating, 1-4 distinct partners per partner deal,
/// unique (deal, partner, role) rows, amount format, stage/closed_at consistency, and
/// the report's counts match the files.
#[test]
fn tables_follow_the_contract() {
    for_each_seed(|cfg| {
        let (dir, report) = run(&cfg);
        let dir = dir.path();
        let data = Data::load(dir);

        // Report counts and file list.
        assert_eq!(report.files.len(), 6);
        for f in &report.files {
            assert!(f.starts_with(dir) && f.exists());
        }
        assert_eq!(report.partners as usize, data.joined.len());
        assert_eq!(report.deals as usize, data.deals.len());
        assert_eq!(report.deals, cfg.deals as u64);
        let links: usize = data.links.values().map(Vec::len).sum();
        assert_eq!(report.deal_partner_links as usize, links);

        // touched_at: the first row's partner (the lead) touches the deal the day it is
        // created, the others between creation and close (an open deal: within 30
        // days); about one row in 50 has none.
        let (mut rows, mut empty) = (0usize, 0usize);
        for d in &data.deals {
            for (j, t) in data.touches.get(&d.id).into_iter().flatten().enumerate() {
                rows += 1;
                let Some(t) = t else {
                    empty += 1;
                    continue;
                };
                if j == 0 {
                    assert_eq!(*t, d.created, "{}: the lead touches on creation", d.id);
                }
                let last = d.closed.unwrap_or(d.created + chrono::Days::new(30));
                assert!(
                    d.created <= *t && *t <= last,
                    "{}: touched_at {t} outside its life",
                    d.id
                );
            }
        }
        if rows >= 1000 {
            let share = empty as f64 / rows as f64;
            assert!(
                (0.005..0.05).contains(&share),
                "{empty} of {rows} rows without touched_at"
            );
        }

        // Partners: ids P000001.. in order, vocabularies, joined_at non-decreasing.
        let (_, partners) = read(dir, "partners");
        let mut prev_join = None;
        for (i, r) in partners.iter().enumerate() {
            assert_eq!(r[0], format!("P{:06}", i + 1));
            assert!(PARTNER_TYPES.iter().any(|t| t.name == r[2]), "{}", r[2]);
            assert!(TIERS.iter().any(|t| t.name == r[3]), "{}", r[3]);
            assert!(REGIONS.contains(&r[4].as_str()));
            let j = date(&r[5]);
            assert!(
                prev_join.is_none_or(|p| p <= j),
                "partners not in join order"
            );
            prev_join = Some(j);
        }
        assert!(partners.iter().any(|r| r[4] == "NA"));

        // Products and customers.
        let (h, products) = read(dir, "products");
        assert_eq!(h, ["product_id", "name", "category"]);
        assert_eq!(products.len() as u64, report.products);
        for (i, r) in products.iter().enumerate() {
            assert_eq!(r[0], format!("PR{:04}", i + 1));
            assert!(!r[1].is_empty() && !r[2].is_empty());
        }
        let (h, customers) = read(dir, "customers");
        assert_eq!(h, ["customer_id", "name", "segment", "industry", "region"]);
        assert_eq!(customers.len() as u64, report.customers);
        assert_eq!(customers.len(), 1_000);
        for (i, r) in customers.iter().enumerate() {
            assert_eq!(r[0], format!("C{:07}", i + 1));
            assert!(SEGMENTS.contains(&r[2].as_str()));
            assert!(INDUSTRIES.iter().any(|(n, _)| *n == r[3]));
            assert!(REGIONS.contains(&r[4].as_str()));
        }
        // Some names need CSV quoting (comma or double quote) and survive the round trip.
        let quirky = partners
            .iter()
            .chain(customers.iter())
            .filter(|r| r[1].contains(',') || r[1].contains('"'))
            .count();
        assert!(quirky > 0, "no name exercises CSV quoting");
        let product_ids: BTreeSet<&str> = products.iter().map(|r| r[0].as_str()).collect();
        let customer_ids: BTreeSet<&str> = customers.iter().map(|r| r[0].as_str()).collect();

        // Deals.
        let horizon_end = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let last_day = horizon_end.pred_opt().unwrap();
        let mut prev: Option<&Deal> = None;
        let (mut null_customer, mut null_product, mut null_amount, mut null_stage) = (0, 0, 0, 0);
        for (i, d) in data.deals.iter().enumerate() {
            assert_eq!(d.id, format!("D{:08}", i + 1));
            if let Some(p) = prev {
                assert!(p.created <= d.created, "deals not in created_at order");
            }
            prev = Some(d);
            assert!(d.created >= NaiveDate::from_ymd_opt(2021, 1, 1).unwrap());
            assert!(d.created < horizon_end);
            match d.customer.as_str() {
                "" => null_customer += 1,
                c => assert!(customer_ids.contains(c), "unknown customer {c}"),
            }
            match d.product.as_str() {
                "" => null_product += 1,
                p => assert!(product_ids.contains(p), "unknown product {p}"),
            }
            if d.amount.is_empty() {
                null_amount += 1;
            } else {
                let (units, cents) = d.amount.split_once('.').expect("two decimals");
                assert!(units.bytes().all(|b| b.is_ascii_digit()) && !units.is_empty());
                assert!(cents.len() == 2 && cents.bytes().all(|b| b.is_ascii_digit()));
                assert!(Data::amount(d) >= 0.0);
            }
            match d.stage.as_str() {
                "" => null_stage += 1,
                s => assert!(STAGES.contains(&s), "stage {s}"),
            }
            match d.closed {
                None => {
                    assert_eq!(d.stage, "open", "{} has no closed_at", d.id);
                    // Open deals are recent: their cycle would end after the horizon.
                    assert!((last_day - d.created).num_days() < MAX_CYCLE_DAYS as i64);
                }
                Some(c) => {
                    assert_ne!(d.stage, "open");
                    let cycle = (c - d.created).num_days();
                    assert!((10..=180).contains(&cycle), "cycle {cycle}");
                    assert!(c <= last_day);
                }
            }
            // Partners on the deal.
            if let Some(rows) = data.links.get(&d.id) {
                let distinct = data.partners_of(&d.id);
                assert!(
                    (1..=4).contains(&distinct.len()),
                    "{} partners",
                    distinct.len()
                );
                let unique: BTreeSet<_> = rows.iter().collect();
                assert_eq!(
                    unique.len(),
                    rows.len(),
                    "duplicate (deal, partner, role) row"
                );
                for (p, role) in rows {
                    assert!(ROLES.contains(&role.as_str()), "role {role}");
                    let joined = data.joined.get(p).expect("known partner");
                    assert!(*joined <= d.created, "{p} on {} before joining", d.id);
                }
            }
        }
        assert!(null_customer > 0 && null_product > 0 && null_amount > 0 && null_stage > 0);
        assert!(null_amount < 100 && null_stage < 100 && null_customer < 60);
        // Every deal_partners row points to a deal.
        let deal_ids: BTreeSet<&str> = data.deals.iter().map(|d| d.id.as_str()).collect();
        assert!(data.links.keys().all(|d| deal_ids.contains(d.as_str())));

        // Direct share in a plausible band, open deals exist, some partner listed twice.
        let direct = data.deals.len() - data.links.len();
        let share = direct as f64 / data.deals.len() as f64;
        assert!((0.2..=0.35).contains(&share), "direct share {share}");
        assert!(data.deals.iter().any(|d| d.stage == "open"));
        assert!(data.deals.iter().any(|d| d.stage == "lost"));
        let twice = data
            .links
            .values()
            .filter(|rows| rows.iter().map(|(p, _)| p).collect::<BTreeSet<_>>().len() < rows.len())
            .count();
        assert!(twice > 0, "no deal lists a partner twice");
        let split = data
            .links
            .keys()
            .filter(|d| data.sourced_of(d).len() >= 2)
            .count();
        assert!(split > 0, "no deal with two sourced partners");
    });
}

/// partner_products: every partner carries 1-10 distinct known products, relations are
/// from the vocabulary, rows are in (partner, product) order, and the count matches.
#[test]
fn partner_products_are_valid() {
    for_each_seed(|cfg| {
        let (dir, report) = run(&cfg);
        let (h, rows) = read(dir.path(), "partner_products");
        assert_eq!(h, ["partner_id", "product_id", "relation"]);
        assert_eq!(rows.len() as u64, report.partner_product_links);
        let (_, products) = read(dir.path(), "products");
        let known: BTreeSet<&str> = products.iter().map(|r| r[0].as_str()).collect();
        let mut per_partner: BTreeMap<&str, usize> = BTreeMap::new();
        for w in rows.windows(2) {
            assert!(
                (&w[0][0], &w[0][1]) < (&w[1][0], &w[1][1]),
                "not sorted or duplicate"
            );
        }
        for r in &rows {
            assert!(known.contains(r[1].as_str()));
            assert!(RELATIONS.contains(&r[2].as_str()));
            *per_partner.entry(&r[0]).or_default() += 1;
        }
        assert_eq!(per_partner.len() as u64, report.partners);
        assert!(per_partner.values().all(|&n| (1..=10).contains(&n)));
        assert!(per_partner.values().any(|&n| n >= 5));
    });
}

/// progress is called with (done, total), increasing, ending at (total, total).
#[test]
fn progress_is_reported() {
    let cfg = GenConfig {
        partners: 50,
        deals: 25_000,
        ..GenConfig::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let calls = std::cell::RefCell::new(Vec::new());
    generate(&cfg, dir.path(), &|done, total| {
        calls.borrow_mut().push((done, total))
    })
    .unwrap();
    assert_eq!(
        calls.into_inner(),
        [(10_000, 25_000), (20_000, 25_000), (25_000, 25_000)]
    );
}

/// Tiny and lopsided configurations still work (one partner, one product, one quarter).
#[test]
fn tiny_configs_work() {
    for_each_seed(|base| {
        for cfg in [
            GenConfig {
                partners: 1,
                deals: 30,
                customers: Some(1),
                products: Some(1),
                quarters: 1,
                ..base.clone()
            },
            GenConfig {
                partners: 2_000,
                deals: 10,
                ..base.clone()
            },
        ] {
            let (dir, report) = run(&cfg);
            let data = Data::load(dir.path());
            assert_eq!(data.deals.len(), cfg.deals);
            assert_eq!(report.partners as usize, cfg.partners);
        }
    });
}

/// Out-of-range parameters are refused before anything is written.
#[test]
fn invalid_configs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for cfg in [
        GenConfig {
            partners: 0,
            ..GenConfig::default()
        },
        GenConfig {
            deals: 0,
            ..GenConfig::default()
        },
        GenConfig {
            customers: Some(0),
            ..GenConfig::default()
        },
        GenConfig {
            products: Some(0),
            ..GenConfig::default()
        },
        GenConfig {
            quarters: 0,
            ..GenConfig::default()
        },
        GenConfig {
            start_year: -5,
            ..GenConfig::default()
        },
    ] {
        let err = generate(&cfg, dir.path(), &|_, _| {}).unwrap_err();
        assert!(matches!(err, GenerateError::InvalidConfig(_)), "{err}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    let missing = dir.path().join("missing");
    let err = generate(&GenConfig::default(), &missing, &|_, _| {}).unwrap_err();
    assert!(matches!(err, GenerateError::Io { .. }), "{err}");
}

/// Bench-size run (100k partners, 3M deals by default; `ECOGRAPH_GEN_PARTNERS` and
/// `ECOGRAPH_GEN_DEALS` override); run in release with
/// `cargo test --release --lib generate::tests::bench_scale -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench_scale() {
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let cfg = GenConfig {
        partners: env("ECOGRAPH_GEN_PARTNERS", 100_000),
        deals: env("ECOGRAPH_GEN_DEALS", 3_000_000),
        ..GenConfig::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let t = std::time::Instant::now();
    let report = generate(&cfg, dir.path(), &|_, _| {}).unwrap();
    let secs = t.elapsed().as_secs_f64();
    let bytes: u64 = report
        .files
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .sum();
    println!("{report:?}\n{secs:.2} s, {:.1} MB", bytes as f64 / 1e6);
}
