"""What publishing tells the apps above it, without knowing them.

Publishing sits below the API and the reader (docs/architecture.md, "Packages and the way imports point"): it
may not import them, so whoever must follow a build connects to these signals instead.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent by `cms.publishing.build` once a layer has been built, signed and published, with `layer` (a
# `LayerId`) and `articles` (the `Article`s it now holds). Sent with `send`, not `send_robust`: a receiver
# that fails fails the build task, which the queue then reports and retries like any other build error.
layer_built = Signal()

# Sent by `cms.publishing.demo.load_province` inside its transaction once the demo province is loaded, with
# `root` (the content directory) and `units` (code → UnitPage): apps above publishing add their own demo data
# (meetings, a history of use, ...) without publishing knowing them.
demo_loaded = Signal()

# Sent by `sotay worker` once a minute, beside publish_scheduled: apps above publishing queue their periodic jobs
# (meeting reminders, ...) on it.
worker_tick = Signal()

# Asked by the reader's "Tải về máy" (`GET /api/offline-items`) with `member`: each receiver answers a list of
# things the member may keep for reading without a network beyond their layers' text, audio and search index
# (this week's digest, ...), as dicts {"key", "label", "urls": [same-origin paths], "bytes"}. The page shows
# each with its size; the member chooses; the service worker keeps the URLs' answers. Receivers must list only
# what the member may read (the layers' access rule).
offline_items = Signal()
