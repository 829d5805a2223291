"""``docscope PATH --index-dir DIR``, with the moments of its start-up noted: run by
``benchmarks.ui.first_screen_phases`` in a pseudo-terminal to show where the first screen's time
goes. It exits as soon as the first frame with the document list has been rendered and handed
to the terminal, after writing one JSON object of wall-clock times (``time.time()``) to the file
named by its third argument. Not part of the
test suite; it patches docscope's methods only in this process."""

from __future__ import annotations

import json
import os
import sys
import time

MARKS: dict[str, float] = {"started": time.time()}


def mark(name: str) -> None:
    MARKS.setdefault(name, time.time())


def main(corpus: str, index_dir: str, out: str) -> None:
    # What `docscope` imports: the command line and the engine, then (once the corpus has
    # opened) the explorer. Both are imported here first, to be patched.
    import search.library
    import tui.explorer
    from tui import cli

    mark("imported")

    from textual.app import App

    library_open = search.library.Library.open.__func__  # type: ignore[attr-defined]
    documents = search.library.Library.documents
    on_mount = tui.explorer.ExplorerScreen.on_mount
    display = App._display

    def open_library(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        library = library_open(cls, *args, **kwargs)
        mark("opened")
        return library

    def read_documents(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        listed = documents(self, *args, **kwargs)
        mark("listing read")
        return listed

    def mounted(self):  # type: ignore[no-untyped-def]
        on_mount(self)
        mark("mounted")

    def frame(self, screen, renderable):  # type: ignore[no-untyped-def]
        display(self, screen, renderable)
        if renderable is not None and "mounted" in MARKS:  # the list was put in place at mount
            mark("painted")
            with open(out, "w", encoding="utf-8") as file:
                json.dump(MARKS, file)
            os._exit(0)

    search.library.Library.open = classmethod(open_library)  # type: ignore[method-assign]
    search.library.Library.documents = read_documents  # type: ignore[method-assign]
    tui.explorer.ExplorerScreen.on_mount = mounted  # type: ignore[method-assign]
    App._display = frame  # type: ignore[method-assign]
    cli.main([corpus, "--index-dir", index_dir])


if __name__ == "__main__":
    main(*sys.argv[1:4])
