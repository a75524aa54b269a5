"""Parsing INI text into ``{section: {key: raw string}}``."""

from __future__ import annotations

from typing import Dict

from confini.convert import ConfigError

Sections = Dict[str, Dict[str, str]]


def parse_ini(text: str) -> Sections:
    """Parse INI text. Keys before any ``[section]`` go into ``"DEFAULT"``.

    ``#`` and ``;`` start comment lines; keys are lower-cased; values keep their case and
    are stripped; ``key = value`` and ``key: value`` are both accepted.
    """
    sections: Sections = {"DEFAULT": {}}
    current = "DEFAULT"
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            if not current:
                raise ConfigError(f"line {number}: empty section name")
            sections.setdefault(current, {})
            continue
        sep = min((i for i in (line.find("="), line.find(":")) if i > 0), default=-1)
        if sep < 0:
            raise ConfigError(f"line {number}: expected 'key = value', got {raw!r}")
        key, value = line[:sep].strip().lower(), line[sep + 1:].strip()
        sections[current][key] = value
    return sections
