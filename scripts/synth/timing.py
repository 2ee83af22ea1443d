#!/usr/bin/env python3
"""Pre-route timing estimate of a yosys `synth_xilinx` netlist (write_json output), per clock domain.

    timing.py NETLIST.json --name NAME [--family xc7|xcup] [--period DOMAIN=NS ...]
              [--default-period NS] [--paths N] -o REPORT.json

What it is: static timing analysis of the synthesized netlist with published cell delays and a
stated routing allowance, before any placement. It is an estimate, not a sign-off: place and
route (Vivado, nextpnr-xilinx) decides; what this gives is which paths are long, by how much, and
whether the design is in reach of its clock with margin.

Model (docs/hdl.md, "Timing on paper"):
  * Cell arcs, Xilinx 7-series -1 speed grade (the Arty A7-35T's -1LI has "the same speed
    specifications as the -1 speed grade", DS181 Introduction). Slice arcs (LUT pin to O, MUXF7/8,
    CARRY4 per input/output pair, FF clock to Q, SRL/LUT-RAM clock to out and address to out) are
    Vivado's timing model as extracted by Project X-Ray (prjxray-db artix7 timings/*.sdf), the
    numbers yosys's techlibs/xilinx/cells_sim.v specify blocks carry. Block RAM clock to DOUT:
    2.46 ns without the output register, 0.89 ns with it (-1/-1L; Block RAM and FIFO Switching
    Characteristics, DS189 Table 30, the same 7-series block RAM as DS181's; prjxray-db
    BRAM_L.sdf: 2.454 / 0.882). Setup: block RAM ADDR 0.57 ns, DI 0.74 ns (DS189 Table 30),
    WE 0.532 ns, FF D 0 (its -0.046 ns SDF value, taken as 0), CE 0.109, R/S 0.404 (prjxray-db).
  * UltraScale+ (`--family xcup`): no slice arcs are published for it (DS923 gives only
    maxima: BUFG, block RAM, UltraRAM, DSP). The 7-series -1 arcs above are used as an upper
    bound (16 nm UltraScale+ -1 is faster than 28 nm 7-series -1 in every figure both data sheets
    publish), CARRY8 takes CARRY4's worst arcs, URAM288 clock to DOUT takes the 7-series block
    RAM's unregistered 2.46 ns. The xcup estimate is therefore pessimistic, on purpose.
  * Routing allowance per net, added once where a net leaves its driver:
        ROUTE_BASE + ROUTE_PER_DOUBLING * ceil(log2(fanout))    (fanout = sink pins)
    = 0.45 ns for one sink, +0.12 ns each time the fanout doubles (1.65 ns at 1024 sinks).
    Conservative for a placed 7-series design: a one-sink local route is one or two switch-box
    hops (prjxray-db interconnect delays are ~0.1-0.3 ns a hop), a high-fanout net is spread
    over more of the die. Clock nets are not data nets (global clock buffers): no allowance.
  * A path starts at a register, block RAM, LUT RAM/SRL output, or an input port (its arrival 0:
    the pads are sampled into registers at the pins; input and output ports are reported apart,
    like Vivado without I/O delays). It ends at a register/RAM input (+ its setup) or an output
    port. Clock domain = the top-level clock port the sequential cell's clock comes from (through
    IBUF/BUFG). A path whose two ends are in different domains is a clock crossing: reported
    apart (Vivado gets a `set_max_delay -datapath_only` for those, constraints/vivado-extra.xdc),
    never in `worst_ns`.

Writes REPORT.json: {"name", "family", "model", "periods", "worst_ns": {domain: ns},
"slack_ns": {domain: ns}, "paths": [worst paths, each with its cells and nets], "crossings": [...]}.
"""
import argparse
import json
import math
import sys

ROUTE_BASE = 0.45
ROUTE_PER_DOUBLING = 0.12

# ---- cell arcs (ns), 7-series -1 (see the module doc)
LUT_PIN = {  # yosys LUTk pin Ij -> O (yosys maps I0 to the slowest physical pin)
    "LUT1": [0.127],
    "LUT2": [0.238, 0.127],
    "LUT3": [0.407, 0.238, 0.127],
    "LUT4": [0.472, 0.407, 0.238, 0.127],
    "LUT5": [0.631, 0.472, 0.407, 0.238, 0.127],
    "LUT6": [0.642, 0.631, 0.472, 0.407, 0.238, 0.127],
}
MUXF = {"MUXF7": {"I0": 0.217, "I1": 0.223, "S": 0.296},
        "MUXF8": {"I0": 0.104, "I1": 0.094, "S": 0.273},
        "MUXF9": {"I0": 0.104, "I1": 0.104, "S": 0.273}}
# CARRY4 (input pin, output pin) -> ns; prjxray-db CLBLL_L.sdf as in yosys cells_sim.v.
CARRY4 = {}
for (i, o), d in {
    ("CYINIT", "O0"): 0.482, ("S0", "O0"): 0.223, ("CI", "O0"): 0.222,
    ("CYINIT", "O1"): 0.598, ("DI0", "O1"): 0.407, ("S0", "O1"): 0.400, ("S1", "O1"): 0.205, ("CI", "O1"): 0.334,
    ("CYINIT", "O2"): 0.584, ("DI0", "O2"): 0.556, ("DI1", "O2"): 0.537, ("S0", "O2"): 0.523,
    ("S1", "O2"): 0.558, ("S2", "O2"): 0.226, ("CI", "O2"): 0.239,
    ("CYINIT", "O3"): 0.642, ("DI0", "O3"): 0.615, ("DI1", "O3"): 0.596, ("DI2", "O3"): 0.438,
    ("S0", "O3"): 0.582, ("S1", "O3"): 0.618, ("S2", "O3"): 0.330, ("S3", "O3"): 0.227, ("CI", "O3"): 0.313,
    ("CYINIT", "CO0"): 0.536, ("DI0", "CO0"): 0.379, ("S0", "CO0"): 0.340, ("CI", "CO0"): 0.271,
    ("CYINIT", "CO1"): 0.494, ("DI0", "CO1"): 0.465, ("DI1", "CO1"): 0.445, ("S0", "CO1"): 0.433,
    ("S1", "CO1"): 0.469, ("CI", "CO1"): 0.157,
    ("CYINIT", "CO2"): 0.592, ("DI0", "CO2"): 0.540, ("DI1", "CO2"): 0.520, ("DI2", "CO2"): 0.356,
    ("S0", "CO2"): 0.512, ("S1", "CO2"): 0.548, ("S2", "CO2"): 0.292, ("CI", "CO2"): 0.228,
    ("CYINIT", "CO3"): 0.580, ("DI0", "CO3"): 0.526, ("DI1", "CO3"): 0.507, ("DI2", "CO3"): 0.398,
    ("DI3", "CO3"): 0.385, ("S0", "CO3"): 0.508, ("S1", "CO3"): 0.528, ("S2", "CO3"): 0.378,
    ("S3", "CO3"): 0.380, ("CI", "CO3"): 0.114,
}.items():
    CARRY4[(i, o)] = d
CARRY_WORST = max(CARRY4.values())
CARRY_CI_WORST = max(d for (i, _), d in CARRY4.items() if i == "CI")

FF_TYPES = {"FDRE", "FDSE", "FDCE", "FDPE", "LDCE", "LDPE"}
FF_CKO = 0.303
FF_SETUP = {"D": 0.0, "CE": 0.109, "R": 0.404, "S": 0.404, "CLR": 0.404, "PRE": 0.404, "G": 0.0, "GE": 0.109}
BRAM_CKO = 2.46
BRAM_CKO_REG = 0.89
BRAM_SETUP_ADDR = 0.57
BRAM_SETUP_DI = 0.74
BRAM_SETUP_WE = 0.532
BRAM_SETUP_OTHER = 0.36
LUTRAM_CKO = 1.153 + 0.223 + 0.174  # WCLK -> O through the F7 mux and the slice's output mux
LUTRAM_SETUP = 0.654  # WE; address/data setups are smaller
SRL_CKO = 1.472
SRL_SETUP = 0.173
BUFFERS = {"BUFG", "BUFGCTRL", "BUFGCE", "BUFH", "BUFR", "BUFIO", "IBUF", "IBUFG", "BUFG_GT", "BUFGCE_DIV"}
IO_IN = {"IBUF", "IBUFG", "IOBUF"}
IO_OUT = {"OBUF", "OBUFT", "IOBUF"}


def route(fanout):
    """The routing allowance of a net with `fanout` sink pins (ns)."""
    return ROUTE_BASE + ROUTE_PER_DOUBLING * math.ceil(math.log2(max(1, fanout)))


def is_lutram(t):
    return t.startswith(("RAM32", "RAM64", "RAM128", "RAM256", "RAM512"))


def is_bram(t):
    return t.startswith(("RAMB18", "RAMB36", "FIFO18", "FIFO36", "URAM"))


def is_srl(t):
    return t.startswith("SRL")


class Netlist:
    def __init__(self, netlist, module):
        mods = netlist["modules"]
        if module not in mods:
            sys.exit(f"timing.py: module {module!r} not in the netlist")
        m = mods[module]
        self.cells = m["cells"]
        self.ports = m.get("ports", {})
        # Best name of each bit: a user-visible net name (not hidden), shortest.
        self.name = {}
        for name, n in m.get("netnames", {}).items():
            hidden = n.get("hide_name", 0)
            for i, b in enumerate(n["bits"]):
                if not isinstance(b, int):
                    continue
                label = name if len(n["bits"]) == 1 else f"{name}[{i}]"
                cur = self.name.get(b)
                key = (hidden, len(label))
                if cur is None or key < cur[0]:
                    self.name[b] = (key, label)
        self.name = {b: v[1] for b, v in self.name.items()}
        # Drivers and sinks of every bit.
        self.driver = {}  # bit -> (cell, port, index)
        self.sinks = {}  # bit -> [(cell, port, index)]
        for pname, p in self.ports.items():
            for i, b in enumerate(p["bits"]):
                if not isinstance(b, int):
                    continue
                if p["direction"] == "input":
                    self.driver[b] = ("$port", pname, i)
                else:
                    self.sinks.setdefault(b, []).append(("$port", pname, i))
        for cname, c in self.cells.items():
            dirs = c.get("port_directions", {})
            for port, bits in c["connections"].items():
                for i, b in enumerate(bits):
                    if not isinstance(b, int):
                        continue
                    if dirs.get(port) == "output":
                        self.driver[b] = (cname, port, i)
                    else:
                        self.sinks.setdefault(b, []).append((cname, port, i))

    def bit_name(self, b):
        return self.name.get(b, f"${b}")

    def clock_domain(self, bit, seen=None):
        """The top-level clock port a clock bit comes from (through buffers), else its net name."""
        seen = seen or set()
        while bit not in seen:
            seen.add(bit)
            d = self.driver.get(bit)
            if d is None:
                break
            cell, port, _ = d
            if cell == "$port":
                return port
            c = self.cells[cell]
            if c["type"] not in BUFFERS:
                break
            ins = c["connections"].get("I") or c["connections"].get("I0")
            if not ins or not isinstance(ins[0], int):
                break
            bit = ins[0]
        return self.bit_name(bit)


def clock_pin(t, port):
    """The clock pin that times `port` of a sequential cell of type `t` (None: not timed)."""
    if t in FF_TYPES:
        return "G" if t.startswith("LD") else "C"
    if is_srl(t):
        return "CLK"
    if is_lutram(t):
        return "WCLK"
    if t.startswith(("RAMB18", "RAMB36")):
        # Port A side: ADDRARDADDR, DIADI, DIPADIP, WEA, ENARDEN, DOADO, DOPADOP, REGCEAREGCE...
        a_side = port in ("ADDRARDADDR", "DIADI", "DIPADIP", "WEA", "ENARDEN", "DOADO", "DOPADOP",
                          "REGCEAREGCE", "RSTRAMARSTRAM", "RSTREGARSTREG")
        return "CLKARDCLK" if a_side else "CLKBWRCLK"
    if t.startswith("URAM"):
        return "CLK"
    return None


def estimate(nl, family, periods, default_period, keep_paths, regions=()):
    cells = nl.cells
    fanout = {b: len(s) for b, s in nl.sinks.items()}

    def netd(b):
        return route(fanout.get(b, 1))

    # ---- start points: bit -> list of (domain, arrival at the driver output, start label)
    start = {}
    for cname, c in cells.items():
        t = c["type"]
        dirs = c.get("port_directions", {})
        conn = c["connections"]
        for port, bits in conn.items():
            if dirs.get(port) != "output":
                continue
            cko = None
            if t in FF_TYPES:
                cko = FF_CKO
            elif is_bram(t):
                reg = str(c.get("parameters", {}).get("DOA_REG" if "A" in port[:3] else "DOB_REG", "0"))
                cko = BRAM_CKO_REG if reg.strip("0") else BRAM_CKO
            elif is_lutram(t):
                cko = LUTRAM_CKO
            elif is_srl(t):
                cko = SRL_CKO
            if cko is None:
                continue
            cp = clock_pin(t, port)
            cbits = conn.get(cp, [])
            dom = nl.clock_domain(cbits[0]) if cbits and isinstance(cbits[0], int) else "?"
            for b in bits:
                if isinstance(b, int):
                    start[b] = (dom, cko, f"{cname} ({t}.{port})")
    for pname, p in nl.ports.items():
        if p["direction"] != "input":
            continue
        for b in p["bits"]:
            if isinstance(b, int):
                start.setdefault(b, ("input", 0.0, f"port {pname}"))

    # ---- combinational arcs: output bit -> [(input bit, delay, cell, is_lut)]
    arcs = {}

    def add(ob, ib, d, cname, lut):
        if isinstance(ob, int) and isinstance(ib, int):
            arcs.setdefault(ob, []).append((ib, d, cname, lut))

    for cname, c in cells.items():
        t = c["type"]
        conn = c["connections"]
        if t in LUT_PIN:
            o = conn["O"][0]
            for j, d in enumerate(LUT_PIN[t]):
                add(o, conn[f"I{j}"][0], d, cname, True)
        elif t == "INV":
            add(conn["O"][0], conn["I"][0], LUT_PIN["LUT1"][0], cname, True)
        elif t in MUXF:
            for p, d in MUXF[t].items():
                add(conn["O"][0], conn[p][0], d, cname, False)
        elif t == "CARRY4":
            for o_port in ("O", "CO"):
                for k, ob in enumerate(conn.get(o_port, [])):
                    for i_port in ("CI", "CYINIT", "DI", "S"):
                        for j, ib in enumerate(conn.get(i_port, [])):
                            key = (i_port if i_port in ("CI", "CYINIT") else f"{i_port}{j}", f"{o_port}{k}")
                            if key in CARRY4:
                                add(ob, ib, CARRY4[key], cname, False)
        elif t == "CARRY8":
            for o_port in ("O", "CO"):
                for k, ob in enumerate(conn.get(o_port, [])):
                    for i_port in ("CI", "CI_TOP", "DI", "S"):
                        for j, ib in enumerate(conn.get(i_port, [])):
                            if i_port in ("DI", "S") and j > k:
                                continue
                            d = CARRY_CI_WORST if i_port.startswith("CI") else CARRY_WORST
                            add(ob, ib, d, cname, False)
        elif is_lutram(t):
            # Asynchronous read: read address -> data out, like a LUT (+ the wide-mux stages).
            dirs = c.get("port_directions", {})
            outs = [b for p, bits in conn.items() if dirs.get(p) == "output" for b in bits]
            for p, bits in conn.items():
                if dirs.get(p) == "input" and (p.startswith("ADDR") or p.startswith("DPRA") or p.startswith("A")):
                    for ib in bits:
                        for ob in outs:
                            add(ob, ib, 0.642 + 0.223 + 0.174, cname, True)
        elif is_srl(t):
            for p in ("A0", "A1", "A2", "A3", "A"):
                for ib in conn.get(p, []):
                    add(conn["Q"][0], ib, 0.631, cname, True)

    # ---- arrival times, per launching domain: bit -> {domain: (t, luts, pred)}
    memo = {}

    def arrival(root):
        stack = [(root, False)]
        onstack = set()
        while stack:
            b, ready = stack.pop()
            if b in memo:
                continue
            if not ready:
                if b in onstack:
                    sys.exit(f"timing.py: combinational loop through {nl.bit_name(b)}")
                onstack.add(b)
                stack.append((b, True))
                if b not in start:
                    for ib, _, _, _ in arcs.get(b, []):
                        if ib not in memo:
                            stack.append((ib, False))
                continue
            onstack.discard(b)
            res = {}
            if b in start:
                dom, t0, label = start[b]
                res[dom] = (t0 + netd(b), 0, None, label)
            else:
                for ib, d, cname, lut in arcs.get(b, []):
                    for dom, (t, luts, _, _) in memo[ib].items():
                        cand = (t + d + netd(b), luts + (1 if lut else 0), (ib, cname), None)
                        if dom not in res or cand[0] > res[dom][0]:
                            res[dom] = cand
            memo[b] = res
        return memo[root]

    # ---- endpoints
    ends = []  # (domain of capture, setup, bit, label)
    for cname, c in cells.items():
        t = c["type"]
        dirs = c.get("port_directions", {})
        conn = c["connections"]
        seq = t in FF_TYPES or is_bram(t) or is_lutram(t) or is_srl(t)
        if not seq:
            continue
        for port, bits in conn.items():
            if dirs.get(port) != "input":
                continue
            cp = clock_pin(t, port)
            if cp is None or port == cp or port.startswith("CLK") or port == "WCLK":
                continue
            if is_lutram(t) and (port.startswith("DPRA") or (port.startswith("ADDR") and not port.startswith("ADDRD"))):
                continue  # read address: combinational, handled as an arc
            if is_srl(t) and port.startswith("A"):
                continue
            if t in FF_TYPES:
                setup = FF_SETUP.get(port, 0.0)
            elif is_bram(t):
                setup = (BRAM_SETUP_ADDR if port.startswith("ADDR") else BRAM_SETUP_DI if port.startswith("DI")
                         else BRAM_SETUP_WE if port.startswith("WE") else BRAM_SETUP_OTHER)
            elif is_lutram(t):
                setup = LUTRAM_SETUP
            else:
                setup = SRL_SETUP
            cbits = conn.get(cp, [])
            dom = nl.clock_domain(cbits[0]) if cbits and isinstance(cbits[0], int) else "?"
            owner = cname
            if t in FF_TYPES and isinstance(conn.get("Q", [None])[0], int):
                owner = nl.bit_name(conn["Q"][0])
            for b in bits:
                if isinstance(b, int) and b in nl.driver:
                    ends.append((dom, setup, b, f"{owner} ({t}.{port})"))
    for pname, p in nl.ports.items():
        if p["direction"] == "output":
            for b in p["bits"]:
                if isinstance(b, int) and b in nl.driver:
                    ends.append(("output", 0.0, b, f"port {pname}"))

    # ---- the worst path per (launch, capture) pair of domains
    found = []
    for dom, setup, b, label in ends:
        for ldom, (t, luts, pred, slabel) in arrival(b).items():
            found.append((t + setup, dom, ldom, luts, b, label))
    found.sort(key=lambda x: -x[0])

    def trace(b, ldom):
        steps = []
        while True:
            t, luts, pred, slabel = memo[b][ldom]
            if pred is None:
                steps.append({"net": nl.bit_name(b), "at_ns": round(t, 3), "from": slabel})
                break
            ib, cname = pred
            steps.append({"net": nl.bit_name(b), "at_ns": round(t, 3), "cell": cname,
                          "type": cells[cname]["type"]})
            b = ib
        return list(reversed(steps))

    worst = {}
    slack = {}
    paths = []
    crossings = []
    per_domain = {}
    # Per region (a name prefix): the worst path of each domain that touches the region, and
    # the worst that does not ("outside").
    by_region = {r: {"inside": {}, "outside": {}} for r, _ in regions}
    for total, dom, ldom, luts, b, label in found:
        key = (ldom, dom)
        n = per_domain.get(key, 0)
        todo_regions = [
            (r, pre) for r, pre in regions if ldom == dom and
            (dom not in by_region[r]["inside"] or dom not in by_region[r]["outside"])]
        if n >= keep_paths and not todo_regions:
            continue
        steps = trace(b, ldom)
        rec = {"launch": ldom, "capture": dom, "ns": round(total, 3), "lut_levels": luts,
               "from": steps[0].get("from", ""), "to": label, "steps": steps}
        for r, pre in todo_regions:
            names = [s["net"] for s in steps] + [label]
            side = "inside" if any(x.startswith(pre) for x in names) else "outside"
            if dom not in by_region[r][side]:
                by_region[r][side][dom] = {k: rec[k] for k in ("ns", "lut_levels", "from", "to")}
                by_region[r][side][dom]["start_net"] = steps[0]["net"]
        if n >= keep_paths:
            continue
        per_domain[key] = n + 1
        if ldom == dom:
            if dom not in worst:
                worst[dom] = round(total, 3)
                slack[dom] = round(periods.get(dom, default_period) - total, 3)
            paths.append(rec)
        else:
            crossings.append(rec)
    return {"worst_ns": worst, "slack_ns": slack, "regions": by_region, "paths": paths,
            "crossings": crossings}


def merge(a):
    tops = {}
    for path in a.merge:
        with open(path) as f:
            r = json.load(f)
        tops[r["name"]] = r
    first = next(iter(tops.values()))
    out = {
        "board": a.board,
        "design": first["name"],
        "family": first["family"],
        "model": first["model"],
        "periods": first["periods"],
        "worst_ns": first["worst_ns"],
        "slack_ns": first["slack_ns"],
        "regions": first["regions"],
        "paths": first["paths"],
        "crossings": first["crossings"],
        "tops": {n: {k: r[k] for k in ("worst_ns", "slack_ns", "regions")} for n, r in tops.items()},
    }
    with open(a.output, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for n, r in tops.items():
        print(f"{n:<16} " + "  ".join(f"{d}={ns:.3f}" for d, ns in sorted(r["worst_ns"].items())))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("netlist", nargs="?")
    ap.add_argument("--merge", nargs="+", metavar="REPORT", help="merge per-top reports (design first)")
    ap.add_argument("--board", default="")
    ap.add_argument("--name", default="top")
    ap.add_argument("--module", default="top")
    ap.add_argument("--family", default="xc7", choices=["xc7", "xcup"])
    ap.add_argument("--period", action="append", default=[], metavar="DOMAIN=NS")
    ap.add_argument("--default-period", type=float, default=10.0)
    ap.add_argument("--paths", type=int, default=5, help="worst paths kept per pair of domains")
    ap.add_argument("--show", type=int, default=3, help="paths printed per domain")
    ap.add_argument("--region", action="append", default=[], metavar="NAME=PREFIX",
                    help="also report the worst path per domain inside / outside the nets named PREFIX*")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    regions = [tuple(r.split("=", 1)) for r in a.region]
    if a.merge:
        return merge(a)
    periods = {}
    for p in a.period:
        k, _, v = p.partition("=")
        periods[k] = float(v)
    with open(a.netlist) as f:
        nl = Netlist(json.load(f), a.module)
    r = estimate(nl, a.family, periods, a.default_period, a.paths, regions)
    out = {
        "name": a.name,
        "family": a.family,
        "model": {
            "cells": "7-series -1 (= -1LI, DS181): prjxray-db SDF arcs (yosys cells_sim.v), "
                     "block RAM DS189 Table 30" + ("; xcup: the same arcs as an upper bound" if a.family == "xcup" else ""),
            "route_ns": f"{ROUTE_BASE} + {ROUTE_PER_DOUBLING} * ceil(log2(fanout))",
        },
        "periods": {d: periods.get(d, a.default_period) for d in r["worst_ns"]},
        **r,
    }
    with open(a.output, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for dom, ns in sorted(r["worst_ns"].items(), key=lambda x: -x[1]):
        per = periods.get(dom, a.default_period)
        print(f"{a.name} [{dom}] worst {ns:.3f} ns (period {per:g} ns, slack {per - ns:+.3f})")
        for p in [p for p in r["paths"] if p["capture"] == dom][: a.show]:
            print(f"    {p['ns']:7.3f} ns {p['lut_levels']:2d} LUT  {p['steps'][0]['net']}  ->  {p['to']}")
    for reg, sides in r["regions"].items():
        for side, doms in sides.items():
            for dom, p in doms.items():
                print(f"{a.name} [{dom}] worst {side} {reg}: {p['ns']:.3f} ns {p['lut_levels']} LUT  "
                      f"{p['start_net']} -> {p['to']}")
    for p in r["crossings"][: a.show]:
        print(f"{a.name} crossing {p['launch']} -> {p['capture']}: {p['ns']:.3f} ns  "
              f"{p['steps'][0]['net']} -> {p['to']}")


if __name__ == "__main__":
    main()
