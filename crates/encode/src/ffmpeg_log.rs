//! FFmpeg's own log, routed into `tracing` with every URL masked: FFmpeg prints URLs in its
//! messages, and a stream key must never reach a terminal or a log file.

use crate::ffmpeg::ffi;

/// The URL with its secrets replaced by `****`: an RTMP stream key (the path after the
/// application), and the values of query parameters (SRT `streamid` and `passphrase`, keys some
/// platforms put in the query).
pub fn mask_url(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut masked = match base.split_once("://") {
        Some((scheme, rest)) if scheme.to_ascii_lowercase().starts_with("rtmp") => {
            // rtmp://host[:port]/app/key: keep host and application, hide the rest.
            let mut parts = rest.splitn(3, '/');
            let host = parts.next().unwrap_or_default();
            match (parts.next(), parts.next()) {
                (Some(app), Some(key)) if !key.is_empty() => {
                    format!("{scheme}://{host}/{app}/****")
                }
                _ => base.to_string(),
            }
        }
        _ => base.to_string(),
    };
    if let Some(query) = query {
        let hidden: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) => format!("{name}=****"),
                None => pair.to_string(),
            })
            .collect();
        masked.push('?');
        masked.push_str(&hidden.join("&"));
    }
    masked
}

thread_local! {
    /// The errors FFmpeg logged on this thread since they were last taken (the first few: the
    /// cause comes first, generic wrappers follow). FFmpeg's error codes alone ("Input/output
    /// error") do not say that a certificate failed verification or a server sent an error.
    static ERRORS: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// How many logged errors are kept for [`take_errors`].
const KEPT_ERRORS: usize = 2;

/// Takes the errors FFmpeg logged on the calling thread, masked, joined by "; ".
pub fn take_errors() -> Option<String> {
    let errors = ERRORS.with(|e| std::mem::take(&mut *e.borrow_mut()));
    (!errors.is_empty()).then(|| errors.join("; "))
}

/// Masks every URL-like word of a log line.
fn scrub(line: &str) -> String {
    line.split(' ')
        .map(|word| {
            if word.contains("://") {
                mask_url(word)
            } else {
                word.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Sends FFmpeg's warnings and errors to `tracing` (target `ffmpeg`). They are details of
/// failures Streamwerk reports itself, so they log at info and debug: `RUST_LOG=ffmpeg=debug`
/// shows them.
pub(crate) fn install() {
    // SAFETY: setting the global log level and callback; both are plain stores in libavutil.
    unsafe {
        ffi::av_log_set_level(ffi::AV_LOG_WARNING);
        #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
        ffi::av_log_set_callback(Some(callback));
    }
    #[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
    // Elsewhere the va_list ABI differs; keep FFmpeg quiet rather than risk printing a key.
    unsafe {
        ffi::av_log_set_level(ffi::AV_LOG_QUIET);
    }
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
unsafe extern "C" fn callback(
    ptr: *mut std::ffi::c_void,
    level: std::ffi::c_int,
    fmt: *const std::ffi::c_char,
    args: *mut ffi::__va_list_tag,
) {
    if level > ffi::AV_LOG_WARNING {
        return;
    }
    let mut line = [0 as std::ffi::c_char; 1024];
    // No "[rtmps @ 0x…]" prefix: the tracing target says where it came from.
    let mut print_prefix = 0;
    // SAFETY: FFmpeg hands us a valid format and argument list; the buffer size is passed.
    let text = unsafe {
        ffi::av_log_format_line2(
            ptr,
            level,
            fmt,
            args,
            line.as_mut_ptr(),
            line.len() as i32,
            &mut print_prefix,
        );
        std::ffi::CStr::from_ptr(line.as_ptr()).to_string_lossy()
    };
    let text = scrub(text.trim_end());
    if level <= ffi::AV_LOG_ERROR {
        tracing::info!(target: "ffmpeg", "{text}");
        ERRORS.with(|errors| {
            let mut errors = errors.borrow_mut();
            if errors.len() < KEPT_ERRORS {
                errors.push(text);
            }
        });
    } else {
        tracing::debug!(target: "ffmpeg", "{text}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_secrets_are_masked() {
        assert_eq!(
            mask_url("rtmp://a.rtmp.youtube.com/live2/abcd-efgh-ijkl"),
            "rtmp://a.rtmp.youtube.com/live2/****"
        );
        assert_eq!(
            mask_url("rtmps://live.example:443/app/sk_123?auth=xyz"),
            "rtmps://live.example:443/app/****?auth=****"
        );
        assert_eq!(
            mask_url("srt://127.0.0.1:9000?streamid=publish:secret&passphrase=hunter22"),
            "srt://127.0.0.1:9000?streamid=****&passphrase=****"
        );
        assert!(!mask_url("rtmp://h/app/supersecret").contains("supersecret"));
    }

    #[test]
    fn log_lines_lose_their_secrets() {
        let line = scrub("Cannot open rtmp://h:1935/live/sk_live_123 (tcp://h:1935?tcp_nodelay=0)");
        assert!(!line.contains("sk_live_123"), "{line}");
        assert!(
            line.starts_with("Cannot open rtmp://h:1935/live/****"),
            "{line}"
        );
    }
}
