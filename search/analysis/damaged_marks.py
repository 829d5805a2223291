"""Tokenizer rules for quotation marks glued to words by a damaged encoding.

Text that went through a wrong code page keeps a closing mark and loses what followed it: a
dash or an apostrophe becomes ``?`` or ``-`` with no space (``"...bit,"?Cooper told``,
``Tribune.-"I haven't``). spaCy's tokenizer then reads ``bit,"?Cooper`` as one word, so the
speaker's name is neither a name nor the verb's subject. Splitting the mark and its debris off
the word lets the parser see ``Cooper told`` again. Only marks between punctuation and a word
are split: ``don"t`` (a damaged apostrophe inside a word) stays one token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["split_damaged_marks"]

_INFIXES = (
    r'(?<=[A-Za-z])[,.](?=["“”-])',  # children,"?Cooper / Tribune.-"I: the clause's own stop
    r'(?<=[,.;:!?\-])["“”](?=[?\-–—]?[A-Za-z])',  # ,"?Cooper / -"I: the mark itself
    r'(?<=["“”])[?\-–—](?=[A-Z])',  # "?Cooper: the debris after the mark
    r'(?<=["“”])\?(?=[a-z])',  # ,"?she added
    r'(?<=[a-z][.,])-(?=["“”])',  # Tribune.-"I: the dash before the next mark
)
_PREFIXES = (r"\?(?=[A-Za-z])",)
"""``"?Pence said``: after the mark (a prefix already), the debris before a capital."""


def split_damaged_marks(nlp: Language) -> None:
    """Add the rules above to ``nlp``'s tokenizer (in place)."""
    from spacy.util import compile_infix_regex, compile_prefix_regex

    nlp.tokenizer.infix_finditer = compile_infix_regex([*nlp.Defaults.infixes, *_INFIXES]).finditer
    nlp.tokenizer.prefix_search = compile_prefix_regex([*_PREFIXES, *nlp.Defaults.prefixes]).search
