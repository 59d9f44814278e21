//! The figures the UI shows: meters 20 times a second, counters (frame rate, lag, compose
//! time, process CPU, the session's sinks) twice a second, sent only while someone listens.

use crate::Studio;
use std::sync::Weak;
use std::time::{Duration, Instant};
use streamwerk_engine::Session;
use streamwerk_protocol::{Event, StudioStats};

impl Studio {
    fn stats(&self) -> StudioStats {
        let mut inner = self.lock();
        let session = inner.session.as_ref().map(Session::stats);
        let program = inner.program.stats();
        let (then, cpu_then) = inner.cpu_sample;
        let (now, cpu_now) = (Instant::now(), process_cpu());
        inner.cpu_sample = (now, cpu_now);
        let wall = now.duration_since(then).as_secs_f64();
        StudioStats {
            render_fps: program.fps,
            frames_lagged: program.frames_lagged,
            compose_ms_avg: program.compose_ms_avg,
            cpu_percent: if wall > 0.0 {
                100.0 * cpu_now.saturating_sub(cpu_then).as_secs_f64() / wall
            } else {
                0.0
            },
            session,
        }
    }
}

/// While anyone listens: meters 20 times a second, counters twice a second.
pub(crate) fn stats_loop(studio: Weak<Studio>) {
    for tick in 0u64.. {
        std::thread::sleep(Duration::from_millis(50));
        let Some(studio) = studio.upgrade() else {
            return;
        };
        if studio.stop_live_when_due() {
            let _ = studio.events.send(Event::State {
                state: studio.state(),
            });
        }
        if tick % 10 == 0 {
            studio.tell_guest_pages(&studio.lock());
        }
        if studio.events.receiver_count() > 0 {
            let meters = studio.lock().program.meters();
            let _ = studio.events.send(Event::Meters { meters });
            if tick % 10 == 9 {
                let stats = studio.stats();
                let _ = studio.events.send(Event::Stats { stats });
                studio.tell_guests(false);
            }
        }
    }
}

/// CPU time this process has used, all threads together.
pub(crate) fn process_cpu() -> Duration {
    cpu_time::ProcessTime::try_now().map_or(Duration::ZERO, |t| t.as_duration())
}
