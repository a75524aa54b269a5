"""Edit prompts: the answer format is shown on the real target, never on a placeholder path."""

from __future__ import annotations

from agent.prompts import edit_messages
from agent.types import Context, ContextBlock


def ctx(*blocks: ContextBlock) -> Context:
    return Context(blocks=list(blocks))


ERR = ContextBlock(path="pkg/convert.py", role="target", qualname="ConfigError",
                   text="class ConfigError(ValueError):\n    pass\n")
FUNC = ContextBlock(path="pkg/convert.py", role="target", qualname="to_bool",
                    text="def to_bool(value: str) -> bool:\n    return value == 'true'\n")
METHOD = ContextBlock(path="pkg/config.py", role="target", qualname="Config.getbool",
                      text="    @cached\n    def getbool(self, key):\n        return to_bool(self[key])\n")


def test_example_prefers_a_function_over_a_class():
    user = edit_messages("bug", ctx(ERR, FUNC))[1]["content"]
    assert user.endswith("File: pkg/convert.py\n```python\ndef to_bool(value: str) -> bool:\n"
                         "    <complete fixed body>\n```")
    assert "path/to" not in user


def test_example_for_a_method_sits_inside_its_class():
    user = edit_messages("bug", ctx(METHOD))[1]["content"]
    assert "File: pkg/config.py\n```python\nclass Config:\n    def getbool(self, key):\n" in user


def test_context_is_rendered_with_files_and_lines():
    user = edit_messages("the issue text", ctx(FUNC))[1]["content"]
    assert "the issue text" in user
    assert "File: pkg/convert.py (lines 1-1, to_bool)" in user
