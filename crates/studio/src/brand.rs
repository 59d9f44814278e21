//! The brand page's commands: kit values changed on air, the lock, templates added from the
//! gallery, kit archives; and the lock's check on layer and source edits.

use crate::documents::{beside, save_json};
use crate::{refused, Inner, Studio, StudioError};
use serde_json::{json, Value};
use std::path::Path;
use streamwerk_protocol::{BrandFileGroup, Command};
use streamwerk_scene::{
    check_brand, layer_area, read_document, template_area, BrandKit, Collection, Layer, Source,
    SourceKind, TemplateKind, Transform,
};

impl Studio {
    /// Brand kit, lock, template and kit archive commands.
    pub(crate) fn brand(&self, inner: &mut Inner, command: Command) -> Result<(), StudioError> {
        match command {
            Command::UpdateBrand { kit } => {
                let branding = kit_of(&inner.collection)?;
                if kit.locked != branding.kit.locked {
                    return Err(refused(
                        "lock and unlock the kit with its Lock switch on the Brand page",
                    ));
                }
                self.save_kit(inner, kit)?;
            }
            Command::AddBrandFile {
                group,
                name,
                file_name,
                data,
            } => {
                let branding = kit_of(&inner.collection)?;
                let folder = branding
                    .path
                    .parent()
                    .unwrap_or(Path::new("."))
                    .to_path_buf();
                let mut kit = branding.kit.clone();
                let stored = crate::brand_files::store(&folder, group, &file_name, &data)?;
                let files = match group {
                    BrandFileGroup::Fonts => &mut kit.fonts,
                    BrandFileGroup::Logos => &mut kit.logos,
                };
                files.insert(name, stored.clone());
                if let Err(e) = self.save_kit(inner, kit) {
                    // The kit refused it (a bad name): the file it would have named goes too.
                    let _ = std::fs::remove_file(folder.join(&stored));
                    return Err(e);
                }
            }
            Command::SetBrandLock { locked } => {
                let branding = kit_of(&inner.collection)?;
                let mut kit = branding.kit.clone();
                kit.locked = locked;
                save_json(&branding.path, &kit)?;
                // Nothing the kit styles changes: only the studio's copy of the kit.
                if let Some(branding) = &mut inner.collection.branding {
                    branding.kit.locked = locked;
                }
            }
            Command::AddTemplate {
                scene,
                template,
                title,
            } => {
                let sizes = inner.program.source_sizes();
                let (c, path) = (&inner.collection, &inner.collection_path);
                let (next, _) = add_template(c, &sizes, path, &scene, template, title)?;
                self.apply_edit(inner, next)?;
            }
            Command::ExportBrand { path } => {
                let branding = kit_of(&inner.collection)?;
                let out = beside(&inner.collection_path, &path);
                streamwerk_brand_archive::export(&branding.path, &out)
                    .map_err(|e| refused(e.to_string()))?;
            }
            Command::ImportBrand { path } => {
                let file = beside(&inner.collection_path, &path);
                let folder = inner.collection.base_dir.join(
                    file.file_stem()
                        .map_or_else(|| "brand".into(), |s| s.to_string_lossy().into_owned()),
                );
                let kit_file = streamwerk_brand_archive::import(&file, &folder)
                    .map_err(|e| refused(e.to_string()))?;
                let kit = streamwerk_scene::load_brand(&kit_file)?;
                let mut next = inner.collection.rebranded(kit, kit_file.clone())?;
                next.brand = Some(
                    kit_file
                        .strip_prefix(&next.base_dir)
                        .unwrap_or(&kit_file)
                        .to_path_buf(),
                );
                self.apply_edit(inner, next)?;
            }
            _ => unreachable!("Studio::handle sends only these commands here"),
        }
        Ok(())
    }
}

impl Studio {
    /// Checks `kit`, restyles every source naming a changed value on air, and saves the kit.
    fn save_kit(&self, inner: &mut Inner, kit: BrandKit) -> Result<(), StudioError> {
        let path = kit_of(&inner.collection)?.path.clone();
        let folder = path.parent().unwrap_or(Path::new("."));
        crate::accept(check_brand(&kit, folder))?;
        let next = inner.collection.rebranded(kit.clone(), path.clone())?;
        self.apply_edit(inner, next)?;
        save_json(&path, &kit)
    }
}

fn kit_of(c: &Collection) -> Result<&streamwerk_scene::Branding, StudioError> {
    c.branding.as_ref().ok_or_else(|| {
        refused("this collection has no brand kit; import one (a .zip) on the Brand page")
    })
}

/// The collection with a new template source in `scene` (see [`with_template`]), checked as
/// a file on disk would be, and the new source's id.
pub(crate) fn add_template(
    c: &Collection,
    sizes: &[(String, u32, u32)],
    collection_path: &Path,
    scene: &str,
    kind: TemplateKind,
    title: Option<String>,
) -> Result<(Collection, String), StudioError> {
    let (doc, id) = with_template(c, sizes, scene, kind, title)?;
    let next = read_document(doc, c.branding.clone(), collection_path, c.base_dir.clone())?;
    Ok((next, id))
}

/// The collection's document with a new template source in `scene`, laid out on every canvas:
/// inside the kit's safe margin, its style naming the kit's defaults.
fn with_template(
    c: &Collection,
    sizes: &[(String, u32, u32)],
    scene: &str,
    kind: TemplateKind,
    title: Option<String>,
) -> Result<(Value, String), StudioError> {
    if c.scene(scene).is_none() {
        return Err(refused(format!("there is no scene `{scene}`")));
    }
    let margin = c
        .branding
        .as_ref()
        .map_or(0.05, |b| b.kit.defaults.safe_margin);
    let area = template_area(kind, c.canvas.width, c.canvas.height, margin);
    let (label, sample, subtitle, url) = sample(kind);
    let slug = label.to_lowercase().replace(' ', "-");
    let id = (1..)
        .map(|n| format!("{slug}-{n}"))
        .find(|id| c.source(id).is_none())
        .expect("a free id");
    let mut settings = json!({
        "template": kind,
        "title": title.filter(|t| !t.trim().is_empty()).unwrap_or(sample.into()),
        "width": area.w as u32,
        "height": area.h as u32,
    });
    if !subtitle.is_empty() {
        settings["subtitle"] = subtitle.into();
    }
    if let Some(url) = url {
        settings["url"] = url.into();
    }
    if let Some(b) = &c.branding {
        for (field, reference) in b.template_style() {
            settings[field] = reference.into();
        }
        settings["animation"] = json!(b.kit.defaults.animation);
        if let (TemplateKind::LowerThird, Some(after)) = (kind, b.kit.defaults.hide_after_s) {
            settings["hide_after_s"] = after.into();
        }
    }
    let mut doc = c.to_document();
    let source = json!({ "id": id, "name": label, "kind": "template", "settings": settings });
    doc["sources"]
        .as_array_mut()
        .expect("a collection has sources")
        .push(source);
    let at = doc["scenes"]
        .as_array()
        .and_then(|s| s.iter().position(|s| s["name"] == scene))
        .expect("checked above");
    let placed = c.scene(scene).expect("checked above");
    for (canvas, width, height) in c.canvas_sizes() {
        // The graphic keeps its shape on other canvases, scaled into their own area.
        let there = template_area(kind, width, height, margin);
        let scale = (there.w / area.w).min(there.h / area.h);
        let mut transform = Transform {
            x: there.x,
            y: there.y + there.h - area.h * scale,
            width: Some(area.w * scale),
            height: Some(area.h * scale),
            ..Default::default()
        };
        if !matches!(kind, TemplateKind::TitleCard | TemplateKind::Slate) {
            let top = (height as f32 * margin).round();
            let others = graphic_boxes(c, placed.layers_on(&canvas), sizes, (width, height));
            transform.y = free_y(&transform, &others, top);
        }
        // A new graphic waits off air until the user shows it.
        let layer = serde_json::to_value(Layer {
            source: id.clone(),
            transform,
            visible: false,
            locked: false,
        })
        .expect("layers serialise");
        let layers = if canvas == streamwerk_scene::MAIN_CANVAS {
            &mut doc["scenes"][at]["layers"]
        } else {
            &mut doc["scenes"][at]["layouts"][&canvas]
        };
        match layers.as_array_mut() {
            Some(list) => list.push(layer),
            None => *layers = json!([layer]),
        }
    }
    Ok((doc, id))
}

/// Where the scene's other graphics sit on a `width`x`height` canvas, as (x, y, width,
/// height): every layer, shown or waiting, that does not cover much of the frame (a
/// background, a camera or a slate is drawn over anyway). `sizes`: the natural sizes known
/// (the program's sources); a layer with neither an explicit nor a known size is not seen.
fn graphic_boxes(
    c: &Collection,
    layers: &[Layer],
    sizes: &[(String, u32, u32)],
    (width, height): (u32, u32),
) -> Vec<[f32; 4]> {
    let frame = width as f32 * height as f32;
    layers
        .iter()
        .filter_map(|layer| {
            let natural = match &c.source(&layer.source)?.kind {
                SourceKind::Template(t) => Some((t.width, t.height)),
                _ => sizes
                    .iter()
                    .find(|(id, ..)| *id == layer.source)
                    .map(|(_, w, h)| (*w, *h)),
            };
            let a = layer_area(layer, natural)?;
            (a.w * a.h < 0.4 * frame).then_some([a.x, a.y, a.w, a.h])
        })
        .collect()
}

/// The top of a new graphic at `at` moved up, above each graphic it would cover, until it
/// covers none; where that would leave the safe margin (`top`), the place it was given.
fn free_y(at: &Transform, others: &[[f32; 4]], top: f32) -> f32 {
    let (w, h) = (at.width.unwrap_or(0.0), at.height.unwrap_or(0.0));
    let gap = (h * 0.15).round();
    let covers = |y: f32, o: &[f32; 4]| {
        at.x < o[0] + o[2] && o[0] < at.x + w && y < o[1] + o[3] && o[1] < y + h
    };
    let mut y = at.y;
    // Each step clears one graphic, so the number of graphics bounds the search.
    for _ in 0..=others.len() {
        let Some(o) = others.iter().find(|o| covers(y, o)) else {
            return y;
        };
        y = o[1] - gap - h;
        if y < top {
            break;
        }
    }
    at.y
}

/// A template's name in the gallery and the sample fields it starts with.
fn sample(
    kind: TemplateKind,
) -> (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
) {
    match kind {
        TemplateKind::LowerThird => ("Lower third", "Guest name", "Title, Company", None),
        TemplateKind::TitleCard => ("Title card", "Episode title", "Subtitle", None),
        TemplateKind::Ticker => ("Ticker", "Your message here  ·  and the next one", "", None),
        TemplateKind::Slate => ("Slate", "Starting soon", "", None),
        TemplateKind::CallToAction => (
            "Call to action",
            "Join the conversation",
            "",
            Some("https://example.com"),
        ),
    }
}

/// Refused when the kit is locked and `source` is branded: what the user tried, why not,
/// and where to unlock.
pub(crate) fn check_lock(c: &Collection, source: &str, tried: &str) -> Result<(), StudioError> {
    let Some(b) = c.branding.as_ref().filter(|b| b.kit.locked) else {
        return Ok(());
    };
    if c.source(source).is_some_and(|s| b.brands(s)) {
        return Err(refused(format!(
            "`{source}` is branded and the brand kit `{}` is locked, so it keeps its place \
             and style in every scene: it cannot {tried}; unlock the kit on the Brand page \
             first",
            b.kit.name
        )));
    }
    Ok(())
}

/// A locked kit lets a branded source's fields change (its text, a lower third's name and
/// title, a link) and nothing else.
pub(crate) fn check_fields_only(c: &Collection, new: &Source) -> Result<(), StudioError> {
    let Some(old) = c.source(&new.id) else {
        return Ok(());
    };
    if fields_cleared(old) == fields_cleared(new) {
        return Ok(());
    }
    check_lock(c, &new.id, "change its style (only its text)")
}

fn fields_cleared(source: &Source) -> Source {
    let mut s = source.clone();
    s.name.clear();
    match &mut s.kind {
        SourceKind::Text(t) => t.text.clear(),
        SourceKind::Template(t) => {
            t.title.clear();
            t.subtitle.clear();
            t.url = None;
        }
        _ => {}
    }
    s
}
