"""The signing key is the installation's: a machine whose key is not the one the database records neither signs a
layer nor hands its public key to readers (docs/scaling.md, adding a machine)."""

from __future__ import annotations

import base64
import os

import pytest

from cms.publishing.keys import SigningKeyError, forget_checked, recorded_public_key
from cms.publishing.models import LayerBuild, SigningKeyRecord
from tests.factories import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def another_installations_key():
    SigningKeyRecord.objects.create(pk=1, public_key=base64.b64encode(os.urandom(32)).decode())
    forget_checked()
    yield
    forget_checked()


def test_the_first_build_records_the_key_and_the_public_key_is_that_one(tree, client,
                                                                          django_capture_on_commit_callbacks):
    forget_checked()
    with django_capture_on_commit_callbacks(execute=True):
        publish(tree["dt"], "Nghị quyết về chuyển đổi số", body="<p>Toàn huyện.</p>")
    assert LayerBuild.objects.get(layer="u/tn/dt/all").live_version
    assert client.get("/keys/signing.pub").content.decode() == recorded_public_key()


def test_a_build_with_another_key_stops_before_it_signs(tree, another_installations_key,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish(tree["dt"], "Nghị quyết về chuyển đổi số", body="<p>Toàn huyện.</p>")
    build = LayerBuild.objects.get(layer="u/tn/dt/all")
    assert build.live_version is None
    assert "khác khóa" in build.error and "docs/scaling.md" in build.error  # what the admin shows the editor


def test_a_web_node_with_another_key_does_not_hand_it_out(client, another_installations_key):
    with pytest.raises(SigningKeyError):
        client.get("/keys/signing.pub")
