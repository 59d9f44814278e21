//! OBS Studio scene collections read into Streamwerk collections. Scenes keep their order;
//! nested scenes and groups are flattened into the scenes that show them (Streamwerk scenes do
//! not nest), each layer placed where OBS draws it; sources map to the nearest Streamwerk kind,
//! with stand-ins for captures, web pages and files missing on this machine. Every decision is
//! in the [`Report`]. The format: ../shared/notes/obs-scene-collections.md.

mod kinds;
mod placement;
mod profile;

pub use kinds::Devices;
pub use profile::{find_profile, fit_canvas, profile_canvas, CanvasLimit};

use kinds::Mapped;
use placement::{Frame, Item};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use streamwerk_scene::{
    AudioMix, AudioSettings, Canvas, Collection, ColorSettings, Layer, Rgba, Scene, Source,
    SourceKind, Transition, COLLECTION_SCHEMA_VERSION,
};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: cannot be read: {reason}")]
    Read { file: PathBuf, reason: String },
    #[error(
        "{file}: not JSON ({reason}); give the collection OBS keeps in basic/scenes/NAME.json"
    )]
    NotJson { file: PathBuf, reason: String },
    #[error("{file}: not an OBS scene collection: {what}; give the collection OBS keeps in basic/scenes/NAME.json")]
    NotObs { file: PathBuf, what: String },
    #[error("{file}: [Video] BaseCX and BaseCY are missing or not sizes; choose the profile folder OBS keeps in basic/profiles/NAME, or none")]
    Profile { file: PathBuf },
}

/// What was mapped as is, approximated, left out, and which files were not found.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Report {
    /// Where the canvas size came from.
    pub canvas_from: String,
    pub scenes: usize,
    /// "name (kind)" of each source mapped to its Streamwerk counterpart unchanged.
    pub mapped: Vec<String>,
    /// "name (kind): what differs".
    pub approximated: Vec<String>,
    /// "name (kind): why".
    pub left_out: Vec<String>,
    /// "name: path" of each file not on this machine (a stand-in keeps its layer).
    pub missing: Vec<String>,
    /// "name: address" of each network stream, read from its address as it comes.
    pub network: Vec<String>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} scenes; canvas from {}; {} sources mapped, {} approximated, {} left out, {} files missing, {} network inputs",
            self.scenes,
            self.canvas_from,
            self.mapped.len(),
            self.approximated.len(),
            self.left_out.len(),
            self.missing.len(),
            self.network.len()
        )?;
        for (title, lines) in [
            ("mapped", &self.mapped),
            (
                "network inputs (played from their address, reconnecting when the stream drops)",
                &self.network,
            ),
            ("approximated", &self.approximated),
            ("left out", &self.left_out),
            (
                "missing files (shown as stand-ins; relink them in the studio)",
                &self.missing,
            ),
        ] {
            if !lines.is_empty() {
                writeln!(f, "{title}:")?;
                for line in lines {
                    writeln!(f, "  - {line}")?;
                }
            }
        }
        Ok(())
    }
}

/// An imported collection and its report.
pub struct Imported {
    pub collection: Collection,
    pub report: Report,
}

/// How to import.
pub struct Options<'a> {
    /// The canvas from the OBS profile ([`profile_canvas`]) and how the profile was found;
    /// else the collection's own `resolution` (OBS 30.1+), else 1920x1080.
    pub profile: Option<Profile>,
    /// The largest canvas to make: a larger OBS canvas is fitted, its layers scaled with it.
    pub limit: CanvasLimit,
    /// Where the new collection will be saved (relative paths resolve there).
    pub base_dir: PathBuf,
    pub devices: Devices<'a>,
}

/// An OBS profile's canvas, and which profile it is: its folder's name, and whether it was
/// found beside the collection rather than chosen.
pub struct Profile {
    pub name: String,
    pub size: (u32, u32),
    pub found: bool,
}

/// Picture sizes by source id: (id, width, height).
pub type SourceSizes = Vec<(String, u32, u32)>;

/// An OBS source's kind: its versioned id when it has one.
fn kind_of(source: &Value) -> &str {
    source["versioned_id"]
        .as_str()
        .filter(|k| !k.is_empty())
        .or(source["id"].as_str())
        .unwrap_or("")
}

fn is_scene(source: &Value) -> bool {
    matches!(source["id"].as_str(), Some("scene") | Some("group"))
}

/// Reads the OBS collection `text` (from `file`, for messages). `natural` gives the picture
/// size of sources by id, opening them (an image's pixels, a text's rendering); it is asked once.
pub fn import(
    text: &str,
    file: &Path,
    options: &Options,
    natural: &dyn Fn(&Collection) -> SourceSizes,
) -> Result<Imported, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc: Value = serde_json::from_str(text).map_err(|e| ImportError::NotJson {
        file: file.into(),
        reason: e.to_string(),
    })?;
    let not_obs = |what: &str| ImportError::NotObs {
        file: file.into(),
        what: what.into(),
    };
    let listed = |key: &str| doc[key].as_array().map(Vec::as_slice).unwrap_or(&[]);
    if !doc.is_object() || !doc["sources"].is_array() {
        return Err(not_obs("it has no `sources` list"));
    }
    let all: Vec<&Value> = listed("sources").iter().chain(listed("groups")).collect();
    if !all.iter().any(|s| s["id"] == "scene") {
        return Err(not_obs("it has no scenes"));
    }
    let by_name: HashMap<&str, &Value> = all
        .iter()
        .filter_map(|s| Some((s["name"].as_str()?, *s)))
        .collect();
    let by_uuid: HashMap<&str, &Value> = all
        .iter()
        .filter_map(|s| Some((s["uuid"].as_str()?, *s)))
        .collect();
    let mut report = Report::default();
    let canvas = match (
        &options.profile,
        doc["resolution"]["x"].as_u64(),
        doc["resolution"]["y"].as_u64(),
    ) {
        (Some(p), ..) => {
            let how = if p.found {
                " found beside the collection"
            } else {
                ""
            };
            let (w, h) = p.size;
            report.canvas_from = format!("the OBS profile \"{}\"{how} ({w}x{h})", p.name);
            p.size
        }
        (None, Some(w), Some(h)) if (16..=16384).contains(&w) && (16..=16384).contains(&h) => {
            report.canvas_from = format!("the collection's resolution ({w}x{h})");
            (w as u32 & !1, h as u32 & !1)
        }
        _ => {
            report.canvas_from = "OBS's default (1920x1080): no OBS profile was found beside \
                the collection; choose its profile folder (basic/profiles/NAME) for its canvas size"
                .into();
            (1920, 1080)
        }
    };

    // Scenes in OBS's list order, then any it did not list.
    let mut scene_names: Vec<&str> = listed("scene_order")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .filter(|n| by_name.get(n).is_some_and(|s| s["id"] == "scene"))
        .collect();
    for s in listed("sources").iter().filter(|s| s["id"] == "scene") {
        if let Some(name) = s["name"].as_str().filter(|n| !scene_names.contains(n)) {
            scene_names.push(name);
        }
    }

    // Every source the scenes show (through nested scenes and groups), mapped once.
    let item_source = |item: &Value| -> Option<&Value> {
        item["source_uuid"]
            .as_str()
            .and_then(|u| by_uuid.get(u))
            .or_else(|| item["name"].as_str().and_then(|n| by_name.get(n)))
            .copied()
    };
    let mut used: Vec<&Value> = Vec::new();
    let mut stack: Vec<&Value> = scene_names
        .iter()
        .filter_map(|n| by_name.get(n).copied())
        .collect();
    let mut walked: Vec<&str> = Vec::new();
    while let Some(scene) = stack.pop() {
        let name = scene["name"].as_str().unwrap_or("");
        if walked.contains(&name) {
            continue;
        }
        walked.push(name);
        for item in scene["settings"]["items"].as_array().into_iter().flatten() {
            match item_source(item) {
                Some(s) if is_scene(s) => stack.push(s),
                Some(s) if !used.iter().any(|u| std::ptr::eq(*u, s)) => used.push(s),
                _ => {}
            }
        }
    }
    // OBS's global sound sources (Settings > Audio) play whatever the scene: each becomes a
    // layer of every scene.
    let globals: Vec<&Value> = (1..=2)
        .map(|n| format!("DesktopAudioDevice{n}"))
        .chain((1..=4).map(|n| format!("AuxAudioDevice{n}")))
        .filter_map(|key| doc.get(&key))
        .filter(|s| s.is_object())
        .collect();
    let mut ids: HashMap<&str, String> = HashMap::new();
    let mut global_ids: Vec<String> = Vec::new();
    let mut sources: Vec<Source> = Vec::new();
    // Network streams: their size is unknown until they play; OBS's layout of them is read
    // as canvas-sized, as OBS shows a stream that has not started.
    let mut network: Vec<&str> = Vec::new();
    for (s, global) in used
        .iter()
        .map(|s| (*s, false))
        .chain(globals.iter().map(|s| (*s, true)))
    {
        let name = s["name"].as_str().unwrap_or("");
        let kind = kind_of(s);
        let label = if global {
            format!("\"{name}\" ({kind}, OBS global sound)")
        } else {
            format!("\"{name}\" ({kind})")
        };
        let mapped = kinds::map(kind, &s["settings"], canvas, &options.devices);
        let stand_in = |width: u32, height: u32, colour: Rgba| {
            SourceKind::Color(ColorSettings {
                color: colour,
                width: width.max(2),
                height: height.max(2),
            })
        };
        let mut display = name.to_string();
        let kind = match mapped {
            Mapped::Source { kind, note } => {
                let every = if global { "in every scene; " } else { "" };
                match note {
                    Some(note) => report.approximated.push(format!("{label}: {every}{note}")),
                    None if global => report.mapped.push(format!("{label}: in every scene")),
                    None => report.mapped.push(label.clone()),
                }
                kind
            }
            Mapped::Placeholder {
                width,
                height,
                why,
                named,
            } => {
                report
                    .approximated
                    .push(format!("{label}: a stand-in card for {why}"));
                display = named.unwrap_or(display);
                stand_in(
                    width,
                    height,
                    Rgba {
                        r: 40,
                        g: 44,
                        b: 52,
                        a: 200,
                    },
                )
            }
            Mapped::Missing {
                path,
                width,
                height,
            } => {
                report
                    .missing
                    .push(format!("\"{name}\": {}", path.display()));
                stand_in(
                    width,
                    height,
                    Rgba {
                        r: 255,
                        g: 0,
                        b: 255,
                        a: 110,
                    },
                )
            }
            Mapped::Network { url } => {
                let shown = streamwerk_scene::network_label(&url);
                report.network.push(format!("\"{name}\": {shown}"));
                network.push(name);
                SourceKind::MediaFile(streamwerk_scene::MediaFileSettings {
                    path: url.into(),
                    looping: false,
                    start_s: 0.0,
                })
            }
            Mapped::LeftOut(why) => {
                report.left_out.push(format!("{label}: {why}"));
                continue;
            }
        };
        if let Some(filters) = s["filters"].as_array().filter(|f| !f.is_empty()) {
            let names: Vec<&str> = filters.iter().map(kind_of).collect();
            report
                .approximated
                .push(format!("{label}: filters left out ({})", names.join(", ")));
        }
        let id = unique_id(name, &sources);
        if global {
            global_ids.push(id.clone());
        } else {
            ids.insert(name, id.clone());
        }
        sources.push(Source {
            id,
            name: display,
            kind,
            audio: audio_mix(s),
        });
    }

    // The sources' picture sizes, each opened once.
    let mut probe = empty_collection(&doc, canvas, &options.base_dir);
    probe.sources = sources.clone();
    probe.scenes = vec![Scene {
        name: "probe".into(),
        layers: sources
            .iter()
            .filter(|s| s.kind.has_video() && !network.iter().any(|n| ids.get(n) == Some(&s.id)))
            .map(|s| Layer {
                source: s.id.clone(),
                transform: Default::default(),
                visible: true,
                locked: false,
            })
            .collect(),
        layouts: Default::default(),
        transition: None,
    }];
    let sizes = natural(&probe);
    let size_of = |id: &str| {
        if network.iter().any(|n| ids.get(n).is_some_and(|i| i == id)) {
            return Some(canvas);
        }
        sizes
            .iter()
            .find(|(s, ..)| s == id)
            .map(|&(_, w, h)| (w, h))
    };

    let mut walker = Walker {
        item_source: &item_source,
        ids: &ids,
        sources: &sources,
        size_of: &size_of,
        canvas,
        report,
    };
    let mut scenes = Vec::new();
    for name in &scene_names {
        let scene = by_name[name];
        let mut layers = Vec::new();
        let mut path = vec![name.to_string()];
        walker.walk(scene, Frame::CANVAS, Inherited::TOP, &mut path, &mut layers);
        layers.extend(global_ids.iter().map(|id| Layer {
            source: id.clone(),
            transform: Default::default(),
            visible: true,
            locked: false,
        }));
        scenes.push(Scene {
            name: name.to_string(),
            layers,
            layouts: Default::default(),
            transition: None,
        });
    }
    let mut report = walker.report;
    report.scenes = scenes.len();
    let mut collection = empty_collection(&doc, canvas, &options.base_dir);
    collection.sources = sources;
    collection.scenes = scenes;
    collection.transition = transition(&doc, &mut report);
    // Placed on OBS's canvas, then scaled as a whole onto one Streamwerk can make.
    let ((w, h), scale) = fit_canvas(canvas, options.limit);
    if scale < 1.0 {
        collection.rescale_canvas(w, h);
        let why = match options.limit {
            CanvasLimit::Largest => "Streamwerk's largest canvas at the same shape",
            CanvasLimit::Hd1080 => "1080p at the same shape, as asked",
        };
        report.canvas_from +=
            &format!("; fitted to {w}x{h} ({why}), every layer scaled by {scale:.3}");
    }
    Ok(Imported { collection, report })
}

/// Walks scenes' items into layers, noting what it approximates.
struct Walker<'a> {
    item_source: &'a dyn Fn(&Value) -> Option<&'a Value>,
    ids: &'a HashMap<&'a str, String>,
    sources: &'a [Source],
    size_of: &'a dyn Fn(&str) -> Option<(u32, u32)>,
    canvas: (u32, u32),
    report: Report,
}

/// What a nested scene's or group's item passes on to the layers inside it.
#[derive(Clone, Copy)]
struct Inherited {
    visible: bool,
    locked: bool,
}

impl Inherited {
    const TOP: Inherited = Inherited {
        visible: true,
        locked: false,
    };
}

impl Walker<'_> {
    /// Adds `scene`'s items, bottom first, placed through `frame`; nested scenes and groups
    /// flattened in their place. `path` holds the scenes being walked (the top one first), to
    /// stop a cycle.
    fn walk(
        &mut self,
        scene: &Value,
        frame: Frame,
        from: Inherited,
        path: &mut Vec<String>,
        layers: &mut Vec<Layer>,
    ) {
        let top = path[0].clone();
        for item in scene["settings"]["items"].as_array().into_iter().flatten() {
            // OBS writes a group's children again, pre-transformed, for OBS before 22.
            if item["group_item_backup"].as_bool().unwrap_or(false) {
                continue;
            }
            let Some(source) = (self.item_source)(item) else {
                continue;
            };
            let name = source["name"].as_str().unwrap_or("");
            let placed = Item::read(item);
            let inherited = Inherited {
                visible: from.visible && item["visible"].as_bool().unwrap_or(true),
                locked: from.locked || item["locked"].as_bool().unwrap_or(false),
            };
            if is_scene(source) {
                if path.iter().any(|p| p == name) {
                    continue;
                }
                let s = &source["settings"];
                let size = if s["custom_size"].as_bool().unwrap_or(false) {
                    (
                        s["cx"].as_u64().unwrap_or(self.canvas.0 as u64) as u32,
                        s["cy"].as_u64().unwrap_or(self.canvas.1 as u64) as u32,
                    )
                } else {
                    self.canvas
                };
                if placed.crop != Default::default() {
                    self.report.approximated.push(format!(
                        "\"{name}\" in \"{top}\": the nested scene's crop moves its layers but does not clip them"
                    ));
                }
                path.push(name.to_string());
                let inner = frame.inside(&placed, size);
                self.walk(source, inner, inherited, path, layers);
                path.pop();
                continue;
            }
            let Some(id) = self.ids.get(name) else {
                continue; // left out, reported with its source
            };
            if layers.iter().any(|l: &Layer| &l.source == id) {
                self.report.approximated.push(format!(
                    "\"{name}\" is shown twice in \"{top}\": kept the lower one (a scene places a source once)"
                ));
                continue;
            }
            let natural = match (self.size_of)(id) {
                Some(size) => size,
                None => {
                    let has_video = self
                        .sources
                        .iter()
                        .any(|s| &s.id == id && s.kind.has_video());
                    if has_video {
                        self.report.approximated.push(format!(
                            "\"{name}\" in \"{top}\": its picture size is unknown; placed at 1x1"
                        ));
                    }
                    (1, 1)
                }
            };
            let (mut transform, flipped) = frame.transform(&placed, natural);
            let mut visible = inherited.visible;
            let tiny = |v: Option<f32>| v.is_none_or(|v| v < 1.0);
            if tiny(transform.width) || tiny(transform.height) {
                // Scaled to nothing in OBS, so never seen: kept, hidden, at one pixel.
                transform.width = transform.width.map(|v| v.max(1.0));
                transform.height = transform.height.map(|v| v.max(1.0));
                visible = false;
                self.report.approximated.push(format!(
                    "\"{name}\" in \"{top}\": drawn at zero size in OBS; kept hidden"
                ));
            }
            if flipped {
                self.report.approximated.push(format!(
                    "\"{name}\" in \"{top}\": flipped in OBS, shown unflipped in the same place"
                ));
            }
            if item["bounds_crop"].as_bool().unwrap_or(false) {
                self.report.approximated.push(format!(
                    "\"{name}\" in \"{top}\": the part outside its bounding box is drawn, not cropped"
                ));
            }
            layers.push(Layer {
                source: id.clone(),
                transform,
                visible,
                locked: inherited.locked,
            });
        }
    }
}

/// A source's fader, mute and sync offset: OBS keeps a linear volume and nanoseconds.
fn audio_mix(source: &Value) -> AudioMix {
    let volume = source["volume"].as_f64().unwrap_or(1.0);
    let gain_db = if volume > 0.0 {
        (20.0 * volume.log10()).clamp(-60.0, 20.0)
    } else {
        -60.0
    };
    AudioMix {
        gain_db: gain_db as f32,
        muted: source["muted"].as_bool().unwrap_or(false),
        sync_offset_ms: (source["sync"].as_i64().unwrap_or(0) / 1_000_000) as i32,
        ..AudioMix::default()
    }
}

/// OBS's current transition when it is a cut or a fade; others are reported.
fn transition(doc: &Value, report: &mut Report) -> Transition {
    let name = doc["current_transition"].as_str().unwrap_or("Cut");
    let duration_ms = doc["transition_duration"].as_u64().unwrap_or(300) as u32;
    match name {
        "Cut" => Transition::Cut,
        "Fade" => Transition::Fade { duration_ms },
        other => {
            report.left_out.push(format!(
                "transition \"{other}\": the collection uses cuts; set a fade, slide or stinger in the studio"
            ));
            Transition::Cut
        }
    }
}

fn empty_collection(doc: &Value, canvas: (u32, u32), base_dir: &Path) -> Collection {
    Collection {
        schema_version: COLLECTION_SCHEMA_VERSION,
        name: doc["name"]
            .as_str()
            .unwrap_or("Imported from OBS")
            .to_string(),
        canvas: Canvas {
            width: canvas.0,
            height: canvas.1,
            fps: 30,
        },
        sources: Vec::new(),
        scenes: Vec::new(),
        canvases: Vec::new(),
        safe_scene: None,
        transition: Transition::Cut,
        audio: AudioSettings::default(),
        brand: None,
        branding: None,
        base_dir: base_dir.to_path_buf(),
    }
}

/// An id from an OBS name: lower-case letters, digits and '-', unique among `taken`.
fn unique_id(name: &str, taken: &[Source]) -> String {
    let mut base: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if base.is_empty() {
        base = "source".into();
    }
    let mut id = base.clone();
    let mut n = 2;
    while taken.iter().any(|s| s.id == id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}
