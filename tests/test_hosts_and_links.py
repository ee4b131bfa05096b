"""Absolute links never come from a forged Host header, and no route reads a file outside
its episode folder through a symbolic link."""
from __future__ import annotations

import json
import os

import pytest

from search_support import write_episode
from webapp import create_app

PUBLIC = "https://listen.example.org"


@pytest.fixture
def media(tmp_path):
    write_episode(tmp_path / "media", "ep", "Episode", ["hello there", "general kenobi"])
    return tmp_path / "media"


def client_for(media, **config):
    return create_app({"TESTING": True, "MEDIA_DIR": str(media), **config}).test_client()


def absolute_links(html: str) -> list[str]:
    import re

    return re.findall(r'(?:content|href)="(https?://[^"]+)"', html)


def test_a_forged_host_is_refused_without_a_public_url(media):
    client = client_for(media)
    response = client.get("/episodes/ep?t=5", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "does not answer to" in response.get_data(as_text=True)
    assert "http://evil.example" not in response.get_data(as_text=True)
    assert client.get("/oembed", headers={"Host": "evil.example"},
                      query_string={"url": "http://evil.example/episodes/ep"}).status_code == 400
    for host in ("localhost", "127.0.0.1:5000", "[::1]:8000", "LOCALHOST:80"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host


def test_trusted_hosts_can_be_named(media):
    client = client_for(media, ALLOWED_HOSTS=(".example.org",))
    assert client.get("/", headers={"Host": "listen.example.org"}).status_code == 200
    assert client.get("/", headers={"Host": "example.org"}).status_code == 200
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_with_a_public_url_every_absolute_link_uses_it(media):
    client = client_for(media, PUBLIC_URL=PUBLIC)
    html = client.get("/episodes/ep?t=5", headers={"Host": "evil.example"}).get_data(as_text=True)
    links = absolute_links(html)
    assert len(links) >= 6                      # canonical, og:url, og:audio, oembed, player…
    assert all(link.startswith(PUBLIC + "/") for link in links), links
    oembed = client.get("/oembed", headers={"Host": "evil.example"},
                        query_string={"url": f"{PUBLIC}/episodes/ep?t=5"}).get_json()
    assert f'src="{PUBLIC}/episodes/ep/embed?t=5"' in oembed["html"]
    assert oembed["provider_url"] == PUBLIC + "/"
    refused = client.get("/oembed", query_string={"url": "http://localhost/episodes/ep"})
    assert refused.status_code == 404


def test_a_bad_public_url_setting_is_one_clear_error(monkeypatch):
    from webapp.core import settings

    with pytest.raises(settings.SettingError, match="LISTENALONG_PUBLIC_URL"):
        settings.load({}, {"LISTENALONG_PUBLIC_URL": "listen.example.org"})


def test_permissions_policy_always_and_hsts_only_over_https(media):
    client = client_for(media)
    plain = client.get("/")
    assert "camera=()" in plain.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in plain.headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.fixture
def outside(tmp_path):
    secret = tmp_path / "secret.vtt"
    secret.write_text("WEBVTT\n\n00:00:00.000 --> 00:00:05.000\nthe secret words\n")
    return secret


def test_a_symlinked_transcript_is_never_read_by_any_route(media, outside):
    folder = media / "ep"
    (folder / "transcript.vtt").unlink()
    os.symlink(outside, folder / "transcript.vtt")
    os.symlink(outside, folder / "original.vtt.link")
    data = json.loads((folder / "episode.json").read_text())
    (folder / "original.vtt").write_text("WEBVTT\n\n00:00:00.000 --> 00:00:03.000\nhello again\n")
    (folder / "episode.json").write_text(json.dumps(data))
    client = client_for(media)
    for url in ("/episodes/ep", "/episodes/ep/embed", "/episodes/ep/transcript.json",
                "/episodes/ep/transcript.txt", "/episodes/ep/transcript.srt",
                "/episodes/ep/transcript.vtt"):
        response = client.get(url)
        assert "secret words" not in response.get_data(as_text=True), url
        assert response.status_code == 200, url
    assert "hello again" in client.get("/episodes/ep").get_data(as_text=True)   # made again
    assert not (folder / "transcript.vtt").is_symlink()
    assert "secret words" in outside.read_text()                               # untouched


def test_a_symlinked_original_is_not_converted_either(media, outside):
    folder = media / "ep"
    (folder / "transcript.vtt").write_text("")
    (folder / "original.vtt").unlink()
    os.symlink(outside, folder / "original.vtt")
    response = client_for(media).get("/episodes/ep")
    assert response.status_code == 404 and "secret words" not in response.get_data(as_text=True)


def test_a_symlinked_episode_json_makes_the_episode_unavailable(media, tmp_path):
    folder = media / "ep"
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text((folder / "episode.json").read_text())
    (folder / "episode.json").unlink()
    os.symlink(elsewhere, folder / "episode.json")
    client = client_for(media)
    assert client.get("/episodes/ep").status_code == 404
    assert "unavailable" in client.get("/").get_data(as_text=True)
