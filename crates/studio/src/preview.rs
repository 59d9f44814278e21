//! The preview as every UI receives it: each program frame as a JPEG behind a small header
//! ([`PreviewHeader`]), encoded once per frame for all watchers of a carrier. JPEG measured
//! fastest end to end: raw I420 (1.4 MB a 720p frame) drew 11 fps in a software-rendered page,
//! a 50 KB JPEG is decoded off the page's main thread by the browser's own libjpeg-turbo
//! (`docs/benchmarks.md`).

use std::sync::Arc;
use std::time::Duration;
use streamwerk_compositor::PlaneScaler;
use streamwerk_engine::{Preview, Watch};
use streamwerk_media::I420;
use streamwerk_protocol::PreviewHeader;
use turbojpeg::{Compressor, Image, PixelFormat, Subsamp};
use yuvutils_rs::{yuv420_to_rgb, YuvPlanarImage, YuvRange, YuvStandardMatrix};

/// Good enough to judge a layout and text edges; about 50 KB for the demo at 1280x720.
const QUALITY: i32 = 80;

/// The longest side of a preview frame: a larger canvas is scaled down first, and a page that
/// draws the picture smaller (two side by side in studio mode) asks for that size. Converting
/// and encoding cost by the pixel (docs/benchmarks.md, studio mode).
pub const MAX_SIDE: u32 = 1280;
/// The smallest a page may ask for.
pub const MIN_SIDE: u32 = 160;

/// A watcher of the program that yields ready-to-send preview messages. Made and used on one
/// thread (the JPEG encoder is not shared); frames newer than the last one only.
pub struct PreviewStream {
    watch: Watch,
    seq: u64,
    picture: I420,
    /// The picture scaled to fit [`MAX_SIDE`], when the canvas is larger.
    scaled: I420,
    scaler: PlaneScaler,
    rgb: Vec<u8>,
    jpeg: Vec<u8>,
    compressor: Compressor,
}

impl PreviewStream {
    pub(crate) fn new(preview: &Arc<Preview>) -> Result<Self, String> {
        let mut compressor =
            Compressor::new().map_err(|e| format!("the JPEG encoder did not start: {e}"))?;
        compressor.set_quality(QUALITY);
        compressor.set_subsamp(Subsamp::Sub2x2);
        Ok(PreviewStream {
            watch: Preview::watch(preview),
            seq: 0,
            picture: I420::new(2, 2),
            scaled: I420::new(2, 2),
            scaler: PlaneScaler::default(),
            rgb: Vec::new(),
            jpeg: Vec::new(),
            compressor,
        })
    }

    /// Waits up to `timeout` for a newer program frame and returns its message (header and
    /// JPEG), its longest side at most `side` pixels; `None` on timeout. Frames composed
    /// meanwhile are skipped, never queued.
    pub fn next(&mut self, timeout: Duration, side: u32) -> Option<Vec<u8>> {
        let frame = self.watch.next(self.seq, timeout, &mut self.picture)?;
        self.seq = frame.seq;
        let side = side.clamp(MIN_SIDE, MAX_SIDE);
        let picture = fit(&self.picture, side, &mut self.scaled, &mut self.scaler);
        let (w, h) = (picture.width as usize, picture.height as usize);
        self.rgb.resize(w * h * 3, 0);
        let planes = YuvPlanarImage {
            y_plane: &picture.y,
            y_stride: w as u32,
            u_plane: &picture.u,
            u_stride: (w / 2) as u32,
            v_plane: &picture.v,
            v_stride: (w / 2) as u32,
            width: w as u32,
            height: h as u32,
        };
        // The compositor writes BT.709 limited range; JPEG viewers assume full-range RGB
        // sources, so convert back rather than hand over the planes (colours would shift).
        yuv420_to_rgb(
            &planes,
            &mut self.rgb,
            (w * 3) as u32,
            YuvRange::Limited,
            YuvStandardMatrix::Bt709,
        )
        .ok()?;
        let bound = self.compressor.buf_len(w, h).ok()?;
        self.jpeg.resize(bound, 0);
        let image = Image {
            pixels: &self.rgb[..],
            width: w,
            pitch: w * 3,
            height: h,
            format: PixelFormat::RGB,
        };
        let len = match self.compressor.compress_to_slice(image, &mut self.jpeg) {
            Ok(len) => len,
            Err(e) => {
                tracing::warn!("preview frame not encoded: {e}");
                return None;
            }
        };
        let header = PreviewHeader::bytes(frame.seq, frame.composed_us, w as u32, h as u32);
        let mut message = Vec::with_capacity(PreviewHeader::LEN + len);
        message.extend_from_slice(&header);
        message.extend_from_slice(&self.jpeg[..len]);
        Some(message)
    }
}

/// `picture`, or it scaled into `scaled` so its longest side is at most `most` (even sizes,
/// shape kept).
fn fit<'a>(
    picture: &'a I420,
    most: u32,
    scaled: &'a mut I420,
    scaler: &mut PlaneScaler,
) -> &'a I420 {
    let (w, h) = (picture.width, picture.height);
    let side = w.max(h);
    if side <= most {
        return picture;
    }
    let even = |v: u32| ((v * most / side) & !1).max(2);
    let (sw, sh) = (even(w), even(h));
    if (scaled.width, scaled.height) != (sw, sh) {
        *scaled = I420::new(sw, sh);
    }
    scaler.scale(picture, (0, 0, w, h), scaled);
    scaled
}
