"""factory-boy factories shared by the test suite."""

import factory
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from portal.clubs.models import Club
from portal.members.demo import fictional_siret
from portal.members.models import Membership, MembershipStatus, Organisation, OrganisationKind, Person, PersonRole, Zone
from workgroups.models import Axis, Message, Workgroup, WorkgroupMembership

PASSWORD = "correct-horse-battery-staple"


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    name = factory.Sequence(lambda n: f"Parc d'activités n°{n}")
    slug = factory.Sequence(lambda n: f"zone-{n}")
    commune = "Arvière"
    firms_established = 120


class ClubFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Club

    zone = factory.SubFactory(ZoneFactory)
    name = factory.Sequence(lambda n: f"Club d'entreprises n°{n}")
    slug = factory.Sequence(lambda n: f"club-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation n°{n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = OrganisationKind.CLASSIC_FIRM
    siret = factory.Sequence(lambda n: fictional_siret(500_000 + n))
    naf_code = "62.01Z"
    commune = "Arvière"
    in_public_directory = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    club = None
    status = MembershipStatus.ACTIVE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    username = factory.SelfAttribute("email")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = PersonRole.MEMBER
    handle = factory.Sequence(lambda n: f"membre-{n}")

    @factory.post_generation
    def role_assignments(obj, create, extracted, **kwargs):
        """The assignments the role stands for (as the services and the data migration give them),
        without the role groups: like the role field alone before, the factory puts nobody in a group."""
        if create:
            from portal.members.models import RoleAssignment
            from portal.members.services import legacy_assignments

            RoleAssignment.objects.bulk_create(
                RoleAssignment(person=obj, role=role, scope_kind=kind, scope_id=scope_id)
                for role, kind, scope_id in legacy_assignments(obj, obj.role)
            )


class AxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Axis

    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Axe thématique {n}")
    slug = factory.Sequence(lambda n: f"axe-{n}")


class WorkgroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workgroup

    axis = factory.SubFactory(AxisFactory)
    club = None
    name = factory.Sequence(lambda n: f"Groupe de travail n°{n}")
    slug = factory.Sequence(lambda n: f"groupe-{n}")
    description = "Un groupe de travail du pôle."


class WorkgroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkgroupMembership

    workgroup = factory.SubFactory(WorkgroupFactory)
    person = factory.SubFactory(PersonFactory)


class MessageFactory(factory.django.DjangoModelFactory):
    """A stored message with its workgroup's next sequence number, as services.message_send gives it."""

    class Meta:
        model = Message

    workgroup = factory.SubFactory(WorkgroupFactory)
    author = factory.SubFactory(PersonFactory)
    body = factory.Sequence(lambda n: f"Message n°{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        workgroup = kwargs["workgroup"]
        with transaction.atomic():
            Workgroup.objects.filter(pk=workgroup.pk).update(last_sequence=F("last_sequence") + 1)
            workgroup.last_sequence = Workgroup.objects.values_list("last_sequence", flat=True).get(pk=workgroup.pk)
            kwargs.setdefault("sequence", workgroup.last_sequence)
            return super()._create(model_class, *args, **kwargs)


def _now():
    from django.utils import timezone

    return timezone.now()


class BestPracticeFactory(factory.django.DjangoModelFactory):
    """A published, public record (no revision, no outbox row: use knowledge.services to test those)."""

    class Meta:
        model = "knowledge.BestPractice"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Bonne pratique n°{n}")
    slug = factory.Sequence(lambda n: f"bonne-pratique-{n}")
    summary = "Une action menée par un membre du pôle, à reproduire."
    body = "<p>Ce que nous avons fait.</p>"
    axis = factory.SubFactory(AxisFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = "published"
    visibility = "public"
    published_at = factory.LazyFunction(_now)

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set(extracted)


def make_coordinator(person: Person, *axes: Axis) -> Person:
    """`person` holds the coordinator role in each of `axes` (as an administrator grants it on the
    roles screen; without the role groups, like PersonFactory), and is listed among their coordinators."""
    from portal.members.models import Role, RoleAssignment
    from portal.members.permissions import forget
    from portal.members.scopes import ScopeKind

    for axis in axes:
        RoleAssignment.objects.get_or_create(
            person=person, role=Role.COORDINATOR, scope_kind=ScopeKind.AXIS, scope_id=axis.pk
        )
        axis.coordinators.add(person)
    forget(person.user)
    return person
