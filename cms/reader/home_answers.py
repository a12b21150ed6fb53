"""The first answers the home asks for, drawn by the server into the page it sends.

On a first visit over 3G every request of the home costs a round trip (400 ms) and its headers: the layers'
signed manifests, signatures and feeds, the unread list, "Lịch sinh hoạt", "Việc của tôi", the urgent notices
and the digest link. The shell page carries those answers instead (`script#sotay-answers`), and a few lines in
the page (reader/shell.html) hand each one over, once, to the script that fetches that URL: the scripts, their
checks (the manifest's signature, the feed's hash) and what they draw stay the same.

Each answer is made by the same view that answers the URL, for the same session (resolved in this project's
URLconf), so the access rule and the JSON are those of the API and the gate; an answer that is not a plain
200 (refused, throttled, a redirect to the object store) is left out, and the script asks the network.

A phone with the service worker keeps and refreshes these answers itself (network first, the last answer
offline), and a kept shell page must never hand over old answers: the page uses them only when no service
worker controls it. A browser that can run the worker sets the SERVICE_WORKER_COOKIE on its first shell page,
before the worker installs, and the server stops drawing the answers from the next page on. Not later: the
files the worker precaches vary on Cookie, and a cookie that changed after they were kept would make every
one of them miss offline.
"""

from __future__ import annotations

import copy
import json

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, QueryDict
from django.urls import Resolver404, resolve

# What shell.js, meetings.js, tasks.js and notices.js fetch when the home opens (a URL a script no longer
# asks for is simply never handed over).
HOME_API = ("/api/unread?limit=200", "/api/meetings", "/api/tasks/mine", "/api/notices?unseen=1", "/api/digests")
LAYER_FILES = ("manifest.json", "manifest.json.sig", "feed.json")
SERVICE_WORKER_COOKIE = "sotay_sw"


def wanted(request: HttpRequest, view: str) -> bool:
    """Draw the answers into the home of a browser without the service worker (its first visits)."""
    return view == "home" and request.method == "GET" and SERVICE_WORKER_COOKIE not in request.COOKIES


def home_answers(request: HttpRequest, layers: list[str]) -> str:
    """The home's first answers as JSON safe inside a <script> element: {url: {status, type, body}}."""
    urls = [f"/{layer}/{name}" for layer in layers for name in LAYER_FILES] + list(HOME_API)
    answers = {}
    for url in urls:
        answer = _answer(request, url)
        if answer is not None:
            answers[url] = answer
    return json.dumps(answers, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def _answer(request: HttpRequest, url: str) -> dict | None:
    path, _, query = url.partition("?")
    try:
        match = resolve(path)
    except Resolver404:
        return None
    sub = copy.copy(request)
    sub.path = sub.path_info = path
    sub.GET = QueryDict(query)
    sub.META = {**request.META, "PATH_INFO": path, "QUERY_STRING": query, "HTTP_ACCEPT": "application/json"}
    sub.META.pop("HTTP_ACCEPT_ENCODING", None)  # the plain body: the page as a whole is compressed
    sub.resolver_match = match
    try:
        response = match.func(sub, *match.args, **match.kwargs)
    except (Http404, PermissionDenied):
        return None
    if hasattr(response, "render"):
        response.render()
    try:
        if response.status_code != 200 or response.has_header("Content-Encoding") or response.has_header(
                "X-Accel-Redirect"):
            return None
        body = b"".join(response.streaming_content) if response.streaming else response.content
    finally:
        response.close()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return {"status": 200, "type": response.get("Content-Type", ""), "body": text}
