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

# --- portal/clubs --------------------------------------------------------------------------------


# --- knowledge/exchange --------------------------------------------------------------------------


# --- workgroups ----------------------------------------------------------------------------------
# Inside: a workgroup of the coordinator's axis, a commission of the animator's club, a workgroup the
# plain member belongs to. Axis coordinators and club animators read their scope's rooms and handle
# their requests without being members (the coordination of the axis or the club).
workgroups.axis_room.read                   NN    YN    YN    NN    NN    YY
workgroups.commission_room.read             NN    YN    NN    YN    NN    YY
workgroups.axis_room.connect                NN    YN    YN    NN    NN    YY
workgroups.commission_room.connect          NN    YN    NN    YN    NN    YY
workgroups.axis_room.approve_request        NN    NN    YN    NN    NN    YY
workgroups.commission_room.approve_request  NN    NN    NN    YN    NN    YY
workgroups.admin.workgroups.list_axis       NN    NN    YN    NN    NN    YY
workgroups.admin.workgroups.list_commission NN    NN    NN    YN    NN    YY
workgroups.admin.workgroups.add_axis        NN    NN    YN    NN    NN    YY
workgroups.admin.workgroups.add_commission  NN    NN    NN    YN    NN    YY
workgroups.admin.memberships.list_axis      NN    NN    YN    NN    NN    YY
workgroups.admin.memberships.list_commission NN   NN    NN    YN    NN    YY
workgroups.admin.memberships.export_axis    NN    NN    YN    NN    NN    YY
workgroups.admin.memberships.edit_axis      NN    NN    YN    NN    NN    YY
workgroups.admin.memberships.delete_axis    NN    NN    YN    NN    NN    YY
# The hole of the first release: a coordinator made herself coordinator of any workgroup in the admin.
workgroups.admin.memberships.coordinate_axis_group NN NN YN  NN    NN    YY
workgroups.admin.memberships.coordinate_commission NN NN NN  YN    NN    YY


# --- workgroups/plans ----------------------------------------------------------------------------


# --- knowledge -----------------------------------------------------------------------------------


# --- search --------------------------------------------------------------------------------------


# --- cms -----------------------------------------------------------------------------------------


# --- cms/events ----------------------------------------------------------------------------------


# --- cms/newsletters -----------------------------------------------------------------------------


# --- portal/privacy ------------------------------------------------------------------------------

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
