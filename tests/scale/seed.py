"""Seed a cluster's database: the test province, `--members` more members in its cells, an API token for each,
and a few published articles; prints one JSON object (tokens, page ids). Run as a cluster machine would:
`python -m tests.scale.seed --members N` with the cluster's environment."""

from __future__ import annotations

import argparse
import json


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--articles", type=int, default=4)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import transaction
    from rest_framework.authtoken.models import Token

    from cms.org.services import create_member
    from tests.factories import make_tree, publish

    tree = make_tree()
    cells = [tree["x1"], tree["x2"], tree["y1"]]
    with transaction.atomic():
        extra = [create_member(username=f"dv{i:05d}", full_name=f"Đảng viên số {i}", unit=cells[i % len(cells)])
                 for i in range(args.members)]
        tokens = [Token.objects.create(user=m.user).key for m in extra]
    pages = [publish(tree["tn"], f"Thông báo của Tỉnh ủy số {i}", body=f"<p>Nội dung thông báo {i}.</p>").pk
             for i in range(args.articles)]
    print(json.dumps({"tokens": tokens, "pages": pages}))


if __name__ == "__main__":
    main()
