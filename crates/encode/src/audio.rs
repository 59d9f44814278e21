use crate::ffmpeg::{self, codec, encoder, format, ChannelLayout, Dictionary, Rational};
use crate::{drain, EncodeError, EncodedPacket, StreamInfo, StreamKind};
use streamwerk_media::{AudioBlock, AUDIO_BLOCK, SAMPLE_RATE};

/// FFmpeg's native AAC-LC encoder at 48 kHz. One [`AudioBlock`] is one AAC frame.
pub struct AudioEncoder {
    encoder: encoder::Audio,
    frame: ffmpeg::frame::Audio,
    time_base: Rational,
    info: StreamInfo,
}

impl AudioEncoder {
    pub fn open(channels: u16, bitrate_kbps: u32) -> Result<Self, EncodeError> {
        crate::init();
        let codec = encoder::find(codec::Id::AAC).ok_or(EncodeError::MissingCodec("aac"))?;
        let layout = if channels == 1 {
            ChannelLayout::MONO
        } else {
            ChannelLayout::STEREO
        };
        let mut enc = codec::context::Context::new_with_codec(codec)
            .encoder()
            .audio()
            .map_err(|source| open_error(bitrate_kbps, source))?;
        let time_base = Rational::new(1, SAMPLE_RATE as i32);
        enc.set_rate(SAMPLE_RATE as i32);
        enc.set_format(format::Sample::F32(format::sample::Type::Planar));
        // FFmpeg 5.1 still uses the old channel-layout API: set both.
        enc.set_channel_layout(layout);
        enc.set_channels(channels as i32);
        enc.set_bit_rate(bitrate_kbps as usize * 1000);
        enc.set_time_base(time_base);
        enc.set_flags(codec::Flags::GLOBAL_HEADER);
        let encoder = enc
            .open_with(Dictionary::new())
            .map_err(|source| open_error(bitrate_kbps, source))?;
        debug_assert_eq!(encoder.frame_size() as usize, AUDIO_BLOCK);
        let mut frame = ffmpeg::frame::Audio::new(
            format::Sample::F32(format::sample::Type::Planar),
            AUDIO_BLOCK,
            layout,
        );
        frame.set_rate(SAMPLE_RATE);
        let info = StreamInfo {
            kind: StreamKind::Audio,
            parameters: codec::Parameters::from(&encoder),
            time_base,
        };
        Ok(AudioEncoder {
            encoder,
            frame,
            time_base,
            info,
        })
    }

    pub fn info(&self) -> &StreamInfo {
        &self.info
    }

    /// Encodes the block that starts at sample `pts`.
    pub fn encode(
        &mut self,
        block: &AudioBlock,
        pts: i64,
        out: &mut dyn FnMut(EncodedPacket),
    ) -> Result<(), EncodeError> {
        for c in 0..block.channels {
            self.frame
                .plane_mut::<f32>(c)
                .copy_from_slice(block.channel(c));
        }
        self.frame.set_pts(Some(pts));
        self.encoder.send_frame(&self.frame).map_err(encode_error)?;
        self.drain(out)
    }

    pub fn finish(&mut self, out: &mut dyn FnMut(EncodedPacket)) -> Result<(), EncodeError> {
        self.encoder.send_eof().map_err(encode_error)?;
        self.drain(out)
    }

    fn drain(&mut self, out: &mut dyn FnMut(EncodedPacket)) -> Result<(), EncodeError> {
        let block = AUDIO_BLOCK as i64;
        drain(
            &mut self.encoder,
            StreamKind::Audio,
            self.time_base,
            block,
            out,
        )
        .map_err(encode_error)
    }
}

fn open_error(kbps: u32, source: ffmpeg::Error) -> EncodeError {
    EncodeError::Open {
        codec: "aac",
        detail: format!("48 kHz, {kbps} kbps"),
        source,
    }
}

fn encode_error(source: ffmpeg::Error) -> EncodeError {
    EncodeError::Encode {
        codec: "aac",
        source,
    }
}
