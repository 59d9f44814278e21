//! Publishing to an `rtmp://` server over our own TCP socket. FFmpeg's RTMP writer sends every
//! 4096-byte chunk and its one-byte chunk header in separate system calls and polls the socket
//! after every packet: ~470 calls a second per destination at 4.5 Mbps. Here each RTMP message
//! (one encoded packet) leaves in one write, and the server's few messages (acknowledgements,
//! pings) are read once a second. `rml_rtmp` does the protocol: handshake, commands, chunking.

use crate::{flv, OutputError};
use bytes::Bytes;
use rml_rtmp::handshake::{Handshake, HandshakeProcessResult, PeerType};
use rml_rtmp::sessions::{
    ClientSession, ClientSessionConfig, ClientSessionEvent, ClientSessionResult,
    PublishRequestType, StreamMetadata,
};
use rml_rtmp::time::RtmpTimestamp;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};
use streamwerk_encode::ffmpeg::Rational;
use streamwerk_encode::{EncodedPacket, StreamInfo, StreamKind};

/// How often the server's messages are read while publishing. nginx-rtmp, for one, drops a
/// client that leaves its ping unanswered for 30 s.
const POLL_INPUT: Duration = Duration::from_secs(1);
/// Audio messages held back to leave with the next video frame, at most.
const HOLD_AUDIO: u32 = 4;
/// How long a closing connection may take to hand over what is still in flight.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);
/// Enough for 40 Mbps at 100 ms round trip; a slow uplink pushes back within a second, so the
/// congestion budget can act on it.
const SEND_BUFFER: usize = 512 * 1024;

/// Where an `rtmp://host[:port]/app[/instance]/key` URL points. As in OBS, the last path
/// segment (with any query) is the stream key and everything before it the application.
#[derive(Debug, PartialEq)]
struct Target {
    host: String,
    port: u16,
    app: String,
    key: String,
    tc_url: String,
}

impl Target {
    fn parse(url: &str) -> Result<Target, String> {
        let rest = match url.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("rtmp") => rest,
            _ => return Err("not an rtmp:// URL".into()),
        };
        let (authority, path) = rest.split_once('/').ok_or("the URL has no application")?;
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !authority.ends_with(']') => (
                host,
                port.parse::<u16>()
                    .map_err(|_| "the port is not a number from 1 to 65535")?,
            ),
            _ => (authority, 1935),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let (base, query) = match path.split_once('?') {
            Some((base, query)) => (base, Some(query)),
            None => (path, None),
        };
        let base = base.trim_end_matches('/');
        let (app, key) = base
            .rsplit_once('/')
            .ok_or("an RTMP URL needs an application and a stream key: rtmp://host/app/key")?;
        let key = match query {
            Some(query) => format!("{key}?{query}"),
            None => key.to_string(),
        };
        Ok(Target {
            host: host.to_string(),
            port,
            app: app.to_string(),
            key,
            tc_url: format!("rtmp://{authority}/{app}"),
        })
    }
}

/// One publishing session on an RTMP server.
pub struct RtmpPublisher {
    socket: TcpStream,
    session: ClientSession,
    label: String,
    video_time_base: Rational,
    audio_time_base: Rational,
    /// The tag body being built; its capacity is kept from packet to packet.
    body: Vec<u8>,
    /// Audio messages not sent yet: they leave with the next video frame, in one write.
    held: Vec<u8>,
    held_messages: u32,
    input: Box<[u8; 4096]>,
    next_poll: Instant,
}

impl RtmpPublisher {
    /// Connects, publishes the stream key and sends the metadata and both sequence headers.
    /// `label` names the destination in errors (the URL with its key masked); `timeout` bounds
    /// each network wait, and later each blocked write.
    pub fn connect(
        url: &str,
        label: &str,
        streams: &[StreamInfo],
        timeout: Duration,
    ) -> Result<RtmpPublisher, OutputError> {
        let fail = |reason: String| OutputError::Network {
            target: label.to_string(),
            reason,
        };
        let target = Target::parse(url).map_err(|e| fail(e.to_string()))?;
        let socket = connect_tcp(&target.host, target.port, timeout).map_err(fail)?;
        let time_base = |kind| {
            streams
                .iter()
                .find(|s| s.kind == kind)
                .map_or(Rational::new(1, 1000), |s| s.time_base)
        };
        let mut publisher = RtmpPublisher {
            session: ClientSession::new(ClientSessionConfig {
                tc_url: Some(target.tc_url.clone()),
                ..ClientSessionConfig::new()
            })
            .map_err(|e| fail(e.to_string()))?
            .0,
            socket,
            label: label.to_string(),
            video_time_base: time_base(StreamKind::Video),
            audio_time_base: time_base(StreamKind::Audio),
            body: Vec::with_capacity(256 * 1024),
            held: Vec::with_capacity(16 * 1024),
            held_messages: 0,
            input: Box::new([0; 4096]),
            next_poll: Instant::now() + POLL_INPUT,
        };
        publisher.start(&target, streams, timeout).map_err(fail)?;
        Ok(publisher)
    }

    fn start(
        &mut self,
        target: &Target,
        streams: &[StreamInfo],
        timeout: Duration,
    ) -> Result<(), String> {
        let io = |e: std::io::Error| e.to_string();
        self.socket.set_nodelay(true).map_err(io)?;
        self.socket.set_read_timeout(Some(timeout)).map_err(io)?;
        self.socket.set_write_timeout(Some(timeout)).map_err(io)?;
        socket2::SockRef::from(&self.socket)
            .set_send_buffer_size(SEND_BUFFER)
            .map_err(io)?;

        let leftover = self.handshake()?;
        let connect = self
            .session
            .request_connection(target.app.clone())
            .map_err(|e| e.to_string())?;
        self.send(connect)?;
        let during = format!("while connecting to the application '{}'", target.app);
        self.await_event(leftover, &during, |e| {
            matches!(e, ClientSessionEvent::ConnectionRequestAccepted)
        })?;
        let publish = self
            .session
            .request_publishing(target.key.clone(), PublishRequestType::Live)
            .map_err(|e| e.to_string())?;
        self.send(publish)?;
        self.await_event(Vec::new(), "after the request to publish", |e| {
            matches!(e, ClientSessionEvent::PublishRequestAccepted)
        })?;

        let metadata = self
            .session
            .publish_metadata(&metadata(streams))
            .map_err(|e| e.to_string())?;
        self.send(metadata)?;
        for info in streams {
            let header = match info.kind {
                StreamKind::Video => {
                    flv::avc_sequence_header(&mut self.body, info.extradata())
                        .ok_or("the H.264 encoder gave no SPS and PPS")?;
                    self.session
                        .publish_video_data(body(&self.body), RtmpTimestamp::new(0), false)
                }
                StreamKind::Audio => {
                    flv::aac_sequence_header(&mut self.body, info.extradata());
                    self.session
                        .publish_audio_data(body(&self.body), RtmpTimestamp::new(0), false)
                }
            };
            self.send(header.map_err(|e| e.to_string())?)?;
        }
        Ok(())
    }

    /// The RTMP handshake; returns what the server sent beyond it.
    fn handshake(&mut self) -> Result<Vec<u8>, String> {
        let mut handshake = Handshake::new(PeerType::Client);
        let hello = handshake
            .generate_outbound_p0_and_p1()
            .map_err(|e| e.to_string())?;
        self.write_all(&hello)?;
        loop {
            let n = self.read("during the RTMP handshake")?;
            match handshake
                .process_bytes(&self.input[..n])
                .map_err(|e| format!("the RTMP handshake failed: {e}"))?
            {
                HandshakeProcessResult::InProgress { response_bytes } => {
                    self.write_all(&response_bytes)?
                }
                HandshakeProcessResult::Completed {
                    response_bytes,
                    remaining_bytes,
                } => {
                    self.write_all(&response_bytes)?;
                    return Ok(remaining_bytes);
                }
            }
        }
    }

    /// Reads and answers the server until `wanted` happens; a refusal or a closed connection
    /// is an error that says `during` what.
    fn await_event(
        &mut self,
        mut pending: Vec<u8>,
        during: &str,
        wanted: impl Fn(&ClientSessionEvent) -> bool,
    ) -> Result<(), String> {
        loop {
            if pending.is_empty() {
                let n = self.read(during)?;
                pending.extend_from_slice(&self.input[..n]);
            }
            // Everything is answered before returning: the server's chunk size comes with the
            // acceptance of the connection, and ours follows it.
            let events = self.answer(&pending, during)?;
            pending.clear();
            let mut done = false;
            for event in events {
                match event {
                    event if wanted(&event) => done = true,
                    ClientSessionEvent::ConnectionRequestRejected { description } => {
                        return Err(format!("the server refused the connection: {description}"))
                    }
                    ClientSessionEvent::UnhandleableOnStatusCode { code } => {
                        return Err(format!("the server answered {code} {during}"))
                    }
                    _ => {}
                }
            }
            if done {
                return Ok(());
            }
        }
    }

    /// Sends one encoded packet as one RTMP message, in one write.
    pub fn write(&mut self, packet: &EncodedPacket) -> Result<(), OutputError> {
        self.write_packet(packet)
            .map_err(|reason| self.error(reason))
    }

    /// Bytes written to the socket that the network has not taken yet (still queued or not
    /// yet acknowledged), so a rate counts what the link carried rather than what filled the
    /// send buffer. 0 where the platform does not say (Windows).
    pub fn unsent(&self) -> u64 {
        unsent_bytes(&self.socket)
    }

    fn error(&self, reason: String) -> OutputError {
        OutputError::Network {
            target: self.label.clone(),
            reason,
        }
    }

    fn write_packet(&mut self, packet: &EncodedPacket) -> Result<(), String> {
        let message = match packet.kind {
            StreamKind::Video => {
                let dts = to_ms(packet.dts().unwrap_or(0), self.video_time_base);
                let pts = to_ms(packet.pts().unwrap_or(0), self.video_time_base);
                let dts = dts.max(0);
                flv::avc_frame(
                    &mut self.body,
                    packet.is_key(),
                    (pts - dts) as i32,
                    packet.data(),
                );
                self.session.publish_video_data(
                    body(&self.body),
                    RtmpTimestamp::new(dts as u32),
                    false,
                )
            }
            StreamKind::Audio => {
                let pts = to_ms(packet.pts().unwrap_or(0), self.audio_time_base).max(0);
                flv::aac_frame(&mut self.body, packet.data());
                self.session.publish_audio_data(
                    body(&self.body),
                    RtmpTimestamp::new(pts as u32),
                    false,
                )
            }
        };
        let message = message.map_err(|e| e.to_string())?;
        if packet.kind == StreamKind::Audio && self.held_messages < HOLD_AUDIO {
            // Each write costs a system call and, on the receiving end, a wake-up: audio
            // (47 packets a second) waits for the next video frame (30), at most ~80 ms.
            if let ClientSessionResult::OutboundResponse(packet) = message {
                self.held.extend_from_slice(&packet.bytes);
                self.held_messages += 1;
            }
            return Ok(());
        }
        self.send(message)?;
        if Instant::now() >= self.next_poll {
            self.next_poll = Instant::now() + POLL_INPUT;
            self.poll_input()?;
        }
        Ok(())
    }

    /// Answers whatever the server sent meanwhile (pings, acknowledgement windows) without
    /// waiting for more.
    fn poll_input(&mut self) -> Result<(), String> {
        let io = |e: std::io::Error| e.to_string();
        self.socket.set_nonblocking(true).map_err(io)?;
        let mut received = Vec::new();
        let outcome = loop {
            match self.socket.read(&mut self.input[..]) {
                Ok(0) => break Err("the server closed the connection".to_string()),
                Ok(n) => received.extend_from_slice(&self.input[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => break Ok(()),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => break Err(e.to_string()),
            }
        };
        self.socket.set_nonblocking(false).map_err(io)?;
        for event in self.answer(&received, "while streaming")? {
            if let ClientSessionEvent::UnhandleableOnStatusCode { code } = event {
                tracing::warn!("{}: the server says {code}", self.label);
            }
        }
        outcome
    }

    /// Hands what the server sent to the session, sends every answer it makes (acknowledgements,
    /// pongs, our chunk size) and returns what happened.
    fn answer(&mut self, input: &[u8], during: &str) -> Result<Vec<ClientSessionEvent>, String> {
        if input.is_empty() {
            return Ok(Vec::new());
        }
        let results = self
            .session
            .handle_input(input)
            .map_err(|e| format!("the server sent something unreadable {during}: {e}"))?;
        let mut events = Vec::new();
        for result in results {
            match result {
                ClientSessionResult::RaisedEvent(event) => events.push(event),
                other => self.send(other)?,
            }
        }
        Ok(events)
    }

    /// Ends the stream and closes the connection once the server has read everything.
    pub fn finish(mut self) -> Result<(), OutputError> {
        let stop = self.session.stop_publishing().map_err(|e| e.to_string());
        for result in stop.map_err(|reason| self.error(reason))? {
            self.send(result).map_err(|reason| self.error(reason))?;
        }
        // Closing with unread input would reset the connection, and the server could lose the
        // stream's last second: half-close, then read until the server closes its side.
        let _ = self.socket.shutdown(Shutdown::Write);
        let until = Instant::now() + CLOSE_TIMEOUT;
        let _ = self.socket.set_read_timeout(Some(CLOSE_TIMEOUT));
        while Instant::now() < until {
            match self.socket.read(&mut self.input[..]) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        Ok(())
    }

    fn send(&mut self, result: ClientSessionResult) -> Result<(), String> {
        match result {
            ClientSessionResult::OutboundResponse(packet) => self.write_all(&packet.bytes),
            _ => Ok(()),
        }
    }

    /// Writes `bytes` after any held audio, in one system call where the socket takes it all.
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), String> {
        let written = if self.held.is_empty() {
            self.socket.write_all(bytes)
        } else {
            self.held.extend_from_slice(bytes);
            self.held_messages = 0;
            let written = self.socket.write_all(&self.held);
            self.held.clear();
            written
        };
        written.map_err(|e| match e.kind() {
            ErrorKind::WouldBlock | ErrorKind::TimedOut => {
                "the server took nothing for too long".to_string()
            }
            ErrorKind::BrokenPipe | ErrorKind::ConnectionReset => {
                "the server closed the connection".to_string()
            }
            _ => e.to_string(),
        })
    }

    /// Reads what the server sent while setting up the stream.
    fn read(&mut self, during: &str) -> Result<usize, String> {
        // nginx-rtmp sends its answers to `connect` as separate small writes with Nagle on:
        // each waits for our ACK, which Linux delays by 40 ms unless asked not to.
        #[cfg(target_os = "linux")]
        let _ = socket2::SockRef::from(&self.socket).set_tcp_quickack(true);
        loop {
            return match self.socket.read(&mut self.input[..]) {
                Ok(0) => Err(format!("the server closed the connection {during}")),
                Ok(n) => Ok(n),
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    Err(format!("the server did not answer {during}"))
                }
                Err(e) => Err(format!("{e} {during}")),
            };
        }
    }
}

/// The tag body as the `Bytes` rml_rtmp takes; it is chunked into a new buffer at once.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn unsent_bytes(socket: &TcpStream) -> u64 {
    use std::os::fd::AsRawFd;
    let mut queued: libc::c_int = 0;
    // SAFETY: TIOCOUTQ (SIOCOUTQ) writes one int through the pointer, which outlives the call.
    let ok = unsafe { libc::ioctl(socket.as_raw_fd(), libc::TIOCOUTQ, &mut queued) } == 0;
    if ok {
        queued.max(0) as u64
    } else {
        0
    }
}

#[cfg(target_vendor = "apple")]
fn unsent_bytes(socket: &TcpStream) -> u64 {
    use std::os::fd::AsRawFd;
    let mut queued: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: SO_NWRITE writes at most `len` bytes into `queued`, which outlives the call.
    let ok = unsafe {
        libc::getsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_NWRITE,
            (&mut queued as *mut libc::c_int).cast(),
            &mut len,
        )
    } == 0;
    if ok {
        queued.max(0) as u64
    } else {
        0
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn unsent_bytes(_socket: &TcpStream) -> u64 {
    0
}

fn body(tag: &[u8]) -> Bytes {
    Bytes::copy_from_slice(tag)
}

/// Opens a TCP connection to the first address of `host` that answers within `timeout`.
fn connect_tcp(host: &str, port: u16, timeout: Duration) -> Result<TcpStream, String> {
    let addresses = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve the host name '{host}': {e}"))?;
    let mut last = format!("'{host}' has no address");
    for address in addresses {
        match TcpStream::connect_timeout(&address, timeout) {
            Ok(socket) => return Ok(socket),
            Err(e) => last = e.to_string(),
        }
    }
    Err(last)
}

/// `ts` in `time_base` as milliseconds, rounded to nearest like FFmpeg's rescaling, so that
/// every destination carries the same timestamps as the recording.
fn to_ms(ts: i64, time_base: Rational) -> i64 {
    let (num, den) = (
        time_base.numerator() as i64 * 1000,
        time_base.denominator() as i64,
    );
    let scaled = ts * num;
    if scaled >= 0 {
        (scaled + den / 2) / den
    } else {
        -((-scaled + den / 2) / den)
    }
}

/// The `onMetaData` a player shows: size, rate, codecs, bit rates.
fn metadata(streams: &[StreamInfo]) -> StreamMetadata {
    let mut m = StreamMetadata::new();
    for info in streams {
        let shape = info.shape();
        let kbps = Some((shape.bit_rate / 1000) as u32);
        match info.kind {
            StreamKind::Video => {
                m.video_width = Some(shape.width);
                m.video_height = Some(shape.height);
                m.video_codec_id = Some(7);
                m.video_frame_rate = Some(f64::from(info.time_base.invert()) as f32);
                m.video_bitrate_kbps = kbps;
            }
            StreamKind::Audio => {
                m.audio_codec_id = Some(10);
                m.audio_sample_rate = Some(shape.sample_rate);
                m.audio_channels = Some(shape.channels);
                m.audio_is_stereo = Some(shape.channels == 2);
                m.audio_bitrate_kbps = kbps;
            }
        }
    }
    m.encoder = Some(format!("Streamwerk {}", env!("CARGO_PKG_VERSION")));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_server_application_and_key_as_obs_does() {
        let t = Target::parse("rtmp://a.rtmp.youtube.com/live2/abcd-efgh").unwrap();
        assert_eq!(
            t,
            Target {
                host: "a.rtmp.youtube.com".into(),
                port: 1935,
                app: "live2".into(),
                key: "abcd-efgh".into(),
                tc_url: "rtmp://a.rtmp.youtube.com/live2".into(),
            }
        );
        let t =
            Target::parse("rtmp://127.0.0.1:19350/app/instance/key?bandwidthtest=true").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("127.0.0.1", 19350));
        assert_eq!(t.app, "app/instance");
        assert_eq!(t.key, "key?bandwidthtest=true");
        assert_eq!(t.tc_url, "rtmp://127.0.0.1:19350/app/instance");
        let t = Target::parse("rtmp://[::1]:1936/live/k").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 1936));
        assert!(Target::parse("rtmp://host/live").is_err());
        assert!(Target::parse("rtmp://host:http/live/k").is_err());
    }

    #[test]
    fn timestamps_round_to_the_nearest_millisecond_like_ffmpeg() {
        let video = Rational::new(1, 30);
        assert_eq!(
            [0, 1, 2, 3].map(|t| to_ms(t, video)),
            [0, 33, 67, 100],
            "33.3 and 66.7 ms"
        );
        let audio = Rational::new(1, 48000);
        assert_eq!(to_ms(1024, audio), 21);
        assert_eq!(to_ms(-1, video), -33);
    }
}
