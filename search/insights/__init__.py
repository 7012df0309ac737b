"""What the searches made tell the cluster: the searches that found nothing, those whose results
nobody followed, and the most searched words, for the coordinators (their axis) and administrators.

An app of its own nested in search/: search/ logs the searches and imports no app; this one reads the
log with the portal's scopes (portal.members), registers it in the privacy policy and its retention
(portal.privacy), and knows the axes (workgroups).
"""
