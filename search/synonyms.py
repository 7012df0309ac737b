"""The French synonyms applied when searching (Elasticsearch's search analyser; documents are indexed
without them, so changing this list needs no rebuild of the documents, only of the index settings).

One rule per line, in Solr's format: "a, b, c" makes the words equivalent, "a => b" rewrites a into b.
Words are written in lower case without accents; the rules go through the same analysis as the
query (folded, stemmed), so "ordure" also covers "ordures"; multi-word synonyms are allowed
("chariot elevateur"). Keep each group narrow: a synonym widens
every search that contains it. An administrators' screen to edit them is a later step of issue #24.
"""

FRENCH_SYNONYMS = [
    "dechet, ordure, detritus",
    "recyclage, reemploi, reemployer",
    "invendu, surplus, excedent",
    "gaspi, gaspillage",
    "sst, sauveteur secouriste",
    "fenwick, chariot elevateur, transpalette",
    "frigo, frigorifique",
    "entrepot, stockage, hangar",
    "st, saint",
    "ste, sainte",
    "afterwork, after work",
    "covoit, covoiturage",
    "electricien, electricite",
    "marchandise, fret",
    "velo, bicyclette",
    "asso, association",
    "ess, economie sociale et solidaire",
]
