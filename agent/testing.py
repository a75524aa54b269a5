"""Test doubles that ship with the package.

``ScriptedServer`` is a test double of the OpenAI chat-completions *protocol*: a real HTTP
server on loopback that answers from a script and records every request, so sampling,
retries, error handling and whole solve runs can be tested deterministically, over the
same code path a real vLLM or llama.cpp server exercises.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


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
