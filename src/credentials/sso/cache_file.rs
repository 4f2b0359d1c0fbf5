//! The files of the SSO cache the AWS CLI, the SDKs and terraform share
//! (`~/.aws/sso/cache/<sha1>.json`): where each is, how times are written in them, and the
//! grant types a client registration lists. Tokens (`token`) and client registrations
//! (`registration`) are both kept there.

use std::path::PathBuf;

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::sys::fsutil::home_dir;

pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
pub const AUTHORIZATION_CODE_GRANT: &str = "authorization_code";

/// How the person proves who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Authorization code with PKCE: a browser on this machine, answering to a loopback listener.
    AuthorizationCode,
    /// Device code: a URL and a code, approved in any browser, anywhere.
    DeviceCode,
}

impl Flow {
    pub fn grant_type(self) -> &'static str {
        match self {
            Flow::AuthorizationCode => AUTHORIZATION_CODE_GRANT,
            Flow::DeviceCode => DEVICE_GRANT,
        }
    }
}

/// The file for `key`: the SHA-1 of the text the AWS CLI hashes for it.
pub fn path(key: &str) -> anyhow::Result<PathBuf> {
    let digest = crate::sys::digest::sha1(key.as_bytes());
    Ok(home_dir()?
        .join(".aws")
        .join("sso")
        .join("cache")
        .join(format!("{}.json", hex::encode(digest))))
}

/// botocore writes `2024-01-01T00:00:00Z`; older tools wrote `...UTC` or an offset.
pub fn parse_time(text: &str) -> Option<OffsetDateTime> {
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(t);
    }
    let trimmed = text
        .strip_suffix("UTC")
        .or_else(|| text.strip_suffix('Z'))?;
    PrimitiveDateTime::parse(
        trimmed,
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    )
    .ok()
    .map(PrimitiveDateTime::assume_utc)
}

pub fn format_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_every_cached_form() {
        let a = parse_time("2030-01-02T03:04:05Z").unwrap();
        assert_eq!(parse_time("2030-01-02T03:04:05UTC"), Some(a));
        assert_eq!(parse_time("2030-01-02T03:04:05+00:00"), Some(a));
        assert_eq!(format_time(a), "2030-01-02T03:04:05Z");
        assert!(parse_time("tomorrow").is_none());
    }
}
