use crate::VideoSource;
use std::path::Path;
use streamwerk_media::{Image, Picture, Tick, VideoFrame};

/// A picture that never changes (colour, image file, rendered text): one generation forever,
/// so the compositor blends it once and reuses the result.
pub struct Still {
    image: Image,
    opaque: bool,
}

impl Still {
    pub fn new(image: Image) -> Self {
        Still {
            opaque: image.is_opaque(),
            image,
        }
    }
}

impl VideoSource for Still {
    fn advance(&mut self, _tick: Tick) {}

    fn frame(&self) -> VideoFrame<'_> {
        VideoFrame {
            picture: Picture::Rgba(&self.image),
            generation: 1,
            damage: None,
            opaque: self.opaque,
        }
    }
}

/// The most pixels an image may declare: 8K by 4K (134 MB as RGBA), past any overlay or
/// slide. A few hundred bytes of PNG can declare gigapixels; such a file is refused from its
/// header, before anything is allocated for it.
pub const MAX_IMAGE_PIXELS: u64 = 7680 * 4320;

/// Decodes an image file (PNG, JPEG, GIF's first frame, WebP, or SVG rasterised at its own
/// size) to premultiplied RGBA.
pub fn load_image(path: &Path) -> Result<Image, String> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"))
    {
        return load_svg(path);
    }
    let mut reader = image::ImageReader::open(path)
        .map_err(|e| e.to_string())?
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    // The decoder's own working memory (beside the picture) is bounded too.
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_IMAGE_PIXELS * 4 + (64 << 20));
    reader.limits(limits);
    let decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let (width, height) = image::ImageDecoder::dimensions(&decoder);
    if u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS {
        return Err(format!(
            "it declares {width}x{height} pixels, more than the {} megapixels (7680x4320) an \
             image may have; scale it down in an image editor",
            MAX_IMAGE_PIXELS / 1_000_000
        ));
    }
    let decoded = image::DynamicImage::from_decoder(decoder)
        .map_err(|e| e.to_string())?
        .into_rgba8();
    let (width, height) = decoded.dimensions();
    let mut data = decoded.into_raw();
    Image::premultiply(&mut data);
    Ok(Image {
        width,
        height,
        data,
    })
}

/// The largest SVG file read: logos are a few kilobytes; the parser holds the whole tree.
const MAX_SVG_BYTES: u64 = 4 << 20;

/// Rasterises an SVG with resvg at its declared size (text in it is not drawn: logos are
/// outlines). resvg's pixels are premultiplied already, as ours are.
fn load_svg(path: &Path) -> Result<Image, String> {
    let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
    if size > MAX_SVG_BYTES {
        return Err(format!(
            "the SVG is {} kB, over the {} kB a logo may have; simplify it or export a PNG",
            size / 1000,
            MAX_SVG_BYTES / 1000
        ));
    }
    let data = std::fs::read(path).map_err(|e| e.to_string())?;
    let tree = resvg::usvg::Tree::from_data(&data, &resvg::usvg::Options::default())
        .map_err(|e| format!("not a readable SVG: {e}"))?;
    let (width, height) = (
        tree.size().width().ceil() as u32,
        tree.size().height().ceil() as u32,
    );
    if u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS {
        return Err(format!(
            "it declares {width}x{height} pixels, more than an image may have; give the SVG a smaller width and height"
        ));
    }
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width.max(1), height.max(1))
        .ok_or("the SVG has no size; give it a width and height")?;
    resvg::render(&tree, Default::default(), &mut pixmap.as_mut());
    Ok(Image {
        width: pixmap.width(),
        height: pixmap.height(),
        data: pixmap.take(),
    })
}
