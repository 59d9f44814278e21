//! Camera YUV to the canvas's I420. Webcams deliver BT.601 limited range (the UVC default),
//! packed 4:2:2 (YUYV) or semi-planar 4:2:0 (NV12); the canvas is BT.709. The change of matrix
//! is linear in YUV, so it is done there, pixel by pixel, with the planes reordered in the same
//! pass: no round trip through RGB. yuvutils-rs reorders planes but does not change matrices.

use streamwerk_media::I420;

/// Fixed-point scale of the coefficients.
const SHIFT: u32 = 14;
const ONE: f64 = (1 << SHIFT) as f64;

/// BT.709 (y, u, v) of a BT.601 colour with y = 0 and chroma (`u`, `v`), all normalised
/// (y 0..1, u and v -0.5..0.5). A grey (u = v = 0) keeps its y, so these three numbers per
/// chroma axis are the whole change.
const fn bt601_to_bt709(u: f64, v: f64) -> (f64, f64, f64) {
    let (kr, kb) = (0.299, 0.114);
    let (r, b) = (2.0 * (1.0 - kr) * v, 2.0 * (1.0 - kb) * u);
    let g = (-kr * r - kb * b) / (1.0 - kr - kb);
    let (kr, kb) = (0.2126, 0.0722);
    let y = kr * r + (1.0 - kr - kb) * g + kb * b;
    (
        y,
        (b - y) / (2.0 * (1.0 - kb)),
        (r - y) / (2.0 * (1.0 - kr)),
    )
}

const fn fixed(x: f64) -> i32 {
    let x = x * ONE;
    (if x < 0.0 { x - 0.5 } else { x + 0.5 }) as i32
}

const FROM_U: (f64, f64, f64) = bt601_to_bt709(1.0, 0.0);
const FROM_V: (f64, f64, f64) = bt601_to_bt709(0.0, 1.0);
/// Limited-range 8-bit luma spans 219 codes where chroma spans 224.
const LUMA: f64 = 219.0 / 224.0;
const Y_U: i32 = fixed(FROM_U.0 * LUMA);
const Y_V: i32 = fixed(FROM_V.0 * LUMA);
const U_U: i32 = fixed(FROM_U.1);
const U_V: i32 = fixed(FROM_V.1);
const V_U: i32 = fixed(FROM_U.2);
const V_V: i32 = fixed(FROM_V.2);
const HALF: i32 = 1 << (SHIFT - 1);

#[inline(always)]
fn luma(y: u8, u: i32, v: i32) -> u8 {
    (y as i32 + ((Y_U * u + Y_V * v + HALF) >> SHIFT)).clamp(0, 255) as u8
}

#[inline(always)]
fn chroma(u: i32, v: i32) -> (u8, u8) {
    (
        (128 + ((U_U * u + U_V * v + HALF) >> SHIFT)).clamp(0, 255) as u8,
        (128 + ((V_U * u + V_V * v + HALF) >> SHIFT)).clamp(0, 255) as u8,
    )
}

/// `out` sized to `width` x `height` rounded down to even (a last odd row or column is left out).
fn sized(out: &mut I420, width: u32, height: u32) -> (usize, usize) {
    let (w, h) = ((width & !1) as usize, (height & !1) as usize);
    out.width = w as u32;
    out.height = h as u32;
    out.y.resize(w * h, 16);
    out.u.resize(w * h / 4, 128);
    out.v.resize(w * h / 4, 128);
    (w, h)
}

/// YUYV (Y0 U Y1 V per pixel pair, rows of `width` x 2 bytes); false when `data` is short.
pub fn yuyv_to_i420(data: &[u8], width: u32, height: u32, out: &mut I420) -> bool {
    let stride = width as usize * 2;
    if data.len() < stride * height as usize {
        return false;
    }
    let (w, h) = sized(out, width, height);
    for row in (0..h).step_by(2) {
        let (top, bottom) = (&data[row * stride..], &data[(row + 1) * stride..]);
        for pair in 0..w / 2 {
            let (a, b) = (
                &top[pair * 4..pair * 4 + 4],
                &bottom[pair * 4..pair * 4 + 4],
            );
            let (ua, va) = (a[1] as i32 - 128, a[3] as i32 - 128);
            let (ub, vb) = (b[1] as i32 - 128, b[3] as i32 - 128);
            let (x, next) = (row * w + pair * 2, (row + 1) * w + pair * 2);
            out.y[x] = luma(a[0], ua, va);
            out.y[x + 1] = luma(a[2], ua, va);
            out.y[next] = luma(b[0], ub, vb);
            out.y[next + 1] = luma(b[2], ub, vb);
            let (u, v) = chroma((ua + ub) >> 1, (va + vb) >> 1);
            let c = row / 2 * (w / 2) + pair;
            out.u[c] = u;
            out.v[c] = v;
        }
    }
    true
}

/// NV12 (a luma plane, then interleaved U V at half size); false when `data` is short.
pub fn nv12_to_i420(data: &[u8], width: u32, height: u32, out: &mut I420) -> bool {
    let (fw, fh) = (width as usize, height as usize);
    let luma_bytes = fw * fh;
    if data.len() < luma_bytes + fw.div_ceil(2) * 2 * fh.div_ceil(2) {
        return false;
    }
    let (w, h) = sized(out, width, height);
    let uv = &data[luma_bytes..];
    let uv_stride = fw.div_ceil(2) * 2;
    for row in 0..h {
        for x in (0..w).step_by(2) {
            let at = row / 2 * uv_stride + x;
            let (u, v) = (uv[at] as i32 - 128, uv[at + 1] as i32 - 128);
            out.y[row * w + x] = luma(data[row * fw + x], u, v);
            out.y[row * w + x + 1] = luma(data[row * fw + x + 1], u, v);
            if row % 2 == 0 {
                let (cu, cv) = chroma(u, v);
                out.u[row / 2 * (w / 2) + x / 2] = cu;
                out.v[row / 2 * (w / 2) + x / 2] = cv;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ITU-R BT.601 and BT.709, 8-bit limited range.
    const RED_601: (u8, u8, u8) = (81, 90, 240);
    const RED_709: (u8, u8, u8) = (63, 102, 240);
    const BLUE_601: (u8, u8, u8) = (41, 240, 110);
    const BLUE_709: (u8, u8, u8) = (32, 240, 118);

    fn near(got: (u8, u8, u8), want: (u8, u8, u8)) -> bool {
        got.0.abs_diff(want.0) <= 1 && got.1.abs_diff(want.1) <= 1 && got.2.abs_diff(want.2) <= 1
    }

    #[test]
    fn yuyv_red_becomes_bt709_red_and_grey_stays_grey() {
        let (y, u, v) = RED_601;
        // 4x2: the left pair red, the right pair mid grey.
        let data: Vec<u8> = [y, u, y, v, 126, 128, 126, 128].repeat(2);
        let mut out = I420::new(2, 2);
        assert!(yuyv_to_i420(&data, 4, 2, &mut out));
        assert_eq!((out.width, out.height), (4, 2));
        let red = (out.y[0], out.u[0], out.v[0]);
        assert!(near(red, RED_709), "{red:?}");
        assert_eq!(
            (out.y[3], out.y[7], out.u[1], out.v[1]),
            (126, 126, 128, 128)
        );
    }

    #[test]
    fn nv12_blue_becomes_bt709_blue() {
        let (y, u, v) = BLUE_601;
        let mut data = vec![y; 4 * 4];
        data.extend([u, v].repeat(2 * 2));
        let mut out = I420::new(2, 2);
        assert!(nv12_to_i420(&data, 4, 4, &mut out));
        let blue = (out.y[15], out.u[3], out.v[3]);
        assert!(near(blue, BLUE_709), "{blue:?}");
    }

    #[test]
    fn short_frames_are_refused() {
        let mut out = I420::new(2, 2);
        assert!(!nv12_to_i420(&[0; 10], 4, 4, &mut out));
        assert!(!yuyv_to_i420(&[0; 10], 4, 2, &mut out));
    }
}
