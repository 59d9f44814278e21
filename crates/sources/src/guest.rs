//! A remote guest's camera and microphone, as the guest endpoint decodes them into the feed of
//! the source's slot: the newest picture, or a card with the guest's name while nobody is in
//! the slot (not joined yet, or gone), so the layout keeps its place and the show goes on; and
//! their sound, a strip of its own in the mixer, silent while they are away.

use crate::camera::card;
use crate::{AudioSource, DeviceState, TextRenderer, VideoSource};
use std::sync::Arc;
use streamwerk_media::feeds::{feed, Feed};
use streamwerk_media::{AudioBlock, Image, Picture, PictureBuf, Tick, VideoFrame};
use streamwerk_scene::{Canvas, GuestSettings};

pub struct GuestSource {
    feed: Arc<Feed>,
    picture: PictureBuf,
    card: Image,
    /// Number of the feed's picture last taken.
    seen: u64,
    showing_card: bool,
    generation: u64,
}

impl GuestSource {
    pub fn open(settings: &GuestSettings, canvas: Canvas, text: &mut TextRenderer) -> Self {
        let who = if settings.name.trim().is_empty() {
            "the guest".to_string()
        } else {
            settings.name.clone()
        };
        GuestSource {
            feed: feed(&settings.slot),
            picture: PictureBuf::Rgba(Image::new(0, 0)),
            card: card(
                canvas.width,
                canvas.height,
                &format!("Waiting for {who}"),
                text,
            ),
            seen: 0,
            showing_card: true,
            generation: 1,
        }
    }
}

impl VideoSource for GuestSource {
    fn advance(&mut self, _tick: Tick) {
        let latest = self.feed.take_latest(self.seen, &mut self.picture);
        let present = self.feed.present();
        if latest > self.seen && present {
            self.seen = latest;
            self.showing_card = false;
            self.generation += 1;
        } else if !present && !self.showing_card {
            self.showing_card = true;
            self.generation += 1;
        }
    }

    fn frame(&self) -> VideoFrame<'_> {
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

/// The guest's sound: played a little behind the network (the feed's lead), silence while
/// nothing arrives.
pub struct GuestSound {
    feed: Arc<Feed>,
}

impl GuestSound {
    pub fn open(settings: &GuestSettings) -> Self {
        GuestSound {
            feed: feed(&settings.slot),
        }
    }
}

impl AudioSource for GuestSound {
    fn fill(&mut self, _start_sample: u64, out: &mut AudioBlock) {
        self.feed.take_sound(out);
    }

    fn state(&self) -> DeviceState {
        if self.feed.present() {
            DeviceState::Live
        } else {
            DeviceState::Disconnected
        }
    }
}
