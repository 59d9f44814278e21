//! The desktop studio: the web UI (ui/) in a native window, with the engine in-process. The UI
//! speaks the same protocol as in the browser; only the carrier differs: events arrive on a
//! Tauri channel and requests go through `invoke`. Preview frames take the browser's path, a
//! WebSocket on 127.0.0.1 guarded by a token made for this run: in WebKitGTK it drew 30 fps
//! at 17-20 ms where Tauri's IPC drew 29 at 34-48 ms (docs/benchmarks.md).

mod global_hotkeys;

use axum::serve::ListenerExt;
use std::sync::{Arc, Mutex};
use streamwerk_keys::KeyStore;
use streamwerk_protocol::{Event, Request};
use streamwerk_studio::preview_socket::{random_token, PreviewFeed};
use streamwerk_studio::{RecvError, Studio};
use tauri::ipc::Channel;
use tauri::{Manager, State};

struct App {
    studio: Arc<Studio>,
    /// `ws://127.0.0.1:PORT/preview?token=…`
    preview_url: String,
    /// The pages' event channels, for system-wide hotkeys.
    pages: Mutex<Vec<Channel<String>>>,
}

/// Opens the event stream: the hello, then every event, as protocol JSON.
#[tauri::command]
fn connect(app: State<'_, App>, events: Channel<String>) -> Result<(), String> {
    let studio = app.studio.clone();
    let mut rx = studio.subscribe();
    events
        .send(json(&studio.hello()))
        .map_err(|e| e.to_string())?;
    app.pages.lock().unwrap().push(events.clone());
    std::thread::Builder::new()
        .name("ipc-events".into())
        .spawn(move || loop {
            match rx.blocking_recv() {
                Ok(event) => {
                    if events.send(json(&event)).is_err() {
                        return;
                    }
                }
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return,
            }
        })
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// One protocol request (JSON); answers with its reply event (JSON).
#[tauri::command]
async fn request(app: State<'_, App>, text: String) -> Result<String, String> {
    let reply = match serde_json::from_str::<Request>(&text) {
        Ok(request) => {
            let studio = app.studio.clone();
            let outcome =
                tauri::async_runtime::spawn_blocking(move || studio.handle(request.command))
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| r.map_err(|e| e.to_string()));
            Event::Reply {
                id: request.id,
                error: outcome.err(),
            }
        }
        Err(e) => Event::Reply {
            id: 0,
            error: Some(format!("not a request: {e}")),
        },
    };
    Ok(json(&reply))
}

/// Where the page reads preview frames.
#[tauri::command]
fn preview_url(app: State<'_, App>) -> String {
    app.preview_url.clone()
}

/// Serves the preview WebSocket on a free loopback port for as long as the app runs.
fn serve_preview(studio: Arc<Studio>) -> std::io::Result<String> {
    let token = random_token().map_err(std::io::Error::other)?;
    let feed = PreviewFeed::new(studio, token.clone());
    let listener = tauri::async_runtime::block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let port = listener.local_addr()?.port();
    // Each frame is one write: sent at once, not held for the page's delayed ACK.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("the preview socket without TCP_NODELAY: {e}");
        }
    });
    tauri::async_runtime::spawn(async move {
        if let Err(e) = axum::serve(listener, feed.router()).await {
            tracing::error!("the preview socket stopped: {e}");
        }
    });
    Ok(format!("ws://127.0.0.1:{port}/preview?token={token}"))
}

fn json(event: &Event) -> String {
    serde_json::to_string(event).expect("events serialise")
}

/// WebKitGTK composites the page through OpenGL. On a machine without a GPU that is Mesa's
/// software renderer, and the preview drew 7 fps where WebKit's non-accelerated path draws 30
/// (docs/benchmarks.md). With no DRM render node, ask for that path, unless the user chose.
#[cfg(target_os = "linux")]
fn prefer_software_compositing_without_gpu() {
    const SWITCH: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    let gpu = std::fs::read_dir("/dev/dri").is_ok_and(|mut nodes| {
        nodes.any(|n| n.is_ok_and(|n| n.file_name().to_string_lossy().starts_with("renderD")))
    });
    if !gpu && std::env::var_os(SWITCH).is_none() {
        // Before GTK, WebKit or any thread starts: its processes inherit the environment.
        std::env::set_var(SWITCH, "1");
    }
}

fn main() {
    #[cfg(target_os = "linux")]
    prefer_software_compositing_without_gpu();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    // STREAMWERK_COLLECTION opens another collection (tests, several shows); the user's own,
    // made from the demo on first run, otherwise.
    let collection = match std::env::var_os("STREAMWERK_COLLECTION") {
        Some(path) => path.into(),
        None => match streamwerk_studio::own_collection() {
            Ok(path) => path,
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        },
    };
    let profile = collection.with_file_name("profile.json");
    let studio = match Studio::open(&collection, &profile, KeyStore::new()) {
        Ok(studio) => studio,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    // Guests join through the endpoint the first invite link starts (where Settings puts
    // it, else this computer only; the guest page is served from the built UI).
    studio.allow_guests(streamwerk_studio::GuestsConfig {
        bind: None,
        page: streamwerk_studio::installed::ui_dir(),
        auto_admit: false,
        tls: None,
        public_host: None,
    });
    let preview_address = match serve_preview(studio.clone()) {
        Ok(url) => url,
        Err(e) => {
            eprintln!("error: cannot serve the preview on 127.0.0.1: {e}");
            std::process::exit(1);
        }
    };
    // Stream decks and Companion drive the app through obs-websocket, where Settings says.
    let (stop_remote, remote_stops) = tokio::sync::watch::channel(false);
    tauri::async_runtime::spawn(streamwerk_remote::run(studio.clone(), remote_stops));
    let app = tauri::Builder::default()
        .manage(App {
            studio: studio.clone(),
            preview_url: preview_address,
            pages: Mutex::new(Vec::new()),
        })
        .plugin(tauri_plugin_global_shortcut::Builder::new().build())
        .setup(|app| {
            global_hotkeys::follow_profile(app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![connect, request, preview_url])
        .build(tauri::generate_context!())
        .expect("the window opens");
    app.run(move |handle, event| {
        if let tauri::RunEvent::Exit = event {
            let _ = stop_remote.send(true);
            // Finalise any recording before the process ends.
            handle.state::<App>().studio.shutdown();
        }
    });
}
