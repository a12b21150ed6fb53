"""`sotay bench NAME [args]`: dispatch to `bench.<name>.main(argv)`."""

from __future__ import annotations

import importlib
import sys

BENCHES = {
    "generate": "bench.generate",
    "publish": "bench.publish",
    "speech": "bench.speech",
    "api": "bench.api",
    "publish-s3": "bench.publish_s3",
    "reader": "bench.reader",
    "meetings": "bench.meetings",
    "adoption": "bench.adoption",
    "tasks": "bench.tasks",
    "notices": "bench.notices",
    "learning": "bench.learning",
    "scale": "bench.scale",
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in BENCHES:
        sys.stderr.write("Cách dùng: sotay bench {" + ",".join(BENCHES) + "} [--json]\n")
        return 2
    module = importlib.import_module(BENCHES[argv[0]])
    return int(module.main(argv[1:]) or 0)
