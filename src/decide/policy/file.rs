//! One policy file: TOML read strictly (unknown keys, wrong types and bad patterns are errors that
//! name the file, line and column), then compiled into matchers.

use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

pub use super::parts::{Action, Place, ReasonRule, Scope};
use super::parts::{Document, severity};
use crate::classify::Severity;
use crate::resolve::account::AccountId;
use crate::sys::error::Failure;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Color {
    Red,
    Yellow,
    Green,
    Blue,
    Magenta,
    Cyan,
    White,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    /// A project's choice of profile (only in `.guard.toml`, and only once it is trusted).
    profile: Option<Spanned<String>>,
    protected: Option<Spanned<RawMatrix>>,
    agents: Option<Spanned<RawMatrix>>,
    audit: Option<RawAudit>,
    #[serde(default)]
    accounts: Vec<Spanned<RawAccount>>,
    #[serde(default)]
    rules: Vec<Spanned<RawRule>>,
    #[serde(default)]
    plan_rules: Vec<Spanned<super::plan_rules::RawPlanRule>>,
    #[serde(default)]
    freezes: Vec<Spanned<super::freeze::RawFreeze>>,
    terraform: Option<Spanned<RawTerraform>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerraform {
    plan_first: Option<bool>,
    #[serde(default)]
    accounts: Vec<Spanned<String>>,
    #[serde(default)]
    profiles: Vec<Spanned<String>>,
    #[serde(default)]
    environments: Vec<Spanned<String>>,
}

/// `[terraform] plan_first = true`: in the accounts of `scope`, an apply without a plan file
/// that needs consent is planned first, and decided on the plan.
#[derive(Debug, Clone)]
pub struct PlanFirst {
    pub at: Place,
    pub scope: Scope,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatrix {
    read: Option<Action>,
    write: Option<Action>,
    destructive: Option<Action>,
    unknown: Option<Action>,
    export: Option<Action>,
    require_reason: Option<Spanned<bool>>,
    reason_pattern: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAudit {
    all: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccount {
    id: Option<Spanned<String>>,
    match_name: Option<Spanned<String>>,
    match_profile: Option<Spanned<String>>,
    name: Option<String>,
    protected: Option<bool>,
    environment: Option<String>,
    color: Option<Color>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    tool: Option<Spanned<String>>,
    command: Option<Spanned<String>>,
    argv_regex: Option<Spanned<String>>,
    #[serde(default)]
    severity: Vec<Spanned<String>>,
    #[serde(default)]
    accounts: Vec<Spanned<String>>,
    #[serde(default)]
    profiles: Vec<Spanned<String>>,
    #[serde(default)]
    environments: Vec<Spanned<String>>,
    action: Action,
    message: Option<String>,
    require_reason: Option<Spanned<bool>>,
    reason_pattern: Option<Spanned<String>>,
}

/// Which table of actions by classification: `[protected]` or `[agents]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Protected,
    Agents,
}

impl Table {
    fn of(name: &str) -> Table {
        if name == "agents" {
            Table::Agents
        } else {
            Table::Protected
        }
    }

    pub fn of_file(self, file: &PolicyFile) -> &Matrix {
        match self {
            Table::Protected => &file.matrix,
            Table::Agents => &file.agents,
        }
    }
}

/// Per classification, what a protected account needs; `None` where this file says nothing.
#[derive(Debug, Clone, Default)]
pub struct Matrix {
    pub entries: [Option<Action>; 5],
    pub at: Option<Place>,
    /// `[protected] require_reason`: what a command needs that the table asks consent for.
    pub reason: Option<ReasonRule>,
}

impl Matrix {
    pub fn get(&self, severity: Severity) -> Option<Action> {
        self.entries[index(severity)]
    }
}

pub const SEVERITIES: [Severity; 5] = Severity::ALL;

fn index(severity: Severity) -> usize {
    severity as usize
}

#[derive(Debug, Clone)]
pub struct AccountEntry {
    pub at: Place,
    pub id: Option<AccountId>,
    pub match_name: Option<glob::Pattern>,
    pub match_profile: Option<glob::Pattern>,
    pub name: Option<String>,
    pub protected: Option<bool>,
    pub environment: Option<String>,
    pub color: Option<Color>,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub at: Place,
    pub tool: Option<glob::Pattern>,
    /// Word patterns matched against the start of the tool's subcommand path.
    pub command: Vec<glob::Pattern>,
    pub argv_regex: Option<regex::Regex>,
    pub severity: Vec<Severity>,
    pub scope: Scope,
    pub action: Action,
    pub message: Option<String>,
    pub reason: Option<ReasonRule>,
}

/// A part of an untrusted file that guard does not apply, and what it said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    pub at: Place,
    pub what: String,
}

#[derive(Debug, Clone, Default)]
pub struct PolicyFile {
    /// `profile = "NAME"`: the profile a project's runs use (see `select`).
    pub profile: Option<(String, Place)>,
    pub matrix: Matrix,
    /// `[agents]`: what a protected account needs when an AI agent asks, on top of `matrix`.
    pub agents: Matrix,
    pub audit_all: Option<bool>,
    pub accounts: Vec<AccountEntry>,
    pub rules: Vec<Rule>,
    pub plan_rules: Vec<super::plan_rules::PlanRule>,
    pub freezes: Vec<super::freeze::Freeze>,
    /// `[terraform] plan_first = true`, where this file turns it on.
    pub plan_first: Option<PlanFirst>,
    /// What `tighten_only` took out.
    pub ignored: Vec<Ignored>,
}

impl PolicyFile {
    /// Keeps only what makes protection stricter, for a file the user has not trusted: rules
    /// that confirm or deny, `[protected]` and `[agents]` entries no lower than `floor` (what the trusted
    /// layers require), and account entries that protect. Their display name, environment and
    /// color go too: a name is what a person types to confirm, and an environment can bring
    /// the user's own environment-scoped rules into play.
    pub fn tighten_only(&mut self, floor: impl Fn(Table, Severity) -> Action) {
        // Choosing the account is the wrong-account risk itself: an untrusted file chooses none.
        self.profile = None;
        for (table, matrix) in [
            ("protected", &mut self.matrix),
            ("agents", &mut self.agents),
        ] {
            let Some(at) = &matrix.at else { continue };
            for severity in SEVERITIES {
                let slot = &mut matrix.entries[index(severity)];
                let below = floor(Table::of(table), severity);
                if let Some(action) = *slot
                    && action < below
                {
                    *slot = None;
                    self.ignored.push(Ignored {
                        at: at.clone(),
                        what: format!(
                            "[{table}] {severity} = \"{action}\" (lower than the {below} in force)"
                        ),
                    });
                }
            }
        }
        let ignored = &mut self.ignored;
        self.rules.retain(|rule| {
            let keep = rule.action != Action::Allow;
            if !keep {
                ignored.push(Ignored {
                    at: rule.at.clone(),
                    what: format!("rule {}", rule.describe()),
                });
            }
            keep
        });
        self.plan_rules.retain(|rule| {
            let keep = rule.action != Action::Allow;
            if !keep {
                ignored.push(Ignored {
                    at: rule.at.clone(),
                    what: format!("plan rule {}", rule.describe()),
                });
            }
            keep
        });
        self.accounts.retain_mut(|entry| {
            if entry.protected != Some(true) {
                ignored.push(Ignored {
                    at: entry.at.clone(),
                    what: format!("account entry {} that does not protect", entry.describe()),
                });
                return false;
            }
            if entry.name.is_some() || entry.environment.is_some() || entry.color.is_some() {
                ignored.push(Ignored {
                    at: entry.at.clone(),
                    what: format!(
                        "name, environment and color of account entry {} (its protection counts)",
                        entry.describe()
                    ),
                });
                entry.name = None;
                entry.environment = None;
                entry.color = None;
            }
            true
        });
    }
}

impl AccountEntry {
    /// The entry as `policy check` lists it: `id=… match_name=… name=… protected`.
    pub fn describe(&self) -> String {
        let mut which = Vec::new();
        which.extend(self.id.as_ref().map(|id| format!("id={id}")));
        which.extend(self.match_name.as_ref().map(|p| format!("match_name={p}")));
        which.extend(
            self.match_profile
                .as_ref()
                .map(|p| format!("match_profile={p}")),
        );
        which.extend(self.name.as_ref().map(|n| format!("name={n}")));
        which.extend(
            self.environment
                .as_ref()
                .map(|e| format!("environment={e}")),
        );
        if self.protected == Some(true) {
            which.push("protected".to_string());
        }
        which.join(" ")
    }
}

impl Rule {
    /// The rule as `policy check` lists it: `deny tool=aws command="s3 rb" …`.
    pub fn describe(&self) -> String {
        let mut what = vec![self.action.to_string()];
        what.extend(self.tool.as_ref().map(|t| format!("tool={t}")));
        if !self.command.is_empty() {
            let words: Vec<&str> = self.command.iter().map(glob::Pattern::as_str).collect();
            what.push(format!("command=\"{}\"", words.join(" ")));
        }
        what.extend(
            self.argv_regex
                .as_ref()
                .map(|r| format!("argv_regex=/{r}/")),
        );
        if !self.severity.is_empty() {
            let names: Vec<&str> = self.severity.iter().map(|s| s.as_str()).collect();
            what.push(format!("severity={}", names.join(",")));
        }
        what.extend(self.scope.describe());
        if self.reason.is_some() {
            what.push("require_reason".to_string());
        }
        what.join(" ")
    }
}

// PROTECTED_LINE, PROTECTED, AGENTS_LINE, AGENTS and AUDIT_ALL: policies/default.toml, read at
// build time.
include!(concat!(env!("OUT_DIR"), "/shipped_policy.rs"));

/// policies/default.toml, compiled in: what `parse` makes of it, without parsing it on every run.
pub fn shipped(name: &str) -> PolicyFile {
    let file: Arc<str> = Arc::from(name);
    PolicyFile {
        matrix: Matrix {
            entries: PROTECTED,
            at: PROTECTED_LINE.map(|line| Place {
                file: file.clone(),
                line,
            }),
            reason: None,
        },
        agents: Matrix {
            entries: AGENTS,
            at: AGENTS_LINE.map(|line| Place { file, line }),
            reason: None,
        },
        audit_all: AUDIT_ALL,
        ..PolicyFile::default()
    }
}

pub fn parse(name: &str, text: &str) -> Result<PolicyFile, Failure> {
    let doc = Document::new(name, text);
    let raw: RawPolicy = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        doc.error(span, e.message())
    })?;
    let matrix = |table: Option<Spanned<RawMatrix>>| -> Result<Matrix, Failure> {
        Ok(match table {
            Some(spanned) => {
                let at = doc.place(spanned.span());
                let m = spanned.into_inner();
                Matrix {
                    entries: [m.read, m.write, m.destructive, m.unknown, m.export],
                    reason: doc.reason(
                        m.require_reason.as_ref(),
                        m.reason_pattern.as_ref(),
                        at.clone(),
                    )?,
                    at: Some(at),
                }
            }
            None => Matrix::default(),
        })
    };
    let agents_span = raw.agents.as_ref().map(|a| a.span());
    let agents = matrix(raw.agents)?;
    // A change reason is a person's word; [agents] only raises what [protected] asks.
    if let Some(span) = agents_span.clone()
        && agents.reason.is_some()
    {
        return Err(doc.error(
            span,
            "[agents] takes no require_reason or reason_pattern: set them in [protected], which agents are held to as well",
        ));
    }
    // An agent's command may be steered by text it read: what guard cannot read is never let
    // through for it in a protected account.
    if let Some(span) = agents_span
        && agents.get(Severity::Unknown) == Some(Action::Allow)
    {
        return Err(doc.error(
            span,
            "[agents] unknown = \"allow\": for an agent, a command guard cannot read is never allowed in a protected account; use \"confirm\" or \"deny\"",
        ));
    }
    let matrix = matrix(raw.protected)?;
    let accounts = raw
        .accounts
        .into_iter()
        .map(|entry| account(&doc, entry))
        .collect::<Result<_, _>>()?;
    let rules = raw
        .rules
        .into_iter()
        .map(|rule| compile_rule(&doc, rule))
        .collect::<Result<_, _>>()?;
    let plan_rules = raw
        .plan_rules
        .into_iter()
        .map(|rule| super::plan_rules::compile(&doc, rule))
        .collect::<Result<_, _>>()?;
    let freezes = raw
        .freezes
        .into_iter()
        .map(|freeze| super::freeze::compile(&doc, freeze))
        .collect::<Result<_, _>>()?;
    let plan_first = match raw.terraform {
        Some(spanned) => {
            let at = doc.place(spanned.span());
            let t = spanned.into_inner();
            let scope = doc.scope(&t.accounts, &t.profiles, &t.environments)?;
            (t.plan_first == Some(true)).then_some(PlanFirst { at, scope })
        }
        None => None,
    };
    let profile = match raw.profile {
        Some(value) if value.get_ref().trim().is_empty() => {
            return Err(doc.error(value.span(), "profile: empty profile name"));
        }
        Some(value) => {
            let at = doc.place(value.span());
            Some((value.into_inner(), at))
        }
        None => None,
    };
    Ok(PolicyFile {
        profile,
        matrix,
        agents,
        audit_all: raw.audit.and_then(|a| a.all),
        accounts,
        rules,
        plan_rules,
        freezes,
        plan_first,
        ignored: Vec::new(),
    })
}

fn account(doc: &Document, spanned: Spanned<RawAccount>) -> Result<AccountEntry, Failure> {
    let span = spanned.span();
    let raw = spanned.into_inner();
    if raw.id.is_none() && raw.match_name.is_none() && raw.match_profile.is_none() {
        return Err(doc.error(
            span,
            "an [[accounts]] entry needs id, match_name or match_profile to say which accounts it is about",
        ));
    }
    let id = raw
        .id
        .map(|id| {
            id.get_ref()
                .parse::<AccountId>()
                .map_err(|e| doc.error(id.span(), &format!("id: {e}")))
        })
        .transpose()?;
    Ok(AccountEntry {
        at: doc.place(span),
        id,
        match_name: raw
            .match_name
            .map(|p| doc.glob(&p, "match_name"))
            .transpose()?,
        match_profile: raw
            .match_profile
            .map(|p| doc.glob(&p, "match_profile"))
            .transpose()?,
        name: raw.name,
        protected: raw.protected,
        environment: raw.environment,
        color: raw.color,
    })
}

fn compile_rule(doc: &Document, spanned: Spanned<RawRule>) -> Result<Rule, Failure> {
    let span = spanned.span();
    let raw = spanned.into_inner();
    if raw.tool.is_none() && raw.argv_regex.is_none() && raw.severity.is_empty() {
        return Err(doc.error(
            span,
            "a [[rules]] entry needs tool, argv_regex or severity to say which commands it is about",
        ));
    }
    if raw.command.is_some() && raw.tool.is_none() {
        return Err(doc.error(span, "command needs a tool (e.g. tool = \"aws\")"));
    }
    let command = match &raw.command {
        Some(words) => words
            .get_ref()
            .split_whitespace()
            .map(|w| {
                glob::Pattern::new(w).map_err(|e| {
                    doc.error(words.span(), &format!("command: bad pattern '{w}': {e}"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let argv_regex = raw
        .argv_regex
        .map(|r| {
            regex::Regex::new(r.get_ref())
                .map_err(|e| doc.error(r.span(), &format!("argv_regex: {e}")))
        })
        .transpose()?;
    let at = doc.place(span);
    Ok(Rule {
        reason: doc.reason(
            raw.require_reason.as_ref(),
            raw.reason_pattern.as_ref(),
            at.clone(),
        )?,
        at,
        tool: raw.tool.map(|t| doc.glob(&t, "tool")).transpose()?,
        command,
        argv_regex,
        severity: raw
            .severity
            .iter()
            .map(|s| severity(doc, s))
            .collect::<Result<_, _>>()?,
        scope: doc.scope(&raw.accounts, &raw.profiles, &raw.environments)?,
        action: raw.action,
        message: raw.message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_forms_parse() {
        let policy = parse(
            "p.toml",
            "[[accounts]]\nid = \"111122223333\"\nname = \"prod\"\nprotected = true\n\n[[rules]]\ntool = \"aws\"\ncommand = \"s3 rb\"\naction = \"deny\"\nmessage = \"no\"\n",
        )
        .unwrap();
        assert_eq!(policy.accounts[0].name.as_deref(), Some("prod"));
        assert_eq!(policy.accounts[0].at.line, 1);
        assert_eq!(policy.rules[0].at.line, 6);
        assert_eq!(policy.rules[0].action, Action::Deny);
    }

    #[test]
    fn errors_name_line_and_column() {
        let err = parse("p.toml", "[[rules]]\ntool = \"aws\"\nactoin = \"deny\"\n").unwrap_err();
        assert!(err.message.starts_with("p.toml:3:1: "), "{}", err.message);
        let err = parse(
            "p.toml",
            "[[rules]]\ntool = \"aws\"\nargv_regex = \"(\"\naction = \"deny\"\n",
        )
        .unwrap_err();
        assert!(
            err.message.starts_with("p.toml:3:14: argv_regex"),
            "{}",
            err.message
        );
        let err = parse("p.toml", "[[accounts]]\nid = \"12\"\n").unwrap_err();
        assert!(err.message.starts_with("p.toml:2:6: id"), "{}", err.message);
        let err = parse("p.toml", "[protected]\nwrite = \"maybe\"\n").unwrap_err();
        assert!(err.message.starts_with("p.toml:2:"), "{}", err.message);
        let err = parse("p.toml", "[[accounts]]\nname = \"x\"\n").unwrap_err();
        assert!(err.message.contains("needs id"), "{}", err.message);
    }

    #[test]
    fn the_shipped_policy_parses() {
        let policy = parse(
            "default.toml",
            include_str!("../../../policies/default.toml"),
        )
        .unwrap();
        assert_eq!(policy.matrix.get(Severity::Read), Some(Action::Allow));
        assert_eq!(
            policy.matrix.get(Severity::Destructive),
            Some(Action::Confirm)
        );
    }

    /// What build.rs compiles in is what the parser reads from the file.
    #[test]
    fn the_compiled_policy_is_the_parsed_one() {
        let parsed = parse(
            "default.toml",
            include_str!("../../../policies/default.toml"),
        )
        .unwrap();
        let compiled = shipped("default.toml");
        assert_eq!(compiled.matrix.entries, parsed.matrix.entries);
        assert_eq!(compiled.matrix.at, parsed.matrix.at);
        assert!(compiled.matrix.at.is_some());
        assert_eq!(compiled.agents.entries, parsed.agents.entries);
        assert_eq!(compiled.agents.at, parsed.agents.at);
        assert!(compiled.agents.at.is_some());
        assert_eq!(compiled.audit_all, parsed.audit_all);
        assert!(parsed.profile.is_none() && parsed.accounts.is_empty() && parsed.rules.is_empty());
    }
}
