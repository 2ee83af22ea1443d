# Hardware targets: Verilog generation, lint, synthesis. Included by the top Makefile.
#
#   make verilog        build/verilog/<top>.v for every top synscope-hdl generates
#   make lint           verilator --lint-only -Wall on each, waivers in hdl/lint.vlt
#   make synth          yosys synth_xilinx per top of $(BOARD) (synscope-hdl --tops)
#                       -> build/synth/$(BOARD)/<top>/report.json,
#                       merged into build/synth/$(BOARD)/report.json: the figures (lut ff
#                       ramb36 ramb18 uram dsp logic_levels connections) of the board's design,
#                       its blocks listed. BOARD: arty-a7-35, arty-a7-100, xcvu13p (the
#                       UltraScale+ design point: the core alone, 512K connections, UltraRAM)
#   make timing         pre-route timing estimate of $(BOARD)'s synthesized tops
#                       -> build/timing/$(BOARD)/report.json (worst_ns per clock domain)
#   make vivado         Vivado non-project flow: synth, place, route, bitstream, reports
#   make constraints    constraints/<board>.xdc for both boards, from hdl/src/pins.rs
#   make bitstream      openXC7 place & route + bitstream of the $(BOARD) top (says what is missing)
#   make program        openFPGALoader loads it (FLASH=1: into the SPI flash)
#   make synth-check    checks the logic-depth and timing measurements on designs of known depth
#   make diff-long      conn_core vs the model on 10^6 random segments (SYNSCOPE_LONG=1)
#   make diff-ways      the core built with 2 and with 8 ways per bucket (SYNSCOPE_WAYS, in
#                       target/ways2, target/ways8): the hdl crate's tests, way_choice, counter_bank and the
#                       conn_core differential test at each (not in `make test`: each is a
#                       full simulator build)
#   make dump-figure    the 8K-entry table dump through the simulated UART: time and efficiency
#   make planted-bug    builds the sim with one FSM rule changed in the hardware's copy
#                       (SYNSCOPE_PLANTED_BUG=1) and checks the differential test catches it

CARGO        ?= cargo
BOARD        ?= arty-a7-35
VERILATOR    ?= verilator
VERILOG_DIR  ?= build/verilog
SYNTH_DIR    ?= build/synth/$(BOARD)
TIMING_DIR   ?= build/timing/$(BOARD)
HDL_LINT_VLT := hdl/lint.vlt

.PHONY: bitstream program constraints verilog lint synth synth-check timing vivado diff-long diff-ways dump-figure planted-bug

verilog:
	$(CARGO) run -q -p synscope-hdl --bin synscope-hdl -- $(VERILOG_DIR)

constraints:
	@for b in arty-a7-35 arty-a7-100; do \
	  $(CARGO) run -q -p synscope-hdl --bin synscope-hdl -- --xdc $$b > constraints/$$b.xdc || exit 1; \
	  echo "wrote constraints/$$b.xdc"; \
	done

lint: verilog
	@command -v $(VERILATOR) >/dev/null || { echo "lint: verilator not found (make deps installs it)" >&2; exit 1; }
	@bad=""; for f in $(VERILOG_DIR)/*.v; do \
	  echo "verilator --lint-only -Wall $$f"; \
	  $(VERILATOR) --lint-only -Wall $(HDL_LINT_VLT) $$f || bad="$$bad $$f"; \
	done; \
	if [ -n "$$bad" ]; then echo "lint: warnings in$$bad" >&2; exit 1; fi

synth: verilog
	@set -e; reports=""; \
	tops=$$($(CARGO) run -q -p synscope-hdl --bin synscope-hdl -- --tops $(BOARD)); \
	for n in $$tops; do \
	  cap=$$($(CARGO) run -q -p synscope-hdl --bin synscope-hdl -- --connections $$n); \
	  BOARD=$(BOARD) CONNECTIONS=$$cap scripts/synth/synth.sh $$n $(VERILOG_DIR)/$$n.v $(SYNTH_DIR)/$$n >/dev/null; \
	  reports="$$reports $(SYNTH_DIR)/$$n/report.json"; \
	done; \
	python3 scripts/synth/report.py --merge $$reports -o $(SYNTH_DIR)/report.json; \
	echo "wrote $(SYNTH_DIR)/report.json"

timing:
	@test -f $(SYNTH_DIR)/report.json || $(MAKE) --no-print-directory synth BOARD=$(BOARD)
	scripts/synth/timing.sh $(BOARD) $(SYNTH_DIR) $(TIMING_DIR)

synth-check:
	scripts/synth/selftest.sh build/synth/selftest

# Vivado (where installed): the non-project flow of scripts/board/vivado.tcl on the board top.
VIVADO ?= vivado
vivado: verilog
	scripts/board/vivado.sh $(BOARD) build/vivado/$(BOARD)

dump-figure:
	SYNSCOPE_LONG=1 $(CARGO) test --release -p synscope-sim --test command_engine full_table_dump -- --nocapture

diff-long:
	SYNSCOPE_LONG=1 $(CARGO) test -p synscope-sim --test conn_core conn_core_long_run -- --nocapture

# `WAYS` is a build parameter (`SYNSCOPE_WAYS`, hdl/src/conn/mod.rs; 4 when unset): the core
# at 2 and at 8 ways against the model with the same shape. Own target dirs: each build
# re-verilates every model, and the normal (4-way) build must not pick it up.
DIFF_WAYS ?= 2 8
diff-ways:
	@set -e; for w in $(DIFF_WAYS); do \
	  echo "== $$w ways per bucket"; \
	  SYNSCOPE_WAYS=$$w CARGO_TARGET_DIR=target/ways$$w $(CARGO) test -p synscope-hdl; \
	  SYNSCOPE_WAYS=$$w CARGO_TARGET_DIR=target/ways$$w $(CARGO) test -p synscope-sim \
	    --test way_choice --test counter_bank --test conn_core; \
	done

# Own target dir: the planted build re-verilates every model, and the normal build must not
# pick it up.
planted-bug:
	@echo "building the simulator with a planted bug (RECEIVER: FIN_WAIT_1 ignores the ACK of its FIN)"
	@out=$$(SYNSCOPE_PLANTED_BUG=1 CARGO_TARGET_DIR=target/planted-bug $(CARGO) test -p synscope-sim \
	    --test conn_core conn_core_matches_the_model_on_every_capture 2>&1); \
	if echo "$$out" | grep -q "test result: ok"; then \
	  echo "planted-bug: NOT caught: the differential test passed with a wrong rule" >&2; exit 1; fi; \
	if ! echo "$$out" | grep -q "descriptor #"; then \
	  echo "$$out" | tail -n 30 >&2; echo "planted-bug: the test failed, but not on a mismatch" >&2; exit 1; fi; \
	echo "$$out" | grep -m1 -B2 -A6 "descriptor #"; \
	echo "planted-bug: caught by the differential test"

BOARD_TOP = $(subst -,_,$(BOARD))
BITSTREAM_DIR ?= build/bitstream/$(BOARD)

bitstream: verilog
	scripts/board/bitstream.sh $(BOARD) $(VERILOG_DIR)/$(BOARD_TOP).v constraints/$(BOARD).xdc $(BITSTREAM_DIR)

program:
	scripts/board/program.sh $(BOARD) $(BITSTREAM_DIR)/top.bit
