//! A remote guest's camera and microphone, as the guest endpoint decodes them into the feed of
//! the source's slot: the newest picture, or a card with the guest's name while nobody is in
//! the slot (not joined yet, or gone), so the layout keeps its place and the show goes on; and
//! their sound, a strip of its own in the mixer, silent while they are away.

use crate::card::{card, PictureOrCard};
use crate::{AudioSource, DeviceState, TextRenderer, VideoSource};
use std::sync::Arc;
use streamwerk_media::feeds::{feed, Feed};
use streamwerk_media::{AudioBlock, Tick, VideoFrame};
use streamwerk_scene::{Canvas, GuestSettings};

pub struct GuestSource {
    feed: Arc<Feed>,
    shown: PictureOrCard,
}

impl GuestSource {
    pub fn open(settings: &GuestSettings, canvas: Canvas, text: &mut TextRenderer) -> Self {
        let who = if settings.name.trim().is_empty() {
            "the guest".to_string()
        } else {
            settings.name.clone()
        };
        let waiting = card(
            canvas.width,
            canvas.height,
            &format!("Waiting for {who}"),
            text,
        );
        GuestSource {
            feed: feed(&settings.slot),
            shown: PictureOrCard::new(waiting),
        }
    }
}

impl VideoSource for GuestSource {
    fn advance(&mut self, _tick: Tick) {
        let shown = &mut self.shown;
        let latest = self.feed.take_latest(shown.seen, &mut shown.picture);
        let on_air = self.feed.on_air();
        shown.update(latest, latest > shown.seen && on_air, !on_air);
    }

    fn frame(&self) -> VideoFrame<'_> {
        self.shown.frame()
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
        if self.feed.on_air() {
            DeviceState::Live
        } else if self.feed.connected() {
            DeviceState::Waiting
        } else {
            DeviceState::Disconnected
        }
    }
}
