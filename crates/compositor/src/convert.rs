//! RGBA to BT.709 limited-range I420 (what x264 and every platform expect for HD), in 8.8 fixed
//! point. Chroma is the mean of each 2x2 block.

use streamwerk_media::{Image, Rect, I420};

/// Converts `rect` (even-aligned, within the picture) of an opaque canvas into `out`.
pub fn rgba_to_i420(canvas: &Image, out: &mut I420, rect: Rect) {
    let w = canvas.width as usize;
    let cw = w / 2;
    let (x0, x1) = (rect.x as usize, rect.right() as usize);
    for y in (rect.y as usize..rect.bottom() as usize).step_by(2) {
        let row0 = &canvas.data[y * w * 4..][x0 * 4..x1 * 4];
        let row1 = &canvas.data[(y + 1) * w * 4..][x0 * 4..x1 * 4];
        let (luma0, rest) = out.y[y * w..].split_at_mut(w);
        let luma0 = &mut luma0[x0..x1];
        let luma1 = &mut rest[x0..x1];
        let u = &mut out.u[(y / 2) * cw + x0 / 2..][..(x1 - x0) / 2];
        let v = &mut out.v[(y / 2) * cw + x0 / 2..][..(x1 - x0) / 2];
        luma_row(row0, luma0);
        luma_row(row1, luma1);
        for (i, (u, v)) in u.iter_mut().zip(v.iter_mut()).enumerate() {
            let p = i * 8;
            let r = row0[p] as i32 + row0[p + 4] as i32 + row1[p] as i32 + row1[p + 4] as i32;
            let g =
                row0[p + 1] as i32 + row0[p + 5] as i32 + row1[p + 1] as i32 + row1[p + 5] as i32;
            let b =
                row0[p + 2] as i32 + row0[p + 6] as i32 + row1[p + 2] as i32 + row1[p + 6] as i32;
            // Sums of four pixels: divide by 4 x 256.
            *u = ((-26 * r - 86 * g + 112 * b + 512) >> 10).wrapping_add(128) as u8;
            *v = ((112 * r - 102 * g - 10 * b + 512) >> 10).wrapping_add(128) as u8;
        }
    }
}

#[inline]
fn luma_row(rgba: &[u8], luma: &mut [u8]) {
    for (px, y) in rgba.chunks_exact(4).zip(luma.iter_mut()) {
        let (r, g, b) = (px[0] as u32, px[1] as u32, px[2] as u32);
        *y = (((47 * r + 157 * g + 16 * b + 128) >> 8) + 16) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(rgb: [u8; 3]) -> (u8, u8, u8) {
        let image = Image::filled(2, 2, [rgb[0], rgb[1], rgb[2], 255]);
        let mut out = I420::new(2, 2);
        rgba_to_i420(&image, &mut out, image.bounds());
        (out.y[0], out.u[0], out.v[0])
    }

    #[test]
    fn bt709_limited_range_reference_colours() {
        // Reference values from ITU-R BT.709 with 8-bit limited range.
        assert_eq!(convert([0, 0, 0]), (16, 128, 128));
        assert_eq!(convert([255, 255, 255]), (235, 128, 128));
        let (y, u, v) = convert([255, 0, 0]);
        assert!(
            (y as i32 - 63).abs() <= 1
                && (u as i32 - 102).abs() <= 1
                && (v as i32 - 240).abs() <= 1,
            "{y} {u} {v}"
        );
        let (y, u, v) = convert([0, 0, 255]);
        assert!(
            (y as i32 - 32).abs() <= 1
                && (u as i32 - 240).abs() <= 1
                && (v as i32 - 118).abs() <= 1,
            "{y} {u} {v}"
        );
    }
}
