# MathLens — two commands to know: `make run` and `make test`.
# Both bootstrap everything they need: Debian packages (apt-get when root, else the exact sudo line),
# a virtual environment in .venv, and the Python packages from pyproject.toml.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# Qt's xcb platform, QtMultimedia, manim's cairo/pango builds, Xvfb for OpenGL tests, fonts.
APT_PACKAGES := libcairo2-dev libpango1.0-dev pkg-config gcc \
	libegl1 libgl1 libgl1-mesa-dri libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 \
	libxcb-shape0 libxcb-xinerama0 libxcb-image0 libxcb-render-util0 libpulse0 libfontconfig1 libdbus-1-3 \
	xvfb xauth fonts-dejavu-core fonts-noto-cjk

.PHONY: run test lint bench screenshots clips system-deps venv clean

run: $(STAMP)
	$(PY) -m app $(ARGS)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen xvfb-run -a -s "-screen 0 1920x1080x24" $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check app tests bench scenes

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m app screenshots --out build/screenshots

# every lesson's clip at preview quality (480p15) into the clip cache, one manim process per core;
# slow (minutes), so not part of `make test`. JOBS=1, QUALITY=720p|1080p, OUT=dir to copy the mp4s.
JOBS ?=
QUALITY ?= preview
clips: $(STAMP)
	$(PY) -m app render --all --quality $(QUALITY) $(if $(JOBS),--jobs $(JOBS)) $(if $(OUT),--out $(OUT))

system-deps:
	@PYTHON=$(PYTHON) sh .ci/system-deps.sh $(APT_PACKAGES)

$(STAMP): pyproject.toml .ci/system-deps.sh
	@$(MAKE) --no-print-directory system-deps
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

clean:
	rm -rf $(VENV) build .pytest_cache
