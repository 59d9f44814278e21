//! The program preview over a loopback WebSocket, for the browser (`streamwerk serve`) and the
//! desktop window alike. WebKitGTK drew 30 fps at 17–20 ms this way where Tauri's IPC, whose
//! every frame crosses the app's main thread twice, drew 29 at 34–48 ms (docs/benchmarks.md).
//! One thread per picture (program; studio mode's preview scene with `view=preview`; another
//! canvas's program with `canvas=NAME`) encodes
//! its newest frame while anyone watches; each socket is sent the newest frame whenever it is
//! ready, so a slow viewer skips frames instead of queueing them.

use crate::preview::{MAX_SIDE, MIN_SIDE};
use crate::{PreviewView, Studio};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use streamwerk_scene::MAIN_CANVAS;
use tokio::sync::watch;

/// Preview frames (24-byte header + JPEG) for every socket of one process, by picture.
pub struct PreviewFeed {
    studio: Arc<Studio>,
    token: String,
    channels: Mutex<HashMap<PreviewView, Arc<Channel>>>,
}

/// The frames of one picture.
struct Channel {
    frames: watch::Sender<Bytes>,
    pumping: AtomicBool,
    /// (socket, the longest side its page draws the picture at): frames are made for the
    /// largest, no larger.
    sides: Mutex<Vec<(u64, u32)>>,
}

impl Channel {
    fn side(&self) -> u32 {
        let sides = self.sides.lock().unwrap();
        sides.iter().map(|(_, s)| *s).max().unwrap_or(MAX_SIDE)
    }
}

#[derive(serde::Deserialize)]
struct Auth {
    token: Option<String>,
    /// `preview` for studio mode's preview scene; the program otherwise.
    view: Option<String>,
    /// The canvas whose picture to show (`main` when absent).
    canvas: Option<String>,
    /// The longest side (device pixels) the page draws the picture at; frames are scaled to
    /// it, at most [`MAX_SIDE`].
    side: Option<u32>,
}

impl PreviewFeed {
    /// A feed whose sockets require `token`.
    pub fn new(studio: Arc<Studio>, token: String) -> Arc<PreviewFeed> {
        Arc::new(PreviewFeed {
            studio,
            token,
            channels: Mutex::default(),
        })
    }

    /// The frames of `view`, made when first watched.
    fn channel(&self, view: &PreviewView) -> Arc<Channel> {
        let mut channels = self.channels.lock().unwrap();
        let channel = channels.entry(view.clone()).or_insert_with(|| {
            Arc::new(Channel {
                frames: watch::channel(Bytes::new()).0,
                pumping: AtomicBool::new(false),
                sides: Mutex::new(Vec::new()),
            })
        });
        channel.clone()
    }

    /// `/preview?token=…[&view=preview][&canvas=NAME][&side=PIXELS]`: the WebSocket of
    /// preview frames.
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/preview", get(preview_socket))
            .with_state(self.clone())
    }

    /// Whether `given` is this feed's token.
    pub fn authorised(&self, given: Option<&str>) -> bool {
        token_matches(given.unwrap_or(""), &self.token)
    }

    /// Sends the newest frame whenever the socket is ready.
    async fn serve(self: Arc<Self>, mut socket: WebSocket, view: PreviewView, side: u32) {
        static SOCKETS: AtomicU64 = AtomicU64::new(0);
        let id = SOCKETS.fetch_add(1, Ordering::Relaxed);
        let channel = self.channel(&view);
        channel.sides.lock().unwrap().push((id, side));
        let mut frames = channel.frames.subscribe();
        self.start_pump(view, channel.clone());
        self.send_frames(&mut socket, &mut frames).await;
        channel.sides.lock().unwrap().retain(|(s, _)| *s != id);
    }

    async fn send_frames(&self, socket: &mut WebSocket, frames: &mut watch::Receiver<Bytes>) {
        loop {
            tokio::select! {
                changed = frames.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    let frame = frames.borrow_and_update().clone();
                    if socket.send(Message::Binary(frame)).await.is_err() {
                        return;
                    }
                }
                incoming = socket.recv() => {
                    if matches!(incoming, None | Some(Err(_)) | Some(Ok(Message::Close(_)))) {
                        return;
                    }
                }
            }
        }
    }

    /// One thread encodes a view's frames into the feed while anyone watches: one JPEG per
    /// frame, whatever the number of viewers.
    fn start_pump(self: &Arc<Self>, view: PreviewView, channel: Arc<Channel>) {
        if channel.pumping.swap(true, Ordering::SeqCst) {
            return;
        }
        let feed = self.clone();
        std::thread::Builder::new()
            .name("preview".into())
            .spawn(move || {
                match feed.studio.preview_stream(&view) {
                    Ok(mut stream) => {
                        while channel.frames.receiver_count() > 0 {
                            if let Some(message) =
                                stream.next(Duration::from_millis(500), channel.side())
                            {
                                channel.frames.send_replace(Bytes::from(message));
                            }
                        }
                    }
                    Err(e) => tracing::error!("no preview: {e}"),
                }
                channel.pumping.store(false, Ordering::SeqCst);
            })
            .expect("spawning a thread");
    }
}

async fn preview_socket(
    State(feed): State<Arc<PreviewFeed>>,
    Query(auth): Query<Auth>,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !feed.authorised(auth.token.as_deref()) {
        return refuse();
    }
    let canvas = auth.canvas.unwrap_or_else(|| MAIN_CANVAS.into());
    let view = match auth.view.as_deref() {
        Some("preview") => PreviewView::PreviewScene(canvas),
        _ => PreviewView::Program(canvas),
    };
    let side = auth.side.unwrap_or(MAX_SIDE).clamp(MIN_SIDE, MAX_SIDE);
    upgrade.on_upgrade(move |socket| feed.serve(socket, view, side))
}

/// The answer to a connection without the studio's token.
pub fn refuse() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        "a studio token is required: open the URL `streamwerk serve` printed",
    )
        .into_response()
}

/// Compares in constant time, so a token cannot be guessed byte by byte from timing.
pub fn token_matches(given: &str, want: &str) -> bool {
    let (given, want) = (given.as_bytes(), want.as_bytes());
    given.len() == want.len() && given.iter().zip(want).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0
}

/// A new random token: 24 bytes as hex.
pub fn random_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_match_only_in_full() {
        let token = random_token().unwrap();
        assert_eq!(token.len(), 48);
        assert!(token_matches(&token, &token));
        assert!(!token_matches(&token[..47], &token));
        assert!(!token_matches("", &token));
        assert_ne!(random_token().unwrap(), token);
    }
}
