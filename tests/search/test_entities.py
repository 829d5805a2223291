"""Entity mentions: clean spans with exact offsets, one entity per real-world name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from search.analysis.entities import clean_mentions, extract_mentions
from search.analysis.entity_joining import CleanMention, join_mentions
from search.analysis.model import load_pipeline
from search.analysis.results import EntityMention
from tests.conftest import SEEDS

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

Seeds = dict[str, tuple[str, list[EntityMention]]]
"""Seed number -> (cleaned text, mentions)."""


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_pipeline()


def seed_text(path: Path) -> str:
    """The cleaned text of a seed, as the library would analyse it."""
    raw = path.read_text(encoding="utf-8")
    try:
        from search.cleaning import clean_text
    except ImportError:  # the cleaner is not there yet: drop the page chrome by hand
        return re.sub(r"(?m)^top of page\n", "", raw).strip()
    return clean_text(raw, path.stem).text


@pytest.fixture(scope="module")
def seeds(nlp: Language) -> Seeds:
    found = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text = seed_text(path)
        found[path.name[:3]] = (text, extract_mentions(nlp(text)))
    return found


def mentions_of(nlp: Language, text: str) -> list[EntityMention]:
    return extract_mentions(nlp(text))


def by_text(mentions: list[EntityMention]) -> dict[str, EntityMention]:
    return {m.text: m for m in mentions}


def assert_clean(text: str, mentions: list[EntityMention]) -> None:
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert m.text == m.text.strip() and m.text
        assert "\n" not in m.text
        assert not m.text.lower().startswith("the ")
        assert not m.text.endswith(("'s", "’s", " -", "-"))
        assert any(c.isalnum() for c in m.text)


# --- the seeds -------------------------------------------------------------------------------


def test_seed_mentions_are_clean(seeds: Seeds) -> None:
    for text, mentions in seeds.values():
        assert mentions
        assert_clean(text, mentions)


def test_seed_people_are_persons(seeds: Seeds) -> None:
    people = {
        m.name for _, mentions in seeds.values() for m in mentions if m.label == "PERSON"
    }
    for name in ("Xi Jinping", "Lee Jae-myung", "Kim Hong-kyun", "Sun Weidong"):
        assert name in people
    assert {"Yoon Suk-yeol", "Yoon Suk Yeol"} <= people


def test_yoon_is_one_key_across_the_seeds(seeds: Seeds) -> None:
    keys = {
        seed: {m.key for m in mentions if m.name.startswith("Yoon")}
        for seed, (_, mentions) in seeds.items()
    }
    assert keys["000"] == keys["004"] == {"yoonsukyeol"}


def test_seed_short_names_join_the_full_name(seeds: Seeds) -> None:
    _, mentions = seeds["000"]
    names = {m.text: m.name for m in mentions if m.label == "PERSON"}
    assert names["Xi"] == "Xi Jinping"
    assert names["Lee"] == "Lee Jae-myung"


def test_seed_amount_is_money(seeds: Seeds) -> None:
    _, mentions = seeds["000"]
    assert by_text(mentions)["$328.08 billion"].label == "MONEY"


def test_seed_heading_is_not_swallowed(seeds: Seeds) -> None:
    text, mentions = seeds["004"]
    heading = text.index("Economic Synergies and Trade Potentials")
    assert not [m for m in mentions if heading <= m.start < heading + 40 and m.label == "ORG"]


def test_seed_aliases_share_a_name(seeds: Seeds) -> None:
    _, mentions = seeds["000"]
    keyed = {m.text: (m.key, m.name) for m in mentions}
    assert keyed["ROK"] == keyed["South Korea"] == ("southkorea", "South Korea")
    assert keyed["US"] == ("unitedstates", "United States")
    _, mentions = seeds["004"]
    assert by_text(mentions)["UN"].name == "United Nations"


# --- cleaning --------------------------------------------------------------------------------


def test_articles_and_possessives_are_trimmed(nlp: Language) -> None:
    text = (
        "The United States's trade deficit widened, the US Commerce Department said. "
        "Officials in the U.S. and the UK disagreed with Alan Bennett's critics."
    )
    mentions = mentions_of(nlp, text)
    assert_clean(text, mentions)
    found = by_text(mentions)
    assert found["United States"].key == found["U.S."].key == "unitedstates"
    assert "US Commerce Department" in found
    assert found["Alan Bennett"].label == "PERSON"


def test_amounts_keep_currency_and_magnitude(nlp: Language) -> None:
    text = (
        "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (£600m) "
        "for the three months to December, from $639m year-earlier."
    )
    found = by_text(mentions_of(nlp, text))
    for amount in ("$1.13bn", "£600m", "$639m"):
        assert found[amount].label == "MONEY"


def test_missed_korean_name_is_found(nlp: Language) -> None:
    text = (
        "Under the Yoon Suk-yeol administration, South Korea drew closer to the US. "
        "A Hong Kong-based analyst disagreed."
    )
    found = by_text(mentions_of(nlp, text))
    assert found["Yoon Suk-yeol"].label == "PERSON"
    assert not [m for m in found.values() if m.label == "PERSON" and "Kong" in m.text]


def _with_span(nlp: Language, text: str, surface: str, label: str) -> Doc:
    """A tokenised doc whose only entity is ``surface``: what the model sometimes gives."""
    doc = nlp.make_doc(text)
    start = text.index(surface)
    doc.ents = [doc.char_span(start, start + len(surface), label=label)]
    return doc


def test_heading_across_a_paragraph_break_is_dropped(nlp: Language) -> None:
    text = "Economic Synergies and Trade Potentials\n\nChina and South Korea share robust ties."
    doc = _with_span(nlp, text, "Economic Synergies and Trade Potentials\n\nChina", "ORG")
    [mention] = clean_mentions(doc)
    assert (mention.text, mention.label) == ("China", "GPE")
    assert text[mention.start : mention.end] == "China"


def test_glued_heading_is_cut_off(nlp: Language) -> None:
    text = "Injecting new momentum into Asia-Pacific developmentThis year marks the anniversary."
    doc = _with_span(nlp, text, "Asia-Pacific developmentThis year", "DATE")
    [mention] = clean_mentions(doc)
    assert mention.text == "This year"
    text = "Economic Synergies and Trade PotentialsChina and South Korea share robust ties."
    doc = _with_span(nlp, text, "Trade PotentialsChina", "ORG")
    [mention] = clean_mentions(doc)
    assert mention.text == "China"


def test_dangling_dash_brackets_and_punctuation_go(nlp: Language) -> None:
    cases = [
        ("Ties with South Korea - two major economies - grew.", "South Korea -", "South Korea"),
        ("It marks the China-South Korea Free Trade Agreement (FTA) anniversary.",
         "the China-South Korea Free Trade Agreement (", "China-South Korea Free Trade Agreement"),
        ("Shares in Sotheby's rose.", "Sotheby's", "Sotheby's"),
        ("The poems of Michael Symmons Roberts' collection won.", "Michael Symmons Roberts'",
         "Michael Symmons Roberts"),
        ("Officials at the U.S. embassy agreed.", "the U.S.", "U.S."),
    ]
    for text, surface, expected in cases:
        [mention] = clean_mentions(_with_span(nlp, text, surface, "ORG"))
        assert mention.text == expected
        assert text[mention.start : mention.end] == expected


def test_punctuation_and_numbers_are_no_names(nlp: Language) -> None:
    assert clean_mentions(_with_span(nlp, "He said - then left.", "-", "ORG")) == []
    assert clean_mentions(_with_span(nlp, "She ran 7:39.89 indoors.", "7:39.89", "GPE")) == []
    assert clean_mentions(_with_span(nlp, "The AI boom goes on.", "AI", "GPE")) == []


# --- joining ---------------------------------------------------------------------------------


def test_titles_and_surnames_join_the_full_name(nlp: Language) -> None:
    text = (
        "South Korean President Lee Jae-myung met Chinese President Xi Jinping in Gyeongju on "
        "Saturday. President Lee said the talks were useful. Xi agreed, and Lee later thanked him."
    )
    mentions = mentions_of(nlp, text)
    assert_clean(text, mentions)
    people = [(m.text, m.name, m.label) for m in mentions if m.label == "PERSON"]
    assert ("Lee", "Lee Jae-myung", "PERSON") in people
    assert ("Xi", "Xi Jinping", "PERSON") in people
    assert {m.key for m in mentions if m.name == "Lee Jae-myung"} == {"leejaemyung"}


def test_a_later_full_name_is_joined_too(nlp: Language) -> None:
    text = "Lee arrived first. Later that day, Lee Jae-myung addressed reporters."
    mentions = [m for m in mentions_of(nlp, text) if m.label == "PERSON"]
    assert [m.name for m in mentions] == ["Lee Jae-myung", "Lee Jae-myung"]


def test_shared_surname_stays_ambiguous(nlp: Language) -> None:
    text = (
        "Vice Foreign Minister Kim Hong-kyun met his counterpart Sun Weidong in Seoul. Kim "
        "Jong-un fired a missile the same day. Kim Hong-kyun said dialogue matters. Kim added "
        "that talks would continue."
    )
    mentions = [m for m in mentions_of(nlp, text) if m.label == "PERSON"]
    assert mentions[-1].text == "Kim"
    assert mentions[-1].name == "Kim"  # two Kims in the text: neither gets the other's words
    assert {"Kim Hong-kyun", "Kim Jong-un", "Sun Weidong"} <= {m.name for m in mentions}


def _clean(
    start: int, text: str, label: str, acronym: str | None = None, titled: bool = False
) -> CleanMention:
    return CleanMention(start, start + len(text), text, label, acronym, titled)


def test_name_part_tagged_as_organisation_becomes_the_person() -> None:
    mentions = join_mentions(
        [
            _clean(0, "Yoon Suk Yeol", "PERSON"),
            _clean(40, "Yoon", "ORG"),
            _clean(80, "President Yoon", "PERSON"),
            _clean(120, "Seoul", "GPE"),
        ]
    )
    assert [(m.label, m.name) for m in mentions[:3]] == [("PERSON", "Yoon Suk Yeol")] * 3
    assert (mentions[3].label, mentions[3].name) == ("GPE", "Seoul")


def test_a_place_is_not_made_a_person_without_a_title() -> None:
    mentions = join_mentions(
        [_clean(0, "Tudor England", "PERSON"), _clean(30, "England", "GPE")]
    )
    assert mentions[1].label == "GPE"
    titled = join_mentions(
        [_clean(0, "Lee Jae-myung", "PERSON"), _clean(30, "Lee", "GPE", titled=True)]
    )
    assert (titled[1].label, titled[1].name) == ("PERSON", "Lee Jae-myung")


def test_defined_acronym_joins_its_name() -> None:
    mentions = join_mentions(
        [
            _clean(0, "Regional Comprehensive Economic Partnership", "ORG", acronym="RCEP"),
            _clean(60, "RCEP", "ORG"),
        ]
    )
    assert {m.name for m in mentions} == {"Regional Comprehensive Economic Partnership"}


def test_one_label_per_name_in_a_document() -> None:
    mentions = join_mentions(
        [_clean(0, "Gyeongju", "GPE"), _clean(20, "Gyeongju", "GPE"), _clean(40, "Gyeongju", "ORG")]
    )
    assert {m.label for m in mentions} == {"GPE"}


# --- one person, one entity; two people, two ----------------------------------------------------


def test_junior_and_senior_never_join_each_other() -> None:
    mentions = join_mentions(
        [
            _clean(0, "Robert Hale", "PERSON"),
            _clean(30, "Robert Hale Jr.", "PERSON"),
            _clean(60, "Hale Jr.", "PERSON"),
            _clean(90, "Mr Hale", "PERSON", titled=True),
            _clean(120, "Robert Hale", "PERSON"),
        ]
    )
    names = [m.name for m in mentions]
    assert names == ["Robert Hale", "Robert Hale Jr.", "Robert Hale Jr.", "Hale", "Robert Hale"]
    assert len({m.key for m in mentions}) == 3  # father, son, and the ambiguous "Mr Hale"


def test_a_lone_surname_joins_the_only_person_of_that_name_even_a_junior() -> None:
    mentions = join_mentions([_clean(0, "Robert Hale Jr.", "PERSON"), _clean(30, "Hale", "PERSON")])
    assert {m.name for m in mentions} == {"Robert Hale Jr."}


def test_names_with_and_without_middle_initials_and_titles_join() -> None:
    mentions = join_mentions(
        [
            _clean(0, "Maria T. Lopez", "PERSON"),
            _clean(30, "Maria Lopez", "PERSON"),
            _clean(60, "Senator Lopez", "PERSON"),
            _clean(90, "Lopez", "PERSON"),
        ]
    )
    assert {m.name for m in mentions} == {"Maria T. Lopez"}
    assert {m.key for m in mentions} == {"mariatlopez"}


def test_a_shared_surname_is_its_own_ambiguous_entity() -> None:
    mentions = join_mentions(
        [
            _clean(0, "Ruth Okonjo", "PERSON"),
            _clean(30, "David Okonjo", "PERSON"),
            _clean(60, "Okonjo", "PERSON"),
            _clean(90, "Ruth", "PERSON"),
        ]
    )
    assert [m.name for m in mentions] == ["Ruth Okonjo", "David Okonjo", "Okonjo", "Ruth Okonjo"]


def test_a_capitalised_heading_run_on_is_no_second_person() -> None:
    """"BLOCKS HARPER" in a shouted heading does not make "Harper" ambiguous."""
    mentions = join_mentions(
        [
            _clean(0, "Stephen Harper", "PERSON"),
            _clean(40, "BLOCKS HARPER", "PERSON"),
            _clean(80, "Harper", "ORG"),
        ]
    )
    assert (mentions[2].name, mentions[2].label) == ("Stephen Harper", "PERSON")


def test_possessives_articles_and_titles_end_to_end(nlp: Language) -> None:
    text = (
        "Ingrid Solberg's plan was backed by the Nordic Council. Prime Minister Solberg said "
        "Ms Solberg's critics were wrong, and Solberg left for Oslo."
    )
    mentions = mentions_of(nlp, text)
    assert_clean(text, mentions)
    people = {m.name for m in mentions if m.label == "PERSON"}
    assert people == {"Ingrid Solberg"}
