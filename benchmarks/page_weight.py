"""Page weight benchmark: what a browser transfers for each public page type before images (HTML, CSS,
JS, fonts), against the issue's budget of 100 KB (#17).

Run it with `./run bench page_weight` (which starts PostgreSQL, Redis and Elasticsearch and sets
DATABASE_URL); see benchmarks/README.md.

What it does, in one run:
  1. migrate and `load_demo` into the database of DATABASE_URL (benchmarks.settings; safe to repeat);
  2. for each page type (home, axis, club page, agenda, event, directory list and map, best practices,
     Bourse list, news index and a news item) fetches the page in this process (test client, French,
     anonymous; signed in as a demo member only where the page asks for it), then every stylesheet,
     script, module preload and font it references, as a browser would: <link rel=stylesheet|
     modulepreload|preload>, <script src>, the static `import … from "…"` of each ES module (the
     whole module graph) and the url(…) of each stylesheet (fonts; images are left out); a file
     that is no static file (the site's colours, /theme.css) is asked of the portal itself;
  3. counts each file once per page, as transferred in production (docker/nginx.conf): the HTML
     gzipped by nginx (`gzip on`, its default level 1), CSS and JS as whitenoise's .gz copies (level
     9, `gzip_static on`; /theme.css gzipped on the fly like the HTML), fonts as they are;
  4. prints, per page type, the bare HTML (the baseline of the same run: what the page's own markup
     costs), the HTML plus its CSS, JS and fonts, both gzipped and raw, against the budget, and
     writes everything to benchmarks/results/page_weight-<date>.json.
"""

# ruff: noqa: S603, S607
from __future__ import annotations

import argparse
import datetime
import gzip
import json
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "benchmarks" / "results"
BUDGET = 100 * 1024  # bytes transferred before images (#17)
HTML_GZIP_LEVEL = 1  # nginx's default gzip_comp_level
STATIC_GZIP_LEVEL = 9  # whitenoise's compressed copies
FONT_SUFFIXES = (".woff2", ".woff", ".ttf", ".otf")
sys.path.insert(0, str(ROOT))

IMPORT_RE = re.compile(
    r"""(?:^|[;\s])(?:import|export)\s[^'"]*?\sfrom\s*['"]([^'"]+)['"]|(?:^|[;\s])import\s*['"]([^'"]+)['"]""", re.M
)
CSS_URL_RE = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
CSS_IMPORT_RE = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'")\s;]+)""")


def say(text: str = "") -> None:
    print(f"[bench] {text}" if text else "", flush=True)


class References(HTMLParser):
    """The stylesheets, scripts, module preloads and fonts a page's HTML makes the browser fetch."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str]] = []  # (kind, address)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and attributes.get("href"):
            rel = (attributes.get("rel") or "").lower().split()
            if "stylesheet" in rel:
                self.found.append(("css", attributes["href"]))
            elif "modulepreload" in rel:
                self.found.append(("js", attributes["href"]))
            elif "preload" in rel and attributes.get("as") in ("font", "script", "style"):
                kind = {"font": "font", "script": "js", "style": "css"}[attributes["as"]]
                self.found.append((kind, attributes["href"]))
        elif tag == "script" and attributes.get("src"):
            self.found.append(("js", attributes["src"]))


def gzipped(content: bytes, level: int) -> int:
    return len(gzip.compress(content, compresslevel=level, mtime=0))


def static_content(address: str) -> bytes | None:
    """A static file's bytes, found as the server would (the finders: the same files collectstatic copies)."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    path = urlsplit(address).path
    if not path.startswith(settings.STATIC_URL):
        return None
    found = finders.find(path[len(settings.STATIC_URL) :])
    return Path(found).read_bytes() if found else None


def page_weight(client, url: str) -> dict:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr", follow=False)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    html = response.content
    parser = References()
    parser.feed(html.decode())
    queue = [(kind, urljoin(url, address)) for kind, address in parser.found]
    files: dict[str, dict] = {}
    missing = []
    while queue:
        kind, address = queue.pop(0)
        if address in files or urlsplit(address).netloc not in ("", "testserver"):
            continue
        content, level = static_content(address), STATIC_GZIP_LEVEL
        if content is None:  # a view of the portal (the site's colours, /theme.css): nginx gzips it on the fly
            response = client.get(address, HTTP_ACCEPT_LANGUAGE="fr")
            if response.status_code != 200:
                missing.append(address)
                continue
            content, level = response.content, HTML_GZIP_LEVEL
        is_font = urlsplit(address).path.endswith(FONT_SUFFIXES)
        files[address] = {
            "kind": "font" if is_font else kind,
            "raw": len(content),
            "transferred": len(content) if is_font else gzipped(content, level),
        }
        text = content.decode(errors="replace")
        if kind == "js" and not is_font:
            for match in IMPORT_RE.finditer(text):
                target = match.group(1) or match.group(2)
                if target.startswith((".", "/")):
                    queue.append(("js", urljoin(address, target)))
        elif kind == "css":
            for target in CSS_IMPORT_RE.findall(text):
                queue.append(("css", urljoin(address, target)))
            for target in CSS_URL_RE.findall(text):
                if urlsplit(target).path.endswith(FONT_SUFFIXES):
                    queue.append(("font", urljoin(address, target)))
    by_kind = {
        kind: sum(f["transferred"] for f in files.values() if f["kind"] == kind) for kind in ("css", "js", "font")
    }
    html_transferred = gzipped(html, HTML_GZIP_LEVEL)
    total = html_transferred + sum(by_kind.values())
    return {
        "url": url,
        "html_raw": len(html),
        "html": html_transferred,
        **by_kind,
        "total": total,
        "total_raw": len(html) + sum(f["raw"] for f in files.values()),
        "files": files,
        "missing": missing,
        "within_budget": total <= BUDGET,
    }


def page_types():
    """(name, url, needs a member) of each public page type, from the demo."""
    from django.urls import reverse

    from cms.events.models import EventIndexPage, EventPage
    from cms.models import AxisPage, ClubPage, HomePage, NewsIndexPage, NewsPage

    def first(model):
        page = model.objects.live().public().order_by("path").first()
        if page is None:
            raise SystemExit(f"the demo has no live {model.__name__}: run load_demo")
        return page.url

    return [
        ("home", first(HomePage)),
        ("axis", first(AxisPage)),
        ("club page", first(ClubPage)),
        ("agenda", first(EventIndexPage)),
        ("event", first(EventPage)),
        ("directory list", reverse("cms:directory")),
        ("directory map", reverse("cms:directory_map")),
        ("best practices", reverse("knowledge:list")),
        ("Bourse list", reverse("exchange:sheets")),
        ("news index", first(NewsIndexPage)),
        ("news item", first(NewsPage)),
    ]


def kb(value: int) -> str:
    return f"{value / 1024:6.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--settings", default="benchmarks.settings")
    parser.add_argument("--no-demo", action="store_true", help="the database already holds the demo")
    options = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = options.settings
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    if not options.no_demo:
        say("migrate and load_demo …")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo", verbosity=0)
    from portal.members.models import Person

    member = Person.objects.filter(user__is_active=True, organisation__isnull=False).order_by("pk").first()
    results = []
    with override_settings(PAGE_CACHE_SECONDS=0, ALLOWED_HOSTS=["*"], DEBUG=False):
        for name, url in page_types():
            client = Client()
            signed_in = False
            if client.get(url, HTTP_ACCEPT_LANGUAGE="fr").status_code in (302, 403):
                client.force_login(member.user)  # a members' page: measured as the member sees it
                signed_in = True
            result = {"page": name, "signed_in": signed_in, **page_weight(client, url)}
            results.append(result)

    say("")
    say(f"Transferred before images, KB (gzip as served by docker/nginx.conf), budget {BUDGET // 1024} KB")
    say(f"{'page':<16} {'bare HTML':>9} {'CSS':>6} {'JS':>6} {'fonts':>6} {'total':>6} {'raw':>6}  budget")
    for row in results:
        mark = "ok" if row["within_budget"] else "OVER"
        who = " (member)" if row["signed_in"] else ""
        say(
            f"{row['page']:<16} {kb(row['html']):>9} {kb(row['css'])} {kb(row['js'])} {kb(row['font'])} "
            f"{kb(row['total'])} {kb(row['total_raw'])}  {mark}{who}"
        )
        if row["missing"]:
            say(f"  not found: {', '.join(row['missing'])}")
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS_DIR / f"page_weight-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "benchmark": "page_weight",
                "date": stamp,
                "budget_bytes": BUDGET,
                "html_gzip_level": HTML_GZIP_LEVEL,
                "static_gzip_level": STATIC_GZIP_LEVEL,
                "static_url": settings.STATIC_URL,
                "pages": results,
            },
            indent=2,
        )
    )
    say(f"written to {out.relative_to(ROOT)}")
    if any(not row["within_budget"] for row in results):
        say("some page types are over the budget")


if __name__ == "__main__":
    main()
