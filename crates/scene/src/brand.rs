//! Brand kits: named colours, fonts and logos in a `*.brand.json` beside its assets, which a
//! collection's sources name as `brand:NAME`. References are resolved when a collection is
//! read, so the engine only ever sees plain values, and written back when it is saved, so
//! changing a kit value restyles every source that names it.

use crate::{LoadError, Problem, Rgba, TemplateKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How a value names a kit entry: `"color": "brand:primary"`.
pub const BRAND_PREFIX: &str = "brand:";
/// The schema version this build reads and writes for brand kits.
pub const BRAND_SCHEMA_VERSION: u32 = 1;

/// A brand kit document. Font and logo paths are relative to the kit's file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BrandKit {
    pub schema_version: u32,
    pub name: String,
    #[serde(default)]
    pub colors: BTreeMap<String, Rgba>,
    /// TTF/OTF files by name.
    #[serde(default)]
    pub fonts: BTreeMap<String, PathBuf>,
    /// Pictures (PNG, SVG, WebP, JPEG) by name.
    #[serde(default)]
    pub logos: BTreeMap<String, PathBuf>,
    #[serde(default)]
    pub defaults: BrandDefaults,
    /// Branded layers keep their place and style in every scene; their fields stay editable.
    #[serde(default)]
    pub locked: bool,
}

/// What a new template is styled with: names of the kit's own entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields, default)]
pub struct BrandDefaults {
    pub background: String,
    pub accent: String,
    pub text: String,
    pub headline_font: Option<String>,
    pub body_font: Option<String>,
    pub animation: crate::Animation,
    /// Lower thirds hide themselves this long after being shown; never when absent.
    pub hide_after_s: Option<f32>,
    /// The share of the canvas's width and height kept clear at each edge (0.05 is the
    /// broadcast action-safe area).
    pub safe_margin: f32,
}

impl Default for BrandDefaults {
    fn default() -> Self {
        BrandDefaults {
            background: "primary".into(),
            accent: "accent".into(),
            text: "text".into(),
            headline_font: None,
            body_font: None,
            animation: Default::default(),
            hide_after_s: None,
            safe_margin: 0.05,
        }
    }
}

/// A collection's kit: the kit as read, its file, and every value resolved from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Branding {
    pub kit: BrandKit,
    /// The kit's file, absolute; its fonts and logos are relative to its folder.
    pub path: PathBuf,
    pub refs: Vec<BrandRef>,
}

/// One `brand:NAME` in a source's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct BrandRef {
    pub source: String,
    /// A JSON pointer into the source's `settings`, such as `/outline/color`.
    pub field: String,
    pub name: String,
}

/// What a reference names, told by the field it is in.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Entry {
    Color,
    Font,
    Logo,
}

impl Entry {
    fn of(field: &str) -> Entry {
        match field.rsplit('/').next().unwrap_or_default() {
            "font" | "body_font" => Entry::Font,
            "path" => Entry::Logo,
            _ => Entry::Color,
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Entry::Color => "colors",
            Entry::Font => "fonts",
            Entry::Logo => "logos",
        }
    }
}

impl Branding {
    /// Whether a source's look comes from the kit: it names a kit entry or is a template.
    pub fn brands(&self, source: &crate::Source) -> bool {
        matches!(source.kind, crate::SourceKind::Template(_))
            || self.refs.iter().any(|r| r.source == source.id)
    }

    /// The plain value `name` stands for in a field of kind `entry`.
    fn value(&self, entry: Entry, name: &str) -> Option<Value> {
        let folder = self.path.parent().unwrap_or(Path::new("."));
        let file = |p: &PathBuf| Value::String(folder.join(p).display().to_string());
        match entry {
            Entry::Color => self
                .kit
                .colors
                .get(name)
                .map(|c| Value::String(c.to_string())),
            Entry::Font => self.kit.fonts.get(name).map(file),
            Entry::Logo => self.kit.logos.get(name).map(file),
        }
    }

    /// Replaces every `brand:NAME` in the sources of `doc` (a collection as JSON) with the
    /// kit's value and records where each was.
    pub(crate) fn resolve(&mut self, doc: &mut Value) -> Vec<Problem> {
        self.refs.clear();
        let mut problems = Vec::new();
        let Some(sources) = doc.get_mut("sources").and_then(Value::as_array_mut) else {
            return problems;
        };
        for (i, source) in sources.iter_mut().enumerate() {
            let id = source["id"].as_str().unwrap_or_default().to_string();
            let mut found = Vec::new();
            references(&source["settings"], String::new(), &mut found);
            for (field, name) in found {
                let entry = Entry::of(&field);
                match self.value(entry, &name) {
                    Some(value) => {
                        if let Some(slot) = source["settings"].pointer_mut(&field) {
                            *slot = value;
                        }
                        self.refs.push(BrandRef {
                            source: id.clone(),
                            field,
                            name,
                        });
                    }
                    None => problems.push(Problem {
                        path: format!("sources[{i}].settings{}", field.replace('/', ".")),
                        message: format!(
                            "`{BRAND_PREFIX}{name}` is not among the {} of brand kit `{}`",
                            entry.plural(),
                            self.kit.name
                        ),
                        fix: format!("name one of: {}", self.names(entry)),
                    }),
                }
            }
        }
        problems
    }

    fn names(&self, entry: Entry) -> String {
        let keys: Vec<&str> = match entry {
            Entry::Color => self.kit.colors.keys().map(String::as_str).collect(),
            Entry::Font => self.kit.fonts.keys().map(String::as_str).collect(),
            Entry::Logo => self.kit.logos.keys().map(String::as_str).collect(),
        };
        if keys.is_empty() {
            format!(
                "(the kit has no {}; add one on the Brand page)",
                entry.plural()
            )
        } else {
            keys.join(", ")
        }
    }

    /// Puts `brand:NAME` back wherever `doc` still holds the kit's value; a value edited
    /// since (a colour picked by hand) stays as written.
    pub(crate) fn restore(&self, doc: &mut Value) {
        let Some(sources) = doc.get_mut("sources").and_then(Value::as_array_mut) else {
            return;
        };
        for r in &self.refs {
            let Some(source) = sources.iter_mut().find(|s| s["id"] == r.source.as_str()) else {
                continue;
            };
            let value = self.value(Entry::of(&r.field), &r.name);
            if let (Some(slot), Some(value)) = (source["settings"].pointer_mut(&r.field), value) {
                if *slot == value {
                    *slot = Value::String(format!("{BRAND_PREFIX}{}", r.name));
                }
            }
        }
    }

    /// The style fields a new template gets: references to the kit's defaults.
    pub fn template_style(&self) -> BTreeMap<&'static str, String> {
        let d = &self.kit.defaults;
        let mut style = BTreeMap::new();
        style.insert("background", format!("{BRAND_PREFIX}{}", d.background));
        style.insert("accent", format!("{BRAND_PREFIX}{}", d.accent));
        style.insert("text_color", format!("{BRAND_PREFIX}{}", d.text));
        if let Some(f) = &d.headline_font {
            style.insert("font", format!("{BRAND_PREFIX}{f}"));
        }
        if let Some(f) = &d.body_font {
            style.insert("body_font", format!("{BRAND_PREFIX}{f}"));
        }
        style
    }
}

/// Every `brand:NAME` string under `value`, as (JSON pointer, name).
fn references(value: &Value, at: String, found: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) => {
            if let Some(name) = s.strip_prefix(BRAND_PREFIX) {
                found.push((at, name.to_string()));
            }
        }
        Value::Object(map) => {
            for (key, v) in map {
                references(v, format!("{at}/{key}"), found);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                references(v, format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

/// Whether `doc` (a collection as JSON) names any kit entry.
pub(crate) fn has_references(doc: &Value) -> bool {
    let mut found = Vec::new();
    references(&doc["sources"], String::new(), &mut found);
    !found.is_empty()
}

/// Reads and checks a brand kit; its paths stay relative to its file.
pub fn load_brand(path: &Path) -> Result<BrandKit, LoadError> {
    let kit: BrandKit = crate::parse_json(&crate::read(path)?, path)?;
    let problems = check_brand(&kit, path.parent().unwrap_or(Path::new(".")));
    crate::verdict(kit, problems, path)
}

/// Every problem with a kit whose files are relative to `folder`.
pub fn check_brand(kit: &BrandKit, folder: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut add = |path: String, message: String, fix: &str| {
        problems.push(Problem {
            path,
            message,
            fix: fix.into(),
        })
    };
    if kit.schema_version != BRAND_SCHEMA_VERSION {
        add(
            "schema_version".into(),
            format!(
                "unsupported schema version {}; this build reads version {BRAND_SCHEMA_VERSION}",
                kit.schema_version
            ),
            "open it with the Streamwerk version that wrote it",
        );
    }
    if kit.name.trim().is_empty() {
        add("name".into(), "is empty".into(), "name the kit");
    }
    let names = kit
        .colors
        .keys()
        .map(|k| ("colors", k))
        .chain(kit.fonts.keys().map(|k| ("fonts", k)))
        .chain(kit.logos.keys().map(|k| ("logos", k)));
    for (group, name) in names {
        let fine = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !fine {
            add(
                format!("{group}.{name}"),
                format!("`{name}` is not a usable name"),
                "use letters, digits, - and _ only",
            );
        }
    }
    for (group, files) in [("fonts", &kit.fonts), ("logos", &kit.logos)] {
        for (name, file) in files {
            if !folder.join(file).is_file() {
                add(
                    format!("{group}.{name}"),
                    format!("file not found: {}", folder.join(file).display()),
                    "put the file there or correct the path (relative to the kit's file)",
                );
            }
        }
    }
    let d = &kit.defaults;
    for (field, name) in [
        ("background", &d.background),
        ("accent", &d.accent),
        ("text", &d.text),
    ] {
        if !kit.colors.contains_key(name) {
            add(
                format!("defaults.{field}"),
                format!("names colour `{name}`, which is not in `colors`"),
                "name one of the kit's colours",
            );
        }
    }
    for (field, name) in [
        ("headline_font", &d.headline_font),
        ("body_font", &d.body_font),
    ] {
        if let Some(name) = name.as_ref().filter(|n| !kit.fonts.contains_key(*n)) {
            add(
                format!("defaults.{field}"),
                format!("names font `{name}`, which is not in `fonts`"),
                "name one of the kit's fonts, or remove the field",
            );
        }
    }
    if !(0.0..=0.25).contains(&d.safe_margin) {
        add(
            "defaults.safe_margin".into(),
            format!("{} is out of range", d.safe_margin),
            "use 0 to 0.25 (0.05 is the broadcast action-safe area)",
        );
    }
    if d.hide_after_s.is_some_and(|s| !s.is_finite() || s <= 0.0) {
        add(
            "defaults.hide_after_s".into(),
            "must be above 0".into(),
            "set seconds, or remove the field to keep lower thirds up",
        );
    }
    if d.animation.ms > crate::MAX_ANIMATION_MS {
        add(
            "defaults.animation.ms".into(),
            format!("{} ms is too long", d.animation.ms),
            "use 0 to 5000 ms",
        );
    }
    problems
}

/// Where a template of `kind` goes on a `width`x`height` canvas and how large it is, inside
/// the kit's safe margin (and above the bottom band a vertical canvas keeps clear for the
/// platform's own buttons): lower thirds lower left, banners and tickers along the bottom,
/// cards and slates the whole canvas.
pub fn template_area(kind: TemplateKind, width: u32, height: u32, margin: f32) -> crate::Area {
    let (w, h) = (width as f32, height as f32);
    let vertical = height > width;
    let (mx, my) = ((w * margin).round(), (h * margin).round());
    let clear = if vertical {
        (h * crate::canvas_layout::VERTICAL_BOTTOM_BAND)
            .round()
            .max(my)
    } else {
        my
    };
    let inner = w - 2.0 * mx;
    let short = w.min(h);
    let (aw, ah) = match kind {
        TemplateKind::LowerThird => ((inner * 0.6).max(short * 0.6).min(inner), short * 0.16),
        TemplateKind::CallToAction => (inner, short * 0.2),
        TemplateKind::Ticker => (w, short * 0.075),
        TemplateKind::TitleCard | TemplateKind::Slate => (w, h),
    };
    let (aw, ah) = (aw.round(), ah.round());
    let (x, y) = match kind {
        TemplateKind::LowerThird | TemplateKind::CallToAction => (mx, h - clear - ah),
        // A ticker runs edge to edge at the very bottom, where a vertical canvas allows.
        TemplateKind::Ticker if vertical => (0.0, h - clear - ah),
        TemplateKind::Ticker => (0.0, h - ah),
        TemplateKind::TitleCard | TemplateKind::Slate => (0.0, 0.0),
    };
    crate::Area { x, y, w: aw, h: ah }
}
