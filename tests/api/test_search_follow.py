"""Every web node answers search with the newest published version of a layer, whatever node built it: a node's
index follows the versions the store serves, and a new node rebuilds its index from the published layers."""

from __future__ import annotations

import pytest

from cms.api.search_follow import follow_published, indexed_versions, published_versions, rebuild_from_published
from cms.api.search_index import search_layers
from cms.publishing.models import LayerBuild
from layerformat.model import LayerId
from tests.factories import publish

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
LAYER = LayerId.parse("u/tn/dt/hs/x1/all")


def found(directory, q: str) -> set[str]:
    return {hit["title"] for hit in search_layers([LAYER], q, directory=directory)}


def test_a_second_node_finds_a_publish_after_following_and_forgets_an_unpublish(tree, search_dir, tmp_path,
                                                                               django_capture_on_commit_callbacks):
    node_b = tmp_path / "node-b" / "search"  # another machine's index: no build ran there
    with django_capture_on_commit_callbacks(execute=True):
        page = publish(tree["x1"], "Lịch tiếp xúc cử tri", body="<p>Chi bộ mời đảng viên dự tiếp xúc cử tri.</p>")
    assert found(node_b, "tiep xuc cu tri") == set()
    assert LAYER.prefix in follow_published(directory=node_b)
    assert found(node_b, "tiep xuc cu tri") == {"Lịch tiếp xúc cử tri"}
    assert indexed_versions(node_b)[LAYER.prefix] == LayerBuild.objects.get(layer=LAYER.prefix).live_version
    assert follow_published(directory=node_b) == []  # nothing newer: nothing re-read

    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert follow_published(directory=node_b) == [LAYER.prefix]
    assert found(node_b, "tiep xuc cu tri") == set()


def test_a_new_node_rebuilds_its_index_from_the_published_layers(tree, search_dir, tmp_path,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish(tree["x1"], "Nghị quyết về an ninh trật tự", body="<p>Chi bộ bàn nghị quyết.</p>")
        publish(tree["tn"], "Chỉ thị của Tỉnh ủy", body="<p>Toàn tỉnh thực hiện chỉ thị.</p>")
    node_c = tmp_path / "node-c" / "search"
    assert rebuild_from_published(directory=node_c) == 2
    assert found(node_c, "nghi quyet an ninh") == {"Nghị quyết về an ninh trật tự"}
    assert indexed_versions(node_c) == published_versions()
    assert follow_published(directory=node_c) == []
