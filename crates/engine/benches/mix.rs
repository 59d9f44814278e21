//! Cost of one audio block (1024 samples, 21.3 ms of sound) through the mixer: eight stereo
//! sources, each with a noise gate, a gain filter, a fader and its meters (peak, RMS, EBU R128
//! momentary and short-term), summed, dithered, limited and metered on the master bus.

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;
use streamwerk_engine::ActiveScene;
use streamwerk_media::AudioBlock;
use streamwerk_scene::{load_collection, AudioFilter, AudioMix, Layer, NoiseGate, Source};

fn mix(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/scenes/demo.json");
    let mut collection = load_collection(&path).expect("demo collection");
    let tone = collection.source("tone").expect("the demo's tone").clone();
    let live = collection
        .scenes
        .iter()
        .position(|s| s.name == "Live")
        .unwrap();
    for i in 0..8 {
        let mut source: Source = tone.clone();
        source.id = format!("voice-{i}");
        source.audio = AudioMix {
            gain_db: -3.0,
            filters: vec![
                AudioFilter::NoiseGate(NoiseGate::default()),
                AudioFilter::Gain { db: 6.0 },
            ],
            ..AudioMix::default()
        };
        collection.scenes[live].layers.push(Layer {
            source: source.id.clone(),
            transform: Default::default(),
            visible: true,
            locked: false,
        });
        collection.sources.push(source);
    }
    collection.scenes[live]
        .layers
        .retain(|l| l.source != "tone");
    let mut scene = ActiveScene::open(&collection, "Live").unwrap();
    let mut block = AudioBlock::silent(2);
    let mut start = 0u64;
    c.bench_function("mix_8_strips_block", |b| {
        b.iter(|| {
            scene.audio.mix(start, &mut block);
            start += 1024;
        })
    });
}

criterion_group!(benches, mix);
criterion_main!(benches);
