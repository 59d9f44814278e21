//! The sound side of the program: the scene's audio sources, each through its channel strip,
//! summed on the master bus, limited, dithered and metered. Runs on the audio thread; sources
//! that stay in the next scene keep running (a microphone is not reopened by an edit). While
//! remote guests are connected, a second bus sums what guests may hear, and each guest is
//! sent it minus their own voice (the mix-minus), before any stream delay.

use crate::meters::MeterBoard;
use crate::transition::AudioTransition;
use std::sync::Arc;
use streamwerk_capture::AudioOutput;
use streamwerk_media::{AudioBlock, AUDIO_BLOCK};
use streamwerk_mixer::{Limiter, Meter, MeterReading, Strip};
use streamwerk_scene::{AudioMix, Source, SourceKind};
use streamwerk_sources::AudioSource;

/// The audio part of a scene plan: the sources the next scene plays, some opened just now.
#[derive(Default)]
pub struct AudioPlan {
    needed: Vec<Source>,
    fresh: Vec<(Source, Box<dyn AudioSource>)>,
    /// A scene switch: how the sound changes over (an edit has none).
    pub(crate) transition: Option<AudioTransition>,
    /// A panic's cut: told the first block mixed with this plan.
    pub(crate) splice: Option<std::sync::Arc<crate::splice::Splice>>,
}

impl AudioPlan {
    /// A source that is already playing and stays.
    pub(crate) fn keep(&mut self, source: Source) {
        self.needed.push(source);
    }

    pub(crate) fn open(&mut self, source: Source, opened: Box<dyn AudioSource>) {
        self.needed.push(source.clone());
        self.fresh.push((source, opened));
    }

    /// Whether this plan opens `source` itself.
    pub(crate) fn is_fresh(&self, source: &Source) -> bool {
        self.fresh.iter().any(|(s, _)| s.same_media(source))
    }

    pub(crate) fn sources(&self) -> impl Iterator<Item = &Source> {
        self.needed.iter()
    }
}

struct OpenAudio {
    definition: Source,
    source: Box<dyn AudioSource>,
    strip: Strip,
    /// Its strip's meter over the block just mixed.
    reading: MeterReading,
    /// Came in with a transition that is still fading it in.
    entering: bool,
    /// A remote guest's slot, and their voice as the guests' bus has it this block.
    own: Option<(String, AudioBlock)>,
}

impl OpenAudio {
    fn new(
        definition: Source,
        source: Box<dyn AudioSource>,
        channels: usize,
        entering: bool,
    ) -> Self {
        let own = match &definition.kind {
            SourceKind::Guest(g) => Some((g.slot.clone(), AudioBlock::silent(channels))),
            _ => None,
        };
        OpenAudio {
            strip: Strip::new(&definition.audio, channels),
            reading: MeterReading::default(),
            source,
            definition,
            entering,
            own,
        }
    }
}

/// A transition's sound: the scene going out fading under the one coming in.
struct Fading {
    plan: AudioTransition,
    /// The program sample of its first block.
    start: Option<u64>,
    leaving: Vec<OpenAudio>,
}

/// The program's mixer.
pub struct SceneAudio {
    inputs: Vec<OpenAudio>,
    fading: Option<Fading>,
    channels: usize,
    scratch: AudioBlock,
    /// What monitored strips add up to, and the output it plays on while any strip is.
    monitor: AudioBlock,
    monitor_output: Option<AudioOutput>,
    /// What guests may hear: every strip not marked "not to guests", before the limiter.
    guest_bus: AudioBlock,
    limiter: Limiter,
    master_meter: Meter,
    dither: fastrand::Rng,
    board: Arc<MeterBoard>,
}

/// One step of 16-bit audio: the level of the master bus's dither.
const LSB_16: f32 = 1.0 / 32768.0;

impl SceneAudio {
    /// No sound yet.
    pub fn silent(channels: usize) -> Self {
        SceneAudio {
            inputs: Vec::new(),
            fading: None,
            channels,
            scratch: AudioBlock::silent(channels),
            monitor: AudioBlock::silent(channels),
            monitor_output: None,
            guest_bus: AudioBlock::silent(channels),
            limiter: Limiter::default(),
            master_meter: Meter::new(channels),
            dither: fastrand::Rng::with_seed(0x0057_524b),
            board: Arc::new(MeterBoard::default()),
        }
    }

    /// Publishes meter readings to `board` from now on.
    pub(crate) fn meter_into(&mut self, board: Arc<MeterBoard>) {
        self.board = board;
    }

    /// Switches to a plan: inputs it keeps go on playing (with its strip settings), fresh ones
    /// start, the rest close, or fade out under the new ones when the plan has a transition
    /// (which first finishes a running one).
    pub fn apply(&mut self, plan: AudioPlan) {
        let AudioPlan {
            needed,
            mut fresh,
            transition,
            splice: _,
        } = plan;
        if transition.is_some() {
            self.end_fade();
        }
        let fade = transition.filter(|t| !t.done(0));
        let mut old = std::mem::take(&mut self.inputs);
        for definition in needed {
            let found = match fresh.iter().position(|(d, _)| d.same_media(&definition)) {
                Some(i) => {
                    let (_, source) = fresh.swap_remove(i);
                    Some(OpenAudio::new(
                        definition.clone(),
                        source,
                        self.channels,
                        fade.is_some(),
                    ))
                }
                None => old
                    .iter()
                    .position(|o| o.definition.same_media(&definition))
                    .map(|i| old.swap_remove(i)),
            };
            if let Some(mut input) = found {
                input.strip.set(&definition.audio);
                input.definition = definition;
                self.inputs.push(input);
            }
        }
        if let Some(plan) = fade {
            self.fading = Some(Fading {
                plan,
                start: None,
                leaving: old,
            });
        }
        self.board
            .forget_others(self.inputs.iter().map(|i| &i.definition.id));
    }

    /// Changes one source's strip now (a fader move): no plan, no reopening.
    pub fn set_mix(&mut self, source: &str, mix: &AudioMix) {
        for input in &mut self.inputs {
            if input.definition.id == source {
                input.strip.set(mix);
                input.definition.audio = mix.clone();
            }
        }
    }

    /// Ends a transition's fade: what was going out closes, what came in plays in full.
    fn end_fade(&mut self) {
        self.fading = None;
        for input in &mut self.inputs {
            input.entering = false;
        }
    }

    /// Mixes the block that starts at `start_sample` into `out` and publishes the meters.
    pub fn mix(&mut self, start_sample: u64, out: &mut AudioBlock) {
        out.clear();
        self.monitor.clear();
        self.guest_bus.clear();
        let returns = streamwerk_media::feeds::anyone_connected();
        // Samples into a running transition.
        let fade_at = self
            .fading
            .as_mut()
            .map(|f| start_sample - *f.start.get_or_insert(start_sample));
        for input in &mut self.inputs {
            let at = input.strip.source_start(start_sample);
            input.source.fill(at, &mut self.scratch);
            input.strip.process(&mut self.scratch, &mut self.monitor);
            let fading = self.fading.as_ref().filter(|_| input.entering);
            let ramp = fade_at
                .zip(fading)
                .map(|(at, f)| move |i: usize| f.plan.gains(at + i as u64).1);
            add_into(out, &self.scratch, ramp);
            if returns {
                let heard = !input.definition.audio.not_to_guests;
                if heard {
                    add_into(&mut self.guest_bus, &self.scratch, ramp);
                }
                if let Some((_, own)) = &mut input.own {
                    own.clear();
                    if heard {
                        add_into(own, &self.scratch, ramp);
                    }
                }
            }
            input.reading = input.strip.meter.take_reading();
        }
        if let (Some(at), Some(fading)) = (fade_at, &mut self.fading) {
            for input in &mut fading.leaving {
                let from = input.strip.source_start(start_sample);
                input.source.fill(from, &mut self.scratch);
                input.strip.process(&mut self.scratch, &mut self.monitor);
                let plan = &fading.plan;
                let ramp = Some(|i: usize| plan.gains(at + i as u64).0);
                add_into(out, &self.scratch, ramp);
                // A guest leaving the scene is not taken out of their own return for the
                // fade's moment: they are left out of the guests' bus instead.
                if returns && input.own.is_none() && !input.definition.audio.not_to_guests {
                    add_into(&mut self.guest_bus, &self.scratch, ramp);
                }
            }
            if let Some(stinger) = &mut fading.plan.stinger {
                stinger.fill(start_sample, &mut self.scratch);
                add_into(out, &self.scratch, None::<fn(usize) -> f32>);
                if returns {
                    add_into(&mut self.guest_bus, &self.scratch, None::<fn(usize) -> f32>);
                }
            }
            if fading.plan.done(at + AUDIO_BLOCK as u64) {
                self.end_fade();
            }
        }
        // TPDF dither at the 16-bit level (-96 dBFS, inaudible), as a 16-bit chain would add.
        // Clean digital audio otherwise leaves bands of almost-zero energy that send FFmpeg's
        // AAC encoder into a slow search: 0.13 against 0.03 CPU s per second for a pure tone
        // (docs/benchmarks.md).
        for o in &mut out.data {
            let tpdf = self.dither.f32() - self.dither.f32();
            *o += tpdf * LSB_16;
        }
        self.play_monitor();
        if returns {
            let own = self
                .inputs
                .iter()
                .filter_map(|i| i.own.as_ref().map(|(slot, b)| (slot.as_str(), b)));
            streamwerk_media::feeds::send_returns(&self.guest_bus, own);
        }
        // Then keep the sum under the ceiling, whatever the sources add up to.
        self.limiter.process(out);
        self.master_meter.measure(out);
        self.board.publish(
            self.inputs
                .iter()
                .map(|i| (i.definition.id.as_str(), i.source.state(), i.reading)),
            self.master_meter.take_reading(),
            self.limiter.blocks_limited,
        );
    }
}

/// Adds `block` into `out`, each sample scaled by `gain(i)` when given.
fn add_into(out: &mut AudioBlock, block: &AudioBlock, gain: Option<impl Fn(usize) -> f32>) {
    match gain {
        None => {
            for (o, s) in out.data.iter_mut().zip(&block.data) {
                *o += *s;
            }
        }
        Some(gain) => {
            for (o, s) in out
                .data
                .chunks_exact_mut(AUDIO_BLOCK)
                .zip(block.data.chunks_exact(AUDIO_BLOCK))
            {
                for (i, (o, s)) in o.iter_mut().zip(s).enumerate() {
                    *o += *s * gain(i);
                }
            }
        }
    }
}

impl SceneAudio {
    /// Plays the monitor bus while any strip is monitored; the output opens with the first
    /// and closes (on a thread of its own: a stuck driver must not hold this one) with the last.
    fn play_monitor(&mut self) {
        let wanted = self.inputs.iter().any(|i| i.strip.mix().monitor);
        match (&mut self.monitor_output, wanted) {
            (Some(output), true) => {
                for v in &mut self.monitor.data {
                    *v = v.clamp(-1.0, 1.0);
                }
                output.write(&self.monitor);
            }
            (None, true) => self.monitor_output = Some(AudioOutput::open_default()),
            (Some(_), false) => {
                let output = self.monitor_output.take();
                let _ = std::thread::Builder::new()
                    .name("audio output close".into())
                    .spawn(move || drop(output));
            }
            (None, false) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamwerk_scene::{SourceKind, ToneSettings};
    use streamwerk_sources::Tone;

    fn tone_source(id: &str, level_dbfs: f32, mix: AudioMix) -> (Source, Box<dyn AudioSource>) {
        let settings = ToneSettings {
            frequency_hz: 1000.0,
            level_dbfs,
            beep_each_second: false,
        };
        let source = Source {
            id: id.into(),
            name: String::new(),
            kind: SourceKind::Tone(settings.clone()),
            audio: mix,
        };
        (source, Box::new(Tone::new(&settings)))
    }

    fn mixer_with(inputs: Vec<(Source, Box<dyn AudioSource>)>) -> SceneAudio {
        let mut plan = AudioPlan::default();
        for (s, a) in inputs {
            plan.open(s, a);
        }
        let mut audio = SceneAudio::silent(2);
        audio.apply(plan);
        audio
    }

    #[test]
    fn guests_hear_the_show_without_sources_marked_not_to_guests() {
        let listener = streamwerk_media::feeds::feed("scene-audio-listener");
        listener.set_present(true);
        let music = AudioMix {
            not_to_guests: true,
            ..AudioMix::default()
        };
        // A level and a time no other test mixes: other tests' mixers run in this process and
        // send to every connected slot too, so our block is picked out by its samples.
        let mut audio = mixer_with(vec![
            tone_source("voice", -23.0, AudioMix::default()),
            tone_source("music", -23.0, music),
        ]);
        let at = 4_800_000;
        let mut mixed = AudioBlock::silent(2);
        audio.mix(at, &mut mixed);
        let mut voice = AudioBlock::silent(2);
        tone_source("alone", -23.0, AudioMix::default())
            .1
            .fill(at, &mut voice);
        // The program has both.
        for (m, v) in mixed.data.iter().zip(&voice.data) {
            assert!((m - 2.0 * v).abs() < 2.0 * LSB_16);
        }
        // The guest hears the voice alone, sample for sample.
        let mut heard = Vec::new();
        let mut found = false;
        while !found && listener.take_return(AUDIO_BLOCK, &mut heard) {
            found = heard.chunks_exact(2).enumerate().all(|(i, pair)| {
                pair[0] == voice.data[i] && pair[1] == voice.data[AUDIO_BLOCK + i]
            });
        }
        listener.set_present(false);
        assert!(found, "no block of the voice alone was sent to the guest");
    }

    #[test]
    fn the_mix_is_the_sum_plus_dither_below_one_16_bit_step() {
        let mut audio = mixer_with(vec![
            tone_source("a", -20.0, AudioMix::default()),
            tone_source("b", -20.0, AudioMix::default()),
        ]);
        let mut mixed = AudioBlock::silent(2);
        audio.mix(48_000, &mut mixed);
        let mut single = AudioBlock::silent(2);
        tone_source("c", -20.0, AudioMix::default())
            .1
            .fill(48_000, &mut single);
        let mut noise = 0f32;
        for (m, s) in mixed.data.iter().zip(&single.data) {
            let error = m - 2.0 * s;
            assert!(
                error.abs() < LSB_16,
                "dither within one 16-bit step: {error}"
            );
            noise = noise.max(error.abs());
        }
        assert!(noise > 0.0, "the dither is there");
    }

    #[test]
    fn loud_sources_are_limited_and_meters_show_each_strip() {
        let mut audio = mixer_with(vec![
            tone_source("a", -1.0, AudioMix::default()),
            tone_source(
                "b",
                -1.0,
                AudioMix {
                    gain_db: 6.0,
                    ..AudioMix::default()
                },
            ),
        ]);
        let mut mixed = AudioBlock::silent(2);
        for block in 0..20 {
            audio.mix(block * 1024, &mut mixed);
            assert!(mixed
                .data
                .iter()
                .all(|v| v.abs() <= streamwerk_mixer::CEILING + 1e-4));
        }
        let meters = audio.board.take();
        let peak = |id: &str| {
            meters
                .sources
                .iter()
                .find(|m| m.source == id)
                .unwrap()
                .reading
                .peak_dbfs
        };
        assert!((peak("a") + 1.0).abs() < 0.05, "{meters:?}");
        assert!(
            (peak("b") - 5.0).abs() < 0.05,
            "the strip meter is after the fader"
        );
        assert!(meters.master.peak_dbfs <= -0.99, "{meters:?}");
        assert!(meters.blocks_limited > 0);
    }

    #[test]
    fn a_fader_move_keeps_the_source_running() {
        let mut audio = mixer_with(vec![tone_source("a", -20.0, AudioMix::default())]);
        audio.set_mix(
            "a",
            &AudioMix {
                muted: true,
                ..AudioMix::default()
            },
        );
        let mut mixed = AudioBlock::silent(2);
        audio.mix(0, &mut mixed);
        assert!(mixed.data.iter().all(|v| v.abs() < LSB_16), "muted");
        assert_eq!(audio.inputs.len(), 1);
    }
}
