//! Pictures and sound that arrive from outside the engine (a remote guest's camera and
//! microphone), by slot name: the threads that decode them put them in the slot, the source
//! that plays the slot takes them. One picture per slot, replaced; sound queued up to
//! [`MAX_SOUND`] and played [`SOUND_LEAD`] behind, so a slot holds little however fast or slow
//! either side runs. A slot is on air only while its sender is connected *and* admitted: a
//! guest waiting in the lobby still fills it (the host's preview and meter read it), but the
//! source plays nothing of them.

use crate::{AudioBlock, PictureBuf, AUDIO_BLOCK, SAMPLE_RATE};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering::Relaxed};
use std::sync::{Arc, Mutex, OnceLock};

/// One slot: the newest picture with its number, and whether anyone is sending.
#[derive(Default)]
pub struct Feed {
    latest: Mutex<Option<(u64, PictureBuf)>>,
    /// A sender is connected (its pictures may still be on their way).
    present: AtomicBool,
    /// The host let the sender on air (not waiting in the lobby).
    admitted: AtomicBool,
    /// Peak of the sound last pushed (f32 bits), for the lobby's meter.
    level: AtomicU32,
    /// Stereo frames at 48 kHz, waiting to be played.
    sound: Mutex<VecDeque<[f32; 2]>>,
    /// What the sender hears back (the program minus their own voice), stereo at 48 kHz,
    /// waiting to be sent to them; capped at [`MAX_SOUND`].
    back: Mutex<VecDeque<[f32; 2]>>,
}

/// Sound queued in a slot, at most (0.5 s): past it the oldest goes.
pub const MAX_SOUND: usize = SAMPLE_RATE as usize / 2;
/// How far behind the network sound plays (60 ms): room for packets that arrive unevenly.
/// Once more than twice this has built up (a sender's clock running fast), the oldest is
/// skipped down to it.
pub const SOUND_LEAD: usize = SAMPLE_RATE as usize * 60 / 1000;

impl Feed {
    /// Replaces the newest picture; the one it replaces is handed back for reuse.
    pub fn put(&self, picture: PictureBuf) -> Option<PictureBuf> {
        let mut latest = self.latest.lock().unwrap();
        let seq = latest.as_ref().map_or(0, |(n, _)| *n) + 1;
        latest.replace((seq, picture)).map(|(_, old)| old)
    }

    /// Copies the newest picture into `into` when it is newer than `seen`; returns its number
    /// (0 before the first).
    pub fn take_latest(&self, seen: u64, into: &mut PictureBuf) -> u64 {
        let latest = self.latest.lock().unwrap();
        match latest.as_ref() {
            Some((n, picture)) if *n > seen => {
                into.clone_from(picture);
                *n
            }
            Some((n, _)) => *n,
            None => 0,
        }
    }

    pub fn set_present(&self, present: bool) {
        self.present.store(present, Relaxed);
        if !present {
            self.sound.lock().unwrap().clear();
            self.back.lock().unwrap().clear();
            self.level.store(0, Relaxed);
        }
    }

    /// On air (true) or back in the lobby (false).
    pub fn set_admitted(&self, admitted: bool) {
        self.admitted.store(admitted, Relaxed);
    }

    /// Queues decoded stereo frames; past [`MAX_SOUND`] the oldest are dropped.
    pub fn push_sound(&self, frames: &[[f32; 2]]) {
        let peak = frames
            .iter()
            .flat_map(|f| f.iter())
            .fold(0f32, |m, s| m.max(s.abs()));
        self.level.store(peak.to_bits(), Relaxed);
        let mut sound = self.sound.lock().unwrap();
        sound.extend(frames);
        let over = sound.len().saturating_sub(MAX_SOUND);
        sound.drain(..over);
    }

    /// Fills `out` (one block) from the queue once [`SOUND_LEAD`] has built up, silence where
    /// the queue runs short; a queue far ahead is brought back to the lead first.
    /// Off air, the queue is emptied and the block stays silent.
    pub fn take_sound(&self, out: &mut AudioBlock) {
        out.data.fill(0.0);
        let mut sound = self.sound.lock().unwrap();
        if !self.on_air() {
            sound.clear();
            return;
        }
        if sound.len() > 2 * SOUND_LEAD + AUDIO_BLOCK {
            let skip = sound.len() - SOUND_LEAD - AUDIO_BLOCK;
            sound.drain(..skip);
        }
        if sound.len() < SOUND_LEAD {
            return;
        }
        let n = sound.len().min(AUDIO_BLOCK);
        for (i, frame) in sound.drain(..n).enumerate() {
            for c in 0..out.channels {
                out.data[c * AUDIO_BLOCK + i] = frame[c.min(1)];
            }
        }
    }

    /// Queues what the sender hears: `mix` minus `own` (their voice as the mix has it).
    fn push_return(&self, mix: &AudioBlock, own: Option<&AudioBlock>) {
        let sample = |block: &AudioBlock, c: usize, i: usize| {
            block.data[c.min(block.channels - 1) * AUDIO_BLOCK + i]
        };
        let mut back = self.back.lock().unwrap();
        back.extend((0..AUDIO_BLOCK).map(|i| {
            let mut frame = [sample(mix, 0, i), sample(mix, 1, i)];
            if let Some(own) = own {
                frame[0] -= sample(own, 0, i);
                frame[1] -= sample(own, 1, i);
            }
            frame
        }));
        let over = back.len().saturating_sub(MAX_SOUND);
        back.drain(..over);
    }

    /// Takes `frames` of what the sender hears into `into`, once that many are queued.
    pub fn take_return(&self, frames: usize, into: &mut Vec<f32>) -> bool {
        let mut back = self.back.lock().unwrap();
        if back.len() < frames {
            return false;
        }
        into.clear();
        into.extend(back.drain(..frames).flatten());
        true
    }

    /// A sender is connected, on air or waiting.
    pub fn connected(&self) -> bool {
        self.present.load(Relaxed)
    }

    /// Connected and admitted: the source plays the slot.
    pub fn on_air(&self) -> bool {
        self.present.load(Relaxed) && self.admitted.load(Relaxed)
    }

    /// The peak of the sound last received (0 to 1), connected or not yet admitted.
    pub fn level(&self) -> f32 {
        f32::from_bits(self.level.load(Relaxed))
    }
}

type Feeds = Mutex<HashMap<String, Arc<Feed>>>;

fn feeds() -> &'static Feeds {
    static FEEDS: OnceLock<Feeds> = OnceLock::new();
    FEEDS.get_or_init(Default::default)
}

/// The process's feeds, by slot name; a slot is made when first named, by either side.
pub fn feed(slot: &str) -> Arc<Feed> {
    let mut feeds = feeds().lock().unwrap();
    feeds.entry(slot.to_string()).or_default().clone()
}

/// Whether any slot has a sender connected (who would hear the returns).
pub fn anyone_connected() -> bool {
    feeds()
        .lock()
        .unwrap()
        .values()
        .any(|f| f.present.load(Relaxed))
}

/// The mix-minus: every connected sender gets `mix` minus their own voice, found in `own` by
/// slot (a sender whose slot plays nowhere gets `mix` whole).
pub fn send_returns<'a>(
    mix: &AudioBlock,
    own: impl Iterator<Item = (&'a str, &'a AudioBlock)> + Clone,
) {
    for (slot, feed) in feeds().lock().unwrap().iter() {
        if feed.present.load(Relaxed) {
            let theirs = own
                .clone()
                .find_map(|(s, block)| (s == slot).then_some(block));
            feed.push_return(mix, theirs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::I420;

    #[test]
    fn a_slot_hands_over_only_newer_pictures() {
        let feed = feed("test-slot");
        let mut into = PictureBuf::Yuv(I420::new(2, 2));
        assert_eq!(feed.take_latest(0, &mut into), 0);
        assert!(feed.put(PictureBuf::Yuv(I420::new(4, 2))).is_none());
        assert_eq!(feed.take_latest(0, &mut into), 1);
        assert!(matches!(&into, PictureBuf::Yuv(p) if p.width == 4));
        // Seen already: not copied again.
        into = PictureBuf::Yuv(I420::new(2, 2));
        assert_eq!(feed.take_latest(1, &mut into), 1);
        assert!(matches!(&into, PictureBuf::Yuv(p) if p.width == 2));
        assert!(feed.put(PictureBuf::Yuv(I420::new(6, 2))).is_some());
    }

    #[test]
    fn sound_plays_a_lead_behind_and_never_builds_up() {
        let feed = feed("sound-slot");
        let mut out = AudioBlock::silent(2);
        feed.set_present(true);
        feed.set_admitted(true);
        // Less than the lead: silence, nothing taken.
        feed.push_sound(&vec![[0.5, -0.5]; SOUND_LEAD - 1]);
        feed.take_sound(&mut out);
        assert!(out.data.iter().all(|&s| s == 0.0));
        feed.push_sound(&vec![[0.5, -0.5]; AUDIO_BLOCK]);
        feed.take_sound(&mut out);
        assert!(out.channel(0).iter().all(|&s| s == 0.5));
        assert!(out.channel(1).iter().all(|&s| s == -0.5));
        // A second's worth arriving at once is held to the bound, then brought to the lead.
        feed.push_sound(&vec![[0.25, 0.25]; SAMPLE_RATE as usize]);
        assert_eq!(feed.sound.lock().unwrap().len(), MAX_SOUND);
        feed.take_sound(&mut out);
        assert_eq!(feed.sound.lock().unwrap().len(), SOUND_LEAD);
        assert_eq!(feed.level(), 0.25);
        // Back in the lobby: heard by nobody, and nothing kept to play later.
        feed.set_admitted(false);
        feed.push_sound(&vec![[0.5, 0.5]; SOUND_LEAD * 2]);
        feed.take_sound(&mut out);
        assert!(out.data.iter().all(|&s| s == 0.0));
        assert!(feed.sound.lock().unwrap().is_empty());
        assert_eq!(feed.level(), 0.5);
        // Gone from the slot: nothing left to play, no level.
        feed.set_present(false);
        assert!(feed.sound.lock().unwrap().is_empty());
        assert_eq!(feed.level(), 0.0);
    }

    #[test]
    fn each_sender_hears_the_mix_without_their_own_voice() {
        let (ana, ben) = (feed("return-ana"), feed("return-ben"));
        ana.set_present(true);
        ben.set_present(true);
        let block = |v: f32| AudioBlock {
            data: vec![v; AUDIO_BLOCK * 2],
            channels: 2,
        };
        // Studio 0.5, Ana 0.25, Ben 0.125.
        let (mix, ana_voice, ben_voice) = (block(0.875), block(0.25), block(0.125));
        send_returns(
            &mix,
            [("return-ana", &ana_voice), ("return-ben", &ben_voice)].into_iter(),
        );
        let mut got = Vec::new();
        assert!(
            !ana.take_return(AUDIO_BLOCK + 1, &mut got),
            "not that much yet"
        );
        assert!(ana.take_return(960, &mut got));
        assert!(got.iter().all(|&s| s == 0.625), "{:?}", &got[..4]);
        assert!(ben.take_return(960, &mut got));
        assert!(got.iter().all(|&s| s == 0.75));
        // Gone: nothing queued, nothing more sent.
        ana.set_present(false);
        send_returns(&mix, std::iter::empty());
        assert!(!ana.take_return(1, &mut got));
        ben.set_present(false);
    }
}
