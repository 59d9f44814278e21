//! Compositing cost of the demo's branded "Live" scene at 1920x1080, colour conversion
//! included: the steady state (the test pattern's moving box and counter change, the logo and
//! lower third are cached) and the worst case, a scene switch, where every pixel is redone.

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;
use streamwerk_compositor::Compositor;
use streamwerk_engine::ActiveScene;
use streamwerk_scene::{load_collection, Collection};

fn demo_1080p() -> Collection {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/scenes/demo.json");
    let mut collection = load_collection(&path).expect("demo collection");
    collection.rescale_canvas(1920, 1080);
    collection
}

fn compose(c: &mut Criterion) {
    let collection = demo_1080p();
    let mut group = c.benchmark_group("compose_1080p");

    let mut live = ActiveScene::open(&collection, "Live").unwrap();
    let mut compositor = Compositor::new(1920, 1080);
    let mut index = 0u64;
    group.bench_function("live_steady", |b| {
        b.iter(|| {
            live.video.compose(index, &mut compositor);
            index += 1;
        })
    });

    let mut brb = ActiveScene::open(&collection, "Be right back").unwrap();
    let mut on_live = false;
    group.bench_function("scene_switch_full_redraw", |b| {
        b.iter(|| {
            on_live = !on_live;
            let scene = if on_live { &mut live } else { &mut brb };
            scene.video.compose(index, &mut compositor);
            index += 1;
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(std::time::Duration::from_secs(4));
    targets = compose
}
criterion_main!(benches);
