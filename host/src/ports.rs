//! `synscope ports`, and which port to use when `--port` is not given: the Arty's FT2232H
//! (Digilent) UART, interface B, comes first.

use anyhow::{bail, Result};
use serde_json::json;
use serialport::{SerialPortInfo, SerialPortType};

/// FTDI's vendor id and the FT2232H's product id (the Arty's USB-JTAG/UART).
const FTDI_VID: u16 = 0x0403;
const FT2232H_PID: u16 = 0x6010;

/// A serial port as listed: name, what it is, and how likely it is a synscope board.
#[derive(Clone, Debug)]
pub struct Port {
    pub name: String,
    pub description: String,
    /// 2: the Arty's UART (FT2232H interface B); 1: another FTDI/Digilent port; 0: anything else.
    pub rank: u8,
}

fn describe(info: &SerialPortInfo) -> Port {
    let (description, rank) = match &info.port_type {
        SerialPortType::UsbPort(u) => {
            let who = [u.manufacturer.as_deref(), u.product.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let digilent = (u.vid == FTDI_VID && u.pid == FT2232H_PID)
                || u.manufacturer
                    .as_deref()
                    .is_some_and(|m| m.contains("Digilent"));
            let rank = match (digilent, u.interface) {
                (true, Some(1)) => 2,
                (true, _) => 1,
                _ => 0,
            };
            let iface = u
                .interface
                .map(|i| format!(" interface {i}"))
                .unwrap_or_default();
            (
                format!("USB {:04x}:{:04x} {who}{iface}", u.vid, u.pid),
                rank,
            )
        }
        SerialPortType::PciPort => ("PCI".to_string(), 0),
        SerialPortType::BluetoothPort => ("Bluetooth".to_string(), 0),
        SerialPortType::Unknown => ("unknown".to_string(), 0),
    };
    Port {
        name: info.port_name.clone(),
        description,
        rank,
    }
}

/// Every serial port, likely boards first.
pub fn list() -> Result<Vec<Port>> {
    let mut ports: Vec<Port> = serialport::available_ports()
        .map_err(|e| anyhow::anyhow!("cannot list serial ports: {e}"))?
        .iter()
        .map(describe)
        .collect();
    ports.sort_by(|a, b| b.rank.cmp(&a.rank).then(a.name.cmp(&b.name)));
    Ok(ports)
}

/// The port to use when none is given: the Arty's UART, or say why there is none.
pub fn pick() -> Result<String> {
    let ports = list()?;
    for rank in [2, 1] {
        let found: Vec<&str> = ports
            .iter()
            .filter(|p| p.rank == rank)
            .map(|p| p.name.as_str())
            .collect();
        match found.as_slice() {
            [] => continue,
            [one] => return Ok(one.to_string()),
            many => bail!("several boards found ({}): pass --port", many.join(", ")),
        }
    }
    bail!(
        "no synscope board found (no Digilent USB serial port): plug in the Arty, pass --port, \
         or start a simulated board with `synscope sim CAPTURE --serve`"
    )
}

/// `synscope ports [--json]`.
pub fn run(json: bool) -> Result<()> {
    let ports = list()?;
    let text = if json {
        let v: Vec<_> = ports
            .iter()
            .map(|p| json!({"port": p.name, "description": p.description, "likely_board": p.rank == 2}))
            .collect();
        format!("{}\n", serde_json::to_string_pretty(&v)?)
    } else if ports.is_empty() {
        "no serial ports\n".to_string()
    } else {
        ports
            .iter()
            .map(|p| {
                let mark = if p.rank == 2 { "  <- Arty UART" } else { "" };
                format!("{:<16} {}{mark}\n", p.name, p.description)
            })
            .collect()
    };
    crate::output::write_stdout(text.as_bytes())
}
