//! A source's channel strip: filters, fader, mono fold, sync offset, meter. Runs on the audio
//! thread once per block; all memory is taken when the strip is made.

use crate::gate::Gate;
use crate::meter::Meter;
use streamwerk_media::{AudioBlock, AUDIO_BLOCK, SAMPLE_RATE};
use streamwerk_scene::{AudioFilter, AudioMix};

pub(crate) fn db_to_gain(db: f32) -> f32 {
    10f32.powf(db / 20.0)
}

enum Filter {
    Gate(Gate),
    Gain(f32),
}

/// Delay for positive sync offsets: a ring of the last 2 s per channel.
struct DelayLine {
    ring: Vec<f32>,
    /// Samples per channel in `ring`.
    length: usize,
    write: usize,
}

/// Longest offset either way, in ms.
pub const MAX_OFFSET_MS: i32 = 2000;

pub struct Strip {
    mix: AudioMix,
    gain: f32,
    filters: Vec<Filter>,
    delay: DelayLine,
    pub meter: Meter,
}

fn offset_samples(ms: i32) -> i64 {
    ms.clamp(-MAX_OFFSET_MS, MAX_OFFSET_MS) as i64 * SAMPLE_RATE as i64 / 1000
}

impl Strip {
    pub fn new(mix: &AudioMix, channels: usize) -> Strip {
        let length = (MAX_OFFSET_MS as usize * SAMPLE_RATE as usize / 1000) + AUDIO_BLOCK;
        let mut strip = Strip {
            mix: AudioMix::default(),
            gain: 1.0,
            filters: Vec::new(),
            delay: DelayLine {
                ring: vec![0.0; length * channels],
                length,
                write: 0,
            },
            meter: Meter::new(channels),
        };
        strip.set(mix);
        strip
    }

    /// Takes new settings; filter state restarts only when the filters changed.
    pub fn set(&mut self, mix: &AudioMix) {
        if mix.filters != self.mix.filters || self.filters.is_empty() {
            self.filters = mix
                .filters
                .iter()
                .map(|f| match f {
                    AudioFilter::NoiseGate(g) => Filter::Gate(Gate::new(g)),
                    AudioFilter::Gain { db } => Filter::Gain(db_to_gain(*db)),
                })
                .collect();
        }
        self.gain = db_to_gain(mix.gain_db);
        self.mix = mix.clone();
    }

    pub fn mix(&self) -> &AudioMix {
        &self.mix
    }

    /// The sample time to ask the source for when the program needs the block at `start`: a
    /// negative offset asks for later sound (sources that can, such as files and generators,
    /// give it; live inputs play what they have).
    pub fn source_start(&self, start: u64) -> u64 {
        let offset = offset_samples(self.mix.sync_offset_ms);
        if offset < 0 {
            start + offset.unsigned_abs()
        } else {
            start
        }
    }

    /// Runs `block` (the source's sound) through the strip in place; adds it to `monitor`
    /// (before the mute) when the strip is monitored.
    pub fn process(&mut self, block: &mut AudioBlock, monitor: &mut AudioBlock) {
        for filter in &mut self.filters {
            match filter {
                Filter::Gate(gate) => gate.process(block),
                Filter::Gain(gain) => block.data.iter_mut().for_each(|v| *v *= *gain),
            }
        }
        if self.gain != 1.0 {
            block.data.iter_mut().for_each(|v| *v *= self.gain);
        }
        if self.mix.mono && block.channels > 1 {
            let scale = 1.0 / block.channels as f32;
            for i in 0..AUDIO_BLOCK {
                let sum: f32 = (0..block.channels).map(|c| block.channel(c)[i]).sum();
                for c in 0..block.channels {
                    block.channel_mut(c)[i] = sum * scale;
                }
            }
        }
        let delay = offset_samples(self.mix.sync_offset_ms);
        if delay > 0 {
            self.delay.run(block, delay as usize);
        } else {
            self.delay.write = 0;
        }
        self.meter.measure(block);
        if self.mix.monitor {
            for (m, v) in monitor.data.iter_mut().zip(&block.data) {
                *m += *v;
            }
        }
        if self.mix.muted {
            block.clear();
        }
    }
}

impl DelayLine {
    /// Stores `block` and replaces it with the sound from `delay` samples ago.
    fn run(&mut self, block: &mut AudioBlock, delay: usize) {
        let len = self.length;
        for c in 0..block.channels {
            let ring = &mut self.ring[c * len..(c + 1) * len];
            let channel = block.channel_mut(c);
            for (i, v) in channel.iter_mut().enumerate() {
                let w = (self.write + i) % len;
                ring[w] = *v;
                *v = ring[(w + len - delay) % len];
            }
        }
        self.write = (self.write + AUDIO_BLOCK) % len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn impulse_at(block_index: usize) -> impl Fn(usize) -> AudioBlock {
        move |b| {
            let mut block = AudioBlock::silent(2);
            if b == block_index {
                block.channel_mut(0)[0] = 1.0;
                block.channel_mut(1)[0] = 1.0;
            }
            block
        }
    }

    #[test]
    fn positive_offset_delays_by_that_many_samples() {
        let mix = AudioMix {
            sync_offset_ms: 100, // 4800 samples: 4 blocks + 704
            ..AudioMix::default()
        };
        let mut strip = Strip::new(&mix, 2);
        let make = impulse_at(1);
        let mut found = None;
        for b in 0..10 {
            let mut block = make(b);
            strip.process(&mut block, &mut AudioBlock::silent(2));
            if let Some(i) = block.channel(0).iter().position(|v| *v == 1.0) {
                found = Some(b * AUDIO_BLOCK + i);
            }
        }
        assert_eq!(found, Some(AUDIO_BLOCK + 4800));
        assert_eq!(strip.source_start(1000), 1000);
    }

    #[test]
    fn a_monitored_source_is_heard_in_the_monitor_even_when_muted() {
        let mix = AudioMix {
            muted: true,
            monitor: true,
            ..AudioMix::default()
        };
        let mut strip = Strip::new(&mix, 2);
        let mut block = AudioBlock::silent(2);
        block.data.fill(0.25);
        let mut monitor = AudioBlock::silent(2);
        monitor.data.fill(0.5);
        strip.process(&mut block, &mut monitor);
        assert!(block.data.iter().all(|v| *v == 0.0), "muted on the program");
        assert!(
            monitor.data.iter().all(|v| *v == 0.75),
            "added to the monitor bus"
        );
    }

    #[test]
    fn negative_offset_asks_the_source_for_later_sound() {
        let mix = AudioMix {
            sync_offset_ms: -50,
            ..AudioMix::default()
        };
        assert_eq!(Strip::new(&mix, 1).source_start(1000), 1000 + 2400);
    }

    #[test]
    fn fader_mute_and_mono() {
        let mix = AudioMix {
            gain_db: -6.0206,
            mono: true,
            ..AudioMix::default()
        };
        let mut strip = Strip::new(&mix, 2);
        let mut block = AudioBlock::silent(2);
        block.channel_mut(0).fill(0.8);
        strip.process(&mut block, &mut AudioBlock::silent(2));
        // Half level, then (0.4 + 0) / 2 on both sides.
        assert!(block.data.iter().all(|v| (v - 0.2).abs() < 1e-4));
        strip.set(&AudioMix { muted: true, ..mix });
        block.channel_mut(0).fill(0.8);
        strip.process(&mut block, &mut AudioBlock::silent(2));
        assert!(block.data.iter().all(|v| *v == 0.0));
        assert!(
            strip.meter.take_reading().peak_dbfs > -20.0,
            "the meter still shows a muted source"
        );
    }
}
