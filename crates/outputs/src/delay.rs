//! The stream delay: encoded packets held for a set time between the encoders and the
//! destinations, so a mistake can be taken back before viewers see it. A panic discards
//! everything held; what follows starts at the next keyframe, which it asks the encoder for.
//!
//! Memory is the encoded stream's bitrate times the delay (60 s at 4.7 Mbit/s: 35 MB); raw
//! frames are never held. Packets are the encoders' own (shared with the recordings), released
//! on a thread of their own at the time they arrived plus the delay.

use crate::{FanOut, KeyframeRequest};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use streamwerk_encode::{EncodedPacket, StreamKind};

/// The longest delay: platforms' own latency settings stop well before ten minutes.
pub const MAX_DELAY: Duration = Duration::from_secs(600);

#[derive(Default)]
struct Held {
    /// (when it may go out, packet), oldest first.
    packets: VecDeque<(Instant, Arc<EncodedPacket>)>,
    bytes: u64,
    /// After a panic, incoming packets are dropped until a video keyframe.
    discarding: bool,
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
        let mut held = self.held.lock().unwrap();
        if held.discarding {
            if packet.kind != StreamKind::Video || !packet.is_key() {
                self.discarded.fetch_add(1, Relaxed);
                return;
            }
            held.discarding = false;
        }
        held.bytes += packet.size() as u64;
        held.packets
            .push_back((Instant::now() + self.delay, packet));
        drop(held);
        self.changed.notify_one();
    }

    /// Throws away every packet not yet released, so none of it reaches viewers; the stream
    /// resumes at the encoder's next keyframe, requested now. Returns how many were dropped.
    pub fn discard(&self) -> usize {
        let mut held = self.held.lock().unwrap();
        let dropped = held.packets.len();
        held.packets.clear();
        held.bytes = 0;
        held.discarding = true;
        drop(held);
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
