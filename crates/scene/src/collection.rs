use crate::AudioMix;
use crate::Rgba;
use crate::Transition;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A scene collection: one canvas, the sources it can show, and the scenes that arrange them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Collection {
    pub schema_version: u32,
    pub name: String,
    pub canvas: Canvas,
    #[serde(default)]
    pub sources: Vec<Source>,
    pub scenes: Vec<Scene>,
    /// Canvases besides the first (`main`, which is `canvas`), such as a vertical one: the same
    /// scenes and sources, each scene arranged again for them in its `layouts`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub canvases: Vec<NamedCanvas>,
    /// The scene a panic cuts to (a "be right back" card): one that is always fine to show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safe_scene: Option<String>,
    /// How a scene switch changes program, unless the scene switched to has its own.
    #[serde(default, skip_serializing_if = "Transition::is_cut")]
    pub transition: Transition,
    #[serde(default)]
    pub audio: AudioSettings,
    /// The brand kit (`*.brand.json`) whose colours, fonts and logos sources name as
    /// `brand:NAME`; relative to the collection file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<PathBuf>,
    /// The kit as loaded and where the collection named it: the values above are resolved,
    /// and written back as references on save. Not saved itself.
    #[serde(skip)]
    #[ts(skip)]
    pub branding: Option<crate::Branding>,
    /// Folder that relative asset paths resolve against (the file's folder); not saved.
    #[serde(skip)]
    pub base_dir: PathBuf,
}

impl Collection {
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    pub fn scene(&self, name: &str) -> Option<&Scene> {
        self.scenes.iter().find(|s| s.name == name)
    }

    /// The names of every canvas, `main` first.
    pub fn canvas_names(&self) -> Vec<&str> {
        std::iter::once(MAIN_CANVAS)
            .chain(self.canvases.iter().map(|c| c.name.as_str()))
            .collect()
    }

    /// Every canvas as (name, width, height), `main` first: the order the engine numbers them.
    pub fn canvas_sizes(&self) -> Vec<(String, u32, u32)> {
        std::iter::once((
            MAIN_CANVAS.to_string(),
            self.canvas.width,
            self.canvas.height,
        ))
        .chain(
            self.canvases
                .iter()
                .map(|c| (c.name.clone(), c.width, c.height)),
        )
        .collect()
    }

    /// The collection as canvas `name` sees it: that canvas's size, and each scene's layout
    /// for it as the scene's layers, so everything that composes the main canvas composes it.
    pub fn for_canvas(&self, name: &str) -> Option<Collection> {
        if name == MAIN_CANVAS {
            return Some(self.clone());
        }
        let extra = self.canvases.iter().find(|c| c.name == name)?;
        let mut view = self.clone();
        view.canvas = Canvas {
            width: extra.width,
            height: extra.height,
            fps: self.canvas.fps,
        };
        for scene in &mut view.scenes {
            scene.layers = scene.layers_on(name).to_vec();
        }
        Some(view)
    }

    /// The transition a switch to `scene` uses: the scene's override, else the collection's.
    pub fn transition_to(&self, scene: &str) -> &Transition {
        self.scene(scene)
            .and_then(|s| s.transition.as_ref())
            .unwrap_or(&self.transition)
    }

    /// Changes the canvas size and scales the layout with it, as when a 720p show is produced
    /// at 1080p: positions and explicit layer sizes, text sizes, colour boxes and explicit
    /// test-pattern sizes. A layer with no explicit size over an image, camera or media file keeps
    /// its source's pixel size, which this document does not know.
    pub fn rescale_canvas(&mut self, width: u32, height: u32) {
        let sx = width as f32 / self.canvas.width as f32;
        let sy = height as f32 / self.canvas.height as f32;
        let s = sx.min(sy);
        self.canvas.width = width;
        self.canvas.height = height;
        let px = |v: u32, f: f32| ((v as f32 * f).round() as u32).max(1);
        for source in &mut self.sources {
            match &mut source.kind {
                SourceKind::TestPattern(t) => {
                    t.width = t.width.map(|w| px(w, sx));
                    t.height = t.height.map(|h| px(h, sy));
                }
                SourceKind::Color(c) => {
                    c.width = px(c.width, sx);
                    c.height = px(c.height, sy);
                }
                SourceKind::Template(t) => {
                    t.width = px(t.width, sx);
                    t.height = px(t.height, sy);
                }
                SourceKind::Text(t) => {
                    t.size *= s;
                    t.wrap_width = t.wrap_width.map(|w| w * sx);
                    if let Some(o) = &mut t.outline {
                        o.width *= s;
                    }
                    if let Some(b) = &mut t.background {
                        b.padding *= s;
                    }
                }
                _ => {}
            }
        }
        for scene in &mut self.scenes {
            for layer in &mut scene.layers {
                let t = &mut layer.transform;
                t.x *= sx;
                t.y *= sy;
                t.width = t.width.map(|w| w * sx);
                t.height = t.height.map(|h| h * sy);
            }
        }
    }

    /// Makes every asset path absolute, so the collection can be saved in another folder.
    pub fn make_paths_absolute(&mut self) {
        let base = self.base_dir.clone();
        let absolute = |path: &mut PathBuf| {
            if !path.is_absolute() && crate::network_address(path).is_none() {
                *path = base.join(&*path);
            }
        };
        if let Some(kit) = &mut self.brand {
            absolute(kit);
        }
        for source in &mut self.sources {
            match &mut source.kind {
                SourceKind::Image(s) => absolute(&mut s.path),
                SourceKind::MediaFile(s) => absolute(&mut s.path),
                SourceKind::Text(s) => s.font.iter_mut().for_each(absolute),
                SourceKind::Template(s) => {
                    s.font.iter_mut().chain(&mut s.body_font).for_each(absolute)
                }
                _ => {}
            }
        }
    }

    /// An asset path as written in the document, made absolute against the collection's folder.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() || crate::network_address(path).is_some() {
            path.to_path_buf()
        } else {
            self.base_dir.join(path)
        }
    }
}

/// The name of the first canvas, the collection's `canvas`.
pub const MAIN_CANVAS: &str = "main";

/// A canvas besides the main one; it runs at the main canvas's frame rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NamedCanvas {
    pub name: String,
    pub width: u32,
    pub height: u32,
}

/// The output picture: every scene is composed at this size and rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    pub fps: u32,
}

/// A source as the user named and configured it; layers refer to it by `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Source {
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(flatten)]
    pub kind: SourceKind,
    /// How it sounds in the mix; only sources with sound use it.
    #[serde(default, skip_serializing_if = "AudioMix::is_default")]
    pub audio: AudioMix,
}

impl Source {
    /// Same device, file or generator with the same settings: a running source can stay
    /// open across an edit that changed only its name or its mix.
    pub fn same_media(&self, other: &Source) -> bool {
        self.id == other.id && self.kind == other.kind
    }
}

/// What a source is, with the settings of that kind. Written as
/// `"kind": "text", "settings": { ... }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", content = "settings", rename_all = "snake_case")]
pub enum SourceKind {
    TestPattern(TestPatternSettings),
    Color(ColorSettings),
    Image(ImageSettings),
    Text(TextSettings),
    Tone(ToneSettings),
    Camera(CameraSettings),
    Microphone(MicrophoneSettings),
    MediaFile(MediaFileSettings),
    /// Boxed: its settings are several times the size of the other kinds'.
    Template(Box<TemplateSettings>),
    /// A remote guest who joins from a browser link: their camera, or a card with their name
    /// while they are not in the studio.
    Guest(GuestSettings),
}

impl SourceKind {
    /// The kind's name as written in documents.
    pub fn name(&self) -> &'static str {
        match self {
            SourceKind::TestPattern(_) => "test_pattern",
            SourceKind::Color(_) => "color",
            SourceKind::Image(_) => "image",
            SourceKind::Text(_) => "text",
            SourceKind::Tone(_) => "tone",
            SourceKind::Camera(_) => "camera",
            SourceKind::Microphone(_) => "microphone",
            SourceKind::MediaFile(_) => "media_file",
            SourceKind::Template(_) => "template",
            SourceKind::Guest(_) => "guest",
        }
    }

    pub fn has_video(&self) -> bool {
        !matches!(self, SourceKind::Tone(_) | SourceKind::Microphone(_))
    }

    pub fn has_audio(&self) -> bool {
        matches!(
            self,
            SourceKind::Tone(_)
                | SourceKind::Microphone(_)
                | SourceKind::MediaFile(_)
                | SourceKind::Guest(_)
        )
    }
}

/// Moving bars with a burned-in frame counter and timecode, so dropped or repeated frames show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TestPatternSettings {
    /// Defaults to the canvas size.
    #[serde(default)]
    pub width: Option<u32>,
    #[serde(default)]
    pub height: Option<u32>,
    /// Turn the whole frame white on each whole second (pairs with a tone's `beep_each_second`).
    #[serde(default)]
    pub flash_each_second: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ColorSettings {
    pub color: Rgba,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ImageSettings {
    /// PNG, JPEG, GIF (first frame) or WebP; relative to the collection file.
    pub path: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Outline {
    pub width: f32,
    pub color: Rgba,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TextBackground {
    pub color: Rgba,
    #[serde(default)]
    pub padding: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TextSettings {
    pub text: String,
    /// A font file (TTF/OTF); defaults to the bundled font.
    #[serde(default)]
    pub font: Option<PathBuf>,
    /// Font size in canvas pixels.
    pub size: f32,
    #[serde(default = "white")]
    pub color: Rgba,
    #[serde(default)]
    pub bold: bool,
    #[serde(default)]
    pub align: Align,
    /// Wrap lines at this width in pixels; no wrapping when absent.
    #[serde(default)]
    pub wrap_width: Option<f32>,
    #[serde(default)]
    pub outline: Option<Outline>,
    #[serde(default)]
    pub background: Option<TextBackground>,
}

fn white() -> Rgba {
    Rgba::WHITE
}

/// A sine generator; with `beep_each_second` it sounds for 50 ms at each whole second only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ToneSettings {
    #[serde(default = "default_frequency")]
    pub frequency_hz: f32,
    #[serde(default = "default_level")]
    pub level_dbfs: f32,
    #[serde(default)]
    pub beep_each_second: bool,
}

fn default_frequency() -> f32 {
    1000.0
}
fn default_level() -> f32 {
    -20.0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CameraSettings {
    /// Device name or index; the first camera when absent.
    #[serde(default)]
    pub device: Option<String>,
    #[serde(default)]
    pub width: Option<u32>,
    #[serde(default)]
    pub height: Option<u32>,
    #[serde(default)]
    pub fps: Option<u32>,
    /// What the camera should send; any it offers when absent.
    #[serde(default)]
    pub format: Option<CameraFormat>,
}

/// Pixel formats a camera can be asked for (all are decoded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum CameraFormat {
    /// Compressed: the highest resolutions and rates over USB 2.
    Mjpeg,
    Yuyv,
    Nv12,
}

/// A guest's place in the show: `slot` names their invite link (letters, digits, - and _),
/// `name` is what the card and the host see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct GuestSettings {
    pub slot: String,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct MicrophoneSettings {
    /// Device name; the default input when absent.
    #[serde(default)]
    pub device: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct MediaFileSettings {
    /// A video or audio file FFmpeg reads (MP4, MKV, MOV, WebM, MP3, WAV...); relative to the
    /// collection file.
    pub path: PathBuf,
    /// Start again from `start_s` at the end.
    #[serde(default)]
    pub looping: bool,
    /// Where playback starts, in seconds into the file.
    #[serde(default)]
    pub start_s: f64,
}

/// Broadcast graphics drawn from a few fields and styled from the brand kit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum TemplateKind {
    /// A name and a title in a bar, lower left.
    LowerThird,
    /// A title and subtitle centred on a full-canvas card.
    TitleCard,
    /// A message scrolling right to left in a band.
    Ticker,
    /// A full-canvas holding card: "Starting soon", "Be right back", "Thanks for watching".
    Slate,
    /// A banner with a call to action and, given a link, its QR code.
    CallToAction,
}

impl TemplateKind {
    /// Whether showing and hiding it plays its animation (cards and slates cut, as scenes do).
    pub fn animates(self) -> bool {
        matches!(
            self,
            TemplateKind::LowerThird | TemplateKind::CallToAction | TemplateKind::Ticker
        )
    }
}

/// How a template enters when its layer is shown and leaves when hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum AnimationStyle {
    None,
    /// Wipes in from its left edge and out the same way.
    #[default]
    Slide,
    Fade,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Animation {
    #[serde(default)]
    pub style: AnimationStyle,
    #[serde(default = "default_animation_ms")]
    pub ms: u32,
}

impl Default for Animation {
    fn default() -> Self {
        Animation {
            style: AnimationStyle::Slide,
            ms: default_animation_ms(),
        }
    }
}

fn default_animation_ms() -> u32 {
    400
}

/// The longest animation: a lower third that takes longer to arrive is missed.
pub const MAX_ANIMATION_MS: u32 = 5_000;

/// A graphics template: its fields (what an operator types during the show) and its style
/// (what the brand kit sets, usually as `brand:NAME` references).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TemplateSettings {
    pub template: TemplateKind,
    /// The main line: a guest's name, a card's or slate's title, the ticker's message, the call
    /// to action.
    pub title: String,
    /// The second line: a guest's title, a card's subtitle; none when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subtitle: String,
    /// A call to action's link, drawn as a QR code beside its text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The graphic's size in canvas pixels; text sizes follow the height.
    pub width: u32,
    pub height: u32,
    #[serde(default = "default_template_background")]
    pub background: Rgba,
    #[serde(default = "default_template_accent")]
    pub accent: Rgba,
    #[serde(default = "white")]
    pub text_color: Rgba,
    /// The main line's font (TTF/OTF); the bundled bold face when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font: Option<PathBuf>,
    /// The second line's font; the bundled face when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_font: Option<PathBuf>,
    #[serde(default)]
    pub animation: Animation,
    /// Hides itself (with its animation) this long after being shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hide_after_s: Option<f32>,
    /// A ticker's speed in pixels per second, rounded to a whole number of pixels per frame
    /// so the text moves evenly.
    #[serde(default = "default_ticker_speed")]
    pub speed: f32,
}

impl TemplateSettings {
    /// A template with its fields and size and every style at its default.
    pub fn new(template: TemplateKind, title: &str, width: u32, height: u32) -> Self {
        TemplateSettings {
            template,
            title: title.into(),
            subtitle: String::new(),
            url: None,
            width,
            height,
            background: default_template_background(),
            accent: default_template_accent(),
            text_color: white(),
            font: None,
            body_font: None,
            animation: Animation::default(),
            hide_after_s: None,
            speed: default_ticker_speed(),
        }
    }
}

fn default_template_background() -> Rgba {
    Rgba {
        r: 0x11,
        g: 0x18,
        b: 0x27,
        a: 0xE6,
    }
}
fn default_template_accent() -> Rgba {
    Rgba::opaque(0xF5, 0x9E, 0x0B)
}
fn default_ticker_speed() -> f32 {
    120.0
}

/// An ordered list of layers, bottom first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    pub name: String,
    /// The layers on the main canvas, bottom first.
    #[serde(default)]
    pub layers: Vec<Layer>,
    /// The same layers arranged for each extra canvas, by canvas name: their own transform,
    /// visibility and order. A layer missing from a layout is not shown on that canvas.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub layouts: std::collections::BTreeMap<String, Vec<Layer>>,
    /// Used instead of the collection's transition when switching to this scene.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transition: Option<Transition>,
}

impl Scene {
    /// The layers as canvas `canvas` shows them (none for a canvas without a layout).
    pub fn layers_on(&self, canvas: &str) -> &[Layer] {
        if canvas == MAIN_CANVAS {
            &self.layers
        } else {
            self.layouts.get(canvas).map_or(&[], Vec::as_slice)
        }
    }
}

/// One placement of a source in a scene.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    pub source: String,
    #[serde(default)]
    pub transform: Transform,
    #[serde(default = "yes")]
    pub visible: bool,
    #[serde(default)]
    pub locked: bool,
}

fn yes() -> bool {
    true
}

/// Where and how a layer's source lands on the canvas. Crop is applied first (source pixels),
/// then, with `fit: cover`, as much more as makes the picture the box's shape, trimmed evenly
/// from both sides; the cropped picture is scaled to `width` x `height` (its own size when absent), rotated
/// by `rotation` degrees clockwise about its centre, and placed with its top-left at `x`, `y`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Transform {
    #[serde(default)]
    pub x: f32,
    #[serde(default)]
    pub y: f32,
    #[serde(default)]
    pub width: Option<f32>,
    #[serde(default)]
    pub height: Option<f32>,
    #[serde(default)]
    pub crop: Crop,
    #[serde(default)]
    pub rotation: f32,
    #[serde(default = "one")]
    pub opacity: f32,
    #[serde(default, skip_serializing_if = "Fit::is_stretch")]
    pub fit: Fit,
}

/// How a picture takes a `width` x `height` box of another shape than its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Fit {
    /// Stretched to the box, as OBS does a sized item.
    #[default]
    Stretch,
    /// Scaled to cover the box, the overflow cropped evenly: a 16:9 camera in a tall box
    /// keeps its proportions (OBS's "scale to outer bounds" cropped to its bounds).
    Cover,
}

impl Fit {
    fn is_stretch(&self) -> bool {
        *self == Fit::Stretch
    }
}

fn one() -> f32 {
    1.0
}

impl Default for Transform {
    fn default() -> Self {
        Transform {
            x: 0.0,
            y: 0.0,
            width: None,
            height: None,
            crop: Crop::default(),
            rotation: 0.0,
            opacity: 1.0,
            fit: Fit::Stretch,
        }
    }
}

/// Pixels cut from each edge of the source before scaling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Crop {
    #[serde(default)]
    pub left: u32,
    #[serde(default)]
    pub top: u32,
    #[serde(default)]
    pub right: u32,
    #[serde(default)]
    pub bottom: u32,
}

/// The audio format of the mix; the engine runs at 48 kHz stereo, which every platform takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AudioSettings {
    #[serde(default = "default_rate")]
    pub sample_rate: u32,
    #[serde(default = "default_channels")]
    pub channels: u16,
}

fn default_rate() -> u32 {
    48_000
}
fn default_channels() -> u16 {
    2
}

impl Default for AudioSettings {
    fn default() -> Self {
        AudioSettings {
            sample_rate: default_rate(),
            channels: default_channels(),
        }
    }
}
