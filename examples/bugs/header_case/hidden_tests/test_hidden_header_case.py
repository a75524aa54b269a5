from wire import Headers, parse_request


def test_get_ignores_case():
    headers = Headers([("content-type", "application/json")])
    assert headers.get("Content-Type") == "application/json"
    assert headers.get("CONTENT-TYPE") == "application/json"


def test_request_content_type_and_cookies():
    raw = b"POST /api HTTP/1.1\r\nContent-Type: application/json; charset=utf-8\r\nCookie: sid=42\r\n\r\n{}"
    req = parse_request(raw)
    assert req.is_json()
    assert req.cookies == {"sid": "42"}
