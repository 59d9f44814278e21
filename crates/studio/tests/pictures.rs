//! The pictures the page shows in the scene list and the Graphics tab, rendered by the engine:
//! decoded and read where the demo puts its bars, its lower third and its dark card.

use base64::Engine as _;
use std::time::{Duration, Instant};
use streamwerk_protocol::{Command, Event, Picture, PictureOf, TemplateSample};
use streamwerk_scene::TemplateKind;

mod common;
use common::{demo_studio, near};

/// Waits for the pictures of `wanted` (in any order) among the studio's events.
fn pictures(
    events: &mut tokio::sync::broadcast::Receiver<Event>,
    wanted: &[PictureOf],
) -> Vec<(Picture, image::RgbImage)> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut got: Vec<(Picture, image::RgbImage)> = Vec::new();
    while got.len() < wanted.len() {
        assert!(
            Instant::now() < deadline,
            "only {} pictures came",
            got.len()
        );
        let Ok(Event::Pictures { pictures }) = events.try_recv() else {
            std::thread::sleep(Duration::from_millis(20));
            continue;
        };
        for p in pictures {
            let jpeg = p.url.strip_prefix("data:image/jpeg;base64,").unwrap();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(jpeg)
                .unwrap();
            let image = image::load_from_memory(&bytes).unwrap().to_rgb8();
            assert_eq!(image.dimensions(), (p.width, p.height));
            got.push((p, image));
        }
    }
    wanted
        .iter()
        .map(|w| got.iter().find(|(p, _)| &p.of == w).unwrap().clone())
        .collect()
}

#[test]
fn scenes_graphics_and_gallery_templates_come_as_small_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    let mut events = studio.subscribe();
    let lower_third = TemplateSample {
        template: TemplateKind::LowerThird,
        title: None,
    };
    let wanted = [
        PictureOf::Scene {
            name: "Live".into(),
        },
        PictureOf::Scene {
            name: "Be right back".into(),
        },
        PictureOf::Template {
            sample: lower_third.clone(),
        },
    ];
    studio
        .handle(Command::RenderPictures {
            scenes: vec!["Live".into(), "Be right back".into(), "Nowhere".into()],
            sources: vec![],
            templates: vec![lower_third],
        })
        .unwrap();
    let got = pictures(&mut events, &wanted);
    let (live, brb, template) = (&got[0].1, &got[1].1, &got[2].1);
    // The 1280x720 scenes at a quarter: the grey bar at the top left, the lower third's
    // violet bar lower right of centre; the dark card of Be right back.
    assert_eq!(live.dimensions(), (320, 180));
    let grey = live.get_pixel(5, 75).0;
    assert!(near(grey, [191, 191, 191]), "bars {grey:?}");
    let bar = live.get_pixel(225, 160).0;
    assert!(bar[2] > 170 && bar[1] < 90, "lower third {bar:?}");
    let card = brb.get_pixel(6, 6).0;
    assert!(near(card, [0x1E, 0x1B, 0x4B]), "card {card:?}");
    // The gallery's lower third alone, at its own shape (691x115): the kit's violet bar.
    let (w, h) = template.dimensions();
    assert_eq!(w, 320);
    assert!((50..=56).contains(&h), "{w}x{h}");
    let violet = template.get_pixel(w / 2, h - 3).0;
    assert!(
        near(violet, [101, 39, 203]),
        "gallery lower third {violet:?}"
    );
    // Nothing was added to the collection by drawing the gallery.
    assert!(studio.state().collection.source("lower-third-1").is_none());

    // A graphic of the collection, once added: the same picture.
    studio
        .handle(Command::AddTemplate {
            scene: "Live".into(),
            template: TemplateKind::Ticker,
            title: Some("Hello".into()),
        })
        .unwrap();
    let ticker = PictureOf::Source {
        id: "ticker-1".into(),
    };
    studio
        .handle(Command::RenderPictures {
            scenes: vec![],
            sources: vec!["ticker-1".into()],
            templates: vec![],
        })
        .unwrap();
    let got = pictures(&mut events, std::slice::from_ref(&ticker));
    let (w, h) = got[0].1.dimensions();
    assert!(w == 320 && h < 40, "a ticker is a band: {w}x{h}");
    studio.shutdown();
}
