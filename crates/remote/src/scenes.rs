//! Scenes, studio mode and scene items. Lists keep obs-websocket's order (bottom first), a
//! scene's uuid is its name, and items are the scene's layers on the canvas a request names
//! (main by default).

use crate::events::scene_list;
use crate::names::{find_canvas, find_scene, input_kind, input_name, item_id, source_called};
use crate::requests::Ctx;
use crate::status::{code, Failure, Fields, Reply};
use serde_json::{json, Value};
use streamwerk_protocol::Command;
use streamwerk_scene::{Layer, Scene, MAIN_CANVAS};

fn not_studio_mode() -> Failure {
    Failure::new(code::STUDIO_MODE_NOT_ACTIVE, "Studio mode is not active.")
}

pub fn get_scene_list(ctx: &Ctx, f: &Fields) -> Reply {
    find_canvas(ctx.collection(), f)?;
    let preview = ctx.state.preview_scene.as_deref();
    Ok(Some(json!({
        "currentProgramSceneName": ctx.state.program_scene,
        "currentProgramSceneUuid": ctx.state.program_scene,
        "currentPreviewSceneName": preview,
        "currentPreviewSceneUuid": preview,
        "scenes": scene_list(ctx.collection()),
    })))
}

fn scene_answer(name: &str, old: &str) -> Value {
    json!({
        "sceneName": name,
        "sceneUuid": name,
        format!("current{old}SceneName"): name,
        format!("current{old}SceneUuid"): name,
    })
}

pub fn get_current_program_scene(ctx: &Ctx, _: &Fields) -> Reply {
    Ok(Some(scene_answer(&ctx.state.program_scene, "Program")))
}

/// With studio mode on, the scene goes on air at once as in OBS (not through the preview).
pub fn set_current_program_scene(ctx: &Ctx, f: &Fields) -> Reply {
    let scene = find_scene(ctx.collection(), f)?.name.clone();
    if ctx.state.preview_scene.is_some() {
        ctx.run(Command::SwitchScene {
            scene: scene.clone(),
        })?;
        ctx.run(Command::Transition { transition: None })?;
        // OBS leaves the preview where it was.
        if let Some(preview) = ctx.state.preview_scene.clone() {
            ctx.run(Command::SwitchScene { scene: preview })?;
        }
    } else {
        ctx.run(Command::SwitchScene { scene })?;
    }
    Ok(None)
}

pub fn get_current_preview_scene(ctx: &Ctx, _: &Fields) -> Reply {
    let preview = ctx
        .state
        .preview_scene
        .as_deref()
        .ok_or_else(not_studio_mode)?;
    Ok(Some(scene_answer(preview, "Preview")))
}

pub fn set_current_preview_scene(ctx: &Ctx, f: &Fields) -> Reply {
    if ctx.state.preview_scene.is_none() {
        return Err(not_studio_mode());
    }
    let scene = find_scene(ctx.collection(), f)?.name.clone();
    ctx.run(Command::SwitchScene { scene })?;
    Ok(None)
}

pub fn get_studio_mode_enabled(ctx: &Ctx, _: &Fields) -> Reply {
    Ok(Some(
        json!({ "studioModeEnabled": ctx.state.preview_scene.is_some() }),
    ))
}

pub fn set_studio_mode_enabled(ctx: &Ctx, f: &Fields) -> Reply {
    let on = f.required_bool("studioModeEnabled")?;
    if on != ctx.state.preview_scene.is_some() {
        ctx.run(Command::SetStudioMode { on })?;
    }
    Ok(None)
}

pub fn trigger_studio_mode_transition(ctx: &Ctx, _: &Fields) -> Reply {
    if ctx.state.preview_scene.is_none() {
        return Err(not_studio_mode());
    }
    ctx.run(Command::Transition { transition: None })?;
    Ok(None)
}

/// The scene, the canvas and its layers there.
fn layers<'c>(ctx: &'c Ctx, f: &Fields) -> Result<(&'c Scene, String, &'c [Layer]), Failure> {
    let scene = find_scene(ctx.collection(), f)?;
    let canvas = find_canvas(ctx.collection(), f)?;
    let layers = scene.layers_on(&canvas);
    Ok((scene, canvas, layers))
}

/// OBS's `sceneItemTransform`: top-left aligned, no bounds, crop in source pixels.
fn transform(ctx: &Ctx, layer: &Layer) -> Value {
    let size = ctx
        .state
        .source_sizes
        .iter()
        .find(|s| s.id == layer.source)
        .map_or((0.0, 0.0), |s| (s.width as f64, s.height as f64));
    let t = &layer.transform;
    let width = t.width.map_or(size.0, f64::from);
    let height = t.height.map_or(size.1, f64::from);
    let scale = |box_: f64, natural: f64| if natural > 0.0 { box_ / natural } else { 1.0 };
    json!({
        "sourceWidth": size.0, "sourceHeight": size.1,
        "positionX": t.x, "positionY": t.y, "rotation": t.rotation,
        "scaleX": scale(width, size.0), "scaleY": scale(height, size.1),
        "width": width, "height": height, "alignment": 5,
        "boundsType": "OBS_BOUNDS_NONE", "boundsAlignment": 0,
        "boundsWidth": 0.0, "boundsHeight": 0.0,
        "cropLeft": t.crop.left, "cropRight": t.crop.right,
        "cropTop": t.crop.top, "cropBottom": t.crop.bottom, "cropToBounds": false,
    })
}

pub fn get_scene_item_list(ctx: &Ctx, f: &Fields) -> Reply {
    let (_, _, layers) = layers(ctx, f)?;
    let c = ctx.collection();
    let items: Vec<Value> = layers
        .iter()
        .enumerate()
        .filter_map(|(index, layer)| {
            let source = c.source(&layer.source)?;
            Some(json!({
                "sceneItemId": item_id(&layer.source),
                "sceneItemIndex": index,
                "sceneItemEnabled": layer.visible,
                "sceneItemLocked": layer.locked,
                "sceneItemTransform": transform(ctx, layer),
                "sceneItemBlendMode": "OBS_BLEND_NORMAL",
                "sourceName": input_name(c, source),
                "sourceUuid": source.id,
                "sourceType": "OBS_SOURCE_TYPE_INPUT",
                "inputKind": input_kind(&source.kind),
                "isGroup": null,
            }))
        })
        .collect();
    Ok(Some(json!({ "sceneItems": items })))
}

pub fn get_scene_item_id(ctx: &Ctx, f: &Fields) -> Reply {
    let (scene, _, layers) = layers(ctx, f)?;
    let wanted = f.required_string("sourceName")?;
    f.number("searchOffset", -1.0, f64::from(i32::MAX))?;
    let source = source_called(ctx.collection(), wanted).map(|s| s.id.as_str());
    let layer = layers.iter().find(|l| Some(l.source.as_str()) == source);
    let layer = layer.ok_or_else(|| {
        Failure::new(
            code::NOT_FOUND,
            format!(
                "No scene items were found in scene `{}` with the name `{wanted}`.",
                scene.name
            ),
        )
    })?;
    Ok(Some(json!({ "sceneItemId": item_id(&layer.source) })))
}

/// The layer a request's `sceneItemId` names.
fn item<'c>(ctx: &'c Ctx, f: &Fields) -> Result<(&'c Scene, String, &'c Layer), Failure> {
    let (scene, canvas, layers) = layers(ctx, f)?;
    let id = f.required_number("sceneItemId", 0.0, f64::from(i32::MAX))?;
    let layer = layers.iter().find(|l| item_id(&l.source) as f64 == id);
    let layer = layer.ok_or_else(|| {
        Failure::new(
            code::NOT_FOUND,
            "No scene items were found in the specified scene by that ID.",
        )
    })?;
    Ok((scene, canvas, layer))
}

fn canvas_field(canvas: String) -> Option<String> {
    (canvas != MAIN_CANVAS).then_some(canvas)
}

pub fn get_scene_item_enabled(ctx: &Ctx, f: &Fields) -> Reply {
    let (_, _, layer) = item(ctx, f)?;
    Ok(Some(json!({ "sceneItemEnabled": layer.visible })))
}

pub fn set_scene_item_enabled(ctx: &Ctx, f: &Fields) -> Reply {
    let (scene, canvas, layer) = item(ctx, f)?;
    let visible = f.required_bool("sceneItemEnabled")?;
    ctx.run(Command::SetLayerVisible {
        scene: scene.name.clone(),
        source: layer.source.clone(),
        visible,
        canvas: canvas_field(canvas),
        every_canvas: None,
    })?;
    Ok(None)
}

pub fn get_scene_item_locked(ctx: &Ctx, f: &Fields) -> Reply {
    let (_, _, layer) = item(ctx, f)?;
    Ok(Some(json!({ "sceneItemLocked": layer.locked })))
}

pub fn set_scene_item_locked(ctx: &Ctx, f: &Fields) -> Reply {
    let (scene, canvas, layer) = item(ctx, f)?;
    let locked = f.required_bool("sceneItemLocked")?;
    ctx.run(Command::SetLayerLocked {
        scene: scene.name.clone(),
        source: layer.source.clone(),
        locked,
        canvas: canvas_field(canvas),
    })?;
    Ok(None)
}
