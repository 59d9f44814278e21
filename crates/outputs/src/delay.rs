//! The stream delay: encoded packets held for a set time between the encoders and the
//! destinations, so a mistake can be taken back before viewers see it. A panic discards
//! everything held, and everything after it until its [`CutPoint`]: the stream resumes at the
//! first keyframe made after the cut (which it asks the encoder for), and its sound at the
//! first packet whose every sample was mixed after the cut (an AAC packet's window reaches a
//! frame before its timestamp). A packet's timestamps, not when it
//! arrives, decide: the encoders' queues and delays (x264's frames in flight, AAC's
//! look-ahead of one frame) hand over sound and pictures from before the cut for a while
//! after it.
//!
//! Memory is the encoded stream's bitrate times the delay (60 s at 4.7 Mbit/s: 35 MB); raw
//! frames are never held. Packets are the encoders' own (shared with the recordings), released
//! on a thread of their own at the time they arrived plus the delay.

use crate::{FanOut, KeyframeRequest};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use streamwerk_encode::ffmpeg::Rational;
use streamwerk_encode::{EncodedPacket, StreamKind};

/// The longest delay: platforms' own latency settings stop well before ten minutes.
pub const MAX_DELAY: Duration = Duration::from_secs(600);

/// Sound packets after the cut held while the stream waits for its first picture: about 5 s.
const MAX_WAITING_SOUND: usize = 256;

/// Where a panic's cut reached the encoders: the timestamp (in each stream's own time base) of
/// the first frame composed and the first sample mixed after it. Unknown until the program's
/// threads have applied the cut; until then everything is discarded.
#[derive(Debug)]
pub struct CutPoint {
    video: AtomicI64,
    audio: AtomicI64,
}

impl Default for CutPoint {
    fn default() -> Self {
        CutPoint {
            video: AtomicI64::new(i64::MAX),
            audio: AtomicI64::new(i64::MAX),
        }
    }
}

impl CutPoint {
    pub fn set_video(&self, pts: i64) {
        self.video.store(pts, Relaxed);
    }

    pub fn set_audio(&self, pts: i64) {
        self.audio.store(pts, Relaxed);
    }
}

/// A panic's discarding, until the stream resumes after its cut: the picture at the first
/// keyframe after it, the sound at the first packet with nothing of before it and nothing of
/// before that picture. The sound encoder may run behind the picture's, so sound from before
/// the cut can still come after the picture resumed.
struct Resume {
    cut: Arc<CutPoint>,
    /// The first picture after the cut, once it came: (pts, time base).
    picture: Option<(i64, Rational)>,
    /// Sound from after the cut, waiting for that picture.
    sound: VecDeque<Arc<EncodedPacket>>,
}

/// Whether `a` (pts in `ta`) is at or after `b` (pts in `tb`), exactly.
fn at_or_after(a: i64, ta: Rational, b: i64, tb: Rational) -> bool {
    let side = |pts: i64, t: Rational, other: Rational| {
        pts as i128 * t.numerator() as i128 * other.denominator() as i128
    };
    side(a, ta, tb) >= side(b, tb, ta)
}

#[derive(Default)]
struct Held {
    /// (when it may go out, packet), oldest first.
    packets: VecDeque<(Instant, Arc<EncodedPacket>)>,
    bytes: u64,
    /// After a panic, incoming packets are dropped until the stream resumes after the cut.
    resume: Option<Resume>,
    /// No more packets will come: release the rest on time, then end.
    closed: bool,
}

pub struct DelayLine {
    delay: Duration,
    held: Mutex<Held>,
    changed: Condvar,
    keyframes: KeyframeRequest,
    discarded: AtomicU64,
}

/// What a delay holds now, for stats.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS,
)]
pub struct DelaySnapshot {
    pub delay_s: f64,
    pub held_bytes: u64,
    /// Packets a panic threw away, all told.
    pub discarded: u64,
}

impl DelayLine {
    /// Starts the thread that releases packets into `out` (the destinations' fan-out);
    /// `keyframes` is the encoder's, asked for a keyframe after a panic.
    pub fn start(
        delay: Duration,
        out: Arc<FanOut>,
        keyframes: KeyframeRequest,
    ) -> (Arc<DelayLine>, JoinHandle<()>) {
        let line = Arc::new(DelayLine {
            delay,
            held: Mutex::default(),
            changed: Condvar::new(),
            keyframes,
            discarded: AtomicU64::new(0),
        });
        let thread = std::thread::Builder::new()
            .name("stream-delay".into())
            .spawn({
                let line = line.clone();
                move || line.release_into(&out)
            })
            .expect("spawning a thread");
        (line, thread)
    }

    /// Holds a packet for the delay.
    pub fn push(&self, packet: Arc<EncodedPacket>) {
        let mut guard = self.held.lock().unwrap();
        let Held {
            packets,
            bytes,
            resume: resuming,
            ..
        } = &mut *guard;
        let due = Instant::now() + self.delay;
        let mut hold = |packet: Arc<EncodedPacket>| {
            *bytes += packet.size() as u64;
            packets.push_back((due, packet));
        };
        let Some(resume) = resuming else {
            hold(packet);
            drop(guard);
            self.changed.notify_one();
            return;
        };
        match packet.kind {
            StreamKind::Audio => {
                if !self.sound_clear(resume, &packet) {
                    self.discarded.fetch_add(1, Relaxed);
                    return;
                }
                if resume.picture.is_none() {
                    if resume.sound.len() == MAX_WAITING_SOUND {
                        resume.sound.pop_front();
                        self.discarded.fetch_add(1, Relaxed);
                    }
                    resume.sound.push_back(packet);
                    return;
                }
                // Picture and sound are both past the cut: the stream has resumed.
                *resuming = None;
                hold(packet);
            }
            _ if resume.picture.is_some() => hold(packet),
            _ => {
                let pts = packet.pts().unwrap_or(i64::MIN);
                if !(packet.is_key() && pts >= resume.cut.video.load(Relaxed)) {
                    self.discarded.fetch_add(1, Relaxed);
                    if packet.is_key() {
                        // Made before the cut (the request came while older frames were
                        // queued): ask again.
                        self.keyframes.request();
                    }
                    return;
                }
                resume.picture = Some((pts, packet.time_base));
                let waiting = std::mem::take(&mut resume.sound);
                hold(packet);
                // Sound from before the first picture would play over the last frame aired.
                for sound in waiting {
                    if self.sound_clear(resume, &sound) {
                        hold(sound);
                    } else {
                        self.discarded.fetch_add(1, Relaxed);
                    }
                }
            }
        }
        drop(guard);
        self.changed.notify_one();
    }

    /// Whether a sound packet has nothing of before the cut (its window starts a frame
    /// before its timestamp) nor of before the first picture after it, once that came.
    fn sound_clear(&self, resume: &Resume, packet: &EncodedPacket) -> bool {
        let pts = packet.pts().unwrap_or(i64::MIN);
        let tb = packet.time_base;
        // Measured: the packet stamped at the cut decodes, after the last packet aired, as
        // 21 ms of what came before the cut at full level.
        let cut = resume.cut.audio.load(Relaxed);
        cut != i64::MAX
            && pts - crate::aac_frame_in(tb) >= cut
            && resume
                .picture
                .is_none_or(|(at, at_tb)| at_or_after(pts, tb, at, at_tb))
    }

    /// Throws away every packet not yet released, so none of it reaches viewers, and every
    /// later one made before `cut`; the stream resumes at the encoder's next keyframe after
    /// it, requested now. Returns how many were dropped.
    pub fn discard(&self, cut: Arc<CutPoint>) -> usize {
        let mut held = self.held.lock().unwrap();
        let dropped = held.packets.len();
        held.packets.clear();
        held.bytes = 0;
        let waiting = held.resume.take().map_or(0, |r| r.sound.len());
        held.resume = Some(Resume {
            cut,
            picture: None,
            sound: VecDeque::new(),
        });
        drop(held);
        self.discarded.fetch_add(waiting as u64, Relaxed);
        self.discarded.fetch_add(dropped as u64, Relaxed);
        self.keyframes.request();
        self.changed.notify_one();
        dropped
    }

    /// No more packets: what is held still goes out on time, then the thread ends.
    pub fn close(&self) {
        self.held.lock().unwrap().closed = true;
        self.changed.notify_one();
    }

    pub fn delay(&self) -> Duration {
        self.delay
    }

    pub fn snapshot(&self) -> DelaySnapshot {
        DelaySnapshot {
            delay_s: self.delay.as_secs_f64(),
            held_bytes: self.held.lock().unwrap().bytes,
            discarded: self.discarded.load(Relaxed),
        }
    }

    fn release_into(&self, out: &FanOut) {
        let mut held = self.held.lock().unwrap();
        loop {
            let now = Instant::now();
            match held.packets.front() {
                Some((due, _)) if *due <= now => {
                    let (_, packet) = held.packets.pop_front().expect("checked");
                    held.bytes -= packet.size() as u64;
                    drop(held);
                    out.publish_shared(packet);
                    held = self.held.lock().unwrap();
                }
                Some((due, _)) => {
                    let wait = *due - now;
                    held = self.changed.wait_timeout(held, wait).unwrap().0;
                }
                None if held.closed => return,
                None => held = self.changed.wait(held).unwrap(),
            }
        }
    }
}
