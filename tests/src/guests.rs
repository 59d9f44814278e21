//! What the remote-guest tests share: a show with one guest spot, fixture cameras and
//! microphones (files Debian's Chromium plays as its fake devices), a show started with its
//! invite links read from its output, the browser scripts in `ui/e2e`, and the guest's box read
//! from a recording.

use crate::{crop_frames, root, stderr};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The fixture camera's colour, and the guest card's grey.
pub const RED: [u8; 3] = [0xE0, 0x30, 0x20];
pub const CARD: [u8; 3] = [0x24, 0x24, 0x24];

pub fn near(got: &[u8], want: [u8; 3], by: u8) -> bool {
    got.iter().zip(want).all(|(a, b)| a.abs_diff(b) <= by)
}

/// A 640x360 show: a dark background and the guest in a 320x180 box in the middle.
pub fn collection(dir: &Path) -> PathBuf {
    let file = dir.join("guest-show.json");
    std::fs::write(
        &file,
        r##"{ "schema_version": 1, "name": "Guest show",
  "canvas": { "width": 640, "height": 360, "fps": 30 },
  "sources": [
    { "id": "bg", "kind": "color", "settings": { "color": "#102030FF", "width": 640, "height": 360 } },
    { "id": "ana", "name": "Ana", "kind": "guest", "settings": { "slot": "ana", "name": "Ana" } }
  ],
  "scenes": [ { "name": "Interview", "layers": [
    { "source": "bg" },
    { "source": "ana", "transform": { "x": 160, "y": 90, "width": 320, "height": 180 } } ] } ] }"##,
    )
    .unwrap();
    file
}

/// The fixture camera (a Y4M of the guest's red) and microphone (a 1 kHz tone).
pub fn fixtures(dir: &Path) -> (PathBuf, PathBuf) {
    fixture(dir, "red", "0xE03020", 1000)
}

/// A fixture camera of one colour and a microphone of one tone, as files Chromium plays.
pub fn fixture(dir: &Path, name: &str, colour: &str, hz: u32) -> (PathBuf, PathBuf) {
    let (y4m, wav) = (
        dir.join(format!("{name}.y4m")),
        dir.join(format!("{name}.wav")),
    );
    for (input, out) in [
        (format!("color=c={colour}:s=640x360:r=30:d=3"), &y4m),
        (
            format!("sine=frequency={hz}:sample_rate=48000:duration=3"),
            &wav,
        ),
    ] {
        let made = Command::new("ffmpeg")
            .args(["-v", "error", "-y", "-f", "lavfi", "-i", &input])
            .args(if out == &y4m {
                &["-pix_fmt", "yuv420p"][..]
            } else {
                &[][..]
            })
            .arg(out)
            .output()
            .unwrap();
        assert!(made.status.success(), "{}", stderr(&made));
    }
    (y4m, wav)
}

/// The guest's box in a recording, frame by frame: 'R' for the camera's colour, 'c' for the
/// card, '?' for anything else. Its top left: the card's name is in its middle.
pub fn guest_box(out: &Path) -> String {
    crop_frames(out, (180, 100, 40, 20))
        .iter()
        .map(|f| {
            if near(f, RED, 24) {
                'R'
            } else if near(f, CARD, 12) {
                'c'
            } else {
                '?'
            }
        })
        .collect()
}

/// The stretches (first and last frame) of the guest's picture in `says`, a stray frame or
/// two of anything else inside one not breaking it.
pub fn red_runs(says: &str) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (i, _) in says.match_indices('R') {
        match runs.last_mut() {
            Some((_, end)) if i - *end <= 3 => *end = i,
            _ => runs.push((i, i)),
        }
    }
    runs
}

/// `streamwerk record` of `scene` into `out` for `seconds`, guests admitted as they come.
pub fn record(scene: &Path, out: &Path, seconds: u32) -> Command {
    let mut show = Command::new(crate::bin());
    show.args(["record", "--duration", &seconds.to_string()])
        .args(["--guests", "127.0.0.1:0", "--guest-auto-admit", "--scene"])
        .arg(scene)
        .arg("--out")
        .arg(out);
    show
}

/// Starts `show` (a `streamwerk` command with `--guests`) and reads its invite links, by the
/// name they are printed for, until `count` have come; the rest of its errors go to the test's
/// (shown when it fails).
pub fn start_show(show: &mut Command, count: usize) -> (Child, HashMap<String, String>) {
    let mut child = show.stderr(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut links = HashMap::new();
    for line in lines.by_ref().map_while(Result::ok) {
        if let Some((who, link)) = line
            .strip_prefix("Invite link for ")
            .and_then(|l| l.split_once(": "))
        {
            links.insert(who.to_string(), link.trim().to_string());
        }
        if links.len() == count {
            break;
        }
    }
    assert_eq!(links.len(), count, "invite links: {links:?}");
    std::thread::spawn(move || lines.map_while(Result::ok).for_each(|l| eprintln!("{l}")));
    (child, links)
}

/// Runs the browser script `ui/e2e/SCRIPT` with `args` (and `env`) to its end; returns the JSON
/// line it prints.
pub fn run_page(script: &str, args: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    page_json(&page_command(script, args, env).output().unwrap())
}

/// The JSON line a browser script printed, once it ended well (else what it said).
pub fn page_json(page: &std::process::Output) -> serde_json::Value {
    assert!(
        page.status.success(),
        "{}{}",
        String::from_utf8_lossy(&page.stdout),
        stderr(page)
    );
    serde_json::from_slice(&page.stdout).unwrap()
}

/// The browser script `ui/e2e/SCRIPT` with `args` and `env`, ready to run.
pub fn page_command(script: &str, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut page = Command::new("node");
    page.arg(root().join("ui/e2e").join(script))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root().join("ui"));
    page
}
