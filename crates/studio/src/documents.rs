//! Files: the collection and profile on disk (written atomically), opening another collection
//! or saving this one under a new name, output settings, and the folder listings of the UI's
//! file pickers.

use crate::{accept, refused, Inner, Studio, StudioError};
use std::path::{Path, PathBuf};
use streamwerk_protocol::{Command, Event, FileEntry, FileListing};
use streamwerk_scene::{load_collection, GuestNetwork, Profile};

/// Where the studio keeps the TURN secret set from its Settings.
const TURN_SECRET_KEY: &str = "guests-turn";

impl Studio {
    /// Save, settings, open, save-as and listing commands.
    pub(crate) fn documents(&self, inner: &mut Inner, command: Command) -> Result<(), StudioError> {
        match command {
            Command::Save => {
                save_json(&inner.collection_path, &inner.collection.to_document())?;
                save_json(&inner.profile_path, &inner.profile)?;
            }
            Command::SetOutputSettings {
                video,
                audio,
                recording,
            } => {
                let encoder_changes = video != inner.profile.video || audio != inner.profile.audio;
                if inner.session.is_some() && encoder_changes {
                    return Err(refused(
                        "the encoder cannot change while recording or live; stop both, then apply",
                    ));
                }
                let profile = Profile {
                    video,
                    audio,
                    recording,
                    ..inner.profile.clone()
                };
                self.set_profile(inner, profile)?;
            }
            Command::SetGuestNetwork {
                ice_servers,
                turn_secret,
                listen,
                certificate,
                certificate_key,
                public_host,
            } => {
                let given =
                    |v: Option<String>| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
                let mut network = inner.profile.guest_network.clone();
                network.listen = given(listen);
                network.certificate = given(certificate).map(PathBuf::from);
                network.certificate_key = given(certificate_key).map(PathBuf::from);
                network.public_host = given(public_host);
                self.set_guest_network(inner, network, &ice_servers, turn_secret.as_deref())?
            }
            Command::SetHotkeys { hotkeys } => {
                let profile = Profile {
                    hotkeys,
                    ..inner.profile.clone()
                };
                self.set_profile(inner, profile)?;
            }
            Command::OpenCollection { path } => {
                let path = beside(&inner.collection_path, &path);
                let next = load_collection(&path)?;
                let scene = next.scenes[0].name.clone();
                self.replace_collection(inner, next, scene)?;
                inner.collection_path = path;
            }
            Command::SaveCollectionAs { path } => {
                let path = beside(&inner.collection_path, &path);
                if path.extension().is_none_or(|e| e != "json") || path == inner.profile_path {
                    return Err(refused(format!(
                        "{}: a collection is a .json file other than the profile; choose such a name",
                        path.display()
                    )));
                }
                if path.exists() {
                    return Err(refused(format!(
                        "{} exists; choose another name (nothing was overwritten)",
                        path.display()
                    )));
                }
                let mut copy = inner.collection.clone();
                copy.make_paths_absolute();
                copy.base_dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
                save_json(&path, &copy.to_document())?;
                inner.collection = copy;
                inner.collection_path = path;
            }
            Command::ListFiles { folder, json } => {
                let folder = match folder {
                    Some(folder) => beside(&inner.collection_path, &folder),
                    None => beside(&inner.collection_path, "."),
                };
                let endings: &[&str] = if json { &["json"] } else { &MEDIA_ENDINGS };
                let listing = list_files(&folder, endings).map_err(|e| {
                    refused(format!(
                        "cannot list {}: {e}; choose another folder",
                        folder.display()
                    ))
                })?;
                let _ = self.events.send(Event::Files { listing });
            }
            _ => unreachable!("Studio::handle sends only these commands here"),
        }
        Ok(())
    }

    /// The profile's STUN and TURN servers, and the TURN secret into the key store (an empty
    /// one forgets it). Checked before the secret is kept: a refused change keeps nothing.
    fn set_guest_network(
        &self,
        inner: &mut Inner,
        mut network: GuestNetwork,
        ice_servers: &[String],
        turn_secret: Option<&str>,
    ) -> Result<(), StudioError> {
        network.ice_servers = ice_servers
            .iter()
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty())
            .collect();
        let secret = turn_secret.map(str::trim);
        match secret {
            Some("") => network.turn_secret_key = None,
            Some(_) => network.turn_secret_key = Some(TURN_SECRET_KEY.to_string()),
            None => {}
        }
        let before = &inner.profile.guest_network;
        let moved = (
            &network.listen,
            &network.certificate,
            &network.certificate_key,
            &network.public_host,
        ) != (
            &before.listen,
            &before.certificate,
            &before.certificate_key,
            &before.public_host,
        );
        let profile = Profile {
            guest_network: network,
            ..inner.profile.clone()
        };
        accept(streamwerk_scene::check_profile(&profile))?;
        if let Some(secret) = secret.filter(|s| !s.is_empty()) {
            self.keys.set(TURN_SECRET_KEY, secret)?;
        }
        if moved {
            self.move_guest_endpoint(&profile.guest_network)?;
        }
        self.set_profile(inner, profile)
    }

    pub(crate) fn set_profile(
        &self,
        inner: &mut Inner,
        profile: Profile,
    ) -> Result<(), StudioError> {
        accept(streamwerk_scene::check_profile(&profile))?;
        save_json(&inner.profile_path, &profile)?;
        inner.profile = profile;
        Ok(())
    }
}

/// `path` as the user typed it: relative to the open collection's folder.
pub(crate) fn beside(collection: &Path, path: &str) -> PathBuf {
    let path = Path::new(path.trim());
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        collection.parent().unwrap_or(Path::new(".")).join(path)
    }
}

/// The other collection files in the open one's folder (`.json`, the profile aside), for the
/// UI's Open list.
pub(crate) fn collections_beside(collection: &Path, profile: &Path) -> Vec<String> {
    let folder = collection.parent().unwrap_or(Path::new("."));
    let mut found: Vec<String> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json") && p != profile)
        .map(|p| p.display().to_string())
        .collect();
    found.sort();
    found
}

/// File endings the sources read: pictures for image sources, video and sound for media files.
const MEDIA_ENDINGS: [&str; 15] = [
    "png", "jpg", "jpeg", "gif", "webp", "mp4", "mkv", "mov", "webm", "ts", "mp3", "wav", "flac",
    "ogg", "m4a",
];
/// A folder with more than this many entries is shown in part.
const MOST_FILES: usize = 1000;

/// A folder's subfolders and the files with one of `endings` (hidden ones aside), for the UI's
/// file pickers.
fn list_files(folder: &Path, endings: &[&str]) -> std::io::Result<FileListing> {
    let folder = folder.canonicalize()?;
    let mut entries: Vec<FileEntry> = std::fs::read_dir(&folder)?
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_folder = entry.file_type().ok()?.is_dir() || entry.path().is_dir();
            let media = Path::new(&name)
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| endings.contains(&e.to_ascii_lowercase().as_str()));
            (!name.starts_with('.') && (is_folder || media)).then(|| FileEntry {
                path: entry.path().display().to_string(),
                name,
                folder: is_folder,
            })
        })
        .take(MOST_FILES)
        .collect();
    entries.sort_by(|a, b| b.folder.cmp(&a.folder).then_with(|| a.name.cmp(&b.name)));
    Ok(FileListing {
        parent: folder.parent().map(|p| p.display().to_string()),
        folder: folder.display().to_string(),
        entries,
    })
}

/// Writes a document atomically ([`streamwerk_scene::write_document`]).
pub(crate) fn save_json<T: serde::Serialize>(path: &Path, document: &T) -> Result<(), StudioError> {
    streamwerk_scene::write_document(path, document).map_err(|source| StudioError::Save {
        path: path.to_path_buf(),
        source,
    })
}

/// The user's own collection, `collection.json` in the data folder: on first use a copy of the
/// demo whose asset paths point at the installed assets, so edits never touch the demo.
pub fn own_collection() -> Result<PathBuf, StudioError> {
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join("streamwerk");
    let mine = data.join("collection.json");
    if mine.exists() {
        return Ok(mine);
    }
    let demo = crate::installed::assets_dir().join("scenes/demo.json");
    let mut collection = load_collection(&demo)?;
    collection.make_paths_absolute();
    // The demo's kit is copied too, so the brand page edits the user's kit, not the one
    // installed with the program.
    if let Some(branding) = collection.branding.clone() {
        let mut kit = branding.kit;
        let folder = branding.path.parent().unwrap_or(Path::new("."));
        for path in kit.fonts.values_mut().chain(kit.logos.values_mut()) {
            let installed = folder.join(&*path);
            *path = installed.canonicalize().unwrap_or(installed);
        }
        let own_kit = data.join("brand/streamwerk.brand.json");
        save_json(&own_kit, &kit)?;
        collection = collection.rebranded(kit, own_kit.clone())?;
        collection.brand = Some(own_kit);
    }
    save_json(&mine, &collection.to_document())?;
    Ok(mine)
}
