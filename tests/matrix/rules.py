"""Who may do what: the single statement of the portal's permission rules.

One line per action. Each role column holds two letters: may the role do the action to an object
INSIDE the scope it holds (its axis, its club, its organisation, the cluster), then to one OUTSIDE it
(another axis, club or organisation): Y allowed, N refused. tests/matrix/kit.py builds the world
and the actors; tests/matrix/probes/ holds one probe per action, which tries it for real (a page,
an admin list or form, a chooser, an export, a websocket connect, a search).

Columns: anonymous, member (of org_in, a member firm of club_in), coordinator (of axis_in), animator
(of club_in), exchange organiser (of club_in's sessions), cluster administrator.

Each app keeps its own section (merges stay clean): add lines inside your section only.
"""

TABLE = """
# action                                   anon  memb  coord anim  orga  admin

# --- portal/members ------------------------------------------------------------------------------
members.roles.admin_screen                 NN    NN    NN    NN    NN    YY
members.organisation.edit                  NN    YN    NN    NN    NN    YY
members.register.lookup                    NN    YY    YY    YY    YY    YY
members.account.password_change            NN    YY    YY    YY    YY    YY
members.account.two_factor_setup           NN    YY    YY    YY    YY    YY
members.account.pages_without_two_factor   NN    YY    NN    NN    NN    NN

# --- portal/clubs --------------------------------------------------------------------------------


# --- knowledge/exchange --------------------------------------------------------------------------


# --- workgroups ----------------------------------------------------------------------------------


# --- workgroups/plans ----------------------------------------------------------------------------


# --- knowledge -----------------------------------------------------------------------------------


# --- search --------------------------------------------------------------------------------------


# --- cms -----------------------------------------------------------------------------------------
# Wagtail: each axis's pages are its coordinators', each club's page (and its news and events) its
# animators'; they write, administrators publish. Images and documents live in one collection per
# axis and per club: its people upload there and choose from there.
cms.page.edit_axis_page                    NN    NN    YN    NN    NN    YY
cms.page.explore_axis_page                 NN    NN    YN    NN    NN    YY
cms.page.add_axis_news                     NN    NN    YN    NN    NN    YY
cms.page.edit_axis_news                    NN    NN    YN    NN    NN    YY
cms.page.publish_axis_news                 NN    NN    NN    NN    NN    YY
cms.page.edit_club_page                    NN    NN    NN    YN    NN    YY
cms.page.add_club_news                     NN    NN    NN    YN    NN    YY
cms.image.upload_axis                      NN    NN    YN    NN    NN    YY
cms.image.choose_axis                      NN    NN    YN    NN    NN    YY
cms.image.upload_club                      NN    NN    NN    YN    NN    YY
cms.image.choose_club                      NN    NN    NN    YN    NN    YY
cms.document.upload_axis                   NN    NN    YN    NN    NN    YY
cms.document.choose_axis                   NN    NN    YN    NN    NN    YY
cms.document.upload_club                   NN    NN    NN    YN    NN    YY
cms.document.choose_club                   NN    NN    NN    YN    NN    YY
cms.settings.site_identity                 NN    NN    NN    NN    NN    YY
cms.survey_results.publish                 NN    NN    NN    YN    NN    YY


# --- cms/events ----------------------------------------------------------------------------------
# An event belongs to the axis or the club under whose page it is (else to the axis it names, else to
# the cluster); an exchange session's registrations are also its club's exchange organisers'.
events.page.add_axis_event                 NN    NN    YN    NN    NN    YY
events.page.add_club_event                 NN    NN    NN    YN    NN    YY
events.registrations.axis_event            NN    NN    YN    NN    NN    YY
events.registrations.club_event            NN    NN    NN    YN    NN    YY
events.registrations.exchange_session      NN    NN    NN    YN    YN    YY
events.attendance.axis_event               NN    NN    YN    NN    NN    YY
events.attendance.club_event               NN    NN    NN    YN    NN    YY
events.export.axis_event                   NN    NN    YN    NN    NN    YY
events.export.club_event                   NN    NN    NN    YN    NN    YY
events.followup.axis_event                 NN    NN    YN    NN    NN    YY
events.followup.club_event                 NN    NN    NN    YN    NN    YY


# --- cms/newsletters -----------------------------------------------------------------------------
# A letter to an axis's workgroups is its coordinators', to a club's members its animators'; letters
# to every member or to the public subscribers, and the subscribers themselves, are administrators'.
newsletters.list.axis_letter               NN    NN    YN    NN    NN    YY
newsletters.list.club_letter               NN    NN    NN    YN    NN    YY
newsletters.add.axis_choice                NN    NN    YN    NN    NN    YY
newsletters.add.club_choice                NN    NN    NN    YN    NN    YY
newsletters.add.cluster_audience           NN    NN    NN    NN    NN    YY
newsletters.edit.axis_letter               NN    NN    YN    NN    NN    YY
newsletters.edit.club_letter               NN    NN    NN    YN    NN    YY
newsletters.edit.cluster_letter            NN    NN    NN    NN    NN    YY
newsletters.copy.axis_letter               NN    NN    YN    NN    NN    YY
newsletters.delete.club_letter             NN    NN    NN    YN    NN    YY
newsletters.preview.axis_letter            NN    NN    YN    NN    NN    YY
newsletters.test.club_letter               NN    NN    NN    YN    NN    YY
newsletters.send.axis_letter               NN    NN    YN    NN    NN    YY
newsletters.send.club_letter               NN    NN    NN    YN    NN    YY
newsletters.progress.club_letter           NN    NN    NN    YN    NN    YY
newsletters.subscribers.list               NN    NN    NN    NN    NN    YY


# --- portal/privacy ------------------------------------------------------------------------------


# --- api -----------------------------------------------------------------------------------------
# A personal token reads as its owner, never more: inside is the owner's own (a workgroup they are an
# active member of, their organisation's sheet, their token), outside another one of the same kind.
# The personal endpoints answer 401 without a token: anonymous never reads them.
api.token.create                           NN    YY    YY    YY    YY    YY
api.token.revoke                           NN    YN    YN    YN    YN    YN
api.workgroup.messages                     NN    YN    YN    YN    YN    YN
api.me.registrations                       NN    YN    YN    YN    YN    YN
api.me.sheets                              NN    YN    YN    YN    YN    YN
api.public.events                          YY    YY    YY    YY    YY    YY

"""


def rows() -> list[tuple[str, str, bool, bool]]:
    """(action, role, allowed inside, allowed outside) for every cell of the table."""
    from .kit import ROLES

    result = []
    for line in TABLE.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        action, *cells = line.split()
        if len(cells) != len(ROLES) or any(len(cell) != 2 or set(cell) - {"Y", "N"} for cell in cells):
            raise ValueError(f"bad matrix line: {line!r}")
        for role, cell in zip(ROLES, cells, strict=True):
            result.append((action, role, cell[0] == "Y", cell[1] == "Y"))
    return result
