"""Corrections that stick: the user's curations, stored per corpus and replayed over the
automatic resolution every time entities or quotes are read.

The automatic analysis is redone whenever a document or the rules change, so a correction
is never written into its output: it is kept as an instruction ("merge 'Trump' into 'Donald
Trump'") in ``curations.json`` beside the catalog, a file no rebuild deletes (the user's work,
not the index's), and applied in order on top of ``search.resolution``. A correction whose
target no longer exists (the document went away) is kept and simply changes nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from search.analysis.names import entity_key, strip_title
from search.errors import CurationError
from search.records import ENTITY_LABELS, Curation, CurationAction
from search.resolution import Resolution, ResolvedEntity, with_entity

FILE_NAME = "curations.json"
"""Beside ``catalog.sqlite3``; never deleted by a rebuild (``search.recovery`` deletes index
files by name, and this is not one)."""
FORMAT = 1
"""The version of the curations file's layout: a file of another one is refused, untouched."""
_LABEL_CHOICE = f"use one of {', '.join(ENTITY_LABELS)}"
_MAX_TEXT = 500
"""Longest name or id a correction accepts: a name, not a document."""


# --- storage ---------------------------------------------------------------------------------


class CurationStore:
    """The curations file of one index folder: read whole, written whole and atomically
    (a temporary file then ``os.replace``), so a crash leaves the old list or the new one."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / FILE_NAME

    def stamp(self) -> tuple[int, int] | None:
        """(modification time, size) of the file, None without one: what a cache compares."""
        try:
            status = self.path.stat()
        except FileNotFoundError:
            return None
        return status.st_mtime_ns, status.st_size

    def load(self) -> list[Curation]:
        """Every curation, in the order made. A damaged file raises ``CurationError``."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as error:
            raise CurationError(f"cannot read the corrections in {self.path}: {error}") from None
        return parse(text, str(self.path))

    def save(self, curations: Sequence[Curation]) -> None:
        temporary = self.path.with_name(f"{FILE_NAME}.tmp")
        temporary.write_text(dump(curations), encoding="utf-8")
        os.replace(temporary, self.path)


def dump(curations: Sequence[Curation]) -> str:
    """The curations file's text: a format version and the list, oldest first."""
    return json.dumps(
        {"format": FORMAT, "curations": [as_json(c) for c in curations]},
        ensure_ascii=False,
        indent=1,
    ) + "\n"


def as_json(curation: Curation) -> dict[str, str | None]:
    return {
        "action": str(curation.action),
        "target": curation.target,
        "value": curation.value,
        "label": curation.label,
        "made": curation.made,
    }


def parse(text: str, source: str) -> list[Curation]:
    """Curations from a file's text; ``CurationError`` naming ``source`` when it is not one."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise CurationError(f"{source} is not a corrections file (not JSON: {error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("curations"), list):
        raise CurationError(f"{source} is not a corrections file (no \"curations\" list)")
    if data.get("format") != FORMAT:
        raise CurationError(
            f"{source} is a corrections file of format {data.get('format')!r}, not {FORMAT}"
        )
    found: list[Curation] = []
    for number, item in enumerate(data["curations"], 1):
        try:
            found.append(_from_json(item))
        except (KeyError, TypeError, ValueError) as error:
            raise CurationError(f"{source}: correction {number} is not valid ({error})") from None
    return found


def _from_json(item: object) -> Curation:
    if not isinstance(item, dict):
        raise TypeError("not an object")
    action = CurationAction(item["action"])
    fields = [item.get(name) for name in ("target", "value", "label", "made")]
    if not isinstance(fields[0], str) or not all(v is None or isinstance(v, str) for v in fields):
        raise TypeError("target, value, label and made must be text")
    curation = Curation(action, fields[0], fields[1], fields[2], fields[3] or "")
    check_shape(curation)
    return curation


def check_shape(curation: Curation) -> None:
    """Refuse a curation that cannot mean anything, whatever the corpus holds."""
    if not curation.target.strip() or len(curation.target) > _MAX_TEXT:
        raise CurationError("a correction needs a name (or a quote id) to apply to")
    value = curation.value
    if curation.action in (CurationAction.MERGE, CurationAction.RENAME):
        if not value or not value.strip() or len(value) > _MAX_TEXT:
            raise CurationError(f"'{curation.action}' needs a name to give")
    elif curation.action == CurationAction.RELABEL:
        if (value or "").upper() not in ENTITY_LABELS:
            raise CurationError(f"'{value}' is not a label: {_LABEL_CHOICE}")
    elif curation.action == CurationAction.SPEAKER:
        if value is not None and (not value.strip() or len(value) > _MAX_TEXT):
            raise CurationError("a speaker needs a name (or none, to clear it)")
    if curation.label is not None and curation.label.upper() not in ENTITY_LABELS:
        raise CurationError(f"'{curation.label}' is not a label: {_LABEL_CHOICE}")


def now() -> str:
    """The current UTC time, to the second, as ISO 8601."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- applying --------------------------------------------------------------------------------


@dataclass
class Curated:
    """The automatic resolution with the user's corrections applied."""

    resolution: Resolution
    speakers: dict[str, str | None] = field(default_factory=dict)
    """Quote id -> the speaker the user gave (None: cleared)."""

    def visible(self, key: str | None) -> ResolvedEntity | None:
        """The entity a stored key belongs to, unless the user hid it."""
        entity = self.resolution.entity_of(key)
        return None if entity is None or entity.hidden else entity


AliasLookup = Callable[[str], set[str]]
"""A name's key -> stored keys of the entities it is an alias of (the catalog's alias table)."""


def find(
    resolution: Resolution,
    name: str,
    label: str | None = None,
    aliases: AliasLookup | None = None,
    hidden: bool = False,
) -> list[ResolvedEntity]:
    """The entities ``name`` names: an entity's own name or key first, then (when none) the
    entities it is an alias of. ``label`` narrows; hidden entities only when asked."""
    wanted = (label or "").upper() or None
    found: list[ResolvedEntity] = []
    for key in dict.fromkeys((entity_key(name), entity_key(strip_title(name)))):
        if not key:
            continue
        found = [e for e in resolution.named(key) if hidden or not e.hidden]
        if not found and aliases is not None:
            owners = {resolution.owner.get(k) for k in aliases(key)}
            found = [
                resolution.entities[o]
                for o in sorted(o for o in owners if o)
                if hidden or not resolution.entities[o].hidden
            ]
        if wanted:
            found = [e for e in found if e.label == wanted]
        if found:
            break
    return found


def find_one(
    resolution: Resolution, name: str, label: str | None, aliases: AliasLookup | None
) -> ResolvedEntity:
    """The one entity ``name`` (of ``label``) names, or a ``CurationError`` saying why not."""
    found = find(resolution, name, label, aliases)
    if not found:
        of = f" labelled {label.upper()}" if label else ""
        raise CurationError(f"no entity named '{name}'{of}")
    if len(found) > 1:
        exact = [e for e in found if e.name.casefold() == name.casefold()]
        if len(exact) == 1:
            return exact[0]
        labels = ", ".join(sorted({e.label for e in found}))
        names = "; ".join(sorted(f"{e.name} ({e.label})" for e in found)[:5])
        raise CurationError(
            f"'{name}' names several entities ({names}): give the label ({labels}) or a fuller name"
        )
    return found[0]


def apply(
    base: Resolution,
    curations: Sequence[Curation],
    aliases: AliasLookup | None = None,
    strict: bool = False,
) -> Curated:
    """Replay ``curations`` in order over ``base`` (left unchanged). A curation whose target
    is gone is skipped, unless ``strict`` (checking a new one): then ``CurationError``."""
    resolution = base.copy()
    curated = Curated(resolution)
    for curation in curations:
        try:
            _apply_one(curated, curation, aliases)
        except CurationError:
            if strict:
                raise
    return curated


def _apply_one(curated: Curated, curation: Curation, aliases: AliasLookup | None) -> None:
    resolution = curated.resolution
    if curation.action == CurationAction.SPEAKER:
        curated.speakers[curation.target] = curation.value
        return
    entity = find_one(resolution, curation.target, curation.label, aliases)
    if curation.action == CurationAction.HIDE:
        with_entity(resolution, entity, hidden=True)
    elif curation.action == CurationAction.RENAME:
        new = (curation.value or "").strip()
        with_entity(
            resolution,
            entity,
            name=new,
            curated=True,
            extra_aliases=_more(entity.extra_aliases, entity.name),
        )
    elif curation.action == CurationAction.RELABEL:
        with_entity(
            resolution,
            entity,
            label=(curation.value or "").upper(),
            curated=True,
            disputed=False,
            votes=(),
        )
    elif curation.action == CurationAction.MERGE:
        into = find_one(resolution, curation.value or "", None, aliases)
        if into.key == entity.key:
            raise CurationError(f"'{curation.target}' and '{curation.value}' are one entity already")
        del resolution.entities[entity.key]
        with_entity(
            resolution,
            into,
            keys=into.keys | entity.keys,
            count=into.count + entity.count,
            curated=True,
            extra_aliases=_more(into.extra_aliases, entity.name, *entity.extra_aliases),
        )


def _more(aliases: tuple[str, ...], *names: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*aliases, *names)))
