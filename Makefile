# synscope — the two commands a newcomer needs are the first two targets.
CAPTURE ?= captures/K_many.pcap
BOARD   ?= arty-a7-35
CARGO   ?= cargo

.PHONY: demo test bench deps fmt fuzz man synscope-vcd

## Installs what a fresh machine lacks, then runs the main job: the simulated board (the
## generated Verilog under Verilator) replaying a bundled capture, watched live by the monitor
## over its UART (without a terminal: a few plain-text snapshots, then it ends).
demo: deps
	$(CARGO) run --release -q -p synscope -- demo $(CAPTURE)

## Every test (what .ci/run calls): formatting, clippy (and the console without the simulator),
## Verilog lint, all cargo tests.
test: deps
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -q -- -D warnings
	$(CARGO) clippy -p synscope --no-default-features --all-targets -q -- -D warnings
	$(MAKE) --no-print-directory lint
	$(CARGO) test --workspace

include mk/hdl.mk

deps:
	@./scripts/install-deps.sh

fmt:
	$(CARGO) fmt --all

bench: deps
	$(CARGO) run --release -q -p synscope -- bench analyze --generate 1000000
	$(CARGO) run --release -q -p synscope -- bench core

## libFuzzer on the frame parser, the tracker and the UART decoders (docs/attacks.md).
FUZZ_SECONDS ?= 60
fuzz:
	@command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	cd fuzz && for t in frame tracker protocol; do \
	  RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run $$t -- -max_total_time=$(FUZZ_SECONDS) || exit 1; \
	done

## The manual pages, from the clap definitions: build/man/synscope.1, synscope-COMMAND.1.
man:
	$(CARGO) run --release -q -p synscope -- man build/man

## synscope with VCD tracing compiled in (`sim --vcd FILE`; every simulated cycle is slower).
synscope-vcd:
	$(CARGO) build --release -p synscope --features vcd
