"""The members directory: organisations, business-park zones, memberships, people.

Clubs are portal/clubs' (a membership of a club names it by a string reference: this app never
imports that one)."""

import re

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import scopes
from .scopes import CLUSTER_ID, ScopeKind
from .validators import validate_naf, validate_organisation_slug, validate_siret


class OrganisationKind(models.TextChoices):
    COOPERATIVE = "cooperative", _("Cooperative (SCOP, SCIC…)")
    ASSOCIATION = "association", _("Association")
    MUTUAL = "mutual", _("Mutual")
    ESUS_COMPANY = "esus_company", _("ESUS-approved company")
    INTEGRATION_ENTERPRISE = "integration_enterprise", _("Work-integration enterprise")
    CLASSIC_FIRM = "classic_firm", _("Classic firm")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    UNIVERSITY = "university", _("University or research")
    CIVIL_SOCIETY = "civil_society", _("Civil-society group")


# INSEE legal categories (catégorie juridique, 4 digits) that say the kind outright; the first two
# digits suffice for most families. Cooperatives: SCOP, other cooperative SARL/SA, unions of cooperatives,
# agricultural cooperatives.
_COOPERATIVE_CATEGORIES = frozenset(
    {"5458", "5459", "5460", "5558", "5559", "5560", "5658", "5659", "5660", "6316", "6317", "6318"}
)
_CATEGORY_PREFIXES = {
    "92": OrganisationKind.ASSOCIATION,
    "82": OrganisationKind.MUTUAL,
    "72": OrganisationKind.LOCAL_AUTHORITY,
}


def kind_from_register(legal_category: str, ess: bool = False) -> str:
    """The kind an organisation of the business register most likely is, from its INSEE legal category
    and its ESS flag: 92xx associations, 82xx mutuals, 72xx local authorities, the cooperative forms;
    any other firm of the social and solidarity economy (a commercial company with ESS statutes or
    the ESUS approval) counts as an ESUS company, the rest as classic firms. People correct it."""
    category = (legal_category or "").strip()
    if category in _COOPERATIVE_CATEGORIES:
        return OrganisationKind.COOPERATIVE
    if category[:2] in _CATEGORY_PREFIXES:
        return _CATEGORY_PREFIXES[category[:2]]
    return OrganisationKind.ESUS_COMPANY if ess else OrganisationKind.CLASSIC_FIRM


# Social and solidarity economy (ESS) statuses, as opposed to classic firms and institutions.
SSE_KINDS = frozenset(
    {
        OrganisationKind.COOPERATIVE,
        OrganisationKind.ASSOCIATION,
        OrganisationKind.MUTUAL,
        OrganisationKind.ESUS_COMPANY,
        OrganisationKind.INTEGRATION_ENTERPRISE,
    }
)
# Small associations and informal groups often have no SIRET (no employee, no tax).
SIRET_OPTIONAL_KINDS = frozenset({OrganisationKind.ASSOCIATION, OrganisationKind.CIVIL_SOCIETY})


class Sector(models.TextChoices):
    """The three families the cluster compares (SSE and classic firms), derived from the kind."""

    SSE = "sse", _("Social economy")
    CLASSIC_FIRM = "classic_firm", _("Classic firm")
    OTHER = "other", _("Other organisation")

    @classmethod
    def of_kind(cls, kind: str) -> "Sector":
        if kind in SSE_KINDS:
            return cls.SSE
        return cls.CLASSIC_FIRM if kind == OrganisationKind.CLASSIC_FIRM else cls.OTHER

    def kind_filter(self, field: str = "kind") -> models.Q:
        """The condition on an organisation's kind (reached through `field`) that selects this sector."""
        sse = models.Q(**{f"{field}__in": SSE_KINDS})
        classic = models.Q(**{field: OrganisationKind.CLASSIC_FIRM})
        if self == Sector.SSE:
            return sse
        if self == Sector.CLASSIC_FIRM:
            return classic
        return ~(sse | classic)

    @classmethod
    def case(cls, field: str = "kind") -> models.Case:
        """The sector of the organisation whose kind is `field`, computed by the database."""
        return models.Case(
            *(models.When(s.kind_filter(field), then=models.Value(s.value)) for s in (cls.SSE, cls.CLASSIC_FIRM)),
            default=models.Value(cls.OTHER.value),
            output_field=models.CharField(),
        )


# An INSEE commune code: two digits (or 2A/2B for Corsica) then three digits.
COMMUNE_CODE = re.compile(r"(\d{2}|2[AB])\d{3}")


class HeadcountBand(models.TextChoices):
    """INSEE's employee-count bands (tranches d'effectif salarié)."""

    NONE = "0", _("No employee")
    B1_2 = "1-2", _("1 to 2 employees")
    B3_5 = "3-5", _("3 to 5 employees")
    B6_9 = "6-9", _("6 to 9 employees")
    B10_19 = "10-19", _("10 to 19 employees")
    B20_49 = "20-49", _("20 to 49 employees")
    B50_99 = "50-99", _("50 to 99 employees")
    B100_199 = "100-199", _("100 to 199 employees")
    B200_249 = "200-249", _("200 to 249 employees")
    B250_499 = "250-499", _("250 to 499 employees")
    B500_999 = "500-999", _("500 to 999 employees")
    B1000 = "1000+", _("1,000 employees or more")


class Located(models.Model):
    """A point on the map (WGS 84), from the company register or the national address base; empty
    until one of them placed it."""

    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        abstract = True

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Zone(Located):
    """A business park (parc d'activités)."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    commune = models.CharField(_("commune"), max_length=150)
    commune_codes = models.CharField(
        _("INSEE codes of its communes"),
        max_length=255,
        blank=True,
        help_text=_(
            "The communes the zone spreads over, by INSEE code (not the postcode), separated by commas: "
            "an import of the business register keeps the firms of these communes. Empty: the commune above."
        ),
    )
    firms_established = models.PositiveIntegerField(
        _("firms established"), default=0, help_text=_("Number of firms established on the zone, members or not.")
    )
    firms_established_on = models.DateField(
        _("firms established: counted on"),
        null=True,
        blank=True,
        help_text=_("The date of that number, e.g. of the business register extract it was counted from."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")

    def __str__(self):
        return self.name

    @property
    def commune_code_list(self) -> list[str]:
        return [code for code in (part.strip().upper() for part in self.commune_codes.split(",")) if code]

    def clean(self):
        bad = [code for code in self.commune_code_list if not COMMUNE_CODE.fullmatch(code)]
        if bad:
            raise ValidationError(
                {"commune_codes": _("“%(code)s” is not an INSEE commune code (five characters, e.g. 18033 or 2A004).")
                 % {"code": bad[0]}}
            )  # fmt: skip


class Organisation(Located):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, validators=[validate_organisation_slug])
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_("14 digits, on the Kbis or the INSEE notice. Optional for associations and groups without one."),
    )
    naf_code = models.CharField(
        _("NAF code"), max_length=6, blank=True, validators=[validate_naf], help_text=_("For example 62.01Z.")
    )
    headcount_band = models.CharField(_("headcount"), max_length=8, choices=HeadcountBand.choices, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    commune = models.CharField(_("commune"), max_length=150, blank=True)
    zone = models.ForeignKey(
        Zone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("zone"),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logo"),
    )
    in_public_directory = models.BooleanField(
        _("listed in the public directory"),
        default=False,
        help_text=_("The organisation agrees to appear in the public directory of members."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        # A zone's firms by name (its prospect list, its members) read in order, not sorted each time.
        indexes = [models.Index(fields=["zone", "name"], name="organisation_zone_name")]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~Q(siret=""),
                name="organisation_unique_siret",
                violation_error_code="duplicate_siret",
                violation_error_message=_("An organisation with this SIRET is already registered."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_sse(self) -> bool:
        return self.kind in SSE_KINDS

    @property
    def sector(self) -> Sector:
        return Sector.of_kind(self.kind)

    @property
    def siren(self) -> str:
        return self.siret[:9]

    def validate_constraints(self, exclude=None):
        # A conditional unique constraint reports on the whole form: show it under the SIRET field.
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict({})
            general = errors.pop(NON_FIELD_ERRORS, [])
            duplicates = [e for e in general if e.code == "duplicate_siret"]
            others = [e for e in general if e.code != "duplicate_siret"]
            if duplicates:
                errors.setdefault("siret", []).extend(duplicates)
            if others:
                errors[NON_FIELD_ERRORS] = others
            raise ValidationError(errors) from None

    def clean(self):
        if not self.siret and self.kind and self.kind not in SIRET_OPTIONAL_KINDS:
            raise ValidationError(
                {
                    "siret": _(
                        "A SIRET is required for this kind of organisation (only associations and groups may omit it)."
                    )
                }
            )


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left")


class Membership(models.Model):
    """An organisation's membership of the cluster (no club) or of one club."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    club = models.ForeignKey(
        "clubs.Club",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("club"),
        help_text=_("Leave empty for a membership of the cluster itself."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.PENDING
    )
    started_on = models.DateField(_("start date"), default=timezone.localdate)
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    fee_paid = models.BooleanField(_("fee paid"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-started_on", "organisation__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(club__isnull=True) & ~Q(status="left"),
                name="membership_one_current_in_cluster",
                violation_error_message=_(
                    "This organisation is already a member of the cluster (or has a pending request)."
                ),
            ),
            models.UniqueConstraint(
                fields=["organisation", "club"],
                condition=Q(club__isnull=False) & ~Q(status="left"),
                name="membership_one_current_per_club",
                violation_error_message=_(
                    "This organisation is already a member of this club (or has a pending request)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="membership_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=~Q(status="left") | Q(ended_on__isnull=False),
                name="membership_left_has_end_date",
                violation_error_message=_("A membership that has ended needs an end date."),
            ),
        ]

    def __str__(self):
        scope = self.club.name if self.club_id else _("the cluster")
        return f"{self.organisation} — {scope} ({self.get_status_display()})"


class PersonRole(models.TextChoices):
    MEMBER = "member", _("Member")
    COORDINATOR = "coordinator", _("Axis coordinator")
    ORGANISER = "organiser", _("Organiser")
    ADMINISTRATOR = "administrator", _("Cluster administrator")


class MessageNotifications(models.TextChoices):
    """What a person is told of a workgroup's discussion: each workgroup may override the general choice."""

    ALL = "all", _("All messages")
    MENTIONS = "mentions", _("Mentions of my name only")
    NONE = "none", _("Nothing")


class Person(models.Model):
    """The profile of a user: who they are in the cluster."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    role = models.CharField(
        _("role in the cluster"), max_length=16, choices=PersonRole.choices, default=PersonRole.MEMBER
    )
    handle = models.SlugField(
        _("handle"),
        max_length=80,
        unique=True,
        help_text=_("Used to mention the person in discussions, as @handle."),
    )
    receives_daily_digest = models.BooleanField(
        _("daily digest by e-mail"),
        default=True,
        help_text=_("A daily e-mail with the unread messages of my workgroups and the mentions of my name."),
    )
    message_notifications = models.CharField(
        _("workgroup notifications"),
        max_length=10,
        choices=MessageNotifications.choices,
        default=MessageNotifications.ALL,
        db_default=MessageNotifications.ALL,  # rows written by older code (a rolled-back migration test)
        help_text=_("What the e-mails tell me of my workgroups' discussions, unless a workgroup has its own choice."),
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    @property
    def full_name(self) -> str:
        return str(self)


class Role(models.TextChoices):
    """A role held in a scope (a RoleAssignment); several may be held at once."""

    ADMINISTRATOR = "administrator", _("Cluster administrator")
    COORDINATOR = "coordinator", _("Axis coordinator")
    ANIMATOR = "animator", _("Club animator")
    EXCHANGE_ORGANISER = "exchange_organiser", _("Exchange organiser")
    MEMBER = "member", _("Member")


# The kinds of scope each role may be held in. A coordinator "of the cluster" coordinates no axis:
# the form kept by the coordinators of the first release who had no axis yet (see the guide).
ROLE_SCOPE_KINDS: dict[str, tuple[str, ...]] = {
    Role.ADMINISTRATOR: (ScopeKind.CLUSTER,),
    Role.COORDINATOR: (ScopeKind.AXIS, ScopeKind.CLUSTER),
    Role.ANIMATOR: (ScopeKind.CLUB,),
    Role.EXCHANGE_ORGANISER: (ScopeKind.CLUB, ScopeKind.CLUSTER),
    Role.MEMBER: (ScopeKind.ORGANISATION,),
}


class ScopeNamed(models.Model):
    """A row naming a scope by kind and id; lists set `scope_name` for a page at once
    (selectors.scope_labels), else it is looked up (`scope_display`)."""

    scope_kind = models.CharField(_("kind of scope"), max_length=16, choices=ScopeKind.choices)
    scope_id = models.PositiveIntegerField(_("scope"), default=CLUSTER_ID)

    class Meta:
        abstract = True

    @property
    def scope_display(self) -> str:
        if self.scope_kind == ScopeKind.CLUSTER:
            return str(ScopeKind.CLUSTER.label)
        return scopes.label(self.scope_kind, self.scope_id) or f"{self.get_scope_kind_display()} {self.scope_id}"

    def _get_scope_name(self) -> str:
        return getattr(self, "_scope_name", None) or self.scope_display

    def _set_scope_name(self, value: str) -> None:
        self._scope_name = value

    _get_scope_name.short_description = _("scope")
    scope_name = property(_get_scope_name, _set_scope_name)


class RoleAssignment(ScopeNamed):
    """A person holds a role in one scope: the cluster (scope_id 0), an axis, a club, an organisation.

    The scope is named by its kind and id, so that this app needs no import of the apps that own
    axes and clubs; portal/members/scopes.py resolves its label."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    class Meta:
        ordering = ["person", "role", "scope_kind", "scope_id"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "role", "scope_kind", "scope_id"],
                name="roleassignment_one_per_person_role_scope",
                violation_error_message=_("This person already holds this role in this scope."),
            ),
        ]
        indexes = [models.Index(fields=["scope_kind", "scope_id"], name="roleassignment_scope")]

    def __str__(self):
        # scope_name: the name a list set for its whole page (selectors.scope_labels), else looked up.
        return f"{self.person} — {self.get_role_display()} ({self.scope_name})"


class RoleChangeAction(models.TextChoices):
    GRANTED = "granted", _("Granted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RoleChange(ScopeNamed):
    """The log of every grant and withdrawal: who changed whose role, in which scope, when."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="role_changes", verbose_name=_("person"))
    action = models.CharField(_("change"), max_length=10, choices=RoleChangeAction.choices)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    scope_label = models.CharField(_("scope name"), max_length=255, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")

    def __str__(self):
        return f"{self.get_action_display()}: {self.person} — {self.get_role_display()} ({self.scope_label})"


class Invitation(models.Model):
    """A one-time link inviting someone to join an organisation's account."""

    email = models.EmailField(_("e-mail"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    role = models.CharField(
        _("role in the cluster"), max_length=16, choices=PersonRole.choices, default=PersonRole.MEMBER
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.organisation}"


class CalendarAddress(models.Model):
    """The secret address of a person's own calendar feed (their registrations, their groups' meetings).

    Only the token's hash is kept: the address is shown once, when made; renewing it replaces the row,
    so the old address answers 404 at once."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="calendar_address", verbose_name=_("person")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal calendar address")
        verbose_name_plural = _("personal calendar addresses")

    def __str__(self):
        return str(self.person)
