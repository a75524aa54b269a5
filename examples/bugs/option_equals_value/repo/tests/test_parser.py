import pytest

from flagparse import Option, Parser, UsageError


def make_parser():
    parser = Parser("deploy")
    parser.add(Option("env", short="e", default="dev", help="target environment"))
    parser.add(Option("replicas", short="r", convert=int, default=1))
    parser.add(Option("verbose", short="v", takes_value=False, default=False))
    parser.add(Option("dry-run", short="n", takes_value=False, default=False))
    return parser


def test_defaults_and_positionals():
    assert make_parser().parse(["app"]) == {
        "env": "dev", "replicas": 1, "verbose": False, "dry-run": False, "args": ["app"],
    }


def test_separate_and_inline_values():
    parsed = make_parser().parse(["--env", "prod", "--replicas=3", "svc"])
    assert parsed["env"] == "prod"
    assert parsed["replicas"] == 3
    assert parsed["args"] == ["svc"]


def test_grouped_short_flags_and_double_dash():
    parsed = make_parser().parse(["-vn", "-e", "stage", "--", "--not-an-option"])
    assert parsed["verbose"] and parsed["dry-run"]
    assert parsed["env"] == "stage"
    assert parsed["args"] == ["--not-an-option"]


def test_errors():
    with pytest.raises(UsageError, match="unknown option --colour"):
        make_parser().parse(["--colour"])
    with pytest.raises(UsageError, match="needs a value"):
        make_parser().parse(["--env"])
    with pytest.raises(UsageError, match="bad value"):
        make_parser().parse(["-r", "many"])


def test_help_lists_options():
    text = make_parser().help()
    assert "-e, --env VALUE" in text and "target environment" in text
