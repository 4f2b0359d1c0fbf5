//! The audit log: one JSON line per decision in a protected account (or per run, when the policy
//! asks), in `$XDG_STATE_HOME/guard/audit.jsonl`.

use std::path::PathBuf;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::Failure;
use crate::fsutil;

#[derive(Serialize)]
pub struct Entry<'a> {
    pub profile: &'a str,
    pub account_id: &'a str,
    pub account_name: Option<&'a str>,
    pub principal_arn: &'a str,
    /// Who asked: `person`, or `agent:NAME` for an agent's hook.
    pub caller: String,
    pub argv: Vec<String>,
    pub classification: &'a str,
    pub reason: &'a str,
    /// The change reason the person gave (`--reason`), when one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_reason: Option<&'a str>,
    pub decision: &'a str,
    pub basis: String,
    pub confirmed: Option<&'a str>,
    pub outcome: &'a str,
    /// For a saved terraform plan: what it creates, changes and destroys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<&'a PlanSummary>,
}

/// What a saved terraform plan creates, changes and destroys (see `plan`).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct PlanSummary {
    pub create: usize,
    pub update: usize,
    pub replace: usize,
    pub delete: usize,
    pub forget: usize,
    pub read: usize,
    pub import: usize,
    #[serde(rename = "move")]
    pub moved: usize,
    pub no_op: usize,
    /// Every address the plan destroys or replaces, in the plan's order.
    pub destroyed: Vec<String>,
}

#[derive(Serialize)]
struct Line<'a> {
    time: String,
    #[serde(flatten)]
    entry: &'a Entry<'a>,
}

pub fn path() -> anyhow::Result<PathBuf> {
    Ok(fsutil::state_dir()?.join("audit.jsonl"))
}

/// Words that say the next argument (or the value after `=`) is a secret.
fn names_a_secret(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    ["secret", "token", "password", "passwd"]
        .iter()
        .any(|s| lower.contains(s))
}

const REDACTED: &str = "<redacted>";

/// Secrets inside a longer text: a `sh -c` script, a `python -c` program, a header given to curl.
/// Each pattern keeps the name and replaces only the value.
fn inner_patterns() -> &'static [(Regex, &'static str)] {
    static PATTERNS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
        let value = r#"("[^"]*"|'[^']*'|[^\s"';&|]+)"#;
        let secret_word = r"[\w.-]*(?:secret|token|password|passwd)[\w.-]*";
        [
            // A header's value runs to the end of the line or the quote: `Bearer xyz` is one.
            (
                r#"(?i)\b((?:proxy-)?authorization|x-amz-security-token|cookie|x-api-key)(\s*:\s*)[^"'\r\n]*"#
                    .to_string(),
                "${1}${2}<redacted>",
            ),
            (r"(?i)\b(bearer|basic)(\s+)[\w.~+/=-]+".to_string(), "${1}${2}<redacted>"),
            // NAME=value, NAME: value, "NAME": "value" (JSON or YAML in a script).
            (format!(r#"(?i)({secret_word})(["']?\s*[=:]\s*){value}"#), "${1}${2}<redacted>"),
            // --password value, inside a script.
            (format!(r"(?i)(--?{secret_word})(\s+){value}"), "${1}${2}<redacted>"),
        ]
        .into_iter()
        .map(|(pattern, replacement)| (Regex::new(&pattern).expect("a valid pattern"), replacement))
        .collect()
    });
    &PATTERNS
}

/// `arg` with the secrets inside it replaced.
fn redact_inside(arg: &str) -> String {
    let mut text = arg.to_string();
    for (pattern, replacement) in inner_patterns() {
        if let std::borrow::Cow::Owned(replaced) = pattern.replace_all(&text, *replacement) {
            text = replaced;
        }
    }
    text
}

/// The JSON of `--cli-input-json` with every value replaced and the keys kept: any field may be a
/// secret (`SecretString`, a parameter's `Value`). A file reference is kept; other text is
/// replaced whole.
fn redact_input_json(text: &str) -> String {
    fn blank(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => map.values_mut().for_each(blank),
            serde_json::Value::Array(items) => items.iter_mut().for_each(blank),
            serde_json::Value::Null => {}
            other => *other = serde_json::Value::String(REDACTED.to_string()),
        }
    }
    if text.starts_with("file://") || text.starts_with("fileb://") {
        return text.to_string();
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(mut value) => {
            blank(&mut value);
            value.to_string()
        }
        Err(_) => REDACTED.to_string(),
    }
}

/// How the next argument is kept.
enum Next {
    Kept,
    Hidden,
    InputJson,
}

/// The argv as it is safe to keep: values that follow or belong to a secret-looking option or
/// variable are replaced, so are secrets inside scripts and headers, and the values of
/// `--cli-input-json` (and `--cli-input-yaml`, whole).
pub fn redact(argv: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(argv.len());
    let mut next = Next::Kept;
    for arg in argv {
        match std::mem::replace(&mut next, Next::Kept) {
            Next::Hidden => {
                out.push(REDACTED.to_string());
                continue;
            }
            Next::InputJson => {
                out.push(redact_input_json(arg));
                continue;
            }
            Next::Kept => {}
        }
        match arg.split_once('=') {
            Some(("--cli-input-json", json)) => {
                out.push(format!("--cli-input-json={}", redact_input_json(json)));
            }
            Some(("--cli-input-yaml", _)) => out.push(format!("--cli-input-yaml={REDACTED}")),
            _ if arg == "--cli-input-json" => {
                out.push(arg.clone());
                next = Next::InputJson;
            }
            _ if arg == "--cli-input-yaml" => {
                out.push(arg.clone());
                next = Next::Hidden;
            }
            Some((name, _)) if names_a_secret(name) && !name.contains(char::is_whitespace) => {
                out.push(format!("{name}={REDACTED}"));
            }
            None if names_a_secret(arg) && !arg.contains(char::is_whitespace) => {
                out.push(arg.clone());
                next = Next::Hidden;
            }
            _ => out.push(redact_inside(arg)),
        }
    }
    out
}

/// Appends one entry. The log is guard's record of what it let through, so failing to write it
/// is a failure: the command does not run unrecorded.
pub fn append(entry: &Entry) -> anyhow::Result<()> {
    let path = path()?;
    let fail = |e: std::io::Error| {
        Failure::config(format!(
            "cannot write the audit log {}: {e}",
            path.display()
        ))
        .with_hint("make its folder writable, or set XDG_STATE_HOME")
    };
    let state = fsutil::state_dir()?;
    fsutil::own_dir(&state, &state)?;
    let line = Line {
        time: OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .unwrap_or_default(),
        entry,
    };
    let mut text = serde_json::to_string(&line)?;
    text.push('\n');
    // Only in place, only a regular file of this user, 0600, and never a line cut short.
    fsutil::append_line(&path, &text).map_err(fail)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn secrets_are_redacted() {
        assert_eq!(
            redact(&strings(&[
                "aws",
                "configure",
                "set",
                "aws_secret_access_key",
                "XYZ"
            ])),
            strings(&[
                "aws",
                "configure",
                "set",
                "aws_secret_access_key",
                "<redacted>"
            ])
        );
        assert_eq!(
            redact(&strings(&["kubectl", "--token=abc", "get", "pods"])),
            strings(&["kubectl", "--token=<redacted>", "get", "pods"])
        );
        assert_eq!(redact(&strings(&["ls", "-la"])), strings(&["ls", "-la"]));
    }

    #[test]
    fn secrets_inside_scripts_are_redacted() {
        let script =
            "export AWS_SECRET_ACCESS_KEY=abc123; DB_PASSWORD='p w' run --token xyz --name keep";
        let out = redact(&strings(&["sh", "-c", script]));
        assert_eq!(out[..2], strings(&["sh", "-c"]));
        for secret in ["abc123", "p w", "xyz"] {
            assert!(!out[2].contains(secret), "{}", out[2]);
        }
        assert!(
            out[2].contains("AWS_SECRET_ACCESS_KEY=<redacted>"),
            "{}",
            out[2]
        );
        assert!(out[2].contains("--name keep"), "{}", out[2]);
        let json = r#"python3 -c 'print(1)' && echo '{"SessionToken": "tok", "Region": "eu"}'"#;
        let out = redact(&strings(&["bash", "-lc", json]));
        assert!(!out[2].contains("tok\""), "{}", out[2]);
        assert!(out[2].contains("eu"), "{}", out[2]);
    }

    #[test]
    fn headers_are_redacted() {
        for (argv, secret) in [
            (
                vec!["curl", "-H", "Authorization: Bearer abc.def"],
                "abc.def",
            ),
            (
                vec!["curl", "--header=X-Amz-Security-Token: FQoG/x+y="],
                "FQoG",
            ),
            (
                vec!["http", "GET", "x", "authorization:Basic dXNlcjpw"],
                "dXNlcjpw",
            ),
            (
                vec!["sh", "-c", "curl -H 'Authorization: Bearer abc' https://x"],
                "abc",
            ),
            (
                vec!["curl", "-H", "X-Amz-Security-Token: FQoG", "https://x"],
                "FQoG",
            ),
        ] {
            let out = redact(&strings(&argv)).join(" ");
            assert!(!out.contains(secret), "{out}");
            assert!(out.to_ascii_lowercase().contains("<redacted>"), "{out}");
        }
        let out = redact(&strings(&[
            "curl",
            "-H",
            "X-Amz-Security-Token: FQoG",
            "https://x",
        ]));
        assert_eq!(out[3], "https://x");
    }

    #[test]
    fn cli_input_json_values_are_redacted() {
        let json = r#"{"SecretId":"db","SecretString":"hunter2","Tags":[{"Key":"k","Value":"v"}]}"#;
        for argv in [
            vec![
                "aws",
                "secretsmanager",
                "put-secret-value",
                "--cli-input-json",
                json,
            ],
            vec![
                "aws",
                "secretsmanager",
                "put-secret-value",
                &format!("--cli-input-json={json}"),
            ],
        ] {
            let out = redact(&strings(&argv)).join(" ");
            for value in ["hunter2", "\"db\"", "\"v\""] {
                assert!(!out.contains(value), "{out}");
            }
            assert!(
                out.contains("SecretString") && out.contains("Tags"),
                "{out}"
            );
        }
        let out = redact(&strings(&[
            "aws",
            "x",
            "--cli-input-json",
            "file://input.json",
        ]));
        assert_eq!(out[3], "file://input.json");
        let out = redact(&strings(&[
            "aws",
            "x",
            "--cli-input-json",
            "{not json hunter2",
        ]));
        assert_eq!(out[3], "<redacted>");
        let out = redact(&strings(&[
            "aws",
            "x",
            "--cli-input-yaml",
            "SecretString: hunter2",
        ]));
        assert_eq!(out[3], "<redacted>");
    }
}
