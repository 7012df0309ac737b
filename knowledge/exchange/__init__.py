"""The Bourse d'échanges (resource exchange), an app of its own inside knowledge/ (label "exchange")."""
