//! The replay buffer: the last seconds of the encoded program kept in memory, independent of
//! recording and going live, and written to a file on request, from a keyframe. It is a sink
//! like a recording, so it never slows the encoder; memory is bitrate x its length plus one
//! keyframe interval (10 s at 4.7 Mbit/s: about 7 MB).

use crate::{Muxer, OutputError, SinkFeed};
use std::collections::VecDeque;
use std::path::Path;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;
use streamwerk_encode::ffmpeg::Dictionary;
use streamwerk_encode::{EncodedPacket, StreamInfo, StreamKind};

/// The longest replay buffer.
pub const MAX_REPLAY: Duration = Duration::from_secs(300);

pub struct ReplayBuffer {
    keep_ms: i64,
    packets: Mutex<VecDeque<Arc<EncodedPacket>>>,
    /// Codec parameters are not `Sync`; a save borrows them under the lock.
    streams: Mutex<Vec<StreamInfo>>,
}

/// What a save wrote.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SavedReplay {
    pub seconds: f64,
    pub packets: usize,
}

impl ReplayBuffer {
    /// A buffer of the last `keep`; its feed goes into the fan-out, its thread keeps what the
    /// feed brings and ends when the fan-out lets go of it.
    pub fn start(
        keep: Duration,
        streams: &[StreamInfo],
    ) -> (
        Arc<ReplayBuffer>,
        SinkFeed,
        JoinHandle<Result<(), OutputError>>,
    ) {
        let buffer = Arc::new(ReplayBuffer {
            keep_ms: keep.as_millis() as i64,
            packets: Mutex::default(),
            streams: Mutex::new(streams.to_vec()),
        });
        // A minute of packets may wait here while a save holds the lock.
        let (feed, rx) = SinkFeed::new("replay buffer", 4000, Duration::from_secs(10));
        let stats = feed.stats.clone();
        let thread = std::thread::Builder::new()
            .name("sink-replay".into())
            .spawn({
                let buffer = buffer.clone();
                move || {
                    for packet in rx {
                        stats.written_ms.store(packet.time_ms(), Relaxed);
                        stats.packets.fetch_add(1, Relaxed);
                        buffer.keep(packet);
                    }
                    Ok(())
                }
            })
            .expect("spawning a thread");
        (buffer, feed, thread)
    }

    /// Adds a packet and lets go of what is older than the buffer's length, keeping the
    /// keyframe a save would start from.
    fn keep(&self, packet: Arc<EncodedPacket>) {
        let mut packets = self.packets.lock().unwrap();
        let newest = packet.time_ms();
        packets.push_back(packet);
        // Drop whole keyframe intervals that end before the window starts.
        loop {
            let second_key = packets
                .iter()
                .skip(1)
                .position(|p| p.kind == StreamKind::Video && p.is_key())
                .map(|i| i + 1);
            match second_key {
                Some(i) if packets[i].time_ms() <= newest - self.keep_ms => {
                    packets.drain(..i);
                }
                _ => break,
            }
        }
    }

    /// Writes the buffer (from its first keyframe, the last `keep` and at most one keyframe
    /// interval more) to `path` as Matroska.
    pub fn save(&self, path: &Path) -> Result<SavedReplay, OutputError> {
        let packets: Vec<Arc<EncodedPacket>> =
            self.packets.lock().unwrap().iter().cloned().collect();
        let start = packets
            .iter()
            .position(|p| p.kind == StreamKind::Video && p.is_key())
            .unwrap_or(packets.len());
        let packets = &packets[start..];
        let target = path.display().to_string();
        let mut muxer = Muxer::open(
            &target,
            &target,
            "matroska",
            &self.streams.lock().unwrap(),
            Dictionary::new(),
            Dictionary::new(),
        )?;
        // The muxer starts the file at its first picture and leaves out sound before it.
        let first = packets.first().map_or(0, |p| p.time_ms());
        let mut last = first;
        for packet in packets {
            muxer.write(packet)?;
            last = last.max(packet.time_ms());
        }
        muxer.finish()?;
        Ok(SavedReplay {
            seconds: (last - first) as f64 / 1000.0,
            packets: packets.len(),
        })
    }
}
