//! Premultiplied "over" on rows of RGBA8. Branch-free per pixel so the compiler vectorises it.

/// x / 255, exact for x ≤ 255 x 255, without a division.
#[inline(always)]
fn div255(x: u32) -> u32 {
    (x + 128 + ((x + 128) >> 8)) >> 8
}

/// dst = src + dst x (1 - src.alpha).
pub fn over(dst: &mut [u8], src: &[u8]) {
    for (d, s) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
        let inv = 255 - s[3] as u32;
        for c in 0..4 {
            d[c] = (s[c] as u32 + div255(d[c] as u32 * inv)) as u8;
        }
    }
}

/// The same with the source scaled by `opacity` (0–255) first.
pub fn over_faded(dst: &mut [u8], src: &[u8], opacity: u32) {
    for (d, s) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
        let a = div255(s[3] as u32 * opacity);
        let inv = 255 - a;
        for c in 0..4 {
            d[c] = (div255(s[c] as u32 * opacity) + div255(d[c] as u32 * inv)) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn div255_is_exact() {
        for x in 0..=255 * 255 {
            assert_eq!(div255(x), (x as f64 / 255.0).round() as u32, "{x}");
        }
    }

    #[test]
    fn half_transparent_red_over_blue() {
        let mut dst = [0, 0, 255, 255];
        over(&mut dst, &[128, 0, 0, 128]);
        assert_eq!(dst, [128, 0, 127, 255]);
        let mut dst = [0, 0, 255, 255];
        over_faded(&mut dst, &[255, 0, 0, 255], 128);
        assert_eq!(dst, [128, 0, 127, 255]);
    }
}
