#!/usr/bin/env bash
# Builds the .deb and .rpm of the desktop app and the `streamwerk` command with Tauri's
# bundler (the npm @tauri-apps/cli, offline), laid out as docs/packaging.md says: both
# binaries in /usr/bin, the UI and the demo in /usr/share/streamwerk, the manual pages and
# shell completions made from the command line's definitions.
# Usage: tools/package.sh TARGET_DIR   (from the repository's root, UI built; make package)
set -euo pipefail
target=$(realpath "$1")
root=$PWD
out="$target/package"
rm -rf "$out" && mkdir -p "$out/man" "$out/completions"
CARGO_TARGET_DIR="$target" cargo build --release --bin streamwerk
# Line tables stay in the build (backtraces, profiles); the package's copy goes without.
cli="$out/streamwerk"
strip --strip-debug -o "$cli" "$target/release/streamwerk"
"$cli" manual > "$out/man/streamwerk.1"
for command in $("$cli" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR>1 && $1 != "help" {print $1}'); do
  "$cli" manual "$command" > "$out/man/streamwerk-$command.1"
done
gzip -9n "$out"/man/*.1
"$cli" completions bash > "$out/completions/streamwerk"
"$cli" completions zsh > "$out/completions/_streamwerk"
"$cli" completions fish > "$out/completions/streamwerk.fish"
python3 - "$out" "$root" "$cli" <<'PY'
import json, os, sys
out, root, cli = sys.argv[1:]
files = {
    "/usr/bin/streamwerk": cli,
    "/usr/share/streamwerk/ui": os.path.join(root, "ui/dist"),
    "/usr/share/streamwerk/assets": os.path.join(root, "assets"),
    "/usr/share/bash-completion/completions/streamwerk": os.path.join(out, "completions/streamwerk"),
    "/usr/share/zsh/vendor-completions/_streamwerk": os.path.join(out, "completions/_streamwerk"),
    "/usr/share/fish/vendor_completions.d/streamwerk.fish": os.path.join(out, "completions/streamwerk.fish"),
}
for page in sorted(os.listdir(os.path.join(out, "man"))):
    files[f"/usr/share/man/man1/{page}"] = os.path.join(out, "man", page)
depends = ["libavcodec59", "libavformat59", "libavutil57", "libswscale6", "libswresample4",
           "libturbojpeg0", "libasound2", "libopus0"]
config = {"bundle": {
    "active": True,
    "targets": ["deb", "rpm"],
    "icon": ["icons/icon.png"],
    "category": "Video",
    "shortDescription": "Branded live streams, simulcast and recordings",
    "longDescription": "A live-streaming studio: scenes, a brand kit, guests from a browser link, "
                       "simulcast to several platforms in 16:9 and 9:16, and recordings.",
    "linux": {
        "deb": {"depends": depends, "files": files},
        "rpm": {"files": files},
    },
}}
json.dump(config, open(os.path.join(out, "tauri.bundle.json"), "w"), indent=1)
PY
# Built, stripped of its line tables like the command, then bundled.
CARGO_TARGET_DIR="$target" ui/node_modules/.bin/tauri build --config "$out/tauri.bundle.json" --no-bundle
strip --strip-debug "$target/release/streamwerk-studio"
CARGO_TARGET_DIR="$target" ui/node_modules/.bin/tauri bundle --config "$out/tauri.bundle.json" --bundles deb,rpm
ls -la "$target"/release/bundle/deb/*.deb "$target"/release/bundle/rpm/*.rpm
