//! Premultiplied "over" on rows of RGBA8 and of single YUV planes, in 16-bit lanes with no
//! branches so the compiler vectorises it; on x86-64 an AVX2 build of the same loop is chosen
//! at run time.

/// x / 255 rounded, exact for x ≤ 255 x 255, in 16 bits.
#[inline(always)]
fn div255(x: u16) -> u16 {
    let x = x + 128;
    (x + (x >> 8)) >> 8
}

#[inline(always)]
fn over_body(dst: &mut [u8], src: &[u8]) {
    for (d, s) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
        let inv = 255 - s[3] as u16;
        for c in 0..4 {
            // Clamped: a scaled source's colour can exceed its alpha by a rounding step.
            d[c] = (s[c] as u16 + div255(d[c] as u16 * inv)).min(255) as u8;
        }
    }
}

#[inline(always)]
fn over_faded_body(dst: &mut [u8], src: &[u8], opacity: u16) {
    for (d, s) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
        let inv = 255 - div255(s[3] as u16 * opacity);
        for c in 0..4 {
            d[c] = (div255(s[c] as u16 * opacity) + div255(d[c] as u16 * inv)) as u8;
        }
    }
}

#[inline(always)]
fn over_plane_body(dst: &mut [u8], premultiplied: &[u8], alpha: &[u8]) {
    for ((d, &p), &a) in dst.iter_mut().zip(premultiplied).zip(alpha) {
        *d = (p as u16 + div255(*d as u16 * (255 - a as u16))).min(255) as u8;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn over_plane_avx2(dst: &mut [u8], premultiplied: &[u8], alpha: &[u8]) {
    over_plane_body(dst, premultiplied, alpha)
}

/// One plane of premultiplied YUV with its alpha over a row of that plane:
/// dst = premultiplied + dst x (1 - alpha).
pub fn over_plane(dst: &mut [u8], premultiplied: &[u8], alpha: &[u8]) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { over_plane_avx2(dst, premultiplied, alpha) };
    }
    over_plane_body(dst, premultiplied, alpha)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn over_avx2(dst: &mut [u8], src: &[u8]) {
    over_body(dst, src)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn over_faded_avx2(dst: &mut [u8], src: &[u8], opacity: u16) {
    over_faded_body(dst, src, opacity)
}

/// dst = src + dst x (1 - src.alpha).
pub fn over(dst: &mut [u8], src: &[u8]) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { over_avx2(dst, src) };
    }
    over_body(dst, src)
}

/// The same with the source scaled by `opacity` (0–255) first.
pub fn over_faded(dst: &mut [u8], src: &[u8], opacity: u32) {
    let opacity = opacity.min(255) as u16;
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { over_faded_avx2(dst, src, opacity) };
    }
    over_faded_body(dst, src, opacity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn div255_is_exact() {
        for x in 0..=255u32 * 255 {
            assert_eq!(
                div255(x as u16) as u32,
                (x as f64 / 255.0).round() as u32,
                "{x}"
            );
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

    #[test]
    fn dispatched_and_portable_loops_agree() {
        let src: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 251) as u8).collect();
        // Make it valid premultiplied data: colour ≤ alpha.
        let src: Vec<u8> = src
            .chunks(4)
            .flat_map(|p| [p[0].min(p[3]), p[1].min(p[3]), p[2].min(p[3]), p[3]])
            .collect();
        let base: Vec<u8> = (0..4096u32).map(|i| (i * 13 % 256) as u8).collect();
        let (mut a, mut b) = (base.clone(), base.clone());
        over(&mut a, &src);
        over_body(&mut b, &src);
        assert_eq!(a, b);
        let (mut a, mut b) = (base.clone(), base);
        over_faded(&mut a, &src, 77);
        over_faded_body(&mut b, &src, 77);
        assert_eq!(a, b);
    }
}
