//! Every case of "What was found" in the trust issue, as a user meets it: the input
//! folder survives, wrong numbers are refused or announced, and every exit code holds.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;

fn run(args: &[&str]) -> Output {
    ecograph(args)
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn has(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "message lacks {p:?}:\n{msg}");
    }
}

fn small(tmp: &Path) -> PathBuf {
    let input = tmp.join("in");
    write_small_valid(&input);
    input
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

// ---- Silent wrong numbers -------------------------------------------------------------

#[test]
fn a_config_column_the_file_lacks_is_an_error() {
    for (key, column) in [("stage", "Dealstage"), ("amount", "Amnt")] {
        let tmp = tempfile::tempdir().unwrap();
        let input = small(tmp.path());
        let cfg = tmp.path().join("c.toml");
        std::fs::write(&cfg, format!("[columns.deals]\n{key} = \"{column}\"\n")).unwrap();
        let out = tmp.path().join("out");
        for args in [
            vec!["validate", s(&input), "--config", s(&cfg)],
            vec!["analyze", s(&input), "--config", s(&cfg), "--out", s(&out)],
        ] {
            let o = run(&args);
            assert_eq!(code(&o), 3, "{}", stderr(&o));
            has(
                &stderr(&o),
                &[
                    "deals.csv",
                    &format!("column '{column}'"),
                    &format!("[columns.deals] {key}"),
                    "columns found: 'deal_id', 'customer_id'",
                ],
            );
        }
        assert_eq!(
            names(tmp.path()),
            vec!["c.toml", "in"],
            "something was written"
        );
    }
}

#[test]
fn a_header_that_differs_only_by_case_space_or_bom_is_an_error() {
    for (from, to) in [
        ("amount,stage,", "amount,Stage,"),
        ("amount,stage,", "amount, stage ,"),
        ("amount,stage,", "amount,\u{feff}stage,"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let input = small(tmp.path());
        let p = input.join("deals.csv");
        let text = std::fs::read_to_string(&p).unwrap().replacen(from, to, 1);
        std::fs::write(&p, text).unwrap();
        let o = run(&["analyze", s(&input), "--out", s(&tmp.path().join("out"))]);
        assert_eq!(code(&o), 3, "{}", stderr(&o));
        has(
            &stderr(&o),
            &[
                "deals.csv",
                "looks like the contract column 'stage'",
                "[columns.deals] stage = ",
            ],
        );
        assert_eq!(names(tmp.path()), vec!["in"]);
    }
}

#[test]
fn absent_result_changing_columns_are_announced() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small(tmp.path());
    // Drop stage from deals and role from deal_partners.
    let drop_col = |file: &str, idx: usize| {
        let p = input.join(file);
        let text: Vec<String> = std::fs::read_to_string(&p)
            .unwrap()
            .lines()
            .map(|l| {
                let mut f: Vec<&str> = l.split(',').collect();
                f.remove(idx);
                f.join(",")
            })
            .collect();
        std::fs::write(&p, text.join("\n") + "\n").unwrap();
    };
    drop_col("deals.csv", 4);
    drop_col("deal_partners.csv", 2);
    let out = tmp.path().join("out");
    let o = run(&["analyze", s(&input), "--out", s(&out)]);
    ok(&o);
    has(
        &stderr(&o),
        &[
            "warning: deals.csv: no 'stage' column: every deal counts as won",
            "warning: deal_partners.csv: no 'role' column: every partner counts as influenced",
        ],
    );
    let codes = warning_codes(&out);
    assert!(codes.contains(&"missing_stage".to_string()), "{codes:?}");
    assert!(codes.contains(&"missing_role".to_string()), "{codes:?}");
    // validate says the same.
    let o = run(&["validate", s(&input)]);
    ok(&o);
    has(
        &stderr(&o),
        &["no 'stage' column: every deal counts as won"],
    );
    // The contract form announces nothing but its one (open) deal without an amount.
    let tmp2 = tempfile::tempdir().unwrap();
    let clean = analyze(&small(tmp2.path()), tmp2.path(), &[]);
    assert_eq!(warning_codes(&clean), vec!["some_amounts_missing"]);
}

#[test]
fn a_column_empty_in_every_row_is_announced_like_an_absent_one() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small(tmp.path());
    let p = input.join("deals.csv");
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace(",won,", ",,")
        .replace(",lost,", ",,")
        .replace(",open,", ",,");
    std::fs::write(&p, text).unwrap();
    let out = tmp.path().join("out");
    let o = run(&["analyze", s(&input), "--out", s(&out)]);
    ok(&o);
    has(
        &stderr(&o),
        &["warning: deals.csv: column 'stage' is empty in every row: every deal counts as won"],
    );
    assert_eq!(
        warning_codes(&out),
        vec!["missing_stage", "some_amounts_missing"]
    );
}

#[test]
fn an_input_without_partner_links_is_announced() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small(tmp.path());
    std::fs::write(input.join("deal_partners.csv"), "deal_id,partner_id,role\n").unwrap();
    let out = tmp.path().join("out");
    let o = run(&["analyze", s(&input), "--out", s(&out)]);
    ok(&o);
    has(&stderr(&o), &["deal_partners.csv: no deal has a partner"]);
    assert_eq!(
        warning_codes(&out),
        vec!["some_amounts_missing", "no_partner_links"]
    );
    assert_eq!(summary(&out)["revenue"]["partner_revenue_share"], 0.0);
}

// ---- Lost data ------------------------------------------------------------------------

#[test]
fn the_input_folder_and_its_parents_are_never_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small(tmp.path());
    let before = snapshot(tmp.path());
    let dotted = input.join("..").join("in");
    for out in [&input, &dotted, &tmp.path().to_path_buf()] {
        for extra in [&[][..], &["--overwrite"][..]] {
            let mut args = vec!["analyze", s(&input), "--out", s(out)];
            args.extend_from_slice(extra);
            let o = run(&args);
            assert_eq!(code(&o), 4, "{}", stderr(&o));
            if !extra.is_empty() {
                has(
                    &stderr(&o),
                    &["refusing to write the output", "input folder"],
                );
            }
        }
    }
    assert_eq!(snapshot(tmp.path()), before, "the input changed");
}

#[test]
fn overwrite_refuses_a_file_and_a_folder_ecograph_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small(tmp.path());
    let file = tmp.path().join("report.xlsx");
    std::fs::write(&file, "precious").unwrap();
    let mine = tmp.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "precious").unwrap();
    let before = snapshot(tmp.path());
    for (out, says) in [(&file, "is a file"), (&mine, "not a folder ecograph wrote")] {
        let o = run(&["analyze", s(&input), "--out", s(out), "--overwrite"]);
        assert_eq!(code(&o), 4, "{}", stderr(&o));
        has(&stderr(&o), &[says]);
    }
    assert_eq!(
        snapshot(tmp.path()),
        before,
        "something changed or was left behind"
    );
    // An output ecograph wrote is replaced, whole.
    let out = tmp.path().join("out");
    ok(&run(&["analyze", s(&input), "--out", s(&out)]));
    assert!(out.join(".ecograph-output").is_file());
    let o = run(&["analyze", s(&input), "--out", s(&out)]);
    assert_eq!(code(&o), 4);
    has(&stderr(&o), &["already exists; pass --overwrite"]);
    ok(&run(&[
        "analyze",
        s(&input),
        "--out",
        s(&out),
        "--overwrite",
    ]));
    // generate output folders carry the marker too.
    let g = tmp.path().join("gen");
    ok(&run(&[
        "generate",
        "--out",
        s(&g),
        "--partners",
        "5",
        "--deals",
        "10",
    ]));
    assert!(g.join(".ecograph-output").is_file());
    assert_eq!(
        names(tmp.path()),
        vec!["gen", "in", "mine", "out", "report.xlsx"]
    );
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(true)
}

#[test]
fn an_unwritable_output_fails_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small(tmp.path());
    // Break the input too: an output problem found first proves it is checked first.
    std::fs::write(input.join("deals.csv"), "deal_id\n").unwrap();
    let not_a_dir = tmp.path().join("plain-file");
    std::fs::write(&not_a_dir, "x").unwrap();
    let o = run(&["analyze", s(&input), "--out", s(&not_a_dir.join("out"))]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    has(&stderr(&o), &["plain-file/out", "Not a directory"]);
    if !is_root() {
        use std::os::unix::fs::PermissionsExt;
        let ro = tmp.path().join("ro");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        let o = run(&["analyze", s(&input), "--out", s(&ro.join("out"))]);
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        has(&stderr(&o), &["Permission denied"]);
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

// ---- Late or misleading failures ------------------------------------------------------

fn fails_with(prepare: impl FnOnce(&Path), parts: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let input = small(tmp.path());
    prepare(&input);
    let o = run(&["analyze", s(&input), "--out", s(&tmp.path().join("out"))]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    has(&stderr(&o), parts);
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn a_folder_an_empty_file_and_an_unreadable_file_each_get_their_own_message() {
    fails_with(
        |d| {
            std::fs::remove_file(d.join("deals.csv")).unwrap();
            std::fs::create_dir(d.join("deals.csv")).unwrap();
        },
        &["deals.csv: is a folder, not a file"],
    );
    fails_with(
        |d| std::fs::write(d.join("deals.csv"), "").unwrap(),
        &["deals.csv: the file is empty (0 bytes); expected a header row with at least: deal_id"],
    );
    fails_with(
        |d| {
            std::fs::remove_file(d.join("deals.csv")).unwrap();
            std::os::unix::fs::symlink("deals.csv", d.join("deals.csv")).unwrap();
        },
        &["deals.csv: file cannot be read", "symbolic links"],
    );
    fails_with(
        |d| {
            std::fs::remove_file(d.join("deals.csv")).unwrap();
            std::os::unix::fs::symlink("nowhere.csv", d.join("deals.csv")).unwrap();
        },
        &["deals.csv: file cannot be read: it is a symbolic link to a file that does not exist"],
    );
    if !is_root() {
        use std::os::unix::fs::PermissionsExt;
        fails_with(
            |d| {
                std::fs::set_permissions(
                    d.join("deals.csv"),
                    std::fs::Permissions::from_mode(0o000),
                )
                .unwrap()
            },
            &["deals.csv: file cannot be read", "Permission denied"],
        );
    }
    // A header row that is one empty name lists no columns as "(none)".
    fails_with(
        |d| std::fs::write(d.join("deals.csv"), "\n\n").unwrap(),
        &["columns found: (none)"],
    );
}

#[test]
fn every_exit_code_holds() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small(tmp.path());
    let out = tmp.path().join("out");
    // 0
    ok(&run(&["analyze", s(&input), "--out", s(&out)]));
    // 2: bad flags, a missing config file, a missing input folder, generate out of range.
    // Their would-be output sits in the temporary folder, where the end checks it never
    // appeared.
    let x_path = tmp.path().join("x");
    let x = s(&x_path);
    for args in [
        vec!["analyze", s(&input), "--out", x, "--pagerank-damping", "2"],
        vec!["analyze", s(&input), "--out", x, "--no-such-flag"],
        vec![
            "analyze",
            s(&input),
            "--out",
            x,
            "--config",
            "/no/such/config.toml",
        ],
        vec!["validate", s(&input), "--config", "/no/such/config.toml"],
        vec!["analyze", "/no/such/folder", "--out", x],
        vec!["validate", "/no/such/folder"],
        vec!["generate", "--out", x, "--partners", "0"],
        vec!["analyze", s(&input), "--out", x, "--delimiter", ";;"],
    ] {
        let o = run(&args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
    }
    let o = run(&["validate", "/no/such/folder"]);
    has(
        &stderr(&o),
        &["input folder /no/such/folder: it does not exist"],
    );
    let o = run(&["validate", s(&input), "--config", "/no/such/config.toml"]);
    has(
        &stderr(&o),
        &["config file /no/such/config.toml: cannot be read"],
    );
    // 3
    std::fs::write(
        input.join("deal_partners.csv"),
        "deal_id,partner_id\nD1,P9\n",
    )
    .unwrap();
    assert_eq!(code(&run(&["validate", s(&input)])), 3);
    // 4
    assert_eq!(code(&run(&["analyze", s(&input), "--out", s(&out)])), 4);
    // 1: an I/O failure (the output parent is a file)
    write_small_valid(&input);
    let f = tmp.path().join("f");
    std::fs::write(&f, "").unwrap();
    assert_eq!(
        code(&run(&["analyze", s(&input), "--out", s(&f.join("o"))])),
        1
    );
    assert!(!tmp.path().join("x").exists());
}

#[test]
fn help_lists_the_exit_codes_and_every_flag_says_what_it_does() {
    for cmd in [
        &[][..],
        &["analyze"][..],
        &["validate"][..],
        &["generate"][..],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let o = Command::new(env!("CARGO_BIN_EXE_ecograph"))
            .args(&args)
            .output()
            .unwrap();
        assert!(o.status.success());
        let help = String::from_utf8_lossy(&o.stdout);
        has(
            &help,
            &[
                "Exit codes:",
                "  0 ",
                "  1 ",
                "  2 ",
                "  3 ",
                "  4 ",
                "  130 ",
            ],
        );
    }
    let o = Command::new(env!("CARGO_BIN_EXE_ecograph"))
        .args(["generate", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&o.stdout);
    has(
        &help,
        &[
            "Number of partners",
            "Number of deals",
            "Seed of the generator",
        ],
    );
    let o = Command::new(env!("CARGO_BIN_EXE_ecograph"))
        .args(["validate", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&o.stdout);
    has(&help, &["would leave out", "Writes nothing"]);
    assert!(!help.contains("to a rejected_rows table instead"), "{help}");
}

#[test]
fn validate_skip_invalid_lists_rows_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small(tmp.path());
    let p = input.join("deals.csv");
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replacen("1000,won", "abc,won", 1);
    std::fs::write(&p, text).unwrap();
    let before = snapshot(tmp.path());
    assert_eq!(code(&run(&["validate", s(&input)])), 3);
    let o = run(&["validate", s(&input), "--skip-invalid"]);
    ok(&o);
    let stdout = String::from_utf8_lossy(&o.stdout);
    has(
        &stdout,
        &[
            "only row problems",
            "3 rows would be rejected with --skip-invalid",
            "value \"abc\"",
            "refers to a row of the deals table that was rejected",
        ],
    );
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn ctrl_c_exits_130_and_leaves_nothing_behind() {
    signal_leaves_nothing("INT");
}
