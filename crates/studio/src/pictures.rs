//! Small pictures for the page, rendered by the engine from the collection itself: each scene
//! as the main canvas shows it (the scene list's thumbnails), each graphic alone and each
//! gallery template as the kit styles it (the Graphics tab), and each guest's camera as it
//! arrives (the Guests panel). One worker thread at a time
//! renders them off the studio's lock; requests made while it works join the one waiting, so
//! a page that asks after every edit never queues more than one job.

use crate::brand::add_template;
use base64::Engine as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use streamwerk_media::{Image, PictureBuf, I420};
use streamwerk_protocol::{BrandFile, BrandFileGroup, Event, Picture, PictureOf, TemplateSample};
use streamwerk_scene::{
    network_address, Collection, ColorSettings, Layer, Rgba, Scene, SourceKind, TextSettings,
    Transform,
};
use tokio::sync::broadcast;
use yuvutils_rs::{yuv420_to_rgba, YuvPlanarImage, YuvRange, YuvStandardMatrix};

/// The longest side of a picture: sharp at 160 CSS pixels on a 2x screen.
pub const SIDE: u32 = 320;
/// When a picture is taken: graphics have finished entering (400 ms) by then.
const SETTLED_S: f64 = 0.5;
/// What a camera or network input shows in a scene's picture, instead of being opened twice.
const PLACEHOLDER: Rgba = Rgba::opaque(0x33, 0x41, 0x55);
/// JPEG quality: edges of text stay readable at this size.
const QUALITY: i32 = 80;

/// What is wanted, against the collection as it was when asked.
struct Job {
    collection: Collection,
    collection_path: PathBuf,
    wanted: Vec<PictureOf>,
}

#[derive(Default)]
struct Queue {
    waiting: Option<Job>,
    working: bool,
}

/// The pictures waiting to be rendered, and whether a worker is at it.
#[derive(Default, Clone)]
pub(crate) struct Pictures {
    queue: Arc<Mutex<Queue>>,
}

impl Pictures {
    /// Renders `wanted` from `collection` on the worker (started when none runs) and sends
    /// each picture as an [`Event::Pictures`] on `events`.
    pub(crate) fn request(
        &self,
        collection: &Collection,
        collection_path: &Path,
        wanted: Vec<PictureOf>,
        events: broadcast::Sender<Event>,
    ) {
        let mut queue = self.queue.lock().unwrap();
        let mut all = queue.waiting.take().map_or_else(Vec::new, |j| j.wanted);
        for of in wanted {
            if !all.contains(&of) {
                all.push(of);
            }
        }
        queue.waiting = Some(Job {
            collection: collection.clone(),
            collection_path: collection_path.to_path_buf(),
            wanted: all,
        });
        if queue.working {
            return;
        }
        queue.working = true;
        let pictures = self.clone();
        std::thread::Builder::new()
            .name("studio-pictures".into())
            .spawn(move || pictures.work(&events))
            .expect("spawning a thread");
    }

    /// Renders jobs until none waits.
    fn work(&self, events: &broadcast::Sender<Event>) {
        loop {
            let job = {
                let mut queue = self.queue.lock().unwrap();
                match queue.waiting.take() {
                    Some(job) => job,
                    None => {
                        queue.working = false;
                        return;
                    }
                }
            };
            for of in job.wanted {
                match render(&job.collection, &job.collection_path, &of) {
                    Ok(picture) => {
                        let _ = events.send(Event::Pictures {
                            pictures: vec![picture],
                        });
                    }
                    Err(e) => tracing::debug!("no picture of {of:?}: {e}"),
                }
            }
        }
    }
}

/// One picture, scaled so its longest side is at most [`SIDE`].
pub fn render(c: &Collection, collection_path: &Path, of: &PictureOf) -> Result<Picture, String> {
    let image = match of {
        PictureOf::Scene { name } => scene_image(c, name)?,
        PictureOf::Source { id } => graphic_image(c, id)?,
        PictureOf::Template { sample } => template_image(c, collection_path, sample)?,
        PictureOf::BrandFile { file } => brand_file_image(c, file)?,
        PictureOf::Guest { slot } => guest_image(c, slot)?,
    };
    let (url, width, height) = jpeg_url(&image, SIDE)?;
    Ok(Picture {
        of: of.clone(),
        url,
        width,
        height,
    })
}

/// `name` on the main canvas (as [`Collection::for_canvas`] gives another), live devices
/// drawn as a placeholder and sound left out.
pub(crate) fn scene_image(c: &Collection, name: &str) -> Result<Image, String> {
    let mut c = c.clone();
    c.canvases.clear();
    let (w, h) = (c.canvas.width, c.canvas.height);
    for source in &mut c.sources {
        let live = match &source.kind {
            SourceKind::Camera(_) => true,
            SourceKind::MediaFile(m) => network_address(&m.path).is_some(),
            _ => false,
        };
        if live {
            source.kind = SourceKind::Color(ColorSettings {
                color: PLACEHOLDER,
                width: w,
                height: h,
            });
        }
    }
    let sound_only: Vec<String> = c
        .sources
        .iter()
        .filter(|s| !s.kind.has_video())
        .map(|s| s.id.clone())
        .collect();
    for scene in &mut c.scenes {
        scene.layers.retain(|l| !sound_only.contains(&l.source));
    }
    streamwerk_engine::render_frame(&c, name, SETTLED_S).map_err(|e| e.to_string())
}

/// The graphic `id` alone, at its own size.
fn graphic_image(c: &Collection, id: &str) -> Result<Image, String> {
    let source = c
        .source(id)
        .ok_or_else(|| format!("there is no source `{id}`"))?;
    let SourceKind::Template(t) = &source.kind else {
        return Err(format!("`{id}` is not a graphic"));
    };
    let even = |v: u32| (v.max(2) + 1) & !1;
    let (w, h) = (even(t.width), even(t.height));
    let mut c = c.clone();
    c.canvases.clear();
    c.canvas.width = w;
    c.canvas.height = h;
    c.scenes = vec![Scene {
        name: "picture".into(),
        layers: vec![Layer {
            source: id.into(),
            transform: Transform {
                width: Some(w as f32),
                height: Some(h as f32),
                ..Default::default()
            },
            visible: true,
            locked: false,
        }],
        layouts: Default::default(),
        transition: None,
    }];
    streamwerk_engine::render_frame(&c, "picture", SETTLED_S).map_err(|e| e.to_string())
}

/// A gallery template as adding it to a scene would make it, alone.
fn template_image(
    c: &Collection,
    collection_path: &Path,
    sample: &TemplateSample,
) -> Result<Image, String> {
    let scene = &c.scenes.first().ok_or("the collection has no scene")?.name;
    // Alone in its picture: where it would be placed does not matter.
    let (next, id) = add_template(
        c,
        &[],
        collection_path,
        scene,
        sample.template,
        sample.title.clone(),
    )
    .map_err(|e| e.to_string())?;
    graphic_image(&next, &id)
}

/// A kit's logo over the page's panel colour, or a line of text in one of its fonts.
fn brand_file_image(c: &Collection, file: &BrandFile) -> Result<Image, String> {
    let branding = c
        .branding
        .as_ref()
        .ok_or("the collection has no brand kit")?;
    let files = match file.group {
        BrandFileGroup::Fonts => &branding.kit.fonts,
        BrandFileGroup::Logos => &branding.kit.logos,
    };
    let path = files
        .get(&file.name)
        .ok_or_else(|| format!("the kit has no {:?} entry `{}`", file.group, file.name))?;
    let path = branding.path.parent().unwrap_or(Path::new(".")).join(path);
    match file.group {
        BrandFileGroup::Logos => {
            let mut logo = streamwerk_sources::load_image(&path)?;
            // Premultiplied: the panel shows through where the logo is clear.
            for px in logo.data.chunks_exact_mut(4) {
                let clear = 255 - px[3] as u32;
                for (k, bg) in PANEL.iter().enumerate() {
                    px[k] = (px[k] as u32 + bg * clear / 255) as u8;
                }
                px[3] = 255;
            }
            Ok(logo)
        }
        BrandFileGroup::Fonts => font_sample(c, &path),
    }
}

/// The panel colour logos are shown on (the page's #2a2d35).
const PANEL: [u32; 3] = [0x2a, 0x2d, 0x35];

/// "Aa Bb" in the font at `path`, white on the panel colour: large enough to judge at the
/// size the page shows it.
fn font_sample(c: &Collection, path: &Path) -> Result<Image, String> {
    let mut c = c.clone();
    c.canvases.clear();
    (c.canvas.width, c.canvas.height) = (320, 120);
    let [r, g, b] = PANEL.map(|v| v as u8);
    let colour = |id: &str, kind| streamwerk_scene::Source {
        id: id.into(),
        name: String::new(),
        kind,
        audio: Default::default(),
    };
    c.sources = vec![
        colour(
            "panel",
            SourceKind::Color(ColorSettings {
                color: Rgba::opaque(r, g, b),
                width: 320,
                height: 120,
            }),
        ),
        colour(
            "sample",
            SourceKind::Text(TextSettings {
                text: "Aa Bb".into(),
                font: Some(path.to_path_buf()),
                size: 80.0,
                color: Rgba::WHITE,
                bold: false,
                align: Default::default(),
                wrap_width: None,
                outline: None,
                background: None,
            }),
        ),
    ];
    let layer = |source: &str, x: f32, y: f32| Layer {
        source: source.into(),
        transform: Transform {
            x,
            y,
            ..Default::default()
        },
        visible: true,
        locked: false,
    };
    c.scenes = vec![Scene {
        name: "picture".into(),
        layers: vec![layer("panel", 0.0, 0.0), layer("sample", 12.0, 8.0)],
        layouts: Default::default(),
        transition: None,
    }];
    streamwerk_engine::render_frame(&c, "picture", 0.0).map_err(|e| e.to_string())
}

/// What guest slot `slot`'s camera shows now, on air or waiting in the lobby (the host sees
/// who is waiting before letting them on).
fn guest_image(c: &Collection, slot: &str) -> Result<Image, String> {
    let known = c
        .sources
        .iter()
        .any(|s| matches!(&s.kind, SourceKind::Guest(g) if g.slot == slot));
    if !known {
        return Err(format!("no guest source has the slot `{slot}`"));
    }
    let mut picture = PictureBuf::Rgba(Image::new(0, 0));
    if streamwerk_media::feeds::feed(slot).take_latest(0, &mut picture) == 0 {
        return Err(format!("no picture from `{slot}` yet"));
    }
    match picture {
        PictureBuf::Rgba(image) => Ok(image),
        PictureBuf::Yuv(p) => rgba_of(&p),
    }
}

/// A BT.709 limited-range picture (the canvas's, a guest's) as RGBA.
pub(crate) fn rgba_of(p: &I420) -> Result<Image, String> {
    let mut image = Image::new(p.width, p.height);
    let planes = YuvPlanarImage {
        y_plane: &p.y,
        y_stride: p.width,
        u_plane: &p.u,
        u_stride: p.width / 2,
        v_plane: &p.v,
        v_stride: p.width / 2,
        width: p.width,
        height: p.height,
    };
    yuv420_to_rgba(
        &planes,
        &mut image.data,
        p.width * 4,
        YuvRange::Limited,
        YuvStandardMatrix::Bt709,
    )
    .map_err(|e| e.to_string())?;
    Ok(image)
}

/// `image` scaled to fit `most` and encoded as a JPEG `data:` URL, with its size.
fn jpeg_url(image: &Image, most: u32) -> Result<(String, u32, u32), String> {
    let rgba = image::RgbaImage::from_raw(image.width, image.height, image.data.clone())
        .ok_or("a rendered picture of the wrong size")?;
    let side = image.width.max(image.height);
    let fit = |v: u32| ((v as u64 * most as u64 / side as u64) as u32).max(1);
    let small = if side > most {
        image::imageops::resize(
            &rgba,
            fit(image.width),
            fit(image.height),
            image::imageops::FilterType::Triangle,
        )
    } else {
        rgba
    };
    let (width, height) = small.dimensions();
    let jpeg = turbojpeg::compress(
        turbojpeg::Image {
            pixels: small.as_raw().as_slice(),
            width: width as usize,
            pitch: width as usize * 4,
            height: height as usize,
            format: turbojpeg::PixelFormat::RGBA,
        },
        QUALITY,
        turbojpeg::Subsamp::Sub2x2,
    )
    .map_err(|e| format!("the picture was not encoded: {e}"))?;
    let data = base64::engine::general_purpose::STANDARD.encode(&jpeg[..]);
    Ok((format!("data:image/jpeg;base64,{data}"), width, height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_fits_the_side_and_keeps_its_shape() {
        let image = Image {
            width: 1280,
            height: 720,
            data: vec![200; 1280 * 720 * 4],
        };
        let (url, w, h) = jpeg_url(&image, SIDE).unwrap();
        assert_eq!((w, h), (320, 180));
        assert!(
            url.starts_with("data:image/jpeg;base64,/9j/"),
            "{}",
            &url[..40]
        );
    }
}
