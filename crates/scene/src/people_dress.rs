//! Frames and name tags for arranged people, styled by the brand kit, as StreamYard dresses
//! its layouts: each person's box gets a frame (a colour source just under it, in the kit's
//! accent colour, white without a kit) and a name tag (a lower third in the box's lower left,
//! styled like the kit's templates). Both are ordinary sources (`frame-ID`, `name-ID`), so a
//! kit change restyles them, the lock keeps them, and the user can edit or hide them; a
//! second arrangement moves them with their person and keeps those edits. Dressed on one
//! canvas, they stay hidden on the others until shown there.

use crate::people_layouts::layers_mut;
use crate::{
    read_document, Collection, Layer, Source, SourceKind, Transform, BRAND_PREFIX, MAIN_CANVAS,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// The frame around a box, as a share of its shorter side (2 px at least).
const FRAME: f32 = 0.015;

/// Dresses `people` (source ids, as [`crate::arrange_people`] placed them) in `scene` on
/// `canvas`; `names` overrides the name a person's tag shows (a guest's typed name), by id.
/// Returns the collection read anew from its document, so the kit's references resolve;
/// `file` names the collection in errors.
pub fn dress_people(
    collection: &Collection,
    scene: &str,
    canvas: &str,
    people: &[String],
    names: &BTreeMap<String, String>,
    file: &Path,
) -> Result<Collection, String> {
    let mut c = collection.clone();
    let mut tags = Vec::new();
    let mut missing = Vec::new();
    let mut dressed = Vec::new();
    let sources = &collection.sources;
    let layers = layers_mut(&mut c, scene, canvas)?;
    for id in people {
        let Some(at) = layers.iter().position(|l| &l.source == id) else {
            continue;
        };
        let t = layers[at].transform.clone();
        let (Some(w), Some(h)) = (t.width, t.height) else {
            continue;
        };
        let border = (w.min(h) * FRAME).round().max(2.0);
        let frame = Transform {
            x: t.x - border,
            y: t.y - border,
            width: Some(w + 2.0 * border),
            height: Some(h + 2.0 * border),
            ..Transform::default()
        };
        let inset = (w.min(h) * 0.04).round();
        let (tag_w, tag_h) = ((w * 0.62).round(), (h * 0.16).max(28.0).round());
        let tag = Transform {
            x: t.x + inset,
            y: t.y + h - tag_h - inset,
            width: Some(tag_w),
            height: Some(tag_h),
            ..Transform::default()
        };
        let (frame_id, tag_id) = (format!("frame-{id}"), format!("name-{id}"));
        // The frame under the person, the tag over them.
        layer_of(layers, &tag_id, at + 1, true).transform = tag;
        layer_of(layers, &frame_id, at, true).transform = frame;
        tags.push((tag_id.clone(), tag_w, tag_h));
        let name = names
            .get(id)
            .cloned()
            .unwrap_or_else(|| display_name(sources, id));
        if !sources.iter().any(|s| s.id == frame_id) {
            missing.push(frame_source(collection, &frame_id, &name));
        }
        if !sources.iter().any(|s| s.id == tag_id) {
            missing.push(tag_source(collection, &tag_id, &name, tag_w, tag_h));
        }
        dressed.push((id.clone(), frame_id, tag_id));
    }
    if canvas != MAIN_CANVAS {
        // Another canvas arranges the scene's own layers: new ones join the main canvas's
        // list too, hidden there, where the person is.
        let main = layers_mut(&mut c, scene, MAIN_CANVAS)?;
        for (id, frame_id, tag_id) in dressed {
            let at = main
                .iter()
                .position(|l| l.source == id)
                .unwrap_or(main.len());
            layer_of(main, &tag_id, at + 1, false);
            layer_of(main, &frame_id, at, false);
        }
    }
    let mut doc = c.to_document();
    resize_tags(&mut doc, &tags);
    doc["sources"]
        .as_array_mut()
        .expect("a collection has sources")
        .extend(missing);
    read_document(doc, c.branding.clone(), file, c.base_dir.clone()).map_err(|e| e.to_string())
}

/// `id`'s layer in `layers`, added at `at` (shown or hidden) when the list has none.
fn layer_of<'a>(layers: &'a mut Vec<Layer>, id: &str, at: usize, visible: bool) -> &'a mut Layer {
    let i = match layers.iter().position(|l| l.source == id) {
        Some(i) => i,
        None => {
            let i = at.min(layers.len());
            let layer = Layer {
                source: id.to_string(),
                transform: Transform::default(),
                visible,
                locked: false,
            };
            layers.insert(i, layer);
            i
        }
    };
    &mut layers[i]
}

/// What a person's tag says: a guest spot's display name, else the source's name or id.
fn display_name(sources: &[Source], id: &str) -> String {
    let Some(source) = sources.iter().find(|s| s.id == id) else {
        return id.to_string();
    };
    match &source.kind {
        SourceKind::Guest(g) if !g.name.is_empty() => g.name.clone(),
        _ if !source.name.is_empty() => source.name.clone(),
        _ => id.to_string(),
    }
}

/// A frame: a colour source in the kit's accent colour (white without a kit).
fn frame_source(c: &Collection, id: &str, name: &str) -> Value {
    let color = c.branding.as_ref().map_or("#FFFFFFFF".to_string(), |b| {
        format!("{BRAND_PREFIX}{}", b.kit.defaults.accent)
    });
    json!({ "id": id, "name": format!("Frame: {name}"), "kind": "color",
            "settings": { "color": color, "width": 16, "height": 16 } })
}

/// A name tag: a lower third with the person's name, styled like the kit's templates.
fn tag_source(c: &Collection, id: &str, name: &str, w: f32, h: f32) -> Value {
    let mut settings = json!({ "template": "lower_third", "title": name,
                               "width": w as u32, "height": h as u32 });
    if let Some(b) = &c.branding {
        for (field, reference) in b.template_style() {
            settings[field] = reference.into();
        }
    }
    json!({ "id": id, "name": format!("Name tag: {name}"), "kind": "template", "settings": settings })
}

/// Draws each tag at its box's new size, so its words stay sharp.
fn resize_tags(doc: &mut Value, tags: &[(String, f32, f32)]) {
    let Some(sources) = doc["sources"].as_array_mut() else {
        return;
    };
    for source in sources {
        if let Some((_, w, h)) = tags.iter().find(|(id, ..)| source["id"] == id.as_str()) {
            source["settings"]["width"] = json!(*w as u32);
            source["settings"]["height"] = json!(*h as u32);
        }
    }
}
