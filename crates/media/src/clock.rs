use std::time::{Duration, Instant};

/// The one monotonic clock of a running engine. Every timestamp is a count since its epoch:
/// video frame `n` is at `n / fps` seconds, audio sample `s` at `s / 48000`, so the two streams
/// cannot drift apart however long the engine runs.
#[derive(Debug, Clone, Copy)]
pub struct MasterClock {
    epoch: Instant,
}

impl MasterClock {
    pub fn start() -> Self {
        MasterClock {
            epoch: Instant::now(),
        }
    }

    pub fn epoch(&self) -> Instant {
        self.epoch
    }

    pub fn elapsed(&self) -> Duration {
        self.epoch.elapsed()
    }

    /// Sleeps until `at` after the epoch; returns at once when that time has passed.
    pub fn sleep_until(&self, at: Duration) {
        let deadline = self.epoch + at;
        let now = Instant::now();
        if deadline > now {
            std::thread::sleep(deadline - now);
        }
    }
}

/// A video tick: frame `index` of a canvas running at `fps`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tick {
    pub index: u64,
    pub fps: u32,
}

impl Tick {
    pub fn time(&self) -> Duration {
        Duration::from_nanos(self.index * 1_000_000_000 / self.fps as u64)
    }

    /// True on the first frame of each whole second.
    pub fn is_whole_second(&self) -> bool {
        self.index.is_multiple_of(self.fps as u64)
    }
}
