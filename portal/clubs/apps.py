from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClubsConfig(AppConfig):
    name = "portal.clubs"
    label = "clubs"
    verbose_name = _("Clubs")

    def ready(self):
        from portal import demo as portal_demo

        from . import demo

        portal_demo.register("clubs", demo.step, order=20)
        from portal.members.models import PersonRole, Role
        from portal.members.roles import crud, grant

        from . import privacy  # what the privacy app exports and erases here

        privacy.register()

        from . import invitations  # what a campaign may invite to: the clubs' surveys (others register theirs)

        invitations.register_surveys()

        from portal.members import scopes

        from .models import Club

        scopes.register(scopes.ScopeKind.CLUB, **scopes.model_source(Club))

        grant(
            PersonRole.ADMINISTRATOR,
            *(
                name
                for model in (
                    "club",
                    "clubboardmember",
                    "clubstagechange",
                    "growthtarget",
                    "prospectcontact",
                    "prospectfile",
                    "survey",
                )
                for name in crud("clubs", model)
            ),
            "clubs.view_firmimport",
            "clubs.view_campaign",
            "clubs.change_campaign",
            "clubs.view_joinrequest",
            "clubs.change_joinrequest",
            "clubs.view_prospectingobjection",
            # The cluster's pace for its clubs (Settings → Clubs): the months before a stage warning.
            "clubs.change_clubsettings",
        )
        grant(PersonRole.COORDINATOR, "clubs.view_club")
        # The exchange organisers see the list of their clubs; the clubs' screens are the animators'
        # (each list and form narrowed to the person's clubs and zones by permissions.py).
        grant(PersonRole.ORGANISER, "clubs.view_club")
        grant(
            Role.ANIMATOR,
            "clubs.view_club",
            *(
                name
                for model in ("clubboardmember", "prospectcontact", "prospectfile", "survey")
                for name in crud("clubs", model)
            ),
            "clubs.view_clubstagechange",
            "clubs.view_growthtarget",
            "clubs.view_firmimport",
            # Their clubs' campaigns and membership requests (answered through the services, see wagtail_hooks).
            "clubs.view_campaign",
            "clubs.change_campaign",
            "clubs.view_joinrequest",
            "clubs.change_joinrequest",
        )
