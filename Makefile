# The two commands of the README: `make run` and `make test`. Both install what is missing
# (Debian packages, Rust components) and are safe to run again.

SHELL := /bin/bash
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Build: FFmpeg 5.1 headers for ffmpeg-next, libclang for its bindgen. Tests: the ffmpeg and
# ffprobe tools that decode what the engine writes, and nginx with the RTMP module as the
# ingest server the streaming tests push to (stunnel and openssl put TLS in front of it).
APT_PACKAGES := pkg-config clang libclang-dev libavcodec-dev libavformat-dev libavutil-dev \
	libswscale-dev libswresample-dev libavfilter-dev libavdevice-dev ffmpeg python3 \
	nginx libnginx-mod-rtmp stunnel4 openssl

.PHONY: run test deps build bench

run: build
	@mkdir -p recordings
	@out=recordings/demo-$$(date +%Y%m%d-%H%M%S).mkv; \
	echo "Recording the demo collection's Live scene to $$out (Ctrl-C stops and finalises it)"; \
	$(TARGET_DIR)/release/streamwerk record --scene assets/scenes/demo.json --out "$$out" \
	&& echo "Saved $$out"

test: deps
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo build --bin streamwerk
	cargo test --workspace -- --test-threads=2

build: deps
	cargo build --release --bin streamwerk

bench: build
	cargo bench -p streamwerk-engine --bench compose
	python3 tools/bench_pipeline.py

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
	@cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
	@cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
