//! One-click arrangements of the people in a scene (its cameras and guest spots) on one
//! canvas: side by side, a grid, or a speaker with the others as thumbnails, as StreamYard
//! offers them. On a vertical canvas side by side becomes a stack and the speaker sits above
//! a row of thumbnails. Each person's box fills their cell, no wider than 16:9 and no
//! narrower than square (9:16 on a vertical canvas), and their picture covers it, cropped
//! evenly rather than stretched; gaps are 2 % of the canvas's width, and one person alone
//! fills the canvas.

use crate::{Collection, Fit, Layer, SourceKind, Transform, MAIN_CANVAS};
use serde::{Deserialize, Serialize};

/// How the people of a scene are arranged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PeopleLayout {
    /// In one row (stacked in one column on a vertical canvas).
    SideBySide,
    /// In rows and columns, as square as they go.
    Grid,
    /// One large, the others small beside it (below it on a vertical canvas).
    Speaker,
}

impl PeopleLayout {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "side-by-side" | "side_by_side" => Some(PeopleLayout::SideBySide),
            "grid" => Some(PeopleLayout::Grid),
            "speaker" => Some(PeopleLayout::Speaker),
            _ => None,
        }
    }
}

/// A box on the canvas, in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// The widest a person's box gets (a webcam's shape).
const WIDEST: f32 = 16.0 / 9.0;

/// The narrowest shape a box may take on a canvas of this shape: square on a landscape
/// canvas, 9:16 on a vertical one (the canvas itself, for one person alone).
fn narrowest(vertical: bool) -> f32 {
    if vertical {
        9.0 / 16.0
    } else {
        1.0
    }
}

/// The largest box that fits `w` x `h` with its shape between `narrowest` and 16:9,
/// centred in it.
fn fit(x: f32, y: f32, w: f32, h: f32, narrowest: f32) -> Rect {
    let shape = (w / h).clamp(narrowest, WIDEST);
    let (bw, bh) = if w / h > shape {
        (h * shape, h)
    } else {
        (w, w / shape)
    };
    Rect {
        x: (x + (w - bw) / 2.0).round(),
        y: (y + (h - bh) / 2.0).round(),
        w: bw.round(),
        h: bh.round(),
    }
}

/// `n` cells of a `cols` x `rows` grid over the area, each holding a box (see [`fit`]); a
/// last row that is not full is centred.
fn grid(n: usize, cols: usize, area: Rect, gap: f32, narrowest: f32) -> Vec<Rect> {
    let rows = n.div_ceil(cols);
    let cell_w = (area.w - gap * (cols as f32 - 1.0)) / cols as f32;
    let cell_h = (area.h - gap * (rows as f32 - 1.0)) / rows as f32;
    let one = fit(0.0, 0.0, cell_w, cell_h, narrowest);
    // The whole block of boxes, centred in the area.
    let used_h = rows as f32 * one.h + gap * (rows as f32 - 1.0);
    let top = area.y + (area.h - used_h) / 2.0;
    (0..n)
        .map(|i| {
            let (row, col) = (i / cols, i % cols);
            let in_row = (n - row * cols).min(cols) as f32;
            let row_w = in_row * one.w + gap * (in_row - 1.0);
            let left = area.x + (area.w - row_w) / 2.0;
            Rect {
                x: (left + col as f32 * (one.w + gap)).round(),
                y: (top + row as f32 * (one.h + gap)).round(),
                w: one.w,
                h: one.h,
            }
        })
        .collect()
}

/// The boxes of `n` people arranged as `layout` on a `width` x `height` canvas, the speaker
/// (the first) first.
pub fn arrange(layout: PeopleLayout, n: usize, width: u32, height: u32) -> Vec<Rect> {
    if n == 0 {
        return Vec::new();
    }
    let (w, h) = (width as f32, height as f32);
    let gap = (w * 0.02).max(4.0).round();
    let area = Rect {
        x: gap,
        y: gap,
        w: w - 2.0 * gap,
        h: h - 2.0 * gap,
    };
    let vertical = h > w;
    let thin = narrowest(vertical);
    match layout {
        // Alone: the whole canvas, as a solo camera would be.
        _ if n == 1 => vec![fit(0.0, 0.0, w, h, thin)],
        PeopleLayout::SideBySide if vertical => grid(n, 1, area, gap, thin),
        PeopleLayout::SideBySide => grid(n, n, area, gap, thin),
        PeopleLayout::Grid => {
            let across = (n as f32).sqrt().ceil() as usize;
            let cols = if vertical { n.div_ceil(across) } else { across };
            grid(n, cols.min(n), area, gap, thin)
        }
        PeopleLayout::Speaker => speaker(n, area, gap, vertical),
    }
}

/// The first large, the others in a column beside it (a row below it when vertical).
fn speaker(n: usize, area: Rect, gap: f32, vertical: bool) -> Vec<Rect> {
    let others = n - 1;
    let thin = narrowest(vertical);
    let mut boxes = Vec::with_capacity(n);
    if vertical {
        let big_h = (area.h * 0.6).min(area.w / thin);
        let rest = Rect {
            y: area.y + big_h + gap,
            h: area.h - big_h - gap,
            ..area
        };
        boxes.push(fit(area.x, area.y, area.w, big_h, thin));
        boxes.extend(grid(others, others.min(3), rest, gap, thin));
    } else {
        let big_w = area.w * 0.75 - gap / 2.0;
        let column = Rect {
            x: area.x + big_w + gap,
            w: area.w - big_w - gap,
            ..area
        };
        boxes.push(fit(area.x, area.y, big_w, area.h, thin));
        boxes.extend(grid(others, 1, column, gap, thin));
    }
    boxes
}

/// The layers of `scene` on `canvas`.
pub(crate) fn layers_mut<'a>(
    collection: &'a mut Collection,
    scene: &str,
    canvas: &str,
) -> Result<&'a mut Vec<Layer>, String> {
    let s = collection
        .scenes
        .iter_mut()
        .find(|s| s.name == scene)
        .ok_or_else(|| format!("there is no scene `{scene}`"))?;
    if canvas == MAIN_CANVAS {
        return Ok(&mut s.layers);
    }
    s.layouts
        .get_mut(canvas)
        .ok_or_else(|| format!("`{scene}` has no layout on canvas `{canvas}`"))
}

/// Whether a layer shows a person (a camera or a guest spot).
fn is_person(collection: &Collection, layer: &Layer) -> bool {
    collection.sources.iter().any(|s| {
        s.id == layer.source && matches!(s.kind, SourceKind::Camera(_) | SourceKind::Guest(_))
    })
}

/// Arranges the visible people of `scene` on `canvas` as `layout`, `speaker` (a source id)
/// first when given, else in layer order from the bottom; returns the sources placed, in
/// order. Locked layers are refused, as a move would be.
pub fn arrange_people(
    collection: &mut Collection,
    scene: &str,
    canvas: &str,
    layout: PeopleLayout,
    speaker: Option<&str>,
) -> Result<Vec<String>, String> {
    let (width, height) = collection
        .canvas_sizes()
        .into_iter()
        .find(|(name, ..)| name == canvas)
        .map(|(_, w, h)| (w, h))
        .ok_or_else(|| format!("there is no canvas `{canvas}`"))?;
    let snapshot = collection.clone();
    let layers = layers_mut(collection, scene, canvas)?;
    let mut people: Vec<usize> = (0..layers.len())
        .filter(|&i| layers[i].visible && is_person(&snapshot, &layers[i]))
        .collect();
    if people.is_empty() {
        return Err(format!(
            "`{scene}` shows no camera or guest to arrange: add a guest spot or a camera first"
        ));
    }
    if let Some(first) = speaker {
        if let Some(at) = people.iter().position(|&i| layers[i].source == first) {
            let i = people.remove(at);
            people.insert(0, i);
        }
    }
    if let Some(&locked) = people.iter().find(|&&i| layers[i].locked) {
        return Err(format!(
            "`{}` is locked in `{scene}`; unlock it to arrange the people",
            layers[locked].source
        ));
    }
    let boxes = arrange(layout, people.len(), width, height);
    for (&i, b) in people.iter().zip(&boxes) {
        layers[i].transform = Transform {
            x: b.x,
            y: b.y,
            width: Some(b.w),
            height: Some(b.h),
            fit: Fit::Cover,
            ..Transform::default()
        };
    }
    Ok(people.iter().map(|&i| layers[i].source.clone()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inside(b: &Rect, w: f32, h: f32) -> bool {
        b.x >= 0.0 && b.y >= 0.0 && b.x + b.w <= w && b.y + b.h <= h
    }

    fn overlap(a: &Rect, b: &Rect) -> bool {
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    }

    #[test]
    fn every_layout_keeps_boxes_on_the_canvas_apart_and_in_shape() {
        for layout in [
            PeopleLayout::SideBySide,
            PeopleLayout::Grid,
            PeopleLayout::Speaker,
        ] {
            for (w, h) in [(1280, 720), (1920, 1080), (1080, 1920)] {
                for n in 1..=5 {
                    let boxes = arrange(layout, n, w, h);
                    assert_eq!(boxes.len(), n);
                    for (i, b) in boxes.iter().enumerate() {
                        assert!(
                            inside(b, w as f32, h as f32),
                            "{layout:?} {w}x{h} {n}: {b:?}"
                        );
                        let shape = b.w / b.h;
                        let thin = narrowest(h > w);
                        assert!(shape >= thin - 0.02 && shape <= WIDEST + 0.02, "{b:?}");
                        for c in &boxes[i + 1..] {
                            assert!(!overlap(b, c), "{layout:?} {w}x{h} {n}: {b:?} {c:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_shapes_are_the_ones_asked_for() {
        // Two side by side on 1280x720: one row, equal, centred.
        let two = arrange(PeopleLayout::SideBySide, 2, 1280, 720);
        assert_eq!(two[0].y, two[1].y);
        assert_eq!(two[0].w, two[1].w);
        assert!((two[0].x - (1280.0 - two[1].x - two[1].w)).abs() <= 1.0);
        // Four in a grid: two rows of two.
        let four = arrange(PeopleLayout::Grid, 4, 1280, 720);
        assert_eq!(four[0].y, four[1].y);
        assert!(four[2].y > four[0].y);
        // The speaker is three times the others' width or more.
        let talk = arrange(PeopleLayout::Speaker, 3, 1280, 720);
        assert!(talk[0].w >= 3.0 * talk[1].w, "{talk:?}");
        // Stacked on a vertical canvas: one column.
        let stack = arrange(PeopleLayout::SideBySide, 3, 1080, 1920);
        assert!(stack.iter().all(|b| b.x == stack[0].x));
        assert!(stack[1].y > stack[0].y && stack[2].y > stack[1].y);
        // One person fills the canvas.
        let one = arrange(PeopleLayout::Grid, 1, 1280, 720);
        assert_eq!(
            one[0],
            Rect {
                x: 0.0,
                y: 0.0,
                w: 1280.0,
                h: 720.0
            }
        );
    }
}
