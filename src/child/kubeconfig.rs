//! Editing a kubeconfig without disturbing it: one user entry's `exec` is written or replaced, and
//! every other byte of the file (comments, order, quoting, clusters, contexts) stays as it was.
//!
//! kubeconfigs are written by kubectl, `aws eks update-kubeconfig` and eksctl in block style, so
//! this edits lines rather than re-serializing a YAML tree (which would reorder and requote the
//! whole file). Shapes it cannot edit with certainty (JSON, flow style, tabs) are refused.

use std::path::{Path, PathBuf};

use crate::sys::error::Failure;
use crate::sys::fsutil::home_dir;

/// The exec API version `aws eks update-kubeconfig` writes, understood by every kubectl since 1.11.
pub const EXEC_API_VERSION: &str = "client.authentication.k8s.io/v1beta1";

/// A user entry whose credentials come from running a command.
pub struct ExecUser<'a> {
    pub name: &'a str,
    pub command: &'a str,
    pub args: &'a [String],
}

/// Where kubectl reads and writes its configuration: the first file of `$KUBECONFIG`, else
/// `~/.kube/config`.
pub fn path() -> anyhow::Result<PathBuf> {
    let listed = std::env::var_os("KUBECONFIG")
        .and_then(|v| std::env::split_paths(&v).find(|p| !p.as_os_str().is_empty()));
    match listed {
        Some(path) => Ok(path),
        None => Ok(home_dir()?.join(".kube").join("config")),
    }
}

/// What was done to the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The user existed; its `exec` was written in place.
    ExecReplaced,
    /// The user existed without an `exec`; one was added to it.
    ExecAdded,
    /// A new user entry was added.
    UserAdded,
}

/// `text` with `user` set; `path` only names the file in errors.
pub fn with_exec_user(
    text: &str,
    user: &ExecUser,
    path: &Path,
) -> Result<(String, Change), Failure> {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let refuse = |line: usize, why: &str| {
        Failure::config(format!(
            "{}:{line}: guard cannot edit this kubeconfig: {why}",
            path.display()
        ))
        .with_hint(format!(
            "add the user entry `{}` by hand, or rewrite the file in block style (kubectl config view --raw)",
            user.name
        ))
    };
    if text.trim_start().starts_with('{') {
        return Err(refuse(1, "it is JSON, not block-style YAML"));
    }
    for (n, line) in lines.iter().enumerate() {
        let top = !line.starts_with([' ', '\t', '#', '-', '\r', '\n']) && !line.trim().is_empty();
        if top && top_level_key(line).is_none_or(|k| !KUBECONFIG_KEYS.contains(&k)) {
            return Err(Failure::config(format!(
                "{}:{}: this is not a kubeconfig (kubectl's files have only {} at the top)",
                path.display(),
                n + 1,
                KUBECONFIG_KEYS.join(", ")
            ))
            .with_hint("point KUBECONFIG at a kubeconfig, or leave it unset for ~/.kube/config"));
        }
    }
    if let Some(n) = lines
        .iter()
        .position(|l| l.starts_with(' ') && l.trim_start_matches(' ').starts_with('\t'))
        .or_else(|| lines.iter().position(|l| l.starts_with('\t')))
    {
        return Err(refuse(n + 1, "a line is indented with a tab"));
    }

    let users_line = lines.iter().position(|l| top_level_key(l) == Some("users"));
    if lines
        .iter()
        .any(|l| matches!(top_level_key(l), Some("\"users\"" | "'users'")))
    {
        return Err(refuse(1, "the users key is quoted"));
    }
    let Some(users_line) = users_line else {
        // No users yet: a new list at the end of the file.
        let mut out = text.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(newline);
        }
        out.push_str("users:");
        out.push_str(newline);
        out.push_str(&user_entry(user, 0, newline));
        return Ok((out, Change::UserAdded));
    };
    let inline = value_after_key(lines[users_line]);
    let replace_users_line = match inline {
        "" => false,
        "[]" | "null" | "~" => true,
        _ => {
            return Err(refuse(
                users_line + 1,
                "the users list is not in block style",
            ));
        }
    };

    let items = sequence_items(&lines, users_line + 1);
    if replace_users_line || items.entries.is_empty() {
        // An empty list: the entry goes right below the key.
        let mut out: String = lines[..users_line].concat();
        out.push_str("users:");
        out.push_str(newline);
        out.push_str(&user_entry(user, 0, newline));
        out.push_str(&lines[users_line + 1..].concat());
        return Ok((out, Change::UserAdded));
    }

    for item in &items.entries {
        let Some(name) = item_key(&lines, item, "name").map(|k| scalar(value_after_key(lines[k])))
        else {
            continue;
        };
        if name != user.name {
            continue;
        }
        return edit_user(&lines, item, user, newline)
            .ok_or_else(|| refuse(item.start + 1, "its user entry is not in block style"));
    }

    // A new entry after the last one.
    let indent = items.indent;
    let mut out: String = lines[..items.end].concat();
    if !out.ends_with('\n') {
        out.push_str(newline);
    }
    out.push_str(&user_entry(user, indent, newline));
    out.push_str(&lines[items.end..].concat());
    Ok((out, Change::UserAdded))
}

/// Lines `start..end` of one list item, whose mapping's keys are at column `keys`.
struct Item {
    start: usize,
    end: usize,
    keys: usize,
}

struct Items {
    entries: Vec<Item>,
    /// The column of the items' dashes.
    indent: usize,
    /// The line after the list's last content line.
    end: usize,
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Blank lines and comments belong to no block.
fn is_content(line: &str) -> bool {
    let trimmed = line.trim();
    !trimmed.is_empty() && !trimmed.starts_with('#')
}

fn is_dash(rest: &str) -> bool {
    rest == "-" || rest.starts_with("- ") || rest.starts_with("-\r") || rest.starts_with("-\n")
}

/// `key` of a line `key:` or `key: value` at column 0.
fn top_level_key(line: &str) -> Option<&str> {
    if line.starts_with([' ', '#', '-']) {
        return None;
    }
    key_of(line)
}

fn key_of(line: &str) -> Option<&str> {
    let trimmed = line.trim_start_matches(' ');
    let (key, rest) = trimmed.split_once(':')?;
    (rest.is_empty() || rest.starts_with([' ', '\r', '\n'])).then_some(key.trim_end())
}

/// The text after `key:` on its line, without a trailing comment.
fn value_after_key(line: &str) -> &str {
    let trimmed = line.trim_start_matches(' ');
    let trimmed = trimmed.strip_prefix("- ").unwrap_or(trimmed);
    let value = trimmed.split_once(':').map_or("", |(_, v)| v).trim();
    let end = match value.chars().next() {
        Some('\'') => closing_quote(value, '\''),
        Some('"') => closing_quote(value, '"'),
        _ => value.find(" #"),
    };
    end.map_or(value, |at| &value[..at]).trim()
}

/// Where the quoted scalar at the start of `value` ends (after its closing quote).
fn closing_quote(value: &str, quote: char) -> Option<usize> {
    let mut chars = value.char_indices().skip(1).peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' if quote == '"' => {
                chars.next();
            }
            c if c == quote => {
                if quote == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                    chars.next();
                    continue;
                }
                return Some(at + 1);
            }
            _ => {}
        }
    }
    None
}

/// A scalar's text: plain, 'single-quoted' or "double-quoted".
fn scalar(text: &str) -> String {
    if let Some(inner) = text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        return inner.replace("''", "'");
    }
    if text.starts_with('"') {
        return serde_json::from_str::<String>(text).unwrap_or_else(|_| text.to_string());
    }
    text.to_string()
}

/// The items of the block sequence that starts at line `from`.
fn sequence_items(lines: &[&str], from: usize) -> Items {
    let mut entries: Vec<Item> = Vec::new();
    let mut indent = None;
    let mut end = from;
    for (n, line) in lines.iter().enumerate().skip(from) {
        if !is_content(line) {
            continue;
        }
        let column = indent_of(line);
        let rest = &line[column..];
        let dash_at = *indent.get_or_insert(column);
        if column < dash_at || (column == dash_at && !is_dash(rest)) {
            break;
        }
        if column == dash_at {
            if let Some(last) = entries.last_mut() {
                last.end = end;
            }
            let after_dash = rest[1..].trim_start_matches(' ');
            let keys = if is_content(after_dash) {
                column + (rest.len() - after_dash.len())
            } else {
                // `-` alone: the keys start on the next content line.
                lines[n + 1..]
                    .iter()
                    .find(|l| is_content(l))
                    .map_or(column + 2, |l| indent_of(l))
            };
            entries.push(Item {
                start: n,
                end: n + 1,
                keys,
            });
        }
        end = n + 1;
    }
    if let Some(last) = entries.last_mut() {
        last.end = end;
    }
    Items {
        entries,
        indent: indent.unwrap_or(0),
        end,
    }
}

/// The line of `key` among the item's keys.
fn item_key(lines: &[&str], item: &Item, key: &str) -> Option<usize> {
    (item.start..item.end).find(|&n| {
        let line = lines[n];
        let at = if n == item.start {
            // The first key shares the dash's line.
            line.get(item.keys..)
                .filter(|_| is_content(&line[item.keys..]))
        } else {
            (indent_of(line) == item.keys).then(|| &line[item.keys..])
        };
        at.filter(|rest| is_content(rest))
            .and_then(key_of)
            .is_some_and(|k| k == key)
    })
}

/// The line after the last content line of the block below the key on line `key_line`, which is
/// at column `column`, looking no further than `limit`.
fn block_end(lines: &[&str], key_line: usize, column: usize, limit: usize) -> usize {
    let mut end = key_line + 1;
    for (n, line) in lines.iter().enumerate().take(limit).skip(key_line + 1) {
        if !is_content(line) {
            continue;
        }
        if indent_of(line) <= column {
            break;
        }
        end = n + 1;
    }
    end
}

fn edit_user(
    lines: &[&str],
    item: &Item,
    user: &ExecUser,
    newline: &str,
) -> Option<(String, Change)> {
    let Some(user_line) = item_key(lines, item, "user") else {
        // A user entry with only a name: its user mapping goes after the last line.
        let mut out: String = lines[..item.end].concat();
        out.push_str(&format!("{}user:{newline}", " ".repeat(item.keys)));
        out.push_str(&exec_block(user, item.keys + 2, newline));
        out.push_str(&lines[item.end..].concat());
        return Some((out, Change::ExecAdded));
    };
    let inline = value_after_key(lines[user_line]);
    let end = block_end(lines, user_line, item.keys, item.end);
    match inline {
        "" => {}
        "{}" | "null" | "~" if end == user_line + 1 => {
            let mut out: String = lines[..user_line].concat();
            let head = &lines[user_line][..lines[user_line].find("user:")? + "user:".len()];
            out.push_str(head);
            out.push_str(newline);
            out.push_str(&exec_block(user, item.keys + 2, newline));
            out.push_str(&lines[user_line + 1..].concat());
            return Some((out, Change::ExecAdded));
        }
        _ => return None,
    }
    let column = lines[user_line + 1..end]
        .iter()
        .find(|l| is_content(l))
        .map_or(item.keys + 2, |l| indent_of(l));
    let exec_line = (user_line + 1..end).find(|&n| {
        let line = lines[n];
        is_content(line) && indent_of(line) == column && key_of(line) == Some("exec")
    });
    let (cut_from, cut_to, change) = match exec_line {
        Some(at) => (at, block_end(lines, at, column, end), Change::ExecReplaced),
        None => (end, end, Change::ExecAdded),
    };
    let mut out: String = lines[..cut_from].concat();
    if !out.ends_with('\n') {
        out.push_str(newline);
    }
    out.push_str(&exec_block(user, column, newline));
    out.push_str(&lines[cut_to..].concat());
    Some((out, change))
}

fn quoted(text: &str) -> String {
    // A JSON string is a YAML double-quoted scalar: nothing in it can be read as YAML syntax.
    // YAML 1.1 (kubectl's parser) also breaks lines at NEL, LS and PS, which JSON leaves as
    // they are: they are escaped too, so that the value reads back as it was.
    serde_json::to_string(text)
        .unwrap_or_default()
        .replace('\u{85}', "\\u0085")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The top-level keys of a kubeconfig (client-go's `Config`). A file with any other is not one,
/// and guard does not add a user to it (it could be any YAML file, or a shell's rc file).
const KUBECONFIG_KEYS: &[&str] = &[
    "apiVersion",
    "kind",
    "preferences",
    "clusters",
    "users",
    "contexts",
    "current-context",
    "extensions",
];

fn user_entry(user: &ExecUser, indent: usize, newline: &str) -> String {
    let pad = " ".repeat(indent);
    format!(
        "{pad}- name: {}{newline}{pad}  user:{newline}{}",
        quoted(user.name),
        exec_block(user, indent + 4, newline)
    )
}

fn exec_block(user: &ExecUser, indent: usize, newline: &str) -> String {
    let pad = " ".repeat(indent);
    let mut out = format!(
        "{pad}exec:{newline}{pad}  apiVersion: {EXEC_API_VERSION}{newline}{pad}  command: {}{newline}{pad}  args:{newline}",
        quoted(user.command)
    );
    for arg in user.args {
        out.push_str(&format!("{pad}  - {}{newline}", quoted(arg)));
    }
    out.push_str(&format!("{pad}  interactiveMode: Never{newline}"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(text: &str) -> (String, Change) {
        let args = [
            "eks-token".to_string(),
            "--cluster".to_string(),
            "demo".to_string(),
        ];
        let user = ExecUser {
            name: "arn:aws:eks:eu-west-1:111111111111:cluster/demo",
            command: "/usr/bin/guard",
            args: &args,
        };
        with_exec_user(text, &user, Path::new("config")).unwrap()
    }

    const EXEC: &str = "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: \"/usr/bin/guard\"\n      args:\n      - \"eks-token\"\n      - \"--cluster\"\n      - \"demo\"\n      interactiveMode: Never\n";

    const AWS_WRITTEN: &str = "\
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: LS0t
    server: https://ABC.gr7.eu-west-1.eks.amazonaws.com
  name: arn:aws:eks:eu-west-1:111111111111:cluster/demo
contexts:
- context:
    cluster: arn:aws:eks:eu-west-1:111111111111:cluster/demo
    user: arn:aws:eks:eu-west-1:111111111111:cluster/demo
  name: demo
current-context: demo
kind: Config
preferences: {}
users:
# the user aws eks update-kubeconfig wrote
- name: other
  user:
    token: abc
- name: arn:aws:eks:eu-west-1:111111111111:cluster/demo
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - --region
      - eu-west-1
      - eks
      - get-token
      - --cluster-name
      - demo
      - --output
      - json
      command: aws
    # kept
- name: last
  user:
    username: me
";

    #[test]
    fn replaces_only_the_exec_of_the_named_user() {
        let (out, change) = edit(AWS_WRITTEN);
        assert_eq!(change, Change::ExecReplaced);
        let start = AWS_WRITTEN.find("    exec:").unwrap();
        let end = AWS_WRITTEN.find("    # kept").unwrap();
        let expected = format!("{}{EXEC}{}", &AWS_WRITTEN[..start], &AWS_WRITTEN[end..]);
        assert_eq!(out, expected);
        // Idempotent: a second edit changes nothing.
        assert_eq!(edit(&out).0, out);
    }

    #[test]
    fn adds_a_user_after_the_last_one() {
        let text = AWS_WRITTEN.replace(
            "cluster/demo\n  user:\n    exec",
            "cluster/x\n  user:\n    exec",
        );
        let (out, change) = edit(&text);
        assert_eq!(change, Change::UserAdded);
        assert!(out.starts_with(&text));
        assert_eq!(
            &out[text.len()..],
            format!("- name: \"arn:aws:eks:eu-west-1:111111111111:cluster/demo\"\n  user:\n{EXEC}")
        );
    }

    #[test]
    fn adds_an_exec_to_a_user_without_one() {
        let text = "users:\n  - name: \"arn:aws:eks:eu-west-1:111111111111:cluster/demo\" # mine\n    user:\n      token: abc\n  - name: b\n    user: {}\nkind: Config\n";
        let (out, change) = edit(text);
        assert_eq!(change, Change::ExecAdded);
        let exec = EXEC
            .replace("\n    ", "\n      ")
            .replacen("    exec", "      exec", 1);
        assert_eq!(
            out,
            format!(
                "users:\n  - name: \"arn:aws:eks:eu-west-1:111111111111:cluster/demo\" # mine\n    user:\n      token: abc\n{exec}  - name: b\n    user: {{}}\nkind: Config\n"
            )
        );
    }

    #[test]
    fn empty_and_missing_lists() {
        let entry =
            format!("- name: \"arn:aws:eks:eu-west-1:111111111111:cluster/demo\"\n  user:\n{EXEC}");
        assert_eq!(edit("").0, format!("users:\n{entry}"));
        assert_eq!(
            edit("kind: Config").0,
            format!("kind: Config\nusers:\n{entry}")
        );
        assert_eq!(
            edit("users: [] # none\nkind: Config\n").0,
            format!("users:\n{entry}kind: Config\n")
        );
        assert_eq!(
            edit("users:\nkind: Config\n").0,
            format!("users:\n{entry}kind: Config\n")
        );
    }

    #[test]
    fn refuses_what_it_cannot_edit_safely() {
        let args = Vec::new();
        let user = ExecUser {
            name: "a",
            command: "guard",
            args: &args,
        };
        for text in [
            "{\"users\": []}",
            "users: [{name: a}]\n",
            "users:\n- name: a\n  user: {token: x}\n",
            "users:\n\t- name: a\n",
        ] {
            assert!(
                with_exec_user(text, &user, Path::new("c")).is_err(),
                "{text}"
            );
        }
    }
}
