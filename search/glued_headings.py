"""Headings and labels scraped without their line break or space, put back apart.

A web scrape often loses the break after a heading ("...new changesPresident Xi made...") or
the space after a label's colon ("Editor's Note:Chinese President"). ``split_glued_heading``
and ``fix_glued_label`` undo that for one paragraph, and leave real mixed-case words
(McDonald, iPhone, YouTube) and program code alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_GLUED_LABEL = re.compile(r"^([A-Z][\w'’.-]*(?: [\w'’.-]+){0,3}):(?=[A-Z][a-z])")
"""``Editor's Note:Chinese President``: a short label whose space after the colon was lost."""

_GLUE = re.compile(r"[a-z][A-Z](?:[a-z]|\s)")
"""A lower-case letter directly followed by a capital that starts a word."""
_GLUE_WINDOW = 120
"""Headings are short: only the start of a paragraph is searched for a glued one."""
_SENTENCE_BREAK = re.compile(r"[.!?][\"”’)\]]*\s")
_LOWER_WORD = re.compile(r"[a-z]{3,}")
_CAPITAL_WORD = re.compile(r"[A-Z][a-z]{4,}")
_SENTENCE_WORD = re.compile(r"[A-Z][a-z]+|A|I")
_HEADING_START = re.compile(r"[A-Z0-9\"“‘']")
_NOT_IN_HEADINGS = frozenset("@()[]<>{}=/\\|%$#*_;~+.,\"“”")
"""Code, addresses, lists and sentences have these; the headings of articles do not."""
_DANGLING = frozenset(
    "the a an and or nor but of to in on at by for with from as van von de la le du".split()
)
"""A heading does not end with one of these: a capital after it is the next word of a name
("the Mid" + "America", "Jon van" + "Wormer")."""
_TITLE_WORD = re.compile(r"[A-Za-z][\w'’&-]*|&|[a-z]+")
_FIRST_PERSON = frozenset({"i", "you", "i'm", "i've", "i'd", "you're", "you've"})

_MIXED_CASE_WORDS = frozenset(
    {
        "McDonald", "McDonalds", "McDonald's", "MacDonald", "McCain", "McCartney",
        "McConnell", "McKinsey", "McLaren", "McGregor", "DiCaprio", "LeBron", "DeSantis",
        "LaGuardia", "iPhone", "iPad", "iPod", "iTunes", "iCloud", "iMac", "eBay", "YouTube",
        "PlayStation", "DeepMind", "OpenAI", "LinkedIn", "PayPal", "WhatsApp", "TikTok",
        "JavaScript", "TypeScript", "PowerPoint", "GitHub", "WordPress", "SoftBank",
        "BlackRock", "BlackBerry", "FedEx", "HarperCollins", "DreamWorks", "MasterCard",
        "GlaxoSmithKline", "SmithKline", "PricewaterhouseCoopers", "MySpace", "FaceTime",
        "AirPods", "MacBook", "SkyDrive", "OneDrive", "StarCraft", "WarCraft", "SpaceX",
        "ExxonMobil", "JetBlue", "EasyJet", "AstraZeneca", "BioNTech", "CinemaScope",
        "SoundCloud", "DoorDash", "HuffPost", "NatWest", "PepsiCo", "TimeWarner", "DeskJet",
        "LaserJet", "QuarkXPress", "NeXT", "SuperMac", "WordPerfect", "DreamWeaver",
    }
)  # fmt: skip
"""Real words with a capital inside: never split, wherever they appear."""
_NAME_PREFIXES = frozenset({"Mac", "Van", "Von", "Fitz", "Della", "Delle"})
_SMALL_WORDS = frozenset(
    "a an the and or nor but of for to in on at by with from as vs via into over per".split()
)


def fix_glued_label(paragraph: str) -> str:
    """Put back the space after a label's colon: ``Editor's Note: Chinese President``."""
    match = _GLUED_LABEL.match(paragraph)
    if match is None:
        return paragraph
    return f"{match.group(1)}: {paragraph[match.end():]}"


def split_glued_heading(paragraph: str, document: Sequence[str]) -> list[str]:
    """Split ``"...new changesPresident Xi made..."`` into heading and paragraph.

    A candidate is a lower-case letter glued to a capital in the first ``_GLUE_WINDOW``
    characters, with no sentence ending before it (a heading has none). Then everything must
    look like a heading glued to prose, not like a mixed-case word or program code:

    * the glued token is two plain words: ``changes`` + ``President``, not ``Sci`` +
      ``ViGuy`` or ``xm`` + ``PushButton``; it is not a known mixed-case word (McDonald,
      iPhone, YouTube), and it is not repeated elsewhere in the document (an accident
      happens once; ``TimeWarner`` is written that way every time);
    * the heading starts with a capital, holds no code-like characters (``@ ( = /``) and no
      "I"/"you" (headings are not chat), and the paragraph goes on for a few words;
    * a capitalised left word (``Potentials`` + ``China``) looks like CamelCase
      (``PlayStation``), so then the heading must be four or more Title Case words.
    """
    if len(paragraph) < 24 or _GLUE.search(paragraph, 0, _GLUE_WINDOW) is None:
        return [paragraph]
    window = min(len(paragraph), _GLUE_WINDOW)
    sentence_break = _SENTENCE_BREAK.search(paragraph, 0, window)
    if sentence_break is not None:
        window = sentence_break.start()
    if not _HEADING_START.match(paragraph):
        return [paragraph]
    for match in _GLUE.finditer(paragraph, 0, window):
        cut = match.start() + 1
        left = paragraph[:cut]
        right = paragraph[cut:]
        if _glued_here(left, right, document):
            return [left, right]
    return [paragraph]


def _glued_here(left: str, right: str, document: Sequence[str]) -> bool:
    """Whether ``left`` is a heading run into the prose ``right`` (see the caller)."""
    left_part = left[left.rfind(" ") + 1 :]
    right_words = right.split(" ", 4)
    right_part = right_words[0].rstrip(".,;:!?)\"'”’")
    if not _SENTENCE_WORD.fullmatch(right_part) or len(right_words) < 5:
        return False
    if left_part in _DANGLING:
        return False
    token = left_part + right_part
    if token in _MIXED_CASE_WORDS or left_part in _NAME_PREFIXES:
        return False
    if any(ch in _NOT_IN_HEADINGS for ch in left):
        return False
    words = left.split()
    if len(words) < 2 or any(word.lower() in _FIRST_PERSON for word in words):
        return False
    if _LOWER_WORD.fullmatch(left_part):
        pass
    elif _CAPITAL_WORD.fullmatch(left_part):
        if len(words) < 4 or not _title_case(words) or not right_words[1][:1].isalpha():
            return False
    else:
        return False
    return sum(paragraph.count(token) for paragraph in document) <= 1


def _title_case(words: Sequence[str]) -> bool:
    """Plain words, every significant one capitalised, as in "Economic Synergies and Trade"."""
    if not all(_TITLE_WORD.fullmatch(word) for word in words):
        return False
    significant = [w for w in words if w.lower() not in _SMALL_WORDS]
    return bool(significant) and all(w[0].isupper() for w in significant)
