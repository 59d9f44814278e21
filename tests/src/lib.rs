//! Helpers for end-to-end tests: run the built `streamwerk` binary and look at what it wrote
//! the way a user's tools would, by decoding it with FFmpeg.

pub mod guests;
pub mod peers;

use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root, for assets: the folder above the running test's crate that holds
/// `assets/`. Read when the test runs (cargo sets the variable), not when it was built: a
/// shared target folder may hold a build from another checkout.
pub fn root() -> PathBuf {
    let manifest =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo test"));
    manifest
        .ancestors()
        .find(|dir| dir.join("assets/scenes/demo.json").is_file())
        .expect("the test runs inside the Streamwerk workspace")
        .to_path_buf()
}

pub fn demo_scene() -> PathBuf {
    root().join("assets/scenes/demo.json")
}

/// The `streamwerk` binary built beside these tests (`cargo build --bin streamwerk`, which
/// `make test` runs first), or `$STREAMWERK_BIN`.
pub fn bin() -> PathBuf {
    if let Ok(path) = std::env::var("STREAMWERK_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().unwrap();
    let path = exe.parent().unwrap().parent().unwrap().join("streamwerk");
    assert!(
        path.is_file(),
        "{} is missing: run `cargo build --bin streamwerk` (make test does) before these tests",
        path.display()
    );
    path
}

/// Held by a test that encodes for long in real time, so the tests of one file that do run one
/// at a time: two x264 encodes at once on a 2-core machine starve each other into skipping
/// frames, which these tests count.
pub fn one_stream_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static ONE_STREAM: std::sync::Mutex<()> = std::sync::Mutex::new(());
    ONE_STREAM.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn streamwerk(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .output()
        .expect("running streamwerk")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[derive(Debug, Deserialize)]
pub struct Stream {
    pub codec_type: String,
    pub codec_name: String,
    #[serde(default)]
    pub width: Option<u32>,
    #[serde(default)]
    pub height: Option<u32>,
    #[serde(default)]
    pub sample_rate: Option<String>,
    #[serde(default)]
    pub nb_read_frames: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Streams {
    streams: Vec<Stream>,
}

fn ffprobe_json(args: &[&str], file: &Path) -> serde_json::Value {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-of", "json"])
        .args(args)
        .arg(file)
        .output()
        .expect("ffprobe is installed (make test installs it)");
    assert!(
        out.status.success(),
        "ffprobe {}: {}",
        file.display(),
        stderr(&out)
    );
    serde_json::from_slice(&out.stdout).expect("ffprobe JSON")
}

/// Every stream, with video frames counted by decoding them.
pub fn streams(file: &Path) -> Vec<Stream> {
    let v = ffprobe_json(&["-count_frames", "-show_streams"], file);
    serde_json::from_value::<Streams>(v).unwrap().streams
}

pub fn video_frames(file: &Path) -> u64 {
    streams(file)
        .iter()
        .find(|s| s.codec_type == "video")
        .and_then(|s| s.nb_read_frames.as_deref())
        .expect("a video stream")
        .parse()
        .unwrap()
}

/// (pts, duration) in seconds of every packet of the first `kind` ("v" or "a") stream.
pub fn packet_times(file: &Path, kind: &str) -> Vec<(f64, f64)> {
    let v = ffprobe_json(
        &[
            "-select_streams",
            &format!("{kind}:0"),
            "-show_entries",
            "packet=pts_time,duration_time",
        ],
        file,
    );
    v["packets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let f = |k: &str| p[k].as_str().and_then(|s| s.parse().ok()).unwrap_or(0.0);
            (f("pts_time"), f("duration_time"))
        })
        .collect()
}

/// Where a file starts and how long it lasts, as players read it: the container's start time
/// and duration (ffprobe's format section), in seconds.
pub fn start_and_duration(file: &Path) -> (f64, f64) {
    let v = ffprobe_json(&["-show_entries", "format=start_time,duration"], file);
    let f = |k: &str| {
        v["format"][k]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{}: no {k} in {v}", file.display()))
    };
    (f("start_time"), f("duration"))
}

/// Asserts that `file` starts at zero as players read it: its start time and its first
/// picture at 0 (sound may start one AAC frame, 21 ms, before the picture, as at the start of
/// any show), and that it lasts as long as its pictures.
pub fn assert_starts_at_zero(file: &Path) {
    let (start, duration) = start_and_duration(file);
    let video = packet_times(file, "v");
    let first = video.iter().map(|t| t.0).fold(f64::INFINITY, f64::min);
    let pictures = span(&video);
    assert!(
        start.abs() < 0.03,
        "{}: starts at {start} s",
        file.display()
    );
    assert!(
        first.abs() < 0.03,
        "{}: first picture at {first} s",
        file.display()
    );
    assert!(
        (duration - pictures).abs() < 0.1,
        "{}: lasts {duration} s with {pictures} s of pictures",
        file.display()
    );
}

/// First pts to the end of the last packet, in seconds.
pub fn span(times: &[(f64, f64)]) -> f64 {
    let first = times.iter().map(|t| t.0).fold(f64::INFINITY, f64::min);
    let end = times
        .iter()
        .map(|t| t.0 + t.1)
        .fold(f64::NEG_INFINITY, f64::max);
    end - first
}

/// Decodes the whole file with FFmpeg; panics with FFmpeg's complaints if any. The frames
/// keep the file's own time base on the way to the null muxer: with FFmpeg's default, the
/// frame rate it guesses from a stream's first frames (20 fps for an FLV an RTMP server
/// started mid-stream, once in many runs) becomes the time base, and frames 33 ms apart then
/// collide as "non monotonically increasing dts" though every one decoded.
pub fn assert_decodes(file: &Path) {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(file)
        .args(["-enc_time_base", "-1", "-f", "null", "-"])
        .output()
        .expect("ffmpeg is installed");
    let err = stderr(&out);
    assert!(
        out.status.success() && err.trim().is_empty(),
        "{} does not decode cleanly: {err}",
        file.display()
    );
}

/// Asserts that `file`, a recording of canvas `canvas` ("main" or another) begun with the
/// show, holds every frame the session encoded for it, as its last stats line `stats` counts
/// them, and that every one of the show's `ticks` frame times from the canvas's first frame
/// on was encoded or counted as skipped or lagged. A busy machine may starve the encoder of
/// a frame now and then, or start a second canvas's encoder a frame late: that is the
/// machine, reported here, not a frame lost on the way, which is what the tests catch.
pub fn assert_holds_every_encoded_frame(
    file: &Path,
    stats: &serde_json::Value,
    canvas: &str,
    ticks: u64,
) {
    let counters = stats["canvases"]
        .as_array()
        .and_then(|all| all.iter().find(|c| c["name"] == canvas))
        .unwrap_or(stats);
    let count =
        |v: &serde_json::Value, k: &str| v[k].as_u64().unwrap_or_else(|| panic!("{k} in {v}"));
    let (encoded, skipped) = (
        count(counters, "frames_encoded"),
        count(counters, "frames_skipped"),
    );
    let lagged = count(stats, "frames_lagged");
    let pts = video_pts_ms(file);
    // The show's frames are 1/30 s apart: the first one this canvas encoded (Matroska may
    // start every stream 21 ms later, for the sound's priming, which is less than a frame).
    let late = ((pts.first().copied().unwrap_or(0) as f64 + 5.0) * 30.0 / 1000.0).floor() as u64;
    if skipped + lagged + late > 0 {
        eprintln!(
            "{canvas}: the machine was busy: {skipped} frames skipped, {lagged} lagged, \
             started {late} frames late"
        );
    }
    assert_eq!(video_frames(file), encoded, "{}: {stats}", file.display());
    assert!(
        encoded + skipped + lagged + late >= ticks && encoded <= ticks,
        "{}: {encoded} encoded, {skipped} skipped, {lagged} lagged, {late} late of {ticks}",
        file.display()
    );
    // What was skipped leaves whole frames out; nothing is repeated.
    assert!(
        pts.windows(2).all(|w| w[1] > w[0]),
        "{}: repeated frames",
        file.display()
    );
}

/// Asserts that `arrived` (what a destination's server received) has every frame of
/// `encoded` (a recording of the same canvas that holds every encoded frame), frame for frame
/// by time: nothing was lost on the way.
pub fn assert_same_frames(arrived: &Path, encoded: &Path) {
    assert_eq!(
        video_times_from_first_ms(arrived),
        video_times_from_first_ms(encoded),
        "{} against {}",
        arrived.display(),
        encoded.display()
    );
}

/// Video timestamps in whole milliseconds (what FLV and Matroska store), in order.
fn video_pts_ms(file: &Path) -> Vec<i64> {
    let mut pts: Vec<i64> = packet_times(file, "v")
        .iter()
        .map(|t| (t.0 * 1000.0).round() as i64)
        .collect();
    pts.sort();
    pts
}

/// The video frames' times from the first frame on, in ms: what two files of the same program
/// must share frame for frame. Containers may start the whole file a few ms later when the
/// audio's first packet (the AAC encoder's priming) is earlier than the first frame: Matroska
/// shifts everything, an RTMP publisher clamps that one packet.
pub fn video_times_from_first_ms(file: &Path) -> Vec<i64> {
    let pts = video_pts_ms(file);
    let first = pts.first().copied().unwrap_or(0);
    pts.iter().map(|t| t - first).collect()
}

/// The audio of a stereo `file` decoded to mono f32 at 48 kHz (channels averaged), by FFmpeg.
pub fn decode_audio_mono(file: &Path) -> Vec<f32> {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(file)
        // `-ac 1` would sum at -3 dB each; this is the plain average.
        .args([
            "-vn",
            "-af",
            "pan=mono|c0=0.5*c0+0.5*c1",
            "-ar",
            "48000",
            "-f",
            "f32le",
            "-",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    out.stdout
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// RMS level of `samples` in dBFS.
pub fn rms_dbfs(samples: &[f32]) -> f64 {
    let mean_square = samples
        .iter()
        .map(|v| (*v as f64) * (*v as f64))
        .sum::<f64>()
        / samples.len() as f64;
    10.0 * mean_square.log10()
}

/// The frequency of a clean tone, from its rising zero crossings (interpolated to sub-sample
/// precision), at 48 kHz.
pub fn tone_frequency(samples: &[f32]) -> f64 {
    let crossings: Vec<f64> = samples
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] < 0.0 && w[1] >= 0.0)
        .map(|(i, w)| i as f64 + (-w[0] / (w[1] - w[0])) as f64)
        .collect();
    assert!(crossings.len() > 2, "no tone in the sound");
    let cycles = (crossings.len() - 1) as f64;
    cycles * 48_000.0 / (crossings[crossings.len() - 1] - crossings[0])
}

/// The level (peak amplitude of a sine, 1.0 full scale) of `hz` in each `window` of
/// `samples` at 48 kHz, windows half overlapping: a Hann-windowed DFT at that one frequency,
/// so other tones and the clicks of a cut hardly register.
pub fn tone_levels(samples: &[f32], hz: f64, window: usize) -> Vec<f64> {
    let w: Vec<f64> = (0..window)
        .map(|i| 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / window as f64).cos())
        .collect();
    let gain: f64 = w.iter().sum::<f64>() / 2.0;
    samples
        .windows(window)
        .step_by(window / 2)
        .map(|chunk| {
            let (mut re, mut im) = (0.0, 0.0);
            for (i, (v, w)) in chunk.iter().zip(&w).enumerate() {
                let phase = 2.0 * std::f64::consts::PI * hz * i as f64 / 48_000.0;
                re += *v as f64 * w * phase.cos();
                im += *v as f64 * w * phase.sin();
            }
            (re * re + im * im).sqrt() / gain
        })
        .collect()
}

/// A collection of three full-canvas colours at 320x180, one scene each ("Red", "Green",
/// "Blue card"); `safe` names the safe scene.
pub fn colour_scenes(dir: &Path, safe: Option<&str>) -> PathBuf {
    let safe = safe.map_or(String::new(), |s| format!(r#", "safe_scene": "{s}""#));
    let file = dir.join("colours.json");
    let source = |id: &str, colour: &str| {
        format!(
            r##"{{ "id": "{id}", "kind": "color", "settings": {{ "color": "{colour}", "width": 320, "height": 180 }} }}"##
        )
    };
    let scene = |name: &str, id: &str| {
        format!(r#"{{ "name": "{name}", "layers": [ {{ "source": "{id}" }} ] }}"#)
    };
    std::fs::write(
        &file,
        format!(
            r#"{{ "schema_version": 1, "name": "Colours", "canvas": {{ "width": 320, "height": 180, "fps": 30 }},
                 "sources": [ {}, {}, {} ],
                 "scenes": [ {}, {}, {} ]{safe} }}"#,
            source("red", "#FF0000"),
            source("green", "#00FF00"),
            source("blue", "#0000FF"),
            scene("Red", "red"),
            scene("Green", "green"),
            scene("Blue card", "blue"),
        ),
    )
    .unwrap();
    file
}

/// The demo collection written to `dir` with a copy of its brand kit in `dir/brand`, asset
/// paths made absolute so it opens there.
pub fn demo_copy(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(demo_scene()).unwrap();
    let assets = root().join("assets");
    // The kit is copied too (its fonts and logos named where they are), so a test that
    // edits it edits its own copy.
    let kit_dir = dir.join("brand");
    std::fs::create_dir_all(&kit_dir).unwrap();
    let kit = std::fs::read_to_string(assets.join("brand/streamwerk.brand.json")).unwrap();
    std::fs::write(
        kit_dir.join("streamwerk.brand.json"),
        kit.replace("\"../", &format!("\"{}/", assets.display())),
    )
    .unwrap();
    let file = dir.join("demo.json");
    let text = text
        .replace("../logos/", &format!("{}/", assets.join("logos").display()))
        .replace("../brand/", "brand/");
    std::fs::write(&file, text).unwrap();
    file
}

/// Every frame of `file` scaled to 32x18, as RGB24 rows.
pub fn thumbnails(file: &Path) -> Vec<Vec<u8>> {
    decode_rgb24(file, &[], "scale=32:18", None, &[])
        .chunks_exact(32 * 18 * 3)
        .map(<[u8]>::to_vec)
        .collect()
}

/// The frames of `file` (at most `frames`) through FFmpeg's filter `filter`, as RGB24 bytes;
/// `before` goes before the input (a seek).
/// Like [`crop_frames`], but only the frames the file holds: where its timestamps jump (a
/// panic behind a stream delay), no frame is repeated to fill the gap as a player would.
pub fn crop_frames_as_sent(file: &Path, (x, y, w, h): (u32, u32, u32, u32)) -> Vec<Vec<u8>> {
    decode_rgb24(
        file,
        &[],
        &format!("crop={w}:{h}:{x}:{y}"),
        None,
        &["-fps_mode", "passthrough"],
    )
    .chunks_exact((w * h * 3) as usize)
    .map(<[u8]>::to_vec)
    .collect()
}

fn decode_rgb24(
    file: &Path,
    before: &[&str],
    filter: &str,
    frames: Option<u32>,
    after: &[&str],
) -> Vec<u8> {
    let mut command = Command::new("ffmpeg");
    command
        .args(["-v", "error"])
        .args(before)
        .arg("-i")
        .arg(file)
        .args(after);
    if let Some(n) = frames {
        command.args(["-frames:v", &n.to_string()]);
    }
    let out = command
        .args(["-vf", filter, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .expect("ffmpeg is installed (make test installs it)");
    assert!(out.status.success(), "{}: {}", file.display(), stderr(&out));
    out.stdout
}

/// The (R, G, B) at (x, y) of a [`thumbnails`] frame.
pub fn thumbnail_rgb(frame: &[u8], x: usize, y: usize) -> [u8; 3] {
    let at = (y * 32 + x) * 3;
    [frame[at], frame[at + 1], frame[at + 2]]
}

/// The colour of every frame's centre: 'R', 'G', 'B' or '?'.
pub fn frame_colours(file: &Path) -> String {
    thumbnails(file)
        .iter()
        .map(|frame| {
            let [r, g, b] = thumbnail_rgb(frame, 16, 9);
            match (r > 200, g > 200, b > 200) {
                (true, false, false) => 'R',
                (false, true, false) => 'G',
                (false, false, true) => 'B',
                _ => '?',
            }
        })
        .collect()
}

/// The `--stats-json` lines of a child started with a piped stdout, read on a thread of their
/// own (so the pipe never fills) and parsed; joined once the child has ended.
pub fn stats_lines(
    child: &mut std::process::Child,
) -> std::thread::JoinHandle<Vec<serde_json::Value>> {
    use std::io::BufRead;
    let stdout = child.stdout.take().expect("stdout is piped");
    std::thread::spawn(move || {
        std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .map(|l| serde_json::from_str(&l).expect("each line is JSON"))
            .collect()
    })
}

/// The RGB24 pixels of the `w`x`h` rectangle at (`x`, `y`) of the frame shown at `at_s`
/// seconds into `file` (an image when None), decoded by FFmpeg.
pub fn crop_rgb(file: &Path, at_s: Option<f64>, (x, y, w, h): (u32, u32, u32, u32)) -> Vec<u8> {
    let seek = at_s.map(|at| format!("{at:.3}"));
    let before: Vec<&str> = seek.iter().flat_map(|at| ["-ss", at.as_str()]).collect();
    let pixels = decode_rgb24(
        file,
        &before,
        &format!("crop={w}:{h}:{x}:{y}"),
        Some(1),
        &[],
    );
    assert_eq!(pixels.len(), (w * h * 3) as usize, "{}", file.display());
    pixels
}

/// Every frame of `file` cropped to (x, y, w, h), as RGB24 rows.
pub fn crop_frames(file: &Path, (x, y, w, h): (u32, u32, u32, u32)) -> Vec<Vec<u8>> {
    decode_rgb24(file, &[], &format!("crop={w}:{h}:{x}:{y}"), None, &[])
        .chunks_exact((w * h * 3) as usize)
        .map(<[u8]>::to_vec)
        .collect()
}

/// Mean absolute difference of two equally long pixel buffers, per channel value.
pub fn mean_difference(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| x.abs_diff(*y) as f64)
        .sum::<f64>()
        / a.len() as f64
}
