"""Start the explorer: read the config, open the Library, run the app.

``tui/cli.py`` calls ``run_explorer`` for ``docscope [PATH]``. Opening a Library indexes
nothing, so the first screen appears at once, with the document list read here; the app
indexes and analyses in workers.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys

from search import CorpusError, Library, ModelNotFound
from tui.config import Config, load_config
from tui.executor import DaemonThreadExecutor


def open_library(
    corpus: str | None, index_dir: str | None, model: str | None, config: Config
) -> Library:
    """``Library.open`` with the model named on the command line, else the config file's.

    A bad model from the config file names the file: the user would look for a ``--model``
    they never typed. Raises ``CorpusError`` and ``ModelNotFound``.
    """
    try:
        return Library.open(corpus, index_dir, model or config.model)
    except ModelNotFound as error:
        if model or not config.model:
            raise
        raise ModelNotFound(f"model = {config.model!r} in {config.path}: {error}") from None


def run_explorer(corpus: str | None, index_dir: str | None, model: str | None) -> int:
    """Run the explorer on ``corpus`` (None: the bundled seeds); the process exit code.

    A corpus, index folder or model that cannot be used gets one line on stderr (the same as
    the commands print, outside strings made safe) and exit code 2, no traceback.
    """
    config = load_config()
    try:
        library = open_library(corpus, index_dir, model, config)
    except (CorpusError, ModelNotFound) as error:
        from tui import cli_output

        cli_output.error(str(error))
        return 2
    try:
        listing = library.documents(sort="title")  # read now, it is in the first frame
    except sqlite3.Error:  # e.g. locked too long: the explorer's worker tries again, and says why
        listing = None
    from tui.app import DocscopeApp  # Textual loads only once the corpus is known to open

    app = DocscopeApp(library, config=config, listing=listing)
    loop = asyncio.new_event_loop()
    loop.set_default_executor(DaemonThreadExecutor())  # exit leaves reading jobs behind
    try:
        app.run(loop=loop)
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
    app.cancel.set()  # set on unmount already, unless the app ended without one
    if app.jobs.writing:  # a cancelled writer ends at its next check; say why we linger
        print("docscope: stopping background work…", file=sys.stderr)
    app.jobs.close()
    return app.return_code or 0
