//! Stream keys live outside every document: a destination names its key, and this store keeps
//! it in the OS keyring (Keychain, Credential Manager, Secret Service). Where no keyring service
//! runs (a headless server, CI), keys go to a JSON file readable by the user alone (0600).

use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The keyring service name entries are filed under.
const SERVICE: &str = "streamwerk";

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("no stream key named `{0}`; store it with: streamwerk keys set {0}")]
    Missing(String),
    #[error("a key name is letters, digits, '-', '_' or '.', is `{0}`")]
    BadName(String),
    #[error("the stream key is empty")]
    Empty,
    #[error("key file {}: {reason}", path.display())]
    File { path: PathBuf, reason: String },
}

/// Where a key was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Keyring,
    File(PathBuf),
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Backend::Keyring => write!(f, "the OS keyring"),
            Backend::File(path) => write!(
                f,
                "{} (mode 0600; no keyring service runs here)",
                path.display()
            ),
        }
    }
}

/// The key store: the OS keyring with a file beside it for machines without one.
pub struct KeyStore {
    file: PathBuf,
}

impl KeyStore {
    /// The fallback file is `$STREAMWERK_KEYS_FILE`, else `$XDG_CONFIG_HOME/streamwerk/keys.json`,
    /// else `~/.config/streamwerk/keys.json`.
    pub fn new() -> Self {
        let file = std::env::var_os("STREAMWERK_KEYS_FILE")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                let config = std::env::var_os("XDG_CONFIG_HOME")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| {
                        PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".config")
                    });
                config.join("streamwerk/keys.json")
            });
        KeyStore { file }
    }

    pub fn with_file(file: PathBuf) -> Self {
        KeyStore { file }
    }

    /// Stores `key` under `name`, in the keyring when one answers, else in the file.
    pub fn set(&self, name: &str, key: &str) -> Result<Backend, KeyError> {
        check_name(name)?;
        if key.is_empty() {
            return Err(KeyError::Empty);
        }
        match keyring::Entry::new(SERVICE, name).and_then(|e| e.set_password(key)) {
            Ok(()) => Ok(Backend::Keyring),
            Err(e) => {
                tracing::info!(
                    "no keyring service ({e}); storing key `{name}` in {}",
                    self.file.display()
                );
                let mut keys = self.read_file()?;
                keys.insert(name.to_string(), key.to_string());
                self.write_file(&keys)?;
                Ok(Backend::File(self.file.clone()))
            }
        }
    }

    /// The key stored under `name`: from the keyring, else from the file.
    pub fn get(&self, name: &str) -> Result<String, KeyError> {
        check_name(name)?;
        if let Ok(key) = keyring::Entry::new(SERVICE, name).and_then(|e| e.get_password()) {
            return Ok(key);
        }
        self.read_file()?
            .remove(name)
            .ok_or_else(|| KeyError::Missing(name.to_string()))
    }

    /// Forgets `name` everywhere; true when it existed.
    pub fn delete(&self, name: &str) -> Result<bool, KeyError> {
        check_name(name)?;
        let in_keyring = keyring::Entry::new(SERVICE, name)
            .and_then(|e| e.delete_credential())
            .is_ok();
        let mut keys = self.read_file()?;
        let in_file = keys.remove(name).is_some();
        if in_file {
            self.write_file(&keys)?;
        }
        Ok(in_keyring || in_file)
    }

    fn read_file(&self) -> Result<BTreeMap<String, String>, KeyError> {
        let err = |reason: String| KeyError::File {
            path: self.file.clone(),
            reason,
        };
        match std::fs::metadata(&self.file) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(err(e.to_string())),
            Ok(meta) if meta.permissions().mode() & 0o077 != 0 => {
                return Err(err(format!(
                    "others can read it (mode {:o}); run: chmod 600 {}",
                    meta.permissions().mode() & 0o777,
                    self.file.display()
                )))
            }
            Ok(_) => {}
        }
        let text = std::fs::read_to_string(&self.file).map_err(|e| err(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| err(format!("not a key file ({e})")))
    }

    /// Replaces the file atomically, created 0600 in a 0700 folder.
    fn write_file(&self, keys: &BTreeMap<String, String>) -> Result<(), KeyError> {
        let err = |reason: String| KeyError::File {
            path: self.file.clone(),
            reason,
        };
        let dir = self.file.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        let temp = self.file.with_extension("json.tmp");
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&temp)
            .map_err(|e| err(e.to_string()))?;
        let text = serde_json::to_string_pretty(keys).expect("a map of strings serialises");
        file.write_all(text.as_bytes())
            .map_err(|e| err(e.to_string()))?;
        file.sync_all().map_err(|e| err(e.to_string()))?;
        std::fs::rename(&temp, &self.file).map_err(|e| err(e.to_string()))
    }
}

impl Default for KeyStore {
    fn default() -> Self {
        Self::new()
    }
}

fn check_name(name: &str) -> Result<(), KeyError> {
    if streamwerk_scene::is_key_name(name) {
        Ok(())
    } else {
        Err(KeyError::BadName(name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_store_keeps_keys_private() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::with_file(dir.path().join("sub/keys.json"));
        // Only the file backend is checked here: write and read it directly.
        let mut keys = BTreeMap::new();
        keys.insert("yt".to_string(), "abcd-1234".to_string());
        store.write_file(&keys).unwrap();
        let mode = std::fs::metadata(&store.file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(store.read_file().unwrap(), keys);
        std::fs::set_permissions(&store.file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = store.read_file().unwrap_err().to_string();
        assert!(err.contains("chmod 600"), "{err}");
    }

    #[test]
    fn names_are_plain() {
        assert!(check_name("youtube-main_2.key").is_ok());
        assert!(check_name("").is_err());
        assert!(check_name("a b").is_err());
        assert!(check_name("../etc").is_err());
    }
}
