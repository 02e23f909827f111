//! `pub` means "users call this" (issue 24). Two checks keep it so:
//!
//! - the compiler's `unreachable_pub` lint (Cargo.toml `[lints.rust]`, an error under
//!   `clippy -D warnings`): an item public inside a private module must say `pub(crate)`;
//! - this test: every `pub` item of the library (fn, struct, enum, const, static, type,
//!   trait) is named somewhere other than its own file — by another module, the binary,
//!   a test, a bench, the Python extension — or in a doc example of its own file (a
//!   doctest is a user), or is linked from its file's docs (what the public docs
//!   document; rustdoc refuses a public doc's link to a private item), or is a type
//!   that appears in a public signature of its file (a field's or a function's type),
//!   or is listed in [`PUBLIC_BY_CHOICE`] with its reason. Anything else is internal and
//!   says `pub(crate)` or nothing.
//!
//! The reading is textual (no rustdoc), so it errs towards allowing: a name that happens
//! to occur elsewhere passes. It fails on the common drift, a helper made `pub` for one
//! call that later went away.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::repo;

/// Public although no other file names them: what users of the library read or write
/// by name.
const PUBLIC_BY_CHOICE: &[(&str, &str)] = &[
    (
        "DEFAULT_TOP_K",
        "the default of --overlap-top-k, for callers building OverlapParams",
    ),
    (
        "METADATA_KEY",
        "the key under which every output table stores the run metadata",
    ),
    (
        "COMPARE_SUMMARY_FILE",
        "the file name of `compare`'s summary, for its readers",
    ),
    (
        "MARKER",
        "the marker file that makes a folder an ecograph output",
    ),
    (
        "markdown",
        "renders a table's column reference, as docs/OUTPUTS.md holds it",
    ),
    (
        "is_ecograph_output",
        "tells a folder ecograph wrote, for tools that clean up",
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Whether `name` occurs as a whole word in `text`.
fn names(text: &str, name: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(word)
            && !text[i + name.len()..].chars().next().is_some_and(word)
    })
}

/// The doc-example lines of a file (inside ``` fences of `///` or `//!` comments).
fn doc_examples(text: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in text.lines() {
        let t = line.trim_start();
        let Some(doc) = t.strip_prefix("///").or_else(|| t.strip_prefix("//!")) else {
            inside = false;
            continue;
        };
        if doc.trim_start().starts_with("```") {
            inside = !inside;
        } else if inside {
            out.push_str(doc);
            out.push('\n');
        }
    }
    out
}

/// The names the doc comments of a file link to (`` [`NAME`] `` or `` [`path::NAME`] ``):
/// an item the public docs link to is part of what they document, and rustdoc refuses a
/// public doc's link to a private item.
fn doc_links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        if !(t.starts_with("///") || t.starts_with("//!")) {
            continue;
        }
        for part in t.split("[`").skip(1) {
            if let Some((target, _)) = part.split_once("`]") {
                let last = target.rsplit("::").next().unwrap_or(target);
                out.push(last.trim_end_matches("()").to_string());
            }
        }
    }
    out
}

/// `(kind, name, line)` of each `pub` item declared at the start of a line.
fn public_items(text: &str) -> Vec<(&'static str, String, usize)> {
    const KINDS: [&str; 8] = [
        "const fn", "fn", "struct", "enum", "const", "static", "type", "trait",
    ];
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix("pub ") else {
            continue;
        };
        for kind in KINDS {
            if let Some(after) = rest.strip_prefix(kind).and_then(|r| r.strip_prefix(' ')) {
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push((kind, name, i + 1));
                }
                break;
            }
        }
    }
    out
}

/// The public signatures of a file: each `pub` field's type, each `pub const` or
/// `static`'s type, and each `pub fn`'s text from its arguments to its body or `;`.
fn public_signatures(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("pub ") {
        let rest = &text[i + 4..];
        let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
        if !text[line_start..i].trim().is_empty() {
            continue;
        }
        if rest.starts_with("fn ") || rest.starts_with("const fn ") {
            let end = rest.find(['{', ';']).unwrap_or(rest.len());
            let sig = &rest[..end];
            // Leave out the name itself: `pub fn helper` does not use `helper`.
            out.push(sig.split_once('(').map_or(sig, |(_, args)| args));
        } else if rest.starts_with("const ") || rest.starts_with("static ") {
            let end = rest.find('=').unwrap_or(rest.len());
            out.extend(rest[..end].split_once(':').map(|(_, ty)| ty));
        } else if let Some((field, ty)) = rest
            .split_once('\n')
            .map(|(l, _)| l)
            .and_then(|l| l.split_once(':'))
            && field.chars().all(|c| c.is_alphanumeric() || c == '_')
        {
            out.push(ty);
        }
    }
    out
}

#[test]
fn every_public_item_is_called_from_outside_its_file() {
    let root = repo();
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches", "python/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    let texts: BTreeMap<PathBuf, String> = files
        .iter()
        .map(|p| (p.clone(), std::fs::read_to_string(p).unwrap()))
        .collect();
    let library = |p: &Path| {
        let rel = p.strip_prefix(root.join("src")).ok()?;
        (!rel.starts_with("cli") && rel != Path::new("main.rs")).then_some(rel.to_path_buf())
    };
    let mut internal = Vec::new();
    for (path, text) in &texts {
        let Some(rel) = library(path) else { continue };
        let examples = doc_examples(text);
        let linked = doc_links(text);
        for (kind, name, line) in public_items(text) {
            let elsewhere = texts.iter().any(|(q, t)| q != path && names(t, &name));
            let in_signature = matches!(kind, "struct" | "enum" | "type" | "trait")
                && public_signatures(text).iter().any(|s| names(s, &name));
            let chosen = PUBLIC_BY_CHOICE.iter().any(|(n, _)| *n == name);
            let documented = linked.contains(&name);
            if !(elsewhere || in_signature || chosen || documented || names(&examples, &name)) {
                internal.push(format!("src/{}:{line}: pub {kind} {name}", rel.display()));
            }
        }
    }
    assert!(
        internal.is_empty(),
        "public items that no other file, doc example or public signature names; make them \
         pub(crate) (or private), or list them in PUBLIC_BY_CHOICE with the reason users \
         need them:\n{}",
        internal.join("\n")
    );
}

#[test]
fn the_check_sees_a_public_helper_nobody_calls() {
    let text = "pub fn helper() {}\npub struct Shown;\npub fn f() -> Shown { Shown }\n";
    let items = public_items(text);
    assert_eq!(items.len(), 3);
    assert_eq!(items[0], ("fn", "helper".to_string(), 1));
    assert!(!names("fn helpers()", "helper") && names("x = helper();", "helper"));
    let ex = doc_examples("/// ```\n/// use x::helper;\n/// ```\npub fn helper() {}\n");
    assert!(names(&ex, "helper"));
    assert!(doc_examples("/// helper\npub fn helper() {}\n").is_empty());
    assert_eq!(
        doc_links("/// See [`LIMIT`] and [`crate::x::f()`].\nlet [`no`] = 1;"),
        ["LIMIT", "f"]
    );
    let sigs = public_signatures(text);
    assert!(sigs.iter().any(|s| names(s, "Shown")) && !sigs.iter().any(|s| names(s, "helper")));
}
