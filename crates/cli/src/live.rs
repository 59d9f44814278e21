//! `record` and `stream`: run a scene live until Ctrl-C or a duration, reporting as it goes.

use crate::{bad_input, engine_failure, load_scene, runtime, Outcome};
use anyhow::anyhow;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use streamwerk_engine::{Engine, EngineConfig, RecordingSpec, StatsSnapshot};
use streamwerk_keys::KeyStore;
use streamwerk_outputs::{validate_url, Backoff, DestinationSpec, DestinationState};
use streamwerk_scene::{load_profile, Platform, Profile, RecordingFormat, Transition, MAIN_CANVAS};

/// What every live run takes.
#[derive(clap::Args)]
pub struct ShowArgs {
    /// Scene collection file (JSON).
    #[arg(long)]
    scene: PathBuf,
    /// Scene to run; the collection's first scene when absent.
    #[arg(long)]
    scene_name: Option<String>,
    /// Run at another canvas size, scaling the layout (for example 1920x1080).
    #[arg(long, value_parser = crate::parse_size)]
    canvas: Option<(u32, u32)>,
    /// Output profile (encoder settings, destinations); built-in defaults when absent.
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Stop after this many seconds; otherwise run until Ctrl-C.
    #[arg(long)]
    duration: Option<f64>,
    /// Replace a recording file that exists.
    #[arg(long)]
    overwrite: bool,
    /// Print one JSON line of statistics a second on stdout.
    #[arg(long)]
    stats_json: bool,
    /// Keep the last this many seconds (1 to 300) in memory; `save-replay` on standard input
    /// writes them to a file.
    #[arg(long)]
    replay_buffer: Option<f64>,
    /// How `transition SCENE` on standard input changes scenes when it names no transition:
    /// cut, fade, slide-left, slide-right, slide-up or slide-down, with :MS for the duration
    /// (fade:800). Replaces the collection's default; a scene's own transition still wins.
    #[arg(long, value_parser = Transition::parse_spec)]
    transition: Option<Transition>,
    #[command(flatten)]
    guests: crate::guests::GuestArgs,
}

#[derive(clap::Args)]
pub struct RecordArgs {
    #[command(flatten)]
    show: ShowArgs,
    /// Recording file: .mkv (Matroska) or .mp4 (fragmented MP4), of the main canvas or, as
    /// CANVAS=FILE, of another. Repeat to record several canvases (one file each, all
    /// starting at the same frame).
    #[arg(long, visible_alias = "record", required = true, value_parser = on_canvas)]
    out: Vec<(Option<String>, String)>,
}

/// `[CANVAS=]VALUE`: a canvas name (letters, digits, '-', '_') before the first '='.
fn on_canvas(arg: &str) -> Result<(Option<String>, String), String> {
    match arg.split_once('=') {
        Some((canvas, value))
            if !canvas.is_empty()
                && canvas
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            Ok((Some(canvas.to_string()), value.to_string()))
        }
        _ => Ok((None, arg.to_string())),
    }
}

#[derive(clap::Args)]
pub struct StreamArgs {
    #[command(flatten)]
    show: ShowArgs,
    /// A destination URL with its stream key: rtmp://host/app/KEY, rtmps://…, srt://host:port,
    /// as CANVAS=URL to stream another canvas than the platform's default (TikTok and
    /// Instagram: the first vertical canvas; others: main). Repeat for simulcast; each canvas
    /// is encoded once for all of its destinations.
    #[arg(long = "dest", value_parser = on_canvas)]
    destinations: Vec<(Option<String>, String)>,
    /// Also record locally to this file (.mkv or .mp4), as CANVAS=FILE for another canvas
    /// than main. Repeat to record several canvases.
    #[arg(long, value_parser = on_canvas)]
    record: Vec<(Option<String>, String)>,
    /// For rtmps:// destinations: a CA certificate file to trust besides the system's.
    #[arg(long)]
    ca_file: Option<PathBuf>,
    /// Hold the destinations' stream this many seconds (0 to 600), so `panic` can take back
    /// what viewers have not seen yet. The --record file is not delayed.
    #[arg(long, default_value_t = 0.0)]
    delay: f64,
    /// With --delay: also record exactly what viewers get (held, and cut short by a panic)
    /// to this file ([CANVAS=]FILE, repeatable as --record).
    #[arg(long, value_parser = on_canvas)]
    record_as_aired: Vec<(Option<String>, String)>,
}

pub fn record(args: RecordArgs) -> Outcome {
    let profile = load_profile_arg(&args.show)?;
    run(
        args.show,
        profile,
        args.out,
        Vec::new(),
        Vec::new(),
        Duration::ZERO,
    )
}

/// A destination to go live on, the platform whose limits it must respect, and its canvas
/// when told (else the platform's default).
type Destination = (DestinationSpec, Platform, Option<String>);

pub fn stream(args: StreamArgs) -> Outcome {
    let profile = load_profile_arg(&args.show)?;
    let spec = |name: String, url: String, platform, canvas| {
        let spec = DestinationSpec {
            name,
            url,
            backoff: Backoff::default(),
            ca_file: args.ca_file.clone(),
        };
        (spec, platform, canvas)
    };
    let mut specs = Vec::new();
    // The profile's enabled destinations, with their keys from the key store.
    let store = KeyStore::new();
    let file = args
        .show
        .profile
        .as_deref()
        .unwrap_or(Path::new("profile"))
        .display();
    for (i, d) in profile
        .destinations
        .iter()
        .enumerate()
        .filter(|(_, d)| d.enabled)
    {
        let at = format!("{file}: destinations[{i}] ({})", d.name);
        if d.key_per_broadcast {
            return Err(bad_input(anyhow!(
                "{at}: {} takes a new key each broadcast; pass this broadcast's URL and key as \
                 --dest (and disable the profile's entry), or go live from the studio, which \
                 asks for it",
                d.platform.label()
            )));
        }
        let key = match &d.key {
            Some(name) => Some(
                store
                    .get(name)
                    .map_err(|e| bad_input(anyhow!("{at}: {e}")))?,
            ),
            None => None,
        };
        let url = d.url(key.as_deref()).expect("validated: a server is known");
        validate_url(&url).map_err(|e| bad_input(anyhow!("{at}: {e}")))?;
        specs.push(spec(d.name.clone(), url, d.platform, d.canvas.clone()));
    }
    for (i, (canvas, url)) in args.destinations.iter().enumerate() {
        validate_url(url).map_err(|e| bad_input(anyhow!("--dest #{}: {e}", i + 1)))?;
        let platform = Platform::from_url(url);
        specs.push(spec(
            format!("dest{}", i + 1),
            url.clone(),
            platform,
            canvas.clone(),
        ));
    }
    if specs.is_empty() && args.record.is_empty() {
        return Err(bad_input(anyhow!(
            "nothing to send to: give a --dest URL, a --profile with enabled destinations, or --record FILE"
        )));
    }
    if !(0.0..=streamwerk_outputs::MAX_DELAY.as_secs_f64()).contains(&args.delay) {
        return Err(bad_input(anyhow!(
            "--delay {}: give 0 to {} seconds",
            args.delay,
            streamwerk_outputs::MAX_DELAY.as_secs()
        )));
    }
    if !args.record_as_aired.is_empty() && args.delay == 0.0 {
        return Err(bad_input(anyhow!(
            "--record-as-aired: without a --delay, what airs is what --record keeps; give --delay SECONDS or use --record"
        )));
    }
    run(
        args.show,
        profile,
        args.record,
        args.record_as_aired,
        specs,
        Duration::from_secs_f64(args.delay),
    )
}

fn load_profile_arg(args: &ShowArgs) -> Result<Profile, crate::Failure> {
    match &args.profile {
        Some(path) => load_profile(path).map_err(bad_input),
        None => Ok(Profile::default()),
    }
}

fn recording_format(out: &Path) -> Result<RecordingFormat, crate::Failure> {
    match out.extension().and_then(|e| e.to_str()) {
        Some("mkv") => Ok(RecordingFormat::Mkv),
        Some("mp4") => Ok(RecordingFormat::Mp4),
        _ => Err(bad_input(anyhow!(
            "{}: name the recording .mkv (survives crashes, the default) or .mp4 (fragmented)",
            out.display()
        ))),
    }
}

/// Files as ([canvas], path) from the command line.
type Files = Vec<(Option<String>, String)>;

fn run(
    args: ShowArgs,
    profile: Profile,
    out: Files,
    aired: Files,
    destinations: Vec<Destination>,
    delay: Duration,
) -> Outcome {
    let (mut collection, scene) = load_scene(&args.scene, args.scene_name, args.canvas)?;
    if let Some(transition) = args.transition {
        collection.transition = transition;
    }
    let canvases = collection.canvas_sizes();
    let size_of = |canvas: &str, what: &str| {
        canvases
            .iter()
            .find(|(name, ..)| name == canvas)
            .map(|&(_, w, h)| (w, h))
            .ok_or_else(|| {
                let names: Vec<&str> = canvases.iter().map(|(n, ..)| n.as_str()).collect();
                bad_input(anyhow!(
                    "{what}: {} has no canvas `{canvas}`; it has {} (add one with                      `streamwerk add-canvas`)",
                    args.scene.display(),
                    names.join(", ")
                ))
            })
    };
    let mut streams = Vec::new();
    for (spec, platform, canvas) in destinations {
        let canvas = canvas.unwrap_or_else(|| platform.default_canvas(&canvases));
        let (width, height) = size_of(&canvas, &spec.name)?;
        let video = profile.canvas_video.get(&canvas).unwrap_or(&profile.video);
        let picture = (width, height, collection.canvas.fps);
        for warning in platform.check(video, &profile.audio, picture) {
            let sources = platform.limits().map_or(Vec::new(), |l| l.sources.to_vec());
            eprintln!(
                "warning: {}: {warning}; see {}",
                spec.name,
                sources.join(" and ")
            );
        }
        streams.push((canvas, spec));
    }
    let destinations = streams;
    let duration = match args.duration {
        Some(d) if !(d.is_finite() && d > 0.0) => {
            return Err(bad_input(anyhow!(
                "--duration {d}: give a number of seconds above 0"
            )))
        }
        d => d.map(Duration::from_secs_f64),
    };
    let most = streamwerk_outputs::MAX_REPLAY.as_secs_f64();
    let replay_buffer = match args.replay_buffer {
        Some(s) if !(1.0..=most).contains(&s) => {
            return Err(bad_input(anyhow!(
                "--replay-buffer {s}: give 1 to {most} seconds"
            )))
        }
        s => s.map(Duration::from_secs_f64),
    };
    // Replays go beside the first recording (show-replay-1.mkv), else into the current folder.
    let replay_base = out.first().map_or_else(
        || PathBuf::from("replay"),
        |(_, o)| {
            let o = Path::new(o);
            o.with_file_name(format!(
                "{}-replay",
                o.file_stem().unwrap_or_default().to_string_lossy()
            ))
        },
    );
    let mut recordings = Vec::new();
    let mut aired_recordings = Vec::new();
    for ((canvas, out), aired) in out
        .iter()
        .map(|o| (o, false))
        .chain(aired.iter().map(|a| (a, true)))
    {
        let canvas = canvas.as_deref().unwrap_or(MAIN_CANVAS);
        size_of(canvas, out)?;
        let out = PathBuf::from(out);
        let format = recording_format(&out)?;
        if out.exists() && !args.overwrite {
            return Err(bad_input(anyhow!(
                "{} already exists; choose another name or pass --overwrite",
                out.display()
            )));
        }
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                bad_input(anyhow!("cannot create folder {}: {e}", parent.display()))
            })?;
        }
        let spec = RecordingSpec {
            canvas: canvas.to_string(),
            path: out,
            format,
        };
        if aired {
            aired_recordings.push(spec);
        } else {
            recordings.push(spec);
        }
    }

    let fps = collection.canvas.fps as f64;
    // Each guest on air is also recorded beside the first recording (ISO files).
    let iso_prefix = recordings.first().map(|r| r.path.with_extension(""));
    // Kept until the show ends: dropping it ends every guest's session.
    let guests = crate::guests::start(
        &args.guests,
        &collection,
        &profile.guest_network,
        !recordings.is_empty(),
        !destinations.is_empty(),
    )?;
    let engine = Engine::start(EngineConfig {
        collection,
        scene: scene.clone(),
        profile,
        recordings,
        aired_recordings,
        destinations,
        duration,
        delay,
        replay_buffer,
    })
    .map_err(engine_failure)?;
    if let (Some(endpoint), Some(prefix)) = (&guests, iso_prefix) {
        endpoint.record_isos(Some(streamwerk_guests::IsoPlan {
            prefix,
            origin: std::time::Instant::now(),
        }));
    }

    // First Ctrl-C: finish cleanly. Second: leave at once (recordings stay readable).
    let interrupts = Arc::new(AtomicUsize::new(0));
    let counter = interrupts.clone();
    ctrlc::set_handler(move || {
        if counter.fetch_add(1, Ordering::SeqCst) >= 1 {
            std::process::exit(130);
        }
    })
    .map_err(runtime)?;

    let progress = std::io::stderr().is_terminal();
    let operator = crate::operator::lines();
    let mut next_report = Instant::now() + Duration::from_secs(1);
    // Destinations whose weak uplink was reported, so each episode is said once.
    let mut short_uplinks = std::collections::HashSet::new();
    while !engine.is_finished() {
        std::thread::sleep(Duration::from_millis(50));
        if interrupts.load(Ordering::SeqCst) > 0 {
            engine.stop();
        }
        while let Ok(line) = operator.try_recv() {
            let said = crate::operator::carry_out(&engine, &line, &replay_base);
            if !said.is_empty() {
                if progress {
                    eprintln!();
                }
                eprintln!("{said}");
            }
        }
        if Instant::now() >= next_report {
            next_report += Duration::from_secs(1);
            let stats = engine.stats();
            report(&stats, args.stats_json, progress);
            for sink in &stats.sinks {
                match &sink.uplink {
                    Some(warning) if short_uplinks.insert(sink.name.clone()) => {
                        if progress {
                            eprintln!();
                        }
                        tracing::warn!("{warning}");
                    }
                    Some(_) => {}
                    None => {
                        short_uplinks.remove(&sink.name);
                    }
                }
            }
            // A recording that cannot be written ends the run; destinations fail alone.
            if stats
                .sinks
                .iter()
                .any(|s| s.destination.is_none() && s.error.is_some())
            {
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
    let files: Vec<&str> = out.iter().map(|(_, o)| o.as_str()).collect();
    let target = if files.is_empty() {
        String::new()
    } else {
        format!(" to {}", files.join(", "))
    };
    eprintln!(
        "ran {:.1} s of `{scene}`{target}: {} frames encoded, {} lagged, {} skipped",
        stats.frames_encoded as f64 / fps,
        stats.frames_encoded,
        stats.frames_lagged,
        stats.frames_skipped,
    );
    let mut failed = Vec::new();
    for sink in &stats.sinks {
        eprintln!(
            "  {}: {} packets, {} dropped{}",
            sink.name,
            sink.packets,
            sink.dropped,
            sink.destination
                .as_ref()
                .map_or(String::new(), |d| format!(", {} reconnects", d.reconnects))
        );
        // A destination's error stays set until it is live again: it ended without streaming.
        if let Some(error) = &sink.error {
            failed.push(error.clone());
        }
    }
    if !failed.is_empty() {
        return Err(runtime(anyhow!("{}", failed.join("\n"))));
    }
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
        let live = stats
            .sinks
            .iter()
            .filter(|s| {
                matches!(
                    s.destination.as_ref().map(|d| &d.state),
                    Some(DestinationState::Live)
                )
            })
            .count();
        eprint!(
            "\r{:02}:{:02}:{:02}  {:5.1} fps  {:6.0} kbps  lagged {}  skipped {}  dropped {}  live {}/{}   ",
            secs / 3600,
            secs / 60 % 60,
            secs % 60,
            stats.fps,
            stats.bitrate_kbps,
            stats.frames_lagged,
            stats.frames_skipped,
            stats.sinks.iter().map(|s| s.dropped).sum::<u64>(),
            live,
            stats.sinks.iter().filter(|s| s.destination.is_some()).count(),
        );
    }
}
