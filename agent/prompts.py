"""Prompt texts for sampling edits and reproduction tests.

The edit format is SuperCoder2.0's: whole replacement functions/classes, headed by the
file path, which ``editing`` splices in by syntax-tree span. Search/replace blocks are
accepted as a fallback, so the prompt does not mention them.
"""

from __future__ import annotations

from agent.types import Context

EDIT_SYSTEM = """You are an expert Python engineer fixing a bug in a repository.
You are shown an issue and the relevant code. Change as little as possible.

Answer with the complete new version of every function or class you change, each in its own
```python block preceded by a line naming its file, like this:

### path/to/module.py
```python
def the_function(arg):
    ...whole fixed body...
```

For a method, write the whole method inside its class header:

### path/to/module.py
```python
class TheClass:
    def the_method(self):
        ...whole fixed body...
```

Write whole definitions, never fragments or "..." placeholders. Keep names and signatures
unless the fix requires otherwise. Add needed imports in a separate block for the same file."""


def edit_messages(issue: str, context: Context) -> list[dict[str, str]]:
    user = (
        f"## Issue\n{issue.strip()}\n\n"
        f"## Relevant code\n{context.render()}\n\n"
        "Fix the issue. Reply with the full fixed function(s) or class(es) as described."
    )
    return [{"role": "system", "content": EDIT_SYSTEM}, {"role": "user", "content": user}]


def retry_messages(messages: list[dict[str, str]], answer: str, feedback: str) -> list[dict[str, str]]:
    """Continue the conversation with the failed answer and what went wrong."""
    return [
        *messages,
        {"role": "assistant", "content": answer},
        {"role": "user", "content": f"Your edit could not be applied:\n{feedback}\n\nReply with a corrected edit."},
    ]


REPRO_SYSTEM = """You write a minimal pytest test that reproduces a reported bug.
The test must FAIL on the current code because of the bug and PASS once the bug is fixed.
Import the code under test from the package as a user would. Use only the standard library
and pytest. Reply with one ```python block containing the whole test file and nothing else."""


def repro_messages(issue: str, context: Context) -> list[dict[str, str]]:
    user = (
        f"## Issue\n{issue.strip()}\n\n"
        f"## Relevant code\n{context.render()}\n\n"
        "Write the test file (test functions named test_*)."
    )
    return [{"role": "system", "content": REPRO_SYSTEM}, {"role": "user", "content": user}]
