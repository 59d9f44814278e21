use crate::{bad_input, engine_failure, load_scene, runtime, Outcome};
use anyhow::anyhow;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use streamwerk_engine::{Engine, EngineConfig, StatsSnapshot};
use streamwerk_scene::{load_profile, Profile, RecordingFormat};

#[derive(clap::Args)]
pub struct RecordArgs {
    /// Scene collection file (JSON).
    #[arg(long)]
    scene: PathBuf,
    /// Scene to record; the collection's first scene when absent.
    #[arg(long)]
    scene_name: Option<String>,
    /// Record at another canvas size, scaling the layout (for example 1920x1080).
    #[arg(long, value_parser = crate::parse_size)]
    canvas: Option<(u32, u32)>,
    /// Output profile (encoder settings); built-in defaults when absent.
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Recording file: .mkv (Matroska) or .mp4 (fragmented MP4).
    #[arg(long)]
    out: PathBuf,
    /// Stop after this many seconds; otherwise run until Ctrl-C.
    #[arg(long)]
    duration: Option<f64>,
    /// Replace the output file if it exists.
    #[arg(long)]
    overwrite: bool,
    /// Print one JSON line of statistics a second on stdout.
    #[arg(long)]
    stats_json: bool,
}

pub fn run(args: RecordArgs) -> Outcome {
    let (collection, scene) = load_scene(&args.scene, args.scene_name, args.canvas)?;
    let profile = match &args.profile {
        Some(path) => load_profile(path).map_err(bad_input)?,
        None => Profile::default(),
    };
    let format = match args.out.extension().and_then(|e| e.to_str()) {
        Some("mkv") => RecordingFormat::Mkv,
        Some("mp4") => RecordingFormat::Mp4,
        _ => {
            return Err(bad_input(anyhow!(
                "--out {}: name the recording .mkv (survives crashes, the default) or .mp4 (fragmented)",
                args.out.display()
            )))
        }
    };
    if args.out.exists() && !args.overwrite {
        return Err(bad_input(anyhow!(
            "--out {} already exists; choose another name or pass --overwrite",
            args.out.display()
        )));
    }
    let duration = match args.duration {
        Some(d) if !(d.is_finite() && d > 0.0) => {
            return Err(bad_input(anyhow!(
                "--duration {d}: give a number of seconds above 0"
            )))
        }
        d => d.map(Duration::from_secs_f64),
    };
    if let Some(parent) = args.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| bad_input(anyhow!("cannot create folder {}: {e}", parent.display())))?;
    }

    let fps = collection.canvas.fps as f64;
    let engine = Engine::start(EngineConfig {
        collection,
        scene: scene.clone(),
        profile,
        recordings: vec![(args.out.clone(), format)],
        duration,
    })
    .map_err(engine_failure)?;

    // First Ctrl-C: finish cleanly. Second: leave at once (the recording stays readable).
    let interrupts = Arc::new(AtomicUsize::new(0));
    let counter = interrupts.clone();
    ctrlc::set_handler(move || {
        if counter.fetch_add(1, Ordering::SeqCst) >= 1 {
            std::process::exit(130);
        }
    })
    .map_err(runtime)?;

    let progress = std::io::stderr().is_terminal();
    let mut next_report = Instant::now() + Duration::from_secs(1);
    while !engine.is_finished() {
        std::thread::sleep(Duration::from_millis(50));
        if interrupts.load(Ordering::SeqCst) > 0 {
            engine.stop();
        }
        if Instant::now() >= next_report {
            next_report += Duration::from_secs(1);
            let stats = engine.stats();
            report(&stats, args.stats_json, progress);
            if stats.sinks.iter().any(|s| s.error.is_some()) {
                engine.stop();
            }
        }
    }
    let stats = engine.wait().map_err(runtime)?;
    if args.stats_json {
        report(&stats, true, false);
    }
    if progress {
        eprintln!();
    }
    eprintln!(
        "recorded {:.1} s of `{scene}` to {}: {} frames encoded, {} lagged, {} skipped, {} dropped",
        stats.frames_encoded as f64 / fps,
        args.out.display(),
        stats.frames_encoded,
        stats.frames_lagged,
        stats.frames_skipped,
        stats.sinks.iter().map(|s| s.dropped).sum::<u64>(),
    );
    Ok(())
}

fn report(stats: &StatsSnapshot, json: bool, progress: bool) {
    if json {
        let line = serde_json::to_string(stats).expect("stats serialise");
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
    if progress {
        let secs = stats.elapsed_s as u64;
        eprint!(
            "\r{:02}:{:02}:{:02}  {:5.1} fps  {:6.0} kbps  lagged {}  skipped {}  dropped {}   ",
            secs / 3600,
            secs / 60 % 60,
            secs % 60,
            stats.fps,
            stats.bitrate_kbps,
            stats.frames_lagged,
            stats.frames_skipped,
            stats.sinks.iter().map(|s| s.dropped).sum::<u64>()
        );
    }
}
