import pytest

from wire import Headers


def test_case_insensitive_indexing():
    headers = Headers([("Content-Type", "text/html")])
    assert headers["content-type"] == "text/html"
    assert headers["CONTENT-TYPE"] == "text/html"
    assert "Content-type" in headers


def test_multi_values_and_items():
    headers = Headers()
    headers.add("Set-Cookie", "a=1")
    headers.add("set-cookie", "b=2")
    assert headers.get_all("SET-COOKIE") == ["a=1", "b=2"]
    assert list(headers.items()) == [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]


def test_get_default_and_delete():
    headers = Headers([("x-trace", "abc")])
    assert headers.get("x-trace") == "abc"
    assert headers.get("x-missing", "none") == "none"
    del headers["X-Trace"]
    assert len(headers) == 0
    with pytest.raises(KeyError):
        headers["x-trace"]
