//! Where a layer lands on the canvas and how its pixels are fetched. A layer shown at its own
//! size, unrotated, reads its source directly (no copy); anything else is resampled once into a
//! canvas-aligned picture and kept until the source or the transform changes.

use crate::blend;
use image::{imageops, ImageBuffer, Rgba};
use streamwerk_media::{Image, Rect};
use streamwerk_scene::Transform;

pub(crate) struct Placement {
    /// The canvas rectangle the layer covers (not clipped to the canvas).
    pub dst: Rect,
    pixels: Pixels,
    upright: bool,
}

enum Pixels {
    /// Canvas pixel (x, y) is source pixel (x - dst.x + origin.0, y - dst.y + origin.1).
    Direct { origin: (i32, i32) },
    /// A picture of exactly `dst`'s size.
    Prepared(Image),
    /// Cropped away entirely.
    Empty,
}

impl Placement {
    pub fn new(source: &Image, t: &Transform) -> Self {
        let crop_w = source.width.saturating_sub(t.crop.left + t.crop.right);
        let crop_h = source.height.saturating_sub(t.crop.top + t.crop.bottom);
        if crop_w == 0 || crop_h == 0 {
            return Placement {
                dst: Rect::default(),
                pixels: Pixels::Empty,
                upright: true,
            };
        }
        let (x, y) = (t.x.round() as i32, t.y.round() as i32);
        let size = display_size(t, crop_w, crop_h);
        if size == (crop_w, crop_h) && is_upright(t) {
            return Placement {
                dst: Rect::new(x, y, crop_w, crop_h),
                pixels: Pixels::Direct {
                    origin: (t.crop.left as i32, t.crop.top as i32),
                },
                upright: true,
            };
        }
        let (dst, image) = prepare(source, t);
        Placement {
            dst,
            pixels: Pixels::Prepared(image),
            upright: is_upright(t),
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
    pub fn refresh(&mut self, source: &Image, t: &Transform) {
        if let Pixels::Prepared(image) = &mut self.pixels {
            *image = prepare(source, t).1;
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

    /// Blends the part of the layer inside `rect` (already within the canvas) over the canvas.
    pub fn blend_into(&self, canvas: &mut Image, source: &Image, rect: Rect, opacity: f32) {
        let opacity = (opacity.clamp(0.0, 1.0) * 255.0).round() as u32;
        if opacity == 0 {
            return;
        }
        self.for_each_row(canvas, source, rect, |dst, src| {
            if opacity == 255 {
                blend::over(dst, src);
            } else {
                blend::over_faded(dst, src, opacity);
            }
        });
    }

    /// Copies the layer's pixels inside `rect` onto the canvas, for a layer that hides it.
    pub fn copy_into(&self, canvas: &mut Image, source: &Image, rect: Rect) {
        self.for_each_row(canvas, source, rect, |dst, src| dst.copy_from_slice(src));
    }

    /// Calls `f(canvas row, layer row)` for each row of the layer inside `rect`.
    fn for_each_row(
        &self,
        canvas: &mut Image,
        source: &Image,
        rect: Rect,
        mut f: impl FnMut(&mut [u8], &[u8]),
    ) {
        let Some(r) = rect.intersect(self.dst) else {
            return;
        };
        let (picture, origin) = match &self.pixels {
            Pixels::Direct { origin } => (source, *origin),
            Pixels::Prepared(image) => (image, (0, 0)),
            Pixels::Empty => return,
        };
        let (cs, ps) = (canvas.stride(), picture.stride());
        let sx = (r.x - self.dst.x + origin.0) as usize * 4;
        let dx = r.x as usize * 4;
        let len = r.w as usize * 4;
        for y in r.y..r.bottom() {
            let sy = (y - self.dst.y + origin.1) as usize;
            f(
                &mut canvas.data[y as usize * cs + dx..][..len],
                &picture.data[sy * ps + sx..][..len],
            );
        }
    }
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
fn prepare(source: &Image, t: &Transform) -> (Rect, Image) {
    let crop_w = source.width - t.crop.left - t.crop.right;
    let crop_h = source.height - t.crop.top - t.crop.bottom;
    let cropped: ImageBuffer<Rgba<u8>, Vec<u8>> = ImageBuffer::from_fn(crop_w, crop_h, |x, y| {
        Rgba(source.pixel(x + t.crop.left, y + t.crop.top))
    });
    let (w, h) = display_size(t, crop_w, crop_h);
    let scaled = if (w, h) == (crop_w, crop_h) {
        cropped
    } else {
        imageops::resize(&cropped, w, h, imageops::FilterType::Triangle)
    };
    let scaled = Image {
        width: w,
        height: h,
        data: scaled.into_raw(),
    };
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
