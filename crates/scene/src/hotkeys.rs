//! Hotkeys, saved with the profile: which keys do what. The page (and, where the platform
//! lets it, the desktop app for the whole system) turns a key press into the action; the
//! names of keys are those of the physical keys (`Ctrl+Shift+P`, `F9`, `Num1`), so a layout
//! that moves `!` to another key does not move the hotkey.

use serde::{Deserialize, Serialize};

/// One key combination and what it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Hotkey {
    /// Modifiers then a key, joined by `+`: `Ctrl+1`, `Ctrl+Shift+P`, `F9`.
    pub keys: String,
    pub action: HotkeyAction,
}

/// What a hotkey does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum HotkeyAction {
    /// The scene at this place in the list (1 = first): on air, or in studio mode to preview.
    SwitchScene {
        number: u32,
    },
    /// Studio mode: the preview scene goes on air.
    Transition,
    StudioMode,
    /// Go live, or stop (with a stream delay, as the Stop dialog offers).
    GoLive,
    /// Start or stop recording.
    Record,
    /// Mute or unmute a source's sound.
    Mute {
        source: String,
    },
    Panic,
    SaveReplay,
    AddMarker,
}

/// The keys a new profile starts with: what the page always had (Ctrl+digit, Ctrl+L, Ctrl+R)
/// plus the rest of the show's controls.
pub fn default_hotkeys() -> Vec<Hotkey> {
    let key = |keys: &str, action| Hotkey {
        keys: keys.into(),
        action,
    };
    let mut keys: Vec<Hotkey> = (1..=9)
        .map(|n| {
            key(
                &format!("Ctrl+{n}"),
                HotkeyAction::SwitchScene { number: n },
            )
        })
        .collect();
    keys.extend([
        key("Ctrl+Enter", HotkeyAction::Transition),
        key("Ctrl+L", HotkeyAction::GoLive),
        key("Ctrl+R", HotkeyAction::Record),
        key("Ctrl+Shift+P", HotkeyAction::Panic),
        key("Ctrl+Shift+S", HotkeyAction::SaveReplay),
        key("Ctrl+M", HotkeyAction::AddMarker),
    ]);
    keys
}

const MODIFIERS: [&str; 4] = ["Ctrl", "Alt", "Shift", "Meta"];

/// Checks one key combination: known modifiers, in order, then one key. The reason otherwise.
pub fn check_keys(keys: &str) -> Result<(), String> {
    let parts: Vec<&str> = keys.split('+').collect();
    let (key, modifiers) = parts.split_last().ok_or("is empty")?;
    let mut last = None;
    for m in modifiers {
        let at = MODIFIERS
            .iter()
            .position(|k| k == m)
            .ok_or_else(|| format!("`{m}` is not a modifier (Ctrl, Alt, Shift, Meta)"))?;
        if last.is_some_and(|l| l >= at) {
            return Err("modifiers go once each, in the order Ctrl, Alt, Shift, Meta".into());
        }
        last = Some(at);
    }
    let plain = key.len() == 1
        && key
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    let function = key
        .strip_prefix('F')
        .and_then(|n| n.parse::<u8>().ok())
        .is_some_and(|n| (1..=24).contains(&n));
    let numpad = key
        .strip_prefix("Num")
        .is_some_and(|n| n.len() == 1 && n.chars().all(|c| c.is_ascii_digit()));
    const NAMED: [&str; 14] = [
        "Enter",
        "Space",
        "Backspace",
        "Delete",
        "Insert",
        "Home",
        "End",
        "PageUp",
        "PageDown",
        "ArrowUp",
        "ArrowDown",
        "ArrowLeft",
        "ArrowRight",
        "Pause",
    ];
    if MODIFIERS.contains(key) {
        return Err("ends in a modifier; add the key to press with it".into());
    }
    if !(plain || function || numpad || NAMED.contains(key)) {
        return Err(format!(
            "`{key}` is not a key name: use A-Z, 0-9, F1-F24, Num0-Num9 or one of {}",
            NAMED.join(", ")
        ));
    }
    // A bare letter or digit would fire while someone types a scene name elsewhere on the
    // system (as a global hotkey) and steals the key from every form.
    if modifiers.is_empty() && (plain || NAMED[..4].contains(key)) {
        return Err(format!(
            "`{key}` alone is a key people type; add Ctrl, Alt or Meta, or use F1-F24"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_combinations_are_checked_with_a_reason() {
        for ok in [
            "Ctrl+1",
            "Ctrl+Shift+P",
            "F9",
            "Alt+Num3",
            "Ctrl+Enter",
            "Shift+F1",
        ] {
            assert_eq!(check_keys(ok), Ok(()), "{ok}");
        }
        assert!(check_keys("Shift+Ctrl+P").unwrap_err().contains("order"));
        assert!(check_keys("Hyper+P")
            .unwrap_err()
            .contains("not a modifier"));
        assert!(check_keys("Ctrl+").unwrap_err().contains("not a key name"));
        assert!(check_keys("Ctrl+Shift")
            .unwrap_err()
            .contains("ends in a modifier"));
        assert!(check_keys("P").unwrap_err().contains("people type"));
        assert!(check_keys("Ctrl+p").unwrap_err().contains("not a key name"));
        for hotkey in default_hotkeys() {
            assert_eq!(check_keys(&hotkey.keys), Ok(()), "{hotkey:?}");
        }
    }
}
