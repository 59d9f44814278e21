//! The listener and each client's connection: the subprotocol chosen as obs-websocket does,
//! Hello and Identify, requests run off the async threads (the studio's calls block), batches
//! with their Sleep, events filtered by each client's subscriptions, and the limits that keep
//! one client from affecting the show or the others.

use crate::auth::Auth;
use crate::events::{intent, ObsEvent, Tracker};
use crate::requests::{call, response, Ctx, SLEEP};
use crate::session::{Batch, Execution, Request, RequestData, Session, Step, RPC_VERSION};
use crate::status::{code, Failure, Fields, Reply};
use crate::wire::{decode, encode, Close, Encoding, Frame};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use streamwerk_studio::Studio;
use tokio::sync::{broadcast, watch};

/// A message larger than this closes its client (1009); the socket refuses 4x it outright.
pub const MAX_MESSAGE: usize = 1 << 20;
/// Messages a client may send in one second (a batch counts once); more closes it (1008).
pub const MAX_RATE: u32 = 1000;
/// Clients at once; more are answered 503 before the upgrade.
pub const MAX_CLIENTS: usize = 16;
/// Requests in one batch.
const MAX_BATCH: usize = 1000;
/// A ping this often finds clients that vanished without closing (a laptop asleep).
const PING: Duration = Duration::from_secs(20);

/// What every connection shares.
pub(crate) struct Shared {
    pub studio: Arc<Studio>,
    pub tracker: Mutex<Tracker>,
    pub events: broadcast::Sender<ObsEvent>,
    pub clients: AtomicUsize,
}

/// One start of the server: its salt, and the signal that ends its sessions.
pub(crate) struct Generation {
    pub shared: Arc<Shared>,
    pub auth: Option<Auth>,
    /// Set to the close every session of this generation ends with.
    pub stop: watch::Receiver<Option<Close>>,
}

pub(crate) async fn upgrade(
    State(generation): State<Arc<Generation>>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Some(slot) = ClientSlot::take(&generation.shared) else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("Streamwerk takes {MAX_CLIENTS} remote clients at once."),
        )
            .into_response();
    };
    let asked: Vec<String> = upgrade
        .requested_protocols()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(',').map(|p| p.trim().to_string()))
        .collect();
    let (encoding, echo) = Encoding::choose(asked.iter().map(String::as_str));
    let upgrade = match echo {
        Some(protocol) => upgrade.protocols([protocol]),
        None => upgrade,
    };
    upgrade
        .max_message_size(4 * MAX_MESSAGE)
        // The slot goes with the callback: freed when the session ends, and when the upgrade
        // fails and the callback is dropped unrun.
        .on_upgrade(move |socket| async move {
            let _slot = slot;
            Connection {
                generation,
                socket,
                encoding,
                messages: (0, 0),
            }
            .run(address)
            .await;
        })
}

/// One of the [`MAX_CLIENTS`] places, given back when dropped.
struct ClientSlot(Arc<Shared>);

impl ClientSlot {
    fn take(shared: &Arc<Shared>) -> Option<ClientSlot> {
        let taken = shared.clients.fetch_add(1, Ordering::SeqCst);
        let slot = ClientSlot(shared.clone());
        (taken < MAX_CLIENTS).then_some(slot)
    }
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        self.0.clients.fetch_sub(1, Ordering::SeqCst);
    }
}

struct Connection {
    generation: Arc<Generation>,
    socket: WebSocket,
    encoding: Encoding,
    /// Messages in and out (GetStats).
    messages: (u64, u64),
}

/// Counts messages in the current second.
struct Rate {
    second: Instant,
    count: u32,
}

impl Rate {
    fn allows(&mut self) -> bool {
        if self.second.elapsed() >= Duration::from_secs(1) {
            self.second = Instant::now();
            self.count = 0;
        }
        self.count += 1;
        self.count <= MAX_RATE
    }
}

impl Connection {
    async fn send(&mut self, op: u8, d: Value) -> bool {
        self.messages.1 += 1;
        let message = match encode(self.encoding, op, d) {
            Frame::Text(t) => Message::Text(t.into()),
            Frame::Binary(b) => Message::Binary(b.into()),
        };
        self.socket.send(message).await.is_ok()
    }

    async fn close(&mut self, close: Close) {
        let frame = CloseFrame {
            code: close.code,
            reason: close.reason.into(),
        };
        let _ = self.socket.send(Message::Close(Some(frame))).await;
    }

    async fn run(mut self, address: SocketAddr) {
        let shared = self.generation.shared.clone();
        let (mut session, hello) = Session::new(self.generation.auth.as_ref());
        if !self.send(0, hello).await {
            return;
        }
        let mut events = shared.events.subscribe();
        let mut stop = self.generation.stop.clone();
        let mut ticket = None;
        // Until it identifies, a client cannot be kicked: a flag nobody raises (kept alive,
        // since a dropped sender wakes its receivers).
        let (_unraised, mut kicked) = watch::channel(false);
        let mut rate = Rate {
            second: Instant::now(),
            count: 0,
        };
        let mut ping = tokio::time::interval(PING);
        let close = loop {
            tokio::select! {
                incoming = self.socket.recv() => {
                    let frame = match incoming {
                        Some(Ok(Message::Text(t))) => Frame::Text(t.to_string()),
                        Some(Ok(Message::Binary(b))) => Frame::Binary(b.to_vec()),
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                        Some(Ok(Message::Close(_))) | None => break None,
                        Some(Err(_)) => break Some(Close::too_big(MAX_MESSAGE)),
                    };
                    self.messages.0 += 1;
                    let size = match &frame { Frame::Text(t) => t.len(), Frame::Binary(b) => b.len() };
                    if size > MAX_MESSAGE {
                        break Some(Close::too_big(MAX_MESSAGE));
                    }
                    if !rate.allows() {
                        break Some(Close::too_fast(MAX_RATE));
                    }
                    let step = decode(self.encoding, &frame).and_then(|m| session.read(m));
                    let sent = match step {
                        Err(close) => break Some(close),
                        Ok(Step::Identified) => {
                            if ticket.is_none() {
                                let t = shared.studio.remote_joined(address);
                                kicked = t.kicked.clone();
                                ticket = Some(t);
                            }
                            self.send(2, json!({ "negotiatedRpcVersion": RPC_VERSION })).await
                        }
                        Ok(Step::Request(request)) => {
                            let answer = answer(self.generation.clone(), self.messages, &request).await;
                            self.send(7, answer).await
                        }
                        Ok(Step::Batch(batch)) => {
                            let results = run_batch(self.generation.clone(), self.messages, batch.clone()).await;
                            self.send(9, json!({ "requestId": batch.request_id, "results": results })).await
                        }
                    };
                    if !sent {
                        break None;
                    }
                }
                event = events.recv(), if session.identified() => {
                    match event {
                        Ok(event) if event.intent & session.subscriptions != 0 => {
                            if !self.send(5, event.message()).await {
                                break None;
                            }
                        }
                        // High-volume meters a slow client missed are simply not sent.
                        Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                        Err(broadcast::error::RecvError::Closed) => break Some(Close::stopping()),
                    }
                }
                Ok(()) = kicked.changed() => break Some(Close::invalidated()),
                _ = stop.changed() => {
                    let close = stop.borrow().clone();
                    if close.as_ref().is_some_and(|c| c.code == 1001) && session.identified()
                        && session.subscriptions & intent::GENERAL != 0
                    {
                        let exit = ObsEvent { event_type: "ExitStarted", intent: intent::GENERAL, data: None };
                        self.send(5, exit.message()).await;
                    }
                    break close;
                }
                _ = ping.tick() => {
                    if self.socket.send(Message::Ping(Default::default())).await.is_err() {
                        break None;
                    }
                }
            }
        };
        if let Some(close) = close {
            tracing::debug!(
                "remote client {address} closed: {} {}",
                close.code,
                close.reason
            );
            self.close(close).await;
        }
        if let Some(ticket) = ticket {
            shared.studio.remote_left(ticket.id);
        }
    }
}

/// One request, run on a blocking thread (studio calls may take a frame or more).
async fn reply(generation: Arc<Generation>, messages: (u64, u64), request: Request) -> Reply {
    let shared = generation.shared.clone();
    tokio::task::spawn_blocking(move || {
        let ctx = Ctx {
            studio: &shared.studio,
            state: shared.studio.state(),
            tracker: &shared.tracker,
            events: &shared.events,
            messages,
        };
        call(&ctx, &request)
    })
    .await
    .unwrap_or_else(|e| {
        Err(Failure::new(
            code::PROCESSING_FAILED,
            format!("the request failed inside Streamwerk: {e}"),
        ))
    })
}

async fn answer(generation: Arc<Generation>, messages: (u64, u64), request: &Request) -> Value {
    let reply = reply(generation, messages, request.clone()).await;
    response(&request.request_type, request.request_id.as_ref(), &reply)
}

/// Runs a batch in order; with `haltOnFailure` the results stop at the first failure.
async fn run_batch(generation: Arc<Generation>, messages: (u64, u64), batch: Batch) -> Vec<Value> {
    let mut results = Vec::new();
    for item in batch.requests.into_iter().take(MAX_BATCH) {
        let (request_type, id, reply) = match item {
            Err((id, comment)) => (
                String::new(),
                id,
                Err(Failure::new(code::MISSING_REQUEST_TYPE, comment)),
            ),
            Ok(request) if request.request_type == SLEEP => {
                let reply = sleep(&generation, &request, batch.execution).await;
                (request.request_type, request.request_id, reply)
            }
            Ok(request) => {
                let reply = reply(generation.clone(), messages, request.clone()).await;
                (request.request_type, request.request_id, reply)
            }
        };
        let failed = reply.is_err();
        results.push(response(&request_type, id.as_ref(), &reply));
        if failed && batch.halt_on_failure {
            break;
        }
    }
    results
}

async fn sleep(generation: &Generation, request: &Request, execution: Execution) -> Reply {
    let data = match &request.data {
        RequestData::Object(m) => Some(m),
        _ => None,
    };
    let f = Fields::new(data);
    let wait = match execution {
        Execution::SerialRealtime => {
            Duration::from_millis(f.required_number("sleepMillis", 0.0, 50_000.0)? as u64)
        }
        Execution::SerialFrame => {
            let frames = f.required_number("sleepFrames", 0.0, 10_000.0)?;
            let fps = generation
                .shared
                .studio
                .state()
                .collection
                .canvas
                .fps
                .max(1);
            Duration::from_secs_f64(frames / f64::from(fps))
        }
        Execution::Parallel => {
            return Err(Failure::new(
                code::UNSUPPORTED_IN_BATCH,
                "The request type `Sleep` is not available in a parallel batch.",
            ))
        }
    };
    tokio::time::sleep(wait).await;
    Ok(None)
}
