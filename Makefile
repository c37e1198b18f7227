# Two commands matter: `make demo` (run the service on its embedded default)
# and `make test` (the whole suite). Both create the venv when needed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck bench clean models

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/mailgate demo

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check mailgate tests bench
	$(BIN)/ruff format --check mailgate tests bench

typecheck: $(STAMP)
	$(BIN)/mypy mailgate

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

# Retrain the learned models (docs/policy.md) from the labelled corpora:
# the shared dev set and every labelled set under tests/fixtures/policy (with its deployment),
# the decision passages marked in each (tests/fixtures/policy/decisions) and the decision and
# disclosure phrasebooks (loose labelled sentences, tests/fixtures/policy/phrasebook).
FIXTURES := tests/fixtures/policy
CORPORA := ../shared/corpus/dev.jsonl $(foreach f,$(wildcard $(FIXTURES)/*.jsonl),$(f)$(if $(wildcard $(f:.jsonl=-deployment.toml)),:$(f:.jsonl=-deployment.toml)))
models: $(STAMP)
	$(BIN)/mailgate policy train $(CORPORA) --decisions $(FIXTURES)/decisions \
		--decision-sentences $(FIXTURES)/phrasebook/decisions.jsonl \
		--disclosure-sentences $(FIXTURES)/phrasebook/disclosures.jsonl --out policies/models

clean:
	rm -rf $(VENV) var build dist
