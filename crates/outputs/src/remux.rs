use crate::OutputError;
use std::path::Path;
use streamwerk_encode::ffmpeg::{self, format, media, Dictionary};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemuxSummary {
    pub streams: usize,
    pub packets: u64,
    /// Chapters carried over: the input's own, or those of its markers sidecar (a recording
    /// that was killed before it could write them).
    pub chapters: usize,
}

/// Copies every audio and video stream of `input` into `output` without re-encoding; the
/// container follows `output`'s extension. An MP4 gets its index at the front, ready to upload.
/// Chapters come along, from the input or, when it has none, from its markers sidecar.
pub fn remux(input: &Path, output: &Path) -> Result<RemuxSummary, OutputError> {
    streamwerk_encode::init();
    let in_err = |source| OutputError::Input {
        path: input.to_path_buf(),
        source,
    };
    let muxer_name = match output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("mkv") => "matroska",
        Some("mp4") => "mp4",
        Some("mov") => "mov",
        Some("flv") => "flv",
        Some("ts") => "mpegts",
        _ => {
            return Err(OutputError::UnknownFormat {
                path: output.to_path_buf(),
            })
        }
    };
    let target = output.display().to_string();
    let out_err = |source| OutputError::Open {
        target: target.clone(),
        source,
    };
    let mut ictx = format::input(&input).map_err(in_err)?;
    let mut octx = format::output_as(&output, muxer_name).map_err(out_err)?;

    // Input stream index -> output stream index, for audio and video only.
    let mut map = vec![None; ictx.nb_streams() as usize];
    let mut count = 0;
    for stream in ictx.streams() {
        let medium = stream.parameters().medium();
        if medium != media::Type::Video && medium != media::Type::Audio {
            continue;
        }
        let mut out = octx
            .add_stream(ffmpeg::encoder::find(ffmpeg::codec::Id::None))
            .map_err(out_err)?;
        out.set_parameters(stream.parameters());
        // SAFETY: the stream was just added and owns its codecpar.
        unsafe { (*(*out.as_mut_ptr()).codecpar).codec_tag = 0 };
        map[stream.index()] = Some(count);
        count += 1;
    }
    let mut chapters: Vec<crate::Chapter> = ictx
        .chapters()
        .map(|c| crate::Chapter {
            start_ms: c.start() * 1000 * i64::from(c.time_base().numerator())
                / i64::from(c.time_base().denominator().max(1)),
            title: c.metadata().get("title").unwrap_or_default().to_string(),
        })
        .collect();
    if chapters.is_empty() {
        chapters = crate::read_sidecar(input)?;
    }
    // MP4 chapter tracks run back to back from 0 (a first chapter at 1.2 s would read as 0):
    // an opening chapter keeps the markers at their times, as platforms' chapter lists want.
    let mp4 = matches!(muxer_name, "mp4" | "mov");
    if mp4 && chapters.first().is_some_and(|c| c.start_ms > 0) {
        chapters.insert(
            0,
            crate::Chapter {
                start_ms: 0,
                title: "Start".into(),
            },
        );
    }
    // Before the header (MP4 reserves its chapter track there), ending where the input says
    // it ends; a killed recording does not say, so the ends are set again from its packets.
    let mut end_ms = ictx.duration().max(0) / 1000;
    crate::markers::add_chapters(&mut octx, &chapters, end_ms).map_err(out_err)?;
    let mut options = Dictionary::new();
    if mp4 {
        options.set("movflags", "+faststart");
    }
    octx.write_header_with(options).map_err(out_err)?;

    let mut packets = 0;
    for (stream, mut packet) in ictx.packets() {
        let Some(out_index) = map[stream.index()] else {
            continue;
        };
        let out_tb = octx.stream(out_index).expect("mapped stream").time_base();
        if let Some(pts) = packet.pts() {
            let tb = stream.time_base();
            let end = (pts + packet.duration()) * 1000 * i64::from(tb.numerator())
                / i64::from(tb.denominator().max(1));
            end_ms = end_ms.max(end);
        }
        packet.rescale_ts(stream.time_base(), out_tb);
        packet.set_position(-1);
        packet.set_stream(out_index);
        packet
            .write_interleaved(&mut octx)
            .map_err(|source| OutputError::Write {
                target: target.clone(),
                source,
            })?;
        packets += 1;
    }
    crate::markers::add_chapters(&mut octx, &chapters, end_ms).map_err(out_err)?;
    octx.write_trailer().map_err(|source| OutputError::Write {
        target: target.clone(),
        source,
    })?;
    Ok(RemuxSummary {
        streams: count,
        packets,
        chapters: chapters.len(),
    })
}
