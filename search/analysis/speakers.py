"""Who said each quotation.

``SpeakerFinder`` looks for the speaker the text gives a quotation in the order a reader
would: a reporting verb next to the quotation ("...," said X; X told reporters: "..."), one
further back in the same sentence (X warned that firms would "..."), a statement or proposal
named before it (X made four proposals. One was to "..."), and finally the speaker of the
quotation or reported speech just before (journalists quote one speaker over several
sentences and paragraphs). Turning a verb's subject into a name is ``SpeakerNames``'s work
(``search.analysis.speaker_names``); pronouns and descriptions are resolved by ``Referents``
(``search.analysis.referents``).

spaCy is needed only for the ``Doc`` passed in; it is never imported here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from search.analysis.quote_kinds import (
    CORE_CUES,
    EXTENDED_CUES,
    SUBJECT_DEPS,
    is_cue,
    is_cue_form,
    negated,
)
from search.analysis.quote_marks import QuoteSpan, sentence_starts
from search.analysis.referents import (
    CONFIDENCE_ADJACENT,
    CONFIDENCE_CONTINUED,
    CONFIDENCE_DESCRIPTION,
    CONFIDENCE_NONE,
    CONFIDENCE_SENTENCE,
    PERSON_LABELS,
    Earlier,
    Speaker,
)
from search.analysis.speaker_names import SpeakerNames, first_nominal, unnamed

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

__all__ = ["CONFIDENCE_NONE", "SpeakerFinder", "Speaker"]


class SpeakerFinder(SpeakerNames):
    """Attributes the quotations of one document, in order."""

    def attribute(self, index: int, earlier: Earlier) -> Speaker | None:
        """The speaker of quotation ``index``, given the speakers of those before it."""
        span = self.quotes[index]
        pre, post = self._contexts(index)
        speaker = self._post_adjacent(span, post, earlier)
        if speaker is None:
            speaker = self._pre_adjacent(pre, earlier)
        if speaker is None:
            speaker = self._in_sentence(pre, span, earlier)
        if speaker is None:
            speaker = self._statement(pre, earlier)
        if speaker is None:
            speaker = self._continued(span, earlier)
        return speaker

    def _contexts(self, index: int) -> tuple[Span | None, Span | None]:
        """The narrative before the quotation (since its sentence began) and after it (to its end)."""
        span = self.quotes[index]
        para_start, para_end = self._paragraph(span.start)
        pre_start = para_start
        if index > 0 and self.quotes[index - 1].end > para_start:
            pre_start = max(pre_start, self.quotes[index - 1].end)
        for begin in sentence_starts(self.text, pre_start, span.start):
            if not self._inside_span(begin):
                pre_start = begin
        post_end = para_end
        if index + 1 < len(self.quotes) and self.quotes[index + 1].start < para_end:
            post_end = min(post_end, self.quotes[index + 1].start)
        post_start = min(span.end, post_end)
        for begin in sentence_starts(self.text, post_start, post_end):
            if not self._inside_span(begin):
                post_end = begin
                break
        return self._span(pre_start, span.start), self._span(post_start, post_end)

    def _post_adjacent(self, span: QuoteSpan, post: Span | None, earlier: Earlier) -> Speaker | None:
        """'"...," said X' / '"...," X told reporters' / '"...", according to X'."""
        if post is None:
            return None
        tokens = [t for t in post if not t.is_space]
        while tokens and tokens[0].is_punct and tokens[0].text not in "(":
            tokens = tokens[1:]
        last = span.text.rstrip()[-1:]
        ends_clause = last in ",?!…-—" or post.text.lstrip()[:1] in ",;"
        if last == "." and tokens and tokens[0].text[:1].isupper() and not is_cue(tokens[0], CORE_CUES):
            ends_clause = False  # '"...." President Lee noted' starts a new sentence
        elif last == ".":
            ends_clause = True
        if not tokens or not ends_clause or tokens[-1].text == ":":
            return None  # 'Said Mr Fogg: "..."' introduces the next quotation
        for position, token in enumerate(tokens[:12]):
            if token.text == "(" or (token.is_punct and token.text not in (",", "-")):
                break  # a hyphen joins words ("a 49-year-old operator, told"); a stop ends the clause
            following = tokens[position + 1].lower_ if position + 1 < len(tokens) else ""
            if token.lower_ == "according" and following == "to":
                found = self._speaker_after(tokens[position + 2 :], "according to", earlier)
                return found or unnamed("according to")
            if not is_cue(token, CORE_CUES):
                continue
            cue = token.lower_
            before = [t for t in tokens[:position] if not t.is_punct and t.pos_ not in ("ADV", "AUX", "PART")]
            if not before:
                return self._speaker_after(tokens[position + 1 :], cue, earlier) or unnamed(cue)
            subject = self._subject_of(token) or self._first_named(tokens[:position]) or first_nominal(tokens[:position])
            if subject is None:
                return None
            return self._speaker_from(subject, cue, earlier, CONFIDENCE_ADJACENT) or unnamed(cue)
        return self._statement_after(tokens, earlier)

    def _first_named(self, tokens: list[Token]) -> Token | None:
        """The first token of a person's mention: the parser may tag a bare surname glued to
        a closing mark as an adverb ('"...," Pike, a baker, told'), but the mention stands."""
        for token in tokens:
            mention = self.mention_of_token.get(token.i)
            if mention is not None and mention.label in PERSON_LABELS:
                return token
        return None

    def _pre_adjacent(self, pre: Span | None, earlier: Earlier) -> Speaker | None:
        """'X said: "..."' / 'X noted, "..."' / 'X said that "..."' / 'X: "..."'."""
        if pre is None:
            return None
        tokens = [t for t in pre if not t.is_space]
        if not tokens:
            return None
        colon = tokens[-1].text == ":"
        tail = tokens[:-1] if tokens[-1].text in (":", ",") else tokens
        if tail and tail[-1].lower_ in ("that", "only"):
            tail = tail[:-1]
        if tail and (is_cue(tail[-1], CORE_CUES) or is_cue_form(tail[-1])):
            found = self._speaker_of_cue(tail[-1], tokens, earlier, CONFIDENCE_ADJACENT)
            return found or unnamed(tail[-1].lower_)
        if tail and tail[-1].lower_ == "to" and len(tail) > 1 and tail[-2].lower_ == "according":
            return None
        if not colon:
            return None
        cues = [t for t in tail if is_cue(t, CORE_CUES) or is_cue_form(t)]
        if cues:
            found = self._speaker_of_cue(cues[-1], tokens, earlier, CONFIDENCE_ADJACENT)
            return found or unnamed(cues[-1].lower_)
        statement = self._statement_in(tail, earlier)
        if statement is not None:
            return statement
        agents = [i for i, t in enumerate(tail) if t.lower_ == "by"]
        if agents:
            found = self._speaker_after(tail[agents[-1] + 1 :], ":", earlier, CONFIDENCE_SENTENCE)
            if found is not None:
                return found
        if len(tail) <= 6:
            subject = first_nominal(tail)
            if subject is not None:
                return self._speaker_from(subject, ":", earlier, CONFIDENCE_ADJACENT)
        root = tail[-1].sent.root if tail else None
        if root is not None:
            subject = next((c for c in root.children if c.dep_ in SUBJECT_DEPS and c.i >= tail[0].i), None)
            if subject is not None:
                return self._speaker_from(subject, ":", earlier, CONFIDENCE_DESCRIPTION)
        return None

    def _in_sentence(self, pre: Span | None, span: QuoteSpan, earlier: Earlier) -> Speaker | None:
        """A reporting verb earlier in the sentence whose clause holds the quotation."""
        if pre is None:
            return None
        tokens = [t for t in pre if not t.is_space]
        cues = [t for t in tokens if is_cue(t, EXTENDED_CUES) and not negated(t)]
        if not cues:
            return None
        first_inside = self.doc.char_span(span.inner_start, span.inner_end, alignment_mode="expand")
        ancestors = set()
        if first_inside is not None and len(first_inside):
            ancestors = {a.i for a in first_inside[0].ancestors}
        ordered = [c for c in cues if c.i in ancestors] + [c for c in cues if c.i not in ancestors]
        for cue in ordered:
            found = self._speaker_of_cue(cue, tokens, earlier, CONFIDENCE_SENTENCE)
            if found is not None:
                return found
        return None

    def _statement(self, pre: Span | None, earlier: Earlier) -> Speaker | None:
        """The quotation given as the content of a named statement, proposal or declaration."""
        if pre is None:
            return None
        tokens = [t for t in pre if not t.is_space]
        return self._statement_in(tokens, earlier, look_back=True)
    def _continued(self, span: QuoteSpan, earlier: Earlier) -> Speaker | None:
        """The speaker of the latest quotation or reported speech before this one, if recent."""
        window_start = self._paragraph_start_back(span.start, 1)
        latest: tuple[int, Speaker] | None = None
        for position, speaker in reversed(earlier):
            if position < window_start:
                break
            if speaker is not None:
                latest = (position, speaker)
                break
            return None  # the quotation just before had no speaker: do not skip over it
        reported = self._latest_reported(window_start, span.start, earlier)
        if reported is not None and (latest is None or reported[0] > latest[0]):
            latest = reported
        if latest is None:
            return None
        speaker = latest[1]
        return Speaker(
            speaker.name, None, min(speaker.confidence, CONFIDENCE_CONTINUED), speaker.label, speaker.document
        )

    def _latest_reported(self, start: int, end: int, earlier: Earlier) -> tuple[int, Speaker] | None:
        """The last sentence of reported speech ("She said new mothers...") in [start, end)."""
        window = self.doc.char_span(start, end, alignment_mode="contract")
        if window is None:
            return None
        for token in reversed(window):
            if self._inside_quote(token.idx) or not is_cue(token, EXTENDED_CUES) or negated(token):
                continue
            subject = self._subject_of(token)
            if subject is None or self._inside_quote(subject.idx):
                continue
            found = self._speaker_from(subject, token.lower_, earlier, CONFIDENCE_CONTINUED)
            if found is not None:
                return token.idx, found
        return None
