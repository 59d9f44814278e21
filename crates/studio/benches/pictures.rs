//! Cost of one of the page's pictures (the worker renders them one at a time, off the
//! studio's lock): the demo's Live scene (test pattern, logo, lower third: sources opened,
//! one 1280x720 frame composed at 0.5 s, scaled to 320x180, JPEG, base64) and a gallery
//! lower third styled by the kit (added to a copy of the collection, drawn alone).

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;
use streamwerk_protocol::{PictureOf, TemplateSample};
use streamwerk_scene::{load_collection, TemplateKind};
use streamwerk_studio::pictures::render;

fn pictures(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/scenes/demo.json");
    let collection = load_collection(&path).expect("demo collection");
    let scene = PictureOf::Scene {
        name: "Live".into(),
    };
    c.bench_function("picture_scene_live", |b| {
        b.iter(|| render(&collection, &path, &scene).unwrap())
    });
    let template = PictureOf::Template {
        sample: TemplateSample {
            template: TemplateKind::LowerThird,
            title: None,
        },
    };
    c.bench_function("picture_gallery_lower_third", |b| {
        b.iter(|| render(&collection, &path, &template).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = pictures
}
criterion_main!(benches);
