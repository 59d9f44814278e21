//! Inputs: every source, its sound (mute, fader, sync offset, its one track) and its
//! settings, with OBS's names for the file fields of its nearest kinds (`file` of an image,
//! `local_file` of a media file) so clients written for OBS set them.

use crate::events::volume;
use crate::names::{find_input, input_caps, input_kind, input_name, unversioned};
use crate::requests::Ctx;
use crate::status::{code, Failure, Fields, Reply};
use serde_json::{json, Map, Value};
use streamwerk_protocol::Command;
use streamwerk_scene::{AudioMix, Source, SourceKind};

/// Streamwerk's field name and OBS's, by kind.
fn renamed(kind: &SourceKind) -> Option<(&'static str, &'static str)> {
    match kind {
        SourceKind::Image(_) => Some(("path", "file")),
        SourceKind::MediaFile(_) => Some(("path", "local_file")),
        _ => None,
    }
}

fn rename(map: &mut Map<String, Value>, from: &str, to: &str) {
    if let Some(v) = map.remove(from) {
        map.insert(to.to_string(), v);
    }
}

/// A source's settings as GetInputSettings gives them.
pub fn settings_of(s: &Source) -> Value {
    let mut kind = serde_json::to_value(&s.kind).expect("settings serialise");
    let mut settings = match kind.get_mut("settings").map(Value::take) {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    if let Some((ours, obs)) = renamed(&s.kind) {
        rename(&mut settings, ours, obs);
    }
    Value::Object(settings)
}

pub fn get_input_list(ctx: &Ctx, f: &Fields) -> Reply {
    let only = f.string("inputKind")?;
    let c = ctx.collection();
    let inputs: Vec<Value> = c
        .sources
        .iter()
        .filter(|s| only.is_none_or(|k| k == input_kind(&s.kind)))
        .map(|s| {
            let kind = input_kind(&s.kind);
            json!({
                "inputName": input_name(c, s),
                "inputUuid": s.id,
                "inputKind": kind,
                "unversionedInputKind": unversioned(kind),
                "inputKindCaps": input_caps(&s.kind),
            })
        })
        .collect();
    Ok(Some(json!({ "inputs": inputs })))
}

pub fn get_input_settings(ctx: &Ctx, f: &Fields) -> Reply {
    let s = find_input(ctx.collection(), f)?;
    Ok(Some(json!({
        "inputSettings": settings_of(s),
        "inputKind": input_kind(&s.kind),
    })))
}

/// `overlay` (the default) changes the fields given; without it the settings are replaced
/// (fields left out take their defaults, and required ones must be given).
pub fn set_input_settings(ctx: &Ctx, f: &Fields) -> Reply {
    let s = find_input(ctx.collection(), f)?;
    let given = f.required_object("inputSettings")?;
    let overlay = f.bool("overlay")?.unwrap_or(true);
    let mut settings = match (overlay, settings_of(s)) {
        (true, Value::Object(now)) => now,
        _ => Map::new(),
    };
    settings.extend(given.iter().map(|(k, v)| (k.clone(), v.clone())));
    if let Some((ours, obs)) = renamed(&s.kind) {
        rename(&mut settings, obs, ours);
    }
    let document = json!({ "kind": s.kind.name(), "settings": settings });
    let kind: SourceKind = serde_json::from_value(document).map_err(|e| {
        Failure::new(
            code::INVALID_FIELD,
            format!(
                "`inputSettings` of `{}`: {e}",
                input_name(ctx.collection(), s)
            ),
        )
    })?;
    ctx.run(Command::UpdateSource {
        source: Source { kind, ..s.clone() },
    })?;
    Ok(None)
}

/// The input, if it has sound.
fn audio<'c>(ctx: &'c Ctx, f: &Fields) -> Result<&'c Source, Failure> {
    let s = find_input(ctx.collection(), f)?;
    if !s.kind.has_audio() {
        return Err(Failure::new(
            code::INVALID_RESOURCE_STATE,
            "The specified input does not support audio.",
        ));
    }
    Ok(s)
}

fn set_mix(ctx: &Ctx, s: &Source, mix: AudioMix) -> Result<(), Failure> {
    ctx.run(Command::SetAudioMix {
        source: s.id.clone(),
        mix,
    })
}

pub fn get_input_mute(ctx: &Ctx, f: &Fields) -> Reply {
    Ok(Some(json!({ "inputMuted": audio(ctx, f)?.audio.muted })))
}

pub fn set_input_mute(ctx: &Ctx, f: &Fields) -> Reply {
    let s = audio(ctx, f)?;
    mute(ctx, s, f.required_bool("inputMuted")?)?;
    Ok(None)
}

pub fn toggle_input_mute(ctx: &Ctx, f: &Fields) -> Reply {
    let s = audio(ctx, f)?;
    mute(ctx, s, !s.audio.muted)?;
    Ok(Some(json!({ "inputMuted": !s.audio.muted })))
}

fn mute(ctx: &Ctx, s: &Source, muted: bool) -> Result<(), Failure> {
    let mix = AudioMix {
        muted,
        ..s.audio.clone()
    };
    set_mix(ctx, s, mix)
}

pub fn get_input_volume(ctx: &Ctx, f: &Fields) -> Reply {
    let (mul, db) = volume(audio(ctx, f)?.audio.gain_db);
    Ok(Some(json!({ "inputVolumeMul": mul, "inputVolumeDb": db })))
}

/// Streamwerk's fader: -60 to +20 dB.
const FADER_DB: (f64, f64) = (-60.0, 20.0);

/// One of `inputVolumeMul` (0 to 20, as OBS) and `inputVolumeDb` (-100 to 26); a level past
/// Streamwerk's fader (-60 to +20 dB) is out of range, said with the fader's limits.
pub fn set_input_volume(ctx: &Ctx, f: &Fields) -> Reply {
    let s = audio(ctx, f)?;
    let mul = f.number("inputVolumeMul", 0.0, 20.0)?;
    let db = f.number("inputVolumeDb", -100.0, 26.0)?;
    let db = match (mul, db) {
        (Some(_), Some(_)) => {
            return Err(Failure::new(
                code::TOO_MANY_FIELDS,
                "You may only specify one volume field.",
            ))
        }
        (Some(mul), None) => 20.0 * mul.log10(),
        (None, Some(db)) => db,
        (None, None) => {
            return Err(Failure::new(
                code::MISSING_FIELD,
                "You must specify one volume field.",
            ))
        }
    };
    if !(FADER_DB.0 - 1e-6..=FADER_DB.1 + 1e-6).contains(&db) {
        return Err(Failure::new(
            code::OUT_OF_RANGE,
            format!(
                "{db:.1} dB is past Streamwerk's fader: give -60 to +20 dB (multiplier 0.001 to 10)"
            ),
        ));
    }
    let gain_db = db.clamp(FADER_DB.0, FADER_DB.1) as f32;
    set_mix(
        ctx,
        s,
        AudioMix {
            gain_db,
            ..s.audio.clone()
        },
    )?;
    Ok(None)
}

pub fn get_input_audio_sync_offset(ctx: &Ctx, f: &Fields) -> Reply {
    let offset = audio(ctx, f)?.audio.sync_offset_ms;
    Ok(Some(json!({ "inputAudioSyncOffset": offset })))
}

/// Streamwerk has one mix: every source with sound is on track 1 only.
pub fn get_input_audio_tracks(ctx: &Ctx, f: &Fields) -> Reply {
    audio(ctx, f)?;
    let tracks: Map<String, Value> = (1..=6).map(|t| (t.to_string(), json!(t == 1))).collect();
    Ok(Some(json!({ "inputAudioTracks": tracks })))
}
