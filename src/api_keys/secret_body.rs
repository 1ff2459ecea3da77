//! Reading an API-key response, which may hold a plaintext key, without leaving copies behind.

use std::io::Read;

use http::Response;
use ureq::Body;
use zeroize::Zeroizing;

use crate::client::transport::{classify, declared_length};
use crate::error::Error;
use crate::key::ApiKey;

const CHUNK: usize = 8 * 1024;

/// Reads a success body of at most `limit` bytes (refusing early on a larger
/// `Content-Length`), such that every buffer the bytes pass through is zeroized when dropped.
///
/// `read_to_vec` grows its `Vec` by reallocation, which frees earlier copies unwiped; here each
/// growth copies into a fresh zeroizing buffer and wipes the old one.
pub(super) fn read(
    response: Response<Body>,
    limit: u64,
    key: &ApiKey,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let declared = declared_length(&response, limit)?;
    let capacity = declared.unwrap_or(CHUNK as u64).min(limit) as usize;
    let mut body = Zeroizing::new(Vec::with_capacity(capacity));
    let mut chunk = Zeroizing::new([0u8; CHUNK]);
    let mut reader = response
        .into_body()
        .into_with_config()
        .limit(limit)
        .reader();
    loop {
        let n = match reader.read(&mut chunk[..]) {
            Ok(0) => return Ok(body),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(classify(ureq::Error::from(e), key).error),
        };
        if body.len() + n > body.capacity() {
            let mut bigger = Zeroizing::new(Vec::with_capacity(
                (body.capacity() * 2).max(body.len() + n),
            ));
            bigger.extend_from_slice(&body);
            body = bigger;
        }
        body.extend_from_slice(&chunk[..n]);
    }
}
