# Kartoteka. `make run` and `make test` set everything up from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := app:create_app
export PYTHONPATH := $(CURDIR)

.PHONY: run test e2e faults cluster cluster-stop cluster-status lint format translations extract-messages install clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

translations: install
	$(BIN)/pybabel compile -d translations -D "messages admin" 2>&1 | grep -v "^compiling" || true

run: translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	@echo "Kartoteka: http://127.0.0.1:$(PORT)"
	PORT=$(PORT) $(BIN)/python app.py

test: translations
	$(BIN)/pytest -m "not e2e and not faults" $(PYTEST_ARGS)

# Fault drills on mini-clusters of real processes (PostgreSQL, Redis, nginx, gunicorn); see README.
FAULTS_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
FAULTS_REDIS_URL ?= redis://127.0.0.1:6379/0
faults: translations
	TEST_DATABASE_URL=$(FAULTS_DATABASE_URL) TEST_REDIS_URL=$(FAULTS_REDIS_URL) \
		$(BIN)/pytest -n0 -m faults tests/faults $(PYTEST_ARGS)

# nginx + 2 gunicorn webs + 2 workers + 1 scheduler on this machine's PostgreSQL and Redis.
cluster: translations
	$(BIN)/python -m deploy.cluster start

cluster-stop: install
	$(BIN)/python -m deploy.cluster stop

cluster-status: install
	$(BIN)/python -m deploy.cluster status

e2e: translations
	$(BIN)/pytest -n0 -m e2e tests/e2e $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

extract-messages: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
