//! Real peers on loopback, started by the tests themselves: nginx with the RTMP module as an
//! ingest server (one instance per platform, so one can be killed alone) and an FFmpeg SRT
//! listener. Each lives in a temporary folder and dies with its handle.

use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_port(port: u16) {
    wait_for(("127.0.0.1", port));
}

fn wait_for(address: (&str, u16)) {
    let port = address.1;
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(address).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on port {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// An nginx-rtmp ingest: applications `live` and `portrait` (a second platform) record every
/// stream they receive (FLV), and application `locked` refuses every publisher, as a platform
/// does with a wrong key.
pub struct Nginx {
    dir: tempfile::TempDir,
    /// The address it listens on: 127.0.0.1, or the far end of a [`NetNs`] link.
    host: String,
    pub port: u16,
    /// The network namespace it runs in, if not this one.
    netns: Option<String>,
    /// Extra directives for application `live`.
    live_extra: &'static str,
    child: Option<Child>,
}

impl Nginx {
    pub fn start() -> Nginx {
        Nginx::start_on("127.0.0.1".into(), free_port(), None, "")
    }

    /// An ingest behind `link`, reached over its veth pair. Like a platform, it drops a
    /// publisher that sent nothing for 20 s; until then the stream name stays taken.
    pub fn start_behind(link: &NetNs) -> Nginx {
        Nginx::start_on(
            link.far_addr.clone(),
            1935,
            Some(link.name.clone()),
            "drop_idle_publisher 20s;",
        )
    }

    fn start_on(host: String, port: u16, netns: Option<String>, live_extra: &'static str) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        // Workers run as `nobody`: they must reach the folder and write the recordings.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let rec = dir.path().join("rec");
        std::fs::create_dir(&rec).unwrap();
        std::fs::set_permissions(&rec, std::fs::Permissions::from_mode(0o777)).unwrap();
        let mut nginx = Nginx {
            host,
            port,
            netns,
            live_extra,
            dir,
            child: None,
        };
        nginx.launch();
        nginx
    }

    fn launch(&mut self) {
        let d = self.dir.path().display();
        let conf = format!(
            "load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;\n\
             daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\n\
             error_log {d}/error.log info;\nevents {{ worker_connections 128; }}\n\
             rtmp {{ server {{ listen {host}:{port}; chunk_size 4096;\n\
               application live {{ live on; record all; record_path {d}/rec; record_unique on; {extra} }}\n\
               application portrait {{ live on; record all; record_path {d}/rec; record_unique on; }}\n\
               application locked {{ live on; deny publish all; }}\n\
             }} }}\n",
            host = self.host,
            port = self.port,
            extra = self.live_extra,
        );
        let path = self.dir.path().join("nginx.conf");
        std::fs::write(&path, conf).unwrap();
        let mut command = match &self.netns {
            Some(ns) => {
                let mut c = as_root("ip");
                c.args(["netns", "exec", ns, "nginx"]);
                c
            }
            None => Command::new("nginx"),
        };
        let child = command
            .arg("-p")
            .arg(self.dir.path())
            .arg("-c")
            .arg(&path)
            .arg("-e")
            .arg(self.dir.path().join("error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx is installed (make test installs it)");
        self.child = Some(child);
        wait_for((&self.host, self.port));
    }

    pub fn url(&self, app: &str, key: &str) -> String {
        format!("rtmp://{}:{}/{app}/{key}", self.host, self.port)
    }

    /// Dies at once, as a crashed ingest server does.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts again on the same port.
    pub fn restart(&mut self) {
        self.kill();
        self.launch();
    }

    /// The one recording this server made, once the publisher has left; with the stream
    /// name it was published under (nginx names recordings after the stream key).
    pub fn only_recording(&self) -> (PathBuf, String) {
        std::thread::sleep(Duration::from_millis(500));
        let files = self.recordings();
        assert_eq!(files.len(), 1, "{files:?}");
        let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
        (files[0].clone(), name)
    }

    /// The one recording of stream `key` (nginx names recordings after the key), once the
    /// publisher has left.
    pub fn recording_of(&self, key: &str) -> PathBuf {
        std::thread::sleep(Duration::from_millis(500));
        let files: Vec<PathBuf> = self
            .recordings()
            .into_iter()
            .filter(|f| {
                let name = f.file_name().unwrap().to_string_lossy();
                name.strip_prefix(key)
                    .is_some_and(|rest| rest.starts_with('-'))
            })
            .collect();
        assert_eq!(files.len(), 1, "{key}: {files:?}");
        files[0].clone()
    }

    /// The recordings made so far, oldest first.
    pub fn recordings(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path().join("rec"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).unwrap());
        files
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An nginx running a configuration the test wrote (a relay made by `relay-config`), in the
/// foreground, one process.
pub struct NginxWith {
    child: Child,
}

impl NginxWith {
    pub fn start(config: &Path, prefix: &Path, port: u16) -> NginxWith {
        let child = Command::new("nginx")
            .arg("-p")
            .arg(prefix)
            .arg("-c")
            .arg(config)
            .args(["-g", "daemon off; master_process off;"])
            .arg("-e")
            .arg(prefix.join("error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_for_port(port);
        NginxWith { child }
    }
}

impl Drop for NginxWith {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An SRT listener (FFmpeg) that copies what it receives into an MPEG-TS file.
pub struct SrtListener {
    pub port: u16,
    pub file: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

impl SrtListener {
    pub fn start() -> SrtListener {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("received.ts");
        let port = free_port();
        let child = Command::new("ffmpeg")
            .args(["-v", "error", "-y", "-i"])
            .arg(format!(
                "srt://127.0.0.1:{port}?mode=listener&latency=120000"
            ))
            .args(["-c", "copy", "-f", "mpegts"])
            .arg(&file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // SRT is UDP: give the listener a moment to bind.
        std::thread::sleep(Duration::from_millis(500));
        SrtListener {
            port,
            file,
            child,
            _dir: dir,
        }
    }

    /// Waits for the listener to finish writing (it ends when the caller disconnects).
    pub fn finish(&mut self) -> &Path {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.child.try_wait().unwrap().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        &self.file
    }
}

impl Drop for SrtListener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A TCP relay that passes client-to-server bytes at a fixed rate: a weak uplink.
pub struct ThrottledProxy {
    pub port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl ThrottledProxy {
    pub fn start(upstream: u16, bytes_per_second: usize) -> ThrottledProxy {
        use std::io::{Read, Write};
        use std::sync::atomic::{AtomicBool, Ordering};
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                let Ok((mut client, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                client.set_nonblocking(false).unwrap();
                let mut server = TcpStream::connect(("127.0.0.1", upstream)).unwrap();
                let (mut client_r, mut server_w) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                let flag = flag.clone();
                // Upstream, throttled: 20 slices a second.
                std::thread::spawn(move || {
                    let mut buf = vec![0u8; (bytes_per_second / 20).max(1)];
                    while !flag.load(Ordering::Relaxed) {
                        let started = Instant::now();
                        match client_r.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => {
                                if server_w.write_all(&buf[..n]).is_err() {
                                    break;
                                }
                            }
                        }
                        let slice = Duration::from_millis(50);
                        if let Some(rest) = slice.checked_sub(started.elapsed()) {
                            std::thread::sleep(rest);
                        }
                    }
                });
                // Downstream (the server's replies), at full speed.
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut server, &mut client);
                });
            }
        });
        ThrottledProxy { port, stop }
    }
}

impl Drop for ThrottledProxy {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A TLS terminator (stunnel) in front of an RTMP server: an RTMPS ingest with a self-signed
/// certificate for localhost, whose PEM file the test can choose to trust.
pub struct Stunnel {
    pub port: u16,
    pub certificate: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Stunnel {
    pub fn start(upstream: u16) -> Stunnel {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = self_signed_certificate(dir.path());
        let port = free_port();
        let conf = dir.path().join("stunnel.conf");
        std::fs::write(
            &conf,
            format!(
                "foreground = yes\npid =\n[rtmps]\naccept = 127.0.0.1:{port}\nconnect = 127.0.0.1:{upstream}\ncert = {}\nkey = {}\n",
                cert.display(),
                key.display()
            ),
        )
        .unwrap();
        let child = Command::new("stunnel")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("stunnel is installed (make test installs it)");
        wait_for_port(port);
        Stunnel {
            port,
            certificate: cert,
            child,
            _dir: dir,
        }
    }
}

impl Drop for Stunnel {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A user-space PulseAudio daemon with one null sink (`studio_null`), whose monitor is the
/// default source: what is played into the sink can be captured from the monitor, with no
/// sound card. Clients find it through `XDG_RUNTIME_DIR`, which [`PulseAudio::env`] gives;
/// ALSA programs (cpal) reach it through the `pulse` plugin of libasound2-plugins.
pub struct PulseAudio {
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl PulseAudio {
    pub fn start() -> PulseAudio {
        let dir = tempfile::tempdir().unwrap();
        let runtime = dir.path().join("xdg");
        std::fs::create_dir(&runtime).unwrap();
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
        let config = dir.path().join("default.pa");
        std::fs::write(
            &config,
            "load-module module-native-protocol-unix auth-anonymous=1\n\
             load-module module-null-sink sink_name=studio_null rate=48000 channels=2 \
             sink_properties=device.description=StudioNull\n\
             set-default-sink studio_null\n\
             set-default-source studio_null.monitor\n",
        )
        .unwrap();
        let mut pulse = PulseAudio { dir, child: None };
        pulse.restart();
        pulse
    }

    /// Ends the daemon, as when the sound server crashes: every client's stream fails.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the daemon (again), with the same null sink, and waits until it answers.
    pub fn restart(&mut self) {
        self.stop();
        let child = Command::new("pulseaudio")
            .args([
                "-n",
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--use-pid-file=no",
            ])
            .arg("-F")
            .arg(self.dir.path().join("default.pa"))
            .arg(format!(
                "--log-target=file:{}",
                self.dir.path().join("pulse.log").display()
            ))
            .envs(self.env())
            .env("HOME", self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pulseaudio (apt install pulseaudio)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.pactl(&["info"]).status.success() {
            assert!(Instant::now() < deadline, "PulseAudio did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The variables a client needs to reach this daemon.
    pub fn env(&self) -> [(&'static str, PathBuf); 1] {
        [("XDG_RUNTIME_DIR", self.dir.path().join("xdg"))]
    }

    pub fn pactl(&self, args: &[&str]) -> std::process::Output {
        Command::new("pactl")
            .args(args)
            .envs(self.env())
            .output()
            .unwrap()
    }

    /// Plays a sound file into the null sink until it ends or the player is dropped.
    pub fn play(&self, file: &Path) -> Player {
        Player(
            Command::new("paplay")
                .arg(file)
                .envs(self.env())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        )
    }
}

/// A `paplay` process; dropping it stops the sound.
pub struct Player(Child);

impl Drop for Player {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for PulseAudio {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `program` run as root: directly when the tests are root (as CI runs here), else through
/// `sudo -n`, which fails at once, saying so, where it would ask for a password.
fn as_root(program: &str) -> Command {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let root = status
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .and_then(|l| l.split_whitespace().nth(2))
        == Some("0");
    if root {
        Command::new(program)
    } else {
        let mut c = Command::new("sudo");
        c.args(["-n", program]);
        c
    }
}

fn ip(args: &[&str]) {
    let out = as_root("ip")
        .args(args)
        .output()
        .expect("ip (iproute2) is installed");
    assert!(
        out.status.success(),
        "ip {}: {} (network namespaces need root, as CI runs these tests)",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A network namespace joined to this one by a veth pair: a far host on a link that a test
/// can take down and bring back (an outage) or shape with `tc tbf` (a weak uplink). Its
/// addresses are link-local (169.254/16), seen by nothing but this machine. Removed on drop.
pub struct NetNs {
    pub name: String,
    /// The host side of the pair, which the tests take down or shape.
    link: String,
    pub far_addr: String,
}

impl NetNs {
    pub fn create() -> NetNs {
        static COUNT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = (std::process::id() % 10_000) * 10 + n % 10;
        let (name, link, far) = (format!("swns{id}"), format!("swa{id}"), format!("swb{id}"));
        // A /30 of its own in 169.254.0.0/16 (a third octet of 1..=250, the fourth 4k+1, 4k+2).
        let (third, fourth) = (1 + id % 250, (id / 250 % 60) * 4);
        let near_addr = format!("169.254.{third}.{}", fourth + 1);
        let far_addr = format!("169.254.{third}.{}", fourth + 2);
        ip(&["netns", "add", &name]);
        let netns = NetNs {
            name,
            link,
            far_addr,
        };
        ip(&[
            "link",
            "add",
            &netns.link,
            "type",
            "veth",
            "peer",
            "name",
            &far,
        ]);
        ip(&["link", "set", &far, "netns", &netns.name]);
        ip(&[
            "addr",
            "add",
            &format!("{near_addr}/30"),
            "dev",
            &netns.link,
        ]);
        ip(&["link", "set", &netns.link, "up"]);
        let inside = |args: &[&str]| {
            let mut all = vec!["-n", netns.name.as_str()];
            all.extend_from_slice(args);
            ip(&all);
        };
        inside(&[
            "addr",
            "add",
            &format!("{}/30", netns.far_addr),
            "dev",
            &far,
        ]);
        inside(&["link", "set", &far, "up"]);
        inside(&["link", "set", "lo", "up"]);
        netns
    }

    /// Takes the link down (nothing passes either way) or brings it back.
    pub fn set_link(&self, up: bool) {
        ip(&["link", "set", &self.link, if up { "up" } else { "down" }]);
    }

    /// Shapes what leaves towards the far host to `kbit` kbit/s (token bucket, 50 ms queue).
    pub fn shape(&self, kbit: u32) {
        let out = as_root("tc")
            .args(["qdisc", "replace", "dev", &self.link, "root", "tbf"])
            .args([
                "rate",
                &format!("{kbit}kbit"),
                "burst",
                "32kbit",
                "latency",
                "50ms",
            ])
            .output()
            .expect("tc (iproute2) is installed");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for NetNs {
    fn drop(&mut self) {
        // Deleting the namespace removes its end of the pair, and with it ours.
        let _ = as_root("ip").args(["netns", "del", &self.name]).output();
        let _ = as_root("ip").args(["link", "del", &self.link]).output();
    }
}

/// A certificate for `localhost` and 127.0.0.1, signed by itself, and its key, in `dir`: what
/// a TLS peer on loopback presents (trusted by its file, or by its key's hash).
pub fn self_signed_certificate(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=localhost"])
        .args([
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .expect("openssl is installed (make test installs it)");
    assert!(made.success());
    (cert, key)
}

/// Debian's coturn on 127.0.0.1 as a TURN relay with TURN REST credentials (`use-auth-secret`):
/// it relays to loopback peers (a studio on this machine) from a port range of its own, so a
/// relayed candidate is known by its port.
pub struct Coturn {
    pub port: u16,
    pub relay_ports: std::ops::RangeInclusive<u16>,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Coturn {
    pub fn start(secret: &str) -> Coturn {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        // A relay range of its own, clear of the ports other tests pick.
        let relay = 40_000 + (port % 1000) * 20;
        let child = Command::new("turnserver")
            .args(["-n", "--no-cli", "--no-tls", "--no-dtls", "--fingerprint"])
            .args(["--listening-ip", "127.0.0.1", "--relay-ip", "127.0.0.1"])
            .args(["--listening-port", &port.to_string()])
            .args([
                "--min-port",
                &relay.to_string(),
                "--max-port",
                &(relay + 19).to_string(),
            ])
            .args([
                "--allow-loopback-peers",
                "--use-auth-secret",
                "--static-auth-secret",
                secret,
            ])
            .args([
                "--realm",
                "streamwerk.test",
                "--no-stdout-log",
                "--simple-log",
            ])
            .arg("--log-file")
            .arg(dir.path().join("turn.log"))
            .arg("--pidfile")
            .arg(dir.path().join("turn.pid"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("turnserver (Debian's coturn; make test installs it)");
        // It listens on TCP too: ready once that port answers.
        wait_for_port(port);
        Coturn {
            port,
            relay_ports: relay..=relay + 19,
            child,
            _dir: dir,
        }
    }
}

impl Drop for Coturn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
