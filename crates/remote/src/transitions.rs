//! Transitions as obs-websocket lists them: Cut, Fade and Slide always, the collection's
//! Stinger when it has one; a transition's uuid is its name.

use crate::requests::Ctx;
use crate::status::{code, Failure, Fields, Reply};
use serde_json::{json, Value};
use streamwerk_protocol::Command;
use streamwerk_scene::{SlideDirection, Transition, MAX_TRANSITION_MS};

/// What a fade or slide lasts when chosen after a cut (OBS's default).
const DEFAULT_MS: u32 = 300;

pub fn transition_name(t: &Transition) -> &'static str {
    match t {
        Transition::Cut => "Cut",
        Transition::Fade { .. } => "Fade",
        Transition::Slide { .. } => "Slide",
        Transition::Stinger { .. } => "Stinger",
    }
}

fn transition_kind(t: &Transition) -> &'static str {
    match t {
        Transition::Cut => "cut_transition",
        Transition::Fade { .. } => "fade_transition",
        Transition::Slide { .. } => "slide_transition",
        Transition::Stinger { .. } => "obs_stinger_transition",
    }
}

/// None for a cut, which has no length (OBS's "fixed" transitions).
pub fn transition_duration(t: &Transition) -> Option<u32> {
    match t {
        Transition::Cut => None,
        Transition::Fade { duration_ms } | Transition::Slide { duration_ms, .. } => {
            Some(*duration_ms)
        }
        Transition::Stinger { duration_ms, .. } => *duration_ms,
    }
}

/// The transitions offered, the collection's own in place of its kind's default.
fn offered(current: &Transition) -> Vec<Transition> {
    let ms = transition_duration(current).unwrap_or(DEFAULT_MS);
    let mut list = vec![
        Transition::Cut,
        Transition::Fade { duration_ms: ms },
        Transition::Slide {
            direction: SlideDirection::Left,
            duration_ms: ms,
        },
    ];
    match list
        .iter_mut()
        .find(|t| transition_name(t) == transition_name(current))
    {
        Some(same) => *same = current.clone(),
        None => list.push(current.clone()),
    }
    list
}

fn describe(t: &Transition) -> Value {
    let name = transition_name(t);
    json!({
        "transitionName": name,
        "transitionUuid": name,
        "transitionKind": transition_kind(t),
        "transitionFixed": t.is_cut(),
        "transitionConfigurable": !t.is_cut(),
    })
}

pub fn get_scene_transition_list(ctx: &Ctx, _: &Fields) -> Reply {
    let current = &ctx.collection().transition;
    let name = transition_name(current);
    Ok(Some(json!({
        "currentSceneTransitionName": name,
        "currentSceneTransitionUuid": name,
        "currentSceneTransitionKind": transition_kind(current),
        "transitions": offered(current).iter().map(describe).collect::<Vec<_>>(),
    })))
}

pub fn get_current_scene_transition(ctx: &Ctx, _: &Fields) -> Reply {
    let current = &ctx.collection().transition;
    let mut answer = describe(current);
    answer["transitionDuration"] = json!(transition_duration(current));
    answer["transitionSettings"] = json!({});
    Ok(Some(answer))
}

pub fn set_current_scene_transition(ctx: &Ctx, f: &Fields) -> Reply {
    let name = f.required_string("transitionName")?;
    let current = &ctx.collection().transition;
    let chosen = offered(current)
        .into_iter()
        .find(|t| transition_name(t) == name)
        .ok_or_else(|| {
            Failure::new(
                code::NOT_FOUND,
                format!("No scene transition was found by the name of `{name}`."),
            )
        })?;
    ctx.run(Command::SetTransition { transition: chosen })?;
    Ok(None)
}

pub fn set_current_scene_transition_duration(ctx: &Ctx, f: &Fields) -> Reply {
    let ms = f.required_number("transitionDuration", 50.0, f64::from(MAX_TRANSITION_MS))? as u32;
    let mut transition = ctx.collection().transition.clone();
    match &mut transition {
        Transition::Cut => {
            return Err(Failure::new(
                code::INVALID_RESOURCE_STATE,
                "The current scene transition does not support a custom duration.",
            ))
        }
        Transition::Fade { duration_ms } | Transition::Slide { duration_ms, .. } => {
            *duration_ms = ms
        }
        Transition::Stinger { duration_ms, .. } => *duration_ms = Some(ms),
    }
    ctx.run(Command::SetTransition { transition })?;
    Ok(None)
}
