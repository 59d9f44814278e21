//! `streamwerk serve`: the studio UI in a browser. Serves the built UI, the protocol over a
//! WebSocket (`/ws`) and the program preview as binary frames over another (`/preview`).
//! Binds 127.0.0.1 by default; both sockets require the token printed at start (kept 0600 in
//! the config folder), so another local user or a web page cannot drive the studio.

use crate::{bad_input, runtime, Outcome};
use anyhow::{anyhow, Context};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::Router;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use streamwerk_keys::KeyStore;
use streamwerk_protocol::{Event, Request};
use streamwerk_scene::RemoteControl;
use streamwerk_studio::preview_socket::{random_token, refuse, PreviewFeed};
use streamwerk_studio::Studio;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Scene collection to open (edits are saved back to it); your own collection, made from
    /// the demo on first use, when absent.
    #[arg(long)]
    scene: Option<PathBuf>,
    /// Output profile (encoder, recording, destinations); `profile.json` beside the collection
    /// when absent, created on first change.
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 7870)]
    port: u16,
    /// Address to listen on. Anything but loopback exposes the studio to the network (the
    /// token still guards it).
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// The built UI folder; the installed one (PREFIX/share/streamwerk/ui), else the source
    /// tree's ui/dist (`npm run build` in ui/), when absent.
    #[arg(long)]
    ui: Option<PathBuf>,
    #[command(flatten)]
    guests: crate::guests::GuestArgs,
    /// Port of the remote control (obs-websocket v5, for stream decks and Companion); 0 turns
    /// it off. Settings' port (4455 unless changed) when absent.
    #[arg(long)]
    remote_port: Option<u16>,
    /// Address of the remote control. Anything but loopback needs a password.
    #[arg(long, requires = "remote_port")]
    remote_bind: Option<IpAddr>,
}

struct Shared {
    studio: Arc<Studio>,
    /// Holds the token: the control socket asks it too.
    preview: Arc<PreviewFeed>,
}

#[derive(serde::Deserialize)]
struct Auth {
    token: Option<String>,
}

pub fn run(args: ServeArgs) -> Outcome {
    let scene = match args.scene {
        Some(path) => path,
        None => streamwerk_studio::own_collection().map_err(runtime)?,
    };
    let profile = args
        .profile
        .unwrap_or_else(|| scene.with_file_name("profile.json"));
    let ui = args.ui.unwrap_or_else(streamwerk_studio::installed::ui_dir);
    if !ui.join("index.html").exists() {
        return Err(bad_input(anyhow!(
            "{}: the UI is not built; run `npm ci && npm run build` in ui/ (make run does it)",
            ui.display()
        )));
    }
    let studio = Studio::open(&scene, &profile, KeyStore::new()).map_err(|e| match e {
        streamwerk_studio::StudioError::Load(_) => bad_input(e),
        e => runtime(e),
    })?;
    crate::guests::allow(&args.guests, &studio, ui.clone())?;
    if let Some(port) = args.remote_port {
        studio.give_remote_control(RemoteControl {
            port,
            bind: args.remote_bind.unwrap_or(RemoteControl::default().bind),
        });
    }
    let token = token().map_err(runtime)?;
    let runtime_ = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(runtime)?;
    let result = runtime_.block_on(serve(
        studio.clone(),
        token,
        SocketAddr::new(args.bind, args.port),
        ui,
    ));
    studio.shutdown();
    result.map_err(runtime)
}

async fn serve(
    studio: Arc<Studio>,
    token: String,
    addr: SocketAddr,
    ui: PathBuf,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}; pass another --port"))?;
    let (stop_remote, remote_stops) = tokio::sync::watch::channel(false);
    let remote = tokio::spawn(streamwerk_remote::run(studio.clone(), remote_stops));
    let addr = listener.local_addr()?;
    // Replies, states and preview frames are each one write: sent at once, not held by
    // Nagle's algorithm for the page's delayed ACK (docs/benchmarks.md, Remote control).
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("a page's socket without TCP_NODELAY: {e}");
        }
    });
    let preview = PreviewFeed::new(studio.clone(), token.clone());
    let shared = Arc::new(Shared {
        studio,
        preview: preview.clone(),
    });
    let csp = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; \
               style-src 'self'; script-src 'self'; worker-src 'self' blob:; object-src 'none'; \
               frame-ancestors 'none'";
    let files = ServeDir::new(&ui).fallback(ServeFile::new(ui.join("index.html")));
    let app = Router::new()
        .route("/ws", get(control_socket))
        .with_state(shared)
        .merge(preview.router())
        .fallback_service(files)
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        ));
    // The token travels in the fragment, which browsers never send to the server or log.
    println!("Streamwerk studio: http://{addr}/#token={token}");
    tracing::info!("serving the studio on {addr}");
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = tokio::signal::ctrl_c().await;
            let _ = stop_remote.send(true);
        })
        .await?;
    // Remote clients hear ExitStarted and "Server stopping." before the studio closes.
    let _ = remote.await;
    Ok(())
}

async fn control_socket(
    State(shared): State<Arc<Shared>>,
    Query(auth): Query<Auth>,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !shared.preview.authorised(auth.token.as_deref()) {
        return refuse();
    }
    upgrade.on_upgrade(move |socket| control(shared, socket))
}

/// One UI connection: the hello, then requests in and replies plus pushed events out.
async fn control(shared: Arc<Shared>, mut socket: WebSocket) {
    let mut events = shared.studio.subscribe();
    if send_event(&mut socket, &shared.studio.hello())
        .await
        .is_err()
    {
        return;
    }
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let text = match incoming {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                    Some(Ok(_)) => continue,
                };
                let reply = match serde_json::from_str::<Request>(&text) {
                    Ok(request) => {
                        let studio = shared.studio.clone();
                        let outcome = tokio::task::spawn_blocking(move || studio.handle(request.command))
                            .await
                            .map_err(|e| e.to_string())
                            .and_then(|r| r.map_err(|e| e.to_string()));
                        Event::Reply { id: request.id, error: outcome.err() }
                    }
                    Err(e) => Event::Reply { id: 0, error: Some(format!("not a request: {e}")) },
                };
                if send_event(&mut socket, &reply).await.is_err() {
                    return;
                }
            }
            event = events.recv() => {
                match event {
                    Ok(event) => {
                        if send_event(&mut socket, &event).await.is_err() {
                            return;
                        }
                    }
                    // Fell behind: the next state event brings the UI up to date.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(_) => return,
                }
            }
        }
    }
}

async fn send_event(socket: &mut WebSocket, event: &Event) -> Result<(), axum::Error> {
    let text = serde_json::to_string(event).expect("events serialise");
    socket.send(Message::Text(text.into())).await
}

/// The studio token: made once, kept 0600 in the config folder, so the URL stays valid.
fn token() -> anyhow::Result<String> {
    let file = config_dir().join("serve-token");
    if let Ok(text) = std::fs::read_to_string(&file) {
        let text = text.trim();
        if text.len() >= 32 {
            return Ok(text.to_string());
        }
    }
    let token = random_token().map_err(|e| anyhow!("no randomness for a token: {e}"))?;
    write_private(&file, &token)?;
    Ok(token)
}

fn config_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("streamwerk")
}

fn write_private(file: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(file)
        .with_context(|| format!("cannot write {}", file.display()))?;
    f.write_all(text.as_bytes())?;
    Ok(())
}
