//! The GatedRam's collision check (hdl/src/parts/ram/gated.rs) under Verilator: a read of the address the
//! write port is writing stops the simulation; reads of other addresses, or with the read
//! disabled, do not. The MII receive FIFO relies on this check to show, in every simulation that
//! runs it (sim/tests/mii_rx.rs, the board tests), that its ports never collide.

use synscope_sim::models::GatedRam;

fn ram() -> GatedRam {
    let mut m = GatedRam::new();
    m.eval();
    m
}

/// Write `data` at `wa` on a write clock edge while the read port reads `ra` (enabled or not)
/// at a read clock edge inside the same write cycle.
fn cycle(m: &mut GatedRam, wa: u64, data: u64, ra: u64, read: bool) {
    m.set_write_address(wa);
    m.set_write_data(data);
    m.set_write_enable(true);
    m.set_read_address(ra);
    m.set_read_enable(read);
    m.eval();
    m.set_read_clock(true);
    m.eval();
    m.set_read_clock(false);
    m.eval();
    m.set_write_clock(true);
    m.eval();
    m.set_write_clock(false);
    m.set_write_enable(false);
    m.eval();
}

#[test]
fn reads_of_other_addresses_pass_and_read_back_what_was_written() {
    let mut m = ram();
    for a in 0..16 {
        cycle(&mut m, a, 0x10 + a, (a + 1) % 16, true);
    }
    // A read with the enable low leaves the read register as it was.
    cycle(&mut m, 3, 0xee, 5, true);
    assert_eq!(m.read_data(), 0x15);
    cycle(&mut m, 4, 0xdd, 7, false);
    assert_eq!(m.read_data(), 0x15);
    // A disabled read of the address being written is no collision.
    cycle(&mut m, 9, 0x99, 9, false);
    cycle(&mut m, 0, 0x00, 9, true);
    assert_eq!(m.read_data(), 0x99);
}

#[test]
#[should_panic]
fn a_read_of_the_address_being_written_stops_the_simulation() {
    let mut m = ram();
    cycle(&mut m, 6, 0x66, 6, true);
}
