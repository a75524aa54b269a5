"""Prompt texts for sampling edits and reproduction tests.

The edit format is SuperCoder2.0's: whole replacement functions/classes, headed by the
file path, which ``editing`` splices in by syntax-tree span. Search/replace blocks are
accepted as a fallback, so the prompt does not mention them.
"""

from __future__ import annotations

from collections.abc import Sequence

from agent.core.types import Context, ContextBlock, Location
from editing import feedback_prompt

EDIT_SYSTEM = """You are an expert Python programmer. You fix bugs by rewriting whole functions.
Change as little as possible and keep names and signatures unless the fix needs otherwise."""


def focus_targets(context: Context, limit: int = 3, locations: Sequence[Location] = ()) -> list[ContextBlock]:
    """The located definitions to aim samples at, best first.

    With ``locations`` (the localiser's ranking): the best-ranked functions and methods whose code
    the context shows, either as their own block or inside a shown class (a method ranked second
    is a better aim than a function ranked fourteenth just because its class was shown whole).
    Classes fill any places left. Without: the context's function targets, then class targets.
    """
    targets = [b for b in context.blocks if b.role == "target" and b.qualname]
    chosen: list[ContextBlock] = []
    for loc in locations:
        if loc.kind in ("function", "method") and loc.qualname:
            block = _shown(targets, loc)
            if block is not None and not any((c.path, c.qualname) == (block.path, block.qualname) for c in chosen):
                chosen.append(block)
    functions = [b for b in targets if _first_def(b.text).startswith(("def ", "async def "))]
    for b in functions + [b for b in targets if b not in functions]:
        if not any((c.path, c.qualname) == (b.path, b.qualname) for c in chosen):
            chosen.append(b)
    return chosen[:limit]


def _shown(targets: list[ContextBlock], loc: Location) -> ContextBlock | None:
    """The block showing ``loc``'s code: its own, or the lines of it inside an enclosing target."""
    for b in targets:
        if b.path == loc.path and b.qualname == loc.qualname:
            return b
    for b in targets:
        if b.path == loc.path and b.start_line <= loc.start_line and loc.end_line <= b.end_line:
            lines = b.text.splitlines()[loc.start_line - b.start_line: loc.end_line - b.start_line + 1]
            return ContextBlock(path=b.path, role="target", qualname=loc.qualname, text="\n".join(lines),
                                start_line=loc.start_line, end_line=loc.end_line)
    return None


def _example(focus: ContextBlock | None) -> str:
    """The answer format, shown on one located definition so that even a parroting model aims right."""
    if focus is None or not focus.qualname:
        return "File: package/module.py\n```python\ndef function_name(arguments):\n    <complete fixed body>\n```"
    header = _first_def(focus.text) or f"def {focus.qualname.split('.')[-1]}():"
    if "." in focus.qualname and not header.startswith("class "):
        owner = focus.qualname.rsplit(".", 1)[0].split(".")[-1]
        return (f"File: {focus.path}\n```python\nclass {owner}:\n    {header}\n"
                "        <complete fixed body>\n```")
    return f"File: {focus.path}\n```python\n{header}\n    <complete fixed body>\n```"


def _first_def(text: str) -> str:
    line = next((ln for ln in text.splitlines() if ln.lstrip().startswith(("def ", "async def ", "class "))), "")
    return line.strip()


def edit_messages(issue: str, context: Context, focus: ContextBlock | None = None) -> list[dict[str, str]]:
    """The edit prompt; ``focus`` is the definition the format example shows (None: the first located)."""
    if focus is None:
        focus = next(iter(focus_targets(context, 1)), None)
    user = (
        f"{_head(issue, context)}"
        "Rewrite the function or method that causes the issue so that the issue is fixed. "
        "Reply with the file name on one line, then the complete fixed function in a python code block. "
        "For a method, put it inside its class line. For example:\n\n"
        f"{_example(focus)}"
    )
    return [{"role": "system", "content": EDIT_SYSTEM}, {"role": "user", "content": user}]


def retry_messages(messages: list[dict[str, str]], answer: str, problem: str) -> list[dict[str, str]]:
    """Continue the conversation with the failed answer and what went wrong."""
    return [*messages, {"role": "assistant", "content": answer}, {"role": "user", "content": feedback_prompt(problem)}]


def _head(issue: str, context: Context) -> str:
    """The start every prompt of a solve shares, so a server with a prefix cache evaluates it once."""
    return f"Issue:\n{issue.strip()}\n\nRelevant code from the repository:\n\n{context.render()}\n\n"


REPRO_TASK = """Do not fix the bug yet. First write a minimal pytest test file that reproduces it.
The test must FAIL on the current code because of the bug and PASS once the bug is fixed.
Import the code under test from the package as a user would. Use only the standard library
and pytest, name the test functions test_*, and reply with one ```python block containing the
whole test file and nothing else."""


def repro_messages(issue: str, context: Context) -> list[dict[str, str]]:
    """The reproduction-test prompt: the edit prompts' system message and head, then its own task.

    Sharing the head means the prompt costs only its last lines on a server that caches
    prefixes (llama-server's slots, vLLM's prefix cache), and its answers can be decoded in the
    same batch as the edit samples (issue #19: writing the tests was half of the demo's
    verification time, most of it evaluating a second copy of the same issue and code).
    """
    return [{"role": "system", "content": EDIT_SYSTEM}, {"role": "user", "content": _head(issue, context) + REPRO_TASK}]


def is_repro_prompt(messages: list[dict[str, str]]) -> bool:
    """Whether ``messages`` ask for a reproduction test (for test doubles that answer by prompt)."""
    return bool(messages) and messages[-1].get("content", "").endswith(REPRO_TASK)
