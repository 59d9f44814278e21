//! Pixel checks at known positions: what a user would see if the compositor got a layer wrong.

use streamwerk_compositor::{Compositor, Layer};
use streamwerk_media::{Image, Picture, Rect, VideoFrame, I420};
use streamwerk_scene::{Crop, Fit, Transform};

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
            picture: Picture::Rgba(image),
            generation: 1,
            damage: None,
            opaque: image.is_opaque(),
        },
        transform: t,
    }
}

fn px(c: &mut Compositor, x: u32, y: u32) -> [u8; 4] {
    c.rgba().pixel(x, y)
}

#[test]
fn empty_canvas_is_black_in_rgb_and_yuv() {
    let mut c = Compositor::new(64, 32);
    c.compose(&[]);
    assert_eq!(px(&mut c, 10, 10), [0, 0, 0, 255]);
    assert!(c.i420().y.iter().all(|&y| y == 16));
}

#[test]
fn z_order_and_position() {
    let red = solid(20, 20, [255, 0, 0, 255]);
    let blue = solid(20, 20, [0, 0, 255, 255]);
    let (tr, tb) = (at(10.0, 10.0), at(20.0, 20.0));
    let mut c = Compositor::new(64, 64);
    c.compose(&[layer(1, &red, &tr), layer(2, &blue, &tb)]);
    assert_eq!(px(&mut c, 9, 9), [0, 0, 0, 255], "outside both");
    assert_eq!(px(&mut c, 15, 15), [255, 0, 0, 255], "red alone");
    assert_eq!(px(&mut c, 25, 25), [0, 0, 255, 255], "blue is on top");
    assert_eq!(px(&mut c, 35, 35), [0, 0, 255, 255]);
    assert_eq!(px(&mut c, 40, 40), [0, 0, 0, 255]);
    // Reordered: red on top.
    c.compose(&[layer(2, &blue, &tb), layer(1, &red, &tr)]);
    assert_eq!(px(&mut c, 25, 25), [255, 0, 0, 255]);
}

#[test]
fn premultiplied_blend_and_opacity() {
    let white = solid(64, 64, [255, 255, 255, 255]);
    let half_red = solid(10, 10, [128, 0, 0, 128]); // premultiplied 50 % red
    let (tw, th) = (at(0.0, 0.0), at(0.0, 0.0));
    let mut c = Compositor::new(64, 64);
    c.compose(&[layer(1, &white, &tw), layer(2, &half_red, &th)]);
    assert_eq!(px(&mut c, 5, 5), [255, 127, 127, 255]);

    let red = solid(10, 10, [255, 0, 0, 255]);
    let faded = Transform {
        opacity: 0.25,
        ..at(20.0, 20.0)
    };
    c.compose(&[layer(1, &white, &tw), layer(3, &red, &faded)]);
    assert_eq!(px(&mut c, 25, 25), [255, 191, 191, 255]);
    assert_eq!(
        px(&mut c, 5, 5),
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
    assert_eq!(px(&mut c, 5, 10), [0, 255, 0, 255]);
    assert_eq!(px(&mut c, 35, 10), [0, 0, 255, 255]);
    assert_eq!(px(&mut c, 41, 10), [0, 0, 0, 255], "scaled to 40 wide");
    assert_eq!(px(&mut c, 5, 21), [0, 0, 0, 255], "scaled to 20 high");

    // Crop the green half away: the blue half lands at the layer's position.
    let cropped = Transform {
        crop: Crop {
            left: 10,
            ..Crop::default()
        },
        ..at(30.0, 30.0)
    };
    c.compose(&[layer(1, &src, &cropped)]);
    assert_eq!(px(&mut c, 30, 30), [0, 0, 255, 255]);
    assert_eq!(px(&mut c, 39, 39), [0, 0, 255, 255]);
    assert_eq!(
        px(&mut c, 40, 35),
        [0, 0, 0, 255],
        "10 px wide after the crop"
    );
    assert_eq!(
        px(&mut c, 5, 10),
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
    assert_eq!(px(&mut c, 30, 15), [255, 255, 255, 255]);
    assert_eq!(px(&mut c, 30, 45), [255, 255, 255, 255]);
    assert_eq!(px(&mut c, 15, 30), [0, 0, 0, 255], "no longer horizontal");
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
            picture: Picture::Rgba(&image),
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
        assert!(full.rgba() == incremental.rgba(), "frame {generation}");
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
    assert_eq!(px(&mut c, 4, 4), [0, 255, 0, 255], "green covers red");
    assert_eq!(
        px(&mut c, 10, 10),
        [0, 127, 128, 255],
        "glass blends over green"
    );
    assert_eq!(px(&mut c, 40, 40), [255, 0, 0, 255]);
    // The same opaque layer at half opacity no longer hides red.
    let faded = Transform {
        opacity: 0.5,
        ..at(0.0, 0.0)
    };
    c.compose(&[layer(1, &red, &t0), layer(2, &green, &faded)]);
    assert_eq!(px(&mut c, 4, 4), [127, 128, 0, 255]);
}

// Video layers: YUV pictures (BT.709 limited range) as a decoder or camera hands them over.

/// BT.709 limited-range Y, U, V of pure green, blue and red (ITU-R BT.709, 8 bit).
const GREEN: (u8, u8, u8) = (173, 42, 26);
const BLUE: (u8, u8, u8) = (32, 240, 118);
const RED: (u8, u8, u8) = (63, 102, 240);

/// A picture whose left half is `left` and right half `right`.
fn video(w: u32, h: u32, left: (u8, u8, u8), right: (u8, u8, u8)) -> I420 {
    let mut yuv = I420::new(w, h);
    for y in 0..h as usize {
        for x in 0..w as usize {
            let c = if x < w as usize / 2 { left } else { right };
            yuv.y[y * w as usize + x] = c.0;
            if x % 2 == 0 && y % 2 == 0 {
                let i = y / 2 * (w as usize / 2) + x / 2;
                yuv.u[i] = c.1;
                yuv.v[i] = c.2;
            }
        }
    }
    yuv
}

fn video_layer<'a>(key: u64, generation: u64, yuv: &'a I420, t: &'a Transform) -> Layer<'a> {
    Layer {
        key,
        frame: VideoFrame {
            picture: Picture::Yuv(yuv),
            generation,
            damage: None,
            opaque: true,
        },
        transform: t,
    }
}

/// (Y, U, V) of the composed I420 at a pixel.
fn yuv_at(c: &Compositor, x: u32, y: u32) -> (u8, u8, u8) {
    let out = c.i420();
    let (w, cw) = (out.width as usize, out.width as usize / 2);
    let (x, y) = (x as usize, y as usize);
    (
        out.y[y * w + x],
        out.u[y / 2 * cw + x / 2],
        out.v[y / 2 * cw + x / 2],
    )
}

fn near(got: [u8; 4], want: [u8; 4], tolerance: u8) -> bool {
    got.iter()
        .zip(want)
        .all(|(a, b)| a.abs_diff(b) <= tolerance)
}

#[test]
fn a_full_canvas_video_layer_reaches_the_encoder_as_its_own_planes() {
    let clip = video(64, 32, GREEN, BLUE);
    let t = at(0.0, 0.0);
    let mut c = Compositor::new(64, 32);
    c.compose(&[video_layer(1, 1, &clip, &t)]);
    let out = c.i420();
    assert!(
        out.y == clip.y && out.u == clip.u && out.v == clip.v,
        "copied untouched"
    );
    assert!(
        near(px(&mut c, 5, 5), [0, 255, 0, 255], 2),
        "{:?}",
        px(&mut c, 5, 5)
    );
    assert!(
        near(px(&mut c, 40, 30), [0, 0, 255, 255], 2),
        "{:?}",
        px(&mut c, 40, 30)
    );
}

#[test]
fn overlays_on_a_video_layer_are_blended_and_the_rest_stays_the_video() {
    let clip = video(64, 32, GREEN, BLUE);
    let logo = solid(8, 8, [255, 0, 0, 255]);
    let glass = solid(10, 10, [128, 128, 128, 128]); // premultiplied 50 % white
    let (tv, tl, tg) = (at(0.0, 0.0), at(4.0, 4.0), at(40.0, 12.0));
    let layers = |generation| {
        [
            video_layer(1, generation, &clip, &tv),
            layer(2, &logo, &tl),
            layer(3, &glass, &tg),
        ]
    };
    let mut c = Compositor::new(64, 32);
    c.compose(&layers(1));
    // Away from the overlays the planes are the clip's, to the bit.
    assert_eq!(yuv_at(&c, 20, 20), GREEN);
    assert_eq!(yuv_at(&c, 60, 2), BLUE);
    // Under the opaque logo: red.
    let red = yuv_at(&c, 6, 6);
    assert!(red.0.abs_diff(RED.0) <= 1 && red.1.abs_diff(RED.1) <= 1 && red.2.abs_diff(RED.2) <= 1);
    assert!(
        near(px(&mut c, 6, 6), [255, 0, 0, 255], 2),
        "{:?}",
        px(&mut c, 6, 6)
    );
    // Under the glass: half white over blue, as the all-RGBA path composes it.
    assert!(
        near(px(&mut c, 45, 15), [128, 128, 255, 255], 3),
        "{:?}",
        px(&mut c, 45, 15)
    );

    // The same scene with the clip handed over as RGBA composes to the same picture.
    let mut as_rgba = solid(64, 32, [0, 255, 0, 255]);
    as_rgba.fill(Rect::new(32, 0, 32, 32), [0, 0, 255, 255]);
    let mut reference = Compositor::new(64, 32);
    reference.compose(&[
        layer(1, &as_rgba, &tv),
        layer(2, &logo, &tl),
        layer(3, &glass, &tg),
    ]);
    for (x, y) in [(6, 6), (45, 15), (49, 21), (20, 20), (60, 2)] {
        let (got, want) = (px(&mut c, x, y), px(&mut reference, x, y));
        assert!(near(got, want, 3), "({x}, {y}): {got:?}, all-RGBA {want:?}");
    }

    // A new video frame redoes the whole canvas; the overlays stay on top.
    let stats = c.compose(&layers(2));
    assert_eq!(stats.dirty_pixels, 64 * 32);
    assert!(near(px(&mut c, 6, 6), [255, 0, 0, 255], 2));
    assert_eq!(yuv_at(&c, 20, 20), GREEN);
}

#[test]
fn a_scaled_video_layer_keeps_its_colours_and_its_size() {
    let clip = video(32, 16, GREEN, BLUE);
    let scaled = Transform {
        width: Some(48.0),
        height: Some(24.0),
        ..at(8.0, 4.0)
    };
    let mut c = Compositor::new(64, 32);
    c.compose(&[video_layer(1, 1, &clip, &scaled)]);
    assert!(
        near(px(&mut c, 12, 10), [0, 255, 0, 255], 3),
        "{:?}",
        px(&mut c, 12, 10)
    );
    assert!(
        near(px(&mut c, 52, 26), [0, 0, 255, 255], 3),
        "{:?}",
        px(&mut c, 52, 26)
    );
    assert_eq!(px(&mut c, 7, 10), [0, 0, 0, 255], "left of the layer");
    assert_eq!(px(&mut c, 56, 10), [0, 0, 0, 255], "48 wide from x 8");
    assert_eq!(px(&mut c, 30, 28), [0, 0, 0, 255], "24 high from y 4");
    assert_eq!(yuv_at(&c, 12, 10), GREEN, "a flat area scales to itself");
}

#[test]
fn a_cropped_video_layer_shows_only_what_is_left() {
    let clip = video(32, 16, GREEN, BLUE);
    let cropped = Transform {
        crop: Crop {
            left: 16,
            ..Crop::default()
        },
        ..at(10.0, 8.0)
    };
    let mut c = Compositor::new(64, 32);
    c.compose(&[video_layer(1, 1, &clip, &cropped)]);
    assert_eq!(
        yuv_at(&c, 10, 8),
        BLUE,
        "the right half lands at the layer's place"
    );
    assert_eq!(yuv_at(&c, 25, 23), BLUE);
    assert_eq!(px(&mut c, 26, 10), [0, 0, 0, 255], "16 wide after the crop");
    assert_eq!(px(&mut c, 9, 10), [0, 0, 0, 255]);

    // An odd crop and position still show the right colours, on even pixels.
    let odd = Transform {
        crop: Crop {
            left: 15,
            ..Crop::default()
        },
        ..at(11.0, 9.0)
    };
    c.compose(&[video_layer(1, 1, &clip, &odd)]);
    let edge = px(&mut c, 10, 8);
    assert!(
        edge[1] > 100 && edge[1] > edge[2] / 2,
        "the one green column, softened: {edge:?}"
    );
    assert_eq!(yuv_at(&c, 14, 12), BLUE);
    assert_eq!(
        px(&mut c, 28, 12),
        [0, 0, 0, 255],
        "17 wide, rounded to 18, from x 10"
    );
}

#[test]
fn a_source_that_turns_from_video_to_a_drawn_card_is_redrawn() {
    // A camera shows its "disconnected" card (RGBA) in place of its pictures (YUV).
    let clip = video(64, 32, GREEN, GREEN);
    let card = solid(64, 32, [36, 36, 36, 255]);
    let t = at(0.0, 0.0);
    let mut c = Compositor::new(64, 32);
    c.compose(&[video_layer(1, 1, &clip, &t)]);
    assert_eq!(yuv_at(&c, 3, 3), GREEN);
    c.compose(&[layer(1, &card, &t)]);
    assert_eq!(px(&mut c, 3, 3), [36, 36, 36, 255]);
    c.compose(&[video_layer(1, 3, &clip, &t)]);
    assert_eq!(yuv_at(&c, 3, 3), GREEN);
    assert!(near(px(&mut c, 3, 3), [0, 255, 0, 255], 2));
}

#[test]
fn faded_overlays_and_a_picture_in_picture_video_over_a_video() {
    let clip = video(64, 32, GREEN, BLUE);
    let guest = video(16, 16, RED, RED);
    let edge = solid(12, 8, [200, 200, 0, 255]);
    let (tv, tg) = (at(0.0, 0.0), at(40.0, 8.0));
    // Faded, and across the clip's green/blue edge, on odd pixels.
    let faded = Transform {
        opacity: 0.5,
        ..at(27.0, 21.0)
    };
    let mut c = Compositor::new(64, 32);
    c.compose(&[video_layer(1, 1, &clip, &tv), layer(2, &edge, &faded)]);
    let mut as_rgba = solid(64, 32, [0, 255, 0, 255]);
    as_rgba.fill(Rect::new(32, 0, 32, 32), [0, 0, 255, 255]);
    let mut reference = Compositor::new(64, 32);
    reference.compose(&[layer(1, &as_rgba, &tv), layer(2, &edge, &faded)]);
    // What the encoder gets (4:2:0: an odd edge shares its chroma with uncovered pixels).
    for (x, y) in [(27, 21), (30, 25), (33, 25), (38, 28), (26, 21), (39, 29)] {
        let (got, want) = (yuv_at(&c, x, y), yuv_at(&reference, x, y));
        let close = got.0.abs_diff(want.0) <= 2
            && got.1.abs_diff(want.1) <= 2
            && got.2.abs_diff(want.2) <= 2;
        assert!(close, "({x}, {y}): {got:?}, all-RGBA {want:?}");
    }

    // A guest video over the clip (another YUV layer) with the faded bar across both.
    c.compose(&[
        video_layer(1, 2, &clip, &tv),
        video_layer(3, 1, &guest, &tg),
        layer(2, &edge, &faded),
    ]);
    assert_eq!(yuv_at(&c, 44, 12), RED, "the guest's planes, copied");
    assert_eq!(yuv_at(&c, 4, 4), GREEN);
    assert!(near(px(&mut c, 50, 10), [255, 0, 0, 255], 2));
    let (got, want) = (yuv_at(&c, 30, 25), yuv_at(&reference, 30, 25));
    assert!(
        got.0.abs_diff(want.0) <= 2 && got.1.abs_diff(want.1) <= 2,
        "{got:?} {want:?}"
    );
}

/// Red, green and blue bands side by side, each `band` wide, `height` tall.
fn bands(band: u32, height: u32) -> Image {
    let mut image = Image::filled(band * 3, height, [255, 0, 0, 255]);
    image.fill(Rect::new(band as i32, 0, band, height), [0, 255, 0, 255]);
    image.fill(
        Rect::new(2 * band as i32, 0, band, height),
        [0, 0, 255, 255],
    );
    image
}

#[test]
fn cover_crops_a_picture_to_its_box_shape_and_stretch_does_not() {
    // 48x16 (3:1) into a 16x16 box: cover keeps the middle third, stretch squeezes all three.
    let wide = bands(16, 16);
    let boxed = |fit| Transform {
        width: Some(16.0),
        height: Some(16.0),
        fit,
        ..at(8.0, 8.0)
    };
    let mut c = Compositor::new(64, 32);
    let cover = boxed(Fit::Cover);
    c.compose(&[layer(1, &wide, &cover)]);
    for x in [9, 15, 22] {
        assert!(
            near(px(&mut c, x, 16), [0, 255, 0, 255], 2),
            "x {x}: {:?}",
            px(&mut c, x, 16)
        );
    }
    assert_eq!(px(&mut c, 24, 16), [0, 0, 0, 255], "the box is 16 wide");
    let stretch = boxed(Fit::Stretch);
    c.compose(&[layer(1, &wide, &stretch)]);
    assert!(near(px(&mut c, 9, 16), [255, 0, 0, 255], 2));
    assert!(near(px(&mut c, 22, 16), [0, 0, 255, 255], 2));

    // A 16:9 video in a tall box: the middle of it, at its own proportions.
    let clip = video(64, 36, GREEN, BLUE);
    let tall = Transform {
        width: Some(18.0),
        height: Some(32.0),
        fit: Fit::Cover,
        ..at(0.0, 0.0)
    };
    c.compose(&[video_layer(2, 1, &clip, &tall)]);
    // 36 lines keep 20 columns (18:32), 22 to 42: 10 green and 10 blue, scaled to 18 x 32.
    assert_eq!(yuv_at(&c, 2, 16), GREEN);
    assert_eq!(yuv_at(&c, 14, 16), BLUE);
    assert_eq!(px(&mut c, 20, 16), [0, 0, 0, 255]);
}
