//! The second trust pass, paths and leftovers: no output path, however spelled, lets a
//! command replace or delete an input, and no run leaves half-written output behind.
//! Each test is a case of issue 23 ("Data loss through `..`", "Leftovers and edges"),
//! plus a property test over random relative paths.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use proptest::prelude::*;

use crate::common::*;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// `ecograph ARGS` run from the folder `cwd`, quietly.
fn run_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecograph"))
        .args(args)
        .arg("--quiet")
        .current_dir(cwd)
        .output()
        .expect("the binary runs")
}

/// A small ecosystem written by `ecograph generate` (so it carries ecograph's marker,
/// which is what made the input deletable by `--overwrite`).
fn generated(dir: &Path) -> PathBuf {
    let g = dir.join("gen");
    ok(&ecograph(&[
        "generate",
        "--out",
        s(&g),
        "--partners",
        "12",
        "--deals",
        "40",
    ]));
    g
}

#[test]
fn analyze_out_through_a_missing_folder_and_dotdot_never_replaces_a_generated_input() {
    let tmp = tempfile::tempdir().unwrap();
    let g = generated(tmp.path());
    let before = snapshot(tmp.path());
    let o = run_in(
        tmp.path(),
        &["analyze", "gen", "--out", "nosuch/../gen", "--overwrite"],
    );
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("it is the input folder"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot(tmp.path()), before, "the input changed");
    assert!(g.join("deals.csv").is_file());
    assert_eq!(names(tmp.path()), vec!["gen"], "nosuch was created");
}

#[test]
fn compare_out_through_dotdot_never_replaces_an_input_results_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let g = generated(tmp.path());
    let q2 = analyze_into(&g, &tmp.path().join("q2"), &[]);
    analyze_into(&g, &tmp.path().join("q3"), &[]);
    let before = snapshot(tmp.path());
    for out in ["nx/../q3", "q2/x/../../q3", "./q2/."] {
        let o = run_in(
            tmp.path(),
            &["compare", "q2", "q3", "--out", out, "--overwrite"],
        );
        assert_eq!(code(&o), 4, "{out}: {}", stderr(&o));
        assert!(stderr(&o).contains("input folder"), "{}", stderr(&o));
    }
    assert_eq!(snapshot(tmp.path()), before, "an input changed");
    // The comparison itself still lands where it is asked to, `..` and all.
    ok(&run_in(
        tmp.path(),
        &["compare", "q2", "q3", "--out", "nx/../cmp"],
    ));
    assert!(tmp.path().join("cmp/partner_changes.parquet").is_file());
    assert!(!tmp.path().join("nx").exists());
    assert!(q2.join("partner_metrics.parquet").is_file());
}

#[test]
fn an_out_that_normalizes_to_the_input_is_refused_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let g = generated(tmp.path());
    let before = snapshot(tmp.path());
    let t = std::time::Instant::now();
    for out in ["gen/x/..", "gen/./x/../", "gen/x/y/../.."] {
        let o = run_in(tmp.path(), &["analyze", "gen", "--out", out, "--overwrite"]);
        assert_eq!(code(&o), 4, "{out}: {}", stderr(&o));
        assert!(stderr(&o).contains("it is the input folder"));
    }
    assert!(t.elapsed().as_secs() < 30);
    assert_eq!(snapshot(tmp.path()), before);
    assert_eq!(
        names(&g),
        names(&g)
            .into_iter()
            .filter(|n| n != "x")
            .collect::<Vec<_>>(),
        "an empty gen/x was left behind"
    );
}

#[test]
fn the_config_file_is_never_the_output_nor_inside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let g = generated(tmp.path());
    let out = analyze_into(&g, &tmp.path().join("out"), &[]);
    // The user keeps the program's config in the results folder.
    let cfg = out.join("program.toml");
    std::fs::write(&cfg, "").unwrap();
    let before = snapshot(tmp.path());
    for target in [&out, &cfg] {
        let o = run_analyze(&g, target, &["--overwrite", "--config", s(&cfg)]);
        assert_eq!(code(&o), 4, "{}", stderr(&o));
        assert!(stderr(&o).contains("config file"), "{}", stderr(&o));
    }
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn overwrite_keeps_a_file_a_user_added_to_an_output_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let g = generated(tmp.path());
    let out = analyze_into(&g, &tmp.path().join("out"), &[]);
    // A page `report` writes into the folder is ecograph's: overwrite still replaces it.
    ok(&ecograph(&["report", s(&out)]));
    assert!(out.join("report.html").is_file());
    analyze_into(&g, &out, &["--overwrite"]);
    // A file the user put there is not: the folder is refused, the file kept.
    std::fs::write(out.join("notes.txt"), "my notes").unwrap();
    std::fs::create_dir(out.join("charts")).unwrap();
    let before = snapshot(&out);
    let o = run_analyze(&g, &out, &["--overwrite"]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("holds files ecograph did not write (charts, notes.txt)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot(&out), before);
    // The same for generate and compare output folders.
    let o = ecograph(&["generate", "--out", s(&out), "--overwrite"]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    std::fs::write(g.join("readme.md"), "about this data").unwrap();
    let o = ecograph(&["generate", "--out", s(&g), "--overwrite"]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(g.join("readme.md").is_file());
}

#[test]
fn the_marker_lists_what_ecograph_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let g = generated(tmp.path());
    let out = analyze_into(&g, &tmp.path().join("out"), &[]);
    let marker = read_json(&out.join(".ecograph-output"));
    let listed: Vec<String> = marker["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let on_disk: Vec<String> = names(&out)
        .into_iter()
        .filter(|n| n != ".ecograph-output")
        .collect();
    assert_eq!(listed, on_disk);
    ok(&ecograph(&["report", s(&out)]));
    let marker = read_json(&out.join(".ecograph-output"));
    assert!(marker["files"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("report.html")));
}

#[test]
fn a_killed_reports_partial_file_is_removed_by_the_next_report() {
    let tmp = tempfile::tempdir().unwrap();
    let g = generated(tmp.path());
    let out = analyze_into(&g, &tmp.path().join("out"), &[]);
    // pid 0 is never a user process: what `kill -9` of a report leaves.
    let partial = out.join(".report.html.ecograph-partial-0");
    std::fs::write(&partial, "<html>half").unwrap();
    ok(&ecograph(&["report", s(&out)]));
    assert!(
        !partial.exists(),
        "the dead report's partial file is still there"
    );
    assert!(out.join("report.html").is_file());
    // A leftover never stops --overwrite: it is ecograph's own.
    std::fs::write(&partial, "<html>half").unwrap();
    analyze_into(&g, &out, &["--overwrite"]);
    assert!(!partial.exists());
}

#[test]
fn report_out_creates_missing_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let g = generated(tmp.path());
    let out = analyze_into(&g, &tmp.path().join("out"), &[]);
    let page = tmp.path().join("newdir/sub/r.html");
    ok(&ecograph(&["report", s(&out), "--out", s(&page)]));
    assert!(page.is_file());
    assert_eq!(names(&tmp.path().join("newdir/sub")), vec!["r.html"]);
}

#[test]
fn report_out_onto_a_broken_symlink_is_refused_and_the_link_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let g = generated(tmp.path());
    let out = analyze_into(&g, &tmp.path().join("out"), &[]);
    let link = tmp.path().join("r.html");
    std::os::unix::fs::symlink(tmp.path().join("elsewhere/r.html"), &link).unwrap();
    let o = ecograph(&["report", s(&out), "--out", s(&link)]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(!tmp.path().join("elsewhere").exists());
}

#[test]
fn report_out_never_replaces_its_results_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let g = generated(tmp.path());
    analyze_into(&g, &tmp.path().join("out"), &[]);
    let before = snapshot(tmp.path());
    for out in ["out", "x/../out", "out/."] {
        let o = run_in(tmp.path(), &["report", "out", "--out", out]);
        assert_eq!(code(&o), 4, "{out}: {}", stderr(&o));
    }
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn generate_out_through_dotdot_writes_where_it_says() {
    let tmp = tempfile::tempdir().unwrap();
    ok(&run_in(
        tmp.path(),
        &[
            "generate",
            "--out",
            "nosuch/../g2",
            "--partners",
            "5",
            "--deals",
            "10",
        ],
    ));
    assert_eq!(names(tmp.path()), vec!["g2"]);
    assert!(tmp.path().join("g2/partners.csv").is_file());
}

#[test]
fn sigterm_leaves_no_staging_folder() {
    signal_leaves_nothing("TERM");
}

#[test]
fn sighup_leaves_no_staging_folder() {
    signal_leaves_nothing("HUP");
}

// ---- The property: no path spelling lets a command touch its inputs --------------------

/// The world every case starts from, built once: `gen` (generated, marked), `res` and
/// `res2` (analyze outputs), a config file, and the working folder `w/sub` beside links
/// to them, a link to the top and a dangling link.
fn template() -> &'static Path {
    static T: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let t = tempfile::tempdir().unwrap();
        let g = generated(t.path());
        let res = analyze_into(&g, &t.path().join("res"), &[]);
        analyze_into(&g, &t.path().join("res2"), &["--metrics", "none"]);
        std::fs::write(t.path().join("cfg.toml"), "").unwrap();
        std::fs::create_dir_all(t.path().join("w/sub")).unwrap();
        let link = |to: &Path, name: &str| {
            std::os::unix::fs::symlink(to, t.path().join("w").join(name)).unwrap()
        };
        link(&g, "lgen");
        link(&res, "lres");
        link(t.path(), "top");
        link(&t.path().join("nosuch"), "dangling");
        t
    })
    .path()
}

/// A fresh copy of the template (links recreated pointing into the copy).
fn fresh_world() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let st = Command::new("cp")
        .args(["-a", &format!("{}/.", s(template())), s(t.path())])
        .status()
        .unwrap();
    assert!(st.success());
    for (name, to) in [
        ("lgen", "gen"),
        ("lres", "res"),
        ("top", ""),
        ("dangling", "nosuch"),
    ] {
        let l = t.path().join("w").join(name);
        std::fs::remove_file(&l).unwrap();
        std::os::unix::fs::symlink(t.path().join(to), &l).unwrap();
    }
    t
}

/// Every file below `dir` with its bytes, but for ecograph's marker, which `report` may
/// extend with the page it adds (checked to exist instead).
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    assert!(dir.is_dir(), "{} is gone", dir.display());
    snapshot(dir)
        .into_iter()
        .filter(|(n, _)| !n.ends_with(".ecograph-output"))
        .collect()
}

fn path_part() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        ".", "..", "..", "gen", "res", "res2", "w", "sub", "lgen", "lres", "top", "dangling",
        "nosuch", "x", "cfg.toml",
    ])
}

fn path_tail() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "../../gen",
        "../../res",
        "../../res2",
        "../../cfg.toml",
        "../lgen",
        "../lres",
        "../top",
        "../top/gen",
        "../top/res/..",
        "../dangling",
        "../../gen/x/..",
        "x",
        "../../x",
        ".",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("ECOGRAPH_PATH_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(40)
    ))]

    /// For any relative `--out` built from `.`, `..`, links and missing folders, run from
    /// `w/sub`: analyze, compare and report never change or delete a file of their
    /// inputs (nor the config), and whatever succeeds lands at the path the rule says.
    #[test]
    fn no_command_writes_over_or_deletes_an_input(
        junk in prop::collection::vec(path_part(), 0..4),
        undo in any::<bool>(),
        tail in path_tail(),
        command in 0usize..3,
    ) {
        // Random components, often undone by as many `..` (the `nosuch/../gen` shape),
        // then a tail that often names an input from the working folder.
        let mut parts: Vec<&str> = junk.clone();
        if undo {
            parts.extend(std::iter::repeat_n("..", junk.len()));
        }
        parts.extend(tail.split('/'));
        // Where the rule puts the output: `..` taken lexically from the working folder.
        let mut lexical: Vec<&str> = vec!["w", "sub"];
        let mut escapes = false;
        for part in &parts {
            match *part {
                "." => {}
                ".." => escapes |= lexical.pop().is_none(),
                p => lexical.push(p),
            }
        }
        // Paths that leave the world would write into the system's temporary folder.
        prop_assume!(!escapes && !lexical.is_empty());
        let lexical: PathBuf = lexical.iter().collect();
        let world = fresh_world();
        let top = world.path();
        let cwd = top.join("w/sub");
        let out = parts.join("/");
        let (args, inputs): (Vec<String>, Vec<PathBuf>) = match command {
            0 => (
                vec!["analyze", "../../gen", "--config", "../../cfg.toml", "--out", &out, "--overwrite"]
                    .into_iter().map(String::from).collect(),
                vec![top.join("gen"), top.join("cfg.toml")],
            ),
            1 => (
                vec!["compare", "../../res", "../../res2", "--out", &out, "--overwrite", "--format", "csv"]
                    .into_iter().map(String::from).collect(),
                vec![top.join("res"), top.join("res2")],
            ),
            _ => (
                vec!["report", "../../res", "--out", &out]
                    .into_iter().map(String::from).collect(),
                vec![top.join("res")],
            ),
        };
        let before: Vec<_> = inputs
            .iter()
            .map(|p| if p.is_dir() { contents(p) } else { vec![(String::new(), std::fs::read(p).unwrap())] })
            .collect();
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run_in(&cwd, &argv);
        let code = code(&o);
        // 1: an I/O failure (a folder through a dangling link cannot be made).
        prop_assert!((0..=5).contains(&code), "{out}: exit {code}: {}", stderr(&o));
        for (p, b) in inputs.iter().zip(&before) {
            let now = if p.is_dir() {
                contents(p)
            } else {
                vec![(String::new(), std::fs::read(p).unwrap())]
            };
            // A new page or output folder inside an input is allowed; nothing it held
            // before may change or go.
            for entry in b {
                prop_assert!(now.contains(entry), "{out}: {} lost or changed {}", p.display(), entry.0);
            }
        }
        if code == 0 {
            // What succeeded is where the path rule puts it.
            let target = top.join(&lexical);
            if command == 2 {
                prop_assert!(target.is_file(), "{out}: no page at {}", target.display());
            } else {
                prop_assert!(target.join(".ecograph-output").is_file(), "{out}: no output at {}", target.display());
            }
        }
    }
}
