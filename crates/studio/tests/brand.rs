//! The brand page against a running program: a kit colour restyles what is on air, a locked
//! kit keeps branded layers in place while their text changes, templates come from the
//! gallery styled by the kit, and kits travel as archives.

use streamwerk_protocol::{Command, LayerTransform, StudioState};
use streamwerk_scene::{Rgba, Source, SourceKind, TemplateKind, Transform};
use streamwerk_studio::PreviewView;

mod common;
use common::{add_shown_template, demo_studio, near, next_frame, refusal, rgb_at};

fn now_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64
}

/// The program frames composed from `since_us` on, for `ms` milliseconds, as (composed µs
/// after `since_us`, picture).
fn frames_after(
    stream: &mut streamwerk_studio::PreviewStream,
    since_us: u64,
    ms: u64,
) -> Vec<(u64, image::RgbImage)> {
    let mut frames = Vec::new();
    loop {
        let ((_, composed, ..), picture) = next_frame(stream);
        if composed <= since_us {
            continue;
        }
        if composed > since_us + ms * 1000 {
            return frames;
        }
        frames.push((composed - since_us, picture));
    }
}

fn source(state: &StudioState, id: &str) -> Source {
    state.collection.source(id).unwrap().clone()
}

/// Adds a lower third from the gallery to "Live"; returns its layer there.
fn add_lower_third_to_live(studio: &streamwerk_studio::Studio) -> streamwerk_scene::Layer {
    studio
        .handle(Command::AddTemplate {
            scene: "Live".into(),
            template: TemplateKind::LowerThird,
            title: None,
        })
        .unwrap();
    let state = studio.state();
    let live = state.collection.scene("Live").unwrap();
    live.layers.last().unwrap().clone()
}

fn saved(path: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn saved_source(path: &str, id: &str) -> serde_json::Value {
    let doc = saved(path);
    let all = doc["sources"].as_array().unwrap();
    all.iter().find(|s| s["id"] == id).unwrap()["settings"].clone()
}

#[test]
fn a_kit_colour_restyles_the_lower_third_on_air() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    let mut program = studio.preview_stream(&PreviewView::program()).unwrap();
    // Right of the guest's title, the lower third's bar is all there is over the camera.
    let (x, y) = (900, 600);
    let before = rgb_at(&mut program, x, y);
    assert!(!near(before, [0x00, 0xA0, 0x50]), "{before:?}");

    let mut kit = studio.state().brand.expect("the demo has a kit").kit;
    kit.colors
        .insert("primary".into(), Rgba::opaque(0x00, 0xA0, 0x50));
    studio.handle(Command::UpdateBrand { kit }).unwrap();
    // Every frame begun after the command returned has the new colour, the first too (a
    // frame is stamped when composed, so one begun just before the return is let pass).
    let changed = now_us() + 34_000;
    let after = frames_after(&mut program, changed, 200);
    assert!(after.len() >= 3, "{} frames", after.len());
    for (at, picture) in &after {
        let colour = picture.get_pixel(x, y).0;
        assert!(near(colour, [0x00, 0xA0, 0x50]), "{colour:?} {at} µs after");
    }

    let state = studio.state();
    let brand = state.brand.as_ref().unwrap();
    let on_disk: streamwerk_scene::BrandKit =
        serde_json::from_str(&std::fs::read_to_string(&brand.path).unwrap()).unwrap();
    assert_eq!(on_disk.colors["primary"], Rgba::opaque(0x00, 0xA0, 0x50));
    // The collection still names the kit's colour, not the value.
    assert_eq!(
        saved_source(&state.collection_path, "lower-third-bar")["color"],
        "brand:primary"
    );
    // A kit missing a colour the collection uses is refused, naming it.
    let mut kit = brand.kit.clone();
    kit.colors.remove("accent");
    let err = refusal(studio.handle(Command::UpdateBrand { kit }));
    assert!(err.contains("defaults.accent"), "{err}");
    studio.shutdown();
}

#[test]
fn a_locked_kit_keeps_branded_layers_in_place_and_their_text_editable() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    studio
        .handle(Command::SetBrandLock { locked: true })
        .unwrap();
    let state = studio.state();
    let brand = state.brand.as_ref().unwrap();
    assert!(brand.kit.locked);
    assert!(brand.branded.contains(&"logo".to_string()));
    assert!(!brand.branded.contains(&"camera".to_string()));

    let move_logo = || Command::SetTransforms {
        scene: "Live".into(),
        layers: vec![LayerTransform {
            source: "logo".into(),
            transform: Transform {
                x: 10.0,
                ..Default::default()
            },
        }],
        canvas: None,
    };
    let err = refusal(studio.handle(move_logo()));
    assert!(
        err.contains("`logo` is branded and the brand kit `Streamwerk` is locked")
            && err.contains("cannot move or resize; unlock the kit on the Brand page"),
        "{err}"
    );
    let err = refusal(studio.handle(Command::RemoveLayer {
        scene: "Live".into(),
        source: "lower-third-bar".into(),
    }));
    assert!(err.contains("cannot be removed"), "{err}");
    // The unbranded camera still moves.
    studio
        .handle(Command::SetTransforms {
            scene: "Live".into(),
            layers: vec![LayerTransform {
                source: "camera".into(),
                transform: Transform::default(),
            }],
            canvas: None,
        })
        .unwrap();

    // The guest's name changes; its colour does not.
    let mut name = source(&state, "name");
    let SourceKind::Text(text) = &mut name.kind else {
        panic!("a text source")
    };
    text.text = "Sam Okafor".into();
    studio
        .handle(Command::UpdateSource {
            source: name.clone(),
        })
        .unwrap();
    let SourceKind::Text(text) = &mut name.kind else {
        unreachable!()
    };
    text.color = Rgba::opaque(255, 0, 0);
    let err = refusal(studio.handle(Command::UpdateSource { source: name }));
    assert!(
        err.contains("cannot change its style (only its text)"),
        "{err}"
    );
    let state = studio.state();
    let SourceKind::Text(text) = &source(&state, "name").kind else {
        unreachable!()
    };
    assert_eq!(
        (text.text.as_str(), text.color),
        ("Sam Okafor", Rgba::WHITE)
    );
    // Editing the kit cannot unlock it; the lock switch can.
    let mut kit = state.brand.unwrap().kit;
    kit.locked = false;
    let err = refusal(studio.handle(Command::UpdateBrand { kit }));
    assert!(err.contains("Lock switch on the Brand page"), "{err}");
    studio
        .handle(Command::SetBrandLock { locked: false })
        .unwrap();
    studio.handle(move_logo()).unwrap();
    studio.shutdown();
}

#[test]
fn a_template_from_the_gallery_is_styled_by_the_kit_and_placed_in_the_safe_area() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    let layer = add_lower_third_to_live(&studio);
    let state = studio.state();
    let SourceKind::Template(t) = &source(&state, "lower-third-1").kind else {
        panic!("a template")
    };
    assert_eq!(
        (t.title.as_str(), t.subtitle.as_str()),
        ("Guest name", "Title, Company")
    );
    assert_eq!(t.background, Rgba::parse("#6D28D9E6").unwrap());
    assert!(t.font.as_ref().unwrap().ends_with("DejaVuSans-Bold.ttf"));
    assert_eq!(layer.source, "lower-third-1");
    // Inside the 5 % margin of 1280x720 (64 px from the left), and above the demo's own lower
    // third (its bar at y = 544) rather than on it.
    let (x, y, h) = (
        layer.transform.x,
        layer.transform.y,
        layer.transform.height.unwrap(),
    );
    assert_eq!(x, 64.0);
    assert!(y >= 36.0 && y + h < 544.0, "{:?}", layer.transform);
    assert!(!layer.visible, "a new graphic waits off air");
    // A second lower third is placed above the first, not on it.
    let second = add_lower_third_to_live(&studio);
    assert_eq!(second.source, "lower-third-2");
    let t = &second.transform;
    assert_eq!(t.x, 64.0);
    assert!(
        t.y + t.height.unwrap() < y && t.y >= 36.0,
        "{t:?} above y = {y}"
    );
    let settings = saved_source(&state.collection_path, "lower-third-1");
    assert_eq!(settings["background"], "brand:primary");
    assert_eq!(settings["font"], "brand:headline");

    // A slate with its own title, on a scene that does not exist: refused.
    let err = refusal(studio.handle(Command::AddTemplate {
        scene: "Nowhere".into(),
        template: TemplateKind::Slate,
        title: Some("Be right back".into()),
    }));
    assert!(err.contains("there is no scene `Nowhere`"), "{err}");
    studio.shutdown();
}

#[test]
fn a_kit_exported_and_imported_becomes_the_collections_kit() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    studio
        .handle(Command::ExportBrand {
            path: "kit.zip".into(),
        })
        .unwrap();
    assert!(dir.path().join("kit.zip").is_file());
    studio
        .handle(Command::ImportBrand {
            path: "kit.zip".into(),
        })
        .unwrap();
    let state = studio.state();
    let brand = state.brand.clone().unwrap();
    assert!(
        brand.path.ends_with("kit/streamwerk.brand.json"),
        "{}",
        brand.path
    );
    assert_eq!(
        saved(&state.collection_path)["brand"],
        "kit/streamwerk.brand.json"
    );
    let SourceKind::Image(logo) = &source(&state, "logo").kind else {
        panic!("an image")
    };
    assert!(
        logo.path.starts_with(dir.path().join("kit")),
        "{:?}",
        logo.path
    );
    // Importing into the same folder again is refused; nothing is overwritten.
    let err = refusal(studio.handle(Command::ImportBrand {
        path: "kit.zip".into(),
    }));
    assert!(
        err.contains("is not empty; import into a new folder"),
        "{err}"
    );
    studio.shutdown();
}

#[test]
fn a_lower_third_slides_out_when_hidden_and_in_when_shown() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    let mut program = studio.preview_stream(&PreviewView::program()).unwrap();
    let scene = "Be right back";
    studio
        .handle(Command::SwitchScene {
            scene: scene.into(),
        })
        .unwrap();
    add_shown_template(&studio, scene, TemplateKind::LowerThird);
    // The lower third at (64, 569), 691x115, over the dark background: its bottom row of
    // pixels (no text) at its left and right ends.
    let (left, right, y) = (100, 735, 676);
    let (purple, dark) = ([101, 39, 203], [0x1E, 0x1B, 0x4B]);
    let colours = |p: &image::RgbImage| (p.get_pixel(left, y).0, p.get_pixel(right, y).0);
    let sliding = |frames: &[(u64, image::RgbImage)]| {
        frames.iter().any(|(_, p)| {
            let (l, r) = colours(p);
            near(l, purple) && near(r, dark)
        })
    };
    let entering = frames_after(&mut program, now_us(), 800);
    let (l, r) = colours(&entering.last().unwrap().1);
    assert!(near(l, purple) && near(r, purple), "fully in: {l:?} {r:?}");
    // Entering, the left end arrives before the right one.
    assert!(sliding(&entering), "no frame of the slide in");

    let layer = |visible| Command::SetLayerVisible {
        scene: scene.into(),
        source: "lower-third-1".into(),
        visible,
        canvas: None,
        every_canvas: None,
    };
    studio.handle(layer(false)).unwrap();
    let leaving = frames_after(&mut program, now_us(), 800);
    // The first frames still show it (it does not cut), the right end leaves first, and
    // after the 400 ms slide it is gone.
    let (l, _) = colours(&leaving[0].1);
    assert!(near(l, purple), "cut instead of sliding out: {l:?}");
    assert!(sliding(&leaving), "no frame of the slide out");
    let (l, r) = colours(&leaving.last().unwrap().1);
    assert!(near(l, dark) && near(r, dark), "gone: {l:?} {r:?}");

    studio.handle(layer(true)).unwrap();
    let shown = frames_after(&mut program, now_us(), 800);
    let (l, r) = colours(&shown.last().unwrap().1);
    assert!(near(l, purple) && near(r, purple), "back: {l:?} {r:?}");
    studio.shutdown();
}
