"""Writes to best-practice records: create, edit, the review workflow, adoption marks.

Each write runs in one transaction, saves a revision (the record's history) and queues the index
update in the same transaction (search.indexing: an outbox row, drained once committed). Whether the
record is then indexed or removed from the index is knowledge/indexing.py's call: only published
records are found.
"""

import html

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.documents.models import Document

from portal.members.models import Organisation, Person
from portal.members.permissions import person_of
from portal.privacy.models import Purpose
from portal.privacy.selectors import has_consent
from search import indexing
from workgroups import permissions as workgroup_permissions
from workgroups.models import Axis, Message, Workgroup

from . import permissions
from .models import Adoption, BestPractice, BestPracticeRevision, BestPracticeStatus, KeyFigure, Visibility

EDITABLE_FIELDS = (
    "title",
    "summary",
    "body",
    "axis",
    "problem",
    "results",
    "cost_range",
    "replicability",
    "contact",
    "visibility",
)


def _person(user) -> Person | None:
    return person_of(user)


def _unique_slug(title: str, *, exclude_pk=None) -> str:
    base = slugify(title)[:200] or "bonne-pratique"
    slug, n = base, 2
    while BestPractice.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def snapshot(record: BestPractice) -> dict:
    """The record's content as JSON, for its history."""
    return {
        "title": record.title,
        "summary": record.summary,
        "body": record.body,
        "axis": record.axis_id,
        "organisation": record.organisation_id,
        "partners": sorted(record.partners.values_list("pk", flat=True)),
        "tags": sorted(record.tags.names()),
        "problem": record.problem,
        "results": record.results,
        "figures": [{"value": f.value, "label": f.label} for f in record.figures.all()],
        "cost_range": record.cost_range,
        "replicability": record.replicability,
        "contact": record.contact_id,
        "visibility": record.visibility,
        "status": record.status,
    }


def _saved(record: BestPractice, *, by, action: str) -> BestPractice:
    """Records a revision and queues the index update; call inside the write's transaction."""
    number = (record.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    BestPracticeRevision.objects.create(
        record=record, number=number, snapshot=snapshot(record), action=action, author=_person(by)
    )
    indexing.schedule_index(record)
    return record


def _set_relations(record: BestPractice, *, tags=None, partners=None, figures=None) -> None:
    if tags is not None:
        record.tags.set([tag.strip()[:100] for tag in tags if tag and tag.strip()])
    if partners is not None:
        record.partners.set([p for p in partners if p.pk != record.organisation_id])
    if figures is not None:
        record.figures.all().delete()
        for order, (value, label) in enumerate(figures):
            if value and label:
                KeyFigure.objects.create(record=record, value=value[:40], label=label[:150], sort_order=order)


def _check_contact(contact: Person | None, organisation: Organisation) -> None:
    if contact is None:
        return
    if contact.organisation_id != organisation.pk:
        raise ValidationError({"contact": _("The contact person must belong to the contributing organisation.")})
    if not has_consent(contact, Purpose.CONTACT):
        raise ValidationError(
            {
                "contact": _(
                    "%(person)s has not agreed to be shown as a contact person; they can agree to it on their "
                    "page “My data and my consents”."
                )
                % {"person": contact}
            }
        )


def best_practice_create(
    *,
    by,
    organisation: Organisation,
    axis: Axis,
    title: str,
    summary: str,
    body: str = "",
    problem: str = "",
    results: str = "",
    cost_range: str = "",
    replicability: str = "",
    contact: Person | None = None,
    visibility: str = Visibility.MEMBERS,
    tags=(),
    partners=(),
    figures=(),
) -> BestPractice:
    """A new draft, for the author's organisation (administrators may choose any)."""
    if not permissions.can_contribute_for(by, organisation):
        raise PermissionDenied(_("You can only write best practices for your own organisation."))
    _check_contact(contact, organisation)
    record = BestPractice(
        title=title.strip(),
        slug=_unique_slug(title),
        summary=summary.strip(),
        body=body,
        axis=axis,
        organisation=organisation,
        problem=problem,
        results=results,
        cost_range=cost_range,
        replicability=replicability,
        contact=contact,
        visibility=visibility,
        created_by=_person(by),
    )
    record.full_clean(exclude=["slug"])
    with transaction.atomic():
        record.save()
        _set_relations(record, tags=tags, partners=partners, figures=figures)
        _saved(record, by=by, action="created")
    return record


def best_practice_update(
    *, record: BestPractice, by, tags=None, partners=None, figures=None, **changes
) -> BestPractice:
    """The record's content. A published record moved to another axis goes back to review by that
    axis's coordinators, unless its mover is one of them (it then stays published)."""
    if not permissions.can_edit(by, record):
        raise PermissionDenied(_("You cannot edit this best practice."))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}")
    old_axis_id = record.axis_id
    for field, value in changes.items():
        setattr(record, field, value)
    _check_contact(record.contact, record.organisation)
    record.full_clean()
    back_to_review = _moved_out_of_review(record, old_axis_id, by=by)
    with transaction.atomic():
        record.save()
        _set_relations(record, tags=tags, partners=partners, figures=figures)
        _saved(record, by=by, action="submitted" if back_to_review else "edited")
    return record


def _moved_out_of_review(record: BestPractice, old_axis_id: int | None, *, by) -> bool:
    """A published record whose axis changed, by someone who does not review the new axis, is
    submitted again (its new axis's coordinators review it): True when it was."""
    if (
        old_axis_id is None
        or record.axis_id == old_axis_id
        or record.status != BestPracticeStatus.PUBLISHED
        or permissions.keeps_publication_when_moved(by, record, record.axis_id)
    ):
        return False
    record.status = BestPracticeStatus.SUBMITTED
    record.submitted_at = timezone.now()
    record.reviewed_by = None
    return True


def _transition(record: BestPractice, *, by, status: str, action: str, **fields) -> BestPractice:
    with transaction.atomic():
        record.status = status
        for field, value in fields.items():
            setattr(record, field, value)
        record.save()
        _saved(record, by=by, action=action)
    return record


def best_practice_submit(*, record: BestPractice, by) -> BestPractice:
    """The contributors send their draft to the axis coordinators for review."""
    if not permissions.can_submit(by, record):
        raise PermissionDenied(_("Only the contributing organisation can submit its draft for review."))
    return _transition(
        record, by=by, status=BestPracticeStatus.SUBMITTED, action="submitted", submitted_at=timezone.now()
    )


def best_practice_publish(*, record: BestPractice, by) -> BestPractice:
    if not permissions.can_publish(by, record):
        raise PermissionDenied(_("Only the coordinators of this axis can publish this best practice."))
    return _transition(
        record,
        by=by,
        status=BestPracticeStatus.PUBLISHED,
        action="published",
        published_at=record.published_at or timezone.now(),
        reviewed_by=_person(by),
        review_note="",
    )


def best_practice_request_changes(*, record: BestPractice, by, note: str) -> BestPractice:
    """The reviewer sends the record back to its authors as a draft, saying what to change."""
    if not permissions.can_request_changes(by, record):
        raise PermissionDenied(_("Only the coordinators of this axis can review this best practice."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"review_note": _("Say what should be changed.")})
    return _transition(
        record, by=by, status=BestPracticeStatus.DRAFT, action="changes_requested", review_note=note,
        reviewed_by=_person(by),
    )  # fmt: skip


def best_practice_archive(*, record: BestPractice, by) -> BestPractice:
    """Withdraws a published record: it leaves the lists and the search, its page stays for its authors."""
    if not permissions.can_archive(by, record):
        raise PermissionDenied(_("You cannot archive this best practice."))
    return _transition(record, by=by, status=BestPracticeStatus.ARCHIVED, action="archived")


def best_practice_delete(*, record: BestPractice, by) -> None:
    if not permissions.can_delete(by, record):
        raise PermissionDenied(_("Only a draft can be deleted, by its organisation; administrators delete any."))
    with transaction.atomic():
        pk = record.pk
        record.delete()
        indexing.schedule_delete("best_practice", pk)


def best_practice_admin_save(*, record: BestPractice, by, save) -> BestPractice:
    """An administrator's save in the Wagtail admin: `save()` writes the form (fields, inline
    figures, tags); here the publication dates follow the status, and a revision and the index
    update are recorded in the same transaction."""
    stored = BestPractice.objects.filter(pk=record.pk).first() if record.pk else None
    if not permissions.is_administrator(by) and not (stored and permissions.is_reviewer(by, stored)):
        raise PermissionDenied(_("Only administrators and the axis coordinators edit best practices here."))
    _check_contact(record.contact, record.organisation)
    created = record.pk is None
    if stored is not None and stored.status == BestPracticeStatus.PUBLISHED:
        _moved_out_of_review(record, stored.axis_id, by=by)
    now = timezone.now()
    if record.status == BestPracticeStatus.PUBLISHED and record.published_at is None:
        record.published_at = now
    if record.status == BestPracticeStatus.SUBMITTED and record.submitted_at is None:
        record.submitted_at = now
    if created and record.created_by is None:
        record.created_by = _person(by)
    with transaction.atomic():
        save()
        _saved(record, by=by, action="created" if created else "edited")
    return record


MAX_ATTACHMENTS = 20


def _attachments_collection():
    """The Wagtail collection of the records' attachments, named in the site's language."""
    from django.conf import settings
    from django.utils import translation
    from wagtail.models import Collection

    with translation.override(settings.LANGUAGE_CODE):
        name = _("Best-practice attachments")
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


def best_practice_attach(*, record: BestPractice, by, file, title: str = "") -> Document:
    """Adds a document to the record (its editors only); the file was validated by the form
    (knowledge.forms.validate_attachment). Downloads then follow the record's visibility."""
    if not permissions.can_edit(by, record):
        raise PermissionDenied(_("You cannot edit this best practice."))
    if record.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            _("A best practice has at most %(count)d attachments: remove one first.") % {"count": MAX_ATTACHMENTS}
        )
    title = (title or "").strip() or file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    document = Document(title=title[:255], file=file, collection=_attachments_collection())
    if by is not None and by.is_authenticated:
        document.uploaded_by_user = by
    document.full_clean()
    with transaction.atomic():
        document.save()
        record.attachments.add(document)
    return document


def best_practice_detach(*, record: BestPractice, by, document: Document) -> None:
    """Removes an attachment from the record and deletes its file."""
    if not permissions.can_edit(by, record):
        raise PermissionDenied(_("You cannot edit this best practice."))
    with transaction.atomic():
        record.attachments.remove(document)
        if not BestPractice.objects.filter(attachments=document).exists():
            document.delete()


def best_practice_adopt(*, record: BestPractice, by, comment: str = "") -> Adoption:
    """ "We adopted this", said once per organisation."""
    if not permissions.can_adopt(by, record):
        raise PermissionDenied(_("Only another member organisation can say it adopted this practice."))
    person = _person(by)
    try:
        with transaction.atomic():
            return Adoption.objects.create(
                record=record, organisation=person.organisation, declared_by=person, comment=comment.strip()
            )
    except IntegrityError:
        raise ValidationError(_("Your organisation has already said it adopted this practice.")) from None


MAX_PROMOTED_MESSAGES = 100


def best_practice_from_discussion(
    *, workgroup: Workgroup, by, title: str, sequences: list[int], axis: Axis | None = None
) -> BestPractice:
    """A draft for the author's organisation whose description quotes messages of a workgroup
    discussion, each with its author, their organisation and its date, and ends crediting them all."""
    if not workgroup_permissions.can_read(by, workgroup):
        raise PermissionDenied(_("You are not a member of this workgroup."))
    person = _person(by)
    if person is None or person.organisation is None:
        raise PermissionDenied(_("Your account belongs to no organisation."))
    axis = axis or workgroup.axis
    if axis is None:
        raise ValidationError({"axis": _("Choose the thematic axis of this best practice.")})
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the best practice a title.")})
    sequences = sorted({int(sequence) for sequence in sequences})
    if len(sequences) > MAX_PROMOTED_MESSAGES:
        raise ValidationError(
            _("Choose at most %(count)d messages: the draft should keep what matters.")
            % {"count": MAX_PROMOTED_MESSAGES}
        )
    messages = list(
        Message.objects.filter(workgroup=workgroup, sequence__in=sequences, removed_at__isnull=True)
        .select_related("author__user", "author__organisation")
        .order_by("sequence")
    )
    if not messages:
        raise ValidationError(_("Choose at least one message of the discussion."))

    def author(message) -> str:
        if message.author is None:
            return _("Former member")
        organisation = message.author.organisation
        return f"{message.author} ({organisation.name})" if organisation is not None else str(message.author)

    quoted = "".join(
        "<p><b>{author}</b>, {date} : {body}</p>".format(
            author=html.escape(author(message)),
            date=html.escape(date_format(timezone.localtime(message.created_at), "SHORT_DATE_FORMAT")),
            body=html.escape(message.body).replace("\n", "<br/>"),
        )
        for message in messages
    )
    credited = ", ".join(dict.fromkeys(author(message) for message in messages))
    credit = _("From the discussion of the workgroup “%(workgroup)s”. Contributors: %(authors)s.") % {
        "workgroup": workgroup.name,
        "authors": credited,
    }
    return best_practice_create(
        by=by,
        organisation=person.organisation,
        axis=axis,
        title=title.strip()[:200],
        summary=messages[0].body[:600],
        body=quoted + f"<p><i>{html.escape(credit)}</i></p>",
    )
