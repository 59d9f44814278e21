use crossbeam_channel::{Receiver, Sender, TrySendError};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use streamwerk_encode::{EncodedPacket, StreamKind};

/// Counters one sink keeps, read by the engine's stats.
#[derive(Debug, Default)]
pub struct SinkStats {
    pub packets: AtomicU64,
    pub bytes: AtomicU64,
    /// Packets the fan-out dropped because this sink's queue was full (or it was waiting for a
    /// keyframe after such a drop).
    pub dropped: AtomicU64,
    pub error: Mutex<Option<String>>,
}

impl SinkStats {
    pub fn snapshot(&self, name: &str) -> SinkStatsSnapshot {
        SinkStatsSnapshot {
            name: name.to_string(),
            packets: self.packets.load(Relaxed),
            bytes: self.bytes.load(Relaxed),
            dropped: self.dropped.load(Relaxed),
            error: self.error.lock().unwrap().clone(),
            bitrate_kbps: 0.0,
            destination: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SinkStatsSnapshot {
    pub name: String,
    pub packets: u64,
    pub bytes: u64,
    pub dropped: u64,
    pub error: Option<String>,
    /// Sent bitrate since the previous snapshot.
    pub bitrate_kbps: f64,
    /// Destinations only: connection state, reconnections so far, seconds live.
    #[serde(skip_serializing_if = "Option::is_none", flatten)]
    pub destination: Option<DestinationSnapshot>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DestinationSnapshot {
    pub state: crate::DestinationState,
    pub reconnects: u64,
    pub uptime_s: f64,
}

/// The fan-out's end of one sink's queue.
pub struct SinkFeed {
    pub name: String,
    tx: Sender<Arc<EncodedPacket>>,
    waiting_for_key: AtomicBool,
    pub stats: Arc<SinkStats>,
}

impl SinkFeed {
    /// A queue of `capacity` packets; the sink thread reads the receiver.
    pub fn new(name: impl Into<String>, capacity: usize) -> (Self, Receiver<Arc<EncodedPacket>>) {
        let (tx, rx) = crossbeam_channel::bounded(capacity);
        let feed = SinkFeed {
            name: name.into(),
            tx,
            waiting_for_key: AtomicBool::new(false),
            stats: Arc::default(),
        };
        (feed, rx)
    }

    fn offer(&self, packet: &Arc<EncodedPacket>) {
        if self.waiting_for_key.load(Relaxed) {
            if packet.kind == StreamKind::Video && packet.is_key() {
                self.waiting_for_key.store(false, Relaxed);
            } else {
                self.stats.dropped.fetch_add(1, Relaxed);
                return;
            }
        }
        match self.tx.try_send(Arc::clone(packet)) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.waiting_for_key.store(true, Relaxed);
                self.stats.dropped.fetch_add(1, Relaxed);
            }
            // The sink has stopped (its error is in its stats); nothing to deliver to.
            Err(TrySendError::Disconnected(_)) => {}
        }
    }
}

/// Hands every packet to every sink. Shared by the encoder threads; never blocks.
pub struct FanOut {
    feeds: Vec<SinkFeed>,
}

impl FanOut {
    pub fn new(feeds: Vec<SinkFeed>) -> Self {
        FanOut { feeds }
    }

    pub fn publish(&self, packet: EncodedPacket) {
        let packet = Arc::new(packet);
        for feed in &self.feeds {
            feed.offer(&packet);
        }
    }

    pub fn snapshot(&self) -> Vec<SinkStatsSnapshot> {
        self.feeds
            .iter()
            .map(|f| f.stats.snapshot(&f.name))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamwerk_encode::ffmpeg::{Packet, Rational};

    fn packet(kind: StreamKind, key: bool) -> EncodedPacket {
        let mut p = Packet::copy(&[1, 2, 3]);
        if key {
            p.set_flags(streamwerk_encode::ffmpeg::packet::Flags::KEY);
        }
        EncodedPacket::new(kind, p, Rational::new(1, 30))
    }

    #[test]
    fn a_full_sink_drops_until_the_next_keyframe_and_others_get_everything() {
        let (slow, slow_rx) = SinkFeed::new("slow", 2);
        let (fast, fast_rx) = SinkFeed::new("fast", 100);
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
        assert_eq!(fast_rx.len(), 6);
        // The slow sink holds the second packet, then resumes with the keyframe.
        assert!(!slow_rx.recv().unwrap().is_key());
        assert!(slow_rx.recv().unwrap().is_key());
    }

    #[test]
    fn shared_packets_reference_the_same_payload() {
        let p = packet(StreamKind::Video, true);
        let a = p.share();
        assert_eq!(a.data().unwrap().as_ptr(), p.data().as_ptr(), "no copy");
    }
}
