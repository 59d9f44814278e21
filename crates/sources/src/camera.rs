use crate::{TextRenderer, TextStyle, VideoSource};
use std::sync::Arc;
use streamwerk_capture::{Camera, CameraRequest, CameraState, Nokhwa, PixelFormat};
use streamwerk_media::{Image, Picture, PictureBuf, Tick, VideoFrame};
use streamwerk_scene::{CameraFormat, CameraSettings, Canvas, Rgba};

/// A camera's latest picture, or a "camera disconnected" card while it is missing, so the
/// stream goes on and the layout keeps its place; the picture returns when the camera does.
pub struct CameraSource {
    camera: Camera,
    picture: PictureBuf,
    placeholder: Image,
    /// Number of the camera picture last taken.
    seen: u64,
    showing_placeholder: bool,
    generation: u64,
}

impl CameraSource {
    pub fn open(settings: &CameraSettings, canvas: Canvas, text: &mut TextRenderer) -> Self {
        let request = CameraRequest {
            device: settings.device.clone(),
            width: settings.width,
            height: settings.height,
            fps: settings.fps,
            format: settings.format.map(|f| match f {
                CameraFormat::Mjpeg => PixelFormat::Mjpeg,
                CameraFormat::Yuyv => PixelFormat::Yuyv,
                CameraFormat::Nv12 => PixelFormat::Nv12,
            }),
        };
        let width = settings.width.unwrap_or(canvas.width);
        let height = settings.height.unwrap_or(canvas.height);
        CameraSource {
            camera: Camera::open(Arc::new(Nokhwa), request),
            picture: PictureBuf::Rgba(Image::new(0, 0)),
            placeholder: card(width, height, "Camera disconnected", text),
            seen: 0,
            showing_placeholder: true,
            generation: 1,
        }
    }
}

/// Dark grey with `label` in the middle: what shows while a camera, or a guest, is missing.
pub(crate) fn card(width: u32, height: u32, label: &str, text: &mut TextRenderer) -> Image {
    const GREY: u8 = 0x24;
    let mut card = Image::filled(width, height, [GREY, GREY, GREY, 255]);
    let size = (height as f32 / 16.0).max(12.0);
    let label = text.render(&TextStyle::plain(
        label,
        size,
        Rgba::opaque(0xd0, 0xd0, 0xd0),
    ));
    let x0 = width.saturating_sub(label.width) / 2;
    let y0 = height.saturating_sub(label.height) / 2;
    for y in 0..label.height.min(height) {
        for x in 0..label.width.min(width) {
            let src = label.pixel(x, y);
            let i = (((y0 + y) * width + x0 + x) * 4) as usize;
            let dst = &mut card.data[i..i + 4];
            let keep = 255 - src[3] as u16;
            for c in 0..3 {
                dst[c] = (src[c] as u16 + (dst[c] as u16 * keep + 127) / 255) as u8;
            }
        }
    }
    card
}

impl VideoSource for CameraSource {
    fn advance(&mut self, _tick: Tick) {
        let latest = self.camera.take_latest(self.seen, &mut self.picture);
        if latest > self.seen {
            self.seen = latest;
            self.showing_placeholder = false;
            self.generation += 1;
        } else if !self.showing_placeholder && self.camera.state() == CameraState::Disconnected {
            self.showing_placeholder = true;
            self.generation += 1;
        }
    }

    fn frame(&self) -> VideoFrame<'_> {
        VideoFrame {
            picture: if self.showing_placeholder {
                Picture::Rgba(&self.placeholder)
            } else {
                self.picture.picture()
            },
            generation: self.generation,
            damage: None,
            opaque: true,
        }
    }
}
