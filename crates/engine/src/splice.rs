//! A panic's cut as the stream delay needs it: the first frame the video thread composed and
//! the first block the audio thread mixed after it, in the session's timestamps. The delay
//! lines discard everything before it, whenever it comes out of the encoders.

use std::sync::Arc;
use streamwerk_outputs::CutPoint;

pub struct Splice {
    /// The session's first frame and sample: its timestamp 0.
    first_index: u64,
    first_sample: u64,
    point: Arc<CutPoint>,
}

impl Splice {
    pub(crate) fn new(first_index: u64, first_sample: u64, point: Arc<CutPoint>) -> Self {
        Splice {
            first_index,
            first_sample,
            point,
        }
    }

    /// The video thread composes frame `index` with the cut applied.
    pub(crate) fn video_at(&self, index: u64) {
        self.point.set_video(index as i64 - self.first_index as i64);
    }

    /// The audio thread mixes the block starting at `sample` with the cut applied.
    pub(crate) fn audio_at(&self, sample: u64) {
        self.point
            .set_audio(sample as i64 - self.first_sample as i64);
    }
}
