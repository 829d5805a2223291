"""``docscope PATH --index-dir DIR``, noting when each step of its start-up ends: run by
``benchmarks.ui.first_screen_phases`` in a pseudo-terminal, which stops it once the document
list's status line is on the screen (as for the first-screen figure). Each moment is appended
to the file named by the third argument as one JSON line, ``[name, time.time()]``, as it
happens. Not part of the test suite; it patches docscope's methods only in this process."""

from __future__ import annotations

import json
import sys
import time

STARTED = time.time()


def main(corpus: str, index_dir: str, out: str) -> None:
    log = open(out, "a", encoding="utf-8")  # noqa: SIM115 - open until the process is stopped

    def mark(name: str, at: float | None = None) -> None:
        log.write(json.dumps([name, at or time.time()]) + "\n")
        log.flush()

    mark("started", STARTED)
    # What `docscope` imports: the command line and the engine, then (once the corpus has
    # opened) the explorer. Both are imported here first, to be patched.
    import search.library
    import tui.explorer
    from tui import cli

    mark("imported")
    library_open = search.library.Library.open.__func__  # type: ignore[attr-defined]
    documents = search.library.Library.documents
    on_mount = tui.explorer.ExplorerScreen.on_mount

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

    search.library.Library.open = classmethod(open_library)  # type: ignore[method-assign]
    search.library.Library.documents = read_documents  # type: ignore[method-assign]
    tui.explorer.ExplorerScreen.on_mount = mounted  # type: ignore[method-assign]
    cli.main([corpus, "--index-dir", index_dir])


if __name__ == "__main__":
    main(*sys.argv[1:4])
