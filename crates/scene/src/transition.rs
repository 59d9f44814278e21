//! How one scene replaces another on program: the collection's default transition and a
//! scene's own override (used when switching to that scene).

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Longest transition accepted: past this a "transition" is a scene of its own.
pub const MAX_TRANSITION_MS: u32 = 10_000;

/// A transition, written `{"kind": "fade", "duration_ms": 500}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, Default)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Transition {
    /// The next frame shows the new scene.
    #[default]
    Cut,
    /// The two pictures crossfade, and so does their sound.
    Fade { duration_ms: u32 },
    /// The new scene pushes the old one out towards `direction`; sound crossfades.
    Slide {
        direction: SlideDirection,
        duration_ms: u32,
    },
    /// A media file plays over the change (a picture with alpha shows the scenes through it);
    /// the scene underneath switches at `cut_point_ms`. It runs for `duration_ms`, or the
    /// file's length when that is left out.
    Stinger {
        /// Relative to the collection file.
        path: PathBuf,
        cut_point_ms: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        duration_ms: Option<u32>,
    },
}

/// Where a slide moves the pictures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SlideDirection {
    Left,
    Right,
    Up,
    Down,
}

impl Transition {
    pub fn is_cut(&self) -> bool {
        matches!(self, Transition::Cut)
    }

    /// The name as written in documents and on the command line.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Transition::Cut => "cut",
            Transition::Fade { .. } => "fade",
            Transition::Slide { .. } => "slide",
            Transition::Stinger { .. } => "stinger",
        }
    }

    /// Parses the command line's `KIND[:MS]` (`cut`, `fade:500`, `slide-left:400`): a
    /// stinger needs a file and is set in the collection.
    pub fn parse_spec(spec: &str) -> Result<Transition, String> {
        let (kind, ms) = match spec.split_once(':') {
            Some((kind, ms)) => (
                kind,
                Some(ms.parse::<u32>().map_err(|_| {
                    format!("`{ms}` in `{spec}` is not a duration in milliseconds")
                })?),
            ),
            None => (spec, None),
        };
        let duration_ms = ms.unwrap_or(500);
        let transition = match kind {
            "cut" => Transition::Cut,
            "fade" => Transition::Fade { duration_ms },
            "slide" | "slide-left" => Transition::Slide {
                direction: SlideDirection::Left,
                duration_ms,
            },
            "slide-right" => Transition::Slide {
                direction: SlideDirection::Right,
                duration_ms,
            },
            "slide-up" => Transition::Slide {
                direction: SlideDirection::Up,
                duration_ms,
            },
            "slide-down" => Transition::Slide {
                direction: SlideDirection::Down,
                duration_ms,
            },
            other => {
                return Err(format!(
                    "unknown transition `{other}`; use cut, fade, slide-left, slide-right, \
                     slide-up or slide-down, with :MS for the duration (a stinger is set in the \
                     collection's \"transition\")"
                ))
            }
        };
        if duration_ms > MAX_TRANSITION_MS {
            return Err(format!(
                "{duration_ms} ms is too long for a transition; give 0 to {MAX_TRANSITION_MS}"
            ));
        }
        Ok(transition)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_bad_ones_say_why() {
        assert_eq!(
            Transition::parse_spec("fade:800"),
            Ok(Transition::Fade { duration_ms: 800 })
        );
        assert_eq!(
            Transition::parse_spec("slide-up"),
            Ok(Transition::Slide {
                direction: SlideDirection::Up,
                duration_ms: 500
            })
        );
        assert_eq!(Transition::parse_spec("cut"), Ok(Transition::Cut));
        assert!(Transition::parse_spec("wipe")
            .unwrap_err()
            .contains("unknown transition `wipe`"));
        assert!(Transition::parse_spec("fade:abc")
            .unwrap_err()
            .contains("not a duration"));
        assert!(Transition::parse_spec("fade:20000")
            .unwrap_err()
            .contains("too long"));
    }

    #[test]
    fn documents_read_each_kind() {
        let t: Transition =
            serde_json::from_str(r#"{"kind":"stinger","path":"s.webm","cut_point_ms":400}"#)
                .unwrap();
        assert_eq!(
            t,
            Transition::Stinger {
                path: "s.webm".into(),
                cut_point_ms: 400,
                duration_ms: None
            }
        );
        let t: Transition =
            serde_json::from_str(r#"{"kind":"slide","direction":"right","duration_ms":300}"#)
                .unwrap();
        assert_eq!(t.kind_name(), "slide");
        assert!(serde_json::from_str::<Transition>(r#"{"kind":"fade"}"#).is_err());
    }
}
