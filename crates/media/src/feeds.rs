//! Pictures that arrive from outside the engine (a remote guest's camera), by slot name: the
//! thread that decodes them puts each newest picture in its slot, the source that shows the
//! slot takes it. One picture per slot, so a slot holds at most one frame however fast or slow
//! either side runs.

use crate::PictureBuf;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, Mutex, OnceLock};

/// One slot: the newest picture with its number, and whether anyone is sending.
#[derive(Default)]
pub struct Feed {
    latest: Mutex<Option<(u64, PictureBuf)>>,
    /// A sender is connected (its pictures may still be on their way).
    present: AtomicBool,
}

impl Feed {
    /// Replaces the newest picture; the one it replaces is handed back for reuse.
    pub fn put(&self, picture: PictureBuf) -> Option<PictureBuf> {
        let mut latest = self.latest.lock().unwrap();
        let seq = latest.as_ref().map_or(0, |(n, _)| *n) + 1;
        latest.replace((seq, picture)).map(|(_, old)| old)
    }

    /// Copies the newest picture into `into` when it is newer than `seen`; returns its number
    /// (0 before the first).
    pub fn take_latest(&self, seen: u64, into: &mut PictureBuf) -> u64 {
        let latest = self.latest.lock().unwrap();
        match latest.as_ref() {
            Some((n, picture)) if *n > seen => {
                into.clone_from(picture);
                *n
            }
            Some((n, _)) => *n,
            None => 0,
        }
    }

    pub fn set_present(&self, present: bool) {
        self.present.store(present, Relaxed);
    }

    pub fn present(&self) -> bool {
        self.present.load(Relaxed)
    }
}

/// The process's feeds, by slot name; a slot is made when first named, by either side.
pub fn feed(slot: &str) -> Arc<Feed> {
    static FEEDS: OnceLock<Mutex<HashMap<String, Arc<Feed>>>> = OnceLock::new();
    let mut feeds = FEEDS.get_or_init(Default::default).lock().unwrap();
    feeds.entry(slot.to_string()).or_default().clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::I420;

    #[test]
    fn a_slot_hands_over_only_newer_pictures() {
        let feed = feed("test-slot");
        let mut into = PictureBuf::Yuv(I420::new(2, 2));
        assert_eq!(feed.take_latest(0, &mut into), 0);
        assert!(feed.put(PictureBuf::Yuv(I420::new(4, 2))).is_none());
        assert_eq!(feed.take_latest(0, &mut into), 1);
        assert!(matches!(&into, PictureBuf::Yuv(p) if p.width == 4));
        // Seen already: not copied again.
        into = PictureBuf::Yuv(I420::new(2, 2));
        assert_eq!(feed.take_latest(1, &mut into), 1);
        assert!(matches!(&into, PictureBuf::Yuv(p) if p.width == 2));
        assert!(feed.put(PictureBuf::Yuv(I420::new(6, 2))).is_some());
    }
}
