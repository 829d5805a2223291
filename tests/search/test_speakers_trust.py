"""Speakers a reporter can trust (issue 14, item 4): one test per error class, on made-up text.

Each sentence was written for this file (none comes from a corpus or from the issue), so a
rule that passes here was not tuned on the text it is judged by.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from search.analysis.names import entity_key
from search.analysis.quote_marks import find_quote_spans
from search.analysis.results import EntityMention, QuoteFound
from search.analysis.speaker_kinds import source_label, speaking_mentions
from tests.search.test_quotes import Quotes, nlp, quotes  # noqa: F401  (the session's fixtures)

if TYPE_CHECKING:
    from spacy.language import Language


def speakers(found: list[QuoteFound]) -> list[str | None]:
    return [q.speaker for q in found]


# --- speakers are people, organisations or documents ------------------------------------------


def test_a_nationality_before_an_organisation_noun_speaks_as_that_organisation(quotes: Quotes) -> None:
    found = quotes('"We reject this ruling," the Norwegian government said in a statement.')
    assert speakers(found) == ["Norwegian government"]
    assert found[0].speaker_label == "ORG"


def test_a_fragment_of_foreign_text_is_never_a_speaker(nlp: Language) -> None:
    doc = nlp("Het wil Rotterdam niet. Pieter de Villiers spoke.")

    def mention(text: str, label: str = "PERSON") -> EntityMention:
        start = doc.text.index(text)
        return EntityMention(start, start + len(text), text, label, entity_key(text), text)

    kept = speaking_mentions(doc, [mention("wil Rotterdam"), mention("Pieter de Villiers"), mention("de Villiers")])
    assert [m.name for m in kept] == ["Pieter de Villiers", "de Villiers"]


def test_an_adjective_alone_stays_a_nationality_when_no_organisation_follows(nlp: Language) -> None:
    doc = nlp("The Portuguese fans sang all night.")
    start = doc.text.index("Portuguese")
    portuguese = EntityMention(start, start + 10, "Portuguese", "NORP", "portuguese", "Portuguese")
    assert speaking_mentions(doc, [portuguese]) == [portuguese]


def test_an_indefinite_role_names_nobody_not_its_party_or_office(quotes: Quotes) -> None:
    found = quotes('"This budget is a disgrace to the valleys," said one Plaid Cymru MP.')
    assert speakers(found) == [None]
    found = quotes('"The figures were never audited," a senior Treasury official replied.')
    assert speakers(found) == [None]


def test_labels_say_what_kind_of_source_speaks() -> None:
    assert source_label("PERSON", document=False) == "PERSON"
    assert source_label("GPE", document=False) == "ORG"
    assert source_label("ORG", document=True) == "DOCUMENT"
    assert source_label("", document=False) is None


def test_a_report_speaks_for_the_body_that_wrote_it_and_is_labelled_a_document(quotes: Quotes) -> None:
    found = quotes(
        'On Monday a World Health Organization report on rural clinics was published. '
        '"Staffing has fallen in every district surveyed," the report said.'
    )
    assert speakers(found) == ["World Health Organization"]
    assert found[0].speaker_label == "DOCUMENT"


# --- appositives ------------------------------------------------------------------------------


def test_a_name_after_a_spokeswomans_employer_is_the_speaker(quotes: Quotes) -> None:
    found = quotes('"We are fully booked for the summer," said a spokeswoman for Larkspur Resorts, Miriam Okafor.')
    assert speakers(found) == ["Miriam Okafor"]
    assert found[0].speaker_label == "PERSON"


def test_a_name_before_its_role_is_the_speaker(quotes: Quotes) -> None:
    found = quotes('Miriam Okafor, a spokeswoman for Larkspur Resorts, said: "We are fully booked for the summer."')
    assert speakers(found) == ["Miriam Okafor"]


def test_a_company_spokesman_named_after_the_cue_is_the_speaker(quotes: Quotes) -> None:
    found = quotes('"The pumps failed at night," said Vantor Pumps spokesman Teodor Blaskovic.')
    assert speakers(found) == ["Teodor Blaskovic"]


def test_a_pronoun_after_an_office_with_a_name_apposed_refers_to_that_name(quotes: Quotes) -> None:
    found = quotes(
        "Rhona Kilbride spoke first. The Minister for Coastal Affairs, Declan Ferris, said the quota "
        'was unfair to small boats. "We will fight this in every court," he said.'
    )
    assert speakers(found) == ["Declan Ferris"]


def test_an_office_alone_in_a_headline_is_the_person_holding_it(quotes: Quotes) -> None:
    found = quotes(
        '"Taxes will fall," says Ruritania\'s Prime Minister\n\n'
        "Ruritania's Prime Minister Oskar Valdemaren promised lower taxes on Tuesday."
    )
    assert speakers(found) == ["Oskar Valdemaren"]


# --- continued quotations keep their speaker --------------------------------------------------


def test_a_quotation_continued_into_the_next_paragraph_keeps_its_speaker(quotes: Quotes) -> None:
    found = quotes(
        'Felix Arrowood said: "It has been a long road for everyone in this village.\n\n'
        '"We now want to move on with our lives."'
    )
    assert speakers(found) == ["Felix Arrowood"]
    assert "move on" in found[0].text


def test_a_quotation_with_no_cue_after_the_speakers_own_keeps_the_speaker(quotes: Quotes) -> None:
    found = quotes(
        '"The harvest came three weeks late," Felix Arrowood said. "Nobody here has seen that before."'
    )
    assert speakers(found) == ["Felix Arrowood", "Felix Arrowood"]


# --- the interviewer trap and descriptions ----------------------------------------------------


def test_the_cues_subject_wins_over_the_interviewer(quotes: Quotes) -> None:
    found = quotes(
        "Senator Harriet Molloy met voters in Toledo on Tuesday.\n\n"
        'Interviewer Marcus Bell asked about the tax plan. The senator responded: "It is a plan for working families."'
    )
    assert speakers(found) == ["Harriet Molloy"]


def test_a_description_with_no_person_of_that_role_stays_unresolved(quotes: Quotes) -> None:
    found = quotes(
        'Interviewer Marcus Bell asked about the tax plan. The senator responded: "It is a plan for working families."'
    )
    assert speakers(found) == [None]


def test_a_speaker_found_through_a_description_is_a_guess(quotes: Quotes) -> None:
    found = quotes(
        "Senator Harriet Molloy met voters in Toledo on Tuesday.\n\n"
        'The senator responded: "It is a plan for working families."'
    )
    assert speakers(found) == ["Harriet Molloy"]
    assert found[0].confidence < 0.5


# --- marks damaged by a wrong code page -------------------------------------------------------


def test_a_damaged_apostrophe_is_no_quotation_mark() -> None:
    text = 'The mill"s owner didn"t sell. "We stay," he said.'
    assert [s.text for s in find_quote_spans(text)] == ["We stay,"]


def test_a_damaged_dash_is_no_quotation_mark() -> None:
    text = 'The crowd chanted "Olé" "?a word meaning bravo "?as the bull ran.'
    assert [s.text for s in find_quote_spans(text)] == ["Olé"]


def test_a_closing_mark_glued_to_the_speakers_name_still_gives_the_speaker(quotes: Quotes) -> None:
    found = quotes('Gordon Pike runs the bakery. "I bake every night,"?Pike told the Gazette.')
    assert speakers(found) == ["Gordon Pike"]


def test_a_hyphenated_age_between_name_and_cue_does_not_hide_the_speaker(quotes: Quotes) -> None:
    found = quotes(
        'Gordon Pike was cleared in March. Prosecutor Alma Reyes had objected. '
        '"I never gave up on the truth," Pike, a 61-year-old baker, told the Gazette.'
    )
    assert speakers(found) == ["Gordon Pike"]
