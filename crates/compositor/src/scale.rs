//! Pictures scaled for layers shown at another size and for previews smaller than the canvas:
//! I420 with FFmpeg's libswscale (bilinear, all three planes in one call), premultiplied RGBA
//! with fast_image_resize's SIMD bilinear filter. Each is the faster of the two for its
//! format on this machine: for a 404x720 crop of one plane scaled to 720x1280 (a 16:9 camera on
//! a vertical canvas) swscale took 0.19 ms where fast_image_resize took 1.31, for RGBA it
//! was the other way round (3.9 ms against 1.6); docs/benchmarks.md, canvases.

use fast_image_resize as fr;
use ffmpeg_next::ffi;
use streamwerk_media::{Image, I420};

/// Keeps the scalers (and their filter tables) between pictures of the same sizes.
#[derive(Default)]
pub struct PlaneScaler {
    resizer: fr::Resizer,
    /// The swscale context and the (crop width, crop height, out width, out height) it was
    /// made for.
    sws: Option<(Sws, (u32, u32, u32, u32))>,
}

/// An owned libswscale context.
struct Sws(*mut ffi::SwsContext);

// A context is used by one thread at a time (it moves with the compositor or preview that owns
// it); libswscale keeps no thread-bound state in it.
unsafe impl Send for Sws {}

impl Drop for Sws {
    fn drop(&mut self) {
        unsafe { ffi::sws_freeContext(self.0) }
    }
}

impl PlaneScaler {
    /// Scales the `crop` (left, top, width, height) of `source` to `out`'s size; `out`'s
    /// planes must hold its width x height (even sizes). Chroma is cropped from the even pixel
    /// at or left of `left`, `top`.
    pub fn scale(&mut self, source: &I420, crop: (u32, u32, u32, u32), out: &mut I420) {
        let (left, top, w, h) = crop;
        let key = (w, h, out.width, out.height);
        if self.sws.as_ref().is_none_or(|(_, made)| *made != key) {
            let context = unsafe {
                ffi::sws_getContext(
                    w as i32,
                    h as i32,
                    ffi::AVPixelFormat::AV_PIX_FMT_YUV420P,
                    out.width as i32,
                    out.height as i32,
                    ffi::AVPixelFormat::AV_PIX_FMT_YUV420P,
                    ffmpeg_next::software::scaling::Flags::BILINEAR.bits(),
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    std::ptr::null(),
                )
            };
            assert!(!context.is_null(), "swscale takes any I420 size from 2x2");
            self.sws = Some((Sws(context), key));
        }
        let (sws, _) = self.sws.as_ref().expect("made above");
        let (sw, cw) = (source.width as usize, source.width as usize / 2);
        let (left, top) = (left as usize, top as usize);
        let from = [
            source.y[top * sw + left..].as_ptr(),
            source.u[top / 2 * cw + left / 2..].as_ptr(),
            source.v[top / 2 * cw + left / 2..].as_ptr(),
            std::ptr::null(),
        ];
        let from_stride = [sw as i32, cw as i32, cw as i32, 0];
        let (ow, ocw) = (out.width as i32, out.width as i32 / 2);
        let to = [
            out.y.as_mut_ptr(),
            out.u.as_mut_ptr(),
            out.v.as_mut_ptr(),
            std::ptr::null_mut(),
        ];
        let to_stride = [ow, ocw, ocw, 0];
        // SAFETY: the pointers address the crop inside `source`'s planes (its rows are
        // `stride` apart, the crop lies within the picture) and `out`'s whole planes, whose
        // sizes the context was made for.
        unsafe {
            ffi::sws_scale(
                sws.0,
                from.as_ptr(),
                from_stride.as_ptr(),
                0,
                h as i32,
                to.as_ptr(),
                to_stride.as_ptr(),
            );
        }
    }

    /// Scales the `crop` (left, top, width, height) of premultiplied RGBA `source` to `out`'s
    /// size. Premultiplied channels are filtered alike, so no alpha step is needed.
    pub fn scale_rgba(&mut self, source: &Image, crop: (u32, u32, u32, u32), out: &mut Image) {
        let (left, top, w, h) = crop;
        let options = fr::ResizeOptions::new()
            .resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Bilinear))
            .crop(left as f64, top as f64, w as f64, h as f64);
        let from = fr::images::ImageRef::new(
            source.width,
            source.height,
            &source.data,
            fr::PixelType::U8x4,
        )
        .expect("an image holds width x height pixels");
        let mut to = fr::images::Image::from_slice_u8(
            out.width,
            out.height,
            &mut out.data,
            fr::PixelType::U8x4,
        )
        .expect("an image holds width x height pixels");
        self.resizer
            .resize(&from, &mut to, &options)
            .expect("same pixel type, crop inside the source");
    }
}
