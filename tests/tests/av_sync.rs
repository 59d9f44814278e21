//! A/V sync, measured: 60 s recordings of a picture that flashes white and a sound that beeps
//! on every whole second, once from the built-in test sources and once from a media file with
//! the same pattern made by FFmpeg. For every second the flash's frame time and the beep's
//! onset are found in the decoded recording; their offset must stay within one frame and not
//! drift by more than 1 ms from the first second to the last.

use std::path::{Path, PathBuf};
use std::process::Command;
use streamwerk_e2e::*;

const FPS: f64 = 30.0;
const SECONDS: u32 = 60;

fn write_scene(dir: &Path, sources: &str, layers: &str) -> PathBuf {
    let file = dir.join("sync.json");
    std::fs::write(
        &file,
        format!(
            r#"{{ "schema_version": 1, "name": "Sync",
  "canvas": {{ "width": 320, "height": 180, "fps": 30 }},
  "sources": [ {sources} ],
  "scenes": [ {{ "name": "Sync", "layers": [ {layers} ] }} ] }}"#
        ),
    )
    .unwrap();
    file
}

fn record(scene: &Path, out: &Path, seconds: u32) {
    let run = streamwerk(&[
        "record",
        "--scene",
        scene.to_str().unwrap(),
        "--duration",
        &seconds.to_string(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
}

/// Presentation times of the decoded frames of `kind` ("v" or "a"), in order.
fn frame_times(file: &Path, kind: &str) -> Vec<f64> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", kind])
        .args(["-show_entries", "frame=pts_time", "-of", "csv=p=0"])
        .arg(file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().trim_end_matches(',').parse().ok())
        .collect()
}

/// Mean brightness (0-255) of every decoded frame, in order.
fn brightness(file: &Path) -> Vec<f64> {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(file)
        .args(["-map", "0:v", "-fps_mode", "passthrough"])
        .args(["-vf", "scale=8:8,format=gray", "-f", "rawvideo", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    out.stdout
        .chunks_exact(64)
        .map(|f| f.iter().map(|v| *v as f64).sum::<f64>() / 64.0)
        .collect()
}

/// (offset in ms of each flash-and-beep's beep after its flash, drift in ms from first to
/// last); they are expected `phase` seconds after each whole second of the recording.
fn offsets(file: &Path, phase: f64, seconds: u32) -> (Vec<f64>, f64) {
    let video_times = frame_times(file, "v");
    let light = brightness(file);
    assert_eq!(video_times.len(), light.len(), "one time per frame");
    let sound = decode_audio_mono(file);
    let audio_start = frame_times(file, "a")[0];
    let peak = sound.iter().fold(0f32, |m, v| m.max(v.abs()));
    assert!(peak > 0.2, "the beeps are there: peak {peak}");

    let mut offsets = Vec::new();
    // Whole seconds with a full window on both sides.
    for s in 1..seconds - 1 {
        let (from, to) = (s as f64 + phase - 0.5, s as f64 + phase + 0.5);
        let flash = video_times
            .iter()
            .zip(&light)
            .find(|(t, l)| (from..to).contains(*t) && **l > 180.0)
            .map(|(t, _)| *t)
            .unwrap_or_else(|| panic!("no flash near {s} s"));
        let first = ((from - audio_start) * 48_000.0).max(0.0) as usize;
        let last = (((to - audio_start) * 48_000.0) as usize).min(sound.len());
        // Onset: the first sample at half the beep's level; AAC's pre-echo stays below it.
        let onset = sound[first..last]
            .iter()
            .position(|v| v.abs() > peak / 2.0)
            .unwrap_or_else(|| panic!("no beep near {s} s"));
        let beep = audio_start + (first + onset) as f64 / 48_000.0;
        offsets.push((beep - flash) * 1000.0);
    }
    let drift = offsets[offsets.len() - 1] - offsets[0];
    (offsets, drift)
}

fn assert_in_sync(name: &str, file: &Path, phase: f64, seconds: u32) {
    assert_decodes(file);
    let (offsets, drift) = offsets(file, phase, seconds);
    let worst = offsets.iter().fold(0f64, |m, o| m.max(o.abs()));
    let mean = offsets.iter().sum::<f64>() / offsets.len() as f64;
    eprintln!(
        "{name}: A/V offset mean {mean:+.2} ms, worst {worst:.2} ms, drift {drift:+.3} ms over {} s",
        offsets.len()
    );
    assert!(
        worst <= 1000.0 / FPS,
        "{name}: offset beyond one frame: {offsets:?}"
    );
    assert!(drift.abs() <= 1.0, "{name}: drift {drift} ms: {offsets:?}");
}

#[test]
fn test_sources_stay_in_sync_for_a_minute() {
    let dir = tempfile::tempdir().unwrap();
    let scene = write_scene(
        dir.path(),
        r#"{ "id": "bars", "kind": "test_pattern", "settings": { "flash_each_second": true } },
           { "id": "beep", "kind": "tone", "settings": { "frequency_hz": 1000, "level_dbfs": -6, "beep_each_second": true } }"#,
        r#"{ "source": "bars" }, { "source": "beep" }"#,
    );
    let out = dir.path().join("sources.mkv");
    record(&scene, &out, SECONDS);
    assert_in_sync("test sources", &out, 0.0, SECONDS);
}

#[test]
fn a_media_file_stays_in_sync_for_a_minute() {
    let dir = tempfile::tempdir().unwrap();
    let media = flash_beep_file(dir.path(), (SECONDS + 2) as f64);
    let scene = write_scene(
        dir.path(),
        &format!(
            r#"{{ "id": "clip", "kind": "media_file", "settings": {{ "path": "{}" }} }}"#,
            media.display()
        ),
        r#"{ "source": "clip" }"#,
    );
    let out = dir.path().join("media.mkv");
    record(&scene, &out, SECONDS);
    assert_in_sync("media file", &out, 0.0, SECONDS);
}

#[test]
fn a_short_file_loops_from_its_start_offset_in_sync() {
    let dir = tempfile::tempdir().unwrap();
    // 3.5 s long, started 0.5 s in: three seconds a pass, the flash-and-beeps of file seconds
    // 1, 2 and 3 landing half a second after each whole second of the recording. Ignoring the
    // start offset would put them on whole seconds; a loop that slipped would break the beat.
    let media = flash_beep_file(dir.path(), 3.5);
    let scene = write_scene(
        dir.path(),
        &format!(
            r#"{{ "id": "clip", "kind": "media_file", "settings": {{ "path": "{}", "looping": true, "start_s": 0.5 }} }}"#,
            media.display()
        ),
        r#"{ "source": "clip" }"#,
    );
    let out = dir.path().join("loop.mkv");
    record(&scene, &out, 10);
    assert_in_sync("looping media file", &out, 0.5, 10);
}

/// Compressed sound, in the containers it usually comes in, looping from start offsets that
/// fall between the codec's frames: picture and sound stay within 2 ms of each other at every
/// second of every loop. (A codec frame of AAC is 21.3 ms, of MP3 24 ms, of Opus 20 ms: a loop
/// that glued passes by sample count, or started a pass on the packet nearest the start,
/// moved the sound against the picture by up to that much at each loop.)
#[test]
fn compressed_sound_stays_in_sync_across_loops() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("aac.mp4", "libx264", "aac", 0.4f64),
        ("aac.mkv", "libx264", "aac", 0.5),
        ("opus.webm", "libvpx", "libopus", 0.45),
        ("mp3.mkv", "libx264", "libmp3lame", 0.4),
    ];
    let runs: Vec<_> = cases
        .iter()
        .map(|&(name, video, audio, start)| {
            let dir = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let media = flash_beep_file_as(&dir, 3.5, name, video, audio);
                let scene_dir = dir.join(name.replace('.', "-"));
                std::fs::create_dir(&scene_dir).unwrap();
                let scene = write_scene(
                    &scene_dir,
                    &format!(
                        r#"{{ "id": "clip", "kind": "media_file", "settings": {{ "path": "{}", "looping": true, "start_s": {start} }} }}"#,
                        media.display()
                    ),
                    r#"{ "source": "clip" }"#,
                );
                let out = scene_dir.join("loop.mkv");
                record(&scene, &out, 16);
                (name, start, out)
            })
        })
        .collect();
    for run in runs {
        let (name, start, out) = run.join().unwrap();
        assert_decodes(&out);
        let offsets = flash_offsets(&out, name);
        // Three flashes a pass of 3.5 - start seconds: the loops are all there.
        let pass: f64 = 3.5 - start;
        assert!(
            offsets.len() as f64 >= (15.4 / pass).floor() * 3.0,
            "{name}: {offsets:?}"
        );
        // The file's own offset, as FFmpeg decodes it: WebM's Opus track, for one, is stored
        // 6.5 ms ahead of its picture by FFmpeg's muxer, and is played as stored.
        let own = flash_offsets(&dir.path().join(name), name);
        let reference = own.iter().sum::<f64>() / own.len() as f64;
        let worst = offsets
            .iter()
            .fold(0f64, |m, o| m.max((o - reference).abs()));
        eprintln!(
            "{name} from {start} s: A/V offsets {offsets:.2?} ms, the file's own {reference:.2} \
             ms, worst {worst:.2} ms from it"
        );
        assert!(
            worst <= 2.0,
            "{name}: beyond 2 ms of the file's own {reference:.2} ms: {offsets:.2?}"
        );
    }
}

/// For every flash (a white frame after a dark one) after the first 0.3 s, how long after it
/// (ms) the nearest beep's onset comes.
fn flash_offsets(file: &Path, name: &str) -> Vec<f64> {
    let video_times = frame_times(file, "v");
    let light = brightness(file);
    let sound = decode_audio_mono(file);
    let audio_start = frame_times(file, "a")[0];
    let peak = sound.iter().fold(0f32, |m, v| m.max(v.abs()));
    let end = audio_start + sound.len() as f64 / 48_000.0;
    (1..light.len())
        .filter(|&i| light[i] > 180.0 && light[i - 1] <= 180.0)
        .map(|i| video_times[i])
        .filter(|t| *t > 0.3 && *t < end - 0.3)
        .map(|flash| {
            let first = ((flash - 0.3 - audio_start) * 48_000.0).max(0.0) as usize;
            let last = (((flash + 0.3 - audio_start) * 48_000.0) as usize).min(sound.len());
            let onset = sound[first..last]
                .iter()
                .position(|v| v.abs() > peak / 2.0)
                .unwrap_or_else(|| panic!("{name}: no beep near the flash at {flash:.3} s"));
            (audio_start + (first + onset) as f64 / 48_000.0 - flash) * 1000.0
        })
        .collect()
}

/// Black with a white frame and a 50 ms beep on each whole second, H.264 and PCM, by FFmpeg.
fn flash_beep_file(dir: &Path, seconds: f64) -> PathBuf {
    flash_beep_file_as(dir, seconds, "flash-beep.mkv", "libx264", "pcm_s16le")
}

/// The flash-and-beep file as `name` (its container from the extension), with these codecs.
fn flash_beep_file_as(dir: &Path, seconds: f64, name: &str, video: &str, audio: &str) -> PathBuf {
    let media = dir.join(name);
    let made = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!(
            "color=c=black:s=320x180:r=30:d={seconds},drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='eq(mod(n\\,30)\\,0)'"
        ))
        .args(["-f", "lavfi", "-i"])
        .arg(format!(
            "aevalsrc='0.5*sin(2*PI*1000*t)*lt(mod(t\\,1)\\,0.05)':s=48000:d={seconds}"
        ))
        .args(["-c:v", video, "-g", "30", "-pix_fmt", "yuv420p"])
        .args(["-c:a", audio])
        .arg(&media)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", stderr(&made));
    media
}
