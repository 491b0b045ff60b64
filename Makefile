# xunjian — two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install native browser redis demo test bench bench-text clean

install: $(STAMP) native
	@# Charts and PDFs need a CJK font (reports/charts.py, reports/pdf.py); installs only when missing.
	@fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || (apt-get update && apt-get install -y fonts-noto-cjk) || \
		echo "提示：未能安装 fonts-noto-cjk，图表中的中文可能显示为方框。"

# Re-installs only when pyproject.toml changes; `make install` twice does nothing the second time.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,browser,native]'
	@touch $(STAMP)

# The typo detector's hottest modules compiled with mypyc into build/native (checks/native.py);
# rebuilt when their sources change, and never in the way: a failed build leaves plain Python.
native: $(STAMP)
	@$(BIN)/python -c "import sys; from checks import native; sys.exit(native.main(sys.argv[1:]))" || true

# The browser-rendered mode (crawler/render.py) drives Debian's Chromium through Playwright;
# `playwright install` (its own browser download) is never used. Installs only when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
		(apt-get update && apt-get install -y chromium)

# The cluster tests (crawler/cluster.py) start their own redis-server on 127.0.0.1.
redis:
	@command -v redis-server >/dev/null 2>&1 || (apt-get update && apt-get install -y redis-server)

demo: install
	$(BIN)/python -m demo

test: install browser redis
	$(BIN)/python -m pytest -q

# PAGES=2000 and ONLY=xunjian,wget narrow a run; the full run takes about 8 minutes here.
bench: install redis
	$(BIN)/python bench/run.py $(if $(PAGES),--pages $(PAGES)) $(if $(ONLY),--only $(ONLY))
	$(BIN)/python bench/recrawl.py $(if $(PAGES),--pages $(PAGES))
	@# One vs two `xunjian worker`s sharing the crawl through a local redis-server (crawler/cluster.py).
	$(BIN)/python bench/cluster.py $(if $(PAGES),--pages $(PAGES))
	$(BIN)/python bench/darkmodes.py

# Text checks over ../shared/data/csc-eval through `xunjian check-text --format jsonl`, then on a
# mock county portal whose errors were planted without seeing the checkers' lists.
bench-text: install
	$(BIN)/python bench/text.py
	@# Five hundred and forty-six mock county portals: the first tuned on, the others each written unseen.
	$(BIN)/python bench/mocksite.py
	for n in $$(seq 2 562); do $(BIN)/python bench/mocksite.py --data mocksite$${n}_data || exit 1; done

clean:
	rm -rf demo-out bench-out .pytest_cache build *.egg-info
