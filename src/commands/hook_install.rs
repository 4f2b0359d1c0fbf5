//! `guard hook install AGENT [--project] [--print]`: adds guard's hook to the agent's settings
//! file, byte for byte preserving everything else in it (other keys, other hooks, formatting),
//! creating the file if missing, and changing nothing when the hook is there already.
//!
//! The edit is hand-written: serde_json (and the well-kept JSON crates) re-print the whole
//! document, and the settings file is the person's own. serde_json still reads the file first,
//! so the byte scanner below only ever walks valid JSON.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::commands::hook::Agent;
use crate::options::Options;
use crate::sys::error::Failure;
use crate::sys::fsutil;
use crate::sys::output::{self, Delivery};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The agent whose settings get the hook
    #[arg(value_enum)]
    pub agent: Agent,
    /// The project's settings (.claude/settings.json here) instead of the user's
    #[arg(long)]
    pub project: bool,
    /// Print the settings snippet instead of editing a file
    #[arg(long)]
    pub print: bool,
}

/// Where an agent keeps its hooks, and how an entry is written there.
struct Shape {
    folder: &'static str,
    event: &'static str,
    matcher: &'static str,
    /// Claude Code counts a hook's timeout in seconds, Gemini CLI in milliseconds.
    timeout: u64,
}

fn shape(agent: Agent) -> Shape {
    match agent {
        Agent::ClaudeCode => Shape {
            folder: ".claude",
            event: "PreToolUse",
            matcher: "Bash",
            timeout: 120,
        },
        Agent::GeminiCli => Shape {
            folder: ".gemini",
            event: "BeforeTool",
            matcher: "run_shell_command",
            timeout: 120_000,
        },
    }
}

/// The hook's command line. Exit 2 is every agent's "block": a guard that could not answer
/// (killed, crashed) must not let the command through, and agents run other statuses anyway.
fn command(agent: Agent) -> anyhow::Result<String> {
    let exe = std::env::current_exe()
        .map_err(|e| Failure::io(format!("cannot find guard's own path: {e}")))?;
    let exe = exe.to_string_lossy();
    let quoted = shlex::try_quote(&exe)
        .map_err(|_| Failure::io(format!("guard's path {exe} cannot be quoted for a shell")))?;
    Ok(format!("{quoted} hook {} || exit 2", agent.name()))
}

fn entry(agent: Agent) -> anyhow::Result<Value> {
    let shape = shape(agent);
    let mut hook = json!({
        "type": "command",
        "command": command(agent)?,
        "timeout": shape.timeout,
    });
    if agent == Agent::GeminiCli {
        hook["name"] = json!("guard");
    }
    Ok(json!({ "matcher": shape.matcher, "hooks": [hook] }))
}

fn settings_path(agent: Agent, project: bool) -> anyhow::Result<PathBuf> {
    let folder = shape(agent).folder;
    let base = if project {
        std::env::current_dir()
            .map_err(|e| Failure::io(format!("cannot read the current folder: {e}")))?
    } else {
        fsutil::home_dir()?
    };
    Ok(base.join(folder).join("settings.json"))
}

pub fn run(options: &Options, args: &Args) -> anyhow::Result<()> {
    options.no_profile("hook install")?;
    let entry = entry(args.agent)?;
    let event = shape(args.agent).event;
    if args.print {
        let snippet = json!({ "hooks": { event: [entry] } });
        // A Value always serializes.
        let text = serde_json::to_string_pretty(&snippet).unwrap_or_default() + "\n";
        return output::stdout(&text, Delivery::Essential);
    }
    let path = settings_path(args.agent, args.project)?;
    let shown = path.display().to_string();
    let old = fsutil::read_text(&path, fsutil::SMALL_LIMIT)
        .map_err(|e| Failure::config(format!("cannot read {shown}: {e}")))?;
    let marker = format!(" hook {}", args.agent.name());
    let said = match add(old.as_deref().unwrap_or(""), event, &entry, &marker)
        .map_err(|why| Failure::config(format!("{shown}: {why}; it was not changed")))?
    {
        None => format!("{shown}: guard's hook is there already; nothing changed\n"),
        Some(text) => {
            fsutil::replace(&path, text.as_bytes())?;
            format!(
                "{shown}: added guard's {event} hook ({} commands are decided by guard)\n",
                args.agent.name()
            )
        }
    };
    output::stdout(&said, Delivery::Listing)
}

/// The settings text with `entry` added to `hooks.<event>`, or None when a hook whose command
/// holds `marker` is there already. Err says why the file cannot take it.
pub fn add(text: &str, event: &str, entry: &Value, marker: &str) -> Result<Option<String>, String> {
    if text.trim().is_empty() {
        let fresh = json!({ "hooks": { event: [entry] } });
        return Ok(Some(
            serde_json::to_string_pretty(&fresh).unwrap_or_default() + "\n",
        ));
    }
    let parsed: Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "it is not valid JSON ({}, line {})",
            crate::sys::error::json_problem(&e),
            e.line()
        )
    })?;
    let Some(top) = parsed.as_object() else {
        return Err("it is not a JSON object".to_string());
    };
    let hooks = top.get("hooks");
    if let Some(hooks) = hooks
        && !hooks.is_object()
    {
        return Err("its \"hooks\" is not an object".to_string());
    }
    let list = hooks.and_then(|h| h.get(event));
    if let Some(list) = list {
        let Some(items) = list.as_array() else {
            return Err(format!("its \"hooks\".\"{event}\" is not a list"));
        };
        let installed = items.iter().any(|group| {
            group["hooks"].as_array().is_some_and(|hs| {
                hs.iter()
                    .any(|h| h["command"].as_str().is_some_and(|c| c.contains(marker)))
            })
        });
        if installed {
            return Ok(None);
        }
    }
    let bytes = text.as_bytes();
    let unit = indent_unit(text);
    let open = skip_ws(bytes, 0);
    let edited = match (hooks, list) {
        (None, _) => {
            let value = json!({ event: [entry] });
            insert_first(
                text,
                open,
                0,
                &unit,
                &format!("\"hooks\": {}", pretty(&value, 1, &unit)),
            )
        }
        (Some(_), None) => {
            let hooks_open = member(bytes, open, "hooks").ok_or("cannot find \"hooks\"")?;
            let value = json!([entry]);
            insert_first(
                text,
                hooks_open,
                1,
                &unit,
                &format!("{}: {}", json!(event), pretty(&value, 2, &unit)),
            )
        }
        (Some(_), Some(_)) => {
            let hooks_open = member(bytes, open, "hooks").ok_or("cannot find \"hooks\"")?;
            let list_open = member(bytes, hooks_open, event).ok_or("cannot find the event")?;
            insert_first(text, list_open, 2, &unit, &pretty(entry, 3, &unit))
        }
    };
    // What was written must read back as what was meant.
    let check: Value = serde_json::from_str(&edited).map_err(|_| "the edit went wrong")?;
    let added = check["hooks"][event]
        .as_array()
        .is_some_and(|items| items.first() == Some(entry));
    if !added {
        return Err("the edit went wrong".to_string());
    }
    Ok(Some(edited))
}

/// A value as pretty JSON whose lines after the first are indented to `depth`.
fn pretty(value: &Value, depth: usize, unit: &str) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&unit.repeat(depth));
            // serde_json indents by two spaces; the file's own unit replaces them.
            let trimmed = line.trim_start_matches(' ');
            let level = (line.len() - trimmed.len()) / 2;
            out.push_str(&unit.repeat(level));
            out.push_str(trimmed);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Inserts `item` as the first member or element of the container that opens at `open`
/// (nested `depth` deep), on a line of its own.
fn insert_first(text: &str, open: usize, depth: usize, unit: &str, item: &str) -> String {
    let bytes = text.as_bytes();
    let after = open + 1;
    let next = skip_ws(bytes, after);
    let inner = unit.repeat(depth + 1);
    let mut out = String::with_capacity(text.len() + item.len() + 16);
    out.push_str(&text[..after]);
    if matches!(bytes.get(next), Some(b'}' | b']')) {
        // An empty container: the item alone, and the closing bracket on its own line.
        out.push('\n');
        out.push_str(&inner);
        out.push_str(item);
        out.push('\n');
        out.push_str(&unit.repeat(depth));
        out.push_str(&text[next..]);
    } else {
        out.push('\n');
        out.push_str(&inner);
        out.push_str(item);
        out.push(',');
        out.push_str(&text[after..]);
    }
    out
}

/// The indentation the file uses for one level (the first indented line's), else two spaces.
fn indent_unit(text: &str) -> String {
    text.lines()
        .find_map(|line| {
            let trimmed = line.trim_start_matches([' ', '\t']);
            let indent = &line[..line.len() - trimmed.len()];
            (!indent.is_empty() && trimmed.starts_with('"')).then(|| indent.to_string())
        })
        .unwrap_or_else(|| "  ".to_string())
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
        i += 1;
    }
    i
}

/// The end of the string that starts at `i` (its opening quote).
fn string_end(bytes: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// The end of the value that starts at `i`.
fn value_end(bytes: &[u8], i: usize) -> usize {
    match bytes.get(i) {
        Some(b'"') => string_end(bytes, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while j < bytes.len() {
                match bytes[j] {
                    b'"' => {
                        j = string_end(bytes, j);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            j
        }
        _ => {
            let mut j = i;
            while j < bytes.len()
                && !matches!(bytes[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n')
            {
                j += 1;
            }
            j
        }
    }
}

/// Where the value of member `key` of the object opening at `open` starts. With a key given
/// twice, the last counts, as serde_json reads it.
fn member(bytes: &[u8], open: usize, key: &str) -> Option<usize> {
    let mut i = skip_ws(bytes, open + 1);
    let mut found = None;
    while bytes.get(i) == Some(&b'"') {
        let end = string_end(bytes, i);
        let name: String = serde_json::from_slice(&bytes[i..end]).ok()?;
        i = skip_ws(bytes, end);
        if bytes.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(bytes, i + 1);
        if name == key {
            found = Some(i);
        }
        i = skip_ws(bytes, value_end(bytes, i));
        if bytes.get(i) == Some(&b',') {
            i = skip_ws(bytes, i + 1);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Value {
        json!({"matcher": "Bash", "hooks": [{"type": "command", "command": "/bin/guard hook claude-code || exit 2", "timeout": 120}]})
    }

    fn add_to(text: &str) -> String {
        add(text, "PreToolUse", &entry(), " hook claude-code")
            .unwrap()
            .unwrap()
    }

    #[test]
    fn every_shape_of_file_takes_the_hook_and_keeps_the_rest() {
        for text in [
            "",
            "{}",
            "{\n  \"model\": \"opus\"\n}\n",
            "{\n    \"hooks\": {}\n}",
            "{\"hooks\": {\"PostToolUse\": [{\"matcher\": \"*\", \"hooks\": []}]}, \"x\": [1, {\"y\": \"}\"}]}",
            "{\n\t\"hooks\": {\n\t\t\"PreToolUse\": [\n\t\t\t{\"matcher\": \"Edit\", \"hooks\": []}\n\t\t]\n\t}\n}\n",
            "{\"hooks\": {\"PreToolUse\": []}}",
        ] {
            let edited = add_to(text);
            let before: Value =
                serde_json::from_str(if text.is_empty() { "{}" } else { text }).unwrap();
            let after: Value = serde_json::from_str(&edited).unwrap();
            assert_eq!(after["hooks"]["PreToolUse"][0], entry(), "{edited}");
            // Everything else is still there, unchanged.
            for (key, value) in before.as_object().unwrap() {
                if key != "hooks" {
                    assert_eq!(&after[key], value, "{edited}");
                }
            }
            if let Some(hooks) = before["hooks"].as_object() {
                for (event, list) in hooks {
                    let kept = after["hooks"][event].as_array().unwrap();
                    let old = list.as_array().unwrap();
                    assert_eq!(&kept[kept.len() - old.len()..], &old[..], "{edited}");
                }
            }
            // And a second time changes nothing.
            assert_eq!(
                add(&edited, "PreToolUse", &entry(), " hook claude-code"),
                Ok(None)
            );
        }
    }

    #[test]
    fn the_rest_of_the_file_is_kept_byte_for_byte() {
        let text = "{\n    \"model\":   \"opus\", // not JSON\n}";
        assert!(add(text, "PreToolUse", &entry(), " hook claude-code").is_err());
        let text = "{\n    \"env\": {\"A\": \"1\"},\n    \"hooks\": {\n        \"PostToolUse\": []\n    }\n}\n";
        let edited = add_to(text);
        assert!(edited.starts_with("{\n    \"env\": {\"A\": \"1\"},\n    \"hooks\": {\n        \"PreToolUse\": [\n            {\n                \""), "{edited}");
        assert!(
            edited.ends_with(",\n        \"PostToolUse\": []\n    }\n}\n"),
            "{edited}"
        );
    }

    #[test]
    fn files_that_cannot_take_it_are_left_alone() {
        for text in [
            "[]",
            "{\"hooks\": []}",
            "{\"hooks\": {\"PreToolUse\": {}}}",
            "{",
        ] {
            assert!(
                add(text, "PreToolUse", &entry(), " hook claude-code").is_err(),
                "{text}"
            );
        }
    }
}
