//! How Streamwerk's things look to an obs-websocket client: sources as inputs with OBS's
//! nearest input kind (so a client's "set text" finds `text_ft2_source_v2`), scenes by name,
//! layers as scene items with ids that stay the same across edits, and canvases by name.

use crate::status::{code, Failure, Fields};
use streamwerk_scene::{Collection, Scene, Source, SourceKind, MAIN_CANVAS};

/// OBS's input kind for a source kind where OBS has one; Streamwerk's own otherwise.
pub fn input_kind(kind: &SourceKind) -> &'static str {
    match kind {
        SourceKind::TestPattern(_) => "streamwerk_test_pattern",
        SourceKind::Color(_) => "color_source_v3",
        SourceKind::Image(_) => "image_source",
        SourceKind::Text(_) => "text_ft2_source_v2",
        SourceKind::Tone(_) => "streamwerk_tone",
        SourceKind::Camera(_) => "v4l2_input",
        SourceKind::Microphone(_) => "pulse_input_capture",
        SourceKind::MediaFile(_) => "ffmpeg_source",
        SourceKind::Template(_) => "streamwerk_template",
        SourceKind::Guest(_) => "streamwerk_guest",
    }
}

/// The kind without its `_vN` version, as obs-websocket's `unversionedInputKind`.
pub fn unversioned(kind: &str) -> &str {
    match kind.rsplit_once("_v") {
        Some((base, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => base,
        _ => kind,
    }
}

/// libobs's output flags: video 1, audio 2.
pub fn input_caps(kind: &SourceKind) -> u32 {
    u32::from(kind.has_video()) | u32::from(kind.has_audio()) << 1
}

/// What clients call a source: its name, or its id when it has none or another source has
/// the same name (input names are unique in OBS, and clients rely on that).
pub fn input_name(c: &Collection, s: &Source) -> String {
    let name = s.name.trim();
    let shared = c.sources.iter().filter(|o| o.name.trim() == name).count() > 1;
    if name.is_empty() || shared {
        s.id.clone()
    } else {
        name.to_string()
    }
}

/// A scene item's id: a hash of its source's id, the same in every scene and across edits
/// and restarts (a Stream Deck key keeps working after layers are reordered). 31 bits, not
/// zero.
pub fn item_id(source: &str) -> u64 {
    let mut hash: u32 = 0x811c_9dc5;
    for b in source.bytes() {
        hash = (hash ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    u64::from((hash & 0x7fff_ffff).max(1))
}

fn one_of<'a>(fields: &Fields<'a>, name: &str, uuid: &str) -> Result<&'a str, Failure> {
    match (fields.string(uuid)?, fields.string(name)?) {
        (Some(id), _) | (None, Some(id)) => Ok(id),
        (None, None) => Err(Failure::new(
            code::MISSING_FIELD,
            format!("Your request must contain at least one of the following fields: `{name}` or `{uuid}`."),
        )),
    }
}

/// The input named by `inputName` or `inputUuid` (the source's id; it wins).
pub fn find_input<'c>(c: &'c Collection, fields: &Fields) -> Result<&'c Source, Failure> {
    let wanted = one_of(fields, "inputName", "inputUuid")?;
    source_called(c, wanted).ok_or_else(|| {
        let scene = c.scene(wanted).is_some();
        if scene {
            Failure::new(
                code::INVALID_RESOURCE_TYPE,
                "The specified source is not an input.",
            )
        } else {
            Failure::new(
                code::NOT_FOUND,
                format!("No source was found by the name of `{wanted}`."),
            )
        }
    })
}

/// A source by id, else by the name clients see.
pub fn source_called<'c>(c: &'c Collection, wanted: &str) -> Option<&'c Source> {
    c.source(wanted)
        .or_else(|| c.sources.iter().find(|s| input_name(c, s) == wanted))
}

/// The scene named by `sceneName` or `sceneUuid` (which is its name too).
pub fn find_scene<'c>(c: &'c Collection, fields: &Fields) -> Result<&'c Scene, Failure> {
    let wanted = one_of(fields, "sceneName", "sceneUuid")?;
    c.scene(wanted).ok_or_else(|| {
        if source_called(c, wanted).is_some() {
            Failure::new(
                code::INVALID_RESOURCE_TYPE,
                "The specified source is not a scene.",
            )
        } else {
            Failure::new(
                code::NOT_FOUND,
                format!("No source was found by the name of `{wanted}`."),
            )
        }
    })
}

/// The canvas a request names by `canvasUuid` or `canvasName` (obs-websocket 5.7's canvas
/// field; Streamwerk's canvases by name), the main one when it names none.
pub fn find_canvas(c: &Collection, fields: &Fields) -> Result<String, Failure> {
    let wanted = match (fields.string("canvasUuid")?, fields.string("canvasName")?) {
        (Some(id), _) | (None, Some(id)) => id,
        (None, None) => return Ok(MAIN_CANVAS.to_string()),
    };
    c.canvas_names()
        .into_iter()
        .find(|n| *n == wanted)
        .map(str::to_string)
        .ok_or_else(|| {
            Failure::new(
                code::NOT_FOUND,
                format!("No canvas was found by the name of `{wanted}`."),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_come_off_kinds_and_ids_are_stable_and_positive() {
        assert_eq!(unversioned("text_ft2_source_v2"), "text_ft2_source");
        assert_eq!(unversioned("image_source"), "image_source");
        assert_eq!(unversioned("a_vx"), "a_vx");
        assert_eq!(item_id("camera"), item_id("camera"));
        assert_ne!(item_id("camera"), item_id("camera2"));
        assert!((1..=0x7fff_ffff).contains(&item_id("")));
    }
}
