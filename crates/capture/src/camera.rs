//! Cameras. The engine sees them through [`CameraDriver`] so a platform where nokhwa falls
//! short can get a native backend without touching sources; [`Nokhwa`] is the driver on every
//! platform today. A [`Camera`] runs the device on a thread of its own and keeps only the
//! latest decoded picture, so a slow camera never stalls the canvas.

use crate::camera_yuv;
use crate::device_thread;
use crate::CaptureError;
use crossbeam_channel::Receiver;
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
    Resolution,
};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use streamwerk_media::{Image, PictureBuf, I420};

/// A camera as the device list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CameraInfo {
    pub index: u32,
    pub name: String,
    pub description: String,
    /// What the camera offers; empty when it could not be opened to ask.
    pub formats: Vec<CameraMode>,
}

/// One resolution, rate and pixel format a camera delivers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CameraMode {
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub format: PixelFormat,
}

/// Pixel formats we decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PixelFormat {
    Mjpeg,
    Yuyv,
    Nv12,
    Gray,
    Rgb,
    Bgr,
}

/// What a scene asks of a camera; the driver picks the closest mode it has.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CameraRequest {
    /// Index (`"0"`) or name; the first camera when absent.
    pub device: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub fps: Option<u32>,
    /// The only pixel format to accept; any decodable one when absent.
    pub format: Option<PixelFormat>,
}

/// A frame as the device delivered it, before decoding.
pub struct RawFrame<'a> {
    pub width: u32,
    pub height: u32,
    pub format: PixelFormat,
    pub data: &'a [u8],
}

/// A family of camera devices.
pub trait CameraDriver: Send + Sync {
    fn list(&self) -> Result<Vec<CameraInfo>, CaptureError>;
    /// Opens the requested camera; called on the camera's own thread, which then owns it.
    fn open(&self, request: &CameraRequest) -> Result<Box<dyn CameraStream>, CaptureError>;
}

/// An open camera, owned by one thread.
pub trait CameraStream {
    /// Waits for the next frame; an error means the device is gone or failing.
    fn next_frame(&mut self) -> Result<RawFrame<'_>, CaptureError>;
}

/// Cameras through nokhwa (V4L2 on Linux, AVFoundation on macOS, Media Foundation on Windows).
pub struct Nokhwa;

fn pixel_format(format: FrameFormat) -> PixelFormat {
    match format {
        FrameFormat::MJPEG => PixelFormat::Mjpeg,
        FrameFormat::YUYV => PixelFormat::Yuyv,
        FrameFormat::NV12 => PixelFormat::Nv12,
        FrameFormat::GRAY => PixelFormat::Gray,
        FrameFormat::RAWRGB => PixelFormat::Rgb,
        FrameFormat::RAWBGR => PixelFormat::Bgr,
    }
}

fn frame_format(format: PixelFormat) -> FrameFormat {
    match format {
        PixelFormat::Mjpeg => FrameFormat::MJPEG,
        PixelFormat::Yuyv => FrameFormat::YUYV,
        PixelFormat::Nv12 => FrameFormat::NV12,
        PixelFormat::Gray => FrameFormat::GRAY,
        PixelFormat::Rgb => FrameFormat::RAWRGB,
        PixelFormat::Bgr => FrameFormat::RAWBGR,
    }
}

const ALL_FORMATS: [FrameFormat; 6] = [
    FrameFormat::MJPEG,
    FrameFormat::YUYV,
    FrameFormat::NV12,
    FrameFormat::GRAY,
    FrameFormat::RAWRGB,
    FrameFormat::RAWBGR,
];

impl CameraDriver for Nokhwa {
    fn list(&self) -> Result<Vec<CameraInfo>, CaptureError> {
        let found = nokhwa::query(ApiBackend::Auto)
            .map_err(|e| CaptureError::Devices(format!("cameras: {e}")))?;
        Ok(found
            .into_iter()
            .map(|info| {
                let index = info.index().as_index().unwrap_or(0);
                let formats = nokhwa::Camera::new(
                    info.index().clone(),
                    RequestedFormat::with_formats(RequestedFormatType::None, &ALL_FORMATS),
                )
                .and_then(|mut camera| camera.compatible_camera_formats())
                .map(|formats| {
                    formats
                        .into_iter()
                        .map(|f| CameraMode {
                            width: f.width(),
                            height: f.height(),
                            fps: f.frame_rate(),
                            format: pixel_format(f.format()),
                        })
                        .collect()
                })
                .unwrap_or_default();
                CameraInfo {
                    index,
                    name: info.human_name(),
                    description: info.description().to_string(),
                    formats,
                }
            })
            .collect())
    }

    fn open(&self, request: &CameraRequest) -> Result<Box<dyn CameraStream>, CaptureError> {
        let wanted = request.device.clone().unwrap_or_else(|| "0".into());
        let index = match wanted.parse::<u32>() {
            Ok(i) => CameraIndex::Index(i),
            Err(_) => self
                .list()?
                .into_iter()
                .find(|c| c.name == wanted)
                .map(|c| CameraIndex::Index(c.index))
                .ok_or_else(|| CaptureError::NoSuchCamera(wanted.clone()))?,
        };
        let only = request.format.map(frame_format);
        let requested = match (request.width, request.height) {
            (Some(w), Some(h)) => RequestedFormatType::Closest(CameraFormat::new(
                Resolution::new(w, h),
                only.unwrap_or(FrameFormat::MJPEG),
                request.fps.unwrap_or(30),
            )),
            _ => match request.fps {
                Some(fps) => RequestedFormatType::HighestFrameRate(fps),
                None => RequestedFormatType::AbsoluteHighestFrameRate,
            },
        };
        let formats = match &only {
            Some(format) => std::slice::from_ref(format),
            None => &ALL_FORMATS[..],
        };
        let mut camera =
            nokhwa::Camera::new(index, RequestedFormat::with_formats(requested, formats))
                .map_err(|e| CaptureError::Open(wanted.clone(), e.to_string()))?;
        camera
            .open_stream()
            .map_err(|e| CaptureError::Open(wanted.clone(), e.to_string()))?;
        Ok(Box::new(NokhwaStream {
            camera,
            name: wanted,
            frame: Vec::new(),
        }))
    }
}

struct NokhwaStream {
    camera: nokhwa::Camera,
    name: String,
    /// The last frame's bytes: nokhwa hands out an owned buffer per frame.
    frame: Vec<u8>,
}

impl CameraStream for NokhwaStream {
    fn next_frame(&mut self) -> Result<RawFrame<'_>, CaptureError> {
        let buffer = self
            .camera
            .frame()
            .map_err(|e| CaptureError::Open(self.name.clone(), e.to_string()))?;
        let resolution = buffer.resolution();
        self.frame.clear();
        self.frame.extend_from_slice(buffer.buffer());
        Ok(RawFrame {
            width: resolution.width(),
            height: resolution.height(),
            format: pixel_format(buffer.source_frame_format()),
            data: &self.frame,
        })
    }
}

/// Decodes a device frame, reusing `into`'s memory: YUV formats to BT.709 I420 (never through
/// RGB), MJPEG and RGB formats to opaque RGBA.
pub fn decode(frame: &RawFrame<'_>, into: &mut PictureBuf) -> Result<(), String> {
    let (w, h) = (frame.width, frame.height);
    let short = || {
        format!(
            "{:?} frame of {} bytes is too short",
            frame.format,
            frame.data.len()
        )
    };
    match frame.format {
        PixelFormat::Mjpeg => {
            let picture = image::load_from_memory_with_format(frame.data, image::ImageFormat::Jpeg)
                .map_err(|e| format!("MJPEG: {e}"))?
                .into_rgba8();
            *into = PictureBuf::Rgba(Image {
                width: picture.width(),
                height: picture.height(),
                data: picture.into_raw(),
            });
        }
        PixelFormat::Yuyv | PixelFormat::Nv12 => {
            if !matches!(into, PictureBuf::Yuv(_)) {
                *into = PictureBuf::Yuv(I420::new(2, 2));
            }
            let PictureBuf::Yuv(out) = into else {
                unreachable!("made YUV above")
            };
            let whole = match frame.format {
                PixelFormat::Yuyv => camera_yuv::yuyv_to_i420(frame.data, w, h, out),
                _ => camera_yuv::nv12_to_i420(frame.data, w, h, out),
            };
            if !whole {
                return Err(short());
            }
        }
        PixelFormat::Gray | PixelFormat::Rgb | PixelFormat::Bgr => {
            let bytes = match frame.format {
                PixelFormat::Gray => 1,
                _ => 3,
            };
            if frame.data.len() < w as usize * h as usize * bytes {
                return Err(short());
            }
            if !matches!(into, PictureBuf::Rgba(_)) {
                *into = PictureBuf::Rgba(Image::new(0, 0));
            }
            let PictureBuf::Rgba(out) = into else {
                unreachable!("made RGBA above")
            };
            out.width = w;
            out.height = h;
            out.data.resize(w as usize * h as usize * 4, 255);
            for (px, src) in out
                .data
                .chunks_exact_mut(4)
                .zip(frame.data.chunks_exact(bytes))
            {
                let [r, g, b] = match frame.format {
                    PixelFormat::Gray => [src[0]; 3],
                    PixelFormat::Rgb => [src[0], src[1], src[2]],
                    _ => [src[2], src[1], src[0]],
                };
                px.copy_from_slice(&[r, g, b, 255]);
            }
        }
    }
    Ok(())
}

/// Whether a camera is delivering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CameraState {
    Opening,
    Live,
    /// Unplugged, busy or failing: the layer shows a placeholder; retried every second.
    Disconnected,
}

struct CameraShared {
    state: AtomicU8,
    stop: AtomicBool,
    /// The latest decoded picture and a number that grows with each one.
    latest: Mutex<(u64, PictureBuf)>,
}

/// A camera on its own thread, latest frame only.
pub struct Camera {
    shared: Arc<CameraShared>,
    /// Closes when the camera thread ends.
    ended: Receiver<()>,
}

impl Camera {
    pub fn open(driver: Arc<dyn CameraDriver>, request: CameraRequest) -> Camera {
        let shared = Arc::new(CameraShared {
            state: AtomicU8::new(CameraState::Opening as u8),
            stop: AtomicBool::new(false),
            latest: Mutex::new((0, PictureBuf::Rgba(Image::new(0, 0)))),
        });
        let ended = device_thread::spawn("camera", {
            let shared = shared.clone();
            move || camera_thread(&*driver, &request, &shared)
        });
        Camera { shared, ended }
    }

    pub fn state(&self) -> CameraState {
        match self.shared.state.load(Relaxed) {
            0 => CameraState::Opening,
            1 => CameraState::Live,
            _ => CameraState::Disconnected,
        }
    }

    /// Copies the latest picture into `into` when it is newer than `seen`; returns its number.
    pub fn take_latest(&self, seen: u64, into: &mut PictureBuf) -> u64 {
        let latest = self.shared.latest.lock().unwrap();
        if latest.0 > seen {
            into.clone_from(&latest.1);
        }
        latest.0
    }
}

impl Drop for Camera {
    fn drop(&mut self) {
        self.shared.stop.store(true, Relaxed);
        device_thread::join_briefly(&self.ended, "camera");
    }
}

fn camera_thread(driver: &dyn CameraDriver, request: &CameraRequest, shared: &CameraShared) {
    let mut reported = false;
    let mut decoded = PictureBuf::Rgba(Image::new(0, 0));
    while !shared.stop.load(Relaxed) {
        match driver.open(request) {
            Ok(mut stream) => {
                reported = false;
                while !shared.stop.load(Relaxed) {
                    let frame = match stream.next_frame() {
                        Ok(frame) => frame,
                        Err(e) => {
                            tracing::warn!("{e}; retrying every second");
                            break;
                        }
                    };
                    if let Err(e) = decode(&frame, &mut decoded) {
                        tracing::debug!("camera frame skipped: {e}");
                        continue;
                    }
                    shared.state.store(CameraState::Live as u8, Relaxed);
                    let mut latest = shared.latest.lock().unwrap();
                    latest.0 += 1;
                    std::mem::swap(&mut latest.1, &mut decoded);
                }
            }
            Err(e) => {
                if !reported {
                    tracing::warn!("{e}; retrying every second");
                    reported = true;
                }
            }
        }
        shared.state.store(CameraState::Disconnected as u8, Relaxed);
        if !device_thread::wait_to_retry(&shared.stop) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuyv_stays_yuv_and_rgb_becomes_rgba() {
        // Y 126 with neutral chroma is mid grey (limited range).
        let data: Vec<u8> = [126u8, 128].repeat(4 * 2);
        let frame = RawFrame {
            width: 4,
            height: 2,
            format: PixelFormat::Yuyv,
            data: &data,
        };
        let mut picture = PictureBuf::Rgba(Image::new(0, 0));
        decode(&frame, &mut picture).unwrap();
        let PictureBuf::Yuv(yuv) = &picture else {
            panic!("YUYV decodes to I420");
        };
        assert_eq!(
            (yuv.width, yuv.height, yuv.y[5], yuv.u[1]),
            (4, 2, 126, 128)
        );
        let rgb = [10u8, 20, 30].repeat(4 * 2);
        let frame = RawFrame {
            format: PixelFormat::Rgb,
            data: &rgb,
            ..frame
        };
        decode(&frame, &mut picture).unwrap();
        let PictureBuf::Rgba(image) = &picture else {
            panic!("RGB decodes to RGBA");
        };
        assert_eq!(image.pixel(3, 1), [10, 20, 30, 255]);
    }

    #[test]
    fn a_short_nv12_frame_is_an_error_not_a_panic() {
        let frame = RawFrame {
            width: 4,
            height: 4,
            format: PixelFormat::Nv12,
            data: &[0; 10],
        };
        assert!(decode(&frame, &mut PictureBuf::Rgba(Image::new(0, 0))).is_err());
    }
}
