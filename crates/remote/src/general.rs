//! General requests: version, statistics, custom events, hotkeys by name and screenshots.

use crate::events::{intent, ObsEvent};
use crate::names::{find_canvas, source_called};
use crate::requests::{available, Ctx};
use crate::session::{OBS_STUDIO_VERSION, OBS_WEBSOCKET_VERSION, RPC_VERSION};
use crate::status::{code, Failure, Fields, Reply};
use base64::Engine as _;
use serde_json::{json, Value};
use std::path::Path;
use streamwerk_protocol::Command;

pub fn get_version(_: &Ctx, _: &Fields) -> Reply {
    Ok(Some(json!({
        "obsVersion": OBS_STUDIO_VERSION,
        "obsWebSocketVersion": OBS_WEBSOCKET_VERSION,
        "rpcVersion": RPC_VERSION,
        "availableRequests": available(),
        "supportedImageFormats": ["png", "jpg", "jpeg"],
        "platform": std::env::consts::OS,
        "platformDescription": format!("Streamwerk {}", env!("CARGO_PKG_VERSION")),
    })))
}

/// The process's resident memory, in MB.
fn memory_mb() -> f64 {
    let pages = std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<f64>().ok());
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as f64;
    pages.map_or(0.0, |p| p * page / 1_048_576.0)
}

/// Free space where recordings go, in MB.
fn disk_mb(folder: &Path) -> f64 {
    let Ok(path) = std::ffi::CString::new(folder.as_os_str().as_encoded_bytes()) else {
        return 0.0;
    };
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: a valid C string and a struct of the right type to fill.
    if unsafe { libc::statvfs(path.as_ptr(), &mut stat) } != 0 {
        return 0.0;
    }
    stat.f_bavail as f64 * stat.f_frsize as f64 / 1_048_576.0
}

pub fn get_stats(ctx: &Ctx, _: &Fields) -> Reply {
    let tracker = ctx.tracker.lock().unwrap();
    let stats = tracker.stats.as_ref();
    let session = stats.and_then(|s| s.session.as_ref());
    let folder = Path::new(&ctx.state.collection_path)
        .parent()
        .unwrap_or(Path::new("."))
        .join(&ctx.state.profile.recording.folder);
    let folder = folder
        .ancestors()
        .find(|p| p.exists())
        .unwrap_or(Path::new("."));
    Ok(Some(json!({
        "cpuUsage": stats.map_or(0.0, |s| s.cpu_percent),
        "memoryUsage": memory_mb(),
        "availableDiskSpace": disk_mb(folder),
        "activeFps": stats.map_or(0.0, |s| s.render_fps),
        "averageFrameRenderTime": stats.map_or(0.0, |s| s.compose_ms_avg),
        "renderSkippedFrames": stats.map_or(0, |s| s.frames_lagged),
        "renderTotalFrames": session.map_or(0, |s| s.frames_rendered),
        "outputSkippedFrames": session.map_or(0, |s| s.frames_skipped),
        "outputTotalFrames": session.map_or(0, |s| s.frames_encoded),
        "webSocketSessionIncomingMessages": ctx.messages.0,
        "webSocketSessionOutgoingMessages": ctx.messages.1,
    })))
}

/// To every identified client subscribed to General, the sender included.
pub fn broadcast_custom_event(ctx: &Ctx, f: &Fields) -> Reply {
    let data = f.required_object("eventData")?;
    if data.is_empty() {
        return Err(Failure::new(
            code::FIELD_EMPTY,
            "The field value of `eventData` must not be empty.",
        ));
    }
    let event = ObsEvent::new("CustomEvent", intent::GENERAL, Value::Object(data.clone()));
    let _ = ctx.events.send(event);
    Ok(None)
}

/// OBS's names for the show's controls, and Streamwerk's for what OBS lacks. Scene and mute
/// hotkeys take the scene or input as `contextName`, as OBS's per-source hotkeys do.
const HOTKEYS: [&str; 15] = [
    "OBSBasic.StartStreaming",
    "OBSBasic.StopStreaming",
    "OBSBasic.StartRecording",
    "OBSBasic.StopRecording",
    "OBSBasic.StartReplayBuffer",
    "OBSBasic.StopReplayBuffer",
    "ReplayBuffer.Save",
    "OBSBasic.EnablePreviewProgram",
    "OBSBasic.DisablePreviewProgram",
    "OBSBasic.Transition",
    "OBSBasic.SelectScene",
    "libobs.mute",
    "libobs.unmute",
    "Streamwerk.Panic",
    "Streamwerk.AddMarker",
];

pub fn get_hotkey_list(_: &Ctx, _: &Fields) -> Reply {
    Ok(Some(json!({ "hotkeys": HOTKEYS })))
}

pub fn trigger_hotkey_by_name(ctx: &Ctx, f: &Fields) -> Reply {
    let name = f.required_string("hotkeyName")?;
    let context = f.string("contextName")?;
    let needs_context = || {
        context.ok_or_else(|| {
            Failure::new(
                code::MISSING_FIELD,
                format!("The hotkey `{name}` needs `contextName`: the scene or input it acts on."),
            )
        })
    };
    let command = match name {
        "OBSBasic.StartStreaming" => Command::GoLive { keys: Vec::new() },
        "OBSBasic.StopStreaming" => Command::StopLive,
        "OBSBasic.StartRecording" => Command::StartRecording,
        "OBSBasic.StopRecording" => Command::StopRecording,
        "OBSBasic.StartReplayBuffer" => Command::StartReplayBuffer,
        "OBSBasic.StopReplayBuffer" => Command::StopReplayBuffer,
        "ReplayBuffer.Save" => Command::SaveReplay,
        "OBSBasic.EnablePreviewProgram" => Command::SetStudioMode { on: true },
        "OBSBasic.DisablePreviewProgram" => Command::SetStudioMode { on: false },
        "OBSBasic.Transition" => Command::Transition { transition: None },
        "OBSBasic.SelectScene" => {
            let scene = needs_context()?;
            if ctx.collection().scene(scene).is_none() {
                return Err(Failure::new(
                    code::NOT_FOUND,
                    format!("No scene `{scene}`."),
                ));
            }
            Command::SwitchScene {
                scene: scene.into(),
            }
        }
        "libobs.mute" | "libobs.unmute" => {
            let wanted = needs_context()?;
            let s = source_called(ctx.collection(), wanted)
                .filter(|s| s.kind.has_audio())
                .ok_or_else(|| {
                    Failure::new(
                        code::NOT_FOUND,
                        format!("No input with sound named `{wanted}`."),
                    )
                })?;
            let mut mix = s.audio.clone();
            mix.muted = name == "libobs.mute";
            Command::SetAudioMix {
                source: s.id.clone(),
                mix,
            }
        }
        "Streamwerk.Panic" => Command::Panic,
        "Streamwerk.AddMarker" => Command::AddMarker { title: None },
        _ => {
            return Err(Failure::new(
                code::NOT_FOUND,
                "No hotkeys were found by that name.",
            ))
        }
    };
    ctx.run(command)?;
    Ok(None)
}

/// A scene's picture (what is on air and in studio mode's preview: the live one), scaled to
/// the size asked (its shape kept, as OBS does), as a PNG or JPEG `data:` URL.
pub fn get_source_screenshot(ctx: &Ctx, f: &Fields) -> Reply {
    let wanted = match (f.string("sourceUuid")?, f.string("sourceName")?) {
        (Some(s), _) | (None, Some(s)) => s,
        (None, None) => f.required_string("sourceName")?,
    };
    let format = f.required_string("imageFormat")?.to_ascii_lowercase();
    let width = f.number("imageWidth", 8.0, 4096.0)?;
    let height = f.number("imageHeight", 8.0, 4096.0)?;
    let quality = f.number("imageCompressionQuality", -1.0, 100.0)?;
    if !["png", "jpg", "jpeg"].contains(&format.as_str()) {
        return Err(Failure::new(
            code::INVALID_FIELD,
            "Your specified image format is invalid or not supported by this system.",
        ));
    }
    let c = ctx.collection();
    if c.scene(wanted).is_none() {
        return Err(match source_called(c, wanted) {
            Some(_) => Failure::new(
                code::INVALID_RESOURCE_TYPE,
                "Streamwerk takes screenshots of scenes; ask for a scene that shows this input.",
            ),
            None => Failure::new(
                code::NOT_FOUND,
                format!("No source was found by the name of `{wanted}`."),
            ),
        });
    }
    let canvas = find_canvas(c, f)?;
    let picture = ctx
        .studio
        .scene_picture(wanted, &canvas)
        .map_err(|e| Failure::new(code::PROCESSING_FAILED, e.to_string()))?;
    let rgba = image::RgbaImage::from_raw(picture.width, picture.height, picture.data)
        .ok_or_else(|| Failure::new(code::PROCESSING_FAILED, "a picture of the wrong size"))?;
    let (w, h) = fitted(rgba.dimensions(), width, height);
    let rgba = if (w, h) == rgba.dimensions() {
        rgba
    } else {
        image::imageops::resize(&rgba, w, h, image::imageops::FilterType::Triangle)
    };
    let (mime, bytes) = encode(rgba, &format, quality)?;
    let data = base64::engine::general_purpose::STANDARD.encode(bytes);
    Ok(Some(
        json!({ "imageData": format!("data:{mime};base64,{data}") }),
    ))
}

/// The size that fits the box asked for, the picture's shape kept.
fn fitted((w, h): (u32, u32), width: Option<f64>, height: Option<f64>) -> (u32, u32) {
    let (w, h) = (f64::from(w), f64::from(h));
    let scale = match (width, height) {
        (None, None) => 1.0,
        (Some(bw), None) => bw / w,
        (None, Some(bh)) => bh / h,
        (Some(bw), Some(bh)) => (bw / w).min(bh / h),
    };
    let side = |v: f64| ((v * scale).round() as u32).max(1);
    (side(w), side(h))
}

fn encode(
    rgba: image::RgbaImage,
    format: &str,
    quality: Option<f64>,
) -> Result<(&'static str, Vec<u8>), Failure> {
    let failed = |e: image::ImageError| Failure::new(code::PROCESSING_FAILED, e.to_string());
    let mut out = std::io::Cursor::new(Vec::new());
    if format == "png" {
        rgba.write_to(&mut out, image::ImageFormat::Png)
            .map_err(failed)?;
        return Ok(("image/png", out.into_inner()));
    }
    // -1 is obs-websocket's "the default".
    let quality = quality.filter(|q| *q >= 1.0).map_or(90, |q| q as u8);
    let rgb = image::DynamicImage::ImageRgba8(rgba).to_rgb8();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&rgb)
        .map_err(failed)?;
    Ok(("image/jpeg", out.into_inner()))
}

#[cfg(test)]
mod tests {
    use super::fitted;

    #[test]
    fn a_screenshot_fits_the_box_asked_for_and_keeps_its_shape() {
        assert_eq!(fitted((1280, 720), None, None), (1280, 720));
        assert_eq!(fitted((1280, 720), Some(320.0), None), (320, 180));
        assert_eq!(fitted((1280, 720), Some(320.0), Some(320.0)), (320, 180));
        assert_eq!(fitted((1080, 1920), Some(320.0), Some(320.0)), (180, 320));
    }
}
