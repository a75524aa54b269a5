"""Transports under ``LLMClient``: the openai SDK, or litellm for provider/model names.

Each turns one chat request into a ``RawResponse``. Errors propagate as the openai SDK's
exception classes (litellm's subclass them), which ``LLMClient`` retries or translates.
Implementations are chosen by name through ``TRANSPORTS`` (name -> import path).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Protocol

from agent.core.loader import load_object
from agent.llm_config import LLMConfig

TRANSPORTS = {
    "openai": "agent.llm_transport:OpenAITransport",
    "litellm": "agent.llm_transport:LiteLLMTransport",
}


@dataclass
class RawChoice:
    text: Any
    finish_reason: str | None


@dataclass
class RawResponse:
    choices: list[RawChoice]
    prompt_tokens: int
    completion_tokens: int
    cached_prompt_tokens: int = 0
    """Prompt tokens served from the server's cache (OpenAI's usage.prompt_tokens_details)."""


class Transport(Protocol):
    async def chat(self, messages: list[dict[str, str]], **params: Any) -> RawResponse: ...

    async def close(self) -> None: ...


def load_transport(path: str, config: LLMConfig, base_url: str | None) -> Transport:
    return load_object(path)(config, base_url)


def _api_key(config: LLMConfig) -> str:
    # Local servers accept any key; the SDK refuses to start without one.
    return config.api_key or os.environ.get("OPENAI_API_KEY") or "sk-local"


def _convert(response: Any) -> RawResponse:
    """Shared by both transports: litellm returns OpenAI-shaped objects."""
    import openai

    try:
        choices = [RawChoice(c.message.content, c.finish_reason) for c in (response.choices or [])]
        usage = response.usage
        details = getattr(usage, "prompt_tokens_details", None)
        return RawResponse(
            choices,
            int(getattr(usage, "prompt_tokens", 0) or 0),
            int(getattr(usage, "completion_tokens", 0) or 0),
            int(getattr(details, "cached_tokens", 0) or 0),
        )
    except (AttributeError, TypeError, ValueError) as exc:
        raise openai.APIResponseValidationError(
            response=_FakeHTTPResponse(), body=None, message=f"unexpected response shape: {exc}"
        ) from None


class _FakeHTTPResponse:
    """APIResponseValidationError wants an httpx response; the shape error is ours, not HTTP's."""

    status_code = 200
    headers: dict[str, str] = {}  # noqa: RUF012
    request = None


class OpenAITransport:
    def __init__(self, config: LLMConfig, base_url: str | None):
        import openai

        # Retries are ours (with the run deadline in view), so the SDK's are off.
        self._client = openai.AsyncOpenAI(
            base_url=base_url, api_key=_api_key(config), max_retries=0, timeout=config.timeout_s
        )
        self._model = config.model

    async def chat(self, messages: list[dict[str, str]], **params: Any) -> RawResponse:
        response = await self._client.chat.completions.create(model=self._model, messages=messages, **params)
        if isinstance(response, str):  # some servers answer 200 with a non-JSON body
            import openai

            raise openai.APIResponseValidationError(
                response=_FakeHTTPResponse(), body=response, message="the body is not a JSON chat completion"
            )
        return _convert(response)

    async def close(self) -> None:
        await self._client.close()


class LiteLLMTransport:
    def __init__(self, config: LLMConfig, base_url: str | None):
        # litellm fetches a price map from the internet at import unless told otherwise.
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        self._config = config
        self._base_url = base_url

    async def chat(self, messages: list[dict[str, str]], **params: Any) -> RawResponse:
        import litellm

        response = await litellm.acompletion(
            model=self._config.model,
            messages=messages,
            api_base=self._base_url,
            api_key=self._config.api_key,
            timeout=self._config.timeout_s,
            num_retries=0,
            **params,
        )
        return _convert(response)

    async def close(self) -> None:
        return None
