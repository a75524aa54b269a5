"""Tracks and duration formatting."""

from __future__ import annotations

from dataclasses import dataclass


def format_duration(seconds: int) -> str:
    """``245`` -> ``"4:05"``; hours are shown when needed: ``3725`` -> ``"1:02:05"``."""
    if seconds < 0:
        raise ValueError("duration must not be negative")
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class Track:
    """One audio file with its tags."""

    title: str
    artist: str
    seconds: int
    path: str = ""

    def label(self) -> str:
        return f"{self.artist} - {self.title} ({format_duration(self.seconds)})"
