import pytest

from confini import ConfigError, parse_ini

TEXT = """
# global settings
name = demo
[server]
Host: 0.0.0.0
port = 8080
; comment
[feature flags]
beta = yes
"""


def test_parse_sections():
    sections = parse_ini(TEXT)
    assert sections["DEFAULT"] == {"name": "demo"}
    assert sections["server"] == {"host": "0.0.0.0", "port": "8080"}
    assert sections["feature flags"] == {"beta": "yes"}


def test_values_may_contain_separators():
    assert parse_ini("url = http://x:80/?a=b")["DEFAULT"]["url"] == "http://x:80/?a=b"


def test_errors():
    with pytest.raises(ConfigError, match="line 1"):
        parse_ini("just words")
    with pytest.raises(ConfigError):
        parse_ini("[ ]")
