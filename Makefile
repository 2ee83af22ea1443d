# synscope — the two commands a newcomer needs are the first two targets.
CAPTURE ?= captures/K_many.pcap
BOARD   ?= arty-a7-35
CARGO   ?= cargo

.PHONY: demo test verilog lint synth bitstream program bench deps fmt clippy

## Installs what a fresh machine lacks, then runs the main job on a bundled capture.
demo: deps
	$(CARGO) run --release -q -p synscope -- analyze $(CAPTURE)

## Every test (what .ci/run calls).
test: deps
	$(CARGO) fmt --all --check
	$(CARGO) clippy --all-targets -q -- -D warnings
	$(CARGO) test --workspace

deps:
	@./scripts/install-deps.sh

fmt:
	$(CARGO) fmt --all

bench: deps
	$(CARGO) run --release -q -p synscope -- bench analyze --generate 1000000
