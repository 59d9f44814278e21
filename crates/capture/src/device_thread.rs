//! What every device thread does alike: wait between attempts without missing a stop, and let
//! its owner wait for it to finish, but not forever.

use crossbeam_channel::{Receiver, RecvTimeoutError};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::Duration;

/// Waits about a second before the next attempt to open a device; false once `stop` is set.
pub(crate) fn wait_to_retry(stop: &AtomicBool) -> bool {
    for _ in 0..10 {
        if stop.load(Relaxed) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    !stop.load(Relaxed)
}

/// Spawns a device thread; the receiver closes when it ends.
pub(crate) fn spawn(name: &str, work: impl FnOnce() + Send + 'static) -> Receiver<()> {
    let (ended_tx, ended) = crossbeam_channel::bounded::<()>(0);
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            work();
            drop(ended_tx);
        })
        .expect("spawning a thread");
    ended
}

/// Waits for a device thread told to stop, for a second at most: a driver stuck in a call
/// must not hang the program with it.
pub(crate) fn join_briefly(ended: &Receiver<()>, what: &str) {
    if let Err(RecvTimeoutError::Timeout) = ended.recv_timeout(Duration::from_secs(1)) {
        tracing::warn!("{what}: the device did not close within 1 s; leaving it");
    }
}

/// Closes a sound stream on a thread of its own: a driver that lost its server can hang in
/// its own thread forever (ALSA's PulseAudio plugin does when the server dies), and the device
/// thread must go on reopening.
pub(crate) fn close_aside(stream: cpal::Stream) {
    let _ = std::thread::Builder::new()
        .name("audio close".into())
        .spawn(move || drop(stream));
}
