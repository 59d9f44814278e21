use crate::AudioSource;
use streamwerk_media::{AudioBlock, AUDIO_BLOCK, SAMPLE_RATE};
use streamwerk_scene::ToneSettings;

/// How long the sync beep sounds at each whole second.
pub const BEEP_SAMPLES: u64 = SAMPLE_RATE as u64 / 20;

/// A sine generator. The phase is computed from the absolute sample index, so the tone is the
/// same whenever it is asked for, and a beep starts exactly on the whole second, the same
/// instant the test pattern flashes.
pub struct Tone {
    step: f64,
    amplitude: f32,
    beep_each_second: bool,
}

impl Tone {
    pub fn new(settings: &ToneSettings) -> Self {
        Tone {
            step: std::f64::consts::TAU * settings.frequency_hz as f64 / SAMPLE_RATE as f64,
            amplitude: 10f32.powf(settings.level_dbfs / 20.0),
            beep_each_second: settings.beep_each_second,
        }
    }
}

impl AudioSource for Tone {
    fn fill(&mut self, start_sample: u64, out: &mut AudioBlock) {
        let rate = SAMPLE_RATE as u64;
        for i in 0..AUDIO_BLOCK {
            let n = start_sample + i as u64;
            let sounding = !self.beep_each_second || n % rate < BEEP_SAMPLES;
            // Phase from the sample index within the second keeps f64 precise for hours.
            let phase = (n % rate) as f64 * self.step;
            let value = if sounding {
                (phase.sin() as f32) * self.amplitude
            } else {
                0.0
            };
            for c in 0..out.channels {
                out.channel_mut(c)[i] = value;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(beep: bool) -> ToneSettings {
        ToneSettings {
            frequency_hz: 1000.0,
            level_dbfs: -6.0,
            beep_each_second: beep,
        }
    }

    #[test]
    fn continuous_tone_has_its_level() {
        let mut block = AudioBlock::silent(2);
        Tone::new(&settings(false)).fill(0, &mut block);
        let peak = block.channel(0).iter().fold(0f32, |m, v| m.max(v.abs()));
        assert!((peak - 0.501).abs() < 0.01, "peak {peak}");
        assert_eq!(block.channel(0), block.channel(1));
    }

    #[test]
    fn beep_sounds_for_50ms_from_each_whole_second() {
        let mut tone = Tone::new(&settings(true));
        let mut block = AudioBlock::silent(1);
        // Block starting at 1 s: sound in the first 2400 samples only.
        tone.fill(48_000, &mut block);
        let ch = block.channel(0);
        assert_eq!(ch[0], 0.0, "sine starts at phase 0");
        assert!(
            ch.iter().any(|v| v.abs() > 0.4),
            "the whole block is inside the beep"
        );
        // The block from sample 2048 of the second holds the beep's last 352 samples.
        tone.fill(48_000 + 2048, &mut block);
        let ch = block.channel(0);
        assert!(ch[..352].iter().any(|v| v.abs() > 0.4));
        assert!(ch[352..].iter().all(|v| *v == 0.0), "silent after 50 ms");
    }
}
