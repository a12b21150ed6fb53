"""`sotay bench NAME [args]`: dispatch to `site_builder.bench.<name>.main(argv)`."""

from __future__ import annotations

import importlib
import sys

BENCHES = {
    "generate": "site_builder.bench.generate",
    "publish": "site_builder.bench.publish",
    "speech": "site_builder.bench.speech",
    "api": "site_builder.bench.api",
    "publish-s3": "site_builder.bench.publish_s3",
    "reader": "site_builder.bench.reader",
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in BENCHES:
        sys.stderr.write("Cách dùng: sotay bench {" + ",".join(BENCHES) + "} [--json]\n")
        return 2
    module = importlib.import_module(BENCHES[argv[0]])
    return int(module.main(argv[1:]) or 0)
