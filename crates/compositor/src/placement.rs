//! Where a layer lands on the canvas and how its pixels are fetched. A layer shown at its own
//! size, unrotated, reads its source directly (no copy); anything else is resampled once into a
//! canvas-aligned picture and kept until the source or the transform changes. YUV sources stay
//! YUV when upright: read directly, or scaled plane by plane.

use crate::blend;
use crate::convert::{self, Scratch};
use crate::PlaneScaler;
use streamwerk_media::{Image, Picture, Rect, I420};
use streamwerk_scene::{Fit, Transform};

pub(crate) struct Placement {
    /// The canvas rectangle the layer covers (not clipped to the canvas).
    pub dst: Rect,
    pixels: Pixels,
    upright: bool,
}

enum Pixels {
    /// Canvas pixel (x, y) is source pixel (x - dst.x + origin.0, y - dst.y + origin.1).
    /// For a YUV source, `dst` and `origin` are even, so chroma lines up.
    Direct { origin: (i32, i32) },
    /// A picture of exactly `dst`'s size, and the scaler (with its buffers) that made it.
    Prepared {
        image: Image,
        scaler: Box<PlaneScaler>,
    },
    /// A YUV source cropped or scaled, upright: planes of exactly `dst`'s (even) size.
    PreparedYuv {
        picture: I420,
        scaler: Box<PlaneScaler>,
    },
    /// Cropped away entirely.
    Empty,
}

/// The source part a transform shows: (left, top, width, height). With `fit: cover` the
/// part left by the crop is trimmed evenly to the box's shape.
fn crop_of(size: (u32, u32), t: &Transform) -> (u32, u32, u32, u32) {
    let w = size.0.saturating_sub(t.crop.left + t.crop.right);
    let h = size.1.saturating_sub(t.crop.top + t.crop.bottom);
    let (left, top) = (t.crop.left, t.crop.top);
    let (Fit::Cover, Some(bw), Some(bh)) = (t.fit, t.width, t.height) else {
        return (left, top, w, h);
    };
    if w == 0 || h == 0 || bw <= 0.0 || bh <= 0.0 {
        return (left, top, w, h);
    }
    let shape = bw / bh;
    if w as f32 / h as f32 > shape {
        let keep = ((h as f32 * shape).round() as u32).clamp(1, w);
        (left + (w - keep) / 2, top, keep, h)
    } else {
        let keep = ((w as f32 / shape).round() as u32).clamp(1, h);
        (left, top + (h - keep) / 2, w, keep)
    }
}

impl Placement {
    pub fn new(source: Picture, t: &Transform) -> Self {
        let (left, top, crop_w, crop_h) = crop_of(source.size(), t);
        if crop_w == 0 || crop_h == 0 {
            return Placement {
                dst: Rect::default(),
                pixels: Pixels::Empty,
                upright: true,
            };
        }
        let (x, y) = (t.x.round() as i32, t.y.round() as i32);
        let size = display_size(t, crop_w, crop_h);
        match source {
            Picture::Rgba(image) => {
                if size == (crop_w, crop_h) && is_upright(t) {
                    return Placement {
                        dst: Rect::new(x, y, crop_w, crop_h),
                        pixels: Pixels::Direct {
                            origin: (left as i32, top as i32),
                        },
                        upright: true,
                    };
                }
                let mut scaler = Box::<PlaneScaler>::default();
                let (dst, image) = prepare(image, t, &mut scaler, None);
                Placement {
                    dst,
                    pixels: Pixels::Prepared { image, scaler },
                    upright: is_upright(t),
                }
            }
            Picture::Yuv(yuv) if is_upright(t) => {
                // 4:2:0 shares chroma between 2x2 pixels: the layer lands on even pixels, at
                // most one pixel from where the transform puts it.
                let dst = Rect::new(x & !1, y & !1, (size.0 + 1) & !1, (size.1 + 1) & !1);
                let aligned = left % 2 == 0 && top % 2 == 0;
                let pixels = if (dst.w, dst.h) == (crop_w, crop_h) && aligned {
                    Pixels::Direct {
                        origin: (left as i32, top as i32),
                    }
                } else {
                    let mut pixels = Pixels::PreparedYuv {
                        picture: I420::new(dst.w, dst.h),
                        scaler: Box::default(),
                    };
                    resample_yuv(&mut pixels, yuv, (left, top, crop_w, crop_h));
                    pixels
                };
                Placement {
                    dst,
                    pixels,
                    upright: true,
                }
            }
            // Rotated video is rare: it takes the RGBA way, converted whole each frame.
            Picture::Yuv(yuv) => Placement::new(Picture::Rgba(&yuv_to_image(yuv)), t),
        }
    }

    /// Unrotated: the layer fills its whole rectangle (when its pixels are opaque).
    pub fn is_upright(&self) -> bool {
        self.upright
    }

    pub fn is_direct(&self) -> bool {
        matches!(self.pixels, Pixels::Direct { .. })
    }

    /// Resamples again after the source picture changed (same size, same transform).
    pub fn refresh(&mut self, source: Picture, t: &Transform) {
        match (&mut self.pixels, source) {
            (Pixels::Prepared { image, scaler }, Picture::Rgba(source)) => {
                let reuse = std::mem::replace(image, Image::new(0, 0));
                *image = prepare(source, t, scaler, Some(reuse)).1;
            }
            (Pixels::Prepared { image, scaler }, Picture::Yuv(source)) => {
                *image = prepare(&yuv_to_image(source), t, scaler, None).1;
            }
            (pixels @ Pixels::PreparedYuv { .. }, Picture::Yuv(source)) => {
                resample_yuv(pixels, source, crop_of((source.width, source.height), t));
            }
            _ => {}
        }
    }

    /// Maps a damaged source rectangle to the canvas (direct placements only).
    pub fn source_to_canvas(&self, damage: Rect) -> Option<Rect> {
        let Pixels::Direct { origin } = self.pixels else {
            return Some(self.dst);
        };
        let shown = Rect::new(origin.0, origin.1, self.dst.w, self.dst.h);
        damage
            .intersect(shown)
            .map(|r| r.offset(self.dst.x - origin.0, self.dst.y - origin.1))
    }

    /// Copies the layer's planes inside `rect` (even, within the canvas) into `out`; false
    /// when the layer's pixels are not YUV, and nothing was copied.
    pub fn copy_yuv_into(&self, out: &mut I420, source: Picture, rect: Rect) -> bool {
        let Some(r) = rect.intersect(self.dst) else {
            return true;
        };
        let (planes, origin) = match (&self.pixels, source) {
            (Pixels::Direct { origin }, Picture::Yuv(yuv)) => (yuv, *origin),
            (Pixels::PreparedYuv { picture, .. }, _) => (picture, (0, 0)),
            _ => return false,
        };
        let from = (
            (r.x - self.dst.x + origin.0) as u32,
            (r.y - self.dst.y + origin.1) as u32,
        );
        convert::copy_planes(planes, from, out, r);
        true
    }

    /// Blends the part of the layer inside `rect` (already within the canvas) over the canvas.
    pub fn blend_into(
        &self,
        canvas: &mut Image,
        source: Picture,
        rect: Rect,
        opacity: f32,
        scratch: &mut Scratch,
    ) {
        let opacity = (opacity.clamp(0.0, 1.0) * 255.0).round() as u32;
        if opacity == 0 {
            return;
        }
        self.for_each_row(canvas, source, rect, scratch, |dst, src| {
            if opacity == 255 {
                blend::over(dst, src);
            } else {
                blend::over_faded(dst, src, opacity);
            }
        });
    }

    /// Copies the layer's pixels inside `rect` onto the canvas, for a layer that hides it.
    pub fn copy_into(
        &self,
        canvas: &mut Image,
        source: Picture,
        rect: Rect,
        scratch: &mut Scratch,
    ) {
        self.for_each_row(canvas, source, rect, scratch, |dst, src| {
            dst.copy_from_slice(src)
        });
    }

    /// Calls `f(canvas row, layer row)` for each row of the layer inside `rect`.
    fn for_each_row(
        &self,
        canvas: &mut Image,
        source: Picture,
        rect: Rect,
        scratch: &mut Scratch,
        mut f: impl FnMut(&mut [u8], &[u8]),
    ) {
        let stride = canvas.stride();
        self.rows(source, rect, scratch, |y, x, row| {
            let at = y as usize * stride + x as usize * 4;
            f(&mut canvas.data[at..at + row.len()], row);
        });
    }

    /// Calls `f(canvas y, canvas x, the layer's RGBA pixels from there)` for each row of the
    /// layer inside `rect` (within the canvas); YUV pixels are converted first, that part only.
    pub fn rows(
        &self,
        source: Picture,
        rect: Rect,
        scratch: &mut Scratch,
        mut f: impl FnMut(i32, i32, &[u8]),
    ) {
        let Some(r) = rect.intersect(self.dst) else {
            return;
        };
        let from = |origin: (i32, i32)| {
            (
                (r.x - self.dst.x + origin.0) as u32,
                (r.y - self.dst.y + origin.1) as u32,
            )
        };
        // (pixels, stride, first pixel's column and row in them)
        let (data, stride, (sx, sy)) = match (&self.pixels, source) {
            (Pixels::Direct { origin }, Picture::Rgba(image)) => {
                (&image.data[..], image.stride(), from(*origin))
            }
            (Pixels::Prepared { image, .. }, _) => (&image.data[..], image.stride(), from((0, 0))),
            (Pixels::Direct { origin }, Picture::Yuv(yuv)) => {
                let (x, y) = from(*origin);
                convert::i420_rect_to_rgba(yuv, Rect::new(x as i32, y as i32, r.w, r.h), scratch);
                (&scratch.rgba[..], r.w as usize * 4, (0, 0))
            }
            (Pixels::PreparedYuv { picture, .. }, _) => {
                let (x, y) = from((0, 0));
                convert::i420_rect_to_rgba(
                    picture,
                    Rect::new(x as i32, y as i32, r.w, r.h),
                    scratch,
                );
                (&scratch.rgba[..], r.w as usize * 4, (0, 0))
            }
            (Pixels::Empty, _) => return,
        };
        let (sx, len) = (sx as usize * 4, r.w as usize * 4);
        for (i, y) in (r.y..r.bottom()).enumerate() {
            let row = (sy as usize + i) * stride + sx;
            f(y, r.x, &data[row..][..len]);
        }
    }
}

/// Scales the `crop` of `source` into the prepared planes.
fn resample_yuv(pixels: &mut Pixels, source: &I420, crop: (u32, u32, u32, u32)) {
    let Pixels::PreparedYuv { picture, scaler } = pixels else {
        return;
    };
    scaler.scale(source, crop, picture);
}

/// A YUV picture as premultiplied (opaque) RGBA.
fn yuv_to_image(yuv: &I420) -> Image {
    let mut image = Image::new(yuv.width, yuv.height);
    let mut scratch = Scratch::default();
    convert::i420_to_canvas(
        yuv,
        &mut image,
        Rect::new(0, 0, yuv.width, yuv.height),
        &mut scratch,
    );
    image
}

fn is_upright(t: &Transform) -> bool {
    t.rotation.rem_euclid(360.0) == 0.0
}

fn display_size(t: &Transform, crop_w: u32, crop_h: u32) -> (u32, u32) {
    let w = t.width.map_or(crop_w, |w| (w.round() as u32).max(1));
    let h = t.height.map_or(crop_h, |h| (h.round() as u32).max(1));
    (w, h)
}

/// Crops, scales (triangle filter, area-aware when shrinking) and rotates the source into a
/// canvas-aligned picture; returns it with the canvas rectangle it covers.
fn prepare(
    source: &Image,
    t: &Transform,
    scaler: &mut PlaneScaler,
    reuse: Option<Image>,
) -> (Rect, Image) {
    let crop = crop_of((source.width, source.height), t);
    let (w, h) = display_size(t, crop.2, crop.3);
    // A layer whose source changes every frame reuses its picture: no allocation per frame.
    let mut scaled = reuse
        .filter(|i| (i.width, i.height) == (w, h))
        .unwrap_or_else(|| Image::new(w, h));
    scaler.scale_rgba(source, crop, &mut scaled);
    let (x, y) = (t.x.round() as i32, t.y.round() as i32);
    if is_upright(t) {
        return (Rect::new(x, y, w, h), scaled);
    }
    rotate(
        &scaled,
        t.x + w as f32 / 2.0,
        t.y + h as f32 / 2.0,
        t.rotation,
    )
}

/// Rotates `image` clockwise by `degrees` about its centre placed at canvas (`cx`, `cy`), with
/// bilinear sampling; edges fade into transparency, so they are antialiased.
fn rotate(image: &Image, cx: f32, cy: f32, degrees: f32) -> (Rect, Image) {
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (hw, hh) = (image.width as f32 / 2.0, image.height as f32 / 2.0);
    let ex = (hw * cos).abs() + (hh * sin).abs();
    let ey = (hw * sin).abs() + (hh * cos).abs();
    let left = (cx - ex).floor() as i32;
    let top = (cy - ey).floor() as i32;
    let dst = Rect::new(
        left,
        top,
        ((cx + ex).ceil() as i32 - left) as u32,
        ((cy + ey).ceil() as i32 - top) as u32,
    );
    let mut out = Image::new(dst.w, dst.h);
    let texel = |x: i32, y: i32| -> [f32; 4] {
        if x < 0 || y < 0 || x >= image.width as i32 || y >= image.height as i32 {
            [0.0; 4]
        } else {
            image.pixel(x as u32, y as u32).map(f32::from)
        }
    };
    for py in 0..dst.h {
        for px in 0..dst.w {
            let dx = (dst.x + px as i32) as f32 + 0.5 - cx;
            let dy = (dst.y + py as i32) as f32 + 0.5 - cy;
            let u = dx * cos + dy * sin + hw - 0.5;
            let v = -dx * sin + dy * cos + hh - 0.5;
            let (x0, y0) = (u.floor(), v.floor());
            let (fx, fy) = (u - x0, v - y0);
            let (x0, y0) = (x0 as i32, y0 as i32);
            let (a, b, c, d) = (
                texel(x0, y0),
                texel(x0 + 1, y0),
                texel(x0, y0 + 1),
                texel(x0 + 1, y0 + 1),
            );
            let i = (py * dst.w + px) as usize * 4;
            for ch in 0..4 {
                let top = a[ch] + (b[ch] - a[ch]) * fx;
                let bottom = c[ch] + (d[ch] - c[ch]) * fx;
                out.data[i + ch] = (top + (bottom - top) * fy).round() as u8;
            }
        }
    }
    (dst, out)
}
