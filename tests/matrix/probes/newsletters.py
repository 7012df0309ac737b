"""Probes of the newsletters' rules: a letter to an axis's workgroups or to a club's members in the
admin (list, add form's choices, edit, copy, delete, preview, test, send, progress)."""

import re

from django.urls import reverse

from cms.newsletters.models import Audience, Newsletter, NewsletterStatus
from tests.cms.newsletters.helpers import make_newsletter

from ..kit import allowed, client_for, probe


def _letter(world, kind, inside, *, sent=False):
    key = f"letter-{kind}-{inside}-{sent}"
    if key not in world.extra:
        scope = world.inside(kind, inside)
        audience = Audience.AXIS if kind == "axis" else Audience.CLUB
        letter = make_newsletter(f"Lettre {kind} {'dedans' if inside else 'dehors'} {'envoyée' if sent else ''}",
                                 audience=audience, **{kind: scope})  # fmt: skip
        if sent:
            Newsletter.objects.filter(pk=letter.pk).update(status=NewsletterStatus.SENT)
        world.extra[key] = letter
    return world.extra[key]


def _cluster_letter(world):
    if "letter-cluster" not in world.extra:
        world.extra["letter-cluster"] = make_newsletter("Lettre à tous les membres", audience=Audience.MEMBERS)
    return world.extra["letter-cluster"]


def _get(user, url_name, letter):
    return allowed(client_for(user).get(reverse(url_name, args=[letter.pk])))


def _listed(user, letter):
    response = client_for(user).get(reverse("newsletter-issues:index"))
    return allowed(response) and letter.title in response.content.decode()


def _select_offers(user, field, value) -> bool:
    """The add form's <select name=field> offers `value`."""
    response = client_for(user).get(reverse("newsletter-issues:add"))
    if not allowed(response):
        return False
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', response.content.decode(), re.S)
    return bool(select and f'value="{value}"' in select.group(1))


@probe("newsletters.list.axis_letter")
def list_axis_letter(world, user, inside):
    return _listed(user, _letter(world, "axis", inside))


@probe("newsletters.list.club_letter")
def list_club_letter(world, user, inside):
    return _listed(user, _letter(world, "club", inside))


@probe("newsletters.add.axis_choice")
def add_axis_choice(world, user, inside):
    return _select_offers(user, "axis", world.inside("axis", inside).pk)


@probe("newsletters.add.club_choice")
def add_club_choice(world, user, inside):
    return _select_offers(user, "club", world.inside("club", inside).pk)


@probe("newsletters.add.cluster_audience")
def add_cluster_audience(world, user, inside):
    # A letter to every member is the cluster's (one scope): inside and outside are the same choice.
    return _select_offers(user, "audience", Audience.MEMBERS)


@probe("newsletters.edit.axis_letter")
def edit_axis_letter(world, user, inside):
    return _get(user, "newsletter-issues:edit", _letter(world, "axis", inside))


@probe("newsletters.edit.club_letter")
def edit_club_letter(world, user, inside):
    return _get(user, "newsletter-issues:edit", _letter(world, "club", inside))


@probe("newsletters.edit.cluster_letter")
def edit_cluster_letter(world, user, inside):
    return _get(user, "newsletter-issues:edit", _cluster_letter(world))


@probe("newsletters.copy.axis_letter")
def copy_axis_letter(world, user, inside):
    return _get(user, "newsletter-issues:copy", _letter(world, "axis", inside))


@probe("newsletters.delete.club_letter")
def delete_club_letter(world, user, inside):
    letter = _letter(world, "club", inside)
    client_for(user).post(reverse("newsletter-issues:delete", args=[letter.pk]))
    return not Newsletter.objects.filter(pk=letter.pk).exists()


@probe("newsletters.preview.axis_letter")
def preview_axis_letter(world, user, inside):
    return _get(user, "newsletters_admin:preview", _letter(world, "axis", inside))


@probe("newsletters.test.club_letter")
def send_test_club_letter(world, user, inside):
    return _get(user, "newsletters_admin:test", _letter(world, "club", inside))


@probe("newsletters.send.axis_letter")
def send_axis_letter(world, user, inside):
    return _get(user, "newsletters_admin:send", _letter(world, "axis", inside))


@probe("newsletters.send.club_letter")
def send_club_letter(world, user, inside):
    return _get(user, "newsletters_admin:send", _letter(world, "club", inside))


@probe("newsletters.progress.club_letter")
def progress_club_letter(world, user, inside):
    return _get(user, "newsletters_admin:progress", _letter(world, "club", inside, sent=True))


@probe("newsletters.subscribers.list")
def subscribers_list(world, user, inside):
    return allowed(client_for(user).get(reverse("newsletter-subscribers:index")))


def _prospects_letter(world, kind, inside, *, sent=False):
    key = f"prospects-letter-{kind}-{inside}-{sent}"
    if key not in world.extra:
        scope = world.inside(kind, inside)
        audience = Audience.CLUB_PROSPECTS if kind == "club" else Audience.ZONE_PROSPECTS
        letter = make_newsletter(f"Lettre B2B {kind} {'dedans' if inside else 'dehors'} {'envoyée' if sent else ''}",
                                 audience=audience, **{kind: scope})  # fmt: skip
        if sent:
            Newsletter.objects.filter(pk=letter.pk).update(status=NewsletterStatus.SENT)
        world.extra[key] = letter
    return world.extra[key]


@probe("newsletters.add.club_prospects_audience")
def add_club_prospects_audience(world, user, inside):
    # The audience is offered to whoever animates a club; which club follows the club choice above.
    return _select_offers(user, "audience", Audience.CLUB_PROSPECTS)


@probe("newsletters.add.zone_prospects_audience")
def add_zone_prospects_audience(world, user, inside):
    return _select_offers(user, "audience", Audience.ZONE_PROSPECTS) or _select_offers(
        user, "zone", world.inside("zone", inside).pk
    )


@probe("newsletters.edit.club_prospects_letter")
def edit_club_prospects_letter(world, user, inside):
    return _get(user, "newsletter-issues:edit", _prospects_letter(world, "club", inside))


@probe("newsletters.send.club_prospects_letter")
def send_club_prospects_letter(world, user, inside):
    return _get(user, "newsletters_admin:send", _prospects_letter(world, "club", inside))


@probe("newsletters.progress.club_prospects_letter")
def progress_club_prospects_letter(world, user, inside):
    return _get(user, "newsletters_admin:progress", _prospects_letter(world, "club", inside, sent=True))


@probe("newsletters.edit.zone_prospects_letter")
def edit_zone_prospects_letter(world, user, inside):
    return _get(user, "newsletter-issues:edit", _prospects_letter(world, "zone", inside))


@probe("newsletters.send.zone_prospects_letter")
def send_zone_prospects_letter(world, user, inside):
    return _get(user, "newsletters_admin:send", _prospects_letter(world, "zone", inside))
