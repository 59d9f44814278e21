//! The program is encoded once, whatever the number of destinations: one libx264 and one AAC
//! encoder per canvas. Their packets are wrapped in [`EncodedPacket`], whose payload every sink
//! shares by reference count instead of copying.

mod audio;
mod ffmpeg_log;
mod packet;
mod video;

pub use audio::AudioEncoder;
pub use ffmpeg_log::{mask_url, take_errors as take_ffmpeg_errors};
pub use ffmpeg_next as ffmpeg;
pub use packet::{EncodedPacket, StreamInfo, StreamKind, StreamShape};
pub use video::{copy_planes, VideoEncoder};

use std::sync::Once;

#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    #[error("FFmpeg has no {0} encoder; install an FFmpeg built with it (Debian: libavcodec59 with libx264)")]
    MissingCodec(&'static str),
    #[error("cannot open the {codec} encoder ({detail}): {source}")]
    Open {
        codec: &'static str,
        detail: String,
        source: ffmpeg::Error,
    },
    #[error("{codec} encoding failed: {source}")]
    Encode {
        codec: &'static str,
        source: ffmpeg::Error,
    },
}

/// Initialises FFmpeg once per process and routes its log through `tracing`, masked.
pub fn init() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        ffmpeg::init().expect("FFmpeg libraries failed to initialise");
        ffmpeg_log::install();
    });
}

/// Drains every packet the encoder has ready.
fn drain(
    encoder: &mut ffmpeg::encoder::Encoder,
    kind: StreamKind,
    time_base: ffmpeg::Rational,
    default_duration: i64,
    out: &mut dyn FnMut(EncodedPacket),
) -> Result<(), ffmpeg::Error> {
    loop {
        let mut packet = ffmpeg::Packet::empty();
        match encoder.receive_packet(&mut packet) {
            Ok(()) => {
                if packet.duration() == 0 {
                    packet.set_duration(default_duration);
                }
                out(EncodedPacket::new(kind, packet, time_base));
            }
            Err(ffmpeg::Error::Eof) => return Ok(()),
            Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::error::EAGAIN => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}
