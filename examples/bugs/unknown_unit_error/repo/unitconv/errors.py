"""Errors raised by unitconv. Catch :class:`UnitError` to handle them all."""


class UnitError(ValueError):
    """Base class for unit problems."""


class UnknownUnit(UnitError):
    """The unit name or symbol is not registered."""


class IncompatibleUnits(UnitError):
    """The units measure different dimensions (e.g. metres and seconds)."""
