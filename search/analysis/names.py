"""Name keys, preferred display forms and title stripping: pure string work, no spaCy.

The library groups entities across documents by ``entity_key``, so the key decides what counts
as "the same name": spelling noise (case, hyphens, dots, a leading "the", a possessive) must not
split one entity in two, and the common short forms of a few countries and organisations
("US", "U.S.", "America") must land on one key. Everything here is deterministic and cheap,
because it runs for every mention of every document.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Canonical key -> (display name, other spellings). Every spelling is passed through the same
# normalisation as any name, so "U.S." and "U.S" need only be written once as "us".
_ALIASES: dict[str, tuple[str, tuple[str, ...]]] = {
    "unitedstates": (
        "United States",
        ("US", "USA", "United States of America", "America"),
    ),
    "southkorea": ("South Korea", ("ROK", "Republic of Korea", "S. Korea")),
    "northkorea": (
        "North Korea",
        ("DPRK", "Democratic People's Republic of Korea", "N. Korea"),
    ),
    "unitedkingdom": ("United Kingdom", ("UK", "Britain", "Great Britain")),
    "china": ("China", ("PRC", "People's Republic of China", "mainland China")),
    "russia": ("Russia", ("Russian Federation",)),
    "unitednations": ("United Nations", ("UN",)),
    "europeanunion": ("European Union", ("EU",)),
    "unitedarabemirates": ("United Arab Emirates", ("UAE",)),
    "worldtradeorganization": (
        "World Trade Organization",
        ("WTO", "World Trade Organisation"),
    ),
    # Not "WHO": "The Who" is a band, and a defined "(WHO)" is joined within its document.
    "worldhealthorganization": ("World Health Organization", ("World Health Organisation",)),
    "internationalmonetaryfund": ("International Monetary Fund", ("IMF",)),
    "nato": (
        "NATO",
        ("North Atlantic Treaty Organization", "North Atlantic Treaty Organisation"),
    ),
}

_ORGANISATIONS = frozenset(
    {
        "unitednations",
        "europeanunion",
        "worldtradeorganization",
        "worldhealthorganization",
        "internationalmonetaryfund",
        "nato",
    }
)

# Written-out honorifics and offices that precede a person's name. Several words chain
# ("Vice Foreign Minister", "Prime Minister"), so a title is a run of these words.
_TITLE_WORDS = frozenset(
    """
    mr mrs ms miss mx dr prof professor sir dame lord lady sen senator rep representative gov
    governor lt col gen maj capt cmdr adm sgt cpl pvt
    president vice premier chancellor prime minister secretary deputy foreign defence defense
    finance interior home state general chief executive ceo cfo coo chairman chairwoman chair
    chairperson director ambassador envoy spokesman spokeswoman spokesperson king queen prince
    princess pope cardinal bishop archbishop rev reverend father sheikh emir sultan mayor judge
    justice attorney commissioner crown former acting late incoming outgoing then-president
    coach manager captain striker midfielder defender goalkeeper boss leader lawmaker mp mep
    councillor alderman
    """.split()
)

_POST_NOMINALS = frozenset("QC KC MP MEP MSP OBE MBE CBE KBE DBE".split())
"""Letters written after a person's name ("Guy Mansfield QC"): no more part of it than "Mr"."""

_TITLE_JOINERS = frozenset({"of", "for", "the"})
_QUALIFIER = re.compile(
    r"(?:South|North|East|West|New|[A-Z]{2,3}|[A-Z][a-z]+(?:an|ese|ish|i|ic|ch))"
)
"""Words that may stand before a title: directions, short country codes and demonyms."""

_SPACE = re.compile(r"\s+")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s?$")


def _normalise(name: str) -> str:
    """NFKC, accents folded, casefolded, one space between words, no "the" or possessive."""
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    text = _LEADING_THE.sub("", text)
    if text.endswith(("'s", "’s")) or (text.endswith(("s'", "s’")) and len(text) > 2):
        text = _POSSESSIVE.sub("", text)
    return text


def _squash(text: str) -> str:
    """Letters, digits and currency signs only; a decimal point between digits is kept."""
    kept = []
    last = len(text) - 1
    for i, c in enumerate(text):
        if c.isalnum() or unicodedata.category(c) == "Sc":
            kept.append(c)
        elif c == "." and 0 < i < last and text[i - 1].isdigit() and text[i + 1].isdigit():
            kept.append(c)
    return "".join(kept)


def _build_alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, (display, spellings) in _ALIASES.items():
        for form in (display, *spellings):
            index[_squash(_normalise(form))] = canonical
        index[canonical] = canonical
    return index


_ALIAS_INDEX = _build_alias_index()


@lru_cache(maxsize=65536)
def entity_key(name: str) -> str:
    """The cross-document identity of a name: equal keys are one entity.

    NFKC and accent folding, casefolding, no leading "the", no trailing possessive, and no
    spaces or punctuation, so "Yoon Suk-yeol" and "Yoon Suk Yeol", "U.N." and "UN" meet; then
    the alias table maps common short forms ("US", "ROK", "UK") onto their full name's key.
    Digits keep a decimal point between them so "$1.5bn" and "$15bn" stay apart. Idempotent.
    """
    squashed = _squash(_normalise(name))
    return _ALIAS_INDEX.get(squashed, squashed)


def display_name(key: str) -> str | None:
    """The preferred way to show an aliased name ("United States" for "US"), else None."""
    canonical = _ALIAS_INDEX.get(key)
    if canonical is None:
        return None
    return _ALIASES[canonical][0]


def alias_label(key: str) -> str | None:
    """The spaCy label of an aliased name ("GPE" for a country, "ORG" for the UN), else None.

    The small model often tags "US" as an organisation and "UN" as a place; for the names in
    the alias table the answer is known, so the label is fixed rather than voted.
    """
    canonical = _ALIAS_INDEX.get(key)
    if canonical is None:
        return None
    return "ORG" if canonical in _ORGANISATIONS else "GPE"


def strip_title(name: str) -> str:
    """``name`` without the honorifics and offices before it: "President Lee" -> "Lee".

    Titles are not part of a person's identity ("President Lee" and "Lee Jae-myung" are one
    person), but a lone title is all there is to keep, so it is returned unchanged. A title
    may come after a nationality ("South Korean President Yoon", "US Secretary of State").
    Post-nominal letters after a name of two or more words go too ("Guy Mansfield QC").
    """
    words = name.split()
    while len(words) > 2 and words[-1].rstrip(",.") in _POST_NOMINALS:
        words = words[:-1]
        name = " ".join(words)
    index = 0
    stripped = 0  # words up to the last title word seen
    while index < len(words) - 1:
        word = words[index]
        if is_title_word(word):
            index += 1
            stripped = index
        elif (
            stripped
            and word.casefold() in _TITLE_JOINERS
            and index + 2 < len(words)
            and is_title_word(words[index + 1])
        ):
            index += 2  # "Secretary of State", "Minister for Trade"
            stripped = index
        elif _QUALIFIER.fullmatch(word):
            index += 1  # "South Korean", "US": only stripped if a title follows
        else:
            break
    rest = words[stripped:]
    if not stripped or all(is_title_word(w) or w.casefold() in _TITLE_JOINERS for w in rest):
        return name.strip()
    return " ".join(rest)


def is_title_word(word: str) -> bool:
    """Whether ``word`` is an honorific or office ("Mr", "President", "Minister")."""
    plain = word.casefold().rstrip(".").replace("’", "'")
    if plain.startswith(("ex-", "vice-")):
        plain = plain.split("-", 1)[1]
    return plain in _TITLE_WORDS


GENERATIONS = frozenset({"jr", "sr", "ii", "iii", "iv"})
"""Keys of the name parts that make a father and a son two people ("Jr.", "Sr.", "II")."""

_INITIAL = re.compile(r"(?:[A-Z]\.?-?)+")
"""A middle initial or initials: "J.", "J", "H.W.", "H. W."."""


def loose_person_key(name: str) -> str:
    """A person's key without titles and middle initials: "President Donald J. Trump" and
    "Donald Trump" -> "donaldtrump", "James B. Comey" and "James Comey" -> "jamescomey".

    For joining one person's spellings across documents (``entity_key`` keeps them apart, as
    it must for names in general). "Jr."/"Sr." stay, so a son never meets his father; but two
    people who differ only by a middle initial ("George H. W. Bush", "George W. Bush") meet
    here, so a caller should join on this key only where the documents leave no doubt.
    """
    words = strip_title(name).split()
    suffix = words[-1:] if len(words) > 2 and entity_key(words[-1]) in GENERATIONS else []
    core = words[: len(words) - len(suffix)]
    if len(core) > 2:
        core = [core[0], *(w for w in core[1:-1] if not _INITIAL.fullmatch(w)), core[-1]]
    return entity_key(" ".join(core + suffix))
