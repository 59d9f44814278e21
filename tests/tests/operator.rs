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
    script: &[(u64, &str)],
) -> std::process::Output {
    let mut child = Command::new(bin())
        .args(["record", "--scene"])
        .arg(scene_file)
        .arg("--out")
        .arg(out)
        .args(["--duration", "20"])
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
    let done = run_with_commands(&scenes, &out, &[(500, "panic"), (500, "stop")]);
    let said = stderr(&done);
    assert!(done.status.success(), "{said}");
    assert!(
        said.contains("marks no safe scene") && said.contains("\"safe_scene\""),
        "{said}"
    );
    assert!(!frame_colours(&out).contains(['G', 'B']), "still red");
}
