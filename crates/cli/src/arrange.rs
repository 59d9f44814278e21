//! `streamwerk arrange`: the people of a scene (its cameras and guest spots) arranged side by
//! side, in a grid or around a speaker on one canvas, as the studio's Guests tab does.

use crate::{bad_input, Outcome};
use anyhow::anyhow;
use std::collections::BTreeMap;
use std::path::PathBuf;
use streamwerk_scene::{arrange_people, dress_people, load_collection, PeopleLayout, MAIN_CANVAS};

#[derive(clap::Args)]
pub struct ArrangeArgs {
    /// Scene collection file (JSON); written back in place.
    #[arg(long)]
    scene: PathBuf,
    /// The scene whose people to arrange.
    #[arg(long)]
    scene_name: String,
    /// side-by-side (stacked on a vertical canvas), grid or speaker.
    #[arg(long, value_parser = parse_layout)]
    layout: PeopleLayout,
    /// The canvas to arrange them on.
    #[arg(long, default_value = MAIN_CANVAS)]
    canvas: String,
    /// The source (a camera or guest spot) the speaker layout makes large; the lowest layer
    /// when absent.
    #[arg(long)]
    speaker: Option<String>,
    /// Also frame each person and give them a name tag, in the brand kit's style.
    #[arg(long)]
    frames_and_names: bool,
}

fn parse_layout(name: &str) -> Result<PeopleLayout, String> {
    PeopleLayout::parse(name).ok_or_else(|| "use side-by-side, grid or speaker".to_string())
}

pub fn arrange(args: ArrangeArgs) -> Outcome {
    let mut collection = load_collection(&args.scene).map_err(bad_input)?;
    let placed = arrange_people(
        &mut collection,
        &args.scene_name,
        &args.canvas,
        args.layout,
        args.speaker.as_deref(),
    )
    .map_err(|e| bad_input(anyhow!("{}: {e}", args.scene.display())))?;
    if args.frames_and_names {
        collection = dress_people(
            &collection,
            &args.scene_name,
            &args.canvas,
            &placed,
            &BTreeMap::new(),
            &args.scene,
        )
        .map_err(|e| bad_input(anyhow!("{}: {e}", args.scene.display())))?;
    }
    streamwerk_scene::write_document(&args.scene, &collection.to_document())
        .map_err(|e| bad_input(anyhow!("cannot write {}: {e}", args.scene.display())))?;
    eprintln!(
        "arranged {} in `{}` on canvas `{}`",
        placed.join(", "),
        args.scene_name,
        args.canvas
    );
    Ok(())
}
