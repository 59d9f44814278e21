//! The documents a user saves: scene collections (what is on screen and heard) and output
//! profiles (how it is encoded and where it goes). Nothing here touches media; the engine reads
//! these types, the UI edits them, and [`load_collection`] refuses anything it cannot run,
//! naming the JSON path and the fix.

mod audio_mix;
mod brand;
mod canvas_layout;
mod collection;
mod color;
mod error;
mod hotkeys;
mod network;
mod people_dress;
mod people_layouts;
mod platform;
mod profile;
mod transition;
mod validate;

pub use audio_mix::{AudioFilter, AudioMix, NoiseGate};
pub use brand::{
    check_brand, load_brand, template_area, BrandDefaults, BrandKit, BrandRef, Branding,
    BRAND_PREFIX, BRAND_SCHEMA_VERSION,
};
pub use canvas_layout::{add_canvas, layer_area, safe_area, Area};
pub use collection::*;
pub use color::Rgba;
pub use error::{LoadError, Problem};
pub use hotkeys::{check_keys, default_hotkeys, Hotkey, HotkeyAction};
pub use network::{network_address, network_address_problem, network_label};
pub use people_dress::dress_people;
pub use people_layouts::{arrange, arrange_people, PeopleLayout, Rect};
pub use platform::{LimitWarning, Platform, PlatformLimits};
pub use profile::*;
pub use transition::{SlideDirection, Transition, MAX_TRANSITION_MS};
pub use validate::MAX_CANVAS;

use std::path::{Path, PathBuf};

/// The schema version this build writes for profiles (and reads).
pub const SCHEMA_VERSION: u32 = 1;
/// The schema version this build writes for collections. Version 1 (one canvas) is read too
/// and moved up on load: it is version 2 with no extra canvases.
pub const COLLECTION_SCHEMA_VERSION: u32 = 2;

/// The largest document read. A collection of hundreds of scenes is well under a megabyte;
/// parsing costs several times the file's size in memory, so a 2 GB file is refused unread.
pub const MAX_DOCUMENT_BYTES: u64 = 16_000_000;

/// Reads, parses and validates a scene collection; relative asset paths resolve against the
/// file's folder.
pub fn load_collection(path: &Path) -> Result<Collection, LoadError> {
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse_collection(&read(path)?, path, base)
}

/// Parses and validates a collection from text; `file` is only used to name it in errors.
/// A collection with a brand kit (`brand`) has its `brand:NAME` references resolved.
pub fn parse_collection(
    text: &str,
    file: &Path,
    base_dir: PathBuf,
) -> Result<Collection, LoadError> {
    let doc: serde_json::Value = parse_json(text, file)?;
    let kit = doc.get("brand").filter(|b| !b.is_null());
    if kit.is_none() && !brand::has_references(&doc) {
        // Parsed again from the text, so type errors carry their line.
        let collection: Collection = parse_json(text, file)?;
        return finish(collection, None, file, base_dir);
    }
    let kit = match kit.and_then(|b| b.as_str()) {
        Some(kit) => std::path::absolute(base_dir.join(kit)).map_err(|source| LoadError::Io {
            file: base_dir.join(kit),
            source,
        })?,
        None => {
            return Err(LoadError::Invalid {
                file: file.to_path_buf(),
                problems: vec![Problem {
                    path: "brand".into(),
                    message: match kit {
                        Some(value) => format!("{value} is not a file name"),
                        None => {
                            "sources name brand kit values (`brand:NAME`) but no kit is set".into()
                        }
                    },
                    fix: "set `brand` to the kit's .brand.json file, or write the values out"
                        .into(),
                }],
            })
        }
    };
    let branding = Branding {
        kit: load_brand(&kit)?,
        path: kit,
        refs: Vec::new(),
    };
    read_document(doc, Some(branding), file, base_dir)
}

/// `doc` (a collection as JSON, with its references) read with `branding`'s kit, or without
/// a kit: how an edit made on the document (a template added with references) is checked.
pub fn read_document(
    mut doc: serde_json::Value,
    mut branding: Option<Branding>,
    file: &Path,
    base_dir: PathBuf,
) -> Result<Collection, LoadError> {
    if let Some(branding) = &mut branding {
        let problems = branding.resolve(&mut doc);
        if !problems.is_empty() {
            return Err(LoadError::Invalid {
                file: file.to_path_buf(),
                problems,
            });
        }
    }
    let collection: Collection = serde_path_to_error::deserialize(doc).map_err(|e| {
        let path = e.path().to_string();
        LoadError::Parse {
            file: file.to_path_buf(),
            path,
            line: 0,
            column: 0,
            message: e.into_inner().to_string(),
        }
    })?;
    finish(collection, branding, file, base_dir)
}

fn finish(
    mut collection: Collection,
    branding: Option<Branding>,
    file: &Path,
    base_dir: PathBuf,
) -> Result<Collection, LoadError> {
    collection.base_dir = base_dir;
    collection.branding = branding;
    if collection.schema_version == 1 {
        collection.schema_version = COLLECTION_SCHEMA_VERSION;
    }
    let problems = validate::collection(&collection);
    verdict(collection, problems, file)
}

impl Collection {
    /// The collection as saved: kit values still equal to the kit's written back as
    /// `brand:NAME`.
    pub fn to_document(&self) -> serde_json::Value {
        let mut doc = serde_json::to_value(self).expect("collections serialise");
        if let Some(branding) = &self.branding {
            branding.restore(&mut doc);
        }
        doc
    }

    /// The collection restyled by another version of its kit (or another kit, at `path`):
    /// every reference resolved again. Refused, naming each, when the kit lacks a name the
    /// collection uses.
    pub fn rebranded(&self, kit: BrandKit, path: PathBuf) -> Result<Collection, LoadError> {
        let doc = self.to_document();
        let file = path.clone();
        let branding = Branding {
            kit,
            path,
            refs: Vec::new(),
        };
        read_document(doc, Some(branding), &file, self.base_dir.clone())
    }
}

/// Every problem with an already-parsed collection (after an edit such as a rescale).
pub fn check_collection(collection: &Collection) -> Vec<Problem> {
    validate::collection(collection)
}

/// Every problem with an already-parsed profile (after an edit in the UI).
pub fn check_profile(profile: &Profile) -> Vec<Problem> {
    validate::profile(profile)
}

/// Writes a document as JSON atomically (a temporary file beside it, then a rename), making
/// its folder if needed: a crash never leaves half a file.
pub fn write_document<T: serde::Serialize>(path: &Path, document: &T) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(document).expect("documents serialise");
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text + "\n")?;
    std::fs::rename(&tmp, path)
}

/// Reads and validates an output profile.
pub fn load_profile(path: &Path) -> Result<Profile, LoadError> {
    let profile: Profile = parse_json(&read(path)?, path)?;
    let problems = validate::profile(&profile);
    verdict(profile, problems, path)
}

/// The document when nothing is wrong with it, else every problem, naming `file`.
pub fn verdict<T>(document: T, problems: Vec<Problem>, file: &Path) -> Result<T, LoadError> {
    if problems.is_empty() {
        Ok(document)
    } else {
        Err(LoadError::Invalid {
            file: file.to_path_buf(),
            problems,
        })
    }
}

/// Reads a document of at most [`MAX_DOCUMENT_BYTES`], refusing a larger one before reading
/// it (and stopping there should it grow while read, or be a device that never ends).
pub(crate) fn read(path: &Path) -> Result<String, LoadError> {
    use std::io::Read;
    let io = |source| LoadError::Io {
        file: path.to_path_buf(),
        source,
    };
    let too_large = |size| LoadError::TooLarge {
        file: path.to_path_buf(),
        size,
        limit: MAX_DOCUMENT_BYTES,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let declared = file.metadata().map_err(io)?.len();
    if declared > MAX_DOCUMENT_BYTES {
        return Err(too_large(declared));
    }
    let mut text = String::with_capacity(declared as usize);
    file.take(MAX_DOCUMENT_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(io)?;
    if text.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(too_large(text.len() as u64));
    }
    Ok(text)
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &Path,
) -> Result<T, LoadError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        LoadError::Parse {
            file: file.to_path_buf(),
            path,
            line: inner.line(),
            column: inner.column(),
            message: inner.to_string(),
        }
    })
}
