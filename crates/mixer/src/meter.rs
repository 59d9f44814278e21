//! Level meters: sample peak and RMS since the last reading, and EBU R128 momentary (400 ms)
//! and short-term (3 s) loudness from the `ebur128` crate, the figures broadcast specs and
//! platforms (-14 LUFS on YouTube) are written in.

use ebur128::{EbuR128, Mode};
use serde::{Deserialize, Serialize};
use streamwerk_media::{AudioBlock, AUDIO_BLOCK, SAMPLE_RATE};

/// Silence, in dB: meters show this instead of minus infinity.
pub const FLOOR_DB: f32 = -100.0;

/// One meter's figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct MeterReading {
    pub peak_dbfs: f32,
    pub rms_dbfs: f32,
    pub momentary_lufs: f32,
    pub short_term_lufs: f32,
}

impl Default for MeterReading {
    fn default() -> Self {
        MeterReading {
            peak_dbfs: FLOOR_DB,
            rms_dbfs: FLOOR_DB,
            momentary_lufs: FLOOR_DB,
            short_term_lufs: FLOOR_DB,
        }
    }
}

pub struct Meter {
    loudness: EbuR128,
    peak: f32,
    sum_squares: f64,
    samples: u64,
    /// Readings so far: loudness is recomputed only every few (see `take_reading`).
    readings: u64,
    momentary: f32,
    short_term: f32,
}

/// `ebur128` sums its whole window on every loudness query (19,200 frames for momentary,
/// 144,000 for short-term), which per block and strip costs far more than the mixing (3.9 ms
/// a block for eight strips, `benches/mix.rs`): so momentary loudness is recomputed every 4th
/// reading (11.7 times a second at one reading per block) and short-term every 20th (2.3 times
/// a second; a 3 s window moves slowly by definition). Peak and RMS stay per block.
const MOMENTARY_EVERY: u64 = 4;
const SHORT_TERM_EVERY: u64 = 20;

pub fn to_db(amplitude: f64) -> f32 {
    if amplitude <= 1e-5 {
        FLOOR_DB
    } else {
        (20.0 * amplitude.log10()) as f32
    }
}

impl Meter {
    pub fn new(channels: usize) -> Meter {
        Meter {
            loudness: EbuR128::new(channels as u32, SAMPLE_RATE, Mode::S)
                .expect("1 or 2 channels at 48 kHz"),
            peak: 0.0,
            sum_squares: 0.0,
            samples: 0,
            readings: 0,
            momentary: FLOOR_DB,
            short_term: FLOOR_DB,
        }
    }

    /// Takes in one block.
    pub fn measure(&mut self, block: &AudioBlock) {
        for v in &block.data {
            self.peak = self.peak.max(v.abs());
            self.sum_squares += (*v as f64) * (*v as f64);
        }
        self.samples += block.data.len() as u64;
        let planes: [&[f32]; 2] = [block.channel(0), block.channel(block.channels - 1)];
        let _ = self
            .loudness
            .add_frames_planar_f32(&planes[..block.channels]);
        debug_assert_eq!(block.data.len(), block.channels * AUDIO_BLOCK);
    }

    /// The figures since the previous reading (peak, RMS) and over the loudness windows.
    pub fn take_reading(&mut self) -> MeterReading {
        let lufs = |v: Result<f64, ebur128::Error>| match v {
            Ok(v) if v.is_finite() => (v as f32).max(FLOOR_DB),
            _ => FLOOR_DB,
        };
        if self.readings.is_multiple_of(MOMENTARY_EVERY) {
            self.momentary = lufs(self.loudness.loudness_momentary());
        }
        if self.readings.is_multiple_of(SHORT_TERM_EVERY) {
            self.short_term = lufs(self.loudness.loudness_shortterm());
        }
        self.readings += 1;
        let reading = MeterReading {
            peak_dbfs: to_db(self.peak as f64),
            rms_dbfs: if self.samples == 0 {
                FLOOR_DB
            } else {
                to_db((self.sum_squares / self.samples as f64).sqrt())
            },
            momentary_lufs: self.momentary,
            short_term_lufs: self.short_term,
        };
        self.peak = 0.0;
        self.sum_squares = 0.0;
        self.samples = 0;
        reading
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A full-scale 1 kHz sine on both channels: peak 0 dBFS, RMS -3 dBFS; BS.1770 is
    /// calibrated so that this sine in one channel reads -3.01 LUFS, so in two it reads 0.
    #[test]
    fn sine_reads_its_peak_rms_and_loudness() {
        let mut meter = Meter::new(2);
        let mut block = AudioBlock::silent(2);
        let step = std::f64::consts::TAU * 1000.0 / SAMPLE_RATE as f64;
        for b in 0..150u64 {
            for i in 0..AUDIO_BLOCK {
                let n = b * AUDIO_BLOCK as u64 + i as u64;
                let v = ((n as f64) * step).sin() as f32;
                block.channel_mut(0)[i] = v;
                block.channel_mut(1)[i] = v;
            }
            meter.measure(&block);
        }
        let r = meter.take_reading();
        assert!(r.peak_dbfs > -0.01 && r.peak_dbfs <= 0.0, "{r:?}");
        assert!((r.rms_dbfs + 3.01).abs() < 0.05, "{r:?}");
        assert!(r.momentary_lufs.abs() < 0.1, "{r:?}");
        assert!(r.short_term_lufs.abs() < 0.1, "{r:?}");
        let after = meter.take_reading();
        assert_eq!(after.peak_dbfs, FLOOR_DB, "peak restarts after a reading");
    }
}
