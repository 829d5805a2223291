"""The errors a user of the engine is meant to see, each with a one-line message."""

from __future__ import annotations


class CorpusError(Exception):
    """The corpus or its index cannot be opened (missing path, unreadable, not a corpus)."""


class CurationError(CorpusError):
    """A correction that cannot be made or a curations file that cannot be read; ``str(error)``
    is one line fit to show a user ("no entity named 'Foo'"). Nothing was changed."""


class QueryError(ValueError):
    """A malformed query; ``str(error)`` is one line fit to show a user."""


class ModelNotFound(Exception):
    """The spaCy pipeline chosen cannot analyse: not installed, not a pipeline, a folder that
    holds none, or a blank language spaCy lacks; ``str(error)`` is one line saying the way out."""


class SearchCancelled(Exception):
    """A search stopped early because its caller no longer wants it (a newer query)."""
