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
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on port {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// An nginx-rtmp ingest: application `live` records every stream it receives (FLV) and
/// application `locked` refuses every publisher, as a platform does with a wrong key.
pub struct Nginx {
    dir: tempfile::TempDir,
    pub port: u16,
    child: Option<Child>,
}

impl Nginx {
    pub fn start() -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        // Workers run as `nobody`: they must reach the folder and write the recordings.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let rec = dir.path().join("rec");
        std::fs::create_dir(&rec).unwrap();
        std::fs::set_permissions(&rec, std::fs::Permissions::from_mode(0o777)).unwrap();
        let mut nginx = Nginx {
            port: free_port(),
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
             rtmp {{ server {{ listen 127.0.0.1:{port}; chunk_size 4096;\n\
               application live {{ live on; record all; record_path {d}/rec; record_unique on; }}\n\
               application locked {{ live on; deny publish all; }}\n\
             }} }}\n",
            port = self.port
        );
        let path = self.dir.path().join("nginx.conf");
        std::fs::write(&path, conf).unwrap();
        let child = Command::new("nginx")
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
        wait_for_port(self.port);
    }

    pub fn url(&self, app: &str, key: &str) -> String {
        format!("rtmp://127.0.0.1:{}/{app}/{key}", self.port)
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
        let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
        let made = Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
            ])
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
