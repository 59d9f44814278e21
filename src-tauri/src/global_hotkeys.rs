//! The profile's hotkeys, system-wide: registered with the OS through Tauri's global-shortcut
//! plugin (X11, Windows and macOS; Wayland gives no application a global key grab, so there
//! they work while the window has focus only, through the page). A press is handed to the page
//! as a `hotkey` event, so one piece of code (ui/src/hotkeys.ts) acts on hotkeys wherever they
//! come from, and a press while the user types in the page's form does nothing. Re-registered
//! whenever the profile's hotkeys change.

use crate::{json, App};
use streamwerk_protocol::Event;
use streamwerk_scene::Hotkey;
use streamwerk_studio::RecvError;
use tauri::{AppHandle, Manager};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, ShortcutState};

/// Our key names as the plugin spells them: `Meta` is `Super`, `Num1` is `Numpad1`.
fn plugin_keys(keys: &str) -> String {
    keys.split('+')
        .map(|part| match part {
            "Meta" => "Super".to_string(),
            p if p.starts_with("Num") && p.len() == 4 => format!("Numpad{}", &p[3..]),
            p => p.to_string(),
        })
        .collect::<Vec<_>>()
        .join("+")
}

/// Registers `hotkeys` in place of the previous ones; a combination the desktop refuses
/// (another program holds it, or a Wayland session) is reported and left to the page.
fn register(app: &AppHandle, hotkeys: &[Hotkey]) {
    let shortcuts = app.global_shortcut();
    if let Err(e) = shortcuts.unregister_all() {
        tracing::warn!("cannot release the system-wide hotkeys: {e}");
    }
    for hotkey in hotkeys {
        let keys = hotkey.keys.clone();
        let registered =
            shortcuts.on_shortcut(plugin_keys(&keys).as_str(), move |app, _, event| {
                if event.state != ShortcutState::Pressed {
                    return;
                }
                let message = json(&Event::Hotkey { keys: keys.clone() });
                app.state::<App>()
                    .pages
                    .lock()
                    .unwrap()
                    .retain(|page| page.send(message.clone()).is_ok());
            });
        if let Err(e) = registered {
            tracing::warn!(
                "hotkey {} works only while the window has focus: the desktop refused it \
                 system-wide ({e})",
                hotkey.keys
            );
        }
    }
}

/// Registers the profile's hotkeys now and again after every change of them.
pub fn follow_profile(app: AppHandle) {
    let studio = app.state::<App>().studio.clone();
    let mut events = studio.subscribe();
    let mut current = studio.state().profile.hotkeys;
    register(&app, &current);
    let spawned = std::thread::Builder::new()
        .name("global-hotkeys".into())
        .spawn(move || loop {
            match events.blocking_recv() {
                Ok(Event::State { state }) if state.profile.hotkeys != current => {
                    current = state.profile.hotkeys;
                    register(&app, &current);
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("system-wide hotkeys are off: {e}");
    }
}
