//! Noise gate with hysteresis, hold and attack/release ramps, sample by sample.

use crate::strip::db_to_gain;
use streamwerk_media::{AudioBlock, AUDIO_BLOCK, SAMPLE_RATE};
use streamwerk_scene::NoiseGate;

pub struct Gate {
    open_level: f32,
    close_level: f32,
    attack_step: f32,
    release_step: f32,
    hold_samples: u32,
    open: bool,
    /// Samples spent below the close level while open.
    below: u32,
    gain: f32,
}

fn samples(ms: f32) -> f32 {
    (ms * SAMPLE_RATE as f32 / 1000.0).max(1.0)
}

impl Gate {
    pub fn new(settings: &NoiseGate) -> Gate {
        Gate {
            open_level: db_to_gain(settings.open_threshold_db),
            close_level: db_to_gain(settings.close_threshold_db),
            attack_step: 1.0 / samples(settings.attack_ms),
            release_step: 1.0 / samples(settings.release_ms),
            hold_samples: samples(settings.hold_ms) as u32,
            open: false,
            below: 0,
            gain: 0.0,
        }
    }

    pub fn process(&mut self, block: &mut AudioBlock) {
        let channels = block.channels;
        let data = &mut block.data[..channels * AUDIO_BLOCK];
        for i in 0..AUDIO_BLOCK {
            let mut level = 0f32;
            for c in 0..channels {
                level = level.max(data[c * AUDIO_BLOCK + i].abs());
            }
            if level >= self.open_level {
                self.open = true;
                self.below = 0;
            } else if self.open && level < self.close_level {
                self.below += 1;
                if self.below > self.hold_samples {
                    self.open = false;
                }
            }
            self.gain = if self.open {
                (self.gain + self.attack_step).min(1.0)
            } else {
                (self.gain - self.release_step).max(0.0)
            };
            for c in 0..channels {
                data[c * AUDIO_BLOCK + i] *= self.gain;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_of(level: f32) -> AudioBlock {
        let mut b = AudioBlock::silent(1);
        // Alternating signs: a square wave at the level.
        for (i, v) in b.channel_mut(0).iter_mut().enumerate() {
            *v = if i % 2 == 0 { level } else { -level };
        }
        b
    }

    #[test]
    fn closes_on_noise_opens_on_speech_and_holds() {
        let mut gate = Gate::new(&NoiseGate::default());
        // Room noise at -50 dBFS stays shut.
        let mut noise = block_of(0.003);
        gate.process(&mut noise);
        assert!(noise.channel(0).iter().all(|v| *v == 0.0));
        // Speech at -12 dBFS opens within the 25 ms attack (1200 samples).
        let mut speech = block_of(0.25);
        gate.process(&mut speech);
        let mut speech2 = block_of(0.25);
        gate.process(&mut speech2);
        assert!((speech2.channel(0)[AUDIO_BLOCK - 1].abs() - 0.25).abs() < 1e-4);
        // Then noise: held open for 200 ms (9600 samples), so the next block passes.
        let mut after = block_of(0.003);
        gate.process(&mut after);
        assert!((after.channel(0)[AUDIO_BLOCK - 1].abs() - 0.003).abs() < 1e-5);
        // And closed after hold + release (350 ms, 17 blocks).
        for _ in 0..18 {
            gate.process(&mut block_of(0.003));
        }
        let mut late = block_of(0.003);
        gate.process(&mut late);
        assert!(late.channel(0).iter().all(|v| *v == 0.0));
    }
}
