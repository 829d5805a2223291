"""Direct quotations and who said them: the orchestrator.

Three steps per document. ``quote_marks.find_quote_spans`` pairs the quotation marks (pure
string work that must never fail); ``quote_kinds.is_quotation`` keeps the pairs that hold
someone's words and leaves out scare quotes, terms and titles; ``speakers.SpeakerFinder``
attributes each quotation kept, in document order, since a quotation with no cue of its own
takes the speaker of the one before. Speakers are the canonical names of the document's entity
mentions, so "President Lee noted" gives "Lee Jae-myung".

spaCy is needed only for the ``Doc`` passed in; it is never imported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from search.analysis.names import entity_key
from search.analysis.quote_kinds import is_quotation
from search.analysis.quote_marks import find_quote_spans
from search.analysis.results import EntityMention, QuoteFound
from search.analysis.speaker_kinds import source_label
from search.analysis.speakers import CONFIDENCE_NONE, Speaker, SpeakerFinder

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["extract_quotes"]


# --- the entry point -------------------------------------------------------------------------


def extract_quotes(doc: Doc, mentions: Sequence[EntityMention]) -> list[QuoteFound]:
    """Direct quotations in document order.

    ``doc.text`` is the cleaned document text (paragraphs separated by "\\n\\n"); offsets in
    ``QuoteFound`` are into it: ``start`` at the opening mark, ``end`` just past the closing
    mark; ``QuoteFound.text`` is the words inside, without the marks. Scare quotes, terms and
    titles are left out. ``mentions`` are the document's entity mentions, already joined
    (``entities.extract_mentions``): speakers are their canonical names.
    """
    spans = find_quote_spans(doc.text)
    if not spans:
        return []
    reader = SpeakerFinder(doc, mentions, spans)
    kept = [span for span in spans if is_quotation(doc, span)]
    reader.set_quotes(kept)
    found: list[QuoteFound] = []
    speakers: list[tuple[int, Speaker | None]] = []
    for index, span in enumerate(kept):
        attributed = reader.fullest(reader.attribute(index, speakers))
        speaker = attributed if attributed is not None and attributed.name else None
        speakers.append((span.start, speaker))
        found.append(
            QuoteFound(
                start=span.start,
                end=span.end,
                text=span.text,
                speaker=speaker.name if speaker else None,
                speaker_key=entity_key(speaker.name) if speaker else None,
                cue=attributed.cue if attributed else None,
                confidence=attributed.confidence if attributed else CONFIDENCE_NONE,
                speaker_label=source_label(speaker.label, speaker.document) if speaker else None,
            )
        )
    return found
