"""Who may do what with the newsletters. The admin screens (their lists, exports, forms and buttons)
and the services ask here.

A letter to an axis's workgroups is the business of that axis's coordinators, a letter to a club's
members or to the prospect firms of its zones (B2B) of that club's animators; a letter to every
member, to the public subscribers or to the prospect firms of any zone, and the subscribers
themselves, of the cluster's administrators, who may do everything. Who may read which
archived letter: `archive_filter`.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.permission_policies import BasePermissionPolicy

from portal.members.models import Role
from portal.members.permissions import ALL, is_administrator, scope_ids
from portal.members.scopes import CLUSTER_ID, ScopeKind

from .models import PROSPECT_AUDIENCES, Audience, Newsletter

# The audience of a scope's letters, the role that writes them and the letter's field naming the scope.
SCOPED_AUDIENCES = {
    Audience.AXIS: (Role.COORDINATOR, ScopeKind.AXIS, "axis"),
    Audience.CLUB: (Role.ANIMATOR, ScopeKind.CLUB, "club"),
    Audience.CLUB_PROSPECTS: (Role.ANIMATOR, ScopeKind.CLUB, "club"),
}


def _scopes(user, audience: str):
    role, kind, _field = SCOPED_AUDIENCES[audience]
    return scope_ids(user, role, kind)


def audiences_for(user) -> list[str]:
    """The audiences the user may write to: every one for administrators; an axis's workgroups for a
    coordinator of an axis; a club's members and its zones' prospect firms for an animator of a club."""
    if is_administrator(user):
        return list(Audience.values)
    return [audience for audience in SCOPED_AUDIENCES if _scopes(user, audience)]


def can_compose(user) -> bool:
    """Opens the newsletters' screens at all (their rows then follow `newsletters_visible`)."""
    return bool(audiences_for(user))


def can_manage_newsletter(user, newsletter: Newsletter) -> bool:
    """Edits, copies, deletes, previews, tests, sends and follows this letter."""
    if is_administrator(user):
        return True
    if newsletter.audience not in SCOPED_AUDIENCES:
        return False
    _role, _kind, field = SCOPED_AUDIENCES[newsletter.audience]
    scope_id = getattr(newsletter, f"{field}_id")
    return scope_id is not None and scope_id in _scopes(user, newsletter.audience)


def newsletters_visible(queryset: QuerySet, user) -> QuerySet:
    """The letters of `queryset` the user may manage (the admin's list, its exports, its views)."""
    if is_administrator(user):
        return queryset
    condition = Q(pk__in=[])
    for audience, (_role, _kind, field) in SCOPED_AUDIENCES.items():
        ids = _scopes(user, audience)
        if ids is ALL:
            condition |= Q(audience=audience)
        elif ids:
            condition |= Q(audience=audience, **{f"{field}_id__in": ids})
    return queryset.filter(condition)


def narrow_newsletter_form(form, user) -> None:
    """The form offers only the audiences, axes and clubs the user may write to."""
    if is_administrator(user):
        return
    allowed = audiences_for(user)
    fields = form.fields
    if "audience" in fields:
        fields["audience"].choices = [(value, label) for value, label in Audience.choices if value in allowed]
        if form.initial.get("audience") not in allowed and allowed:
            form.initial["audience"] = allowed[0]
    for audience, (_role, _kind, field) in SCOPED_AUDIENCES.items():
        if field not in fields:
            continue
        ids = _scopes(user, audience)
        if ids is not ALL:
            fields[field].queryset = fields[field].queryset.filter(pk__in=ids)
    if "zone" in fields:  # a zone's prospects, whatever club covers it: the administrators' only
        fields["zone"].queryset = fields["zone"].queryset.none()


def can_view_subscribers(user) -> bool:
    return is_administrator(user)


class NewsletterPermissionPolicy(BasePermissionPolicy):
    """What the Wagtail admin asks about letters (its menu, its views, its buttons), answered from the
    role assignments above rather than from Django's model permissions."""

    ACTIONS = frozenset({"add", "change", "delete", "view"})

    def user_has_permission(self, user, action):
        return action in self.ACTIONS and can_compose(user)

    def user_has_any_permission(self, user, actions):
        return bool(self.ACTIONS & set(actions)) and can_compose(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return action in self.ACTIONS and can_manage_newsletter(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = self.model._default_manager.all()
        return newsletters_visible(queryset, user) if self.ACTIONS & set(actions) else queryset.none()

    def users_with_any_permission(self, actions):
        if not self.ACTIONS & set(actions):
            return get_user_model().objects.none()
        writers = Q(is_superuser=True) | Q(
            person__role_assignments__role=Role.ADMINISTRATOR,
            person__role_assignments__scope_kind=ScopeKind.CLUSTER,
            person__role_assignments__scope_id=CLUSTER_ID,
        )
        for role, kind, _field in SCOPED_AUDIENCES.values():
            writers |= Q(person__role_assignments__role=role, person__role_assignments__scope_kind=kind)
        return get_user_model().objects.filter(writers, is_active=True).distinct()


def archive_filter(user) -> Q:
    """The sent letters `user` may read in the archive: those sent to the public or to prospect firms,
    for everyone; those sent to members (of the cluster, an axis or a club) only by the people they
    were delivered to. Administrators read every letter."""
    if is_administrator(user):
        return Q()
    # Letters to prospect firms are about their professional activity and reach firms without an
    # account: the "read it in your browser" link must open for them.
    public = Q(audience__in=[Audience.SUBSCRIBERS, *PROSPECT_AUDIENCES])
    if not user or not user.is_authenticated or not user.is_active or not user.email:
        return public
    return public | Q(deliveries__email__iexact=user.email)
