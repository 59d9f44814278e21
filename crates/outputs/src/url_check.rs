//! Destination URLs: checked before going live, and never shown with their secrets.

use crate::OutputError;
use streamwerk_encode::mask_url;

/// Checks a destination URL's shape before going live; the error says what to fix.
pub fn validate_url(url: &str) -> Result<(), OutputError> {
    let bad = |reason: &str| {
        Err(OutputError::BadUrl {
            url: mask_url(url),
            reason: reason.to_string(),
        })
    };
    let Some((scheme, rest)) = url.split_once("://") else {
        return bad(
            "not a URL; write it as rtmp://host/app/key, rtmps://host/app/key or srt://host:port",
        );
    };
    let host_port = rest.split(['/', '?']).next().unwrap_or_default();
    if host_port.is_empty() {
        return bad("the server's host name is missing");
    }
    if let Some((_, port)) = host_port.rsplit_once(':') {
        if port.parse::<u16>().is_err() {
            return bad("the port is not a number from 1 to 65535");
        }
    }
    match scheme.to_ascii_lowercase().as_str() {
        "rtmp" | "rtmps" => {
            let path = rest.split('?').next().unwrap_or_default();
            let segments: Vec<&str> = path.split('/').skip(1).filter(|s| !s.is_empty()).collect();
            if segments.len() < 2 {
                return bad(
                    "an RTMP URL needs an application and a stream key: rtmp://host/app/key",
                );
            }
            Ok(())
        }
        "srt" => {
            if !host_port.contains(':') {
                return bad("an SRT URL needs a port: srt://host:port");
            }
            Ok(())
        }
        _ => bad("use rtmp://, rtmps:// or srt://"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_before_going_live() {
        assert!(validate_url("rtmp://127.0.0.1:1935/live/key").is_ok());
        assert!(validate_url("srt://127.0.0.1:9000?mode=caller").is_ok());
        for (url, says) in [
            ("http://host/app/key", "rtmp://"),
            ("rtmp://host/live", "stream key"),
            ("rtmp://host:99999/live/key", "port"),
            ("srt://host", "port"),
            ("host/app/key", "not a URL"),
        ] {
            let err = validate_url(url).unwrap_err().to_string();
            assert!(err.contains(says), "{url}: {err}");
        }
        let err = validate_url("rtmp://host:99999/live/secretkey")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("secretkey"), "{err}");
    }
}
