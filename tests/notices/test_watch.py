"""An open home learns of a new urgent notice within seconds without push: it asks `/api/notices/version`,
which is answered from the shared cache (no query of the member's data) and changes exactly when a notice of
one of the member's layers is sent or withdrawn; the notices themselves come from `/api/notices`."""

from __future__ import annotations

import pytest

from cms.notices.watch import WATCH_HEADER

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def first_look(client) -> tuple[str, str]:
    answer = client.get("/api/notices/version")
    assert answer.status_code == 200, answer.content
    assert answer["ETag"] == f'"{answer.json()["version"]}"'
    return answer.json()["version"], answer.json()["watch"]


def look(client, token: str, version: str):
    return client.get("/api/notices/version", headers={WATCH_HEADER: token, "If-None-Match": f'"{version}"'})


def send(client, title: str):
    answer = client.post("/api/notices", {"title": title, "body": "Đề nghị các đồng chí giúp dân."}, format="json")
    assert answer.status_code == 201, answer.json()
    return answer.json()["id"]


def test_the_version_changes_for_the_notices_readers_only_and_costs_one_cache_read(
        tree, as_member, django_assert_num_queries, django_capture_on_commit_callbacks):
    homes = {name: as_member(name) for name in ("dv.x1", "dv.y1", "cuv.dt")}
    seen = {name: first_look(client) for name, client in homes.items()}
    for name, client in homes.items():
        version, token = seen[name]
        with django_assert_num_queries(1):  # the shared cache's get_many: no session, no member
            assert look(client, token, version).status_code == 304

    with django_capture_on_commit_callbacks(execute=True):
        notice_id = send(as_member("cuv.hs"), "Lũ về xã Hùng Sơn")

    version, token = seen["dv.x1"]
    with django_assert_num_queries(1):
        changed = look(homes["dv.x1"], token, version)
    assert changed.status_code == 200 and changed.json()["version"] != version
    assert [n["title"] for n in homes["dv.x1"].get("/api/notices", {"unseen": 1}).json()] == ["Lũ về xã Hùng Sơn"]
    for name in ("dv.y1", "cuv.dt"):  # another commune; the district above: not theirs, nothing changes
        assert look(homes[name], *seen[name][::-1]).status_code == 304, name

    after_send = changed.json()["version"]
    with django_capture_on_commit_callbacks(execute=True):
        assert as_member("cuv.hs").post(f"/api/notices/{notice_id}/withdraw").status_code == 200
    withdrawn = look(homes["dv.x1"], token, after_send)
    assert withdrawn.status_code == 200 and withdrawn.json()["version"] not in (after_send, version)


def test_a_lost_cache_entry_is_read_again_from_the_notices(tree, as_member, django_capture_on_commit_callbacks):
    from django.core.cache import caches

    home = as_member("dv.x1")
    version, token = first_look(home)
    with django_capture_on_commit_callbacks(execute=True):
        send(as_member("cuv.x1"), "Dời sinh hoạt chi bộ")
    changed = look(home, token, version).json()["version"]
    caches["shared"].clear()
    assert look(home, token, changed).status_code == 304  # the same version, rebuilt from the database


def test_without_a_valid_watch_token_the_session_is_checked(tree, as_member, client):
    from cms.org.models import Status

    assert client.get("/api/notices/version").status_code in (401, 403)
    assert client.get("/api/notices/version", headers={WATCH_HEADER: "forged:token"}).status_code in (401, 403)
    home = as_member("dv.x1")
    _version, token = first_look(home)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    again = home.get("/api/notices/version", headers={WATCH_HEADER: tampered})
    assert again.status_code == 200 and "watch" in again.json()  # checked through the session, a new token
    tree["dv.x1"].status = Status.EXPELLED
    tree["dv.x1"].save(update_fields=["status"])
    refused = home.get("/api/notices/version", headers={WATCH_HEADER: tampered})
    assert refused.status_code == 403 and "watch" not in refused.json()
    assert home.get("/api/notices", {"unseen": 1}).status_code == 403  # the full fetch refuses at once


def test_the_server_tells_every_home_how_often_to_ask(tree, as_member, settings):
    home = as_member("dv.x1")
    assert home.get("/api/notices/version")["X-Sotay-Poll"] == "3"
    settings.SOTAY_NOTICE_POLL_S = 20  # an operator slowing every open home down under a storm
    version, token = first_look(home)
    assert look(home, token, version)["X-Sotay-Poll"] == "20"


def test_the_notices_carry_the_version_they_were_read_at(tree, as_member, django_capture_on_commit_callbacks):
    """The home's baseline: a notice sent between the home's first fetch and its first question is not missed."""
    home = as_member("dv.x1")
    listed = home.get("/api/notices", {"unseen": 1})
    version, token = first_look(home)
    assert listed["X-Sotay-Notices-Version"] == version
    with django_capture_on_commit_callbacks(execute=True):
        send(as_member("cuv.x1"), "Dời sinh hoạt chi bộ")
    assert look(home, token, listed["X-Sotay-Notices-Version"]).status_code == 200
