use crate::{Markers, Muxer, OutputError, SinkFeed};
use std::path::Path;
use std::sync::atomic::Ordering::Relaxed;
use std::thread::JoinHandle;
use std::time::Duration;
use streamwerk_encode::ffmpeg::Dictionary;
use streamwerk_encode::{StreamInfo, StreamKind};
use streamwerk_scene::RecordingFormat;

/// A recording queue holds this many packets (about 4 s at 30 fps plus audio) before it drops.
const RECORDING_QUEUE: usize = 400;

/// A recording in progress: its feed goes into the [`FanOut`](crate::FanOut); its thread ends, writing the
/// trailer, when the fan-out is dropped.
pub struct Recording {
    pub feed: SinkFeed,
    pub thread: JoinHandle<Result<(), OutputError>>,
    /// Its chapter markers: in the sidecar at once, in the file when it is finished.
    pub markers: Markers,
}

/// Opens `path` and starts the thread that writes it. Both containers stay readable after a
/// crash or `kill -9`: Matroska closes a cluster at least every 500 ms and fragmented MP4 a
/// fragment every second, and each packet is flushed to the file as it is written. A
/// recording that joins a running show (`with_show` false) starts at zero at its first
/// picture; one begun with the show keeps the show's timeline.
pub fn start_recording(
    path: &Path,
    format: RecordingFormat,
    streams: &[StreamInfo],
    with_show: bool,
) -> Result<Recording, OutputError> {
    let mut options = Dictionary::new();
    options.set("flush_packets", "1");
    let muxer_name = match format {
        RecordingFormat::Mkv => {
            options.set("cluster_time_limit", "500");
            "matroska"
        }
        RecordingFormat::Mp4 => {
            options.set("movflags", "frag_keyframe+empty_moov+default_base_moof");
            options.set("frag_duration", "1000000");
            "mp4"
        }
    };
    let target = path.display().to_string();
    let mut muxer = Muxer::open(
        &target,
        &target,
        muxer_name,
        streams,
        Dictionary::new(),
        options,
    )?;
    if with_show {
        muxer = muxer.from_show_start();
    }
    // A local disk that falls seconds behind is failing; the queue bound applies first.
    let (mut feed, rx) = SinkFeed::new(
        format!("recording {target}"),
        RECORDING_QUEUE,
        Duration::from_secs(10),
    );
    if with_show {
        feed = feed.from_show_start();
    }
    let stats = feed.stats.clone();
    let markers = Markers::new(path);
    let chapters = markers.clone();
    let thread = std::thread::Builder::new()
        .name("sink-recording".into())
        .spawn(move || {
            let result = (|| {
                let mut origin_told = false;
                for packet in rx {
                    muxer.write(&packet)?;
                    // The file's zero is fixed by its first picture: the markers learn it once.
                    if !origin_told && packet.kind == StreamKind::Video {
                        chapters.set_origin(muxer.origin_ms());
                        origin_told = true;
                    }
                    stats.written_ms.store(packet.time_ms(), Relaxed);
                    stats.packets.fetch_add(1, Relaxed);
                    stats.bytes.fetch_add(packet.size() as u64, Relaxed);
                }
                let end_ms = stats.written_ms.load(Relaxed) - muxer.origin_ms();
                muxer.add_chapters(&chapters.chapters(), end_ms);
                muxer.finish()
            })();
            if let Err(e) = &result {
                tracing::error!("{e}");
                *stats.error.lock().unwrap() = Some(e.to_string());
            }
            result
        })
        .expect("spawning a thread");
    Ok(Recording {
        feed,
        thread,
        markers,
    })
}
