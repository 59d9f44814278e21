//! Turns a scene's layers into one canvas picture and its I420 copy for the encoder.
//!
//! Cost grows with what changes, not with the canvas: each layer's placement and any resampled
//! picture (crop, scale, rotation) is cached between frames, sources report damage, and only the
//! damaged rectangles are blended again and converted to YUV. A still logo costs nothing after
//! its first frame; a moving test pattern costs its moving box.

mod blend;
mod convert;
mod placement;

pub use convert::rgba_to_i420;

use placement::Placement;
use streamwerk_media::{Image, Rect, VideoFrame, I420};
use streamwerk_scene::Transform;

/// Beyond this many dirty rectangles a frame redraws their bounding box instead.
const MAX_DIRTY: usize = 16;

/// One visible layer for a compose call, bottom first.
#[derive(Clone, Copy)]
pub struct Layer<'a> {
    /// Identifies the source behind the layer (stable while the source is open).
    pub key: u64,
    pub frame: VideoFrame<'a>,
    pub transform: &'a Transform,
}

/// What was composed at a layer position last time.
struct Slot {
    key: u64,
    generation: u64,
    /// Hides everything under its rectangle: an opaque source, upright, at full opacity.
    opaque: bool,
    source_size: (u32, u32),
    transform: Transform,
    placement: Placement,
}

/// The canvas and its caches. Buffers are allocated once; composing allocates only when a
/// layer's transform or picture changes in a way that needs resampling.
pub struct Compositor {
    canvas: Image,
    yuv: I420,
    slots: Vec<Slot>,
    dirty: Vec<Rect>,
    fresh: bool,
}

/// What the last compose call did, for stats and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ComposeStats {
    pub dirty_rects: usize,
    pub dirty_pixels: u64,
}

impl Compositor {
    /// A black canvas. Width and height must be even (4:2:0).
    pub fn new(width: u32, height: u32) -> Self {
        Compositor {
            canvas: Image::filled(width, height, [0, 0, 0, 255]),
            yuv: I420::new(width, height),
            slots: Vec::new(),
            dirty: Vec::with_capacity(MAX_DIRTY * 2),
            fresh: true,
        }
    }

    /// The composed picture, premultiplied and opaque.
    pub fn canvas(&self) -> &Image {
        &self.canvas
    }

    /// The composed picture as BT.709 limited-range I420.
    pub fn i420(&self) -> &I420 {
        &self.yuv
    }

    /// Brings the canvas up to date with `layers` (bottom first; hidden layers left out).
    pub fn compose(&mut self, layers: &[Layer]) -> ComposeStats {
        self.dirty.clear();
        if self.fresh {
            self.dirty.push(self.canvas.bounds());
            self.fresh = false;
        }
        for (i, layer) in layers.iter().enumerate() {
            self.update_slot(i, layer);
        }
        for gone in self.slots.drain(layers.len()..) {
            self.dirty.push(gone.placement.dst);
        }
        self.merge_dirty();

        let mut stats = ComposeStats::default();
        for d in 0..self.dirty.len() {
            let rect = self.dirty[d];
            // Start at the topmost layer that hides the whole rectangle: copy it, skip the rest.
            let cover = self
                .slots
                .iter()
                .rposition(|s| s.opaque && s.placement.dst.contains(rect));
            let first = match cover {
                Some(i) => {
                    self.slots[i].placement.copy_into(
                        &mut self.canvas,
                        layers[i].frame.image,
                        rect,
                    );
                    i + 1
                }
                None => {
                    self.canvas.fill(rect, [0, 0, 0, 255]);
                    0
                }
            };
            for (slot, layer) in self.slots.iter().zip(layers).skip(first) {
                slot.placement.blend_into(
                    &mut self.canvas,
                    layer.frame.image,
                    rect,
                    layer.transform.opacity,
                );
            }
            rgba_to_i420(&self.canvas, &mut self.yuv, rect);
            stats.dirty_rects += 1;
            stats.dirty_pixels += rect.area();
        }
        stats
    }

    fn update_slot(&mut self, i: usize, layer: &Layer) {
        let frame = layer.frame;
        let size = (frame.image.width, frame.image.height);
        if let Some(slot) = self.slots.get_mut(i) {
            let same = slot.key == layer.key
                && slot.source_size == size
                && slot.transform == *layer.transform;
            if same {
                if slot.generation != frame.generation {
                    let consecutive = frame.generation == slot.generation + 1;
                    match (&frame.damage, consecutive) {
                        (Some(damage), true) if slot.placement.is_direct() => {
                            for d in *damage {
                                if let Some(r) = slot.placement.source_to_canvas(*d) {
                                    self.dirty.push(r);
                                }
                            }
                        }
                        _ => {
                            slot.placement.refresh(frame.image, layer.transform);
                            self.dirty.push(slot.placement.dst);
                        }
                    }
                    slot.generation = frame.generation;
                }
                return;
            }
            self.dirty.push(slot.placement.dst);
        }
        let placement = Placement::new(frame.image, layer.transform);
        self.dirty.push(placement.dst);
        let slot = Slot {
            key: layer.key,
            generation: frame.generation,
            opaque: frame.opaque && placement.is_upright() && layer.transform.opacity >= 1.0,
            source_size: size,
            transform: layer.transform.clone(),
            placement,
        };
        if i < self.slots.len() {
            self.slots[i] = slot;
        } else {
            self.slots.push(slot);
        }
    }

    /// Clips dirty rectangles to the canvas, rounds them to even pixels for 4:2:0, and joins
    /// overlapping ones so no pixel is composed twice.
    fn merge_dirty(&mut self) {
        let bounds = self.canvas.bounds();
        let mut rects: Vec<Rect> = Vec::new();
        std::mem::swap(&mut rects, &mut self.dirty);
        rects.retain_mut(|r| match r.even().intersect(bounds) {
            Some(c) => {
                *r = c;
                true
            }
            None => false,
        });
        let mut merged = true;
        while merged {
            merged = false;
            'outer: for a in 0..rects.len() {
                for b in a + 1..rects.len() {
                    if rects[a].intersect(rects[b]).is_some() {
                        rects[a] = rects[a].union(rects[b]);
                        rects.swap_remove(b);
                        merged = true;
                        break 'outer;
                    }
                }
            }
        }
        if rects.len() > MAX_DIRTY {
            let all = rects.iter().fold(Rect::default(), |acc, r| acc.union(*r));
            rects.clear();
            rects.push(all);
        }
        self.dirty = rects;
    }
}
