//! The AWS shared-config dialect of INI, read the way botocore reads it, keeping where every
//! section and key came from so that errors can say `file:line`.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Failure;

/// A place in a config file, shown as `path:line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: Arc<PathBuf>,
    pub line: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

#[derive(Debug, Clone)]
pub struct Value {
    pub value: String,
    pub at: Location,
}

/// The text between a section's brackets, trimmed. Its comparisons are counted in tests: a test
/// can then tell a lookup from a scan of every section, which made a 40,000-profile file take
/// seconds.
#[derive(Debug, Clone)]
pub struct Header(String);

impl std::hash::Hash for Header {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl Header {
    pub fn as_str(&self) -> &str {
        count_comparison();
        &self.0
    }
}

impl PartialEq for Header {
    fn eq(&self, other: &Self) -> bool {
        count_comparison();
        self.0 == other.0
    }
}

impl Eq for Header {}

impl fmt::Display for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
thread_local! {
    static COMPARISONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
fn count_comparison() {
    COMPARISONS.with(|c| c.set(c.get() + 1));
}

#[cfg(not(test))]
fn count_comparison() {}

/// How often headers were compared or read on this thread: the work of finding sections by name.
#[cfg(test)]
pub fn comparisons() -> usize {
    COMPARISONS.with(std::cell::Cell::get)
}

#[derive(Debug, Clone)]
pub struct Section {
    pub header: Header,
    pub at: Location,
    /// Keys are lower-cased, as botocore's ConfigParser does.
    pub keys: BTreeMap<String, Value>,
}

/// Parses one file. Sub-properties (indented lines under a key with an empty value, as in
/// `s3 =\n  max_concurrent_requests = 20`) belong to tools other than guard; they are accepted
/// and not kept.
pub fn parse(path: &Path, text: &str) -> Result<Vec<Section>, Failure> {
    let file = Arc::new(path.to_path_buf());
    let mut sections: Vec<Section> = Vec::new();
    // Where each header was first seen: a duplicate is found by lookup, not by a scan of every
    // section before it (which made a 40,000-profile file take seconds).
    let mut seen: HashMap<Header, usize> = HashMap::new();
    // Whether the line before (comments aside) set a key: an indented line after one is a
    // sub-property.
    let mut after_key = false;
    for (index, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = raw.starts_with(' ') || raw.starts_with('\t');
        if indented && after_key {
            continue;
        }
        let at = Location {
            file: file.clone(),
            line: index + 1,
        };
        if let Some(rest) = trimmed.strip_prefix('[') {
            let Some(header) = rest.strip_suffix(']') else {
                return Err(bad(&at, "a section header must end with ']'"));
            };
            let header = Header(header.trim().to_string());
            if header.0.is_empty() {
                return Err(bad(&at, "empty section name '[]'"));
            }
            if let Some(first) = seen.get(&header) {
                return Err(bad(
                    &at,
                    &format!(
                        "section [{header}] appears twice (first at line {first}); the AWS CLI refuses such a file"
                    ),
                ));
            }
            seen.insert(header.clone(), at.line);
            sections.push(Section {
                header,
                at,
                keys: BTreeMap::new(),
            });
            after_key = false;
            continue;
        }
        let Some(section) = sections.last_mut() else {
            return Err(bad(&at, "a setting before any [section] header"));
        };
        let Some(split) = trimmed.find(['=', ':']) else {
            return Err(bad(&at, "expected 'key = value'"));
        };
        let key = trimmed[..split].trim().to_ascii_lowercase();
        let value = trimmed[split + 1..].trim().to_string();
        if key.is_empty() {
            return Err(bad(&at, "a setting with no name before '='"));
        }
        if let Some(previous) = section.keys.get(&key) {
            return Err(bad(
                &at,
                &format!(
                    "'{key}' is set twice in [{}] (first at line {}); the AWS CLI refuses such a file",
                    section.header, previous.at.line
                ),
            ));
        }
        section.keys.insert(key, Value { value, at });
        after_key = true;
    }
    Ok(sections)
}

fn bad(at: &Location, what: &str) -> Failure {
    Failure::config(format!("{at}: cannot parse the AWS config: {what}"))
        .with_hint("fix that line (the format is described at `aws help config-vars`)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Vec<Section>, Failure> {
        parse(Path::new("config"), text)
    }

    #[test]
    fn reads_sections_keys_and_lines() {
        let sections = parse_str(
            "# comment\n[profile a]\nRegion = eu-west-1\n\n[sso-session s]\nsso_start_url=https://x\n",
        )
        .unwrap();
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].header.as_str(), "profile a");
        let region = &sections[0].keys["region"];
        assert_eq!(region.value, "eu-west-1");
        assert_eq!(region.at.line, 3);
        assert_eq!(sections[1].keys["sso_start_url"].value, "https://x");
    }

    #[test]
    fn skips_sub_properties() {
        let sections =
            parse_str("[default]\ns3 =\n  max_concurrent_requests = 20\nregion = us-east-1\n")
                .unwrap();
        assert_eq!(sections[0].keys["region"].value, "us-east-1");
        assert!(!sections[0].keys.contains_key("max_concurrent_requests"));
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse_str("[default]\nregion us-east-1\n").unwrap_err();
        assert!(err.message.starts_with("config:2: "), "{}", err.message);
        let err = parse_str("region = x\n").unwrap_err();
        assert!(err.message.starts_with("config:1: "), "{}", err.message);
        let err = parse_str("[a]\nx=1\n[a]\n").unwrap_err();
        assert!(err.message.contains("appears twice"), "{}", err.message);
        let err = parse_str("[a\n").unwrap_err();
        assert!(err.message.contains("']'"), "{}", err.message);
    }
}
