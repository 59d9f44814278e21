//! The desktop studio: the web UI (ui/) in a native window, with the engine in-process. The UI
//! speaks the same protocol as in the browser; only the carrier differs: events arrive on a
//! Tauri channel, requests go through `invoke`, and preview frames come as JPEG bytes on their
//! own channel, paced by the page (at most two frames in flight, so frames are skipped, never
//! queued).

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use streamwerk_keys::KeyStore;
use streamwerk_protocol::{Event, Request};
use streamwerk_studio::{RecvError, Studio};
use tauri::ipc::{Channel, InvokeResponseBody};
use tauri::{Manager, State};

/// Preview frames that may be on their way to the page at once.
const PREVIEW_IN_FLIGHT: u32 = 2;

/// How many more frames the page may receive before it reports one drawn. A page that stops
/// drawing (a minimised window pauses animation frames) leaves the sender asleep, not polling.
#[derive(Default)]
struct Credit {
    frames: Mutex<u32>,
    returned: Condvar,
}

impl Credit {
    fn reset(&self) {
        *self.frames.lock().unwrap() = PREVIEW_IN_FLIGHT;
        self.returned.notify_all();
    }

    /// Takes one frame's credit, waiting up to `timeout` for the page to return one.
    fn take(&self, timeout: Duration) -> bool {
        let frames = self.frames.lock().unwrap();
        let (mut frames, _) = self
            .returned
            .wait_timeout_while(frames, timeout, |n| *n == 0)
            .unwrap();
        let available = *frames > 0;
        if available {
            *frames -= 1;
        }
        available
    }

    fn give_back(&self) {
        let mut frames = self.frames.lock().unwrap();
        *frames = (*frames + 1).min(PREVIEW_IN_FLIGHT);
        self.returned.notify_all();
    }
}

struct App {
    studio: Arc<Studio>,
    /// Frames the page may still receive before it reports one drawn.
    preview_credit: Arc<Credit>,
}

/// Opens the event stream: the hello, then every event, as protocol JSON.
#[tauri::command]
fn connect(app: State<'_, App>, events: Channel<String>) -> Result<(), String> {
    let studio = app.studio.clone();
    let mut rx = studio.subscribe();
    events
        .send(json(&studio.hello()))
        .map_err(|e| e.to_string())?;
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

/// Starts sending program frames (header + JPEG, as over the WebSocket) to `frames`.
#[tauri::command]
fn watch_preview(app: State<'_, App>, frames: Channel<InvokeResponseBody>) -> Result<(), String> {
    let studio = app.studio.clone();
    let credit = app.preview_credit.clone();
    credit.reset();
    std::thread::Builder::new()
        .name("ipc-preview".into())
        .spawn(move || {
            let mut stream = match studio.preview_stream() {
                Ok(stream) => stream,
                Err(e) => return tracing::error!("no preview: {e}"),
            };
            loop {
                if !credit.take(Duration::from_millis(500)) {
                    continue;
                }
                let Some(frame) = stream.next(Duration::from_millis(500)) else {
                    // No new frame: the credit taken goes back unused.
                    credit.give_back();
                    continue;
                };
                if frames.send(InvokeResponseBody::Raw(frame)).is_err() {
                    return;
                }
            }
        })
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// The page drew a frame: one more may come.
#[tauri::command]
fn preview_drawn(app: State<'_, App>) {
    app.preview_credit.give_back();
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
    let app = tauri::Builder::default()
        .manage(App {
            studio: studio.clone(),
            preview_credit: Arc::default(),
        })
        .invoke_handler(tauri::generate_handler![
            connect,
            request,
            watch_preview,
            preview_drawn
        ])
        .build(tauri::generate_context!())
        .expect("the window opens");
    app.run(move |handle, event| {
        if let tauri::RunEvent::Exit = event {
            // Finalise any recording before the process ends.
            handle.state::<App>().studio.shutdown();
        }
    });
}
