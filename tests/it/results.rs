//! `ecograph::results`: an analyze output folder read back gives the same tables in
//! every output format, and a folder that is not one is refused with its reason.

use crate::common::*;
use ecograph::results::Results;
use ecograph::Error;

#[test]
fn every_format_reads_back_to_the_same_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let read = |format: &str| {
        let out = analyze_into(
            &demo(),
            &tmp.path().join(format),
            &["--format", format, "--skip-invalid"],
        );
        Results::read(&out).unwrap()
    };
    let (pq, ar, csv) = (read("parquet"), read("arrow"), read("csv"));
    let names = pq.table_names();
    assert_eq!(names.len(), 12, "{names:?}");
    assert_eq!(names, ar.table_names());
    assert_eq!(names, csv.table_names());
    for name in names {
        let t = pq.load(name).unwrap().unwrap();
        assert_eq!(
            t,
            ar.load(name).unwrap().unwrap(),
            "{name}: parquet vs arrow"
        );
        assert_eq!(
            t,
            csv.load(name).unwrap().unwrap(),
            "{name}: parquet vs csv"
        );
        // The pair-sized tables are streamed, the others read whole.
        let streamed = ecograph::results::STREAMED.contains(&name);
        assert_eq!(pq.table(name).is_none(), streamed, "{name}");
        let mut rows = 0;
        assert!(csv
            .stream(name, &mut |b| {
                rows += b.num_rows();
                Ok(())
            })
            .unwrap());
        assert_eq!(rows, t.num_rows(), "{name}: streamed rows");
    }
    assert_eq!(
        pq.table("partner_metrics").unwrap().num_rows(),
        pq.summary.counts.partners
    );
    assert_eq!(pq.summary.counts, csv.summary.counts);
}

fn refused(dir: &std::path::Path) -> String {
    match Results::read(dir) {
        Err(e @ Error::Results { .. }) => {
            assert_eq!(e.exit_code(), 3);
            e.to_string()
        }
        other => panic!("expected a Results error, got {other:?}"),
    }
}

#[test]
fn what_is_not_an_output_folder_is_refused_with_its_reason() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(refused(&tmp.path().join("missing")).contains("not a folder"));
    assert!(refused(&demo()).contains("ecosystem_summary.json"));

    let out = analyze_into(&demo(), &tmp.path().join("csv"), &["--format", "csv"]);
    let copy = tmp.path().join("mixed");
    std::fs::create_dir(&copy).unwrap();
    for f in std::fs::read_dir(&out).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, copy.join(f.file_name().unwrap())).unwrap();
    }
    let pq = analyzed(&demo());
    std::fs::copy(
        pq.join("resilience.parquet"),
        copy.join("resilience.parquet"),
    )
    .unwrap();
    assert!(refused(&copy).contains("more than one format"));

    std::fs::remove_file(copy.join("resilience.parquet")).unwrap();
    let edited = copy.join("resilience.csv");
    let text = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, text.replacen("lcc_fraction", "lcc", 1)).unwrap();
    let msg = refused(&copy);
    assert!(
        msg.contains("resilience.csv") && msg.contains("lcc_fraction"),
        "{msg}"
    );
}
