//! Operator commands on standard input (`cut SCENE`, `panic`, `stop`) as a script drives a
//! headless show, checked on the decoded recording.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use streamwerk_e2e::*;

/// Records `scene_file`, writing each (delay, line) to standard input in turn.
fn run_with_commands(
    scene_file: &Path,
    out: &Path,
    extra: &[&str],
    script: &[(u64, &str)],
) -> std::process::Output {
    let mut child = Command::new(bin())
        .args(["record", "--scene"])
        .arg(scene_file)
        .arg("--out")
        .arg(out)
        .args(["--duration", "20"])
        .args(extra)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for (wait_ms, line) in script {
        std::thread::sleep(Duration::from_millis(*wait_ms));
        writeln!(stdin, "{line}").unwrap();
    }
    drop(stdin);
    child.wait_with_output().unwrap()
}

#[test]
fn a_script_cuts_panics_to_the_safe_scene_and_stops() {
    let dir = tempfile::tempdir().unwrap();
    let scenes = colour_scenes(dir.path(), Some("Blue card"));
    let out = dir.path().join("show.mkv");
    let done = run_with_commands(
        &scenes,
        &out,
        &[],
        &[
            (1000, "cut Green"),
            (300, "cut Nowhere"),
            (300, "fade Red"),
            (400, "panic"),
            (1000, "stop"),
        ],
    );
    let said = stderr(&done);
    assert!(done.status.success(), "{said}");
    assert!(said.contains("cut to `Green`"), "{said}");
    assert!(
        said.contains("cut Nowhere: scene `Nowhere` is not in the collection")
            && said.contains("nothing changed"),
        "{said}"
    );
    assert!(said.contains("unknown command `fade`"), "{said}");
    assert!(
        said.contains("panic: cut to the safe scene `Blue card`"),
        "{said}"
    );
    assert!(said.contains("stopping"), "{said}");

    // Red, then green (the bad commands changed nothing), then the safe scene to the end.
    let colours = frame_colours(&out);
    let runs: Vec<(char, usize)> = colours.chars().fold(Vec::new(), |mut runs, c| {
        match runs.last_mut() {
            Some((last, n)) if *last == c => *n += 1,
            _ => runs.push((c, 1)),
        }
        runs
    });
    let order: String = runs.iter().map(|(c, _)| *c).collect();
    assert_eq!(order, "RGB", "{colours}");
    let count = |c| runs.iter().find(|(x, _)| *x == c).unwrap().1;
    assert!(
        count('R') >= 20 && count('G') >= 20 && count('B') >= 20,
        "{colours}"
    );
    // `stop` ended it, long before --duration.
    assert!(colours.len() < 6 * 30, "{} frames", colours.len());
}

#[test]
fn panic_without_a_safe_scene_says_how_to_mark_one() {
    let dir = tempfile::tempdir().unwrap();
    let scenes = colour_scenes(dir.path(), None);
    let out = dir.path().join("show.mkv");
    let done = run_with_commands(&scenes, &out, &[], &[(500, "panic"), (500, "stop")]);
    let said = stderr(&done);
    assert!(done.status.success(), "{said}");
    assert!(
        said.contains("marks no safe scene") && said.contains("\"safe_scene\""),
        "{said}"
    );
    assert!(!frame_colours(&out).contains(['G', 'B']), "still red");
}

/// The chapters ffprobe lists: (start s, title).
fn chapters(file: &Path) -> Vec<(f64, String)> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_chapters", "-of", "json"])
        .arg(file)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["start_time"].as_str().unwrap().parse().unwrap(),
                c["tags"]["title"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn markers_become_chapters_and_survive_kill_9_through_the_sidecar() {
    let dir = tempfile::tempdir().unwrap();
    let scenes = colour_scenes(dir.path(), None);
    let out = dir.path().join("show.mkv");
    let done = run_with_commands(
        &scenes,
        &out,
        &[],
        &[(1500, "marker Intro"), (1000, "marker"), (700, "stop")],
    );
    let said = stderr(&done);
    assert!(done.status.success(), "{said}");
    assert_eq!(said.matches("marker at ").count(), 2, "{said}");
    let found = chapters(&out);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(
        (found[0].1.as_str(), found[1].1.as_str()),
        ("Intro", "Marker 2")
    );
    let apart = found[1].0 - found[0].0;
    assert!((0.75..=1.25).contains(&apart), "{found:?}");
    assert!((0.5..=1.6).contains(&found[0].0), "{found:?}");

    // Killed: the file has no chapters yet, the sidecar has them, remux restores them.
    let killed = dir.path().join("killed.mkv");
    let mut child = Command::new(bin())
        .args(["record", "--scene"])
        .arg(&scenes)
        .arg("--out")
        .arg(&killed)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    writeln!(stdin, "marker Cut here").unwrap();
    std::thread::sleep(Duration::from_millis(1000));
    child.kill().unwrap();
    child.wait().unwrap();
    let sidecar = std::fs::read_to_string(dir.path().join("killed.mkv.chapters.json")).unwrap();
    assert!(sidecar.contains("Cut here"), "{sidecar}");
    let fixed = dir.path().join("fixed.mp4");
    let remuxed = streamwerk(&["remux", killed.to_str().unwrap(), fixed.to_str().unwrap()]);
    assert!(remuxed.status.success(), "{}", stderr(&remuxed));
    // MP4 chapters run from 0: an opening chapter comes first, the marker keeps its time.
    let found = chapters(&fixed);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!((found[0].0, found[1].1.as_str()), (0.0, "Cut here"));
    assert!((0.5..=1.6).contains(&found[1].0), "{found:?}");
}

#[test]
fn save_replay_writes_the_last_seconds_ending_now() {
    let dir = tempfile::tempdir().unwrap();
    let scenes = colour_scenes(dir.path(), None);
    let out = dir.path().join("show.mkv");
    // Red for 6 s, then green; the last 4 s saved at 8.5 s, the show stopped at 10 s.
    let done = run_with_commands(
        &scenes,
        &out,
        &["--replay-buffer", "4"],
        &[(6000, "cut Green"), (2500, "save-replay"), (1500, "stop")],
    );
    let said = stderr(&done);
    assert!(done.status.success(), "{said}");
    let replay = dir.path().join("show-replay-1.mkv");
    assert!(said.contains(&format!("to {}", replay.display())), "{said}");
    // A file of its own: it starts at zero and lasts as long as what it holds, 4 s and at
    // most one keyframe interval (2 s) more to start on a keyframe, though it was cut from
    // 8.5 s into the show.
    assert_starts_at_zero(&replay);
    let (_, duration) = start_and_duration(&replay);
    assert!((3.9..=6.2).contains(&duration), "{duration} s");
    // Red, then the green it switched to 2.5 s before the save: it ends when it was saved.
    let colours = frame_colours(&replay);
    assert!(
        colours.starts_with('R') && colours.ends_with('G'),
        "{colours}"
    );
    let green = colours.matches('G').count();
    assert!(
        (60..=85).contains(&green),
        "{green} green frames: {colours}"
    );
    assert_decodes(&replay);
    // Without a buffer, save-replay says how to have one.
    let plain = dir.path().join("plain.mkv");
    let done = run_with_commands(&scenes, &plain, &[], &[(500, "save-replay"), (300, "stop")]);
    assert!(
        stderr(&done).contains("the replay buffer is off"),
        "{}",
        stderr(&done)
    );
}

/// Each frame's (R, G, B) at three points on the middle row: left edge, centre, right edge.
fn frame_points(file: &Path) -> Vec<[[u8; 3]; 3]> {
    thumbnails(file)
        .iter()
        .map(|frame| [1, 16, 30].map(|x| thumbnail_rgb(frame, x, 9)))
        .collect()
}

#[test]
fn transitions_from_the_command_line_fade_and_slide_on_the_recording() {
    let dir = tempfile::tempdir().unwrap();
    let scenes = colour_scenes(dir.path(), None);
    let out = dir.path().join("show.mkv");
    let done = run_with_commands(
        &scenes,
        &out,
        &["--scene-name", "Green", "--transition", "fade:1000"],
        &[
            (1500, "transition Red"),
            (2000, "transition Green slide-left 1000"),
            (2000, "transition \"Blue card\" wipe"),
            (200, "stop"),
        ],
    );
    let said = stderr(&done);
    assert!(done.status.success(), "{said}");
    assert!(said.contains("fade of 1000 ms to `Red`"), "{said}");
    assert!(said.contains("slide left of 1000 ms to `Green`"), "{said}");
    assert!(
        said.contains("unknown transition `wipe`") && said.contains("nothing changed"),
        "{said}"
    );
    let frames = frame_points(&out);
    let near =
        |p: [u8; 3], want: [u8; 3], by: u8| p.iter().zip(want).all(|(a, b)| a.abs_diff(b) <= by);
    let is = |p, want| near(p, want, 40);
    let (red, green) = ([255, 0, 0], [0, 255, 0]);
    // The fade: between the last green frame and the first red one (within 12 of each, a
    // step of the fade is 8.5), 1 s of blend less a frame or so at each end, each redder
    // than the one before; the middle one half and half (within 20 of 128 after x264 and the
    // scale to 32x18).
    let last_green = frames.iter().position(|f| !near(f[1], green, 12)).unwrap();
    let first_red = last_green
        + frames[last_green..]
            .iter()
            .position(|f| near(f[1], red, 12))
            .unwrap();
    let blend = &frames[last_green..first_red];
    assert!(
        (25..=31).contains(&blend.len()),
        "{} frames of fade",
        blend.len()
    );
    assert!(
        blend.windows(2).all(|w| w[1][1][0] + 3 >= w[0][1][0]),
        "{blend:?}"
    );
    let middle = blend[blend.len() / 2][1];
    assert!(
        middle[0].abs_diff(128) <= 20 && middle[1].abs_diff(128) <= 20,
        "the middle of the fade: {middle:?}"
    );
    // The slide: green comes in from the right, so mid-slide the left edge is still red and
    // the right edge already green.
    let sliding = frames[first_red..]
        .iter()
        .filter(|f| is(f[0], red) && is(f[2], green))
        .count();
    assert!((15..=31).contains(&sliding), "{sliding} frames mid-slide");
    assert!(is(frames.last().unwrap()[1], green), "ends on green");
}
