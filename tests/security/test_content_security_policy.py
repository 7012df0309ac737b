"""Every HTML page carries a Content-Security-Policy that allows scripts and styles from the portal
only, and no template of the site needs more: no inline script, handler, <style> or style attribute.
(The browser tests, tests/e2e, fail on any violation Chromium reports.)"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
# E-mails are read in mail clients, which ignore the header and need inline styles; the personal
# data download is a file opened from disk.
NOT_PAGES = re.compile(r"/email/|privacy/export\.html$")
INLINE = [
    (re.compile(r"\sstyle\s*="), "a style attribute"),
    (re.compile(r"<style[\s>]"), "a <style> element"),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']"), "an inline event handler"),
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>"), "an inline script"),
]


def _templates():
    for path in sorted(ROOT.glob("**/templates/**/*.html")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "node_modules/")) or "/node_modules/" in relative:
            continue
        if not NOT_PAGES.search(relative):
            yield relative, path.read_text(encoding="utf-8")


def test_no_template_of_the_site_needs_inline_script_or_style():
    found = [
        f"{relative}: {what}" for relative, text in _templates() for pattern, what in INLINE if pattern.search(text)
    ]
    assert not found, "\n".join(found)


def test_pages_carry_the_policy_and_the_admin_its_own(client, administrator):
    for response in (client.get("/"), client.get(reverse("newsletters:archive"))):
        header = response.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in header and "style-src 'self'" in header, header
        assert "unsafe-inline" not in header and "object-src 'none'" in header
    client.force_login(administrator)
    admin = client.get("/admin/").headers.get("Content-Security-Policy", "")
    assert "script-src 'self' 'unsafe-inline'" in admin and "frame-ancestors 'self'" in admin


def test_staff_colours_come_from_the_theme_sheet(client):
    from tests.factories import AxisFactory

    axis = AxisFactory(colour="#2a7d4f")
    sheet = client.get("/theme.css")
    assert sheet.headers["Content-Type"].startswith("text/css")
    assert f'[data-axis="{axis.pk}"]{{--axis-colour:#2a7d4f}}' in sheet.content.decode()
