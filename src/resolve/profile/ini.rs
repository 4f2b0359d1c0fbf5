//! The AWS shared-config dialect of INI, read the way the AWS CLI reads it (botocore hands the file
//! to Python's `configparser.RawConfigParser`), keeping where every section and key came from so
//! that errors can say `file:line`. In the same pass it notes where the SDKs' parser (the shared
//! profile-file rules of aws-config, the Go, Java and JS SDKs) would read a line otherwise: the
//! two readings are compared for the keys that choose credentials (`super::CHOOSING_KEYS`).
//!
//! Hand-written rather than aws-config's own parser (`aws_config::profile::load`): that parser is
//! the SDKs' reading only, keeps no line numbers, and would be a second pass over every file on
//! every run; here one pass gives the CLI's reading, the SDKs' differences and the lines. The
//! tests check the SDK side of this parser against aws-config's on every case.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::sys::error::Failure;

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

/// How the SDKs read a key the AWS CLI reads as [`Value::value`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SdkReading {
    Same,
    /// Another value: they cut a comment after whitespace (`= 1111 # prod`) and take an indented
    /// comment line for more of the value.
    Other(String),
    /// No such key: the line is not `key = value` to them (`key: value`), or the key comes from
    /// Python's `[DEFAULT]` section, which they do not know.
    Missing,
}

#[derive(Debug, Clone)]
pub struct Value {
    pub value: String,
    pub at: Location,
    pub sdk: SdkReading,
}

impl Value {
    /// The value as the SDKs read it, None when they do not have the key.
    pub fn sdk_value(&self) -> Option<&str> {
        match &self.sdk {
            SdkReading::Same => Some(&self.value),
            SdkReading::Other(value) => Some(value),
            SdkReading::Missing => None,
        }
    }
}

/// The text between a section's brackets, as configparser takes it (up to the line's last `]`,
/// not trimmed). Its comparisons are counted in tests: a test can then tell a lookup from a scan
/// of every section, which made a 40,000-profile file take seconds.
#[derive(Debug, Clone)]
pub struct Header(String);

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
    /// The SDKs' text of the header when it is not configparser's: they end it at a `#` or `;`
    /// (`[profile a] # [b]`). None: the same text.
    pub sdk_header: Option<String>,
    pub at: Location,
    /// Keys are lower-cased, as configparser and the SDKs both do.
    pub keys: BTreeMap<String, Value>,
}

impl Section {
    /// The header as the SDKs read it.
    pub fn sdk_header(&self) -> &str {
        self.sdk_header.as_deref().unwrap_or(&self.header.0)
    }
}

/// One parsed file.
#[derive(Debug, Default)]
pub struct File {
    pub sections: Vec<Section>,
    /// Where the SDKs' parser stops with an error on this file (a key indented under its header,
    /// `key: value`, an indented comment before any key): tools built on them then read no
    /// profile from it, so none of them can use credentials other than the CLI's.
    pub sdk_error: Option<Location>,
}

/// The key being read: continuation lines may still add to it.
struct Open {
    key: String,
    /// The value's first line, then continuation lines (most keys have none: no allocation).
    first: String,
    more: Vec<String>,
    /// Empty lines since the last line of the value: part of it only if more of it follows
    /// (configparser trims the end of a value).
    blanks: usize,
    at: Location,
    sdk: SdkReading,
}

/// Parses one file the way configparser does (`RawConfigParser()` as botocore makes it:
/// delimiters `=` and `:`, whole-line comments only, strict about repeated sections and keys,
/// empty lines kept in values, `[DEFAULT]` giving its keys to every section). A line indented
/// deeper than the key above it continues that key's value; `key =` followed by indented
/// `name = value` lines is a set of sub-properties (`s3 =`, `sts =` in a `[services]` section),
/// kept as that text.
pub fn parse(path: &Path, text: &str) -> Result<File, Failure> {
    let file = Arc::new(path.to_path_buf());
    let mut out = File::default();
    let mut defaults: Option<Section> = None;
    // Which section keys go to: one of `sections`, or `[DEFAULT]`.
    let mut current: Option<Target> = None;
    let mut seen = Seen::Few(Vec::new());
    let mut open: Option<Open> = None;
    let mut indent_level = 0;
    // Whether the SDKs' parser has a key open that an indented line would continue, and whether
    // it has seen a header at all.
    let mut sdk_key_open = false;
    let mut sdk_in_section = false;
    if let Some(line) = lone_carriage_return(text) {
        return Err(bad(
            &Location { file, line },
            "a carriage return that does not end the line: the AWS CLI reads it as a line break, \
             the SDKs do not, so they would read different profiles; save the file with \\n or \
             \\r\\n line endings",
        ));
    }
    // `str::lines`, with a plain byte search: most lines are short, and the library's word-wise
    // search cost more than the rest of the line's parsing.
    let bytes = text.as_bytes();
    let mut next = 0;
    let mut index = usize::MAX;
    while next < bytes.len() {
        let end = bytes[next..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| next + i);
        let raw = &text[next..end];
        let raw = if end < bytes.len() {
            raw.strip_suffix('\r').unwrap_or(raw)
        } else {
            raw
        };
        next = end + 1;
        index = index.wrapping_add(1);
        let at = || Location {
            file: file.clone(),
            line: index + 1,
        };
        let trimmed = python_trim(raw);
        let sdk_indented = matches!(raw.as_bytes().first(), Some(b' ' | b'\t'));
        if matches!(trimmed.as_bytes().first(), Some(b'#' | b';')) {
            // A comment to configparser wherever it is; to the SDKs only at the line's start.
            if sdk_indented && !is_blank_to_sdk(raw) {
                match open.as_mut() {
                    Some(key) if sdk_key_open => key.sdk_append(trimmed),
                    _ => note_sdk_error(&mut out, at()),
                }
            }
            continue;
        }
        if trimmed.is_empty() {
            if let Some(key) = open.as_mut() {
                key.blanks += 1;
            }
            continue;
        }
        // configparser's indentation is any whitespace, counted in characters; most lines have
        // none.
        let indent = match raw.as_bytes().first() {
            Some(&b) if !is_printable_ascii(b) => {
                raw.chars().take_while(|&c| is_python_space(c)).count()
            }
            _ => 0,
        };
        if let Some(key) = open.as_mut()
            && indent > indent_level
        {
            for _ in 0..std::mem::take(&mut key.blanks) {
                key.more.push(String::new());
            }
            key.more.push(trimmed.to_string());
            if !sdk_indented {
                // Indented only with characters the SDKs do not take for indentation.
                note_sdk_error(&mut out, at());
            }
            continue;
        }
        close(&mut open, current, &mut out.sections, &mut defaults)?;
        indent_level = indent;
        if sdk_indented {
            // configparser starts a key or a section here; to the SDKs the line continues the key
            // above (there is none: see the `indent > indent_level` case) or is an error.
            note_sdk_error(&mut out, at());
        }
        if let Some(header) = header_of(trimmed) {
            let sdk_header = if sdk_indented {
                None
            } else {
                match sdk_header_of(raw) {
                    Some(text) if text == header => None,
                    Some(text) => Some(text.to_string()),
                    None => {
                        note_sdk_error(&mut out, at());
                        None
                    }
                }
            };
            sdk_in_section = true;
            sdk_key_open = false;
            if header == "DEFAULT" {
                defaults.get_or_insert_with(|| Section {
                    header: Header(header.to_string()),
                    sdk_header: None,
                    at: at(),
                    keys: BTreeMap::new(),
                });
                current = Some(Target::Defaults);
                continue;
            }
            // One lookup, borrowing the file's text (no copy of the header to look it up by).
            if let Some(first) = seen.insert(header, index + 1, text.len()) {
                return Err(bad(
                    &at(),
                    &format!(
                        "section [{header}] appears twice (first at line {first}); the AWS CLI refuses such a file"
                    ),
                ));
            }
            out.sections.push(Section {
                header: Header(header.to_string()),
                sdk_header,
                at: at(),
                keys: BTreeMap::new(),
            });
            current = Some(Target::Section(out.sections.len() - 1));
            continue;
        }
        if current.is_none() {
            return Err(bad(&at(), "a setting before any [section] header"));
        }
        // This runs for every key of every profile: the search for the first '=' or ':' stops
        // there, and the test for a '#' or ';' anywhere (a comment to the SDKs, maybe) has no
        // early exit, so the compiler can do it many bytes at a time.
        let Some(split) = trimmed.bytes().position(|b| b == b'=' || b == b':') else {
            return Err(bad(&at(), "expected 'key = value'"));
        };
        let comment_char = trimmed
            .bytes()
            .fold(false, |seen, b| seen | (b == b'#') | (b == b';'));
        let key = python_trim(&trimmed[..split]);
        // Python's lower() is ASCII's on ASCII text, and much cheaper.
        let key = if key.is_ascii() {
            key.to_ascii_lowercase()
        } else {
            key.to_lowercase()
        };
        let value = python_trim(&trimmed[split + 1..]).to_string();
        if key.is_empty() {
            return Err(bad(&at(), "a setting with no name before '='"));
        }
        let sdk = if sdk_indented || !sdk_in_section {
            Ok(SdkReading::Missing)
        } else if trimmed.as_bytes()[split] == b'=' && !comment_char && is_sdk_name(&key) {
            // The usual line: no comment, `=`, a plain name. Read the same by both.
            Ok(SdkReading::Same)
        } else {
            sdk_reading(raw, &key, &value)
        };
        // An SDK property that continuation lines may extend, even one they then ignore.
        sdk_key_open = sdk.is_ok() && !sdk_indented && sdk_in_section;
        let sdk = sdk.unwrap_or_else(|()| {
            // `key: value` or `= value`: the SDKs' parser stops there.
            note_sdk_error(&mut out, at());
            SdkReading::Missing
        });
        open = Some(Open {
            key,
            first: value,
            more: Vec::new(),
            blanks: 0,
            at: at(),
            sdk,
        });
    }
    close(&mut open, current, &mut out.sections, &mut defaults)?;
    if let Some(defaults) = defaults {
        // configparser's options() of every section include `[DEFAULT]`'s keys; the SDKs have no
        // such section.
        for section in &mut out.sections {
            for (key, value) in &defaults.keys {
                section.keys.entry(key.clone()).or_insert_with(|| Value {
                    sdk: SdkReading::Missing,
                    ..value.clone()
                });
            }
        }
    }
    Ok(out)
}

/// Where each header was first seen: a duplicate is found by lookup, not by a scan of every
/// section before it (which made a 40,000-profile file take seconds). A usual config's handful
/// of headers are compared one by one, which costs less than hashing them; past `FEW`, a hash
/// map sized from the text (a section takes a few lines), so that the table seldom grows.
enum Seen<'t> {
    Few(Vec<(&'t str, usize)>),
    Many(HashMap<&'t str, usize>),
}

impl<'t> Seen<'t> {
    const FEW: usize = 16;

    /// Records the header's line; the line it was first seen on, if it was.
    fn insert(&mut self, header: &'t str, line: usize, text_len: usize) -> Option<usize> {
        match self {
            Seen::Few(list) => {
                if let Some(&(_, first)) = list.iter().find(|(seen, _)| *seen == header) {
                    return Some(first);
                }
                if list.len() < Self::FEW {
                    list.push((header, line));
                } else {
                    let mut map = HashMap::with_capacity((text_len / 64).max(2 * Self::FEW));
                    map.extend(list.drain(..));
                    map.insert(header, line);
                    *self = Seen::Many(map);
                }
                None
            }
            Seen::Many(map) => match map.entry(header) {
                std::collections::hash_map::Entry::Occupied(first) => Some(*first.get()),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(line);
                    None
                }
            },
        }
    }
}

#[derive(Clone, Copy)]
enum Target {
    Section(usize),
    Defaults,
}

impl Open {
    /// The SDKs add this line to the value where configparser does not.
    fn sdk_append(&mut self, line: &str) {
        let base = match &self.sdk {
            SdkReading::Same => self.joined(),
            SdkReading::Other(value) => value.clone(),
            SdkReading::Missing => return,
        };
        self.sdk = SdkReading::Other(format!("{base}\n{line}"));
    }

    fn joined(&self) -> String {
        let mut value = self.first.clone();
        for line in &self.more {
            value.push('\n');
            value.push_str(line);
        }
        value
    }
}

/// Ends the open key: configparser joins its lines and trims the end. A value that starts on the
/// next line is a set of sub-properties, which botocore splits at `=` and refuses the whole file
/// for a line without one (so do the SDKs).
fn close(
    open: &mut Option<Open>,
    target: Option<Target>,
    sections: &mut [Section],
    defaults: &mut Option<Section>,
) -> Result<(), Failure> {
    let Some(key) = open.take() else {
        return Ok(());
    };
    let (keys, header) = match target {
        Some(Target::Section(i)) => {
            let section = &mut sections[i];
            (&mut section.keys, &section.header.0)
        }
        Some(Target::Defaults) => match defaults.as_mut() {
            Some(defaults) => (&mut defaults.keys, &defaults.header.0),
            None => return Ok(()),
        },
        None => return Ok(()),
    };
    let multi_line = !key.more.is_empty();
    let value = if !multi_line {
        key.first
    } else {
        key.joined().trim_end_matches(is_python_space).to_string()
    };
    // One lookup finds a repeated key and the place of a new one.
    let slot = match keys.entry(key.key) {
        Entry::Occupied(previous) => {
            return Err(bad(
                &key.at,
                &format!(
                    "'{}' is set twice in [{header}] (first at line {}); the AWS CLI refuses such a file",
                    previous.key(),
                    previous.get().at.line
                ),
            ));
        }
        Entry::Vacant(slot) => slot,
    };
    if value.starts_with('\n')
        && let Some(line) = value.lines().find(|l| !l.is_empty() && !l.contains('='))
    {
        return Err(bad(
            &key.at,
            &format!(
                "'{}' has a sub-property line without '=': '{line}'",
                slot.key()
            ),
        ));
    }
    // The SDKs skip empty lines inside a value; configparser keeps them.
    let sdk = match key.sdk {
        SdkReading::Other(sdk) if sdk == value => SdkReading::Same,
        SdkReading::Same if multi_line && value.contains("\n\n") => {
            let kept: Vec<&str> = value.lines().filter(|l| !l.is_empty()).collect();
            let start = if value.starts_with('\n') { "\n" } else { "" };
            SdkReading::Other(format!("{start}{}", kept.join("\n")))
        }
        other => other,
    };
    slot.insert(Value {
        value,
        at: key.at,
        sdk,
    });
    Ok(())
}

/// Whitespace to Python's `str.strip()` and to configparser's `\S`: Unicode's, and the four
/// ASCII separators `\x1c`..`\x1f`, which Rust's `char::is_whitespace` leaves out.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\x1c'..='\x1f')
}

/// A byte that is a whole character and neither whitespace nor a control character.
fn is_printable_ascii(b: u8) -> bool {
    (b'!'..=b'~').contains(&b)
}

/// Python's `str.strip()`. Spaces and tabs go byte by byte; the ends left are almost always
/// printable ASCII, and only otherwise are characters decoded.
fn python_trim(text: &str) -> &str {
    let bytes = text.as_bytes();
    if let [first, .., last] = bytes
        && is_printable_ascii(*first)
        && is_printable_ascii(*last)
    {
        return text;
    }
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let start = bytes.iter().position(|b| !blank(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !blank(b))
        .map_or(start, |i| i + 1);
    let inner = &text[start..end];
    match inner.as_bytes() {
        [] => inner,
        [only] if is_printable_ascii(*only) => inner,
        [first, .., last] if is_printable_ascii(*first) && is_printable_ascii(*last) => inner,
        _ => inner.trim_matches(is_python_space),
    }
}

/// The line of the first carriage return that neither ends the text nor comes before a line
/// feed. Python reads the file with universal newlines, so to the AWS CLI it ends a line; the
/// SDKs split lines at `\n` only.
fn lone_carriage_return(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    // Most files have no carriage return at all: one fast search says so.
    let first = text.find('\r')?;
    (first..bytes.len())
        .find(|&i| bytes[i] == b'\r' && !matches!(bytes.get(i + 1), None | Some(b'\n')))
        .map(|i| 1 + bytes[..i].iter().filter(|&&b| b == b'\n').count())
}

/// A name the SDKs accept for a profile, a section or a key: letters, digits and `_-/.%@:+`.
pub(crate) fn is_sdk_name(name: &str) -> bool {
    // A fold rather than `all`: without an early exit it runs many bytes at a time.
    !name.is_empty()
        && name.bytes().fold(true, |ok, b| {
            ok & (b.is_ascii_alphanumeric()
                | matches!(b, b'_' | b'-' | b'/' | b'.' | b'%' | b'@' | b':' | b'+'))
        })
}

fn note_sdk_error(file: &mut File, at: Location) {
    file.sdk_error.get_or_insert(at);
}

/// The SDKs skip lines of only spaces and tabs.
fn is_blank_to_sdk(raw: &str) -> bool {
    raw.trim_matches([' ', '\t']).is_empty()
}

/// configparser's `\[(?P<header>.+)\]` matched at the start of the stripped line: the header runs
/// to the line's last `]`, and anything after it is ignored.
fn header_of(trimmed: &str) -> Option<&str> {
    let rest = trimmed.strip_prefix('[')?;
    let end = rest.rfind(']')?;
    (end > 0).then(|| &rest[..end])
}

/// The SDKs' header: the line cut at its first `#` or `;`, trimmed, between `[` and `]`.
fn sdk_header_of(raw: &str) -> Option<&str> {
    let line = raw
        .bytes()
        .position(|b| b == b'#' || b == b';')
        .map_or(raw, |i| &raw[..i]);
    trim_blanks(line).strip_prefix('[')?.strip_suffix(']')
}

/// Without the spaces and tabs at either end (the SDKs' trim), byte by byte.
fn trim_blanks(text: &str) -> &str {
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let bytes = text.as_bytes();
    let start = bytes.iter().position(|b| !blank(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !blank(b))
        .map_or(start, |i| i + 1);
    &text[start..end]
}

/// How the SDKs read a `key = value` line configparser read as (`key`, `value`); Err where their
/// parser stops with an error. They ignore a key that is not a name of letters, digits and
/// `_-/.%@:+` (`in valid = 1`).
fn sdk_reading(raw: &str, key: &str, value: &str) -> Result<SdkReading, ()> {
    let line = raw.trim_matches([' ', '\t']);
    // A comment starts at a `#` or `;` after whitespace.
    let mut cut = line.len();
    let mut after_space = false;
    for (i, c) in line.char_indices() {
        if (c == '#' || c == ';') && after_space {
            cut = i;
            break;
        }
        after_space = c.is_whitespace();
    }
    let line = line[..cut].trim_matches([' ', '\t']);
    let (k, v) = line.split_once('=').ok_or(())?;
    let k = k.trim_matches([' ', '\t']);
    if k.is_empty() {
        return Err(());
    }
    if !is_sdk_name(k) || !k.eq_ignore_ascii_case(key) {
        return Ok(SdkReading::Missing);
    }
    let v = v.trim_matches([' ', '\t']);
    Ok(if v == value {
        SdkReading::Same
    } else {
        SdkReading::Other(v.to_string())
    })
}

/// Splits text as Python's `shlex.split` does (POSIX mode, no comments): botocore splits section
/// headers (`profile "my name"`) and `credential_process` this way. None where Python raises
/// (an unclosed quote, a trailing backslash). Hand-written because the `shlex` crate follows the
/// POSIX shell instead, which differs in `#` and in backslashes inside double quotes.
pub fn python_split(text: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\\' => {
                word.push(chars.next()?);
                in_word = true;
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => {
                            let next = chars.next()?;
                            if next != '"' && next != '\\' {
                                word.push('\\');
                            }
                            word.push(next);
                        }
                        c => word.push(c),
                    }
                }
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

fn bad(at: &Location, what: &str) -> Failure {
    Failure::config(format!("{at}: cannot parse the AWS config: {what}"))
        .with_hint("fix that line (the format is described at `aws help config-vars`)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Vec<Section>, Failure> {
        parse(Path::new("config"), text).map(|f| f.sections)
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
    fn keeps_sub_properties_as_text() {
        let sections =
            parse_str("[default]\ns3 =\n  max_concurrent_requests = 20\nregion = us-east-1\n")
                .unwrap();
        assert_eq!(sections[0].keys["region"].value, "us-east-1");
        assert_eq!(
            sections[0].keys["s3"].value,
            "\nmax_concurrent_requests = 20"
        );
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
        assert!(err.message.contains("config:1"), "{}", err.message);
    }

    /// Each checked against botocore's `raw_config_parse`: Python strips `\x1c`..`\x1f` too,
    /// and counts indentation in characters.
    #[test]
    fn whitespace_is_pythons() {
        let sections =
            parse_str("[a]\n\u{3000}k = v\n  more\n[b]\n\x1cregion = us-east-1\x1f\n").unwrap();
        assert_eq!(sections[0].keys["k"].value, "v\nmore");
        assert_eq!(sections[1].keys["region"].value, "us-east-1");
    }

    /// Python reads the file with universal newlines (`k = v\r  x` is a key and a continuation
    /// line to the AWS CLI), the SDKs split at `\n` only: such a file is refused, naming the line.
    #[test]
    fn a_carriage_return_inside_a_line_is_refused() {
        let err = parse_str("[a]\nk = v\r  x\n").unwrap_err();
        assert!(err.message.starts_with("config:2: "), "{}", err.message);
        assert!(err.message.contains("carriage return"), "{}", err.message);
        // Windows line endings, and a last line ending in \r, read alike by all.
        let sections = parse_str("[a]\r\nk = v\r\nj = w\r").unwrap();
        assert_eq!(sections[0].keys["k"].value, "v");
        assert_eq!(sections[0].keys["j"].value, "w");
    }

    #[test]
    fn splits_as_python_shlex() {
        let split = |s: &str| python_split(s).unwrap();
        assert_eq!(split("profile\tfoo"), ["profile", "foo"]);
        assert_eq!(split("profile \"my name\""), ["profile", "my name"]);
        assert_eq!(split("profile #x"), ["profile", "#x"]);
        assert_eq!(split(r#"a "b\"c\d" 'e\f'"#), ["a", r#"b"c\d"#, r"e\f"]);
        assert_eq!(split("a ''"), ["a", ""]);
        assert_eq!(python_split("profile \"open"), None);
        assert_eq!(python_split("a\\"), None);
    }
}
