//! `relay-config`: an nginx-rtmp configuration that receives one stream and pushes it to many
//! destinations, so a studio on a weak uplink uploads once and a server fans out.

use crate::{bad_input, runtime, Outcome};
use anyhow::anyhow;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use streamwerk_outputs::{mask_url, validate_url};

#[derive(clap::Args)]
pub struct RelayArgs {
    /// Address and port the relay listens on.
    #[arg(long, default_value = "0.0.0.0:1935")]
    listen: String,
    /// Application the studio publishes to: rtmp://RELAY/APP/any-name.
    #[arg(long, default_value = "live")]
    app: String,
    /// Where the relay pushes, with stream keys (plain rtmp:// only; see docs/relay.md).
    #[arg(long = "dest", required = true)]
    destinations: Vec<String>,
    /// Addresses (or CIDR ranges) allowed to publish; everyone else is refused, so strangers
    /// cannot stream to your accounts through the relay.
    #[arg(long = "allow-publish", required = true)]
    allow_publish: Vec<String>,
    /// Folder for the relay's pid file and error log.
    #[arg(long, default_value = "/run/streamwerk-relay")]
    runtime_dir: PathBuf,
    /// nginx's RTMP module (Debian: libnginx-mod-rtmp).
    #[arg(long, default_value = "/usr/lib/nginx/modules/ngx_rtmp_module.so")]
    module: PathBuf,
    /// Write the configuration to this file (created 0600: it holds stream keys) instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(args: RelayArgs) -> Outcome {
    for (i, url) in args.destinations.iter().enumerate() {
        validate_url(url).map_err(|e| bad_input(anyhow!("--dest #{}: {e}", i + 1)))?;
        if !url.to_ascii_lowercase().starts_with("rtmp://") {
            return Err(bad_input(anyhow!(
                "--dest #{}: {}: nginx-rtmp pushes plain rtmp:// only; for RTMPS run a TLS tunnel \
                 on the relay and push to it (docs/relay.md)",
                i + 1,
                mask_url(url)
            )));
        }
    }
    let word = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.:/[]".contains(c))
    };
    if !word(&args.app) || !word(&args.listen) || !args.allow_publish.iter().all(|a| word(a)) {
        return Err(bad_input(anyhow!(
            "--app, --listen and --allow-publish take plain names and addresses (letters, digits, - _ . : /)"
        )));
    }
    let config = render(&args);
    match &args.out {
        Some(path) => {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(path)
                .map_err(|e| runtime(anyhow!("cannot write {}: {e}", path.display())))?;
            file.write_all(config.as_bytes()).map_err(runtime)?;
            eprintln!("wrote {} (mode 0600: it holds stream keys)", path.display());
        }
        None => print!("{config}"),
    }
    Ok(())
}

fn render(args: &RelayArgs) -> String {
    let run = args.runtime_dir.display();
    let mut out = format!(
        "# Streamwerk relay, written by `streamwerk relay-config`. It holds stream keys: keep it\n\
         # private. Publish to rtmp://THIS-HOST:{port}/{app}/<any name>; every destination below\n\
         # gets the stream. Run: nginx -c THIS-FILE (docs/relay.md).\n\
         load_module {module};\n\
         worker_processes 1;\n\
         pid {run}/nginx.pid;\n\
         error_log {run}/error.log warn;\n\
         events {{ worker_connections 256; }}\n\
         rtmp {{\n    server {{\n        listen {listen};\n        chunk_size 4096;\n\
         \x20       application {app} {{\n            live on;\n            record off;\n",
        port = args.listen.rsplit(':').next().unwrap_or("1935"),
        app = args.app,
        module = args.module.display(),
        listen = args.listen,
    );
    for allowed in &args.allow_publish {
        out.push_str(&format!("            allow publish {allowed};\n"));
    }
    out.push_str("            deny publish all;\n            deny play all;\n");
    for url in &args.destinations {
        out.push_str(&format!("            push {url};\n"));
    }
    out.push_str("        }\n    }\n}\n");
    out
}
