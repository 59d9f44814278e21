// Each platform's name and mark (Simple Icons, CC0), for destination chips and the Go Live
// dialog. LinkedIn's mark is not in Simple Icons (withdrawn at LinkedIn's request) and a
// custom ingest has none: those get a generic broadcast icon.
import type { Platform } from "./protocol.gen";
import { siFacebook, siInstagram, siKick, siTiktok, siTwitch, siYoutube } from "simple-icons";

const marks: Partial<Record<Platform, { path: string; hex: string }>> = {
  youtube: siYoutube,
  twitch: siTwitch,
  facebook: siFacebook,
  kick: siKick,
  tiktok: siTiktok,
  instagram: siInstagram,
};

export const platformNames: Record<Platform, string> = {
  youtube: "YouTube",
  twitch: "Twitch",
  facebook: "Facebook",
  linkedin: "LinkedIn",
  kick: "Kick",
  tiktok: "TikTok",
  instagram: "Instagram",
  custom: "Custom RTMP/SRT",
};

/// The platform's mark as an SVG path (24x24) and a colour that shows on the dark page (a
/// black mark is drawn white); null for a generic icon.
export function platformMark(platform: Platform): { path: string; color: string } | null {
  const mark = marks[platform];
  if (!mark) return null;
  return { path: mark.path, color: mark.hex === "000000" ? "#ffffff" : `#${mark.hex}` };
}
