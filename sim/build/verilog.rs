//! Simulation-only passes over the generated Verilog (the copies in `OUT_DIR` that Verilator
//! reads; `hdl/` and `make verilog` are untouched). Neither changes what the design does.

/// Marks every scalar or vector `reg` declaration, the `output reg` ports included,
/// `/*verilator isolate_assignments*/`.
///
/// rust-hdl emits each block's `update()` as one `always @(*)` that drives its sub-blocks'
/// inputs and reads their outputs. Verilator orders whole blocks, so it sees circular logic
/// where there is none (UNOPTFLAT, waived in `hdl/lint.vlt`) and evaluates those blocks as
/// "hybrid" logic, re-run until their inputs stop changing, up to several times a clock.
/// `isolate_assignments` (Verilator manual, "Language Extensions") splits the assignments of
/// each marked signal into a block of its own, which Verilator can order statically: on the
/// board's top this removes 17 of its 19 UNOPTFLAT loops and about a quarter of the
/// instructions per cycle (docs/hdl.md, "Where the cycles go"). Memories (`reg [w] m[n];`)
/// and declarations with an initialiser are left alone. Line numbers are kept, so messages
/// (`$fatal`, lint) still point at the generated file's lines.
///
/// Output ports count: a block that drives an `output reg` and reads it back in the same
/// `always` (the segment engine computes `entry_out`, then reads its two tracker halves) is a
/// loop until the port's assignments are a block of their own. With the ports marked, the
/// core and the board have no UNOPTFLAT loop left (3 and 4 before).
pub fn isolate_assignments(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split_inclusive('\n') {
        let body = line.trim_end();
        if is_reg_declaration(body) {
            out.push_str(&body[..body.len() - 1]);
            out.push_str(" /*verilator isolate_assignments*/;");
            out.push_str(&line[body.len()..]);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// `reg name;` or `reg [msb:lsb] name;` (any spacing), or the same after `output`; nothing else.
fn is_reg_declaration(line: &str) -> bool {
    let line = line.trim_start();
    let line = match line.strip_prefix("output") {
        Some(rest) if rest.starts_with(char::is_whitespace) => rest.trim_start(),
        Some(_) => return false,
        None => line,
    };
    let Some(rest) = line.strip_prefix("reg") else {
        return false;
    };
    let Some(rest) = rest.strip_suffix(';') else {
        return false;
    };
    if !rest.starts_with(char::is_whitespace) {
        return false;
    }
    let rest = rest.trim();
    let name = match rest.strip_prefix('[') {
        Some(r) => match r.split_once(']') {
            Some((range, name))
                if range
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ':' || c == ' ') =>
            {
                name.trim()
            }
            _ => return false,
        },
        None => rest,
    };
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// The port list of the MII receiver as rust-hdl emits its module (`synscope_hdl::MiiRx`).
const MII_RX_PORTS: &str = "(rx_clk,rx_dv,rx_er,rxd,clock,reset,read,empty,data,last);";

/// The board with frames entering at its receive FIFO: `text` (the board's Verilog) with the
/// body of its MII receiver module replaced by the read side of a frame FIFO that the
/// simulator fills (a DPI import, served by the model's shim; entries as `mii_rx` writes them:
/// frame bytes, then one `last` status entry, first-word fall-through, `read` takes the head).
/// The MII pins stay as ports and are ignored, and so is `reset`: the receiver's reset drops
/// only the frame being received and owed statuses, never committed frames, and every entry
/// the simulator queues is a committed frame's. `None` when the Verilog has no MII receiver.
pub fn fifo_entry(text: &str) -> Option<String> {
    let decl = text
        .lines()
        .find(|l| l.starts_with("module ") && l.ends_with(MII_RX_PORTS))?;
    let name = decl
        .strip_prefix("module ")?
        .strip_suffix(MII_RX_PORTS)?
        .to_string();
    let start = text.find(decl)?;
    let end = start + text[start..].find("endmodule")? + "endmodule".len();
    let module = format!(
        "module {name}{MII_RX_PORTS}
    // Simulation only (synscope-sim `board_fifo`): the MII receiver is left out; frames enter
    // its frame FIFO from the simulator, already through the MAC checks (`mac_receive`).
    /* verilator lint_off UNUSEDSIGNAL */
    input wire  rx_clk;
    input wire  rx_dv;
    input wire  rx_er;
    input wire  [3:0] rxd;
    input wire  reset;
    /* verilator lint_on UNUSEDSIGNAL */
    input wire  clock;
    input wire  read;
    output reg  empty;
    output reg  [7:0] data;
    output reg  last;
    // Takes the head when `take`; returns the head after it: bit 9 valid, bit 8 last, 7..0 data.
    import \"DPI-C\" function int synscope_fifo_next(input bit take);
    initial begin
        empty = 1'b1;
        data = 8'h0;
        last = 1'b0;
    end
    always @(posedge clock) begin : head
        int h;
        h = synscope_fifo_next(read & ~empty);
        empty <= ~h[9];
        last <= h[8];
        data <= h[7:0];
    end
endmodule"
    );
    Some(format!("{}{module}{}", &text[..start], &text[end..]))
}
