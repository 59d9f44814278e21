//! A scene's picture at the canvas's size, for remote clients (obs-websocket's
//! GetSourceScreenshot, which stream decks show on their keys). The scene on air, and studio
//! mode's preview scene, come from the live picture; any other scene is rendered as the
//! page's scene pictures are (a camera or network input drawn as a placeholder: it is not
//! opened twice).

use crate::pictures::{rgba_of, scene_image};
use crate::{refused, Studio, StudioError};
use std::time::Duration;
use streamwerk_engine::Preview;
use streamwerk_media::{Image, I420};

/// Long enough for a frame at any canvas rate, and for a preview scene that only starts
/// being composed once watched.
const FRAME_WAIT: Duration = Duration::from_millis(500);

impl Studio {
    /// `scene` as canvas `canvas` shows it, in RGBA at the canvas's size.
    pub fn scene_picture(&self, scene: &str, canvas: &str) -> Result<Image, StudioError> {
        let (collection, live) = {
            let inner = self.lock();
            let live = if inner.program_scene == scene {
                Some(true)
            } else if inner.preview_scene.as_deref() == Some(scene) {
                Some(false)
            } else {
                None
            };
            (inner.collection.clone(), live)
        };
        if collection.scene(scene).is_none() {
            return Err(refused(format!("there is no scene `{scene}`")));
        }
        let on = collection
            .for_canvas(canvas)
            .ok_or_else(|| refused(format!("there is no canvas `{canvas}`")))?;
        if let Some(program) = live {
            let (on_air, preview_scene) = self.previews.canvas(canvas);
            let watch = Preview::watch(if program { &on_air } else { &preview_scene });
            let mut picture = I420::new(2, 2);
            // The frame kept from before anyone watched may be old: wait for the next one.
            let kept = watch
                .next(0, Duration::ZERO, &mut picture)
                .map_or(0, |f| f.seq);
            if watch.next(kept, FRAME_WAIT, &mut picture).is_some() {
                return rgba_of(&picture).map_err(StudioError::Refused);
            }
        }
        scene_image(&on, scene).map_err(StudioError::Refused)
    }
}
