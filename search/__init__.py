"""docscope's engine: load, clean, analyse, index and query a corpus of documents.

The public API is the ``Library`` service object and the records it returns. This package
never imports ``textual`` or ``rich``: it serves the explorer and the command line alike.
"""

from search.errors import CorpusError, CurationError, ModelNotFound, QueryError, SearchCancelled
from search.library import Library

__all__ = ["CorpusError", "CurationError", "Library", "ModelNotFound", "QueryError", "SearchCancelled"]
