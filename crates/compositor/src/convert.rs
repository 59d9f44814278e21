//! RGBA to BT.709 limited-range I420 (what x264 and every platform expect for HD) and back,
//! done by yuvutils-rs, which picks AVX2/SSE/NEON code at run time. Only rectangles are
//! converted: dirty ones of the canvas, handed over as offset slices with the full strides,
//! and the overlay rectangles of YUV layers, packed into scratch buffers first.

use streamwerk_media::{Image, Rect, I420};
use yuvutils_rs::{
    rgba_to_yuv420, yuv420_to_rgba, BufferStoreMut, YuvConversionMode, YuvPlanarImage,
    YuvPlanarImageMut, YuvRange, YuvStandardMatrix,
};

/// Buffers a rectangle of a YUV picture is packed and converted in, kept between frames so
/// composing does not allocate once they have grown to the largest rectangle.
#[derive(Default)]
pub(crate) struct Scratch {
    y: Vec<u8>,
    u: Vec<u8>,
    v: Vec<u8>,
    /// The converted rectangle, packed RGBA rows.
    pub rgba: Vec<u8>,
}

/// Converts `rect` of `src` (even-aligned, inside it) to packed opaque RGBA in `scratch.rgba`.
/// The planes are packed first: yuvutils-rs walks whole strides, which a rectangle that does
/// not start at column 0 lacks on its last row.
pub(crate) fn i420_rect_to_rgba(src: &I420, rect: Rect, scratch: &mut Scratch) {
    let (w, h) = (rect.w as usize, rect.h as usize);
    let (cw, ch) = (w / 2, h / 2);
    scratch.y.resize(w * h, 0);
    scratch.u.resize(cw * ch, 0);
    scratch.v.resize(cw * ch, 0);
    scratch.rgba.resize(w * h * 4, 0);
    let (x, y) = (rect.x as usize, rect.y as usize);
    let (sw, scw) = (src.width as usize, src.width as usize / 2);
    for row in 0..h {
        scratch.y[row * w..][..w].copy_from_slice(&src.y[(y + row) * sw + x..][..w]);
    }
    for row in 0..ch {
        let at = (y / 2 + row) * scw + x / 2;
        scratch.u[row * cw..][..cw].copy_from_slice(&src.u[at..][..cw]);
        scratch.v[row * cw..][..cw].copy_from_slice(&src.v[at..][..cw]);
    }
    let planes = YuvPlanarImage {
        y_plane: &scratch.y,
        y_stride: w as u32,
        u_plane: &scratch.u,
        u_stride: cw as u32,
        v_plane: &scratch.v,
        v_stride: cw as u32,
        width: rect.w,
        height: rect.h,
    };
    yuv420_to_rgba(
        &planes,
        &mut scratch.rgba,
        rect.w * 4,
        YuvRange::Limited,
        YuvStandardMatrix::Bt709,
    )
    .expect("the scratch planes are packed to the rectangle's size");
}

/// Converts `rect` (even-aligned, inside both) of `src` into the same place of `canvas`.
pub(crate) fn i420_to_canvas(src: &I420, canvas: &mut Image, rect: Rect, scratch: &mut Scratch) {
    i420_rect_to_rgba(src, rect, scratch);
    let (stride, row) = (canvas.stride(), rect.w as usize * 4);
    for (i, line) in scratch.rgba.chunks_exact(row).enumerate() {
        let at = (rect.y as usize + i) * stride + rect.x as usize * 4;
        canvas.data[at..at + row].copy_from_slice(line);
    }
}

/// Copies the `rect.w`×`rect.h` block at `from` (even) in `src` to `rect` (even) in `dst`,
/// plane by plane.
pub(crate) fn copy_planes(src: &I420, from: (u32, u32), dst: &mut I420, rect: Rect) {
    let (w, h) = (rect.w as usize, rect.h as usize);
    let (sx, sy) = (from.0 as usize, from.1 as usize);
    let (dx, dy) = (rect.x as usize, rect.y as usize);
    let (sw, dw) = (src.width as usize, dst.width as usize);
    for row in 0..h {
        dst.y[(dy + row) * dw + dx..][..w].copy_from_slice(&src.y[(sy + row) * sw + sx..][..w]);
    }
    let (scw, dcw) = (sw / 2, dw / 2);
    for row in 0..h / 2 {
        let s = (sy / 2 + row) * scw + sx / 2;
        let d = (dy / 2 + row) * dcw + dx / 2;
        dst.u[d..][..w / 2].copy_from_slice(&src.u[s..][..w / 2]);
        dst.v[d..][..w / 2].copy_from_slice(&src.v[s..][..w / 2]);
    }
}

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
    fn a_rectangle_converts_back_to_the_colours_it_came_from() {
        let mut image = Image::filled(64, 32, [20, 40, 200, 255]);
        image.fill(Rect::new(32, 0, 32, 32), [250, 200, 10, 255]);
        let mut yuv = I420::new(64, 32);
        rgba_to_i420(&image, &mut yuv, image.bounds());
        let mut scratch = Scratch::default();
        // Straddles both halves and ends on the last row, off column 0.
        let rect = Rect::new(20, 10, 30, 22);
        let mut back = Image::new(64, 32);
        i420_to_canvas(&yuv, &mut back, rect, &mut scratch);
        for (x, y) in [(20, 10), (31, 31), (32, 31), (49, 20)] {
            let (want, got) = (image.pixel(x, y), back.pixel(x, y));
            assert!(
                want.iter().zip(got).all(|(a, b)| a.abs_diff(b) <= 2),
                "({x}, {y}): {want:?} came back as {got:?}"
            );
        }
        assert_eq!(back.pixel(19, 10), [0; 4], "outside the rectangle");
        assert_eq!(back.pixel(50, 31), [0; 4], "outside the rectangle");
    }

    #[test]
    fn copying_planes_moves_a_block_and_nothing_else() {
        let mut src = Image::filled(32, 32, [0, 0, 0, 255]);
        src.fill(Rect::new(4, 6, 8, 8), [255, 0, 0, 255]);
        let mut yuv = I420::new(32, 32);
        rgba_to_i420(&src, &mut yuv, src.bounds());
        let mut dst = I420::new(64, 64);
        copy_planes(&yuv, (4, 6), &mut dst, Rect::new(40, 50, 8, 8));
        let red = (yuv.y[6 * 32 + 4], yuv.v[3 * 16 + 2]);
        assert_eq!((dst.y[50 * 64 + 40], dst.v[25 * 32 + 20]), red);
        assert_eq!((dst.y[57 * 64 + 47], dst.v[28 * 32 + 23]), red);
        assert_eq!(dst.y[58 * 64 + 47], 16, "below the block");
        assert_eq!(dst.y[57 * 64 + 48], 16, "right of the block");
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
