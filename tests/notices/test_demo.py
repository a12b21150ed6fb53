"""The demo's notices, digests, feeds (local files, never the internet) and an article sent up from a cell;
loading it again adds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from cms.notices.demo import add_demo_content
from cms.notices.digests import last_week
from cms.notices.models import Digest, FeedItem, FeedSource, Notice, Submission
from cms.publishing.demo import builds_suspended
from tests.factories import publish

pytestmark = pytest.mark.django_db
DEMO = Path(__file__).resolve().parents[2] / "content" / "demo"


def test_demo_adds_notices_feeds_a_submission_and_every_cells_digest_once(tree, django_capture_on_commit_callbacks):
    with builds_suspended():
        publish(tree["x1"], "Chi bộ Đồng Tâm ra quân làm đường")
        for _twice in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                add_demo_content(root=DEMO, units={})
    assert sorted(Notice.objects.values_list("unit__code", "title")) == [
        ("tn", "Chủ động phòng, chống mưa lũ"), ("x1", "Dời lịch sinh hoạt chi bộ")]
    sources = FeedSource.objects.all()
    assert len(sources) == 2 and all(s.url.startswith("file://") and s.last_error == "" for s in sources)
    assert FeedItem.objects.count() == 4
    submission = Submission.objects.get()
    assert (submission.from_unit.code, submission.to_unit.code, submission.status) == ("x1", "dt", "pending")
    digests = Digest.objects.filter(period=last_week())
    assert sorted(d.unit.code for d in digests) == ["x1", "x2", "y1"]
    assert all(d.pdf for d in digests)
