"""The explorer's user configuration: a TOML file with a keymap, a theme and a model.

The file lives in ``platformdirs.user_config_dir("docscope")/config.toml``; the environment
variable ``DOCSCOPE_CONFIG_DIR`` points elsewhere (tests use it to keep the user's own file
out). A missing file is the default configuration; a broken one is reported, not fatal::

    theme = "nord"
    model = "en_core_web_sm"

    [keymap]
    "app.quit" = "ctrl+q"
    "reader.next_hit" = "n,f3"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import platformdirs

from search.files import FileTooLarge, NotRegularFile, read_small_file

CONFIG_ENV = "DOCSCOPE_CONFIG_DIR"
"""Environment variable naming a folder to read ``config.toml`` from instead of the default."""

CONFIG_NAME = "config.toml"
MAX_CONFIG_BYTES = 1024 * 1024
"""A configuration larger than this is not one (a link to a log or to ``/dev/zero``): it is
reported and ignored, never read whole."""


@dataclass(frozen=True)
class Config:
    """What the user chose in ``config.toml``; every field has a working default."""

    keymap: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Binding id to key string (``"reader.next_hit" = "n,f3"``), passed to ``App.set_keymap``."""
    theme: str | None = None
    """A Textual theme name ("textual-dark", "nord", ...); None keeps the default."""
    model: str | None = None
    """The spaCy pipeline used for analysis; None lets the engine choose."""
    path: Path | None = None
    """The file this was read from, when there was one."""
    problems: tuple[str, ...] = ()
    """One-line complaints about the file, shown to the user as a notification."""


def config_dir() -> Path:
    """The folder holding ``config.toml``: ``$DOCSCOPE_CONFIG_DIR`` or the platform's."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir("docscope"))


def config_path() -> Path:
    """Where ``config.toml`` is (or would be)."""
    return config_dir() / CONFIG_NAME


def load_config(path: Path | None = None) -> Config:
    """Read the configuration; a missing file gives defaults, a broken one gives ``problems``."""
    path = config_path() if path is None else path
    try:
        raw = read_small_file(path, MAX_CONFIG_BYTES)  # a pipe or /dev/zero must not hang us
    except FileNotFoundError:
        return Config()
    except NotRegularFile:
        return Config(path=path, problems=(f"cannot read {path}: not a regular file",))
    except FileTooLarge:
        too_large = f"cannot read {path}: larger than {MAX_CONFIG_BYTES // 1024} KiB"
        return Config(path=path, problems=(too_large,))
    except OSError as error:
        return Config(path=path, problems=(f"cannot read {path}: {error.strerror}",))
    try:
        data = tomllib.loads(raw.decode("utf-8", errors="replace"))
    except tomllib.TOMLDecodeError as error:
        return Config(path=path, problems=(f"{path.name}: {error}",))
    return parse_config(data, path)


def parse_config(data: Mapping[str, object], path: Path | None = None) -> Config:
    """Turn parsed TOML into a ``Config``, keeping what is valid and noting what is not."""
    problems: list[str] = []
    keymap: dict[str, str] = {}
    raw_keymap = data.get("keymap", {})
    if isinstance(raw_keymap, Mapping):
        for binding_id, keys in raw_keymap.items():
            if isinstance(keys, str) and keys.strip():
                keymap[str(binding_id)] = keys.strip()
            elif isinstance(keys, list) and keys and all(isinstance(k, str) for k in keys):
                keymap[str(binding_id)] = ",".join(k.strip() for k in keys)
            else:
                problems.append(f"keymap: {binding_id!r} needs a key string like \"ctrl+q\"")
    else:
        problems.append("keymap must be a table of binding id = key")
    theme = _optional_string(data, "theme", problems)
    model = _optional_string(data, "model", problems)
    return Config(
        keymap=MappingProxyType(keymap),
        theme=theme,
        model=model,
        path=path,
        problems=tuple(problems),
    )


def _optional_string(data: Mapping[str, object], key: str, problems: list[str]) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, str) and value.strip():
        return value.strip()
    problems.append(f"{key} must be a non-empty string")
    return None
