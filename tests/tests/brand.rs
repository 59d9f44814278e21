//! Brand kits and templates through the `streamwerk` binary: the demo's ticker, recorded and
//! decoded, moves by the same whole number of pixels every frame; kits check, travel as a
//! .zip and refuse hostile archives.

use std::io::Write;
use streamwerk_e2e::{crop_frames, demo_copy, root, stderr, streamwerk};

/// How far the text moved left from `a` to `b` (RGB rows of `width`): the shift that lines
/// the two frames up best, and how well (mean difference per channel value).
fn shift_left(a: &[u8], b: &[u8], width: usize, most: usize) -> (usize, f64) {
    let rows = a.len() / (width * 3);
    let (from, to) = (40, width - 40 - most);
    (0..=most)
        .map(|s| {
            let mut sum = 0u64;
            for y in 0..rows {
                let row = y * width * 3;
                for x in from * 3..to * 3 {
                    sum += (a[row + x + s * 3] as i32 - b[row + x] as i32).unsigned_abs() as u64;
                }
            }
            (s, sum as f64 / (rows * (to - from) * 3) as f64)
        })
        .min_by(|p, q| p.1.total_cmp(&q.1))
        .unwrap()
}

#[test]
fn the_ticker_moves_the_same_whole_number_of_pixels_every_frame() {
    let dir = tempfile::tempdir().unwrap();
    let scene = demo_copy(dir.path());
    let out = dir.path().join("ticker.mkv");
    let run = streamwerk(&[
        "record",
        "--scene",
        scene.to_str().unwrap(),
        "--scene-name",
        "Starting soon",
        "--duration",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    // The ticker's band: 1280x54 at the bottom of the 720p canvas.
    let frames = crop_frames(&out, (0, 666, 1280, 54));
    assert!(frames.len() >= 85, "{} frames", frames.len());
    // Past its 400 ms entrance, 90 px/s at 30 fps is 3 px a frame, every frame.
    let mut shifts = Vec::new();
    for pair in frames[15..].windows(2) {
        let (shift, error) = shift_left(&pair[0], &pair[1], 1280, 8);
        let (_, still) = shift_left(&pair[1], &pair[1], 1280, 0);
        assert!(
            still == 0.0 && error < 4.0,
            "frames line up at {shift} px off by {error}"
        );
        shifts.push(shift);
    }
    assert!(
        shifts.iter().all(|s| *s == 3),
        "shifts per frame: {shifts:?}"
    );
    // The text is there: white glyphs on the band.
    let bright = frames[40]
        .chunks_exact(3)
        .filter(|p| p.iter().all(|c| *c > 200))
        .count();
    assert!(bright > 2000, "{bright} white pixels in the band");
}

#[test]
fn a_kit_checks_travels_as_a_zip_and_hostile_archives_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let kit = root().join("assets/brand/streamwerk.brand.json");
    let kit = kit.to_str().unwrap();
    let check = streamwerk(&["brand", "check", kit]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(String::from_utf8_lossy(&check.stdout).contains("5 colours, 2 fonts, 2 logos"));

    let zip = dir.path().join("kit.zip");
    let into = dir.path().join("kit");
    let export = streamwerk(&["brand", "export", kit, "--out", zip.to_str().unwrap()]);
    assert!(export.status.success(), "{}", stderr(&export));
    let import = streamwerk(&[
        "brand",
        "import",
        zip.to_str().unwrap(),
        "--into",
        into.to_str().unwrap(),
    ]);
    assert!(import.status.success(), "{}", stderr(&import));
    let again = streamwerk(&[
        "brand",
        "check",
        into.join("streamwerk.brand.json").to_str().unwrap(),
    ]);
    assert!(again.status.success(), "{}", stderr(&again));

    // A member that climbs out of the folder: exit 2, named, nothing written.
    let evil = dir.path().join("evil.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&evil).unwrap());
    w.start_file("../escaped.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    w.write_all(b"x").unwrap();
    w.finish().unwrap();
    let target = dir.path().join("target");
    let refused = streamwerk(&[
        "brand",
        "import",
        evil.to_str().unwrap(),
        "--into",
        target.to_str().unwrap(),
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("member `../escaped.txt` has an absolute path or `..`"),
        "{}",
        stderr(&refused)
    );
    assert!(!target.exists() && !dir.path().join("escaped.txt").exists());

    // A collection naming a colour its kit lacks: exit 2 naming the field and the choices.
    let scene = demo_copy(dir.path());
    let text = std::fs::read_to_string(&scene).unwrap();
    std::fs::write(&scene, text.replace("brand:subtle", "brand:sublte")).unwrap();
    let bad = streamwerk(&["validate", scene.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
    let message = stderr(&bad);
    assert!(
        message.contains("sources[5].settings.color: `brand:sublte` is not among the colors of brand kit `Streamwerk`")
            && message.contains("name one of: accent, dark, primary, subtle, text"),
        "{message}"
    );
}
