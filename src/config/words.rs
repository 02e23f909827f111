//! Words compared as the config says: the normalized form of a word, the stage and role
//! vocabularies (contract words plus the user's), and free-text mappings.

use std::collections::{BTreeMap, HashMap};

/// The form a word is compared in: `loose` drops case, surrounding spaces and repeated
/// inner spaces; `exact` keeps the bytes.
pub fn normalize_word(word: &str, loose: bool) -> std::borrow::Cow<'_, str> {
    if !loose {
        return std::borrow::Cow::Borrowed(word);
    }
    let mut out = String::with_capacity(word.len());
    for (i, part) in word.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.extend(part.chars().flat_map(char::to_lowercase));
    }
    std::borrow::Cow::Owned(out)
}

/// A word -> value lookup built from the contract's words plus the user's mapping.
#[derive(Debug, Clone)]
pub(crate) struct Vocab<T> {
    map: HashMap<String, T>,
    pub(super) loose: bool,
    /// The accepted words, for error messages.
    pub allowed: String,
}

impl<T: Copy + PartialEq> Vocab<T> {
    pub(super) fn build(
        what: &str,
        words: &[(&'static str, T)],
        user: &BTreeMap<String, Vec<String>>,
        loose: bool,
    ) -> std::result::Result<Self, String> {
        let mut map: HashMap<String, T> = words
            .iter()
            .map(|(w, v)| (normalize_word(w, loose).into_owned(), *v))
            .collect();
        let mut user_words: HashMap<String, &str> = HashMap::new();
        let mut shown: Vec<String> = words.iter().map(|(w, _)| w.to_string()).collect();
        for (contract_word, theirs) in user {
            let value = words
                .iter()
                .find(|(w, _)| w == contract_word)
                .map(|(_, v)| *v)
                .ok_or_else(|| {
                    format!(
                        "unknown {what} '{contract_word}' in [values.{what}] (contract words: {})",
                        words.iter().map(|(w, _)| *w).collect::<Vec<_>>().join(", ")
                    )
                })?;
            for word in theirs {
                let key = normalize_word(word, loose).into_owned();
                if let Some(prev) = user_words.insert(key.clone(), contract_word)
                    && prev != contract_word
                {
                    return Err(format!(
                        "{what} word '{word}' is mapped to both '{prev}' and '{contract_word}'{}",
                        if loose {
                            " (words are compared ignoring case and spaces; set [matching] vocabulary = \"exact\" to tell them apart)"
                        } else {
                            ""
                        }
                    ));
                }
                map.insert(key, value);
                shown.push(word.clone());
            }
        }
        shown.sort_unstable();
        shown.dedup();
        let allowed = shown
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(", ")
            + if loose {
                " (case and spaces ignored)"
            } else {
                " (exact match)"
            };
        Ok(Vocab {
            map,
            loose,
            allowed,
        })
    }

    /// The value `word` stands for (compared as the vocabulary's matching says).
    pub(crate) fn get(&self, word: &str) -> Option<T> {
        // Keys are normalized, so a word found as it is needs no normalizing (the usual
        // case: `won`), and the per-row allocation is paid only by unusual spellings.
        if let Some(v) = self.map.get(word) {
            return Some(*v);
        }
        if !self.loose {
            return None;
        }
        self.map.get(normalize_word(word, true).as_ref()).copied()
    }
}

/// Free-text value mapping (`[values.partner_type]`): a mapped word becomes its name;
/// anything else passes through unchanged.
#[derive(Debug, Clone, Default)]
pub struct TextMap {
    map: HashMap<String, String>,
    loose: bool,
}

impl TextMap {
    pub(super) fn build(
        what: &str,
        user: &BTreeMap<String, Vec<String>>,
        loose: bool,
    ) -> std::result::Result<Self, String> {
        let mut map: HashMap<String, String> = HashMap::new();
        for (name, theirs) in user {
            if name.trim().is_empty() {
                return Err(format!("[values.{what}] maps to an empty name"));
            }
            for word in theirs {
                let key = normalize_word(word, loose).into_owned();
                if let Some(prev) = map.insert(key, name.clone())
                    && prev != *name
                {
                    return Err(format!(
                        "{what} word '{word}' is mapped to both '{prev}' and '{name}'"
                    ));
                }
            }
        }
        Ok(TextMap { map, loose })
    }

    /// Whether nothing is mapped (every word passes through).
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The name for `word`: its mapping, or `word` itself.
    pub fn apply<'a>(&'a self, word: &'a str) -> &'a str {
        if self.map.is_empty() {
            return word;
        }
        if let Some(name) = self.map.get(word) {
            return name;
        }
        if !self.loose {
            return word;
        }
        self.map
            .get(normalize_word(word, true).as_ref())
            .map(String::as_str)
            .unwrap_or(word)
    }
}
