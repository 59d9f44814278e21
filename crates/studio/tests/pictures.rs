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
            brand_files: vec![],
            guests: vec![],
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
            brand_files: vec![],
            guests: vec![],
        })
        .unwrap();
    let got = pictures(&mut events, std::slice::from_ref(&ticker));
    let (w, h) = got[0].1.dimensions();
    assert!(w == 320 && h < 40, "a ticker is a band: {w}x{h}");
    studio.shutdown();
}

#[test]
fn a_font_and_a_logo_sent_by_the_page_join_the_kit_and_have_pictures() {
    use streamwerk_protocol::{BrandFile, BrandFileGroup};
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    let mut events = studio.subscribe();
    let b64 = |path: &str| {
        let bytes = std::fs::read(format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        base64::engine::general_purpose::STANDARD.encode(bytes)
    };
    studio
        .handle(Command::AddBrandFile {
            group: BrandFileGroup::Logos,
            name: "partner".into(),
            file_name: "Partner Logo.png".into(),
            data: b64("assets/logos/streamwerk-logo.png"),
        })
        .unwrap();
    studio
        .handle(Command::AddBrandFile {
            group: BrandFileGroup::Fonts,
            name: "headline".into(),
            file_name: "Headline.ttf".into(),
            data: b64("assets/fonts/DejaVuSans.ttf"),
        })
        .unwrap();
    // Stored beside the kit under clean new names, named in the kit and saved with it.
    let kit_dir = dir.path().join("brand");
    assert!(kit_dir.join("Partner-Logo.png").is_file());
    assert!(kit_dir.join("Headline.ttf").is_file());
    let kit = studio.state().brand.unwrap().kit;
    assert_eq!(kit.logos["partner"].to_str(), Some("Partner-Logo.png"));
    assert_eq!(kit.fonts["headline"].to_str(), Some("Headline.ttf"));
    let saved = std::fs::read_to_string(kit_dir.join("streamwerk.brand.json")).unwrap();
    assert!(saved.contains("\"headline\": \"Headline.ttf\""), "{saved}");
    // A picture sent as a font is refused; nothing is left behind.
    let before = std::fs::read_dir(&kit_dir).unwrap().count();
    let err = common::refusal(studio.handle(Command::AddBrandFile {
        group: BrandFileGroup::Fonts,
        name: "body".into(),
        file_name: "body.ttf".into(),
        data: b64("assets/logos/streamwerk-logo.png"),
    }));
    assert!(err.contains("is not a font (TTF or OTF)"), "{err}");
    assert_eq!(std::fs::read_dir(&kit_dir).unwrap().count(), before);

    // Their pictures: the logo's violet over the panel, the font's white sample line.
    let logo = PictureOf::BrandFile {
        file: BrandFile {
            group: BrandFileGroup::Logos,
            name: "partner".into(),
        },
    };
    let font = PictureOf::BrandFile {
        file: BrandFile {
            group: BrandFileGroup::Fonts,
            name: "headline".into(),
        },
    };
    studio
        .handle(Command::RenderPictures {
            scenes: vec![],
            sources: vec![],
            templates: vec![],
            brand_files: vec![
                BrandFile {
                    group: BrandFileGroup::Logos,
                    name: "partner".into(),
                },
                BrandFile {
                    group: BrandFileGroup::Fonts,
                    name: "headline".into(),
                },
            ],
            guests: vec![],
        })
        .unwrap();
    let got = pictures(&mut events, &[logo, font]);
    let (logo, font) = (&got[0].1, &got[1].1);
    let violet = logo.pixels().filter(|p| p[2] > 170 && p[1] < 80).count();
    assert!(violet > 100, "{violet} violet pixels in the logo");
    let (w, h) = font.dimensions();
    assert_eq!((w, h), (320, 120));
    let white = font
        .pixels()
        .filter(|p| p.0.iter().all(|&c| c > 220))
        .count();
    let panel = font.get_pixel(w - 2, h - 2).0;
    assert!(
        white > 50 && near(panel, [0x2a, 0x2d, 0x35]),
        "{white} white, panel {panel:?}"
    );
    studio.shutdown();
}
