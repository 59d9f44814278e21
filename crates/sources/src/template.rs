//! Graphics templates (lower third, title card, ticker, slate, call to action): drawn once from
//! their fields and style, then animated in and out when their layer is shown and hidden. A
//! held graphic is one still picture (one generation, cached by the compositor); only an
//! animation or a ticker makes new pictures, into buffers allocated when the source opens.

use crate::text::{Face, TextRenderer, TextStyle};
use crate::VideoSource;
use streamwerk_media::{Image, Picture, Rect, Tick, VideoFrame};
use streamwerk_scene::{AnimationStyle, TemplateKind, TemplateSettings};

/// The faces of a template's two lines, loaded by the caller (None: the bundled face).
pub struct TemplateFonts {
    pub headline: Option<Face>,
    pub body: Option<Face>,
}

pub struct Template {
    graphic: Graphic,
    /// Where it stands in each view, by view number.
    views: Vec<Presence>,
}

/// What every view shows of a template: drawn once.
struct Graphic {
    animation: streamwerk_scene::Animation,
    hide_after_ticks: Option<u64>,
    fps: u32,
    /// The graphic fully shown (a ticker's band without its text).
    full: Image,
    /// `full` has no transparent pixel (a slate): it hides what is under it. Found once.
    full_opaque: bool,
    /// Each view draws frames of its own (it animates or scrolls); else a view shows `full`
    /// or nothing.
    draws_frames: bool,
    ticker: Option<Ticker>,
}

/// The graphic in one view (a canvas's program or preview scene): whether its layer wants it
/// shown there, how far it has come in or gone out, and the picture that shows.
struct Presence {
    /// A layer of this view shows or hides it; a view without one is left at rest.
    present: bool,
    /// Wanted shown by its layer; `phase` follows it through the animations.
    shown: bool,
    /// Hid itself after `hide_after_ticks`; stays hidden until hidden and shown again.
    expired: bool,
    phase: Phase,
    /// This frame's picture when it is not `full` (animating, scrolling or hidden); empty for
    /// a graphic that only cuts.
    out: Image,
    showing_full: bool,
    /// Nothing shows in this view.
    blank: bool,
    generation: u64,
}

impl Presence {
    fn new(draws_frames: bool, (w, h): (u32, u32)) -> Self {
        Presence {
            present: true,
            shown: true,
            expired: false,
            phase: Phase::Hidden,
            // A second picture only for what draws frames of its own: a card that cuts in
            // and out holds one picture (a 1080p slate is 8 MB).
            out: if draws_frames {
                Image::new(w, h)
            } else {
                Image::new(0, 0)
            },
            showing_full: false,
            blank: true,
            generation: 1,
        }
    }

    /// Told by the scene change: `shown` is None when no layer of this view shows it.
    fn set(&mut self, shown: Option<bool>) {
        match shown {
            Some(shown) => {
                self.present = true;
                self.shown = shown;
                if !shown {
                    // Hidden by hand after hiding itself: showing it again brings it back.
                    self.expired = false;
                }
            }
            None => {
                // Gone from this view: it enters afresh if a layer brings it back.
                self.present = false;
                self.expired = false;
                self.phase = Phase::Hidden;
                if !self.blank || self.showing_full {
                    self.generation += 1;
                }
                self.blank = true;
                self.showing_full = false;
            }
        }
    }
}

/// A ticker's message drawn once, and how far it moves each frame.
struct Ticker {
    strip: Image,
    y: i32,
    /// The text scrolls right of the accent tag.
    left: i32,
    /// Whole pixels per frame: the same step every frame, so the text never judders.
    step: u32,
    /// One repeat of the message and the gap after it.
    period: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Hidden,
    Entering { since: u64 },
    Up { since: u64 },
    Leaving { since: u64, from: f32 },
}

impl Template {
    pub fn new(
        s: &TemplateSettings,
        fps: u32,
        fonts: TemplateFonts,
        text: &mut TextRenderer,
    ) -> Self {
        let (w, h) = (s.width, s.height);
        let mut full = Image::filled(w, h, s.background.premultiplied());
        let hf = h as f32;
        let headline = |size: f32| TextStyle {
            face: fonts.headline.clone(),
            bold: fonts.headline.is_none(),
            ..TextStyle::plain(&s.title, size, s.text_color)
        };
        let body = |size: f32| TextStyle {
            face: fonts.body.clone(),
            ..TextStyle::plain(&s.subtitle, size, s.text_color)
        };
        let mut ticker = None;
        match s.template {
            TemplateKind::LowerThird | TemplateKind::CallToAction => {
                let bar = ((hf * 0.08).round() as u32).max(4);
                full.fill(Rect::new(0, 0, bar, h), s.accent.premultiplied());
                let left = bar as f32 + hf * 0.22;
                let mut right = w as f32 - hf * 0.15;
                if let Some(url) = s.url.as_deref() {
                    let side = (hf * 0.8).round() as u32;
                    let at = (w as f32 - hf * 0.1) as u32 - side;
                    draw_qr(
                        &mut full,
                        url,
                        Rect::new(at as i32, (h - side) as i32 / 2, side, side),
                    );
                    right = at as f32 - hf * 0.15;
                }
                let name = text.render(&headline(hf * 0.34));
                if s.subtitle.is_empty() {
                    let y = (hf - name.height as f32) / 2.0;
                    over(&mut full, &name, (left as i32, y as i32), (0, right as i32));
                } else {
                    let title = text.render(&body(hf * 0.22));
                    over(
                        &mut full,
                        &name,
                        (left as i32, (hf * 0.1) as i32),
                        (0, right as i32),
                    );
                    over(
                        &mut full,
                        &title,
                        (left as i32, (hf * 0.56) as i32),
                        (0, right as i32),
                    );
                }
            }
            TemplateKind::TitleCard | TemplateKind::Slate => {
                let big = if s.template == TemplateKind::Slate {
                    0.11
                } else {
                    0.09
                };
                let title = text.render(&TextStyle {
                    wrap_width: Some(w as f32 * 0.9),
                    align: streamwerk_scene::Align::Center,
                    ..headline(hf * big)
                });
                let x = (w as i32 - title.width as i32) / 2;
                let y = (hf * 0.42) as i32 - title.height as i32 / 2;
                over(&mut full, &title, (x, y), (0, w as i32));
                let line_y = y + title.height as i32 + (hf * 0.03) as i32;
                let line_w = (w as f32 * 0.12) as u32;
                let line = Rect::new(
                    (w - line_w) as i32 / 2,
                    line_y,
                    line_w,
                    ((hf * 0.008) as u32).max(2),
                );
                full.fill(line, s.accent.premultiplied());
                if !s.subtitle.is_empty() {
                    let sub = text.render(&body(hf * 0.045));
                    let x = (w as i32 - sub.width as i32) / 2;
                    over(
                        &mut full,
                        &sub,
                        (x, line_y + (hf * 0.05) as i32),
                        (0, w as i32),
                    );
                }
            }
            TemplateKind::Ticker => {
                let tag = ((hf * 0.25).round() as u32).max(4);
                full.fill(Rect::new(0, 0, tag, h), s.accent.premultiplied());
                let strip = text.render(&headline(hf * 0.55));
                let gap = (w / 3).max(strip.height * 2);
                ticker = Some(Ticker {
                    left: tag as i32,
                    y: (h as i32 - strip.height as i32) / 2,
                    step: ((s.speed / fps as f32).round() as u32).max(1),
                    period: strip.width + gap,
                    strip,
                });
            }
        }
        let animates = s.template.animates() && s.animation.style != AnimationStyle::None;
        let draws_frames = animates || ticker.is_some();
        let graphic = Graphic {
            animation: if animates {
                s.animation
            } else {
                streamwerk_scene::Animation {
                    style: AnimationStyle::None,
                    ms: 0,
                }
            },
            hide_after_ticks: s
                .hide_after_s
                .filter(|_| {
                    s.template == TemplateKind::LowerThird
                        || s.template == TemplateKind::CallToAction
                })
                .map(|secs| (secs * fps as f32).round() as u64),
            fps,
            full_opaque: full.is_opaque(),
            full,
            draws_frames,
            ticker,
        };
        Template {
            // Shown in view 0 until told otherwise: opened alone, it shows.
            views: vec![Presence::new(draws_frames, (w, h))],
            graphic,
        }
    }
}

impl Graphic {
    fn animation_ticks(&self) -> u64 {
        (self.animation.ms as u64 * self.fps as u64).div_ceil(1000)
    }
}

impl Presence {
    /// How much of the graphic shows at `tick` (0 hidden, 1 fully), moving the phase on;
    /// `length` is the animation's, in ticks.
    fn coverage(&mut self, tick: u64, length: u64, hide_after: Option<u64>) -> f32 {
        let progress = |since: u64| {
            if length == 0 {
                1.0
            } else {
                (tick.saturating_sub(since) as f32 / length as f32).min(1.0)
            }
        };
        loop {
            match self.phase {
                Phase::Hidden => {
                    if !self.shown || self.expired {
                        return 0.0;
                    }
                    self.phase = Phase::Entering { since: tick };
                }
                Phase::Entering { since } => {
                    let p = progress(since);
                    if !self.shown {
                        self.phase = Phase::Leaving {
                            since: tick,
                            from: p,
                        };
                    } else if p < 1.0 {
                        return p;
                    } else {
                        self.phase = Phase::Up { since: tick };
                    }
                }
                Phase::Up { since } => {
                    let expired = hide_after.is_some_and(|after| tick >= since + after);
                    if !self.shown || expired {
                        self.expired = expired;
                        self.phase = Phase::Leaving {
                            since: tick,
                            from: 1.0,
                        };
                    } else {
                        return 1.0;
                    }
                }
                Phase::Leaving { since, from } => {
                    let left = from * (1.0 - progress(since));
                    if self.shown && !self.expired {
                        // Shown again on its way out: enters from where it is.
                        let back = (left * length as f32) as u64;
                        self.phase = Phase::Entering {
                            since: tick.saturating_sub(back),
                        };
                    } else if left <= 0.0 {
                        self.phase = Phase::Hidden;
                    } else {
                        return left;
                    }
                }
            }
        }
    }

    /// Draws this frame's picture of `graphic` into `out` (or points at its full picture);
    /// says whether it changed.
    fn draw(&mut self, graphic: &Graphic, coverage: f32, tick: u64) -> bool {
        let scrolling = graphic.ticker.is_some() && coverage > 0.0;
        if coverage >= 1.0 && !scrolling {
            let changed = !self.showing_full;
            self.showing_full = true;
            self.blank = false;
            return changed;
        }
        let was_blank = !self.showing_full && self.blank;
        self.showing_full = false;
        self.blank = coverage <= 0.0;
        if self.blank {
            if !was_blank {
                self.out.data.fill(0);
            }
            return !was_blank;
        }
        // The shown part of the graphic, eased so it starts and lands gently.
        let eased = coverage * coverage * (3.0 - 2.0 * coverage);
        let full = &graphic.full;
        let w = full.width;
        let shift = match graphic.animation.style {
            AnimationStyle::Slide => ((1.0 - eased) * w as f32).round() as u32,
            _ => 0,
        };
        let alpha = match graphic.animation.style {
            AnimationStyle::Fade => (eased * 256.0) as u32,
            _ => 256,
        };
        self.out.data.fill(0);
        // The part of the graphic from `shift` on lands at the box's left edge.
        let stride = full.stride();
        let keep = (w - shift.min(w)) as usize * 4;
        for y in 0..full.height as usize {
            let src = &full.data[y * stride + shift as usize * 4..][..keep];
            self.out.data[y * stride..][..keep].copy_from_slice(src);
        }
        if let Some(t) = &graphic.ticker {
            let offset = (tick * t.step as u64 % t.period as u64) as i32;
            let mut x = -offset - shift as i32;
            while x < w as i32 {
                let visible = (t.left - shift as i32, w as i32 - shift as i32);
                over(&mut self.out, &t.strip, (x, t.y), visible);
                x += t.period as i32;
            }
        }
        if alpha < 256 {
            for b in &mut self.out.data {
                *b = ((*b as u32 * alpha) >> 8) as u8;
            }
        }
        true
    }
}

impl VideoSource for Template {
    fn advance(&mut self, tick: Tick) {
        let graphic = &self.graphic;
        let (length, hide_after) = (graphic.animation_ticks(), graphic.hide_after_ticks);
        for view in self.views.iter_mut().filter(|v| v.present) {
            let coverage = view.coverage(tick.index, length, hide_after);
            if view.draw(graphic, coverage, tick.index) {
                view.generation += 1;
            }
        }
    }

    fn frame(&self) -> VideoFrame<'_> {
        // The whole graphic: its size is what the editor and layouts read, even before it
        // is first drawn.
        VideoFrame {
            picture: Picture::Rgba(&self.graphic.full),
            generation: 0,
            damage: None,
            opaque: self.graphic.full_opaque,
        }
    }

    fn frame_in(&self, view: usize) -> Option<VideoFrame<'_>> {
        let presence = self.views.get(view).filter(|v| v.present && !v.blank)?;
        // A card without a second picture shows its one.
        let image = if presence.showing_full || presence.out.width == 0 {
            &self.graphic.full
        } else {
            &presence.out
        };
        Some(VideoFrame {
            picture: Picture::Rgba(image),
            generation: presence.generation,
            damage: None,
            opaque: presence.showing_full && self.graphic.full_opaque,
        })
    }

    fn set_shown(&mut self, shown: &[Option<bool>]) {
        let size = (self.graphic.full.width, self.graphic.full.height);
        while self.views.len() < shown.len() {
            let mut fresh = Presence::new(self.graphic.draws_frames, size);
            fresh.set(None);
            self.views.push(fresh);
        }
        for (i, view) in self.views.iter_mut().enumerate() {
            view.set(shown.get(i).copied().flatten());
        }
    }
}

/// Draws premultiplied `src` over `dst` with its top-left at (`x`, `y`), clipped to `dst` and
/// to the columns `left..right`.
fn over(dst: &mut Image, src: &Image, (x, y): (i32, i32), (left, right): (i32, i32)) {
    let x0 = x.max(0).max(left);
    let x1 = (x + src.width as i32).min(dst.width as i32).min(right);
    let y0 = y.max(0);
    let y1 = (y + src.height as i32).min(dst.height as i32);
    if x0 >= x1 || y0 >= y1 {
        return;
    }
    let (ds, ss) = (dst.stride(), src.stride());
    let n = (x1 - x0) as usize * 4;
    for row in y0..y1 {
        let d = &mut dst.data[row as usize * ds + x0 as usize * 4..][..n];
        let s = &src.data[(row - y) as usize * ss + (x0 - x) as usize * 4..][..n];
        for (d, s) in d.chunks_exact_mut(4).zip(s.chunks_exact(4)) {
            let inv = 255 - s[3] as u16;
            if inv == 255 {
                continue;
            }
            for i in 0..4 {
                d[i] = s[i] + ((d[i] as u16 * inv + 127) / 255) as u8;
            }
        }
    }
}

/// Draws `url` as a QR code (medium error correction, dark on white with its quiet zone)
/// filling the square `at`.
fn draw_qr(dst: &mut Image, url: &str, at: Rect) {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M) else {
        return; // Validation keeps links short enough; a longer one shows no code.
    };
    let modules = code.width() as u32;
    let colors = code.to_colors();
    // Four modules of quiet zone on each side, as the standard asks.
    let cell = (at.w / (modules + 8)).max(1);
    let side = cell * (modules + 8);
    let x0 = at.x + (at.w as i32 - side as i32) / 2;
    let y0 = at.y + (at.h as i32 - side as i32) / 2;
    dst.fill(Rect::new(x0, y0, side, side), [255, 255, 255, 255]);
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (mx, my) = (i as u32 % modules + 4, i as u32 / modules + 4);
            let cell_rect = Rect::new(x0 + (mx * cell) as i32, y0 + (my * cell) as i32, cell, cell);
            dst.fill(cell_rect, [0, 0, 0, 255]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamwerk_scene::{Animation, Rgba};

    fn settings(kind: TemplateKind) -> TemplateSettings {
        TemplateSettings {
            subtitle: "Head of Social".into(),
            background: Rgba::opaque(10, 20, 200),
            accent: Rgba::opaque(250, 150, 0),
            animation: Animation {
                style: AnimationStyle::Slide,
                ms: 200,
            },
            ..TemplateSettings::new(kind, "Alex Rivera", 600, 100)
        }
    }

    fn open(s: &TemplateSettings) -> Stepped {
        let fonts = TemplateFonts {
            headline: None,
            body: None,
        };
        Stepped {
            template: Template::new(s, 30, fonts, &mut TextRenderer::new()),
            next: 0,
        }
    }

    struct Stepped {
        template: Template,
        next: u64,
    }

    /// Advances through every frame up to `index` (as the video thread does) and returns
    /// that frame's picture.
    fn at(t: &mut Stepped, index: u64) -> Image {
        while t.next <= index {
            t.template.advance(Tick {
                index: t.next,
                fps: 30,
            });
            t.next += 1;
        }
        in_view(&t.template, 0)
    }

    /// What view `view` shows now: a transparent picture where it draws nothing.
    fn in_view(template: &Template, view: usize) -> Image {
        match template.frame_in(view).map(|f| f.picture) {
            Some(Picture::Rgba(i)) => i.clone(),
            Some(_) => unreachable!("templates draw RGBA"),
            None => {
                let (w, h) = template.frame().picture.size();
                Image::new(w, h)
            }
        }
    }

    #[test]
    fn a_lower_third_slides_in_holds_still_and_slides_out_when_hidden() {
        let mut t = open(&settings(TemplateKind::LowerThird));
        let first = at(&mut t, 0);
        assert_eq!(first.pixel(300, 50)[3], 0, "starts hidden");
        let half = at(&mut t, 3);
        assert!(
            half.pixel(20, 50)[3] == 255 && half.pixel(590, 50)[3] == 0,
            "half in"
        );
        let up = at(&mut t, 6);
        assert_eq!(
            up.pixel(590, 95),
            [10, 20, 200, 255],
            "fully in: the background"
        );
        assert_eq!(
            up.pixel(2, 50),
            [250, 150, 0, 255],
            "the accent bar at the left"
        );
        let g = t.template.frame_in(0).unwrap().generation;
        at(&mut t, 20);
        assert_eq!(
            t.template.frame_in(0).unwrap().generation,
            g,
            "a held graphic is one picture"
        );
        t.template.set_shown(&[Some(false)]);
        let leaving = at(&mut t, 23);
        assert!(leaving.pixel(590, 95)[3] == 0 && leaving.pixel(5, 95)[3] == 255);
        assert!(at(&mut t, 27).data.iter().all(|b| *b == 0), "gone");
        assert!(
            t.template.frame_in(0).is_none(),
            "a hidden graphic is left out of composing"
        );
        t.template.set_shown(&[Some(true)]);
        at(&mut t, 40);
        assert!(t.template.frame_in(0).is_some());
    }

    #[test]
    fn a_lower_third_hides_itself_after_its_time() {
        let mut s = settings(TemplateKind::LowerThird);
        s.hide_after_s = Some(1.0);
        let mut t = open(&s);
        assert_eq!(at(&mut t, 10).pixel(590, 95)[3], 255);
        assert_eq!(at(&mut t, 30).pixel(590, 95)[3], 255, "still up before 1 s");
        assert!(
            at(&mut t, 50).data.iter().all(|b| *b == 0),
            "gone after 1 s"
        );
        assert!(
            at(&mut t, 80).data.iter().all(|b| *b == 0),
            "and stays gone"
        );
        t.template.set_shown(&[Some(false)]);
        at(&mut t, 81);
        t.template.set_shown(&[Some(true)]);
        assert_eq!(at(&mut t, 90).pixel(590, 95)[3], 255, "shown again");
    }

    #[test]
    fn each_view_shows_and_hides_the_graphic_on_its_own() {
        for kind in [
            TemplateKind::LowerThird,
            TemplateKind::CallToAction,
            TemplateKind::Ticker,
        ] {
            let mut t = open(&settings(kind));
            // Views 0 and 2 (two canvases' programs) shown, view 1 (a preview) has no layer.
            t.template.set_shown(&[Some(true), None, Some(true)]);
            assert_eq!(
                at(&mut t, 10).pixel(590, 95)[3],
                255,
                "{kind:?} in on view 0"
            );
            assert_eq!(in_view(&t.template, 2).pixel(590, 95)[3], 255);
            assert!(t.template.frame_in(1).is_none(), "no layer, nothing drawn");
            // Hidden on view 0 only: it leaves there and stays on view 2.
            t.template.set_shown(&[Some(false), None, Some(true)]);
            at(&mut t, 20);
            assert!(t.template.frame_in(0).is_none(), "{kind:?} out of view 0");
            assert_eq!(in_view(&t.template, 2).pixel(590, 95)[3], 255, "{kind:?}");
            // And the other way round.
            t.template.set_shown(&[Some(true), None, Some(false)]);
            at(&mut t, 30);
            assert_eq!(in_view(&t.template, 0).pixel(590, 95)[3], 255, "{kind:?}");
            assert!(t.template.frame_in(2).is_none(), "{kind:?} out of view 2");
        }
    }

    #[test]
    fn hiding_itself_after_its_time_happens_in_each_view_apart() {
        let mut s = settings(TemplateKind::LowerThird);
        s.hide_after_s = Some(1.0);
        let mut t = open(&s);
        t.template.set_shown(&[Some(true), None, Some(false)]);
        at(&mut t, 20);
        // Shown on view 2 two thirds of a second later: it hides there a second after that.
        t.template.set_shown(&[Some(true), None, Some(true)]);
        assert_eq!(at(&mut t, 45).pixel(590, 95)[3], 0, "view 0 hid itself");
        assert_eq!(
            in_view(&t.template, 2).pixel(590, 95)[3],
            255,
            "view 2 not yet"
        );
        at(&mut t, 70);
        assert!(t.template.frame_in(2).is_none(), "view 2 after its second");
    }

    #[test]
    fn a_ticker_moves_a_whole_number_of_pixels_each_frame() {
        let mut s = settings(TemplateKind::Ticker);
        s.animation.style = AnimationStyle::None;
        s.speed = 90.0;
        let mut t = open(&s);
        let a = at(&mut t, 100);
        let b = at(&mut t, 101);
        // 90 px/s at 30 fps: 3 px a frame; frame b is frame a moved 3 px left.
        let tag = 25;
        for y in 0..100 {
            for x in tag + 10..590 {
                assert_eq!(b.pixel(x, y), a.pixel(x + 3, y), "at {x},{y}");
            }
        }
        assert_ne!(a.data, b.data);
    }

    #[test]
    fn a_call_to_action_draws_a_readable_qr_code() {
        let mut s = settings(TemplateKind::CallToAction);
        s.url = Some("https://example.com/join".into());
        s.animation.style = AnimationStyle::None;
        let mut t = open(&s);
        let image = at(&mut t, 0);
        // Read back with a QR decoder, as a phone would.
        let luma: Vec<u8> = image.data.chunks_exact(4).map(|p| p[1]).collect();
        let (w, h) = (image.width as usize, image.height as usize);
        let mut grid = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma[y * w + x]);
        let grids = grid.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code found");
        let (_, content) = grids[0].decode().expect("the code decodes");
        assert_eq!(content, "https://example.com/join");
    }
}
