from mixtape import Library, Playlist, Track

A = Track("Alpha", "Ann", 100)
B = Track("Beta", "Bob", 200)
C = Track("Gamma", "Ann", 300)


def test_playlist_with_initial_tracks():
    playlist = Playlist("Road trip", [A, B])
    playlist.add(C)
    playlist.move(2, 0)
    assert [t.title for t in playlist] == ["Gamma", "Alpha", "Beta"]
    assert playlist.summary() == "Road trip: 3 tracks, 10:00"


def test_shuffle_keeps_original():
    playlist = Playlist("Mix", [A, B, C])
    shuffled = playlist.shuffled(seed=1)
    assert sorted(t.title for t in shuffled) == ["Alpha", "Beta", "Gamma"]
    assert [t.title for t in playlist] == ["Alpha", "Beta", "Gamma"]


def test_m3u():
    text = Playlist("x", [Track("Alpha", "Ann", 100, "/music/a.mp3")]).to_m3u()
    assert text == "#EXTM3U\n#EXTINF:100,Ann - Alpha\n/music/a.mp3\n"


def test_library_search_and_artist_playlist():
    lib = Library()
    for track in (A, B, C, A):
        lib.import_track(track)
    assert len(lib.tracks) == 3
    assert lib.search("amm") == [C]
    assert [t.title for t in lib.artist_playlist("ann")] == ["Alpha", "Gamma"]
