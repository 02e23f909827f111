"""What the notebooks share: reading an ecograph results folder, and the report's words.

Every notebook starts with ``results = "..."``, the path of an ``ecograph analyze``
output folder (Parquet, Arrow or CSV), and reads it through :func:`open_results`. The
definitions below are the ones the HTML report (``ecograph report``) uses, so a number
in a notebook and the same number in the report have the same name, value and format:

- :data:`TILES`: the report's summary tiles (label, summary key, unit);
- :func:`normalized_hhi` and :func:`band`: the HHI rescaled for the number of
  entities, and the bands of docs/OUTPUTS.md (the US merger guidelines' cut points);
- the alert thresholds (``DOMINANT_SHARE`` ...), read from the summary's ``alerts``
  section of the results last opened (``analyze`` records each rule with its
  thresholds there; ``src/export/alerts.rs`` declares them), never copied here;
- :func:`show`: the report's number format.

``notebooks/check_definitions.py`` (run by ``notebooks/run.sh``) fails when these drift
from the Rust code, and compares the tiles with a report page written from the same
results.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import polars as pl

# The report's summary tiles: (label, summary section, key, unit). src/report/tiles.rs TILES.
TILES = [
    ("Partners", "counts", "partners", "count"),
    ("Won revenue", "revenue", "total_won_revenue", "money_tile"),
    ("Partner revenue share", "revenue", "partner_revenue_share", "share"),
    ("Co-sell rate", "revenue", "cosell_rate", "share"),
    ("Co-sell lift", "revenue", "cosell_lift", "ratio"),
    ("Win rate, partner-led", "partner_lift", "win_rate_partner", "share"),
    ("Win rate, direct", "partner_lift", "win_rate_direct", "share"),
    ("Win rate, partner-led vs direct", "partner_lift", "win_rate_ratio", "ratio"),
    ("Deal size, partner-led vs direct", "partner_lift", "mean_won_amount_ratio", "ratio"),
    ("Time to close, partner-led vs direct", "partner_lift", "days_to_close_ratio", "ratio"),
]

# Alert thresholds: not copied here but read from the summary's `alerts.rules` (written
# by `analyze` from src/export/alerts.rs) of the results last opened with open_results. A
# notebook reads them as et.DOMINANT_SHARE ...: (rule id, threshold name) of each.
THRESHOLDS = {
    "DOMINANT_SHARE": ("dominant_partner", "dominant_share"),
    "CRITICAL_REACH_LOSS": ("critical_partners", "critical_reach_loss"),
    "NEAR_DUPLICATE_JACCARD": ("near_duplicates", "near_duplicate_jaccard"),
    "NEAR_DUPLICATE_MIN_SHARED": ("near_duplicates", "near_duplicate_min_shared"),
    "COLLAPSE_REMOVED": ("fragile_network", "collapse_removed"),
    "COLLAPSE_LEFT": ("fragile_network", "collapse_left"),
    "HHI_HIGH": ("revenue_concentration", "hhi_high"),
}
_rules: dict | None = None  # alerts.rules of the results last opened


def threshold(rule: str, name: str) -> float:
    """Threshold `name` of alert `rule`, from the summary of the results last opened."""
    if _rules is None:
        raise RuntimeError("open a results folder first (open_results): the thresholds are in its summary")
    try:
        return float(_rules[rule]["thresholds"][name])
    except KeyError:
        raise KeyError(f"the summary's alerts.rules has no {rule}.thresholds.{name}") from None


def __getattr__(attr: str) -> float:
    """et.DOMINANT_SHARE and the other thresholds of THRESHOLDS (PEP 562)."""
    if attr in THRESHOLDS:
        return threshold(*THRESHOLDS[attr])
    raise AttributeError(f"module 'ecotables' has no attribute {attr!r}")


# The network map: the partners of highest PageRank and the strongest ties among them.
MAP_NODES = 300
MAP_EDGES = 2000

# HHI bands (docs/OUTPUTS.md, diversification): below 0.15, 0.15 to 0.25, above 0.25,
# read on the normalized HHI for the diversification dimensions.
BAND_COLOURS = {"unconcentrated": "#4c9a2a", "moderate": "#e0a100", "high": "#c0392b"}


def normalized_hhi(hhi: float | None, entities: int | None) -> float | None:
    """The HHI rescaled to 0..1 for ``entities`` categories, (hhi - 1/n) / (1 - 1/n):
    0 when they are equal, 1 when one takes all; None below two entities. Four regions
    can never have an HHI below 0.25, so the raw HHI would call any imbalance "high"
    (src/export/alerts.rs ``normalized_hhi``)."""
    if hhi is None or entities is None or entities < 2 or (isinstance(hhi, float) and math.isnan(hhi)):
        return None
    floor = 1.0 / entities
    return min(1.0, max(0.0, (hhi - floor) / (1.0 - floor)))


def band(hhi: float | None) -> str | None:
    """The band of an HHI value: ``unconcentrated`` below 0.15, ``moderate`` to the
    alert's ``hhi_high`` (0.25), ``high`` above. The report reads a diversification
    dimension's band on its :func:`normalized_hhi`."""
    if hhi is None or (isinstance(hhi, float) and math.isnan(hhi)):
        return None
    if hhi < 0.15:
        return "unconcentrated"
    if hhi <= threshold("revenue_concentration", "hhi_high"):
        return "moderate"
    return "high"


def _thousands(v: float) -> str:
    s = f"{abs(round(v)):,}"
    return "-" + s if v < 0 else s


def _fixed(v: float, decimals: int, whole: float | None = None) -> str:
    """``v`` with ``decimals`` decimals, unless that rounds a non-zero ``v`` to zero or
    a ``v`` short of ``whole`` to ``whole``: then enough digits for the difference to
    show (src/report/mod.rs ``fixed``)."""
    scale = 10.0**decimals
    rounded = round(v * scale) / scale
    if v != 0 and rounded == 0:
        return _significant(v, 2)
    if whole is not None and v != whole and rounded == whole:
        gap = abs(whole - v)
        d = min(max(-math.floor(math.log10(gap)), decimals), 12)
        return f"{v:.{d}f}"
    return f"{v:.{decimals}f}"


def _significant(v: float, n: int) -> str:
    d = min(max(n - 1 - math.floor(math.log10(abs(v))), 0), 15)
    return f"{v:.{d}f}"


def _abbreviated(v: float) -> str:
    """K, M, B, T with one decimal (37.6M); src/report/mod.rs ``abbreviated``."""
    a = abs(v)
    if a < 999.5:
        return f"{v:.0f}"
    units = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")]
    k = next((i for i, (div, _) in enumerate(units) if round(a / div * 10.0) >= 10.0), len(units) - 1)
    div, suffix = units[k]
    return f"{v / div:.1f}{suffix}"


def show(value: float | None, unit: str) -> str:
    """A number as the report prints it (src/report/mod.rs ``show``), without the
    currency the page may add to a tile."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    v = float(value)
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    if unit in ("count", "money"):
        if v != 0 and abs(v) < 0.5:
            return _significant(v, 2)
        return _thousands(v)
    if unit == "money_tile":
        return _abbreviated(v) if abs(v) >= 1e7 else show(v, "money")
    if unit == "share":
        return f"{_fixed(v * 100, 1, 100.0)} %"
    if unit == "ratio":
        return f"{_fixed(v, 2)}x"
    if unit == "days":
        return _fixed(v, 1)
    if unit == "pct":
        return _fixed(v, 0, 100.0)
    if v == 0:
        return "0"
    if abs(v) < 1e-4:
        mantissa, exponent = f"{v:.3e}".split("e")
        return f"{mantissa}e{int(exponent)}"  # Rust's form: 1.700e-7
    digits = min(max(3 - math.floor(math.log10(abs(v))), 0), 12)
    return f"{v:.{digits}f}"


@dataclass
class Results:
    """An ``ecograph analyze`` output folder, read back whatever its format."""

    path: Path
    format: str
    summary: dict

    def has(self, name: str) -> bool:
        return self._file(name).exists()

    def table(self, name: str) -> pl.DataFrame:
        """One output table as a polars DataFrame (the same columns in every format)."""
        f = self._file(name)
        if not f.exists():
            raise FileNotFoundError(
                f"{f}: this results folder has no {name} table "
                "(was it written by an older ecograph, or with --metrics leaving it out?)"
            )
        if self.format == "parquet":
            return pl.read_parquet(f)
        if self.format == "arrow":
            return pl.read_ipc(f, memory_map=False)
        return pl.read_csv(f, try_parse_dates=True, infer_schema_length=None)

    def tile(self, section: str, key: str) -> float | None:
        return self.summary.get(section, {}).get(key)

    def tiles(self) -> pl.DataFrame:
        """The report's summary tiles, with the report's formatting."""
        rows = []
        for label, section, key, unit in TILES:
            v = self.tile(section, key)
            # the 95 % interval the page prints under a partner-lift tile (absent in older results)
            ci = self.summary.get(section, {}).get("intervals", {}).get(key)
            rows.append(
                {"tile": label, "value": show(v, unit),
                 "95 % interval": f"{show(ci[0], unit)} – {show(ci[1], unit)}" if ci else "",
                 "summary key": f"{section}.{key}"}
            )
        return pl.DataFrame(rows)

    def _file(self, name: str) -> Path:
        return self.path / f"{name}.{self.format}"


def open_results(path: str | Path) -> Results:
    """Opens an analyze output folder; a clear error when it is not one."""
    p = Path(path)
    summary = p / "ecosystem_summary.json"
    if not summary.is_file():
        raise FileNotFoundError(
            f"{p}: not an ecograph results folder (no ecosystem_summary.json). "
            "Write one with `ecograph analyze INPUT --out FOLDER`, "
            "then set `results` to FOLDER."
        )
    doc = json.loads(summary.read_text())
    fmt = doc.get("parameters", {}).get("format", "parquet")
    if "alerts" not in doc:
        raise ValueError(
            f"{p}: its summary has no alerts section (written by ecograph "
            f"{doc.get('ecograph_version', '?')}); analyze the input again with this version"
        )
    global _rules
    _rules = doc["alerts"]["rules"]
    return Results(path=p, format=fmt, summary=doc)


def label() -> pl.Expr:
    """The partner's name, or its id when the name is missing (the report's label)."""
    return pl.coalesce(pl.col("name"), pl.col("partner_id")).alias("partner")


# The report's alerts (src/export/alerts.rs, evaluated by src/alerts.rs), one function per finding, so that a
# notebook shows the same partners the report names.


def hidden_brokers(pm: pl.DataFrame) -> pl.DataFrame:
    """Partners among the ``top_share`` most central by PageRank (5 %: ceil(n / 20) of
    them) whose attributed revenue ranks in the bottom ``revenue_below`` (half); none
    with fewer than ``min_partners`` (20) partners. Thresholds from the summary."""
    n = pm.height
    if n < threshold("hidden_brokers", "min_partners"):
        return pm.head(0)
    divisor = round(1 / threshold("hidden_brokers", "top_share"))
    below = int(n * threshold("hidden_brokers", "revenue_below"))
    by_pr = pm.sort(["pagerank", "partner_id"], descending=[True, False]).head(-(-n // divisor))
    ranked = pm.sort(["attributed_revenue", "partner_id"], descending=[True, False]).with_row_index("revenue_rank")
    bottom = ranked.filter(pl.col("revenue_rank") >= below)["partner_id"]
    return by_pr.filter(pl.col("partner_id").is_in(bottom.implode()))


def critical_partners(pm: pl.DataFrame) -> pl.DataFrame:
    """Partners whose departure disconnects more than 5 % of connected partner pairs."""
    return pm.filter(pl.col("reach_loss") > threshold("critical_partners", "critical_reach_loss")).sort(
        ["reach_loss", "partner_id"], descending=[True, False]
    )


def near_duplicates(pairs: pl.DataFrame) -> pl.DataFrame:
    """Customer pairs (of those overlap_pairs keeps) with jaccard >= 0.9 and at least
    ``near_duplicate_min_shared`` (5 by default) shared customers: two partners with one
    customer each, the same one, are no duplicates."""
    j = threshold("near_duplicates", "near_duplicate_jaccard")
    m = threshold("near_duplicates", "near_duplicate_min_shared")
    return pairs.filter((pl.col("dimension") == "customer") & (pl.col("jaccard") >= j) & (pl.col("shared") >= m))


def collapse(resilience: pl.DataFrame) -> tuple[float, float] | None:
    """(largest island at the start, after removing the 5 % best-connected) on the
    targeted curve, or None when the curve lacks those points."""
    t = resilience.filter(pl.col("strategy") == "targeted")
    s0 = t.filter(pl.col("removed_fraction") == 0)["lcc_fraction"]
    removed = threshold("fragile_network", "collapse_removed")
    s1 = t.filter((pl.col("removed_fraction") - removed).abs() < 1e-9)["lcc_fraction"]
    return (s0[0], s1[0]) if len(s0) and len(s1) else None


def alerts(r: Results) -> list[str]:
    """The codes of the alerts the report raises for these results, in its order,
    recomputed from the tables (the summary's ``alerts.raised`` records the same)."""
    pm = r.table("partner_metrics")
    out = []
    div = r.table("diversification")
    if any(band(normalized_hhi(h, n)) == "high" for h, n in zip(div["hhi"].to_list(), div["entities"].to_list())):
        out.append("revenue_concentration")
    rev = pm["attributed_revenue"].fill_null(0)
    if rev.sum() > 0 and rev.max() / rev.sum() > threshold("dominant_partner", "dominant_share"):
        out.append("dominant_partner")
    if critical_partners(pm).height:
        out.append("critical_partners")
    if near_duplicates(r.table("overlap_pairs")).height:
        out.append("near_duplicates")
    if r.summary["overlap"]["channel_conflicts"] > 0:
        out.append("channel_conflicts")
    c = collapse(r.table("resilience"))
    if c and c[0] > 0 and c[1] < threshold("fragile_network", "collapse_left") * c[0]:
        out.append("fragile_network")
    if hidden_brokers(pm).height:
        out.append("hidden_brokers")
    return out
