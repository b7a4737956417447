# The only commands a newcomer needs:
#   make run    install what is missing, build Release, start the kiosk (ARGS=--windowed for a window)
#   make test   install what is missing, build the dev and sanitizer builds, run every test
#               (dev: every test; then the threaded tests under ThreadSanitizer; then the unit
#               programs and one black-box test of each kind under ASan + UBSan)
#   make build  build the release binary at build/release/posdrill
#   make check  build the dev build and run the fast tests only (a few minutes; make test is the gate)

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_FLAGS = --no-tests=error --output-on-failure -j $(JOBS)

.PHONY: run test check build deps lint bench fuzz approve clean

run: build
	build/release/posdrill $(ARGS)

build: deps
	cmake --preset release
	cmake --build --preset release -j $(JOBS)

test: deps
	cmake --preset dev
	cmake --build --preset dev -j $(JOBS)
	ctest --preset dev $(CTEST_FLAGS)
# ThreadSanitizer on the tests labelled `threads` only (servers, workers, two writers): a
# short build of the six test programs they live in, run before the long ASan build so a
# race fails the run early.
	cmake --preset tsan
	cmake --build --preset tsan -j $(JOBS)
	ctest --preset tsan $(CTEST_FLAGS)
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan $(CTEST_FLAGS)

# The tests a change is checked with while working: everything but the slow, network and fuzz
# ones and the screenshots in a real window (the `check` test preset in CMakePresets.json).
check: deps
	cmake --preset dev
	cmake --build --preset dev -j $(JOBS)
	ctest --preset check $(CTEST_FLAGS)

deps:
	@tools/install-deps.sh

lint: build
	build/release/posdrill lint content

# The chain roster from the test LRS: ROSTER_STORES=5000 is the chain-scale run (about 10 minutes
# on 2 cores); 500 keeps make bench short.
ROSTER_STORES ?= 500
bench: deps
	cmake --preset bench
	cmake --build --preset bench -j $(JOBS) --target bench_scenarios bench_twin bench_codec bench_loopback bench_host_soak bench_interop_codec bench_store bench_sync bench_atlas
	build/bench/bench/bench_scenarios
	build/bench/bench/bench_twin
	build/bench/bench/bench_codec
	build/bench/bench/bench_loopback
	build/bench/bench/bench_host_soak
	build/bench/bench/bench_store
	build/bench/bench/bench_atlas
	cmake --preset release && cmake --build --preset release -j $(JOBS) --target posdrill
	bench/kiosk_startup.sh build/release/posdrill 5
	@tools/npm-deps.sh .
	node bench/bench_interop_ratio.mjs build/bench/bench/bench_interop_codec
	bench/sync_bench.sh build/bench/bench/bench_sync 3 10000 500
	bench/statement_size.sh build/release/posdrill build/bench/bench/bench_sync
	bench/lrs_roster_bench.sh build/release/posdrill $(ROSTER_STORES) 20 3

# Longer fuzzing of the ISO 8583 codec and the nexo parser than the short runs in make test.
FUZZ_SECONDS ?= 300
fuzz: deps
	tests/fuzz/run_fuzz.sh $(CURDIR) build/fuzz codec_cup -max_total_time=$(FUZZ_SECONDS)
	tests/fuzz/run_fuzz.sh $(CURDIR) build/fuzz codec_interop -max_total_time=$(FUZZ_SECONDS)
	tests/fuzz/run_fuzz.sh $(CURDIR) build/fuzz nexo -max_total_time=$(FUZZ_SECONDS)

# Re-bless the golden transcripts after an intended change; review the diff before committing.
approve: deps
	cmake --preset dev
	cmake --build --preset dev -j $(JOBS) --target posdrill
	tests/golden/approve.sh build/dev/posdrill

clean:
	rm -rf build
