# civicmap: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV  := .venv/bin
PORT  ?= 55432
export CIVICMAP_PG_PORT := $(PORT)
export DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:$(PORT)/civicmap
export TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:$(PORT)/civicmap_test
REDIS_PORT ?= 56379
export CIVICMAP_REDIS_PORT := $(REDIS_PORT)
# The tests prove limits hold across workers on this Redis; `make run` keeps them in memory.
export TEST_REDIS_URL ?= redis://127.0.0.1:$(REDIS_PORT)/15
export FLASK_APP := wsgi.py
WARDS := data/lambeth-wards-2022.geojson

.PHONY: bench-replica bench-pages bench-import bench-mail bench-matching bench-queues bench-search mail translations redis run test stop deps test-deps bench-deps soak-deps db lint format seed clean bench bench-quick soak

# The web server and the background worker (mail, digests) side by side; Ctrl-C stops both.
run: deps db seed mail
	@echo "==> civicmap is at http://127.0.0.1:5000  (Ctrl-C to stop; 'make stop' stops the database)"
	@$(VENV)/flask worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	  $(VENV)/flask run --host 127.0.0.1 --port 5000

test: test-deps db redis lint
	$(VENV)/pytest

deps:
	@tools/bootstrap.sh

test-deps:
	@tools/bootstrap.sh --test

redis:
	@tools/redis.sh start

# A local SMTP server that keeps every mail under instance/mail/new/ (MAIL_URL's default).
mail:
	@tools/mail.sh start

# Uses the project-local cluster unless DATABASE_URL was given from outside.
db:
	@if [ "$(origin DATABASE_URL)" = "file" ]; then tools/pg.sh start; fi

seed: db
	$(VENV)/flask db upgrade
	$(VENV)/flask areas import $(WARDS)
	$(VENV)/flask demo seed

# Benchmarks (see benchmarks/run.py and benchmarks/results/README.md).
bench: bench-deps db
	$(VENV)/python benchmarks/run.py
	$(VENV)/python benchmarks/mail.py
	$(VENV)/python benchmarks/matching.py

# Needs near you (/me/matches) at 1,000,000 items and 100,000 offers, 32 connections.
bench-matching: bench-deps db
	$(VENV)/python benchmarks/matching.py

# Mail at scale: notifying a ward's followers, and the daily digest for 100,000 people.
bench-mail: deps db
	$(VENV)/python benchmarks/mail.py

# The task queue chosen by measuring: procrastinate, pgqueuer and RQ, in their own virtualenv.
bench-queues: db redis
	@[ -x benchmarks/.venv-queues/bin/python ] || { python3 -m venv benchmarks/.venv-queues && \
	  benchmarks/.venv-queues/bin/pip install -q "procrastinate==3.10.0" "pgqueuer==1.6.0" \
	  "rq==2.12.0" "psycopg[binary]==3.3.9"; }
	benchmarks/.venv-queues/bin/python benchmarks/queues.py

# Which text-search configuration finds words in English, Portuguese, Spanish and Polish.
bench-search: db
	$(VENV)/python benchmarks/search_config.py

# flask import items at a million rows: the dry run and the import, rows per second.
bench-import: deps db
	$(VENV)/python benchmarks/imports.py

# The pages people land on, anonymous and logged in, at 1,000,000 items (#16's goals).
bench-pages: bench-deps db
	$(VENV)/python benchmarks/run.py --pages

# What a streaming replica of the project cluster buys the read-only endpoints, at 1M items.
bench-replica: bench-deps db
	$(VENV)/python benchmarks/replica.py

bench-quick: bench-deps db
	$(VENV)/python benchmarks/run.py --quick

bench-deps:
	@tools/bootstrap.sh --bench

# A crowd and faults against gunicorn behind nginx, on a cluster of its own (benchmarks/soak.py).
soak: soak-deps
	$(VENV)/python benchmarks/soak.py

soak-deps:
	@tools/bootstrap.sh --soak

# After changing a translatable string: the template and each catalog are brought up to date
# (new strings appear untranslated; tests/test_translations.py fails until they are translated).
translations:
	$(VENV)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	  --ignore-dirs ".* node_modules" \
	  --project civicmap --copyright-holder "civicmap contributors" \
	  -o civicmap/translations/messages.pot .
	$(VENV)/pybabel update -i civicmap/translations/messages.pot -d civicmap/translations \
	  --no-fuzzy-matching --ignore-obsolete --width 100
	$(VENV)/pybabel compile -d civicmap/translations

lint:
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .

format:
	$(VENV)/ruff format .
	$(VENV)/ruff check --fix .

stop:
	@tools/pg.sh stop
	@tools/redis.sh stop
	@tools/mail.sh stop

clean: stop
	rm -rf instance .venv node_modules static/vendor
