//! A streaming destination (RTMP, RTMPS, SRT): one sink thread that connects, streams, and on
//! failure reconnects on its own with exponential backoff and jitter, resuming at a keyframe
//! with the program's continuous timestamps. Its state is published for stats and the UI.

use crate::rtmp::RtmpPublisher;
use crate::{mask_url, KeyframeRequest, Muxer, OutputError, SinkFeed, SinkStats};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use streamwerk_encode::ffmpeg::Dictionary;
use streamwerk_encode::{EncodedPacket, StreamInfo, StreamKind};

/// A destination's queue: about 4 s of packets at 30 fps with audio.
const DESTINATION_QUEUE: usize = 400;
/// How far a destination may fall behind the program before it drops to the next keyframe.
pub const CONGESTION_BUDGET: Duration = Duration::from_millis(800);
/// A network read or write that blocks longer than this fails.
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// A server that ends this many sessions in a row before accepting any media is rejecting us,
/// unless the destination has been on air: see [`RETRIES_AFTER_LIVE`].
const REJECTIONS_BEFORE_GIVING_UP: u32 = 3;
/// Failed attempts in a row after which a destination that has been on air gives up, as
/// OBS does (25). After an abrupt drop a server keeps the dead publisher until its own
/// timeout notices (nginx-rtmp: 60 s; platforms a minute or two) and answers the new one
/// that the stream name is taken. With the backoff (2 s x1.5 up to 60 s) 25 attempts span
/// about 18 minutes, many times the longest such timeout. Refused connections (the server
/// is down) do not count, as before.
const RETRIES_AFTER_LIVE: u32 = 25;

/// How long to wait between reconnection attempts. OBS starts at 2 s and grows x1.5.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    pub initial: Duration,
    pub factor: f64,
    pub max: Duration,
    /// Each wait is shortened or lengthened at random by up to this fraction, so many
    /// destinations (or many studios) do not retry in lockstep.
    pub jitter: f64,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            initial: Duration::from_secs(2),
            factor: 1.5,
            max: Duration::from_secs(60),
            jitter: 0.2,
        }
    }
}

impl Backoff {
    /// The wait before attempt `attempt` (1 for the first retry); `unit` in [0, 1) is random.
    pub fn delay(&self, attempt: u32, unit: f64) -> Duration {
        let base = self.initial.as_secs_f64() * self.factor.powi(attempt.saturating_sub(1) as i32);
        let base = base.min(self.max.as_secs_f64());
        Duration::from_secs_f64(base * (1.0 + self.jitter * (2.0 * unit - 1.0)))
    }
}

/// Where a destination stands, as users see it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DestinationState {
    Connecting,
    Live,
    Reconnecting {
        attempt: u32,
        retry_in_ms: u64,
        error: String,
    },
    /// Given up: the server rejected the stream (wrong key or application).
    Failed {
        error: String,
    },
    Stopped,
}

/// What to stream to.
#[derive(Debug, Clone)]
pub struct DestinationSpec {
    pub name: String,
    /// The full URL, stream key included; only ever shown masked.
    pub url: String,
    pub backoff: Backoff,
    /// For `rtmps://`: certificates to trust besides the system's (a private CA).
    pub ca_file: Option<PathBuf>,
}

/// A running destination: its feed for the fan-out, its shared state and its thread.
pub struct Destination {
    pub feed: SinkFeed,
    pub status: Arc<DestinationStatus>,
    pub thread: JoinHandle<Result<(), OutputError>>,
}

/// State and counters beyond the common sink stats.
#[derive(Debug)]
pub struct DestinationStatus {
    pub state: Mutex<DestinationState>,
    pub reconnects: AtomicU64,
    /// Set by "reconnect now": skip the rest of the current wait.
    retry_now: AtomicBool,
    live_since: Mutex<Option<Instant>>,
}

impl DestinationStatus {
    pub fn state(&self) -> DestinationState {
        self.state.lock().unwrap().clone()
    }

    /// Seconds since the current session went live, or 0.
    pub fn uptime(&self) -> f64 {
        self.live_since
            .lock()
            .unwrap()
            .map_or(0.0, |t| t.elapsed().as_secs_f64())
    }

    pub fn snapshot(&self) -> crate::DestinationSnapshot {
        crate::DestinationSnapshot {
            state: self.state(),
            reconnects: self.reconnects.load(Relaxed),
            uptime_s: self.uptime(),
        }
    }

    /// Ends the current wait between attempts at once.
    pub fn reconnect_now(&self) {
        self.retry_now.store(true, Relaxed);
    }

    fn set(&self, name: &str, state: DestinationState) {
        match &state {
            DestinationState::Live => *self.live_since.lock().unwrap() = Some(Instant::now()),
            _ => *self.live_since.lock().unwrap() = None,
        }
        tracing::info!(destination = name, ?state, "destination state");
        *self.state.lock().unwrap() = state;
    }
}

/// How a destination's packets leave: our own RTMP publisher for `rtmp://` (one write per
/// packet), FFmpeg's muxers and protocols for `rtmps://` (TLS) and `srt://`.
enum Connection {
    Rtmp(Box<RtmpPublisher>),
    Ffmpeg(Muxer),
}

impl Connection {
    fn open(spec: &DestinationSpec, streams: &[StreamInfo]) -> Result<Connection, OutputError> {
        let masked = mask_url(&spec.url);
        match muxer_for(spec)? {
            None => RtmpPublisher::connect(&spec.url, &masked, streams, IO_TIMEOUT)
                .map(|p| Connection::Rtmp(Box::new(p))),
            Some(out) => Muxer::open(&spec.url, &masked, out.format, streams, out.io, out.muxer)
                .map(Connection::Ffmpeg),
        }
    }

    fn write(&mut self, packet: &EncodedPacket) -> Result<(), OutputError> {
        match self {
            Connection::Rtmp(publisher) => publisher.write(packet),
            Connection::Ffmpeg(muxer) => muxer.write(packet),
        }
    }

    /// Written bytes the network has not taken yet; FFmpeg's protocols do not say (0).
    fn unsent(&self) -> u64 {
        match self {
            Connection::Rtmp(publisher) => publisher.unsent(),
            Connection::Ffmpeg(_) => 0,
        }
    }

    fn finish(self) -> Result<(), OutputError> {
        match self {
            Connection::Rtmp(publisher) => publisher.finish(),
            Connection::Ffmpeg(muxer) => muxer.finish(),
        }
    }
}

/// What FFmpeg needs to open a URL: container, protocol options and muxer options.
struct FfmpegOutput {
    format: &'static str,
    io: Dictionary<'static>,
    muxer: Dictionary<'static>,
}

/// How FFmpeg opens a URL; `None` for `rtmp://`, which [`RtmpPublisher`] sends.
fn muxer_for(spec: &DestinationSpec) -> Result<Option<FfmpegOutput>, OutputError> {
    let mut io = Dictionary::new();
    let mut muxer = Dictionary::new();
    // A write that blocks this long fails, so a frozen server cannot hang the sink.
    io.set("rw_timeout", &IO_TIMEOUT.as_micros().to_string());
    let scheme = spec
        .url
        .split("://")
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let format = match scheme.as_str() {
        "rtmp" => return Ok(None),
        "rtmps" => {
            // FFmpeg leaves Nagle on: each handshake round trip then waits ~40 ms for a delayed
            // ACK, and going live takes 180 ms even on loopback.
            io.set("tcp_nodelay", "1");
            // A modest socket buffer (enough for 40 Mbps at 100 ms round trip) makes a slow
            // uplink push back within a second, so the congestion budget can act on it.
            io.set("send_buffer_size", "524288");
            // FFmpeg does not check certificates unless asked; Streamwerk always asks.
            io.set("tls_verify", "1");
            if let Some(ca) = &spec.ca_file {
                io.set("ca_file", &ca.display().to_string());
            }
            muxer.set("flvflags", "no_duration_filesize");
            "flv"
        }
        "srt" => {
            // Without linger the last ~230 ms in flight is lost when the stream closes.
            io.set("linger", "1");
            "mpegts"
        }
        _ => {
            return Err(OutputError::BadUrl {
                url: mask_url(&spec.url),
                reason: "use rtmp://, rtmps:// or srt://".into(),
            })
        }
    };
    Ok(Some(FfmpegOutput { format, io, muxer }))
}

/// Starts a destination's thread; it connects at once, in parallel with the others.
/// `keyframes` is raised when a reconnection is accepted, so viewers get pictures at once.
pub fn start_destination(
    spec: DestinationSpec,
    streams: &[StreamInfo],
    keyframes: KeyframeRequest,
) -> Result<Destination, OutputError> {
    crate::validate_url(&spec.url)?;
    muxer_for(&spec)?;
    let (feed, rx) = SinkFeed::new(
        format!("{} ({})", spec.name, mask_url(&spec.url)),
        DESTINATION_QUEUE,
        CONGESTION_BUDGET,
    );
    let status = Arc::new(DestinationStatus {
        state: Mutex::new(DestinationState::Connecting),
        reconnects: AtomicU64::new(0),
        retry_now: AtomicBool::new(false),
        live_since: Mutex::new(None),
    });
    let streams = streams.to_vec();
    let (stats, thread_status) = (feed.stats.clone(), status.clone());
    let thread = std::thread::Builder::new()
        .name(format!("sink-{}", spec.name))
        .spawn(move || run(&spec, &streams, &rx, &stats, &thread_status, &keyframes))
        .expect("spawning a thread");
    Ok(Destination {
        feed,
        status,
        thread,
    })
}

/// Why a session ended.
enum Ended {
    /// The program ended: the trailer was written.
    Finished,
    /// The connection failed; `accepted` tells whether the server took any media first.
    Failed { error: String, accepted: bool },
}

/// The server still holds the previous session's stream name: nginx-rtmp answers
/// `NetStream.Publish.BadName`, others say the stream is already publishing or in use.
fn name_in_use(error: &str) -> bool {
    let e = error.to_ascii_lowercase();
    ["badname", "already publishing", "in use", "already exists"]
        .iter()
        .any(|n| e.contains(n))
}

fn run(
    spec: &DestinationSpec,
    streams: &[StreamInfo],
    rx: &Receiver<Arc<EncodedPacket>>,
    stats: &SinkStats,
    status: &DestinationStatus,
    keyframes: &KeyframeRequest,
) -> Result<(), OutputError> {
    let mut attempt = 0u32;
    let mut rejections = 0u32;
    // Once media has gone out, the key and URL are known good: failures are an outage.
    let mut been_live = false;
    // The first session takes the program from its start; later ones wait for a keyframe.
    let mut first = true;
    loop {
        if first {
            status.set(&spec.name, DestinationState::Connecting);
        }
        let outcome = session(spec, streams, rx, stats, status, first, keyframes);
        first = false;
        let (ended, accepted_any) = match outcome {
            Ok(Ended::Finished) => {
                status.set(&spec.name, DestinationState::Stopped);
                return Ok(());
            }
            Ok(Ended::Failed { error, accepted }) => (error, accepted),
            Err(e) => (e.to_string(), false),
        };
        // Not writing now: no lag to measure until the next session writes.
        stats.written_ms.store(i64::MIN, Relaxed);
        // A server that is down refuses the connection: retry for as long as it takes. One
        // that answers and then drops us before taking media is rejecting the stream.
        if accepted_any {
            been_live = true;
            rejections = 0;
            attempt = 0;
        } else if !ended.to_ascii_lowercase().contains("refused") {
            rejections += 1;
        }
        let untrusted = ended.contains("certificate");
        let gave_up = if been_live {
            rejections >= RETRIES_AFTER_LIVE
        } else {
            rejections >= REJECTIONS_BEFORE_GIVING_UP
        };
        if untrusted || gave_up {
            let error = if untrusted {
                format!(
                    "{}: the server's TLS certificate is not trusted ({ended}); if the server is yours, \
                     trust its CA with --ca-file",
                    mask_url(&spec.url)
                )
            } else if been_live {
                format!(
                    "{}: off air after {rejections} failed reconnections in a row ({ended}); \
                     check the platform's status, then press Reconnect or go live again",
                    mask_url(&spec.url)
                )
            } else {
                format!(
                    "{}: the server ended {rejections} sessions in a row before accepting any media ({ended}); \
                     check the stream key and the application in the URL",
                    mask_url(&spec.url)
                )
            };
            tracing::error!("{error}");
            *stats.error.lock().unwrap() = Some(error.clone());
            status.set(&spec.name, DestinationState::Failed { error });
            // Keep draining so the fan-out sees a live queue; nothing more is sent.
            for _ in rx.iter() {
                stats.dropped.fetch_add(1, Relaxed);
            }
            return Ok(());
        }
        // Said apart from a wrong key: the name is only held by our own dead connection.
        let ended = if been_live && name_in_use(&ended) {
            format!(
                "the stream name is still in use by the previous connection; retrying ({ended})"
            )
        } else {
            ended
        };
        *stats.error.lock().unwrap() = Some(format!("{}: {ended}", mask_url(&spec.url)));
        attempt += 1;
        status.reconnects.fetch_add(1, Relaxed);
        let wait = spec.backoff.delay(attempt, jitter_unit());
        tracing::warn!(
            "{}: {ended}; reconnecting in {:.1} s",
            mask_url(&spec.url),
            wait.as_secs_f64()
        );
        status.set(
            &spec.name,
            DestinationState::Reconnecting {
                attempt,
                retry_in_ms: wait.as_millis() as u64,
                error: ended,
            },
        );
        if !wait_dropping(rx, wait, stats, status) {
            status.set(&spec.name, DestinationState::Stopped);
            return Ok(());
        }
    }
}

/// One connection: open, stream until the program ends or a write fails. The first session
/// takes the program from its start (x264's first packet is a keyframe); a later one waits
/// for the next keyframe, counting what it skips as dropped.
fn session(
    spec: &DestinationSpec,
    streams: &[StreamInfo],
    rx: &Receiver<Arc<EncodedPacket>>,
    stats: &SinkStats,
    status: &DestinationStatus,
    first: bool,
    keyframes: &KeyframeRequest,
) -> Result<Ended, OutputError> {
    let mut connection = match Connection::open(spec, streams) {
        Ok(c) => c,
        Err(e) => {
            return Ok(Ended::Failed {
                error: describe(&e),
                accepted: false,
            })
        }
    };
    if !first {
        keyframes.request();
    }
    *stats.error.lock().unwrap() = None;
    status.set(&spec.name, DestinationState::Live);
    let mut started = first;
    let mut keyframes = 0;
    loop {
        let packet = match rx.recv_timeout(UNSENT_REFRESH) {
            Ok(packet) => packet,
            // Nothing to write (the fan-out is dropping for this sink): the link still drains
            // the send buffer, which the rate must see.
            Err(RecvTimeoutError::Timeout) => {
                stats.unsent.store(connection.unsent(), Relaxed);
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => break,
        };
        // A new session starts at a keyframe so players can decode from its first packet.
        if !started {
            if packet.kind == StreamKind::Video && packet.is_key() {
                started = true;
            } else {
                stats.dropped.fetch_add(1, Relaxed);
                continue;
            }
        }
        if let Err(e) = connection.write(&packet) {
            forget_unsent(stats);
            // The first writes can land in the socket buffer of a server about to drop us:
            // media counts as accepted once a whole keyframe interval went out.
            return Ok(Ended::Failed {
                error: describe(&e),
                accepted: keyframes >= 2,
            });
        }
        if packet.kind == StreamKind::Video && packet.is_key() {
            keyframes += 1;
        }
        stats.written_ms.store(packet.time_ms(), Relaxed);
        stats.packets.fetch_add(1, Relaxed);
        stats.bytes.fetch_add(packet.size() as u64, Relaxed);
        stats.unsent.store(connection.unsent(), Relaxed);
    }
    // What the buffer still held is not known to have gone out, whatever closing manages.
    forget_unsent(stats);
    connection.finish()?;
    Ok(Ended::Finished)
}

/// How stale the count of unsent bytes may get while no packet comes.
const UNSENT_REFRESH: Duration = Duration::from_millis(250);

/// Counts the bytes left in a connection's send buffer as never sent: the connection is closing
/// or lost, and a new one's buffer must not be judged against them.
fn forget_unsent(stats: &SinkStats) {
    let unsent = stats.unsent.swap(0, Relaxed);
    stats.bytes.fetch_sub(unsent, Relaxed);
}

/// The cause of a failure in words, without the URL: the network's error ("Connection
/// refused", "Broken pipe"), or FFmpeg's and the detail it logged, if any ("Peer certificate
/// failed verification").
fn describe(e: &OutputError) -> String {
    let cause = match e {
        OutputError::Network { reason, .. } => return reason.clone(),
        OutputError::Open { source, .. } | OutputError::Write { source, .. } => source.to_string(),
        other => other.to_string(),
    };
    match streamwerk_encode::take_ffmpeg_errors() {
        Some(detail) if !detail.contains(&cause) => format!("{cause}: {detail}"),
        _ => cause,
    }
}

/// Waits `wait` while dropping (and counting) what the fan-out sends. Returns false when the
/// program ended meanwhile.
fn wait_dropping(
    rx: &Receiver<Arc<EncodedPacket>>,
    wait: Duration,
    stats: &SinkStats,
    status: &DestinationStatus,
) -> bool {
    let until = Instant::now() + wait;
    loop {
        if status.retry_now.swap(false, Relaxed) {
            return true;
        }
        let now = Instant::now();
        if now >= until {
            return true;
        }
        match rx.recv_timeout((until - now).min(Duration::from_millis(100))) {
            Ok(_) => {
                stats.dropped.fetch_add(1, Relaxed);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return false,
        }
    }
}

/// A number in [0, 1) from the clock's low bits: enough to spread retries, no RNG needed.
fn jitter_unit() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    (nanos % 1_000_003) as f64 / 1_000_003.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_name_held_by_the_dead_session_is_told_apart() {
        assert!(name_in_use(
            "the server answered NetStream.Publish.BadName after the request to publish"
        ));
        assert!(name_in_use("Stream is already publishing"));
        assert!(!name_in_use(
            "the server answered NetStream.Publish.Rejected after the request to publish"
        ));
        assert!(!name_in_use("Connection refused (os error 111)"));
    }

    #[test]
    fn backoff_grows_by_the_factor_up_to_the_cap_with_bounded_jitter() {
        let b = Backoff::default();
        assert_eq!(b.delay(1, 0.5), Duration::from_secs(2));
        assert_eq!(b.delay(2, 0.5), Duration::from_secs(3));
        assert_eq!(b.delay(3, 0.5), Duration::from_secs_f64(4.5));
        assert_eq!(b.delay(30, 0.5), Duration::from_secs(60));
        assert!(
            b.delay(1, 0.0) >= Duration::from_secs_f64(1.6)
                && b.delay(1, 0.999) <= Duration::from_secs_f64(2.4)
        );
    }
}
