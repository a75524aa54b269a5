"""GitHub App credentials: an RS256 JWT buys installation tokens, renewed before they expire."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from agent.core.errors import ConfigError
from bot.config import BotConfig
from bot.github import GitHubAPI, TokenSource
from bot.gitops import GitSession
from bot.standin import GitHubStandIn

REPO = "octo/app-repo"


@pytest.fixture(scope="module")
def app_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def make(tmp_path, app_key, ttl_s: float, app_id: int = 123):
    private, public = app_key
    (tmp_path / "app.pem").write_text(private)
    standin = GitHubStandIn(tmp_path / "remotes", app_id=app_id, app_public_key=public, token_ttl_s=ttl_s)
    config = BotConfig(api_url=standin.base_url, app_id=app_id, private_key_file=tmp_path / "app.pem")
    return standin, config


def test_an_installation_token_works_for_the_api_and_git_and_is_reused(tmp_path, app_key):
    standin, config = make(tmp_path, app_key, ttl_s=3600)
    with standin:
        src = tmp_path / "src"
        src.mkdir()
        (src / "a.py").write_text("x = 1\n")
        standin.add_repo(REPO, src, collaborators={"boss": "admin"})
        tokens = TokenSource(config, installation_id=77)
        first = tokens.token()
        assert first.startswith("ghs_")
        assert tokens.token() == first
        assert GitHubAPI(config, tokens, REPO).permission("boss") == "admin"
        GitSession(tmp_path / "clone", standin.clone_url(REPO), tokens.token()).clone("main")
    kinds = [c.auth for c in standin.calls]
    assert kinds.count("jwt") == 1
    assert "basic" in kinds


def test_a_token_near_its_expiry_is_renewed_and_git_asks_for_it_each_time(tmp_path, app_key):
    standin, config = make(tmp_path, app_key, ttl_s=60)  # already inside the 5-minute renewal window
    with standin:
        src = tmp_path / "src"
        src.mkdir()
        (src / "a.py").write_text("x = 1\n")
        standin.add_repo(REPO, src)
        tokens = TokenSource(config, installation_id=77)
        assert tokens.token() != tokens.token()
        git = GitSession(tmp_path / "clone", standin.clone_url(REPO), tokens.token)
        git.clone("main")
        git.run("checkout", "-q", "-b", "capuchin/issue-1")
        git.push("capuchin/issue-1", "main")  # with a token minted after the clone's
    assert [c.auth for c in standin.calls].count("jwt") == 5  # two above, then clone, checkout and push


def test_a_forged_jwt_gets_no_token(tmp_path, app_key):
    # Another app id: githubkit caches an app's JWT in memory, keyed by the app id.
    standin, config = make(tmp_path, app_key, ttl_s=3600, app_id=124)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (tmp_path / "app.pem").write_bytes(other.private_bytes(serialization.Encoding.PEM,
                                                           serialization.PrivateFormat.PKCS8,
                                                           serialization.NoEncryption()))
    with standin:
        from bot.github import GitHubError

        with pytest.raises(GitHubError, match="401"):
            TokenSource(config, installation_id=77).token()


def test_no_credentials_at_all_is_a_clear_error():
    with pytest.raises(ConfigError, match="no GitHub credentials"):
        TokenSource(BotConfig())

