//! What guests see of the show: the main canvas's program, made small (360 lines, 15 a
//! second) and encoded once to VP8 on the `guest-show` thread for every guest, not once per
//! guest. VP8 because every browser decodes it, whatever the guest sends with. The pictures
//! are taken live, before any stream delay, so guests see the show as the host does. The
//! thread asks for pictures only while a guest watches, and the `guest-rtc` thread sends
//! each encoded frame to every connected guest's video line.

use ffmpeg_next as ffmpeg;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::{Duration, Instant};
use streamwerk_encode::copy_planes;
use streamwerk_media::program_return::program_return;
use streamwerk_media::I420;

/// Lines in the picture guests see; the width follows the canvas's shape.
const HEIGHT: u32 = 360;
/// Pictures a second guests see.
const FPS: u32 = 15;
/// Bits a second of the return (a tenth of a 720p stream's).
const BITRATE: usize = 600_000;
/// Encoded frames waiting for the `guest-rtc` thread, at most; past it the frame is dropped
/// and the next one made a keyframe.
const QUEUE: usize = 4;

/// One encoded picture, shared by every guest's session.
pub(crate) struct ShowFrame {
    pub data: Arc<[u8]>,
    /// On the 90 kHz RTP clock.
    pub rtp: u64,
}

/// What the `guest-rtc` thread and the encoder share.
#[derive(Default)]
pub(crate) struct Viewers {
    /// Guests connected with a video line to send on: the encoder runs while above zero.
    pub watching: AtomicUsize,
    /// A guest joined or lost pictures: the next frame is a keyframe.
    pub keyframe: AtomicBool,
    /// The endpoint is stopping.
    pub closed: AtomicBool,
}

/// Starts the encoder; its frames arrive on the receiver.
pub(crate) fn start(viewers: Arc<Viewers>) -> Receiver<ShowFrame> {
    let (tx, rx) = sync_channel(QUEUE);
    std::thread::Builder::new()
        .name("guest-show".into())
        .spawn(move || run(&viewers, &tx))
        .expect("spawning a thread");
    rx
}

fn run(viewers: &Viewers, out: &SyncSender<ShowFrame>) {
    yield_to_the_program();
    let frame_time = Duration::from_secs(1) / FPS;
    let started = Instant::now();
    let mut encoder: Option<Encoder> = None;
    let mut picture = I420::new(2, 2);
    let mut seen = 0;
    while !viewers.closed.load(Relaxed) {
        if viewers.watching.load(Relaxed) == 0 {
            // Nobody watches: no encoder, no pictures asked for.
            encoder = None;
            std::thread::sleep(Duration::from_millis(100));
            continue;
        }
        let due = Instant::now() + frame_time;
        let Some(seq) = program_return().next(seen, Duration::from_millis(200), &mut picture)
        else {
            continue;
        };
        seen = seq;
        let size = (picture.width, picture.height);
        if encoder.as_ref().is_none_or(|e| e.source != size) {
            encoder = Encoder::open(size)
                .inspect_err(|e| tracing::warn!("guests will not see the show: {e}"))
                .ok();
            viewers.keyframe.store(true, Relaxed);
        }
        let Some(encoder) = encoder.as_mut() else {
            std::thread::sleep(Duration::from_secs(1));
            continue;
        };
        let keyframe = viewers.keyframe.swap(false, Relaxed);
        let rtp = started.elapsed().as_micros() as u64 * 9 / 100;
        for data in encoder.encode(&picture, rtp, keyframe) {
            match out.try_send(ShowFrame { data, rtp }) {
                Ok(()) => {}
                Err(TrySendError::Full(_)) => viewers.keyframe.store(true, Relaxed),
                Err(TrySendError::Disconnected(_)) => return,
            }
        }
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
    }
}

/// Lowers this thread's priority (nice 10): on a busy machine the program's own encoders and
/// the guests' decoders come first, and guests see the show at fewer pictures a second.
fn yield_to_the_program() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid and setpriority take and return plain integers; this thread's own id.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10);
    }
}

/// The scaler from the canvas's size and the VP8 encoder.
struct Encoder {
    source: (u32, u32),
    scaler: ffmpeg::software::scaling::Context,
    canvas: ffmpeg::frame::Video,
    small: ffmpeg::frame::Video,
    vp8: ffmpeg::encoder::Video,
}

impl Encoder {
    fn open((width, height): (u32, u32)) -> Result<Encoder, ffmpeg::Error> {
        use ffmpeg::format::Pixel::YUV420P;
        streamwerk_encode::init();
        // 360 lines, the width in proportion and even, as VP8 wants.
        let small_width = ((HEIGHT * width / height.max(1)) & !1).max(2);
        let codec =
            ffmpeg::encoder::find_by_name("libvpx").ok_or(ffmpeg::Error::EncoderNotFound)?;
        let mut enc = ffmpeg::codec::context::Context::new_with_codec(codec)
            .encoder()
            .video()?;
        enc.set_width(small_width);
        enc.set_height(HEIGHT);
        enc.set_format(YUV420P);
        // The RTP clock, so a frame's pts is its RTP time.
        enc.set_time_base(ffmpeg::Rational::new(1, 90_000));
        enc.set_frame_rate(Some(ffmpeg::Rational::new(FPS as i32, 1)));
        enc.set_bit_rate(BITRATE);
        // A keyframe every 4 s, and whenever a guest asks for one.
        enc.set_gop(4 * FPS);
        enc.set_colorspace(ffmpeg::util::color::Space::BT709);
        enc.set_color_range(ffmpeg::util::color::Range::MPEG);
        let mut options = ffmpeg::Dictionary::new();
        options.set("deadline", "realtime");
        options.set("cpu-used", "8");
        options.set("lag-in-frames", "0");
        options.set("error-resilient", "1");
        options.set("threads", "1");
        let vp8 = enc.open_with(options)?;
        let mut scaler = ffmpeg::software::scaling::Context::get(
            YUV420P,
            width,
            height,
            YUV420P,
            small_width,
            HEIGHT,
            ffmpeg::software::scaling::Flags::BILINEAR,
        )?;
        to_bt601(&mut scaler);
        Ok(Encoder {
            source: (width, height),
            scaler,
            canvas: ffmpeg::frame::Video::new(YUV420P, width, height),
            small: ffmpeg::frame::Video::new(YUV420P, small_width, HEIGHT),
            vp8,
        })
    }

    /// The encoded frames of `picture` (one, or none when libvpx drops it for the rate).
    fn encode(&mut self, picture: &I420, rtp: u64, keyframe: bool) -> Vec<Arc<[u8]>> {
        copy_planes(picture, &mut self.canvas);
        if let Err(e) = self.scaler.run(&self.canvas, &mut self.small) {
            tracing::debug!("a show picture not scaled: {e}");
            return Vec::new();
        }
        self.small.set_pts(Some(rtp as i64));
        self.small.set_kind(if keyframe {
            ffmpeg::picture::Type::I
        } else {
            ffmpeg::picture::Type::None
        });
        if let Err(e) = self.vp8.send_frame(&self.small) {
            tracing::debug!("a show picture not encoded: {e}");
            return Vec::new();
        }
        let mut frames = Vec::new();
        let mut packet = ffmpeg::Packet::empty();
        while self.vp8.receive_packet(&mut packet).is_ok() {
            if let Some(data) = packet.data() {
                frames.push(Arc::from(data));
            }
        }
        frames
    }
}

/// Makes the scaler convert the canvas's BT.709 to BT.601 on the way (both limited range):
/// VP8 cannot say which it carries and browsers show it as BT.601, which would turn a brand's
/// red 20 levels darker. Free here: the scaler touches every pixel anyway.
fn to_bt601(scaler: &mut ffmpeg::software::scaling::Context) {
    use ffmpeg::ffi::{
        sws_getCoefficients, sws_setColorspaceDetails, SWS_CS_ITU601, SWS_CS_ITU709,
    };
    // SAFETY: the context is valid; the coefficient tables are FFmpeg's static ones.
    unsafe {
        let (from, to) = (
            sws_getCoefficients(SWS_CS_ITU709),
            sws_getCoefficients(SWS_CS_ITU601),
        );
        sws_setColorspaceDetails(scaler.as_mut_ptr(), from, 0, to, 0, 0, 1 << 16, 1 << 16);
    }
}
