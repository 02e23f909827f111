"""Checks executed notebooks: no error output, at least one figure each.

    python check_outputs.py NOTEBOOK.ipynb... [--figures DIR]

Fails (exit 1) naming the notebook when a cell holds an error output or when the
notebook produced no image. With --figures, writes every figure as
DIR/NOTEBOOK-CELL-K.png, so that a person can look at them (notebooks/run.sh does).
"""

from __future__ import annotations

import argparse
import base64
import sys
from pathlib import Path

import nbformat


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="+", type=Path)
    ap.add_argument("--figures", type=Path, help="write every figure here as PNG")
    args = ap.parse_args()
    failed = False
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        errors, figures = [], 0
        for n, cell in enumerate(nb.cells):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    errors.append(f"cell {n}: {out.get('ename')}: {out.get('evalue')}")
                png = out.get("data", {}).get("image/png")
                if png:
                    figures += 1
                    if args.figures:
                        args.figures.mkdir(parents=True, exist_ok=True)
                        name = f"{path.stem}-cell{n:02d}-{figures}.png"
                        (args.figures / name).write_bytes(base64.b64decode(png))
        if errors:
            failed = True
            print(f"{path}: error output in " + "; ".join(errors), file=sys.stderr)
        if figures == 0:
            failed = True
            print(f"{path}: produced no figure", file=sys.stderr)
        print(f"{path.name}: {len(nb.cells)} cells, {figures} figures, {len(errors)} errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
