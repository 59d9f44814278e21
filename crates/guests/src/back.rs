//! What a guest hears: the program minus their own voice, which the engine's audio thread
//! queues in their slot's feed (the mix-minus, before any stream delay, so guests hear the
//! show live). Encoded here to Opus, 20 ms a packet, with in-band FEC as browsers expect, on
//! the `guest-rtc` thread, and sent on the guest's audio line.

use std::time::Instant;
use str0m::format::Codec;
use str0m::media::{Frequency, MediaTime, Mid};
use str0m::Rtc;
use streamwerk_media::feeds::Feed;

/// One Opus packet's worth: 20 ms at 48 kHz.
const FRAME: usize = 960;
/// Room for the largest packet libopus makes.
const MAX_PACKET: usize = 4000;

pub(crate) struct Return {
    encoder: opus::Encoder,
    pcm: Vec<f32>,
    packet: Vec<u8>,
    /// RTP time of the next packet, in samples.
    rtp: u64,
}

impl Return {
    pub(crate) fn new() -> Result<Self, opus::Error> {
        let mut encoder =
            opus::Encoder::new(48_000, opus::Channels::Stereo, opus::Application::Audio)?;
        encoder.set_inband_fec(true)?;
        encoder.set_packet_loss_perc(5)?;
        Ok(Return {
            encoder,
            pcm: Vec::with_capacity(FRAME * 2),
            packet: vec![0; MAX_PACKET],
            rtp: 0,
        })
    }

    /// Sends every whole packet's worth queued in `feed` on the guest's audio line `mid`;
    /// nothing to a publisher that only sends (OBS), whose queue stays at its bound.
    pub(crate) fn send(&mut self, feed: &Feed, rtc: &mut Rtc, mid: Mid) {
        if !rtc.media(mid).is_some_and(|m| m.direction().is_sending()) {
            return;
        }
        while feed.take_return(FRAME, &mut self.pcm) {
            let Some(writer) = rtc.writer(mid) else {
                return;
            };
            let Some(pt) = writer
                .payload_params()
                .find(|p| p.spec().codec == Codec::Opus)
                .map(|p| p.pt())
            else {
                return;
            };
            let n = match self.encoder.encode_float(&self.pcm, &mut self.packet) {
                Ok(n) => n,
                Err(e) => {
                    tracing::debug!("a return packet not encoded: {e}");
                    continue;
                }
            };
            let at = MediaTime::new(self.rtp, Frequency::FORTY_EIGHT_KHZ);
            self.rtp += FRAME as u64;
            if let Err(e) = writer.write(pt, Instant::now(), at, self.packet[..n].to_vec()) {
                tracing::debug!("a return packet not sent: {e}");
            }
        }
    }
}
