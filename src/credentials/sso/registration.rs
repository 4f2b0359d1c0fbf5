//! The OIDC client registration, cached where and how the AWS CLI caches its own
//! (`~/.aws/sso/cache/<sha1 of the CLI's key>.json`), so that guard and the CLI reuse each
//! other's registration instead of registering a new client at every sign-in.

use std::path::PathBuf;

use serde_json::{Map, Value, json};
use time::{Duration, OffsetDateTime};

use super::SsoLogin;
use super::cache_file::{self, Flow, format_time, parse_time};
use crate::credentials::Secret;
use crate::sys::fsutil;

/// A registration this close to its end is not reused: a sign-in started with it could outlive it.
const REUSE_MARGIN: Duration = Duration::minutes(15);

#[derive(Debug, Clone)]
pub struct Registration {
    pub client_id: String,
    pub client_secret: Secret,
    pub expires_at: OffsetDateTime,
    pub scopes: Option<Vec<String>>,
    /// None for a client registered without grant types (the device-code-only kind).
    pub grant_types: Option<Vec<String>>,
}

impl Registration {
    /// Whether this client may sign in with `flow`.
    fn serves(&self, flow: Flow) -> bool {
        match &self.grant_types {
            // A client registered without grant types is the device-code-only kind.
            None => flow == Flow::DeviceCode,
            Some(granted) => granted.iter().any(|g| g == flow.grant_type()),
        }
    }
}

/// Python's `json.dumps(value, sort_keys=True)` for the strings, lists and nulls of the key:
/// `", "` and `": "` between items, and every non-ASCII character escaped.
fn python_json(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::String(s) => python_string(s),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(python_json).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let inner: Vec<String> = keys
                .iter()
                .map(|k| format!("{}: {}", python_string(k), python_json(&map[*k])))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
        other => other.to_string(),
    }
}

fn python_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

/// The file name the AWS CLI gives this sign-in's registration.
fn cache_path(login: &SsoLogin) -> anyhow::Result<PathBuf> {
    let (session_name, scopes) = match login {
        SsoLogin::Session { name, scopes, .. } => (json!(name), json!(scopes)),
        SsoLogin::Legacy { .. } => (Value::Null, Value::Null),
    };
    let key = json!({
        "tool": "botocore",
        "startUrl": login.start_url(),
        "region": login.region(),
        "scopes": scopes,
        "session_name": session_name,
    });
    cache_file::path(&python_json(&key))
}

fn strings(document: &Map<String, Value>, key: &str) -> Option<Vec<String>> {
    document.get(key)?.as_array().map(|items| {
        items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    })
}

/// A registration cache file's text, if it holds every field a registration needs.
pub(crate) fn parse(text: &str) -> Option<Registration> {
    let document = serde_json::from_str::<Map<String, Value>>(text).ok()?;
    let text = |key: &str| document.get(key)?.as_str().filter(|s| !s.is_empty());
    Some(Registration {
        client_id: text("clientId")?.to_string(),
        client_secret: Secret::new(text("clientSecret")?),
        expires_at: parse_time(text("expiresAt")?)?,
        scopes: strings(&document, "scopes"),
        grant_types: strings(&document, "grantTypes"),
    })
}

/// A cached registration that can still serve `flow`. An unreadable cache file is reported and
/// then replaced by a new registration: it holds nothing that a new one would not.
pub fn load(login: &SsoLogin, flow: Flow) -> anyhow::Result<Option<Registration>> {
    let path = cache_path(login)?;
    let text = match crate::sys::fsutil::read_text(&path, crate::sys::fsutil::SMALL_LIMIT) {
        Ok(Some(text)) => text,
        Ok(None) => return Ok(None),
        Err(e) => {
            crate::sys::error::warn(format!(
                "cannot use the client registration: {e}; registering anew"
            ));
            return Ok(None);
        }
    };
    let Some(registration) = parse(&text) else {
        crate::sys::error::warn(format!(
            "the client registration {} is damaged; registering anew",
            path.display()
        ));
        return Ok(None);
    };
    let fresh = registration.expires_at - OffsetDateTime::now_utc() > REUSE_MARGIN;
    Ok((fresh && registration.serves(flow)).then_some(registration))
}

pub fn save(login: &SsoLogin, registration: &Registration) -> anyhow::Result<()> {
    let mut document = Map::new();
    document.insert("clientId".into(), json!(registration.client_id));
    document.insert(
        "clientSecret".into(),
        json!(registration.client_secret.expose()),
    );
    document.insert(
        "expiresAt".into(),
        json!(format_time(registration.expires_at)),
    );
    if let Some(scopes) = &registration.scopes {
        document.insert("scopes".into(), json!(scopes));
    }
    if let Some(grants) = &registration.grant_types {
        document.insert("grantTypes".into(), json!(grants));
    }
    fsutil::write_private(&cache_path(login)?, &serde_json::to_vec(&document)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_json_matches_json_dumps_sort_keys() {
        let value =
            json!({"tool": "botocore", "scopes": ["a", "b"], "region": "us-east-1", "x": null});
        assert_eq!(
            python_json(&value),
            r#"{"region": "us-east-1", "scopes": ["a", "b"], "tool": "botocore", "x": null}"#
        );
        assert_eq!(python_string("é\"\\\n😀"), r#""\u00e9\"\\\n\ud83d\ude00""#);
        assert_eq!(python_string("\u{1}"), r#""\u0001""#);
    }

    #[test]
    fn reuse_needs_the_flow_s_grants() {
        let registration = |grants: Option<Vec<&str>>| Registration {
            client_id: "c".into(),
            client_secret: Secret::new("s"),
            expires_at: OffsetDateTime::now_utc(),
            scopes: None,
            grant_types: grants.map(|g| g.into_iter().map(str::to_string).collect()),
        };
        let pkce = registration(Some(vec!["authorization_code", "refresh_token"]));
        assert!(pkce.serves(Flow::AuthorizationCode));
        assert!(!pkce.serves(Flow::DeviceCode));
        let legacy = registration(None);
        assert!(legacy.serves(Flow::DeviceCode));
        assert!(!legacy.serves(Flow::AuthorizationCode));
    }
}
