"""The review page's network map in headless Chromium (Playwright), as a person uses it.

For each report page given: the page opens from file:// with every other request
refused and counted (nothing may be loaded from the network), the map renders within
2 s of navigation, a partner's name typed in the map's search and picked (by keyboard on
the first page, by mouse on the others) selects it, its ties are highlighted (as many as
the data island has for it), its card shows its attributed revenue formatted as the
page formats money (from the island's raw value, here in Python), labels never overlap
at several zooms, and no console error or page error occurs. Screenshots of the network
section at 1,280 and 1,920 px wide, before and after the selection, go to the
screenshot folder.

    python tests/report/map_test.py PAGE.html [PAGE.html ...] --shots DIR

Run by tests/report/check.sh in a venv from tests/report/requirements.txt; the browser
is Debian's /usr/bin/chromium (no browser download).
"""

import argparse
import json
import math
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OPEN_WITHIN_MS = 2000
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def money(v):
    """report::show(v, "money"): rounded half away from zero, thousands separators."""
    n = int(math.floor(abs(v) + 0.5))
    return ("-" if v < 0 and n else "") + f"{n:,}"


def overlaps(boxes):
    bad = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a["x1"] < b["x2"] and b["x1"] < a["x2"] and a["y1"] < b["y2"] and b["y1"] < a["y2"]:
                bad.append((a["id"], b["id"]))
    return bad


def pick_partner(net):
    """The partner with the most ties drawn whose name is unique on the map."""
    names = [n["name"] for n in net["nodes"]]
    degree = [0] * len(names)
    for a, b, _ in net["edges"]:
        degree[a] += 1
        degree[b] += 1
    best = max(
        (k for k in range(len(names)) if names.count(names[k]) == 1),
        key=lambda k: (degree[k], -k),
    )
    return best, degree[best]


def labels_apart(page, name, where):
    boxes = page.evaluate("window.ecographMap.labels()")
    bad = overlaps(boxes)
    check(len(boxes) > 0 and not bad, f"{name}: {len(boxes)} labels {where}, none overlapping {bad[:3]}")
    return boxes


def run(browser, path, shots, keyboard):
    name = path.parent.name or path.stem
    url = path.resolve().as_uri()
    errors, requests = [], []
    for width in (1280, 1920):
        page = browser.new_page(viewport={"width": width, "height": 1000})
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))

        def route(r):
            if r.request.url == url:
                r.continue_()
            else:
                requests.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.goto(url)
        page.wait_for_selector("#map[data-ready]", state="attached", timeout=10000)
        ready = page.get_attribute("#map", "data-ready")
        check(ready == "map", f"{name} @{width}: the map rendered ({ready})")
        if ready != "map":
            page.close()
            continue
        took = page.evaluate("window.ecographMap.readyAt")
        check(took < OPEN_WITHIN_MS, f"{name} @{width}: map rendered {took:.0f} ms after navigation (< {OPEN_WITHIN_MS})")
        net = page.evaluate("JSON.parse(document.getElementById('ecograph-data').textContent).network")
        drawn = page.evaluate("window.ecographMap.renderer.getGraph().order")
        check(drawn == len(net["nodes"]), f"{name}: {drawn} partners drawn, as the island lists")
        section = page.locator("#network")
        section.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        labels_apart(page, name, f"@{width} at first")
        section.screenshot(path=str(shots / f"map-{name}-{width}.png"))

        # Search, pick, and what the page shows for the partner.
        k, degree = pick_partner(net)
        node = net["nodes"][k]

        # Hover first: the card follows the pointer without selecting. The partner
        # hovered is the most central one whose centre no other circle covers.
        h, x, y = page.evaluate(
            """() => { const r = window.ecographMap.renderer, g = r.getGraph();
                const s = document.getElementById('map-stage').getBoundingClientRect();
                const at = g.nodes().map(n => { const d = r.getNodeDisplayData(n);
                    const p = r.framedGraphToViewport(d);
                    return [n, p.x, p.y, r.scaleSize(d.size)]; });
                for (const [n, x, y] of at) {
                    if (x < 20 || y < 20 || x > s.width - 300 || y > s.height - 20) continue;
                    if (at.every(([m, u, v, q]) => m === n || Math.hypot(u - x, v - y) > q + 2))
                        return [+n, s.left + x, s.top + y];
                }
                return [-1, 0, 0]; }"""
        )
        page.mouse.move(x, y)
        page.wait_for_timeout(200)
        hover = page.locator("#map-card h3")
        check(
            h >= 0 and hover.is_visible() and hover.inner_text() == net["nodes"][h]["name"]
            and page.get_attribute("#map", "data-selected") is None,
            f"{name}: hovering {net['nodes'][h]['partner_id'] if h >= 0 else '?'} shows its card, selects nothing",
        )
        page.mouse.move(5, 5)
        box = page.locator("#map-search")
        box.click()
        box.press_sequentially(node["name"], delay=5)
        page.wait_for_selector("#map-matches:not([hidden]) li", timeout=3000)
        first = page.locator("#map-matches li").first.inner_text()
        check(node["name"] in first, f"{name}: the first match is {first!r}")
        if keyboard:
            box.press("Enter")
        else:
            page.locator("#map-matches li").first.click()
        page.wait_for_selector(f"#map[data-selected='{node['partner_id']}']", timeout=3000)
        page.wait_for_timeout(700)  # the camera's move
        highlighted = int(page.get_attribute("#map", "data-highlighted-edges"))
        check(
            highlighted == degree and degree > 0,
            f"{name}: {node['partner_id']} selected, {highlighted} ties highlighted = its {degree} ties in the island",
        )
        check(
            page.evaluate("window.ecographMap.highlightedEdges()") == degree,
            f"{name}: the renderer draws exactly those ties highlighted",
        )
        card = page.locator("#map-card")
        check(card.is_visible() and card.locator("h3").inner_text() == node["name"], f"{name}: the card names {node['name']!r}")
        shown = card.locator("dd[data-figure='Attributed revenue']").inner_text()
        want = money(node["attributed_revenue"])
        check(shown == want, f"{name}: the card shows attributed revenue {shown} = {want} (island {node['attributed_revenue']})")
        boxes = labels_apart(page, name, f"@{width} with {node['partner_id']} selected")
        check(node["partner_id"] in {b["id"] for b in boxes}, f"{name}: the selected partner is named")
        section.screenshot(path=str(shots / f"map-{name}-{width}-selected.png"))

        # Labels at other zooms, with the partner selected, then after a reset.
        def zooms(ratios, what):
            for ratio in ratios:
                page.evaluate(f"window.ecographMap.renderer.getCamera().setState({{x: 0.5, y: 0.5, ratio: {ratio}}})")
                page.evaluate("window.ecographMap.renderer.refresh()")
                labels_apart(page, name, f"@{width} zoom {ratio} {what}")

        zooms((1.0, 0.3), "selected")
        page.click("#map-reset")
        page.wait_for_timeout(400)
        check(page.get_attribute("#map", "data-selected") is None, f"{name}: reset clears the selection")
        zooms((2.0, 1.0, 0.5, 0.2, 0.08), "after reset")
        page.close()
        keyboard = not keyboard
    check(not errors, f"{name}: no console or page error {errors[:3]}")
    check(not requests, f"{name}: nothing requested from the network {requests[:3]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pages", nargs="+", type=Path)
    ap.add_argument("--shots", type=Path, required=True)
    a = ap.parse_args()
    a.shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for i, page in enumerate(a.pages):
            run(browser, page, a.shots, keyboard=i % 2 == 0)
        browser.close()
    print(f"map: {len(failures)} failed checks")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
