//! The program as a package installs it: `PREFIX/bin/streamwerk` with its UI and demo in
//! `PREFIX/share/streamwerk`, found from the executable wherever that is, not from the source
//! tree it was built in; and the help, completions and manual pages made from the command
//! line's definitions.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use streamwerk_e2e::*;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A GET of `path` on the loopback `port`: the response's body.
fn get(port: u16, path: &str) -> String {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// A child process killed when the test ends, failed or not.
struct Stopped(std::process::Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn an_installed_binary_finds_its_ui_and_demo_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("usr");
    let share = prefix.join("share/streamwerk");
    std::fs::create_dir_all(prefix.join("bin")).unwrap();
    let installed = prefix.join("bin/streamwerk");
    std::fs::copy(bin(), &installed).unwrap();
    copy_dir(&root().join("ui/dist"), &share.join("ui"));
    copy_dir(&root().join("assets"), &share.join("assets"));
    // Marks the installed page apart from the source tree's.
    let index = share.join("ui/index.html");
    let page = std::fs::read_to_string(&index).unwrap();
    std::fs::write(
        &index,
        page.replace("<head>", "<head><!-- installed copy -->"),
    )
    .unwrap();

    let home = dir.path().join("home");
    let serve = Command::new(&installed)
        .args(["serve", "--port", "0", "--remote-port", "0"])
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("STREAMWERK_KEYS_FILE", dir.path().join("keys.json"))
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut serve = Stopped(serve);
    let mut line = String::new();
    BufReader::new(serve.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // "Streamwerk studio: http://127.0.0.1:PORT/#token=..."
    let port = line
        .rsplit_once(':')
        .and_then(|(_, p)| p.split('/').next()?.parse().ok());
    let page = get(
        port.unwrap_or_else(|| panic!("no address printed: {line:?}")),
        "/",
    );
    drop(serve);
    assert!(
        page.contains("installed copy"),
        "not the installed UI: {line}\n{page:.300}"
    );

    // The user's own collection, made from the installed demo on first run: its files are the
    // installed ones (never the build machine's tree), and it renders.
    let own = home.join(".local/share/streamwerk/collection.json");
    let kit = home.join(".local/share/streamwerk/brand/streamwerk.brand.json");
    let tree = root().canonicalize().unwrap();
    for file in [&own, &kit] {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(
            !text.contains(tree.to_str().unwrap()),
            "the source tree leaked in: {text:.500}"
        );
    }
    // The kit's fonts and logos are the installed ones.
    let text = std::fs::read_to_string(&kit).unwrap();
    assert!(text.contains(share.to_str().unwrap()), "{text:.500}");
    let out = dir.path().join("frame.png");
    let render = Command::new(&installed)
        .args([
            "render-frame",
            "--scene",
            own.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(render.status.success(), "{}", stderr(&render));
    let frame = image::open(&out).unwrap();
    assert_eq!((frame.width(), frame.height()), (1280, 720));
}

#[test]
fn completions_and_manual_pages_cover_every_command() {
    let help = streamwerk(&["--help"]);
    let help = String::from_utf8_lossy(&help.stdout).to_string();
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 15, "{help}");
    let bash = streamwerk(&["completions", "bash"]);
    let bash = String::from_utf8_lossy(&bash.stdout).to_string();
    let dir = tempfile::tempdir().unwrap();
    for command in &commands {
        assert!(bash.contains(command), "bash completion lacks {command}");
        let page = streamwerk(&["manual", command]);
        assert!(page.status.success(), "{}", stderr(&page));
        let file = dir.path().join(format!("streamwerk-{command}.1"));
        std::fs::write(&file, &page.stdout).unwrap();
        // man itself renders the page, as `man streamwerk-COMMAND` would.
        let shown = Command::new("man")
            .arg("-l")
            .arg(&file)
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100")
            .output()
            .unwrap();
        let shown = String::from_utf8_lossy(&shown.stdout).to_string();
        assert!(
            shown.contains(&format!("streamwerk-{command}")),
            "{shown:.300}"
        );
    }
    let serve = streamwerk(&["manual", "serve"]);
    assert!(String::from_utf8_lossy(&serve.stdout).contains("remote\\-port"));
    assert_eq!(streamwerk(&["manual", "nope"]).status.code(), Some(2));
}
