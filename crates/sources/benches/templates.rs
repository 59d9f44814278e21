//! What a graphics template costs the video thread per frame at 1080p: a held lower third (one
//! still picture, nothing drawn), one sliding in (the shifted copy into its own buffer), and a
//! ticker (its band and the message's strip blended at the frame's offset).

use criterion::{criterion_group, criterion_main, Criterion};
use streamwerk_media::Tick;
use streamwerk_scene::{Rgba, TemplateKind, TemplateSettings};
use streamwerk_sources::{Template, TemplateFonts, TextRenderer, VideoSource};

fn settings(kind: TemplateKind, width: u32, height: u32) -> TemplateSettings {
    TemplateSettings {
        subtitle: "Head of Social, Streamwerk".into(),
        background: Rgba::opaque(0x6D, 0x28, 0xD9),
        ..TemplateSettings::new(
            kind,
            "Alex Rivera  ·  New episodes every Thursday",
            width,
            height,
        )
    }
}

fn open(s: &TemplateSettings) -> Template {
    let fonts = TemplateFonts {
        headline: None,
        body: None,
    };
    Template::new(s, 30, fonts, &mut TextRenderer::new())
}

fn templates(c: &mut Criterion) {
    let mut group = c.benchmark_group("templates_1080p");
    // The lower third a 1080p canvas gets from the gallery: 1037x173.
    let lower_third = settings(TemplateKind::LowerThird, 1037, 173);
    let mut held = open(&lower_third);
    let mut index = 0u64;
    for _ in 0..20 {
        held.advance(Tick { index, fps: 30 });
        index += 1;
    }
    group.bench_function("lower_third_held", |b| {
        b.iter(|| {
            held.advance(Tick { index, fps: 30 });
            index += 1;
        })
    });
    // Sliding in: shown and hidden in turn, so every measured frame is mid-animation.
    let mut sliding = open(&lower_third);
    let mut frame = 0u64;
    group.bench_function("lower_third_sliding", |b| {
        b.iter(|| {
            let phase = frame % 24;
            sliding.set_shown(&[Some(phase < 12)]);
            sliding.advance(Tick {
                index: frame,
                fps: 30,
            });
            frame += 1;
        })
    });
    // The same on two canvases (views 0 and 2), each sliding: the cost per canvas showing it.
    let mut two = open(&lower_third);
    let mut frame = 0u64;
    group.bench_function("lower_third_sliding_two_canvases", |b| {
        b.iter(|| {
            let shown = Some(frame % 24 < 12);
            two.set_shown(&[shown, None, shown]);
            two.advance(Tick {
                index: frame,
                fps: 30,
            });
            frame += 1;
        })
    });
    let mut ticker = open(&settings(TemplateKind::Ticker, 1920, 81));
    let mut index = 0u64;
    group.bench_function("ticker_frame", |b| {
        b.iter(|| {
            ticker.advance(Tick { index, fps: 30 });
            index += 1;
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(std::time::Duration::from_secs(3));
    targets = templates
}
criterion_main!(benches);
