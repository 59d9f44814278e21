//! The master bus limiter: whatever the sources add up to, the output stays under the ceiling,
//! so a loud guest never clips the stream. Instant attack (no overshoot, no lookahead latency),
//! smooth release.

use streamwerk_media::{AudioBlock, AUDIO_BLOCK, SAMPLE_RATE};

/// -1 dBFS: headroom for the AAC encoder's own overshoot.
pub const CEILING: f32 = 0.891;
const RELEASE_MS: f32 = 200.0;

pub struct Limiter {
    gain: f32,
    release: f32,
    /// Blocks in which the limiter reduced the level.
    pub blocks_limited: u64,
}

impl Default for Limiter {
    fn default() -> Self {
        Limiter {
            gain: 1.0,
            // Per-sample recovery toward unity: 1 - e^(-1 / (release time in samples)).
            release: 1.0 - (-1.0 / (RELEASE_MS * SAMPLE_RATE as f32 / 1000.0)).exp(),
            blocks_limited: 0,
        }
    }
}

impl Limiter {
    pub fn process(&mut self, block: &mut AudioBlock) {
        let mut limited = false;
        for i in 0..AUDIO_BLOCK {
            let level = (0..block.channels)
                .map(|c| block.channel(c)[i].abs())
                .fold(0.0, f32::max);
            self.gain += (1.0 - self.gain) * self.release;
            if level * self.gain > CEILING {
                self.gain = CEILING / level;
                limited = true;
            }
            for c in 0..block.channels {
                block.channel_mut(c)[i] *= self.gain;
            }
        }
        self.blocks_limited += limited as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_above_the_ceiling_and_leaves_quiet_sound_alone() {
        let mut limiter = Limiter::default();
        let mut loud = AudioBlock::silent(2);
        for (i, v) in loud.data.iter_mut().enumerate() {
            *v = if i % 3 == 0 { 2.5 } else { -1.7 };
        }
        limiter.process(&mut loud);
        assert!(loud.data.iter().all(|v| v.abs() <= CEILING + 1e-6));
        assert_eq!(limiter.blocks_limited, 1);
        // After a second of quiet the gain is back to unity.
        let mut quiet = AudioBlock::silent(2);
        for _ in 0..47 {
            quiet.data.fill(0.1);
            limiter.process(&mut quiet);
        }
        assert!((quiet.data[AUDIO_BLOCK - 1] - 0.1).abs() < 1e-3);
    }
}
