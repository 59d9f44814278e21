//! Where an OBS scene item lands, as OBS computes it (`update_item_transform` and
//! `calculate_bounds_data` in libobs/obs-scene.c; ../shared/notes/obs-scene-collections.md
//! §4.4), turned into a Streamwerk transform: the same rectangle, rotated about its centre.

use serde_json::Value;
use streamwerk_scene::{Crop, Transform};

/// OBS alignment bits (libobs/obs-defs.h).
const LEFT: u64 = 1;
const RIGHT: u64 = 2;
const TOP: u64 = 4;
const BOTTOM: u64 = 8;

/// An item's placement as saved (absolute `pos`, `scale` and `bounds`).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub pos: (f64, f64),
    pub scale: (f64, f64),
    pub rot: f64,
    pub align: u64,
    pub bounds_type: u64,
    pub bounds_align: u64,
    pub bounds: (f64, f64),
    pub crop: Crop,
}

fn pair(v: &Value, key: &str, default: (f64, f64)) -> (f64, f64) {
    let get = |k: &str, d: f64| v[key][k].as_f64().unwrap_or(d);
    (get("x", default.0), get("y", default.1))
}

impl Item {
    /// Reads a scene item; OBS's defaults for what it left out.
    pub fn read(item: &Value) -> Item {
        let int = |k: &str, d: u64| item[k].as_u64().unwrap_or(d);
        let crop = |k: &str| item[k].as_u64().unwrap_or(0) as u32;
        Item {
            pos: pair(item, "pos", (0.0, 0.0)),
            scale: pair(item, "scale", (1.0, 1.0)),
            rot: item["rot"].as_f64().unwrap_or(0.0),
            align: int("align", LEFT | TOP),
            bounds_type: int("bounds_type", 0),
            bounds_align: int("bounds_align", 0),
            bounds: pair(item, "bounds", (0.0, 0.0)),
            crop: Crop {
                left: crop("crop_left"),
                top: crop("crop_top"),
                right: crop("crop_right"),
                bottom: crop("crop_bottom"),
            },
        }
    }
}

/// OBS's `add_alignment`: the offset of an alignment point in a `cx`x`cy` box, halved in
/// integers as OBS does.
fn alignment(align: u64, cx: i64, cy: i64) -> (f64, f64) {
    let along = |low: u64, high: u64, size: i64| {
        if align & high != 0 {
            size as f64
        } else if align & low != 0 {
            0.0
        } else {
            (size / 2) as f64
        }
    };
    (along(LEFT, RIGHT, cx), along(TOP, BOTTOM, cy))
}

/// `v` turned `degrees` clockwise on screen (y grows downwards).
fn rotated(v: (f64, f64), degrees: f64) -> (f64, f64) {
    let (sin, cos) = degrees.to_radians().sin_cos();
    (v.0 * cos - v.1 * sin, v.0 * sin + v.1 * cos)
}

/// The content's rectangle before rotation, relative to the item's `pos` (the alignment point,
/// which rotation pivots about): (x, y, width, height), and the effective scale of the
/// source's pixels (signed: negative is a flip).
pub struct Placed {
    pub rect: (f64, f64, f64, f64),
    pub scale: (f64, f64),
}

impl Item {
    /// The point `v` from the item's anchor (`pos`), turned with the item about it.
    fn at(&self, v: (f64, f64)) -> (f64, f64) {
        let (x, y) = rotated(v, self.rot);
        (self.pos.0 + x, self.pos.1 + y)
    }

    /// Places a source of natural size `natural`.
    pub fn place(&self, natural: (u32, u32)) -> Placed {
        let c = &self.crop;
        let w = natural.0.saturating_sub(c.left + c.right);
        let h = natural.1.saturating_sub(c.top + c.bottom);
        // OBS's calc_cx/calc_cy: a crop larger than the picture leaves 2 pixels.
        let (w, h) = (
            if w == 0 { 2.0 } else { w as f64 },
            if h == 0 { 2.0 } else { h as f64 },
        );
        let (mut sx, mut sy) = self.scale;
        let (bx, by) = self.bounds;
        if self.bounds_type == 0 {
            let (cw, ch) = (w * sx, h * sy);
            let (ox, oy) = alignment(self.align, cw.abs() as i64, ch.abs() as i64);
            // A flip extends the picture left of (or above) the anchor.
            let x = if cw < 0.0 { -ox + cw } else { -ox };
            let y = if ch < 0.0 { -oy + ch } else { -oy };
            return Placed {
                rect: (x, y, cw.abs(), ch.abs()),
                scale: (sx, sy),
            };
        }
        let (aw, ah) = ((w * sx).abs(), (h * sy).abs());
        match self.bounds_type {
            // STRETCH keeps only the signs.
            1 => {
                sx = sx.signum() * bx / w;
                sy = sy.signum() * by / h;
            }
            // SCALE_INNER, SCALE_OUTER, MAX_ONLY (inner when larger than the box).
            2 | 3 | 6 => {
                if self.bounds_type == 6 && aw <= bx && ah <= by {
                } else {
                    let wider = bx / by < aw / ah;
                    let mul = if wider ^ (self.bounds_type == 3) {
                        bx / aw
                    } else {
                        by / ah
                    };
                    sx *= mul;
                    sy *= mul;
                }
            }
            // SCALE_TO_WIDTH, SCALE_TO_HEIGHT.
            4 => {
                let mul = bx / aw;
                sx *= mul;
                sy *= mul;
            }
            5 => {
                let mul = by / ah;
                sx *= mul;
                sy *= mul;
            }
            _ => {}
        }
        let (cw, ch) = ((w * sx).abs(), (h * sy).abs());
        let (ox, oy) = alignment(self.align, bx as i64, by as i64);
        let (ix, iy) = alignment(self.bounds_align, (bx - cw) as i64, (by - ch) as i64);
        Placed {
            rect: (ix - ox, iy - oy, cw, ch),
            scale: (sx, sy),
        }
    }
}

/// A map from a scene's own coordinates to the canvas: `p` goes to `origin + R(rot)·(p·scale)`.
/// The canvas itself is the identity; a nested scene or group item composes one more.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub origin: (f64, f64),
    pub scale: (f64, f64),
    pub rot: f64,
}

impl Frame {
    pub const CANVAS: Frame = Frame {
        origin: (0.0, 0.0),
        scale: (1.0, 1.0),
        rot: 0.0,
    };

    fn apply(&self, p: (f64, f64)) -> (f64, f64) {
        let (x, y) = rotated((p.0 * self.scale.0, p.1 * self.scale.1), self.rot);
        (self.origin.0 + x, self.origin.1 + y)
    }

    /// The frame of what item `item` shows (a nested scene or group of `size`), placed in
    /// this frame: its content's top-left maps to where OBS draws it.
    pub fn inside(&self, item: &Item, size: (u32, u32)) -> Frame {
        let placed = item.place(size);
        let (x, y, w, h) = placed.rect;
        // The content's corner where the scene's own (crop-left, crop-top) lands; a flip moves
        // it to the far side.
        let corner = (
            if placed.scale.0 < 0.0 { x + w } else { x },
            if placed.scale.1 < 0.0 { y + h } else { y },
        );
        // The scene's own (0, 0) lies the crop, scaled, before that corner.
        let c = &item.crop;
        let origin = (
            corner.0 - c.left as f64 * placed.scale.0,
            corner.1 - c.top as f64 * placed.scale.1,
        );
        Frame {
            origin: self.apply(item.at(origin)),
            scale: (self.scale.0 * placed.scale.0, self.scale.1 * placed.scale.1),
            rot: self.rot + item.rot,
        }
    }

    /// The Streamwerk transform of `item` showing a source of `natural` size in this frame:
    /// the rectangle OBS draws, its rotation about its centre; whether a flip was dropped.
    pub fn transform(&self, item: &Item, natural: (u32, u32)) -> (Transform, bool) {
        let placed = item.place(natural);
        let (x, y, w, h) = placed.rect;
        let (cx, cy) = self.apply(item.at((x + w / 2.0, y + h / 2.0)));
        let (w, h) = (w * self.scale.0.abs(), h * self.scale.1.abs());
        let rotation = (self.rot + item.rot).rem_euclid(360.0);
        let flipped =
            (placed.scale.0 * self.scale.0) < 0.0 || (placed.scale.1 * self.scale.1) < 0.0;
        (
            Transform {
                x: (cx - w / 2.0) as f32,
                y: (cy - h / 2.0) as f32,
                width: Some(w as f32),
                height: Some(h as f32),
                crop: item.crop,
                rotation: rotation as f32,
                opacity: 1.0,
                ..Transform::default()
            },
            flipped,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rect(t: &Transform) -> (f32, f32, f32, f32) {
        (t.x, t.y, t.width.unwrap(), t.height.unwrap())
    }

    #[test]
    fn top_left_scaled_centred_and_bounded_items_land_where_obs_draws_them() {
        let canvas = Frame::CANVAS;
        let plain =
            Item::read(&json!({"pos": {"x": 10.0, "y": 20.0}, "scale": {"x": 0.5, "y": 0.5}}));
        assert_eq!(
            rect(&canvas.transform(&plain, (400, 200)).0),
            (10.0, 20.0, 200.0, 100.0)
        );
        // Centre alignment (0): pos is the picture's centre.
        let centred = Item::read(&json!({"pos": {"x": 960.0, "y": 540.0}, "align": 0}));
        assert_eq!(
            rect(&canvas.transform(&centred, (300, 101)).0),
            (810.0, 490.0, 300.0, 101.0)
        );
        // Fit inside a 400x400 box at top-left, centred in it (bounds_align 0).
        let inner = Item::read(&json!({"pos": {"x": 0.0, "y": 0.0}, "bounds_type": 2,
            "bounds": {"x": 400.0, "y": 400.0}}));
        assert_eq!(
            rect(&canvas.transform(&inner, (800, 400)).0),
            (0.0, 100.0, 400.0, 200.0)
        );
        // Crop comes off before scaling.
        let cropped = Item::read(
            &json!({"crop_left": 100, "crop_right": 100, "scale": {"x": 2.0, "y": 2.0}}),
        );
        let (t, _) = canvas.transform(&cropped, (400, 100));
        assert_eq!(rect(&t), (0.0, 0.0, 400.0, 200.0));
        assert_eq!((t.crop.left, t.crop.right), (100, 100));
        // Rotated 90° clockwise about its top-left anchor: it hangs left of pos.
        let turned = Item::read(&json!({"pos": {"x": 500.0, "y": 100.0}, "rot": 90.0}));
        let (t, flipped) = canvas.transform(&turned, (200, 100));
        assert!(!flipped);
        assert_eq!(rect(&t), (350.0, 150.0, 200.0, 100.0));
        assert_eq!(t.rotation, 90.0);
        // A horizontal flip extends left of the anchor; reported, drawn unflipped.
        let flip =
            Item::read(&json!({"pos": {"x": 500.0, "y": 0.0}, "scale": {"x": -1.0, "y": 1.0}}));
        let (t, flipped) = canvas.transform(&flip, (200, 100));
        assert!(flipped);
        assert_eq!(rect(&t), (300.0, 0.0, 200.0, 100.0));
    }

    #[test]
    fn an_item_in_a_nested_scene_goes_through_the_nesting_items_placement() {
        // A 1920x1080 scene shown at half size from (100, 50); inside it an item at (200, 100).
        let nest =
            Item::read(&json!({"pos": {"x": 100.0, "y": 50.0}, "scale": {"x": 0.5, "y": 0.5}}));
        let frame = Frame::CANVAS.inside(&nest, (1920, 1080));
        let child = Item::read(&json!({"pos": {"x": 200.0, "y": 100.0}}));
        assert_eq!(
            rect(&frame.transform(&child, (400, 200)).0),
            (200.0, 100.0, 200.0, 100.0)
        );
        // Cropping the nested scene's left 200 pixels moves its content left.
        let cropped = Item::read(
            &json!({"pos": {"x": 100.0, "y": 50.0}, "scale": {"x": 0.5, "y": 0.5}, "crop_left": 200}),
        );
        let frame = Frame::CANVAS.inside(&cropped, (1920, 1080));
        assert_eq!(
            rect(&frame.transform(&child, (400, 200)).0),
            (100.0, 100.0, 200.0, 100.0)
        );
    }
}
