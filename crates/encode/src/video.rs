use crate::ffmpeg::{self, codec, encoder, format, util::color, Dictionary, Rational};
use crate::{drain, EncodeError, EncodedPacket, StreamInfo, StreamKind};
use streamwerk_media::I420;
use streamwerk_scene::{RateControl, VideoEncoderSettings};

/// libx264 for one canvas. Frames go in with their tick index as pts (time base 1/fps).
pub struct VideoEncoder {
    encoder: encoder::Video,
    time_base: Rational,
    info: StreamInfo,
}

impl VideoEncoder {
    pub fn open(
        width: u32,
        height: u32,
        fps: u32,
        s: &VideoEncoderSettings,
    ) -> Result<Self, EncodeError> {
        crate::init();
        let codec = encoder::find_by_name("libx264").ok_or(EncodeError::MissingCodec("libx264"))?;
        let mut enc = codec::context::Context::new_with_codec(codec)
            .encoder()
            .video()
            .map_err(|source| open_error(s, source))?;
        let time_base = Rational::new(1, fps as i32);
        enc.set_width(width);
        enc.set_height(height);
        enc.set_format(format::Pixel::YUV420P);
        enc.set_time_base(time_base);
        enc.set_frame_rate(Some(Rational::new(fps as i32, 1)));
        enc.set_gop(((s.keyframe_interval_s * fps as f32).round() as u32).max(1));
        // MKV and FLV carry SPS/PPS in the stream header; MPEG-TS muxers re-insert them.
        enc.set_flags(codec::Flags::GLOBAL_HEADER);
        enc.set_colorspace(color::Space::BT709);
        enc.set_color_range(color::Range::MPEG);
        enc.set_color_primaries(color::Primaries::BT709);
        enc.set_color_transfer_characteristic(color::TransferCharacteristic::BT709);
        let kbps = s.bitrate_kbps as usize * 1000;
        enc.set_bit_rate(kbps);
        let (max_rate, buffer) = match s.rate_control {
            RateControl::Cbr => (kbps, kbps),
            RateControl::Vbr => {
                let max = s
                    .max_bitrate_kbps
                    .map_or(kbps * 3 / 2, |m| m as usize * 1000);
                (max, max * 2)
            }
        };
        enc.set_max_bit_rate(max_rate);
        // SAFETY: the context is valid and not yet opened; rc_buffer_size has no safe setter.
        unsafe {
            (*enc.as_mut_ptr()).rc_buffer_size = buffer as i32;
            (*enc.as_mut_ptr()).thread_count = s.threads as i32;
        }
        let mut options = Dictionary::new();
        options.set("preset", &s.preset);
        if let Some(tune) = &s.tune {
            options.set("tune", tune);
        }
        options.set("profile", &s.profile);
        // A frame marked I (a sink joined or reconnected) becomes an IDR frame, which players
        // can start from, not just an I frame.
        options.set("forced-idr", "1");
        // Keyframes exactly every interval, as platforms require; CBR adds filler for HRD.
        let mut params = String::from("scenecut=0:open-gop=0");
        if s.rate_control == RateControl::Cbr {
            params.push_str(":nal-hrd=cbr:force-cfr=1");
        }
        options.set("x264-params", &params);
        let encoder = enc
            .open_with(options)
            .map_err(|source| open_error(s, source))?;
        let info = StreamInfo {
            kind: StreamKind::Video,
            parameters: codec::Parameters::from(&encoder),
            time_base,
        };
        Ok(VideoEncoder {
            encoder,
            time_base,
            info,
        })
    }

    pub fn info(&self) -> &StreamInfo {
        &self.info
    }

    /// A frame buffer of this encoder's size and format, for a pool the video thread fills.
    pub fn new_frame(&self) -> ffmpeg::frame::Video {
        ffmpeg::frame::Video::new(
            format::Pixel::YUV420P,
            self.encoder.width(),
            self.encoder.height(),
        )
    }

    /// Encodes one frame shown at tick `pts`, as a keyframe when `keyframe` (else where the
    /// keyframe interval puts one). x264 copies the picture, so the frame may be refilled as
    /// soon as this returns.
    pub fn encode(
        &mut self,
        frame: &mut ffmpeg::frame::Video,
        pts: i64,
        keyframe: bool,
        out: &mut dyn FnMut(EncodedPacket),
    ) -> Result<(), EncodeError> {
        frame.set_pts(Some(pts));
        frame.set_kind(if keyframe {
            ffmpeg::picture::Type::I
        } else {
            ffmpeg::picture::Type::None
        });
        self.encoder.send_frame(frame).map_err(encode_error)?;
        self.drain(out)
    }

    /// Flushes the frames x264 still holds.
    pub fn finish(&mut self, out: &mut dyn FnMut(EncodedPacket)) -> Result<(), EncodeError> {
        self.encoder.send_eof().map_err(encode_error)?;
        self.drain(out)
    }

    fn drain(&mut self, out: &mut dyn FnMut(EncodedPacket)) -> Result<(), EncodeError> {
        drain(&mut self.encoder, StreamKind::Video, self.time_base, 1, out).map_err(encode_error)
    }
}

/// Copies I420 planes into an encoder frame, row by row (FFmpeg pads its strides).
pub fn copy_planes(picture: &I420, frame: &mut ffmpeg::frame::Video) {
    let (w, h) = (picture.width as usize, picture.height as usize);
    for (plane, src, pw, ph) in [
        (0, &picture.y, w, h),
        (1, &picture.u, w / 2, h / 2),
        (2, &picture.v, w / 2, h / 2),
    ] {
        let stride = frame.stride(plane);
        let dst = frame.data_mut(plane);
        for row in 0..ph {
            dst[row * stride..row * stride + pw].copy_from_slice(&src[row * pw..(row + 1) * pw]);
        }
    }
}

fn open_error(s: &VideoEncoderSettings, source: ffmpeg::Error) -> EncodeError {
    EncodeError::Open {
        codec: "libx264",
        detail: format!(
            "preset {}, profile {}, {} kbps",
            s.preset, s.profile, s.bitrate_kbps
        ),
        source,
    }
}

fn encode_error(source: ffmpeg::Error) -> EncodeError {
    EncodeError::Encode {
        codec: "libx264",
        source,
    }
}
