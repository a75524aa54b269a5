"""Declared options and the parser that applies them to argv."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

from flagparse.errors import UsageError
from flagparse.tokens import Token, tokenize


@dataclass
class Option:
    """A declared option. Flags (``takes_value=False``) parse to True when present."""

    name: str
    short: Optional[str] = None
    takes_value: bool = True
    default: Any = None
    convert: Callable[[str], Any] = str
    help: str = ""


class Parser:
    """Collects :class:`Option` declarations and parses argument lists."""

    def __init__(self, prog: str) -> None:
        self.prog = prog
        self._options: Dict[str, Option] = {}
        self._short: Dict[str, str] = {}

    def add(self, option: Option) -> "Parser":
        self._options[option.name] = option
        if option.short:
            self._short[option.short] = option.name
        return self

    def _lookup(self, token: Token) -> Option:
        name = self._short.get(token.text) if token.kind == "short" else token.text
        if name not in self._options:
            dashes = "-" if token.kind == "short" else "--"
            raise UsageError(f"unknown option {dashes}{token.text}", token.text)
        return self._options[name]

    def parse(self, argv: List[str]) -> Dict[str, Any]:
        """Return ``{option name: value}`` plus ``"args"``, the list of positionals."""
        result: Dict[str, Any] = {name: opt.default for name, opt in self._options.items()}
        result["args"] = []
        tokens = tokenize(argv)
        i = 0
        while i < len(tokens):
            token = tokens[i]
            i += 1
            if token.kind == "positional":
                result["args"].append(token.text)
                continue
            option = self._lookup(token)
            if not option.takes_value:
                result[option.name] = True
                continue
            raw = token.value
            if raw is None:
                if i >= len(tokens) or tokens[i].kind != "positional":
                    raise UsageError(f"option {option.name} needs a value", option.name)
                raw = tokens[i].text
                i += 1
            try:
                result[option.name] = option.convert(raw)
            except ValueError as exc:
                raise UsageError(f"bad value for {option.name}: {raw!r} ({exc})", option.name) from exc
        return result

    def help(self) -> str:
        """Usage text listing every option."""
        lines = [f"usage: {self.prog} [options] [args...]", "", "options:"]
        for opt in self._options.values():
            names = f"-{opt.short}, --{opt.name}" if opt.short else f"    --{opt.name}"
            if opt.takes_value:
                names += " VALUE"
            lines.append(f"  {names:<28}{opt.help}")
        return "\n".join(lines)
