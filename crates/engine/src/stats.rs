use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use streamwerk_outputs::SinkStatsSnapshot;

/// Counters the engine threads bump; cheap to update, read once a second. The program keeps the
/// rendering ones, each session the encoding ones. The words are OBS's, which users already
/// know: "lagged" frames were missed because rendering ran late, "skipped" frames were rendered
/// but the encoder had no room for them.
#[derive(Debug, Default)]
pub struct EngineStats {
    pub frames_rendered: AtomicU64,
    pub frames_lagged: AtomicU64,
    pub frames_skipped: AtomicU64,
    pub compose_ns: AtomicU64,
    pub compose_ns_max: AtomicU64,
    pub frames_encoded: AtomicU64,
    pub video_bytes: AtomicU64,
    pub audio_blocks: AtomicU64,
    pub audio_dropped: AtomicU64,
    pub audio_bytes: AtomicU64,
}

/// Encoding counters of one canvas in a session.
#[derive(Debug, Default)]
pub(crate) struct CanvasCounters {
    /// The session's first canvas: its frames are also the session's encoded and skipped.
    pub primary: bool,
    pub frames_encoded: AtomicU64,
    pub frames_skipped: AtomicU64,
    pub video_bytes: AtomicU64,
}

/// One encoded canvas in a [`StatsSnapshot`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ts_rs::TS)]
pub struct CanvasStats {
    pub name: String,
    pub width: u32,
    pub height: u32,
    pub frames_encoded: u64,
    pub frames_skipped: u64,
    pub video_bytes: u64,
    /// Encoded frames per second since the previous snapshot.
    pub fps: f64,
    /// Video bitrate since the previous snapshot.
    pub bitrate_kbps: f64,
}

impl CanvasCounters {
    pub fn snapshot(
        &self,
        name: &str,
        (width, height): (u32, u32),
        elapsed_s: f64,
        previous: Option<&StatsSnapshot>,
    ) -> CanvasStats {
        let frames_encoded = self.frames_encoded.load(Relaxed);
        let video_bytes = self.video_bytes.load(Relaxed);
        let then = previous.and_then(|p| {
            let c = p.canvases.iter().find(|c| c.name == name)?;
            (elapsed_s > p.elapsed_s).then_some((elapsed_s - p.elapsed_s, c))
        });
        let (dt, frames_then, bytes_then) = match then {
            Some((dt, c)) => (dt, c.frames_encoded, c.video_bytes),
            None => (elapsed_s, 0, 0),
        };
        let rate = |now: u64, then: u64| {
            if dt > 0.0 {
                now.saturating_sub(then) as f64 / dt
            } else {
                0.0
            }
        };
        CanvasStats {
            name: name.to_string(),
            width,
            height,
            frames_encoded,
            frames_skipped: self.frames_skipped.load(Relaxed),
            video_bytes,
            fps: rate(frames_encoded, frames_then),
            bitrate_kbps: rate(video_bytes, bytes_then) * 8.0 / 1000.0,
        }
    }
}

/// How far back a destination's throughput is judged against the stream's bitrate.
pub const UPLINK_WINDOW_S: f64 = 10.0;

/// A point-in-time copy of every counter, as printed by `--stats-json` and sent to the UI.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ts_rs::TS)]
pub struct StatsSnapshot {
    pub elapsed_s: f64,
    pub frames_rendered: u64,
    pub frames_lagged: u64,
    pub frames_skipped: u64,
    pub frames_encoded: u64,
    pub compose_ms_avg: f64,
    pub compose_ms_max: f64,
    pub video_bytes: u64,
    pub audio_blocks: u64,
    pub audio_dropped: u64,
    pub audio_bytes: u64,
    /// Encoded frames per second since the previous snapshot.
    pub fps: f64,
    /// Encoded audio and video bitrate since the previous snapshot.
    pub bitrate_kbps: f64,
    pub sinks: Vec<SinkStatsSnapshot>,
    /// Each canvas encoded in the session: its frames and bitrate. The totals above count
    /// the video bytes of all of them, and the frames of the first.
    #[serde(default)]
    pub canvases: Vec<CanvasStats>,
    /// Audio meters since the previous snapshot, while the program runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meters: Option<crate::Meters>,
    /// The stream delay, while the destinations have one: how long, what it holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay: Option<streamwerk_outputs::DelaySnapshot>,
}

impl EngineStats {
    /// A session's counters (`self`) with the program's rendering ones.
    pub fn snapshot(
        &self,
        program: &EngineStats,
        elapsed_s: f64,
        previous: Option<&StatsSnapshot>,
        sinks: Vec<SinkStatsSnapshot>,
    ) -> StatsSnapshot {
        let rendered = program.frames_rendered.load(Relaxed);
        let frames_encoded = self.frames_encoded.load(Relaxed);
        let video_bytes = self.video_bytes.load(Relaxed);
        let audio_bytes = self.audio_bytes.load(Relaxed);
        let (fps, bitrate_kbps) = match previous {
            Some(p) if elapsed_s > p.elapsed_s => {
                let dt = elapsed_s - p.elapsed_s;
                let bytes =
                    (video_bytes + audio_bytes).saturating_sub(p.video_bytes + p.audio_bytes);
                (
                    (frames_encoded - p.frames_encoded) as f64 / dt,
                    bytes as f64 * 8.0 / 1000.0 / dt,
                )
            }
            _ if elapsed_s > 0.0 => (
                frames_encoded as f64 / elapsed_s,
                (video_bytes + audio_bytes) as f64 * 8.0 / 1000.0 / elapsed_s,
            ),
            _ => (0.0, 0.0),
        };
        StatsSnapshot {
            elapsed_s,
            frames_rendered: rendered,
            frames_lagged: program.frames_lagged.load(Relaxed),
            frames_skipped: self.frames_skipped.load(Relaxed),
            frames_encoded,
            compose_ms_avg: if rendered > 0 {
                program.compose_ns.load(Relaxed) as f64 / rendered as f64 / 1e6
            } else {
                0.0
            },
            compose_ms_max: program.compose_ns_max.load(Relaxed) as f64 / 1e6,
            video_bytes,
            audio_blocks: program.audio_blocks.load(Relaxed),
            audio_dropped: self.audio_dropped.load(Relaxed),
            audio_bytes,
            fps,
            bitrate_kbps,
            sinks,
            canvases: Vec::new(),
            meters: None,
            delay: None,
        }
    }
}

/// Bits per second in kbit/s between two byte counts taken `dt` seconds apart.
fn kbps(bytes: u64, before: u64, dt: f64) -> f64 {
    bytes.saturating_sub(before) as f64 * 8.0 / 1000.0 / dt
}

impl StatsSnapshot {
    /// Each sink's sent bitrate since `previous`, and for a destination that dropped packets
    /// since `window` (up to [`UPLINK_WINDOW_S`] ago) while sending clearly less than the
    /// program encoded, what its link carries: a weak uplink shows as drops, which alone do
    /// not say why.
    pub fn rate_sinks(&mut self, previous: Option<&StatsSnapshot>, window: Option<&StatsSnapshot>) {
        let elapsed = self.elapsed_s;
        // What the sink's canvas and the sound encode.
        let encoded = |s: &StatsSnapshot, canvas: Option<&str>| {
            let video = canvas
                .and_then(|name| s.canvases.iter().find(|c| c.name == name))
                .map_or(s.video_bytes, |c| c.video_bytes);
            video + s.audio_bytes
        };
        let (canvases, video_bytes, audio_bytes) =
            (&self.canvases, self.video_bytes, self.audio_bytes);
        let encoded_now = |canvas: Option<&str>| {
            canvas
                .and_then(|name| canvases.iter().find(|c| c.name == name))
                .map_or(video_bytes, |c| c.video_bytes)
                + audio_bytes
        };
        for sink in &mut self.sinks {
            let canvas = sink.canvas.as_deref();
            // (seconds since, the sink's bytes and drops then, bytes encoded then)
            let earlier = |s: &StatsSnapshot| {
                let dt = elapsed - s.elapsed_s;
                let then = s.sinks.iter().find(|o| o.name == sink.name)?;
                let encoded_then = encoded(s, canvas);
                (dt > 0.0).then_some((dt, then.bytes, then.dropped, encoded_then))
            };
            sink.bitrate_kbps = match previous.and_then(earlier) {
                Some((dt, bytes_then, ..)) => kbps(sink.bytes, bytes_then, dt),
                None if elapsed > 0.0 => kbps(sink.bytes, 0, elapsed),
                None => 0.0,
            };
            sink.uplink = None;
            let Some((dt, bytes_then, dropped_then, encoded_then)) = window.and_then(earlier)
            else {
                continue;
            };
            let (sent, needed) = (
                kbps(sink.bytes, bytes_then, dt),
                kbps(encoded_now(canvas), encoded_then, dt),
            );
            // Only a link live all through the window and carrying now is judged: what a
            // destination sends while it reconnects and catches up (its queue dropped to the
            // next keyframe) says nothing about the link, and a link that went dead carries
            // nothing (the destination soon reconnects): a lower bitrate helps neither.
            let steady = sink.destination.as_ref().is_some_and(|d| {
                d.state == streamwerk_outputs::DestinationState::Live && d.uptime_s >= dt
            });
            let carrying = sink.bitrate_kbps >= 0.05 * needed;
            if steady && carrying && sink.dropped > dropped_then && sent < 0.9 * needed {
                sink.uplink = Some(format!(
                    "uplink to {} carries ~{:.1} Mbit/s, the stream needs {:.1}: lower the bitrate",
                    sink.name,
                    sent / 1000.0,
                    needed / 1000.0
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamwerk_outputs::{DestinationSnapshot, DestinationState, SinkStats};

    /// A snapshot `at` seconds in: the program encoded 4.7 Mbit/s so far, the destination
    /// `sent` bytes, dropped `dropped`, was accepted `reconnects` times after the first and is
    /// in `state` since `uptime` seconds.
    fn at(
        at: f64,
        sent: u64,
        dropped: u64,
        state: DestinationState,
        reconnects: u64,
        uptime: f64,
    ) -> StatsSnapshot {
        let sink = SinkStatsSnapshot {
            bytes: sent,
            dropped,
            destination: Some(DestinationSnapshot {
                state,
                reconnects,
                uptime_s: uptime,
            }),
            ..SinkStats::default().snapshot("dest2")
        };
        let mut s = EngineStats::default().snapshot(&EngineStats::default(), at, None, vec![sink]);
        s.video_bytes = (at * 4_700_000.0 / 8.0) as u64;
        s
    }

    const MBIT: f64 = 1_000_000.0 / 8.0;

    #[test]
    fn a_link_that_stayed_up_and_carries_too_little_is_reported() {
        use DestinationState::Live;
        let then = at(20.0, (20.0 * 2.5 * MBIT) as u64, 10, Live, 0, 20.0);
        let previous = at(29.5, (29.5 * 2.5 * MBIT) as u64, 58, Live, 0, 29.5);
        let mut now = at(30.0, (30.0 * 2.5 * MBIT) as u64, 60, Live, 0, 30.0);
        now.rate_sinks(Some(&previous), Some(&then));
        let warning = now.sinks[0].uplink.as_deref().expect("a warning");
        assert!(
            warning.contains("carries ~2.5 Mbit/s, the stream needs 4.7"),
            "{warning}"
        );
    }

    #[test]
    fn a_link_that_went_dead_is_not_told_to_lower_the_bitrate() {
        use DestinationState::Live;
        // Full rate until 26 s, nothing since (the link is down, the destination has not
        // noticed yet): 3.1 Mbit/s over the window, 0 now.
        let sent = (26.0 * 4.7 * MBIT) as u64;
        let then = at(20.0, (20.0 * 4.7 * MBIT) as u64, 0, Live, 0, 20.0);
        let previous = at(29.5, sent, 80, Live, 0, 29.5);
        let mut now = at(30.0, sent, 100, Live, 0, 30.0);
        now.rate_sinks(Some(&previous), Some(&then));
        assert_eq!(now.sinks[0].uplink, None);
    }

    #[test]
    fn catching_up_after_a_reconnect_is_not_the_links_fault() {
        use DestinationState::Live;
        let reconnecting = DestinationState::Reconnecting {
            attempt: 1,
            retry_in_ms: 1000,
            error: "connection refused".into(),
        };
        // Reconnecting at the window's start, live again for 4 s now, with what it dropped
        // while away: it sent less than the stream, but the link was never the limit.
        let then = at(20.0, (18.0 * 4.7 * MBIT) as u64, 10, reconnecting, 0, 0.0);
        let mut now = at(30.0, (24.0 * 4.7 * MBIT) as u64, 300, Live, 1, 4.0);
        now.rate_sinks(Some(&then), Some(&then));
        assert_eq!(now.sinks[0].uplink, None);
        // Live at both ends of the window, but accepted again 9 s ago, within it.
        let then = at(20.0, (18.0 * 4.7 * MBIT) as u64, 10, Live, 0, 20.0);
        let mut now = at(30.0, (24.0 * 4.7 * MBIT) as u64, 300, Live, 1, 9.0);
        now.rate_sinks(Some(&then), Some(&then));
        assert_eq!(now.sinks[0].uplink, None);
    }
}
