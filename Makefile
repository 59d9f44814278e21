# The two commands of the README: `make run` and `make test`. Both install what is missing
# (Debian packages, Rust components) and are safe to run again.

SHELL := /bin/bash
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Build: FFmpeg 5.1 headers for ffmpeg-next, libclang for its bindgen. Tests: the ffmpeg and
# ffprobe tools that decode what the engine writes, and nginx with the RTMP module as the
# ingest server the streaming tests push to (stunnel and openssl put TLS in front of it).
# The UI's browser tests run in Debian's Chromium, and a guest in its Firefox ESR (Node 20
# and npm build the UI; see below).
# The desktop app: WebKitGTK to build it, Xvfb and WebKitWebDriver to test it headless.
# The studio's preview: libjpeg-turbo encodes each program frame for the UI. Remote guests'
# sound: libopus (in-band FEC on lost packets).
# Sound capture: ALSA headers for cpal; a user-space PulseAudio with a null sink is the tests'
# sound card, reached through ALSA's pulse plugin. iproute2: the outage tests put an ingest in a
# network namespace behind a veth link (ip netns, tc), which needs root, as CI runs.
APT_PACKAGES := pkg-config clang libclang-dev libavcodec-dev libavformat-dev libavutil-dev \
	libswscale-dev libswresample-dev libavfilter-dev libavdevice-dev ffmpeg python3 \
	libturbojpeg0-dev mold libopus-dev \
	libasound2-dev libasound2-plugins pulseaudio pulseaudio-utils \
	nginx libnginx-mod-rtmp stunnel4 openssl chromium firefox-esr coturn \
	build-essential libwebkit2gtk-4.1-dev libxdo-dev libssl-dev librsvg2-dev \
	xvfb xauth xdotool webkit2gtk-driver iproute2
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin

.PHONY: run test deps ui build bench package

# The studio on your own collection (made from the demo on first run): a window where a
# display exists, else in the browser at the URL it prints. Closing it (or Ctrl-C) finalises
# any recording.
run: build
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		$(TARGET_DIR)/release/streamwerk-studio; \
	else \
		echo "No display: serving the studio to a browser instead."; \
		$(TARGET_DIR)/release/streamwerk serve; \
	fi

test: deps ui
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cd ui && npx tsc --noEmit && npx svelte-check --tsconfig ./tsconfig.json --fail-on-warnings && npx vitest run
	# One build of every target (the binaries the end-to-end tests run, the tests, the
	# benches): built apart, the binaries and the tests resolve dependency features differently
	# and compile some crates twice.
	cargo build --workspace --all-targets
	cargo test --workspace -- --test-threads=2

ui: deps
	cd ui && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; }
	cd ui && npx vite build --logLevel warn

build: deps ui
	cargo build --release --bin streamwerk --bin streamwerk-studio

# The .deb and .rpm (docs/packaging.md), with Tauri's bundler from npm, offline.
package: deps ui
	tools/package.sh $(TARGET_DIR)

bench: build
	cargo bench -p streamwerk-engine -p streamwerk-sources -p streamwerk-studio --bench compose --bench mix --bench templates --bench pictures
	python3 tools/bench_pipeline.py --rounds 3
	python3 tools/soak.py --minutes 30
	python3 tools/bench_delay.py
	python3 tools/bench_transitions.py
	python3 tools/bench_studio_mode.py
	python3 tools/bench_canvases.py --heights 720,1080
	tools/bench_guests.sh $(abspath $(TARGET_DIR))/release/streamwerk
	tools/bench_guest_latency.sh $(abspath $(TARGET_DIR))/release/streamwerk
	python3 tools/soak_guests.py --minutes 10 --guests 2 --height 540
	tools/bench_remote.sh $(abspath $(TARGET_DIR))/release/streamwerk
	cd ui && xvfb-run -a -s "-screen 0 1600x1000x24" node bench/preview.mjs \
		$(abspath $(TARGET_DIR))/release/streamwerk $(abspath $(TARGET_DIR))/release/streamwerk-studio \
		../assets/scenes/demo.json 10

deps:
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
			--no-install-recommends -o DPkg::Lock::Timeout=600 $$missing; \
	fi
	@command -v cargo >/dev/null || { echo "Rust is missing: install it with rustup, then run make again." >&2; exit 1; }
	@node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' 2>/dev/null \
		|| { echo "Node.js 20 or newer (with npm) is needed to build the UI: install it from nodejs.org or NodeSource, then run make again." >&2; exit 1; }
	@cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
	@cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
	@[ -x "$(CARGO_BIN)/tauri-driver" ] || cargo install tauri-driver --locked
