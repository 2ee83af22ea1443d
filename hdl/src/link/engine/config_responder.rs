//! `ConfigResponder`: the engine's configuration, `GET_CONFIG` and `SET_CONFIG`, and the ops
//! that only pulse the core (`CLEAR_COUNTERS`, `RESET_TABLE`) (docs/protocol.md, "Operations").
//!
//! The engine holds the configuration: timeouts, event mask and rate, baud code and hash key.
//! Timeouts are loaded into the core (`timeouts_load`), a hash key too (`key_load`: the table is
//! emptied, as `Table::set_hash_key`); `RESET_TABLE` (`reload_key`) loads the same key again.
//! `CLEAR_COUNTERS` (`clear`) pulses the core's `clear_counters` (the table, gauges, time and
//! timeouts stay).
//!
//! `set` applies a `SET_CONFIG` request the front end has validated, by its `item` (`setting`: the
//! payload's bytes after the item). A baud code changes the `divisor` output only once the (empty)
//! response has left the framer and `tx_idle` says the line is idle: the answer goes out at
//! the old rate. So `set` of the baud (`set_waits`) leaves the responder waiting, and the
//! sequencer hands it the line (`active`) after the header; `done` when the rate is switched.
//!
//! `get` starts a `GET_CONFIG` answer, sent while `active`: the timeouts
//! ([`TimeoutsPiece`]), the rest ([`ConfigPiece`]), then the key in two halves
//! ([`KeyHalfPiece`]), a piece each (`ld`, `n`, `last`) when the transmit register is `free`.
//!
//! `reset` (synchronous) returns the configuration to the defaults, except the hash key, which
//! (as in the core) survives a reset.

use crate::conn::entry_age::TIMEOUT_BITS;
use crate::conn::toeplitz_hash::KEY_BITS;
use crate::link::engine::request_front::SETTING_BITS;
use crate::link::engine::{le_word, PIECE_N_BITS, TX_BITS};
use crate::link::uart::{divisors, DIVISOR_BITS};
use crate::parts::konst::konst as c;
use rust_hdl::prelude::*;
use synscope_model::hash::{DEFAULT_HASH_KEY, HASH_KEY_BYTES};
use synscope_model::protocol::payload::event_bits;
use synscope_model::protocol::ConfigItem;
use synscope_model::timeouts::Timeouts;

/// `GET_CONFIG`, first part: the five timeouts (`encode_timeouts`).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct TimeoutsPiece {
    pub time_wait: Bits<32>,
    pub handshake: Bits<32>,
    pub fin_wait_2: Bits<32>,
    pub idle: Bits<32>,
    pub linger: Bits<32>,
}

/// `GET_CONFIG`, after the timeouts (`Config::encode`); then the key, in two halves.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct ConfigPiece {
    pub event_mask: Bits<8>,
    pub event_rate: Bits<16>,
    pub baud_code: Bits<8>,
}

/// Bytes of each half of the key in `GET_CONFIG`.
pub const KEY_HALF_BYTES: usize = HASH_KEY_BYTES / 2;

/// Half the key bytes in wire order (first byte lowest).
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct KeyHalfPiece {
    pub bytes: Bits<{ KEY_HALF_BYTES * 8 }>,
}

/// The hash key word (`toeplitz_hash::key_word`: the first wire byte is the most significant)
/// of the key bytes in wire order.
#[derive(LogicStruct, Copy, Clone, Default, PartialEq, Debug)]
pub struct KeyWord {
    pub k39: Bits<8>,
    pub k38: Bits<8>,
    pub k37: Bits<8>,
    pub k36: Bits<8>,
    pub k35: Bits<8>,
    pub k34: Bits<8>,
    pub k33: Bits<8>,
    pub k32: Bits<8>,
    pub k31: Bits<8>,
    pub k30: Bits<8>,
    pub k29: Bits<8>,
    pub k28: Bits<8>,
    pub k27: Bits<8>,
    pub k26: Bits<8>,
    pub k25: Bits<8>,
    pub k24: Bits<8>,
    pub k23: Bits<8>,
    pub k22: Bits<8>,
    pub k21: Bits<8>,
    pub k20: Bits<8>,
    pub k19: Bits<8>,
    pub k18: Bits<8>,
    pub k17: Bits<8>,
    pub k16: Bits<8>,
    pub k15: Bits<8>,
    pub k14: Bits<8>,
    pub k13: Bits<8>,
    pub k12: Bits<8>,
    pub k11: Bits<8>,
    pub k10: Bits<8>,
    pub k9: Bits<8>,
    pub k8: Bits<8>,
    pub k7: Bits<8>,
    pub k6: Bits<8>,
    pub k5: Bits<8>,
    pub k4: Bits<8>,
    pub k3: Bits<8>,
    pub k2: Bits<8>,
    pub k1: Bits<8>,
    pub k0: Bits<8>,
}

const _: () = assert!(ConfigPiece::BITS + 2 * KeyHalfPiece::BITS == (4 + HASH_KEY_BYTES) * 8);
const _: () = assert!(KEY_HALF_BYTES * 8 == 160 && KEY_BITS == 320);
const _: () = assert!(TimeoutsPiece::BITS <= TX_BITS);

/// The responder's steps.
#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum ConfigStep {
    /// `GET_CONFIG`: the timeouts, the rest, the key's two halves.
    Timeouts,
    Rest,
    Key1,
    Key2,
    /// `SET_CONFIG` of the baud: wait for the line to be idle, then switch.
    BaudWait,
}

/// The configuration responder.
#[derive(LogicBlock)]
pub struct ConfigResponder {
    pub clock: Signal<In, Clock>,
    /// Synchronous.
    pub reset: Signal<In, Bit>,
    /// The request's payload: `item` and the bytes after it (`RequestFrontEnd::setting`).
    pub item: Signal<In, Bits<8>>,
    pub setting: Signal<In, Bits<SETTING_BITS>>,
    /// Apply the (valid) `SET_CONFIG` request; `set_waits`: it is the baud.
    pub set: Signal<In, Bit>,
    pub set_waits: Signal<Out, Bit>,
    /// Start a `GET_CONFIG` answer.
    pub get: Signal<In, Bit>,
    /// `CLEAR_COUNTERS`, `RESET_TABLE`.
    pub clear: Signal<In, Bit>,
    pub reload_key: Signal<In, Bit>,
    /// The sequencer has handed the transmit register to this responder.
    pub active: Signal<In, Bit>,
    /// The transmit register takes a piece in this cycle.
    pub free: Signal<In, Bit>,
    /// The line has sent everything (framer and transmitter idle).
    pub tx_idle: Signal<In, Bit>,
    // ---- the configuration
    /// Clock cycles per bit for the UART (`uart::divisor` of the baud code).
    pub divisor: Signal<Out, Bits<DIVISOR_BITS>>,
    pub event_mask: Signal<Out, Bits<8>>,
    pub event_rate: Signal<Out, Bits<16>>,
    /// `toeplitz_hash::key_word` of the key.
    pub key_word: Signal<Out, Bits<KEY_BITS>>,
    // ---- core ports
    pub core_key_load: Signal<Out, Bit>,
    pub core_time_wait: Signal<Out, Bits<TIMEOUT_BITS>>,
    pub core_handshake: Signal<Out, Bits<TIMEOUT_BITS>>,
    pub core_fin_wait_2: Signal<Out, Bits<TIMEOUT_BITS>>,
    pub core_idle: Signal<Out, Bits<TIMEOUT_BITS>>,
    pub core_linger: Signal<Out, Bits<TIMEOUT_BITS>>,
    pub core_timeouts_load: Signal<Out, Bit>,
    pub core_clear_counters: Signal<Out, Bit>,
    // ---- to the sequencer and the transmit register
    /// Load `piece` (zero unless `ld`), `n` bytes of it; `last`: the frame's last piece.
    pub ld: Signal<Out, Bit>,
    pub piece: Signal<Out, Bits<TX_BITS>>,
    pub n: Signal<Out, Bits<PIECE_N_BITS>>,
    pub last: Signal<Out, Bit>,
    /// The answer's last piece is loaded, or the baud is switched.
    pub done: Signal<Out, Bit>,
    step: DFF<ConfigStep>,
    tw_q: DFFWithInit<Bits<TIMEOUT_BITS>>,
    hs_q: DFFWithInit<Bits<TIMEOUT_BITS>>,
    fw2_q: DFFWithInit<Bits<TIMEOUT_BITS>>,
    idle_q: DFFWithInit<Bits<TIMEOUT_BITS>>,
    linger_q: DFFWithInit<Bits<TIMEOUT_BITS>>,
    mask_q: DFFWithInit<Bits<8>>,
    rate_q: DFF<Bits<16>>,
    baud_q: DFF<Bits<3>>,
    new_baud: DFF<Bits<3>>,
    /// The key in wire order (first byte lowest).
    key_wire: DFFWithInit<Bits<KEY_BITS>>,
    key_load_q: DFF<Bit>,
    to_load_q: DFF<Bit>,
    clear_q: DFF<Bit>,
    key_word_s: Signal<Local, KeyWord>,
    cfg_t: Signal<Local, TimeoutsPiece>,
    cfg_rest: Signal<Local, ConfigPiece>,
    key_half0: Signal<Local, KeyHalfPiece>,
    key_half1: Signal<Local, KeyHalfPiece>,
    tx_none: Constant<Bits<TX_BITS>>,
    div0: Constant<Bits<DIVISOR_BITS>>,
    div1: Constant<Bits<DIVISOR_BITS>>,
    div2: Constant<Bits<DIVISOR_BITS>>,
    div3: Constant<Bits<DIVISOR_BITS>>,
    div4: Constant<Bits<DIVISOR_BITS>>,
    tw_default: Constant<Bits<TIMEOUT_BITS>>,
    hs_default: Constant<Bits<TIMEOUT_BITS>>,
    fw2_default: Constant<Bits<TIMEOUT_BITS>>,
    idle_default: Constant<Bits<TIMEOUT_BITS>>,
    linger_default: Constant<Bits<TIMEOUT_BITS>>,
    mask_all: Constant<Bits<8>>,
    zero16: Constant<Bits<16>>,
    baud_zero: Constant<Bits<3>>,
    baud_one: Constant<Bits<3>>,
    baud_two: Constant<Bits<3>>,
    baud_three: Constant<Bits<3>>,
    item_timeouts: Constant<Bits<8>>,
    item_mask: Constant<Bits<8>>,
    item_rate: Constant<Bits<8>>,
    item_baud: Constant<Bits<8>>,
    item_key: Constant<Bits<8>>,
    n_zero: Constant<Bits<PIECE_N_BITS>>,
    n_cfg_t: Constant<Bits<PIECE_N_BITS>>,
    n_cfg_rest: Constant<Bits<PIECE_N_BITS>>,
    n_key_half: Constant<Bits<PIECE_N_BITS>>,
}

impl ConfigResponder {
    /// The responder of an engine clocked at `clock_mhz` (its baud divisors).
    pub fn new(clock_mhz: u8) -> Self {
        let t = Timeouts::default();
        let d = divisors(clock_mhz as u32 * 1_000_000);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            item: Default::default(),
            setting: Default::default(),
            set: Default::default(),
            set_waits: Default::default(),
            get: Default::default(),
            clear: Default::default(),
            reload_key: Default::default(),
            active: Default::default(),
            free: Default::default(),
            tx_idle: Default::default(),
            divisor: Default::default(),
            event_mask: Default::default(),
            event_rate: Default::default(),
            key_word: Default::default(),
            core_key_load: Default::default(),
            core_time_wait: Default::default(),
            core_handshake: Default::default(),
            core_fin_wait_2: Default::default(),
            core_idle: Default::default(),
            core_linger: Default::default(),
            core_timeouts_load: Default::default(),
            core_clear_counters: Default::default(),
            ld: Default::default(),
            piece: Default::default(),
            n: Default::default(),
            last: Default::default(),
            done: Default::default(),
            step: Default::default(),
            tw_q: DFFWithInit::new((t.time_wait as u64).to_bits()),
            hs_q: DFFWithInit::new((t.handshake as u64).to_bits()),
            fw2_q: DFFWithInit::new((t.fin_wait_2 as u64).to_bits()),
            idle_q: DFFWithInit::new((t.idle as u64).to_bits()),
            linger_q: DFFWithInit::new((t.linger as u64).to_bits()),
            mask_q: DFFWithInit::new((event_bits::ALL as u64).to_bits()),
            rate_q: Default::default(),
            baud_q: Default::default(),
            new_baud: Default::default(),
            key_wire: DFFWithInit::new(le_word(&DEFAULT_HASH_KEY)),
            key_load_q: Default::default(),
            to_load_q: Default::default(),
            clear_q: Default::default(),
            key_word_s: Default::default(),
            cfg_t: Default::default(),
            cfg_rest: Default::default(),
            key_half0: Default::default(),
            key_half1: Default::default(),
            tx_none: Constant::new(Bits::<TX_BITS>::default()),
            div0: c(d[0] as u64),
            div1: c(d[1] as u64),
            div2: c(d[2] as u64),
            div3: c(d[3] as u64),
            div4: c(d[4] as u64),
            tw_default: c(t.time_wait as u64),
            hs_default: c(t.handshake as u64),
            fw2_default: c(t.fin_wait_2 as u64),
            idle_default: c(t.idle as u64),
            linger_default: c(t.linger as u64),
            mask_all: c(event_bits::ALL as u64),
            zero16: c(0),
            baud_zero: c(0),
            baud_one: c(1),
            baud_two: c(2),
            baud_three: c(3),
            item_timeouts: c(ConfigItem::Timeouts as u64),
            item_mask: c(ConfigItem::EventMask as u64),
            item_rate: c(ConfigItem::EventRate as u64),
            item_baud: c(ConfigItem::Baud as u64),
            item_key: c(ConfigItem::HashKey as u64),
            n_zero: c(0),
            n_cfg_t: c(TimeoutsPiece::BITS as u64 / 8),
            n_cfg_rest: c(ConfigPiece::BITS as u64 / 8),
            n_key_half: c(KEY_HALF_BYTES as u64),
        }
    }
}

impl Logic for ConfigResponder {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, step, tw_q, hs_q, fw2_q, idle_q, linger_q, mask_q, rate_q, baud_q,
            new_baud, key_wire, key_load_q, to_load_q, clear_q
        );
        // ---- the configuration out
        self.key_word_s.next.k0 = self.key_wire.q.val().get_bits::<8>(0);
        self.key_word_s.next.k1 = self.key_wire.q.val().get_bits::<8>(8);
        self.key_word_s.next.k2 = self.key_wire.q.val().get_bits::<8>(16);
        self.key_word_s.next.k3 = self.key_wire.q.val().get_bits::<8>(24);
        self.key_word_s.next.k4 = self.key_wire.q.val().get_bits::<8>(32);
        self.key_word_s.next.k5 = self.key_wire.q.val().get_bits::<8>(40);
        self.key_word_s.next.k6 = self.key_wire.q.val().get_bits::<8>(48);
        self.key_word_s.next.k7 = self.key_wire.q.val().get_bits::<8>(56);
        self.key_word_s.next.k8 = self.key_wire.q.val().get_bits::<8>(64);
        self.key_word_s.next.k9 = self.key_wire.q.val().get_bits::<8>(72);
        self.key_word_s.next.k10 = self.key_wire.q.val().get_bits::<8>(80);
        self.key_word_s.next.k11 = self.key_wire.q.val().get_bits::<8>(88);
        self.key_word_s.next.k12 = self.key_wire.q.val().get_bits::<8>(96);
        self.key_word_s.next.k13 = self.key_wire.q.val().get_bits::<8>(104);
        self.key_word_s.next.k14 = self.key_wire.q.val().get_bits::<8>(112);
        self.key_word_s.next.k15 = self.key_wire.q.val().get_bits::<8>(120);
        self.key_word_s.next.k16 = self.key_wire.q.val().get_bits::<8>(128);
        self.key_word_s.next.k17 = self.key_wire.q.val().get_bits::<8>(136);
        self.key_word_s.next.k18 = self.key_wire.q.val().get_bits::<8>(144);
        self.key_word_s.next.k19 = self.key_wire.q.val().get_bits::<8>(152);
        self.key_word_s.next.k20 = self.key_wire.q.val().get_bits::<8>(160);
        self.key_word_s.next.k21 = self.key_wire.q.val().get_bits::<8>(168);
        self.key_word_s.next.k22 = self.key_wire.q.val().get_bits::<8>(176);
        self.key_word_s.next.k23 = self.key_wire.q.val().get_bits::<8>(184);
        self.key_word_s.next.k24 = self.key_wire.q.val().get_bits::<8>(192);
        self.key_word_s.next.k25 = self.key_wire.q.val().get_bits::<8>(200);
        self.key_word_s.next.k26 = self.key_wire.q.val().get_bits::<8>(208);
        self.key_word_s.next.k27 = self.key_wire.q.val().get_bits::<8>(216);
        self.key_word_s.next.k28 = self.key_wire.q.val().get_bits::<8>(224);
        self.key_word_s.next.k29 = self.key_wire.q.val().get_bits::<8>(232);
        self.key_word_s.next.k30 = self.key_wire.q.val().get_bits::<8>(240);
        self.key_word_s.next.k31 = self.key_wire.q.val().get_bits::<8>(248);
        self.key_word_s.next.k32 = self.key_wire.q.val().get_bits::<8>(256);
        self.key_word_s.next.k33 = self.key_wire.q.val().get_bits::<8>(264);
        self.key_word_s.next.k34 = self.key_wire.q.val().get_bits::<8>(272);
        self.key_word_s.next.k35 = self.key_wire.q.val().get_bits::<8>(280);
        self.key_word_s.next.k36 = self.key_wire.q.val().get_bits::<8>(288);
        self.key_word_s.next.k37 = self.key_wire.q.val().get_bits::<8>(296);
        self.key_word_s.next.k38 = self.key_wire.q.val().get_bits::<8>(304);
        self.key_word_s.next.k39 = self.key_wire.q.val().get_bits::<8>(312);
        self.key_word.next = self.key_word_s.val().into();
        self.event_mask.next = self.mask_q.q.val();
        self.event_rate.next = self.rate_q.q.val();
        self.core_key_load.next = self.key_load_q.q.val();
        self.core_time_wait.next = self.tw_q.q.val();
        self.core_handshake.next = self.hs_q.q.val();
        self.core_fin_wait_2.next = self.fw2_q.q.val();
        self.core_idle.next = self.idle_q.q.val();
        self.core_linger.next = self.linger_q.q.val();
        self.core_timeouts_load.next = self.to_load_q.q.val();
        self.core_clear_counters.next = self.clear_q.q.val();
        self.divisor.next = self.div4.val();
        if self.baud_q.q.val() == self.baud_zero.val() {
            self.divisor.next = self.div0.val();
        } else if self.baud_q.q.val() == self.baud_one.val() {
            self.divisor.next = self.div1.val();
        } else if self.baud_q.q.val() == self.baud_two.val() {
            self.divisor.next = self.div2.val();
        } else if self.baud_q.q.val() == self.baud_three.val() {
            self.divisor.next = self.div3.val();
        }
        // One-cycle pulses.
        self.key_load_q.d.next = false;
        self.to_load_q.d.next = false;
        self.clear_q.d.next = false;

        // ---- `SET_CONFIG`, `CLEAR_COUNTERS`, `RESET_TABLE`
        self.set_waits.next = self.item.val() == self.item_baud.val();
        if self.set.val() {
            if self.item.val() == self.item_timeouts.val() {
                self.tw_q.d.next = self.setting.val().get_bits::<TIMEOUT_BITS>(160);
                self.hs_q.d.next = self.setting.val().get_bits::<TIMEOUT_BITS>(192);
                self.fw2_q.d.next = self.setting.val().get_bits::<TIMEOUT_BITS>(224);
                self.idle_q.d.next = self.setting.val().get_bits::<TIMEOUT_BITS>(256);
                self.linger_q.d.next = self.setting.val().get_bits::<TIMEOUT_BITS>(288);
                self.to_load_q.d.next = true;
            } else if self.item.val() == self.item_mask.val() {
                self.mask_q.d.next = self.setting.val().get_bits::<8>(312);
            } else if self.item.val() == self.item_rate.val() {
                self.rate_q.d.next = self.setting.val().get_bits::<16>(304);
            } else if self.item.val() == self.item_baud.val() {
                self.new_baud.d.next = self.setting.val().get_bits::<3>(312);
                self.step.d.next = ConfigStep::BaudWait;
            } else if self.item.val() == self.item_key.val() {
                self.key_wire.d.next = self.setting.val();
                self.key_load_q.d.next = true;
            }
        }
        if self.clear.val() {
            self.clear_q.d.next = true;
        }
        if self.reload_key.val() {
            self.key_load_q.d.next = true;
        }

        // ---- `GET_CONFIG`'s pieces; the baud switch
        self.cfg_t.next.time_wait = bit_cast::<32, TIMEOUT_BITS>(self.tw_q.q.val());
        self.cfg_t.next.handshake = bit_cast::<32, TIMEOUT_BITS>(self.hs_q.q.val());
        self.cfg_t.next.fin_wait_2 = bit_cast::<32, TIMEOUT_BITS>(self.fw2_q.q.val());
        self.cfg_t.next.idle = bit_cast::<32, TIMEOUT_BITS>(self.idle_q.q.val());
        self.cfg_t.next.linger = bit_cast::<32, TIMEOUT_BITS>(self.linger_q.q.val());
        self.cfg_rest.next.event_mask = self.mask_q.q.val();
        self.cfg_rest.next.event_rate = self.rate_q.q.val();
        self.cfg_rest.next.baud_code = bit_cast::<8, 3>(self.baud_q.q.val());
        self.key_half0.next.bytes = self.key_wire.q.val().get_bits::<160>(0);
        self.key_half1.next.bytes = self.key_wire.q.val().get_bits::<160>(160);
        self.ld.next = false;
        self.piece.next = self.tx_none.val();
        self.n.next = self.n_zero.val();
        self.last.next = false;
        self.done.next = false;
        if self.get.val() {
            self.step.d.next = ConfigStep::Timeouts;
        }
        if self.active.val() & self.free.val() {
            match self.step.q.val() {
                ConfigStep::Timeouts => {
                    self.ld.next = true;
                    self.piece.next =
                        bit_cast::<TX_BITS, { TimeoutsPiece::BITS }>(self.cfg_t.val().into());
                    self.n.next = self.n_cfg_t.val();
                    self.step.d.next = ConfigStep::Rest;
                }
                ConfigStep::Rest => {
                    self.ld.next = true;
                    self.piece.next =
                        bit_cast::<TX_BITS, { ConfigPiece::BITS }>(self.cfg_rest.val().into());
                    self.n.next = self.n_cfg_rest.val();
                    self.step.d.next = ConfigStep::Key1;
                }
                ConfigStep::Key1 => {
                    self.ld.next = true;
                    self.piece.next =
                        bit_cast::<TX_BITS, { KeyHalfPiece::BITS }>(self.key_half0.val().into());
                    self.n.next = self.n_key_half.val();
                    self.step.d.next = ConfigStep::Key2;
                }
                ConfigStep::Key2 => {
                    self.ld.next = true;
                    self.piece.next =
                        bit_cast::<TX_BITS, { KeyHalfPiece::BITS }>(self.key_half1.val().into());
                    self.n.next = self.n_key_half.val();
                    self.last.next = true;
                    self.done.next = true;
                }
                ConfigStep::BaudWait => {
                    // The answer has left at the old rate: switch.
                    if self.tx_idle.val() {
                        self.baud_q.d.next = self.new_baud.q.val();
                        self.done.next = true;
                    }
                }
            }
        }

        // ---- synchronous reset (last: it wins)
        if self.reset.val() {
            self.key_load_q.d.next = false;
            self.to_load_q.d.next = false;
            self.clear_q.d.next = false;
            self.tw_q.d.next = self.tw_default.val();
            self.hs_q.d.next = self.hs_default.val();
            self.fw2_q.d.next = self.fw2_default.val();
            self.idle_q.d.next = self.idle_default.val();
            self.linger_q.d.next = self.linger_default.val();
            self.mask_q.d.next = self.mask_all.val();
            self.rate_q.d.next = self.zero16.val();
            self.baud_q.d.next = self.baud_zero.val();
        }
    }
}

/// A connected instance (every input driven from outside).
pub fn connected(clock_mhz: u8) -> ConfigResponder {
    let mut u = ConfigResponder::new(clock_mhz);
    u.clock.connect();
    u.reset.connect();
    u.item.connect();
    u.setting.connect();
    u.set.connect();
    u.get.connect();
    u.clear.connect();
    u.reload_key.connect();
    u.active.connect();
    u.free.connect();
    u.tx_idle.connect();
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_responder_is_synthesizable() {
        let mut u = connected(100);
        u.connect_all();
        yosys_validate("synscope_config_responder", &generate_verilog(&u)).unwrap();
    }
}
