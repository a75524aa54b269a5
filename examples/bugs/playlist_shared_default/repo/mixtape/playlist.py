"""Ordered, named lists of tracks."""

from __future__ import annotations

import random
from typing import Iterator, List, Optional

from mixtape.track import Track, format_duration


class Playlist:
    """A named, ordered list of tracks; the same track may appear more than once."""

    def __init__(self, name: str, tracks: List[Track] = []) -> None:
        if not name.strip():
            raise ValueError("playlist name must not be blank")
        self.name = name
        self.tracks = tracks

    def add(self, track: Track) -> None:
        self.tracks.append(track)

    def remove(self, index: int) -> Track:
        """Remove and return the track at ``index``."""
        return self.tracks.pop(index)

    def move(self, src: int, dst: int) -> None:
        """Move the track at ``src`` so it ends up at position ``dst``."""
        track = self.tracks.pop(src)
        self.tracks.insert(dst, track)

    def shuffled(self, seed: Optional[int] = None) -> "Playlist":
        """A shuffled copy; this playlist is left unchanged."""
        order = list(self.tracks)
        random.Random(seed).shuffle(order)
        return Playlist(self.name + " (shuffled)", order)

    @property
    def total_seconds(self) -> int:
        return sum(t.seconds for t in self.tracks)

    def summary(self) -> str:
        return f"{self.name}: {len(self.tracks)} tracks, {format_duration(self.total_seconds)}"

    def to_m3u(self) -> str:
        """Extended M3U text for media players."""
        lines = ["#EXTM3U"]
        for t in self.tracks:
            lines.append(f"#EXTINF:{t.seconds},{t.artist} - {t.title}")
            lines.append(t.path or f"{t.artist} - {t.title}.mp3")
        return "\n".join(lines) + "\n"

    def __iter__(self) -> Iterator[Track]:
        return iter(self.tracks)

    def __len__(self) -> int:
        return len(self.tracks)
