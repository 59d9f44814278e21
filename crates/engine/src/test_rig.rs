//! A program on the video thread's own code, driven frame by frame, for tests that read the
//! pixels of every canvas at known frame numbers.

use crate::active_scene::{Canvases, OpenSources, ScenePlan, SceneVideo, Shown};
use crate::scene_audio::SceneAudio;
use streamwerk_media::I420;
use streamwerk_scene::{Collection, Transition};

/// A program on the video thread's code, driven frame by frame.
pub(crate) struct Rig {
    pub collection: Collection,
    pub video: SceneVideo,
    pub audio: SceneAudio,
    /// One per canvas, `main` first.
    canvases: Vec<Option<Canvases>>,
    open: OpenSources,
    index: u64,
}

impl Rig {
    pub fn new(collection: Collection, scene: &str) -> Rig {
        let mut rig = Rig {
            video: SceneVideo::empty(30),
            audio: SceneAudio::silent(2),
            canvases: collection
                .canvas_sizes()
                .into_iter()
                .map(|(_, w, h)| Some(Canvases::new(w, h)))
                .collect(),
            open: OpenSources::default(),
            index: 0,
            collection,
        };
        rig.show(Shown::program(scene), None);
        rig
    }

    pub fn show(&mut self, shown: Shown, transition: Option<&Transition>) {
        let plan = ScenePlan::prepare(&self.collection, shown, transition, &self.open).unwrap();
        self.open = plan.open_after();
        let (video, audio) = plan.split();
        self.video.apply(video);
        self.audio.apply(audio);
    }

    /// Renders the next frame (with the preview scene) and returns the program's picture.
    pub fn frame(&mut self) -> &I420 {
        self.video
            .render(self.index, &mut self.canvases, &[true, true]);
        self.index += 1;
        self.main().program()
    }

    pub fn main(&self) -> &Canvases {
        self.canvases[0].as_ref().unwrap()
    }

    /// Canvas `k`'s program picture of the last frame.
    pub fn picture(&self, k: usize) -> &I420 {
        self.canvases[k].as_ref().unwrap().program()
    }

    /// Renders the next frame and returns the program's (Y, U, V) at (x, y).
    pub fn pixel_at(&mut self, x: usize, y: usize) -> (u8, u8, u8) {
        yuv_at(self.frame(), x, y)
    }
}

pub fn yuv_at(p: &I420, x: usize, y: usize) -> (u8, u8, u8) {
    let w = p.width as usize;
    let c = (y / 2) * (w / 2) + x / 2;
    (p.y[y * w + x], p.u[c], p.v[c])
}

pub fn close(a: (u8, u8, u8), b: (u8, u8, u8), tolerance: i32) -> bool {
    let d = |a: u8, b: u8| (a as i32 - b as i32).abs() <= tolerance;
    d(a.0, b.0) && d(a.1, b.1) && d(a.2, b.2)
}
