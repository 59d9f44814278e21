//! Hardware capture: sound inputs through cpal and cameras through nokhwa. Every device runs on
//! a thread of its own and hands over what it captured through a lock-free queue (sound) or a
//! latest-frame slot (pictures), so a slow, missing or unplugged device never stalls the
//! program; it is retried every second until it comes back.

mod audio_input;
mod audio_output;
mod camera;
mod camera_yuv;
mod device_thread;
mod quiet;

pub use audio_input::{audio_inputs, AudioInput, AudioInputInfo, InputCounters, InputState};
pub use audio_output::AudioOutput;
pub use camera::{
    decode, Camera, CameraDriver, CameraInfo, CameraMode, CameraRequest, CameraState, CameraStream,
    Nokhwa, PixelFormat, RawFrame,
};

use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("cannot list devices: {0}")]
    Devices(String),
    #[error("no sound input `{0}`: `streamwerk devices` lists the inputs there are")]
    NoSuchInput(String),
    #[error("no sound output ({0}) for monitoring: check the system's sound settings")]
    NoSuchOutput(String),
    #[error("no camera `{0}`: `streamwerk devices` lists the cameras there are")]
    NoSuchCamera(String),
    #[error("cannot open `{0}`: {1}")]
    Open(String, String),
}

/// Every capture device this machine offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct DeviceList {
    pub cameras: Vec<CameraInfo>,
    pub audio_inputs: Vec<AudioInputInfo>,
}

/// Lists cameras and sound inputs. A machine with neither gets two empty lists, not an error.
pub fn list_devices() -> Result<DeviceList, CaptureError> {
    quiet::quietly("listing devices", || {
        Ok(DeviceList {
            cameras: Nokhwa.list()?,
            audio_inputs: audio_inputs()?,
        })
    })
}
