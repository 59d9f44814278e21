//! RGBA to BT.709 limited-range I420 (what x264 and every platform expect for HD), done by
//! yuvutils-rs, which picks AVX2/SSE/NEON code at run time. Only dirty rectangles are
//! converted: each is handed over as offset slices with the full strides.

use streamwerk_media::{Image, Rect, I420};
use yuvutils_rs::{
    rgba_to_yuv420, BufferStoreMut, YuvConversionMode, YuvPlanarImageMut, YuvRange,
    YuvStandardMatrix,
};

/// Converts `rect` (even-aligned, within the picture) of an opaque canvas into `out`.
pub fn rgba_to_i420(canvas: &Image, out: &mut I420, rect: Rect) {
    if rect.is_empty() {
        return;
    }
    // yuvutils-rs walks whole strides (chunks_exact), so a slice that starts mid-row must have
    // a full stride per row left: at the bottom edge, start the rectangle at column 0 instead.
    // The extra pixels convert to what the planes already hold.
    let rect = if rect.bottom() == canvas.height as i32 {
        Rect::new(0, rect.y, rect.right() as u32, rect.h)
    } else {
        rect
    };
    let (w, cw) = (canvas.width as usize, canvas.width as usize / 2);
    let (x, y) = (rect.x as usize, rect.y as usize);
    let chroma = (y / 2) * cw + x / 2;
    let mut planes = YuvPlanarImageMut {
        y_plane: BufferStoreMut::Borrowed(&mut out.y[y * w + x..]),
        y_stride: w as u32,
        u_plane: BufferStoreMut::Borrowed(&mut out.u[chroma..]),
        u_stride: cw as u32,
        v_plane: BufferStoreMut::Borrowed(&mut out.v[chroma..]),
        v_stride: cw as u32,
        width: rect.w,
        height: rect.h,
    };
    rgba_to_yuv420(
        &mut planes,
        &canvas.data[(y * w + x) * 4..],
        canvas.stride() as u32,
        YuvRange::Limited,
        YuvStandardMatrix::Bt709,
        YuvConversionMode::Balanced,
    )
    .expect("dirty rectangles are even-aligned and inside the canvas");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(rgb: [u8; 3]) -> (u8, u8, u8) {
        let image = Image::filled(64, 64, [rgb[0], rgb[1], rgb[2], 255]);
        let mut out = I420::new(64, 64);
        rgba_to_i420(&image, &mut out, image.bounds());
        (out.y[0], out.u[0], out.v[0])
    }

    fn near(got: (u8, u8, u8), want: (u8, u8, u8)) -> bool {
        (got.0 as i32 - want.0 as i32).abs() <= 1
            && (got.1 as i32 - want.1 as i32).abs() <= 1
            && (got.2 as i32 - want.2 as i32).abs() <= 1
    }

    #[test]
    fn bt709_limited_range_reference_colours() {
        // ITU-R BT.709, 8-bit limited range.
        assert!(near(convert([0, 0, 0]), (16, 128, 128)));
        assert!(near(convert([255, 255, 255]), (235, 128, 128)));
        assert!(
            near(convert([255, 0, 0]), (63, 102, 240)),
            "{:?}",
            convert([255, 0, 0])
        );
        assert!(
            near(convert([0, 0, 255]), (32, 240, 118)),
            "{:?}",
            convert([0, 0, 255])
        );
    }

    #[test]
    fn converting_dirty_rectangles_equals_converting_everything() {
        let mut image = Image::filled(64, 64, [0, 0, 0, 255]);
        let mut incremental = I420::new(64, 64);
        rgba_to_i420(&image, &mut incremental, image.bounds());
        for (i, rect) in [
            Rect::new(10, 20, 30, 44),
            Rect::new(40, 50, 24, 14),
            Rect::new(2, 2, 6, 6),
            Rect::new(0, 62, 64, 2),
        ]
        .into_iter()
        .enumerate()
        {
            image.fill(rect, [40 * i as u8, 255, 90, 255]);
            rgba_to_i420(&image, &mut incremental, rect);
            let mut full = I420::new(64, 64);
            rgba_to_i420(&image, &mut full, image.bounds());
            assert!(
                full.y == incremental.y && full.u == incremental.u && full.v == incremental.v,
                "{rect:?}"
            );
        }
    }
}
