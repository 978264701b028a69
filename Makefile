# 襄城县政协协商工作管理系统 — the two set-up commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
MANAGE := $(PY) manage.py
# Test workers: pytest-xdist processes (the machine has 2 cores).
WORKERS ?= 2

.PHONY: install run serve test lint format messages bench lock demo-passwords clean check-deploy

$(STAMP): requirements/dev.txt requirements/base.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

# Migrate the database (SQLite by default), seed the county with demo users, serve.
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) seed_xiangcheng --demo-users
	@echo ""
	@echo "  襄城县政协协商工作管理系统: http://127.0.0.1:8000/"
	@echo "  Sign in with a demo login above (printed once, on the first run)."
	@echo "  Lost them? make demo-passwords"
	@echo ""
	$(MANAGE) runserver 127.0.0.1:8000

demo-passwords: install
	$(MANAGE) seed_xiangcheng --demo-users --reset-passwords

# The whole suite; uses DATABASE_URL when set, else SQLite.
test: install
	$(PY) -m pytest -n $(WORKERS) $(PYTEST_ARGS)

# ruff, mypy (django-stubs; what it checks is in pyproject.toml) and djLint on the templates.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/djlint templates apps --lint

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Extract messages of the project templates and of each app into their own catalogs,
# then list what is untranslated (fill with `manage.py po_fill --apply FILE.json`).
messages: install
	$(MANAGE) makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=apps --ignore=staticfiles --ignore=tests
	for app in apps/*/; do \
	  if [ -d $$app/locale ]; then (cd $$app && ../../$(PY) ../../manage.py makemessages -l zh_Hans --no-obsolete); fi; \
	done
	$(MANAGE) po_fill --list

check-deploy: install
	DJANGO_SETTINGS_MODULE=xiangcheng.settings.production SECRET_KEY=check-deploy-$$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyz \
	  ALLOWED_HOSTS=zx.example.gov.cn CSRF_TRUSTED_ORIGINS=https://zx.example.gov.cn CACHE_URL=redis://127.0.0.1:6379/1 \
	  $(MANAGE) check --deploy --fail-level WARNING

# Requests/s, p50 and p95 of the main pages against a floor view, through gunicorn.
bench: install
	$(PY) -m xiangcheng.bench

# Re-resolve the locked, hashed requirements from requirements/*.in.
lock: install
	cd requirements && ../$(VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras -o base.txt base.in
	cd requirements && ../$(VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras -o dev.txt dev.in

clean:
	rm -rf $(VENV) staticfiles
