//! The program picture for watchers (the UI's preview): the latest frame only, never a queue,
//! so a slow watcher sees fewer frames and never holds the video thread back.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Condvar, Mutex};
use std::time::Duration;
use streamwerk_media::I420;

/// The latest composed frame as packed I420 (Y, then U, then V), and its number.
pub struct Preview {
    latest: Mutex<PreviewFrame>,
    fresh: Condvar,
    watchers: AtomicUsize,
}

#[derive(Default)]
struct PreviewFrame {
    seq: u64,
    width: u32,
    height: u32,
    data: Vec<u8>,
}

/// Keeps the video thread publishing frames while held.
pub struct Watch<'a>(&'a Preview);

impl Drop for Watch<'_> {
    fn drop(&mut self) {
        self.0.watchers.fetch_sub(1, Relaxed);
    }
}

impl Preview {
    pub(crate) fn new() -> Self {
        Preview {
            latest: Mutex::default(),
            fresh: Condvar::new(),
            watchers: AtomicUsize::new(0),
        }
    }

    /// Starts watching; frames are copied out only while someone watches.
    pub fn watch(&self) -> Watch<'_> {
        self.watchers.fetch_add(1, Relaxed);
        Watch(self)
    }

    /// Video thread: offers the frame just composed (`index` is its frame number).
    pub(crate) fn offer(&self, picture: &I420) {
        if self.watchers.load(Relaxed) == 0 {
            return;
        }
        let mut latest = self.latest.lock().unwrap();
        latest.width = picture.width;
        latest.height = picture.height;
        // Reuses the buffer: allocates only on the first frame and on a canvas change.
        latest.data.clear();
        latest.data.extend_from_slice(&picture.y);
        latest.data.extend_from_slice(&picture.u);
        latest.data.extend_from_slice(&picture.v);
        latest.seq += 1;
        drop(latest);
        self.fresh.notify_all();
    }

    /// Waits up to `timeout` for a frame newer than `after`, appends it to `out` and returns
    /// (its number, width, height); `None` on timeout.
    pub fn next(
        &self,
        after: u64,
        timeout: Duration,
        out: &mut Vec<u8>,
    ) -> Option<(u64, u32, u32)> {
        let latest = self.latest.lock().unwrap();
        let (latest, _) = self
            .fresh
            .wait_timeout_while(latest, timeout, |f| f.seq <= after)
            .unwrap();
        if latest.seq <= after {
            return None;
        }
        out.extend_from_slice(&latest.data);
        Some((latest.seq, latest.width, latest.height))
    }
}
