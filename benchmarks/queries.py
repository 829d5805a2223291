"""The fixed queries, of every kind the query language has, and their translations for peers.

Every query is written in docscope's language (Whoosh's). Its FTS5 and tantivy forms are
derived here; a kind a peer cannot express gets ``None`` and is left out of that peer's
figures (fuzzy terms and entity fields for FTS5; entity fields, fuzzy terms and wildcards for
tantivy's query parser; fuzzy, title and entity queries for ripgrep, which has no fields).
The terms come from the corpora themselves: every one occurs in the BBC set, which news40k
and news100k contain; the seeds list uses the words of the two seed articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = (
    "one term",
    "several terms",
    "phrase",
    "boolean",
    "wildcard",
    "fuzzy",
    "title:",
    "entity field",
)

NEWS: tuple[tuple[str, str], ...] = (
    ("one term", "government"),
    ("one term", "election"),
    ("one term", "economy"),
    ("one term", "music"),
    ("one term", "film"),
    ("one term", "football"),
    ("one term", "mobile"),
    ("one term", "internet"),
    ("one term", "oil"),
    ("one term", "chelsea"),
    ("one term", "terrorism"),
    ("one term", "said"),
    ("several terms", "oil prices"),
    ("several terms", "interest rates rise"),
    ("several terms", "mobile phone market"),
    ("several terms", "world cup final"),
    ("several terms", "stock market shares"),
    ("several terms", "tax cuts budget"),
    ("several terms", "film award"),
    ("several terms", "broadband internet users"),
    ("phrase", '"prime minister"'),
    ("phrase", '"interest rates"'),
    ("phrase", '"chief executive"'),
    ("phrase", '"general election"'),
    ("phrase", '"human rights"'),
    ("phrase", '"mobile phone"'),
    ("phrase", '"world cup"'),
    ("boolean", "labour OR conservative"),
    ("boolean", "oil NOT prices"),
    ("boolean", "(film OR music) AND award"),
    ("boolean", "blair AND brown"),
    ("boolean", "economy NOT china"),
    ("boolean", "apple OR microsoft"),
    ("boolean", "football AND (chelsea OR arsenal)"),
    ("wildcard", "tax*"),
    ("wildcard", "econom*"),
    ("wildcard", "terror*"),
    ("wildcard", "elect*"),
    ("wildcard", "comput*"),
    ("fuzzy", "elction~"),
    ("fuzzy", "goverment~"),
    ("fuzzy", "footbal~"),
    ("fuzzy", "telephne~"),
    ("fuzzy", "minster~"),
    ("title:", "title:election"),
    ("title:", "title:chelsea"),
    ("title:", "title:oil"),
    ("title:", 'title:"prime minister"'),
    ("title:", "title:microsoft"),
    ("title:", "title:economy growth"),
    ("entity field", 'person:"Tony Blair"'),
    ("entity field", 'person:"Gordon Brown"'),
    ("entity field", 'person:"Michael Howard"'),
    ("entity field", "org:Microsoft"),
    ("entity field", 'org:"European Union"'),
    ("entity field", "place:London"),
    ("entity field", "place:China"),
    ("entity field", 'person:"Tony Blair" election'),
)

SEEDS: tuple[tuple[str, str], ...] = (
    ("one term", "korea"),
    ("one term", "china"),
    ("one term", "cooperation"),
    ("one term", "trade"),
    ("one term", "apec"),
    ("one term", "security"),
    ("one term", "economic"),
    ("one term", "dialogue"),
    ("one term", "innovation"),
    ("one term", "peninsula"),
    ("one term", "semiconductor"),
    ("one term", "shanghai"),
    ("several terms", "south korea"),
    ("several terms", "free trade negotiations"),
    ("several terms", "regional development"),
    ("several terms", "economic cooperation"),
    ("several terms", "supply chains"),
    ("several terms", "global economic recovery"),
    ("several terms", "market access"),
    ("several terms", "security dialogue"),
    ("phrase", '"south korea"'),
    ("phrase", '"xi jinping"'),
    ("phrase", '"free trade"'),
    ("phrase", '"north korea"'),
    ("phrase", '"asia-pacific"'),
    ("phrase", '"trading partner"'),
    ("phrase", '"global times"'),
    ("boolean", "china OR korea"),
    ("boolean", "trade NOT security"),
    ("boolean", "(apec OR dialogue) AND cooperation"),
    ("boolean", "xi AND lee"),
    ("boolean", "korea NOT apec"),
    ("boolean", "russia OR japan"),
    ("boolean", "trade AND (china OR korea)"),
    ("wildcard", "econom*"),
    ("wildcard", "cooperat*"),
    ("wildcard", "trad*"),
    ("wildcard", "region*"),
    ("wildcard", "secur*"),
    ("fuzzy", "cooperaton~"),
    ("fuzzy", "koera~"),
    ("fuzzy", "econmic~"),
    ("fuzzy", "dialouge~"),
    ("fuzzy", "shanghi~"),
    ("title:", "title:korea"),
    ("title:", "title:china"),
    ("title:", "title:pivotal"),
    ("title:", 'title:"south korea"'),
    ("title:", "title:lujiazui"),
    ("title:", "title:china cooperation"),
    ("entity field", 'person:"Xi Jinping"'),
    ("entity field", 'person:"Lee Jae-myung"'),
    ("entity field", 'person:"Kim Hong-kyun"'),
    ("entity field", "org:APEC"),
    ("entity field", 'org:"Global Times"'),
    ("entity field", "place:China"),
    ("entity field", "place:Shanghai"),
    ("entity field", 'person:"Xi Jinping" trade'),
)


@dataclass(frozen=True)
class Query:
    """One benchmark query and its forms for the peers (None: no equivalent)."""

    kind: str
    text: str
    fts5: str | None
    tantivy: str | None
    ripgrep: object | None
    """A small tree: ("word", regex) | ("and"|"or"|"not", left, right)."""


def queries_for(corpus: str) -> list[Query]:
    table = SEEDS if corpus == "seeds" else NEWS
    return [
        Query(kind, text, to_fts5(kind, text), to_tantivy(kind, text), to_ripgrep(kind, text))
        for kind, text in table
    ]


def to_fts5(kind: str, text: str) -> str | None:
    """FTS5's language has docscope's words, phrases, AND/OR/NOT, parentheses, ``prefix*``
    and ``column:``; it has no fuzzy terms and no entity fields."""
    if kind in ("fuzzy", "entity field"):
        return None
    # A hyphenated phrase word is two tokens in both; FTS5 needs them in one quoted phrase.
    return text


def to_tantivy(kind: str, text: str) -> str | None:
    """tantivy's parser takes AND/OR, phrases and ``field:``; NOT is written ``-word`` (and
    ``a NOT b`` as ``a AND -b``); its prefix and fuzzy forms need options of their own."""
    if kind in ("fuzzy", "entity field", "wildcard"):
        return None
    return re.sub(r"\bNOT\s+", "AND -", text)


_TOKEN = re.compile(r'\(|\)|"[^"]*"|[^\s()"]+')


def to_ripgrep(kind: str, text: str) -> object | None:
    """A tree of regular expressions for ``rg``, which searches lines of files: words match
    their stem as a prefix (``govern\\w*``, like stemming), phrases allow any space between
    words, wildcards keep their prefix. Fuzzy terms and fields have no equivalent."""
    if kind in ("fuzzy", "entity field", "title:"):
        return None
    tokens = _TOKEN.findall(text)
    position = 0

    def expression() -> object:
        nonlocal position
        left = operand()
        while position < len(tokens) and tokens[position] != ")":
            operator = tokens[position]
            if operator in ("AND", "OR", "NOT"):
                position += 1
            else:
                operator = "AND"
            right = operand()
            left = (operator.lower(), left, right)
        return left

    def operand() -> object:
        nonlocal position
        token = tokens[position]
        position += 1
        if token == "(":
            inner = expression()
            position += 1  # ")"
            return inner
        if token.startswith('"'):
            words = token.strip('"').replace("-", " ").split()
            return ("word", r"\b" + r"\W+".join(_word(w) for w in words))
        if token.endswith("*"):
            return ("word", r"\b" + re.escape(token[:-1].lower()) + r"\w*")
        return ("word", r"\b" + _word(token))

    return expression()


def _word(word: str) -> str:
    """A word as a regex matching its other forms: its Porter stem, then any letters."""
    from search.schema import stem_word

    stem = stem_word(word.lower())
    return re.escape(stem[:-1] if len(stem) > 3 else stem) + r"\w*"
