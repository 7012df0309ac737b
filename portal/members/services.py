"""Writes to the members directory. Each function checks who acts, validates, and saves atomically.

What the portal's search shows of an organisation (its entry of the public directory) follows these
writes explicitly: each one that can change it queues the organisation's index update in its own
transaction (search.indexing, drained after commit). No signal does it behind the writes' backs.
"""

import datetime
import hashlib
import logging
import secrets
from decimal import Decimal

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

from portal import identity
from portal.outside import address_base
from portal.outside.http import ServiceDown
from search import indexing

from . import permissions, roles, scopes
from .models import (
    ROLE_SCOPE_KINDS,
    CalendarAddress,
    Invitation,
    Membership,
    MembershipStatus,
    Organisation,
    Person,
    PersonRole,
    Role,
    RoleAssignment,
    RoleChange,
    RoleChangeAction,
    Zone,
)
from .scopes import CLUSTER_ID, ScopeKind
from .validators import RESERVED_ORGANISATION_SLUGS, normalise_naf, normalise_siret

User = get_user_model()
logger = logging.getLogger(__name__)


def unique_slug(model, text: str, *, exclude_pk=None) -> str:
    base = slugify(text)[:200] or "organisation"
    slug, n = base, 2
    queryset = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    reserved = RESERVED_ORGANISATION_SLUGS if model is Organisation else frozenset()
    while slug in reserved or queryset.filter(slug=slug).exists():
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
    """The user is in the group of each role they hold an assignment of, and in no other role group."""
    user = person.user
    held = set(RoleAssignment.objects.filter(person=person).values_list("role", flat=True))
    wanted = {roles.ASSIGNMENT_GROUP_ROLES[role] for role in held if role in roles.ASSIGNMENT_GROUP_ROLES}
    user.groups.remove(*Group.objects.filter(name__in=roles.ROLE_GROUP_NAMES.values()))
    if wanted:
        groups = list(Group.objects.filter(name__in=[roles.ROLE_GROUP_NAMES[role] for role in wanted]))
        if len(groups) < len(wanted):
            all_groups = ensure_role_groups()
            groups = [all_groups[role] for role in wanted]
        user.groups.add(*groups)


# --- Organisations ---------------------------------------------------------------------------

ORGANISATION_FIELDS = (
    "name", "kind", "siret", "naf_code", "headcount_band", "address", "postcode", "commune", "zone",
    "website", "email", "phone", "description", "logo", "in_public_directory", "latitude", "longitude",
)  # fmt: skip
ADDRESS_FIELDS = ("address", "postcode", "commune")


def _address_of(organisation: Organisation) -> tuple[str, str, str]:
    return tuple((getattr(organisation, name) or "").strip() for name in ADDRESS_FIELDS)


def _place(organisation: Organisation, *, before: tuple | None, point_before: tuple | None) -> bool:
    """Whether the organisation's point must be looked up in the address base after the save.

    A point given with the write (the company register's, a person's) stays. A moved address whose
    point was not given anew loses the old one (it marked the old address) and is looked up again;
    so is a new organisation with an address and no point.
    """
    address = _address_of(organisation)
    point = (organisation.latitude, organisation.longitude)
    moved = before is None or address != before
    if not moved:
        return False
    if organisation.has_point and (before is None or point != point_before):
        return False  # placed with this very write
    organisation.latitude = organisation.longitude = None
    return any(address)


def _save_organisation(organisation: Organisation, *, before=None, point_before=None) -> Organisation:
    organisation.siret = normalise_siret(organisation.siret)
    organisation.naf_code = normalise_naf(organisation.naf_code)
    if not organisation.slug:
        organisation.slug = unique_slug(Organisation, organisation.name, exclude_pk=organisation.pk)
    to_place = _place(organisation, before=before, point_before=point_before)
    organisation.full_clean()
    try:
        with transaction.atomic():
            organisation.save()
            indexing.schedule_index(organisation)
            if to_place:
                _geocode_after_commit(organisation)
    except IntegrityError:
        # A concurrent save took the SIRET between full_clean() and save().
        raise ValidationError({"siret": _("An organisation with this SIRET is already registered.")}) from None
    return organisation


def _geocode_after_commit(organisation: Organisation) -> None:
    """The address base is asked in the background once the write is committed: slow or down, it never
    holds nor loses the write (robust: a queue that fails is logged, the save stands)."""
    from .tasks import geocode_organisation

    pk, address = organisation.pk, list(_address_of(organisation))
    transaction.on_commit(lambda: geocode_organisation.enqueue(pk, address), robust=True)


def organisation_geocode(*, organisation_id: int, address: tuple[str, str, str]) -> bool:
    """Places the organisation from the national address base, if its address is still `address` and
    nobody placed it meanwhile. Returns whether a point was written; the base down only logs."""
    try:
        point = address_base.geocode(*address)
    except ServiceDown as down:
        logger.warning("Organisation %s not placed: %s", organisation_id, down.reason)
        return False
    if point is None:
        return False
    street, postcode, commune = address
    placed = Organisation.objects.filter(
        pk=organisation_id, latitude__isnull=True, address=street, postcode=postcode, commune=commune
    ).update(latitude=point.latitude, longitude=point.longitude)
    return bool(placed)


def zone_place(*, zone: Zone) -> bool:
    """Gives a zone without a point one, for the map of the business parks: the centre of the points of
    its organisations listed in the public directory (the centre of unlisted firms could place a lone
    one), else its commune's centre from the national address base. Run on purpose (the place_zones
    command), never behind a save. Returns whether a point was written; the base down only logs."""
    if zone.has_point:
        return False
    listed = Organisation.objects.filter(zone=zone, in_public_directory=True)
    points = list(listed.filter(latitude__isnull=False, longitude__isnull=False).values_list("latitude", "longitude"))
    if points:
        latitude = (sum(point[0] for point in points) / len(points)).quantize(Decimal("0.000001"))
        longitude = (sum(point[1] for point in points) / len(points)).quantize(Decimal("0.000001"))
    else:
        try:
            found = address_base.geocode("", "", zone.commune, kind="municipality")
        except ServiceDown as down:
            logger.warning("Zone %s not placed: %s", zone.pk, down.reason)
            return False
        if found is None:
            return False
        latitude, longitude = found.latitude, found.longitude
    placed = Zone.objects.filter(pk=zone.pk, latitude__isnull=True).update(latitude=latitude, longitude=longitude)
    if placed:
        zone.latitude, zone.longitude = latitude, longitude
    return bool(placed)


def organisation_create(*, by, **fields) -> Organisation:
    """Registers an organisation; a point (latitude, longitude) may come with it, else its address is
    placed from the address base after the write."""
    if not permissions.is_administrator(by):
        raise PermissionDenied(_("Only cluster administrators can register an organisation."))
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organisation fields: {sorted(unknown)}")
    return _save_organisation(Organisation(**fields))


def organisation_update(*, organisation: Organisation, by, **fields) -> Organisation:
    """Edits an organisation; a moved address is placed again unless a new point comes with it."""
    if not permissions.can_edit_organisation(by, organisation):
        raise PermissionDenied(_("You can only edit your own organisation."))
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organisation fields: {sorted(unknown)}")
    stored = Organisation.objects.filter(pk=organisation.pk).values(*ADDRESS_FIELDS, "latitude", "longitude").first()
    before = tuple((stored[name] or "").strip() for name in ADDRESS_FIELDS) if stored else None
    point_before = (stored["latitude"], stored["longitude"]) if stored else None
    for name, value in fields.items():
        setattr(organisation, name, value)
    return _save_organisation(organisation, before=before, point_before=point_before)


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
    by=None,
) -> Person:
    person = Person(
        user=user, organisation=organisation, role=role, job_title=job_title, phone=phone, handle=_unique_handle(user)
    )
    person.full_clean()
    with transaction.atomic():
        person.save()
        _grant_legacy_role(person, by=by)
        _roles_changed(person)
    return person


def person_update(*, person: Person, by, organisation, job_title: str, phone: str, role: str) -> Person:
    """An administrator's edit of someone's organisation and role.

    Changing the single role replaces the assignments it stood for (see legacy_assignments); an
    unchanged role leaves the person's assignments, narrowed or widened on the roles screen, alone."""
    if not permissions.is_administrator(by):
        raise PermissionDenied(_("Only cluster administrators change roles."))
    old_role, old_organisation_id = Person.objects.values_list("role", "organisation_id").get(pk=person.pk)
    person.organisation, person.job_title, person.phone, person.role = organisation, job_title, phone, role
    person.full_clean()
    with transaction.atomic():
        person.save()
        member_moved = role == PersonRole.MEMBER and person.organisation_id != old_organisation_id
        if role != old_role or member_moved:
            # The single role replaced the plain member's: so does what it stands for.
            replaced = {*permissions.LEGACY_ROLES.get(old_role, ()), Role.MEMBER}
            for assignment in RoleAssignment.objects.filter(person=person, role__in=replaced):
                _withdraw(assignment, by=by)
            _grant_legacy_role(person, by=by)
        _roles_changed(person)
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
) -> Person:
    """Who the person is; what the e-mails tell them is chosen on the notification settings
    (workgroups.services.notifications_set)."""
    if by.pk != person.user_id and not permissions.is_administrator(by):
        raise PermissionDenied(_("You can only edit your own profile."))
    with transaction.atomic():
        person.user.first_name, person.user.last_name = first_name, last_name
        person.user.save(update_fields=["first_name", "last_name"])
        person.job_title, person.phone = job_title, phone
        person.full_clean()
        person.save(update_fields=["job_title", "phone"])
    return person


# --- Sign-in addresses -------------------------------------------------------------------------


def account_email_ensure(*, user) -> None:
    """Records the account's address as its verified primary sign-in address (allauth's EmailAddress):
    sign-in and password reset find the account by it, a reset lifts the lockout of every address
    recorded, and two-factor setup requires the account's addresses to be verified. The invitation
    link that created the account was sent to that address, so it is verified."""
    from allauth.account.models import EmailAddress

    address = (user.email or "").strip().lower()
    if not address or EmailAddress.objects.filter(email=address, verified=True).exclude(user=user).exists():
        return
    with transaction.atomic():
        EmailAddress.objects.filter(user=user).exclude(email=address).update(primary=False)
        EmailAddress.objects.update_or_create(user=user, email=address, defaults={"verified": True, "primary": True})


def account_names_fill(*, user, first_name: str, last_name: str) -> None:
    """The first and last name an identity provider gave, where the account has none yet (an invitation
    that named nobody): a name the person or an administrator wrote is never replaced."""
    changed = []
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        value = (value or "").strip()[: user._meta.get_field(field).max_length]
        if value and not getattr(user, field).strip():
            setattr(user, field, value)
            changed.append(field)
    if changed:
        user.save(update_fields=changed)


def account_two_factor_off(*, user) -> int:
    """Removes the account's authenticator app and recovery codes (a person who lost both): signing in
    then needs the password alone, and whoever must use two-factor authentication is asked to set it
    up again at once. Returns how many authenticators were removed."""
    from allauth.mfa.models import Authenticator

    with transaction.atomic():
        removed, _detail = Authenticator.objects.filter(user=user).delete()
    logging.getLogger("portal.accounts").warning("Two-factor authentication turned off for account %s", user.pk)
    return removed


# --- Role assignments ------------------------------------------------------------------------


def legacy_assignments(person: Person, role: str) -> list[tuple[str, str, int]]:
    """The assignments that the single role of the first release stands for (as the data migration
    0006 made them): administrator of the cluster; coordinator (of no axis: axes are given on the
    roles screen); animator and exchange organiser of every club and exchange organiser of the
    cluster; member of their organisation."""
    if role == PersonRole.ADMINISTRATOR:
        return [(Role.ADMINISTRATOR, ScopeKind.CLUSTER, CLUSTER_ID)]
    if role == PersonRole.COORDINATOR:
        return [(Role.COORDINATOR, ScopeKind.CLUSTER, CLUSTER_ID)]
    if role == PersonRole.ORGANISER:
        clubs = scopes.all_ids(ScopeKind.CLUB)
        return [
            (Role.EXCHANGE_ORGANISER, ScopeKind.CLUSTER, CLUSTER_ID),
            *((Role.ANIMATOR, ScopeKind.CLUB, club) for club in clubs),
            *((Role.EXCHANGE_ORGANISER, ScopeKind.CLUB, club) for club in clubs),
        ]
    if role == PersonRole.MEMBER and person.organisation_id:
        return [(Role.MEMBER, ScopeKind.ORGANISATION, person.organisation_id)]
    return []


def person_assign_from_role(*, person: Person, by=None) -> None:
    """Grants what the person's single role stands for (legacy_assignments), those missing only:
    for people written without person_create (the demo's)."""
    with transaction.atomic():
        _grant_legacy_role(person, by=by)
        _roles_changed(person)


def _grant_legacy_role(person: Person, *, by) -> None:
    for role, kind, scope_id in legacy_assignments(person, person.role):
        if not RoleAssignment.objects.filter(person=person, role=role, scope_kind=kind, scope_id=scope_id).exists():
            _grant(person, role, kind, scope_id, by=by)


def _scope_label(kind: str, scope_id: int) -> str | None:
    if kind == ScopeKind.CLUSTER:
        return str(ScopeKind.CLUSTER.label) if scope_id == CLUSTER_ID else None
    return scopes.label(kind, scope_id)


def _log(person: Person, action: str, role: str, kind: str, scope_id: int, *, by) -> None:
    RoleChange.objects.create(
        person=person,
        action=action,
        role=role,
        scope_kind=kind,
        scope_id=scope_id,
        scope_label=(_scope_label(kind, scope_id) or f"{kind} {scope_id}")[:255],
        by=by if by is not None and by.is_authenticated else None,
    )


def _grant(person: Person, role: str, kind: str, scope_id: int, *, by) -> RoleAssignment:
    assignment = RoleAssignment.objects.create(
        person=person,
        role=role,
        scope_kind=kind,
        scope_id=scope_id,
        granted_by=by if by is not None and by.is_authenticated else None,
    )
    _log(person, RoleChangeAction.GRANTED, role, kind, scope_id, by=by)
    return assignment


def _withdraw(assignment: RoleAssignment, *, by) -> None:
    role, kind, scope_id = assignment.role, assignment.scope_kind, assignment.scope_id
    assignment.delete()
    _log(assignment.person, RoleChangeAction.WITHDRAWN, role, kind, scope_id, by=by)


def legacy_role(held_roles) -> str:
    """The single role that the assignments held amount to, kept in Person.role until it is dropped."""
    held = set(held_roles)
    if Role.ADMINISTRATOR in held:
        return PersonRole.ADMINISTRATOR
    if Role.COORDINATOR in held:
        return PersonRole.COORDINATOR
    if held & {Role.ANIMATOR, Role.EXCHANGE_ORGANISER}:
        return PersonRole.ORGANISER
    return PersonRole.MEMBER


def _roles_changed(person: Person) -> None:
    """Keeps Person.role and the role groups following the assignments, and forgets cached rights."""
    role = legacy_role(RoleAssignment.objects.filter(person=person).values_list("role", flat=True))
    if role != person.role:
        person.role = role
        person.save(update_fields=["role"])
    _sync_role_groups(person)
    permissions.forget(person.user)
    scopes.roles_changed(person)


def role_grant(*, person: Person, role: str, scope_kind: str, scope_id: int = CLUSTER_ID, by) -> RoleAssignment:
    """An administrator gives `person` the `role` in one scope; logged."""
    if not permissions.can_manage_roles(by):
        raise PermissionDenied(_("Only cluster administrators grant and withdraw roles."))
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    if scope_kind not in ROLE_SCOPE_KINDS[role]:
        raise ValidationError(
            _("The role “%(role)s” cannot be held in this kind of scope.") % {"role": Role(role).label}
        )
    try:
        scope_id = int(scope_id)
    except (TypeError, ValueError):
        raise ValidationError(_("Choose a scope.")) from None
    if _scope_label(scope_kind, scope_id) is None:
        raise ValidationError(_("This scope does not exist."))
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if RoleAssignment.objects.filter(person=person, role=role, scope_kind=scope_kind, scope_id=scope_id).exists():
            raise ValidationError(_("This person already holds this role in this scope."))
        assignment = _grant(person, role, scope_kind, scope_id, by=by)
        _roles_changed(person)
    return assignment


def role_withdraw(*, assignment: RoleAssignment, by) -> None:
    """An administrator takes one assignment back; logged. The cluster keeps at least one administrator."""
    if not permissions.can_manage_roles(by):
        raise PermissionDenied(_("Only cluster administrators grant and withdraw roles."))
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=assignment.person_id)
        assignment = RoleAssignment.objects.filter(pk=assignment.pk).first()
        if assignment is None:
            raise ValidationError(_("This role has already been withdrawn."))
        if (
            assignment.role == Role.ADMINISTRATOR
            and not RoleAssignment.objects.filter(role=Role.ADMINISTRATOR).exclude(pk=assignment.pk).exists()
        ):
            raise ValidationError(_("The cluster must keep at least one administrator."))
        _withdraw(assignment, by=by)
        _roles_changed(person)


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
    return _invitation_send(email=email, organisation=organisation, role=role, by=by, base_url=base_url)


def _invitation_send(*, email: str, organisation: Organisation, role: str, by, base_url: str) -> Invitation:
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
        context = {
            "invitation": invitation,
            "link": link,
            "inviter": by.get_full_name() or by.get_username(),
            "site_name": identity.site_name(),
        }
        template = "members/email/invitation.txt"
        if has_account:
            template = "members/email/invitation_existing_account.txt"
            context.update(link=site + reverse("members:login"), reset_link=site + reverse("members:password_reset"))
        transaction.on_commit(
            lambda: send_mail(
                subject=_("You are invited to join %(organisation)s on %(site_name)s")
                % {"organisation": organisation.name, "site_name": context["site_name"]},
                message=render_to_string(template, context),
                from_email=identity.from_email(),
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
        account_email_ensure(user=user)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


# --- The personal calendar's secret address --------------------------------------------------------


def calendar_address_renew(*, person: Person, by) -> str:
    """Makes the person's calendar address, or replaces it (the old one stops working at once);
    returns the secret token, which is not kept (only its hash)."""
    if not permissions.can_renew_calendar_address(by, person):
        raise PermissionDenied(_("You can only renew your own calendar address."))
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarAddress.objects.filter(person=person).delete()
        CalendarAddress.objects.create(person=person, token_hash=hashlib.sha256(token.encode()).hexdigest())
    return token


# --- A firm welcomed by its club -------------------------------------------------------------------


def organisation_welcome(
    *,
    by,
    club_id: int,
    organisation_fields: dict,
    emails: list[str],
    base_url: str,
    organisation: Organisation | None = None,
) -> tuple[Organisation, Membership]:
    """A firm that asked on the site to join a club, accepted by the club's animators (or an
    administrator): the organisation, its membership of the club and its people's invitations
    (members of their firm), in one step; the invitations' e-mails leave after commit.

    `organisation`: the firm is already in the directory (a prospect): it becomes the member, its
    record as it is (the fields asked are not written over what the animators know)."""
    if not permissions.can_welcome_to_club(by, club_id):
        raise PermissionDenied(_("Only the club's animators and the administrators welcome its new members."))
    unknown = set(organisation_fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organisation fields: {sorted(unknown)}")
    with transaction.atomic():
        if organisation is None:
            organisation = _save_organisation(Organisation(**organisation_fields))
        membership = _save_membership(
            Membership(organisation=organisation, club_id=club_id, status=MembershipStatus.ACTIVE,
                       started_on=timezone.localdate())
        )  # fmt: skip
        for email in dict.fromkeys(emails):
            _invitation_send(email=email, organisation=organisation, role=PersonRole.MEMBER, by=by, base_url=base_url)
    return organisation, membership
