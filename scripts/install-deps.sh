#!/usr/bin/env bash
# Installs the system packages synscope needs on Debian 12, only those missing.
# verilator + yosys: simulation and synthesis; tshark + tcptrace: benchmark peers; tmux: the
# console's screen test; pkg-config + libudev-dev: serial port enumeration (serialport crate);
# libpcap-dev: live capture (`-i IFACE`, the pcap crate); iproute2: the live capture's test
# (network namespaces and a veth pair).
set -euo pipefail
need=()
for pkg in verilator yosys tshark tcptrace tmux g++ make pkg-config libudev-dev libpcap-dev iproute2; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs) first" >&2; exit 1; }
