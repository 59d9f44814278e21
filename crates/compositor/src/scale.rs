//! Pictures scaled with fast_image_resize's SIMD area-aware bilinear filter: I420 plane by
//! plane (chroma at half the size) for video layers shown at another size and for previews
//! smaller than the canvas, and premultiplied RGBA for picture layers.

use fast_image_resize as fr;
use streamwerk_media::I420;

/// Keeps the resizer's buffers between pictures.
#[derive(Default)]
pub struct PlaneScaler {
    resizer: fr::Resizer,
}

impl PlaneScaler {
    /// Scales the `crop` (left, top, width, height) of `source` to `out`'s size; `out`'s
    /// planes must hold its width x height (even sizes).
    pub fn scale(&mut self, source: &I420, crop: (u32, u32, u32, u32), out: &mut I420) {
        let (left, top, w, h) = crop;
        let options = |div: f64| {
            fr::ResizeOptions::new()
                .resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Bilinear))
                .crop(
                    left as f64 / div,
                    top as f64 / div,
                    w as f64 / div,
                    h as f64 / div,
                )
        };
        let (sw, sh) = (source.width, source.height);
        let (dw, dh) = (out.width, out.height);
        let planes = [
            (&source.y, &mut out.y, (sw, sh), (dw, dh), 1.0),
            (
                &source.u,
                &mut out.u,
                (sw / 2, sh / 2),
                (dw / 2, dh / 2),
                2.0,
            ),
            (
                &source.v,
                &mut out.v,
                (sw / 2, sh / 2),
                (dw / 2, dh / 2),
                2.0,
            ),
        ];
        for (from, to, (fw, fh), (tw, th), div) in planes {
            let from = fr::images::ImageRef::new(fw, fh, from, fr::PixelType::U8)
                .expect("a plane holds width x height bytes");
            let mut to = fr::images::Image::from_slice_u8(tw, th, to, fr::PixelType::U8)
                .expect("a plane holds width x height bytes");
            self.resizer
                .resize(&from, &mut to, &options(div))
                .expect("same pixel type, crop inside the source");
        }
    }

    /// Scales the `crop` (left, top, width, height) of premultiplied RGBA `source` to `out`'s
    /// size. Premultiplied channels are filtered alike, so no alpha step is needed.
    pub fn scale_rgba(
        &mut self,
        source: &streamwerk_media::Image,
        crop: (u32, u32, u32, u32),
        out: &mut streamwerk_media::Image,
    ) {
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
