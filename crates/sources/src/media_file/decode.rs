//! The decoder thread: demuxes the file into compressed packets held per half, decodes a
//! half while its queue wants more, converts and resamples what it decodes, loops, and places
//! a live stream's jumps anew.

use super::convert::{even_size, has_alpha, ToCanvas};
use super::*;

/// What the decoder thread works with.
pub(crate) struct Decoding {
    pub(super) input: format::context::Input,
    pub(super) video: Option<VideoDecoding>,
    pub(super) audio: Option<AudioDecoding>,
    pub(super) looping: bool,
    /// The file's time (seconds) that plays as 0.
    pub(super) origin: f64,
    /// A live stream's timeline, watched for jumps; None for a file.
    pub(super) live: Option<LiveClock>,
    /// The first packet after a live stream's jump: it starts the next pass.
    pub(super) carry: Option<(usize, ffmpeg::Packet, f64)>,
}

/// The last packet time of a live stream. A stream whose encoder went away and came back
/// may go on in the same connection with its times started again (nginx-rtmp keeps its
/// players through a new publish): that is a new stretch of the stream, placed anew.
#[derive(Default)]
pub(super) struct LiveClock {
    last: Option<f64>,
}

impl LiveClock {
    /// Whether `at` (seconds) breaks from the stream's time: back by more than a second, or
    /// on by more than five.
    fn jumped(&mut self, at: f64) -> bool {
        let jumped = self
            .last
            .is_some_and(|last| at < last - 1.0 || at > last + 5.0);
        self.last = Some(at);
        jumped
    }
}

pub(super) struct VideoDecoding {
    stream: usize,
    decoder: ffmpeg::decoder::Video,
    /// Made on the decoder thread (its scaler cannot move between threads).
    to_canvas: ToCanvas,
    /// The file's pictures carry alpha: they are kept as premultiplied RGBA.
    alpha: bool,
    time_base: f64,
    /// The file's time (seconds) that plays as 0: the same for both halves.
    origin: f64,
    decoded: frame::Video,
}

pub(super) struct AudioDecoding {
    stream: usize,
    decoder: ffmpeg::decoder::Audio,
    resampler: software::resampling::Context,
    /// The layout the resampler was made for: files that leave it unset get the default.
    layout: ChannelLayout,
    time_base: f64,
    origin: f64,
    decoded: frame::Audio,
    resampled: frame::Audio,
    /// File position (48 kHz samples) of the next sound to decode, once known.
    cursor: Option<i64>,
    /// Samples `resampled` has room for. FFmpeg takes the frame's sample count as its room,
    /// and each conversion leaves the count it wrote there, so it is set back before each.
    room: usize,
}

/// When the stream's first packet plays, in seconds, if the file says.
pub(super) fn start_time(stream: &format::stream::Stream) -> Option<f64> {
    let start = stream.start_time();
    (start != ffmpeg::ffi::AV_NOPTS_VALUE).then(|| start as f64 * f64::from(stream.time_base()))
}

pub(super) fn open_video(
    stream: &format::stream::Stream,
    origin: f64,
) -> Result<VideoDecoding, String> {
    let context =
        ffmpeg::codec::Context::from_parameters(stream.parameters()).map_err(|e| e.to_string())?;
    let mut decoder = context.decoder();
    decoder.set_packet_time_base(stream.time_base());
    // WebM keeps VP9's alpha in a side track that only libvpx's decoder reads.
    let vp9_alpha =
        decoder.id() == ffmpeg::codec::Id::VP9 && stream.metadata().get("alpha_mode") == Some("1");
    let decoder = match ffmpeg::decoder::find_by_name("libvpx-vp9").filter(|_| vp9_alpha) {
        Some(libvpx) => decoder.open_as(libvpx).and_then(|d| d.video()),
        None => decoder.video(),
    }
    .map_err(|e| e.to_string())?;
    let alpha = vp9_alpha || has_alpha(decoder.format());
    Ok(VideoDecoding {
        stream: stream.index(),
        time_base: f64::from(stream.time_base()),
        origin,
        decoder,
        to_canvas: ToCanvas::default(),
        alpha,
        decoded: frame::Video::empty(),
    })
}

pub(super) fn open_audio(
    stream: &format::stream::Stream,
    channels: usize,
    origin: f64,
) -> Result<AudioDecoding, String> {
    let context =
        ffmpeg::codec::Context::from_parameters(stream.parameters()).map_err(|e| e.to_string())?;
    let mut decoder = context.decoder();
    // FFmpeg moves a frame's time by the samples it discards (Opus's pre-skip, priming that
    // an MP4 edit list marks) only when it knows the packets' time base; without it the first
    // pass of such a file played a codec delay early.
    decoder.set_packet_time_base(stream.time_base());
    let decoder = decoder.audio().map_err(|e| e.to_string())?;
    let layout = match decoder.channel_layout() {
        l if l.is_empty() => ChannelLayout::default(decoder.channels() as i32),
        l => l,
    };
    // Mono stays mono and is spread to both sides at full level when queued; FFmpeg's upmix
    // would put it 3 dB down on each.
    let target = if channels == 1 || layout.channels() == 1 {
        ChannelLayout::MONO
    } else {
        ChannelLayout::STEREO
    };
    let resampler = software::resampling::Context::get(
        decoder.format(),
        layout,
        decoder.rate(),
        format::Sample::F32(format::sample::Type::Planar),
        target,
        SAMPLE_RATE,
    )
    .map_err(|e| e.to_string())?;
    Ok(AudioDecoding {
        stream: stream.index(),
        time_base: f64::from(stream.time_base()),
        origin,
        decoder,
        resampler,
        layout,
        decoded: frame::Audio::empty(),
        resampled: frame::Audio::empty(),
        cursor: None,
        room: 0,
    })
}

impl Decoding {
    /// The pictures' size as the video half delivers them (even, unless kept as RGBA) and
    /// whether they carry alpha; None without a picture.
    pub(super) fn picture(&self) -> Option<((u32, u32), bool)> {
        self.video.as_ref().map(|v| {
            let (w, h) = (v.decoder.width(), v.decoder.height());
            (if v.alpha { (w, h) } else { even_size(w, h) }, v.alpha)
        })
    }

    /// Finds the picture and sound of an opened `input` and their decoders, and seeks to
    /// `start_s`.
    pub(crate) fn new(
        input: format::context::Input,
        looping: bool,
        channels: usize,
        start_s: f64,
    ) -> Result<Decoding, String> {
        let (video, audio) = (
            input.streams().best(media::Type::Video),
            input.streams().best(media::Type::Audio),
        );
        // One origin for both halves: the first picture's time, so pictures fall on the
        // program's frame grid and sound is placed against them to the sample (pictures can
        // only change on a tick, sound anywhere). Matroska shifts a file so that AAC's priming
        // starts at 0 and the first picture at 21 ms: counted from the picture, the priming
        // lies before 0 and is cut, like anything before the start position. Sound alone
        // counts from its own start.
        let origin = video
            .as_ref()
            .or(audio.as_ref())
            .and_then(start_time)
            .unwrap_or(0.0)
            .max(0.0);
        let video = video.map(|s| open_video(&s, origin)).transpose()?;
        let audio = audio
            .map(|s| open_audio(&s, channels, origin))
            .transpose()?;
        if video.is_none() && audio.is_none() {
            return Err("it has neither video nor audio".into());
        }
        let mut decoding = Decoding {
            input,
            video,
            audio,
            looping,
            origin,
            live: None,
            carry: None,
        };
        if start_s > 0.0 {
            decoding.seek(start_s)?;
        }
        Ok(decoding)
    }

    /// Reads `input` as a live stream: played as it comes, a jump in its times a new stretch.
    pub(crate) fn live(mut self) -> Self {
        self.live = Some(LiveClock::default());
        self
    }

    /// After a pass that stopped at a jump in a live stream's times: the decoders start
    /// afresh and the stream's new times count from the packet after the jump. False when
    /// the pass ended for another reason (the stream ended or failed).
    pub(crate) fn restart_after_jump(&mut self) -> bool {
        let Some(at) = self.carry.as_ref().map(|c| c.2) else {
            return false;
        };
        self.origin = at;
        if let Some(v) = &mut self.video {
            v.decoder.flush();
            v.origin = at;
        }
        if let Some(a) = &mut self.audio {
            a.decoder.flush();
            a.origin = at;
            a.cursor = None;
        }
        self.live = Some(LiveClock::default());
        true
    }

    /// Seeks to `seconds` after the origin.
    fn seek(&mut self, seconds: f64) -> Result<(), String> {
        let ts = ((self.origin + seconds) * f64::from(ffmpeg::ffi::AV_TIME_BASE)) as i64;
        self.input.seek(ts, ..ts + 1).map_err(|e| e.to_string())?;
        if let Some(v) = &mut self.video {
            v.decoder.flush();
        }
        if let Some(a) = &mut self.audio {
            a.decoder.flush();
            a.cursor = None;
        }
        Ok(())
    }

    /// Decodes until the end (looping if asked) or until stopped.
    pub(super) fn run(&mut self, shared: &Shared) -> Result<(), String> {
        // Added to a pass's timestamps: where that pass starts on the looping timeline.
        let mut offset = 0.0;
        loop {
            let (video_end, audio_end) = self.decode_pass(shared, offset)?;
            let length = self.pass_length(shared, video_end, audio_end);
            if shared.stop.load(Relaxed) || !self.looping || length <= 0.0 {
                return Ok(());
            }
            offset += length;
            if self.audio.is_some() {
                end_sound_at(shared, seconds_to_samples(shared.start_s + offset));
            }
            tracing::debug!(
                "media file: pass of {length:.4} s (picture to {video_end:.4} s, sound to \
                 {audio_end:.4} s); looping, next pass at {offset:.4} s"
            );
            self.seek(shared.start_s)?;
        }
    }

    /// How long one pass plays (seconds from the start position). With a picture, a whole
    /// number of program frames: each loop then starts on the same phase of the frame grid,
    /// and the sound is cut or padded to the same length, so the two meet again at every
    /// loop. Compressed sound rarely ends with the picture (AAC's last frame is padded to 1024
    /// samples; Opus and MP3 likewise): what runs on for less than 50 ms is the codec's, not
    /// the file's, and is cut. Sound alone plays to its last sample.
    fn pass_length(&self, shared: &Shared, video_end: f64, audio_end: f64) -> f64 {
        if self.video.is_none() || Half::Video.gone(shared) {
            return audio_end - shared.start_s;
        }
        let end = if audio_end > video_end + 0.05 {
            audio_end
        } else {
            video_end
        };
        let frame = shared.frame_samples as f64 / SAMPLE_RATE as f64;
        ((end - shared.start_s) / frame).round().max(0.0) * frame
    }

    /// Returns the end of the picture and of the sound (file seconds; 0 for a missing one).
    ///
    /// Each half is decoded only while its queue wants more, from compressed packets held
    /// per half: a file stores its sound and picture up to a second or more apart, and
    /// decoding one half ahead to reach the other would mean keeping (or dropping) dozens of
    /// decoded pictures. Held packets are bounded by [`PENDING_BYTES`].
    pub(crate) fn decode_pass(
        &mut self,
        shared: &Shared,
        offset: f64,
    ) -> Result<(f64, f64), String> {
        let (mut video_end, mut audio_end) = (0f64, 0f64);
        let Decoding {
            input,
            video,
            audio,
            live,
            carry,
            ..
        } = self;
        let mut pending = Pending::default();
        // A fresh packet for each read, freed after use: `Packet::read` into a reused packet
        // leaks the previous one's buffer (`av_read_frame` does not unref it), which kept every
        // byte demuxed. The iterator also ends on an I/O error FFmpeg latches, where reading
        // again would spin; it skips a damaged packet, as players do.
        let mut packets = input.packets();
        let (has_video, has_audio) = (video.is_some(), audio.is_some());
        loop {
            let Some((want_video, want_audio)) = wait_for(shared, |q| {
                let w = (
                    has_video && Half::Video.wants(shared, q),
                    has_audio && Half::Audio.wants(shared, q),
                );
                (w.0 || w.1).then_some(w)
            }) else {
                return Ok((video_end, audio_end));
            };
            if let Some(v) = video.as_mut().filter(|_| want_video) {
                if let Some(packet) = pending.pop(Half::Video) {
                    video_end = video_end.max(v.decode(&packet, shared, offset)?);
                    continue;
                }
            }
            if let Some(a) = audio.as_mut().filter(|_| want_audio) {
                if let Some(packet) = pending.pop(Half::Audio) {
                    audio_end = audio_end.max(a.decode(&packet, shared, offset)?);
                    continue;
                }
            }
            if pending.bytes > PENDING_BYTES {
                // The halves are further apart in the file than the bound: the half nobody
                // wants now loses its oldest packet (its picture or sound will show damage).
                pending.drop_oldest(if want_video { Half::Audio } else { Half::Video });
                shared.overflows.fetch_add(1, Relaxed);
                continue;
            }
            let (index, packet) = match carry.take() {
                Some((index, packet, _)) => (index, packet),
                None => {
                    let Some((stream, packet)) = packets.next() else {
                        break;
                    };
                    let at = packet.dts().or(packet.pts()).unwrap_or(0) as f64
                        * f64::from(stream.time_base());
                    if live.as_mut().is_some_and(|clock| clock.jumped(at)) {
                        *carry = Some((stream.index(), packet, at));
                        break;
                    }
                    (stream.index(), packet)
                }
            };
            if video.as_ref().is_some_and(|v| v.stream == index) && !Half::Video.gone(shared) {
                pending.push(Half::Video, packet);
            } else if audio.as_ref().is_some_and(|a| a.stream == index) && !Half::Audio.gone(shared)
            {
                pending.push(Half::Audio, packet);
            }
        }
        // The end of the file: what is held is decoded as room frees up, then each decoder
        // gives what it still holds.
        if let Some(v) = video {
            match finish_half(v, Half::Video, &mut pending, shared, offset)? {
                Some(end) => video_end = video_end.max(end),
                None => return Ok((video_end, audio_end)),
            }
        }
        if let Some(a) = audio {
            match finish_half(a, Half::Audio, &mut pending, shared, offset)? {
                Some(end) => audio_end = audio_end.max(end),
                None => return Ok((video_end, audio_end)),
            }
        }
        Ok((video_end, audio_end))
    }
}

/// What the decode loop needs of either half's decoder.
trait HalfDecoder {
    fn codec(&mut self) -> &mut ffmpeg::decoder::Opened;

    /// Moves what the decoder has decoded into the half's queue; returns the latest end time.
    fn drain(&mut self, shared: &Shared, offset: f64) -> Result<f64, String>;

    /// Decodes one packet into the half's queue; returns the latest end time it reached.
    fn decode(
        &mut self,
        packet: &ffmpeg::Packet,
        shared: &Shared,
        offset: f64,
    ) -> Result<f64, String> {
        let _ = self.codec().send_packet(packet);
        self.drain(shared, offset)
    }

    /// Gives what the decoder still holds and readies it for the next pass.
    fn finish(&mut self, shared: &Shared, offset: f64) -> Result<f64, String> {
        let _ = self.codec().send_eof();
        let end = self.drain(shared, offset);
        self.codec().flush();
        end
    }
}

/// At the end of the file: decodes what is held for `half` as its queue frees up, then what
/// its decoder still holds. Returns the half's end time, or None once stopped.
fn finish_half(
    decoder: &mut impl HalfDecoder,
    half: Half,
    pending: &mut Pending,
    shared: &Shared,
    offset: f64,
) -> Result<Option<f64>, String> {
    let mut end = 0f64;
    while let Some(packet) = pending.pop(half) {
        // A half nobody plays any more (its source left the scene) takes nothing: what is
        // held for it is dropped rather than waited on.
        let ready = |q: &Queues| (half.gone(shared) || half.wants(shared, q)).then_some(());
        if wait_for(shared, ready).is_none() {
            return Ok(None);
        }
        if !half.gone(shared) {
            end = end.max(decoder.decode(&packet, shared, offset)?);
        }
    }
    Ok(Some(end.max(decoder.finish(shared, offset)?)))
}

#[derive(Clone, Copy)]
enum Half {
    Video,
    Audio,
}

impl Half {
    /// Its source half was dropped: nothing plays it any more.
    fn gone(self, shared: &Shared) -> bool {
        match self {
            Half::Video => shared.video_gone.load(Relaxed),
            Half::Audio => shared.audio_gone.load(Relaxed),
        }
    }

    /// The half is still played and its queue is short of its lead. (Whether the file has
    /// the half at all is the caller's to check.)
    fn wants(self, shared: &Shared, queues: &Queues) -> bool {
        !self.gone(shared)
            && match self {
                Half::Video => queues.video.len() < VIDEO_AHEAD,
                Half::Audio => queues.audio[0].len() < AUDIO_AHEAD,
            }
    }
}

/// Compressed packets read from the file and not yet decoded, per half.
#[derive(Default)]
struct Pending {
    video: VecDeque<ffmpeg::Packet>,
    audio: VecDeque<ffmpeg::Packet>,
    bytes: usize,
}

impl Pending {
    fn queue(&mut self, half: Half) -> &mut VecDeque<ffmpeg::Packet> {
        match half {
            Half::Video => &mut self.video,
            Half::Audio => &mut self.audio,
        }
    }

    fn push(&mut self, half: Half, packet: ffmpeg::Packet) {
        self.bytes += packet.size();
        self.queue(half).push_back(packet);
    }

    fn pop(&mut self, half: Half) -> Option<ffmpeg::Packet> {
        let packet = self.queue(half).pop_front()?;
        self.bytes -= packet.size();
        Some(packet)
    }

    fn drop_oldest(&mut self, half: Half) {
        if self.pop(half).is_none() {
            let other = match half {
                Half::Video => Half::Audio,
                Half::Audio => Half::Video,
            };
            self.pop(other);
        }
    }
}

fn seconds_to_samples(seconds: f64) -> i64 {
    (seconds * SAMPLE_RATE as f64).round() as i64
}

/// Makes the queued sound end exactly at timeline sample `end`: the codec's padding beyond a
/// pass is cut, a pass whose sound ends early is padded with silence.
fn end_sound_at(shared: &Shared, end: i64) {
    let mut queues = shared.queues.lock().unwrap();
    let queued = queues.audio[0].len();
    let now = queues.audio_start + queued as i64;
    if now > end {
        let keep = queued.saturating_sub((now - end) as usize);
        for channel in &mut queues.audio {
            channel.truncate(keep);
        }
    } else if queued > 0 {
        let pad = ((end - now) as usize).min(AUDIO_MAX);
        for channel in &mut queues.audio {
            channel.extend(std::iter::repeat_n(0.0, pad));
        }
    }
}

/// Waits until `ready` gives something; None once stopped.
fn wait_for<T>(shared: &Shared, ready: impl Fn(&Queues) -> Option<T>) -> Option<T> {
    let mut queues = shared.queues.lock().unwrap();
    loop {
        if shared.stop.load(Relaxed) {
            return None;
        }
        if let Some(value) = ready(&queues) {
            return Some(value);
        }
        queues = shared
            .taken
            .wait_timeout(queues, Duration::from_millis(100))
            .unwrap()
            .0;
    }
}

/// When a decoded frame with timestamp `pts` plays, in seconds from the file's start position.
fn play_time(pts: Option<i64>, time_base: f64, origin: f64) -> f64 {
    pts.map_or(0.0, |pts| pts as f64 * time_base - origin)
}

impl HalfDecoder for VideoDecoding {
    fn codec(&mut self) -> &mut ffmpeg::decoder::Opened {
        &mut self.decoder
    }

    /// Moves every picture the decoder has into the queue; returns the latest end time.
    fn drain(&mut self, shared: &Shared, offset: f64) -> Result<f64, String> {
        let mut end = 0f64;
        while self.decoder.receive_frame(&mut self.decoded).is_ok() {
            let at = play_time(self.decoded.timestamp(), self.time_base, self.origin);
            let duration = self.decoded.packet().duration as f64 * self.time_base;
            end = end.max(at + duration.max(0.0));
            // A seek lands on the keyframe before the start: what ends before it is not shown.
            if at + duration.max(1e-3) <= shared.start_s + 1e-6 {
                continue;
            }
            let spare = shared.queues.lock().unwrap().free.pop();
            let mut out = spare.unwrap_or_else(|| PictureBuf::Yuv(I420::new(2, 2)));
            self.to_canvas
                .convert(&self.decoded, self.alpha, &mut out)?;
            let mut queues = shared.queues.lock().unwrap();
            queues.video.push_back((at + offset, out));
            while queues.video.len() > VIDEO_MAX {
                let (_, oldest) = queues.video.pop_front().expect("over the bound");
                queues.recycle(oldest);
                shared.overflows.fetch_add(1, Relaxed);
            }
        }
        Ok(end)
    }
}

impl HalfDecoder for AudioDecoding {
    fn codec(&mut self) -> &mut ffmpeg::decoder::Opened {
        &mut self.decoder
    }

    /// Moves every decoded block into the queue at 48 kHz; returns the latest end time.
    fn drain(&mut self, shared: &Shared, offset: f64) -> Result<f64, String> {
        let mut end = 0f64;
        while self.decoder.receive_frame(&mut self.decoded).is_ok() {
            let at = play_time(self.decoded.timestamp(), self.time_base, self.origin);
            if self.decoded.channel_layout().is_empty() {
                self.decoded.set_channel_layout(self.layout);
            }
            // Room for this frame at 48 kHz plus what the resampler holds back.
            let needed = self.decoded.samples() * SAMPLE_RATE as usize
                / self.decoded.rate().max(1) as usize
                + 256;
            if needed > self.room {
                let output = self.resampler.output();
                self.room = needed.max(4096);
                self.resampled = frame::Audio::new(output.format, self.room, output.channel_layout);
            }
            self.resampled.set_samples(self.room);
            self.resampler
                .run(&self.decoded, &mut self.resampled)
                .map_err(|e| e.to_string())?;
            let n = self.resampled.samples();
            // Where this sound sits in the file, in samples: counted on from the previous frame,
            // since containers round timestamps (to the millisecond in MKV); taken from the
            // timestamp after a seek or across a gap in the file.
            let stamped = seconds_to_samples(at);
            // The first sound of a pass is placed at its exact time: a seek lands on whatever
            // packet holds the start, up to a codec frame either side of it.
            let pass_start = self.cursor.is_none();
            let position = match self.cursor {
                Some(cursor) if (stamped - cursor).abs() <= 480 => cursor,
                _ => stamped,
            };
            self.cursor = Some(position + n as i64);
            // Sound from before the start (a seek lands early) is cut off.
            let start = seconds_to_samples(shared.start_s);
            let mut early = (start - position).clamp(0, n as i64) as usize;
            let first = position + seconds_to_samples(offset) + early as i64;
            let mut queues = shared.queues.lock().unwrap();
            let queued = queues.audio[0].len() as i64;
            let next = queues.audio_start + queued;
            if queued == 0 {
                queues.audio_start = first;
            } else if first > next + if pass_start { 0 } else { 480 } {
                // A gap in the file (within a pass, of more than 10 ms): fill it with silence.
                let gap = ((first - next) as usize).min(AUDIO_MAX);
                for channel in &mut queues.audio {
                    channel.extend(std::iter::repeat_n(0.0, gap));
                }
            } else if pass_start && first < next {
                // The pass's sound begins before the end of the previous pass's: the overlap goes.
                early += ((next - first) as usize).min(n - early);
            }
            for (c, channel) in queues.audio.iter_mut().enumerate() {
                let plane = c.min(self.resampled.planes() - 1);
                channel.extend(&self.resampled.plane::<f32>(plane)[early..n]);
            }
            let over = queues.audio[0].len().saturating_sub(AUDIO_MAX);
            if over > 0 {
                for channel in &mut queues.audio {
                    channel.drain(..over);
                }
                queues.audio_start += over as i64;
                shared.overflows.fetch_add(over as u64, Relaxed);
            }
            // The end by sample count: exact, where timestamps are rounded.
            let queued_end = queues.audio_start + queues.audio[0].len() as i64;
            end = queued_end as f64 / SAMPLE_RATE as f64 - offset;
        }
        Ok(end)
    }
}
