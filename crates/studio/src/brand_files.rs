//! Fonts and logos picked in the page, stored beside the brand kit: checked to be what their
//! name says (a font that parses, a picture that decodes) before the kit names them, written
//! as new files inside the kit's folder only.

use crate::{refused, StudioError};
use base64::Engine as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use streamwerk_protocol::BrandFileGroup;

/// The largest file the page may send: fonts and logos are far smaller.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The file types each group takes, by extension.
fn accepted(group: BrandFileGroup) -> &'static [&'static str] {
    match group {
        BrandFileGroup::Fonts => &["ttf", "otf"],
        BrandFileGroup::Logos => &["png", "svg", "webp", "jpg", "jpeg"],
    }
}

/// Decodes `data`, checks it, and writes it into `folder` under a new name made from
/// `file_name` (letters, digits, `-` and `_` kept; `-2`, `-3`… when taken). Returns the name
/// written, relative to `folder`.
pub fn store(
    folder: &Path,
    group: BrandFileGroup,
    file_name: &str,
    data: &str,
) -> Result<PathBuf, StudioError> {
    let kind = match group {
        BrandFileGroup::Fonts => "a font (TTF or OTF)",
        BrandFileGroup::Logos => "a logo (PNG, SVG, WebP or JPEG)",
    };
    let given = Path::new(file_name);
    let ext = given
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .filter(|e| accepted(group).contains(&e.as_str()))
        .ok_or_else(|| refused(format!("“{file_name}” is not {kind}: pick one of those")))?;
    // Base64 is 4/3 of the bytes: refuse an oversized file before decoding it.
    if data.len() > MAX_BYTES / 3 * 4 + 4 {
        return Err(refused(format!(
            "“{file_name}” is larger than 10 MiB; use a smaller file"
        )));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|_| refused(format!("“{file_name}” did not arrive whole; pick it again")))?;
    let stem: String = given
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = if stem.trim_matches('-').is_empty() {
        "file".into()
    } else {
        stem
    };
    let (path, mut file) = (1..)
        .map(|n| {
            let name = match n {
                1 => format!("{stem}.{ext}"),
                n => format!("{stem}-{n}.{ext}"),
            };
            folder.join(name)
        })
        .find_map(|path| {
            // A new file only: an existing one is never replaced.
            let file = std::fs::File::options()
                .write(true)
                .create_new(true)
                .open(&path);
            match file {
                Ok(f) => Some(Ok((path, f))),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => None,
                Err(e) => Some(Err(e)),
            }
        })
        .expect("a free name")
        .map_err(|e| refused(format!("cannot write into {}: {e}", folder.display())))?;
    let written = file.write_all(&bytes).and_then(|_| file.sync_all());
    let checked = written
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
        .and_then(|_| check(group, &path));
    if let Err(why) = checked {
        let _ = std::fs::remove_file(&path);
        return Err(refused(format!("“{file_name}” is not {kind}: {why}")));
    }
    Ok(PathBuf::from(path.file_name().expect("a file name")))
}

/// That the file at `path` is usable as `group` says: a font the text renderer loads, a
/// picture the image source decodes.
fn check(group: BrandFileGroup, path: &Path) -> Result<(), String> {
    match group {
        BrandFileGroup::Fonts => streamwerk_sources::TextRenderer::new()
            .load_font(path)
            .map(|_| ()),
        BrandFileGroup::Logos => streamwerk_sources::load_image(path).map(|_| ()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = include_bytes!("../../../assets/logos/streamwerk-logo.png");

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    #[test]
    fn a_logo_is_stored_under_a_new_clean_name_inside_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let one = store(
            dir.path(),
            BrandFileGroup::Logos,
            "../My Logo!.PNG",
            &b64(PNG),
        )
        .unwrap();
        assert_eq!(one, PathBuf::from("My-Logo-.png"));
        let two = store(dir.path(), BrandFileGroup::Logos, "My Logo!.png", &b64(PNG)).unwrap();
        assert_eq!(two, PathBuf::from("My-Logo--2.png"));
        assert_eq!(std::fs::read(dir.path().join(&one)).unwrap(), PNG);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn a_file_that_is_not_what_it_says_is_refused_and_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let err = store(dir.path(), BrandFileGroup::Fonts, "f.ttf", &b64(PNG)).unwrap_err();
        assert!(
            err.to_string().contains("is not a font (TTF or OTF)"),
            "{err}"
        );
        let err = store(dir.path(), BrandFileGroup::Logos, "logo.gif", &b64(PNG)).unwrap_err();
        assert!(err.to_string().contains("pick one of those"), "{err}");
        let err = store(dir.path(), BrandFileGroup::Logos, "logo.png", "%%%").unwrap_err();
        assert!(err.to_string().contains("did not arrive whole"), "{err}");
        let big = "A".repeat(MAX_BYTES / 3 * 4 + 8);
        let err = store(dir.path(), BrandFileGroup::Logos, "logo.png", &big).unwrap_err();
        assert!(err.to_string().contains("larger than 10 MiB"), "{err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
