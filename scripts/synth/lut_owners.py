#!/usr/bin/env python3
"""Where the LUTs of a synthesized design go: each LUT is charged to the path ends its output
reaches through LUTs alone (flip-flops, RAMs and the top's outputs).

    scripts/synth/lut_owners.py NETLIST.json [--top N]

NETLIST is the `write_json` netlist `scripts/synth/synth.sh` writes (OUTDIR/netlist.json). A LUT
that reaches k path ends is charged 1/k to each ("shared"); "exclusive" counts the LUTs that
reach one path end only, the logic that goes away with it. Path ends are named by the net a
flip-flop drives (its register, bit index dropped), `RAM:<cell type>` and `OUT:<port>`; the
first table sums them by their first name component (the block).
"""
import argparse
import collections
import json
import re

GLUE = ("MUXF7", "MUXF8", "CARRY4")


def is_lut(cell_type):
    return cell_type.startswith("LUT") or cell_type == "INV"


def net_names(module):
    """Net bit -> a readable name (a user name over a `$` one)."""
    names = {}
    for name, net in module["netnames"].items():
        for i, bit in enumerate(net["bits"]):
            if not isinstance(bit, int):
                continue
            full = name if len(net["bits"]) == 1 else f"{name}[{i}]"
            if bit not in names or (names[bit].startswith("$") and not name.startswith("$")):
                names[bit] = full
    return names


def path_ends(module, names):
    """(name, input bits) of every flip-flop, RAM and output port."""
    ends = []
    for cell in module["cells"].values():
        conn, kind = cell["connections"], cell["type"]
        if kind.startswith("FD"):
            reg = re.sub(r"\[\d+\]$", "", names.get(conn["Q"][0], "?")).lstrip("\\")
            bits = [b for p in ("D", "CE", "R", "S", "PRE", "CLR") for b in conn.get(p, [])]
            ends.append((reg, bits))
        elif kind.startswith("RAM"):
            bits = [b for p, d in cell["port_directions"].items()
                    if d == "input" and "CLK" not in p for b in conn[p]]
            ends.append((f"RAM:{kind}", bits))
    for name, port in module["ports"].items():
        if port["direction"] == "output":
            ends.append((f"OUT:{name}", port["bits"]))
    return ends


def owners(module):
    """LUT cell name -> the set of path ends it reaches through LUTs."""
    cells = module["cells"]
    driver = {}
    for cname, cell in cells.items():
        for port, direction in cell["port_directions"].items():
            if direction == "output":
                for bit in cell["connections"][port]:
                    if isinstance(bit, int):
                        driver[bit] = cname
    reached = collections.defaultdict(set)
    for end, bits in path_ends(module, net_names(module)):
        stack, seen = list(bits), set()
        while stack:
            bit = stack.pop()
            if not isinstance(bit, int) or bit in seen:
                continue
            seen.add(bit)
            cname = driver.get(bit)
            if cname is None:
                continue
            cell = cells[cname]
            if not (is_lut(cell["type"]) or cell["type"] in GLUE) or end in reached[cname]:
                continue
            reached[cname].add(end)
            for port, direction in cell["port_directions"].items():
                if direction == "input":
                    stack.extend(cell["connections"][port])
    return {c: ends for c, ends in reached.items() if is_lut(cells[c]["type"])}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("netlist")
    ap.add_argument("--top", type=int, default=30, help="rows per table")
    args = ap.parse_args()
    with open(args.netlist) as f:
        module = json.load(f)["modules"]["top"]
    reached = owners(module)
    shared, exclusive, blocks = collections.Counter(), collections.Counter(), collections.Counter()
    for ends in reached.values():
        for end in ends:
            shared[end] += 1 / len(ends)
            blocks[re.split(r"[.$]", end)[0] if ":" not in end else end.split(":")[0]] += 1 / len(ends)
        if len(ends) == 1:
            exclusive[next(iter(ends))] += 1
    total = sum(1 for c in module["cells"].values() if is_lut(c["type"]))
    print(f"{total} LUTs, {len(reached)} reach a path end")
    for title, table in (("by block", blocks), ("shared", shared), ("exclusive", exclusive)):
        print(f"--- {title}")
        for end, n in table.most_common(args.top):
            print(f"{n:8.0f}  {end}")


if __name__ == "__main__":
    main()
