"""Configuration: one pydantic model per component, one override path.

Precedence, lowest to highest: built-in defaults < user file
(``~/.config/capuchin/capuchin.toml``) < repository file (``capuchin.toml`` at the
repository root) < ``CAPUCHIN_*`` environment variables < CLI flags. ``load_settings``
returns the effective settings and, for every value, where it came from, which is
what ``capuchin config show`` prints.

Environment variables name a section and a field: ``CAPUCHIN_LLM__BASE_URL`` (or
``CAPUCHIN_LLM_BASE_URL``, since section names have no underscore). Values are parsed
as TOML scalars/arrays when they parse, else taken as strings.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from pydantic import BaseModel, ConfigDict, ValidationError

from agent.core.errors import ConfigError
from agent.core.loader import load_object

if TYPE_CHECKING:  # the owners of these sections sit above the ground layer
    from agent.llm_config import EmbeddedConfig, LLMConfig, VLLMConfig
    from agent.solve_config import SolveConfig
    from bot.config import BotConfig
    from retrieval.config import RetrievalConfig
    from sandbox.config import SandboxConfig
    from swebatch.config import SWEBenchConfig


class Section(BaseModel):
    """Base of every component's config: field docstrings are the documentation."""

    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid", validate_assignment=True)


# Sections owned by other packages, by import path (no if/elif chains, no import cycles).
SECTIONS: dict[str, str] = {
    "llm": "agent.llm_config:LLMConfig",
    "embedded": "agent.llm_config:EmbeddedConfig",
    "vllm": "agent.llm_config:VLLMConfig",
    "retrieval": "retrieval.config:RetrievalConfig",
    "sandbox": "sandbox.config:SandboxConfig",
    "solve": "agent.solve_config:SolveConfig",
    "bot": "bot.config:BotConfig",
    "tui": "tui.config:TuiConfig",
    "swebench": "swebatch.config:SWEBenchConfig",
}


def section_classes() -> dict[str, type[Section]]:
    return {name: load_object(path) for name, path in SECTIONS.items()}


SECRET_FIELDS = frozenset({"api_key", "token", "secret", "webhook_secret", "private_key", "password"})
"""Field names whose values are never shown (`config show`, reports, trajectories)."""


def is_secret(field: str) -> bool:
    return field in SECRET_FIELDS or field.endswith(("_token", "_secret", "_key", "_password"))


class Settings:
    """The effective configuration: one validated model per section, plus provenance.

    Sections are typed properties (the classes are imported for type checking only: the ground
    layer does not import the packages that own them at run time).
    """

    def __init__(self, sections: dict[str, Section], sources: dict[str, str]):
        self._sections = sections
        self.sources = sources
        """Dotted key -> 'default' | file path | 'env CAPUCHIN_…' | 'cli'."""

    def section(self, name: str) -> Section:
        """A section by name (for sections that packages add to ``SECTIONS``)."""
        try:
            return self._sections[name]
        except KeyError:
            raise ConfigError(f"no config section {name!r}", hint=f"known: {', '.join(self._sections)}") from None

    @property
    def llm(self) -> LLMConfig:
        return self._sections["llm"]  # type: ignore[return-value]

    @property
    def embedded(self) -> EmbeddedConfig:
        return self._sections["embedded"]  # type: ignore[return-value]

    @property
    def vllm(self) -> VLLMConfig:
        return self._sections["vllm"]  # type: ignore[return-value]

    @property
    def retrieval(self) -> RetrievalConfig:
        return self._sections["retrieval"]  # type: ignore[return-value]

    @property
    def sandbox(self) -> SandboxConfig:
        return self._sections["sandbox"]  # type: ignore[return-value]

    @property
    def solve(self) -> SolveConfig:
        return self._sections["solve"]  # type: ignore[return-value]

    @property
    def bot(self) -> BotConfig:
        return self._sections["bot"]  # type: ignore[return-value]

    @property
    def swebench(self) -> SWEBenchConfig:
        return self._sections["swebench"]  # type: ignore[return-value]

    def sections(self) -> dict[str, Section]:
        return dict(self._sections)

    def effective(self) -> dict[str, dict[str, Any]]:
        """Every section's effective values with secrets masked: what a run records."""
        return {name: {f: _shown(f, getattr(section, f)) for f in type(section).model_fields}
                for name, section in self._sections.items()}

    def rows(self) -> list[tuple[str, Any, str]]:
        """(dotted key, value, source) for every field, for `config show`."""
        return [(f"{sname}.{fname}", value, self.sources.get(f"{sname}.{fname}", "default"))
                for sname, values in self.effective().items() for fname, value in values.items()]


def _shown(field: str, value: Any) -> Any:
    return "***" if value and is_secret(field) else value


def user_config_path() -> Path:
    return Path(platformdirs.user_config_dir("capuchin")) / "capuchin.toml"


def cache_dir() -> Path:
    """Where models, wheels and per-repo indexes are cached (XDG cache dir; CAPUCHIN_CACHE_DIR overrides)."""
    return Path(os.environ.get("CAPUCHIN_CACHE_DIR") or platformdirs.user_cache_dir("capuchin"))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot parse {path}: {exc}") from None


def _parse_env_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _env_layer(environ: dict[str, str], names: set[str]) -> dict[str, dict[str, Any]]:
    layer: dict[str, dict[str, Any]] = {}
    for var, raw in environ.items():
        if not var.startswith("CAPUCHIN_") or var == "CAPUCHIN_CACHE_DIR":
            continue
        rest = var[len("CAPUCHIN_"):].lower()
        section, sep, field = rest.partition("__")
        if not sep:
            section, _, field = rest.partition("_")
        if section in names and field:
            layer.setdefault(section, {})[field] = (_parse_env_value(raw), f"env {var}")
    return layer


def _merge(target: dict, sources: dict, layer: dict[str, dict[str, Any]], source: str | None) -> None:
    for section, values in layer.items():
        if not isinstance(values, dict):
            raise ConfigError(f"[{section}] must be a table, got {values!r} ({source})")
        for field, value in values.items():
            where = source
            if isinstance(value, tuple):  # (value, source) from the env layer
                value, where = value
            target.setdefault(section, {})[field] = value
            sources[f"{section}.{field}"] = where


def load_settings(
    repo: Path | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
    *,
    environ: dict[str, str] | None = None,
    user_file: Path | None = None,
) -> Settings:
    """Build the effective settings for work on ``repo`` (None: no repository file)."""
    classes = section_classes()
    merged: dict[str, dict[str, Any]] = {}
    sources: dict[str, str] = {}
    user_file = user_file if user_file is not None else user_config_path()
    layers: list[tuple[dict, str | None]] = []
    if user_file.is_file():
        layers.append((_read_toml(user_file), str(user_file)))
    if repo is not None and (repo / "capuchin.toml").is_file():
        layers.append((_read_toml(repo / "capuchin.toml"), str(repo / "capuchin.toml")))
    layers.append((_env_layer(dict(os.environ if environ is None else environ), set(classes)), None))
    layers.append(({k: v for k, v in (overrides or {}).items() if v}, "cli"))
    for layer, source in layers:
        unknown = set(layer) - set(classes)
        if unknown:
            raise ConfigError(
                f"unknown config section(s) {sorted(unknown)} in {source}",
                hint=f"known sections: {', '.join(classes)}",
            )
        _merge(merged, sources, layer, source)
    sections: dict[str, Section] = {}
    for name, cls in classes.items():
        try:
            sections[name] = cls.model_validate(merged.get(name, {}))
        except ValidationError as exc:
            problems = "; ".join(_describe(name, e, sources) for e in exc.errors())
            raise ConfigError(f"invalid configuration: {problems}") from None
    return Settings(sections, sources)


def _describe(section: str, error: dict, sources: dict[str, str]) -> str:
    loc = ".".join(map(str, error["loc"]))
    source = sources.get(f"{section}.{error['loc'][0]}", "default") if error["loc"] else "default"
    return f"{section}.{loc}: {error['msg']} (from {source})"


def settings_for(repo: Path | None = None, **overrides: dict[str, Any]) -> Settings:
    """Effective settings for a command: files, environment, then the command's flags (None = unset)."""
    return load_settings(repo, {k: {f: v for f, v in d.items() if v is not None} for k, d in overrides.items()})
