from confini import Config, parse_ini, to_bool


def test_to_bool_is_case_insensitive():
    assert to_bool("True") is True
    assert to_bool("FALSE") is False
    assert to_bool(" Yes ") is True
    assert to_bool("Off") is False


def test_environment_override_with_capitalised_boolean():
    cfg = Config(parse_ini("[server]\ndebug = no\n"), env={"APP_SERVER_DEBUG": "True"})
    assert cfg.getbool("server", "debug") is True
