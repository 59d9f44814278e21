use crate::OutputError;
use std::path::Path;
use streamwerk_encode::ffmpeg::{self, format, media, Dictionary};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemuxSummary {
    pub streams: usize,
    pub packets: u64,
}

/// Copies every audio and video stream of `input` into `output` without re-encoding; the
/// container follows `output`'s extension. An MP4 gets its index at the front, ready to upload.
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
    let mut options = Dictionary::new();
    if muxer_name == "mp4" || muxer_name == "mov" {
        options.set("movflags", "+faststart");
    }
    octx.write_header_with(options).map_err(out_err)?;

    let mut packets = 0;
    for (stream, mut packet) in ictx.packets() {
        let Some(out_index) = map[stream.index()] else {
            continue;
        };
        let out_tb = octx.stream(out_index).expect("mapped stream").time_base();
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
    octx.write_trailer().map_err(|source| OutputError::Write {
        target: target.clone(),
        source,
    })?;
    Ok(RemuxSummary {
        streams: count,
        packets,
    })
}
