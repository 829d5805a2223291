"""Label rules for the small model's known traps, decided for each mention before it is stored.

The model's label for a name is a guess from a few words around it, and some guesses are
reliably wrong: on BBC news it makes "Labour", "Lib Dems", the oil company "Yukos" and the
"Oscar" people, calls a "Politico/Morning Consult" poll a law and "four and a half hours" a
date. Where the text itself settles the question (a company's suffix, "shares in X", a known
party, award or outlet, the words of a duration) the rule wins over the model's guess; where
nothing does, the model's label stands, and labels are then voted across all mentions.

Labels follow OntoNotes 5, the annotation the model was trained on:

- a party's name and its short forms ("Labour", "Lib Dems", "GOP") are ORG, its members
  ("Democrats", "Tories") NORP;
- awards ("Oscar", "Bafta", "Nobel Prize") are WORK_OF_ART: the model itself gives
  "the Nobel Prize" and "the Grammy Awards" that label, as OntoNotes annotates them;
- media outlets and pollsters are ORG; buildings are FAC, institutions ORG;
- a duration in hours, minutes or seconds is TIME ("smaller than a day"), not DATE;
- a title after "the film", "his novel", "the album" is WORK_OF_ART, not the person or place
  it is named after.
"""

from __future__ import annotations

import re

from search.analysis.names import entity_key, is_title_word

DROP = "-"
"""What the rules say of a span that is no entity at all ("pro-Clinton")."""

_PARTIES = frozenset(
    entity_key(n)
    for n in """
    Labour|Labour Party|New Labour|Lib Dems|Lib Dem|Liberal Democrats|Liberal Democrat Party|
    Conservative Party|Tory Party|Ukip|SNP|Scottish National Party|Plaid Cymru|Green Party|
    Sinn Fein|Sinn Féin|DUP|SDLP|UUP|Fianna Fail|Fianna Fáil|Fine Gael|Democratic Party|
    Republican Party|GOP|DNC|RNC|Democratic National Committee|Republican National Committee|
    AfD|CDU|CSU|SPD|FDP|Front National|National Front|BNP|Likud|BJP|Kuomintang|KMT|PVV|
    Five Star Movement|Podemos|Syriza|Fidesz|United Russia|Labor Party|Liberal Party
    """.replace("\n", "").split("|")
)
"""Parties and their short forms: ORG, whatever the model guessed ("Labour" as a person)."""

_PARTY_MEMBERS = frozenset(
    entity_key(n) for n in "Democrats|Republicans|Tories|Conservatives|Lib Demmers".split("|")
)
"""A party's members, NORP in OntoNotes ("Democrats" as people, not the party)."""

_AWARDS = frozenset(
    entity_key(n)
    for n in """
    Oscar|Oscars|Academy Award|Academy Awards|Grammy|Grammys|Grammies|Bafta|Baftas|Emmy|Emmys|
    Golden Globe|Golden Globes|Nobel|Pulitzer|Booker|Man Booker|Palme d'Or|Ballon d'Or|
    Brit Award|Brit Awards|Olivier Award|Olivier Awards|Tony Award|Tony Awards|Mercury Prize|
    Turner Prize|Stirling Prize|Whitbread
    """.replace("\n", "").split("|")
)
_AWARD_WORDS = frozenset({"Prize", "Prizes", "Award", "Awards", "Trophy", "Medal"})
"""Last words of an award's name ("Nobel Peace Prize", "Brit Awards")."""

_MEDIA = frozenset(
    entity_key(n)
    for n in """
    BBC|CNN|Fox News|MSNBC|NBC|NBC News|ABC|ABC News|CBS|CBS News|NPR|PBS|C-SPAN|Reuters|
    Associated Press|AP|AFP|Agence France-Presse|Bloomberg|Bloomberg News|New York Times|
    Washington Post|Wall Street Journal|USA Today|Los Angeles Times|LA Times|Politico|Axios|
    BuzzFeed|BuzzFeed News|Huffington Post|HuffPost|Breitbart|Breitbart News|Guardian|
    Observer|Financial Times|Sunday Times|Telegraph|Daily Telegraph|Daily Mail|Mail on Sunday|
    Evening Standard|Economist|Sky News|ITV|Channel 4|GMTV|RTE|RTÉ|Deutsche Welle|DW|
    Al Jazeera|TASS|ITAR-TASS|RIA Novosti|Interfax|Sputnik|Xinhua|China Daily|Global Times|
    People's Daily|Yonhap|Kyodo|NHK|Le Monde|Der Spiegel|Bild|Newsweek|Time magazine|
    Vanity Fair|Rolling Stone|Variety|Billboard|Morning Consult|Gallup|Ipsos|YouGov|Quinnipiac|
    Pew Research Center|Rasmussen|Ipsos Mori|ICM|Populus|TMZ|Access Hollywood
    """.replace("\n", "").split("|")
)
"""Media outlets and pollsters: organisations, never people or places."""

_NOT_PEOPLE = {entity_key("Brexit"): "EVENT"}
"""Names the model takes for people and which name something else."""

_COMPANY_ENDS = frozenset(
    """Inc Inc. Corp Corp. Corporation Ltd Ltd. Limited plc PLC Plc LLC LLP Co Co. Group
    Holdings AG SA S.A. NV N.V. GmbH SE Re Airlines Airways Motors Pharmaceuticals
    Technologies Industries Enterprises Partners Capital Ventures Entertainment Studios
    Records Communications Telecom Petroleum Hotels Bank""".split()
)
_INSTITUTION_ENDS = frozenset(
    """Party Committee Council Commission Association Union Agency Ministry Department
    Organisation Organization Foundation Institute Fund Trust Society Federation League Court
    Parliament Assembly Senate Congress Army Police Service Office Board Bureau Authority
    Times Post News Journal Herald Museum Hospital University College School Gallery Library
    Theatre Theater International""".split()
)
_FACILITY_ENDS = frozenset(
    """Tower Towers Building Bridge Airport Stadium Arena Square Palace Station Street Avenue
    Road Prison Castle Cathedral Plaza Mall Hotel""".split()
)
_COMPANY_BEFORE = re.compile(
    r"(?:\b(?:shares|stake|stock)\s+(?:of|in)|\bchief\s+executive(?:\s+officer)?\s+of|\bceo\s+of"
    r"|\bchairman\s+of|\bsubsidiary\s+of|\b(?:firm|company|giant|carrier|airline|retailer|"
    r"carmaker|automaker|insurer|operator|conglomerate|supermarket|lender|"
    r"manufacturer|start-?up|chain))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_COMPANY_AFTER = re.compile(
    r"^(?:['’]s?)?\s+(?:shares|stock|share\s+price|chief\s+executive|ceo|chairman|"
    r"shareholders|founder|subsidiary|oil\s+output)\b",
    re.IGNORECASE,
)
_STANCE_PREFIX = re.compile(r"(?i)\b(?:pro|anti|ex|non)-$")
_STANCE_START = re.compile(r"(?i)(?:pro|anti|ex|non)-(?=[A-Z])(\S+)")
_DURATION = re.compile(
    r"(?i)\b(?:hours?|hrs?|minutes?|mins?|seconds?|secs?)\b"
)
_DAY_OR_LONGER = re.compile(
    r"(?i)\b(?:days?|nights?|weeks?|weekends?|months?|years?|decades?|centur(?:y|ies)|today|"
    r"yesterday|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"morning|afternoon|evening)\b"
)
_WORK_BEFORE = re.compile(
    r"\b(?:film|movie|novel|book|album|song|series|sitcom|musical|"
    r"documentary|opera|painting|poem|memoir|biopic|drama|comedy)\s+[\"“‘']?$",
    re.IGNORECASE,
)
"""A work's kind right before a title: "the biopic Ray", "her album "Blue Skies"."""
_WORK_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT"})
_CLASHING = frozenset({"PERSON", "NORP", "LAW", "WORK_OF_ART", "PRODUCT", "LANGUAGE", "EVENT"})
"""Labels a suffix or a cue overrides: a company's suffix does not make "West Bank" a firm."""


def rule_label(text: str, start: int, end: int, label: str) -> str:
    """The label of the mention ``text[start:end]`` the model labelled ``label``: the rules'
    label when one applies (``DROP`` for a span that is no entity), else ``label``."""
    return ruled_label(text, start, end, label) or label


def ruled_label(text: str, start: int, end: int, label: str) -> str | None:
    """The label a rule gives the mention ``text[start:end]``, ``DROP`` when it is no entity,
    or None when no rule applies and the model's ``label`` stands.

    A rule's answer is evidence the model's guess is not: within a document it decides the
    label of every mention of the name (``entity_joining``), so one "shares in Yukos" makes
    each bare "Yukos" of that article a company.
    """
    surface = text[start:end]
    if label in ("DATE", "TIME"):
        return _duration_label(surface, label)
    if label in ("CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"):
        return None
    stance = _STANCE_START.match(surface)
    words = surface.split()
    first = stance.group(1) if stance else words[0]
    if (
        (stance or _STANCE_PREFIX.search(text, max(0, start - 5), start))
        and not is_title_word(first)
        and words[-1] not in _INSTITUTION_ENDS | _COMPANY_ENDS  # "Anti-Corruption Foundation"
    ):
        return DROP  # "pro-Clinton" is a stance, "ex-Access Hollywood" a former tie; but
        # "ex-President Bush" names Bush, and the title goes when names are joined

    key = entity_key(surface)
    if key in _PARTIES:
        return "ORG"
    if key in _PARTY_MEMBERS:
        return "NORP"
    if key in _AWARDS or (len(words) > 1 and words[-1] in _AWARD_WORDS):
        return "WORK_OF_ART"
    if key in _MEDIA:
        return "ORG"
    if label == "PERSON" and key in _NOT_PEOPLE:
        return _NOT_PEOPLE[key]
    if label in _WORK_LABELS and _WORK_BEFORE.search(text, max(0, start - 16), start):
        return "WORK_OF_ART"
    if label in _CLASHING and len(words) > 1:
        last = words[-1]
        if last in _COMPANY_ENDS or last in _INSTITUTION_ENDS:
            return "ORG"
        if last in _FACILITY_ENDS and label in ("PERSON", "NORP", "LAW"):
            return "FAC"
    if label in _CLASHING and label != "NORP" and _company_context(text, start, end):
        return "ORG"
    if label == "LAW" and "/" in surface:
        return "ORG"
    return None


def _company_context(text: str, start: int, end: int) -> bool:
    """"shares in X", "oil giant X", "X's chief executive": the text says X is a company."""
    return bool(
        _COMPANY_BEFORE.search(text, max(0, start - 40), start)
        or _COMPANY_AFTER.match(text[end : end + 30])
    )


def _duration_label(surface: str, label: str) -> str | None:
    """"four and a half hours" lasts less than a day: TIME in OntoNotes, not DATE."""
    if label == "DATE" and _DURATION.search(surface) and not _DAY_OR_LONGER.search(surface):
        return "TIME"
    return None


_SLASH = re.compile(r"(?<=[\w.])/(?=[A-Z])")


def split_slashed(text: str, start: int, end: int, label: str) -> list[tuple[int, int]]:
    """"Politico/Morning Consult" is two names; "AC/DC" and "9/11" are one.

    Both sides must be names of two letters or more starting with a capital."""
    if label not in ("ORG", "LAW", "WORK_OF_ART", "PRODUCT", "PERSON", "GPE", "NORP", "FAC"):
        return [(start, end)]
    cuts = [m.start() for m in _SLASH.finditer(text, start, end)]
    if not cuts:
        return [(start, end)]
    edges = [start, *cuts, end]
    pieces = [(a + (1 if i else 0), b) for i, (a, b) in enumerate(zip(edges, edges[1:]))]
    if all(_name_like(text[a:b]) for a, b in pieces):
        return pieces
    return [(start, end)]


def _name_like(chunk: str) -> bool:
    return len(chunk) > 2 and chunk[:1].isupper() and any(c.islower() for c in chunk)
