"""Checks that the notebooks' definitions (ecotables.py) are the report's.

    python check_definitions.py RESULTS...

Each RESULTS folder must hold a report.html written from it (`analyze --report`). Fails
(exit 1), saying what differs, when:
- a tile (label, summary key, unit) in ecotables.py differs from src/report/tiles.rs,
  or a map bound from the constants of src/report/maps.rs;
- the alert rules the summary records (`alerts.rules`, which ecotables reads its
  thresholds from) differ from those declared in src/export/alerts.rs;
- a tile's value in the page's data island differs from the summary, or its text, as
  ecotables.show formats it, is not on the page;
- a diversification band in the page differs from ecotables.band;
- the alerts ecotables.alerts finds, or those the summary records (`alerts.raised`),
  differ from the page's.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import ecotables as et

ROOT = Path(__file__).resolve().parent.parent
MAPS = ROOT / "src" / "report" / "maps.rs"
TILES_RS = ROOT / "src" / "report" / "tiles.rs"
ALERTS = ROOT / "src" / "export" / "alerts.rs"


def rust_definitions() -> tuple[list[tuple[str, str, str, str]], dict[str, float]]:
    src = TILES_RS.read_text()
    block = src[src.index("const TILES") : src.index("];", src.index("const TILES"))]
    tiles = [
        (label, *key.split(".", 1), unit)
        for label, key, unit in re.findall(
            r'label: "([^"]+)",\s*key: "([^"]+)",\s*value: [^\n]*\n\s*unit: "([^"]+)"', block
        )
    ]
    consts = {
        k: float(v)
        for k, v in re.findall(r"pub const ([A-Z_]+): (?:f64|usize) = ([0-9.]+);", MAPS.read_text())
    }
    return tiles, consts


def rust_alert_ids() -> list[str]:
    """The alert ids src/export/alerts.rs declares, in order."""
    src = ALERTS.read_text()
    block = src[src.index("pub const RULES") :]
    return re.findall(r'id: "([a-z_]+)"', block)


def main() -> int:
    problems = []
    tiles, consts = rust_definitions()
    if [tuple(t) for t in tiles] != [tuple(t) for t in et.TILES]:
        problems.append(f"tiles differ:\n  model.rs:     {tiles}\n  ecotables.py: {et.TILES}")
    for name in ("MAP_NODES", "MAP_EDGES"):
        if consts.get(name) != float(getattr(et, name)):
            problems.append(f"{name}: maps.rs {consts.get(name)}, ecotables.py {getattr(et, name)}")
    ids = rust_alert_ids()

    for folder in sys.argv[1:]:
        r = et.open_results(folder)
        page = (Path(folder) / "report.html").read_text()
        island = re.search(r'<script type="application/json" id="ecograph-data">(.*?)</script>', page, re.S)
        if not island:
            problems.append(f"{folder}/report.html: no data island")
            continue
        data = json.loads(island.group(1))
        for tile, (label, section, key, unit) in zip(data["tiles"], et.TILES):
            want = r.tile(section, key)
            if tile["label"] != label or tile["unit"] != unit or tile["value"] != want:
                problems.append(f"{folder}: tile {label}: page {tile}, summary {section}.{key} = {want}")
            if f">{et.show(want, unit)}<" not in page:
                problems.append(f"{folder}: tile {label}: {et.show(want, unit)!r} is not on the page")
        for row in data["diversification"]:
            mine = et.normalized_hhi(row["hhi"], row["entities"])
            if (mine is None) != (row["hhi_normalized"] is None) or (mine is not None and abs(mine - row["hhi_normalized"]) > 1e-12):
                problems.append(f"{folder}: {row['dimension']}: page normalized HHI {row['hhi_normalized']}, ecotables {mine}")
            if row["band"] != et.band(mine):
                problems.append(f"{folder}: {row['dimension']}: page band {row['band']}, ecotables {et.band(mine)}")
        rules = r.summary["alerts"]["rules"]
        if sorted(rules) != sorted(ids):
            problems.append(f"{folder}: alert rules: summary {sorted(rules)}, src/export/alerts.rs {ids}")
        for name, (rule, key) in et.THRESHOLDS.items():
            if key not in rules.get(rule, {}).get("thresholds", {}):
                problems.append(f"{folder}: ecotables.{name}: the summary has no {rule}.thresholds.{key}")
        page_alerts = [a["code"] for a in data["alerts"]]
        if page_alerts != et.alerts(r):
            problems.append(f"{folder}: alerts: page {page_alerts}, ecotables {et.alerts(r)}")
        raised = [(a["id"], a["title"], a["partners"]) for a in r.summary["alerts"]["raised"]]
        shown = [(a["code"], a["title"], a["partners"]) for a in data["alerts"]]
        if raised != shown:
            problems.append(f"{folder}: alerts: summary {raised}, page {shown}")
        print(f"{folder}: {len(data['tiles'])} tiles, {len(data['diversification'])} bands, "
              f"alerts {page_alerts or 'none'}: as the report")
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
