"""Headlines: their capitals never make a name, and their names never rename the body's."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from search.analysis.entities import extract_mentions
from search.analysis.entity_joining import CleanMention, join_mentions
from search.analysis.headlines import find_headlines, is_title_case, trim_lowercase_edges
from search.analysis.model import load_pipeline

if TYPE_CHECKING:
    from spacy.language import Language


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_pipeline()


def _m(
    start: int, text: str, label: str = "PERSON", headline: bool = False, title_case: bool = False
) -> CleanMention:
    return CleanMention(start, start + len(text), text, label, None, False, headline, title_case)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Okafor Blasts Council Over Bin Collections", True),
        ("FERRY STRIKE STRANDS THOUSANDS IN DOVER", True),
        ("Plan for the Future of the Harbour", True),
        ("Council approves new bin collection plan", False),
        ("Okafor said the Council Will Decide.", False),
        ("Two Words", False),
    ],
)
def test_title_case_lines(line: str, expected: bool) -> None:
    assert is_title_case(line) is expected


def test_first_line_title_and_title_case_lines_are_headlines() -> None:
    text = (
        "Council approves new bin plan\n\nThe council met on Monday and voted.\n\n"
        "What Happens Next For Residents\n\nCollections change in May."
    )
    spans = find_headlines(text).spans
    lines = [(text[a:b], title_case) for a, b, title_case in spans]
    assert lines == [
        ("Council approves new bin plan", False),
        ("What Happens Next For Residents", True),
    ]


def test_a_first_line_that_is_a_sentence_is_no_headline() -> None:
    text = "The council met on Monday and voted to change the plan.\n\nMore follows."
    assert find_headlines(text).spans == ()


def test_lowercase_words_at_a_headline_name_s_edges_go() -> None:
    text = "Ortega warns of cuts"
    assert trim_lowercase_edges(text, 0, len("Ortega warns")) == (0, len("Ortega"))
    assert trim_lowercase_edges(text, 0, 6) == (0, 6)


def test_title_case_headline_is_cut_to_the_body_name() -> None:
    mentions = join_mentions(
        [
            _m(0, "Priya Raman Wins", headline=True, title_case=True),
            _m(40, "Priya Raman"),
            _m(90, "Raman"),
        ]
    )
    assert [(m.text, m.name) for m in mentions] == [("Priya Raman", "Priya Raman")] * 2 + [
        ("Raman", "Priya Raman")
    ]
    assert mentions[0].start == 0 and mentions[0].end == len("Priya Raman")


def test_a_verb_after_a_surname_in_a_headline_is_cut() -> None:
    mentions = join_mentions(
        [
            _m(0, "Okafor Blasts", headline=True, title_case=True),
            _m(50, "Chidi Okafor"),
        ]
    )
    assert [(m.text, m.name) for m in mentions] == [
        ("Okafor", "Chidi Okafor"),
        ("Chidi Okafor", "Chidi Okafor"),
    ]


def test_an_unsupported_title_case_headline_span_is_dropped() -> None:
    mentions = join_mentions(
        [_m(0, "Halts Harbour Funding", "ORG", True, True), _m(40, "Dover", "GPE")]
    )
    assert [m.text for m in mentions] == ["Dover"]


def test_a_headline_name_never_renames_the_body() -> None:
    """Even a sentence-case title: its longer form is not the body's canonical name."""
    mentions = join_mentions(
        [_m(0, "Priya Raman Khan", headline=True), _m(40, "Priya Raman"), _m(80, "Raman")]
    )
    body = {m.name for m in mentions if m.start >= 40}
    assert body == {"Priya Raman"}


def test_headline_words_do_not_make_a_person_end_to_end(nlp: Language) -> None:
    text = (
        "Marta Kovacs Wins Regional Painting Prize\n\n"
        "Marta Kovacs, a painter from Leeds, won the regional prize on Friday. "
        "Kovacs said she was delighted, and Marta Kovacs thanked her teachers."
    )
    people = [m for m in extract_mentions(nlp(text)) if m.label == "PERSON"]
    assert people
    assert {m.name for m in people} == {"Marta Kovacs"}
    assert not [m for m in people if "Wins" in m.text]
