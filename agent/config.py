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

import importlib
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.errors import ConfigError


class Section(BaseModel):
    """Base of every component's config: field docstrings are the documentation."""

    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid", validate_assignment=True)


class LLMConfig(Section):
    """How Capuchin talks to a code model (any OpenAI-compatible endpoint)."""

    model: str = "embedded"
    """Model name sent to the endpoint; 'embedded' starts the local CPU model when no base_url is set."""
    base_url: str | None = None
    """OpenAI-compatible base URL, e.g. http://gpu-box:8000/v1 for vLLM. None: the embedded model."""
    api_key: str | None = Field(default=None, repr=False)
    """API key; also read from OPENAI_API_KEY when unset."""
    backend: Literal["openai", "litellm"] = "openai"
    """Client library: 'openai' for any OpenAI-compatible server, 'litellm' for provider/model names."""
    concurrency: int = Field(default=4, ge=1)
    """Requests in flight at once."""
    max_retries: int = Field(default=4, ge=0)
    """Retries on 429, 5xx, timeouts and dropped connections, with exponential backoff."""
    backoff_s: float = Field(default=1.0, ge=0)
    """First backoff delay; doubles each retry (with jitter)."""
    timeout_s: float = Field(default=300.0, gt=0)
    """Timeout of one request."""
    deadline_s: float | None = Field(default=None, gt=0)
    """Wall-clock budget for all model calls in one run; None for no limit."""
    max_tokens: int = Field(default=1024, ge=1)
    """Default completion length."""
    native_n: bool | None = None
    """Whether the server honours 'n'. None: ask for n and make up missing choices with seeded requests."""
    input_cost_per_mtok: float | None = None
    """Price per million prompt tokens; None: litellm's price table, or 0 for local models."""
    output_cost_per_mtok: float | None = None
    """Price per million completion tokens; None: litellm's price table, or 0 for local models."""


class EmbeddedConfig(Section):
    """The CPU model Capuchin serves itself when no endpoint is configured."""

    model: str = "qwen2.5-coder-0.5b-instruct"
    """Name from `capuchin models list`."""
    host: str = "127.0.0.1"
    port: int = 8765
    """Port of the embedded OpenAI-compatible server (loopback only)."""
    n_ctx: int = 8192
    """Context window the server allocates."""
    threads: int | None = None
    """CPU threads for generation; None: all cores."""
    startup_timeout_s: float = 180.0
    """How long to wait for the server's health endpoint."""


class VLLMConfig(Section):
    """`capuchin serve-model`: vLLM serving DeepSeek-Coder on GPUs."""

    model: str = "deepseek-ai/deepseek-coder-6.7b-instruct"
    """Hugging Face id or local path; deepseek-ai/DeepSeek-Coder-V2-Lite-Instruct is the larger option."""
    host: str = "0.0.0.0"
    port: int = 8000
    max_model_len: int = 16384
    """Context length; repository context plus several thousand generated tokens fit."""
    gpu_memory_utilization: float = Field(default=0.90, gt=0, le=1)
    tensor_parallel_size: int | None = None
    """GPUs to shard over; None: the number of visible GPUs."""
    extra_args: list[str] = Field(default_factory=list)
    """Further `vllm serve` arguments, passed through verbatim."""


# Sections owned by other packages, by import path (no if/elif chains, no import cycles).
SECTIONS: dict[str, str] = {
    "llm": "agent.config:LLMConfig",
    "embedded": "agent.config:EmbeddedConfig",
    "vllm": "agent.config:VLLMConfig",
    "retrieval": "retrieval.config:RetrievalConfig",
    "sandbox": "sandbox.config:SandboxConfig",
    "solve": "agent.solve_config:SolveConfig",
    "swebench": "swebench.config:SWEBenchConfig",
}


def _load_class(path: str) -> type[Section]:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def section_classes() -> dict[str, type[Section]]:
    return {name: _load_class(path) for name, path in SECTIONS.items()}


class Settings:
    """The effective configuration: one validated model per section, plus provenance."""

    def __init__(self, sections: dict[str, Section], sources: dict[str, str]):
        self._sections = sections
        self.sources = sources
        """Dotted key -> 'default' | file path | 'env CAPUCHIN_…' | 'cli'."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_sections"][name]
        except KeyError:
            raise AttributeError(name) from None

    def sections(self) -> dict[str, Section]:
        return dict(self._sections)

    def rows(self) -> list[tuple[str, Any, str]]:
        """(dotted key, value, source) for every field, for `config show`."""
        out = []
        for sname, section in self._sections.items():
            for fname in type(section).model_fields:
                key = f"{sname}.{fname}"
                value = getattr(section, fname)
                if fname == "api_key" and value:
                    value = "***"
                out.append((key, value, self.sources.get(key, "default")))
        return out


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
