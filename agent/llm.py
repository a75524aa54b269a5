"""The model layer: chat completions from any OpenAI-compatible endpoint.

Async inside (one event loop issues every sample of a run concurrently, bounded by a
semaphore), sync outside (``complete``/``sample`` for callers that are not async).
Transport errors are retried with backoff; everything the user can cause or meet ends
as an ``LLMError`` subclass with a readable message.

Servers differ on ``n``: vLLM, OpenAI and llama.cpp's ``llama-server`` honour it (the
prompt is evaluated once for all choices), llama-cpp-python's server returns one choice.
We ask for ``n`` (split to ``max_n``) and make up any missing choices with concurrent
requests that carry distinct seeds, so the caller always gets ``n`` samples. Many
requests in one call (``complete_many``) are grouped by prompt and temperature, and
their shared prefix can be evaluated once first (``warm_prefix``; see ``agent.llm_batching``).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import openai

from agent.core.cancel import CancelToken
from agent.core.completion import CallLog, Completion, Usage
from agent.core.errors import (
    AuthenticationFailed,
    ContextOverflow,
    DeadlineExceeded,
    EndpointUnreachable,
    LLMError,
    MalformedResponse,
)
from agent.core.events import EventBus
from agent.core.protocols import AnswerCallback, Messages
from agent.llm_batching import group_requests, shared_prefix, split_n
from agent.llm_config import LLMConfig
from agent.llm_transport import TRANSPORTS, RawChoice, RawResponse, Transport, load_transport

T = TypeVar("T")

_RETRYABLE = (openai.APIConnectionError, openai.APITimeoutError, openai.RateLimitError, openai.InternalServerError)
_OVERFLOW_MARKERS = ("context length", "context_length", "maximum context", "too many tokens", "exceed", "n_ctx")


@dataclass
class _RunState:
    started: float = field(default_factory=time.monotonic)
    usage: Usage = field(default_factory=Usage)
    calls: list[CallLog] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def run_sync(make_coro: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine from sync code, also when the caller already runs an event loop (TUI)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coro())  # type: ignore[arg-type]
    box: dict[str, Any] = {}

    def worker() -> None:
        try:
            box["value"] = asyncio.run(make_coro())  # type: ignore[arg-type]
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


class LLMClient:
    """Chat completions with n samples, temperature sweeps, retries, a deadline and usage accounting.

    Satisfies ``agent.core.protocols.Model``.
    """

    def __init__(self, config: LLMConfig, *, base_url: str | None = None, bus: EventBus | None = None):
        self.config = config
        self.base_url = base_url or config.base_url
        if not self.base_url and config.backend == "openai":
            raise LLMError("no model endpoint: set llm.base_url, or use agent.embedded to start the local model")
        self.bus = bus
        self._state = _RunState()

    # -- public sync API -------------------------------------------------------------------
    def complete(
        self, messages: Messages, *, n: int = 1, temperature: float = 0.0, max_tokens: int | None = None
    ) -> list[str]:
        """``n`` answers at one temperature (the ``Model`` protocol)."""
        result = run_sync(lambda: self.acomplete(messages, n=n, temperature=temperature, max_tokens=max_tokens))
        return [c.text for c in result]

    def sample(
        self, messages: Messages, *, n: int, temperatures: Sequence[float], max_tokens: int | None = None
    ) -> list[Completion]:
        """``n`` answers at each temperature (one greedy answer at temperature 0), all concurrent."""
        return run_sync(lambda: self.asample(messages, n=n, temperatures=temperatures, max_tokens=max_tokens))

    def complete_many(
        self, requests: Sequence[tuple[Messages, float]], *, max_tokens: int | None = None,
        cancel: CancelToken | None = None, on_answer: AnswerCallback | None = None,
    ) -> list[Completion]:
        """One answer for each (messages, temperature), all concurrent; order kept. A cancelled
        ``cancel`` aborts the requests in flight and raises ``Cancelled``; ``on_answer(index,
        completion)`` hears of each answer as its request returns."""
        return run_sync(lambda: self.acomplete_many(requests, max_tokens=max_tokens, cancel=cancel,
                                                    on_answer=on_answer))

    def describe(self) -> dict[str, Any]:
        """What a run records about the model: name, client backend, endpoint (no secrets)."""
        return {"name": self.config.model, "backend": self.config.backend,
                "endpoint": public_url(self.base_url) if self.base_url else None}

    def check(self) -> None:
        """Fail fast with ``EndpointUnreachable`` when nothing answers at the base URL."""
        if not self.base_url:
            return
        import httpx

        try:
            httpx.get(f"{self.base_url.rstrip('/')}/models", timeout=5.0)
        except httpx.HTTPError:
            raise EndpointUnreachable(
                f"cannot reach the model endpoint {self.base_url}",
                hint="check llm.base_url (capuchin config show) and that the server is up (capuchin llm ping)",
            ) from None

    @property
    def usage(self) -> Usage:
        return self._state.usage

    @property
    def calls(self) -> list[CallLog]:
        return list(self._state.calls)

    # -- async API ---------------------------------------------------------------------------
    async def asample(
        self, messages: Messages, *, n: int, temperatures: Sequence[float], max_tokens: int | None = None
    ) -> list[Completion]:
        batches = await self._gather(lambda tr, sem: [
            self._complete_n(tr, sem, messages, 1 if t == 0 else n, t, max_tokens) for t in temperatures])
        return [c for batch in batches for c in batch]

    async def acomplete_many(
        self, requests: Sequence[tuple[Messages, float]], *, max_tokens: int | None = None,
        cancel: CancelToken | None = None, on_answer: AnswerCallback | None = None,
    ) -> list[Completion]:
        """Identical (messages, temperature) pairs go as one request with n choices, ordered by prompt."""
        # Grouped by prompt also when each answer is its own request: a server with one slot
        # (llama-cpp-python) reuses the prompt of the request before.
        groups = group_requests(requests)
        warm = self._warm_plan([g.messages for g in groups], sum(
            len(split_n(len(g.indices), self.config.max_n)) for g in groups), len(requests))
        async def group_job(tr: Transport, sem: asyncio.Semaphore, group) -> list[Completion]:
            batch = await self._complete_n(tr, sem, group.messages, len(group.indices), group.temperature, max_tokens)
            for i, completion in zip(group.indices, batch, strict=True):
                if on_answer is not None:
                    on_answer(i, completion)
            return batch

        batches = await self._gather(lambda tr, sem: [group_job(tr, sem, g) for g in groups], cancel, warm=warm)
        out: list[Completion] = [None] * len(requests)  # type: ignore[list-item]  # every slot is filled below
        for group, batch in zip(groups, batches, strict=True):
            for i, completion in zip(group.indices, batch, strict=True):
                out[i] = completion
        return out

    async def acomplete(
        self, messages: Messages, *, n: int = 1, temperature: float = 0.0, max_tokens: int | None = None
    ) -> list[Completion]:
        warm = self._warm_plan([messages], len(split_n(n, self.config.max_n)), n)
        [batch] = await self._gather(lambda tr, sem: [
            self._complete_n(tr, sem, messages, n, temperature, max_tokens)], warm=warm)
        return batch

    # -- internals ---------------------------------------------------------------------------
    def _transport(self) -> Transport:
        return load_transport(TRANSPORTS[self.config.backend], self.config, self.base_url)

    def _warm_plan(self, prompts: list[Messages], requests: int, samples: int) -> tuple[Messages, int] | None:
        """(prefix messages, n) of the warming request, or None when it would not pay: a single
        request evaluates its prompt once anyway, and one at a time each finds it cached."""
        if not self.config.warm_prefix or requests < 2 or self.config.concurrency < 2:
            return None
        prefix = shared_prefix(prompts)
        slots = min(self.config.concurrency, self.config.max_n or self.config.concurrency, samples)
        return (prefix, slots) if prefix else None

    async def _gather(
        self, make_jobs: Callable[[Transport, asyncio.Semaphore], list[Awaitable[list[Completion]]]],
        cancel: CancelToken | None = None, *, warm: tuple[Messages, int] | None = None,
    ) -> list[list[Completion]]:
        """Run one call's requests over one transport, bounded by the concurrency limit; first, when
        asked, one request that leaves the shared prefix evaluated in every slot that will serve them."""
        transport = self._transport()
        sem = asyncio.Semaphore(self.config.concurrency)

        async def run() -> list[list[Completion]]:
            if warm:
                await self._request(transport, sem, warm[0], warm[1], 0.0, 1, random.randrange(1 << 30))
            return list(await asyncio.gather(*make_jobs(transport, sem)))

        try:
            work = asyncio.ensure_future(run())
            return await (work if cancel is None else _until_cancelled(work, cancel))
        finally:
            await transport.close()

    async def _complete_n(
        self, transport: Transport, sem: asyncio.Semaphore, messages: Messages, n: int, temperature: float,
        max_tokens: int | None,
    ) -> list[Completion]:
        """Ask for n choices (in chunks of max_n); make up missing ones with seeded single requests.

        Seeds: a chunk at offset k carries base + k, and servers that batch n seed choice j with
        seed + j (llama-server) or from the request's seed (vLLM), so no two samples share one;
        the single requests that make up for a server ignoring n use seeds after base + n.
        """
        base_seed = random.randrange(1 << 30)
        first: list[Completion] = []
        if self.config.native_n is not False or n == 1:
            chunks = await asyncio.gather(*[
                self._request(transport, sem, messages, size, temperature, max_tokens, base_seed + offset)
                for offset, size in split_n(n, self.config.max_n)])
            first = [c for chunk in chunks for c in chunk][:n]
        extra = await asyncio.gather(*[
            self._request(transport, sem, messages, 1, temperature, max_tokens, base_seed + n + i)
            for i in range(n - len(first))])
        return first + [c for batch in extra for c in batch]

    async def _request(
        self, transport: Transport, sem: asyncio.Semaphore, messages: Messages, n: int, temperature: float,
        max_tokens: int | None, seed: int,
    ) -> list[Completion]:
        params = {"n": n, "temperature": temperature, "max_tokens": max_tokens or self.config.max_tokens, "seed": seed}
        attempt = 0
        async with sem:
            while True:
                started = time.monotonic()
                try:
                    response = await self._with_deadline(transport.chat(list(messages), **params))
                except _RETRYABLE as exc:
                    if attempt >= self.config.max_retries:
                        raise self._translate(exc) from None
                    attempt += 1
                    await self._backoff(attempt, exc)
                    continue
                except openai.APIError as exc:
                    raise self._translate(exc) from None
                return self._record(messages, params, response, time.monotonic() - started, attempt, temperature)

    async def _with_deadline(self, coro: Awaitable[RawResponse]) -> RawResponse:
        deadline = self.config.deadline_s
        if deadline is None:
            return await coro
        remaining = deadline - (time.monotonic() - self._state.started)
        if remaining <= 0:
            coro.close()  # type: ignore[attr-defined]
            raise DeadlineExceeded(f"the run's model deadline of {deadline:.0f}s is spent")
        try:
            return await asyncio.wait_for(coro, remaining)
        except TimeoutError:
            raise DeadlineExceeded(f"the run's model deadline of {deadline:.0f}s is spent") from None

    async def _backoff(self, attempt: int, exc: Exception) -> None:
        delay = self.config.backoff_s * (2 ** (attempt - 1)) * (0.5 + random.random())
        retry_after = getattr(getattr(exc, "response", None), "headers", {}).get("retry-after")
        if retry_after and retry_after.replace(".", "", 1).isdigit():
            delay = max(delay, float(retry_after))
        with self._state.lock:
            self._state.usage.retries += 1
        if self.bus:
            self.bus.emit("log", "llm", f"retry {attempt} after {type(exc).__name__}; waiting {delay:.1f}s")
        await asyncio.sleep(delay)

    def _record(
        self, messages: Messages, params: dict, response: RawResponse, seconds: float, retries: int, temperature: float
    ) -> list[Completion]:
        choices = _valid_choices(response)
        usage = Usage(
            calls=1,
            prompt_tokens=response.prompt_tokens,
            cached_prompt_tokens=response.cached_prompt_tokens,
            completion_tokens=response.completion_tokens,
            seconds=seconds,
        )
        usage.cost_usd = self._cost(usage)
        completions = [Completion(c.text, temperature, c.finish_reason, params["seed"]) for c in choices]
        with self._state.lock:
            self._state.usage.add(usage)
            self._state.calls.append(CallLog(list(messages), params, [c.text for c in completions], usage))
        if self.bus:
            self.bus.emit(
                "llm_call", "llm", f"{len(completions)} choice(s) in {seconds:.1f}s",
                temperature=temperature, completion_tokens=usage.completion_tokens, seconds=seconds, retries=retries,
                prompt_tokens=usage.prompt_tokens, cost_usd=usage.cost_usd,
            )
        return completions

    def _cost(self, usage: Usage) -> float:
        cfg = self.config
        if cfg.input_cost_per_mtok is not None or cfg.output_cost_per_mtok is not None:
            return (usage.prompt_tokens * (cfg.input_cost_per_mtok or 0)
                    + usage.completion_tokens * (cfg.output_cost_per_mtok or 0)) / 1e6
        if cfg.backend != "litellm":
            return 0.0  # self-hosted OpenAI-compatible servers (vLLM, llama.cpp) cost nothing per token
        return _litellm_cost(cfg.model, usage)

    def _translate(self, exc: Exception) -> LLMError:
        where = self.base_url or self.config.model
        if isinstance(exc, openai.APITimeoutError):
            return EndpointUnreachable(f"the model endpoint {where} timed out after {self.config.max_retries} retries")
        if isinstance(exc, openai.APIConnectionError):
            return EndpointUnreachable(
                f"cannot reach the model endpoint {where}",
                hint="check llm.base_url (capuchin config show) and that the server is up (capuchin llm ping)",
            )
        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return AuthenticationFailed(f"the endpoint {where} rejected the API key", hint="set llm.api_key")
        message = _error_message(exc)
        if isinstance(exc, openai.BadRequestError) and any(m in message.lower() for m in _OVERFLOW_MARKERS):
            return ContextOverflow(f"the prompt does not fit the model's context window: {message}")
        if isinstance(exc, openai.APIResponseValidationError):
            return MalformedResponse(f"the endpoint {where} sent a malformed response: {message}")
        status = getattr(exc, "status_code", None)
        return LLMError(f"the endpoint {where} failed{f' with HTTP {status}' if status else ''}: {message}")


async def _until_cancelled(work: asyncio.Future, cancel: CancelToken) -> Any:
    """Await ``work``, polling ``cancel``; on cancellation abort the requests in flight (their
    connections close) and raise ``Cancelled``."""
    while True:
        done, _ = await asyncio.wait({work}, timeout=0.1)
        if done:
            return work.result()
        if cancel.cancelled:
            work.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await work
            cancel.check()


def public_url(url: str) -> str:
    """``url`` without credentials or query string (an endpoint may carry a key in either)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _valid_choices(response: RawResponse) -> list[RawChoice]:
    if not response.choices:
        raise MalformedResponse("the endpoint returned a completion without choices")
    bad = [c for c in response.choices if not isinstance(c.text, str)]
    if bad:
        raise MalformedResponse("the endpoint returned a choice without message content")
    return response.choices


def _error_message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
        if isinstance(inner, str):
            return inner
    return str(getattr(exc, "message", exc))


def _litellm_cost(model: str, usage: Usage) -> float:
    try:
        import litellm

        prompt, completion = litellm.cost_per_token(
            model=model, prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens
        )
        return float(prompt + completion)
    except Exception:  # an unknown model has no price; cost stays 0 rather than failing the run
        return 0.0
