//! Semantic checks serde cannot express. Each finds every problem, not just the first, so a user
//! fixes a file in one pass.

use crate::*;
use std::collections::HashSet;
use std::ops::RangeInclusive;

/// Largest canvas the compositor is built and benchmarked for.
pub const MAX_CANVAS: (u32, u32) = (3840, 2160);
pub const FPS_RANGE: std::ops::RangeInclusive<u32> = 24..=60;

struct Report(Vec<Problem>);

impl Report {
    fn add(&mut self, path: impl Into<String>, message: impl Into<String>, fix: impl Into<String>) {
        self.0.push(Problem {
            path: path.into(),
            message: message.into(),
            fix: fix.into(),
        });
    }

    /// A number that must be finite and above zero.
    fn positive(&mut self, path: String, value: f32) {
        if !value.is_finite() || value <= 0.0 {
            self.add(
                path,
                format!("must be a number above 0, is {value}"),
                "set a positive size",
            );
        }
    }

    /// `value` must be non-empty and differ from every earlier one in `seen`, which it joins.
    /// `what` names it in the message (`duplicate source id `logo``).
    fn unique<'a>(
        &mut self,
        path: String,
        value: &'a str,
        seen: &mut HashSet<&'a str>,
        what: &str,
        fixes: [&str; 2],
    ) {
        if value.trim().is_empty() {
            self.add(path, "is empty", fixes[0]);
        } else if !seen.insert(value) {
            self.add(path, format!("duplicate {what} `{value}`"), fixes[1]);
        }
    }

    fn schema_version(&mut self, version: u32, current: u32) {
        if version != current {
            self.add(
                "schema_version",
                format!("unsupported schema version {version}; this build reads version {current}"),
                format!("open it with the Streamwerk version that wrote it, or set schema_version to {current} and check the fields"),
            );
        }
    }

    fn finite(&mut self, path: String, value: f32) {
        if !value.is_finite() {
            self.add(
                path,
                format!("must be a finite number, is {value}"),
                "set a number",
            );
        }
    }

    fn file(&mut self, path: String, collection: &Collection, file: &std::path::Path) {
        let resolved = collection.resolve(file);
        if !resolved.is_file() {
            self.add(
                path,
                format!("file not found: {}", resolved.display()),
                "put the file there or correct the path (relative paths start at the collection's folder)",
            );
        }
    }
}

pub(crate) fn collection(c: &Collection) -> Vec<Problem> {
    let mut r = Report(Vec::new());
    r.schema_version(c.schema_version, COLLECTION_SCHEMA_VERSION);
    canvases(&mut r, c);
    canvas(&mut r, &c.canvas);
    if c.audio.sample_rate != 48_000 {
        r.add(
            "audio.sample_rate",
            format!("{} Hz is not supported", c.audio.sample_rate),
            "use 48000",
        );
    }
    if !(1..=2).contains(&c.audio.channels) {
        r.add(
            "audio.channels",
            format!("{} channels is not supported", c.audio.channels),
            "use 1 (mono) or 2 (stereo)",
        );
    }

    let mut ids = HashSet::new();
    for (i, s) in c.sources.iter().enumerate() {
        let at = format!("sources[{i}]");
        let fixes = ["give the source a unique id", "give each source its own id"];
        r.unique(format!("{at}.id"), &s.id, &mut ids, "source id", fixes);
        source(&mut r, c, &format!("{at}.settings"), &s.kind);
        audio_mix(&mut r, &format!("{at}.audio"), &s.audio);
    }

    if c.scenes.is_empty() {
        r.add(
            "scenes",
            "the collection has no scene",
            "add at least one scene",
        );
    }
    if let Some(safe) = &c.safe_scene {
        if c.scene(safe).is_none() {
            let names: Vec<String> = c.scenes.iter().map(|s| format!("`{}`", s.name)).collect();
            r.add(
                "safe_scene",
                format!("names scene `{safe}`, which is not in `scenes`"),
                format!("name one of {}, or remove the field", names.join(", ")),
            );
        }
    }
    transition(&mut r, c, "transition", &c.transition);
    let mut names = HashSet::new();
    for (i, scene) in c.scenes.iter().enumerate() {
        let at = format!("scenes[{i}]");
        if let Some(t) = &scene.transition {
            transition(&mut r, c, &format!("{at}.transition"), t);
        }
        let fixes = ["name the scene", "give each scene its own name"];
        r.unique(
            format!("{at}.name"),
            &scene.name,
            &mut names,
            "scene name",
            fixes,
        );
        for (j, layer) in scene.layers.iter().enumerate() {
            let at = format!("{at}.layers[{j}]");
            if !ids.contains(layer.source.as_str()) {
                r.add(
                    format!("{at}.source"),
                    format!(
                        "refers to source `{}`, which is not in `sources`",
                        layer.source
                    ),
                    "add a source with that id or point the layer at an existing one",
                );
            }
            transform(&mut r, &format!("{at}.transform"), &layer.transform);
        }
    }
    r.0
}

/// The extra canvases and each scene's layouts for them.
fn canvases(r: &mut Report, c: &Collection) {
    let (max_w, max_h) = MAX_CANVAS;
    let mut names = HashSet::from([MAIN_CANVAS]);
    for (i, canvas) in c.canvases.iter().enumerate() {
        let at = format!("canvases[{i}]");
        r.unique(
            format!("{at}.name"),
            &canvas.name,
            &mut names,
            "canvas name (`main` is the first canvas's)",
            [
                "name the canvas, such as vertical",
                "give each canvas its own name",
            ],
        );
        for (name, value) in [("width", canvas.width), ("height", canvas.height)] {
            if value < 16 || value > max_w.max(max_h) || value % 2 != 0 {
                r.add(
                    format!("{at}.{name}"),
                    format!("{value} is out of range"),
                    format!("use an even number from 16 to {}", max_w.max(max_h)),
                );
            }
        }
    }
    for (i, scene) in c.scenes.iter().enumerate() {
        let shown: HashSet<&str> = scene.layers.iter().map(|l| l.source.as_str()).collect();
        for (canvas, layers) in &scene.layouts {
            let at = format!("scenes[{i}].layouts.{canvas}");
            if !c.canvases.iter().any(|x| &x.name == canvas) {
                r.add(
                    at.clone(),
                    format!("names canvas `{canvas}`, which is not in `canvases`"),
                    "add the canvas or remove the layout",
                );
            }
            let mut seen = HashSet::new();
            for (j, layer) in layers.iter().enumerate() {
                let path = format!("{at}[{j}].source");
                if !shown.contains(layer.source.as_str()) {
                    r.add(
                        path,
                        format!("`{}` is not one of the scene's layers", layer.source),
                        "a canvas arranges the scene's own layers; add the layer to the scene first",
                    );
                } else if !seen.insert(layer.source.as_str()) {
                    r.add(
                        path,
                        format!("`{}` is placed twice", layer.source),
                        "place each layer once per canvas",
                    );
                }
                transform(r, &format!("{at}[{j}].transform"), &layer.transform);
            }
        }
    }
}

fn canvas(r: &mut Report, c: &Canvas) {
    let (max_w, max_h) = MAX_CANVAS;
    for (name, value, max) in [("width", c.width, max_w), ("height", c.height, max_h)] {
        if value < 16 || value > max || value % 2 != 0 {
            r.add(
                format!("canvas.{name}"),
                format!("{value} is out of range"),
                format!("use an even number from 16 to {max}"),
            );
        }
    }
    if !FPS_RANGE.contains(&c.fps) {
        r.add(
            "canvas.fps",
            format!("{} fps is not supported", c.fps),
            format!("use {} to {}", FPS_RANGE.start(), FPS_RANGE.end()),
        );
    }
}

fn source(r: &mut Report, c: &Collection, at: &str, kind: &SourceKind) {
    match kind {
        SourceKind::TestPattern(s) => {
            for (name, v) in [("width", s.width), ("height", s.height)] {
                if v == Some(0) {
                    r.add(
                        format!("{at}.{name}"),
                        "is 0",
                        "leave it out to use the canvas size",
                    );
                }
            }
        }
        SourceKind::Color(s) => {
            if s.width == 0 || s.height == 0 {
                r.add(
                    at.to_string(),
                    "width and height must be above 0",
                    "set the colour box's size",
                );
            }
        }
        SourceKind::Image(s) => r.file(format!("{at}.path"), c, &s.path),
        SourceKind::Text(s) => {
            if s.text.is_empty() {
                r.add(format!("{at}.text"), "is empty", "write the text to show");
            }
            r.positive(format!("{at}.size"), s.size);
            if let Some(font) = &s.font {
                r.file(format!("{at}.font"), c, font);
            }
            if let Some(w) = s.wrap_width {
                r.positive(format!("{at}.wrap_width"), w);
            }
            if let Some(o) = &s.outline {
                r.positive(format!("{at}.outline.width"), o.width);
            }
            if let Some(b) = &s.background {
                if !b.padding.is_finite() || b.padding < 0.0 {
                    r.add(
                        format!("{at}.background.padding"),
                        "must be 0 or more",
                        "set a padding in pixels",
                    );
                }
            }
        }
        SourceKind::Tone(s) => {
            if !(20.0..=20_000.0).contains(&s.frequency_hz) {
                r.add(
                    format!("{at}.frequency_hz"),
                    format!("{} Hz is out of range", s.frequency_hz),
                    "use 20 to 20000",
                );
            }
            if !s.level_dbfs.is_finite() || s.level_dbfs > 0.0 {
                r.add(
                    format!("{at}.level_dbfs"),
                    format!("{} dBFS is out of range", s.level_dbfs),
                    "use 0 or below, such as -20",
                );
            }
        }
        SourceKind::MediaFile(s) => {
            match crate::network_address(&s.path) {
                Some(url) => {
                    if let Some(problem) = crate::network_address_problem(url) {
                        r.add(
                            format!("{at}.path"),
                            format!("`{}` {problem}", crate::network_label(url)),
                            "give a stream address such as rtmp://host:1935/app/name or srt://host:9000",
                        );
                    }
                }
                None => r.file(format!("{at}.path"), c, &s.path),
            }
            if !s.start_s.is_finite() || s.start_s < 0.0 {
                r.add(
                    format!("{at}.start_s"),
                    format!("{} is not a start time", s.start_s),
                    "use 0 or more seconds",
                );
            }
        }
        SourceKind::Template(s) => template(r, c, at, s),
        SourceKind::Guest(s) => {
            let fine = !s.slot.is_empty()
                && s.slot.len() <= 64
                && s.slot
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !fine {
                r.add(
                    format!("{at}.slot"),
                    format!("`{}` cannot name a guest link", s.slot),
                    "use up to 64 letters, digits, - and _",
                );
            }
        }
        SourceKind::Camera(_) | SourceKind::Microphone(_) => {}
    }
}

/// The longest link a call to action encodes: a QR code of it stays readable across a room.
pub const MAX_QR_URL: usize = 300;

fn template(r: &mut Report, c: &Collection, at: &str, s: &TemplateSettings) {
    if s.title.trim().is_empty() {
        r.add(format!("{at}.title"), "is empty", "write the text to show");
    }
    if s.width == 0 || s.height == 0 {
        r.add(
            at.to_string(),
            "width and height must be above 0",
            "set the template's size",
        );
    }
    r.positive(format!("{at}.speed"), s.speed);
    if s.animation.ms > MAX_ANIMATION_MS {
        r.add(
            format!("{at}.animation.ms"),
            format!("{} ms is too long", s.animation.ms),
            "use 0 to 5000 ms",
        );
    }
    if let Some(after) = s.hide_after_s {
        r.positive(format!("{at}.hide_after_s"), after);
    }
    for (name, font) in [("font", &s.font), ("body_font", &s.body_font)] {
        if let Some(font) = font {
            r.file(format!("{at}.{name}"), c, font);
        }
    }
    if let Some(url) = &s.url {
        let web = url.starts_with("https://") || url.starts_with("http://");
        if !web || url.len() > MAX_QR_URL || url.chars().any(char::is_whitespace) {
            r.add(
                format!("{at}.url"),
                format!("`{url}` is not a web link of at most {MAX_QR_URL} characters"),
                "use an https:// link without spaces, or remove the field",
            );
        }
    }
}

fn transition(r: &mut Report, c: &Collection, at: &str, t: &Transition) {
    let duration = |r: &mut Report, ms: u32| {
        if ms > MAX_TRANSITION_MS {
            r.add(
                format!("{at}.duration_ms"),
                format!("{ms} ms is too long"),
                format!("use 0 to {MAX_TRANSITION_MS} ms"),
            );
        }
    };
    match t {
        Transition::Cut => {}
        Transition::Fade { duration_ms } | Transition::Slide { duration_ms, .. } => {
            duration(r, *duration_ms)
        }
        Transition::Stinger {
            path,
            cut_point_ms,
            duration_ms,
        } => {
            r.file(format!("{at}.path"), c, path);
            let length = duration_ms.unwrap_or(MAX_TRANSITION_MS);
            duration(r, length);
            if *cut_point_ms > length {
                r.add(
                    format!("{at}.cut_point_ms"),
                    format!("{cut_point_ms} ms lies after the stinger's end ({length} ms)"),
                    "set a cut point within the stinger, where it covers the picture",
                );
            }
        }
    }
}

fn audio_mix(r: &mut Report, at: &str, m: &AudioMix) {
    fn range(r: &mut Report, path: String, value: f32, range: RangeInclusive<f32>, unit: &str) {
        if !range.contains(&value) {
            r.add(
                path,
                format!("{value} {unit} is out of range"),
                format!("use {} to {}", range.start(), range.end()),
            );
        }
    }
    range(r, format!("{at}.gain_db"), m.gain_db, -60.0..=20.0, "dB");
    range(
        r,
        format!("{at}.sync_offset_ms"),
        m.sync_offset_ms as f32,
        -2000.0..=2000.0,
        "ms",
    );
    for (i, filter) in m.filters.iter().enumerate() {
        let at = format!("{at}.filters[{i}]");
        match filter {
            AudioFilter::Gain { db } => range(r, format!("{at}.db"), *db, -30.0..=30.0, "dB"),
            AudioFilter::NoiseGate(g) => {
                range(
                    r,
                    format!("{at}.open_threshold_db"),
                    g.open_threshold_db,
                    -96.0..=0.0,
                    "dB",
                );
                range(
                    r,
                    format!("{at}.close_threshold_db"),
                    g.close_threshold_db,
                    -96.0..=0.0,
                    "dB",
                );
                for (name, ms) in [
                    ("attack_ms", g.attack_ms),
                    ("hold_ms", g.hold_ms),
                    ("release_ms", g.release_ms),
                ] {
                    range(r, format!("{at}.{name}"), ms, 0.0..=10_000.0, "ms");
                }
                if g.close_threshold_db > g.open_threshold_db {
                    r.add(
                        format!("{at}.close_threshold_db"),
                        "is above the open threshold",
                        "set it at or below open_threshold_db, such as 6 dB below",
                    );
                }
            }
        }
    }
}

fn transform(r: &mut Report, at: &str, t: &Transform) {
    r.finite(format!("{at}.x"), t.x);
    r.finite(format!("{at}.y"), t.y);
    r.finite(format!("{at}.rotation"), t.rotation);
    if let Some(w) = t.width {
        r.positive(format!("{at}.width"), w);
    }
    if let Some(h) = t.height {
        r.positive(format!("{at}.height"), h);
    }
    if !(0.0..=1.0).contains(&t.opacity) {
        r.add(
            format!("{at}.opacity"),
            format!("{} is out of range", t.opacity),
            "use 0 (invisible) to 1 (opaque)",
        );
    }
}

/// Each hotkey's keys are well formed and its own, and its action names what it acts on.
fn hotkeys(r: &mut Report, hotkeys: &[crate::Hotkey]) {
    let mut keys = HashSet::new();
    for (i, h) in hotkeys.iter().enumerate() {
        let at = format!("hotkeys[{i}]");
        if let Err(why) = check_keys(&h.keys) {
            r.add(
                format!("{at}.keys"),
                format!("`{}` {why}", h.keys),
                "press the keys again in Settings > Hotkeys",
            );
        } else if !keys.insert(h.keys.as_str()) {
            r.add(
                format!("{at}.keys"),
                format!("`{}` is used by another hotkey", h.keys),
                "give each hotkey its own keys",
            );
        }
        match &h.action {
            HotkeyAction::SwitchScene { number } if !(1..=99).contains(number) => r.add(
                format!("{at}.action.number"),
                format!("scene {number} is not a place in a list"),
                "use 1 for the first scene, up to 99",
            ),
            HotkeyAction::Mute { source } if source.trim().is_empty() => r.add(
                format!("{at}.action.source"),
                "names no source",
                "give the id of the source to mute",
            ),
            _ => {}
        }
    }
}

/// Each STUN or TURN server is one, by its scheme; the address is one guests can reach, with
/// a certificate off this machine (browsers give a page the camera only over HTTPS there).
fn guest_network(r: &mut Report, network: &crate::GuestNetwork) {
    if let Some(listen) = &network.listen {
        match listen.parse::<std::net::SocketAddr>() {
            Err(_) => r.add(
                "guest_network.listen",
                format!("`{listen}` is not an address and port"),
                "write this computer's address on the guests' network and a port, such as 192.168.1.10:8443",
            ),
            Ok(at) if at.ip().is_unspecified() => r.add(
                "guest_network.listen",
                format!("{at} names no one network"),
                "give this computer's own address on the guests' network, such as 192.168.1.10:8443",
            ),
            Ok(at) if !at.ip().is_loopback() && network.certificate.is_none() => r.add(
                "guest_network.listen",
                format!("guests at {at} would need HTTPS"),
                "give a certificate and its key: browsers let a page use the camera only over HTTPS",
            ),
            Ok(_) => {}
        }
    }
    if network.certificate.is_some() != network.certificate_key.is_some() {
        r.add(
            "guest_network.certificate",
            "a certificate goes with its private key".to_string(),
            "give both files, or neither",
        );
    }
    for (i, url) in network.ice_servers.iter().enumerate() {
        let scheme = url.split(':').next().unwrap_or_default();
        if !["stun", "stuns", "turn", "turns"].contains(&scheme) || !url.contains(':') {
            r.add(
                format!("guest_network.ice_servers[{i}]"),
                format!("`{url}` is not a STUN or TURN server"),
                "write stun:HOST:PORT or turn:HOST:PORT?transport=udp",
            );
        }
    }
}

pub(crate) fn profile(p: &Profile) -> Vec<Problem> {
    let mut r = Report(Vec::new());
    r.schema_version(p.schema_version, SCHEMA_VERSION);
    if !(0.0..=600.0).contains(&p.stream_delay_s) {
        r.add(
            "stream_delay_s",
            format!("{} s is not a stream delay", p.stream_delay_s),
            "give 0 (none) to 600 seconds",
        );
    }
    if !(1.0..=300.0).contains(&p.replay_buffer_s) {
        r.add(
            "replay_buffer_s",
            format!("{} s is not a replay buffer length", p.replay_buffer_s),
            "give 1 to 300 seconds",
        );
    }
    guest_network(&mut r, &p.guest_network);
    hotkeys(&mut r, &p.hotkeys);
    const PRESETS: [&str; 9] = [
        "ultrafast",
        "superfast",
        "veryfast",
        "faster",
        "fast",
        "medium",
        "slow",
        "slower",
        "veryslow",
    ];
    if !PRESETS.contains(&p.video.preset.as_str()) {
        r.add(
            "video.preset",
            format!("unknown x264 preset `{}`", p.video.preset),
            format!("use one of {}", PRESETS.join(", ")),
        );
    }
    if !["baseline", "main", "high"].contains(&p.video.profile.as_str()) {
        r.add(
            "video.profile",
            format!("unknown H.264 profile `{}`", p.video.profile),
            "use baseline, main or high",
        );
    }
    if !(100..=50_000).contains(&p.video.bitrate_kbps) {
        r.add(
            "video.bitrate_kbps",
            format!("{} kbps is out of range", p.video.bitrate_kbps),
            "use 100 to 50000",
        );
    }
    if !p.video.keyframe_interval_s.is_finite()
        || !(0.25..=10.0).contains(&p.video.keyframe_interval_s)
    {
        r.add(
            "video.keyframe_interval_s",
            format!("{} s is out of range", p.video.keyframe_interval_s),
            "use 0.25 to 10 (platforms ask for 2)",
        );
    }
    let mut names = HashSet::new();
    for (i, d) in p.destinations.iter().enumerate() {
        let at = format!("destinations[{i}]");
        let fixes = [
            "name the destination, such as YouTube",
            "give each destination its own name",
        ];
        r.unique(
            format!("{at}.name"),
            &d.name,
            &mut names,
            "destination",
            fixes,
        );
        if d.server.is_none() && d.platform.default_server().is_none() {
            r.add(
                format!("{at}.server"),
                "is missing: this platform gives each stream its own server",
                "paste the server URL from the platform's live dashboard (without the key)",
            );
        }
        if let Some(key) = &d.key {
            if !crate::is_key_name(key) {
                r.add(
                    format!("{at}.key"),
                    "is not a key name",
                    "name the key (letters, digits, - _ .) and store the key itself with: streamwerk keys set NAME",
                );
            }
        }
    }
    if !(32..=512).contains(&p.audio.bitrate_kbps) {
        r.add(
            "audio.bitrate_kbps",
            format!("{} kbps is out of range", p.audio.bitrate_kbps),
            "use 32 to 512 (160 is typical)",
        );
    }
    r.0
}
