//! The studio's settings, collection and preview commands against a real program: the demo
//! collection composed on the master clock, recorded with x264, its preview encoded as JPEG.

use std::path::{Path, PathBuf};
use std::time::Duration;
use streamwerk_protocol::{Command, StudioState};
use streamwerk_scene::{Canvas, RecordingFormat};
use streamwerk_studio::PreviewView;

mod common;
use common::{demo_studio, near, next_frame, refusal, rgb_at};

fn canvas(state: &StudioState, width: u32, height: u32) -> Canvas {
    Canvas {
        width,
        height,
        ..state.collection.canvas
    }
}

#[test]
fn the_canvas_and_encoder_are_fixed_while_recording_and_change_when_idle() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    let state = studio.state();
    let title = |s: &StudioState| {
        let layers = &s.collection.scenes[0].layers;
        layers
            .iter()
            .find(|l| l.source == "title")
            .unwrap()
            .transform
            .x
    };
    let title_x = title(&state);
    assert_eq!(title_x, 100.0);
    studio.handle(Command::StartRecording).unwrap();

    let busy = refusal(studio.handle(Command::SetCanvas {
        canvas: canvas(&state, 1920, 1080),
    }));
    assert!(busy.contains("cannot change while recording"), "{busy}");
    let mut video = state.profile.video.clone();
    video.bitrate_kbps = 2500;
    let mut recording = state.profile.recording.clone();
    recording.format = RecordingFormat::Mp4;
    let busy = refusal(studio.handle(Command::SetOutputSettings {
        video: video.clone(),
        audio: state.profile.audio.clone(),
        recording: recording.clone(),
    }));
    assert!(busy.contains("encoder cannot change"), "{busy}");
    // The recording format alone applies to the next recording, so it may change now.
    studio
        .handle(Command::SetOutputSettings {
            video: state.profile.video.clone(),
            audio: state.profile.audio.clone(),
            recording,
        })
        .unwrap();
    assert_eq!(
        studio.state().profile.recording.format,
        RecordingFormat::Mp4
    );
    studio.handle(Command::StopRecording).unwrap();

    studio
        .handle(Command::SetCanvas {
            canvas: canvas(&state, 1920, 1080),
        })
        .unwrap();
    studio
        .handle(Command::SetOutputSettings {
            video,
            audio: state.profile.audio.clone(),
            recording: studio.state().profile.recording,
        })
        .unwrap();
    let after = studio.state();
    assert_eq!(
        (
            after.collection.canvas.width,
            after.collection.canvas.height
        ),
        (1920, 1080)
    );
    let scaled = title(&after);
    assert!(
        (scaled - 1.5 * title_x).abs() < 0.01,
        "{title_x} -> {scaled}"
    );
    assert_eq!(after.profile.video.bitrate_kbps, 2500);
    // Both were saved.
    let saved = std::fs::read_to_string(dir.path().join("demo.json")).unwrap();
    assert!(saved.contains("1920"), "{saved}");
    let profile = std::fs::read_to_string(dir.path().join("profile.json")).unwrap();
    assert!(
        profile.contains("2500") && profile.contains("\"mp4\""),
        "{profile}"
    );
    studio.shutdown();
}

#[test]
fn save_as_never_replaces_a_file_and_open_names_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    studio
        .handle(Command::SaveCollectionAs {
            path: "copy.json".into(),
        })
        .unwrap();
    let copy = dir.path().join("copy.json");
    assert_eq!(studio.state().collection_path, copy.display().to_string());
    let again = refusal(studio.handle(Command::SaveCollectionAs {
        path: "copy.json".into(),
    }));
    assert!(
        again.contains("exists") && again.contains("copy.json"),
        "{again}"
    );
    let profile = refusal(studio.handle(Command::SaveCollectionAs {
        path: "profile.json".into(),
    }));
    assert!(profile.contains("other than the profile"), "{profile}");

    // Edits go to the copy now; the original keeps what it had.
    studio
        .handle(Command::AddScene {
            name: "Copy only".into(),
        })
        .unwrap();
    assert!(std::fs::read_to_string(&copy)
        .unwrap()
        .contains("Copy only"));
    let original = dir.path().join("demo.json");
    assert!(!std::fs::read_to_string(&original)
        .unwrap()
        .contains("Copy only"));
    let listed = studio.state().collections;
    let names: Vec<PathBuf> = listed.iter().map(PathBuf::from).collect();
    assert!(
        names.contains(&copy) && names.contains(&original),
        "{listed:?}"
    );

    let missing = refusal(studio.handle(Command::OpenCollection {
        path: "nope.json".into(),
    }));
    assert!(missing.contains("nope.json"), "{missing}");
    studio
        .handle(Command::OpenCollection {
            path: original.display().to_string(),
        })
        .unwrap();
    let state = studio.state();
    assert_eq!(state.collection_path, original.display().to_string());
    assert!(!state
        .collection
        .scenes
        .iter()
        .any(|s| s.name == "Copy only"));
    studio.shutdown();
}

#[test]
fn the_preview_is_the_program_as_jpeg_and_follows_a_new_canvas() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    let mut stream = studio.preview_stream(&PreviewView::program()).unwrap();
    let ((seq, composed_us, width, height), picture) = next_frame(&mut stream);
    assert_eq!((width, height), (1280, 720));
    assert_eq!(picture.dimensions(), (1280, 720));
    let now_us = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64;
    assert!(now_us - composed_us < 1_000_000, "a fresh frame");
    // The lower third's accent bar (#F59E0B at x 64..76, y 544..656) keeps its colour through
    // BT.709 limited range, RGB and JPEG: a range or matrix mix-up would be off by 15 or more.
    let accent = picture.get_pixel(70, 600);
    for (got, want) in accent.0.iter().zip([0xF5u8, 0x9E, 0x0B]) {
        assert!((*got as i32 - want as i32).abs() <= 12, "accent {accent:?}");
    }
    let distinct: std::collections::HashSet<[u8; 3]> = picture
        .pixels()
        .map(|p| [p[0] >> 4, p[1] >> 4, p[2] >> 4])
        .collect();
    assert!(distinct.len() > 50, "not blank: {} colours", distinct.len());
    let ((seq2, ..), _) = next_frame(&mut stream);
    assert!(seq2 > seq);

    studio
        .handle(Command::SetCanvas {
            canvas: canvas(&studio.state(), 854, 480),
        })
        .unwrap();
    // The same stream carries the restarted program's frames.
    let mut size = (0, 0);
    for _ in 0..30 {
        let ((_, _, w, h), _) = next_frame(&mut stream);
        size = (w, h);
        if size == (854, 480) {
            break;
        }
    }
    assert_eq!(size, (854, 480));
    studio.shutdown();
}

#[test]
fn the_file_picker_lists_subfolders_and_media_files_only() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    let media = dir.path().join("media");
    std::fs::create_dir_all(media.join("clips")).unwrap();
    for name in [
        "logo.PNG",
        "intro.mp4",
        "notes.txt",
        ".hidden.png",
        "voice.wav",
        "obs-scenes.json",
    ] {
        std::fs::write(media.join(name), b"x").unwrap();
    }
    let mut events = studio.subscribe();
    studio
        .handle(Command::ListFiles {
            folder: Some("media".into()),
            json: false,
        })
        .unwrap();
    let listing = files_event(&mut events);
    let names: Vec<(&str, bool)> = listing
        .entries
        .iter()
        .map(|e| (e.name.as_str(), e.folder))
        .collect();
    assert_eq!(
        names,
        [
            ("clips", true),
            ("intro.mp4", false),
            ("logo.PNG", false),
            ("voice.wav", false)
        ]
    );
    let media = media.canonicalize().unwrap();
    assert_eq!(listing.folder, media.display().to_string());
    assert_eq!(
        listing.parent.as_deref(),
        Some(media.parent().unwrap().to_str().unwrap())
    );
    assert_eq!(
        listing.entries[1].path,
        media.join("intro.mp4").display().to_string()
    );
    // The picker for collections (Import from OBS) lists .json files instead.
    studio
        .handle(Command::ListFiles {
            folder: Some("media".into()),
            json: true,
        })
        .unwrap();
    let listing = files_event(&mut events);
    let names: Vec<&str> = listing.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["clips", "obs-scenes.json"]);
    let missing = refusal(studio.handle(Command::ListFiles {
        folder: Some("nowhere".into()),
        json: false,
    }));
    assert!(missing.contains("nowhere"), "{missing}");
    studio.shutdown();
}

#[test]
fn an_obs_collection_is_imported_beside_the_open_one_and_opened() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    let mut events = studio.subscribe();
    let obs = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/obs/macos-30.1.2-vulbyte-obsSettings-main_scene.json");
    let path = obs.display().to_string();
    studio
        .handle(Command::ImportObs {
            path: path.clone(),
            profile_dir: None,
            fit_1080p: None,
        })
        .unwrap();
    let state = studio.state();
    let file = dir
        .path()
        .join("macos-30.1.2-vulbyte-obsSettings-main_scene-from-obs.json");
    assert_eq!(state.collection_path, file.display().to_string());
    assert!(file.is_file());
    assert_eq!(
        (
            state.collection.canvas.width,
            state.collection.canvas.height
        ),
        (3840, 2160)
    );
    assert_eq!(state.program_scene, "Scene");
    let said: Vec<String> = std::iter::from_fn(|| events.try_recv().ok())
        .filter_map(|e| match e {
            streamwerk_protocol::Event::Notice { message, .. } => Some(message),
            _ => None,
        })
        .collect();
    assert!(
        said.iter()
            .any(|m| m.contains("7 approximated") && m.contains("screen_capture")),
        "{said:?}"
    );
    let camera = |state: &StudioState| {
        let id = &state
            .collection
            .sources
            .iter()
            .find(|s| s.name == "cintiq")
            .unwrap()
            .id;
        let layer = state.collection.scenes[0]
            .layers
            .iter()
            .find(|l| &l.source == id)
            .unwrap();
        (layer.transform.x, layer.transform.width.unwrap())
    };
    let at_4k = camera(&state);
    // Again, fitted to 1080p: a second file, never the first replaced; every layer halved.
    studio
        .handle(Command::ImportObs {
            path,
            profile_dir: None,
            fit_1080p: Some(true),
        })
        .unwrap();
    let state = studio.state();
    assert!(state.collection_path.ends_with("-from-obs-2.json"));
    assert_eq!(
        (
            state.collection.canvas.width,
            state.collection.canvas.height
        ),
        (1920, 1080)
    );
    assert_eq!(camera(&state), (at_4k.0 / 2.0, at_4k.1 / 2.0));
    let wrong = refusal(studio.handle(Command::ImportObs {
        path: "demo.json".into(),
        profile_dir: None,
        fit_1080p: None,
    }));
    assert!(wrong.contains("not an OBS scene collection"), "{wrong}");
    studio.shutdown();
}

/// The picker's answer among the events received so far.
fn files_event(
    events: &mut tokio::sync::broadcast::Receiver<streamwerk_protocol::Event>,
) -> streamwerk_protocol::FileListing {
    std::iter::from_fn(|| events.try_recv().ok())
        .find_map(|e| match e {
            streamwerk_protocol::Event::Files { listing } => Some(listing),
            _ => None,
        })
        .expect("a files event")
}

#[test]
fn panic_cuts_to_the_safe_scene_which_is_marked_renamed_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    assert_eq!(studio.state().program_scene, "Live");
    studio.handle(Command::Panic).unwrap();
    let state = studio.state();
    assert_eq!(
        state.program_scene, "Be right back",
        "the demo's safe scene"
    );
    // The safe scene cannot be removed while it is the one; a rename carries the mark along.
    studio
        .handle(Command::SwitchScene {
            scene: "Live".into(),
        })
        .unwrap();
    let why = refusal(studio.handle(Command::RemoveScene {
        scene: "Be right back".into(),
    }));
    assert!(why.contains("is the safe scene"), "{why}");
    studio
        .handle(Command::RenameScene {
            scene: "Be right back".into(),
            name: "Back soon".into(),
        })
        .unwrap();
    assert_eq!(
        studio.state().collection.safe_scene.as_deref(),
        Some("Back soon")
    );
    // Marking a scene that does not exist is refused by the collection's own check.
    let why = refusal(studio.handle(Command::SetSafeScene {
        scene: Some("Nowhere".into()),
    }));
    assert!(
        why.contains("safe_scene") && why.contains("`Nowhere`"),
        "{why}"
    );
    // Unmarked, a panic says how to mark one and changes nothing.
    studio
        .handle(Command::SetSafeScene { scene: None })
        .unwrap();
    let why = refusal(studio.handle(Command::Panic));
    assert!(why.contains("no scene is marked safe"), "{why}");
    assert_eq!(studio.state().program_scene, "Live");
    // Saved at once.
    let saved = std::fs::read_to_string(dir.path().join("demo.json")).unwrap();
    assert!(!saved.contains("safe_scene"), "{saved}");
}

#[test]
fn the_stream_delay_is_fixed_while_live_and_stopping_can_wait_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    let why = refusal(studio.handle(Command::SetStreamDelay { seconds: 700.0 }));
    assert!(
        why.contains("stream_delay_s") && why.contains("600"),
        "{why}"
    );
    studio
        .handle(Command::SetStreamDelay { seconds: 1.0 })
        .unwrap();
    let saved = std::fs::read_to_string(dir.path().join("profile.json")).unwrap();
    assert!(saved.contains("\"stream_delay_s\": 1.0"), "{saved}");
    // A destination nothing listens on: it keeps reconnecting, which is all this needs.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    studio
        .handle(Command::SetDestination {
            destination: streamwerk_scene::DestinationSettings {
                name: "nowhere".into(),
                platform: streamwerk_scene::Platform::Custom,
                server: Some(format!("rtmp://127.0.0.1:{port}/live/key")),
                key: None,
                enabled: true,
                key_per_broadcast: false,
                canvas: None,
            },
        })
        .unwrap();
    studio.handle(Command::GoLive { keys: Vec::new() }).unwrap();
    let why = refusal(studio.handle(Command::SetStreamDelay { seconds: 5.0 }));
    assert!(why.contains("fixed while recording or live"), "{why}");
    // Stop after the delay: still live until the delay has let out what aired before now.
    studio.handle(Command::StopLiveAfterDelay).unwrap();
    let state = studio.state();
    assert_eq!(state.live, ["nowhere"]);
    let left = state.live_ends_in_s.expect("a countdown");
    assert!(left > 0.5 && left <= 1.0, "{left}");
    std::thread::sleep(Duration::from_millis(1500));
    let state = studio.state();
    assert!(state.live.is_empty() && state.live_ends_in_s.is_none());
}

#[test]
fn a_marker_needs_a_recording_and_lands_in_its_sidecar() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    let why = refusal(studio.handle(Command::AddMarker { title: None }));
    assert!(why.contains("start recording first"), "{why}");
    studio.handle(Command::StartRecording).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    studio
        .handle(Command::AddMarker {
            title: Some("Guest arrives".into()),
        })
        .unwrap();
    let file = studio.state().recording.expect("recording");
    let sidecar = std::fs::read_to_string(format!("{file}.chapters.json")).unwrap();
    assert!(sidecar.contains("Guest arrives"), "{sidecar}");
    studio.handle(Command::StopRecording).unwrap();
}

#[test]
fn the_replay_buffer_runs_alone_and_saves_the_last_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    let why = refusal(studio.handle(Command::SaveReplay));
    assert!(why.contains("replay buffer is off"), "{why}");
    let why = refusal(studio.handle(Command::SetReplayBufferLength { seconds: 0.0 }));
    assert!(why.contains("replay_buffer_s"), "{why}");
    studio
        .handle(Command::SetReplayBufferLength { seconds: 2.0 })
        .unwrap();
    studio.handle(Command::StartReplayBuffer).unwrap();
    assert!(studio.state().replay_buffer);
    std::thread::sleep(Duration::from_secs(5));
    let mut events = studio.subscribe();
    studio.handle(Command::SaveReplay).unwrap();
    let saved = std::iter::from_fn(|| events.try_recv().ok())
        .find_map(|e| match e {
            streamwerk_protocol::Event::Notice { message, .. } => Some(message),
            _ => None,
        })
        .expect("a notice says where");
    let path = saved.rsplit(" to ").next().unwrap().to_string();
    assert!(path.ends_with("-replay.mkv"), "{saved}");
    // 2 s kept, at most one keyframe interval more; decodable from its start.
    let probe = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "format=start_time,duration"])
        .args(["-of", "csv=p=0"])
        .arg(&path)
        .output()
        .unwrap();
    // The file keeps the show's timestamps: its length is from its start to its end.
    let text = String::from_utf8_lossy(&probe.stdout);
    let (start, end) = text.trim().split_once(',').expect("start,duration");
    let seconds = end.parse::<f64>().unwrap() - start.parse::<f64>().unwrap();
    assert!((1.9..=4.2).contains(&seconds), "{seconds} s in {path}");
    studio.handle(Command::StopReplayBuffer).unwrap();
    assert!(!studio.state().replay_buffer);
}

#[test]
fn studio_mode_prepares_a_scene_beside_program_and_the_transition_puts_it_on_air() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    let mut program = studio.preview_stream(&PreviewView::program()).unwrap();
    let mut preview = studio
        .preview_stream(&PreviewView::PreviewScene("main".into()))
        .unwrap();
    // Where Live shows its lower third's accent and Be right back its background.
    let (accent, brb) = ([0xF5, 0x9E, 0x0B], [0x1E, 0x1B, 0x4B]);
    assert!(near(rgb_at(&mut program, 70, 600), accent));

    studio.handle(Command::SetStudioMode { on: true }).unwrap();
    assert_eq!(studio.state().preview_scene.as_deref(), Some("Live"));
    studio
        .handle(Command::SwitchScene {
            scene: "Be right back".into(),
        })
        .unwrap();
    let state = studio.state();
    assert_eq!(
        state.program_scene, "Live",
        "a pick only changes the preview"
    );
    assert_eq!(state.preview_scene.as_deref(), Some("Be right back"));
    // Edit the preview scene: program does not change.
    studio
        .handle(Command::SetLayerVisible {
            scene: "Be right back".into(),
            source: "brb-text".into(),
            visible: false,
            canvas: None,
            every_canvas: None,
        })
        .unwrap();
    for _ in 0..5 {
        assert!(near(rgb_at(&mut program, 70, 600), accent));
    }
    let mut shown = [0; 3];
    for _ in 0..10 {
        shown = rgb_at(&mut preview, 70, 600);
        if near(shown, brb) {
            break;
        }
    }
    assert!(near(shown, brb), "the preview scene: {shown:?}");

    studio
        .handle(Command::Transition {
            transition: Some(streamwerk_scene::Transition::Fade { duration_ms: 300 }),
        })
        .unwrap();
    assert_eq!(studio.state().program_scene, "Be right back");
    let mut on_air = [0; 3];
    for _ in 0..30 {
        on_air = rgb_at(&mut program, 70, 600);
        if near(on_air, brb) {
            break;
        }
    }
    assert!(near(on_air, brb), "on air after the fade: {on_air:?}");

    studio.handle(Command::SetStudioMode { on: false }).unwrap();
    assert_eq!(studio.state().preview_scene, None);
    let why = refusal(studio.handle(Command::Transition { transition: None }));
    assert!(why.contains("studio mode is off"), "{why}");

    // A stinger that does not decode is refused before anything changes.
    let bad = dir.path().join("stinger.webm");
    std::fs::write(&bad, b"not a video").unwrap();
    let why = refusal(studio.handle(Command::SetTransition {
        transition: streamwerk_scene::Transition::Stinger {
            path: bad,
            cut_point_ms: 200,
            duration_ms: Some(800),
        },
    }));
    assert!(
        why.contains("stinger.webm") && why.contains("`path`"),
        "{why}"
    );
    assert!(studio.state().collection.transition.is_cut());
    // A scene's own transition is saved with the collection.
    studio
        .handle(Command::SetSceneTransition {
            scene: "Live".into(),
            transition: Some(streamwerk_scene::Transition::Fade { duration_ms: 400 }),
        })
        .unwrap();
    let saved = std::fs::read_to_string(dir.path().join("demo.json")).unwrap();
    assert!(saved.contains(r#""kind":"fade""#) || saved.contains(r#""kind": "fade""#));
    studio.shutdown();
}

#[test]
fn a_key_per_broadcast_is_asked_at_go_live_and_never_kept() {
    let dir = tempfile::tempdir().unwrap();
    let studio = demo_studio(dir.path());
    let mut events = studio.subscribe();
    studio
        .handle(Command::SetDestination {
            destination: streamwerk_scene::DestinationSettings {
                name: "Insta".into(),
                platform: streamwerk_scene::Platform::Instagram,
                // Nothing listens there: the destination keeps reconnecting, which is enough.
                server: Some("rtmp://127.0.0.1:9/rtmp".into()),
                key: None,
                enabled: true,
                key_per_broadcast: true,
                canvas: None,
            },
        })
        .unwrap();
    let why = refusal(studio.handle(Command::GoLive { keys: Vec::new() }));
    assert!(
        why.contains("`Insta` takes a new key each broadcast") && why.contains("Instagram"),
        "{why}"
    );
    let secret = "IG-broadcast-7d1f9e";
    studio
        .handle(Command::GoLive {
            keys: vec![streamwerk_protocol::BroadcastKey {
                destination: "Insta".into(),
                key: secret.into(),
            }],
        })
        .unwrap();
    let state = studio.state();
    assert_eq!(state.live, ["Insta"]);
    // Kept for the session only: not in the state, the profile or the key store.
    assert!(!serde_json::to_string(&state).unwrap().contains(secret));
    for file in ["profile.json", "keys.json"] {
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap_or_default();
        assert!(!text.contains(secret), "{file}");
    }
    // The 16:9 demo going to Instagram is warned about, naming the shape.
    let mut warned = false;
    while let Ok(event) = events.try_recv() {
        if let streamwerk_protocol::Event::Notice { message, .. } = event {
            assert!(!message.contains(secret), "{message}");
            warned |= message.contains("Instagram expects 9:16");
        }
    }
    assert!(warned);
    studio.handle(Command::StopLive).unwrap();
    studio.shutdown();
}
