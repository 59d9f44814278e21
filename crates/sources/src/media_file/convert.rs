//! Decoded pictures made into what the compositor takes: BT.709 limited-range I420 planes,
//! copied when they are that already and converted by swscale otherwise, or premultiplied
//! RGBA for pictures with alpha.

use ffmpeg_next as ffmpeg;
use ffmpeg_next::{color, format, frame, software};
use streamwerk_media::{Image, I420};

/// What a scaler was made for: size, pixel format, colour matrix, full range.
pub(super) type Converting = (u32, u32, format::Pixel, color::Space, bool);

/// 4:2:0 needs even sizes: an odd one is scaled up by a pixel.
pub(super) fn even_size(width: u32, height: u32) -> (u32, u32) {
    ((width + 1) & !1, (height + 1) & !1)
}

/// The colour matrix a picture was made with. Untagged ones get what players assume: BT.709
/// from 720 lines up, BT.601 below.
pub(super) fn matrix(picture: &frame::Video) -> color::Space {
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
pub(super) fn scaler_for(
    what: Converting,
    rgba: bool,
) -> Result<software::scaling::Context, String> {
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
pub(super) fn copy_rgba(picture: &frame::Video, out: &mut Image) {
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
pub(super) fn copy_planes(picture: &frame::Video, out: &mut I420) {
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
