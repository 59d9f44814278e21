//! Collection edits: scenes, layers, sources, the mix and the canvas. Each is made on a copy,
//! checked like a file on disk, shown on the running program and saved; on any failure nothing
//! changes.

use crate::brand::{check_fields_only, check_lock};
use crate::documents::save_json;
use crate::{accept, refused, Inner, Studio, StudioError};
use streamwerk_engine::{Program, Shown};
use streamwerk_protocol::Command;
use streamwerk_scene::{check_collection, Collection, Transform, Transition, MAIN_CANVAS};

impl Studio {
    /// Scene, layer, source, mix and canvas commands.
    pub(crate) fn edit_collection(
        &self,
        inner: &mut Inner,
        command: Command,
    ) -> Result<(), StudioError> {
        match command {
            Command::AddScene { name } => self.edit(inner, |c| {
                c.scenes.push(streamwerk_scene::Scene {
                    name,
                    layers: Vec::new(),
                    layouts: Default::default(),
                    transition: None,
                });
                Ok(())
            })?,
            Command::RenameScene { scene, name } => {
                let before = (inner.program_scene.clone(), inner.preview_scene.clone());
                let renamed = |s: &mut String| {
                    if *s == scene {
                        *s = name.clone();
                    }
                };
                renamed(&mut inner.program_scene);
                inner.preview_scene.as_mut().map(renamed);
                let done = self.edit(inner, |c| {
                    scene_mut(c, &scene)?.name = name.clone();
                    if c.safe_scene.as_ref() == Some(&scene) {
                        c.safe_scene = Some(name.clone());
                    }
                    Ok(())
                });
                if done.is_err() {
                    (inner.program_scene, inner.preview_scene) = before;
                }
                done?
            }
            Command::DuplicateScene { scene, name } => self.edit(inner, |c| {
                let mut copy = scene_mut(c, &scene)?.clone();
                copy.name = name;
                let at = c.scenes.iter().position(|s| s.name == scene).unwrap_or(0);
                c.scenes.insert(at + 1, copy);
                Ok(())
            })?,
            Command::RemoveScene { scene } => {
                if inner.program_scene == scene {
                    return Err(refused(format!(
                        "scene `{scene}` is on air; switch to another scene first"
                    )));
                }
                if inner.collection.safe_scene.as_ref() == Some(&scene) {
                    return Err(refused(format!(
                        "scene `{scene}` is the safe scene a panic cuts to; mark another one safe first"
                    )));
                }
                let preview = inner.preview_scene.clone();
                if preview.as_ref() == Some(&scene) {
                    inner.preview_scene = Some(inner.program_scene.clone());
                }
                let done = self.edit(inner, |c| {
                    scene_mut(c, &scene)?;
                    c.scenes.retain(|s| s.name != scene);
                    drop_unused_sources(c);
                    Ok(())
                });
                if done.is_err() {
                    inner.preview_scene = preview;
                }
                done?
            }
            Command::SetTransition { transition } => {
                streamwerk_engine::check_transition(&inner.collection, &transition)?;
                self.edit(inner, |c| {
                    c.transition = transition;
                    Ok(())
                })?
            }
            Command::SetSceneTransition { scene, transition } => {
                if let Some(t) = &transition {
                    streamwerk_engine::check_transition(&inner.collection, t)?;
                }
                self.edit(inner, |c| {
                    scene_mut(c, &scene)?.transition = transition;
                    Ok(())
                })?
            }
            Command::SetSafeScene { scene } => self.edit(inner, |c| {
                c.safe_scene = scene;
                Ok(())
            })?,
            Command::MoveScene { scene, index } => self.edit(inner, |c| {
                let from = c
                    .scenes
                    .iter()
                    .position(|s| s.name == scene)
                    .ok_or_else(|| no_scene(&scene))?;
                let moved = c.scenes.remove(from);
                c.scenes.insert(index.min(c.scenes.len()), moved);
                Ok(())
            })?,
            Command::AddSource {
                scene,
                source,
                transform,
                canvas,
            } => self.edit(inner, |c| {
                if c.source(&source.id).is_some() {
                    return Err(refused(format!(
                        "a source with id `{}` exists; choose another id",
                        source.id
                    )));
                }
                let on = canvas.as_deref().unwrap_or(MAIN_CANVAS);
                let id = source.id.clone();
                c.sources.push(source);
                for (name, width, height) in c.canvas_sizes() {
                    let transform = if name == on {
                        transform.clone()
                    } else {
                        moved_inside(&transform, width, height)
                    };
                    layers_mut(c, &scene, Some(&name))?.push(streamwerk_scene::Layer {
                        source: id.clone(),
                        transform,
                        visible: true,
                        locked: false,
                    });
                }
                Ok(())
            })?,
            Command::UpdateSource { source } => self.edit(inner, |c| {
                check_fields_only(c, &source)?;
                let slot = c
                    .sources
                    .iter_mut()
                    .find(|s| s.id == source.id)
                    .ok_or_else(|| refused(format!("there is no source `{}`", source.id)))?;
                *slot = source;
                Ok(())
            })?,
            Command::SetTransforms {
                scene,
                layers,
                canvas,
            } => self.edit(inner, |c| {
                for change in layers {
                    check_lock(c, &change.source, "move or resize")?;
                    let layer = layer_mut(c, &scene, canvas.as_deref(), &change.source)?;
                    if layer.locked {
                        return Err(refused(format!(
                            "`{}` is locked in `{scene}`; unlock it to move it",
                            change.source
                        )));
                    }
                    layer.transform = change.transform;
                }
                Ok(())
            })?,
            Command::ArrangePeople {
                scene,
                layout,
                canvas,
                speaker,
                dress,
            } => {
                let names = if dress {
                    self.guest_names(inner)
                } else {
                    Default::default()
                };
                let file = inner.collection_path.clone();
                self.edit(inner, |c| {
                    let canvas = canvas.as_deref().unwrap_or(MAIN_CANVAS);
                    let placed = streamwerk_scene::arrange_people(
                        c,
                        &scene,
                        canvas,
                        layout,
                        speaker.as_deref(),
                    )
                    .map_err(refused)?;
                    if dress {
                        *c = streamwerk_scene::dress_people(
                            c, &scene, canvas, &placed, &names, &file,
                        )
                        .map_err(refused)?;
                    }
                    Ok(())
                })?
            }
            Command::SetLayerVisible {
                scene,
                source,
                visible,
                canvas,
                every_canvas,
            } => self.edit(inner, |c| {
                if every_canvas != Some(true) {
                    layer_mut(c, &scene, canvas.as_deref(), &source)?.visible = visible;
                    return Ok(());
                }
                let canvases: Vec<String> =
                    c.canvas_names().iter().map(|n| n.to_string()).collect();
                let mut found = false;
                for name in &canvases {
                    if let Ok(layer) = layer_mut(c, &scene, Some(name), &source) {
                        layer.visible = visible;
                        found = true;
                    }
                }
                found.then_some(()).ok_or_else(|| no_layer(&scene, &source))
            })?,
            Command::SetLayerLocked {
                scene,
                source,
                locked,
                canvas,
            } => self.edit(inner, |c| {
                if !locked {
                    check_lock(c, &source, "be unlocked")?;
                }
                layer_mut(c, &scene, canvas.as_deref(), &source)?.locked = locked;
                Ok(())
            })?,
            Command::MoveLayer {
                scene,
                source,
                index,
                canvas,
            } => self.edit(inner, |c| {
                check_lock(c, &source, "move to another place in the layer order")?;
                let layers = layers_mut(c, &scene, canvas.as_deref())?;
                let from = layers
                    .iter()
                    .position(|l| l.source == source)
                    .ok_or_else(|| no_layer(&scene, &source))?;
                let moved = layers.remove(from);
                layers.insert(index.min(layers.len()), moved);
                Ok(())
            })?,
            Command::RemoveLayer { scene, source } => self.edit(inner, |c| {
                check_lock(c, &source, "be removed")?;
                let s = scene_mut(c, &scene)?;
                let before = s.layers.len();
                s.layers.retain(|l| l.source != source);
                if s.layers.len() == before {
                    return Err(no_layer(&scene, &source));
                }
                for layout in s.layouts.values_mut() {
                    layout.retain(|l| l.source != source);
                }
                drop_unused_sources(c);
                Ok(())
            })?,
            Command::SetAudioMix { source, mix } => {
                let mut next = inner.collection.clone();
                let found = next.sources.iter_mut().find(|s| s.id == source);
                let found = found.ok_or_else(|| refused(format!("no source `{source}`")))?;
                found.audio = mix.clone();
                accept(check_collection(&next))?;
                // Straight to the mixer: a fader move must not reopen anything.
                inner.program.set_mix(&source, &mix);
                save_json(&inner.collection_path, &next.to_document())?;
                inner.collection = next;
            }
            Command::SetCanvas { canvas } => {
                let mut next = inner.collection.clone();
                if (canvas.width, canvas.height) != (next.canvas.width, next.canvas.height) {
                    next.rescale_canvas(canvas.width, canvas.height);
                }
                next.canvas = canvas;
                let scene = inner.program_scene.clone();
                self.replace_collection(inner, next, scene)?;
                let path = inner.collection_path.clone();
                save_json(&path, &inner.collection.to_document())?;
            }
            _ => unreachable!("Studio::handle sends only these commands here"),
        }
        Ok(())
    }

    /// Applies an edit to a copy of the collection, checks it like a file on disk, shows it
    /// and saves it; on any failure nothing changes.
    fn edit(
        &self,
        inner: &mut Inner,
        change: impl FnOnce(&mut Collection) -> Result<(), StudioError>,
    ) -> Result<(), StudioError> {
        let mut next = inner.collection.clone();
        change(&mut next)?;
        self.apply_edit(inner, next)
    }

    /// Checks an edited collection like a file on disk, shows it and saves it; on any
    /// failure nothing changes.
    pub(crate) fn apply_edit(
        &self,
        inner: &mut Inner,
        next: Collection,
    ) -> Result<(), StudioError> {
        accept(check_collection(&next))?;
        inner.program.show(&next, inner.shown(), None)?;
        save_json(&inner.collection_path, &next.to_document())?;
        inner.collection = next;
        Ok(())
    }

    /// Puts another collection (or this one on another canvas) on air at `scene`. The same
    /// canvas is an edit like any other; a new one restarts the program, which only an idle
    /// studio can do (the encoder's picture size is fixed while it runs). The new program
    /// starts before the old one stops, so the preview never goes dark and a device busy for
    /// a moment is simply retried by its source.
    pub(crate) fn replace_collection(
        &self,
        inner: &mut Inner,
        next: Collection,
        scene: String,
    ) -> Result<(), StudioError> {
        accept(check_collection(&next))?;
        // The preview scene stays when the new collection has it.
        let preview = inner.preview_scene.clone().map(|p| {
            if next.scene(&p).is_some() {
                p
            } else {
                scene.clone()
            }
        });
        let shown = Shown {
            program: &scene,
            preview: preview.as_deref(),
        };
        if next.canvas_sizes() == inner.collection.canvas_sizes() {
            inner.program.show(&next, shown, Some(&Transition::Cut))?;
        } else {
            if inner.session.is_some() {
                return Err(refused(
                    "the canvases cannot change while recording or live (a size, the frame rate, a canvas added or removed); stop both, then apply",
                ));
            }
            let program = Program::start(&next, shown, self.previews.clone())?;
            let old = std::mem::replace(&mut inner.program, program);
            old.stop();
            std::thread::spawn(move || {
                if let Err(e) = old.wait() {
                    tracing::warn!("the previous program ended with: {e}");
                }
            });
        }
        inner.collection = next;
        inner.program_scene = scene;
        inner.preview_scene = preview;
        Ok(())
    }
}

fn scene_mut<'a>(
    c: &'a mut Collection,
    scene: &str,
) -> Result<&'a mut streamwerk_scene::Scene, StudioError> {
    c.scenes
        .iter_mut()
        .find(|s| s.name == scene)
        .ok_or_else(|| no_scene(scene))
}

/// The layers of `scene` on `canvas` (main when None).
fn layers_mut<'a>(
    c: &'a mut Collection,
    scene: &str,
    canvas: Option<&str>,
) -> Result<&'a mut Vec<streamwerk_scene::Layer>, StudioError> {
    let canvas = canvas.unwrap_or(MAIN_CANVAS);
    if !c.canvas_names().contains(&canvas) {
        return Err(refused(format!("there is no canvas `{canvas}`")));
    }
    let s = scene_mut(c, scene)?;
    Ok(if canvas == MAIN_CANVAS {
        &mut s.layers
    } else {
        s.layouts.entry(canvas.to_string()).or_default()
    })
}

fn layer_mut<'a>(
    c: &'a mut Collection,
    scene: &str,
    canvas: Option<&str>,
    source: &str,
) -> Result<&'a mut streamwerk_scene::Layer, StudioError> {
    layers_mut(c, scene, canvas)?
        .iter_mut()
        .find(|l| l.source == source)
        .ok_or_else(|| no_layer(scene, source))
}

/// `t` moved so that its top-left lies on a `width`x`height` canvas, and the whole layer when
/// its size is known and fits: a layer added on one canvas lands on the others in view.
fn moved_inside(t: &Transform, width: u32, height: u32) -> Transform {
    let (w, h) = (width as f32, height as f32);
    let right = (w - t.width.unwrap_or(0.0)).max(0.0);
    let bottom = (h - t.height.unwrap_or(0.0)).max(0.0);
    Transform {
        x: t.x.clamp(0.0, right),
        y: t.y.clamp(0.0, bottom),
        ..t.clone()
    }
}

fn no_scene(scene: &str) -> StudioError {
    refused(format!("there is no scene `{scene}`"))
}

fn no_layer(scene: &str, source: &str) -> StudioError {
    refused(format!("scene `{scene}` does not show `{source}`"))
}

/// Sources no scene shows any more are removed with their last layer.
fn drop_unused_sources(c: &mut Collection) {
    let used: Vec<String> = c
        .scenes
        .iter()
        .flat_map(|s| s.layers.iter().map(|l| l.source.clone()))
        .collect();
    c.sources.retain(|s| used.contains(&s.id));
}
