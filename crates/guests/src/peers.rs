//! The one UDP socket every guest's WebRTC runs over, and the `guest-rtc` thread that drives
//! str0m for all of them: a datagram goes to the session that accepts it, each session's
//! video goes to its decoder, and a session that disconnects (or is asked to leave) is closed
//! and its slot's feed marked empty.

use crate::audio::AudioDecoder;
use crate::back::Return;
use crate::iso::{IsoPacket, IsoWriter};
use crate::lobby::Lobby;
use crate::show_picture::{ShowFrame, Viewers};
use crate::video::VideoDecoder;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::Arc;
use std::time::{Duration, Instant};
use str0m::format::Codec;
use str0m::media::{Frequency, KeyframeRequestKind, MediaKind, MediaTime, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Event, IceConnectionState, Input, Output, Rtc};
use streamwerk_media::feeds::Feed;

/// A guest's session, handed to the thread once its answer is made.
pub(crate) struct Peer {
    pub id: u64,
    pub rtc: Rtc,
    pub video: VideoDecoder,
    /// The video line, once the guest's offer added one.
    pub video_mid: Option<Mid>,
    pub audio: AudioDecoder,
    pub audio_mid: Option<Mid>,
    /// The guest's slot: what they hear is queued there.
    pub feed: Arc<Feed>,
    /// What they hear, once connected (none when no Opus encoder could be made).
    pub back: Option<Return>,
    /// When their media last arrived: a guest whose browser died says no goodbye.
    pub last_media: Option<Instant>,
    /// Nothing has arrived for [`STALL`]: their card shows until media comes again.
    pub stalled: bool,
    /// Their ISO file, while on air and the show records.
    pub iso: Option<IsoWriter>,
}

/// Silence from a guest this long shows their card (their browser died, or their network).
const STALL: Duration = Duration::from_secs(2);
/// Silence this long ends the session: the slot is free for them to join again.
const GONE: Duration = Duration::from_secs(15);

/// What the HTTP side tells the thread.
pub(crate) enum Control {
    Join(Box<Peer>),
    Leave(u64),
}

/// The longest the thread sleeps with nothing to do: new sessions wait no longer.
const IDLE: Duration = Duration::from_millis(20);

/// Runs the sessions on `socket` until the control channel closes; `show` brings the show's
/// picture for them, made while `viewers` says anyone watches.
pub(crate) fn run(
    socket: UdpSocket,
    control: Receiver<Control>,
    lobby: &Lobby,
    show: &Receiver<ShowFrame>,
    viewers: &Viewers,
) {
    let local = socket.local_addr().expect("a bound socket");
    let mut peers: Vec<Peer> = Vec::new();
    let mut buf = vec![0u8; 2000];
    loop {
        let watching = peers.iter_mut().filter_map(sees_show).count();
        viewers.watching.store(watching, Relaxed);
        for frame in show.try_iter() {
            peers.iter_mut().for_each(|p| send_show(p, &frame));
        }
        loop {
            match control.try_recv() {
                Ok(Control::Join(peer)) => peers.push(*peer),
                Ok(Control::Leave(id)) => peers.retain(|p| {
                    let stays = p.id != id;
                    if !stays {
                        close(p, lobby);
                    }
                    stays
                }),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    peers.iter().for_each(|p| close(p, lobby));
                    viewers.closed.store(true, Relaxed);
                    return;
                }
            }
        }
        let mut next = Instant::now() + IDLE;
        peers.retain_mut(|p| {
            let due = drive(p, &socket, lobby, viewers).filter(|_| alive(p, lobby));
            iso(p, lobby);
            match due {
                Some(at) => {
                    next = next.min(at);
                    true
                }
                None => {
                    close(p, lobby);
                    false
                }
            }
        });
        let wait = next
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(1));
        socket
            .set_read_timeout(Some(wait))
            .expect("a timeout above zero");
        if let Ok((n, source)) = socket.recv_from(&mut buf) {
            receive(&mut peers, source, local, &buf[..n]);
        }
        let now = Instant::now();
        for p in &mut peers {
            // A session that fails here is closed on the next round, where poll_output fails.
            let _ = p.rtc.handle_input(Input::Timeout(now));
            if let (Some(back), Some(mid)) = (&mut p.back, p.audio_mid) {
                back.send(&p.feed, &mut p.rtc, mid);
            }
        }
    }
}

/// Whether a session still hears from its guest: after [`STALL`] of silence their slot shows
/// the card, after [`GONE`] the session ends.
fn alive(p: &mut Peer, lobby: &Lobby) -> bool {
    let Some(last) = p.last_media else {
        return true;
    };
    let quiet = last.elapsed();
    if quiet > STALL && !p.stalled {
        p.stalled = true;
        lobby.stalled(p.id);
        tracing::info!("guest session {}: nothing for {STALL:?}", p.id);
    }
    quiet < GONE
}

/// Starts or ends the session's ISO file as its guest goes on and off air and the show
/// starts and stops recording.
fn iso(p: &mut Peer, lobby: &Lobby) {
    match (lobby.iso_for(p.id), &p.iso) {
        (Some((plan, slot)), None) => {
            p.iso = Some(IsoWriter::start(&plan, &slot));
            // The file starts at a keyframe: ask for one now rather than wait for the next.
            p.video.ask_keyframe();
        }
        (None, Some(_)) => p.iso = None,
        _ => {}
    }
}

/// Hands one datagram to the session that accepts it.
fn receive(peers: &mut [Peer], source: SocketAddr, destination: SocketAddr, data: &[u8]) {
    let Ok(contents) = data.try_into() else {
        return;
    };
    let input = Input::Receive(
        Instant::now(),
        Receive {
            proto: Protocol::Udp,
            source,
            destination,
            contents,
        },
    );
    if let Some(p) = peers.iter_mut().find(|p| p.rtc.accepts(&input)) {
        if let Err(e) = p.rtc.handle_input(input) {
            tracing::debug!("guest session {}: {e}", p.id);
        }
    }
}

/// Sends what the session has to send and acts on its events; returns when it next needs
/// time, or None when it has ended.
fn drive(p: &mut Peer, socket: &UdpSocket, lobby: &Lobby, viewers: &Viewers) -> Option<Instant> {
    loop {
        match p.rtc.poll_output() {
            Ok(Output::Timeout(at)) => return Some(at),
            Ok(Output::Transmit(t)) => {
                let _ = socket.send_to(&t.contents, t.destination);
            }
            Ok(Output::Event(event)) => {
                if !on_event(p, event, lobby, viewers) {
                    return None;
                }
            }
            Err(e) => {
                tracing::info!("guest session {} ended: {e}", p.id);
                return None;
            }
        }
    }
}

/// Acts on one event of a session; false when the session has ended.
fn on_event(p: &mut Peer, event: Event, lobby: &Lobby, viewers: &Viewers) -> bool {
    if let Event::MediaData(_) = event {
        p.last_media = Some(Instant::now());
        if p.stalled {
            p.stalled = false;
            lobby.connected(p.id);
        }
    }
    match event {
        Event::IceConnectionStateChange(IceConnectionState::Disconnected) => return false,
        Event::Connected => {
            lobby.connected(p.id);
            // Their browser starts the show's picture at a keyframe.
            viewers.keyframe.store(true, Relaxed);
            p.back = Return::new()
                .inspect_err(|e| tracing::warn!("guest {}: no Opus encoder: {e}", p.id))
                .ok();
            tracing::info!("guest session {} connected", p.id);
        }
        Event::KeyframeRequest(asked) if Some(asked.mid) == p.video_mid => {
            viewers.keyframe.store(true, Relaxed);
        }
        Event::MediaAdded(added) if added.kind == MediaKind::Video => p.video_mid = Some(added.mid),
        Event::MediaAdded(added) if added.kind == MediaKind::Audio => p.audio_mid = Some(added.mid),
        Event::MediaData(data) if Some(data.mid) == p.audio_mid => {
            if let Some(iso) = &p.iso {
                iso.send(IsoPacket::Audio {
                    data: data.data.clone(),
                    at: Instant::now(),
                });
            }
            p.audio.send(data.data, data.contiguous);
        }
        Event::MediaData(data) if Some(data.mid) == p.video_mid => {
            let keyframe = data.is_keyframe();
            if let Some(iso) = &mut p.iso {
                if iso.wants_keyframe(keyframe) {
                    p.video.ask_keyframe();
                }
                iso.send(IsoPacket::Video {
                    codec: data.params.spec().codec,
                    data: data.data.clone(),
                    keyframe,
                    at: Instant::now(),
                });
            }
            p.video.send(
                data.params.spec().codec,
                data.data,
                keyframe,
                data.contiguous,
            );
            if p.video.take_keyframe_request() {
                if let Some(mut writer) = p.rtc.writer(data.mid) {
                    let _ = writer.request_keyframe(data.rid, KeyframeRequestKind::Pli);
                }
            }
        }
        _ => {}
    }
    true
}

/// The video line and VP8 payload type the show's picture goes out on, when the guest is
/// connected and their browser takes pictures on that line.
fn sees_show(p: &mut Peer) -> Option<(Mid, str0m::format::PayloadParams)> {
    let mid = p.video_mid?;
    if !p.rtc.is_connected() || !p.rtc.media(mid)?.direction().is_sending() {
        return None;
    }
    let writer = p.rtc.writer(mid)?;
    let vp8 = writer
        .payload_params()
        .find(|params| params.spec().codec == Codec::Vp8)
        .copied();
    vp8.map(|params| (mid, params))
}

/// Sends one picture of the show to a guest who sees it.
fn send_show(p: &mut Peer, frame: &ShowFrame) {
    let Some((mid, params)) = sees_show(p) else {
        return;
    };
    let Some(writer) = p.rtc.writer(mid) else {
        return;
    };
    let at = MediaTime::new(frame.rtp, Frequency::NINETY_KHZ);
    if let Err(e) = writer.write(params.pt(), Instant::now(), at, frame.data.to_vec()) {
        tracing::debug!("guest session {}: a show picture not sent: {e}", p.id);
    }
}

/// A session's end: its slot is empty again (the source shows its card).
fn close(p: &Peer, lobby: &Lobby) {
    lobby.ended(p.id);
}
