"""Clients of the public services outside the portal, one small module each.

`http.get_json` is the one door out: a timeout, a size cap and one exception, `ServiceDown`, carrying
a message a person can read (in French) whatever went wrong (refused connection, slow answer, busy,
server error, an answer that is not JSON). Callers show that message and carry on: an outside
service being down never loses a write of the portal.

- company_register: the public "Recherche d'entreprises" API (no key): a firm by SIRET or name;
- address_base: the national address base (BAN): an address → a point.

Tests point both at recorded answers served on loopback (tests/portal/outside/recorded.py): the
test settings aim them at a port where nothing listens, so no test reaches the network.
"""
