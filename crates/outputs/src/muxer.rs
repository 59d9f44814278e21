use crate::{aac_frame_in, rescale_down, OutputError};
use streamwerk_encode::ffmpeg::{self, format, Dictionary, Rational};
use streamwerk_encode::{EncodedPacket, StreamInfo, StreamKind};

/// Sound that may come before the first picture: AAC's priming packet, and what the fan-out
/// hands over with the first frame.
const MAX_EARLY_SOUND: usize = 64;

/// One container being written (a file or, later, a network URL) from encoded streams. Its
/// timeline starts at its first picture, whenever in the show that was: a file cut from a
/// running show (a recording started while live, a replay, the as-aired file) starts at zero
/// and lasts as long as its content, as players and editors expect. A file begun with the
/// show keeps the show's zero instead ([`Muxer::from_show_start`]), so the files of several
/// canvases line up even when one canvas's first frame came late.
pub struct Muxer {
    output: format::context::Output,
    target: String,
    /// Per stream kind: output stream index, packet time base, the muxer's time base.
    streams: Vec<(StreamKind, usize, Rational, Rational)>,
    /// The first picture's (pts, time base): the file's zero. None until it came.
    origin: Option<(i64, Rational)>,
    /// Sound that came before the first picture, written once its time is known.
    early: Vec<EncodedPacket>,
}

impl Muxer {
    /// Opens `target` (a path or URL) as `format` (an FFmpeg muxer name) and writes its
    /// header. `label` names it in errors: a URL with its stream key masked. `io` options go
    /// to the protocol as the connection opens (timeouts, TLS checks, TCP settings); `muxer`
    /// options to the container (FFmpeg's `-movflags` and the like).
    pub fn open(
        target: &str,
        label: &str,
        format: &str,
        streams: &[StreamInfo],
        io: Dictionary,
        muxer: Dictionary,
    ) -> Result<Self, OutputError> {
        let open_err = |source| OutputError::Open {
            target: label.to_string(),
            source,
        };
        let mut output = format::output_as_with(target, format, io).map_err(open_err)?;
        for info in streams {
            let mut stream = output
                .add_stream(ffmpeg::encoder::find(ffmpeg::codec::Id::None))
                .map_err(open_err)?;
            stream.set_parameters(info.parameters.clone());
            stream.set_time_base(info.time_base);
            if info.kind == StreamKind::Video {
                stream.set_avg_frame_rate(info.time_base.invert());
            }
            // SAFETY: the stream was just added and owns its codecpar; a zero tag lets the
            // muxer choose its own (MP4 and MKV tag H.264 differently).
            unsafe { (*(*stream.as_mut_ptr()).codecpar).codec_tag = 0 };
        }
        output.write_header_with(muxer).map_err(open_err)?;
        // Muxers choose their own time bases in write_header (MKV and FLV 1/1000): read them back.
        let streams = streams
            .iter()
            .enumerate()
            .map(|(i, info)| {
                (
                    info.kind,
                    i,
                    info.time_base,
                    output.stream(i).expect("stream added above").time_base(),
                )
            })
            .collect();
        Ok(Muxer {
            output,
            target: label.to_string(),
            streams,
            origin: None,
            early: Vec::new(),
        })
    }

    /// Starts the file's timeline at the show's zero rather than at its first picture.
    pub fn from_show_start(mut self) -> Self {
        let tb = self.streams.first().map_or(Rational::new(1, 1000), |s| s.2);
        self.origin = Some((0, tb));
        self
    }

    /// The file's zero on the show's timeline, in ms (0 until the first picture came).
    pub fn origin_ms(&self) -> i64 {
        self.origin
            .map_or(0, |(pts, tb)| rescale_down(pts, tb, Rational::new(1, 1000)))
    }

    /// Writes one packet; packets of the other streams are interleaved by dts. Sound from
    /// before the first picture is left out, but for one AAC frame (its priming): a file
    /// starts with its picture.
    pub fn write(&mut self, packet: &EncodedPacket) -> Result<(), OutputError> {
        let Some(&(_, _, from, _)) = self.streams.iter().find(|s| s.0 == packet.kind) else {
            return Ok(());
        };
        let Some(origin) = self.origin else {
            if packet.kind != StreamKind::Video {
                if self.early.len() < MAX_EARLY_SOUND {
                    self.early
                        .push(EncodedPacket::new(packet.kind, packet.share(), from));
                }
                return Ok(());
            }
            self.origin = Some((packet.pts().unwrap_or(0), from));
            self.write_at_origin(packet)?;
            for early in std::mem::take(&mut self.early) {
                self.write(&early)?;
            }
            return Ok(());
        };
        let zero = rescale_down(origin.0, origin.1, from);
        // AAC's frame before the first picture is its priming, as at the start of a show.
        let frame = aac_frame_in(from);
        if packet.kind != StreamKind::Video && packet.pts().unwrap_or(0) < zero - frame.max(1) {
            return Ok(());
        }
        self.write_at_origin(packet)
    }

    fn write_at_origin(&mut self, packet: &EncodedPacket) -> Result<(), OutputError> {
        let Some(&(_, index, from, to)) = self.streams.iter().find(|s| s.0 == packet.kind) else {
            return Ok(());
        };
        let zero = self
            .origin
            .map_or(0, |(pts, tb)| rescale_down(pts, tb, from));
        let mut p = packet.share();
        p.set_stream(index);
        p.set_pts(p.pts().map(|t| t - zero));
        p.set_dts(p.dts().map(|t| t - zero));
        p.rescale_ts(from, to);
        p.set_position(-1);
        p.write_interleaved(&mut self.output)
            .map_err(|source| OutputError::Write {
                target: self.target.clone(),
                source,
            })
    }

    /// Adds chapters, each ending where the next starts and the last at `end_ms`; Matroska
    /// writes chapters added after its header in its trailer.
    /// A chapter that cannot be added is logged: the recording matters more than its markers,
    /// which the sidecar keeps anyway.
    pub fn add_chapters(&mut self, chapters: &[crate::Chapter], end_ms: i64) {
        if let Err(e) = crate::markers::add_chapters(&mut self.output, chapters, end_ms) {
            tracing::warn!("{}: chapters: {e}", self.target);
        }
    }

    /// Flushes interleaving queues and writes the trailer (index, durations).
    pub fn finish(mut self) -> Result<(), OutputError> {
        self.output
            .write_trailer()
            .map_err(|source| OutputError::Write {
                target: self.target,
                source,
            })
    }
}
