use crate::{TextRenderer, TextStyle, VideoSource};
use std::io::Write;
use streamwerk_media::{Image, Picture, Rect, Tick, VideoFrame};
use streamwerk_scene::{Canvas, Rgba, TestPatternSettings};

const BARS: [[u8; 3]; 7] = [
    [191, 191, 191],
    [191, 191, 0],
    [0, 191, 191],
    [0, 191, 0],
    [191, 0, 191],
    [191, 0, 0],
    [0, 0, 191],
];
const CASTELLATIONS: [[u8; 3]; 7] = [
    [0, 0, 191],
    [16, 16, 16],
    [191, 0, 191],
    [16, 16, 16],
    [0, 191, 191],
    [16, 16, 16],
    [191, 191, 191],
];
const GLYPHS: &str = "0123456789:";

/// Colour bars with a moving box, a frame counter and a timecode burned in, so a dropped or
/// repeated frame is visible in any recording. With `flash_each_second` the first frame of each
/// whole second is white, for measuring A/V sync against a tone's beep.
///
/// Only the box, the counter and flashes change between frames: the pattern keeps the bars as
/// a base picture and reports just those rectangles as damage.
pub struct TestPattern {
    base: Image,
    frame: Image,
    fps: u32,
    flash: bool,
    glyphs: Vec<Image>,
    counter: Rect,
    /// Where each character of "FFFFFF" + "HH:MM:SS:FF" goes, and what it shows now.
    cells: Vec<Rect>,
    shown: Vec<u8>,
    box_size: u32,
    box_y: i32,
    step: u32,
    last: Option<Shown>,
    generation: u64,
    damage: Vec<Rect>,
}

#[derive(Clone, Copy)]
struct Shown {
    tick: u64,
    box_rect: Rect,
    flashed: bool,
}

impl TestPattern {
    pub fn new(settings: &TestPatternSettings, canvas: Canvas, text: &mut TextRenderer) -> Self {
        let width = settings.width.unwrap_or(canvas.width);
        let height = settings.height.unwrap_or(canvas.height);
        let glyph_size = (height as f32 / 14.0).max(8.0);
        let glyphs: Vec<Image> = GLYPHS
            .chars()
            .map(|c| text.render(&TextStyle::plain(&c.to_string(), glyph_size, Rgba::WHITE)))
            .collect();
        // Digits share one advance (tabular figures); the colon is narrower.
        let digit_w = glyphs[0].width;
        let colon_w = glyphs[10].width;
        let line_h = glyphs.iter().map(|g| g.height).max().unwrap_or(1);
        let timecode_w = 8 * digit_w + 3 * colon_w;
        let pad = line_h / 4;
        let counter = Rect::new(
            (width as i32 - (timecode_w + 2 * pad) as i32) / 2,
            (height / 16) as i32,
            timecode_w + 2 * pad,
            line_h * 2 + 2 * pad,
        );
        let mut cells = Vec::with_capacity(17);
        let mut x = counter.x + (counter.w - 6 * digit_w) as i32 / 2;
        for _ in 0..6 {
            cells.push(Rect::new(x, counter.y + pad as i32, digit_w, line_h));
            x += digit_w as i32;
        }
        let mut x = counter.x + pad as i32;
        for c in "00:00:00:00".chars() {
            let w = if c == ':' { colon_w } else { digit_w };
            cells.push(Rect::new(x, counter.y + (pad + line_h) as i32, w, line_h));
            x += w as i32;
        }
        let box_size = (height / 8).max(2) & !1;
        let base = bars(width, height);
        TestPattern {
            frame: base.clone(),
            base,
            fps: canvas.fps,
            flash: settings.flash_each_second,
            glyphs,
            counter,
            shown: vec![0; cells.len()],
            cells,
            box_size,
            box_y: (height as f32 * 0.42) as i32,
            step: (width / (canvas.fps * 2)).max(2),
            last: None,
            generation: 0,
            damage: Vec::with_capacity(3),
        }
    }

    fn box_rect(&self, tick: u64) -> Rect {
        let travel = (self.frame.width.saturating_sub(self.box_size)).max(1) as u64;
        let x = (tick * self.step as u64) % travel;
        Rect::new(x as i32, self.box_y, self.box_size, self.box_size)
    }

    /// Draws the characters of the counter that differ from what is shown (all of them when
    /// `all`), adding each redrawn cell to the damage.
    fn draw_counter(&mut self, tick: u64, all: bool) {
        let fps = self.fps as u64;
        let secs = tick / fps;
        // Written into a fixed array: no allocation per frame.
        let mut text = [0u8; 17];
        let _ = write!(
            &mut text[..],
            "{:06}{:02}:{:02}:{:02}:{:02}",
            tick % 1_000_000,
            secs / 3600 % 100,
            secs / 60 % 60,
            secs % 60,
            tick % fps
        );
        if all {
            self.frame.fill(self.counter, [0, 0, 0, 255]);
        }
        for (i, &c) in text.iter().enumerate() {
            if all || self.shown[i] != c {
                let cell = self.cells[i];
                let glyph = GLYPHS
                    .find(c as char)
                    .expect("counter uses only digits and colons");
                self.frame.fill(cell, [0, 0, 0, 255]);
                blit_white_on_black(&mut self.frame, &self.glyphs[glyph], cell.x, cell.y);
                self.shown[i] = c;
                if !all {
                    self.damage.push(cell);
                }
            }
        }
    }
}

impl VideoSource for TestPattern {
    fn advance(&mut self, tick: Tick) {
        if self.last.map(|l| l.tick) != Some(tick.index) {
            let flash = self.flash && tick.is_whole_second();
            let box_rect = self.box_rect(tick.index);
            self.damage.clear();
            let incremental = matches!(self.last, Some(last) if !last.flashed) && !flash;
            if incremental {
                let last = self.last.expect("incremental implies a previous frame");
                self.frame.copy_rect_from(&self.base, last.box_rect);
                self.damage.extend([last.box_rect, box_rect]);
            } else {
                self.frame.data.copy_from_slice(&self.base.data);
                self.damage.push(self.frame.bounds());
            }
            if flash {
                self.frame.fill(self.frame.bounds(), [255, 255, 255, 255]);
            } else {
                self.frame.fill(box_rect, [255, 255, 255, 255]);
                let inset = (self.box_size / 4) as i32;
                let dot = Rect::new(
                    box_rect.x + inset,
                    box_rect.y + inset,
                    self.box_size / 2,
                    self.box_size / 2,
                );
                self.frame.fill(dot, [0, 0, 0, 255]);
                self.draw_counter(tick.index, !incremental);
            }
            self.last = Some(Shown {
                tick: tick.index,
                box_rect,
                flashed: flash,
            });
            self.generation += 1;
        }
    }

    fn frame(&self) -> VideoFrame<'_> {
        VideoFrame {
            picture: Picture::Rgba(&self.frame),
            generation: self.generation,
            damage: Some(&self.damage),
            opaque: true,
        }
    }
}

fn bars(width: u32, height: u32) -> Image {
    let mut image = Image::new(width, height);
    let bar_w = |i: u32| width * i / 7;
    let top = height * 2 / 3;
    let mid = height * 3 / 4;
    for i in 0..7u32 {
        let (x, w) = (bar_w(i) as i32, bar_w(i + 1) - bar_w(i));
        let [r, g, b] = BARS[i as usize];
        image.fill(Rect::new(x, 0, w, top), [r, g, b, 255]);
        let [r, g, b] = CASTELLATIONS[i as usize];
        image.fill(Rect::new(x, top as i32, w, mid - top), [r, g, b, 255]);
    }
    // A black-to-white ramp along the bottom quarter.
    for x in 0..width {
        let v = (x * 255 / width.max(2).saturating_sub(1)).min(255) as u8;
        image.fill(
            Rect::new(x as i32, mid as i32, 1, height - mid),
            [v, v, v, 255],
        );
    }
    image
}

/// Draws a white glyph onto the opaque black counter box: the result is the glyph's coverage.
fn blit_white_on_black(dst: &mut Image, glyph: &Image, x: i32, y: i32) {
    let Some(r) = Rect::new(x, y, glyph.width, glyph.height).intersect(dst.bounds()) else {
        return;
    };
    for py in r.y..r.bottom() {
        for px in r.x..r.right() {
            let a = glyph.pixel((px - x) as u32, (py - y) as u32)[3];
            let i = (py as usize * dst.width as usize + px as usize) * 4;
            dst.data[i..i + 4].copy_from_slice(&[a, a, a, 255]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(flash: bool) -> TestPattern {
        let settings = TestPatternSettings {
            flash_each_second: flash,
            ..Default::default()
        };
        let canvas = Canvas {
            width: 640,
            height: 360,
            fps: 30,
        };
        TestPattern::new(&settings, canvas, &mut TextRenderer::new())
    }

    fn at(p: &mut TestPattern, t: Tick) -> VideoFrame<'_> {
        p.advance(t);
        p.frame()
    }

    /// The pattern draws in RGBA.
    fn image<'a>(f: &VideoFrame<'a>) -> &'a Image {
        match f.picture {
            Picture::Rgba(image) => image,
            Picture::Yuv(_) => panic!("the test pattern is drawn in RGBA"),
        }
    }

    fn tick(index: u64) -> Tick {
        Tick { index, fps: 30 }
    }

    #[test]
    fn consecutive_frames_differ_only_inside_the_damage() {
        let mut p = pattern(false);
        let first = image(&at(&mut p, tick(1))).clone();
        let f = at(&mut p, tick(2));
        let damage = f.damage.unwrap().to_vec();
        // The box's old and new places, and the counter's changed digits (frame 1 -> 2: the
        // last frame digit and the timecode's last digit).
        assert_eq!(damage.len(), 4, "{damage:?}");
        let second = image(&f).clone();
        let mut changed = 0;
        for y in 0..second.height {
            for x in 0..second.width {
                if first.pixel(x, y) != second.pixel(x, y) {
                    changed += 1;
                    let inside = damage
                        .iter()
                        .any(|d| d.intersect(Rect::new(x as i32, y as i32, 1, 1)).is_some());
                    assert!(inside, "({x},{y}) changed outside the damage");
                }
            }
        }
        assert!(
            changed > 100,
            "the box and counter moved ({changed} pixels)"
        );
    }

    #[test]
    fn counter_differs_between_frames_and_repeats_for_the_same_tick() {
        let mut p = pattern(false);
        let counter = p.counter;
        let crop = |img: &Image| -> Vec<[u8; 4]> {
            (counter.y..counter.bottom())
                .flat_map(|y| (counter.x..counter.right()).map(move |x| (x, y)))
                .map(|(x, y)| img.pixel(x as u32, y as u32))
                .collect()
        };
        let a = crop(image(&at(&mut p, tick(41))));
        let g = at(&mut p, tick(41)).generation;
        assert_eq!(
            at(&mut p, tick(41)).generation,
            g,
            "same tick, same generation"
        );
        let b = crop(image(&at(&mut p, tick(42))));
        assert_ne!(a, b);
    }

    #[test]
    fn flashes_white_on_whole_seconds_only() {
        let mut p = pattern(true);
        let f = at(&mut p, tick(30));
        assert!(image(&f).data.iter().all(|&v| v == 255));
        assert_eq!(f.damage.unwrap(), &[image(&f).bounds()]);
        let f = at(&mut p, tick(31));
        assert_ne!(image(&f).pixel(0, 0), [255, 255, 255, 255]);
        assert_eq!(
            f.damage.unwrap().len(),
            1,
            "leaving a flash redraws everything"
        );
    }
}
