//! `analyze --dry-run`'s report: every table's rows and expected size, the co-sell
//! network's size, every stage's expected memory and time, and whether the pair output
//! fits `--max-pair-rows`, aligned for a terminal.

use std::fmt::Write;

use crate::error::thousands;
use crate::estimate::{human_bytes, human_seconds, Estimate};
use crate::pipeline::AnalyzeJob;

/// The report as text (one table of outputs, one of stages, a verdict).
pub(crate) fn render(job: &AnalyzeJob, e: &Estimate) -> String {
    let mut s = String::new();
    let format = format!("{:?}", job.format).to_lowercase();
    let _ = writeln!(
        s,
        "dry run of `ecograph analyze {}`: nothing computed beyond the counts, nothing written",
        job.input.display()
    );
    let _ = writeln!(
        s,
        "\n{:<20} {:>14} {:>12}",
        "table",
        "rows",
        format!("~{format}")
    );
    for t in &e.tables {
        let _ = writeln!(
            s,
            "{:<20} {:>14} {:>12}",
            t.table,
            if t.exact {
                thousands(t.rows)
            } else {
                format!("<= {}", thousands(t.rows))
            },
            human_bytes(t.bytes)
        );
    }
    let _ = writeln!(
        s,
        "{:<20} {:>14} {:>12}",
        "total",
        "",
        human_bytes(e.total_bytes())
    );
    let o = &e.overlap;
    let bound = match o.top_k {
        Some(k) => format!("the top {k} per partner (--overlap-top-k)"),
        None => "every pair (--overlap-top-k all)".into(),
    };
    let _ = writeln!(
        s,
        "\noverlap_pairs keeps {bound}: {} of {} customer pairs and {} of {} product pairs",
        thousands(o.customer_pairs_written),
        thousands(o.customer_pairs),
        thousands(o.product_pairs_written),
        thousands(o.product_pairs),
    );
    let c = &e.cosell;
    let _ = writeln!(
        s,
        "co-sell network: {} ties ({} as the deals list them, before shared pairs merge; \
         the largest deal lists {} partners)",
        thousands(c.edges),
        thousands(c.upper_bound),
        thousands(c.largest_deal),
    );
    let _ = writeln!(
        s,
        "\n{:<34} {:>10}  {:>10}   (resident memory, time on {} threads)",
        "stage", "memory", "time", job.threads
    );
    for st in &e.stages {
        let _ = writeln!(
            s,
            "{:<34} {:>10}  {:>10}   {}",
            st.stage,
            human_bytes(st.bytes),
            human_seconds(st.seconds),
            match (st.measured, st.seconds_measured) {
                (true, true) => "measured",
                (false, true) => "memory expected, time measured",
                (true, false) => "memory measured, time expected",
                (false, false) => "expected",
            }
        );
    }
    let _ = writeln!(
        s,
        "{:<34} {:>10}  {:>10}",
        "peak / total",
        human_bytes(e.peak_bytes),
        human_seconds(e.total_seconds)
    );
    let _ = writeln!(
        s,
        "(expected times: a rough model of the release build, operations times a \
         per-operation cost measured on a 2-core machine; within a few times either way)"
    );
    let rows = o.rows_written();
    if e.within_limit() {
        let _ = writeln!(
            s,
            "\nwithin limits: overlap_pairs {} rows <= --max-pair-rows {}; cosell_edges {} \
             rows <= --max-cosell-edges {}; every stage <= --max-stage-minutes {}",
            thousands(rows),
            thousands(e.max_pair_rows),
            thousands(c.edges),
            thousands(c.limit),
            e.max_stage_minutes,
        );
    } else if let Some(refusal) = &e.slow_stage {
        let _ = writeln!(s, "\nthe run would stop: {refusal}");
    } else {
        let _ = writeln!(
            s,
            "\nthe run would stop: overlap_pairs {} rows > --max-pair-rows {}; bound it with \
             --overlap-top-k K or --overlap-min-jaccard J, or raise --max-pair-rows",
            thousands(rows),
            thousands(e.max_pair_rows)
        );
    }
    s
}
