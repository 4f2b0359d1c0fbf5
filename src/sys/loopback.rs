//! HTTP on 127.0.0.1 as guard's own listeners read it: the `--server` endpoint, the sign-in's
//! redirect (the PKCE flow) and the console's one-time address. One request head, read whole and
//! bounded, parsed one way, from a blocking socket or a tokio one; and the random token a path or
//! a header carries.

use std::io::Read;

use tokio::io::AsyncReadExt as _;

use crate::sys::error::Failure;

/// Far more than a browser or an SDK sends; a longer head is not one of theirs.
pub const MAX_HEAD: usize = 16 * 1024;

/// 128 random bits in hex: the server's token, the console's one-time path. A secret: the caller
/// keeps it as one.
pub fn random_token() -> Result<String, Failure> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| {
        Failure::unavailable(format!("cannot get random bytes for a one-time token: {e}"))
    })?;
    Ok(hex::encode(bytes))
}

/// A head as it arrives, in chunks.
#[derive(Default)]
struct Head(Vec<u8>);

impl Head {
    /// The whole head once it is there (`Some(None)` when it is not text, too long, or the
    /// connection closed first: an empty chunk); None while more is to come.
    fn feed(&mut self, chunk: &[u8]) -> Option<Option<String>> {
        if chunk.is_empty() {
            return Some(None);
        }
        self.0.extend_from_slice(chunk);
        if let Some(end) = self.0.windows(4).position(|w| w == b"\r\n\r\n") {
            return Some(String::from_utf8(self.0[..end].to_vec()).ok());
        }
        (self.0.len() > MAX_HEAD).then_some(None)
    }
}

/// The request line and headers of one request, without the blank line after them; None when
/// they are not text, longer than `MAX_HEAD`, or the connection closes first.
pub fn read_head(stream: &mut impl Read) -> std::io::Result<Option<String>> {
    let mut head = Head::default();
    let mut chunk = [0u8; 2048];
    loop {
        let read = stream.read(&mut chunk)?;
        if let Some(done) = head.feed(&chunk[..read]) {
            return Ok(done);
        }
    }
}

/// `read_head` on a tokio socket.
pub async fn read_head_async(
    stream: &mut (impl tokio::io::AsyncRead + Unpin),
) -> std::io::Result<Option<String>> {
    let mut head = Head::default();
    let mut chunk = [0u8; 2048];
    loop {
        let read = stream.read(&mut chunk).await?;
        if let Some(done) = head.feed(&chunk[..read]) {
            return Ok(done);
        }
    }
}

/// What guard reads of a request.
#[derive(Debug, PartialEq, Eq)]
pub struct Request<'a> {
    pub method: &'a str,
    /// `/path?query`.
    pub target: &'a str,
    pub authorization: Option<&'a str>,
}

/// `METHOD TARGET HTTP/x` and the `Authorization` header, of a head `read_head` returned.
pub fn parse(head: &str) -> Option<Request<'_>> {
    let mut lines = head.split("\r\n");
    let mut words = lines.next()?.split(' ');
    let (method, target, version) = (words.next()?, words.next()?, words.next()?);
    if !version.starts_with("HTTP/") || words.next().is_some() {
        return None;
    }
    let authorization = lines.find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("authorization")
            .then(|| value.trim())
    });
    Some(Request {
        method,
        target,
        authorization,
    })
}

/// The target of a GET request, or None for anything else.
pub fn get_target(head: &str) -> Option<&str> {
    parse(head).filter(|r| r.method == "GET").map(|r| r.target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests() {
        let request =
            parse("GET /guard/credentials HTTP/1.1\r\nHost: x\r\nauthorization:  t0k \r\nA: b")
                .unwrap();
        assert_eq!(request.method, "GET");
        assert_eq!(request.target, "/guard/credentials");
        assert_eq!(request.authorization, Some("t0k"));
        assert!(parse("GET").is_none());
        assert!(parse("GET /").is_none());
        assert!(parse("GET / FTP/1").is_none());
        assert_eq!(parse("GET / HTTP/1.1").unwrap().authorization, None);
        assert_eq!(get_target("GET /a?b HTTP/1.1\r\nHost: x"), Some("/a?b"));
        assert_eq!(get_target("POST /a HTTP/1.1"), None);
    }

    #[test]
    fn heads_are_read_whole_and_bounded() {
        let read = |bytes: &[u8]| read_head(&mut &bytes[..]).unwrap();
        assert_eq!(
            read(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nbody").as_deref(),
            Some("GET / HTTP/1.1\r\nHost: x")
        );
        // Closed before the blank line, or never ending.
        assert_eq!(read(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
        assert_eq!(read(&[b'a'; MAX_HEAD + 4096]), None);
        assert_eq!(read(b"GET /\xff HTTP/1.1\r\n\r\n"), None);
    }

    #[test]
    fn tokens_are_128_random_bits() {
        let (a, b) = (random_token().unwrap(), random_token().unwrap());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
