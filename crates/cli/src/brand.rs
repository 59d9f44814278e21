//! `streamwerk brand`: check a brand kit, lock or unlock it, and carry it as one .zip.

use crate::{bad_input, runtime, Outcome};
use anyhow::anyhow;
use std::path::PathBuf;
use streamwerk_brand_archive::ArchiveError;
use streamwerk_scene::{load_brand, write_document};

#[derive(clap::Subcommand)]
pub enum BrandCommand {
    /// Check a kit (KIT.brand.json): its colours, fonts and logos, and its defaults.
    Check { kit: PathBuf },
    /// Write the kit with every font and logo it names to a new .zip.
    Export {
        kit: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Unpack a kit .zip into a new (or empty) folder; hostile archives are refused.
    Import {
        zip: PathBuf,
        #[arg(long)]
        into: PathBuf,
    },
    /// Lock the kit: branded layers keep their place and style in every scene.
    Lock { kit: PathBuf },
    /// Unlock the kit: branded layers can be moved and restyled again.
    Unlock { kit: PathBuf },
}

pub fn run(command: BrandCommand) -> Outcome {
    let archive = |e: ArchiveError| match e {
        ArchiveError::Io { .. } => runtime(e),
        _ => bad_input(e),
    };
    match command {
        BrandCommand::Check { kit } => {
            let loaded = load_brand(&kit).map_err(bad_input)?;
            println!(
                "{}: ok (kit `{}`: {} colours, {} fonts, {} logos{})",
                kit.display(),
                loaded.name,
                loaded.colors.len(),
                loaded.fonts.len(),
                loaded.logos.len(),
                if loaded.locked { ", locked" } else { "" }
            );
        }
        BrandCommand::Export { kit, out } => {
            let assets = streamwerk_brand_archive::export(&kit, &out).map_err(archive)?;
            println!("wrote {} with {assets} fonts and logos", out.display());
        }
        BrandCommand::Import { zip, into } => {
            let kit = streamwerk_brand_archive::import(&zip, &into).map_err(archive)?;
            println!(
                "unpacked {}; name it as `\"brand\"` in a collection",
                kit.display()
            );
        }
        BrandCommand::Lock { kit } => set_locked(kit, true)?,
        BrandCommand::Unlock { kit } => set_locked(kit, false)?,
    }
    Ok(())
}

fn set_locked(file: PathBuf, locked: bool) -> Outcome {
    let mut kit = load_brand(&file).map_err(bad_input)?;
    kit.locked = locked;
    write_document(&file, &kit)
        .map_err(|e| runtime(anyhow!("cannot write {}: {e}", file.display())))?;
    println!(
        "{}: {}",
        file.display(),
        if locked { "locked" } else { "unlocked" }
    );
    Ok(())
}
