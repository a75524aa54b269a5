"""Edit prompts: the answer format is shown on the real target, never on a placeholder path."""

from __future__ import annotations

from agent.core.types import Context, ContextBlock
from agent.prompts import edit_messages


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


def test_focus_follows_the_localisers_ranking_into_classes_shown_whole():
    from agent.core.types import Location
    from agent.prompts import focus_targets

    limiter = ContextBlock(path="pkg/limiter.py", role="target", qualname="Limiter", start_line=10, end_line=15,
                           text="class Limiter:\n    def __init__(self):\n        self.n = 0\n\n"
                                "    def allow(self, key):\n        return True\n")
    helper = ContextBlock(path="pkg/window.py", role="target", qualname="hit", start_line=1, end_line=2,
                          text="def hit(x):\n    return x\n")
    ranked = [Location(path="pkg/limiter.py", qualname="Limiter", kind="class", start_line=10, end_line=15),
              Location(path="pkg/limiter.py", qualname="Limiter.allow", kind="method", start_line=14, end_line=15),
              Location(path="pkg/window.py", qualname="hit", kind="function", start_line=1, end_line=2)]
    context = ctx(limiter, helper)
    focus = focus_targets(context, 3, ranked)
    assert [(b.qualname, b.start_line) for b in focus] == [("Limiter.allow", 14), ("hit", 1), ("Limiter", 10)]
    assert focus[0].text == "    def allow(self, key):\n        return True"  # its own lines, cut from the class
    # without the ranking: functions the context shows whole, then classes
    assert [b.qualname for b in focus_targets(context, 3)] == ["hit", "Limiter"]


def test_the_reproduction_prompt_shares_the_edit_prompts_head():
    """A prefix-caching server evaluates the issue and the code once for both kinds of request."""
    from agent.llm_batching import shared_prefix
    from agent.prompts import is_repro_prompt, repro_messages

    context = ctx(ERR, FUNC, METHOD)
    edits = [edit_messages("to_bool('TRUE') is False", context, focus) for focus in (FUNC, METHOD)]
    repro = repro_messages("to_bool('TRUE') is False", context)
    prefix = shared_prefix([*edits, repro])
    assert prefix is not None
    assert prefix[0] == edits[0][0]
    assert context.render() in prefix[1]["content"]
    assert "to_bool('TRUE') is False" in prefix[1]["content"]
    assert is_repro_prompt(repro)
    assert not any(is_repro_prompt(e) for e in edits)
