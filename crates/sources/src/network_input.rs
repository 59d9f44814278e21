//! A media source whose path is a network address (an RTMP, SRT, RTSP or HTTP stream an
//! encoder or camera sends): FFmpeg reads it as it comes, on a thread of its own. Opening
//! never waits for the network (the picture is black until the first frame), and a stream
//! that drops or never answers is opened again, after 1 s and then up to 10 s between tries;
//! it then plays on from where the program is, so a reconnect shows as a pause, never as a
//! jump back in time.

use crate::media_file::{halves, Decoding, MediaAudio, MediaVideo, Shared};
use ffmpeg_next as ffmpeg;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The picture's size until the stream says its own (layers of network inputs have a size).
const PLACEHOLDER: (u32, u32) = (1280, 720);
/// How long a read may wait before the stream counts as dropped.
const READ_TIMEOUT_US: &str = "5000000";
/// Pictures and sound land this far behind the program at each (re)connection: network
/// jitter within it never starves the picture.
const LEAD_S: f64 = 0.2;
const FIRST_WAIT: Duration = Duration::from_secs(1);
const LONGEST_WAIT: Duration = Duration::from_secs(10);

/// Whether a media source's `path` is a network address FFmpeg reads, not a file.
pub fn is_network(path: &std::path::Path) -> bool {
    streamwerk_scene::network_address(path).is_some()
}

/// Starts reading `url`; both halves come back at once (a stream without sound plays
/// silence).
pub fn open(url: &str, fps: u32, channels: usize) -> (MediaVideo, MediaAudio) {
    let shared = Shared::new(0.0, fps, channels);
    let url = url.to_string();
    let reader = std::thread::Builder::new().name("network input".into());
    let spawned = reader.spawn({
        let shared = shared.clone();
        move || run(&url, channels, &shared)
    });
    if let Err(e) = spawned {
        tracing::error!("network input: cannot start its thread: {e}");
    }
    let (video, audio) = halves(shared, Some((PLACEHOLDER, false)), true);
    (
        video.expect("asked for a picture"),
        audio.expect("asked for sound"),
    )
}

/// Reads `url` until the source closes, opening it again whenever it ends or fails.
fn run(url: &str, channels: usize, shared: &Arc<Shared>) {
    let label = streamwerk_scene::network_label(url);
    let mut wait = FIRST_WAIT;
    while !shared.stop.load(Relaxed) {
        let started = Instant::now();
        match connect(url, channels) {
            Ok(mut decoding) => {
                tracing::info!("network input {label}: playing");
                wait = FIRST_WAIT;
                loop {
                    let offset = shared.playing_s() + LEAD_S;
                    match decoding.decode_pass(shared, offset) {
                        Ok(_) if shared.stop.load(Relaxed) => break,
                        Ok(_) if decoding.restart_after_jump() => {
                            tracing::info!("network input {label}: the stream started again");
                        }
                        Ok(_) => {
                            tracing::warn!("network input {label}: the stream ended");
                            break;
                        }
                        Err(e) => {
                            tracing::warn!("network input {label}: {e}");
                            break;
                        }
                    }
                }
            }
            Err(e) => tracing::warn!("network input {label}: cannot open it: {e}"),
        }
        if started.elapsed() > LONGEST_WAIT {
            wait = FIRST_WAIT;
        }
        let until = Instant::now() + wait;
        while Instant::now() < until && !shared.stop.load(Relaxed) {
            std::thread::sleep(Duration::from_millis(100));
        }
        wait = (wait * 2).min(LONGEST_WAIT);
    }
}

fn connect(url: &str, channels: usize) -> Result<Decoding, String> {
    ffmpeg::init().map_err(|e| e.to_string())?;
    let mut options = ffmpeg::Dictionary::new();
    options.set("rw_timeout", READ_TIMEOUT_US);
    let input = ffmpeg::format::input_with_dictionary(&url, options).map_err(|e| e.to_string())?;
    Decoding::new(input, false, channels, 0.0).map(Decoding::live)
}
