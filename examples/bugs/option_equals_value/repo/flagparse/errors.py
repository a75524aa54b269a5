"""Errors raised for bad command lines."""


class UsageError(Exception):
    """The command line does not match the declared options."""

    def __init__(self, message: str, option: str = "") -> None:
        super().__init__(message)
        self.option = option
