"""Probes of the best-practice library's rules: review by the coordinators of the record's axis,
edits, moving a published record to another axis, the transfer dashboard and the admin list.

Inside: a record of axis_in written by org_in; outside: a record of axis_out written by org_out (so a
plain member's inside is their organisation's record, a coordinator's her axis's).
"""

import secrets

from django.urls import reverse

from knowledge.models import BestPractice, BestPracticeStatus, Visibility
from tests.factories import BestPracticeFactory

from ..kit import allowed, client_for, probe
from .workgroups import listed


def record_of(world, inside: bool, status: str) -> BestPractice:
    """A fresh record of axis_in and org_in (or axis_out and org_out) in `status`."""
    tag = f"{'dedans' if inside else 'dehors'}-{status}-{secrets.token_hex(3)}"
    return BestPracticeFactory(
        title=f"Pratique {tag}",
        slug=f"pratique-{tag}",
        axis=world.inside("axis", inside),
        organisation=world.inside("org", inside),
        status=status,
        visibility=Visibility.MEMBERS,
        published_at=None,
    )


@probe("knowledge.review.list")
def review_list(world, user, inside):
    record = record_of(world, inside, BestPracticeStatus.SUBMITTED)
    # The page also lists the records of the viewer's own organisation: look at the review part only.
    response = client_for(user).get(reverse("knowledge:review"))
    if not allowed(response) or response.status_code != 200:
        return False
    page = response.content.decode()
    review_part = page.split('id="to-review"', 1)[1].split("</section>", 1)[0] if 'id="to-review"' in page else ""
    return record.title in review_part


@probe("knowledge.review.publish")
def review_publish(world, user, inside):
    record = record_of(world, inside, BestPracticeStatus.SUBMITTED)
    client_for(user).post(reverse("knowledge:publish", args=[record.slug]))
    record.refresh_from_db()
    return record.status == BestPracticeStatus.PUBLISHED


@probe("knowledge.review.request_changes")
def review_request_changes(world, user, inside):
    record = record_of(world, inside, BestPracticeStatus.SUBMITTED)
    client_for(user).post(reverse("knowledge:request_changes", args=[record.slug]), {"note": "Ajoutez les coûts."})
    record.refresh_from_db()
    return record.status == BestPracticeStatus.DRAFT


@probe("knowledge.draft.edit")
def draft_edit(world, user, inside):
    record = record_of(world, inside, BestPracticeStatus.DRAFT)
    return allowed(client_for(user).get(reverse("knowledge:edit", args=[record.slug])))


@probe("knowledge.published.edit")
def published_edit(world, user, inside):
    record = record_of(world, inside, BestPracticeStatus.PUBLISHED)
    return allowed(client_for(user).get(reverse("knowledge:edit", args=[record.slug])))


def _move(world, user, inside) -> BestPractice:
    """Edits a published record of the inside (outside) axis, moving it to the other axis."""
    record = record_of(world, inside, BestPracticeStatus.PUBLISHED)
    target = world.inside("axis", not inside)
    data = {"title": record.title, "summary": record.summary, "axis": target.pk, "visibility": record.visibility}
    client_for(user).post(reverse("knowledge:edit", args=[record.slug]), data)
    record.refresh_from_db()
    return record if record.axis_id == target.pk else None


@probe("knowledge.published.move_keeps_publication")
def published_move_keeps_publication(world, user, inside):
    """The hole of the first release: moved to another axis, the record stayed published there
    without that axis's review."""
    record = _move(world, user, inside)
    return record is not None and record.status == BestPracticeStatus.PUBLISHED


@probe("knowledge.published.move_back_to_review")
def published_move_back_to_review(world, user, inside):
    """Moved by someone who does not review the new axis, the record waits for that axis's review."""
    record = _move(world, user, inside)
    return record is not None and record.status == BestPracticeStatus.SUBMITTED


@probe("knowledge.transfers")
def transfers(world, user, inside):
    # The dashboard counts adoptions of every axis: inside and outside are the same page.
    return allowed(client_for(user).get(reverse("knowledge:transfers")))


@probe("knowledge.admin.list")
def admin_list(world, user, inside):
    record = record_of(world, inside, BestPracticeStatus.SUBMITTED)
    return listed(user, reverse("best_practices:index"), record.title)


@probe("knowledge.feed.members_only_record")
def feed_members_only_record(world, user, inside):
    """The best-practices feed (#21) with a published record for members of the actor's axis (inside)
    or of another one: does it go out?"""
    axis = world.inside("axis", inside)
    record = BestPracticeFactory(
        axis=axis, title=f"Pour les membres {secrets.token_hex(4)}", visibility=Visibility.MEMBERS
    )
    response = client_for(user).get(reverse("best_practices_rss"))
    return response.status_code == 200 and record.title.encode() in response.content
