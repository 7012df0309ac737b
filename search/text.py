"""French text analysis in Python, for the database backend where the database has none (SQLite).

The same steps as the Elasticsearch analyser, in a simpler form: elision (l', d', qu'…), lower case,
accent folding, French stop words and a minimal French stemmer (Savoy's, as Lucene's
FrenchMinimalStemmer: plurals and a few endings), so that "déchets", "Déchet" and "dechet" meet.
"""

import html
import re
import unicodedata

WORD = re.compile(r"\w+", re.UNICODE)

# French articles and pronouns that elide before a vowel: "l'économie" is "économie".
ELISIONS = frozenset({"l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"})

# The most common French words (accents folded), dropped from both documents and queries.
_STOP_WORDS = """
    a ai aie aient ait as au aux avec avons avez avait avaient c ce ceci cela celle celles celui ces
    cet cette d dans de des du elle elles en es est et etaient etait ete etre eu eux il ils j je l la
    le les leur leurs lui m ma mais me meme mes moi mon n ne nos notre nous on ont ou par pas pour qu
    que quel quelle quelles quels qui s sa sans se ses si son sont sur t ta te tes toi ton tu un une
    vos votre vous y
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


def fold(text: str) -> str:
    """Lower case without accents: "Déchets Œuvre" → "dechets oeuvre"."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def words(text: str) -> list[str]:
    """Folded words, elided articles removed ("l'Économie" → ["economie"])."""
    return [word for word in WORD.findall(fold(text)) if word not in ELISIONS]


def stem(word: str) -> str:
    """Savoy's minimal French stemmer: removes plural and a few inflection endings from long words."""
    if len(word) < 6:
        return word
    if word.endswith("x"):
        return word[:-3] + "al" if word.endswith("aux") else word[:-1]
    for ending in ("s", "r", "e"):
        if word.endswith(ending):
            word = word[:-1]
    if len(word) > 2 and word[-1] == word[-2] and word[-1].isalpha():
        word = word[:-1]
    return word


def terms(text: str) -> list[str]:
    """What is indexed and searched: stemmed words without stop words."""
    return [stem(word) for word in words(text) if word not in STOP_WORDS]


def term_column(text: str) -> str:
    """The stored form: terms between spaces, so " term " matches whole terms only."""
    found = terms(text)
    return f" {' '.join(found)} " if found else ""


def prefix_column(text: str) -> str:
    """Folded words between spaces (no stemming), for autocomplete: " word" matches word prefixes."""
    found = words(text)
    return f" {' '.join(found)} " if found else ""


def highlight(text: str, wanted: set[str], *, size: int = 220) -> str:
    """An HTML snippet of `text` around the first word whose term is wanted, that word and the next
    ones marked with <mark>; the text is escaped, so the marks are the only markup.

    With size=0 the whole text is returned (for titles).
    """
    matches = [m for m in WORD.finditer(text) if (w := fold(m.group())) not in STOP_WORDS and stem(w) in wanted]
    start, end = 0, len(text)
    if size and len(text) > size:
        first = matches[0].start() if matches else 0
        start = max(0, first - size // 4)
        # Start on a word boundary, and end on one.
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        end = min(len(text), start + size)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
    pieces, position = [], start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        pieces.append(html.escape(text[position : match.start()]))
        pieces.append(f"<mark>{html.escape(match.group())}</mark>")
        position = match.end()
    pieces.append(html.escape(text[position:end]))
    snippet = "".join(pieces).strip()
    if start > 0:
        snippet = "… " + snippet
    if end < len(text):
        snippet += " …"
    return snippet
