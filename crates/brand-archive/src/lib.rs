//! A brand kit as one `.zip`: its `.brand.json` and the fonts and logos it names, with every
//! path inside kept relative, so a kit travels between machines and teams. Import refuses an
//! archive that could write outside its folder (absolute paths, `..`, links) or fill the
//! disk (too many or too large members, whatever their headers claim), before writing
//! anything, and removes what it wrote when a later check fails.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use streamwerk_scene::{load_brand, BrandKit, LoadError};

/// The most members an archive may have: a kit is a document and a few dozen assets.
pub const MAX_MEMBERS: usize = 256;
/// The largest member once unpacked: a font family or a large logo is a few megabytes.
pub const MAX_MEMBER_BYTES: u64 = 32 << 20;
/// The most an archive may unpack to in all.
pub const MAX_TOTAL_BYTES: u64 = 128 << 20;

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a readable zip archive ({reason}); export the kit again", file.display())]
    NotZip { file: PathBuf, reason: String },
    #[error("{}: refused, nothing was written: member `{member}` {reason}", file.display())]
    Hostile {
        file: PathBuf,
        member: String,
        reason: String,
    },
    #[error("{}: {reason}", file.display())]
    Refused { file: PathBuf, reason: String },
    #[error(transparent)]
    Kit(#[from] LoadError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ArchiveError + '_ {
    move |source| ArchiveError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes the kit at `kit_file` and every font and logo it names to a new archive `out`. Files
/// inside the kit's folder keep their relative paths; others go under `fonts/` or `logos/`
/// and the kit in the archive names them there. Returns the number of assets packed.
pub fn export(kit_file: &Path, out: &Path) -> Result<usize, ArchiveError> {
    let mut kit = load_brand(kit_file)?;
    if out.exists() {
        return Err(ArchiveError::Refused {
            file: out.to_path_buf(),
            reason: "exists; choose another name (nothing was overwritten)".into(),
        });
    }
    let folder = kit_file.parent().unwrap_or(Path::new("."));
    let mut members: BTreeMap<String, PathBuf> = BTreeMap::new();
    for (group, files) in [("fonts", &mut kit.fonts), ("logos", &mut kit.logos)] {
        for (name, path) in files.iter_mut() {
            let inside = is_plain_relative(path);
            let mut member = if inside {
                slash_path(path)
            } else {
                let file = path.file_name().map(|f| f.to_string_lossy().into_owned());
                format!("{group}/{}", file.unwrap_or_else(|| name.clone()))
            };
            // Two assets with one file name from different folders keep both.
            if members
                .get(&member)
                .is_some_and(|p| *p != folder.join(&*path))
            {
                member = format!(
                    "{group}/{name}-{}",
                    member.rsplit('/').next().unwrap_or(name)
                );
            }
            members.insert(member.clone(), folder.join(&*path));
            *path = PathBuf::from(member);
        }
    }
    let kit_member = kit_file
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| "kit.brand.json".into());
    let tmp = out.with_extension("zip.part");
    let written = write_zip(&tmp, &kit_member, &kit, &members);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, out).map_err(io(out))?;
    Ok(members.len())
}

fn write_zip(
    tmp: &Path,
    kit_member: &str,
    kit: &BrandKit,
    members: &BTreeMap<String, PathBuf>,
) -> Result<(), ArchiveError> {
    let zip_error = |e: zip::result::ZipError| ArchiveError::Refused {
        file: tmp.to_path_buf(),
        reason: format!("cannot write the archive: {e}"),
    };
    let file = std::fs::File::create(tmp).map_err(io(tmp))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    let text = serde_json::to_string_pretty(kit).expect("kits serialise");
    zip.start_file(kit_member, options).map_err(zip_error)?;
    zip.write_all(text.as_bytes()).map_err(io(tmp))?;
    for (member, path) in members {
        let data = std::fs::read(path).map_err(io(path))?;
        zip.start_file(member.as_str(), options)
            .map_err(zip_error)?;
        zip.write_all(&data).map_err(io(tmp))?;
    }
    zip.finish().map_err(zip_error)?.sync_all().map_err(io(tmp))
}

/// A relative path without `..`, which stays inside the kit's folder.
fn is_plain_relative(path: &Path) -> bool {
    path.components().all(|c| matches!(c, Component::Normal(_)))
}

fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Unpacks the kit archive `file` into the folder `into`, which must not exist yet or be
/// empty, and returns the kit's file there. Every member is checked before anything is
/// written; a kit that fails to load afterwards is removed again.
pub fn import(file: &Path, into: &Path) -> Result<PathBuf, ArchiveError> {
    let not_zip = |e: zip::result::ZipError| ArchiveError::NotZip {
        file: file.to_path_buf(),
        reason: e.to_string(),
    };
    let hostile = |member: &str, reason: String| ArchiveError::Hostile {
        file: file.to_path_buf(),
        member: member.to_string(),
        reason,
    };
    let reader = std::fs::File::open(file).map_err(io(file))?;
    let mut zip = zip::ZipArchive::new(reader).map_err(not_zip)?;
    if zip.len() > MAX_MEMBERS {
        return Err(ArchiveError::Refused {
            file: file.to_path_buf(),
            reason: format!(
                "refused, nothing was written: {} members, over the {MAX_MEMBERS} a kit may have",
                zip.len()
            ),
        });
    }
    // Every member checked first: names, kinds, declared sizes.
    let mut plan: Vec<(usize, PathBuf, bool)> = Vec::new();
    let mut total = 0u64;
    let mut kits = Vec::new();
    for i in 0..zip.len() {
        let member = zip.by_index(i).map_err(not_zip)?;
        let name = member.name().map_err(not_zip)?.into_owned();
        let relative = Path::new(&name);
        let plain = !name.starts_with('/')
            && !name.starts_with('\\')
            && !name.contains('\\')
            && !name.contains(':')
            && relative
                .components()
                .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        if !plain || member.enclosed_name().is_none() {
            return Err(hostile(
                &name,
                "has an absolute path or `..`, which could write outside the kit's folder; \
                 export the kit again with Streamwerk"
                    .into(),
            ));
        }
        if member.is_symlink() {
            return Err(hostile(
                &name,
                "is a link, which could point outside the kit's folder; replace it with the file"
                    .into(),
            ));
        }
        if member.size() > MAX_MEMBER_BYTES {
            return Err(hostile(
                &name,
                format!(
                    "unpacks to {} MB, over the {} MB a kit's file may have",
                    member.size() >> 20,
                    MAX_MEMBER_BYTES >> 20
                ),
            ));
        }
        total += member.size();
        if total > MAX_TOTAL_BYTES {
            return Err(hostile(
                &name,
                format!(
                    "takes the archive over the {} MB a kit may unpack to",
                    MAX_TOTAL_BYTES >> 20
                ),
            ));
        }
        let path = relative.to_path_buf();
        if !member.is_dir() && path.parent() == Some(Path::new("")) && name.ends_with(".brand.json")
        {
            kits.push(path.clone());
        }
        plan.push((i, path, member.is_dir()));
    }
    let kit = match kits.as_slice() {
        [kit] => kit.clone(),
        _ => {
            return Err(ArchiveError::Refused {
                file: file.to_path_buf(),
                reason: format!(
                    "refused, nothing was written: a kit archive has one .brand.json at its top, \
                     this one has {}",
                    kits.len()
                ),
            })
        }
    };
    let fresh = !into.exists();
    if !fresh {
        let empty = std::fs::read_dir(into).map_err(io(into))?.next().is_none();
        if !empty {
            return Err(ArchiveError::Refused {
                file: into.to_path_buf(),
                reason: "is not empty; import into a new folder (nothing was overwritten)".into(),
            });
        }
    }
    let unpacked = unpack(&mut zip, &plan, into, file);
    let loaded = unpacked.and_then(|()| {
        let loaded = load_brand(&into.join(&kit))?;
        let outside = loaded
            .fonts
            .iter()
            .chain(&loaded.logos)
            .find(|(_, path)| !is_plain_relative(path));
        match outside {
            Some((name, path)) => Err(ArchiveError::Refused {
                file: file.to_path_buf(),
                reason: format!(
                    "refused: the kit's `{name}` names {}, outside the kit's folder; a kit \
                     archive carries its own files",
                    path.display()
                ),
            }),
            None => Ok(()),
        }
    });
    if let Err(e) = loaded {
        if fresh {
            let _ = std::fs::remove_dir_all(into);
        } else {
            for (_, path, _) in plan.iter().rev() {
                let target = into.join(path);
                let _ = std::fs::remove_file(&target).or_else(|_| std::fs::remove_dir(&target));
            }
        }
        return Err(e);
    }
    Ok(into.join(kit))
}

/// Writes the checked members; a member that unpacks to more than its header declared (or
/// than the limit) stops the import.
fn unpack(
    zip: &mut zip::ZipArchive<std::fs::File>,
    plan: &[(usize, PathBuf, bool)],
    into: &Path,
    file: &Path,
) -> Result<(), ArchiveError> {
    std::fs::create_dir_all(into).map_err(io(into))?;
    for (i, path, dir) in plan {
        let target = into.join(path);
        if *dir {
            std::fs::create_dir_all(&target).map_err(io(&target))?;
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        let member = zip.by_index(*i).map_err(|e| ArchiveError::NotZip {
            file: file.to_path_buf(),
            reason: e.to_string(),
        })?;
        let declared = member.size();
        let mut data = Vec::new();
        member
            .take(declared.min(MAX_MEMBER_BYTES) + 1)
            .read_to_end(&mut data)
            .map_err(io(file))?;
        if data.len() as u64 > declared {
            return Err(ArchiveError::Hostile {
                file: file.to_path_buf(),
                member: path.display().to_string(),
                reason: "unpacks to more than its header says (a zip bomb)".into(),
            });
        }
        std::fs::write(&target, &data).map_err(io(&target))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_inside_the_kit_stay_and_others_do_not() {
        assert!(is_plain_relative(Path::new("logos/a.png")));
        assert!(!is_plain_relative(Path::new("../fonts/a.ttf")));
        assert!(!is_plain_relative(Path::new("/usr/share/fonts/a.ttf")));
        assert_eq!(
            slash_path(Path::new("logos/dark/a.png")),
            "logos/dark/a.png"
        );
    }
}
