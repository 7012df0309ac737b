"""The browser tests' axe-core check: axe_playwright_python's `Axe().run` (the baseline) against
tests/e2e/axe.py's `run_axe`, on one page checked at two sizes as Journey.check and both_sizes do.

Chromium (Debian's /usr/bin/chromium, as the tests) shows a page of the kind the portal serves (a
header of links, cards, a form, a table; --cards sets its size), then each way checks it at 1280×800
and at 390×844, --rounds times, alternating which goes first. Both must find the same violations (the
page has two on purpose). Prints seconds per two-size check, median and p95, and writes
benchmarks/results/axe_check-<date>.json. No server is needed.

    .venv/bin/python benchmarks/axe_check.py [--quick] [--rounds N] [--cards N]
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks.harness import RESULTS_DIR, load_average, percentile, say  # noqa: E402
from tests.e2e.axe import run_axe  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402

SIZES = ({"width": 1280, "height": 800}, {"width": 390, "height": 844})


def page_html(cards: int) -> str:
    links = "".join(f'<li><a href="/rubrique-{n}/">Rubrique {n}</a></li>' for n in range(12))
    items = "".join(
        f'<article class="card"><h2><a href="/fiche-{n}/">Fiche {n}</a></h2><p>Une entreprise du parc, '
        f"ses besoins et ses offres, mise à jour le {n % 28 + 1} décembre.</p>"
        f'<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Logo {n}"></article>'
        for n in range(cards)
    )
    fields = "".join(f'<p><label for="f{n}">Champ {n}</label><input id="f{n}" name="f{n}"></p>' for n in range(15))
    rows = "".join(f"<tr><td>Ligne {n}</td><td>{n * 3}</td></tr>" for n in range(40))
    return f"""<!doctype html><html lang="fr"><head><title>Parc</title><style>
        body {{ font: 16px sans-serif; margin: 0 }} header, main, footer {{ padding: 1rem }}
        .cards {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 1rem }}
        .card {{ border: 1px solid #999; padding: 1rem }} .faint {{ color: #aaa; background: #fff }}
        </style></head><body>
        <header><nav aria-label="Menu principal"><ul>{links}</ul></nav></header>
        <main><h1>Bourse d'échanges</h1><p class="faint">Texte trop pâle.</p><button></button>
        <section class="cards">{items}</section><form>{fields}<button>Envoyer</button></form>
        <table><caption>Chiffres</caption><tr><th>Nom</th><th>Valeur</th></tr>{rows}</table></main>
        <footer><p>Pied de page</p></footer></body></html>"""


def package_run(page):
    return Axe().run(page)


def check_at_both_sizes(page, run):
    """`run(page)` (Axe().run or run_axe) at each size, as Journey.check does: axe's raw responses."""
    responses = []
    for size in SIZES:
        page.set_viewport_size(size)
        responses.append(run(page).response)
    return responses


def violations(responses):
    return [sorted(violation["id"] for violation in response["violations"]) for response in responses]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 rounds instead of 20")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--cards", type=int, default=60, help="cards on the page (default 60)")
    args = parser.parse_args()
    rounds = args.rounds or (5 if args.quick else 20)
    html = page_html(args.cards)
    times = {"baseline: Axe().run": [], "run_axe": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page()
        for round_ in range(rounds + 1):  # the first round warms Chromium up and is not counted
            ways = [("baseline: Axe().run", package_run), ("run_axe", run_axe)]
            found = []
            for name, run in ways if round_ % 2 else ways[::-1]:
                page.set_content(html)  # a fresh document, as after a navigation
                page.evaluate("() => { delete window.axe; delete window.__testsAxe; }")
                start = time.perf_counter()
                found.append(violations(check_at_both_sizes(page, run)))
                if round_:
                    times[name].append(time.perf_counter() - start)
            assert found[0] == found[1] and found[0][0] == ["button-name", "color-contrast"], found
        browser.close()
    rows = {
        name: {"median_s": statistics.median(values), "p95_s": percentile(values, 0.95), "runs": len(values)}
        for name, values in times.items()
    }
    say(f"one page checked at two sizes, {rounds} rounds, {args.cards} cards; load {load_average()}")
    for name, row in rows.items():
        say(f"  {name:22} median {row['median_s']:.3f} s   p95 {row['p95_s']:.3f} s")
    base, ours = rows["baseline: Axe().run"]["median_s"], rows["run_axe"]["median_s"]
    say(f"  run_axe / baseline: {ours / base:.2f}")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    output = RESULTS_DIR / f"axe_check-{stamp}{'-quick' if args.quick else ''}.json"
    output.write_text(
        json.dumps({"rounds": rounds, "cards": args.cards, "load": load_average(), "results": rows}, indent=2)
    )
    say(f"results: {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
