use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, RwLock};
use streamwerk_encode::{EncodedPacket, StreamKind};

/// Counters one sink keeps, read by the engine's stats.
#[derive(Debug)]
pub struct SinkStats {
    pub packets: AtomicU64,
    pub bytes: AtomicU64,
    /// Of `bytes`, how many still sat in the socket's send buffer after the last write: a full
    /// buffer (1 MiB for RTMP) would otherwise read as ~0.8 Mbit/s more than a weak link
    /// carries over a 10 s window.
    pub unsent: AtomicU64,
    /// Packets the fan-out dropped because this sink's queue was full (or it was waiting for a
    /// keyframe after such a drop).
    pub dropped: AtomicU64,
    pub error: Mutex<Option<String>>,
    /// Program time (ms) of the last packet the sink wrote; `i64::MIN` while it writes nothing
    /// (connecting, waiting to reconnect), when only the queue bound applies.
    pub written_ms: AtomicI64,
}

impl Default for SinkStats {
    fn default() -> Self {
        SinkStats {
            packets: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            unsent: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            error: Mutex::new(None),
            written_ms: AtomicI64::new(i64::MIN),
        }
    }
}

impl SinkStats {
    pub fn snapshot(&self, name: &str) -> SinkStatsSnapshot {
        SinkStatsSnapshot {
            name: name.to_string(),
            packets: self.packets.load(Relaxed),
            bytes: self
                .bytes
                .load(Relaxed)
                .saturating_sub(self.unsent.load(Relaxed)),
            dropped: self.dropped.load(Relaxed),
            error: self.error.lock().unwrap().clone(),
            bitrate_kbps: 0.0,
            destination: None,
            uplink: None,
            canvas: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ts_rs::TS)]
pub struct SinkStatsSnapshot {
    pub name: String,
    pub packets: u64,
    /// Bytes the sink wrote that left the machine (for RTMP on Linux and macOS: not counting
    /// what still waits in the socket's send buffer).
    pub bytes: u64,
    pub dropped: u64,
    pub error: Option<String>,
    /// Sent bitrate since the previous snapshot.
    pub bitrate_kbps: f64,
    /// Destinations only: connection state, reconnections so far, seconds live.
    pub destination: Option<DestinationSnapshot>,
    /// Set while a destination drops packets because its link carries less than the stream
    /// needs: the measured throughput against the stream's bitrate, and the fix.
    pub uplink: Option<String>,
    /// The canvas it gets, when the session has several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canvas: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ts_rs::TS)]
pub struct DestinationSnapshot {
    pub state: crate::DestinationState,
    pub reconnects: u64,
    pub uptime_s: f64,
}

/// A flag a sink raises when it needs a keyframe now (it joined a running session, or its
/// server accepted it again after an outage); the video encoder takes it before each frame.
/// Without it a sink waits for the next scheduled keyframe, up to a keyframe interval.
#[derive(Debug, Clone, Default)]
pub struct KeyframeRequest(Arc<AtomicBool>);

impl KeyframeRequest {
    pub fn request(&self) {
        self.0.store(true, Relaxed);
    }

    /// True once after each request (of any number of sinks): the next frame is a keyframe.
    pub fn take(&self) -> bool {
        self.0.swap(false, Relaxed)
    }
}

/// The fan-out's end of one sink's queue.
pub struct SinkFeed {
    pub name: String,
    /// How far (program time) the sink may fall behind the encoder before the fan-out drops
    /// its packets up to the next keyframe. OBS uses 700 to 900 ms for network outputs.
    budget_ms: i64,
    tx: SyncSender<Arc<EncodedPacket>>,
    /// Until its first keyframe a sink gets nothing: it joined a running stream.
    joined: AtomicBool,
    waiting_for_key: AtomicBool,
    /// Program time (ms) of the last packet put in the queue. A sink whose `written_ms` has
    /// reached it has nothing left to write and is not behind, however old that time is.
    queued_ms: AtomicI64,
    /// Program time (ms) of the first packet offered after the sink last had nothing left to
    /// write: its lag counts from there or from its last written packet, the later.
    resumed_ms: AtomicI64,
    pub stats: Arc<SinkStats>,
}

impl SinkFeed {
    /// A queue of `capacity` packets and a lag budget; the sink thread reads the receiver.
    pub fn new(
        name: impl Into<String>,
        capacity: usize,
        budget: std::time::Duration,
    ) -> (Self, Receiver<Arc<EncodedPacket>>) {
        let (tx, rx) = std::sync::mpsc::sync_channel(capacity);
        let feed = SinkFeed {
            name: name.into(),
            budget_ms: budget.as_millis() as i64,
            tx,
            joined: AtomicBool::new(false),
            waiting_for_key: AtomicBool::new(false),
            queued_ms: AtomicI64::new(i64::MIN),
            resumed_ms: AtomicI64::new(i64::MIN),
            stats: Arc::default(),
        };
        (feed, rx)
    }

    /// A sink there from the show's start: it takes every packet from the first, sound
    /// included, rather than waiting for a keyframe as one joining a running show does (its
    /// canvas's first picture may come after the first sound).
    pub fn from_show_start(self) -> Self {
        self.joined.store(true, Relaxed);
        self
    }

    fn offer_all(&self, packets: &[Arc<EncodedPacket>]) {
        for packet in packets {
            self.offer(packet);
        }
    }

    fn offer(&self, packet: &Arc<EncodedPacket>) {
        if !self.joined.load(Relaxed) {
            if packet.kind != StreamKind::Video || !packet.is_key() {
                return;
            }
            self.joined.store(true, Relaxed);
        }
        if self.waiting_for_key.load(Relaxed) {
            if packet.kind == StreamKind::Video && packet.is_key() {
                self.waiting_for_key.store(false, Relaxed);
            } else {
                self.stats.dropped.fetch_add(1, Relaxed);
                return;
            }
        }
        // Behind: still writing packets given long ago. A sink that has written all it was
        // given (its packets were being dropped, or it waited for a keyframe) is caught up,
        // however old its last packet: else it could never be given anything again.
        let written = self.stats.written_ms.load(Relaxed);
        if written != i64::MIN {
            if written >= self.queued_ms.load(Relaxed) {
                self.resumed_ms.store(packet.time_ms(), Relaxed);
            }
            let since = written.max(self.resumed_ms.load(Relaxed));
            if packet.time_ms() - since > self.budget_ms {
                self.waiting_for_key.store(true, Relaxed);
                self.stats.dropped.fetch_add(1, Relaxed);
                return;
            }
        }
        match self.tx.try_send(Arc::clone(packet)) {
            Ok(()) => {
                // In queue order, as the sink writes them: equal once it wrote this one.
                self.queued_ms.store(packet.time_ms(), Relaxed);
            }
            Err(TrySendError::Full(_)) => {
                self.waiting_for_key.store(true, Relaxed);
                self.stats.dropped.fetch_add(1, Relaxed);
            }
            // The sink has stopped (its error is in its stats); nothing to deliver to.
            Err(TrySendError::Disconnected(_)) => {}
        }
    }
}

/// Audio packets held for the next video packet, at most (~85 ms of AAC at 48 kHz).
const HOLD_AUDIO: usize = 4;

/// Hands every packet to every sink. Shared by the encoder threads; never blocks on a sink.
/// Sinks join (from the next keyframe) and leave while it runs: going live while recording.
///
/// Audio packets (47 a second) wait for the next video packet (30) and go out with it, so a
/// sink thread wakes once per frame, not per packet: waking cost a destination's thread
/// about as much as everything it then did with the audio. Muxers interleave by timestamp
/// anyway, and what is held when the fan-out goes away is delivered first.
pub struct FanOut {
    feeds: RwLock<Vec<SinkFeed>>,
    held_audio: Mutex<Vec<Arc<EncodedPacket>>>,
    keyframes: KeyframeRequest,
}

impl FanOut {
    pub fn new(feeds: Vec<SinkFeed>) -> Self {
        FanOut {
            feeds: RwLock::new(feeds),
            held_audio: Mutex::new(Vec::with_capacity(HOLD_AUDIO)),
            keyframes: KeyframeRequest::default(),
        }
    }

    /// The flag the video encoder reads; sinks raise it to start at once.
    pub fn keyframes(&self) -> KeyframeRequest {
        self.keyframes.clone()
    }

    pub fn publish(&self, packet: EncodedPacket) {
        self.publish_shared(Arc::new(packet));
    }

    /// The same for a packet another fan-out (or the stream delay) also holds.
    pub fn publish_shared(&self, packet: Arc<EncodedPacket>) {
        let mut held = self.held_audio.lock().unwrap();
        if packet.kind == StreamKind::Audio && held.len() < HOLD_AUDIO {
            held.push(packet);
            return;
        }
        for feed in self.feeds.read().unwrap().iter() {
            feed.offer_all(&held);
            feed.offer(&packet);
        }
        held.clear();
    }

    /// Adds a sink; it starts at the next keyframe, which it asks the encoder for.
    pub fn add(&self, feed: SinkFeed) {
        self.feeds.write().unwrap().push(feed);
        self.keyframes.request();
    }

    /// Removes the sink named `name`: its queue closes, so its thread writes what is queued
    /// and ends (a recording is finalised). False when there is no such sink.
    pub fn remove(&self, name: &str) -> bool {
        let held = self.held_audio.lock().unwrap();
        let mut feeds = self.feeds.write().unwrap();
        // The leaving sink's last audio is in the hold: it gets it first.
        for feed in feeds.iter().filter(|f| f.name == name) {
            feed.offer_all(&held);
        }
        let before = feeds.len();
        feeds.retain(|f| f.name != name);
        feeds.len() != before
    }

    pub fn snapshot(&self) -> Vec<SinkStatsSnapshot> {
        self.feeds
            .read()
            .unwrap()
            .iter()
            .map(|f| f.stats.snapshot(&f.name))
            .collect()
    }
}

impl Drop for FanOut {
    fn drop(&mut self) {
        let held = self.held_audio.get_mut().unwrap_or_else(|e| e.into_inner());
        for feed in self
            .feeds
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            feed.offer_all(held);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamwerk_encode::ffmpeg::{Packet, Rational};

    fn packet(kind: StreamKind, key: bool) -> EncodedPacket {
        packet_at(kind, key, 0)
    }

    /// A packet shown at `pts` (time base 1/30).
    fn packet_at(kind: StreamKind, key: bool, pts: i64) -> EncodedPacket {
        let mut p = Packet::copy(&[1, 2, 3]);
        if key {
            p.set_flags(streamwerk_encode::ffmpeg::packet::Flags::KEY);
        }
        p.set_pts(Some(pts));
        EncodedPacket::new(kind, p, Rational::new(1, 30))
    }

    /// Everything queued for a sink, taken out.
    fn drain(rx: &Receiver<Arc<EncodedPacket>>) -> Vec<Arc<EncodedPacket>> {
        rx.try_iter().collect()
    }

    #[test]
    fn a_full_sink_drops_until_the_next_keyframe_and_others_get_everything() {
        let budget = std::time::Duration::from_secs(10);
        let (slow, slow_rx) = SinkFeed::new("slow", 2, budget);
        let (fast, fast_rx) = SinkFeed::new("fast", 100, budget);
        let fanout = FanOut::new(vec![slow, fast]);
        fanout.publish(packet(StreamKind::Video, true));
        fanout.publish(packet(StreamKind::Video, false));
        // Queue full from here: this one and everything up to the next keyframe are dropped.
        fanout.publish(packet(StreamKind::Video, false));
        let _ = slow_rx.recv().unwrap();
        fanout.publish(packet(StreamKind::Audio, false));
        fanout.publish(packet(StreamKind::Video, false));
        fanout.publish(packet(StreamKind::Video, true));
        let stats = fanout.snapshot();
        assert_eq!(stats[0].dropped, 3);
        assert_eq!(stats[1].dropped, 0);
        assert_eq!(drain(&fast_rx).len(), 6);
        // The slow sink holds the second packet, then resumes with the keyframe.
        assert!(!slow_rx.recv().unwrap().is_key());
        assert!(slow_rx.recv().unwrap().is_key());
    }

    #[test]
    fn audio_leaves_with_the_next_video_packet_and_nothing_held_is_lost() {
        let budget = std::time::Duration::from_secs(10);
        let (feed, rx) = SinkFeed::new("sink", 100, budget);
        let fanout = FanOut::new(vec![feed]);
        fanout.publish(packet(StreamKind::Video, true));
        fanout.publish(packet(StreamKind::Audio, false));
        fanout.publish(packet(StreamKind::Audio, false));
        assert_eq!(drain(&rx).len(), 1, "audio waits for the next frame");
        fanout.publish(packet(StreamKind::Video, false));
        let kinds: Vec<StreamKind> = drain(&rx).iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [StreamKind::Audio, StreamKind::Audio, StreamKind::Video]
        );
        // Without video, audio still flows after a few packets.
        for _ in 0..=HOLD_AUDIO {
            fanout.publish(packet(StreamKind::Audio, false));
        }
        assert_eq!(drain(&rx).len(), HOLD_AUDIO + 1);
        // The program ends with audio in the hold: it is delivered.
        fanout.publish(packet(StreamKind::Audio, false));
        drop(fanout);
        assert_eq!(drain(&rx).len(), 1);
    }

    #[test]
    fn a_sink_further_behind_than_its_budget_drops_to_the_next_keyframe() {
        let (feed, rx) = SinkFeed::new("congested", 100, std::time::Duration::from_millis(800));
        let stats = feed.stats.clone();
        let fanout = FanOut::new(vec![feed]);
        let at = |ms: i64, key: bool| packet_at(StreamKind::Video, key, ms * 30 / 1000);
        fanout.publish(at(0, true));
        fanout.publish(at(100, false));
        stats.written_ms.store(0, Relaxed); // the sink is stuck writing the packet at 100 ms
        fanout.publish(at(500, false)); // 500 ms behind: queued
        fanout.publish(at(1000, false)); // 1 s behind: dropped
        stats.written_ms.store(500, Relaxed); // it caught up
        fanout.publish(at(1100, false)); // still waiting for a keyframe: dropped
        fanout.publish(at(1200, true)); // resumes here
        assert_eq!(stats.dropped.load(Relaxed), 2);
        assert_eq!(drain(&rx).len(), 4);
    }

    #[test]
    fn a_sink_that_wrote_everything_it_was_given_is_not_behind() {
        let (feed, rx) = SinkFeed::new("recovered", 100, std::time::Duration::from_millis(800));
        let stats = feed.stats.clone();
        let fanout = FanOut::new(vec![feed]);
        let at = |ms: i64, key: bool| packet_at(StreamKind::Video, key, ms * 30 / 1000);
        fanout.publish(at(0, true));
        fanout.publish(at(100, false));
        stats.written_ms.store(0, Relaxed); // stuck on the packet at 100 ms (a link went down)
        fanout.publish(at(1000, false)); // dropped: 1 s behind with a packet unwritten
        assert_eq!(drain(&rx).len(), 2);
        // The link came back; everything given has been written. The next keyframe, a minute
        // of program time later, goes out, and what follows it.
        stats.written_ms.store(100, Relaxed);
        fanout.publish(at(60_000, true));
        fanout.publish(at(60_100, false));
        assert_eq!(drain(&rx).len(), 2);
        assert_eq!(stats.dropped.load(Relaxed), 1);
    }

    #[test]
    fn a_sink_that_joins_late_starts_at_the_next_keyframe_and_leaves_cleanly() {
        let budget = std::time::Duration::from_secs(10);
        let (first, first_rx) = SinkFeed::new("first", 100, budget);
        let fanout = FanOut::new(vec![first]);
        fanout.publish(packet(StreamKind::Video, true));
        fanout.publish(packet(StreamKind::Video, false));
        let (late, late_rx) = SinkFeed::new("late", 100, budget);
        fanout.add(late);
        fanout.publish(packet(StreamKind::Audio, false));
        fanout.publish(packet(StreamKind::Video, false));
        fanout.publish(packet(StreamKind::Video, true));
        fanout.publish(packet(StreamKind::Audio, false));
        let stats = fanout.snapshot();
        assert_eq!(stats[1].dropped, 0, "joining is not dropping");
        // Leaving, the first sink still gets the audio that was held.
        assert!(fanout.remove("first"));
        assert!(!fanout.remove("first"));
        fanout.publish(packet(StreamKind::Video, false));
        let late: Vec<_> = drain(&late_rx);
        assert!(late[0].is_key(), "from the keyframe on");
        assert_eq!(late.len(), 3, "keyframe, the held audio, the next frame");
        drop(fanout);
        assert_eq!(drain(&first_rx).len(), 6, "queued packets stay readable");
    }

    #[test]
    fn shared_packets_reference_the_same_payload() {
        let p = packet(StreamKind::Video, true);
        let a = p.share();
        assert_eq!(a.data().unwrap().as_ptr(), p.data().as_ptr(), "no copy");
    }
}
