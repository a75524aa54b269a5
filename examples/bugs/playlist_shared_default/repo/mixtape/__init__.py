"""mixtape: a music library with playlists."""

from mixtape.library import Library
from mixtape.playlist import Playlist
from mixtape.track import Track, format_duration

__all__ = ["Library", "Playlist", "Track", "format_duration"]
