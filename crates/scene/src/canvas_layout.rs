//! A new canvas's layouts, made from the main canvas's so the user starts from a sensible
//! arrangement instead of a blank one (docs/scene-format.md, "Adding a canvas"):
//! - a picture that fills the main canvas (camera, video, background) fills the new one,
//!   centre-cropped: its source cropped evenly on the overflowing sides, the rest scaled to
//!   exactly the canvas (so nothing outside the canvas is scaled every frame);
//! - a small picture (an image source) near a corner, a logo, keeps its size and its corner,
//!   inside the safe area;
//! - the layers in the lower part of the picture (a lower third) move together: scaled to the
//!   safe width if wider, left-aligned, their bottom above the band where vertical platforms
//!   draw their own captions and buttons;
//! - anything else keeps its relative place, scaled with the canvas's width, inside the safe area.

use crate::{Collection, Layer, NamedCanvas, SourceKind, TemplateKind, Transform, MAIN_CANVAS};

/// The action-safe margin on every side, as a share of the canvas.
pub const SAFE_MARGIN: f32 = 0.05;
/// Kept clear at the bottom of a vertical canvas: TikTok, Instagram and Shorts draw captions,
/// the comment box and buttons over roughly the lowest fifth. No platform publishes the figure;
/// this is our rule, only for the automatic layout.
pub const VERTICAL_BOTTOM_BAND: f32 = 0.2;

/// A rectangle on a canvas, in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Area {
    fn area(&self) -> f32 {
        self.w * self.h
    }

    fn centre(&self) -> (f32, f32) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// Where a layer lands on its canvas, given its source's natural size (for layers without an
/// explicit size); None when neither is known.
pub fn layer_area(layer: &Layer, natural: Option<(u32, u32)>) -> Option<Area> {
    let t = &layer.transform;
    let crop_w = natural.map(|(w, _)| w.saturating_sub(t.crop.left + t.crop.right) as f32);
    let crop_h = natural.map(|(_, h)| h.saturating_sub(t.crop.top + t.crop.bottom) as f32);
    Some(Area {
        x: t.x,
        y: t.y,
        w: t.width.or(crop_w)?,
        h: t.height.or(crop_h)?,
    })
}

/// The safe area of a canvas: the 5 % margins, and on a vertical canvas the bottom band too.
pub fn safe_area(width: u32, height: u32) -> Area {
    let (w, h) = (width as f32, height as f32);
    let bottom = if height > width {
        VERTICAL_BOTTOM_BAND
    } else {
        SAFE_MARGIN
    };
    Area {
        x: w * SAFE_MARGIN,
        y: h * SAFE_MARGIN,
        w: w * (1.0 - 2.0 * SAFE_MARGIN),
        h: h * (1.0 - SAFE_MARGIN - bottom),
    }
}

/// Adds canvas `name` of `width`x`height` and arranges every scene's layers on it from the
/// main layout. `natural` gives a source's picture size (for layers without an explicit size).
pub fn add_canvas(
    collection: &mut Collection,
    name: &str,
    width: u32,
    height: u32,
    natural: impl Fn(&str) -> Option<(u32, u32)>,
) -> Result<(), String> {
    if name == MAIN_CANVAS || collection.canvases.iter().any(|c| c.name == name) {
        return Err(format!(
            "the collection already has a canvas `{name}`; choose another name"
        ));
    }
    let main = (
        collection.canvas.width as f32,
        collection.canvas.height as f32,
    );
    let safe = safe_area(width, height);
    let images: Vec<String> = collection
        .sources
        .iter()
        .filter(|s| matches!(s.kind, SourceKind::Image(_)))
        .map(|s| s.id.clone())
        .collect();
    // Title cards and slates carry text edge to edge: cropping them to cover would cut it.
    let cards: Vec<String> = collection
        .sources
        .iter()
        .filter(|s| {
            matches!(&s.kind, SourceKind::Template(t)
                if matches!(t.template, TemplateKind::Slate | TemplateKind::TitleCard))
        })
        .map(|s| s.id.clone())
        .collect();
    for scene in &mut collection.scenes {
        let areas: Vec<Option<Area>> = scene
            .layers
            .iter()
            .map(|l| layer_area(l, natural(&l.source)))
            .collect();
        let kind: Vec<Kind> = scene
            .layers
            .iter()
            .zip(&areas)
            .map(
                |(l, a)| match classify(*a, main, images.contains(&l.source)) {
                    Kind::Cover if cards.contains(&l.source) => Kind::Card,
                    kind => kind,
                },
            )
            .collect();
        // The lower third moves as one block.
        let block = areas
            .iter()
            .zip(&kind)
            .filter(|(_, k)| **k == Kind::LowerThird)
            .filter_map(|(a, _)| *a)
            .reduce(|a, b| {
                let (x, y) = (a.x.min(b.x), a.y.min(b.y));
                Area {
                    x,
                    y,
                    w: (a.x + a.w).max(b.x + b.w) - x,
                    h: (a.y + a.h).max(b.y + b.h) - y,
                }
            });
        let block_scale = block.map_or(1.0, |b| (safe.w / b.w).min(1.0));
        let layout = scene
            .layers
            .iter()
            .zip(areas.iter().zip(&kind))
            .map(|(layer, (area, kind))| {
                let Some(a) = *area else {
                    return layer.clone();
                };
                if *kind == Kind::Cover {
                    if let Some(covering) =
                        cover_by_crop(layer, a, natural(&layer.source), (width, height))
                    {
                        return covering;
                    }
                }
                let placed = match kind {
                    Kind::Cover => centred(a, (width, height), f32::max),
                    // The whole card, as large as fits.
                    Kind::Card => centred(a, (width, height), f32::min),
                    Kind::Corner => {
                        let (cx, cy) = a.centre();
                        let w = a.w.min(safe.w * 0.4);
                        let h = a.h * w / a.w;
                        Area {
                            x: if cx < main.0 / 2.0 {
                                safe.x
                            } else {
                                safe.x + safe.w - w
                            },
                            y: if cy < main.1 / 2.0 {
                                safe.y
                            } else {
                                safe.y + safe.h - h
                            },
                            w,
                            h,
                        }
                    }
                    Kind::LowerThird => {
                        let b = block.expect("a lower-third layer makes the block");
                        let s = block_scale;
                        let bottom = safe.y + safe.h;
                        Area {
                            x: safe.x + (a.x - b.x) * s,
                            y: bottom - b.h * s + (a.y - b.y) * s,
                            w: a.w * s,
                            h: a.h * s,
                        }
                    }
                    Kind::Other => {
                        let s = (width as f32 / main.0).min(1.0);
                        let (w, h) = (a.w * s, a.h * s);
                        let (cx, cy) = a.centre();
                        inside(
                            Area {
                                x: cx / main.0 * width as f32 - w / 2.0,
                                y: cy / main.1 * height as f32 - h / 2.0,
                                w,
                                h,
                            },
                            safe,
                        )
                    }
                };
                Layer {
                    transform: Transform {
                        x: placed.x.round(),
                        y: placed.y.round(),
                        width: Some(placed.w.round().max(1.0)),
                        height: Some(placed.h.round().max(1.0)),
                        ..layer.transform.clone()
                    },
                    ..layer.clone()
                }
            })
            .collect();
        scene.layouts.insert(name.to_string(), layout);
    }
    collection.canvases.push(NamedCanvas {
        name: name.to_string(),
        width,
        height,
    });
    Ok(())
}

/// `layer` (shown over `a` on the main canvas) filling a `width`x`height` canvas exactly: its
/// source cropped evenly on the sides that overflow, then scaled to the canvas. Only the
/// pixels shown are then scaled each frame. None without the source's size.
fn cover_by_crop(
    layer: &Layer,
    a: Area,
    natural: Option<(u32, u32)>,
    (width, height): (u32, u32),
) -> Option<Layer> {
    let (nw, nh) = natural?;
    let c = layer.transform.crop;
    let shown_w = nw.checked_sub(c.left + c.right).filter(|w| *w > 0)? as f32;
    let shown_h = nh.checked_sub(c.top + c.bottom).filter(|h| *h > 0)? as f32;
    let (w, h) = (width as f32, height as f32);
    let s = (w / a.w).max(h / a.h);
    // Canvas pixels that overflow each side, in source pixels.
    let cut_x = ((a.w * s - w) / 2.0 * shown_w / (a.w * s)).round() as u32;
    let cut_y = ((a.h * s - h) / 2.0 * shown_h / (a.h * s)).round() as u32;
    let mut transform = Transform {
        x: 0.0,
        y: 0.0,
        width: Some(w),
        height: Some(h),
        ..layer.transform.clone()
    };
    transform.crop.left += cut_x;
    transform.crop.right += cut_x;
    transform.crop.top += cut_y;
    transform.crop.bottom += cut_y;
    Some(Layer {
        transform,
        ..layer.clone()
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Cover,
    /// A full-canvas title card or slate: fitted whole, not cropped.
    Card,
    Corner,
    LowerThird,
    Other,
}

fn classify(area: Option<Area>, (w, h): (f32, f32), image: bool) -> Kind {
    let Some(a) = area else {
        return Kind::Other;
    };
    let (cx, cy) = a.centre();
    if a.area() >= 0.9 * w * h {
        Kind::Cover
    } else if image
        && a.area() <= 0.06 * w * h
        && (cx < w / 3.0 || cx > w * 2.0 / 3.0)
        && (cy < h / 3.0 || cy > h * 2.0 / 3.0)
    {
        Kind::Corner
    } else if cy > h * 0.6 {
        Kind::LowerThird
    } else {
        Kind::Other
    }
}

/// `a` scaled by `pick` of the two scales that fit its width and its height to the canvas
/// (`max`: covering it, `min`: inside it), centred.
fn centred(a: Area, (width, height): (u32, u32), pick: fn(f32, f32) -> f32) -> Area {
    let s = pick(width as f32 / a.w, height as f32 / a.h);
    let (w, h) = (a.w * s, a.h * s);
    Area {
        x: (width as f32 - w) / 2.0,
        y: (height as f32 - h) / 2.0,
        w,
        h,
    }
}

/// `a` moved (and shrunk if it must be) to lie inside `bounds`.
fn inside(a: Area, bounds: Area) -> Area {
    let w = a.w.min(bounds.w);
    let h = a.h * w / a.w.max(1.0);
    let h = h.min(bounds.h);
    Area {
        x: a.x.clamp(bounds.x, bounds.x + bounds.w - w),
        y: a.y.clamp(bounds.y, bounds.y + bounds.h - h),
        w,
        h,
    }
}
