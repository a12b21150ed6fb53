# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
UV := $(shell scripts/ensure-uv)
VENV := .venv
PY := $(VENV)/bin/python
SOTAY := $(VENV)/bin/sotay
PORT ?= 8000
PG_DIR := /tmp/sotay-pg-$(shell id -u)-$(shell echo $$PPID)
# Below Linux's ephemeral range (32768–60999): a port there can be held by any outgoing connection, and the
# cluster then cannot listen ("Address already in use").
PG_PORT ?= 25433
PYTEST_ARGS ?=
# Independent tests run side by side, one process per core (at most 4): each has its own temporary directories
# and database (cms/settings/test.py, pytest-django). The PostgreSQL run stays in one process: its advisory
# locks are the cluster's, shared by every database on it.
TEST_WORKERS ?= $(shell n=$$(nproc); [ $$n -gt 4 ] && n=4; echo $$n)
export UV_LINK_MODE := copy

.PHONY: demo test install-test scale-test lint setup system venv messages migrate screenshots clean

demo: setup
	$(SOTAY) load-demo
	$(SOTAY) serve --port $(PORT)

setup: system venv messages migrate

system:
	@scripts/system-packages

venv: $(VENV)/.synced

$(VENV)/.synced: pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	@touch $@

messages: venv
	@$(SOTAY) manage compilemessages --ignore=.venv -v0

migrate: venv
	@$(SOTAY) manage migrate --no-input -v0
	@$(SOTAY) manage createcachetable -v0

test: setup
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)
	@set -e; url=$$(scripts/pg-test start $(PG_DIR) $(PG_PORT)); \
	trap 'scripts/pg-test stop $(PG_DIR)' EXIT; \
	echo "PostgreSQL: $$url"; \
	SOTAY_DATABASE_URL=$$url $(PY) -m pytest -m postgres $(PYTEST_ARGS) || { rc=$$?; [ $$rc -eq 5 ] || exit $$rc; }
	@if [ "$$(id -u)" = 0 ] && [ -f /etc/debian_version ]; then $(MAKE) --no-print-directory install-test; \
	else echo "install-test: needs root on Debian, not run"; fi

# docs/deploy.md run as written on this machine (root, Debian): the real paths, removed afterwards.
INSTALL_PG_PORT ?= 25444
install-test: setup
	SOTAY_INSTALL_TEST=1 SOTAY_INSTALL_PG_PORT=$(INSTALL_PG_PORT) $(PY) -m pytest tests/install -m install -s -q $(PYTEST_ARGS)

# Two web nodes and two workers behind nginx on PostgreSQL and the local S3 server, a larger load than the
# reduced run inside `make test`, one web node and one worker killed mid-run (tests/scale).
SCALE_MEMBERS ?= 40
SCALE_SECONDS ?= 60
SCALE_PUBLISHES ?= 12
scale-test: setup
	SOTAY_SCALE_MEMBERS=$(SCALE_MEMBERS) SOTAY_SCALE_SECONDS=$(SCALE_SECONDS) \
	SOTAY_SCALE_PUBLISHES=$(SCALE_PUBLISHES) $(PY) -m pytest tests/scale -m scale -q $(PYTEST_ARGS)

screenshots: setup
	$(PY) -m tests.e2e.screenshots

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf var
