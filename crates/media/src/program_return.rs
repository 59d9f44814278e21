//! The program's picture for guests to watch. The video thread hands over its main canvas's
//! picture only when the guests' return encoder has asked for one, at the encoder's own rate,
//! so nothing is copied while no guest is connected and a slow encoder only sees fewer
//! pictures; it never holds the video thread back.

use crate::I420;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::Duration;

/// The slot between the video thread and the return encoder.
pub struct ProgramReturn {
    /// The encoder waits for a picture: the next one composed is copied.
    asked: AtomicBool,
    /// The last picture handed over, with its number.
    latest: Mutex<(u64, I420)>,
    fresh: Condvar,
}

/// The process's one slot (one program, one shared return encode).
pub fn program_return() -> &'static ProgramReturn {
    static SLOT: OnceLock<ProgramReturn> = OnceLock::new();
    SLOT.get_or_init(|| ProgramReturn {
        asked: AtomicBool::new(false),
        latest: Mutex::new((0, I420::new(2, 2))),
        fresh: Condvar::new(),
    })
}

impl ProgramReturn {
    /// Video thread: the picture just composed, copied only when asked for.
    pub fn offer(&self, picture: &I420) {
        if !self.asked.swap(false, Relaxed) {
            return;
        }
        let mut latest = self.latest.lock().unwrap();
        latest.1.clone_from(picture);
        latest.0 += 1;
        drop(latest);
        self.fresh.notify_all();
    }

    /// Return encoder: asks for the next picture and waits up to `timeout` for it. The
    /// picture is swapped into `out` (the slot keeps `out`'s buffers for the next one); its
    /// number, or `None` when none came.
    pub fn next(&self, after: u64, timeout: Duration, out: &mut I420) -> Option<u64> {
        self.asked.store(true, Relaxed);
        let latest = self.latest.lock().unwrap();
        let (mut latest, _) = self
            .fresh
            .wait_timeout_while(latest, timeout, |(seq, _)| *seq <= after)
            .unwrap();
        if latest.0 <= after {
            return None;
        }
        std::mem::swap(&mut latest.1, out);
        Some(latest.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_is_copied_only_when_asked_for() {
        let slot = program_return();
        let mut picture = I420::new(4, 2);
        picture.y.fill(200);
        slot.offer(&picture);
        let mut out = I420::new(2, 2);
        assert_eq!(slot.next(0, Duration::from_millis(10), &mut out), None);
        std::thread::scope(|s| {
            s.spawn(|| {
                while !slot.asked.load(Relaxed) {
                    std::thread::yield_now();
                }
                slot.offer(&picture);
            });
            let seq = slot.next(0, Duration::from_secs(5), &mut out);
            assert_eq!(seq, Some(1));
        });
        assert_eq!((out.width, out.y[0]), (4, 200));
        // Nothing asked: the next offer is not taken.
        slot.offer(&picture);
        assert_eq!(slot.latest.lock().unwrap().0, 1);
    }
}
