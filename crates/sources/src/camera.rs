use crate::card::{card, PictureOrCard};
use crate::{TextRenderer, VideoSource};
use std::sync::Arc;
use streamwerk_capture::{Camera, CameraRequest, CameraState, Nokhwa, PixelFormat};
use streamwerk_media::{Tick, VideoFrame};
use streamwerk_scene::{CameraFormat, CameraSettings, Canvas};

/// A camera's latest picture, or a "camera disconnected" card while it is missing, so the
/// stream goes on and the layout keeps its place; the picture returns when the camera does.
pub struct CameraSource {
    camera: Camera,
    shown: PictureOrCard,
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
            shown: PictureOrCard::new(card(width, height, "Camera disconnected", text)),
        }
    }
}

impl VideoSource for CameraSource {
    fn advance(&mut self, _tick: Tick) {
        let shown = &mut self.shown;
        let latest = self.camera.take_latest(shown.seen, &mut shown.picture);
        let missing = self.camera.state() == CameraState::Disconnected;
        shown.update(latest, latest > shown.seen, missing);
    }

    fn frame(&self) -> VideoFrame<'_> {
        self.shown.frame()
    }
}
