//! An RGBA layer as premultiplied BT.709 limited-range YUV with alpha, laid on the canvas's
//! 2x2 chroma grid, so it blends straight onto a video layer's I420 planes. The RGB to YUV
//! matrix is affine, so blending in YUV gives what blending in RGB and converting would, to
//! rounding; chroma takes the mean of its four pixels' premultiplied values and alphas, which
//! is what 4:2:0 conversion of the blended pixels averages too. Built when the layer changes,
//! used on every frame the video under it does.

use crate::blend;
use crate::convert::Scratch;
use crate::placement::Placement;
use streamwerk_media::{Picture, Rect, I420};

/// BT.709 luma weights.
const KR: f32 = 0.2126;
const KB: f32 = 0.0722;
const KG: f32 = 1.0 - KR - KB;

pub(crate) struct Yuva {
    /// The canvas rectangle held (even-aligned, within the canvas).
    rect: Rect,
    y: Vec<u8>,
    a: Vec<u8>,
    /// Chroma: one value per 2x2 block, its alpha the mean of the block's four.
    u: Vec<u8>,
    v: Vec<u8>,
    ca: Vec<u8>,
}

impl Yuva {
    /// The layer's pixels inside `bounds` (the canvas), faded by `opacity`.
    pub fn new(
        placement: &Placement,
        picture: Picture,
        opacity: f32,
        bounds: Rect,
        scratch: &mut Scratch,
    ) -> Yuva {
        let rect = placement.dst.even().intersect(bounds).unwrap_or_default();
        let (w, h) = (rect.w as usize, rect.h as usize);
        let (cw, ch) = (w / 2, h / 2);
        let mut out = Yuva {
            rect,
            y: vec![0; w * h],
            a: vec![0; w * h],
            u: vec![0; cw * ch],
            v: vec![0; cw * ch],
            ca: vec![0; cw * ch],
        };
        // Sums over each 2x2 block of premultiplied U, V (around 0) and alpha (0-1).
        let mut sums = vec![[0f32; 3]; cw * ch];
        let fade = opacity.clamp(0.0, 1.0) / 255.0;
        placement.rows(picture, rect, scratch, |cy, cx, row| {
            let y = (cy - rect.y) as usize;
            for (i, px) in row.as_chunks::<4>().0.iter().enumerate() {
                let x = (cx - rect.x) as usize + i;
                let [r, g, b, a] = px.map(|c| c as f32 * fade);
                let luma = KR * r + KG * g + KB * b;
                out.y[y * w + x] = (a * 16.0 + luma * 219.0).round() as u8;
                out.a[y * w + x] = (a * 255.0).round() as u8;
                let sum = &mut sums[(y / 2) * cw + x / 2];
                sum[0] += (b - luma) / (2.0 * (1.0 - KB)) * 224.0;
                sum[1] += (r - luma) / (2.0 * (1.0 - KR)) * 224.0;
                sum[2] += a;
            }
        });
        for (i, [u, v, a]) in sums.into_iter().enumerate() {
            let a = a / 4.0;
            out.u[i] = (a * 128.0 + u / 4.0).round().clamp(0.0, 255.0) as u8;
            out.v[i] = (a * 128.0 + v / 4.0).round().clamp(0.0, 255.0) as u8;
            out.ca[i] = (a * 255.0).round() as u8;
        }
        out
    }

    /// Blends the part inside `rect` (even-aligned) over `canvas`.
    pub fn blend_onto(&self, canvas: &mut I420, rect: Rect) {
        let Some(r) = rect.intersect(self.rect) else {
            return;
        };
        let (x, w) = ((r.x - self.rect.x) as usize, r.w as usize);
        let (stride, own) = (canvas.width as usize, self.rect.w as usize);
        for row in r.y..r.bottom() {
            let from = (row - self.rect.y) as usize * own + x;
            let to = row as usize * stride + r.x as usize;
            blend::over_plane(
                &mut canvas.y[to..to + w],
                &self.y[from..from + w],
                &self.a[from..from + w],
            );
        }
        let (x, w, stride, own) = (x / 2, w / 2, stride / 2, own / 2);
        for row in r.y / 2..r.bottom() / 2 {
            let from = (row - self.rect.y / 2) as usize * own + x;
            let to = row as usize * stride + r.x as usize / 2;
            let alpha = &self.ca[from..from + w];
            blend::over_plane(&mut canvas.u[to..to + w], &self.u[from..from + w], alpha);
            blend::over_plane(&mut canvas.v[to..to + w], &self.v[from..from + w], alpha);
        }
    }
}
