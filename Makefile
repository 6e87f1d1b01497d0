# Commune distribution: install, run, test, lint and document.
# Quick start: `make start`, then `make test`.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
PORT ?= 8080
HOST ?= 127.0.0.1
# make start: the development OpenID provider's port (the demo profile's issuer);
# empty (OIDC_PORT=) starts the instance alone, e.g. a second instance on ZEO
OIDC_PORT ?= 8081
STORAGE ?= filestorage
ADMIN_USER ?= admin
# make cluster: an operator's PostgreSQL (libpq DSN); empty runs one under var/
PG_DSN ?=
BACKUP_DIR ?= $(CURDIR)/var/backups
PACK_DAYS ?= 7

VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
VAR := $(CURDIR)/var
INSTALLED := $(VENV)/.installed
# The development OpenID provider (like FAS), pinned in dev/oidc-provider.
OIDC_PROVIDER := dev/oidc-provider/node_modules/.package-lock.json
PIP_INSTALL := $(BIN)/pip install --disable-pip-version-check -q -c constraints.txt

export IMIO_HOME := $(CURDIR)
export IMIO_VAR := $(VAR)
export IMIO_STORAGE := $(STORAGE)
export IMIO_INSTANCE_NAME ?= instance1
export IMIO_ZEO_ADDRESS ?= 127.0.0.1:8100
export IMIO_PG_DSN ?= dbname=imio user=imio host=localhost port=5432
export zope_i18n_compile_mo_files := true

.PHONY: help
help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(INSTALLED): setup.py constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (PYTHON=$(PYTHON))."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) pip setuptools wheel
	$(PIP_INSTALL) --config-settings editable_mode=compat -e ".[test,dev,docs]"
	@touch $@

.PHONY: install
install: $(INSTALLED) instance ## Create .venv with the pinned dependencies and the instance

.PHONY: instance
instance:
	@mkdir -p $(VAR)/filestorage $(VAR)/blobstorage $(VAR)/blobcache $(VAR)/zeocache \
		$(VAR)/log $(VAR)/cache

# On ZEO, the server must answer before anything opens the database.
.PHONY: storage-answers
storage-answers: | $(INSTALLED)
	@$(BIN)/python -m imio.commune.storage_check

$(VAR)/admin-password: | $(INSTALLED) instance storage-answers
	@umask 077; $(BIN)/python -c 'import secrets, string; a = string.ascii_letters + string.digits; print("".join(secrets.choice(a) for _ in range(16)))' > $@.tmp
	@$(BIN)/addzopeuser -c instance/etc/zope.conf $(ADMIN_USER) "$$(cat $@.tmp)" > /dev/null
	@mv $@.tmp $@

.PHONY: demo
demo: install storage-answers $(VAR)/admin-password ## Create the procedure library, the regional agenda, the demo commune site and its neighbours Gesves and Eupen
	@$(BIN)/imio-commune deploy profiles/bibliotheque.yaml profiles/region.yaml profiles/demo.yaml profiles/gesves.yaml profiles/eupen.yaml

.PHONY: start
start: demo $(OIDC_PROVIDER) ## Serve the demo commune on http://localhost:$(PORT)/demo and its OpenID provider on OIDC_PORT (none when empty)
	@echo ""
	@echo "  Site de démonstration : http://localhost:$(PORT)/demo"
	@echo "  Communes voisines     : http://localhost:$(PORT)/gesves, http://localhost:$(PORT)/eupen"
	@echo "  Agenda régional       : http://localhost:$(PORT)/region"
	@echo "  Administration Zope   : http://localhost:$(PORT)/manage"
	@echo "  Connexion             : $(ADMIN_USER) / $$(cat $(VAR)/admin-password)"
	@echo ""
	@HOST=$(HOST) PORT=$(PORT) OIDC_PORT=$(OIDC_PORT) ADMIN_USER=$(ADMIN_USER) $(BIN)/python -m imio.commune.serve

.PHONY: system-packages
system-packages: ## Install Debian's Chromium, PostgreSQL, HAProxy, Varnish, Java and Pango when missing
	@missing=""; \
	command -v chromium > /dev/null || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v haproxy > /dev/null || test -x /usr/sbin/haproxy || missing="$$missing haproxy"; \
	test -x /usr/sbin/varnishd || missing="$$missing varnish"; \
	command -v java > /dev/null || missing="$$missing openjdk-17-jre-headless"; \
	test -x /usr/bin/systemd-analyze || missing="$$missing systemd"; \
	ls /usr/lib/*/libpangoft2-1.0.so.0 > /dev/null 2>&1 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

.PHONY: cluster
cluster: install system-packages ## Serve the demo on CLUSTER_INSTANCES instances behind HAProxy (CLUSTER_STORAGE=zeo|relstorage)
	@CLUSTER_PG_DSN="$(PG_DSN)" $(BIN)/python -m imio.commune.cluster

.PHONY: backup
backup: $(INSTALLED) ## Back up the database and blobs of STORAGE into var/backups (BACKUP_DIR)
	@IMIO_BACKUP_DIR="$(BACKUP_DIR)" $(BIN)/python -m imio.commune.backup backup

.PHONY: restore
restore: $(INSTALLED) ## Restore the latest backup of STORAGE (stop the instances first)
	@IMIO_BACKUP_DIR="$(BACKUP_DIR)" $(BIN)/python -m imio.commune.backup restore

.PHONY: pack
pack: $(INSTALLED) ## Pack the database of STORAGE, keeping PACK_DAYS days of history
	@case "$(STORAGE)" in \
		zeo) $(BIN)/zeopack -d $(PACK_DAYS) $(IMIO_ZEO_ADDRESS) ;; \
		*) $(BIN)/zodbpack -d $(PACK_DAYS) instance/etc/pack/$(STORAGE).conf ;; \
	esac

# ical.js, the iCalendar parser of agenda applications, reads our .ics in tests.
ICAL_CLIENTS := tests/ical/node_modules/.package-lock.json

$(ICAL_CLIENTS): tests/ical/package.json tests/ical/package-lock.json
	npm ci --prefix tests/ical --no-audit --no-fund
	@touch $@

# The Nu Html Checker (vnu.jar, on Java) validates the pages we render in tests;
# its install script, which would download a Java runtime, is not run.
HTML_CHECKER := tests/html/node_modules/.package-lock.json

$(HTML_CHECKER): tests/html/package.json tests/html/package-lock.json
	npm ci --prefix tests/html --no-audit --no-fund --ignore-scripts
	@touch $@

# The development OpenID provider: OIDC_PROVIDER is defined at the top,
# `make start` needs it.
$(OIDC_PROVIDER): dev/oidc-provider/package.json dev/oidc-provider/package-lock.json
	npm ci --prefix dev/oidc-provider --no-audit --no-fund
	@touch $@

.PHONY: oidc-provider
oidc-provider: $(OIDC_PROVIDER) ## Install the development OpenID provider (dev/oidc-provider)

.PHONY: test
test: install system-packages $(ICAL_CLIENTS) $(HTML_CHECKER) $(OIDC_PROVIDER) ## Run every test with coverage; last line: N passed, N failed
	@$(BIN)/python tests/run.py

.PHONY: bench
bench: install system-packages ## Benchmarks, printed as ratios against a baseline measured in the same run
	@command -v wrk > /dev/null || \
		{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }
	@test -x /usr/sbin/nginx || \
		{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light; }
	$(BIN)/python bench/site_creation.py
	$(BIN)/python bench/scaleout.py
	$(BIN)/python bench/eguichet_submit.py
	$(BIN)/python bench/home_page.py
	$(BIN)/python bench/eguichet_form_page.py

# Lighthouse, pinned in bench/lighthouse, audits the demo on Debian's Chromium.
LIGHTHOUSE := bench/lighthouse/node_modules/.package-lock.json

$(LIGHTHOUSE): bench/lighthouse/package.json bench/lighthouse/package-lock.json
	npm ci --prefix bench/lighthouse --no-audit --no-fund
	@touch $@


.PHONY: lighthouse
lighthouse: install system-packages $(LIGHTHOUSE) ## Lighthouse scores of home, a procedure and a form (mobile, desktop) into var/lighthouse
	@CHROME_PATH=/usr/bin/chromium $(BIN)/python bench/lighthouse/run.py

.PHONY: bench-fleet
bench-fleet: install ## Deploy all 261 Walloon communes into one FileStorage (long)
	$(BIN)/python bench/fleet.py

.PHONY: bench-library
bench-library: install ## Sync 261 communes with a library of 150 sheets over HTTP (long)
	$(BIN)/python bench/library_sync.py

.PHONY: bench-region
bench-region: install ## Harvest 261 communes' events into the regional agenda, and its page next to stock Plone's listing (long)
	$(BIN)/python bench/region.py

.PHONY: bench-letters
bench-letters: install ## Decision letters: time per case next to weasyprint rendering a plain page
	$(BIN)/python bench/letters.py

.PHONY: bench-retention
bench-retention: install ## The nightly retention job over 100,000 cases on one site (long)
	$(BIN)/python bench/retention.py

.PHONY: screenshots
screenshots: install system-packages ## Refresh the guides' screenshots from the browser tests
	@IMIO_SCREENSHOTS=docs $(BIN)/python tests/run.py --test-path $(CURDIR)/tests -t browser

.PHONY: lint
lint: $(INSTALLED) ## Check code style (ruff, zpretty)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/zpretty --check $$(find src instance -name '*.zcml' -o -name '*.xml' -o -name '*.pt')

.PHONY: format
format: $(INSTALLED) ## Format code (ruff, zpretty)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench
	$(BIN)/zpretty -i $$(find src instance -name '*.zcml' -o -name '*.xml' -o -name '*.pt')

.PHONY: i18n
i18n: $(INSTALLED) ## Extract messages and sync the fr and de catalogs
	@for package in website eguichet commune; do \
		domain=imio.$$package; locales=src/imio/$$package/locales; \
		$(BIN)/i18ndude rebuild-pot --pot $$locales/$$domain.pot --create $$domain src/imio/$$package > /dev/null; \
		for lang in fr de; do \
			po=$$locales/$$lang/LC_MESSAGES/$$domain.po; \
			test -f $$po || { mkdir -p $$(dirname $$po); printf 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n"Language-Code: %s\\n"\n"Domain: %s\\n"\n' $$lang $$domain > $$po; }; \
			$(BIN)/i18ndude sync --pot $$locales/$$domain.pot $$po > /dev/null; \
		done; \
	done
	@echo "Catalogs synced; untranslated messages:"
	@for po in src/imio/*/locales/*/LC_MESSAGES/*.po; do \
		echo "  $$po: $$(grep -c '^msgstr ""$$' $$po | awk '{print $$1 - 1}')"; \
	done

.PHONY: docs
docs: $(INSTALLED) ## Build the documentation into docs/_build/html
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html

.PHONY: constraints
constraints: ## Re-resolve every pin from setup.py into constraints.txt
	rm -rf $(CURDIR)/.venv-pins
	$(PYTHON) -m venv $(CURDIR)/.venv-pins
	$(CURDIR)/.venv-pins/bin/pip install -q -U pip setuptools wheel
	$(CURDIR)/.venv-pins/bin/pip install -q "Plone==6.2.2" "plone.app.layout==6.0.2" zc.buildout plone.recipe.zope2instance -e ".[test,dev,docs]"
	{ sed -n '1,3p' constraints.txt; $(CURDIR)/.venv-pins/bin/pip freeze --all --exclude-editable | sort -f; } > constraints.txt.new
	mv constraints.txt.new constraints.txt
	rm -rf $(CURDIR)/.venv-pins

.PHONY: clean
clean: ## Remove the virtualenv and build artefacts (keeps var/ data)
	rm -rf $(VENV) build dist docs/_build src/*.egg-info .coverage htmlcov

.PHONY: wipe
wipe: ## Remove the data of the instance (var/)
	rm -rf $(VAR)

# zc.buildout, for operators who deploy with buildout: the same packages and
# pins as `make install`, in bin/instance. versions.cfg is generated from
# constraints.txt at each run (docs/operators/buildout.md).
BUILDOUT_VENV := $(CURDIR)/.venv-buildout

.PHONY: buildout
buildout: ## Build bin/instance with zc.buildout (operators)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (PYTHON=$(PYTHON))."; exit 1; }
	@test -x $(BUILDOUT_VENV)/bin/python || $(PYTHON) -m venv $(BUILDOUT_VENV)
	$(BUILDOUT_VENV)/bin/pip install --disable-pip-version-check -q -c constraints.txt pip setuptools wheel zc.buildout
	$(BUILDOUT_VENV)/bin/python instance/buildout_versions.py constraints.txt versions.cfg
	$(BUILDOUT_VENV)/bin/buildout -c buildout.cfg instance:http-address=$(HOST):$(PORT)
