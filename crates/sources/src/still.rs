use crate::VideoSource;
use std::path::Path;
use streamwerk_media::{Image, Tick, VideoFrame};

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
            image: &self.image,
            generation: 1,
            damage: None,
            opaque: self.opaque,
        }
    }
}

/// Decodes an image file (PNG, JPEG, GIF's first frame, WebP) to premultiplied RGBA.
pub(crate) fn load_image(path: &Path) -> Result<Image, String> {
    let decoded = image::ImageReader::open(path)
        .map_err(|e| e.to_string())?
        .with_guessed_format()
        .map_err(|e| e.to_string())?
        .decode()
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
