//! Editing `~/.aws/config` line by line: the lines populate does not touch come out byte for
//! byte as they went in (comments, spacing, order, line endings, a missing final newline).

use std::collections::HashMap;

use crate::sys::error::Failure;

/// The config file as sections of lines, each line with its own line ending.
#[derive(Debug, Clone)]
pub struct Document {
    /// In file order; the lines before the first header, if any, are a section without one. The
    /// last section is never empty, so the file's last line is the last section's.
    sections: Vec<Section>,
    /// The sections of each profile name, in file order, so that an edit finds its profile
    /// without reading the file again: populate edits every profile of a large config.
    profiles: HashMap<String, Vec<usize>>,
    /// The line ending the file already uses, for the lines populate adds.
    newline: &'static str,
}

#[derive(Debug, Clone, Default)]
struct Section {
    /// The header line first (but for the lines before the first header), up to the next header.
    lines: Vec<String>,
}

#[cfg(test)]
thread_local! {
    static LINES_READ: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many lines were read on this thread, so that a test can tell an index from a scan.
#[cfg(test)]
fn lines_read() -> usize {
    LINES_READ.with(std::cell::Cell::get)
}

fn content(line: &str) -> &str {
    #[cfg(test)]
    LINES_READ.with(|c| c.set(c.get() + 1));
    line.trim_end_matches(['\n', '\r'])
}

fn is_comment_or_blank(line: &str) -> bool {
    let trimmed = content(line).trim();
    trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';')
}

fn is_blank(line: &str) -> bool {
    content(line).trim().is_empty()
}

fn is_indented(line: &str) -> bool {
    line.starts_with(' ') || line.starts_with('\t')
}

/// The header's text between the brackets, as the parser reads it.
fn header(line: &str) -> Option<&str> {
    let trimmed = content(line).trim();
    if is_indented(line) && !trimmed.starts_with('[') {
        return None;
    }
    trimmed
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .map(str::trim)
}

/// The profile a header names: `[profile NAME]` and `[default]`.
fn profile_of(header: &str) -> Option<&str> {
    if header == "default" {
        return Some("default");
    }
    header.strip_prefix("profile ").map(str::trim)
}

/// The lower-cased key of a `key = value` line.
fn key(line: &str) -> Option<String> {
    if is_comment_or_blank(line) || is_indented(line) || header(line).is_some() {
        return None;
    }
    let trimmed = content(line).trim();
    let split = trimmed.find(['=', ':'])?;
    Some(trimmed[..split].trim().to_ascii_lowercase())
}

impl Document {
    pub fn parse(text: &str) -> Self {
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let mut document = Document {
            sections: Vec::new(),
            profiles: HashMap::new(),
            newline,
        };
        for line in text.split_inclusive('\n') {
            match header(line) {
                Some(header) => {
                    let profile = profile_of(header).map(str::to_string);
                    document.push_section(profile, vec![line.to_string()]);
                }
                None => match document.sections.last_mut() {
                    Some(section) => section.lines.push(line.to_string()),
                    None => document.sections.push(Section {
                        lines: vec![line.to_string()],
                    }),
                },
            }
        }
        document
    }

    /// Adds a section at the end: `lines` from its header on.
    fn push_section(&mut self, profile: Option<String>, lines: Vec<String>) {
        if let Some(profile) = profile {
            self.profiles
                .entry(profile)
                .or_default()
                .push(self.sections.len());
        }
        self.sections.push(Section { lines });
    }

    pub fn render(&self) -> String {
        self.sections
            .iter()
            .flat_map(|s| &s.lines)
            .map(String::as_str)
            .collect()
    }

    /// The index of the profile's first section.
    fn profile_section(&self, name: &str) -> Option<usize> {
        self.profiles.get(name)?.first().copied()
    }

    pub fn has_profile(&self, name: &str) -> bool {
        self.profile_section(name).is_some()
    }

    /// Sets keys of an existing profile: a line whose value differs is rewritten, a missing key
    /// is added after the profile's last setting. Returns whether anything changed.
    pub fn set_keys(&mut self, name: &str, keys: &[(&str, String)]) -> Result<bool, Failure> {
        check_settings(keys)?;
        let Some(index) = self.profile_section(name) else {
            return Ok(false);
        };
        let newline = self.newline;
        let lines = &mut self.sections[index].lines;
        let mut changed = false;
        for (wanted_key, value) in keys {
            let found = (1..lines.len()).find(|&i| key(&lines[i]).as_deref() == Some(*wanted_key));
            match found {
                Some(i) => {
                    let current = content(&lines[i]);
                    let current_value = current.find(['=', ':']).map(|at| current[at + 1..].trim());
                    if current_value != Some(value.as_str()) {
                        let ending = lines[i][current.len()..].to_string();
                        lines[i] = format!("{wanted_key} = {value}{ending}");
                        changed = true;
                    }
                }
                None => {
                    let last_setting = last_setting(lines);
                    end_line(&mut lines[last_setting], newline);
                    lines.insert(last_setting + 1, format!("{wanted_key} = {value}{newline}"));
                    changed = true;
                }
            }
        }
        Ok(changed)
    }

    /// Adds a profile at the end of the file, after a blank line.
    pub fn append_profile(&mut self, name: &str, keys: &[(&str, String)]) -> Result<(), Failure> {
        self.append_section(Some(name), "profile", name, keys)
    }

    /// Adds a `[sso-session NAME]` section at the end of the file, after a blank line.
    pub fn append_sso_session(
        &mut self,
        name: &str,
        keys: &[(&str, String)],
    ) -> Result<(), Failure> {
        self.append_section(None, "sso-session", name, keys)
    }

    fn append_section(
        &mut self,
        profile: Option<&str>,
        kind: &str,
        name: &str,
        keys: &[(&str, String)],
    ) -> Result<(), Failure> {
        check_section_name(kind, name)?;
        check_settings(keys)?;
        let header = format!("{kind} {name}");
        let newline = self.newline;
        if let Some(section) = self.sections.last_mut()
            && let Some(last) = section.lines.last_mut()
        {
            end_line(last, newline);
            if !is_blank(last) {
                section.lines.push(newline.to_string());
            }
        }
        let lines = std::iter::once(format!("[{header}]{newline}"))
            .chain(
                keys.iter()
                    .map(|(key, value)| format!("{key} = {value}{newline}")),
            )
            .collect();
        self.push_section(profile.map(str::to_string), lines);
        Ok(())
    }

    /// Removes a profile's header, settings and blank lines; comments in it are kept, since they
    /// are the person's. A profile at the end of the file takes the blank lines before it along.
    pub fn remove_profile(&mut self, name: &str) {
        let Some(index) = self.profile_section(name) else {
            return;
        };
        if let Some(sections) = self.profiles.get_mut(name) {
            sections.remove(0);
            if sections.is_empty() {
                self.profiles.remove(name);
            }
        }
        let at_end = index + 1 == self.sections.len();
        let lines = std::mem::take(&mut self.sections[index].lines);
        let mut inside_setting = false;
        let mut kept = Vec::new();
        for (i, line) in lines.into_iter().enumerate() {
            let comment = !is_blank(&line) && is_comment_or_blank(&line);
            // Indented lines under a setting are its sub-properties and go with it.
            let continuation = inside_setting && is_indented(&line) && !comment;
            if i == 0 || key(&line).is_some() || continuation {
                inside_setting = true;
            } else {
                inside_setting = false;
                if comment {
                    kept.push(line);
                }
            }
        }
        // What is kept no longer has a header: it ends the section before, as in the file.
        self.sections[index].lines = kept;
        if at_end {
            for section in self.sections[..index].iter_mut().rev() {
                while section.lines.last().is_some_and(|l| is_blank(l)) {
                    section.lines.pop();
                }
                if !section.lines.is_empty() {
                    break;
                }
            }
        }
        while self.sections.last().is_some_and(|s| s.lines.is_empty()) {
            self.sections.pop();
        }
    }
}

/// The section's last setting line (its sub-properties included), else its header.
fn last_setting(lines: &[String]) -> usize {
    let mut last = 0;
    let mut inside_setting = false;
    for (i, line) in lines.iter().enumerate().skip(1) {
        if key(line).is_some() {
            last = i;
            inside_setting = true;
        } else if inside_setting && is_indented(line) && !is_comment_or_blank(line) {
            last = i;
        } else {
            inside_setting = false;
        }
    }
    last
}

/// Makes sure the line ends with a newline, so that a line can follow it.
fn end_line(line: &mut String, newline: &str) {
    if !line.ends_with('\n') {
        line.push_str(newline);
    }
}

/// Characters that end a line for some reader of the file (Python's `str.splitlines` counts
/// the Unicode ones), or that no tool writes in a config: a name or value holding one could
/// start a section of its own, such as a profile with a `credential_process`.
fn breaks_ini(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

fn invalid(what: String) -> Failure {
    Failure::config(format!("guard does not write {what} into the config file"))
        .with_hint("check where this text came from (a start URL, a template, an account's name)")
}

/// A `[profile NAME]` or `[sso-session NAME]` name the AWS CLI reads back as it was written.
fn check_section_name(kind: &str, name: &str) -> Result<(), Failure> {
    if name.is_empty()
        || name.trim() != name
        || name
            .chars()
            .any(|c| breaks_ini(c) || matches!(c, '[' | ']'))
    {
        return Err(invalid(format!(
            "the {kind} name {name:?} (empty, spaces at its ends, brackets or control characters)"
        )));
    }
    Ok(())
}

/// `key = value` lines that stay one line and read back as written.
fn check_settings(keys: &[(&str, String)]) -> Result<(), Failure> {
    for (key, value) in keys {
        if key.is_empty()
            || !key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(invalid(format!("the setting name {key:?}")));
        }
        if value.trim() != value || value.chars().any(breaks_ini) {
            return Err(invalid(format!(
                "the value {value:?} of {key} (spaces at its ends, or a line break or control character)"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ODD: &str = "# my config\n[default]\nregion=us-east-1\n\n  ; indented comment\n[profile  mine ]\nregion =   eu-west-1\ns3 =\n  max_concurrent_requests = 20\n";

    fn keys(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
        pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
    }

    #[test]
    fn untouched_text_round_trips() {
        for text in [ODD, "", "[a]\r\nx = 1\r\n", "[a]\nx = 1"] {
            assert_eq!(Document::parse(text).render(), text);
        }
    }

    #[test]
    fn append_then_remove_restores_the_file() {
        let mut doc = Document::parse(ODD);
        doc.append_profile("new", &keys(&[("sso_session", "s")]))
            .unwrap();
        assert!(doc.render().starts_with(ODD));
        assert!(
            doc.render()
                .ends_with("\n\n[profile new]\nsso_session = s\n")
        );
        assert!(doc.has_profile("mine") && doc.has_profile("new"));
        doc.remove_profile("new");
        assert_eq!(doc.render(), ODD);
    }

    #[test]
    fn append_after_a_missing_final_newline_and_crlf() {
        let mut doc = Document::parse("[a]\r\nx = 1");
        doc.append_profile("b", &keys(&[("y", "2")])).unwrap();
        assert_eq!(doc.render(), "[a]\r\nx = 1\r\n\r\n[profile b]\r\ny = 2\r\n");
    }

    #[test]
    fn set_keys_changes_only_what_differs() {
        let mut doc = Document::parse(ODD);
        assert!(
            !doc.set_keys("mine", &keys(&[("region", "eu-west-1")]))
                .unwrap()
        );
        assert_eq!(doc.render(), ODD);
        assert!(
            doc.set_keys("mine", &keys(&[("region", "us-west-2"), ("extra", "1")]))
                .unwrap()
        );
        let text = doc.render();
        assert!(
            text.contains("region = us-west-2\ns3 =\n  max_concurrent_requests = 20\nextra = 1\n"),
            "{text}"
        );
        assert!(text.starts_with(
            "# my config\n[default]\nregion=us-east-1\n\n  ; indented comment\n[profile  mine ]\n"
        ));
    }

    #[test]
    fn removing_from_the_end_then_appending() {
        let text = "[profile a]\nx = 1\n\n[profile b]\n# kept\ny = 2\n";
        let mut doc = Document::parse(text);
        doc.remove_profile("b");
        assert_eq!(doc.render(), "[profile a]\nx = 1\n# kept\n");
        doc.append_profile("c", &keys(&[("z", "3")])).unwrap();
        assert_eq!(
            doc.render(),
            "[profile a]\nx = 1\n# kept\n\n[profile c]\nz = 3\n"
        );
        doc.remove_profile("c");
        doc.remove_profile("a");
        assert_eq!(doc.render(), "# kept\n");
        assert!(!doc.has_profile("a") && !doc.has_profile("c"));
    }

    /// As the AWS CLI reads a name given twice, the first section is the profile's; once it is
    /// removed, the second is.
    #[test]
    fn a_profile_given_twice_is_edited_first_where_it_comes_first() {
        let mut doc = Document::parse("[profile a]\nx = 1\n[profile a]\nx = 2\n");
        assert!(doc.set_keys("a", &keys(&[("x", "3")])).unwrap());
        assert_eq!(doc.render(), "[profile a]\nx = 3\n[profile a]\nx = 2\n");
        doc.remove_profile("a");
        assert!(doc.has_profile("a"));
        assert_eq!(doc.render(), "[profile a]\nx = 2\n");
    }

    /// Counts work, not time: populate edits every profile of a config, so finding a profile must
    /// not read the file again. A scan per edit makes 4x the profiles cost 16x the lines read.
    #[test]
    fn populating_is_linear_in_the_profiles() {
        let work = |n: usize| {
            let text: String = (0..n)
                .map(|i| {
                    format!("[profile p{i}]\nsso_account_id = {i:012}\nregion = eu-west-1\n\n")
                })
                .collect();
            let before = lines_read();
            let mut doc = Document::parse(&text);
            for i in 0..n {
                let name = format!("p{i}");
                assert!(doc.has_profile(&name));
                doc.set_keys(&name, &keys(&[("region", "us-east-1"), ("output", "json")]))
                    .unwrap();
                doc.append_profile(&format!("new{i}"), &keys(&[("region", "eu-west-1")]))
                    .unwrap();
            }
            for i in (0..n).step_by(2) {
                doc.remove_profile(&format!("p{i}"));
            }
            assert_eq!(doc.render().matches("[profile ").count(), n + n / 2);
            lines_read() - before
        };
        let small = work(500);
        let large = work(2_000);
        assert!(
            large <= 5 * small,
            "{small} lines read for 500 profiles, {large} for 2,000"
        );
    }

    #[test]
    fn what_would_break_a_line_is_refused() {
        let mut doc = Document::parse("[default]\n");
        for url in [
            "https://x.awsapps.com/start\r[profile x]\rcredential_process = sh",
            "https://x.awsapps.com/start\n[profile x]",
            "https://x.awsapps.com/start\u{2028}[profile x]",
            " https://x.awsapps.com/start",
        ] {
            assert!(
                doc.append_sso_session("s", &keys(&[("sso_start_url", url)]))
                    .is_err()
            );
        }
        for name in ["a]\n[profile b", "", " a", "a\rb"] {
            assert!(
                doc.append_profile(name, &keys(&[("x", "1")])).is_err(),
                "{name:?}"
            );
        }
        assert!(doc.set_keys("default", &keys(&[("x", "1\n[b]")])).is_err());
        assert!(doc.set_keys("default", &keys(&[("x = y\n", "1")])).is_err());
        assert_eq!(doc.render(), "[default]\n");
    }

    #[test]
    fn remove_keeps_comments_and_neighbours() {
        let text = "[profile a]\nx = 1\n\n[profile gone]\n# keep me\nk = v\n  sub = 1\n\n[profile b]\ny = 2\n";
        let mut doc = Document::parse(text);
        doc.remove_profile("gone");
        assert_eq!(
            doc.render(),
            "[profile a]\nx = 1\n\n# keep me\n[profile b]\ny = 2\n"
        );
    }
}
