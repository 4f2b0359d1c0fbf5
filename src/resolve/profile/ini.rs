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

/// The key read last, already in its section: continuation lines may still add to its value.
/// Most keys have none, and then nothing is left to do for them when the next line comes.
struct Open<'t> {
    /// The key as written, trimmed: the rare line that continues the value finds it again by it.
    key: &'t str,
    /// Empty lines since the last line of the value: part of it only if more of it follows
    /// (configparser trims the end of a value).
    blanks: usize,
    /// Whether continuation lines were added (then `finish` trims the value's end and checks
    /// sub-properties).
    continued: bool,
    /// Whether the SDKs' parser has the key open too: an indented comment line then adds to it.
    sdk_open: bool,
    /// Whether the SDKs read another value (`finish` compares the two again).
    sdk_other: bool,
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
    // `[DEFAULT]`, when the file has one: its header and place are set there (line 0 until then).
    let mut defaults = Section {
        header: Header(String::new()),
        sdk_header: None,
        at: Location {
            file: file.clone(),
            line: 0,
        },
        keys: BTreeMap::new(),
    };
    // Which section keys go to: one of `sections`, or `[DEFAULT]`.
    let mut current: Option<Target> = None;
    let mut seen = Seen::Few(Vec::new());
    let mut open: Option<Open> = None;
    let mut indent_level = 0;
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
        // The usual lines first, told apart by their first byte: an empty line, and a key at the
        // line's start (not a header, not a comment, no indentation).
        let Some(&first) = raw.as_bytes().first() else {
            if let Some(key) = open.as_mut() {
                key.blanks += 1;
            }
            continue;
        };
        if is_printable_ascii(first) && !matches!(first, b'[' | b'#' | b';') {
            finish(open.take(), current, &mut out.sections, &mut defaults)?;
            indent_level = 0;
            let Some(target) = current else {
                return Err(bad(&at(), "a setting before any [section] header"));
            };
            let section = section_of(target, &mut out.sections, &mut defaults);
            open = Some(match usual_key(raw) {
                Some((key, upper, value)) => {
                    let name = if upper {
                        key.to_ascii_lowercase()
                    } else {
                        key.to_owned()
                    };
                    let value = Value {
                        value: value.to_owned(),
                        at: at(),
                        sdk: SdkReading::Same,
                    };
                    insert(section, name, value)?;
                    Open {
                        key,
                        blanks: 0,
                        continued: false,
                        sdk_open: true,
                        sdk_other: false,
                    }
                }
                None => read_key(
                    raw,
                    python_trim(raw),
                    false,
                    section,
                    at,
                    &mut out.sdk_error,
                )?,
            });
            continue;
        }
        let trimmed = python_trim(raw);
        let sdk_indented = matches!(first, b' ' | b'\t');
        if matches!(trimmed.as_bytes().first(), Some(b'#' | b';')) {
            // A comment to configparser wherever it is; to the SDKs only at the line's start.
            if sdk_indented && !is_blank_to_sdk(raw) {
                match open.as_mut() {
                    Some(key) if key.sdk_open => {
                        if let Some(target) = current {
                            let section = section_of(target, &mut out.sections, &mut defaults);
                            key.sdk_other |= sdk_append(section, key.key, trimmed);
                        }
                    }
                    _ => note_sdk_error(&mut out.sdk_error, at()),
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
        let indent = if is_printable_ascii(first) {
            0
        } else {
            raw.chars().take_while(|&c| is_python_space(c)).count()
        };
        if let Some(key) = open.as_mut()
            && indent > indent_level
            && let Some(target) = current
        {
            let section = section_of(target, &mut out.sections, &mut defaults);
            if let Some(value) = section.keys.get_mut(&lower(key.key)) {
                for _ in 0..std::mem::take(&mut key.blanks) {
                    value.value.push('\n');
                }
                value.value.push('\n');
                value.value.push_str(trimmed);
            }
            key.continued = true;
            if !sdk_indented {
                // Indented only with characters the SDKs do not take for indentation.
                note_sdk_error(&mut out.sdk_error, at());
            }
            continue;
        }
        finish(open.take(), current, &mut out.sections, &mut defaults)?;
        indent_level = indent;
        if sdk_indented {
            // configparser starts a key or a section here; to the SDKs the line continues the key
            // above (there is none: see the `indent > indent_level` case) or is an error.
            note_sdk_error(&mut out.sdk_error, at());
        }
        if let Some(header) = header_of(trimmed) {
            let sdk_header = if sdk_indented {
                None
            } else {
                match sdk_header_of(raw) {
                    Some(text) if text == header => None,
                    Some(text) => Some(text.to_string()),
                    None => {
                        note_sdk_error(&mut out.sdk_error, at());
                        None
                    }
                }
            };
            if header == "DEFAULT" {
                if defaults.at.line == 0 {
                    defaults.header = Header(header.to_string());
                    defaults.at = at();
                }
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
        let Some(target) = current else {
            return Err(bad(&at(), "a setting before any [section] header"));
        };
        let section = section_of(target, &mut out.sections, &mut defaults);
        open = Some(read_key(
            raw,
            trimmed,
            sdk_indented,
            section,
            at,
            &mut out.sdk_error,
        )?);
    }
    finish(open.take(), current, &mut out.sections, &mut defaults)?;
    if defaults.at.line != 0 {
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

/// A key line in its usual form: `name = value` from the line's start, the name of lower-case
/// letters, digits and `_-/.%@+` (or upper-case ones), `=` with blanks or nothing around it, no
/// `#` or `;` in the value, its ends printable. Read in one pass over the name, the same by
/// configparser and the SDKs. The name as written, whether it has upper-case letters, and the
/// value; None for any other line (the general reading, `read_key`, takes it).
fn usual_key(raw: &str) -> Option<(&str, bool, &str)> {
    let bytes = raw.as_bytes();
    let mut end = 0;
    let mut kinds = 0;
    while let Some(&b) = bytes.get(end) {
        let kind = NAME_BYTES[usize::from(b)];
        if kind & NAME_END != 0 {
            break;
        }
        kinds |= kind;
        end += 1;
    }
    if end == 0 || kinds & NAME_OTHER != 0 {
        return None;
    }
    let mut split = end;
    while matches!(bytes.get(split), Some(b' ' | b'\t')) {
        split += 1;
    }
    if bytes.get(split) != Some(&b'=') {
        return None;
    }
    let value = trim_blanks(&raw[split + 1..]);
    let (Some(&first), Some(&last)) = (value.as_bytes().first(), value.as_bytes().last()) else {
        return Some((&raw[..end], kinds & NAME_UPPER != 0, value));
    };
    // A fold rather than `any`: without an early exit it runs many bytes at a time.
    let comment = value
        .bytes()
        .fold(false, |seen, b| seen | (b == b'#') | (b == b';'));
    (is_printable_ascii(first) && is_printable_ascii(last) && !comment)
        .then(|| (&raw[..end], kinds & NAME_UPPER != 0, value))
}

/// What a byte is to `usual_key`: the end of a name (a blank or a delimiter), an upper-case
/// letter, or anything else that is not part of a name the SDKs accept (`#` and `;`, controls,
/// other characters).
const NAME_END: u8 = 1;
const NAME_UPPER: u8 = 2;
const NAME_OTHER: u8 = 4;
static NAME_BYTES: [u8; 256] = {
    let mut table = [NAME_OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = match c {
            b' ' | b'\t' | b'=' | b':' => NAME_END,
            b'A'..=b'Z' => NAME_UPPER,
            b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'/' | b'.' | b'%' | b'@' | b'+' => 0,
            _ => NAME_OTHER,
        };
        b += 1;
    }
    table
};

/// Any `key = value` line, as configparser reads it and with the SDKs' reading noted: the key
/// goes into its section at once, and the key is returned open for continuation lines.
fn read_key<'t>(
    raw: &'t str,
    trimmed: &'t str,
    sdk_indented: bool,
    section: &mut Section,
    at: impl Fn() -> Location,
    sdk_error: &mut Option<Location>,
) -> Result<Open<'t>, Failure> {
    // The search for the first '=' or ':' stops there, and the test for a '#' or ';' anywhere (a
    // comment to the SDKs, maybe) has no early exit, so the compiler can do it many bytes at a
    // time.
    let Some(split) = trimmed.bytes().position(|b| b == b'=' || b == b':') else {
        return Err(bad(&at(), "expected 'key = value'"));
    };
    let comment_char = trimmed
        .bytes()
        .fold(false, |seen, b| seen | (b == b'#') | (b == b';'));
    let written = python_trim(&trimmed[..split]);
    let key = lower(written);
    let value = python_trim(&trimmed[split + 1..]).to_string();
    if key.is_empty() {
        return Err(bad(&at(), "a setting with no name before '='"));
    }
    let sdk = if sdk_indented {
        Ok(SdkReading::Missing)
    } else if trimmed.as_bytes()[split] == b'=' && !comment_char && is_sdk_name(&key) {
        // The usual line: no comment, `=`, a plain name. Read the same by both.
        Ok(SdkReading::Same)
    } else {
        sdk_reading(raw, &key, &value)
    };
    // An SDK property that continuation lines may extend, even one they then ignore.
    let sdk_open = sdk.is_ok() && !sdk_indented;
    let sdk = sdk.unwrap_or_else(|()| {
        // `key: value` or `= value`: the SDKs' parser stops there.
        note_sdk_error(sdk_error, at());
        SdkReading::Missing
    });
    let sdk_other = matches!(sdk, SdkReading::Other(_));
    insert(
        section,
        key,
        Value {
            value,
            at: at(),
            sdk,
        },
    )?;
    Ok(Open {
        key: written,
        blanks: 0,
        continued: false,
        sdk_open,
        sdk_other,
    })
}

/// A key lower-cased as configparser and the SDKs do: Python's lower() is ASCII's on ASCII text,
/// and much cheaper.
fn lower(key: &str) -> String {
    if key.is_ascii() {
        key.to_ascii_lowercase()
    } else {
        key.to_lowercase()
    }
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

/// The section keys go to.
fn section_of<'s>(
    target: Target,
    sections: &'s mut [Section],
    defaults: &'s mut Section,
) -> &'s mut Section {
    match target {
        Target::Section(i) => &mut sections[i],
        Target::Defaults => defaults,
    }
}

/// Puts a key into its section; configparser refuses one set twice.
fn insert(section: &mut Section, key: String, value: Value) -> Result<(), Failure> {
    // One lookup finds a repeated key and the place of a new one.
    match section.keys.entry(key) {
        Entry::Occupied(previous) => Err(bad(
            &value.at,
            &format!(
                "'{}' is set twice in [{}] (first at line {}); the AWS CLI refuses such a file",
                previous.key(),
                section.header.0,
                previous.get().at.line
            ),
        )),
        Entry::Vacant(slot) => {
            slot.insert(value);
            Ok(())
        }
    }
}

/// The SDKs add an indented comment line to the open key's value where configparser does not.
/// Whether they now read another value.
fn sdk_append(section: &mut Section, key: &str, line: &str) -> bool {
    let Some(value) = section.keys.get_mut(&lower(key)) else {
        return false;
    };
    let base = match &value.sdk {
        SdkReading::Same => &value.value,
        SdkReading::Other(sdk) => sdk,
        SdkReading::Missing => return false,
    };
    value.sdk = SdkReading::Other(format!("{base}\n{line}"));
    true
}

/// Ends the open key: configparser trims the end of a value continued on more lines. A value
/// that starts on the next line is a set of sub-properties, which botocore splits at `=` and
/// refuses the whole file for a line without one (so do the SDKs). The SDKs skip empty lines
/// inside a value, which configparser keeps.
#[inline]
fn finish(
    open: Option<Open>,
    target: Option<Target>,
    sections: &mut [Section],
    defaults: &mut Section,
) -> Result<(), Failure> {
    match (open, target) {
        (Some(open), Some(target)) if open.continued || open.sdk_other => {
            finish_value(open, target, sections, defaults)
        }
        // Most keys: one line, read alike by both, already in place.
        _ => Ok(()),
    }
}

fn finish_value(
    open: Open,
    target: Target,
    sections: &mut [Section],
    defaults: &mut Section,
) -> Result<(), Failure> {
    let key = lower(open.key);
    let section = section_of(target, sections, defaults);
    let Some(value) = section.keys.get_mut(&key) else {
        return Ok(());
    };
    if open.continued {
        let end = value.value.trim_end_matches(is_python_space).len();
        value.value.truncate(end);
        if value.value.starts_with('\n')
            && let Some(line) = value
                .value
                .lines()
                .find(|l| !l.is_empty() && !l.contains('='))
        {
            return Err(bad(
                &value.at,
                &format!("'{key}' has a sub-property line without '=': '{line}'"),
            ));
        }
    }
    value.sdk = match std::mem::replace(&mut value.sdk, SdkReading::Same) {
        SdkReading::Other(sdk) if sdk == value.value => SdkReading::Same,
        SdkReading::Same if open.continued && value.value.contains("\n\n") => {
            let kept: Vec<&str> = value.value.lines().filter(|l| !l.is_empty()).collect();
            let start = if value.value.starts_with('\n') {
                "\n"
            } else {
                ""
            };
            SdkReading::Other(format!("{start}{}", kept.join("\n")))
        }
        other => other,
    };
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

fn note_sdk_error(sdk_error: &mut Option<Location>, at: Location) {
    sdk_error.get_or_insert(at);
}

/// The SDKs skip lines of only spaces and tabs.
fn is_blank_to_sdk(raw: &str) -> bool {
    raw.trim_matches([' ', '\t']).is_empty()
}

/// configparser's `\[(?P<header>.+)\]` matched at the start of the stripped line: the header runs
/// to the line's last `]`, and anything after it is ignored.
fn header_of(trimmed: &str) -> Option<&str> {
    let rest = trimmed.strip_prefix('[')?;
    // Searched from the end byte by byte: a header line usually ends with it.
    let end = rest.bytes().rposition(|b| b == b']')?;
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
