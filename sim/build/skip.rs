//! What the board's shim needs to skip the cycles in which nothing changes
//! (`csrc/synscope_shim.inc`, "Skipping"; docs/hdl.md, "Skipping the cycles in which nothing
//! changes"): the members of the model's root that hold its state, from the root header
//! Verilator wrote.
//!
//! A member is state to compare unless it is
//! * a port (inputs are the driver's, outputs are computed from the state),
//! * Verilator's own (`__V…`: triggers, the last levels of clocks, NBA and DFG temporaries,
//!   all recomputed from the state),
//! * a memory (`VlUnpacked`: written only through write enables that are themselves state;
//!   the shim's rule of two equal steps covers a write that repeats),
//! * the transmitter's bit timer or its copies ([`TX_TIMER`]), which the shim advances with
//!   the `tx_fast_forward` port instead.

/// Members that are the transmitter's bit timer (`uart_tx`'s `count` register, its next value,
/// its `timer` output): names end with one of these.
pub const TX_TIMER: [&str; 3] = [
    "utx__DOT__count__024q",
    "utx__DOT__count__024d",
    "utx__024timer",
];

/// The member that must exist for skipping to be exact: the timer register itself.
const TX_TIMER_REGISTER: &str = "utx__DOT__count__024q";

/// One member declaration of the root header: `CData/*0:0*/ name;`, `VlWide<15>/*469:0*/
/// name;` … (ports are `VL_IN8(name,0,0);` and memories `VlUnpacked<…> name;`: not matched).
fn member(line: &str) -> Option<&str> {
    let line = line.trim();
    let ty_end = line.find(['/', ' '])?;
    let ty = &line[..ty_end];
    let scalar = matches!(ty, "CData" | "SData" | "IData" | "QData" | "EData")
        || (ty.starts_with("VlWide<") && ty.ends_with('>'));
    if !scalar {
        return None;
    }
    let name = line.rsplit(' ').next()?.strip_suffix(';')?;
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
        .then_some(name)
}

/// The state members of a board model to compare from one cycle to the next, or `None` when
/// the header has no transmitter bit timer by the expected name (skipping is then left out,
/// and said so at build time).
pub fn state_members(root_header: &str) -> Option<Vec<String>> {
    let mut found_timer = false;
    let mut members = Vec::new();
    for name in root_header.lines().filter_map(member) {
        if name.ends_with(TX_TIMER_REGISTER) {
            found_timer = true;
        }
        if name.contains("__V") || TX_TIMER.iter().any(|t| name.ends_with(t)) {
            continue;
        }
        members.push(name.to_string());
    }
    (found_timer && !members.is_empty()).then_some(members)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_state_but_not_ports_memories_timer_or_verilators() {
        let h = "    struct {\n        VL_IN8(clock,0,0);\n        CData/*0:0*/ top__DOT__a__024q;\n        \
                 SData/*15:0*/ top__DOT__utx__DOT__count__024q;\n        SData/*15:0*/ top__DOT__utx__DOT__count__024d;\n        \
                 VlWide<15>/*469:0*/ top__DOT__core__DOT__view;\n        CData/*0:0*/ __Vtrigrprev__TOP__clock;\n        \
                 CData/*3:0*/ top__DOT__bank__DOT____VdfgTmp_h1__0;\n        \
                 VlUnpacked<CData/*0:0*/, 512> top__DOT__ep__DOT__mem;\n    };\n";
        assert_eq!(
            state_members(h).unwrap(),
            ["top__DOT__a__024q", "top__DOT__core__DOT__view"]
        );
        assert_eq!(state_members("CData/*0:0*/ top__DOT__a__024q;\n"), None);
    }
}
