"""Writes to the members directory. Each function checks who acts, validates, and saves atomically.

What the portal's search shows of an organisation (its entry of the public directory) follows these
writes explicitly: each one that can change it queues the organisation's index update in its own
transaction (search.indexing, drained after commit). No signal does it behind the writes' backs.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from search import indexing

from . import permissions, roles
from .models import Invitation, Membership, MembershipStatus, Organisation, Person, PersonRole
from .validators import normalise_naf, normalise_siret

User = get_user_model()


def unique_slug(model, text: str, *, exclude_pk=None) -> str:
    base = slugify(text)[:200] or "organisation"
    slug, n = base, 2
    queryset = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while queryset.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def ensure_role_groups() -> dict[str, Group]:
    """Creates the role groups with their permissions; run after every migrate."""
    groups = {}
    for role, name in roles.ROLE_GROUP_NAMES.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = Q(pk__in=[])
        for perm_name in roles.ROLE_PERMISSIONS[role]:
            app_label, codename = perm_name.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
        groups[role] = group
    return groups


def _sync_role_groups(person: Person) -> None:
    user = person.user
    user.groups.remove(*Group.objects.filter(name__in=roles.ROLE_GROUP_NAMES.values()))
    if person.role in roles.ROLE_GROUP_NAMES:
        group = Group.objects.filter(name=roles.ROLE_GROUP_NAMES[person.role]).first()
        user.groups.add(group or ensure_role_groups()[person.role])


# --- Organisations ---------------------------------------------------------------------------

ORGANISATION_FIELDS = (
    "name", "kind", "siret", "naf_code", "headcount_band", "address", "postcode", "commune", "zone",
    "website", "email", "phone", "description", "logo", "in_public_directory",
)  # fmt: skip


def _save_organisation(organisation: Organisation) -> Organisation:
    organisation.siret = normalise_siret(organisation.siret)
    organisation.naf_code = normalise_naf(organisation.naf_code)
    if not organisation.slug:
        organisation.slug = unique_slug(Organisation, organisation.name, exclude_pk=organisation.pk)
    organisation.full_clean()
    try:
        with transaction.atomic():
            organisation.save()
            indexing.schedule_index(organisation)
    except IntegrityError:
        # A concurrent save took the SIRET between full_clean() and save().
        raise ValidationError({"siret": _("An organisation with this SIRET is already registered.")}) from None
    return organisation


def organisation_create(*, by, **fields) -> Organisation:
    if not permissions.is_administrator(by):
        raise PermissionDenied(_("Only cluster administrators can register an organisation."))
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organisation fields: {sorted(unknown)}")
    return _save_organisation(Organisation(**fields))


def organisation_update(*, organisation: Organisation, by, **fields) -> Organisation:
    if not permissions.can_edit_organisation(by, organisation):
        raise PermissionDenied(_("You can only edit your own organisation."))
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organisation fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(organisation, name, value)
    return _save_organisation(organisation)


def organisation_delete(*, organisation: Organisation, by) -> None:
    if not permissions.is_administrator(by):
        raise PermissionDenied(_("Only cluster administrators can delete an organisation."))
    with transaction.atomic():
        # Queued before the row goes: the drain finds no organisation and removes its entry.
        indexing.schedule_index(organisation)
        organisation.delete()


def organisation_listing_apply(*, organisation: Organisation, listed: bool) -> bool:
    """Puts the organisation in the public directory or takes it out, as a consent act or an
    administrator decided (the caller checked who acts: portal/privacy); its search entry follows.

    Returns whether the flag changed.
    """
    if organisation.in_public_directory == listed:
        return False
    with transaction.atomic():
        organisation.in_public_directory = listed
        organisation.save(update_fields=["in_public_directory", "updated_at"])
        indexing.schedule_index(organisation)
    return True


# --- Memberships ----------------------------------------------------------------------------


def _check_club_zone(organisation: Organisation, club) -> None:
    """A club's members are established on its zones (its main zone and the ones it also covers)."""
    if club is None:
        return
    zones = {club.zone_id}
    if club.pk:
        zones.update(club.other_zones.values_list("pk", flat=True))
    if organisation.zone_id not in zones:
        raise ValidationError(
            {"club": _("%(organisation)s is not established on %(zone)s, the zone of this club.")
             % {"organisation": organisation.name, "zone": club.zone.name}}
        )  # fmt: skip


def _save_membership(membership: Membership) -> Membership:
    _check_club_zone(membership.organisation, membership.club)
    membership.full_clean()
    try:
        with transaction.atomic():
            membership.save()
            # Joining or leaving puts the organisation in the public directory or takes it out.
            indexing.schedule_index(membership.organisation)
    except IntegrityError:
        raise ValidationError(_("This organisation already has a current membership here.")) from None
    return membership


def membership_save(*, membership: Membership, by) -> Membership:
    """An administrator's direct edit (admin screens): the same rules as every other path."""
    if not permissions.can_manage_memberships(by):
        raise PermissionDenied(_("Only cluster administrators manage memberships."))
    return _save_membership(membership)


def membership_request(*, organisation: Organisation, club=None, by) -> Membership:
    """A person asks for their own organisation to join; an administrator approves it later."""
    if not permissions.can_edit_organisation(by, organisation):
        raise PermissionDenied(_("You can only request a membership for your own organisation."))
    return _save_membership(Membership(organisation=organisation, club=club, status=MembershipStatus.PENDING))


def membership_create(
    *,
    organisation: Organisation,
    club=None,
    status: str = MembershipStatus.ACTIVE,
    started_on: datetime.date | None = None,
    fee_paid: bool = False,
    by,
) -> Membership:
    if not permissions.can_manage_memberships(by):
        raise PermissionDenied(_("Only cluster administrators manage memberships."))
    if status == MembershipStatus.LEFT:
        raise ValidationError({"status": _("A new membership cannot start as “left”.")})
    membership = Membership(
        organisation=organisation,
        club=club,
        status=status,
        started_on=started_on or timezone.localdate(),
        fee_paid=fee_paid,
    )
    return _save_membership(membership)


def membership_approve(*, membership: Membership, by) -> Membership:
    if not permissions.can_manage_memberships(by):
        raise PermissionDenied(_("Only cluster administrators manage memberships."))
    if membership.status != MembershipStatus.PENDING:
        raise ValidationError(_("Only a pending membership can be approved."))
    membership.status = MembershipStatus.ACTIVE
    membership.started_on = timezone.localdate()
    return _save_membership(membership)


def membership_end(*, membership: Membership, by, ended_on: datetime.date | None = None) -> Membership:
    """Ends an active or pending membership; ended memberships stay for the history."""
    if not permissions.can_manage_memberships(by):
        raise PermissionDenied(_("Only cluster administrators manage memberships."))
    if membership.status == MembershipStatus.LEFT:
        raise ValidationError(_("This membership has already ended."))
    membership.status = MembershipStatus.LEFT
    membership.ended_on = ended_on or timezone.localdate()
    return _save_membership(membership)


def membership_delete(*, membership: Membership, by) -> None:
    """An administrator removes a membership recorded by mistake (ending one keeps its history)."""
    if not permissions.can_manage_memberships(by):
        raise PermissionDenied(_("Only cluster administrators manage memberships."))
    with transaction.atomic():
        membership.delete()
        indexing.schedule_index(membership.organisation)


def membership_set_fee_paid(*, membership: Membership, fee_paid: bool, by) -> Membership:
    if not permissions.can_manage_memberships(by):
        raise PermissionDenied(_("Only cluster administrators manage memberships."))
    membership.fee_paid = fee_paid
    return _save_membership(membership)


# --- People and roles -------------------------------------------------------------------------


def _unique_handle(user) -> str:
    base = slugify(user.get_full_name() or user.email.split("@")[0] or user.get_username())[:70] or "membre"
    handle, n = base, 2
    while Person.objects.filter(handle=handle).exists():
        handle, n = f"{base}-{n}", n + 1
    return handle


def person_create(
    *,
    user,
    organisation: Organisation | None = None,
    role: str = PersonRole.MEMBER,
    job_title: str = "",
    phone: str = "",
) -> Person:
    person = Person(
        user=user, organisation=organisation, role=role, job_title=job_title, phone=phone, handle=_unique_handle(user)
    )
    person.full_clean()
    person.save()
    _sync_role_groups(person)
    return person


def person_update(*, person: Person, by, organisation, job_title: str, phone: str, role: str) -> Person:
    """An administrator's edit of someone's organisation and role."""
    if not permissions.is_administrator(by):
        raise PermissionDenied(_("Only cluster administrators change roles."))
    person.organisation, person.job_title, person.phone, person.role = organisation, job_title, phone, role
    person.full_clean()
    with transaction.atomic():
        person.save()
        _sync_role_groups(person)
    return person


def person_ensure(*, user) -> Person:
    """Accounts made outside invitations (createsuperuser) get a profile on first visit."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        role = PersonRole.ADMINISTRATOR if user.is_superuser else PersonRole.MEMBER
        person = person_create(user=user, role=role)
    return person


def person_update_profile(
    *,
    person: Person,
    by,
    first_name: str,
    last_name: str,
    job_title: str,
    phone: str,
    receives_daily_digest: bool = True,
) -> Person:
    if by.pk != person.user_id and not permissions.is_administrator(by):
        raise PermissionDenied(_("You can only edit your own profile."))
    with transaction.atomic():
        person.user.first_name, person.user.last_name = first_name, last_name
        person.user.save(update_fields=["first_name", "last_name"])
        person.job_title, person.phone, person.receives_daily_digest = job_title, phone, receives_daily_digest
        person.full_clean()
        person.save(update_fields=["job_title", "phone", "receives_daily_digest"])
    return person


# --- Invitations ------------------------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(
    *, email: str, organisation: Organisation, role: str = PersonRole.MEMBER, by, base_url: str
) -> Invitation:
    """Stores only the token's hash; the e-mail carrying the link leaves after commit.

    An address that already has an account is invited like any other, so that the inviter cannot
    learn who has an account; its owner is told by e-mail how to sign in instead of getting a link."""
    if not permissions.can_invite_to(by, organisation):
        raise PermissionDenied(_("You can only invite people to your own organisation."))
    if not permissions.can_grant_role(by, role):
        raise PermissionDenied(_("Only cluster administrators can invite with this role."))
    email = User.objects.normalize_email(email).strip()
    has_account = User.objects.filter(email__iexact=email).exists()
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        organisation=organisation,
        role=role,
        invited_by=by,
        token_hash=_hash_token(token),
        expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_VALIDITY_DAYS),
    )
    invitation.full_clean()
    with transaction.atomic():
        invitation.save()
        site = base_url.rstrip("/")
        link = site + reverse("members:invitation_accept", args=[token])
        context = {"invitation": invitation, "link": link, "inviter": by.get_full_name() or by.get_username()}
        template = "members/email/invitation.txt"
        if has_account:
            template = "members/email/invitation_existing_account.txt"
            context.update(link=site + reverse("members:login"), reset_link=site + reverse("members:password_reset"))
        transaction.on_commit(
            lambda: send_mail(
                subject=_("You are invited to join %(organisation)s on the PTCE portal")
                % {"organisation": organisation.name},
                message=render_to_string(template, context),
                from_email=None,
                recipient_list=[email],
            )
        )
    return invitation


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation behind a link if it can still be used, else None."""
    invitation = Invitation.objects.select_related("organisation").filter(token_hash=_hash_token(token)).first()
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at <= timezone.now():
        return None
    return invitation


def invitation_accept(*, token: str, first_name: str, last_name: str, password: str):
    """Creates the account; the link works once, even if two requests race."""
    with transaction.atomic():
        invitation = invitation_from_token(token)
        if invitation is None:
            raise ValidationError(_("This invitation link is invalid, has expired or has already been used."))
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError(_("This invitation link is invalid, has expired or has already been used."))
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(_("Someone already has an account with this e-mail address."))
        user = User.objects.create_user(
            username=invitation.email.lower(),
            email=invitation.email,
            password=password,
            first_name=first_name,
            last_name=last_name,
        )
        person_create(user=user, organisation=invitation.organisation, role=invitation.role)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user
