//! `streamwerk render-frame`: the layout a user sees, checked at known pixels.

use streamwerk_e2e::*;

fn render(scene_name: &str, at: &str) -> image_rgb::Rgb {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("frame.png");
    let scene = demo_scene();
    let run = streamwerk(&[
        "render-frame",
        "--scene",
        scene.to_str().unwrap(),
        "--scene-name",
        scene_name,
        "--at",
        at,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    image_rgb::decode(&out)
}

/// Decodes the PNG with FFmpeg into raw RGB, so the test reads pixels the way players do.
mod image_rgb {
    use std::path::Path;
    use std::process::Command;

    pub struct Rgb {
        pub width: usize,
        pub data: Vec<u8>,
    }

    impl Rgb {
        pub fn at(&self, x: usize, y: usize) -> [u8; 3] {
            let i = (y * self.width + x) * 3;
            [self.data[i], self.data[i + 1], self.data[i + 2]]
        }
    }

    pub fn decode(png: &Path) -> Rgb {
        let out = Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(png)
            .args(["-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let width = 1280;
        assert_eq!(out.stdout.len(), width * 720 * 3, "1280x720 RGB");
        Rgb {
            width,
            data: out.stdout,
        }
    }
}

fn close(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| (*x as i32 - y as i32).abs() <= 6)
}

#[test]
fn live_scene_has_bars_logo_and_lower_third_where_the_file_puts_them() {
    let f = render("Live", "1.0");
    // The first bar (75 % grey) at the top left, not covered by anything.
    assert!(close(f.at(20, 300), [191, 191, 191]), "{:?}", f.at(20, 300));
    // The logo (violet, 120x120 at 1128,32) over the blue bar.
    assert!(
        close(f.at(1188, 60), [109, 40, 217]) || close(f.at(1188, 60), [102, 37, 212]),
        "{:?}",
        f.at(1188, 60)
    );
    assert!(
        close(f.at(1275, 60), [0, 0, 191]),
        "right of the logo is the blue bar"
    );
    // The amber accent at the bar's left edge, then the 90 % violet bar.
    assert!(close(f.at(68, 640), [245, 158, 11]), "{:?}", f.at(68, 640));
    let bar = f.at(900, 640);
    assert!(
        bar[2] > 190 && bar[1] < 70 && bar[0] > 90,
        "lower third bar {bar:?}"
    );
    // White text inside the lower third: some pixel of the name line is near white.
    let name_white = (100..380).any(|x| (560..600).any(|y| f.at(x, y).iter().all(|&c| c > 230)));
    assert!(name_white, "the guest name is drawn");
}

#[test]
fn the_burned_in_counter_changes_with_time() {
    let a = render("Live", "1.0");
    let b = render("Live", "1.0333");
    let box_area = |f: &image_rgb::Rgb| -> Vec<[u8; 3]> {
        (50..190)
            .flat_map(|y| (450..830).map(move |x| (x, y)))
            .map(|(x, y)| f.at(x, y))
            .collect()
    };
    assert_ne!(
        box_area(&a),
        box_area(&b),
        "frame 30 and 31 show different counters"
    );
}

#[test]
fn be_right_back_scene_is_the_brand_background() {
    let f = render("Be right back", "0");
    assert!(
        close(f.at(50, 50), [0x1E, 0x1B, 0x4B]),
        "{:?}",
        f.at(50, 50)
    );
}
