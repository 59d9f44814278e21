//! Operator commands on standard input, one per line, so a headless show can be run from a
//! terminal or a script: `cut SCENE`, `transition SCENE [KIND [MS]]`, `panic`,
//! `marker [TITLE]`, `save-replay`, `stop`. Each gets one line on standard error saying what
//! it did, or why it did nothing.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use streamwerk_engine::Engine;
use streamwerk_scene::Transition;

/// What a line asks for.
#[derive(Debug, PartialEq)]
pub enum Operator {
    /// Show this scene from the next frame.
    Cut(String),
    /// Change to this scene through a transition (the scene's or the show's when None).
    Transition(String, Option<Transition>),
    /// Cut to the collection's safe scene.
    Panic,
    /// Mark this moment in the recording, with an optional title.
    Marker(Option<String>),
    /// Write the replay buffer to a file.
    SaveReplay,
    /// End the show as Ctrl-C does.
    Stop,
}

const USAGE: &str = "use `cut SCENE`, `transition SCENE [KIND [MS]]`, `panic`, `marker [TITLE]`, `save-replay` or `stop`";

/// `SCENE [KIND [MS]]`: the scene may be quoted; unquoted, a trailing transition kind (and
/// duration) is taken as such, so `transition Be right back fade 800` works.
fn scene_and_transition(rest: &str) -> Result<(String, Option<Transition>), String> {
    let (scene, tail) = match rest.strip_prefix('"').and_then(|r| r.split_once('"')) {
        Some((scene, tail)) => (scene.to_string(), tail.trim().to_string()),
        None => {
            let words: Vec<&str> = rest.split_whitespace().collect();
            let is_kind = |w: &str| Transition::parse_spec(w).is_ok();
            let is_ms = |w: &str| w.parse::<u32>().is_ok();
            let n = words.len();
            let take = if n >= 3 && is_ms(words[n - 1]) && is_kind(words[n - 2]) {
                2
            } else if n >= 2 && is_kind(words[n - 1]) {
                1
            } else {
                0
            };
            (words[..n - take].join(" "), words[n - take..].join(" "))
        }
    };
    if scene.is_empty() {
        return Err(format!("`transition` needs a scene name: {USAGE}"));
    }
    let transition = match tail.split_whitespace().collect::<Vec<_>>()[..] {
        [] => None,
        [kind] => Some(Transition::parse_spec(kind)?),
        [kind, ms] => Some(Transition::parse_spec(&format!("{kind}:{ms}"))?),
        _ => return Err(format!("`transition {rest}`: {USAGE}")),
    };
    Ok((scene, transition))
}

/// A line as a command: `None` for a blank one, the reason for anything else it cannot be.
pub fn parse(line: &str) -> Result<Option<Operator>, String> {
    let line = line.trim();
    let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest = rest.trim();
    match word {
        "" => Ok(None),
        "cut" if rest.is_empty() => Err(format!("`cut` needs a scene name: {USAGE}")),
        "cut" => Ok(Some(Operator::Cut(rest.trim_matches('"').to_string()))),
        "transition" => {
            let (scene, transition) = scene_and_transition(rest)?;
            Ok(Some(Operator::Transition(scene, transition)))
        }
        "panic" | "stop" | "save-replay" if !rest.is_empty() => {
            Err(format!("`{word}` takes nothing after it"))
        }
        "save-replay" => Ok(Some(Operator::SaveReplay)),
        "panic" => Ok(Some(Operator::Panic)),
        "marker" => Ok(Some(Operator::Marker(
            (!rest.is_empty()).then(|| rest.trim_matches('"').to_string()),
        ))),
        "stop" => Ok(Some(Operator::Stop)),
        other => Err(format!("unknown command `{other}`: {USAGE}")),
    }
}

/// Lines of standard input as they come, read on a thread of its own; the channel closes at
/// the end of input (nothing is read from a closed or empty input).
pub fn lines() -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::Builder::new().name("operator".into());
    let _ = reader.spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// Carries out one line and says what happened; replays are written to `replay_base` with
/// the first free number and `.mkv` (`show-replay-1.mkv`).
pub fn carry_out(engine: &Engine, line: &str, replay_base: &Path) -> String {
    match parse(line) {
        Ok(None) => String::new(),
        Ok(Some(Operator::Cut(scene))) => match engine.cut(&scene) {
            Ok(()) => format!("cut to `{scene}`"),
            Err(e) => format!("cut {scene}: {e}; nothing changed"),
        },
        Ok(Some(Operator::Transition(scene, transition))) => {
            match engine.transition(&scene, transition.as_ref()) {
                Ok(used) => format!("{} to `{scene}`", describe(&used)),
                Err(e) => format!("transition {scene}: {e}; nothing changed"),
            }
        }
        Ok(Some(Operator::Panic)) => match engine.panic() {
            Ok((safe, 0)) => format!("panic: cut to the safe scene `{safe}`"),
            Ok((safe, dropped)) => format!(
                "panic: cut to the safe scene `{safe}`; {dropped} delayed packets discarded, none of them will reach viewers"
            ),
            Err(e) => format!("panic: {e}; nothing changed"),
        },
        Ok(Some(Operator::Marker(title))) => match engine.marker(title.as_deref()) {
            Ok((_, 0)) => "marker: nothing is being recorded; nothing changed".to_string(),
            Ok((at, _)) => format!("marker at {at:.1} s"),
            Err(e) => format!("marker: {e}"),
        },
        Ok(Some(Operator::SaveReplay)) => {
            let path = (1..)
                .map(|n| {
                    let mut name = replay_base.as_os_str().to_owned();
                    name.push(format!("-{n}.mkv"));
                    PathBuf::from(name)
                })
                .find(|p| !p.exists())
                .expect("some number is free");
            match engine.save_replay(&path) {
                Ok(saved) => format!(
                    "saved the last {:.1} s to {}",
                    saved.seconds,
                    path.display()
                ),
                Err(e) => format!("save-replay: {e}; nothing was written"),
            }
        }
        Ok(Some(Operator::Stop)) => {
            engine.stop();
            "stopping: finishing the recordings and streams".to_string()
        }
        Err(why) => format!("{why}; nothing changed"),
    }
}

/// `fade of 800 ms`, `cut`.
fn describe(t: &Transition) -> String {
    match t {
        Transition::Cut => "cut".into(),
        Transition::Fade { duration_ms } => format!("fade of {duration_ms} ms"),
        Transition::Slide {
            direction,
            duration_ms,
        } => format!("slide {direction:?} of {duration_ms} ms").to_lowercase(),
        Transition::Stinger { path, .. } => format!("stinger {}", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_commands_or_a_reason() {
        assert_eq!(parse("  "), Ok(None));
        assert_eq!(
            parse("cut Be right back"),
            Ok(Some(Operator::Cut("Be right back".into())))
        );
        assert_eq!(
            parse("cut \"Live\" "),
            Ok(Some(Operator::Cut("Live".into())))
        );
        assert_eq!(parse("panic"), Ok(Some(Operator::Panic)));
        assert_eq!(parse("stop"), Ok(Some(Operator::Stop)));
        assert_eq!(parse("marker"), Ok(Some(Operator::Marker(None))));
        assert_eq!(
            parse("marker Q and A"),
            Ok(Some(Operator::Marker(Some("Q and A".into()))))
        );
        assert_eq!(
            parse("transition Be right back fade 800"),
            Ok(Some(Operator::Transition(
                "Be right back".into(),
                Some(Transition::Fade { duration_ms: 800 })
            )))
        );
        assert_eq!(
            parse("transition Live"),
            Ok(Some(Operator::Transition("Live".into(), None)))
        );
        assert_eq!(
            parse("transition \"Fade\" slide-up"),
            Ok(Some(Operator::Transition(
                "Fade".into(),
                Some(Transition::Slide {
                    direction: streamwerk_scene::SlideDirection::Up,
                    duration_ms: 500
                })
            )))
        );
        assert!(parse("transition \"Live\" wipe")
            .unwrap_err()
            .contains("unknown transition `wipe`"));
        assert!(parse("transition").unwrap_err().contains("needs a scene"));
        assert!(parse("cut").unwrap_err().contains("needs a scene name"));
        assert!(parse("panic now").unwrap_err().contains("takes nothing"));
        assert!(parse("fade Live")
            .unwrap_err()
            .contains("unknown command `fade`"));
    }
}
