"""confini: typed access to INI-style configuration."""

from confini.config import Config
from confini.convert import ConfigError, to_bool, to_int, to_list
from confini.parser import parse_ini

__all__ = ["Config", "ConfigError", "parse_ini", "to_bool", "to_int", "to_list"]
