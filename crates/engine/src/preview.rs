//! The program picture for watchers (the UI's preview): the latest frame only, never a queue,
//! so a slow watcher sees fewer frames and never holds the video thread back. It outlives any
//! one [`crate::Program`]: a studio that restarts its program (a new canvas, another
//! collection) keeps its watchers.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use streamwerk_media::I420;

/// The latest composed frame, its number and when it was composed.
pub struct Preview {
    latest: Mutex<Latest>,
    fresh: Condvar,
    watchers: AtomicUsize,
}

struct Latest {
    seq: u64,
    composed_us: u64,
    picture: I420,
}

/// Which frame [`Preview::next`] copied out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreviewFrame {
    /// Counts every frame offered since the preview was made; never goes back.
    pub seq: u64,
    /// Wall-clock time the frame was composed, in microseconds since the Unix epoch, so a
    /// watcher on the same machine can tell how old a frame is when it shows it.
    pub composed_us: u64,
}

/// Keeps the video thread publishing frames while held, and reads them.
pub struct Watch(Arc<Preview>);

impl Watch {
    /// Waits up to `timeout` for a frame newer than `after` and copies it into `out`; `None`
    /// on timeout.
    pub fn next(&self, after: u64, timeout: Duration, out: &mut I420) -> Option<PreviewFrame> {
        self.0.next(after, timeout, out)
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.0.watchers.fetch_sub(1, Relaxed);
    }
}

impl Default for Preview {
    fn default() -> Self {
        Preview {
            latest: Mutex::new(Latest {
                seq: 0,
                composed_us: 0,
                picture: I420 {
                    width: 0,
                    height: 0,
                    y: Vec::new(),
                    u: Vec::new(),
                    v: Vec::new(),
                },
            }),
            fresh: Condvar::new(),
            watchers: AtomicUsize::new(0),
        }
    }
}

/// Copies `from` into `to`, reusing `to`'s buffers (they grow only on a larger canvas).
fn copy_picture(from: &I420, to: &mut I420) {
    to.width = from.width;
    to.height = from.height;
    for (src, dst) in [
        (&from.y, &mut to.y),
        (&from.u, &mut to.u),
        (&from.v, &mut to.v),
    ] {
        dst.clear();
        dst.extend_from_slice(src);
    }
}

impl Preview {
    /// Starts watching; frames are copied out only while someone watches.
    pub fn watch(preview: &Arc<Preview>) -> Watch {
        preview.watchers.fetch_add(1, Relaxed);
        Watch(preview.clone())
    }

    /// Whether anyone watches: the studio-mode preview scene is composed only then.
    pub(crate) fn is_watched(&self) -> bool {
        self.watchers.load(Relaxed) > 0
    }

    /// Video thread: offers the frame just composed.
    pub(crate) fn offer(&self, picture: &I420) {
        if self.watchers.load(Relaxed) == 0 {
            return;
        }
        let composed_us = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_micros() as u64);
        let mut latest = self.latest.lock().unwrap();
        copy_picture(picture, &mut latest.picture);
        latest.composed_us = composed_us;
        latest.seq += 1;
        drop(latest);
        self.fresh.notify_all();
    }

    /// See [`Watch::next`]; frames are kept only while someone watches.
    fn next(&self, after: u64, timeout: Duration, out: &mut I420) -> Option<PreviewFrame> {
        let latest = self.latest.lock().unwrap();
        let (latest, _) = self
            .fresh
            .wait_timeout_while(latest, timeout, |f| f.seq <= after)
            .unwrap();
        if latest.seq <= after {
            return None;
        }
        copy_picture(&latest.picture, out);
        Some(PreviewFrame {
            seq: latest.seq,
            composed_us: latest.composed_us,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watchers_get_the_newest_frame_only_and_nothing_when_unwatched() {
        let preview = Arc::new(Preview::default());
        let mut out = I420::new(2, 2);
        preview.offer(&I420::new(4, 4));
        assert_eq!(preview.next(0, Duration::ZERO, &mut out), None, "unwatched");
        let watch = Preview::watch(&preview);
        let mut first = I420::new(4, 4);
        first.y[0] = 1;
        let mut second = I420::new(6, 4);
        second.y[0] = 2;
        preview.offer(&first);
        preview.offer(&second);
        let frame = watch.next(0, Duration::ZERO, &mut out).unwrap();
        assert_eq!((frame.seq, out.width, out.height, out.y[0]), (2, 6, 4, 2));
        assert!(frame.composed_us > 0);
        assert_eq!(
            watch.next(frame.seq, Duration::from_millis(1), &mut out),
            None
        );
        drop(watch);
        preview.offer(&first);
        assert_eq!(
            preview.next(2, Duration::ZERO, &mut out),
            None,
            "unwatched again"
        );
    }
}
