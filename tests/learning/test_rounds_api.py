"""Taking a quiz through the API: the draw, answers saved as given, the server's time limit, one submission,
and the results (score, key, explanation, rank) only once the round has closed."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import URLPattern, get_resolver
from django.utils import timezone

from cms.learning.models import Attempt, Question, Round

from .conftest import right_choices

pytestmark = pytest.mark.django_db


def start(client, round_id: int) -> dict:
    answer = client.post(f"/api/learning/rounds/{round_id}/attempt")
    assert answer.status_code == 200, answer.json()
    return answer.json()


def test_a_member_takes_the_round_and_sees_the_result_only_after_it_closes(tree, open_round, as_member):
    client = as_member("dv.x1")
    attempt = start(client, open_round.pk)
    assert len(attempt["questions"]) == 5 and attempt["remaining_s"] > 590
    questions = {q.pk: q for q in Question.objects.filter(pk__in=[q["id"] for q in attempt["questions"]])}
    right = attempt["questions"][:3]
    given = [{"question": q["id"], "choices": right_choices(questions[q["id"]])} for q in right]
    assert client.put(f"/api/learning/attempts/{attempt['id']}/answers", {"answers": given},
                      format="json").json()["saved"] == 3
    # A phone that lost its page asks again: the same attempt, the answers kept.
    again = start(client, open_round.pk)
    assert again["id"] == attempt["id"]
    assert again["answers"] == {str(a["question"]): a["choices"] for a in given}
    submitted = client.post(f"/api/learning/attempts/{attempt['id']}/submit", {}, format="json").json()
    assert submitted["submitted"] and submitted["counted"]
    assert client.post(f"/api/learning/attempts/{attempt['id']}/submit", {}, format="json").json()["counted"] is False
    early = client.get(f"/api/learning/rounds/{open_round.pk}/results")
    assert early.status_code == 409 and "khi đợt thi đóng" in early.json()["detail"]
    refused = client.post(f"/api/learning/rounds/{open_round.pk}/attempt")
    assert refused.status_code == 409 and refused.json()["detail"] == "Bạn đã làm hết số lượt của đợt thi này."

    Round.objects.filter(pk=open_round.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    results = client.get(f"/api/learning/rounds/{open_round.pk}/results").json()
    assert (results["score"], results["max_score"], results["rank"], results["participants"]) == (3, 5, 1, 1)
    assert sum(q["right"] for q in results["questions"]) == 3
    assert all(q["explanation"].startswith("GIAITHICH") for q in results["questions"])
    assert all(any(c["correct"] for c in q["choices"]) for q in results["questions"])


def test_the_time_limit_is_the_servers_and_an_unsubmitted_attempt_counts_what_was_saved(tree, open_round,
                                                                                      as_member):
    client = as_member("dv.x1")
    attempt = start(client, open_round.pk)
    first = Question.objects.get(pk=attempt["questions"][0]["id"])
    client.put(f"/api/learning/attempts/{attempt['id']}/answers",
               {"answers": [{"question": first.pk, "choices": right_choices(first)}]}, format="json")
    Attempt.objects.filter(pk=attempt["id"]).update(deadline=timezone.now() - timedelta(seconds=30))
    second = Question.objects.get(pk=attempt["questions"][1]["id"])
    late = client.put(f"/api/learning/attempts/{attempt['id']}/answers",
                      {"answers": [{"question": second.pk, "choices": right_choices(second)}]}, format="json")
    assert late.status_code == 409 and late.json()["detail"].startswith("Đã hết giờ làm bài")
    # Submitting late still counts what was saved in time, and only that.
    client.post(f"/api/learning/attempts/{attempt['id']}/submit",
                {"answers": [{"question": second.pk, "choices": right_choices(second)}]}, format="json")
    assert Attempt.objects.get(pk=attempt["id"]).score == 1


def test_wrong_answers_are_refused_in_vietnamese_and_change_nothing(tree, open_round, as_member, bank):
    client = as_member("dv.x1")
    attempt = start(client, open_round.pk)
    outside = next(q for q in bank if q.pk not in [x["id"] for x in attempt["questions"]])
    url = f"/api/learning/attempts/{attempt['id']}/answers"
    answer = client.put(url, {"answers": [{"question": outside.pk, "choices": [0]}]}, format="json")
    assert answer.status_code == 400 and answer.json()["detail"] == "Câu hỏi này không thuộc bài làm của bạn."
    single = next(q for q in attempt["questions"] if q["kind"] == "single")
    answer = client.put(url, {"answers": [{"question": single["id"], "choices": [0, 1]}]}, format="json")
    assert answer.json()["detail"] == "Câu hỏi này chỉ chọn một phương án."
    answer = client.put(url, {"answers": [{"question": single["id"], "choices": [7]}]}, format="json")
    assert answer.json()["detail"] == "Phương án không hợp lệ."
    assert as_member("dv2.x1").put(url, {"answers": []}, format="json").status_code == 404
    assert client.get(f"/api/learning/attempts/{attempt['id']}").json()["answers"] == {}


def _endpoint_paths(round_id: int, attempt_id: int, question_id: int) -> list[str]:
    """Every URL of the learning API, with ids filled in."""
    from cms.learning import urls

    paths = []
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        route = str(pattern.pattern)
        route = route.replace("rounds/<int:pk>", f"rounds/{round_id}")
        route = route.replace("attempts/<int:pk>", f"attempts/{attempt_id}")
        route = route.replace("<int:question>", str(question_id))
        route = route.replace("<int:pk>", "1").replace("<int:photo>", "1")  # polls, essays, Q&A: not the round's
        paths.append("/api/" + route)
    assert get_resolver()  # the project's URLconf includes them (a 404 below would say otherwise)
    return paths


KEY_WORDS = ("correct", "explanation", "GIAITHICH", "right", "score", "rank")


def test_no_response_before_the_close_carries_the_key(tree, open_round, as_member, bank):
    """Every endpoint, every method, as the member taking the round and as the committee that oversees it:
    no answer key, correct flag, explanation or score in any body before the round closes."""
    taker = as_member("dv.x1")
    attempt = start(taker, open_round.pk)
    qid = attempt["questions"][0]["id"]
    bodies = []
    for username in ("dv.x1", "cuv.dt", "bbt.dt"):
        client = taker if username == "dv.x1" else as_member(username)
        for path in _endpoint_paths(open_round.pk, attempt["id"], qid):
            for method in ("get", "post", "put"):
                payload = {"answers": [{"question": qid, "choices": [0]}]}
                response = getattr(client, method)(path, payload, format="json") if method != "get" \
                    else client.get(path)
                assert response.status_code != 500, path
                if response.status_code == 404 and path.endswith("/audio"):
                    continue  # no speech in tests: the 404 body is checked below all the same
                bodies.append((username, method, path, response.content.decode("utf-8", "replace")))
    # The submit above counted the attempt: try again through results and the detail, still before close.
    for path in (f"/api/learning/attempts/{attempt['id']}", f"/api/learning/rounds/{open_round.pk}"):
        bodies.append(("dv.x1", "get", path, taker.get(path).content.decode()))
    assert len(bodies) > 40
    for username, method, path, body in bodies:
        if path.endswith(f"rounds/{open_round.pk}/rollup") and username == "cuv.dt" and method == "get":
            # The committee's table has participation and averages by unit, never a question or its key.
            data = json.loads(body)
            assert {"participants", "average_score"} <= set(data["units"][0])
            assert "GIAITHICH" not in body and "correct" not in body
            continue
        lowered = body.lower()
        for word in KEY_WORDS:
            assert word.lower() not in lowered, (username, method, path, word, body[:300])
    # Nothing of the bank is in any layer file either: the builder never sees it.
    from cms.publishing.export import export_layer

    for layer in tree["dt"].layers() + tree["x1"].layers():
        assert "GIAITHICH" not in json.dumps([a.__dict__ for a in export_layer(layer)], default=str)


def test_a_round_is_seen_and_taken_by_the_readers_of_its_layer_only(tree, open_round, as_member):
    assert as_member("dv.y1").post(f"/api/learning/rounds/{open_round.pk}/attempt").status_code == 404
    assert [r["id"] for r in as_member("dv.x1").get("/api/learning/rounds").json()] == [open_round.pk]
    assert as_member("dv.y1").get("/api/learning/rounds").json() == []


def test_an_open_round_is_in_the_personal_calendar_until_taken(tree, as_member, open_round):
    """"Lịch của tôi" and the iCalendar feed list the close of a round the member may still take; once the one
    attempt allowed is submitted it leaves; a member of another district never sees it."""
    from icalendar import Calendar

    member = as_member("dv.x1")
    titles = [e["title"] for e in member.get("/api/my-calendar").json()]
    assert f"Hạn thi: {open_round.title}" in titles
    feed = member.post("/api/calendar/token").json()["url"].split("testserver", 1)[1]
    events = {str(e["SUMMARY"]) for e in Calendar.from_ical(member.get(feed).content).walk("VEVENT")}
    assert f"Hạn thi: {open_round.title}" in events
    assert f"Hạn thi: {open_round.title}" not in [e["title"] for e in as_member("dv.y1").get("/api/my-calendar").json()]
    Attempt.objects.create(round=open_round, member=tree["dv.x1"], started_at=timezone.now(),
                           submitted_at=timezone.now(), deadline=timezone.now())
    assert f"Hạn thi: {open_round.title}" not in [e["title"] for e in member.get("/api/my-calendar").json()]
