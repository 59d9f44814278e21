//! The remote control that stream decks, Bitfocus Companion, Touch Portal, chat bots and
//! producers' scripts already speak: an obs-websocket v5 server (rpcVersion 1, JSON and
//! MessagePack) over the studio, on 127.0.0.1:4455 by default (docs/remote-api.md).
//!
//! The protocol is obs-websocket's to the letter where clients depend on it (close codes and
//! their texts, the authentication, status codes, list order); requests are mapped onto
//! studio commands, so a remote change and one made in the studio's page are the same edit
//! and raise the same events.

mod auth;
mod config;
mod events;
mod general;
mod inputs;
mod names;
mod outputs;
mod requests;
#[cfg(test)]
mod requests_tests;
mod scenes;
mod server;
mod session;
mod status;
mod transitions;
mod vendor;
mod wire;

use auth::Auth;
use axum::routing::any;
use axum::serve::ListenerExt;
use axum::Router;
use server::{Generation, Shared};
use std::net::SocketAddr;
use std::sync::Arc;
use streamwerk_studio::{RemoteConfig, Studio};
use tokio::sync::{broadcast, watch};
use wire::Close;

/// Serves the remote control until `shutdown` turns true: where the studio's settings say,
/// started again (every client disconnected) when they or the password change. Clients
/// get ExitStarted and "Server stopping." at shutdown.
pub async fn run(studio: Arc<Studio>, mut shutdown: watch::Receiver<bool>) {
    let mut config = match studio.remote_config() {
        Ok(config) => config,
        Err(e) => {
            tracing::warn!("the remote control is off: {e}");
            studio.remote_listening(Err(e.to_string()));
            return;
        }
    };
    let shared = Arc::new(Shared {
        studio: studio.clone(),
        tracker: Default::default(),
        events: broadcast::channel(1024).0,
        clients: Default::default(),
    });
    tokio::spawn(track(shared.clone()));
    loop {
        let current = config.borrow_and_update().clone();
        let (stop, stopped) = watch::channel(None);
        let serving = serve(shared.clone(), current, stopped);
        tokio::pin!(serving);
        let close = tokio::select! {
            _ = &mut serving => None,
            changed = config.changed() => changed.ok().map(|_| Close::invalidated()),
            _ = shutdown.wait_for(|s| *s) => None,
        };
        let last = close.is_none();
        let _ = stop.send(Some(close.unwrap_or_else(Close::stopping)));
        if last {
            // Let sessions say goodbye before the runtime goes.
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            studio.remote_listening(Ok(None));
            return;
        }
    }
}

/// Listens until the generation ends; an address that cannot be had is reported to the
/// studio (Settings shows it) and the server waits for new settings.
async fn serve(shared: Arc<Shared>, config: RemoteConfig, stop: watch::Receiver<Option<Close>>) {
    let Some(at) = config.listen else {
        shared.studio.remote_listening(Ok(None));
        return std::future::pending().await;
    };
    let listener = match tokio::net::TcpListener::bind(at).await {
        Ok(listener) => listener,
        Err(e) => {
            let why = format!("cannot listen on {at}: {e}; choose another port");
            tracing::warn!("remote control: {why}");
            shared.studio.remote_listening(Err(why));
            return std::future::pending().await;
        }
    };
    let at = listener.local_addr().unwrap_or(at);
    // Each answer and event is one small write: without this, Nagle's algorithm holds one back
    // until the client's delayed ACK (about 40 ms here).
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("remote client without TCP_NODELAY: {e}");
        }
    });
    shared.studio.remote_listening(Ok(Some(at)));
    tracing::info!("remote control (obs-websocket v5) on ws://{at}");
    let generation = Arc::new(Generation {
        shared,
        auth: config.password.as_deref().map(Auth::new),
        stop: stop.clone(),
    });
    let app = Router::new()
        .fallback(any(server::upgrade))
        .with_state(generation);
    let mut stop = stop;
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = stop.wait_for(Option::is_some).await;
    })
    .await;
    if let Err(e) = served {
        tracing::warn!("remote control stopped: {e}");
    }
    std::future::pending().await
}

/// Turns the studio's events into obs-websocket's for every session.
async fn track(shared: Arc<Shared>) {
    let mut studio_events = shared.studio.subscribe();
    {
        let hello = shared.studio.hello();
        shared.tracker.lock().unwrap().observe(&hello);
    }
    loop {
        let event = match studio_events.recv().await {
            Ok(event) => event,
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return,
        };
        let events = shared.tracker.lock().unwrap().observe(&event);
        for event in events {
            let _ = shared.events.send(event);
        }
    }
}
