use cosmic_text::{
    fontdb, Align as CtAlign, Attrs, Buffer, Color, Family, FontSystem, Metrics, Shaping,
    SwashCache, Weight,
};
use std::path::Path;
use streamwerk_media::{Image, Rect};
use streamwerk_scene::{Align, Outline, Rgba, TextBackground, TextSettings};

/// The bundled font (DejaVu Sans, Bitstream Vera licence), built into the binary so text renders
/// the same on every machine without a font scan.
const BUNDLED_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BUNDLED_BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");
const BUNDLED_FAMILY: &str = "DejaVu Sans";

/// A loaded font file: its family, and the weight of the face the file holds (a bold file
/// draws bold without asking).
#[derive(Debug, Clone, PartialEq)]
pub struct Face {
    pub family: String,
    pub weight: u16,
}

/// What to render: the settings of a text source, with its font resolved to a loaded face.
#[derive(Debug, Clone)]
pub struct TextStyle {
    pub text: String,
    pub face: Option<Face>,
    pub size: f32,
    pub color: Rgba,
    pub bold: bool,
    pub align: Align,
    pub wrap_width: Option<f32>,
    pub outline: Option<Outline>,
    pub background: Option<TextBackground>,
}

impl TextStyle {
    pub fn from_settings(s: &TextSettings, face: Option<Face>) -> Self {
        TextStyle {
            text: s.text.clone(),
            face,
            size: s.size,
            color: s.color,
            bold: s.bold,
            align: s.align,
            wrap_width: s.wrap_width,
            outline: s.outline.clone(),
            background: s.background.clone(),
        }
    }

    /// Plain text in the bundled font.
    pub fn plain(text: &str, size: f32, color: Rgba) -> Self {
        TextStyle {
            text: text.into(),
            face: None,
            size,
            color,
            bold: false,
            align: Align::Left,
            wrap_width: None,
            outline: None,
            background: None,
        }
    }
}

/// Shapes and rasterises text with cosmic-text (HarfRust shaping, swash rasterising). One per
/// engine: the font database and glyph cache are worth keeping.
pub struct TextRenderer {
    fonts: FontSystem,
    glyphs: SwashCache,
}

impl Default for TextRenderer {
    fn default() -> Self {
        Self::new()
    }
}

impl TextRenderer {
    pub fn new() -> Self {
        let mut db = fontdb::Database::new();
        db.load_font_data(BUNDLED_REGULAR.to_vec());
        db.load_font_data(BUNDLED_BOLD.to_vec());
        db.set_sans_serif_family(BUNDLED_FAMILY);
        TextRenderer {
            fonts: FontSystem::new_with_locale_and_db("en-US".into(), db),
            glyphs: SwashCache::new(),
        }
    }

    /// Loads a font file and returns its face.
    pub fn load_font(&mut self, path: &Path) -> Result<Face, String> {
        let data = std::fs::read(path).map_err(|e| e.to_string())?;
        let db = self.fonts.db_mut();
        let ids = db.load_font_source(fontdb::Source::Binary(std::sync::Arc::new(data)));
        let id = ids.first().ok_or("not a TrueType/OpenType font")?;
        let face = db.face(*id).ok_or("font face missing after load")?;
        let family = face.families.first().map(|(name, _)| name.clone());
        Ok(Face {
            family: family.ok_or("the font has no family name")?,
            weight: face.weight.0,
        })
    }

    /// Renders `style` to a premultiplied picture just large enough for the text, its outline
    /// and its background box.
    pub fn render(&mut self, style: &TextStyle) -> Image {
        let family = style.face.as_ref().map_or(BUNDLED_FAMILY, |f| &f.family);
        let own = style
            .face
            .as_ref()
            .map_or(Weight::NORMAL, |f| Weight(f.weight));
        let weight = if style.bold {
            Weight(own.0.max(Weight::BOLD.0))
        } else {
            own
        };
        let attrs = Attrs::new().family(Family::Name(family)).weight(weight);
        let align = match style.align {
            Align::Left => CtAlign::Left,
            Align::Center => CtAlign::Center,
            Align::Right => CtAlign::Right,
        };
        let mut buffer = Buffer::new(&mut self.fonts, Metrics::new(style.size, style.size * 1.2));
        buffer.set_size(style.wrap_width, None);
        buffer.set_text(&style.text, &attrs, Shaping::Advanced, Some(align));
        buffer.shape_until_scroll(&mut self.fonts, false);
        let (mut width, mut height) = (0f32, 0f32);
        for run in buffer.layout_runs() {
            width = width.max(run.line_w);
            height = height.max(run.line_top + run.line_height);
        }
        if style.wrap_width.is_none() && style.align != Align::Left {
            // Without a wrap width, align lines within the widest one.
            buffer.set_size(Some(width.ceil()), None);
        }
        let width = style.wrap_width.unwrap_or(width);

        let outline = style.outline.as_ref().map_or(0.0, |o| o.width);
        let padding = style.background.as_ref().map_or(0.0, |b| b.padding);
        let margin = (outline + padding).ceil() as u32;
        let w = width.ceil().max(1.0) as u32 + 2 * margin;
        let h = height.ceil().max(1.0) as u32 + 2 * margin;

        // Coverage of the glyphs, then of their outline, then paint both over the background.
        let mut fill = vec![0u8; (w * h) as usize];
        buffer.draw(
            &mut self.fonts,
            &mut self.glyphs,
            Color::rgba(255, 255, 255, 255),
            |x, y, gw, gh, color| {
                for dy in 0..gh as i32 {
                    for dx in 0..gw as i32 {
                        let (px, py) = (x + dx + margin as i32, y + dy + margin as i32);
                        if px >= 0 && py >= 0 && (px as u32) < w && (py as u32) < h {
                            let cell = &mut fill[(py as u32 * w + px as u32) as usize];
                            *cell = (*cell).max(color.a());
                        }
                    }
                }
            },
        );

        let mut image = match &style.background {
            Some(bg) => Image::filled(w, h, bg.color.premultiplied()),
            None => Image::new(w, h),
        };
        if let Some(o) = &style.outline {
            paint(&mut image, &dilate(&fill, w, h, o.width), o.color);
        }
        paint(&mut image, &fill, style.color);
        image
    }
}

/// Paints `color` over `image` with per-pixel `coverage`.
fn paint(image: &mut Image, coverage: &[u8], color: Rgba) {
    for (px, &c) in image.data.chunks_exact_mut(4).zip(coverage) {
        if c == 0 {
            continue;
        }
        let src = Rgba {
            a: ((color.a as u16 * c as u16 + 127) / 255) as u8,
            ..color
        }
        .premultiplied();
        let inv = 255 - src[3] as u16;
        for i in 0..4 {
            px[i] = src[i] + ((px[i] as u16 * inv + 127) / 255) as u8;
        }
    }
}

/// Grows a coverage mask by `radius` pixels (a disc-shaped max filter) to make an outline.
fn dilate(mask: &[u8], w: u32, h: u32, radius: f32) -> Vec<u8> {
    let r = radius.ceil() as i32;
    let offsets: Vec<(i32, i32)> = (-r..=r)
        .flat_map(|dy| (-r..=r).map(move |dx| (dx, dy)))
        .filter(|(dx, dy)| ((dx * dx + dy * dy) as f32) <= radius * radius + 0.5)
        .collect();
    let bounds = Rect::new(0, 0, w, h);
    let mut out = vec![0u8; mask.len()];
    for y in 0..h as i32 {
        for x in 0..w as i32 {
            let c = mask[(y as u32 * w + x as u32) as usize];
            if c == 0 {
                continue;
            }
            for &(dx, dy) in &offsets {
                let (px, py) = (x + dx, y + dy);
                if bounds.intersect(Rect::new(px, py, 1, 1)).is_some() {
                    let cell = &mut out[(py as u32 * w + px as u32) as usize];
                    *cell = (*cell).max(c);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opaque_pixels(image: &Image) -> usize {
        image.data.chunks_exact(4).filter(|p| p[3] > 128).count()
    }

    #[test]
    fn renders_visible_glyphs_in_a_tight_box() {
        let mut r = TextRenderer::new();
        let image = r.render(&TextStyle::plain("Hello", 40.0, Rgba::WHITE));
        assert!(
            image.width > 60 && image.width < 200,
            "width {}",
            image.width
        );
        assert!(
            image.height >= 40 && image.height < 60,
            "height {}",
            image.height
        );
        assert!(opaque_pixels(&image) > 200);
    }

    #[test]
    fn outline_and_background_add_pixels() {
        let mut r = TextRenderer::new();
        let plain = r.render(&TextStyle::plain("Hi", 40.0, Rgba::WHITE));
        let mut style = TextStyle::plain("Hi", 40.0, Rgba::WHITE);
        style.outline = Some(Outline {
            width: 3.0,
            color: Rgba::BLACK,
        });
        let outlined = r.render(&style);
        assert!(opaque_pixels(&outlined) > opaque_pixels(&plain));
        style.background = Some(TextBackground {
            color: Rgba::opaque(0, 0, 255),
            padding: 10.0,
        });
        let boxed = r.render(&style);
        // The corner is background, fully opaque blue.
        assert_eq!(boxed.pixel(0, 0), [0, 0, 255, 255]);
        assert_eq!(boxed.width, outlined.width + 20);
    }

    #[test]
    fn bold_and_wrapping_change_the_layout() {
        let mut r = TextRenderer::new();
        let one_line = r.render(&TextStyle::plain("one two three four", 30.0, Rgba::WHITE));
        let mut wrapped = TextStyle::plain("one two three four", 30.0, Rgba::WHITE);
        wrapped.wrap_width = Some(120.0);
        let wrapped = r.render(&wrapped);
        assert!(wrapped.height > one_line.height * 2);
        let mut bold = TextStyle::plain("one two three four", 30.0, Rgba::WHITE);
        bold.bold = true;
        assert!(opaque_pixels(&r.render(&bold)) > opaque_pixels(&one_line));
    }
}
