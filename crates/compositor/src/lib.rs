//! Turns a scene's layers into one canvas picture and its I420 copy for the encoder.
//!
//! Cost grows with what changes, not with the canvas: each layer's placement and any resampled
//! picture (crop, scale, rotation) is cached between frames, sources report damage, and only the
//! damaged rectangles are blended again and converted to YUV. A still logo costs nothing after
//! its first frame; a moving test pattern costs its moving box.
//!
//! The I420 canvas is the truth. Where the topmost opaque layer over a dirty rectangle is a YUV
//! picture (video, camera), its planes are copied straight in and the RGBA layers above it are
//! blended onto them as premultiplied YUV with alpha, converted once when they change. (A YUV
//! layer above another takes the slow way: converted out, blended in RGBA, converted back.) The
//! RGBA canvas is brought up to date from the I420 one when asked for.

mod blend;
mod convert;
mod placement;
mod scale;
mod transition;
mod yuva;

pub use scale::PlaneScaler;
pub use transition::{fade, slide, slide_offset};

use convert::Scratch;
use placement::Placement;
use smallvec::SmallVec;
use streamwerk_media::{Image, Picture, Rect, VideoFrame, I420};
use streamwerk_scene::Transform;
use yuva::Yuva;

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
    /// The source's pictures are YUV (a source may switch, as a camera does to its card).
    yuv: bool,
    transform: Transform,
    placement: Placement,
    /// The layer as premultiplied YUV, made the first time it lies over a video layer and
    /// again after it changes.
    yuva: Option<Yuva>,
}

/// The canvas and its caches. Buffers are allocated once; composing allocates only when a
/// layer's transform or picture changes in a way that needs resampling.
pub struct Compositor {
    /// Up to date except inside `stale`, where YUV planes were copied without it.
    canvas: Image,
    yuv: I420,
    stale: Rect,
    slots: Vec<Slot>,
    dirty: Vec<Rect>,
    scratch: Scratch,
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
            // Zeroed, so its memory is only mapped where something is drawn in RGBA: under a
            // full-canvas video most of it never is (8 MB at 1080p).
            canvas: Image::new(width, height),
            yuv: I420::new(width, height),
            stale: Rect::default(),
            slots: Vec::new(),
            dirty: Vec::with_capacity(MAX_DIRTY * 2),
            scratch: Scratch::default(),
            fresh: true,
        }
    }

    /// The composed picture as RGBA (opaque), for stills and checks; the encoder takes
    /// [`Compositor::i420`].
    pub fn rgba(&mut self) -> &Image {
        if !self.stale.is_empty() {
            convert::i420_to_canvas(&self.yuv, &mut self.canvas, self.stale, &mut self.scratch);
            self.stale = Rect::default();
        }
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
            match self.cover(layers, rect, None) {
                (Some(i), true) => self.overlay_yuv(layers, i, rect),
                (cover, _) => self.compose_rgba(layers, cover, rect),
            }
            stats.dirty_rects += 1;
            stats.dirty_pixels += rect.area();
        }
        stats
    }

    /// The topmost layer (above `floor`, if given) that hides all of `rect`, and whether its
    /// planes were copied into the I420 canvas there (it is YUV).
    fn cover(
        &mut self,
        layers: &[Layer],
        rect: Rect,
        floor: Option<usize>,
    ) -> (Option<usize>, bool) {
        let cover = self
            .slots
            .iter()
            .rposition(|s| s.opaque && s.placement.dst.contains(rect))
            .filter(|&i| floor.is_none_or(|f| i > f));
        let copied = cover.is_some_and(|i| {
            self.slots[i]
                .placement
                .copy_yuv_into(&mut self.yuv, layers[i].frame.picture, rect)
        });
        (cover, copied)
    }

    /// `rect` in RGBA: the cover layer (or black) and everything above it, then to YUV.
    fn compose_rgba(&mut self, layers: &[Layer], cover: Option<usize>, rect: Rect) {
        let first = match cover {
            Some(i) => {
                self.slots[i].placement.copy_into(
                    &mut self.canvas,
                    layers[i].frame.picture,
                    rect,
                    &mut self.scratch,
                );
                i + 1
            }
            None => {
                self.canvas.fill(rect, [0, 0, 0, 255]);
                0
            }
        };
        self.blend_from(layers, first, rect);
        convert::rgba_to_i420(&self.canvas, &mut self.yuv, rect);
    }

    /// `rect` already holds the YUV cover layer `below`: the layers above it are blended onto
    /// its planes; the rest of `rect` stays the source's planes.
    fn overlay_yuv(&mut self, layers: &[Layer], below: usize, rect: Rect) {
        self.stale = self.stale.union(rect);
        let above = || self.slots[below + 1..].iter().zip(&layers[below + 1..]);
        let touches = |slot: &Slot| slot.placement.dst.intersect(rect).is_some();
        if above().all(|(s, l)| !touches(s) || matches!(l.frame.picture, Picture::Rgba(_))) {
            let bounds = self.canvas.bounds();
            for (slot, layer) in self.slots[below + 1..].iter_mut().zip(&layers[below + 1..]) {
                if !touches(slot) {
                    continue;
                }
                let yuva = slot.yuva.get_or_insert_with(|| {
                    Yuva::new(
                        &slot.placement,
                        layer.frame.picture,
                        layer.transform.opacity,
                        bounds,
                        &mut self.scratch,
                    )
                });
                yuva.blend_onto(&mut self.yuv, rect);
            }
            return;
        }
        // Another YUV layer lies above: split `rect` into the parts the layers above touch.
        let mut pieces: SmallVec<[Rect; 8]> = SmallVec::new();
        for slot in &self.slots[below + 1..] {
            if let Some(part) = slot.placement.dst.intersect(rect) {
                pieces.extend(part.even().intersect(rect));
            }
        }
        let left = merge_overlapping(&mut pieces);
        pieces.truncate(left);
        for piece in pieces {
            // A higher YUV layer hiding the whole piece is copied in like the first (each
            // step goes up the stack, so this ends); anything else goes through RGBA.
            match self.cover(layers, piece, Some(below)) {
                (Some(i), true) => self.overlay_yuv(layers, i, piece),
                _ => {
                    convert::i420_to_canvas(&self.yuv, &mut self.canvas, piece, &mut self.scratch);
                    self.blend_from(layers, below + 1, piece);
                    convert::rgba_to_i420(&self.canvas, &mut self.yuv, piece);
                }
            }
        }
    }

    /// Blends layers `first..` over the RGBA canvas inside `rect`.
    fn blend_from(&mut self, layers: &[Layer], first: usize, rect: Rect) {
        for (slot, layer) in self.slots.iter().zip(layers).skip(first) {
            slot.placement.blend_into(
                &mut self.canvas,
                layer.frame.picture,
                rect,
                layer.transform.opacity,
                &mut self.scratch,
            );
        }
    }

    fn update_slot(&mut self, i: usize, layer: &Layer) {
        let frame = layer.frame;
        let size = frame.picture.size();
        let yuv = matches!(frame.picture, Picture::Yuv(_));
        if let Some(slot) = self.slots.get_mut(i) {
            let same = slot.key == layer.key
                && slot.source_size == size
                && slot.yuv == yuv
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
                            slot.placement.refresh(frame.picture, layer.transform);
                            self.dirty.push(slot.placement.dst);
                        }
                    }
                    slot.generation = frame.generation;
                    slot.yuva = None;
                }
                return;
            }
            self.dirty.push(slot.placement.dst);
        }
        let placement = Placement::new(frame.picture, layer.transform);
        self.dirty.push(placement.dst);
        let slot = Slot {
            key: layer.key,
            generation: frame.generation,
            opaque: frame.opaque && placement.is_upright() && layer.transform.opacity >= 1.0,
            source_size: size,
            yuv,
            transform: layer.transform.clone(),
            placement,
            yuva: None,
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
        let left = merge_overlapping(&mut rects);
        rects.truncate(left);
        if rects.len() > MAX_DIRTY {
            let all = rects.iter().fold(Rect::default(), |acc, r| acc.union(*r));
            rects.clear();
            rects.push(all);
        }
        self.dirty = rects;
    }
}

/// Joins overlapping rectangles until none overlap, so no pixel is composed twice; returns
/// how many are left, at the front.
fn merge_overlapping(rects: &mut [Rect]) -> usize {
    let mut len = rects.len();
    while let Some((a, b)) = overlapping_pair(&rects[..len]) {
        rects[a] = rects[a].union(rects[b]);
        rects.swap(b, len - 1);
        len -= 1;
    }
    len
}

fn overlapping_pair(rects: &[Rect]) -> Option<(usize, usize)> {
    (0..rects.len()).find_map(|a| {
        (a + 1..rects.len())
            .find(|&b| rects[a].intersect(rects[b]).is_some())
            .map(|b| (a, b))
    })
}
