//! The typed operations: each request's payload built and its answer decoded
//! (docs/protocol.md, "Operations").

use super::{Client, Error, Transport};
use crate::protocol::payload::{
    assemble_dump, decode_lookup_answer, encode_lookup, Config, CounterSnapshot, DumpChunk,
    Histogram, Identity, Slot,
};
use crate::protocol::phy::PhyStatus;
use crate::protocol::{ConfigItem, Op, BAUD_RATES};
use crate::Endpoint;

/// The `SET_CONFIG baud` code of `baud`.
pub fn baud_code(baud: u32) -> Result<u8, Error> {
    BAUD_RATES
        .iter()
        .position(|&b| b == baud)
        .map(|c| c as u8)
        .ok_or(Error::UnknownBaud { baud })
}

impl<T: Transport> Client<T> {
    /// Ask who is there (`IDENTIFY`); fails clearly when it is not a synscope, or one whose
    /// way count makes no table or whose buckets a slot number cannot name (so every identity
    /// it returns has a [`Identity::layout`] and a capacity that fits a slot).
    pub fn identify(&mut self) -> Result<Identity, Error> {
        let p = self.request(Op::Identify, Vec::new())?;
        let id = Identity::decode(&p).ok_or_else(|| Error::NotIdentified {
            port: self.name().to_string(),
        })?;
        let layout = id.layout().map_err(|e| Error::BadWays {
            port: self.name().to_string(),
            ways: e.ways,
        })?;
        if u32::from(id.bucket_bits) + layout.way_bits() > u16::BITS {
            return Err(Error::BadBuckets {
                port: self.name().to_string(),
                bucket_bits: id.bucket_bits,
                ways: layout.ways(),
            });
        }
        Ok(id)
    }

    /// Every counter and the board's time (`READ_COUNTERS`).
    pub fn counters(&mut self) -> Result<CounterSnapshot, Error> {
        let p = self.request(Op::ReadCounters, vec![])?;
        CounterSnapshot::decode(&p).ok_or_else(|| self.malformed("short counter answer"))
    }

    /// The per-state histogram (`READ_HISTOGRAM`).
    pub fn histogram(&mut self) -> Result<Histogram, Error> {
        let p = self.request(Op::ReadHistogram, vec![])?;
        Histogram::decode(&p).ok_or_else(|| self.malformed("short histogram answer"))
    }

    /// The link counters, in `LinkCounter::ALL` order (`READ_LINK`).
    pub fn link_counters(&mut self) -> Result<Vec<u32>, Error> {
        let raw = self.request(Op::ReadLink, vec![])?;
        Ok(raw
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }

    /// What the board's MDIO master last read from the Ethernet PHY (`READ_PHY`).
    pub fn phy(&mut self) -> Result<PhyStatus, Error> {
        let p = self.request(Op::ReadPhy, vec![])?;
        PhyStatus::decode(&p).ok_or_else(|| self.malformed("malformed PHY status answer"))
    }

    /// The configuration (`GET_CONFIG`).
    pub fn config(&mut self) -> Result<Config, Error> {
        let p = self.request(Op::GetConfig, vec![])?;
        Config::decode(&p).ok_or_else(|| self.malformed("malformed configuration answer"))
    }

    /// `SET_CONFIG item value` (an empty response).
    pub fn set_config(&mut self, item: ConfigItem, value: &[u8]) -> Result<(), Error> {
        let mut p = vec![item as u8];
        p.extend_from_slice(value);
        self.request(Op::SetConfig, p).map(|_| ())
    }

    /// Switch the board to `baud` (`SET_CONFIG baud`, answered at the old rate), and this end
    /// with it.
    pub fn set_baud(&mut self, baud: u32) -> Result<(), Error> {
        let code = baud_code(baud)?;
        self.set_config(ConfigItem::Baud, &[code])?;
        self.set_line_rate(baud)
    }

    /// Every live entry and the board's time (`DUMP_TABLE` from bucket 0), calling `progress`
    /// with the frames so far.
    pub fn dump_with(&mut self, progress: impl FnMut(usize)) -> Result<(u32, Vec<Slot>), Error> {
        let frames = self.request_with(Op::DumpTable, vec![0, 0], progress)?;
        let chunks = frames
            .iter()
            .map(|f| DumpChunk::decode(&f.payload))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| self.malformed("malformed table dump frame"))?;
        assemble_dump(&chunks).ok_or_else(|| {
            self.malformed("malformed table dump (an IPv6 entry without its continuation)")
        })
    }

    /// The connection between `src` and `dst` (either direction), if the table has it
    /// (`LOOKUP`); `now` is the board's time (the answer's idle time is against it).
    pub fn lookup(
        &mut self,
        src: Endpoint,
        dst: Endpoint,
        now: u32,
    ) -> Result<Option<Slot>, Error> {
        let p = self.request(Op::Lookup, encode_lookup(src, dst))?;
        decode_lookup_answer(&p, now).ok_or_else(|| self.malformed("malformed lookup answer"))
    }

    fn malformed(&self, what: &'static str) -> Error {
        Error::Malformed {
            port: self.name().to_string(),
            what,
        }
    }
}
