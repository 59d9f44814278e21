//! Operator commands on standard input, one per line, so a headless show can be run from a
//! terminal or a script: `cut SCENE`, `panic`, `marker [TITLE]`, `save-replay`, `stop`. Each gets one line on standard error
//! saying what it did, or why it did nothing.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use streamwerk_engine::Engine;

/// What a line asks for.
#[derive(Debug, PartialEq)]
pub enum Operator {
    /// Show this scene from the next frame.
    Cut(String),
    /// Cut to the collection's safe scene.
    Panic,
    /// Mark this moment in the recording, with an optional title.
    Marker(Option<String>),
    /// Write the replay buffer to a file.
    SaveReplay,
    /// End the show as Ctrl-C does.
    Stop,
}

const USAGE: &str = "use `cut SCENE`, `panic`, `marker [TITLE]`, `save-replay` or `stop`";

/// A line as a command: `None` for a blank one, the reason for anything else it cannot be.
pub fn parse(line: &str) -> Result<Option<Operator>, String> {
    let line = line.trim();
    let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest = rest.trim();
    match word {
        "" => Ok(None),
        "cut" if rest.is_empty() => Err(format!("`cut` needs a scene name: {USAGE}")),
        "cut" => Ok(Some(Operator::Cut(rest.trim_matches('"').to_string()))),
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
        assert!(parse("cut").unwrap_err().contains("needs a scene name"));
        assert!(parse("panic now").unwrap_err().contains("takes nothing"));
        assert!(parse("fade Live")
            .unwrap_err()
            .contains("unknown command `fade`"));
    }
}
