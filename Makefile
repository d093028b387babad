# Two entry points for a fresh Debian machine with Python 3.11:
#   make demo  - serve the bundled replica site, crawl it, build the archive, serve Datasette
#   make test  - run the whole default test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEB_PACKAGES := redis-server chromium chromium-driver libreoffice-writer-nogui antiword poppler-utils fonts-wqy-zenhei
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test test-all bench sysdeps venv clean

sysdeps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(BIN)/nianbao: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

venv: $(BIN)/nianbao

demo: sysdeps venv
	$(BIN)/nianbao demo

test: sysdeps venv
	$(BIN)/python -m pytest -q

test-all: sysdeps venv
	$(BIN)/python -m pytest -q -m ''

bench: sysdeps venv
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
