use crate::OutputError;
use streamwerk_encode::ffmpeg::{self, format, Dictionary, Rational};
use streamwerk_encode::{EncodedPacket, StreamInfo, StreamKind};

/// One container being written (a file or, later, a network URL) from encoded streams.
pub struct Muxer {
    output: format::context::Output,
    target: String,
    /// Per stream kind: output stream index, packet time base, the muxer's time base.
    streams: Vec<(StreamKind, usize, Rational, Rational)>,
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
        })
    }

    /// Writes one packet; packets of the other streams are interleaved by dts.
    pub fn write(&mut self, packet: &EncodedPacket) -> Result<(), OutputError> {
        let Some(&(_, index, from, to)) = self.streams.iter().find(|s| s.0 == packet.kind) else {
            return Ok(());
        };
        let mut p = packet.share();
        p.set_stream(index);
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
