//! What clients read at connect to learn the setup (Companion asks for all of it): the video
//! settings, the collection and profile (one each in a running studio), and OBS's special
//! audio inputs, which Streamwerk does not have (its sources are all ordinary inputs).

use crate::requests::Ctx;
use crate::status::{Fields, Reply};
use serde_json::json;

pub fn get_video_settings(ctx: &Ctx, _: &Fields) -> Reply {
    let canvas = &ctx.collection().canvas;
    Ok(Some(json!({
        "fpsNumerator": canvas.fps,
        "fpsDenominator": 1,
        "baseWidth": canvas.width,
        "baseHeight": canvas.height,
        "outputWidth": canvas.width,
        "outputHeight": canvas.height,
    })))
}

/// The open collection by its name; the others beside it are opened from the studio's page.
pub fn get_scene_collection_list(ctx: &Ctx, _: &Fields) -> Reply {
    let name = &ctx.collection().name;
    Ok(Some(json!({
        "currentSceneCollectionName": name,
        "sceneCollections": [name],
    })))
}

/// A running studio has one profile, chosen when it starts.
const PROFILE: &str = "Profile";

pub fn get_profile_list(_: &Ctx, _: &Fields) -> Reply {
    Ok(Some(
        json!({ "currentProfileName": PROFILE, "profiles": [PROFILE] }),
    ))
}

pub fn get_special_inputs(_: &Ctx, _: &Fields) -> Reply {
    Ok(Some(json!({
        "desktop1": null, "desktop2": null,
        "mic1": null, "mic2": null, "mic3": null, "mic4": null,
    })))
}
