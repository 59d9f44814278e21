//! Network addresses where a file path may stand: a media source can read a stream an encoder
//! or camera sends (RTMP, SRT, RTSP, HTTP...), which FFmpeg reads like a file.

use std::path::Path;

/// The schemes FFmpeg reads a live or remote stream from.
const SCHEMES: &[&str] = &[
    "http", "https", "rtmp", "rtmps", "rtsp", "rtsps", "srt", "udp", "rtp", "tcp",
];

/// The address, when `path` is one (`scheme://host...` with a known scheme), else None.
pub fn network_address(path: &Path) -> Option<&str> {
    let text = path.to_str()?;
    let (scheme, rest) = text.split_once("://")?;
    SCHEMES
        .contains(&scheme.to_ascii_lowercase().as_str())
        .then_some(rest)
        .filter(|rest| !rest.is_empty())
        .map(|_| text)
}

/// An address as it may be shown or logged: scheme, host and the first path segment only,
/// since stream keys and widget tokens sit in what follows (or in the query).
pub fn network_label(url: &str) -> String {
    let cut = url.find(['?', '#']).unwrap_or(url.len());
    let url = &url[..cut];
    let after_host = url.find("://").map_or(0, |i| i + 3);
    let segments: Vec<&str> = url[after_host..].splitn(3, '/').collect();
    match segments.as_slice() {
        [host, first, rest] if !rest.is_empty() => {
            format!("{}{host}/{first}/…", &url[..after_host])
        }
        _ => url.to_string(),
    }
}

/// What is wrong with a network address, if anything: a host, no spaces.
pub fn network_address_problem(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or("", |(_, rest)| rest);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        Some("names no host".into())
    } else if url.chars().any(char::is_whitespace) {
        Some("has a space in it".into())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_told_from_paths_and_shown_without_keys() {
        let is = |p: &str| network_address(Path::new(p)).is_some();
        assert!(is("rtmp://127.0.0.1:1935/live/key") && is("SRT://host:9000?streamid=x"));
        assert!(!is("/home/me/clip.mp4") && !is("clip.mp4") && !is("file:///x.mp4"));
        assert!(!is("rtmp://"));
        assert_eq!(
            network_label("rtmp://a.example:1935/live/secret-key"),
            "rtmp://a.example:1935/live/…"
        );
        assert_eq!(
            network_label("srt://h:9000?streamid=secret"),
            "srt://h:9000"
        );
        assert_eq!(
            network_address_problem("rtmp:///live"),
            Some("names no host".into())
        );
        assert_eq!(
            network_address_problem("http://h/a b"),
            Some("has a space in it".into())
        );
        assert_eq!(network_address_problem("http://h/a"), None);
    }
}
