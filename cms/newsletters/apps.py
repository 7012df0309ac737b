from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "cms.newsletters"
    label = "newsletters"
    verbose_name = _("Newsletters")

    def ready(self):
        from portal import demo as portal_demo

        from . import demo

        portal_demo.register("newsletters", demo.step, order=90)
        from wagtail.permissions import register_permission_policy

        from portal.members.models import PersonRole
        from portal.members.roles import grant

        from . import privacy, sources
        from .models import Newsletter
        from .permissions import NewsletterPermissionPolicy

        sources.register_defaults()
        privacy.register()
        # The clubs' prospecting e-mails (campaigns, survey links) offer this app's one-click objection.
        from portal.clubs import objections

        from .models import PROSPECTS_KEY
        from .services import prospects_objected, unsubscribe_url

        objections.register(lambda email: unsubscribe_url(email, PROSPECTS_KEY))
        objections.on_objection(prospects_objected)
        # Who writes which letter follows the role assignments (permissions.py), not model permissions.
        register_permission_policy(Newsletter, NewsletterPermissionPolicy(Newsletter))
        # The public subscribers (names and e-mails) are the administrators' only.
        grant(PersonRole.ADMINISTRATOR, "newsletters.view_subscriber")
