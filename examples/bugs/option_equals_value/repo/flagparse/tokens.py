"""Splitting raw argv into option and positional tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional


@dataclass(frozen=True)
class Token:
    """One command-line element: an option name (with an inline value) or a positional."""

    kind: str  # "long", "short" or "positional"
    text: str
    value: Optional[str] = None


def split_long(arg: str) -> Token:
    """Split ``--name`` or ``--name=value`` into a long-option token."""
    body = arg[2:]
    if "=" in body:
        name, value = body.split("=")[:2]
        return Token("long", name, value)
    return Token("long", body)


def tokenize(argv: List[str]) -> List[Token]:
    """Classify each argument; everything after a bare ``--`` is positional.

    Short flags may be grouped: ``-vq`` is ``-v -q``.
    """
    tokens: List[Token] = []
    only_positionals = False
    for arg in argv:
        if only_positionals or arg == "-" or not arg.startswith("-"):
            tokens.append(Token("positional", arg))
        elif arg == "--":
            only_positionals = True
        elif arg.startswith("--"):
            tokens.append(split_long(arg))
        else:
            tokens.extend(Token("short", ch) for ch in arg[1:])
    return tokens
