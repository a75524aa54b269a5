"""The track library and the playlists built from it."""

from __future__ import annotations

from typing import Dict, List

from mixtape.playlist import Playlist
from mixtape.track import Track


class Library:
    """All known tracks plus named playlists."""

    def __init__(self) -> None:
        self.tracks: List[Track] = []
        self.playlists: Dict[str, Playlist] = {}

    def import_track(self, track: Track) -> None:
        if track not in self.tracks:
            self.tracks.append(track)

    def by_artist(self, artist: str) -> List[Track]:
        wanted = artist.casefold()
        return [t for t in self.tracks if t.artist.casefold() == wanted]

    def search(self, text: str) -> List[Track]:
        needle = text.casefold()
        return [t for t in self.tracks if needle in t.title.casefold() or needle in t.artist.casefold()]

    def new_playlist(self, name: str) -> Playlist:
        """Create an empty playlist called ``name``."""
        if name in self.playlists:
            raise ValueError(f"playlist {name!r} already exists")
        playlist = Playlist(name)
        self.playlists[name] = playlist
        return playlist

    def artist_playlist(self, artist: str) -> Playlist:
        """A new playlist with every track by ``artist``."""
        playlist = self.new_playlist(f"Best of {artist}")
        for track in self.by_artist(artist):
            playlist.add(track)
        return playlist
