# Two commands on a fresh Debian 12 / Ubuntu 24.04: `make run` and `make test`.
# Each installs what is missing first and is quick when nothing is.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.podplayer-installed

.PHONY: run test lint bench system-deps system-deps-test venv clean

run: system-deps $(STAMP)
	$(BIN)/podplayer $(ARGS)

test: system-deps-test $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

# Every benchmark prints its figures and targets; run them on an otherwise idle machine.
bench: system-deps-test $(STAMP)
	for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

system-deps:
	@sh packaging/system-deps.sh run

system-deps-test:
	@sh packaging/system-deps.sh test

venv: $(STAMP)

# A fresh Debian's python3 can't create a venv until python3-venv is installed (system-deps does).
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# A user install without root: the app in its own venv, the launcher in ~/.local/bin, the menu
# entry, AppStream metainfo and icons in the XDG data folders. Run it again to update; the
# library (~/.local/share/podplayer/*.sqlite and the rest) is never touched by either target.
.PHONY: install uninstall package desktop-caches

APP_ID := io.github.podplayer.Podplayer
XDG_DATA_HOME ?= $(HOME)/.local/share
BIN_HOME ?= $(HOME)/.local/bin
APP_HOME := $(XDG_DATA_HOME)/podplayer
APP_VENV := $(APP_HOME)/venv
ICON_SIZES := 16 32 48 64 128 256 512

install: system-deps
	@test -x $(APP_VENV)/bin/python || $(PYTHON) -m venv $(APP_VENV)
	$(APP_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(APP_VENV)/bin/python -m pip install --quiet --upgrade .
	@# podplayer.core.paths looks for its resources here when it is not run from a checkout.
	rm -rf $(APP_VENV)/share/podplayer/resources
	mkdir -p $(APP_VENV)/share/podplayer
	cp -R resources $(APP_VENV)/share/podplayer/resources
	mkdir -p $(BIN_HOME) $(XDG_DATA_HOME)/applications $(XDG_DATA_HOME)/metainfo
	ln -sfn $(APP_VENV)/bin/podplayer $(BIN_HOME)/podplayer
	@# An absolute Exec: the desktop's PATH often lacks ~/.local/bin.
	sed -e 's|^Exec=podplayer|Exec=$(APP_VENV)/bin/podplayer|' \
	    -e 's|^TryExec=podplayer|TryExec=$(APP_VENV)/bin/podplayer|' \
	    resources/$(APP_ID).desktop > $(XDG_DATA_HOME)/applications/$(APP_ID).desktop
	cp resources/$(APP_ID).metainfo.xml $(XDG_DATA_HOME)/metainfo/
	for size in $(ICON_SIZES); do \
	  mkdir -p $(XDG_DATA_HOME)/icons/hicolor/$${size}x$${size}/apps && \
	  cp resources/icons/hicolor/$${size}x$${size}/apps/$(APP_ID).png \
	     $(XDG_DATA_HOME)/icons/hicolor/$${size}x$${size}/apps/ || exit 1; \
	done
	mkdir -p $(XDG_DATA_HOME)/icons/hicolor/scalable/apps
	cp resources/icons/hicolor/scalable/apps/$(APP_ID).svg $(XDG_DATA_HOME)/icons/hicolor/scalable/apps/
	@$(MAKE) --no-print-directory desktop-caches
	@echo "podplayer: installed; start it from the menu or with $(BIN_HOME)/podplayer"

uninstall:
	rm -f $(XDG_DATA_HOME)/applications/$(APP_ID).desktop $(XDG_DATA_HOME)/metainfo/$(APP_ID).metainfo.xml
	rm -f $(XDG_DATA_HOME)/icons/hicolor/scalable/apps/$(APP_ID).svg
	for size in $(ICON_SIZES); do rm -f $(XDG_DATA_HOME)/icons/hicolor/$${size}x$${size}/apps/$(APP_ID).png; done
	@# Only our own link: a podplayer installed some other way stays.
	@if [ "$$(readlink $(BIN_HOME)/podplayer)" = "$(APP_VENV)/bin/podplayer" ]; then rm -f $(BIN_HOME)/podplayer; fi
	rm -rf $(APP_VENV)
	@$(MAKE) --no-print-directory desktop-caches
	@echo "podplayer: uninstalled; your library in $(APP_HOME) is kept"

# The one-folder PyInstaller bundle in dist/podplayer, then the test that plays the demo with it.
package: system-deps $(STAMP)
	sh packaging/build-bundle.sh $(BIN)/python
	PODPLAYER_TEST_BUNDLE=built $(BIN)/python -m pytest tests/e2e/test_bundle.py -q $(PYTEST_ARGS)

# Menus and icon themes notice new files sooner with fresh caches; neither tool is required.
desktop-caches:
	@if command -v update-desktop-database >/dev/null; then \
	  update-desktop-database -q $(XDG_DATA_HOME)/applications; fi
	@if command -v gtk-update-icon-cache >/dev/null; then \
	  gtk-update-icon-cache -q -t $(XDG_DATA_HOME)/icons/hicolor; fi
