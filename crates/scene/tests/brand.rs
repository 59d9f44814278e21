//! Brand kits: references resolved on load and written back on save, a kit change restyling
//! every source that names it, and the problems a kit or a reference can have.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use streamwerk_scene::*;

fn assets() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo test"))
        .join("../../assets")
}

fn demo() -> Collection {
    load_collection(&assets().join("scenes/demo.json")).unwrap()
}

fn settings<'a>(c: &'a Collection, id: &str) -> &'a SourceKind {
    &c.source(id).unwrap().kind
}

#[test]
fn references_resolve_to_the_kits_values_and_are_written_back_on_save() {
    let demo = demo();
    let branding = demo.branding.as_ref().expect("the demo names a kit");
    assert_eq!(branding.kit.name, "Streamwerk");
    let SourceKind::Color(bar) = settings(&demo, "lower-third-bar") else {
        panic!("a colour source")
    };
    assert_eq!(bar.color, Rgba::parse("#6D28D9E6").unwrap());
    let SourceKind::Image(logo) = settings(&demo, "logo") else {
        panic!("an image source")
    };
    assert!(logo.path.is_absolute() && logo.path.ends_with("logos/streamwerk-logo.png"));
    let SourceKind::Template(slate) = settings(&demo, "starting-soon") else {
        panic!("a template")
    };
    assert!(slate
        .font
        .as_ref()
        .unwrap()
        .ends_with("fonts/DejaVuSans-Bold.ttf"));

    let saved = demo.to_document();
    let source = |id: &str| -> Value {
        let all = saved["sources"].as_array().unwrap();
        all.iter().find(|s| s["id"] == id).unwrap()["settings"].clone()
    };
    assert_eq!(source("lower-third-bar")["color"], "brand:primary");
    assert_eq!(source("logo")["path"], "brand:logo");
    assert_eq!(source("starting-soon")["font"], "brand:headline");
    assert_eq!(
        source("brb-text")["outline"]["color"],
        "#000000",
        "plain values stay"
    );
    assert_eq!(saved["brand"], "../brand/streamwerk.brand.json");
}

#[test]
fn a_value_changed_by_hand_is_saved_as_written() {
    let mut demo = demo();
    let source = demo.sources.iter_mut().find(|s| s.id == "lower-third-bar");
    let SourceKind::Color(bar) = &mut source.unwrap().kind else {
        panic!("a colour source")
    };
    bar.color = Rgba::opaque(1, 2, 3);
    let saved = demo.to_document();
    let bar = saved["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "lower-third-bar")
        .unwrap();
    assert_eq!(bar["settings"]["color"], "#010203");
}

#[test]
fn a_changed_kit_restyles_every_source_that_names_it() {
    let demo = demo();
    let branding = demo.branding.clone().unwrap();
    let mut kit = branding.kit.clone();
    kit.colors
        .insert("primary".into(), Rgba::opaque(0, 128, 64));
    let restyled = demo.rebranded(kit, branding.path.clone()).unwrap();
    let SourceKind::Color(bar) = settings(&restyled, "lower-third-bar") else {
        panic!("a colour source")
    };
    assert_eq!(bar.color, Rgba::opaque(0, 128, 64));
    let SourceKind::Template(ticker) = settings(&restyled, "ticker") else {
        panic!("a template")
    };
    assert_eq!(ticker.background, Rgba::opaque(0, 128, 64));
    let SourceKind::Template(slate) = settings(&restyled, "starting-soon") else {
        panic!("a template")
    };
    assert_eq!(
        slate.background,
        Rgba::parse("#1E1B4B").unwrap(),
        "`dark` did not change"
    );
    // Still written back as references.
    assert_eq!(
        restyled.to_document()["sources"][2]["settings"]["color"],
        "brand:primary"
    );
}

#[test]
fn a_kit_without_a_name_the_collection_uses_is_refused_naming_the_field() {
    let demo = demo();
    let branding = demo.branding.clone().unwrap();
    let mut kit = branding.kit.clone();
    kit.colors.remove("subtle");
    let err = demo.rebranded(kit, branding.path).unwrap_err().to_string();
    assert!(
        err.contains("sources[5].settings.color")
            && err.contains("`brand:subtle` is not among the colors of brand kit `Streamwerk`")
            && err.contains("name one of: accent, dark, primary, text"),
        "{err}"
    );
}

#[test]
fn references_without_a_kit_and_bad_kits_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let doc = json!({
        "schema_version": 2, "name": "x",
        "canvas": { "width": 640, "height": 360, "fps": 30 },
        "sources": [{ "id": "c", "kind": "color",
                      "settings": { "color": "brand:primary", "width": 10, "height": 10 } }],
        "scenes": [{ "name": "s", "layers": [{ "source": "c" }] }]
    });
    let err = parse_collection(&doc.to_string(), Path::new("x.json"), dir.path().into())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("brand: sources name brand kit values (`brand:NAME`) but no kit is set"),
        "{err}"
    );

    // `"brand": null` is no kit; a kit that is not a file name says so.
    let mut plain = doc.clone();
    plain["sources"][0]["settings"]["color"] = json!("#112233");
    plain["brand"] = Value::Null;
    parse_collection(&plain.to_string(), Path::new("x.json"), dir.path().into()).unwrap();
    plain["brand"] = json!(5);
    let err = parse_collection(&plain.to_string(), Path::new("x.json"), dir.path().into())
        .unwrap_err()
        .to_string();
    assert!(err.contains("brand: 5 is not a file name"), "{err}");

    let kit = dir.path().join("bad.brand.json");
    std::fs::write(
        &kit,
        json!({ "schema_version": 1, "name": "Bad",
                "colors": { "primary": "#112233", "bad name": "#000000" },
                "logos": { "logo": "missing.png" } })
        .to_string(),
    )
    .unwrap();
    let err = load_brand(&kit).unwrap_err().to_string();
    for expected in [
        "colors.bad name: `bad name` is not a usable name",
        "logos.logo: file not found",
        "defaults.accent: names colour `accent`, which is not in `colors`",
    ] {
        assert!(err.contains(expected), "{expected} in {err}");
    }
}

#[test]
fn templates_are_placed_inside_the_kits_safe_margin() {
    let lower = template_area(TemplateKind::LowerThird, 1280, 720, 0.05);
    assert_eq!((lower.x, lower.y + lower.h), (64.0, 684.0));
    let vertical = template_area(TemplateKind::LowerThird, 720, 1280, 0.05);
    assert!(vertical.x + vertical.w <= 720.0 - 36.0, "{vertical:?}");
    // Above the band a vertical canvas keeps clear (the same as its automatic layout).
    let band = safe_area(720, 1280);
    assert!(
        vertical.y + vertical.h <= band.y + band.h + 0.5,
        "{vertical:?} {band:?}"
    );
    let slate = template_area(TemplateKind::Slate, 1280, 720, 0.05);
    assert_eq!((slate.w, slate.h), (1280.0, 720.0));
}
