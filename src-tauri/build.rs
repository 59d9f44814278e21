// Generates the app's command permissions: the window may call exactly these three commands.
fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&["connect", "request", "preview_url"]),
    ))
    .expect("tauri-build");
}
