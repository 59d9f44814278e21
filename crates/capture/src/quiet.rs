//! Sound and camera libraries print their probing straight to the process's standard error:
//! ALSA's plugins ("Cannot get card index", "Cannot open device /dev/dsp"), JACK's client
//! ("jack server is not running") and PulseAudio's plugin when no server answers. None of it
//! is for the user: while devices are listed or looked up, standard error goes to a pipe, and
//! what the libraries said is logged at debug level. One such window at a time; anything else
//! written in it (another thread's log line) is passed on to standard error unchanged.

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
    // SAFETY: the read end is ours alone from here; `passed` is a second handle on the real
    // standard error, for what is not the libraries'.
    let read = unsafe { OwnedFd::from_raw_fd(fds[0]) };
    let passed = unsafe { libc::dup(saved) };
    let mut passed =
        (passed >= 0).then(|| std::fs::File::from(unsafe { OwnedFd::from_raw_fd(passed) }));
    // Drained while the probe runs, so a chatty library never fills the pipe and blocks.
    let what_ = what.to_string();
    let reader = std::thread::spawn(move || {
        use std::io::Write;
        for line in BufReader::new(std::fs::File::from(read)).lines() {
            let Ok(line) = line else { break };
            if is_library_noise(&line) {
                tracing::debug!("{what_}: {line}");
            } else if let Some(out) = &mut passed {
                let _ = writeln!(out, "{line}");
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

/// What ALSA, its plugins and JACK print while probing (and a blank line between).
#[cfg(unix)]
fn is_library_noise(line: &str) -> bool {
    const SAID: &[&str] = &[
        "ALSA lib",
        "Cannot connect to server",
        "jack server",
        "Jack",
        "Cannot open device",
    ];
    line.trim().is_empty() || SAID.iter().any(|s| line.trim_start().starts_with(s))
}

#[cfg(not(unix))]
pub(crate) fn quietly<T>(_what: &str, probe: impl FnOnce() -> T) -> T {
    probe()
}

#[cfg(all(test, unix))]
mod tests {
    use super::is_library_noise;

    #[test]
    fn only_the_sound_libraries_probing_is_held_back() {
        for said in [
            "ALSA lib confmisc.c:165:(snd_config_get_card) Cannot get card index for 0",
            "Cannot connect to server socket err = No such file or directory",
            "jack server is not running or cannot be started",
            "JackShmReadWritePtr::~JackShmReadWritePtr - Init not done for -1, skipping unlock",
            "",
        ] {
            assert!(is_library_noise(said), "{said}");
        }
        let log =
            "2026-12-07T15:06:31Z  WARN streamwerk_outputs::destination: reconnecting in 2.3 s";
        assert!(!is_library_noise(log));
    }
}
