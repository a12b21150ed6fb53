"""The Django gate in production with a private bucket: access first, then storage by nginx or presigned URL."""

import pytest

from deploy.publish import publish_layer

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3_settings(settings, s3_endpoint, s3_store, make_layer, tree):
    layer_dir = make_layer(layer="u/tn/dt/all")
    publish_layer(layer_dir, s3_store)
    settings.SOTAY_STORE = {"BACKEND": "deploy.stores.S3Store",
                            "OPTIONS": {"bucket": s3_store.bucket, "endpoint_url": s3_endpoint}}
    return settings


def test_a_member_gets_pages_through_nginx_and_audio_by_presigned_url(s3_settings, login):
    client = login("dv.x1")
    page = client.get("/u/tn/dt/all/a/1/")
    assert page.status_code == 200 and page["X-Accel-Redirect"].startswith("/_s3/")
    assert page["Content-Type"].startswith("text/html")
    audio = client.get("/u/tn/dt/all/audio/3f2a.opus")
    assert audio.status_code == 302 and "X-Amz-Signature" in audio["Location"]


def test_other_units_are_refused_before_storage_is_asked(s3_settings, login):
    assert login("dv.y1").get("/u/tn/dt/all/a/1/").status_code == 403


def test_a_path_the_layer_does_not_have_is_not_found(s3_settings, login):
    assert login("dv.x1").get("/u/tn/dt/all/a/999/").status_code == 404
