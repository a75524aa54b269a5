"""End states and user-facing errors.

Every error a user can cause or meet (bad input, unreachable endpoint, missing Docker)
is a ``CapuchinError`` with a message written for a person; the CLI prints it and exits
with ``exit_code`` instead of showing a traceback.
"""

from __future__ import annotations


class CapuchinError(Exception):
    """A failure with a message meant for the user."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class ConfigError(CapuchinError):
    """The configuration (file, environment or flag) is invalid."""


class InputError(CapuchinError):
    """A path, issue text or argument given by the user cannot be used."""


class LLMError(CapuchinError):
    """Talking to the model failed."""


class EndpointUnreachable(LLMError):
    """No server answers at the configured base URL."""


class AuthenticationFailed(LLMError):
    """The endpoint rejected the API key."""


class ContextOverflow(LLMError):
    """The prompt does not fit in the model's context window."""


class MalformedResponse(LLMError):
    """The endpoint answered, but not with a usable chat completion."""


class DeadlineExceeded(LLMError):
    """The run's wall-clock budget for model calls is spent."""


class SandboxError(CapuchinError):
    """The test sandbox could not be built or run (not: a test failed)."""


class DockerUnavailable(SandboxError):
    """No Docker engine answers."""


class Cancelled(CapuchinError):
    """End state of a run stopped through its ``CancelToken`` (Esc in the TUI, a job time limit,
    Ctrl-C in a batch run)."""

    exit_code = 130
    report = None
    """The run's ``SolveReport`` with status ``cancelled``, set by the pipeline."""


class NoVerifiedCandidate(CapuchinError):
    """End state of a solve run in which no candidate survived verification."""

    exit_code = 3
    report = None
    """The run's ``SolveReport`` (every candidate and why it failed), set by the solver."""
