"""Direct quotations and their speakers, on real sentences.

One spaCy pipeline for the whole session. Mentions come from the entity helper, as in the
library, so the speakers checked here are the canonical names a user will see.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks import quote_eval
from search.analysis.entities import extract_mentions
from search.analysis.names import strip_title
from search.analysis.quote_marks import find_quote_spans
from search.analysis.quotes import extract_quotes
from search.analysis.results import QuoteFound
from tests.conftest import REPO, SEEDS

if TYPE_CHECKING:
    from spacy.language import Language

SEED = SEEDS / "000_dee7f317bebf9e16.txt"
DATA = REPO / "tests/data/quotes"

Quotes = Callable[[str], list[QuoteFound]]


@pytest.fixture(scope="session")
def nlp() -> Language:
    from search.analysis.model import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def quotes(nlp: Language) -> Quotes:
    """Text in, quotations out, through the same steps as the library."""

    def run(text: str) -> list[QuoteFound]:
        doc = nlp(text)
        return extract_quotes(doc, extract_mentions(doc))

    return run


def only(found: list[QuoteFound]) -> QuoteFound:
    assert len(found) == 1, [q.text for q in found]
    return found[0]


def check_offsets(text: str, found: list[QuoteFound]) -> None:
    """Offsets point at the marks; the text is what lies between them."""
    for quote in found:
        assert text[quote.start] in "\"“‘"
        assert quote.start < quote.end <= len(text)
        assert quote.text.split()[0] in text[quote.start : quote.end]
        assert quote.text.split()[-1] in text[quote.start : quote.end]


# --- the seed --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def seed_quotes(quotes: Quotes) -> tuple[str, list[QuoteFound]]:
    from search.cleaning import clean_text

    text = clean_text(SEED.read_text(encoding="utf-8"), SEED.stem).text
    return text, quotes(text)


def test_seed_has_exactly_its_four_quotations(seed_quotes: tuple[str, list[QuoteFound]]) -> None:
    text, found = seed_quotes
    assert [q.text[:30] for q in found] == [
        "deepen mutually beneficial coo",
        "The ROK is ready to enhance mu",
        "with the goal of realizing an ",
        "we acknowledge the agreed upon",
    ]
    check_offsets(text, found)
    assert found[0].text == "deepen mutually beneficial cooperation and tighten the bonds of interests."
    assert text[found[0].end - 1] == '"' and text[found[0].end - 2] == "."


def test_seed_speakers(seed_quotes: tuple[str, list[QuoteFound]]) -> None:
    _, found = seed_quotes
    assert [q.speaker for q in found] == [
        "Xi Jinping",
        "Lee Jae-myung",
        "Gyeongju Declaration",
        "Joint Statement by APEC Foreign Ministers and Trade Ministers",
    ]
    assert found[1].cue == "noted"
    assert found[3].cue == "notes"
    assert found[1].speaker_key == "leejaemyung"
    # a named subject next to the quotation is surer than a proposal read back to its maker
    assert found[1].confidence > found[0].confidence
    assert all(0 <= q.confidence <= 1 for q in found)


def test_seed_scare_quotes_and_titles_are_not_quotations(seed_quotes: tuple[str, list[QuoteFound]]) -> None:
    _, found = seed_quotes
    texts = " | ".join(q.text for q in found)
    for scare in ("value diplomacy", "dual circulation", "Building a Sustainable", "connect", "innovate", "prosperity"):
        assert not any(q.text.strip(' ,."').lower() == scare.lower() for q in found)
        assert scare not in texts or scare in ("connect", "prosperity")  # words inside real quotes


# --- attribution -----------------------------------------------------------------------------


def test_x_said_after_the_quotation(quotes: Quotes) -> None:
    text = (
        "Patricia Hewitt announced the plan on Sunday.\n\n"
        '"We are going to extend the pay to nine months by 2007," Ms Hewitt said.'
    )
    quote = only(quotes(text))
    assert quote.speaker == "Patricia Hewitt"
    assert quote.cue == "said"
    assert quote.text == "We are going to extend the pay to nine months by 2007,"
    assert quote.confidence >= 0.8


def test_said_x_inverted(quotes: Quotes) -> None:
    text = (
        '"The vision is a compelling one, but society has to change," said Paul Hofheinz of the '
        "Lisbon Council, a Brussels-based citizen action group."
    )
    quote = only(quotes(text))
    assert quote.speaker == "Paul Hofheinz"
    assert quote.cue == "said"


def test_according_to(quotes: Quotes) -> None:
    text = '"That gets rounds of applause from everyone in the room," according to Ed Graczyk.'
    quote = only(quotes(text))
    assert quote.speaker == "Ed Graczyk"
    assert quote.cue == "according to"


def test_colon_introduction_with_and_without_a_verb(quotes: Quotes) -> None:
    text = (
        'Labour election co-ordinator Alan Milburn said: "His only strategy is opportunism."\n\n'
        'Brentford boss Martin Allen: "After conceding eight goals, I have to make changes."'
    )
    first, second = quotes(text)
    assert (first.speaker, first.cue) == ("Alan Milburn", "said")
    assert (second.speaker, second.cue) == ("Martin Allen", ":")


def test_told_with_an_addressee(quotes: Quotes) -> None:
    text = 'Jack Cunningham told BBC Radio 4\'s Today programme: "These comments are partial and inaccurate."'
    quote = only(quotes(text))
    assert quote.speaker == "Jack Cunningham"
    assert quote.cue == "told"


def test_pronoun_resolves_to_the_nearest_fitting_person(quotes: Quotes) -> None:
    text = (
        "Ms Sarah Green met Tony Blair at the conference on Monday. She later criticised the plan "
        "in front of reporters.\n\n"
        '"It is a disaster for our members and for the whole country," she said.'
    )
    quote = only(quotes(text))
    assert quote.speaker == "Sarah Green"
    assert quote.confidence < 0.9  # a pronoun is less sure than a name


def test_pronoun_follows_the_subject_not_a_name_in_passing(quotes: Quotes) -> None:
    text = (
        "Peter Zombic, the managing director of the federation, said he did not feel the situation "
        'was as bad as Mr Renner believed. "It is quite true that we have severe problems," he argued.'
    )
    assert only(quotes(text)).speaker == "Peter Zombic"


def test_continued_quotation_keeps_its_speaker(quotes: Quotes) -> None:
    text = (
        '"It\'s the bravest move they have made yet," said Jonny Evans, news editor at Macworld.\n\n'
        'He thought the machine would appeal to many. "Plus you know that you do not get viruses."'
    )
    first, second = quotes(text)
    assert first.speaker == second.speaker == "Jonny Evans"
    assert second.cue is None


def test_unnamed_speaker_is_none(quotes: Quotes) -> None:
    text = (
        "AOL backed the price cuts but said regulation was still needed. \"This is a reminder to "
        'Ofcom that the process remains fragile," a spokesman said.'
    )
    quote = only(quotes(text))
    assert quote.speaker is None
    assert quote.speaker_key is None
    assert quote.cue == "said"


def test_statement_named_before_the_quotation(quotes: Quotes) -> None:
    text = (
        "Leaders attending the summit endorsed the Gyeongju Declaration. The Gyeongju Declaration "
        'includes a statement on trade, "with the goal of realizing an open and peaceful community '
        'by 2040."'
    )
    assert only(quotes(text)).speaker == "Gyeongju Declaration"


# --- speaker rules added after the first held-out scorings ------------------------------------


def test_chained_pronoun_skips_names_in_the_linked_sentence(quotes: Quotes) -> None:
    text = (
        "For Rick Moss, director of the studio, the new format is an exciting prospect. He has "
        "worked with Tom Hanks and Meryl Streep on three films.\n\n"
        '"There was a time when the film world and the video world were apart," he told the BBC.'
    )
    assert only(quotes(text)).speaker == "Rick Moss"


def test_post_nominal_letters_are_not_part_of_the_name(quotes: Quotes) -> None:
    text = (
        "Guy Fenwick QC, for the defence, addressed the jury on Tuesday.\n\n"
        '"This case should never have come to court in the first place," Mr Fenwick said.'
    )
    assert only(quotes(text)).speaker == "Guy Fenwick"
    assert strip_title("Guy Fenwick QC") == "Guy Fenwick"
    assert strip_title("Sir Alan Haselhurst MP") == "Alan Haselhurst"
    assert strip_title("QC") == "QC"


def test_football_club_tagged_as_a_person_is_an_organisation(nlp: Language) -> None:
    doc = nlp("Leeds United said its board had rejected the offer from the American tycoon.")
    labels = {m.name: m.label for m in extract_mentions(doc)}
    assert labels.get("Leeds United") == "ORG"


def test_the_club_resolves_to_the_club_not_its_ground(quotes: Quotes) -> None:
    text = (
        "About 300 fans protested outside the Old Trafford ground on Sunday. Manchester United's "
        'response came as little surprise. "Any board has a duty to consider a fair offer," the '
        "club said in its statement."
    )
    assert only(quotes(text)).speaker == "Manchester United"


def test_the_statement_said_points_back_to_its_maker(quotes: Quotes) -> None:
    text = (
        "In a statement, Westfield Holdings said it would sell its clothing unit by the summer.\n\n"
        '"The sale is firmly in the interests of all our shareholders," the statement said.'
    )
    assert only(quotes(text)).speaker == "Westfield Holdings"


def test_person_named_after_a_work_in_the_subject(quotes: Quotes) -> None:
    text = (
        "Last week Only Fools and Horses star David Jason criticised British television. "
        '"We have got to be careful not to dumb down for the audience," he said.'
    )
    assert only(quotes(text)).speaker == "David Jason"


def test_unlabelled_surname_is_the_person_of_that_name(quotes: Quotes) -> None:
    text = (
        "Sports psychologist Hugh Richards says the runner must draw on her past.\n\n"
        "Richards also points out that conditions in New York will suit Liz Yelling's friend. "
        '"The heat stress was the primary factor that tripped her up in Athens," he said.'
    )
    assert only(quotes(text)).speaker == "Hugh Richards"


def test_inverted_said_before_a_colon(quotes: Quotes) -> None:
    text = (
        "Phileas Fogg has run the travel firm since 1872.\n\n"
        'Said Mr Fogg: "We will not be moving the company abroad this year."'
    )
    quote = only(quotes(text))
    assert quote.speaker is not None and quote.speaker.endswith("Fogg")  # the model misses "Phileas"
    assert quote.cue == "said"


def test_inverted_said_is_not_a_person(nlp: Language) -> None:
    doc = nlp('The minister spoke first. Said Mr Fogg: "We will not be moving the company abroad."')
    assert "Said" not in {m.text for m in extract_mentions(doc)}


def test_councillor_is_a_title(quotes: Quotes) -> None:
    text = (
        "Nottingham City Councillor Brian Parbutt said: \"The biggest problem we have got at the "
        'moment is that we keep losing members."'
    )
    assert only(quotes(text)).speaker == "Brian Parbutt"


# --- marks -----------------------------------------------------------------------------------


def test_multi_paragraph_quotation_is_one_quotation(quotes: Quotes) -> None:
    text = (
        'Mr Blair said: "The Conservative proposals would put at risk our hard-won stability.\n\n'
        '"I believe that the Tory plans are a call to return to the past," he said.'
    )
    quote = only(quotes(text))
    assert quote.start == text.index('"')
    assert quote.end == text.index("past,") + len('past,"')
    assert quote.text == (
        "The Conservative proposals would put at risk our hard-won stability.\n\n"
        "I believe that the Tory plans are a call to return to the past,"
    )
    assert quote.speaker == "Blair"


def test_reopened_quotation_inside_one_paragraph(quotes: Quotes) -> None:
    # Paragraph breaks lost in the source: the reopening mark continues the same quotation.
    text = 'Ms Hewitt said: "We have doubled the maternity pay already. "We are going to extend it."'
    quote = only(quotes(text))
    assert quote.text == "We have doubled the maternity pay already. We are going to extend it."
    assert quote.speaker == "Hewitt"


def test_apostrophes_do_not_disturb_the_marks(quotes: Quotes) -> None:
    text = (
        "At the APEC Economic Leaders' Meeting, the US' tech blockade and Korea’s exports were "
        'discussed. "The leaders\' statement was clear about Korea’s role in the region," said '
        "Kim Min-jun."
    )
    quote = only(quotes(text))
    assert quote.text == "The leaders' statement was clear about Korea’s role in the region,"
    assert quote.speaker == "Kim Min-jun"


def test_odd_count_of_marks_is_handled(quotes: Quotes) -> None:
    text = (
        'Mr Hopkins said: "If you haven\'t already got bloggers in your company, you will have them '
        "tomorrow. Mr Hopkins said that the blogsphere was powerful because it takes so little time. "
        '"Everyone does this - mums, radicals, conservatives," he said.\n\n'
        'The screen measures 5\' 10" across. "That is the essential difference," he added.'
    )
    found = quotes(text)
    check_offsets(text, found)
    assert [q.text for q in found] == [
        "If you haven't already got bloggers in your company, you will have them tomorrow.",
        "Everyone does this - mums, radicals, conservatives,",
        "That is the essential difference,",
    ]
    assert not found[0].text.endswith('"')


def test_unclosed_quotation_at_the_end_of_the_text(quotes: Quotes) -> None:
    text = 'Alan Milburn said: "Michael Howard\'s speech today confirms what we have always said.'
    quote = only(quotes(text))
    assert quote.end == len(text)
    assert quote.speaker == "Alan Milburn"


def test_nested_quotation_in_double_marks_stays_inside(quotes: Quotes) -> None:
    text = (
        '"At that meeting Bellamy admitted that he was going to "fake" an injury in training and '
        'walk off," said Freddy Shepherd.'
    )
    quote = only(quotes(text))
    assert quote.text.startswith("At that meeting") and quote.text.endswith("walk off,")
    assert quote.speaker == "Freddy Shepherd"


def test_curly_and_straight_double_marks(quotes: Quotes) -> None:
    text = (
        "“The excitement is a live performance as a musician,” Bill Conti says.\n\n"
        '"It\'s a moment in the sun," he added.'
    )
    curly, straight = quotes(text)
    check_offsets(text, [curly, straight])
    assert curly.text == "The excitement is a live performance as a musician,"
    assert text[curly.end - 1] == "”"
    assert curly.speaker == straight.speaker == "Bill Conti"


def test_single_curly_marks_as_quotation_marks(quotes: Quotes) -> None:
    text = "‘We will not back down on this, whatever happens,’ Foreign Secretary Jack Straw said."
    quote = only(quotes(text))
    assert quote.text == "We will not back down on this, whatever happens,"
    assert quote.speaker == "Jack Straw"


def test_single_curly_apostrophes_are_not_quotations() -> None:
    text = "The leaders’ meeting noted Korea’s growth and the US’ tech rules, ‘value diplomacy’ aside."
    spans = find_quote_spans(text)
    assert [s.text for s in spans] == ["value diplomacy"]


# --- what is not a quotation -----------------------------------------------------------------


def test_scare_quotes_terms_and_titles_are_left_out(quotes: Quotes) -> None:
    text = (
        'The Tories dismissed the plan as "desperate", and Mr Kok called it a so-called '
        '"knowledge-based economy". The committee deemed Tuesday "Free Mojtaba and Arash Day". '
        'China is pursuing its "dual circulation" strategy. The meeting adopted the theme '
        '"Building a Sustainable Tomorrow - Connect, Innovate, and Prosper." Labour was not '
        '"rattled", said Margaret Beckett.'
    )
    assert quotes(text) == []


def test_short_utterance_next_to_a_cue_is_a_quotation(quotes: Quotes) -> None:
    text = 'Asked whether he would do it again, Ozzy Osbourne replied: "Absolutely."'
    quote = only(quotes(text))
    assert quote.text == "Absolutely."
    assert quote.speaker == "Ozzy Osbourne"


def test_no_marks_and_empty_text(quotes: Quotes) -> None:
    assert quotes("") == []
    assert quotes("No quotation here, only Korea's and the US' apostrophes.") == []
    assert quotes('"') == []
    assert quotes('" "') == []


def test_no_spacy_import_at_module_import() -> None:
    code = (
        "import sys, search.analysis.quotes, search.analysis.quote_marks, search.analysis.quote_kinds, "
        "search.analysis.speakers, "
        "search.analysis.speaker_names, search.analysis.referents; print('spacy' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert result.stdout.strip() == "False"


# --- the scorer ------------------------------------------------------------------------------


def test_scorer_matching_and_speaker_rule() -> None:
    text = 'He said: "one two three four five six." Then "seven eight nine ten eleven," said Ann Lee.'
    gold = quote_eval.locate(
        text,
        [
            {"text": "one two three four five six.", "speaker": "Mr Bob Day"},
            {"text": "seven eight nine", "end": "eleven,", "speaker": "Ann Lee", "aliases": ["AL"]},
        ],
        "case",
    )
    assert text[gold[1].start : gold[1].end] == "seven eight nine ten eleven,"
    predicted = [
        QuoteFound(8, 40, "one two three four five six.", "Bob Day", "bobday", "said", 0.9),
        QuoteFound(49, 53, "seven", "AL", "al", None, 0.5),  # too short a piece of gold 2
        QuoteFound(0, 2, "He", None, None, None, 0.3),
    ]
    scores = quote_eval.Scores()
    quote_eval.score_document(text, gold, predicted, scores, "case")
    assert (scores.gold, scores.predicted, scores.matched, scores.speaker_correct) == (2, 3, 1, 1)
    assert quote_eval.speaker_correct("Sir Alex Ferguson", quote_eval.GoldQuote(0, 1, "Alex Ferguson", ()))
    assert not quote_eval.speaker_correct("Blair", quote_eval.GoldQuote(0, 1, "Tony Blair", ()))
    assert quote_eval.speaker_correct(None, quote_eval.GoldQuote(0, 1, None, ()))


def test_scorer_runs_on_the_seed(nlp: Language) -> None:
    scores = quote_eval.evaluate(quote_eval.load_cases("seed"), nlp, "seed")
    assert (scores.gold, scores.matched) == (4, 4)
    assert scores.f1 == 1.0


@pytest.mark.skipif(not quote_eval.corpus_available(), reason="the BBC corpus is not next to the repository")
def test_scorer_runs_on_a_tiny_bbc_set(nlp: Language) -> None:
    cases = quote_eval.load_cases("dev")[:2]
    scores = quote_eval.evaluate(cases, nlp, "dev")
    assert scores.documents == 2
    assert scores.gold == sum(len(c["quotes"]) for c in cases)
    assert 0.0 <= scores.speaker_accuracy <= 1.0 and scores.f1 > 0.5


def test_annotations_are_well_formed() -> None:
    for name in ("dev.json", "heldout.json", "heldout_b.json", "heldout_c.json", "seed_000.json"):
        cases = json.loads((DATA / name).read_text(encoding="utf-8"))
        for case in cases:
            assert case["path"].endswith(".txt") and not Path(case["path"]).is_absolute()
            for quote in case["quotes"]:
                assert len(quote["text"]) >= 30 or "end" not in quote
                assert set(quote) <= {"text", "end", "speaker", "aliases"}
    dev = {c["path"] for c in json.loads((DATA / "dev.json").read_text(encoding="utf-8"))}
    held = {c["path"] for c in json.loads((DATA / "heldout.json").read_text(encoding="utf-8"))}
    assert len(dev) == len(held) == 20 and not dev & held
    splits = [
        {c["path"] for c in json.loads((DATA / name).read_text(encoding="utf-8"))}
        for name in ("dev.json", "heldout.json", "heldout_b.json", "heldout_c.json")
    ]
    assert sum(len(s) for s in splits) == len(set().union(*splits))  # no article in two splits


@given(st.text(alphabet=st.sampled_from(list('ab .,:\n"“”‘’\'')), max_size=80))
@settings(max_examples=300, deadline=None)
def test_mark_pairing_never_fails_on_any_text(text: str) -> None:
    spans = find_quote_spans(text)
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start] in "\"“”„«»‘"  # a misused ” can open
        assert all(span.start < a <= b <= span.end for a, b in span.pieces)
    assert [s.start for s in spans] == sorted(s.start for s in spans)
