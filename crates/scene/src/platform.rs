//! Streaming platforms: their shared ingest servers and the encoder limits they publish, so a
//! stream a platform would reject or degrade is flagged before it goes out, naming the limit.

use crate::{AudioEncoderSettings, RateControl, VideoEncoderSettings};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a destination streams to. Platforms whose ingest server is the same for everyone
/// fill it in; the others give each stream its own server URL, which the user pastes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Youtube,
    Twitch,
    Facebook,
    Linkedin,
    Kick,
    Tiktok,
    Instagram,
    #[default]
    Custom,
}

/// What a platform publishes about the streams it accepts. Only limits stated in the
/// platform's own documentation (see `sources`) are here; a missing one is not checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlatformLimits {
    /// The pages the numbers come from.
    pub sources: &'static [&'static str],
    /// Longest keyframe interval, in seconds, where the platform states one.
    pub max_keyframe_s: Option<f32>,
    /// The platform wants exactly `max_keyframe_s`, not less.
    pub exact_keyframe: bool,
    pub max_width: u32,
    pub max_height: u32,
    pub max_fps: u32,
    /// Highest video bitrate by picture size: (max lines, max fps, kbps), smallest first; the
    /// first row the canvas fits applies. Lines are the shorter side (720 for 720x1280).
    pub video_kbps: &'static [(u32, u32, u32)],
    pub max_audio_kbps: Option<u32>,
    /// The platform asks for constant bitrate.
    pub cbr: bool,
    /// The shape the platform expects (width, height: 16:9 or 9:16), where it states one.
    pub aspect: Option<(u32, u32)>,
}

/// A setting outside a platform's published limits: going live works, but the platform may
/// refuse, cut or degrade the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitWarning {
    /// The limit, as the platform names it: "keyframe interval", "video bitrate", …
    pub limit: &'static str,
    /// What is wrong and which setting fixes it.
    pub message: String,
}

impl fmt::Display for LimitWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Platform {
    /// The name users know the platform by.
    pub fn label(self) -> &'static str {
        match self {
            Platform::Youtube => "YouTube",
            Platform::Twitch => "Twitch",
            Platform::Facebook => "Facebook",
            Platform::Linkedin => "LinkedIn",
            Platform::Kick => "Kick",
            Platform::Tiktok => "TikTok",
            Platform::Instagram => "Instagram",
            Platform::Custom => "custom server",
        }
    }

    /// The platform's published ingest server, where one is shared by all streams.
    pub fn default_server(self) -> Option<&'static str> {
        match self {
            Platform::Youtube => Some("rtmp://a.rtmp.youtube.com/live2"),
            Platform::Twitch => Some("rtmp://live.twitch.tv/app"),
            Platform::Facebook => Some("rtmps://live-api-s.facebook.com:443/rtmp"),
            Platform::Linkedin
            | Platform::Kick
            | Platform::Tiktok
            | Platform::Instagram
            | Platform::Custom => None,
        }
    }

    /// Whether the platform shows streams upright (9:16): a vertical canvas suits it.
    pub fn is_vertical(self) -> bool {
        matches!(self, Platform::Tiktok | Platform::Instagram)
    }

    /// The platform a pasted ingest URL belongs to, recognised by its host; `Custom` when
    /// the host is not one a platform publishes.
    pub fn from_url(url: &str) -> Platform {
        let host = url
            .split_once("://")
            .map_or(url, |(_, rest)| rest)
            .split(['/', ':', '?'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let under = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));
        if under("youtube.com") {
            Platform::Youtube
        } else if under("twitch.tv") {
            Platform::Twitch
        } else if under("facebook.com") {
            Platform::Facebook
        } else if under("instagram.com") {
            Platform::Instagram
        } else if under("tiktok.com") {
            Platform::Tiktok
        } else {
            Platform::Custom
        }
    }

    /// Published limits; `None` for a custom server and where we found no numbers (LinkedIn
    /// and TikTok publish recommendations only through third parties). Kick's ceiling is what
    /// its ingest was seen to reject (a second-hand source): a warning, as every limit is.
    pub fn limits(self) -> Option<PlatformLimits> {
        match self {
            Platform::Youtube => Some(PlatformLimits {
                sources: &["https://support.google.com/youtube/answer/2853702"],
                max_keyframe_s: Some(4.0),
                exact_keyframe: false,
                max_width: 3840,
                max_height: 2160,
                max_fps: 60,
                video_kbps: &[],
                max_audio_kbps: None,
                cbr: false,
                aspect: None,
            }),
            Platform::Twitch => Some(PlatformLimits {
                sources: &[
                    "https://help.twitch.tv/s/article/broadcasting-guidelines",
                    "https://www.twitch.tv/creatorcamp/en/paths/going-live/broadcast-recommendations/",
                ],
                max_keyframe_s: Some(2.0),
                exact_keyframe: true,
                max_width: 1920,
                max_height: 1080,
                max_fps: 60,
                video_kbps: &[(1080, 60, 6000)],
                max_audio_kbps: Some(320),
                cbr: true,
                aspect: None,
            }),
            Platform::Facebook => Some(PlatformLimits {
                sources: &["https://developers.facebook.com/docs/live-video-api/reference"],
                max_keyframe_s: Some(4.0),
                exact_keyframe: false,
                max_width: 1920,
                max_height: 1080,
                max_fps: 60,
                video_kbps: &[
                    (360, 60, 1000),
                    (480, 30, 2000),
                    (720, 30, 4000),
                    (720, 60, 6000),
                    (1080, 30, 6000),
                    (1080, 60, 9000),
                ],
                max_audio_kbps: Some(256),
                cbr: false,
                // "Aim for 16:9; if too far from this ratio we may not be able to support your
                // stream."
                aspect: Some((16, 9)),
            }),
            Platform::Instagram => Some(PlatformLimits {
                sources: &[
                    "https://about.instagram.com/blog/tips-and-tricks/instagram-live-producer",
                ],
                max_keyframe_s: None,
                exact_keyframe: false,
                max_width: 720,
                max_height: 1280,
                max_fps: 60,
                video_kbps: &[(720, 60, 6000)],
                max_audio_kbps: Some(256),
                cbr: false,
                // Recommended, not required.
                aspect: Some((9, 16)),
            }),
            Platform::Kick => Some(PlatformLimits {
                sources: &["https://github.com/sorayuki/obs-multi-rtmp/issues/348"],
                max_keyframe_s: None,
                exact_keyframe: false,
                max_width: 1920,
                max_height: 1080,
                max_fps: 60,
                video_kbps: &[],
                max_audio_kbps: None,
                cbr: false,
                aspect: None,
            }),
            Platform::Linkedin | Platform::Tiktok | Platform::Custom => None,
        }
    }

    /// Every published limit the settings break for a canvas of `width`x`height` at `fps`.
    /// The canvas of `canvases` (name, width, height; `main` first) a destination on this
    /// platform streams unless told: for TikTok and Instagram, which play 9:16, the first
    /// vertical canvas; else `main`.
    pub fn default_canvas(self, canvases: &[(String, u32, u32)]) -> String {
        let vertical = matches!(self, Platform::Tiktok | Platform::Instagram);
        canvases
            .iter()
            .find(|(_, w, h)| vertical && h > w)
            .map_or(crate::MAIN_CANVAS, |(name, ..)| name.as_str())
            .to_string()
    }

    pub fn check(
        self,
        video: &VideoEncoderSettings,
        audio: &AudioEncoderSettings,
        (width, height, fps): (u32, u32, u32),
    ) -> Vec<LimitWarning> {
        let Some(l) = self.limits() else {
            return Vec::new();
        };
        let name = self.label();
        let mut out = Vec::new();
        let mut warn = |limit, message: String| out.push(LimitWarning { limit, message });
        let key = video.keyframe_interval_s;
        if let Some(most) = l.max_keyframe_s {
            if key > most + 1e-3 || (l.exact_keyframe && key < most - 1e-3) {
                let wants = if l.exact_keyframe {
                    "exactly"
                } else {
                    "at most"
                };
                warn(
                    "keyframe interval",
                    format!(
                        "{name} wants a keyframe interval of {wants} {most} s; the profile sets \
                         {key} s (set video.keyframe_interval_s to {most})"
                    ),
                );
            }
        }
        if let Some((aw, ah)) = l.aspect {
            // More than 2 % off the shape the platform expects.
            let off = (width as f32 * ah as f32) / (height as f32 * aw as f32);
            if !(0.98..=1.02).contains(&off) {
                let shape = if aw > ah { "horizontal" } else { "vertical" };
                warn(
                    "aspect",
                    format!(
                        "{name} expects {aw}:{ah} pictures; the canvas is {width}x{height} \
                         (send it a {shape} canvas)"
                    ),
                );
            }
        }
        let (max_w, max_h) = (l.max_width, l.max_height);
        let fits = (width <= max_w && height <= max_h) || (width <= max_h && height <= max_w);
        if !fits {
            warn(
                "resolution",
                format!(
                    "{name} takes at most {max_w}x{max_h}; the canvas is {width}x{height} \
                     (pass --canvas or lower canvas.width/height)"
                ),
            );
        }
        if fps > l.max_fps {
            warn(
                "frame rate",
                format!(
                    "{name} takes at most {} fps; the canvas runs at {fps} (lower canvas.fps)",
                    l.max_fps
                ),
            );
        }
        let row = l
            .video_kbps
            .iter()
            .find(|(h, f, _)| width.min(height) <= *h && fps <= *f);
        if let Some(&(h, f, max)) = row.or(l.video_kbps.last()) {
            let peak = match video.rate_control {
                RateControl::Cbr => video.bitrate_kbps,
                RateControl::Vbr => video.max_bitrate_kbps.unwrap_or(video.bitrate_kbps * 3 / 2),
            };
            if peak > max {
                warn(
                    "video bitrate",
                    format!(
                        "{name} allows at most {max} kbps of video up to {h}p{f}; the profile \
                         sends up to {peak} kbps (lower video.bitrate_kbps)"
                    ),
                );
            }
        }
        if let Some(max) = l.max_audio_kbps.filter(|max| audio.bitrate_kbps > *max) {
            warn(
                "audio bitrate",
                format!(
                    "{name} allows at most {max} kbps of audio; the profile sets {} kbps \
                     (lower audio.bitrate_kbps)",
                    audio.bitrate_kbps
                ),
            );
        }
        if l.cbr && video.rate_control != RateControl::Cbr {
            warn(
                "rate control",
                format!("{name} asks for constant bitrate (set video.rate_control to \"cbr\")"),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits_hit(
        platform: Platform,
        video: VideoEncoderSettings,
        canvas: (u32, u32, u32),
    ) -> Vec<&'static str> {
        platform
            .check(&video, &AudioEncoderSettings::default(), canvas)
            .iter()
            .map(|w| w.limit)
            .collect()
    }

    #[test]
    fn defaults_fit_every_platform_at_720p30_and_1080p30() {
        let video = VideoEncoderSettings {
            bitrate_kbps: 4000,
            ..Default::default()
        };
        for p in [
            Platform::Youtube,
            Platform::Twitch,
            Platform::Facebook,
            Platform::Linkedin,
        ] {
            assert!(
                limits_hit(p, video.clone(), (1280, 720, 30)).is_empty(),
                "{p:?}"
            );
        }
    }

    #[test]
    fn twitch_wants_two_second_keyframes_cbr_and_at_most_6000_kbps() {
        let video = VideoEncoderSettings {
            keyframe_interval_s: 1.0,
            bitrate_kbps: 8000,
            rate_control: RateControl::Vbr,
            max_bitrate_kbps: Some(9000),
            ..Default::default()
        };
        assert_eq!(
            limits_hit(Platform::Twitch, video, (2560, 1440, 60)),
            [
                "keyframe interval",
                "resolution",
                "video bitrate",
                "rate control"
            ]
        );
    }

    #[test]
    fn facebook_bitrate_ceiling_follows_the_picture() {
        let video = VideoEncoderSettings {
            bitrate_kbps: 5000,
            ..Default::default()
        };
        assert_eq!(
            limits_hit(Platform::Facebook, video.clone(), (1280, 720, 30)),
            ["video bitrate"]
        );
        assert!(limits_hit(Platform::Facebook, video.clone(), (1280, 720, 60)).is_empty());
        assert!(limits_hit(Platform::Facebook, video, (1920, 1080, 30)).is_empty());
        let loud = AudioEncoderSettings { bitrate_kbps: 320 };
        let hit = Platform::Facebook.check(&Default::default(), &loud, (1280, 720, 30));
        assert!(hit
            .iter()
            .any(|w| w.limit == "audio bitrate" && w.message.contains("256 kbps")));
    }

    #[test]
    fn youtube_allows_up_to_four_second_keyframes() {
        let at = |s| VideoEncoderSettings {
            keyframe_interval_s: s,
            ..Default::default()
        };
        assert!(limits_hit(Platform::Youtube, at(4.0), (1920, 1080, 30)).is_empty());
        let hit = Platform::Youtube.check(&at(6.0), &Default::default(), (1920, 1080, 30));
        assert_eq!(hit.len(), 1);
        assert!(hit[0].message.contains("at most 4 s"), "{}", hit[0]);
    }

    #[test]
    fn platforms_without_published_limits_and_custom_servers_are_not_checked() {
        let wild = VideoEncoderSettings {
            keyframe_interval_s: 10.0,
            bitrate_kbps: 50_000,
            ..Default::default()
        };
        for p in [Platform::Linkedin, Platform::Tiktok, Platform::Custom] {
            assert!(limits_hit(p, wild.clone(), (3840, 2160, 120)).is_empty());
        }
    }

    #[test]
    fn shapes_and_sizes_follow_each_platform() {
        let video = VideoEncoderSettings {
            bitrate_kbps: 4000,
            ..Default::default()
        };
        // Instagram: 9:16 at 720x1280; a horizontal canvas gets the shape and size named.
        assert!(limits_hit(Platform::Instagram, video.clone(), (720, 1280, 30)).is_empty());
        let hit = Platform::Instagram.check(&video, &Default::default(), (1920, 1080, 30));
        assert_eq!(
            hit.iter().map(|w| w.limit).collect::<Vec<_>>(),
            ["aspect", "resolution"]
        );
        assert!(hit[0].message.contains("expects 9:16") && hit[0].message.contains("vertical"));
        // Facebook: 16:9 expected; a vertical canvas is warned about.
        assert_eq!(
            limits_hit(Platform::Facebook, video.clone(), (1080, 1920, 30)),
            ["aspect"]
        );
        // Kick: nothing above 1080p.
        assert_eq!(
            limits_hit(Platform::Kick, video.clone(), (2560, 1440, 30)),
            ["resolution"]
        );
        assert!(limits_hit(Platform::Kick, video, (1920, 1080, 60)).is_empty());
        assert!(Platform::Instagram.is_vertical() && !Platform::Youtube.is_vertical());
        assert_eq!(
            Platform::from_url("rtmps://live-upload.instagram.com:443/rtmp/k"),
            Platform::Instagram
        );
    }

    #[test]
    fn ingest_hosts_name_their_platform() {
        assert_eq!(
            Platform::from_url("rtmp://a.rtmp.youtube.com/live2/k"),
            Platform::Youtube
        );
        assert_eq!(
            Platform::from_url("rtmp://live.twitch.tv/app/k"),
            Platform::Twitch
        );
        assert_eq!(
            Platform::from_url("rtmps://live-api-s.facebook.com:443/rtmp/k"),
            Platform::Facebook
        );
        assert_eq!(
            Platform::from_url("rtmp://notyoutube.com/live/k"),
            Platform::Custom
        );
        assert_eq!(Platform::from_url("srt://127.0.0.1:9000"), Platform::Custom);
    }
}
