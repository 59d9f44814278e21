// Generates the app's command permissions: the window may call exactly these four commands.
fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "connect",
            "request",
            "watch_preview",
            "preview_drawn",
        ]),
    ))
    .expect("tauri-build");
}
