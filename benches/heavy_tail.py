#!/usr/bin/env python3
"""Rewrites an ecograph input's partner_products.csv with a heavier product tail.

`ecograph generate` draws each partner's 1-10 products with a mild skew, so at 100k
partners no product is carried by more than a few thousand partners. Real catalogues
have a head: a handful of products that a third of the partners carry. This script
keeps every partner and its number of products (plus `--extra` more on average) and
redraws which products with a Zipf law of exponent `--s` over the products in
products.csv, seeded. Standard library only.

    python3 benches/heavy_tail.py DIR --s 1.0 --extra 1 --seed 42
"""
import argparse
import bisect
import csv
import itertools
import random
from collections import OrderedDict
from pathlib import Path


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--s", type=float, default=1.0, help="Zipf exponent of popularity")
    ap.add_argument("--extra", type=float, default=1.0, help="mean extra products per partner")
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    with open(a.dir / "products.csv", newline="") as f:
        products = [r[0] for r in itertools.islice(csv.reader(f), 1, None)]
    order = products[:]
    rng.shuffle(order)  # popularity rank -> product, not id order
    cum = list(itertools.accumulate(1.0 / (i + 1) ** a.s for i in range(len(order))))
    path = a.dir / "partner_products.csv"
    with open(path, newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        carried = OrderedDict()
        for p, _, rel in rows:
            carried.setdefault(p, []).append(rel)
    out = [header]
    for p, rels in carried.items():
        n = len(rels) + int(rng.expovariate(1.0 / a.extra)) if a.extra > 0 else len(rels)
        n = min(n, len(order))
        mine = set()
        while len(mine) < n:
            mine.add(order[bisect.bisect_left(cum, rng.random() * cum[-1])])
        for i, x in enumerate(sorted(mine)):
            out.append([p, x, rels[i % len(rels)]])
    with open(path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(out)
    print(f"{len(out) - 1} partner_products rows for {len(carried)} partners")


if __name__ == "__main__":
    main()
