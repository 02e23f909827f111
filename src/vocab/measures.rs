//! Which centrality measures a run computes: the measures that `--metrics` switches
//! and the [`Selection`] of them. Vocabulary shared by the run plan ([`crate::plan`]),
//! the CLI and the metrics, so it sits on the ground floor below all three; the metrics
//! re-export it where users have always found it (`metrics::centrality::Selection`).

use std::fmt;

/// The measures of the centrality suite that can be switched on or off (PageRank,
/// degree, strength and components are always computed: they are linear and cheap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Measure {
    Betweenness,
    Closeness,
    Harmonic,
    Clustering,
    CoreNumber,
    Constraint,
    EffectiveSize,
    Community,
}

impl Measure {
    /// Every measure, in `--metrics` / partner_metrics column order.
    pub(crate) const ALL: [Measure; 8] = [
        Measure::Betweenness,
        Measure::Closeness,
        Measure::Harmonic,
        Measure::Clustering,
        Measure::CoreNumber,
        Measure::Constraint,
        Measure::EffectiveSize,
        Measure::Community,
    ];

    /// The partner_metrics column (and `--metrics` word) of the measure.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Measure::Betweenness => "betweenness",
            Measure::Closeness => "closeness",
            Measure::Harmonic => "harmonic",
            Measure::Clustering => "clustering",
            Measure::CoreNumber => "core_number",
            Measure::Constraint => "constraint",
            Measure::EffectiveSize => "effective_size",
            Measure::Community => "community",
        }
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which measures a run computes (all by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection(u16);

impl Default for Selection {
    fn default() -> Self {
        Selection::all()
    }
}

impl Selection {
    /// Every measure (the default, `--metrics all`).
    pub(crate) fn all() -> Self {
        Selection((1 << Measure::ALL.len()) - 1)
    }

    /// No measure (`--metrics none`).
    pub(crate) fn none() -> Self {
        Selection(0)
    }

    /// Whether `m` is computed.
    pub(crate) fn has(self, m: Measure) -> bool {
        self.0 & (1 << m as u16) != 0
    }

    /// This selection plus `m`.
    pub(crate) fn with(self, m: Measure) -> Self {
        Selection(self.0 | (1 << m as u16))
    }

    /// This selection minus `m`.
    pub(crate) fn without(self, m: Measure) -> Self {
        Selection(self.0 & !(1 << m as u16))
    }

    /// Parses `--metrics`: `all`, `none`, or a comma list of measure names, each
    /// optionally prefixed by `-` to remove it from all (`-betweenness,-closeness`).
    pub fn parse(s: &str) -> Result<Selection, String> {
        let words: Vec<&str> = s
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .collect();
        match words.as_slice() {
            ["all"] => return Ok(Selection::all()),
            ["none"] => return Ok(Selection::none()),
            _ => {}
        }
        let removing = words.first().is_some_and(|w| w.starts_with('-'));
        let mut sel = if removing {
            Selection::all()
        } else {
            Selection::none()
        };
        for w in words {
            let (minus, name) = match w.strip_prefix('-') {
                Some(n) => (true, n),
                None => (false, w),
            };
            if minus != removing {
                return Err(format!(
                    "--metrics: '{w}' mixes adding and removing; list the measures to keep \
                     (betweenness,clustering) or only the ones to drop (-betweenness,-closeness)"
                ));
            }
            let m = Measure::ALL
                .into_iter()
                .find(|m| m.name() == name)
                .ok_or_else(|| {
                    format!(
                        "--metrics: unknown measure '{name}'; choose from all, none, {}",
                        Measure::ALL.map(Measure::name).join(", ")
                    )
                })?;
            sel = if removing {
                sel.without(m)
            } else {
                sel.with(m)
            };
        }
        Ok(sel)
    }

    /// Names of the selected measures in [`Measure::ALL`] order (how the selection is
    /// recorded in the run metadata).
    pub(crate) fn names(self) -> Vec<&'static str> {
        Measure::ALL
            .into_iter()
            .filter(|&m| self.has(m))
            .map(Measure::name)
            .collect()
    }
}

impl serde::Serialize for Selection {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.names().serialize(s)
    }
}
