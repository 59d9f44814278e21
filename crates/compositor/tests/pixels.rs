//! Pixel checks at known positions: what a user would see if the compositor got a layer wrong.

use streamwerk_compositor::{Compositor, Layer};
use streamwerk_media::{Image, Rect, VideoFrame};
use streamwerk_scene::{Crop, Transform};

fn solid(w: u32, h: u32, rgba: [u8; 4]) -> Image {
    Image::filled(w, h, rgba)
}

fn at(x: f32, y: f32) -> Transform {
    Transform {
        x,
        y,
        ..Transform::default()
    }
}

fn layer<'a>(key: u64, image: &'a Image, t: &'a Transform) -> Layer<'a> {
    Layer {
        key,
        frame: VideoFrame {
            image,
            generation: 1,
            damage: None,
            opaque: image.is_opaque(),
        },
        transform: t,
    }
}

fn px(c: &Compositor, x: u32, y: u32) -> [u8; 4] {
    c.canvas().pixel(x, y)
}

#[test]
fn empty_canvas_is_black_in_rgb_and_yuv() {
    let mut c = Compositor::new(64, 32);
    c.compose(&[]);
    assert_eq!(px(&c, 10, 10), [0, 0, 0, 255]);
    assert!(c.i420().y.iter().all(|&y| y == 16));
}

#[test]
fn z_order_and_position() {
    let red = solid(20, 20, [255, 0, 0, 255]);
    let blue = solid(20, 20, [0, 0, 255, 255]);
    let (tr, tb) = (at(10.0, 10.0), at(20.0, 20.0));
    let mut c = Compositor::new(64, 64);
    c.compose(&[layer(1, &red, &tr), layer(2, &blue, &tb)]);
    assert_eq!(px(&c, 9, 9), [0, 0, 0, 255], "outside both");
    assert_eq!(px(&c, 15, 15), [255, 0, 0, 255], "red alone");
    assert_eq!(px(&c, 25, 25), [0, 0, 255, 255], "blue is on top");
    assert_eq!(px(&c, 35, 35), [0, 0, 255, 255]);
    assert_eq!(px(&c, 40, 40), [0, 0, 0, 255]);
    // Reordered: red on top.
    c.compose(&[layer(2, &blue, &tb), layer(1, &red, &tr)]);
    assert_eq!(px(&c, 25, 25), [255, 0, 0, 255]);
}

#[test]
fn premultiplied_blend_and_opacity() {
    let white = solid(64, 64, [255, 255, 255, 255]);
    let half_red = solid(10, 10, [128, 0, 0, 128]); // premultiplied 50 % red
    let (tw, th) = (at(0.0, 0.0), at(0.0, 0.0));
    let mut c = Compositor::new(64, 64);
    c.compose(&[layer(1, &white, &tw), layer(2, &half_red, &th)]);
    assert_eq!(px(&c, 5, 5), [255, 127, 127, 255]);

    let red = solid(10, 10, [255, 0, 0, 255]);
    let faded = Transform {
        opacity: 0.25,
        ..at(20.0, 20.0)
    };
    c.compose(&[layer(1, &white, &tw), layer(3, &red, &faded)]);
    assert_eq!(px(&c, 25, 25), [255, 191, 191, 255]);
    assert_eq!(
        px(&c, 5, 5),
        [255, 255, 255, 255],
        "the removed layer is gone"
    );
}

#[test]
fn scale_and_crop() {
    // Left half green, right half blue.
    let mut src = solid(20, 10, [0, 255, 0, 255]);
    src.fill(Rect::new(10, 0, 10, 10), [0, 0, 255, 255]);
    let scaled = Transform {
        width: Some(40.0),
        height: Some(20.0),
        ..at(0.0, 0.0)
    };
    let mut c = Compositor::new(64, 64);
    c.compose(&[layer(1, &src, &scaled)]);
    assert_eq!(px(&c, 5, 10), [0, 255, 0, 255]);
    assert_eq!(px(&c, 35, 10), [0, 0, 255, 255]);
    assert_eq!(px(&c, 41, 10), [0, 0, 0, 255], "scaled to 40 wide");
    assert_eq!(px(&c, 5, 21), [0, 0, 0, 255], "scaled to 20 high");

    // Crop the green half away: the blue half lands at the layer's position.
    let cropped = Transform {
        crop: Crop {
            left: 10,
            ..Crop::default()
        },
        ..at(30.0, 30.0)
    };
    c.compose(&[layer(1, &src, &cropped)]);
    assert_eq!(px(&c, 30, 30), [0, 0, 255, 255]);
    assert_eq!(px(&c, 39, 39), [0, 0, 255, 255]);
    assert_eq!(px(&c, 40, 35), [0, 0, 0, 255], "10 px wide after the crop");
    assert_eq!(
        px(&c, 5, 10),
        [0, 0, 0, 255],
        "the previous placement is cleared"
    );
}

#[test]
fn rotation_turns_a_bar_upright() {
    // A 40x4 horizontal bar rotated 90° about its centre (30, 30) becomes 4x40 vertical.
    let bar = solid(40, 4, [255, 255, 255, 255]);
    let t = Transform {
        rotation: 90.0,
        ..at(10.0, 28.0)
    };
    let mut c = Compositor::new(64, 64);
    c.compose(&[layer(1, &bar, &t)]);
    assert_eq!(px(&c, 30, 15), [255, 255, 255, 255]);
    assert_eq!(px(&c, 30, 45), [255, 255, 255, 255]);
    assert_eq!(px(&c, 15, 30), [0, 0, 0, 255], "no longer horizontal");
}

#[test]
fn damage_updates_match_a_full_recompose() {
    // A source that changes a small square each frame and reports it as damage.
    let mut image = solid(64, 64, [10, 20, 30, 255]);
    let logo = solid(16, 16, [0, 0, 200, 200]);
    let (tbg, tlogo) = (at(0.0, 0.0), at(40.0, 4.0));
    let mut incremental = Compositor::new(64, 64);
    for generation in 1..6u64 {
        let square = Rect::new(generation as i32 * 8, 30, 6, 6);
        image.fill(square, [250, 250, 0, 255]);
        let damage = [square];
        let frame = VideoFrame {
            image: &image,
            generation,
            damage: Some(&damage),
            opaque: true,
        };
        let layers = [
            Layer {
                key: 1,
                frame,
                transform: &tbg,
            },
            layer(2, &logo, &tlogo),
        ];
        let stats = incremental.compose(&layers);
        if generation > 1 {
            assert!(
                stats.dirty_pixels < 64 * 64 / 4,
                "only the square is redone: {stats:?}"
            );
        }
        let mut full = Compositor::new(64, 64);
        full.compose(&layers);
        assert!(full.canvas() == incremental.canvas(), "frame {generation}");
        assert!(full.i420().y == incremental.i420().y && full.i420().u == incremental.i420().u);
    }
}

#[test]
fn an_opaque_layer_hides_what_is_under_it_and_a_translucent_one_does_not() {
    let red = solid(64, 64, [255, 0, 0, 255]);
    let green = solid(32, 32, [0, 255, 0, 255]);
    let glass = solid(16, 16, [0, 0, 128, 128]);
    let (t0, t1, t2) = (at(0.0, 0.0), at(0.0, 0.0), at(8.0, 8.0));
    let mut c = Compositor::new(64, 64);
    c.compose(&[
        layer(1, &red, &t0),
        layer(2, &green, &t1),
        layer(3, &glass, &t2),
    ]);
    assert_eq!(px(&c, 4, 4), [0, 255, 0, 255], "green covers red");
    assert_eq!(
        px(&c, 10, 10),
        [0, 127, 128, 255],
        "glass blends over green"
    );
    assert_eq!(px(&c, 40, 40), [255, 0, 0, 255]);
    // The same opaque layer at half opacity no longer hides red.
    let faded = Transform {
        opacity: 0.5,
        ..at(0.0, 0.0)
    };
    c.compose(&[layer(1, &red, &t0), layer(2, &green, &faded)]);
    assert_eq!(px(&c, 4, 4), [127, 128, 0, 255]);
}
