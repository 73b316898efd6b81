//! Encryption to the server. When the address asks for it (`sslmode=require`, or libpq's
//! `verify-ca` and `verify-full`), every connection uses TLS, and the server's certificate is
//! checked against the address's `sslrootcert` file, else the system's trusted roots, and must
//! name the host. libpq's `require` skips that check; rolo never does, since a connection anyone
//! in the middle can answer is not private. Without `sslmode=require` (libpq's default `prefer`,
//! a Unix socket), connections are plain, as before.

use std::str::FromStr;
use std::sync::Arc;

use postgres::config::SslMode;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use tokio_postgres_rustls::MakeRustlsConnect;

/// How long a connection may take to be made when the address names no `connect_timeout`.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The client's settings for `address` and, when it asks for TLS, the connector; or what is
/// wrong with it (said with the address `shown`).
pub(super) fn read(address: &str, shown: &str) -> Result<(postgres::Config, Option<MakeRustlsConnect>), String> {
    let (head, query) = address.split_once('?').map_or((address, None), |(h, q)| (h, Some(q)));
    let mut root_file = None;
    let mut params = Vec::new();
    for param in query.into_iter().flat_map(|q| q.split('&')) {
        match param.split_once('=') {
            // The client does not know these: rolo reads them itself.
            // libpq's `system`: the system's roots, as without the parameter.
            Some(("sslrootcert", "system")) => {}
            Some(("sslrootcert", file)) => {
                root_file = Some(percent_encoding::percent_decode_str(file).decode_utf8_lossy().into_owned());
            }
            Some(("sslmode", "verify-ca" | "verify-full")) => params.push("sslmode=require"),
            _ => params.push(param),
        }
    }
    let address = if params.is_empty() { head.to_string() } else { format!("{head}?{}", params.join("&")) };
    let mut config = postgres::Config::from_str(&address).map_err(|e| {
        format!("the database address {shown} cannot be read ({e}): write it as postgres://USER@HOST/DATABASE")
    })?;
    // A server that does not answer is said after a while, not waited on for the system's
    // minutes (libpq's `connect_timeout=SECONDS` sets another).
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if !matches!(config.get_ssl_mode(), SslMode::Require) {
        if root_file.is_some() {
            return Err(format!("the database address {shown} names an sslrootcert without sslmode=require: add it"));
        }
        return Ok((config, None));
    }
    let roots = roots(root_file.as_deref())?;
    // ring, as russh and lettre use: the other provider needs a C toolchain to build. Its
    // deprecation is for lacking post-quantum key exchange, which PostgreSQL does not offer yet.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS cannot be set up: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok((config, Some(MakeRustlsConnect::new(tls))))
}

/// The certificates a server's may chain to: those of `file` (PEM), else the system's.
fn roots(file: Option<&str>) -> Result<rustls::RootCertStore, String> {
    let mut roots = rustls::RootCertStore::empty();
    let found: Vec<CertificateDer<'static>> = match file {
        Some(file) => CertificateDer::pem_file_iter(file)
            .and_then(|certs| certs.collect::<Result<_, _>>())
            .map_err(|e| format!("sslrootcert {file} cannot be read ({e}): name a PEM file of certificates"))?,
        None => rustls_native_certs::load_native_certs().certs,
    };
    let (added, _) = roots.add_parsable_certificates(found);
    if added == 0 {
        return Err(match file {
            Some(file) => format!("sslrootcert {file} holds no certificate: name a PEM file of certificates"),
            None => {
                "sslmode=require, and this machine trusts no certificates: add sslrootcert=FILE to the address".into()
            }
        });
    }
    Ok(roots)
}
