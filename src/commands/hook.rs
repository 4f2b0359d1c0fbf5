//! `guard hook AGENT`: guard as an AI coding agent's pre-execution hook. The agent hands over
//! the shell command it is about to run; guard decides it with the gate, for the account the
//! agent's environment (or the command line itself) names, as an agent caller, and answers in
//! the agent's protocol. Any failure of guard's is a deny with the reason, never a silent allow.
//!
//! guard's "allow" means it has no objection, not that the command is approved: the answer then
//! says nothing, and the agent's own permission rules apply as they would without guard. (Saying
//! "allow" would skip the agent's prompt for commands guard does not judge at all, `rm -rf`
//! in a folder among them: guard would lower protection.)

use std::ffi::OsString;
use std::io::Read as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::commands::check::{self, Judged, Question};
use crate::decide::gate::{Answer, Caller};
use crate::options::Options;
use crate::sys::error::Failure;

/// The agents whose pre-execution hook guard speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Agent {
    /// Claude Code's PreToolUse hook (Bash tool)
    ClaudeCode,
    /// Gemini CLI's BeforeTool hook (run_shell_command tool)
    GeminiCli,
}

impl Agent {
    /// The shell that runs the agent's commands, when guard knows it. Gemini CLI runs them
    /// with `bash -c` (PowerShell on Windows). Claude Code runs the user's shell, but its
    /// own choice (often zsh on macOS, whatever `SHELL` says) is sure only when
    /// `CLAUDE_CODE_SHELL` names it; otherwise None: read only what bash and zsh read alike.
    pub fn shell(self) -> Option<String> {
        match self {
            Agent::ClaudeCode => std::env::var("CLAUDE_CODE_SHELL")
                .ok()
                .filter(|shell| !shell.is_empty()),
            Agent::GeminiCli => Some("bash".to_owned()),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Agent::ClaudeCode => "claude-code",
            Agent::GeminiCli => "gemini-cli",
        }
    }
}

/// What the agent asks about, whatever its protocol.
enum Asked {
    /// A shell command, run in `cwd`.
    Shell {
        command: String,
        cwd: Option<String>,
    },
    /// Another tool: not guard's to judge.
    Other,
}

/// What guard answers, before it is put in the agent's words.
enum Reply {
    /// guard proved the command a read (every word, variable and path known) and the policy
    /// allows it: the agent need not ask. Only a proof earns this, never a policy that merely
    /// does not protect the account, so a local `rm -rf` is never waved through.
    Allow(String),
    /// No objection: the agent's own rules decide.
    NoObjection,
    Ask(String),
    Deny(String),
}

/// Claude Code's PreToolUse input (hooks reference): the fields guard reads.
#[derive(Deserialize)]
struct ClaudeInput {
    #[serde(default)]
    hook_event_name: Option<String>,
    tool_name: String,
    #[serde(default)]
    tool_input: serde_json::Value,
    #[serde(default)]
    cwd: Option<String>,
}

/// Gemini CLI's BeforeTool input: the fields guard reads.
#[derive(Deserialize)]
struct GeminiInput {
    #[serde(default)]
    hook_event_name: Option<String>,
    tool_name: String,
    #[serde(default)]
    tool_input: serde_json::Value,
    #[serde(default)]
    cwd: Option<String>,
}

fn parse(agent: Agent, input: &[u8]) -> Result<Asked, String> {
    let bad = |e: serde_json::Error| {
        format!(
            "guard could not read the hook's input from {} ({}); it expects the documented JSON on stdin",
            agent.name(),
            crate::sys::error::json_problem(&e)
        )
    };
    let event = |found: Option<String>, expected: &str| match found {
        Some(event) if event != expected => Err(format!(
            "guard answers {}'s {expected} hook, and was called for {event}: check the hook's configuration",
            agent.name()
        )),
        _ => Ok(()),
    };
    let command = |tool_input: &serde_json::Value| -> Result<String, String> {
        tool_input
            .get("command")
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| "the shell tool's input has no command as text".to_string())
    };
    match agent {
        Agent::ClaudeCode => {
            let input: ClaudeInput = serde_json::from_slice(input).map_err(bad)?;
            event(input.hook_event_name, "PreToolUse")?;
            if input.tool_name != "Bash" {
                return Ok(Asked::Other);
            }
            Ok(Asked::Shell {
                command: command(&input.tool_input)?,
                cwd: input.cwd,
            })
        }
        Agent::GeminiCli => {
            let input: GeminiInput = serde_json::from_slice(input).map_err(bad)?;
            event(input.hook_event_name, "BeforeTool")?;
            if input.tool_name != "run_shell_command" {
                return Ok(Asked::Other);
            }
            // The tool runs the command in `dir_path` (older releases: `directory`), relative to
            // the project's folder.
            let folder = ["dir_path", "directory"].iter().find_map(|key| {
                input
                    .tool_input
                    .get(*key)
                    .and_then(serde_json::Value::as_str)
            });
            let cwd = match (input.cwd, folder) {
                (Some(cwd), Some(folder)) => {
                    Some(Path::new(&cwd).join(folder).to_string_lossy().into_owned())
                }
                (None, Some(folder)) => Some(folder.to_string()),
                (cwd, None) => cwd,
            };
            Ok(Asked::Shell {
                command: command(&input.tool_input)?,
                cwd,
            })
        }
    }
}

/// Decides what the agent asked; every failure is an Err with the reason.
fn decide(options: &Options, agent: Agent, input: &[u8]) -> Result<Reply, String> {
    let (command, cwd) = match parse(agent, input)? {
        Asked::Other => return Ok(Reply::NoObjection),
        Asked::Shell { command, cwd } => (command, cwd),
    };
    // The command runs there: the project's .guard.toml and relative paths are read from it.
    if let Some(cwd) = cwd.filter(|c| !c.is_empty()) {
        std::env::set_current_dir(Path::new(&cwd)).map_err(|e| {
            format!("guard cannot enter the command's folder {cwd} ({e}), so it cannot read the project's policy")
        })?;
    }
    let argv: Vec<OsString> =
        check::command_line(&command, agent.shell().as_deref()).map_err(|e| e.message)?;
    let question = Question {
        account: None,
        offline: false,
        caller: Caller::Agent(agent.name().to_string()),
        argv,
    };
    let judged = options
        .policy()
        .and_then(|policy| check::judge(options, &policy, &question))
        .map_err(|e| describe(&e))?;
    Ok(reply(&judged))
}

fn reply(judged: &Judged) -> Reply {
    match judged.answer() {
        Answer::Allow
            if judged.ruling.classification.severity == crate::classify::Severity::Read
                && judged.ruling.classification.credential_override.is_none() =>
        {
            Reply::Allow(judged.sentence())
        }
        Answer::Allow => Reply::NoObjection,
        Answer::Ask => Reply::Ask(judged.sentence()),
        Answer::Deny => Reply::Deny(judged.sentence()),
    }
}

/// An error as one line with its hint, for the agent's user (and the agent) to act on.
fn describe(e: &anyhow::Error) -> String {
    let mut text = format!("guard could not decide the command, so it is denied: {e}");
    for cause in e.chain().skip(1) {
        text.push_str(&format!(": {cause}"));
    }
    if let Some(hint) = e.downcast_ref::<Failure>().and_then(|f| f.hint.as_deref()) {
        text.push_str(&format!(" (hint: {hint})"));
    }
    text
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClaudeOutput<'a> {
    hook_specific_output: ClaudeDecision<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClaudeDecision<'a> {
    hook_event_name: &'static str,
    permission_decision: &'static str,
    permission_decision_reason: &'a str,
}

#[derive(Serialize)]
struct GeminiOutput<'a> {
    decision: &'static str,
    reason: &'a str,
}

/// The reply in the agent's protocol: what to print on stdout (None: nothing).
fn render(agent: Agent, reply: &Reply) -> Option<String> {
    let (word, reason) = match reply {
        Reply::NoObjection => return None,
        // Gemini CLI's allow is not documented as skipping less than its own checks: say nothing.
        Reply::Allow(_) if agent == Agent::GeminiCli => return None,
        Reply::Allow(reason) => ("allow", reason.as_str()),
        Reply::Ask(reason) => ("ask", reason.as_str()),
        Reply::Deny(reason) => ("deny", reason.as_str()),
    };
    let json = match agent {
        Agent::ClaudeCode => serde_json::to_string(&ClaudeOutput {
            hook_specific_output: ClaudeDecision {
                hook_event_name: "PreToolUse",
                permission_decision: word,
                permission_decision_reason: reason,
            },
        }),
        // Gemini CLI's hooks know allow and deny (block): consent cannot be asked, so a
        // command that needs it is denied with the reason.
        Agent::GeminiCli => serde_json::to_string(&GeminiOutput {
            decision: "deny",
            reason,
        }),
    };
    // Strings always serialize.
    Some(json.unwrap_or_default() + "\n")
}

/// `guard hook AGENT`: reads the hook's input on stdin, prints the answer. Returns the exit
/// status: 0 with the answer on stdout; 2 (every agent's "block") with the reason on stderr
/// when even the answer cannot be written.
pub fn run(options: &Options, agent: Agent) -> u8 {
    let mut input = Vec::new();
    let read = std::io::stdin()
        .lock()
        .take(check::STDIN_LIMIT + 1)
        .read_to_end(&mut input);
    let reply = match read {
        Err(e) => Reply::Deny(format!(
            "guard could not read the hook's input on stdin ({e}), so the command is denied"
        )),
        Ok(_) if input.len() as u64 > check::STDIN_LIMIT => Reply::Deny(format!(
            "the hook's input is longer than {} bytes; guard denies what it cannot read whole",
            check::STDIN_LIMIT
        )),
        Ok(_) => decide(options, agent, &input).unwrap_or_else(Reply::Deny),
    };
    let Some(text) = render(agent, &reply) else {
        return 0;
    };
    match crate::sys::output::stdout(&text, crate::sys::output::Delivery::Essential) {
        Ok(()) => 0,
        Err(_) => {
            let reason = match &reply {
                Reply::Allow(r) | Reply::Ask(r) | Reply::Deny(r) => r.as_str(),
                Reply::NoObjection => "",
            };
            crate::sys::output::stderr_line(format!("guard: {reason}"));
            2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_tools_are_not_guards_to_judge() {
        let input = br#"{"hook_event_name":"PreToolUse","tool_name":"Write","tool_input":{"file_path":"/x"}}"#;
        assert!(matches!(parse(Agent::ClaudeCode, input), Ok(Asked::Other)));
        let input = br#"{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"},"cwd":"/tmp"}"#;
        assert!(matches!(
            parse(Agent::ClaudeCode, input),
            Ok(Asked::Shell { command, cwd: Some(_) }) if command == "ls"
        ));
    }

    #[test]
    fn what_guard_cannot_read_is_an_error() {
        for bad in [
            &b"not json"[..],
            b"{}",
            br#"{"tool_name":"Bash","tool_input":{}}"#,
            br#"{"tool_name":"Bash","tool_input":{"command":7}}"#,
            br#"{"hook_event_name":"PostToolUse","tool_name":"Bash","tool_input":{"command":"ls"}}"#,
        ] {
            assert!(
                parse(Agent::ClaudeCode, bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn answers_in_each_protocol() {
        let deny = Reply::Deny("no".to_string());
        let claude: serde_json::Value =
            serde_json::from_str(&render(Agent::ClaudeCode, &deny).unwrap()).unwrap();
        assert_eq!(
            claude,
            serde_json::json!({"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": "no"}})
        );
        assert!(render(Agent::ClaudeCode, &Reply::NoObjection).is_none());
        let ask = Reply::Ask("consent".to_string());
        let gemini: serde_json::Value =
            serde_json::from_str(&render(Agent::GeminiCli, &ask).unwrap()).unwrap();
        assert_eq!(gemini["decision"], "deny");
    }
}
