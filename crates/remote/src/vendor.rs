//! `CallVendorRequest` with vendorName `streamwerk`: what OBS has no request for. Panic, the
//! canvases, the brand kit, graphics shown and hidden with their text, the guests, the
//! master level and a stop that lets the stream delay run out.

use crate::names::{find_canvas, find_scene, source_called};
use crate::requests::Ctx;
use crate::status::{code, Failure, Fields, Reply};
use serde_json::{json, Map, Value};
use streamwerk_protocol::Command;
use streamwerk_scene::SourceKind;

pub const VENDOR: &str = "streamwerk";

type Handler = fn(&Ctx, &Fields) -> Reply;

const REQUESTS: &[(&str, Handler)] = &[
    ("Panic", panic),
    ("StopStreamAfterDelay", stop_after_delay),
    ("GetCanvasList", canvas_list),
    ("GetBrandKit", brand_kit),
    ("ShowGraphic", show_graphic),
    ("HideGraphic", hide_graphic),
    ("GetGuestList", guest_list),
    ("AdmitGuest", admit_guest),
    ("SendGuestToLobby", send_guest_back),
    ("RemoveGuest", remove_guest),
    ("GetMasterLevel", master_level),
];

/// The vendor requests, named in the answer to an unknown one.
pub fn request_types() -> Vec<&'static str> {
    REQUESTS.iter().map(|(n, _)| *n).collect()
}

pub fn call(ctx: &Ctx, f: &Fields) -> Reply {
    let vendor = f.required_string("vendorName")?;
    let request_type = f.required_string("requestType")?;
    let data = f.object("requestData")?;
    if vendor != VENDOR {
        return Err(Failure::new(
            code::NOT_FOUND,
            "No vendor was found by that name.",
        ));
    }
    let handler = REQUESTS
        .iter()
        .find(|(n, _)| *n == request_type)
        .map(|(_, h)| h)
        .ok_or_else(|| {
            Failure::new(
                code::UNKNOWN_REQUEST_TYPE,
                format!(
                    "`{request_type}` is not one of streamwerk's requests: {}",
                    request_types().join(", ")
                ),
            )
        })?;
    let answer = handler(ctx, &Fields::new(data))?;
    Ok(Some(json!({
        "vendorName": vendor,
        "requestType": request_type,
        "responseData": answer.unwrap_or_else(|| json!({})),
    })))
}

fn panic(ctx: &Ctx, _: &Fields) -> Reply {
    ctx.run(Command::Panic)?;
    Ok(None)
}

fn stop_after_delay(ctx: &Ctx, _: &Fields) -> Reply {
    if ctx.state.live.is_empty() {
        return Err(Failure::new(
            code::OUTPUT_NOT_RUNNING,
            "The output is not running.",
        ));
    }
    ctx.run(Command::StopLiveAfterDelay)?;
    Ok(None)
}

fn canvas_list(ctx: &Ctx, _: &Fields) -> Reply {
    let canvases: Vec<Value> = ctx
        .collection()
        .canvas_sizes()
        .into_iter()
        .map(|(name, w, h)| json!({ "canvasName": name, "canvasUuid": name, "width": w, "height": h }))
        .collect();
    Ok(Some(json!({ "canvases": canvases })))
}

fn brand_kit(ctx: &Ctx, _: &Fields) -> Reply {
    let kit = ctx.collection().branding.as_ref().map(|b| &b.kit);
    let kit = kit.ok_or_else(|| {
        Failure::new(
            code::INVALID_RESOURCE_STATE,
            "The collection has no brand kit.",
        )
    })?;
    Ok(Some(json!({
        "name": kit.name,
        "colors": kit.colors,
        "fonts": kit.fonts.keys().collect::<Vec<_>>(),
        "logos": kit.logos.keys().collect::<Vec<_>>(),
        "locked": kit.locked,
    })))
}

/// A graphic (`sourceName`) shown or hidden on every canvas of `sceneName` (on air when left
/// out); shown with a new `title` and `subtitle` when given (a lower third with a name).
fn graphic(ctx: &Ctx, f: &Fields, visible: bool) -> Reply {
    let c = ctx.collection();
    let scene = match f.string("sceneName")? {
        Some(_) => find_scene(c, f)?.name.clone(),
        None => ctx.state.program_scene.clone(),
    };
    let wanted = f.required_string("sourceName")?;
    let source = source_called(c, wanted).ok_or_else(|| {
        Failure::new(
            code::NOT_FOUND,
            format!("No source was found by the name of `{wanted}`."),
        )
    })?;
    let shown_in_scene = c
        .scene(&scene)
        .is_some_and(|s| s.layers.iter().any(|l| l.source == source.id));
    if !shown_in_scene {
        return Err(Failure::new(
            code::NOT_FOUND,
            format!("`{wanted}` is not in scene `{scene}`."),
        ));
    }
    let (title, subtitle) = (f.string("title")?, f.string("subtitle")?);
    if visible && (title.is_some() || subtitle.is_some()) {
        let SourceKind::Template(t) = &source.kind else {
            return Err(Failure::new(
                code::INVALID_RESOURCE_TYPE,
                format!("`{wanted}` is not a graphics template: it has no title to set."),
            ));
        };
        let mut t = t.clone();
        if let Some(title) = title {
            t.title = title.into();
        }
        if let Some(subtitle) = subtitle {
            t.subtitle = subtitle.into();
        }
        let mut source = source.clone();
        source.kind = SourceKind::Template(t);
        ctx.run(Command::UpdateSource { source })?;
    }
    ctx.run(Command::SetLayerVisible {
        scene,
        source: source.id.clone(),
        visible,
        canvas: None,
        every_canvas: Some(true),
    })?;
    Ok(None)
}

fn show_graphic(ctx: &Ctx, f: &Fields) -> Reply {
    graphic(ctx, f, true)
}

fn hide_graphic(ctx: &Ctx, f: &Fields) -> Reply {
    graphic(ctx, f, false)
}

fn guest_list(ctx: &Ctx, _: &Fields) -> Reply {
    let guests = ctx.tracker.lock().unwrap().guests.clone();
    let guests: Vec<Value> = guests
        .iter()
        .map(|g| {
            json!({
                "slot": g.slot, "name": g.name, "connected": g.connected,
                "onAir": g.stage == streamwerk_protocol::GuestStage::OnAir,
            })
        })
        .collect();
    Ok(Some(json!({ "guests": guests })))
}

fn slot(f: &Fields) -> Result<String, Failure> {
    Ok(f.required_string("slot")?.to_string())
}

fn admit_guest(ctx: &Ctx, f: &Fields) -> Reply {
    ctx.run(Command::AdmitGuest { slot: slot(f)? })?;
    Ok(None)
}

fn send_guest_back(ctx: &Ctx, f: &Fields) -> Reply {
    ctx.run(Command::SendGuestBack { slot: slot(f)? })?;
    Ok(None)
}

fn remove_guest(ctx: &Ctx, f: &Fields) -> Reply {
    ctx.run(Command::RemoveGuest { slot: slot(f)? })?;
    Ok(None)
}

/// The program's level after the limiter, over the last 50 ms: peak and RMS in dBFS.
fn master_level(ctx: &Ctx, f: &Fields) -> Reply {
    find_canvas(ctx.collection(), f)?;
    let master = ctx.tracker.lock().unwrap().master;
    let master = master.ok_or_else(|| {
        Failure::new(
            code::INVALID_RESOURCE_STATE,
            "No level has been measured yet.",
        )
    })?;
    let mut answer = Map::new();
    answer.insert("peakDb".into(), json!(master.peak_dbfs));
    answer.insert("rmsDb".into(), json!(master.rms_dbfs));
    Ok(Some(Value::Object(answer)))
}
