"""Benchmarks: like dev (SQLite under SOTAY_VAR_DIR), but builds run at once in the publishing process."""

import os

from .dev import *  # noqa: F403

DEBUG = False
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SOTAY_SPEECH = os.environ.get("SOTAY_SPEECH", "0") == "1"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
