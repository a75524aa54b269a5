"""The Config object: sections with defaults and environment overrides."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Mapping, Optional, TypeVar, Union

from confini.convert import ConfigError, to_bool, to_int, to_list
from confini.parser import Sections, parse_ini

T = TypeVar("T")
_MISSING = object()


class Config:
    """Typed lookups over parsed INI sections.

    A value can be overridden by the environment variable ``<PREFIX>_<SECTION>_<KEY>``
    (upper-case); missing keys fall back to the ``DEFAULT`` section.
    """

    def __init__(self, sections: Sections, env: Optional[Mapping[str, str]] = None,
                 prefix: str = "APP") -> None:
        self._sections = sections
        self._env = os.environ if env is None else env
        self._prefix = prefix

    @classmethod
    def from_file(cls, path: Union[str, Path], **kwargs) -> "Config":
        return cls(parse_ini(Path(path).read_text(encoding="utf-8")), **kwargs)

    def _raw(self, section: str, key: str) -> Optional[str]:
        env_name = f"{self._prefix}_{section}_{key}".upper().replace(".", "_").replace("-", "_")
        if env_name in self._env:
            return self._env[env_name]
        key = key.lower()
        for name in (section, "DEFAULT"):
            if key in self._sections.get(name, {}):
                return self._sections[name][key]
        return None

    def _get(self, section: str, key: str, convert: Callable[[str], T], default: object) -> T:
        raw = self._raw(section, key)
        if raw is None:
            if default is _MISSING:
                raise ConfigError(f"missing setting [{section}] {key}")
            return default  # type: ignore[return-value]
        return convert(raw)

    def get(self, section: str, key: str, default: object = _MISSING) -> str:
        return self._get(section, key, str, default)

    def getint(self, section: str, key: str, default: object = _MISSING) -> int:
        return self._get(section, key, to_int, default)

    def getbool(self, section: str, key: str, default: object = _MISSING) -> bool:
        return self._get(section, key, to_bool, default)

    def getlist(self, section: str, key: str, default: object = _MISSING) -> list:
        return self._get(section, key, to_list, default)
