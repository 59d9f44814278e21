//! `streamwerk add-canvas`: another canvas (a vertical one beside the 16:9 show) with every
//! scene arranged for it from the main layout, ready to adjust in the studio.

use crate::{bad_input, engine_failure, Outcome};
use anyhow::anyhow;
use std::path::PathBuf;
use streamwerk_scene::{check_collection, load_collection, verdict};

#[derive(clap::Args)]
pub struct AddCanvasArgs {
    /// Scene collection file (JSON).
    #[arg(long)]
    scene: PathBuf,
    /// The new canvas's name, such as vertical.
    #[arg(long)]
    name: String,
    /// Its size, such as 1080x1920.
    #[arg(long, value_parser = crate::parse_size)]
    size: (u32, u32),
    /// Where to write the result; the collection file itself when absent.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn add_canvas(args: AddCanvasArgs) -> Outcome {
    let mut collection = load_collection(&args.scene).map_err(bad_input)?;
    // Layers without an explicit size take their source's: open each once to learn it.
    let sizes = streamwerk_engine::source_sizes(&collection).map_err(engine_failure)?;
    let (width, height) = args.size;
    streamwerk_scene::add_canvas(&mut collection, &args.name, width, height, |id| {
        sizes
            .iter()
            .find(|(s, ..)| s == id)
            .map(|(_, w, h)| (*w, *h))
    })
    .map_err(|e| bad_input(anyhow!("{}: {e}", args.scene.display())))?;
    let problems = check_collection(&collection);
    let flag = PathBuf::from(format!("--size {width}x{height}"));
    let collection = verdict(collection, problems, &flag).map_err(bad_input)?;
    // Relative asset paths stay right only beside the original.
    let same_folder = args
        .out
        .as_ref()
        .is_none_or(|o| o.parent() == args.scene.parent());
    let out = args.out.clone().unwrap_or_else(|| args.scene.clone());
    let mut saved = collection.clone();
    if !same_folder {
        saved.make_paths_absolute();
    }
    streamwerk_scene::write_document(&out, &saved.to_document())
        .map_err(|e| bad_input(anyhow!("cannot write {}: {e}", out.display())))?;
    eprintln!(
        "added canvas `{}` ({width}x{height}) to {} scenes in {}; adjust the layouts in the studio",
        args.name,
        collection.scenes.len(),
        out.display()
    );
    Ok(())
}
