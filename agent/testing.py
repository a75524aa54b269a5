"""Test doubles that ship with the package.

``ScriptedModel`` is an in-process test double of the ``agent.core.protocols.Model`` protocol:
no HTTP, no event loop, so pipeline, frontend and batch tests run fast and deterministically.
``ScriptedServer`` is a test double of the OpenAI chat-completions *protocol*: a real HTTP
server on loopback that answers from a script and records every request, for testing the model
client itself (sampling, retries, errors) over the code path a real vLLM or llama.cpp server
exercises. Both take the same script: a list of ``Reply`` consumed in order (the last repeats)
or a function ``request_json -> Reply``.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from agent.core.cancel import CancelToken
from agent.core.completion import CallLog, Completion, Usage
from agent.core.errors import LLMError
from agent.core.protocols import AnswerCallback, Messages
from agent.prompts import is_repro_prompt


@dataclass
class Reply:
    """One scripted answer: choices' texts, or an HTTP error, optionally after a delay."""

    texts: list[str] = field(default_factory=list)
    status: int = 200
    error: str = ""
    delay_s: float = 0.0
    raw_body: str | None = None
    """Sent verbatim instead of a completion (for malformed-response tests)."""
    honour_n: bool = False
    """Return ``n`` choices (cycling ``texts``) like vLLM; default: one choice, like llama.cpp."""


Responder = Callable[[dict[str, Any]], Reply]


class ScriptedServer:
    """An OpenAI-compatible chat server that answers from a script (a list or a function).

    ``script`` is either a list of ``Reply`` consumed in order (the last one repeats) or a
    function ``request_json -> Reply``. ``requests`` records every request body.
    """

    def __init__(self, script: list[Reply] | Responder, *, model: str = "scripted"):
        self.script = script
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._index = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next_reply(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(body)
        if callable(self.script):  # outside the lock: a slow responder must not serialise requests
            return self.script(body)
        with self._lock:
            reply = self.script[min(self._index, len(self.script) - 1)]
            self._index += 1
            return reply

    def _completion(self, body: dict[str, Any], reply: Reply) -> dict[str, Any]:
        n = int(body.get("n") or 1) if reply.honour_n else 1
        texts = [reply.texts[i % len(reply.texts)] for i in range(n)] if reply.texts else [""] * n
        prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
        return {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", self.model),
            "choices": [
                {"index": i, "message": {"role": "assistant", "content": t}, "finish_reason": "stop"}
                for i, t in enumerate(texts)
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": sum(len(t.split()) for t in texts),
                "total_tokens": prompt_tokens + sum(len(t.split()) for t in texts),
            },
        }

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                return

            def _send(self, status: int, payload: str) -> None:
                data = payload.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                # The client may have given up (deadline and timeout tests do that on purpose).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def do_GET(self) -> None:  # /v1/models and /health, as real servers have
                models = {"object": "list", "data": [{"id": server.model, "object": "model"}]}
                self._send(200, json.dumps(models))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                reply = server._next_reply(body)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                if reply.raw_body is not None:
                    self._send(reply.status, reply.raw_body)
                elif reply.status != 200:
                    error = {"error": {"message": reply.error or f"HTTP {reply.status}", "type": "scripted"}}
                    self._send(reply.status, json.dumps(error))
                else:
                    self._send(200, json.dumps(server._completion(body, reply)))

        return Handler


class ScriptedModel:
    """The ``Model`` protocol answered from a script, in process (a test double, not a model).

    Each request is handed to the script as the JSON body an OpenAI-compatible server would get
    (``messages``, ``temperature``, ``max_tokens``, ``seed``), and recorded in ``requests``.
    ``delay_s`` makes each answer take that long (cancellation tests); a cancelled token ends the
    wait at once and raises ``Cancelled``.
    """

    def __init__(self, script: list[Reply] | Responder, *, name: str = "scripted", delay_s: float = 0.0):
        self.script = script
        self.name = name
        self.delay_s = delay_s
        self.requests: list[dict[str, Any]] = []
        self._usage = Usage()
        self._calls: list[CallLog] = []
        self._lock = threading.Lock()
        self._index = 0

    @property
    def usage(self) -> Usage:
        return self._usage

    @property
    def calls(self) -> list[CallLog]:
        return list(self._calls)

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "backend": "scripted", "endpoint": None}

    def check(self) -> None:
        """Nothing to reach: always ready."""

    def complete(self, messages: Messages, *, n: int = 1, temperature: float = 0.0,
                 max_tokens: int | None = None) -> list[str]:
        return [self._answer(messages, temperature, max_tokens, None).text for _ in range(n)]

    def complete_many(self, requests: Sequence[tuple[Messages, float]], *, max_tokens: int | None = None,
                      cancel: CancelToken | None = None, on_answer: AnswerCallback | None = None) -> list[Completion]:
        """The answers one after another, each announced to ``on_answer`` as soon as it is made."""
        out = []
        for i, (messages, temperature) in enumerate(requests):
            out.append(self._answer(messages, temperature, max_tokens, cancel))
            if on_answer is not None:
                on_answer(i, out[-1])
        return out

    def _answer(self, messages: Messages, temperature: float, max_tokens: int | None,
                cancel: CancelToken | None) -> Completion:
        if cancel is not None:
            cancel.check()
        with self._lock:
            seed = len(self.requests)
            body = {"model": self.name, "messages": [dict(m) for m in messages], "temperature": temperature,
                    "max_tokens": max_tokens, "seed": seed}
            self.requests.append(body)
        reply = self._reply(body)
        if cancel is not None:  # the answer takes delay_s to "generate"; a cancellation ends the wait
            if self.delay_s and cancel.wait(self.delay_s):
                cancel.check()
        elif self.delay_s:
            time.sleep(self.delay_s)
        if reply.status != 200:
            raise LLMError(f"the scripted model failed with HTTP {reply.status}: {reply.error}")
        text = reply.texts[0] if reply.texts else ""
        usage = Usage(calls=1, prompt_tokens=sum(len(str(m.get("content", "")).split()) for m in messages),
                      completion_tokens=len(text.split()), seconds=self.delay_s)
        with self._lock:
            self._usage.add(usage)
            self._calls.append(CallLog(list(messages), {"temperature": temperature, "seed": seed}, [text], usage))
        return Completion(text, temperature, "stop", seed)

    def _reply(self, body: dict[str, Any]) -> Reply:
        if callable(self.script):
            return self.script(body)
        with self._lock:
            reply = self.script[min(self._index, len(self.script) - 1)]
            self._index += 1
            return reply


# Scripted answers for the bundled demo bug (examples/bugs/median_even), shared by the TUI's and
# the bot's tests: the right fix, a plausible wrong one, text that is no edit, a reproduction test.
DEMO_FIX = '''### descstats/central.py
```python
def median(data: Iterable[float]) -> float:
    """The middle value; for an even count, the mean of the two middle values."""
    values = sorted(as_sample(data))
    mid = len(values) // 2
    if len(values) % 2 == 0:
        return (values[mid - 1] + values[mid]) / 2
    return values[mid]
```'''
DEMO_FIX_LINE = "+        return (values[mid - 1] + values[mid]) / 2"
# Plausible but wrong: the lower middle value instead of the upper one.
DEMO_WRONG = DEMO_FIX.replace("        return (values[mid - 1] + values[mid]) / 2\n", "        return values[mid - 1]\n")
DEMO_GARBAGE = "The median [bold]looks[/] fine to me."
"""Not an edit, and markup-like: the UI must show it as typed."""
DEMO_REPRO = '''```python
from descstats import median


def test_even_count_averages_the_middle_pair():
    assert median([1, 2, 3, 4]) == 2.5
```'''


def demo_script(edit_answers: Sequence[str] = (DEMO_WRONG, DEMO_FIX, DEMO_GARBAGE, DEMO_FIX),
                delay_s: float = 0.0) -> Responder:
    """A ``ScriptedServer`` script: edit prompts get ``edit_answers`` in turn, reproduction prompts REPRO."""
    counter = iter(range(1_000_000))

    def respond(body):
        if is_repro_prompt(body["messages"]):
            return Reply([DEMO_REPRO], delay_s=delay_s)
        return Reply([edit_answers[next(counter) % len(edit_answers)]], delay_s=delay_s)

    return respond
