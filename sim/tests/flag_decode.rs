//! flag_decode under Verilator against `synscope_model::flags::classify`, all 512 flag values.

use synscope_model::flags::{classify, TcpFlags};
use synscope_model::FlagClass;
use synscope_sim::models::FlagDecode;

#[test]
fn flag_decode_matches_classify_for_all_512_flag_values() {
    let mut m = FlagDecode::new();
    let mut seen = [0usize; FlagClass::ALL.len()];
    for b in 0..=TcpFlags::MASK {
        m.set_flags(b as u64);
        m.eval();
        let want = classify(TcpFlags::new(b));
        let got = FlagClass::from_bits(m.flag_class() as u8);
        assert_eq!(got, Some(want), "flags {}", TcpFlags::new(b));
        assert_eq!(
            m.invalid(),
            want == FlagClass::Invalid,
            "flags {}",
            TcpFlags::new(b)
        );
        seen[want as usize] += 1;
    }
    // Every class occurs (a constant output would not pass the loop above, but say it plainly).
    assert!(seen.iter().all(|n| *n > 0), "{seen:?}");
    // 9 valid combinations of 5 bits × 16 values of PSH/ECE/CWR/AE.
    assert_eq!(512 - seen[FlagClass::Invalid as usize], 9 * 16);
}
