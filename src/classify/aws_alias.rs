//! `~/.aws/cli/alias`, read as the AWS CLI reads it: Python's `RawConfigParser`, so keys
//! are case-insensitive (stored lowercased), `key: value` works like `key = value`, an
//! indented line continues the value above it, and `[DEFAULT]` entries appear in every
//! section. The file is found through `HOME`, so `HOME=/elsewhere aws ...` reads another.

use std::path::PathBuf;

use super::FileText;
use super::scope::{EnvValue, Scope};

/// What the alias file says about a top-level command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lookup {
    NotAnAlias,
    Alias,
    /// guard cannot tell which file the CLI would read, or cannot parse it.
    Unknowable(String),
}

pub(crate) fn lookup(scope: &Scope, command: &str) -> Lookup {
    lookup_in(scope, "toplevel", command)
}

/// CLI v2's aliases of a service's subcommands, from the `[command SERVICE]` section; an
/// alias there replaces a built-in operation of the same name.
pub(crate) fn lookup_operation(scope: &Scope, service: &str, operation: &str) -> Lookup {
    lookup_in(scope, &format!("command {service}"), operation)
}

fn lookup_in(scope: &Scope, wanted: &str, command: &str) -> Lookup {
    let home = match scope.home() {
        Some(EnvValue::Known(home)) => home,
        Some(EnvValue::Dynamic) => {
            return Lookup::Unknowable(
                "HOME comes from an expansion, so guard cannot tell which alias file the CLI reads"
                    .to_owned(),
            );
        }
        None => return Lookup::NotAnAlias,
    };
    let path: PathBuf = [home.as_str(), ".aws", "cli", "alias"].iter().collect();
    let text = match scope.read_file(&path.to_string_lossy()) {
        FileText::Text(text) => text,
        FileText::Missing => return Lookup::NotAnAlias,
        FileText::Unreadable(why) => {
            return Lookup::Unknowable(format!(
                "{why}; any aws command may be an alias from it, which guard cannot see"
            ));
        }
    };
    match section_names(&text, wanted) {
        Ok(names) if names.iter().any(|name| name == command) => Lookup::Alias,
        Ok(_) => Lookup::NotAnAlias,
        Err(line) => Lookup::Unknowable(format!(
            "{} line {line} is not one guard can parse",
            path.display()
        )),
    }
}

/// The alias names of the `[toplevel]` and `[DEFAULT]` sections, lowercased; a line
/// configparser would reject is an error (its number).
#[cfg(test)]
pub(crate) fn names(text: &str) -> Result<Vec<String>, usize> {
    section_names(text, "toplevel")
}

/// The alias names of section `wanted` (and `[DEFAULT]`), as configparser reads them: a header
/// is `[` up to the last `]` with anything after it ignored (`[command sts] ; note`).
fn section_names(text: &str, wanted: &str) -> Result<Vec<String>, usize> {
    let mut names = Vec::new();
    let mut section: Option<&str> = None;
    let mut in_value = false;
    for (number, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        if indented && in_value {
            continue;
        }
        if let Some(header) = trimmed
            .strip_prefix('[')
            .and_then(|rest| rest.rfind(']').map(|end| &rest[..end]))
            .filter(|header| !header.is_empty())
        {
            section = Some(header);
            in_value = false;
            continue;
        }
        let Some(at) = trimmed.find(['=', ':']) else {
            return Err(number + 1);
        };
        let Some(section) = section else {
            return Err(number + 1);
        };
        in_value = true;
        // CLI v2 splits `command` headers on whitespace (`[command  s3]` is `[command s3]`).
        let words: Vec<&str> = section.split_whitespace().collect();
        let matches = if words.first() == Some(&"command") {
            words.join(" ") == wanted
        } else {
            section == wanted
        };
        if matches || section == "DEFAULT" {
            names.push(trimmed[..at].trim().to_lowercase());
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configparser_rules() {
        let text = "[toplevel]\nWhoAmI = sts get-caller-identity\nls: s3 ls\nlong =\n  !f() {\n    x = 1\n  }; f\n[command s3]\nnot = x\n[DEFAULT]\ns3 = !rm -rf\n";
        assert_eq!(
            names(text),
            Ok(vec![
                "whoami".to_owned(),
                "ls".to_owned(),
                "long".to_owned(),
                "s3".to_owned()
            ])
        );
        assert_eq!(names("x = 1\n"), Err(1));
        assert_eq!(names("[toplevel]\nnovalue\n"), Err(2));
        assert_eq!(names("# c\n; c\n\n[toplevel]\n"), Ok(vec![]));
        assert_eq!(
            section_names(
                "[command sts] ; v2\nget-caller-identity = !x\n",
                "command sts"
            ),
            Ok(vec!["get-caller-identity".to_owned()])
        );
    }
}
