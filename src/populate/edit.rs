//! Editing `~/.aws/config` line by line: the lines populate does not touch come out byte for
//! byte as they went in (comments, spacing, order, line endings, a missing final newline).

use std::ops::Range;

/// The config file as lines, each with its own line ending.
#[derive(Debug, Clone)]
pub struct Document {
    lines: Vec<String>,
    /// The line ending the file already uses, for the lines populate adds.
    newline: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Section {
    /// The profile name, for `[profile NAME]` and `[default]` headers.
    profile: Option<String>,
    /// From the header line up to the next header (or the end).
    lines: Range<usize>,
}

fn content(line: &str) -> &str {
    line.trim_end_matches(['\n', '\r'])
}

fn is_comment_or_blank(line: &str) -> bool {
    let trimmed = content(line).trim();
    trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';')
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
        Document {
            lines: text.split_inclusive('\n').map(str::to_string).collect(),
            newline,
        }
    }

    pub fn render(&self) -> String {
        self.lines.concat()
    }

    fn sections(&self) -> Vec<Section> {
        let starts: Vec<(usize, Option<String>)> = self
            .lines
            .iter()
            .enumerate()
            .filter_map(|(i, line)| {
                let header = header(line)?;
                let profile = if header == "default" {
                    Some("default".to_string())
                } else {
                    header
                        .strip_prefix("profile ")
                        .map(|n| n.trim().to_string())
                };
                Some((i, profile))
            })
            .collect();
        starts
            .iter()
            .enumerate()
            .map(|(n, (start, profile))| Section {
                profile: profile.clone(),
                lines: *start..starts.get(n + 1).map_or(self.lines.len(), |next| next.0),
            })
            .collect()
    }

    fn profile_section(&self, name: &str) -> Option<Section> {
        self.sections()
            .into_iter()
            .find(|s| s.profile.as_deref() == Some(name))
    }

    pub fn has_profile(&self, name: &str) -> bool {
        self.profile_section(name).is_some()
    }

    /// Sets keys of an existing profile: a line whose value differs is rewritten, a missing key
    /// is added after the profile's last setting. Returns whether anything changed.
    pub fn set_keys(&mut self, name: &str, keys: &[(&str, String)]) -> bool {
        let mut changed = false;
        for (wanted_key, value) in keys {
            let Some(section) = self.profile_section(name) else {
                return changed;
            };
            let found = section
                .lines
                .clone()
                .find(|&i| key(&self.lines[i]).as_deref() == Some(*wanted_key));
            match found {
                Some(i) => {
                    let current = content(&self.lines[i]);
                    let current_value = current.find(['=', ':']).map(|at| current[at + 1..].trim());
                    if current_value != Some(value.as_str()) {
                        let ending = self.lines[i][current.len()..].to_string();
                        self.lines[i] = format!("{wanted_key} = {value}{ending}");
                        changed = true;
                    }
                }
                None => {
                    let last_setting = self.last_setting(&section);
                    self.end_line(last_setting);
                    self.lines.insert(
                        last_setting + 1,
                        format!("{wanted_key} = {value}{}", self.newline),
                    );
                    changed = true;
                }
            }
        }
        changed
    }

    /// The section's last setting line (its sub-properties included), else its header.
    fn last_setting(&self, section: &Section) -> usize {
        let mut last = section.lines.start;
        let mut inside_setting = false;
        for i in section.lines.start + 1..section.lines.end {
            let line = &self.lines[i];
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

    /// Makes sure line `i` ends with a newline, so that a line can follow it.
    fn end_line(&mut self, i: usize) {
        if !self.lines[i].ends_with('\n') {
            self.lines[i].push_str(self.newline);
        }
    }

    /// Adds a profile at the end of the file, after a blank line.
    pub fn append_profile(&mut self, name: &str, keys: &[(&str, String)]) {
        self.append_section(&format!("profile {name}"), keys);
    }

    /// Adds a `[sso-session NAME]` section at the end of the file, after a blank line.
    pub fn append_sso_session(&mut self, name: &str, keys: &[(&str, String)]) {
        self.append_section(&format!("sso-session {name}"), keys);
    }

    fn append_section(&mut self, header: &str, keys: &[(&str, String)]) {
        if let Some(last) = self.lines.len().checked_sub(1) {
            self.end_line(last);
            if content(&self.lines[last]).trim() != "" {
                self.lines.push(self.newline.to_string());
            }
        }
        self.lines.push(format!("[{header}]{}", self.newline));
        for (key, value) in keys {
            self.lines.push(format!("{key} = {value}{}", self.newline));
        }
    }

    /// Removes a profile's header, settings and blank lines; comments in it are kept, since they
    /// are the person's. A profile at the end of the file takes the blank lines before it along.
    pub fn remove_profile(&mut self, name: &str) {
        let Some(section) = self.profile_section(name) else {
            return;
        };
        let mut keep: Vec<bool> = vec![true; self.lines.len()];
        let mut inside_setting = false;
        for i in section.lines.clone() {
            let line = &self.lines[i];
            let comment = !content(line).trim().is_empty() && is_comment_or_blank(line);
            // Indented lines under a setting are its sub-properties and go with it.
            let continuation = inside_setting && is_indented(line) && !comment;
            if i == section.lines.start || key(line).is_some() || continuation {
                keep[i] = false;
                inside_setting = true;
            } else if !comment {
                keep[i] = false;
                inside_setting = false;
            } else {
                inside_setting = false;
            }
        }
        if section.lines.end == self.lines.len() {
            let mut i = section.lines.start;
            while i > 0 && content(&self.lines[i - 1]).trim().is_empty() {
                keep[i - 1] = false;
                i -= 1;
            }
        }
        let mut index = 0;
        self.lines.retain(|_| {
            let kept = keep[index];
            index += 1;
            kept
        });
    }
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
        doc.append_profile("new", &keys(&[("sso_session", "s")]));
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
        doc.append_profile("b", &keys(&[("y", "2")]));
        assert_eq!(doc.render(), "[a]\r\nx = 1\r\n\r\n[profile b]\r\ny = 2\r\n");
    }

    #[test]
    fn set_keys_changes_only_what_differs() {
        let mut doc = Document::parse(ODD);
        assert!(!doc.set_keys("mine", &keys(&[("region", "eu-west-1")])));
        assert_eq!(doc.render(), ODD);
        assert!(doc.set_keys("mine", &keys(&[("region", "us-west-2"), ("extra", "1")])));
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
