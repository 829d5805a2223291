"""Entity mentions: spaCy's spans cleaned up, then joined into one entity per name in a document.

The small English model gets the gist of news text right but its raw spans are noisy: "the"
and "'s" glued on, a heading swallowed across a paragraph break, "$" and "bn" left outside an
amount, a hyphenated Korean name missed altogether. A browser of entities shows every one of
these as a separate, odd-looking name, so each span is trimmed here (offsets stay exact:
``text[start:end] == mention.text``) and the mentions of one person ("Lee Jae-myung",
"President Lee", "Lee") are joined under the fullest form of the name.

The work is split in two so a long document analysed in pieces can be joined as a whole:
``clean_mentions`` (here) works on one spaCy ``Doc``, ``join_mentions``
(``entity_joining.py``) on all of a document's cleaned mentions.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from search.analysis.entity_joining import NAME_LABELS, CleanMention, join_mentions
from search.analysis.headlines import Headlines, find_headlines, trim_lowercase_edges
from search.analysis.label_rules import DROP, ruled_label, split_slashed
from search.analysis.names import alias_label, entity_key, is_title_word, strip_title
from search.analysis.results import EntityMention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span


_CURRENCY = "$£€¥₩₹"
_MONEY_PREFIX = re.compile(r"(?:[A-Z]{1,3})?[" + re.escape(_CURRENCY) + r"]$")
_MONEY_SUFFIX = re.compile(r"(?:bn|mn|m|k|tn|trn|p|b)\b")
_AMOUNT_JOIN = re.compile(
    r"\s+(?:and|or|to|-|–)\s+(?=(?:[A-Z]{1,3})?[" + re.escape(_CURRENCY) + r"])"
)
_SPACED_DASH = re.compile(r"\s+[-–—]\s+")
_LEADING_THE = re.compile(r"(?:the|The|THE)\s+")
_LEADING_NAME_JUNK = re.compile(r"(?:a|an|[a-z]{1,3}\.)\s+(?=[A-Z0-9])")
_NUMERIC = re.compile(r"[\d.,:/%-]*(?:bn|m|k|s|th|st|nd|rd)?")
_TRAILING_JUNK = ",;:!?-–—([{\"'“”‘’/\\|*&+=<>·•"
_TRAILING_WORDS = re.compile(
    r"\s+(?:of|and|for|the|in|to|at|on|with|by|from|or|a|an|as|&)$", re.IGNORECASE
)
_TRAILING_NUMBER = re.compile(r"\s+\d\S*$")
_ABBREVIATION_END = re.compile(r"(?:\b[A-Za-z]\.)+$|\b(?:Inc|Co|Corp|Ltd|Jr|Sr|St|Bros|Cos)\.$")
_PART_OF_NAME_THE = frozenset({"the hague", "the gambia", "the bahamas"})
_PART_OF_NAME_S = frozenset(
    {
        "sotheby's", "christie's", "mcdonald's", "sainsbury's", "moody's", "macy's", "lloyd's",
        "standard & poor's", "domino's", "wendy's", "kellogg's", "hershey's", "tesco's",
        "levi's", "dunkin'", "bonham's", "harrod's", "st john's", "st james's",
    }
)
_NOT_NAMES = frozenset({"ai"})
"""Keys the small model often tags as a place or organisation and which never are one."""

_INVERTED_CUES = frozenset({"Said", "Says", "Added", "Adds", "Continued", "Explained"})
"""Reporting verbs that open an inverted attribution ("Said Mr Fogg:")."""

_CLUB_WORDS = frozenset(
    "United City Rovers Rangers Athletic Albion Wanderers Hotspur Town County Argyle Orient FC AFC".split()
)
"""Last words of sports clubs' names ("Manchester United"), which the small model often tags
as a person: a "person" whose last word is one of these is an organisation."""

# A lowercase heading word glued to the next sentence: "new changesPresident Xi".
_GLUED_LOWER = re.compile(r"(?<![A-Za-z])[a-z]{3,}(?=[A-Z][a-z])")
# A Title Case heading word glued to a word that usually starts a sentence.
_GLUED_TITLE = re.compile(
    r"(?<![A-Za-z])[A-Z][a-z]{2,}(?=(?:The|This|These|That|In|On|At|As|For|With|A|An|It|"
    r"We|Our|But|And|After|Since|While|When|President|Currently|Today|Both)\b)"
    r"|(?<![A-Za-z])[A-Z][a-z]{4,}(?:s|ment|tion|ity|ing|ies|ship|ness|ance|ence)(?=[A-Z][a-z])"
)
_KOREAN_SURNAMES = (
    "Kim|Lee|Park|Choi|Jung|Jeong|Kang|Cho|Yoon|Yun|Jang|Lim|Han|Oh|Seo|Shin|Kwon|Hwang|Ahn|"
    "Song|Yoo|Hong|Jeon|Ko|Moon|Yang|Son|Bae|Baek|Heo|Nam|Roh|Ban|Chung|Rhee|Noh|Chun|Chang|Ryu"
)
# "Yoon Suk-yeol": a Korean surname and a hyphenated given name, which the model often misses.
_KOREAN_NAME = re.compile(
    r"\b(?:" + _KOREAN_SURNAMES + r") [A-Z][a-z]{1,5}-(?!(?:based|led|born|made|owned|listed|run|"
    r"backed|style|wide|era|type|like|level|linked|funded|focused|related|bound|free|only|"
    r"friendly|specific|controlled|registered)\b)[a-z]{1,6}\b"
)


def extract_mentions(doc: Doc) -> list[EntityMention]:
    """Every entity the pipeline found in ``doc``, cleaned and joined within the document."""
    return join_mentions(clean_mentions(doc))


# --- cleaning --------------------------------------------------------------------------------


def clean_mentions(doc: Doc) -> list[CleanMention]:
    """The document's entity spans, trimmed, fixed and supplemented; sorted by position."""
    text = doc.text
    spans = [(ent.start_char, ent.end_char, ent.label_, _sentence_breaks(ent)) for ent in doc.ents]
    spans = _add_korean_names(text, spans)
    headlines = find_headlines(text)
    found: list[CleanMention] = []
    for start, end, label, breaks in spans:
        for piece in _split_amounts(text, start, end, label):
            slashed = split_slashed(text, piece[0], piece[1], label)
            if len(slashed) > 1 and label == "LAW":
                label = "ORG"  # "Politico/Morning Consult": a poll's two makers, no law
            for a, b in slashed:
                mention = _clean_span(text, a, b, label, breaks, headlines)
                if mention is not None:
                    found.append(mention)
    found.sort(key=lambda m: m.start)
    return found


def _sentence_breaks(ent: Span) -> tuple[int, ...]:
    """Offsets inside ``ent`` where a sentence plainly ends and the parser starts another.

    The parser also splits after abbreviations ("U.S. Steel"), so a break counts only after
    "!", "?", ":" or ";", or after a full stop that ends a lowercase word ("talks.").
    """
    doc = ent.doc
    if len(ent) < 2 or not doc.has_annotation("SENT_START"):
        return ()
    breaks = []
    for i in range(ent.start + 1, ent.end):
        if doc[i].is_sent_start and _ends_sentence(doc, i):
            breaks.append(doc[i].idx)
    return tuple(breaks)


def _ends_sentence(doc: Doc, start: int) -> bool:
    """Whether the tokens before ``start`` close a sentence beyond doubt."""
    last = doc[start - 1].text
    if last in ("!", "?", ":", ";"):
        return True
    if last != "." or start < 2:
        return False
    word = doc[start - 2].text
    return len(word) > 1 and word.isalpha() and word.islower()


def _add_korean_names(
    text: str, spans: list[tuple[int, int, str, tuple[int, ...]]]
) -> list[tuple[int, int, str, tuple[int, ...]]]:
    """Add hyphenated Korean names the model missed, replacing the spans they overlap."""
    for match in _KOREAN_NAME.finditer(text):
        start, end = match.span()
        if any(s <= start and end <= e and label == "PERSON" for s, e, label, _ in spans):
            continue
        spans = [span for span in spans if span[1] <= start or span[0] >= end]
        spans.append((start, end, "PERSON", ()))
    return spans


def _split_amounts(text: str, start: int, end: int, label: str) -> list[tuple[int, int]]:
    """"US$5bn and £600m" is two amounts; a dash-separated "revenues - £160m" keeps the amount."""
    if label != "MONEY":
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    cursor = start
    for match in _AMOUNT_JOIN.finditer(text, start, end):
        pieces.append((cursor, match.start()))
        cursor = match.end()
    pieces.append((cursor, end))
    if len(pieces) > 1:
        pieces = [p for p in pieces if _has_amount(text[p[0] : p[1]])] or [(start, end)]
    result = []
    for a, b in pieces:
        dashes = list(_SPACED_DASH.finditer(text, a, b))
        if dashes:
            parts = [(a, dashes[0].start())]
            parts += [(m.end(), n.start()) for m, n in zip(dashes, dashes[1:])]
            parts.append((dashes[-1].end(), b))
            a, b = next((p for p in parts if any(c.isdigit() for c in text[p[0] : p[1]])), (a, b))
        result.append((a, b))
    return result


def _has_amount(chunk: str) -> bool:
    return any(c.isdigit() or c in _CURRENCY for c in chunk)


def _clean_span(
    text: str, start: int, end: int, label: str, breaks: tuple[int, ...], headlines: Headlines
) -> CleanMention | None:
    """Trim one span to a clean name, or None when nothing worth keeping is left."""
    segments = _segments(text, start, end, breaks)
    cleaned: list[tuple[bool, int, int]] = []
    for seg_start, seg_end, heading in segments:
        trimmed = _trim(text, seg_start, seg_end, label)
        if trimmed is not None:
            cleaned.append((heading, *trimmed))
    if not cleaned:
        return None
    body = [c for c in cleaned if not c[0]] or cleaned
    _, start, end = body[-1]
    if label in ("MONEY", "CARDINAL", "QUANTITY"):
        start, end, label = _fix_amount(text, start, end, label)
    headline = headlines.find(start, end) if headlines.spans else None
    if headline is not None and label in NAME_LABELS:
        start, end = trim_lowercase_edges(text, start, end)
    ruled = ruled_label(text, start, end, label)
    if ruled == DROP:
        return None
    label = ruled or label
    surface = text[start:end]
    key = entity_key(surface)
    if not key:
        return None
    if label in NAME_LABELS:
        if key in _NOT_NAMES:
            return None
        label = alias_label(key) or label
        if label == "PERSON" and len(surface.split()) > 1 and surface.split()[-1] in _CLUB_WORDS:
            label = "ORG"
        if label == "PERSON" and _inverted_cue(text, end, surface):
            return None
    titled = _titled(text, start, surface)
    acronym = _acronym_after(text, end, surface)
    return CleanMention(
        start, end, surface, label, acronym, titled, headline is not None,
        headline is not None and headline[2], ruled is not None,
    )


def _inverted_cue(text: str, end: int, surface: str) -> bool:
    """"Said" in "Said Mr Fogg:": a reporting verb put first, which the model reads as a name."""
    following = text[end : end + 30].split()
    return surface in _INVERTED_CUES and bool(following) and is_title_word(following[0])


def _segments(
    text: str, start: int, end: int, breaks: tuple[int, ...]
) -> list[tuple[int, int, bool]]:
    """Split a span at line breaks, sentence starts and glued headings.

    A segment that runs from the start of a line to a break is a heading the model swallowed
    (``heading`` is True): the name is in one of the other segments.
    """
    cuts: set[int] = set(breaks)
    chunk = text[start:end]
    for match in re.finditer(r"\s*\n\s*", chunk):
        cuts.add(start + match.start())
        cuts.add(start + match.end())
    for pattern in (_GLUED_LOWER, _GLUED_TITLE):
        for match in pattern.finditer(chunk):
            cuts.add(start + match.end())
    if not cuts:
        return [(start, end, False)]
    bounds = sorted(c for c in cuts if start < c < end)
    edges = [start, *bounds, end]
    segments = []
    for a, b in zip(edges, edges[1:]):
        if not text[a:b].strip():
            continue
        at_line_start = a == 0 or text[a - 1] == "\n" or (a == start and _line_start(text, a))
        segments.append((a, b, at_line_start and b < end))
    return segments


def _line_start(text: str, index: int) -> bool:
    line_start = text.rfind("\n", 0, index) + 1
    return not text[line_start:index].strip()


def _trim(text: str, start: int, end: int, label: str) -> tuple[int, int] | None:
    """Strip articles, possessives, dangling punctuation and words; None if nothing is left."""
    while True:
        before = (start, end)
        while start < end and not (text[start].isalnum() or text[start] in _CURRENCY):
            start += 1
        while start < end and text[end - 1].isspace():
            end -= 1
        chunk = text[start:end]
        the = _LEADING_THE.match(chunk)
        if the and chunk.casefold() not in _PART_OF_NAME_THE and the.end() < len(chunk):
            start += the.end()
            continue
        junk = _LEADING_NAME_JUNK.match(chunk) if label in NAME_LABELS else None
        if junk:
            start += junk.end()
            continue
        if chunk.endswith(("'s", "’s")) and _normal(chunk) not in _PART_OF_NAME_S:
            end -= 2
            continue
        opening = chunk.rfind("(")
        if opening > 0 and ")" not in chunk[opening:]:
            end = start + opening
            continue
        if chunk.endswith(")") and chunk.count("(") < chunk.count(")"):
            end -= 1
            continue
        if chunk and chunk[-1] in _TRAILING_JUNK:
            end -= 1
            continue
        if chunk.endswith(".") and not _ABBREVIATION_END.search(chunk):
            end -= 1
            continue
        score = _TRAILING_NUMBER.search(chunk) if label == "PERSON" else None
        if score:  # "Roddick 6-2 7-6": a result after a player's name
            end = start + score.start()
            continue
        words = _TRAILING_WORDS.search(chunk)
        if words and label in NAME_LABELS | {"DATE"}:
            end = start + words.start()
            continue
        if (start, end) == before:
            break
    if start >= end or not any(c.isalnum() for c in text[start:end]):
        return None
    if label in NAME_LABELS and _NUMERIC.fullmatch(text[start:end]):
        return None  # "280bn" as a person, "7:39.89" as a place
    return start, end


def _normal(surface: str) -> str:
    return surface.casefold().replace("’", "'")


def _fix_amount(text: str, start: int, end: int, label: str) -> tuple[int, int, str]:
    """Pull a currency sign ("$", "US$") and a glued magnitude ("bn", "m") into an amount."""
    prefix = _MONEY_PREFIX.search(text, max(0, start - 4), start)
    if prefix and prefix.end() == start and text[start : start + 1].isdigit():
        start = prefix.start()
        label = "MONEY"
    if label == "MONEY" and end < len(text) and text[end - 1].isdigit():
        suffix = _MONEY_SUFFIX.match(text, end)
        if suffix:
            end = suffix.end()
    return start, end, label


def _titled(text: str, start: int, surface: str) -> bool:
    """Whether a title starts the name or is the word right before it."""
    if strip_title(surface) != surface:
        return True
    before = text[max(0, start - 40) : start].split()
    return bool(before) and is_title_word(before[-1])


def _acronym_after(text: str, end: int, surface: str) -> str | None:
    """The acronym in brackets right after a name, when its letters are the name's initials."""
    match = re.match(r"\s*\(([A-Z][A-Z&]{1,9})\)", text[end : end + 16])
    if not match:
        return None
    acronym = match.group(1).replace("&", "")
    capitals = "".join(word[0] for word in re.split(r"[\s-]+", surface) if word[:1].isupper())
    return match.group(1) if capitals.endswith(acronym) else None
