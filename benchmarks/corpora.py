"""The corpora the benchmark runs on, prepared in a temporary folder.

The real corpora are never written to: a folder corpus is opened through a folder of symbolic
links to its files (to change one document, the benchmark replaces that one link by a changed
copy), and a JSONL corpus is copied (docscope opens a linked file by its target, so a replaced
link would go unseen). The 100k corpus is generated: news40k's records repeated with new ids
(``<id>-r0``, ``<id>-r1``...) until there are 100,000, written to a temporary .jsonl.gz.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from search.loading import bundled_seeds, iter_sources, read_source
from search.records import SourceDocument

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"
"""``/work/shared/corpora`` beside the repository."""
NAMES = ("seeds", "bbc", "news40k", "news100k")
LARGE_DOCUMENTS = 100_000


@dataclass
class Corpus:
    """One corpus as the benchmark opens it."""

    name: str
    path: Path
    """What docscope and the peers open (links into the real data, or the generated file)."""
    source: Path
    """The real data."""
    kind: str
    """"folder" or "jsonl"."""
    raw_bytes: int = 0
    """Bytes of the corpus as text: the files, or the JSONL uncompressed."""
    documents: int = 0
    text_chars: int = 0
    """Characters of cleaned text (what is indexed)."""
    words: int = 0
    note: str = ""

    @property
    def raw_mb(self) -> float:
        return self.raw_bytes / 1e6


def prepare(name: str, workdir: Path) -> Corpus:
    """Make ``name`` ready under ``workdir`` and count what it holds."""
    root = workdir / "corpora"
    root.mkdir(parents=True, exist_ok=True)
    if name == "seeds":
        corpus = _link_folder(name, bundled_seeds(), root)
        corpus.note = "the corpus bundled with docscope"
    elif name == "bbc":
        corpus = _link_folder(name, SHARED / "bbc", root)
        corpus.note = "BBC News 2004-05, one article a file (and the upstream README)"
    elif name == "news40k":
        source = SHARED / "news40k.jsonl.gz"
        # A copy, not a link: docscope opens a linked file by its target, so the edits of
        # ``change_one`` (which replace the file) would not be seen by an open library.
        copy = root / "news40k.jsonl.gz"
        _copy(source, copy)
        corpus = Corpus(name, copy, source, "jsonl", raw_bytes=_gunzipped_size(source))
        corpus.note = "BBC + Reuters-21578 + 20 Newsgroups, one JSON object a line, gzipped"
    elif name == "news100k":
        source = SHARED / "news40k.jsonl.gz"
        path = root / "news100k.jsonl.gz"
        if not path.exists():
            _repeat(source, path, LARGE_DOCUMENTS)
        corpus = Corpus(name, path, source, "jsonl", raw_bytes=_gunzipped_size(path))
        corpus.note = (
            "news40k's records repeated with new ids (<id>-r0, -r1, -r2) to 100,000, "
            f"generated into {path} (a temporary file)"
        )
    else:
        raise ValueError(f"unknown corpus {name!r}: choose from {', '.join(NAMES)}")
    for document in documents(corpus.path):
        corpus.documents += 1
        corpus.text_chars += len(document.text)
        corpus.words += len(document.text.split())
    return corpus


def documents(path: Path) -> Iterator[SourceDocument]:
    """The documents docscope indexes from ``path``: the same cleaned text for every peer."""
    for source in iter_sources(path):
        if hasattr(source, "kind"):
            for item in read_source(source):
                if isinstance(item, SourceDocument):
                    yield item


def _link_folder(name: str, source: Path, root: Path) -> Corpus:
    folder = root / name
    folder.mkdir(exist_ok=True)
    raw = 0
    for dirpath, _dirnames, filenames in os.walk(source):
        relative = Path(dirpath).relative_to(source)
        (folder / relative).mkdir(parents=True, exist_ok=True)
        for filename in filenames:
            original = Path(dirpath) / filename
            _relink(folder / relative / filename, original)
            raw += original.stat().st_size
    return Corpus(name, folder, source, "folder", raw_bytes=raw)


def _relink(link: Path, target: Path) -> None:
    """Make ``link`` a symbolic link to ``target`` (replacing a changed copy left there)."""
    if link.is_symlink() and os.readlink(link) == str(target):
        return
    if link.exists() or link.is_symlink():
        link.unlink()
    link.symlink_to(target)


def _copy(source: Path, target: Path) -> None:
    """Make ``target`` a copy of ``source`` (written aside, then renamed into place)."""
    if target.is_symlink():
        target.unlink()
    if target.exists() and target.read_bytes() == source.read_bytes():
        return
    aside = target.with_name(target.name + ".copy")
    shutil.copyfile(source, aside)
    aside.replace(target)


def restore(corpus: Corpus) -> None:
    """Undo the changes ``change_one`` made: every link points at the real data again."""
    if corpus.name == "news100k":
        return
    if corpus.kind == "jsonl":
        _copy(corpus.source, corpus.path)
        return
    for dirpath, _dirnames, filenames in os.walk(corpus.source):
        relative = Path(dirpath).relative_to(corpus.source)
        for filename in filenames:
            _relink(corpus.path / relative / filename, Path(dirpath) / filename)


def change_one(corpus: Corpus, number: int) -> str:
    """Change one document of the corpus (a sentence appended); returns its id."""
    sentence = f" Benchmark edit number {number}."
    if corpus.kind == "folder":
        files = sorted(p for p in corpus.path.rglob("*.txt"))
        target = files[number * 37 % len(files)]
        text = target.read_bytes()
        target.unlink()
        target.write_bytes(text.rstrip() + sentence.encode("ascii") + b"\n")
        return str(target.relative_to(corpus.path))
    lines = gzip.decompress(corpus.path.read_bytes()).split(b"\n")
    index = number * 7919 % (len(lines) - 1)
    record = json.loads(lines[index])
    record["text"] = record["text"].rstrip() + sentence
    lines[index] = json.dumps(record, ensure_ascii=False).encode("utf-8")
    changed = corpus.path.with_name(corpus.path.name + ".new")
    changed.write_bytes(gzip.compress(b"\n".join(lines), compresslevel=1))
    corpus.path.unlink()
    changed.rename(corpus.path)
    return f"{corpus.path.name}#{record['id']}"


def _gunzipped_size(path: Path) -> int:
    size = 0
    with gzip.open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            size += len(chunk)
    return size


def _repeat(source: Path, target: Path, count: int) -> None:
    """Write ``count`` records: ``source``'s, again and again, each with a new id."""
    with gzip.open(source, "rb") as handle:
        records = [line for line in handle.read().split(b"\n") if line.strip()]
    temporary = target.with_name(target.name + ".tmp")
    with gzip.open(temporary, "wb", compresslevel=6) as out:
        for number in range(count):
            record = json.loads(records[number % len(records)])
            record["id"] = f"{record['id']}-r{number // len(records)}"
            out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
    temporary.rename(target)
