//! Types every stage of the pipeline shares. Pictures are premultiplied RGBA8, or I420 where
//! they start as YUV, until the compositor makes the canvas's I420 for the encoder; audio is planar f32 at 48 kHz in
//! blocks of 1024 samples (one AAC frame).

mod clock;
pub mod feeds;
pub mod program_return;
mod rect;

pub use clock::{MasterClock, Tick};
pub use rect::Rect;

/// The audio rate of the whole engine.
pub const SAMPLE_RATE: u32 = 48_000;
/// Samples per channel in one [`AudioBlock`]: the AAC frame size, so one block is one packet.
pub const AUDIO_BLOCK: usize = 1024;

/// A premultiplied-alpha RGBA8 picture, rows packed (stride = 4 x width).
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Image({}x{})", self.width, self.height)
    }
}

impl Image {
    /// A fully transparent picture.
    pub fn new(width: u32, height: u32) -> Self {
        Image {
            width,
            height,
            data: vec![0; width as usize * height as usize * 4],
        }
    }

    pub fn filled(width: u32, height: u32, premultiplied: [u8; 4]) -> Self {
        let mut image = Image::new(width, height);
        image.fill(Rect::new(0, 0, width, height), premultiplied);
        image
    }

    pub fn stride(&self) -> usize {
        self.width as usize * 4
    }

    pub fn bounds(&self) -> Rect {
        Rect::new(0, 0, self.width, self.height)
    }

    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let i = (y as usize * self.width as usize + x as usize) * 4;
        [
            self.data[i],
            self.data[i + 1],
            self.data[i + 2],
            self.data[i + 3],
        ]
    }

    /// Paints `rect` (clipped to the picture) with one premultiplied colour.
    pub fn fill(&mut self, rect: Rect, premultiplied: [u8; 4]) {
        let Some(r) = rect.intersect(self.bounds()) else {
            return;
        };
        let stride = self.stride();
        for y in r.y..r.bottom() {
            let row =
                &mut self.data[y as usize * stride..][r.x as usize * 4..r.right() as usize * 4];
            for px in row.chunks_exact_mut(4) {
                px.copy_from_slice(&premultiplied);
            }
        }
    }

    /// Copies `rect` of `src` to the same place in `self` (both the same size).
    pub fn copy_rect_from(&mut self, src: &Image, rect: Rect) {
        let Some(r) = rect.intersect(self.bounds()) else {
            return;
        };
        let stride = self.stride();
        for y in r.y as usize..r.bottom() as usize {
            let span = y * stride + r.x as usize * 4..y * stride + r.right() as usize * 4;
            self.data[span.clone()].copy_from_slice(&src.data[span]);
        }
    }

    /// True when every pixel has full alpha.
    pub fn is_opaque(&self) -> bool {
        self.data.chunks_exact(4).all(|p| p[3] == 255)
    }

    /// Straight-alpha RGBA8, for writing image files.
    pub fn to_straight_alpha(&self) -> Vec<u8> {
        let mut out = self.data.clone();
        for px in out.chunks_exact_mut(4) {
            let a = px[3] as u32;
            if a != 0 && a != 255 {
                for c in &mut px[..3] {
                    *c = ((*c as u32 * 255 + a / 2) / a).min(255) as u8;
                }
            }
        }
        out
    }

    /// Premultiplies straight-alpha RGBA8 in place. No branch on alpha (an opaque pixel comes
    /// out as it went in), so the compiler may vectorise the loop: a stinger with alpha is
    /// premultiplied on its decoder thread every frame.
    pub fn premultiply(straight: &mut [u8]) {
        for px in straight.chunks_exact_mut(4) {
            let a = px[3] as u16;
            for c in &mut px[..3] {
                *c = ((*c as u16 * a + 127) / 255) as u8;
            }
        }
    }
}

/// A source's picture: premultiplied RGBA for drawn and still sources, or I420 (BT.709,
/// limited range) for sources whose pixels start as YUV (decoded video, cameras), which then
/// reach the encoder without a round trip through RGB.
#[derive(Clone, Copy)]
pub enum Picture<'a> {
    Rgba(&'a Image),
    Yuv(&'a I420),
}

impl Picture<'_> {
    pub fn size(&self) -> (u32, u32) {
        match self {
            Picture::Rgba(image) => (image.width, image.height),
            Picture::Yuv(yuv) => (yuv.width, yuv.height),
        }
    }
}

/// An owned [`Picture`], for a source that keeps its latest one in a slot (a camera).
pub enum PictureBuf {
    Rgba(Image),
    Yuv(I420),
}

impl PictureBuf {
    pub fn picture(&self) -> Picture<'_> {
        match self {
            PictureBuf::Rgba(image) => Picture::Rgba(image),
            PictureBuf::Yuv(yuv) => Picture::Yuv(yuv),
        }
    }
}

impl Clone for PictureBuf {
    fn clone(&self) -> Self {
        match self {
            PictureBuf::Rgba(image) => PictureBuf::Rgba(image.clone()),
            PictureBuf::Yuv(yuv) => PictureBuf::Yuv(yuv.clone()),
        }
    }

    /// Reuses this picture's memory when both are of a kind and size, as they are frame after
    /// frame.
    fn clone_from(&mut self, source: &Self) {
        match (self, source) {
            (PictureBuf::Rgba(to), PictureBuf::Rgba(from)) => {
                (to.width, to.height) = (from.width, from.height);
                to.data.clone_from(&from.data);
            }
            (PictureBuf::Yuv(to), PictureBuf::Yuv(from)) => {
                (to.width, to.height) = (from.width, from.height);
                to.y.clone_from(&from.y);
                to.u.clone_from(&from.u);
                to.v.clone_from(&from.v);
            }
            (to, from) => *to = from.clone(),
        }
    }
}

/// What a video source hands the compositor at a tick: its current picture, a generation that
/// changes whenever the picture does, and the regions that changed since the previous
/// generation (all of it when `damage` is `None`). Damage lets the compositor redo only what moved.
#[derive(Clone, Copy)]
pub struct VideoFrame<'a> {
    pub picture: Picture<'a>,
    pub generation: u64,
    pub damage: Option<&'a [Rect]>,
    /// Every pixel has full alpha, so the layer hides whatever lies under it (always so for
    /// a YUV picture).
    pub opaque: bool,
}

/// A planar 4:2:0 picture (BT.709, limited range) as the encoder takes it; width and height
/// are even, rows packed (strides = width and width / 2).
#[derive(Clone, PartialEq, Eq)]
pub struct I420 {
    pub width: u32,
    pub height: u32,
    pub y: Vec<u8>,
    pub u: Vec<u8>,
    pub v: Vec<u8>,
}

impl I420 {
    /// Black (Y 16, U/V 128). Width and height must be even.
    pub fn new(width: u32, height: u32) -> Self {
        debug_assert!(
            width.is_multiple_of(2) && height.is_multiple_of(2),
            "{width}x{height} is not 4:2:0"
        );
        let (w, h) = (width as usize, height as usize);
        I420 {
            width,
            height,
            y: vec![16; w * h],
            u: vec![128; w * h / 4],
            v: vec![128; w * h / 4],
        }
    }
}

/// One block of planar f32 audio: `channels` runs of [`AUDIO_BLOCK`] samples.
#[derive(Clone, Debug, PartialEq)]
pub struct AudioBlock {
    pub channels: usize,
    pub data: Vec<f32>,
}

impl AudioBlock {
    pub fn silent(channels: usize) -> Self {
        AudioBlock {
            channels,
            data: vec![0.0; channels * AUDIO_BLOCK],
        }
    }

    pub fn channel(&self, c: usize) -> &[f32] {
        &self.data[c * AUDIO_BLOCK..(c + 1) * AUDIO_BLOCK]
    }

    pub fn channel_mut(&mut self, c: usize) -> &mut [f32] {
        &mut self.data[c * AUDIO_BLOCK..(c + 1) * AUDIO_BLOCK]
    }

    pub fn clear(&mut self) {
        self.data.fill(0.0);
    }
}
