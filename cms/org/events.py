"""What org tells the apps above it, without knowing them.

org sits below every other app (docs/architecture.md, "Packages and the way imports point"): it may not import
them, so an app that must add to a unit's set-up connects to these signals instead.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent by `cms.org.services.ensure_board` inside its transaction, with `unit` (a `UnitPage`) and `group` (its
# Ban Biên tập). Publishing answers with the board's review workflow.
board_ready = Signal()
