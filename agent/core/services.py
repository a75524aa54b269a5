"""What the top layer lends the stage packages' commands, so they never import it.

``capuchin localize --llm`` needs a model, and the model layer (``agent.embedded``) sits above the
stage packages. ``agent.cli`` puts a ``CommandServices`` on typer's context object; a stage
command takes ``ctx: typer.Context`` and calls ``services(ctx).open_model(...)``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

from agent.core.config import Settings
from agent.core.errors import ConfigError
from agent.core.protocols import Model

ModelOpener = Callable[[bool, Settings], AbstractContextManager[Model | None]]


def _no_model(wanted: bool, settings: Settings) -> AbstractContextManager[Model | None]:
    if wanted:
        raise ConfigError("this command was started without the model layer; run it as `capuchin ...`")
    return nullcontext(None)


@dataclass(frozen=True)
class CommandServices:
    open_model: ModelOpener = _no_model
    """``open_model(wanted, settings)``: a context yielding the configured model when ``wanted``, else None."""


def services(ctx: Any) -> CommandServices:
    """The services on a typer/click context (defaults when a command runs outside ``capuchin``)."""
    obj = getattr(ctx, "obj", None)
    return obj if isinstance(obj, CommandServices) else CommandServices()
