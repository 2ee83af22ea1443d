//! `EndpointTimer`: one endpoint's timer of an entry (see [`super`]).

use super::*;

/// One endpoint's timer (see the module doc): the age of its start, its timeout, whether it
/// is due, its overdue and its deadline.
#[derive(LogicBlock)]
pub struct EndpointTimer {
    pub track: Signal<In, TrackBits>,
    /// Age of the entry's `last_seen`.
    pub ls_age: Signal<In, Bits<TIME_BITS>>,
    pub last_seen: Signal<In, Bits<TIME_BITS>>,
    pub now: Signal<In, Bits<TIME_BITS>>,
    /// The timeouts in ticks.
    pub handshake: Signal<In, Bits<TIME_BITS>>,
    pub time_wait: Signal<In, Bits<TIME_BITS>>,
    pub fin_wait_2: Signal<In, Bits<TIME_BITS>>,
    /// The timer has fired by `now` (the endpoint is CLOSED).
    pub due: Signal<Out, Bit>,
    /// How long ago it fired (meaningful when `due`).
    pub overdue: Signal<Out, Bits<TIME_BITS>>,
    /// Its deadline (meaningful when `due`).
    pub deadline: Signal<Out, Bits<TIME_BITS>>,
    /// The endpoint was CLOSED already.
    pub closed: Signal<Out, Bit>,
    /// The endpoint after aging (CLOSED without its handshake clock when `due`).
    pub aged: Signal<Out, TrackBits>,
    in_handshake: Signal<Local, Bit>,
    in_tw: Signal<Local, Bit>,
    in_fw2: Signal<Local, Bit>,
    has_clock: Signal<Local, Bit>,
    clock: Signal<Local, HandshakeClock>,
    start: Signal<Local, Bits<TIME_BITS>>,
    age: Signal<Local, Bits<TIME_BITS>>,
    gap: Signal<Local, Bits<GAP_BITS>>,
    twice: Signal<Local, TwiceGap>,
    quarter: Signal<Local, QuarterGap>,
    silence: Signal<Local, Bits<TIME_BITS>>,
    hs_timeout: Signal<Local, Bits<TIME_BITS>>,
    timeout: Signal<Local, Bits<TIME_BITS>>,
    s_closed: Constant<Bits<STATE_BITS>>,
    s_syn_sent: Constant<Bits<STATE_BITS>>,
    s_syn_received: Constant<Bits<STATE_BITS>>,
    s_time_wait: Constant<Bits<STATE_BITS>>,
    s_fin_wait_2: Constant<Bits<STATE_BITS>>,
    k_aux_handshake: Constant<Bits<2>>,
    k_aux_none: Constant<Bits<2>>,
    k_rto: Constant<Bits<GAP_BITS>>,
    k_rto_t: Constant<Bits<TIME_BITS>>,
    k_zero32: Constant<Bits<32>>,
    k_zero_top: Constant<Bits<{ TIME_BITS - GAP_BITS - 1 }>>,
    k_zero_qtop: Constant<Bits<{ TIME_BITS - GAP_BITS + 2 }>>,
}

impl Default for EndpointTimer {
    fn default() -> Self {
        Self {
            track: Default::default(),
            ls_age: Default::default(),
            last_seen: Default::default(),
            now: Default::default(),
            handshake: Default::default(),
            time_wait: Default::default(),
            fin_wait_2: Default::default(),
            due: Default::default(),
            overdue: Default::default(),
            deadline: Default::default(),
            closed: Default::default(),
            aged: Default::default(),
            in_handshake: Default::default(),
            in_tw: Default::default(),
            in_fw2: Default::default(),
            has_clock: Default::default(),
            clock: Default::default(),
            start: Default::default(),
            age: Default::default(),
            gap: Default::default(),
            twice: Default::default(),
            quarter: Default::default(),
            silence: Default::default(),
            hs_timeout: Default::default(),
            timeout: Default::default(),
            s_closed: state(TcpState::Closed),
            s_syn_sent: state(TcpState::SynSent),
            s_syn_received: state(TcpState::SynReceived),
            s_time_wait: state(TcpState::TimeWait),
            s_fin_wait_2: state(TcpState::FinWait2),
            k_aux_handshake: Constant::new(AUX_HANDSHAKE.to_bits()),
            k_aux_none: Constant::new(AUX_NONE.to_bits()),
            k_rto: Constant::new((RTO_INIT as u64).to_bits()),
            k_rto_t: Constant::new((RTO_INIT as u64).to_bits()),
            k_zero32: Constant::new(0u64.to_bits()),
            k_zero_top: Constant::new(0u64.to_bits()),
            k_zero_qtop: Constant::new(0u64.to_bits()),
        }
    }
}

impl Logic for EndpointTimer {
    #[hdl_gen]
    fn update(&mut self) {
        self.in_handshake.next = (self.track.val().state == self.s_syn_sent.val())
            || (self.track.val().state == self.s_syn_received.val());
        self.in_tw.next = self.track.val().state == self.s_time_wait.val();
        self.in_fw2.next = self.track.val().state == self.s_fin_wait_2.val();
        self.closed.next = self.track.val().state == self.s_closed.val();
        // `Entry::clocks`: a handshake clock in the aux word; in SYN_SENT / SYN_RECEIVED
        // without one the timer runs from `last_seen` with no interval seen.
        self.has_clock.next =
            self.in_handshake.val() && (self.track.val().aux_kind == self.k_aux_handshake.val());
        self.clock.next = self.track.val().aux.into();
        self.start.next = self.last_seen.val();
        self.age.next = self.ls_age.val();
        self.gap.next = self.k_rto.val();
        if self.has_clock.val() {
            self.start.next = self.clock.val().at;
            self.age.next = self.now.val() - self.clock.val().at;
            if self.clock.val().gap > self.k_rto.val() {
                self.gap.next = self.clock.val().gap;
            }
        }
        // `handshake_silence`: 2g + g/4 + 1 s, g = max(gap, 1 s); capped by `handshake`.
        self.twice.next.zero = false;
        self.twice.next.gap = self.gap.val();
        self.twice.next.top = self.k_zero_top.val();
        self.quarter.next.gap = self.gap.val().get_bits::<QUARTER_BITS>(2);
        self.quarter.next.top = self.k_zero_qtop.val();
        self.silence.next = bit_cast::<TIME_BITS, TIME_BITS>(self.twice.val().into())
            + bit_cast::<TIME_BITS, TIME_BITS>(self.quarter.val().into())
            + self.k_rto_t.val();
        self.hs_timeout.next = self.silence.val();
        if self.handshake.val() < self.silence.val() {
            self.hs_timeout.next = self.handshake.val();
        }
        if self.in_handshake.val() {
            self.timeout.next = self.hs_timeout.val();
        } else if self.in_tw.val() {
            self.timeout.next = self.time_wait.val();
        } else {
            self.timeout.next = self.fin_wait_2.val();
        }
        self.due.next = (self.in_handshake.val() || self.in_tw.val() || self.in_fw2.val())
            && (self.age.val() >= self.timeout.val());
        self.overdue.next = self.age.val() - self.timeout.val();
        self.deadline.next = self.start.val() + self.timeout.val();
        // `Entry::set_clocks`: a fired endpoint is CLOSED and keeps no handshake clock.
        self.aged.next = self.track.val();
        if self.due.val() {
            self.aged.next.state = self.s_closed.val();
            if self.track.val().aux_kind == self.k_aux_handshake.val() {
                self.aged.next.aux_kind = self.k_aux_none.val();
                self.aged.next.aux = self.k_zero32.val();
            }
        }
    }
}
