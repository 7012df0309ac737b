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
# The personal calendar's secret address (#21) is its owner's: made and renewed from the profile.
members.account.calendar_address           NN    YY    YY    YY    YY    YY

# --- portal/clubs --------------------------------------------------------------------------------
# Animators work on their clubs (and the zones these cover: prospects, imports, growth); stages and
# boards are theirs, mergers and the cluster's own surveys the administrators'.
clubs.club.backoffice                      NN    NN    NN    YN    NN    YY
clubs.club.stage                           NN    NN    NN    YN    NN    YY
clubs.club.merge                           NN    NN    NN    NN    NN    YY
# The path to autonomy (#20): the checklist, accompanying person and planned date are the club's
# animators'; the warning of a club staying too long in a stage is shown to those who follow it.
clubs.club.autonomy                        NN    NN    NN    YN    NN    YY
clubs.overview.stage_warning               NN    NN    NN    YN    NN    YY
# How long a club may stay in a stage before that warning is the cluster's (Settings → Clubs).
clubs.settings.stage_limit                 NN    NN    NN    NN    NN    YY
clubs.prospects.list                       NN    NN    NN    YN    NN    YY
clubs.prospects.contact                    NN    NN    NN    YN    NN    YY
clubs.prospects.file                       NN    NN    NN    YN    NN    YY
clubs.prospects.log                        NN    NN    NN    YN    NN    YY
clubs.prospects.plan                       NN    NN    NN    YN    NN    YY
# A firm's objection to prospecting (#18), told to an animator of its zone's club: recorded on its file.
clubs.prospects.objection                  NN    NN    NN    YN    NN    YY
clubs.calls.today                          NN    NN    NN    YN    NN    YY
clubs.calls.overdue                        NN    NN    NN    YN    NN    YY
clubs.calls.sheet                          NN    NN    NN    YN    NN    YY
clubs.calls.export                         NN    NN    NN    YN    NN    YY
clubs.campaigns.list                       NN    NN    NN    YN    NN    YY
clubs.campaigns.start                      NN    NN    NN    YN    NN    YY
clubs.campaigns.see                        NN    NN    NN    YN    NN    YY
clubs.campaigns.record                     NN    NN    NN    YN    NN    YY
# Invitations by e-mail (#18): what the campaign invites to, the sending and the "remind now" button.
clubs.campaigns.invite                     NN    NN    NN    YN    NN    YY
clubs.campaigns.send                       NN    NN    NN    YN    NN    YY
clubs.campaigns.remind                     NN    NN    NN    YN    NN    YY
# A firm filling the public join form looks its own SIRET up in the register (one exact SIRET, anyone).
clubs.join.register_lookup                 YY    YY    YY    YY    YY    YY
clubs.join.requests                        NN    NN    NN    YN    NN    YY
clubs.join.accept                          NN    NN    NN    YN    NN    YY
clubs.join.refuse                          NN    NN    NN    YN    NN    YY
clubs.imports.upload                       NN    NN    NN    YN    NN    YY
clubs.imports.progress                     NN    NN    NN    YN    NN    YY
clubs.imports.rerun                        NN    NN    NN    YN    NN    YY
clubs.surveys.list                         NN    NN    NN    YN    NN    YY
clubs.surveys.open                         NN    NN    NN    YN    NN    YY
clubs.surveys.open_cluster                 NN    NN    NN    NN    NN    YY
clubs.surveys.see                          NN    NN    NN    YN    NN    YY
clubs.surveys.see_cluster                  NN    NN    NN    NN    NN    YY
clubs.surveys.results                      NN    NN    NN    YN    NN    YY
clubs.surveys.export                       NN    NN    NN    YN    NN    YY
clubs.surveys.publish                      NN    NN    NN    YN    NN    YY
clubs.surveys.publish_page                 NN    NN    NN    YN    NN    YY
clubs.surveys.email                        NN    NN    NN    YN    NN    YY
clubs.growth.dashboard                     NN    NN    NN    YN    NN    YY
# The dashboard's club by club table (#18), this year or a past one: the clubs the user animates.
clubs.growth.club_figures                  NN    NN    NN    YN    NN    YY
clubs.admin.clubs.list                     NN    NN    YY    YN    YN    YY
clubs.admin.clubs.export                   NN    NN    YY    YN    YN    YY
clubs.admin.clubs.edit                     NN    NN    NN    NN    NN    YY
clubs.admin.board.list                     NN    NN    NN    YN    NN    YY
clubs.admin.board.add_choices              NN    NN    NN    YN    NN    YY
clubs.admin.board.edit                     NN    NN    NN    YN    NN    YY
clubs.admin.history.list                   NN    NN    NN    YN    NN    YY
clubs.admin.growth_targets.list            NN    NN    NN    YN    NN    YY
clubs.admin.growth_targets.edit            NN    NN    NN    NN    NN    YY
# A club's own target (#18) is listed to its animators, edited by the administrators.
clubs.admin.growth_targets.club_list       NN    NN    NN    YN    NN    YY
clubs.admin.growth_targets.club_edit       NN    NN    NN    NN    NN    YY
clubs.admin.prospects.list                 NN    NN    NN    YN    NN    YY
clubs.admin.prospects.export               NN    NN    NN    YN    NN    YY
clubs.admin.prospects.add_choices          NN    NN    NN    YN    NN    YY
clubs.admin.prospects.edit                 NN    NN    NN    YN    NN    YY
clubs.admin.prospect_files.list            NN    NN    NN    YN    NN    YY
clubs.admin.prospect_files.export          NN    NN    NN    YN    NN    YY
clubs.admin.prospect_files.add_choices     NN    NN    NN    YN    NN    YY
clubs.admin.prospect_files.edit            NN    NN    NN    YN    NN    YY
clubs.admin.imports.list                   NN    NN    NN    YN    NN    YY
clubs.admin.imports.inspect                NN    NN    NN    YN    NN    YY
clubs.admin.surveys.list                   NN    NN    NN    YN    NN    YY
clubs.admin.surveys.add_choices            NN    NN    NN    YN    NN    YY
clubs.admin.surveys.add_cluster            NN    NN    NN    NN    NN    YY
clubs.admin.surveys.edit                   NN    NN    NN    YN    NN    YY
clubs.admin.surveys.delete                 NN    NN    NN    YN    NN    YY
clubs.admin.surveys.history                NN    NN    NN    YN    NN    YY
# Campaigns and membership requests in the admin (#18): listed, exported and opened by their
# club's animators; a request is answered there (edit) through the services.
clubs.admin.campaigns.list                 NN    NN    NN    YN    NN    YY
clubs.admin.campaigns.export               NN    NN    NN    YN    NN    YY
clubs.admin.campaigns.inspect              NN    NN    NN    YN    NN    YY
clubs.admin.campaigns.edit                 NN    NN    NN    YN    NN    YY
clubs.admin.join_requests.list             NN    NN    NN    YN    NN    YY
clubs.admin.join_requests.export           NN    NN    NN    YN    NN    YY
clubs.admin.join_requests.inspect          NN    NN    NN    YN    NN    YY
clubs.admin.join_requests.edit             NN    NN    NN    YN    NN    YY
clubs.admin.join_requests.answer           NN    NN    NN    YN    NN    YY
# The objections to prospecting (#18) are listed for the administrators only (every club's prospects).
clubs.admin.objections.list                NN    NN    NN    NN    NN    YY
clubs.admin.objections.add                 NN    NN    NN    NN    NN    NN


# --- knowledge/exchange --------------------------------------------------------------------------
# A club's sessions are run by its exchange organisers and its animators (those of the cluster run
# every session); members act for their own firm (its sheets, registration, workbook, synergies).
exchange.sheets.see_closed                 NN    YN    NN    YN    YN    YY
exchange.sheets.edit                       NN    YN    NN    YN    YN    YY
exchange.sheets.file_for_firm              NN    YN    NN    YN    YN    YY
exchange.sessions.manage                   NN    NN    NN    YN    YN    YY
# Sessions are planned and run from the organisers' screens on the site, not only the admin (#19).
exchange.sessions.create                   NN    NN    NN    YN    YN    YY
exchange.sessions.edit                     NN    NN    NN    YN    YN    YY
exchange.sessions.registrations_toggle     NN    NN    NN    YN    YN    YY
exchange.sessions.agenda                   NN    NN    NN    YN    YN    YY
# Calling a planned morning off (its agenda entry says so) is its organisers' only.
exchange.sessions.cancel                   NN    NN    NN    YN    YN    YY
# On the agenda a firm registers itself, whoever holds the form (inside: registrations open; outside:
# closed by the organisers).
exchange.agenda.register_firm              YN    YN    YN    YN    YN    YN
exchange.sessions.register_firm            NN    YN    NN    YN    YN    YY
exchange.sessions.seating                  NN    NN    NN    YN    YN    YY
exchange.sessions.print                    NN    NN    NN    YN    YN    YY
exchange.sessions.live                     NN    NN    NN    YN    YN    YY
exchange.rounds.advance                    NN    NN    NN    YN    YN    YY
exchange.tables.screen                     NN    NN    NN    YN    YN    YY
exchange.tables.facilitator                NN    NN    NN    YN    YN    YY
exchange.interests.record                  NN    NN    NN    YN    YN    YY
exchange.interests.list                    NN    YN    NN    YN    YN    YY
exchange.session.websocket                 NN    NN    NN    YN    YN    YY
exchange.workbooks.page                    NN    NN    NN    YN    YN    YY
exchange.workbooks.organiser               NN    NN    NN    YN    YN    YY
exchange.workbooks.zip                     NN    NN    NN    YN    YN    YY
exchange.workbooks.firm                    NN    YN    NN    YN    YN    YY
exchange.satisfaction.results              NN    NN    NN    YN    YN    YY
exchange.synergies.list                    NN    YN    NN    YN    YN    YY
exchange.synergies.edit                    NN    NN    NN    YN    YN    YY
exchange.synergies.create                  NN    YN    NN    YN    YN    YY
exchange.objectives.dashboard              NN    YY    YY    YY    YY    YY
exchange.admin.sheets.list                 NN    NN    NN    YN    YN    YY
exchange.admin.sheets.add_choices          NN    NN    NN    YN    YN    YY
exchange.admin.sheets.edit                 NN    NN    NN    YN    YN    YY
exchange.admin.sheets.delete               NN    NN    NN    YN    YN    YY
exchange.admin.sessions.list               NN    NN    NN    YN    YN    YY
exchange.admin.sessions.add_choices        NN    NN    NN    YN    YN    YY
exchange.admin.sessions.add_cluster        NN    NN    NN    NN    NN    YY
exchange.admin.sessions.edit               NN    NN    NN    YN    YN    YY
exchange.admin.registrations.list          NN    NN    NN    YN    YN    YY
exchange.admin.registrations.add_choices   NN    NN    NN    YN    YN    YY
exchange.admin.interests.list              NN    NN    NN    YN    YN    YY
exchange.admin.synergies.list              NN    NN    NN    YN    YN    YY
exchange.admin.synergies.add_choices       NN    NN    NN    YN    YN    YY
exchange.admin.objectives.list             NN    NN    NN    YN    YN    YY
exchange.admin.objectives.add_choices      NN    NN    NN    YN    YN    YY
exchange.admin.satisfaction.list           NN    NN    NN    YN    YN    YY
# Firms without an account act through their own link (#19): the session's organisers send, print
# and revoke the links and type in paper sheets; a link opens its firm's sheets, whoever holds it,
# and never another firm's.
exchange.links.page                        NN    NN    NN    YN    YN    YY
exchange.links.send                        NN    NN    NN    YN    YN    YY
exchange.links.revoke                      NN    NN    NN    YN    YN    YY
exchange.sheets.paper_entry                NN    NN    NN    YN    YN    YY
exchange.firm_link.edit_sheet              YN    YN    YN    YN    YN    YN
exchange.readiness.page                    NN    NN    NN    YN    YN    YY
exchange.readiness.remind                  NN    NN    NN    YN    YN    YY
# After the morning (#19): each YES is a potential synergy followed up (status, next step, dated notes,
# what it brought) by the organisers and animators of its club only; the firms read their own.
exchange.followup.session_list             NN    NN    NN    YN    YN    YY
exchange.followup.open_from_yes            NN    NN    NN    YN    YN    YY
exchange.followup.update                   NN    NN    NN    YN    YN    YY
exchange.followup.note                     NN    NN    NN    YN    YN    YY
exchange.admin.synergies.edit              NN    NN    NN    YN    YN    YY
exchange.workbooks.send                    NN    NN    NN    YN    YN    YY
exchange.satisfaction.paper_entry          NN    NN    NN    YN    YN    YY
# The funnel's figures name no firm (sessions, years, clubs): every member reads any club's, as the
# objectives' dashboard.
exchange.results.page                      NN    YY    YY    YY    YY    YY
exchange.results.export                    NN    YY    YY    YY    YY    YY
# A matching suggestion (an offer and a need of two firms) is decided by the firms through their links,
# or by the organisers of either firm.
exchange.suggestions.decide                NN    NN    NN    YN    YN    YY


# --- workgroups ----------------------------------------------------------------------------------
# Inside: a workgroup of the coordinator's axis, a commission of the animator's club, a workgroup the
# plain member belongs to. A discussion is its members' only, whoever leads the workgroup: axis
# coordinators and club animators (the coordination) join their scope's workgroups at once, set who is
# in them and who coordinates them, and handle their requests.
workgroups.axis_room.read                   NN    YN    NN    NN    NN    NN
workgroups.commission_room.read             NN    YN    NN    NN    NN    NN
workgroups.axis_room.connect                NN    YN    NN    NN    NN    NN
workgroups.commission_room.connect          NN    YN    NN    NN    NN    NN
workgroups.axis_group.join_at_once          NN    NN    YN    NN    NN    YY
workgroups.commission.join_at_once          NN    NN    NN    YN    NN    YY
workgroups.coordination.create_axis_group   NN    NN    YN    NN    NN    YY
workgroups.coordination.create_commission   NN    NN    NN    YN    NN    YY
workgroups.coordination.manage_axis_group   NN    NN    YN    NN    NN    YY
workgroups.coordination.manage_commission   NN    NN    NN    YN    NN    YY
workgroups.coordination.archive_axis_group  NN    NN    YN    NN    NN    YY
workgroups.coordination.set_role_axis_group NN    NN    YN    NN    NN    YY
workgroups.coordination.set_role_commission NN    NN    NN    YN    NN    YY
workgroups.coordination.add_member_axis_group NN  NN    YN    NN    NN    YY
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
# Notification choices (#21): one's own, whoever one is (inside and outside are the same page); a
# membership of someone else sent in the form is never changed.
workgroups.notifications.settings           NN    YY    YY    YY    YY    YY
workgroups.notifications.others_membership  NN    NN    NN    NN    NN    NN
# A club's commission is open to that club's member firms only (its animators and administrators
# join it too); an axis's workgroup to everybody (#20).
workgroups.commission.join_open             NN    YN    NN    YN    NN    YY
# Meetings, minutes, decisions, tasks and files are pages of the room: its members read them (the
# plain member is in the inside one only); inside a workgroup every actor is a plain member of, its
# meetings are planned, their minutes written, decisions and tasks recorded by the coordination of its
# axis or club (and by its own facilitators and coordinators).
workgroups.meetings.read                    NN    YN    NN    NN    NN    NN
workgroups.meetings.file_download           NN    YN    NN    NN    NN    NN
workgroups.meetings.plan_axis_group         NN    NN    YN    NN    NN    YY
workgroups.meetings.plan_commission         NN    NN    NN    YN    NN    YY
workgroups.meetings.minutes_axis_group      NN    NN    YN    NN    NN    YY
workgroups.meetings.decide_commission       NN    NN    NN    YN    NN    YY
workgroups.meetings.task_commission         NN    NN    NN    YN    NN    YY
# A participatory process is set up by administrators, who name the people running it (none of the
# world's roles: inside and outside are two processes); they and administrators lead its themed rooms.
workgroups.process_room.manage              NN    NN    NN    NN    NN    YY
workgroups.admin.processes.list             NN    NN    NN    NN    NN    YY
# A process's page (diagnosis, events, rooms) is every signed-in member's; its tables are imported and
# its workshops' decisions read by the people running it and administrators.
workgroups.process.read                     NN    YY    YY    YY    YY    YY
workgroups.process.import_table             NN    NN    NN    NN    NN    YY
workgroups.process.see_decisions            NN    NN    NN    NN    NN    YY


# --- workgroups/plans ----------------------------------------------------------------------------
# Inside: a plan (an issue) of the coordinator's axis or the animator's club.
plans.axis_plan.progress_update             NN    NN    YN    NN    NN    YY
plans.club_plan.progress_update             NN    NN    NN    YN    NN    YY
plans.axis_plan.private_detail              NN    NN    YN    NN    NN    YY
plans.club_plan.private_detail              NN    NN    NN    YN    NN    YY
plans.admin.plans.list_axis                 NN    NN    YN    NN    NN    YY
plans.admin.plans.list_club                 NN    NN    NN    YN    NN    YY
plans.admin.actions.add_axis                NN    NN    YN    NN    NN    YY
plans.admin.actions.add_club                NN    NN    NN    YN    NN    YY
plans.admin.actions.export_axis             NN    NN    YN    NN    NN    YY
plans.admin.issues.list_club                NN    NN    NN    YN    NN    YY
plans.admin.plans.add_axis                  NN    NN    YN    NN    NN    YY
plans.coordination.create_axis_plan         NN    NN    YN    NN    NN    YY
plans.coordination.create_club_plan         NN    NN    NN    YN    NN    YY
plans.coordination.plan_from_axis_room      NN    NN    YN    NN    NN    YY
plans.coordination.plan_from_club_room      NN    NN    NN    YN    NN    YY
plans.coordination.edit_axis_plan           NN    NN    YN    NN    NN    YY
plans.coordination.action_add_axis_plan     NN    NN    YN    NN    NN    YY
plans.coordination.action_add_club_plan     NN    NN    NN    YN    NN    YY
plans.coordination.action_edit_axis_plan    NN    NN    YN    NN    NN    YY
plans.coordination.action_delete_axis_plan  NN    NN    YN    NN    NN    YY
# Plans that move from the site (#20): an action's dated update from the plan's page, publishing a
# draft; a draft is its leaders' alone, even when marked public.
plans.axis_plan.record_progress             NN    NN    YN    NN    NN    YY
plans.club_plan.record_progress             NN    NN    NN    YN    NN    YY
plans.axis_plan.publish                     NN    NN    YN    NN    NN    YY
plans.club_plan.publish                     NN    NN    NN    YN    NN    YY
plans.axis_plan.draft_detail                NN    NN    YN    NN    NN    YY
plans.club_plan.draft_detail                NN    NN    NN    YN    NN    YY
# The board is every member's; the firms that answered a club's survey are named only to those who
# read the survey's answers (the hole of the first release: named to every signed-in member).
plans.issues.board                          NN    YY    YY    YY    YY    YY
plans.issues.survey_firm_names              NN    NN    NN    YN    NN    YY
plans.issues.edit_club_issue                NN    NN    NN    YN    NN    YY
plans.issues.edit_axis_issue                NN    NN    YN    NN    NN    YY
plans.issues.from_survey                    NN    NN    NN    YN    NN    YY


# --- knowledge -----------------------------------------------------------------------------------
# Inside: a record of the coordinator's axis, or of the plain member's organisation. Reviewers are the
# coordinators of the record's axis; a published record moved to another axis waits for that axis's
# review unless its mover reviews it (the hole of the first release: it stayed published there).
knowledge.review.list                       NN    NN    YN    NN    NN    YY
knowledge.review.publish                    NN    NN    YN    NN    NN    YY
knowledge.review.request_changes            NN    NN    YN    NN    NN    YY
knowledge.draft.edit                        NN    YN    YN    NN    NN    YY
knowledge.published.edit                    NN    NN    YN    NN    NN    YY
knowledge.published.move_keeps_publication  NN    NN    NN    NN    NN    YY
knowledge.published.move_back_to_review     NN    NN    YN    NN    NN    NN
knowledge.transfers                         NN    NN    YY    NN    NN    YY
knowledge.admin.list                        NN    NN    NN    NN    NN    YY
# The feed of new best practices (#21) is public: a record for members never goes out in it.
knowledge.feed.members_only_record          NN    NN    NN    NN    NN    NN


# --- search --------------------------------------------------------------------------------------
# A workgroup's messages are found by its members only (as its discussion is read).
search.messages.axis_group                  NN    YN    NN    NN    NN    NN
search.messages.commission                  NN    YN    NN    NN    NN    NN
# A record waiting for review is found by the reviewers of its axis and the people of its organisation.
search.best_practices.in_review             NN    YN    YN    NN    NN    YY
# The searches made (no one in them, #24): a coordinator reads those of their axis (its filters or its
# results), administrators all of them, members nobody's.
search.report                               NN    NN    YN    NN    NN    YY
search.report_export                        NN    NN    YN    NN    NN    YY
# The synonyms widen every member's searches: the administrators keep them (one list, the cluster's).
search.admin.synonyms.list                  NN    NN    NN    NN    NN    YY
search.admin.synonyms.add                   NN    NN    NN    NN    NN    YY
search.admin.synonyms.delete                NN    NN    NN    NN    NN    YY


# --- cms -----------------------------------------------------------------------------------------
# Wagtail: each axis's pages are its coordinators', each club's page (and its news and events) its
# animators'; they write, administrators publish. Images and documents live in one collection per
# axis and per club: its people upload there and choose from there.
cms.page.edit_axis_page                    NN    NN    YN    NN    NN    YY
cms.page.explore_axis_page                 NN    NN    YN    NN    NN    YY
cms.page.add_axis_news                     NN    NN    YN    NN    NN    YY
cms.page.edit_axis_news                    NN    NN    YN    NN    NN    YY
cms.page.publish_axis_news                 NN    NN    NN    NN    NN    YY
cms.page.news_axis_choice                  NN    NN    YN    NN    NN    YY
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
# An axis's and a club's news feeds (#21) carry public news only, whoever asks.
cms.feeds.axis_members_only_news           NN    NN    NN    NN    NN    NN
cms.feeds.club_members_only_news           NN    NN    NN    NN    NN    NN
# The directory's map of the business parks (#17) is public: each listed member firm shows on it
# (its marker and its zone's popup); a firm that did not agree to be listed never does, whoever asks.
cms.directory.map_listed_firm              YY    YY    YY    YY    YY    YY
cms.directory.map_unlisted_firm            NN    NN    NN    NN    NN    NN


# --- cms/events ----------------------------------------------------------------------------------
# An event belongs to the axis or the club under whose page it is (else to the axis it names, else to
# the cluster); an exchange session's registrations are also its club's exchange organisers'.
events.page.add_axis_event                 NN    NN    YN    NN    NN    YY
events.page.add_club_event                 NN    NN    NN    YN    NN    YY
events.page.add_axis_series                NN    NN    YN    NN    NN    YY
events.page.add_club_series                NN    NN    NN    YN    NN    YY
events.registrations.axis_event            NN    NN    YN    NN    NN    YY
events.registrations.club_event            NN    NN    NN    YN    NN    YY
events.registrations.exchange_session      NN    NN    NN    YN    YN    YY
events.attendance.axis_event               NN    NN    YN    NN    NN    YY
events.attendance.club_event               NN    NN    NN    YN    NN    YY
events.export.axis_event                   NN    NN    YN    NN    NN    YY
events.export.club_event                   NN    NN    NN    YN    NN    YY
events.followup.axis_event                 NN    NN    YN    NN    NN    YY
events.followup.club_event                 NN    NN    NN    YN    NN    YY
# A date (of a series or not) is cancelled or moved by the same people; its registrants are told.
events.date.cancel_axis_event              NN    NN    YN    NN    NN    YY
events.date.cancel_club_event              NN    NN    NN    YN    NN    YY
events.date.move_axis_event                NN    NN    YN    NN    NN    YY
events.date.move_club_event                NN    NN    NN    YN    NN    YY
# Large events: the name badges (PDF) and the check-in at the door (badge code or tablet list).
events.badges.axis_event                   NN    NN    YN    NN    NN    YY
events.badges.club_event                   NN    NN    NN    YN    NN    YY
events.check_in.axis_event                 NN    NN    YN    NN    NN    YY
events.check_in.club_event                 NN    NN    NN    YN    NN    YY
# The satisfaction questionnaire: its summary is read, and it is sent, by the same people.
events.feedback_summary.axis_event         NN    NN    YN    NN    NN    YY
events.feedback_summary.club_event         NN    NN    NN    YN    NN    YY
# Subscriptions (#21): one's own calendar at its secret address (no cookie needed); a renewed
# address answers 404 to anyone, its owner too. The axes' and clubs' calendars carry public events
# only, whoever asks (a members-only event of the scope never goes out).
events.personal_calendar.own_address       NN    YY    YY    YY    YY    YY
events.personal_calendar.renewed_address   NN    NN    NN    NN    NN    NN
events.feeds.axis_members_only_event       NN    NN    NN    NN    NN    NN
events.feeds.club_members_only_event       NN    NN    NN    NN    NN    NN


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
# Letters to prospect firms (#18, B2B): a club's prospects are its animators' audience (their own
# club's only); a zone's prospects, whatever club covers it, the administrators'.
newsletters.add.club_prospects_audience    NN    NN    NN    YY    NN    YY
newsletters.add.zone_prospects_audience    NN    NN    NN    NN    NN    YY
newsletters.edit.club_prospects_letter     NN    NN    NN    YN    NN    YY
newsletters.send.club_prospects_letter     NN    NN    NN    YN    NN    YY
newsletters.progress.club_prospects_letter NN    NN    NN    YN    NN    YY
newsletters.edit.zone_prospects_letter     NN    NN    NN    NN    NN    YY
newsletters.send.zone_prospects_letter     NN    NN    NN    NN    NN    YY


# --- portal/privacy ------------------------------------------------------------------------------


# --- api -----------------------------------------------------------------------------------------
# A personal token reads as its owner, never more: inside is the owner's own (a workgroup they are an
# active member of, their organisation's sheet, their token), outside another one of the same kind.
# The personal endpoints answer 401 without a token: anonymous never reads them.
api.token.create                           NN    YY    YY    YY    YY    YY
api.token.revoke                           NN    YN    YN    YN    YN    YN
api.workgroup.messages                     NN    YN    YN    YN    YN    YN
api.me.registrations                       NN    YN    YN    YN    YN    YN
api.me.meetings                            NN    YN    YN    YN    YN    YN
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
