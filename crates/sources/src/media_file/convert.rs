//! Decoded pictures made into what the compositor takes: BT.709 limited-range I420 planes,
//! copied when they are that already and converted by swscale otherwise, or premultiplied
//! RGBA for pictures with alpha.

use ffmpeg_next as ffmpeg;
use ffmpeg_next::{color, format, frame, software};
use streamwerk_media::{Image, PictureBuf, I420};

/// Makes decoded pictures into what the compositor takes, keeping its scaler while the
/// pictures keep their format: a file's, a remote guest's.
pub struct ToCanvas {
    /// Made for pictures that are not BT.709 limited-range I420 of even size already (or to
    /// RGBA for pictures with alpha), again if their format changes.
    scaler: Option<(Converting, software::scaling::Context)>,
    converted: frame::Video,
}

impl Default for ToCanvas {
    fn default() -> Self {
        ToCanvas {
            scaler: None,
            converted: frame::Video::empty(),
        }
    }
}

impl ToCanvas {
    /// `decoded` into `out` (made the right kind): its planes copied when they are BT.709
    /// limited-range I420 of an even size already, converted otherwise; with `alpha`,
    /// premultiplied RGBA.
    pub fn convert(
        &mut self,
        decoded: &frame::Video,
        alpha: bool,
        out: &mut PictureBuf,
    ) -> Result<(), String> {
        let pixel = decoded.format();
        let (w, h) = (decoded.width(), decoded.height());
        let space = matrix(decoded);
        let full =
            decoded.color_range() == color::Range::JPEG || matches!(pixel, format::Pixel::YUVJ420P);
        let ready = pixel == format::Pixel::YUV420P
            && space == color::Space::BT709
            && !full
            && even_size(w, h) == (w, h)
            && !alpha;
        let picture = if ready {
            decoded
        } else {
            let what = (w, h, pixel, space, full);
            if self.scaler.as_ref().is_none_or(|(made, _)| *made != what) {
                self.scaler = Some((what, scaler_for(what, alpha)?));
            }
            let (_, scaler) = self.scaler.as_mut().expect("made above");
            scaler
                .run(decoded, &mut self.converted)
                .map_err(|e| e.to_string())?;
            &self.converted
        };
        match (alpha, &mut *out) {
            (true, PictureBuf::Yuv(_)) => *out = PictureBuf::Rgba(Image::new(2, 2)),
            (false, PictureBuf::Rgba(_)) => *out = PictureBuf::Yuv(I420::new(2, 2)),
            _ => {}
        }
        match out {
            PictureBuf::Rgba(image) => copy_rgba(picture, image),
            PictureBuf::Yuv(yuv) => copy_planes(picture, yuv),
        }
        Ok(())
    }
}

/// What a scaler was made for: size, pixel format, colour matrix, full range.
type Converting = (u32, u32, format::Pixel, color::Space, bool);

/// 4:2:0 needs even sizes: an odd one is scaled up by a pixel.
pub(super) fn even_size(width: u32, height: u32) -> (u32, u32) {
    ((width + 1) & !1, (height + 1) & !1)
}

/// The colour matrix a picture was made with. Untagged ones get what players assume: BT.709
/// from 720 lines up, BT.601 below.
fn matrix(picture: &frame::Video) -> color::Space {
    match picture.color_space() {
        color::Space::Unspecified | color::Space::Reserved => {
            if picture.height() >= 720 {
                color::Space::BT709
            } else {
                color::Space::BT470BG
            }
        }
        space => space,
    }
}

/// Whether pictures of this format carry alpha.
pub(super) fn has_alpha(pixel: format::Pixel) -> bool {
    pixel.descriptor().is_some_and(|d| {
        // SAFETY: the descriptor points into libavutil's static table.
        unsafe { (*d.as_ptr()).flags & ffmpeg::ffi::AV_PIX_FMT_FLAG_ALPHA as u64 != 0 }
    })
}

/// A scaler from `what` to BT.709 limited-range I420 of the even size, or to RGBA (straight
/// alpha, full range) at the picture's size when `rgba`.
fn scaler_for(what: Converting, rgba: bool) -> Result<software::scaling::Context, String> {
    let (w, h, pixel, space, full) = what;
    let (ow, oh) = if rgba { (w, h) } else { even_size(w, h) };
    let target = if rgba {
        format::Pixel::RGBA
    } else {
        format::Pixel::YUV420P
    };
    let mut scaler = software::scaling::Context::get(
        pixel,
        w,
        h,
        target,
        ow,
        oh,
        software::scaling::Flags::BILINEAR,
    )
    .map_err(|e| e.to_string())?;
    let source = ffmpeg::ffi::AVColorSpace::from(space) as i32;
    // SAFETY: the context is valid for the call; the coefficient tables are static in
    // libswscale. The values are swscale's neutral brightness, contrast and saturation.
    unsafe {
        ffmpeg::ffi::sws_setColorspaceDetails(
            scaler.as_mut_ptr(),
            ffmpeg::ffi::sws_getCoefficients(source),
            i32::from(full),
            ffmpeg::ffi::sws_getCoefficients(ffmpeg::ffi::SWS_CS_ITU709),
            i32::from(rgba),
            0,
            1 << 16,
            1 << 16,
        );
    }
    Ok(scaler)
}

/// Copies an RGBA frame (rows padded to its stride) into `out`, premultiplied.
fn copy_rgba(picture: &frame::Video, out: &mut Image) {
    let (w, h) = (picture.width() as usize, picture.height() as usize);
    (out.width, out.height) = (w as u32, h as u32);
    out.data.resize(w * h * 4, 0);
    let stride = picture.stride(0);
    for (y, row) in out.data.chunks_exact_mut(w * 4).enumerate() {
        row.copy_from_slice(&picture.data(0)[y * stride..][..w * 4]);
    }
    Image::premultiply(&mut out.data);
}

/// Copies a YUV420P frame's planes (rows padded to its strides) into packed `out`.
fn copy_planes(picture: &frame::Video, out: &mut I420) {
    let (w, h) = (picture.width() as usize, picture.height() as usize);
    out.width = w as u32;
    out.height = h as u32;
    for (plane, (dst, pw, ph)) in [
        (&mut out.y, w, h),
        (&mut out.u, w / 2, h / 2),
        (&mut out.v, w / 2, h / 2),
    ]
    .into_iter()
    .enumerate()
    {
        dst.resize(pw * ph, 0);
        let stride = picture.stride(plane);
        for (y, row) in dst.chunks_exact_mut(pw).enumerate() {
            row.copy_from_slice(&picture.data(plane)[y * stride..][..pw]);
        }
    }
}
