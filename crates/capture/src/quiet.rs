//! Sound and camera libraries print their probing straight to the process's standard error:
//! ALSA's plugins ("Cannot get card index", "Cannot open device /dev/dsp"), JACK's client
//! ("jack server is not running") and PulseAudio's plugin when no server answers. None of it
//! is for the user: while devices are listed or looked up, standard error goes to a pipe, and
//! what comes out is logged at debug level. One such window at a time; a line another thread
//! writes in that window (tens of milliseconds) is logged at debug level too.

/// Runs `probe` with standard error captured, logging what it printed under `what`.
#[cfg(unix)]
pub(crate) fn quietly<T>(what: &str, probe: impl FnOnce() -> T) -> T {
    use std::io::{BufRead, BufReader};
    use std::os::fd::{FromRawFd, OwnedFd};
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut fds = [0; 2];
    // SAFETY: plain POSIX calls on descriptors this function owns; standard error is put
    // back before it returns, whatever `probe` does short of aborting.
    let saved = unsafe {
        if libc::pipe(fds.as_mut_ptr()) != 0 {
            return probe();
        }
        let saved = libc::dup(2);
        if saved < 0 || libc::dup2(fds[1], 2) < 0 {
            libc::close(fds[0]);
            libc::close(fds[1]);
            return probe();
        }
        libc::close(fds[1]);
        saved
    };
    // SAFETY: the read end is ours alone from here.
    let read = unsafe { OwnedFd::from_raw_fd(fds[0]) };
    // Drained while the probe runs, so a chatty library never fills the pipe and blocks.
    let what_ = what.to_string();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(std::fs::File::from(read)).lines() {
            match line {
                Ok(line) if !line.trim().is_empty() => tracing::debug!("{what_}: {line}"),
                Ok(_) => {}
                Err(_) => break,
            }
        }
    });
    let result = probe();
    // SAFETY: `saved` is the original standard error; restoring it closes the pipe's last
    // write end, which ends the reader.
    unsafe {
        libc::dup2(saved, 2);
        libc::close(saved);
    }
    let _ = reader.join();
    result
}

#[cfg(not(unix))]
pub(crate) fn quietly<T>(_what: &str, probe: impl FnOnce() -> T) -> T {
    probe()
}
