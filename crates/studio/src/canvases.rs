//! Canvases in the studio: adding one (every scene arranged on it from the main layout) and
//! removing one. Either changes what the program composes, so only an idle studio does it.

use crate::documents::save_json;
use crate::{accept, refused, Inner, Studio, StudioError};
use streamwerk_protocol::{Command, NoticeLevel};
use streamwerk_scene::{add_canvas, check_collection, SourceKind, MAIN_CANVAS};

impl Studio {
    /// `AddCanvas` and `RemoveCanvas`.
    pub(crate) fn edit_canvases(
        &self,
        inner: &mut Inner,
        command: Command,
    ) -> Result<(), StudioError> {
        let mut next = inner.collection.clone();
        let said = match command {
            Command::AddCanvas {
                name,
                width,
                height,
            } => {
                let sizes = natural_sizes(inner)?;
                let natural = |id: &str| {
                    sizes
                        .iter()
                        .find(|(known, ..)| known == id)
                        .map(|&(_, w, h)| (w, h))
                };
                add_canvas(&mut next, &name, width, height, natural).map_err(refused)?;
                format!(
                    "added canvas `{name}` ({width}x{height}) with every scene arranged on it; \
                     adjust its layouts"
                )
            }
            Command::RemoveCanvas { name } => {
                if name == MAIN_CANVAS {
                    return Err(refused(
                        "the main canvas cannot be removed; every other canvas is made from it",
                    ));
                }
                let before = next.canvases.len();
                next.canvases.retain(|c| c.name != name);
                if next.canvases.len() == before {
                    return Err(refused(format!("there is no canvas `{name}`")));
                }
                for scene in &mut next.scenes {
                    scene.layouts.remove(&name);
                }
                format!("removed canvas `{name}`")
            }
            _ => unreachable!("Studio::handle sends only canvas commands here"),
        };
        accept(check_collection(&next))?;
        let scene = inner.program_scene.clone();
        self.replace_collection(inner, next, scene)?;
        save_json(&inner.collection_path, &inner.collection.to_document())?;
        self.notice(NoticeLevel::Info, said);
        Ok(())
    }
}

/// The picture size of every source, by id: those on screen from the running program (a
/// camera among them), the others opened once. Devices not on screen are not opened: their
/// size is unknown until they are shown.
fn natural_sizes(inner: &Inner) -> Result<Vec<(String, u32, u32)>, StudioError> {
    let mut sizes = inner.program.source_sizes();
    let mut rest = inner.collection.clone();
    let unknown = |id: &str| {
        !sizes.iter().any(|(known, ..)| known == id)
            && inner.collection.source(id).is_some_and(|s| {
                !matches!(s.kind, SourceKind::Camera(_) | SourceKind::Microphone(_))
            })
    };
    for scene in &mut rest.scenes {
        scene.layers.retain(|l| unknown(&l.source));
        scene.layouts.clear();
    }
    rest.canvases.clear();
    sizes.extend(streamwerk_engine::source_sizes(&rest)?);
    Ok(sizes)
}
