//! `streamwerk`: the engine without a window, for servers, automation and tests.
//! Exit codes: 0 done, 2 bad input (the message names the place and the fix), 1 runtime failure.

mod arrange;
mod brand;
mod canvases;
mod guests;
mod keys;
mod live;
mod obs;
mod operator;
mod relay;
mod serve;

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use streamwerk_scene::{check_collection, load_collection, verdict, Collection};

#[derive(Parser)]
#[command(
    name = "streamwerk",
    version,
    about = "Branded live streams and recordings, headless"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Record a scene to a file (MKV, or fragmented MP4) until Ctrl-C or --duration. Reads
    /// operator commands on standard input: `cut SCENE`, `panic`, `stop`.
    Record(live::RecordArgs),
    /// Go live: encode once, send to every --dest (RTMP, RTMPS, SRT), optionally record too.
    /// Reads operator commands on standard input: `cut SCENE`, `panic`, `stop`.
    Stream(live::StreamArgs),
    /// Open the studio in a browser: serves the UI and its control API on 127.0.0.1 with a token.
    Serve(serve::ServeArgs),
    /// Compose one frame of a scene and save it as PNG.
    RenderFrame {
        /// Scene collection file (JSON).
        #[arg(long)]
        scene: PathBuf,
        /// Scene to render; the collection's first scene when absent.
        #[arg(long)]
        scene_name: Option<String>,
        /// Render at another canvas size, scaling the layout (for example 1920x1080).
        #[arg(long, value_parser = parse_size)]
        canvas: Option<(u32, u32)>,
        /// The canvas to render (`main`, or one of the collection's `canvases`).
        #[arg(long, default_value = "main")]
        canvas_name: String,
        /// Time of the frame in seconds from the start.
        #[arg(long, default_value_t = 0.0)]
        at: f64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Add a canvas (such as a vertical one) with every scene arranged for it automatically.
    AddCanvas(canvases::AddCanvasArgs),
    /// Arrange a scene's cameras and guests side by side, in a grid or around a speaker.
    Arrange(arrange::ArrangeArgs),
    /// Import an OBS scene collection into a new collection, reporting what was mapped,
    /// approximated and left out.
    ImportObs(obs::ImportObsArgs),
    /// Check a scene collection and report every problem with its JSON path.
    Validate { file: PathBuf },
    /// Brand kits: check, lock or unlock, export to and import from a .zip.
    #[command(subcommand)]
    Brand(brand::BrandCommand),
    /// Store or remove stream keys (OS keyring; a 0600 file where no keyring service runs).
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Write an nginx-rtmp configuration that takes one stream and pushes it to many
    /// destinations: upload once, fan out on a server.
    RelayConfig(relay::RelayArgs),
    /// Copy a recording into another container without re-encoding (MKV to MP4 for upload).
    Remux { input: PathBuf, output: PathBuf },
    /// List cameras and sound inputs, with the ids a scene's `device` field takes.
    Devices {
        /// Print JSON: `{"cameras": [...], "audio_inputs": [...]}`.
        #[arg(long)]
        json: bool,
    },
    /// Print the completion script for a shell (bash: save it as
    /// /usr/share/bash-completion/completions/streamwerk, or source it).
    Completions { shell: clap_complete::Shell },
    /// Print the manual page (roff), as `man streamwerk` shows it; with a command, its page
    /// (`man streamwerk-serve`).
    Manual { command: Option<String> },
}

/// A manual page: the command's (listing its subcommands as `streamwerk-NAME(1)`), or with
/// `command` that subcommand's, each as clap renders it from the same definitions as --help.
fn manual(command: Option<&str>) -> Outcome {
    let cli = <Cli as clap::CommandFactory>::command();
    let page = match command {
        None => cli,
        Some(name) => {
            let sub = cli.find_subcommand(name).ok_or_else(|| {
                bad_input(anyhow::anyhow!(
                    "`{name}` is not a streamwerk command; see streamwerk --help"
                ))
            })?;
            sub.clone()
                .name(format!("streamwerk-{name}"))
                .bin_name(format!("streamwerk {name}"))
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    clap_mangen::Man::new(page)
        .render(&mut std::io::stdout())
        .map_err(runtime)
}

/// Why a command failed, which decides the exit code.
pub enum Failure {
    BadInput(anyhow::Error),
    Runtime(anyhow::Error),
}

pub type Outcome = Result<(), Failure>;

pub fn bad_input(e: impl Into<anyhow::Error>) -> Failure {
    Failure::BadInput(e.into())
}

pub fn runtime(e: impl Into<anyhow::Error>) -> Failure {
    Failure::Runtime(e.into())
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,pulseaudio::client=off".into()),
        )
        .init();
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Record(args) => live::record(args),
        Command::Stream(args) => live::stream(args),
        Command::Serve(args) => serve::run(args),
        Command::RenderFrame {
            scene,
            scene_name,
            canvas,
            canvas_name,
            at,
            out,
        } => render_frame(&scene, scene_name, canvas, &canvas_name, at, &out),
        Command::AddCanvas(args) => canvases::add_canvas(args),
        Command::Arrange(args) => arrange::arrange(args),
        Command::ImportObs(args) => obs::import_obs(args),
        Command::Validate { file } => validate(&file),
        Command::Brand(command) => brand::run(command),
        Command::RelayConfig(args) => relay::run(args),
        Command::Keys(command) => keys::run(command),
        Command::Remux { input, output } => remux(&input, &output),
        Command::Devices { json } => devices(json),
        Command::Completions { shell } => {
            let mut cli = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cli, "streamwerk", &mut std::io::stdout());
            Ok(())
        }
        Command::Manual { command } => manual(command.as_deref()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BadInput(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
        Err(Failure::Runtime(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// `1920x1080` as (width, height).
pub fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text
        .split_once('x')
        .ok_or("write the size as WIDTHxHEIGHT, such as 1920x1080")?;
    Ok((
        w.parse().map_err(|_| format!("`{w}` is not a width"))?,
        h.parse().map_err(|_| format!("`{h}` is not a height"))?,
    ))
}

/// Loads a collection, rescaled to `canvas` when given, and picks the scene to run: the named
/// one, or the first.
pub fn load_scene(
    file: &Path,
    scene_name: Option<String>,
    canvas: Option<(u32, u32)>,
) -> Result<(Collection, String), Failure> {
    let mut collection = load_collection(file).map_err(bad_input)?;
    if let Some((width, height)) = canvas {
        collection.rescale_canvas(width, height);
        let problems = check_collection(&collection);
        let flag = PathBuf::from(format!("--canvas {width}x{height}"));
        collection = verdict(collection, problems, &flag).map_err(bad_input)?;
    }
    let name = match scene_name {
        Some(name) => name,
        None => collection.scenes[0].name.clone(),
    };
    Ok((collection, name))
}

fn engine_failure(e: streamwerk_engine::EngineError) -> Failure {
    if e.is_bad_input() {
        bad_input(e)
    } else {
        runtime(e)
    }
}

fn render_frame(
    scene: &Path,
    scene_name: Option<String>,
    canvas: Option<(u32, u32)>,
    canvas_name: &str,
    at: f64,
    out: &Path,
) -> Outcome {
    let (collection, name) = load_scene(scene, scene_name, canvas)?;
    let collection = collection.for_canvas(canvas_name).ok_or_else(|| {
        bad_input(anyhow::anyhow!(
            "{}: there is no canvas `{canvas_name}`; it has {}",
            scene.display(),
            collection.canvas_names().join(", ")
        ))
    })?;
    let image = streamwerk_engine::render_frame(&collection, &name, at).map_err(engine_failure)?;
    image::save_buffer(
        out,
        &image.to_straight_alpha(),
        image.width,
        image.height,
        image::ColorType::Rgba8,
    )
    .with_context(|| format!("cannot write {}", out.display()))
    .map_err(runtime)?;
    println!("{}", out.display());
    Ok(())
}

fn validate(file: &Path) -> Outcome {
    let collection = load_collection(file).map_err(bad_input)?;
    println!(
        "{}: ok ({} sources, {} scenes, {}x{} at {} fps)",
        file.display(),
        collection.sources.len(),
        collection.scenes.len(),
        collection.canvas.width,
        collection.canvas.height,
        collection.canvas.fps
    );
    Ok(())
}

fn remux(input: &Path, output: &Path) -> Outcome {
    use streamwerk_outputs::OutputError;
    let summary = streamwerk_outputs::remux(input, output).map_err(|e| match e {
        OutputError::Input { .. }
        | OutputError::UnknownFormat { .. }
        | OutputError::SidecarFormat { .. } => bad_input(e),
        _ => runtime(e),
    })?;
    println!(
        "{} -> {}: {} streams, {} packets, {} chapters",
        input.display(),
        output.display(),
        summary.streams,
        summary.packets,
        summary.chapters
    );
    Ok(())
}

fn devices(json: bool) -> Outcome {
    let list = streamwerk_capture::list_devices().map_err(runtime)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&list).map_err(runtime)?);
        return Ok(());
    }
    println!("Cameras:");
    if list.cameras.is_empty() {
        println!(
            "  none found (no video device is connected; the test_pattern source can stand in)"
        );
    }
    for camera in &list.cameras {
        println!(
            "  {}  {}  ({} modes)",
            camera.index,
            camera.name,
            camera.formats.len()
        );
    }
    println!("Sound inputs:");
    if list.audio_inputs.is_empty() {
        println!("  none found");
    }
    for input in &list.audio_inputs {
        let default = if input.is_default { "  [default]" } else { "" };
        println!(
            "  {}  {}  ({} ch, {} Hz){default}",
            input.id, input.name, input.channels, input.sample_rate
        );
    }
    Ok(())
}
