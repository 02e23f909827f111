//! The crate's modules form layers, not a knot (issue 24): a newcomer reads the house
//! from the ground floor up, and a module can be understood, tested and changed with only
//! the modules below it in mind. This suite reads every file under `src/` (no external
//! tools), collects the references one module makes to another (`crate::x::...`, and
//! `super::...` / `self::...` resolved against the file's place, in `use` lines and in
//! paths in code; comments, doc comments and string literals are ignored), and fails
//! naming the cycle if the graph has one:
//!
//! - between the top-level modules (`src/foo.rs` and `src/foo/**` are `foo`; `lib.rs`,
//!   `main.rs` and the binary's `cli/` are the roots, above everything);
//! - between the files of `src/io/` and of `src/report/` (`mod.rs`, the parent that
//!   declares and re-exports its children, is left out).
//!
//! Unit-test modules (`#[cfg(test)] mod ... { }`) are left out: a test may check one
//! layer against another (the streaming CSV pass against the full scan), which is no
//! dependency of the shipped code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::common::repo;

/// File-level cycles tolerated, as `[a, b]` (file stems of src/report): none since the
/// report's shared helpers moved to report/columns.rs (issue 24). An entry here is a
/// debt with its reason beside it, not a way to silence the test.
const KNOWN_FILE_CYCLES: &[[&str; 2]] = &[];

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The module path of a file relative to `src/`: `io/csv_fast.rs` -> `[io, csv_fast]`,
/// `io/mod.rs` -> `[io]`, `lib.rs` -> `[]`.
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if !(stem == "mod" || (parts.is_empty() && (stem == "lib" || stem == "main"))) {
        parts.push(stem.to_string());
    }
    parts
}

/// The code of a Rust file with comments (line, doc and nested block comments), string
/// literals (plain, byte and raw) and char literals blanked out.
fn strip(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && (next == Some('#') || next == Some('"')) && !ident_before(&b, i) {
            // A raw string r"..." or r#"..."# (or a raw identifier r#name).
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            i = j;
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A char literal ('a', '\n', '\''), or else a lifetime or label.
            if next == Some('\\') {
                let mut j = i + 2;
                while j < b.len() && b[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
                out.push_str("' '");
            } else if b.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(b: &[char], i: usize) -> bool {
    i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_')
}

/// Identifiers, `::` and single punctuation characters.
fn tokens(code: &str) -> Vec<String> {
    let b: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                i += 1;
            }
            out.push(b[start..i].iter().collect());
        } else if c == ':' && b.get(i + 1) == Some(&':') {
            out.push("::".to_string());
            i += 2;
        } else if c.is_whitespace() {
            i += 1;
        } else {
            out.push(c.to_string());
            i += 1;
        }
    }
    out
}

/// The paths a use tree or a path starting at `t[i]` names, each as its segments, with
/// `prefix` in front: `a::{b, c::d}` -> `[a, b]`, `[a, c, d]`. Returns the index after it.
fn use_tree(t: &[String], mut i: usize, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix.to_vec();
    loop {
        match t.get(i).map(String::as_str) {
            Some("{") => {
                i += 1;
                while i < t.len() && t[i] != "}" {
                    i = use_tree(t, i, &path, out);
                    if t.get(i).map(String::as_str) == Some(",") {
                        i += 1;
                    }
                }
                return i + 1;
            }
            Some(s)
                if s.chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_') =>
            {
                path.push(s.to_string());
                i += 1;
                if t.get(i).map(String::as_str) == Some("::") {
                    i += 1;
                    continue;
                }
                out.push(path);
                return i;
            }
            _ => {
                // `*`, or the end of the path.
                out.push(path);
                return i;
            }
        }
    }
}

/// Every absolute module path a file's code refers to through `crate::`, `super::` or
/// `self::`, outside `#[cfg(test)]` modules.
fn references(rel: &Path, src: &str) -> Vec<Vec<String>> {
    let t = tokens(&strip(src));
    let file_module = module_path(rel);
    // Inline modules open around the current token: (name, brace depth inside it).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let tok = t[i].as_str();
        match tok {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d > depth) {
                    inline.pop();
                }
            }
            "#" if t[i + 1..].starts_with(&attr(&["[", "cfg", "(", "test", ")", "]"])) => {
                // Skip `#[cfg(test)] mod name { ... }` whole.
                let mut j = i + 7;
                if t.get(j).map(String::as_str) == Some("mod")
                    && t.get(j + 2).map(String::as_str) == Some("{")
                {
                    j += 3;
                    let mut d = 1;
                    while j < t.len() && d > 0 {
                        match t[j].as_str() {
                            "{" => d += 1,
                            "}" => d -= 1,
                            _ => {}
                        }
                        j += 1;
                    }
                    i = j;
                    continue;
                }
            }
            "mod" if t.get(i + 2).map(String::as_str) == Some("{") => {
                inline.push((t[i + 1].clone(), depth + 1));
            }
            "crate" | "super" | "self" if t.get(i + 1).map(String::as_str) == Some("::") => {
                let after_path = i > 0 && t[i - 1] == "::";
                if !after_path {
                    let mut here = file_module.clone();
                    here.extend(inline.iter().map(|(n, _)| n.clone()));
                    let mut j = i;
                    let base = match tok {
                        "crate" => {
                            j += 2;
                            Vec::new()
                        }
                        "self" => {
                            j += 2;
                            here
                        }
                        _ => {
                            while t.get(j).map(String::as_str) == Some("super")
                                && t.get(j + 1).map(String::as_str) == Some("::")
                            {
                                here.pop();
                                j += 2;
                            }
                            here
                        }
                    };
                    i = use_tree(&t, j, &base, &mut out);
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn attr(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

/// A cycle of `graph`, if it has one, as its nodes with the first repeated at the end.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    // Depth-first search; 0 = unseen, 1 = on the stack, 2 = done.
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in graph.get(n).into_iter().flatten() {
            match state.get(m.as_str()).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|s| s == m).unwrap();
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(m, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if state.get(n.as_str()).copied().unwrap_or(0) == 0
            && let Some(c) = visit(n, graph, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

/// Every file under `src/` as (path relative to `src/`, text).
fn sources() -> Vec<(PathBuf, String)> {
    let src = repo().join("src");
    rust_files(&src)
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.strip_prefix(&src).unwrap().to_path_buf(), text)
        })
        .collect()
}

/// The graph between the top-level modules of the library.
fn top_level_graph() -> BTreeMap<String, BTreeSet<String>> {
    let files = sources();
    let roots = ["cli"];
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|(rel, _)| module_path(rel).first().cloned())
        .filter(|m| !roots.contains(&m.as_str()))
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = modules
        .iter()
        .map(|m| (m.clone(), BTreeSet::new()))
        .collect();
    for (rel, text) in &files {
        let Some(from) = module_path(rel).first().cloned() else {
            continue; // lib.rs, main.rs: the roots
        };
        if roots.contains(&from.as_str()) {
            continue;
        }
        for path in references(rel, text) {
            if let Some(to) = path.first()
                && *to != from
                && modules.contains(to)
            {
                graph.get_mut(&from).unwrap().insert(to.clone());
            }
        }
    }
    graph
}

/// The graph between the files of `src/<dir>/` (by file or folder stem), `mod.rs` left out.
fn file_graph(dir: &str) -> BTreeMap<String, BTreeSet<String>> {
    let files: Vec<(PathBuf, String)> = sources()
        .into_iter()
        .filter(|(rel, _)| rel.starts_with(dir))
        .collect();
    let child = |rel: &Path| module_path(rel).get(1).cloned();
    let children: BTreeSet<String> = files.iter().filter_map(|(rel, _)| child(rel)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = children
        .iter()
        .map(|m| (m.clone(), BTreeSet::new()))
        .collect();
    for (rel, text) in &files {
        let Some(from) = child(rel) else { continue };
        for path in references(rel, text) {
            if path.first().map(String::as_str) == Some(dir)
                && let Some(to) = path.get(1)
                && *to != from
                && children.contains(to)
            {
                graph.get_mut(&from).unwrap().insert(to.clone());
            }
        }
    }
    graph
}

fn describe(graph: &BTreeMap<String, BTreeSet<String>>) -> String {
    graph
        .iter()
        .map(|(k, v)| {
            format!(
                "  {k} -> {}",
                v.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn top_level_modules_have_no_cycle() {
    let graph = top_level_graph();
    assert!(graph.len() > 5, "too few modules found: {graph:?}");
    // The reader sees the layers this test is about.
    assert!(graph["validate"].contains("config"), "{}", describe(&graph));
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "the top-level modules form a cycle: {}\nthe graph:\n{}",
            cycle.join(" -> "),
            describe(&graph)
        );
    }
}

#[test]
fn files_of_io_and_report_have_no_cycle() {
    for dir in ["io", "report"] {
        let mut graph = file_graph(dir);
        assert!(graph.len() > 2, "too few files in src/{dir}: {graph:?}");
        for [a, b] in KNOWN_FILE_CYCLES {
            if dir == "report" {
                graph.get_mut(*a).map(|s| s.remove(*b));
            }
        }
        if let Some(cycle) = find_cycle(&graph) {
            panic!(
                "the files of src/{dir} form a cycle: {}\nthe graph:\n{}",
                cycle.join(" -> "),
                describe(&graph)
            );
        }
    }
}

#[test]
fn the_reader_finds_references_and_skips_comments_and_tests() {
    let src = r#"
//! See [`crate::metrics`] and `crate::report`.
use super::{csv_scan::CsvScan, MAX_COLUMNS};
use crate::{config::Settings, schema::outputs::{A, B}};
/* crate::graph::x */
fn f() { let s = "crate::export::x"; let c = '"'; crate::validate::NULL; }
#[cfg(test)]
mod tests { use crate::pipeline::x; }
mod inner { use super::super::raw::R; }
"#;
    let refs: BTreeSet<String> = references(Path::new("io/csv_fast.rs"), src)
        .into_iter()
        .map(|p| p.join("::"))
        .collect();
    let want: BTreeSet<String> = [
        "io::csv_scan::CsvScan",
        "io::MAX_COLUMNS",
        "config::Settings",
        "schema::outputs::A",
        "schema::outputs::B",
        "validate::NULL",
        "io::raw::R",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(refs, want);
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    g.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(find_cycle(&g).unwrap(), ["a", "b", "a"]);
}
