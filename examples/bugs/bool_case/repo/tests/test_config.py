import pytest

from confini import Config, ConfigError, parse_ini, to_bool, to_int, to_list

TEXT = """
debug = no
[server]
port = 8_080
workers = 0x10
hosts = a.example, b.example,
tls = on
"""


def make(env=None):
    return Config(parse_ini(TEXT), env=env or {})


def test_typed_getters():
    cfg = make()
    assert cfg.getint("server", "port") == 8080
    assert cfg.getint("server", "workers") == 16
    assert cfg.getlist("server", "hosts") == ["a.example", "b.example"]
    assert cfg.getbool("server", "tls") is True
    assert cfg.getbool("server", "debug") is False  # from DEFAULT


def test_defaults_and_missing():
    cfg = make()
    assert cfg.get("server", "name", default="x") == "x"
    with pytest.raises(ConfigError, match="missing setting"):
        cfg.get("server", "name")


def test_environment_override():
    assert make({"APP_SERVER_PORT": "9000"}).getint("server", "port") == 9000


def test_converters_reject_garbage():
    with pytest.raises(ConfigError):
        to_int("eight")
    with pytest.raises(ConfigError):
        to_bool("maybe")
    assert to_bool(" 1 ") is True
    assert to_list(";x;;y", separator=";") == ["x", "y"]
