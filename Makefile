# Two entry points for a fresh clone on Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# `make run PORT=8017`: the web server's port, and the links in the demo's emails.
PORT ?= 8000

.PHONY: run test test-fast install messages extract-messages lint clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	bash scripts/system_packages.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core, for the accessibility tests (tests/privacysite/test_accessibility_browser.py):
# from the npm registry, at the version package-lock.json pins, into the git-ignored
# node_modules/. Without npm the step says so and those tests skip.
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "!! npm not found: the accessibility tests will skip (apt-get install npm)" >&2; fi

install: $(VENV)/.installed node_modules/.package-lock.json

# Compiles locale/*/LC_MESSAGES/*.po with polib, so gettext need not be installed.
messages: install
	$(PY) scripts/compile_messages.py

.env:
	$(PY) scripts/make_dev_env.py > .env
	@echo "Wrote .env with fresh development keys."

# After adding strings: collect them into locale/vi (then translate the empty msgstr).
extract-messages: install
	ENV_FILE= DEBUG=True $(PY) manage.py makemessages -l vi --no-wrap --no-location \
		--ignore=.venv --ignore=var --ignore=tests --ignore=bench

run: install messages .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_roles
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  privacysite: http://127.0.0.1:$(PORT)/   (English: http://127.0.0.1:$(PORT)/en/)"
	@echo "  admin:       http://127.0.0.1:$(PORT)/admin/   demo logins are listed above"
	@echo "  Ctrl-C stops the web server, the Celery worker and beat."
	@echo ""
	SITE_URL=http://127.0.0.1:$(PORT) $(VENV)/bin/honcho -f Procfile.dev start -p $(PORT)

test: install messages
	$(VENV)/bin/pytest

# The edit-test loop: no browser, no PostgreSQL-only or Redis-only tests, no `slow` ones (SQLite,
# eager tasks). About 45 s on 2 cores at load average 1 (`time make test-fast`, 795 tests).
test-fast: install messages
	$(VENV)/bin/pytest -q -m "not browser and not postgres and not redis and not slow"

# ruff, bandit over the shipped code (each finding answered in the code with the reason), and
# the import graph: no cycle among the project's modules, no module over 450 lines.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -c pyproject.toml -r . -q
	$(PY) scripts/check_imports.py --max-lines 400

clean:
	rm -rf var/broker var/static var/celerybeat-schedule*
