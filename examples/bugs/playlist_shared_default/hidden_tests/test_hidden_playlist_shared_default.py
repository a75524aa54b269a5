from mixtape import Library, Playlist, Track


def test_new_playlists_start_empty():
    first = Playlist("Morning")
    first.add(Track("Alpha", "Ann", 100))
    second = Playlist("Evening")
    assert len(second) == 0


def test_library_playlists_are_independent():
    lib = Library()
    lib.import_track(Track("Alpha", "Ann", 100))
    lib.import_track(Track("Beta", "Bob", 200))
    lib.artist_playlist("Ann")
    gym = lib.new_playlist("Gym")
    assert gym.tracks == []
    assert [t.title for t in lib.playlists["Best of Ann"]] == ["Alpha"]
