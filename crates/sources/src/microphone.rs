use crate::{AudioSource, DeviceState};
use streamwerk_capture::{AudioInput, InputState};
use streamwerk_media::AudioBlock;
use streamwerk_scene::MicrophoneSettings;

/// A sound input. It plays what the device captured, resampled to 48 kHz, a fixed ~60 ms
/// behind; the sample time it is asked for does not matter, since a live input has no past or
/// future beyond its queue.
pub struct Microphone {
    input: AudioInput,
}

impl Microphone {
    pub fn open(settings: &MicrophoneSettings) -> Microphone {
        Microphone {
            input: AudioInput::open(settings.device.as_deref()),
        }
    }
}

impl AudioSource for Microphone {
    fn fill(&mut self, _start_sample: u64, out: &mut AudioBlock) {
        self.input.read(out);
    }

    fn state(&self) -> DeviceState {
        match self.input.state() {
            InputState::Opening => DeviceState::Opening,
            InputState::Live => DeviceState::Live,
            InputState::Disconnected => DeviceState::Disconnected,
        }
    }
}
