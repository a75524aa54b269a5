from verspec import Version, max_satisfying


def test_prerelease_sorts_before_release():
    assert Version.parse("1.0.0-rc.1") < Version.parse("1.0.0")
    assert not Version.parse("1.0.0") < Version.parse("1.0.0-rc.1")


def test_sorted_versions():
    versions = ["1.0.0", "1.0.0-rc.1", "0.9.0", "1.0.0-alpha"]
    assert [str(v) for v in sorted(map(Version.parse, versions))] == [
        "0.9.0", "1.0.0-alpha", "1.0.0-rc.1", "1.0.0",
    ]


def test_max_satisfying_prefers_final_release():
    versions = ["2.0.0-rc.1", "2.0.0", "1.9.0"]
    assert max_satisfying(versions, ">=1.0.0", include_prerelease=True) == "2.0.0"
