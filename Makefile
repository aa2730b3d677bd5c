# Tally's entry points. `make run` and `make test` install what is missing
# (Debian packages, npm packages), build, and then serve or test.
#
#   make build   build build/tally, the test binaries and the web UI (web/dist)
#   make run     serve on http://127.0.0.1:8080 with SQLite under ./data; a new
#                database gets the demo account and projects (see docs/demo.md),
#                and Label Studio's templates when ../shared contains them
#   make test    every suite: unit, SQLite and PostgreSQL, API over HTTP, fuzzers
#   make bench   benchmarks (FULL=1 for full size); results go to docs/benchmarks.md
#   make clean   remove build directories

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
# Two parallel jobs: each Beast translation unit needs about 1 GiB and the
# build machines have two cores.
JOBS ?= 2

.PHONY: all deps web demo build run test bench clean

all: build

deps:
	@bash scripts/install-deps.sh

web: deps web/node_modules/.package-lock.json web/dist/index.html

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The browser UI that `tally serve` serves from web/dist; rebuilt only when a
# source file is newer than the last build.
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json
web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run --silent build
	@touch $@

# The npm packages the demo seeder reads its real data from.
demo: deps demo/node_modules/.package-lock.json

demo/node_modules/.package-lock.json: demo/package.json demo/package-lock.json
	cd demo && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(BUILD_DIR)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps web $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The create-project gallery lists these templates; without the folder it
# offers the built-in starters.
TEMPLATES_DIR ?= ../shared/reference/label-studio-templates

run: build demo
	./$(BUILD_DIR)/tally serve --data-dir ./data --demo \
	  $(if $(wildcard $(TEMPLATES_DIR)/INDEX.md),--templates-dir $(TEMPLATES_DIR))

test: build demo
	BUILD_DIR=$(BUILD_DIR) bash scripts/run-tests.sh

bench: build
	BUILD_DIR=$(BUILD_DIR) FULL=$(FULL) bash bench/run.sh

clean:
	rm -rf $(BUILD_DIR) build-fuzz
