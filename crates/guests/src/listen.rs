//! Where the guest endpoint listens and how: plain HTTP on loopback (browsers treat
//! `http://127.0.0.1` as secure, so the camera works), HTTPS with the user's certificate
//! anywhere else. Browsers give a page the camera only in a secure context, so a LAN or
//! public address without a certificate is refused with what to do.

use crate::GuestError;
use axum::Router;
use axum_server::tls_rustls::RustlsConfig;
use std::net::SocketAddr;
use std::path::PathBuf;

/// A certificate (PEM, its chain) and its private key (PEM).
#[derive(Debug, Clone)]
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Refuses what browsers would refuse: plain HTTP off loopback, and an address guests cannot
/// be sent media from (0.0.0.0 names no interface for the studio's candidate).
pub(crate) fn check(bind: SocketAddr, tls: Option<&Tls>) -> Result<(), GuestError> {
    if bind.ip().is_unspecified() {
        return Err(GuestError::Refused(format!(
            "the guest endpoint needs this machine's own address on the guests' network, not \
             {bind}: give it, such as 192.168.1.10:8443 (the studio's media goes out from it)"
        )));
    }
    if !bind.ip().is_loopback() && tls.is_none() {
        return Err(GuestError::Refused(format!(
            "the guest endpoint at {bind} would serve plain HTTP, and browsers let a page use \
             the camera only over HTTPS or on this machine: give a certificate and its key \
             (--guests-cert FILE --guests-key FILE), or use 127.0.0.1"
        )));
    }
    Ok(())
}

/// Serves `router` on `listener` on the endpoint's runtime: HTTPS with `tls`, else HTTP.
pub(crate) fn serve(
    runtime: &tokio::runtime::Runtime,
    listener: std::net::TcpListener,
    router: Router,
    tls: Option<&Tls>,
) -> Result<(), GuestError> {
    let Some(tls) = tls else {
        let listener = {
            let _entered = runtime.enter();
            listener.set_nonblocking(true).map_err(refused)?;
            tokio::net::TcpListener::from_std(listener).map_err(refused)?
        };
        runtime.spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::warn!("the guest endpoint stopped: {e}");
            }
        });
        return Ok(());
    };
    // One process-wide choice of rustls's crypto; a second call finds it made. ring, though
    // rustls now prefers aws-lc for its post-quantum key exchange: aws-lc adds minutes to a
    // cold build on two cores, and this serves a guest page and its signalling, not secrets
    // kept for years.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = runtime
        .block_on(RustlsConfig::from_pem_file(&tls.cert, &tls.key))
        .map_err(|e| {
            GuestError::Refused(format!(
                "the certificate {} or its key {} cannot be used: {e}; give PEM files, the \
                 certificate first in its file, then its chain",
                tls.cert.display(),
                tls.key.display()
            ))
        })?;
    listener.set_nonblocking(true).map_err(refused)?;
    let server = axum_server::from_tcp_rustls(listener, config);
    runtime.spawn(async move {
        if let Err(e) = server.serve(router.into_make_service()).await {
            tracing::warn!("the guest endpoint stopped: {e}");
        }
    });
    Ok(())
}

fn refused(e: std::io::Error) -> GuestError {
    GuestError::Refused(format!("the guest endpoint cannot listen: {e}"))
}
