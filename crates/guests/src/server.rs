//! The guest endpoint: its own HTTP listener (off unless asked for), apart from the studio's
//! loopback control API. `GET /guest/SLOT` serves the guest page; `POST /whip/SLOT` takes the
//! guest's SDP offer with the link's token as Bearer and answers 201 with the SDP answer and a
//! `Location`, as WHIP (RFC 9725) has it; `DELETE` on that location leaves, and `GET` on it
//! tells the page where the guest stands (lobby, on air, removed). The host moves guests
//! through [`GuestEndpoint`]'s methods.

use crate::audio::AudioDecoder;
use crate::ice::IceServers;
use crate::invites::Invites;
use crate::iso::IsoPlan;
use crate::listen::{self, Tls};
use crate::lobby::{GuestStatus, Limits, Lobby, Stage, Standing};
use crate::peers::{self, Control, Peer};
use crate::show_picture::{self, Viewers};
use crate::video::VideoDecoder;
use crate::GuestError;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Arc;
use std::time::Instant;
use str0m::change::SdpOffer;
use str0m::config::CryptoProvider;
use str0m::{Candidate, RtcConfig};
use streamwerk_media::feeds::Feed;

/// An offer larger than this is not a browser's: refused before it is parsed.
const MAX_SDP: usize = 32 * 1024;

pub struct EndpointConfig {
    /// Where the endpoint listens (its HTTP port; the media socket takes a free UDP port on the
    /// same address).
    pub bind: SocketAddr,
    /// The built UI, whose `guest.html` and assets the endpoint serves.
    pub page: PathBuf,
    /// Guests on air and waiting at once, at most.
    pub limits: Limits,
    /// Guests go on air as they arrive, without waiting in the lobby (unattended shows).
    pub auto_admit: bool,
    /// The STUN and TURN servers guests' browsers are given.
    pub ice: IceServers,
    /// HTTPS, required off loopback.
    pub tls: Option<Tls>,
    /// The host name links carry (the certificate's), instead of the address.
    pub public_host: Option<String>,
}

/// The longest name a guest may type; longer ones are cut.
const MAX_NAME: usize = 64;

/// A running endpoint; dropping it stops it and ends every guest's session.
pub struct GuestEndpoint {
    /// Where it listens for HTTP.
    pub addr: SocketAddr,
    /// What links start with: scheme, host and port.
    base: String,
    invites: Arc<Invites>,
    lobby: Arc<Lobby>,
    control: SyncSender<Control>,
    _runtime: tokio::runtime::Runtime,
}

/// What the request handlers share.
struct Shared {
    invites: Arc<Invites>,
    control: SyncSender<Control>,
    media: SocketAddr,
    page: PathBuf,
    next_id: AtomicU64,
    lobby: Arc<Lobby>,
    ice: IceServers,
    /// DTLS and SRTP, in pure Rust.
    crypto: Arc<CryptoProvider>,
}

impl GuestEndpoint {
    /// Starts listening. Plain HTTP is allowed on loopback only: browsers give a page its
    /// camera only in a secure context, which `http://127.0.0.1` is and a LAN address is not.
    pub fn start(config: EndpointConfig) -> Result<GuestEndpoint, GuestError> {
        let listen_error = |reason: String| GuestError::Listen {
            addr: config.bind.to_string(),
            reason,
        };
        listen::check(config.bind, config.tls.as_ref())?;
        let udp =
            UdpSocket::bind((config.bind.ip(), 0)).map_err(|e| listen_error(e.to_string()))?;
        let media = udp.local_addr().map_err(|e| listen_error(e.to_string()))?;
        let (control, commands) = sync_channel(16);
        let lobby = Arc::new(Lobby::new(config.auto_admit, config.limits));
        let ended = lobby.clone();
        let viewers = Arc::new(Viewers::default());
        let show = show_picture::start(viewers.clone());
        std::thread::Builder::new()
            .name("guest-rtc".into())
            .spawn(move || peers::run(udp, commands, &ended, &show, &viewers))
            .expect("spawning a thread");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("guest-http")
            .enable_all()
            .build()
            .map_err(|e| listen_error(e.to_string()))?;
        let listener =
            std::net::TcpListener::bind(config.bind).map_err(|e| listen_error(e.to_string()))?;
        let addr = listener
            .local_addr()
            .map_err(|e| listen_error(e.to_string()))?;
        let invites = Arc::new(Invites::default());
        let shared = Arc::new(Shared {
            invites: invites.clone(),
            control: control.clone(),
            media,
            page: config.page,
            next_id: AtomicU64::new(1),
            lobby: lobby.clone(),
            ice: config.ice,
            crypto: Arc::new(str0m::crypto::from_feature_flags()),
        });
        let assets = tower_http::services::ServeDir::new(shared.page.join("assets"));
        let router = Router::new()
            .route("/guest/{slot}", get(page))
            .route("/whip/{slot}", post(offer).options(ice_servers))
            .route("/whip/{slot}/{id}", get(standing).delete(leave))
            // The page's relative asset paths resolve beside /guest/SLOT.
            .nest_service("/guest/assets", assets)
            .layer(DefaultBodyLimit::max(MAX_SDP))
            .with_state(shared);
        listen::serve(&runtime, listener, router, config.tls.as_ref())?;
        let scheme = if config.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let host = config.public_host.unwrap_or_else(|| addr.ip().to_string());
        Ok(GuestEndpoint {
            base: format!("{scheme}://{host}:{}", addr.port()),
            addr,
            invites,
            lobby,
            control,
            _runtime: runtime,
        })
    }

    /// Everyone in the studio or its lobby, by slot.
    pub fn guests(&self) -> Vec<GuestStatus> {
        self.lobby.statuses()
    }

    /// Lets `slot`'s guest on air (refused past the limit on air).
    pub fn admit(&self, slot: &str) -> Result<(), GuestError> {
        self.lobby
            .set_stage(slot, Stage::OnAir)
            .map_err(GuestError::Refused)
    }

    /// Sends `slot`'s guest back to the lobby: off every canvas and return at once.
    pub fn send_back(&self, slot: &str) -> Result<(), GuestError> {
        self.lobby
            .set_stage(slot, Stage::Lobby)
            .map_err(GuestError::Refused)
    }

    /// Ends `slot`'s guest's session. Their link stays good (a new link revokes it).
    pub fn remove(&self, slot: &str) -> Result<(), GuestError> {
        let id = self.lobby.remove(slot).map_err(GuestError::Refused)?;
        let _ = self.control.send(Control::Leave(id));
        Ok(())
    }

    /// While the show records (`Some`), each guest on air is also written to a file of their
    /// own (docs/guests.md, ISO recordings); `None` ends those files.
    pub fn record_isos(&self, plan: Option<IsoPlan>) {
        *self.lobby.iso.lock().unwrap() = plan;
    }

    /// What the guest pages say about the show: recorded, live.
    pub fn set_show(&self, recording: bool, live: bool) {
        self.lobby.recording.store(recording, Relaxed);
        self.lobby.live.store(live, Relaxed);
    }

    /// A new invite link for `slot` (the slot's previous link stops working).
    pub fn invite(&self, slot: &str) -> Result<String, GuestError> {
        let token = self
            .invites
            .new_link(slot)
            .map_err(|e| GuestError::Refused(format!("no random token: {e}")))?;
        Ok(format!("{}/guest/{slot}#{token}", self.base))
    }
}

/// The guest page, with a policy that lets it reach only its own endpoint.
async fn page(State(shared): State<Arc<Shared>>) -> Response {
    match tokio::fs::read(shared.page.join("guest.html")).await {
        Ok(html) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'self'; connect-src 'self'; media-src 'self' blob:; \
                     img-src 'self' data: blob:; style-src 'self'; script-src 'self'; \
                     object-src 'none'",
                ),
            ],
            html,
        )
            .into_response(),
        Err(_) => (
            StatusCode::NOT_FOUND,
            "the guest page is not built: run `make run` or `npx vite build` in ui/",
        )
            .into_response(),
    }
}

/// The Bearer token of a request, if any.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// WHIP: an offer in, an answer out, and the guest's session handed to the media thread.
async fn offer(
    State(shared): State<Arc<Shared>>,
    Path(slot): Path<String>,
    Query(who): Query<Who>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !bearer(&headers).is_some_and(|t| shared.invites.admits(&slot, t)) {
        return (
            StatusCode::UNAUTHORIZED,
            "this guest link is not valid (a new one may have replaced it): ask the host for \
             the current link",
        )
            .into_response();
    }
    let text = std::str::from_utf8(&body).unwrap_or_default();
    let Ok(offer) = SdpOffer::from_sdp_string(text) else {
        return (StatusCode::BAD_REQUEST, "the body is not an SDP offer").into_response();
    };
    let h264_first = prefers_h264(text);
    let id = shared.next_id.fetch_add(1, Relaxed);
    let name: String = who
        .name
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME)
        .collect();
    let feed = streamwerk_media::feeds::feed(&slot);
    match shared.lobby.join(id, &slot, name.trim(), feed.clone()) {
        Err(why) => return (StatusCode::CONFLICT, why).into_response(),
        // The link opened again (another tab, a browser that died): the old session ends.
        Ok(Some(old)) => {
            let _ = shared.control.send(Control::Leave(old));
        }
        Ok(None) => {}
    }
    let answered = answer(&shared, &slot, feed, id, offer, h264_first);
    match answered {
        Ok(sdp) => (
            StatusCode::CREATED,
            [
                (header::CONTENT_TYPE, "application/sdp".to_string()),
                (header::LOCATION, format!("/whip/{slot}/{id}")),
            ],
            sdp,
        )
            .into_response(),
        Err(e) => {
            shared.lobby.ended(id);
            (StatusCode::BAD_REQUEST, e).into_response()
        }
    }
}

/// Accepts `offer` in a new session for `slot` and hands the session to the media thread.
fn answer(
    shared: &Shared,
    slot: &str,
    feed: Arc<Feed>,
    id: u64,
    offer: SdpOffer,
    h264_first: bool,
) -> Result<String, String> {
    // The answer lists the codecs in the order they were enabled, and the browser sends the
    // first: enabled in the order the guest's offer prefers.
    let config = RtcConfig::new().clear_codecs();
    let config = if h264_first {
        config.enable_h264(true).enable_vp8(true)
    } else {
        config.enable_vp8(true).enable_h264(true)
    };
    let mut rtc = config
        .enable_opus(true, false)
        .set_crypto_provider(shared.crypto.clone())
        .build(Instant::now());
    let candidate = Candidate::host(shared.media, "udp").map_err(|e| e.to_string())?;
    rtc.add_local_candidate(candidate);
    let answer = rtc
        .sdp_api()
        .accept_offer(offer)
        .map_err(|e| format!("the offer was not accepted: {e}"))?;
    let peer = Peer {
        id,
        rtc,
        video: VideoDecoder::start(feed.clone(), slot.to_string()),
        audio: AudioDecoder::start(feed.clone(), slot.to_string()),
        feed,
        back: None,
        last_media: None,
        stalled: false,
        iso: None,
        video_mid: None,
        audio_mid: None,
    };
    shared
        .control
        .send(Control::Join(Box::new(peer)))
        .map_err(|_| "the guest endpoint is stopping".to_string())?;
    Ok(answer.to_sdp_string())
}

/// Whether the offer lists H.264 before VP8 (a browser lists its preferred codec first).
fn prefers_h264(sdp: &str) -> bool {
    sdp.lines()
        .filter_map(|l| l.strip_prefix("a=rtpmap:"))
        .filter_map(|l| l.split_whitespace().nth(1))
        .find_map(|codec| match codec.to_ascii_uppercase().as_str() {
            "H264/90000" => Some(true),
            "VP8/90000" => Some(false),
            _ => None,
        })
        .unwrap_or(false)
}

/// WHIP's OPTIONS: the ICE servers, as `Link` headers (RFC 9725 section 4.6), asked before the
/// browser makes its offer, so the offer holds its relay candidates.
async fn ice_servers(
    State(shared): State<Arc<Shared>>,
    Path(slot): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !bearer(&headers).is_some_and(|t| shared.invites.admits(&slot, t)) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let mut reply = StatusCode::NO_CONTENT.into_response();
    for link in shared.ice.links(&slot) {
        if let Ok(value) = header::HeaderValue::from_str(&link) {
            reply.headers_mut().append(header::LINK, value);
        }
    }
    reply
}

/// WHIP's DELETE: the guest leaves.
async fn leave(
    State(shared): State<Arc<Shared>>,
    Path((slot, id)): Path<(String, u64)>,
    headers: HeaderMap,
) -> StatusCode {
    if !bearer(&headers).is_some_and(|t| shared.invites.admits(&slot, t)) {
        return StatusCode::UNAUTHORIZED;
    }
    if !shared.lobby.holds(&slot, id) {
        return StatusCode::NOT_FOUND;
    }
    let _ = shared.control.send(Control::Leave(id));
    StatusCode::OK
}

/// The name a guest typed, in the offer's query.
#[derive(serde::Deserialize)]
struct Who {
    name: Option<String>,
}

/// Where the guest stands, for their page (asked every second).
#[derive(serde::Serialize)]
struct StandingReply {
    /// "lobby", "on_air", "removed", "replaced" or "gone".
    stage: &'static str,
    recording: bool,
    live: bool,
}

/// GET on the session's location: where the guest stands and what the show is doing.
async fn standing(
    State(shared): State<Arc<Shared>>,
    Path((slot, id)): Path<(String, u64)>,
    headers: HeaderMap,
) -> Result<Json<StandingReply>, StatusCode> {
    if !bearer(&headers).is_some_and(|t| shared.invites.admits(&slot, t)) {
        return Err(StatusCode::UNAUTHORIZED);
    }
    let stage = match shared.lobby.standing(&slot, id) {
        Standing::In(Stage::Lobby) => "lobby",
        Standing::In(Stage::OnAir) => "on_air",
        Standing::Removed => "removed",
        Standing::Replaced => "replaced",
        Standing::Gone => "gone",
    };
    Ok(Json(StandingReply {
        stage,
        recording: shared.lobby.recording.load(Relaxed),
        live: shared.lobby.live.load(Relaxed),
    }))
}

#[cfg(test)]
mod tests {
    use super::prefers_h264;

    #[test]
    fn the_codec_the_offer_lists_first_is_preferred() {
        let vp8 = "m=video 9 UDP/TLS/RTP/SAVPF 96 102\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:96 VP8/90000\r\na=rtpmap:102 H264/90000\r\n";
        assert!(!prefers_h264(vp8));
        let h264 = "a=rtpmap:102 H264/90000\r\na=rtpmap:96 VP8/90000\r\n";
        assert!(prefers_h264(h264));
        assert!(!prefers_h264("v=0\r\n"));
    }
}
