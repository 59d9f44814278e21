//! `streamwerk import-obs`: an OBS scene collection as a new Streamwerk collection, with a
//! report of what was mapped, approximated and left out.

use crate::{bad_input, Outcome};
use anyhow::anyhow;
use std::path::PathBuf;
use streamwerk_scene::{check_collection, verdict};
use streamwerk_studio::CanvasLimit;

#[derive(clap::Args)]
pub struct ImportObsArgs {
    /// The OBS collection: basic/scenes/NAME.json in OBS's settings folder.
    file: PathBuf,
    /// The OBS profile folder (basic/profiles/NAME), for the canvas size in its basic.ini;
    /// else the profile OBS uses beside the collection (the one its settings name, or the
    /// only one), else the collection's own resolution (OBS 30.1+), else 1920x1080.
    #[arg(long)]
    profile_dir: Option<PathBuf>,
    /// Fit the canvas within 1920x1080 (1080x1920 upright), every layer scaled with it; a
    /// canvas larger than 3840x2160 is always fitted within that.
    #[arg(long)]
    fit_1080p: bool,
    /// The new Streamwerk collection; an existing file is never replaced.
    #[arg(long)]
    out: PathBuf,
}

pub fn import_obs(args: ImportObsArgs) -> Outcome {
    if args.out.exists() {
        return Err(bad_input(anyhow!(
            "{} already exists; choose another name for the imported collection",
            args.out.display()
        )));
    }
    let folder = args
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    let limit = if args.fit_1080p {
        CanvasLimit::Hd1080
    } else {
        CanvasLimit::Largest
    };
    let imported =
        streamwerk_studio::import_obs(&args.file, args.profile_dir.as_deref(), &folder, limit)
            .map_err(bad_input)?;
    // What the import made is checked as the OBS file's: the output is not written yet.
    let problems = check_collection(&imported.collection);
    let collection = verdict(imported.collection, problems, &args.file).map_err(bad_input)?;
    streamwerk_scene::write_document(&args.out, &collection.to_document())
        .map_err(|e| bad_input(anyhow!("cannot write {}: {e}", args.out.display())))?;
    eprint!(
        "imported {} into {}: {}",
        args.file.display(),
        args.out.display(),
        imported.report
    );
    Ok(())
}
