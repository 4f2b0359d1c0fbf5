//! What of a command line is safe to keep: the values of options, variables and settings the
//! tools define as secret, and secrets inside scripts and headers, replaced by `<redacted>`. The
//! audit log, the child's process title and `credential-process` errors keep only this.

use std::sync::LazyLock;

use regex::Regex;

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
            // (An option starts a word: `get-token --cluster-name X` names no secret.)
            (format!(r#"(?i)(^|[\s"'])(--?{secret_word})(\s+){value}"#), "${1}${2}${3}<redacted>"),
        ]
        .into_iter()
        .map(|(pattern, replacement)| (Regex::new(&pattern).expect("a valid pattern"), replacement))
        .collect()
    });
    &PATTERNS
}

/// Every inner pattern needs one of these words (ASCII, any case): an ASCII argument without
/// them is kept as it is, and the patterns are not even compiled (most of a protected account's
/// warm decision, which is always audited, went to compiling them).
const INNER_WORDS: [&str; 9] = [
    "authorization",
    "token",
    "cookie",
    "x-api-key",
    "bearer",
    "basic",
    "secret",
    "password",
    "passwd",
];

/// Whether an inner pattern could match `arg`. Case-insensitive matching folds some non-ASCII
/// letters to ASCII ones (U+017F to `s`, U+212A to `k`), so any non-ASCII text is checked.
fn may_hold_a_secret(arg: &str) -> bool {
    if !arg.is_ascii() {
        return true;
    }
    let lower = arg.to_ascii_lowercase();
    INNER_WORDS.iter().any(|word| lower.contains(word))
}

/// `arg` with the secrets inside it replaced.
fn redact_inside(arg: &str) -> String {
    if !may_hold_a_secret(arg) {
        return arg.to_string();
    }
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

/// Options with a secret-sounding name whose value is not one: pagination and idempotency tokens
/// the AWS CLI prints and takes back, a token's lifetime.
const NOT_SECRET_OPTIONS: &[&str] = &[
    "starting-token",
    "next-token",
    "continuation-token",
    "page-token",
    "pagination-token",
    "client-token",
    "client-request-token",
    "idempotency-token",
    "token-ttl",
];

/// Whether an option (`--name`, `-name`) takes a secret: its name says so, as the tools name
/// them (`--password`, `--token`, `--client-secret`, `--secret-string`...).
fn option_takes_a_secret(word: &str) -> bool {
    let Some(name) = word.strip_prefix('-') else {
        return false;
    };
    let name = name.trim_start_matches('-').to_ascii_lowercase();
    !name.is_empty()
        && !name.contains(char::is_whitespace)
        && !NOT_SECRET_OPTIONS.contains(&name.as_str())
        && names_a_secret(&name)
}

/// An environment assignment (`NAME=value`) whose variable names a secret.
fn assigns_a_secret(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && names_a_secret(name)
}

/// Short options that take a password in the tools that define them: `docker login -p`.
fn short_secret_option(program: &str, words: &[String], word: &str) -> bool {
    let login = words.iter().any(|w| w == "login");
    match program {
        "docker" | "podman" | "nerdctl" | "buildah" | "skopeo" | "helm" | "oras" => {
            login && word == "-p"
        }
        "sshpass" => word == "-p",
        _ => false,
    }
}

/// A secret by its position: the value of `aws configure set NAME VALUE` when NAME is a secret
/// setting (`aws_secret_access_key`, `profile.x.aws_session_token`).
fn positional_secret(words: &[String], index: usize) -> bool {
    let program = program_name(words);
    if program != "aws" || index < 2 {
        return false;
    }
    let Some(set) = words.iter().position(|w| w == "configure") else {
        return false;
    };
    words.get(set + 1).is_some_and(|w| w == "set") && index >= set + 3 && {
        // The words after `set` that are not options or their values: NAME then VALUE.
        let mut positional = Vec::new();
        let mut i = set + 2;
        while i < words.len() {
            let word = &words[i];
            if word.starts_with("--") {
                if !word.contains('=') && !AWS_FLAGS.contains(&word.as_str()) {
                    i += 1;
                }
            } else {
                positional.push(i);
            }
            i += 1;
        }
        positional.len() >= 2 && positional[1] == index && names_a_secret(&words[positional[0]])
    }
}

/// The AWS CLI's global options that take no value.
const AWS_FLAGS: &[&str] = &[
    "--debug",
    "--no-verify-ssl",
    "--no-paginate",
    "--no-sign-request",
    "--no-cli-pager",
    "--cli-auto-prompt",
    "--no-cli-auto-prompt",
];

fn program_name(words: &[String]) -> &str {
    words
        .first()
        .map(|w| w.rsplit('/').next().unwrap_or(w))
        .unwrap_or("")
}

/// The shells whose `-c` argument is a script.
fn is_shell(program: &str) -> bool {
    matches!(
        program,
        "sh" | "bash" | "dash" | "zsh" | "ksh" | "mksh" | "ash" | "busybox"
    )
}

/// The argv as it is safe to keep, redacted by what the tools define as secret: the values of
/// options that take one (by name: `--password`, `--token=...`; by tool: `docker login -p`),
/// of secret-named variables (`AWS_SECRET_ACCESS_KEY=...`), of secret settings by position
/// (`aws configure set aws_secret_access_key VALUE`), of `--cli-input-json` (its values) and
/// `--cli-input-yaml` (whole), and the same inside a shell's `-c` script; headers and
/// secret-named assignments inside any longer text. A word is never hidden for its neighbour's
/// name alone (`aws eks get-token --cluster-name X` keeps X).
pub fn redact(argv: &[String]) -> Vec<String> {
    let program = program_name(argv).to_string();
    let mut out = Vec::with_capacity(argv.len());
    let mut next = Next::Kept;
    let mut script_next = false;
    for (index, arg) in argv.iter().enumerate() {
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
        if std::mem::take(&mut script_next) {
            out.push(redact_script(arg));
            continue;
        }
        if positional_secret(argv, index) {
            out.push(REDACTED.to_string());
            continue;
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
            Some(("--from-literal", literal)) if literal.contains('=') => {
                let key = literal.split_once('=').map_or("", |(k, _)| k);
                out.push(format!("--from-literal={key}={REDACTED}"));
            }
            Some((name, _)) if option_takes_a_secret(name) || assigns_a_secret(name) => {
                out.push(format!("{name}={REDACTED}"));
            }
            None if option_takes_a_secret(arg) || short_secret_option(&program, argv, arg) => {
                out.push(arg.clone());
                next = Next::Hidden;
            }
            None if is_shell(&program)
                && arg.starts_with('-')
                && !arg.starts_with("--")
                && arg.contains('c') =>
            {
                out.push(arg.clone());
                script_next = true;
            }
            _ => out.push(redact_inside(arg)),
        }
    }
    out
}

/// A shell script with the secrets of each of its commands redacted as an argv's would be: each
/// command is split into words as the shell would, and each word the argv rules hide is hidden
/// where it stands in the text. A hidden word that cannot be found as written (quoting,
/// escapes) hides the whole script: a script is never kept with a secret in it.
fn redact_script(script: &str) -> String {
    let mut text = redact_inside(script);
    for command in script.split(['\n', ';', '&', '|', '(', ')', '`']) {
        let Some(words) = shlex::split(command) else {
            // Quotes that span the separators: the words cannot be told apart safely.
            if command.contains(['\'', '"']) {
                continue;
            }
            return REDACTED.to_string();
        };
        let hidden = redact(&words);
        for (word, kept) in words.iter().zip(&hidden) {
            if word == kept || word.is_empty() {
                continue;
            }
            let secret = word
                .split_once('=')
                .filter(|_| kept.contains('='))
                .map_or(word.as_str(), |(_, v)| v);
            if secret.is_empty() || secret == REDACTED {
                continue;
            }
            if !text.contains(secret) && !script.contains(secret) {
                return REDACTED.to_string();
            }
            text = text.replace(secret, REDACTED);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    /// The shortcut never keeps what a pattern would have redacted.
    #[test]
    fn text_the_shortcut_keeps_no_pattern_matches() {
        let samples = [
            "aws s3 ls s3://bucket",
            "terraform destroy -auto-approve",
            "curl -H 'Authorization: Bearer abc' x",
            "X_TOKEN=abc ./run",
            "--db-password hunter2",
            "echo \"api_secret\": \"v\"",
            "BASIC xyz",
            "Cookie: a=b",
            "x-api-key: k",
            "\u{17f}ecret=abc",
            "\u{212a}ey tO\u{212a}en=1",
            "kubectl get pods -n default",
        ];
        for sample in samples {
            let matches = inner_patterns().iter().any(|(p, _)| p.is_match(sample));
            assert!(!matches || may_hold_a_secret(sample), "{sample}");
        }
        assert!(!may_hold_a_secret("aws s3 ls s3://bucket"));
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

    #[test]
    fn redaction_follows_what_tools_define_as_secret() {
        let out = redact(&strings(&[
            "aws",
            "eks",
            "get-token",
            "--cluster-name",
            "prod-1",
        ]));
        assert_eq!(
            out,
            strings(&["aws", "eks", "get-token", "--cluster-name", "prod-1"])
        );
        let out = redact(&strings(&[
            "aws",
            "sts",
            "get-session-token",
            "--duration-seconds",
            "900",
        ]));
        assert_eq!(out[4], "900");
        let out = redact(&strings(&[
            "aws",
            "s3api",
            "list-objects-v2",
            "--starting-token",
            "abc",
        ]));
        assert_eq!(out[4], "abc");
        let out = redact(&strings(&[
            "aws",
            "configure",
            "set",
            "--profile",
            "x",
            "aws_session_token",
            "TOK",
        ]));
        assert_eq!(out[6], "<redacted>");
        let out = redact(&strings(&[
            "aws",
            "configure",
            "set",
            "region",
            "eu-west-1",
        ]));
        assert_eq!(out[4], "eu-west-1");
        let out = redact(&strings(&[
            "docker",
            "login",
            "-u",
            "me",
            "-p",
            "hunter2",
            "r.example",
        ]));
        assert_eq!(
            out,
            strings(&[
                "docker",
                "login",
                "-u",
                "me",
                "-p",
                "<redacted>",
                "r.example"
            ])
        );
        let out = redact(&strings(&[
            "kubectl",
            "create",
            "secret",
            "generic",
            "db",
            "--from-literal=password=hunter2",
        ]));
        assert_eq!(out[5], "--from-literal=password=<redacted>");
        for script in [
            "aws configure set aws_secret_access_key SECRETXYZ && aws s3 ls",
            "aws configure set aws_secret_access_key 'SECRETXYZ'; echo done",
            "docker login -p SECRETXYZ registry",
        ] {
            let out = redact(&strings(&["sh", "-c", script]));
            assert!(!out[2].contains("SECRETXYZ"), "{}", out[2]);
        }
        let out = redact(&strings(&[
            "bash",
            "-lc",
            "aws eks get-token --cluster-name prod-1",
        ]));
        assert_eq!(out[2], "aws eks get-token --cluster-name prod-1");
    }
}
