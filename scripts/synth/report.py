#!/usr/bin/env python3
"""Resource and logic-depth report of a yosys `synth_xilinx` netlist (write_json output).

    report.py NETLIST.json --top NAME [--board B --part P] -o REPORT.json
    report.py --merge DESIGN_REPORT.json BLOCK_REPORT.json... -o OUT.json
                              (figures of the first, the board's design; the rest listed)

Counts (Xilinx 7-series primitives after synth_xilinx):
  lut    LUT1..LUT6 (a LUT6_2 pair is not produced by yosys; LUT-based wide muxes are MUXF7/MUXF8,
         counted apart in `muxf`, since they sit in the slice beside the LUTs and cost no LUT)
  ff     FDRE FDSE FDCE FDPE (and LDCE/LDPE latches, counted again in `latches`, which must be 0)
  ramb36 RAMB36E1, ramb18 RAMB18E1, dsp DSP48E1, lutram RAM*/SRL* cells

Logic depth: the netlist is a graph of cells; registers, block RAMs, DSPs, I/O buffers and LUT
RAMs/SRLs are path ends (their outputs start a path at level 0, their inputs end one).
  logic_levels  the most LUTs on any path between two path ends (the number the >= 150 MHz
                budget is about; "LUT path between registers")
  cell_levels   the most combinational cells of any kind (LUT, MUXF7/8, CARRY4) on a path,
                which is what yosys `ltp` reports once the path-end cells are deleted; carry
                chains make it large but each CARRY4 costs only ~0.1 ns
  carry4_chain  the longest run of CARRY4 cells on a path
"""
import argparse
import json
import sys

LUTS = {f"LUT{i}" for i in range(1, 7)} | {"INV"}
MUXF = {"MUXF7", "MUXF8", "MUXF9"}
CARRY = {"CARRY4", "CARRY8"}
FFS = {"FDRE", "FDSE", "FDCE", "FDPE"}
LATCHES = {"LDCE", "LDPE"}
COMB = LUTS | MUXF | CARRY


def analyse(netlist, top, regions=()):
    mods = netlist["modules"]
    if top not in mods:
        sys.exit(f"report.py: module {top!r} not in netlist ({', '.join(sorted(mods))[:200]})")
    cells = mods[top]["cells"]
    counts = {}
    for c in cells.values():
        counts[c["type"]] = counts.get(c["type"], 0) + 1

    # Net bit -> driving combinational cell.
    driver = {}
    for name, c in cells.items():
        if c["type"] not in COMB:
            continue
        dirs = c.get("port_directions", {})
        for port, bits in c["connections"].items():
            if dirs.get(port) == "output":
                for b in bits:
                    if isinstance(b, int):
                        driver[b] = name

    # Longest path ending at each combinational cell: (luts, cells, carry-run), memoised,
    # iteratively (deep carry chains would overflow Python's recursion).
    memo = {}
    onstack = set()

    def inputs(name):
        c = cells[name]
        dirs = c.get("port_directions", {})
        for port, bits in c["connections"].items():
            if dirs.get(port) == "input":
                for b in bits:
                    if isinstance(b, int) and b in driver:
                        yield driver[b]

    def depth(root):
        stack = [(root, False)]
        while stack:
            name, ready = stack.pop()
            if name in memo:
                continue
            if not ready:
                if name in onstack:
                    sys.exit(f"report.py: combinational loop through {name}")
                onstack.add(name)
                stack.append((name, True))
                for d in inputs(name):
                    if d not in memo:
                        stack.append((d, False))
                continue
            onstack.discard(name)
            t = cells[name]["type"]
            luts = cells_n = carry = 0
            for d in inputs(name):
                dl, dc, dk = memo[d]
                luts = max(luts, dl)
                cells_n = max(cells_n, dc)
                carry = max(carry, dk) if t in CARRY else carry
            memo[name] = (
                luts + (1 if t in LUTS else 0),
                cells_n + 1,
                carry + 1 if t in CARRY else 0,
            )
        return memo[root]

    # Per region (a net-name prefix): the most LUTs on a path none of whose named nets is in
    # the region ("outside"; the path's start register included).
    names = {}
    for nname, n in mods[top].get("netnames", {}).items():
        for b in n["bits"]:
            if isinstance(b, int):
                names.setdefault(b, []).append(nname)
    outside = {}
    for rname, prefix in regions:
        tainted = {b for b, ns in names.items() if any(x.startswith(prefix) for x in ns)}
        clean = {}

        def clean_depth(root):
            stack = [(root, False)]
            while stack:
                name, ready = stack.pop()
                if name in clean:
                    continue
                if not ready:
                    stack.append((name, True))
                    for d in inputs(name):
                        if d not in clean:
                            stack.append((d, False))
                    continue
                c = cells[name]
                outs = [b for port, bits in c["connections"].items()
                        if c.get("port_directions", {}).get(port) == "output" for b in bits]
                ins = [b for port, bits in c["connections"].items()
                       if c.get("port_directions", {}).get(port) == "input" for b in bits]
                if any(b in tainted for b in outs) or any(isinstance(b, int) and b in tainted and b not in driver for b in ins):
                    clean[name] = -1
                    continue
                lv = 0
                for d in inputs(name):
                    if clean[d] < 0:
                        lv = -1
                        break
                    lv = max(lv, clean[d])
                clean[name] = -1 if lv < 0 else lv + (1 if c["type"] in LUTS else 0)
            return clean[root]

        outside[rname] = max((clean_depth(n) for n, c in cells.items() if c["type"] in COMB), default=0)

    best = (0, 0, 0)
    best_carry = 0
    for name, c in cells.items():
        if c["type"] in COMB:
            d = depth(name)
            best = max(best, d)
            best_carry = max(best_carry, d[2])
    luts_max = max((memo[n][0] for n in memo), default=0)
    cells_max = max((memo[n][1] for n in memo), default=0)

    def total(types):
        return sum(n for t, n in counts.items() if t in types)

    return {
        "lut": total(LUTS),
        "ff": total(FFS | LATCHES),
        "ramb36": counts.get("RAMB36E1", 0) + counts.get("RAMB36E2", 0),
        "ramb18": counts.get("RAMB18E1", 0) + counts.get("RAMB18E2", 0),
        "uram": counts.get("URAM288", 0) + counts.get("URAM288_BASE", 0),
        "dsp": counts.get("DSP48E1", 0) + counts.get("DSP48E2", 0),
        "logic_levels": luts_max,
        "cell_levels": cells_max,
        "carry4_chain": best_carry,
        "muxf": total(MUXF),
        "carry4": counts.get("CARRY4", 0),
        "lutram": sum(n for t, n in counts.items() if t.startswith(("RAM32", "RAM64", "RAM128", "RAM256", "SRL"))),
        "latches": total(LATCHES),
        **{f"logic_levels_outside_{r}": v for r, v in outside.items()},
        "cells": dict(sorted(counts.items())),
    }


FIGURES = ["lut", "ff", "ramb36", "ramb18", "uram", "dsp", "muxf", "carry4", "lutram", "latches"]
FIGURES += ["logic_levels", "logic_levels_outside_core", "cell_levels", "carry4_chain", "connections"]
KEYS = ["lut", "ff", "ramb36", "ramb18", "uram", "dsp", "logic_levels", "connections"]


def line(name, r):
    return (f"{name:<16} " + " ".join(f"{k}={r.get(k, 0)}" for k in KEYS)
            + f"  (cell_levels={r['cell_levels']} carry4_chain={r['carry4_chain']} muxf={r['muxf']})")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("netlist", nargs="?")
    ap.add_argument("--top", default="top", help="design name recorded in the report")
    ap.add_argument("--module", default="top", help="module to analyse")
    ap.add_argument("--board", default="")
    ap.add_argument("--part", default="")
    ap.add_argument("--family", default="xc7")
    ap.add_argument("--connections", type=int, default=0, help="the table's capacity (buckets x ways)")
    ap.add_argument("--tool", default="yosys synth_xilinx")
    ap.add_argument("--region", action="append", default=[], metavar="NAME=PREFIX",
                    help="also report logic_levels_outside_NAME: paths with no net named PREFIX*")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--merge", nargs="+", metavar="REPORT", help="merge per-top reports")
    a = ap.parse_args()

    if a.merge:
        tops = {}
        for path in a.merge:
            with open(path) as f:
                r = json.load(f)
            tops[r["top"]] = r
        # The first report is the board's design (its figures head the merged report); the
        # others are its blocks, synthesized alone (a block's figures are part of the design's).
        first = next(iter(tops.values()), {})
        out = {
            "board": a.board or first.get("board", ""),
            "part": a.part or first.get("part", ""),
            "family": first.get("family", ""),
            "tool": first.get("tool", ""),
            "design": first.get("top", ""),
        }
        for k in FIGURES:
            out[k] = first.get(k, 0)
        out["tops"] = tops
        for name, r in tops.items():
            print(line(name, r))
    else:
        with open(a.netlist) as f:
            netlist = json.load(f)
        out = {"top": a.top, "board": a.board, "part": a.part, "family": a.family, "tool": a.tool,
               "connections": a.connections}
        out.update(analyse(netlist, a.module, [tuple(r.split("=", 1)) for r in a.region]))
        print(line(a.top, out))
    with open(a.output, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    if out["latches"]:
        sys.exit(f"report.py: {out['latches']} latch(es) inferred")


if __name__ == "__main__":
    main()
