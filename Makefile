# Fazhi — the two commands a newcomer needs are `make run` and `make test`.

PORT ?= 8080
DATA ?= var
JOBS ?= 2

.PHONY: all run build test unit api e2e asan fuzz bench clean setup

all: build

setup:
	@scripts/setup.sh

# Release build (no test hooks), served on an embedded SQLite database with
# the demonstration data created on first start.
build:
	@scripts/setup.sh --runtime-only
	@cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release \
		-DBUILD_TESTING=OFF -DFAZHI_WERROR=OFF >/dev/null
	@cmake --build build-release -j$(JOBS)

run: build
	@if [ ! -f $(DATA)/fazhi.conf ]; then \
		echo "First start: creating the demonstration installation in $(DATA)/"; \
		build-release/fazhi demo --data-dir $(DATA); \
		echo "(Run 'build-release/fazhi demo --data-dir $(DATA)' again for new passwords.)"; \
	fi
	@exec build-release/fazhi serve --data-dir $(DATA) --listen 127.0.0.1:$(PORT)

# Everything: unit, API (SQLite and PostgreSQL), browser, sanitizer and
# fuzz runs.  See scripts/test.sh.
test:
	@scripts/setup.sh
	@scripts/test.sh all

unit api e2e asan fuzz:
	@scripts/setup.sh
	@scripts/test.sh $@

bench:
	@scripts/setup.sh
	@cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release \
		-DBUILD_TESTING=OFF -DFAZHI_WERROR=OFF >/dev/null
	@cmake --build build-release -j$(JOBS)
	@FAZHI_BIN=build-release/fazhi bench/http/run.sh

clean:
	rm -rf build build-release build-asan build-fuzz test-results
