"""An editor publishing while members read: `--count` articles, one every `--interval` seconds, round the units
of the test province; prints one JSON line per publish (page id, layer, a word found only in it)."""

from __future__ import annotations

import argparse
import json
import sys
import time

UNITS = ["tn", "dt", "hs", "x1", "pl"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=6)
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--tag", default="a")
    args = parser.parse_args()
    import django

    django.setup()
    from cms.org.models import UnitPage
    from tests.factories import publish

    for i in range(args.count):
        unit = UnitPage.objects.get(code=UNITS[i % len(UNITS)])
        word = f"chuyende{args.tag}{i}"
        page = publish(unit, f"Chuyên đề {word} của {unit.title}", body=f"<p>Học tập {word} trong chi bộ.</p>")
        print(json.dumps({"page": page.pk, "layer": unit.layer("all").prefix, "word": word,
                          "at": time.time()}), flush=True)
        sys.stdout.flush()
        time.sleep(args.interval)


if __name__ == "__main__":
    main()
