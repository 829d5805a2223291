"""Label rules for the model's known traps: each rule with its own examples."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from search.analysis.entities import extract_mentions
from search.analysis.label_rules import DROP, rule_label, split_slashed
from search.analysis.model import load_pipeline

if TYPE_CHECKING:
    from spacy.language import Language


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_pipeline()


def label_of(text: str, surface: str, label: str) -> str:
    start = text.index(surface)
    return rule_label(text, start, start + len(surface), label)


@pytest.mark.parametrize(
    ("text", "surface", "label", "expected"),
    [
        # parties and their short forms are organisations, their members NORP
        ("Plaid Cymru won two seats.", "Plaid Cymru", "PERSON", "ORG"),
        ("The Lib Dem candidate came third.", "Lib Dem", "PERSON", "ORG"),
        ("Ukip says it will stand.", "Ukip", "GPE", "ORG"),
        ("Tories in the shires were angry.", "Tories", "ORG", "NORP"),
        # companies: a suffix, or what the text says of them
        ("Halvard Marine Ltd cut jobs.", "Halvard Marine Ltd", "PERSON", "ORG"),
        ("Shares in Brakstad fell 4%.", "Brakstad", "PERSON", "ORG"),
        ("Brakstad's chief executive quit.", "Brakstad", "PERSON", "ORG"),
        ("the Norwegian shipping giant Brakstad said", "Brakstad", "PERSON", "ORG"),
        # awards are works in OntoNotes, as the model labels "the Nobel Prize"
        ("She won a Bafta last year.", "Bafta", "GPE", "WORK_OF_ART"),
        ("He has two Emmys.", "Emmys", "PERSON", "WORK_OF_ART"),
        ("the Stirling Prize went to a library", "Stirling Prize", "PERSON", "WORK_OF_ART"),
        # media outlets and pollsters
        ("Sky News reported it first.", "Sky News", "PERSON", "ORG"),
        ("Xinhua said the talks ended.", "Xinhua", "GPE", "ORG"),
        ("a YouGov survey", "YouGov", "PERSON", "ORG"),
        # titles of works named after people and places
        ("the biopic Capote won praise", "Capote", "PERSON", "WORK_OF_ART"),
        ("her album Tennessee sold well", "Tennessee", "GPE", "WORK_OF_ART"),
        # buildings and institutions named after people
        ("They met at Hargreave Tower.", "Hargreave Tower", "PERSON", "FAC"),
        ("the Ridley Foundation gave", "Ridley Foundation", "PERSON", "ORG"),
        # durations under a day are TIME, longer ones DATE
        ("The flight took three and a half hours.", "three and a half hours", "DATE", "TIME"),
        ("It lasted 90 minutes.", "90 minutes", "DATE", "TIME"),
        ("It lasted three days.", "three days", "DATE", "DATE"),
        # nothing to say: the model's label stands
        ("Ingrid Solberg arrived.", "Ingrid Solberg", "PERSON", "PERSON"),
        ("Leeds voted.", "Leeds", "GPE", "GPE"),
    ],
)
def test_rules(text: str, surface: str, label: str, expected: str) -> None:
    assert label_of(text, surface, label) == expected


@pytest.mark.parametrize(
    ("text", "surface", "label"),
    [
        ("The pro-Moscow rebels advanced.", "pro-Moscow", "NORP"),
        ("an anti-Macron march", "anti-Macron", "PERSON"),
        ("the ex-Enron trader", "ex-Enron", "ORG"),
        ("the anti-Macron march", "Macron", "PERSON"),  # span without its prefix
    ],
)
def test_prefixed_forms_are_no_entities(text: str, surface: str, label: str) -> None:
    assert label_of(text, surface, label) == DROP


def test_prefixed_names_of_their_own_and_former_offices_stay() -> None:
    assert label_of("the Anti-Slavery Society met", "Anti-Slavery Society", "ORG") == "ORG"
    text = "ex-Chancellor Helmut Schmidt spoke"
    assert label_of(text, "Helmut Schmidt", "PERSON") == "PERSON"
    assert label_of(text, "ex-Chancellor Helmut Schmidt", "PERSON") == "PERSON"


def test_slashed_pairs_split_into_names() -> None:
    text = "An Ipsos/Evening Standard poll and AC/DC on 24/7 radio"
    start = text.index("Ipsos")
    end = start + len("Ipsos/Evening Standard")
    pieces = split_slashed(text, start, end, "LAW")
    assert [text[a:b] for a, b in pieces] == ["Ipsos", "Evening Standard"]
    start = text.index("AC/DC")
    assert split_slashed(text, start, start + 5, "ORG") == [(start, start + 5)]


def test_slashed_poll_is_two_organisations_end_to_end(nlp: Language) -> None:
    from spacy.tokens import Doc

    from search.analysis.entities import clean_mentions

    text = "A Gallup/Harris Interactive poll found support falling."
    doc: Doc = nlp.make_doc(text)
    start = text.index("Gallup")
    doc.ents = [doc.char_span(start, start + len("Gallup/Harris Interactive"), "LAW")]
    found = [(m.text, m.label) for m in clean_mentions(doc)]
    assert found == [("Gallup", "ORG"), ("Harris Interactive", "ORG")]


def test_party_and_award_labels_end_to_end(nlp: Language) -> None:
    text = (
        "The Lib Dems said Plaid Cymru would back the bill. Labour disagreed. "
        "The actress, who won an Oscar in 2001, backed the Lib Dems."
    )
    labels = {m.text: m.label for m in extract_mentions(nlp(text))}
    assert labels.get("Lib Dems") == "ORG"
    assert labels.get("Labour", "ORG") == "ORG"
    assert labels.get("Oscar") in (None, "WORK_OF_ART")
    assert "PERSON" not in labels.values()


def test_what_the_text_says_once_labels_every_mention_in_the_document() -> None:
    """One "shares in Brakstad" outweighs the model's "person" on each bare "Brakstad"."""
    from search.analysis.entity_joining import CleanMention, join_mentions

    mentions = join_mentions(
        [
            CleanMention(0, 8, "Brakstad", "PERSON"),
            CleanMention(40, 48, "Brakstad", "ORG", ruled=True),
            CleanMention(90, 98, "Brakstad", "PERSON"),
            CleanMention(120, 128, "Brakstad", "PERSON"),
        ]
    )
    assert {m.label for m in mentions} == {"ORG"}


def test_a_score_after_a_player_is_no_part_of_the_name(nlp: Language) -> None:
    from spacy.tokens import Doc

    from search.analysis.entities import clean_mentions

    text = "Petrova beat Ivanovic 6-2 7-6 in the final."
    doc: Doc = nlp.make_doc(text)
    start = text.index("Ivanovic")
    doc.ents = [doc.char_span(start, start + len("Ivanovic 6-2 7-6"), "PERSON")]
    assert [m.text for m in clean_mentions(doc)] == ["Ivanovic"]
