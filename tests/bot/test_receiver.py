"""The receiver's security checks, in the order it makes them, and its health and metrics."""

from __future__ import annotations

import json

import httpx
import pytest

from agent.cli import main
from agent.core.errors import ConfigError
from bot import webhooks
from bot.receiver import create_app
from bot.server import check_secret_sources, open_queue, receiver_in_thread, webhook_secret


@pytest.fixture
def receiver(world):
    settings = world.settings()
    queue = open_queue(settings.bot)
    with receiver_in_thread(create_app(settings.bot, queue, world.secret.encode())) as url, \
            httpx.Client(base_url=url, timeout=10) as client:
        yield client, queue


def post(client, secret: bytes, event: str, payload, guid=None, **header_changes):
    headers, body = webhooks.signed_request(secret, event, payload, guid)
    headers.update(header_changes)
    for name in [k for k, v in headers.items() if v is None]:
        del headers[name]
    return client.post("/webhook", content=body, headers=headers)


def test_a_signed_label_delivery_is_queued(world, receiver):
    client, queue = receiver
    response = post(client, world.secret.encode(), "issues", webhooks.labeled(world.standin, world.repo, 1))
    assert response.status_code == 202
    assert response.json()["outcome"] == "queued"
    assert [(j["repo"], j["issue"], j["state"]) for j in queue.jobs()] == [(world.repo, 1, "queued")]


@pytest.mark.parametrize("headers", [
    {"X-Hub-Signature-256": "sha256=" + "0" * 64},
    {"X-Hub-Signature-256": None},
    {"X-Hub-Signature-256": None, "X-Hub-Signature": "sha1=" + "0" * 40},
])
def test_a_bad_missing_or_sha1_only_signature_is_401_and_nothing_is_stored(world, receiver, headers):
    client, queue = receiver
    response = post(client, world.secret.encode(), "issues", webhooks.labeled(world.standin, world.repo, 1), **headers)
    assert response.status_code == 401
    assert queue.deliveries() == []
    assert queue.jobs() == []


def test_signed_with_another_secret_is_401(world, receiver):
    client, queue = receiver
    response = post(client, b"not the secret", "issues", webhooks.labeled(world.standin, world.repo, 1))
    assert response.status_code == 401
    assert queue.deliveries() == []


def test_the_same_delivery_twice_makes_one_job(world, receiver):
    client, queue = receiver
    payload = webhooks.labeled(world.standin, world.repo, 1)
    first = post(client, world.secret.encode(), "issues", payload, guid="guid-1")
    again = post(client, world.secret.encode(), "issues", payload, guid="guid-1")
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["outcome"] == "duplicate"
    assert len(queue.jobs()) == 1


def test_a_body_over_the_cap_is_413(world, receiver):
    client, queue = receiver
    payload = webhooks.labeled(world.standin, world.repo, 1) | {"padding": "x" * 1_100_000}
    assert post(client, world.secret.encode(), "issues", payload).status_code == 413
    assert queue.deliveries() == []


def test_malformed_json_is_400(world, receiver):
    client, queue = receiver
    assert post(client, world.secret.encode(), "issues", b"{not json").status_code == 400
    assert post(client, world.secret.encode(), "issues", b'{"action": "labeled"}').status_code == 400
    assert queue.jobs() == []


@pytest.mark.parametrize("case", ["unknown_event", "bot_sender", "self", "non_collaborator", "quoted_command"])
def test_deliveries_that_start_nothing_get_2xx_and_no_job(world, receiver, case):
    client, queue = receiver
    s, r = world.standin, world.repo
    event, payload = {
        "unknown_event": ("star", {"action": "created"}),
        "bot_sender": ("issues", webhooks.labeled(s, r, 1, sender="renovate[bot]")),
        "self": ("issue_comment", webhooks.commented(s, r, 1, "/capuchin fix", user="capuchin[bot]", user_type="Bot")),
        "non_collaborator": ("issue_comment", webhooks.commented(s, r, 1, "/capuchin fix", user="mallory",
                                                                 association="NONE")),
        "quoted_command": ("issue_comment", webhooks.commented(s, r, 1, "> /capuchin fix\nlike this?")),
    }[case]
    response = post(client, world.secret.encode(), event, payload)
    assert 200 <= response.status_code < 300
    assert response.json()["outcome"] == "ignored"
    assert queue.jobs() == []


def test_health_and_prometheus_metrics(world, receiver):
    client, _ = receiver
    post(client, world.secret.encode(), "issues", webhooks.labeled(world.standin, world.repo, 1))
    post(client, b"forged", "issues", webhooks.labeled(world.standin, world.repo, 1))
    assert client.get("/healthz").json() == {"ok": True, "jobs": {"queued": 1, "running": 0, "done": 0,
                                                                   "failed": 0, "ignored": 0}}
    metrics = client.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = metrics.text
    assert 'capuchin_bot_deliveries_total{outcome="queued"} 1' in text
    assert 'capuchin_bot_deliveries_total{outcome="bad_signature"} 1' in text
    assert 'capuchin_bot_jobs{state="queued"} 1' in text
    assert "# TYPE capuchin_bot_job_duration_seconds histogram" in text
    assert 'capuchin_bot_job_duration_seconds_bucket{le="+Inf"} 0' in text


def test_no_secret_means_the_server_refuses_to_start(world, capsys):
    settings = world.settings(CAPUCHIN_BOT__WEBHOOK_SECRET="")
    with pytest.raises(ConfigError, match="no webhook secret"):
        webhook_secret(settings.bot)
    with pytest.raises(ValueError, match="secret is required"):
        create_app(settings.bot, open_queue(settings.bot), b"")


def test_the_cli_refuses_to_serve_without_a_secret(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CAPUCHIN_BOT__QUEUE_PATH", str(tmp_path / "q.sqlite3"))
    assert main(["bot", "serve"]) == 2
    err = capsys.readouterr().err
    assert "no webhook secret" in err
    assert "Traceback" not in err


def test_a_secret_in_a_config_file_is_refused_and_config_show_masks_secrets(world, tmp_path, capsys, monkeypatch):
    from agent.core.config import load_settings

    (tmp_path / "capuchin.toml").write_text('[bot]\nwebhook_secret = "committed-by-mistake"\n')
    with pytest.raises(ConfigError, match="secrets are read only from the environment"):
        check_secret_sources(load_settings(tmp_path, environ={}, user_file=tmp_path / "none"))
    for name, value in world.environ().items():
        monkeypatch.setenv(name, value)
    assert main(["config", "show", "--repo", str(tmp_path / "elsewhere"), "--json"]) == 0
    out = capsys.readouterr().out
    assert world.secret not in out
    assert world.token not in out
    rows = {r["key"]: r["value"] for r in json.loads(out)}
    assert rows["bot.webhook_secret"] == "***"


def test_config_show_prints_the_bots_login_as_text_not_markup(capsys):
    """'capuchin[bot]' showed as 'capuchin': rich read '[bot]' as a markup tag."""
    assert main(["config", "show"]) == 0
    assert "'capuchin[bot]'" in capsys.readouterr().out


def test_the_worker_command_needs_credentials_and_drains_the_queue(world, monkeypatch, capsys):
    for name, value in world.environ(CAPUCHIN_BOT__TOKEN="").items():
        monkeypatch.setenv(name, value)
    assert main(["bot", "worker", "--once"]) == 2
    assert "no GitHub credentials" in capsys.readouterr().err
    monkeypatch.setenv("CAPUCHIN_BOT__TOKEN", world.token)
    assert main(["bot", "worker", "--once"]) == 0  # nothing queued: returns at once


def test_several_workers_need_a_shared_model_endpoint(world):
    from bot.server import check_workers_share_a_model

    with pytest.raises(ConfigError, match="each start the embedded model"):
        check_workers_share_a_model(world.settings(), 2)
    check_workers_share_a_model(world.settings(), 1)
    check_workers_share_a_model(world.settings(CAPUCHIN_LLM__BASE_URL="http://gpu:8000/v1"), 4)
