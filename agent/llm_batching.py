"""How a call's requests are laid out for a server that batches: pure functions.

A solve asks for one answer per (prompt, temperature) pair, many of them sharing a prompt
(the same focus at several temperatures) and all of them sharing a long prefix (the issue
and the repository context). A batching server evaluates a prompt once for the ``n``
choices of one request, and a prefix once per slot that holds it. So: identical
(prompt, temperature) pairs become one request with ``n`` choices (``group_requests``),
requests are ordered by prompt so those sharing one are adjacent in the queue, ``n`` is
split to what one request may ask for (``split_n``), and the prefix shared by the whole
call (``shared_prefix``) can be evaluated once before the requests fan out.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from agent.core.protocols import Messages


@dataclass
class Group:
    """Requests with the same messages and temperature: one request with ``n = len(indices)``."""

    messages: Messages
    temperature: float
    indices: list[int] = field(default_factory=list)
    """Positions of the grouped requests in the caller's list (answers go back there)."""


def _key(messages: Messages) -> tuple:
    return tuple((m.get("role", ""), m.get("content", "")) for m in messages)


def group_requests(requests: Sequence[tuple[Messages, float]]) -> list[Group]:
    """One group per distinct (messages, temperature), ordered by prompt (first appearance), then
    by temperature (first appearance), so requests sharing a prompt are sent one after another."""
    by_prompt: dict[tuple, dict[float, Group]] = {}
    for i, (messages, temperature) in enumerate(requests):
        temps = by_prompt.setdefault(_key(messages), {})
        temps.setdefault(temperature, Group(messages, temperature)).indices.append(i)
    return [group for temps in by_prompt.values() for group in temps.values()]


def split_n(n: int, max_n: int | None) -> list[tuple[int, int]]:
    """(offset, size) chunks of ``n`` choices, each at most ``max_n`` (None: one chunk)."""
    step = max(1, max_n or n)
    return [(start, min(step, n - start)) for start in range(0, n, step)]


def shared_prefix(prompts: Sequence[Messages], min_chars: int = 400) -> list[dict[str, str]] | None:
    """The messages every prompt starts with, the first differing message cut to its common text;
    None when that is shorter than ``min_chars`` (not worth a request of its own)."""
    if not prompts:
        return None
    first = list(prompts[0])
    same = 0
    while same < len(first) and all(len(p) > same and p[same] == first[same] for p in prompts):
        same += 1
    prefix = [dict(m) for m in first[:same]]
    if same < len(first) and all(len(p) > same and p[same].get("role") == first[same].get("role") for p in prompts):
        text = os.path.commonprefix([p[same].get("content", "") for p in prompts])
        if text:
            prefix.append({"role": first[same]["role"], "content": text})
    if sum(len(m.get("content", "")) for m in prefix) < min_chars:
        return None
    return prefix
