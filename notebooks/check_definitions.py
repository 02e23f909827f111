"""Checks that the notebooks' definitions (ecotables.py) are the report's.

    python check_definitions.py RESULTS...

Each RESULTS folder must hold a report.html written from it (`analyze --report`). Fails
(exit 1), saying what differs, when:
- a tile (label, summary key, unit) or an alert threshold in ecotables.py differs from
  src/report/model.rs;
- a tile's value in the page's data island differs from the summary, or its text, as
  ecotables.show formats it, is not on the page;
- a diversification band in the page differs from ecotables.band;
- the alerts ecotables.alerts finds differ from the page's.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import ecotables as et

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "src" / "report" / "model.rs"


def rust_definitions() -> tuple[list[tuple[str, str, str, str]], dict[str, float]]:
    src = MODEL.read_text()
    block = src[src.index("const TILES") : src.index("];", src.index("const TILES"))]
    tiles = re.findall(r'\(\s*"([^"]+)",\s*"([^"]+)",\s*"([^"]+)",\s*"([^"]+)",', block)
    consts = {
        k: float(v) for k, v in re.findall(r"pub const ([A-Z_]+): (?:f64|usize) = ([0-9.]+);", src)
    }
    return tiles, consts


def main() -> int:
    problems = []
    tiles, consts = rust_definitions()
    if [tuple(t) for t in tiles] != [tuple(t) for t in et.TILES]:
        problems.append(f"tiles differ:\n  model.rs:     {tiles}\n  ecotables.py: {et.TILES}")
    for name in ("DOMINANT_SHARE", "CRITICAL_REACH_LOSS", "NEAR_DUPLICATE_JACCARD",
                 "COLLAPSE_REMOVED", "COLLAPSE_LEFT", "MAP_NODES", "MAP_EDGES"):
        if consts.get(name) != float(getattr(et, name)):
            problems.append(f"{name}: model.rs {consts.get(name)}, ecotables.py {getattr(et, name)}")

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
            if row["band"] != et.band(row["hhi"]):
                problems.append(f"{folder}: {row['dimension']}: page band {row['band']}, ecotables {et.band(row['hhi'])}")
        page_alerts = [a["code"] for a in data["alerts"]]
        if page_alerts != et.alerts(r):
            problems.append(f"{folder}: alerts: page {page_alerts}, ecotables {et.alerts(r)}")
        print(f"{folder}: {len(data['tiles'])} tiles, {len(data['diversification'])} bands, "
              f"alerts {page_alerts or 'none'}: as the report")
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
