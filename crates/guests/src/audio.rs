//! A guest's microphone, decoded: the Opus packets str0m received go to the `guest-audio`
//! thread, which decodes them with libopus into the slot's feed as 48 kHz stereo. A packet
//! lost on the way is rebuilt from the in-band FEC the next one carries (browsers send it),
//! which FFmpeg's Opus decoders cannot do.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use streamwerk_media::feeds::Feed;

/// Packets queued for the decoder, at most (one second of 20 ms packets).
const QUEUE: usize = 50;
/// The longest Opus frame (120 ms at 48 kHz), per channel.
const MAX_FRAME: usize = 5760;

struct Packet {
    data: Arc<[u8]>,
    /// Packets were lost just before this one.
    after_loss: bool,
}

/// The sending side, kept by the session.
pub(crate) struct AudioDecoder {
    tx: SyncSender<Packet>,
}

impl AudioDecoder {
    /// Starts the decoder thread of a guest whose sound goes to `feed`.
    pub(crate) fn start(feed: Arc<Feed>, label: String) -> Self {
        let (tx, rx) = sync_channel(QUEUE);
        std::thread::Builder::new()
            .name("guest-audio".into())
            .spawn(move || decode(rx, &feed, &label))
            .expect("spawning a thread");
        AudioDecoder { tx }
    }

    /// Queues a packet; a full queue (the decoder fell a second behind) drops it.
    pub(crate) fn send(&self, data: Arc<[u8]>, contiguous: bool) {
        let _ = self.tx.try_send(Packet {
            data,
            after_loss: !contiguous,
        });
    }
}

/// The decoder thread: until the session drops its sender.
fn decode(rx: Receiver<Packet>, feed: &Feed, label: &str) {
    let mut decoder = match opus::Decoder::new(48_000, opus::Channels::Stereo) {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!("guest {label}: no Opus decoder: {e}");
            return;
        }
    };
    let mut samples = vec![0f32; MAX_FRAME * 2];
    let mut frames: Vec<[f32; 2]> = Vec::with_capacity(MAX_FRAME);
    while let Ok(packet) = rx.recv() {
        // The lost packet first, from this one's FEC (concealed when it carries none).
        let passes: &[bool] = if packet.after_loss {
            &[true, false]
        } else {
            &[false]
        };
        for &fec in passes {
            match decoder.decode_float(&packet.data, &mut samples, fec) {
                Ok(n) => {
                    frames.clear();
                    frames.extend(samples[..n * 2].chunks_exact(2).map(|s| [s[0], s[1]]));
                    feed.push_sound(&frames);
                }
                Err(e) => tracing::debug!("guest {label}: an Opus packet not decoded: {e}"),
            }
        }
    }
}
