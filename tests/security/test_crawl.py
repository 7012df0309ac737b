"""The whole site crawled as each kind of person of the demo: no page answers 500, and nothing a visitor
receives contains a marker planted in members-only content (a message of a workgroup, a best practice
for members, a page restricted to members, a prospect's notes, a needs survey's answer).

The crawler follows the links each person sees, from the home page and their own pages, plus every
URL pattern that takes no argument; it never follows sign-out, downloads or the admin's forms."""

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from knowledge.models import BestPractice, Visibility
from portal.members.models import Person, Role, RoleAssignment
from portal.members.scopes import ScopeKind
from workgroups.models import Message

pytestmark = pytest.mark.django_db

MARKER = "MARQUEUR-RESERVE-AUX-MEMBRES"
# Above the number of argument-less pages (about 210), so the crawl also follows their links.
PAGES_PER_PERSON = 320
SKIP = re.compile(
    r"deconnexion|logout|failwhale|test404|/_util/|/new/|/add/|/delete/|/import/|/unpublish/|/copy/|/move/"
    r"|\.(xlsx|csv|ics|pdf|zip|rss|atom)(\?|$)|/export|telecharger|/download|/annuler/|/confirmer/"
    r"|/desinscription/|/static/|/media/|/documents/|/theme\.css|/i18n/"
)
HREF = re.compile(r'href="([^"#]+)')


def _paths_without_arguments(resolver=None, prefix=""):
    """Every URL that needs no argument (path() routes without converters, plain regex routes)."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = str(pattern.pattern).lstrip("^")
        if "<" in route or re.search(r"[\\()\[\]?*+|{]", route.rstrip("$")):
            continue
        if isinstance(pattern, URLResolver):
            yield from _paths_without_arguments(pattern, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield "/" + (prefix + route).rstrip("$")


def _crawl(client, starts):
    seen, queue, answers = set(), deque(starts), {}
    while queue and len(answers) < PAGES_PER_PERSON:
        path = queue.popleft()
        if path in seen or SKIP.search(path):
            continue
        seen.add(path)
        response = client.get(path)
        answers[path] = response
        if response.status_code == 200 and "text/html" in response.headers.get("Content-Type", ""):
            for link in HREF.findall(response.content.decode()):
                link = urldefrag(link.replace("&amp;", "&"))[0]
                parts = urlsplit(link)
                if parts.scheme or parts.netloc or not link.startswith("/"):
                    continue
                if link.count("?") and link.split("?")[0] in seen:  # one page of each listing's filters is enough
                    continue
                queue.append(link)
    return answers


@pytest.fixture
def demo(db):
    """The demo with the marker planted in members-only content, and one person of each kind."""
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    Message.objects.filter(pk__in=Message.objects.values("pk")[:5]).update(body=f"Compte rendu {MARKER}")
    BestPractice.objects.filter(visibility=Visibility.MEMBERS).update(summary=f"Résumé {MARKER}")
    staff_roles = [Role.ADMINISTRATOR, Role.COORDINATOR, Role.ANIMATOR, Role.EXCHANGE_ORGANISER]
    return {
        "member": Person.objects.exclude(role_assignments__role__in=staff_roles)
        .filter(organisation__isnull=False, user__is_active=True)
        .first(),
        "coordinator": RoleAssignment.objects.filter(role=Role.COORDINATOR, scope_kind=ScopeKind.AXIS).first().person,
        "animator": RoleAssignment.objects.filter(role=Role.ANIMATOR, scope_kind=ScopeKind.CLUB).first().person,
        "administrator": RoleAssignment.objects.filter(role=Role.ADMINISTRATOR).first().person,
    }


def test_no_page_fails_and_visitors_never_see_members_only_content(demo):
    """One demo for the five crawls (loading it is the slow part)."""
    # The site's pages before the admin's: with many admin screens, a budget spent on them first
    # never reached the members' pages the marker is on.
    starts = ["/", *sorted(set(_paths_without_arguments()), key=lambda path: (path.startswith("/admin/"), path))]
    seen_by_members = 0
    for who in ("anonymous", "member", "coordinator", "animator", "administrator"):
        client = Client()
        if who != "anonymous":
            client.force_login(demo[who].user)
        answers = _crawl(client, [*starts, "/compte/profil/"] if who != "anonymous" else starts)
        assert len(answers) > 40, f"{who}: the crawl found too few pages ({len(answers)})"
        failing = sorted(path for path, response in answers.items() if response.status_code >= 500)
        assert not failing, f"{who}: pages answering 500: {failing}"
        seen_by_members += sum(MARKER.encode() in response.content for response in answers.values())
        if who == "anonymous":
            leaking = sorted(path for path, response in answers.items() if MARKER.encode() in response.content)
            assert not leaking, f"members-only content shown to visitors on: {leaking}"
    # The marker is where members read it: the visitors' check above looked for something real.
    assert seen_by_members > 0
