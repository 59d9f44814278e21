//! `streamwerk import-obs`: an OBS scene collection as a new Streamwerk collection, with a
//! report of what was mapped, approximated and left out.

use crate::{bad_input, Outcome};
use anyhow::anyhow;
use std::path::PathBuf;
use streamwerk_scene::{check_collection, verdict};

#[derive(clap::Args)]
pub struct ImportObsArgs {
    /// The OBS collection: basic/scenes/NAME.json in OBS's settings folder.
    file: PathBuf,
    /// The OBS profile folder (basic/profiles/NAME), for the canvas size in its basic.ini;
    /// else the collection's own resolution (OBS 30.1+), else 1920x1080.
    #[arg(long)]
    profile_dir: Option<PathBuf>,
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
    let imported = streamwerk_studio::import_obs(&args.file, args.profile_dir.as_deref(), &folder)
        .map_err(bad_input)?;
    let problems = check_collection(&imported.collection);
    let collection = verdict(imported.collection, problems, &args.out).map_err(bad_input)?;
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
