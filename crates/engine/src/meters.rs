//! Where the audio thread leaves its meter readings for the UI and `--stats-json`: the highest
//! peak and block RMS since the last look, the latest loudness. One short lock per block.

use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use streamwerk_mixer::{MeterReading, FLOOR_DB};
use streamwerk_sources::DeviceState;

/// One source's strip meter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SourceMeter {
    pub source: String,
    /// Whether its device delivers (a microphone that vanished reads `disconnected`).
    pub state: DeviceState,
    #[serde(flatten)]
    pub reading: MeterReading,
}

/// Every meter at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ts_rs::TS)]
pub struct Meters {
    pub sources: Vec<SourceMeter>,
    pub master: MeterReading,
    /// Blocks in which the master limiter had to pull the level down, since the program began.
    pub blocks_limited: u64,
}

#[derive(Default)]
pub struct MeterBoard {
    latest: Mutex<Meters>,
}

fn merge(into: &mut MeterReading, new: MeterReading) {
    into.peak_dbfs = into.peak_dbfs.max(new.peak_dbfs);
    into.rms_dbfs = into.rms_dbfs.max(new.rms_dbfs);
    into.momentary_lufs = new.momentary_lufs;
    into.short_term_lufs = new.short_term_lufs;
}

fn restart(reading: &mut MeterReading) {
    reading.peak_dbfs = FLOOR_DB;
    reading.rms_dbfs = FLOOR_DB;
}

impl MeterBoard {
    /// Merges one block's readings, every source's and the master's, under one lock: the
    /// audio thread publishes every block.
    pub(crate) fn publish<'a>(
        &self,
        sources: impl Iterator<Item = (&'a str, DeviceState, MeterReading)>,
        master: MeterReading,
        blocks_limited: u64,
    ) {
        let mut latest = self.latest.lock().unwrap();
        for (source, state, reading) in sources {
            match latest.sources.iter_mut().find(|m| m.source == source) {
                Some(meter) => {
                    meter.state = state;
                    merge(&mut meter.reading, reading);
                }
                None => latest.sources.push(SourceMeter {
                    source: source.to_string(),
                    state,
                    reading,
                }),
            }
        }
        merge(&mut latest.master, master);
        latest.blocks_limited = blocks_limited;
    }

    /// Drops meters of sources no longer playing.
    pub(crate) fn forget_others<'a>(&self, playing: impl Iterator<Item = &'a String>) {
        let playing: Vec<&String> = playing.collect();
        self.latest
            .lock()
            .unwrap()
            .sources
            .retain(|m| playing.contains(&&m.source));
    }

    /// The readings since the previous call.
    pub fn take(&self) -> Meters {
        let mut latest = self.latest.lock().unwrap();
        let now = latest.clone();
        for meter in &mut latest.sources {
            restart(&mut meter.reading);
        }
        restart(&mut latest.master);
        now
    }
}
