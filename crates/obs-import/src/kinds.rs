//! OBS source kinds as Streamwerk sources: each kind's settings read with OBS's own defaults for
//! what the file leaves out (OBS saves only values the user set; defaults cited in
//! ../shared/notes/obs-scene-collections.md §5).

use serde_json::Value;
use std::path::PathBuf;
use streamwerk_scene::{
    Align, CameraSettings, ColorSettings, ImageSettings, MediaFileSettings, MicrophoneSettings,
    Outline, Rgba, SourceKind, TextSettings,
};

/// What an OBS source became.
pub enum Mapped {
    /// A Streamwerk source of the same kind; `note` says what was approximated, if anything.
    Source {
        kind: SourceKind,
        note: Option<String>,
    },
    /// A stand-in (a translucent card of `width`x`height`), with why, and the name to give it
    /// when not the OBS source's (a web page's: its URL).
    Placeholder {
        width: u32,
        height: u32,
        why: String,
        named: Option<String>,
    },
    /// Its file does not exist on this machine: a stand-in, and the path for the report.
    Missing {
        path: PathBuf,
        width: u32,
        height: u32,
    },
    /// A network stream (an address FFmpeg reads): a media source of that address, played
    /// as it comes and reopened when it drops.
    Network { url: String },
    /// Not imported (a kind with no picture Streamwerk can show), with why.
    LeftOut(String),
}

/// OBS colours are 0xAABBGGRR integers (low byte red).
pub fn abgr(value: u64) -> Rgba {
    let [r, g, b, a] = (value as u32).to_le_bytes();
    Rgba { r, g, b, a }
}

/// Where the machine's devices are, for matching cameras and microphones by name.
pub struct Devices<'a> {
    pub cameras: &'a [(String, String)],
    pub microphones: &'a [(String, String)],
}

/// Maps one OBS source (`versioned_id` or `id`, its `settings`) on a `canvas`-sized canvas.
pub fn map(kind: &str, settings: &Value, canvas: (u32, u32), devices: &Devices) -> Mapped {
    let s = |k: &str| settings[k].as_str();
    let n = |k: &str, d: u64| settings[k].as_u64().unwrap_or(d);
    let file = |path: &str| -> Result<PathBuf, Mapped> {
        let path = PathBuf::from(path);
        if path.is_file() {
            Ok(path)
        } else {
            Err(Mapped::Missing {
                path,
                width: canvas.0 / 4,
                height: canvas.1 / 4,
            })
        }
    };
    match kind {
        "image_source" => match file(s("file").unwrap_or("")) {
            Ok(path) => source(SourceKind::Image(ImageSettings { path }), None),
            Err(missing) => missing,
        },
        "color_source" | "color_source_v2" | "color_source_v3" => {
            // v1: white 400x400; v2: white 1920x1080; v3: light grey 1920x1080.
            let (colour, w, h) = match kind {
                "color_source" => (0xFFFF_FFFF, 400, 400),
                "color_source_v2" => (0xFFFF_FFFF, 1920, 1080),
                _ => (0xFFD1_D1D1, 1920, 1080),
            };
            source(
                SourceKind::Color(ColorSettings {
                    color: abgr(n("color", colour)),
                    width: n("width", w).max(1) as u32,
                    height: n("height", h).max(1) as u32,
                }),
                None,
            )
        }
        "text_ft2_source" | "text_ft2_source_v2" | "text_gdiplus" | "text_gdiplus_v2"
        | "text_gdiplus_v3" => text(kind, settings),
        "ffmpeg_source" => {
            let path = if settings["is_local_file"].as_bool().unwrap_or(true) {
                s("local_file")
            } else {
                s("input")
            };
            media(
                path.unwrap_or(""),
                settings["looping"].as_bool().unwrap_or(false),
                canvas,
                &file,
            )
        }
        "vlc_source" => {
            let first = settings["playlist"][0]["value"].as_str().unwrap_or("");
            let looping = settings["loop"].as_bool().unwrap_or(true);
            media(first, looping, canvas, &file)
        }
        "v4l2_input"
        | "dshow_input"
        | "av_capture_input"
        | "av_capture_input_v2"
        | "macos-avcapture"
        | "macos-avcapture-fast" => {
            let wanted = s("device_name")
                .or(s("video_device_id").map(|id| id.split(':').next().unwrap_or(id)))
                .or(s("device_id"))
                .unwrap_or("");
            let found = devices
                .cameras
                .iter()
                .find(|(id, name)| !wanted.is_empty() && (name == wanted || id == wanted));
            let note = match found {
                Some(_) => None,
                None => Some(format!(
                    "camera `{wanted}` is not on this machine: shown as the camera placeholder until one is chosen"
                )),
            };
            source(
                SourceKind::Camera(CameraSettings {
                    device: found.map(|(id, _)| id.clone()),
                    ..CameraSettings::default()
                }),
                note,
            )
        }
        "pulse_input_capture"
        | "wasapi_input_capture"
        | "coreaudio_input_capture"
        | "alsa_input_capture" => {
            let wanted = s("device_id").unwrap_or("default");
            let found = devices
                .microphones
                .iter()
                .find(|(id, name)| wanted != "default" && (name == wanted || id == wanted));
            let note = (wanted != "default" && found.is_none())
                .then(|| format!("input `{wanted}` is not on this machine: the default input"));
            source(
                SourceKind::Microphone(MicrophoneSettings {
                    device: found.map(|(id, _)| id.clone()),
                }),
                note,
            )
        }
        "pulse_output_capture"
        | "wasapi_output_capture"
        | "coreaudio_output_capture"
        | "wasapi_process_output_capture"
        | "sck_audio_capture" => {
            Mapped::LeftOut("desktop sound capture: Streamwerk captures inputs only".into())
        }
        "browser_source" => Mapped::Placeholder {
            width: n("width", 800) as u32,
            height: n("height", 600) as u32,
            why: "a web page; Streamwerk has no web-page sources yet".into(),
            named: Some(streamwerk_scene::network_label(
                s("url").unwrap_or("https://obsproject.com/browser-source"),
            )),
        },
        "xshm_input"
        | "xcomposite_input"
        | "pipewire-screen-capture-source"
        | "pipewire-window-capture-source"
        | "monitor_capture"
        | "window_capture"
        | "game_capture"
        | "screen_capture"
        | "display_capture" => Mapped::Placeholder {
            width: canvas.0,
            height: canvas.1,
            why: "a screen or window capture; Streamwerk has no screen sources yet (canvas-sized)"
                .into(),
            named: None,
        },
        other => Mapped::LeftOut(format!("kind `{other}` has no Streamwerk counterpart")),
    }
}

fn source(kind: SourceKind, note: Option<String>) -> Mapped {
    Mapped::Source { kind, note }
}

fn media(
    path: &str,
    looping: bool,
    canvas: (u32, u32),
    file: &dyn Fn(&str) -> Result<PathBuf, Mapped>,
) -> Mapped {
    let path = path.trim();
    if path.is_empty() {
        return Mapped::Placeholder {
            width: canvas.0 / 4,
            height: canvas.1 / 4,
            why: "a media source with no file or address chosen in OBS".into(),
            named: None,
        };
    }
    if streamwerk_scene::network_address(std::path::Path::new(path)).is_some() {
        return Mapped::Network {
            url: path.to_string(),
        };
    }
    match file(path) {
        Ok(path) => source(
            SourceKind::MediaFile(MediaFileSettings {
                path,
                looping,
                start_s: 0.0,
            }),
            None,
        ),
        Err(missing) => missing,
    }
}

/// The two text plugins: FreeType 2 (Linux, macOS) and GDI+ (Windows).
fn text(kind: &str, settings: &Value) -> Mapped {
    let font = &settings["font"];
    let gdiplus = kind.starts_with("text_gdiplus");
    let size = font["size"].as_f64().unwrap_or(match kind {
        "text_ft2_source" => 32.0,
        "text_gdiplus" => 36.0,
        _ => 256.0,
    });
    let bold = font["flags"].as_u64().unwrap_or(0) & 1 != 0;
    let face = font["face"].as_str().unwrap_or("the default font");
    let colour = if gdiplus {
        // 0xBBGGRR in the low bits; opacity apart, 0-100.
        let c = settings["color"].as_u64().unwrap_or(0xFF_FFFF) & 0xFF_FFFF;
        let opacity = settings["opacity"].as_u64().unwrap_or(100).min(100);
        abgr(c | ((opacity * 255 / 100) << 24))
    } else {
        // The top of FreeType's gradient.
        abgr(settings["color1"].as_u64().unwrap_or(0xFFFF_FFFF))
    };
    let outline = if gdiplus {
        settings["outline"]
            .as_bool()
            .unwrap_or(false)
            .then(|| Outline {
                width: settings["outline_size"].as_f64().unwrap_or(2.0) as f32,
                color: abgr(settings["outline_color"].as_u64().unwrap_or(0) | 0xFF00_0000),
            })
    } else {
        settings["outline"]
            .as_bool()
            .unwrap_or(false)
            .then_some(Outline {
                width: 2.0,
                color: Rgba::BLACK,
            })
    };
    let align = match settings["align"].as_str() {
        Some("center") => Align::Center,
        Some("right") => Align::Right,
        _ => Align::Left,
    };
    // Wrapping at a set width: GDI+'s text extents with wrap on (default on), FreeType's custom
    // width (OBS enables it from 100 px) with word wrap.
    let wrap_width = if gdiplus {
        (settings["extents"].as_bool().unwrap_or(false)
            && settings["extents_wrap"].as_bool().unwrap_or(true))
        .then(|| settings["extents_cx"].as_f64().unwrap_or(100.0) as f32)
    } else {
        let width = settings["custom_width"].as_f64().unwrap_or(0.0);
        (width >= 100.0 && settings["word_wrap"].as_bool().unwrap_or(false)).then_some(width as f32)
    };
    let mut text = settings["text"].as_str().unwrap_or("").to_string();
    let mut notes = vec![format!("font `{face}` shown in the bundled DejaVu Sans")];
    if settings["from_file"].as_bool().unwrap_or(false)
        || settings["read_from_file"].as_bool().unwrap_or(false)
    {
        notes.push("its text came from a file; the last text OBS saved is kept".into());
    }
    if text.is_empty() {
        text = " ".into();
    }
    Mapped::Source {
        kind: SourceKind::Text(TextSettings {
            text,
            font: None,
            size: size as f32,
            color: colour,
            bold,
            align,
            wrap_width,
            outline,
            background: None,
        }),
        note: Some(notes.join("; ")),
    }
}
