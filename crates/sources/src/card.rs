//! What a source shows when its pictures come from elsewhere (a camera, a remote guest): the
//! newest picture it was handed, or a card saying what is missing while nothing comes, so the
//! stream goes on and the layout keeps its place.

use crate::{TextRenderer, TextStyle};
use streamwerk_media::{Image, Picture, PictureBuf, VideoFrame};
use streamwerk_scene::Rgba;

/// The newest picture or the card, with the number of the picture last taken.
pub(crate) struct PictureOrCard {
    /// Filled by the source's provider (`take_latest`).
    pub picture: PictureBuf,
    card: Image,
    /// Number of the picture last taken.
    pub seen: u64,
    showing_card: bool,
    generation: u64,
}

impl PictureOrCard {
    /// Showing `card` until the first picture.
    pub fn new(card: Image) -> Self {
        PictureOrCard {
            picture: PictureBuf::Rgba(Image::new(0, 0)),
            card,
            seen: 0,
            showing_card: true,
            generation: 1,
        }
    }

    /// After `picture` was offered picture number `latest`: shows it when `take` says so,
    /// else the card once `missing` (the sender is gone).
    pub fn update(&mut self, latest: u64, take: bool, missing: bool) {
        if take {
            self.seen = latest;
            self.showing_card = false;
            self.generation += 1;
        } else if missing && !self.showing_card {
            self.showing_card = true;
            self.generation += 1;
        }
    }

    pub fn frame(&self) -> VideoFrame<'_> {
        VideoFrame {
            picture: if self.showing_card {
                Picture::Rgba(&self.card)
            } else {
                self.picture.picture()
            },
            generation: self.generation,
            damage: None,
            opaque: true,
        }
    }
}

/// Dark grey with `label` in the middle: what shows while a camera, or a guest, is missing.
pub(crate) fn card(width: u32, height: u32, label: &str, text: &mut TextRenderer) -> Image {
    const GREY: u8 = 0x24;
    let mut card = Image::filled(width, height, [GREY, GREY, GREY, 255]);
    let size = (height as f32 / 16.0).max(12.0);
    let label = text.render(&TextStyle::plain(
        label,
        size,
        Rgba::opaque(0xd0, 0xd0, 0xd0),
    ));
    let x0 = width.saturating_sub(label.width) / 2;
    let y0 = height.saturating_sub(label.height) / 2;
    for y in 0..label.height.min(height) {
        for x in 0..label.width.min(width) {
            let src = label.pixel(x, y);
            let i = (((y0 + y) * width + x0 + x) * 4) as usize;
            let dst = &mut card.data[i..i + 4];
            let keep = 255 - src[3] as u16;
            for c in 0..3 {
                dst[c] = (src[c] as u16 + (dst[c] as u16 * keep + 127) / 255) as u8;
            }
        }
    }
    card
}
