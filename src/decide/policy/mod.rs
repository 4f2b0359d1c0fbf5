//! Protected accounts and rules: the policy files, layered, and the decision they give for a
//! classified command in a verified account.

mod file;
pub mod freeze;
mod load;
mod modes;
mod parts;
pub mod plan_rules;
pub mod trust;

use crate::classify::{Classification, Severity};
use crate::resolve::account::AccountId;

pub use file::{
    Action, Color, Ignored, Place, PolicyFile, ReasonRule, SEVERITIES, Scope, Table, parse, shipped,
};
pub use load::{Project, load, load_quietly, project_file, read_layer, read_project};

/// Where a layer comes from, weakest first. The order is also the order of precedence rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// policies/default.toml, compiled in.
    Shipped,
    /// /etc/guard/policy.toml: what it requires cannot be loosened.
    System,
    User,
    /// A trusted project file (`guard policy trust`).
    Project,
    /// A project file the user has not trusted, or that changed since: it can only tighten.
    Untrusted,
    Env,
    Flag,
}

impl Origin {
    pub fn label(self) -> &'static str {
        match self {
            Origin::Shipped => "shipped default",
            Origin::System => "system",
            Origin::User => "user",
            Origin::Project => "project",
            Origin::Untrusted => "project (untrusted)",
            Origin::Env => "$GUARD_POLICY",
            Origin::Flag => "--policy",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Layer {
    pub origin: Origin,
    pub name: String,
    pub file: PolicyFile,
}

#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub layers: Vec<Layer>,
}

/// A plan rule that decides one change of a saved plan.
#[derive(Debug, Clone)]
pub struct PlanMatch<'p> {
    /// Which change, in the order given.
    pub index: usize,
    pub rule: &'p plan_rules::PlanRule,
    /// `Maybe`: the change depends on a value known only after apply.
    pub fit: plan_rules::Fit,
}

impl PlanMatch<'_> {
    pub fn decision(&self, address: &str) -> Decision {
        Decision::new(
            self.rule.action,
            Basis::PlanRule {
                at: self.rule.at.clone(),
                message: self.rule.message.clone(),
                address: address.to_string(),
            },
        )
    }
}

/// The account a command would run in, as far as guard knows it.
pub struct Target<'a> {
    pub account: &'a AccountId,
    /// The name AWS knows (IAM alias or the portal's name).
    pub known_name: Option<&'a str>,
    pub profile: &'a str,
}

/// What the policy says about an account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountView {
    pub protected: bool,
    /// The policy's display name, else the name AWS knows.
    pub name: Option<String>,
    pub environment: Option<String>,
    pub color: Option<Color>,
}

impl AccountView {
    /// What a person types to confirm: the account's name, or its ID when it has none.
    pub fn confirm_word(&self, account: &AccountId) -> String {
        self.name.clone().unwrap_or_else(|| account.to_string())
    }
}

/// Why the decision is what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// A rule matched.
    Rule { at: Place, message: Option<String> },
    /// The `[protected]` table of a layer.
    Protected { origin: Origin, at: Option<Place> },
    /// A plan rule matched a change of the saved plan at `address`.
    PlanRule {
        at: Place,
        message: Option<String>,
        address: String,
    },
    /// A freeze window is open.
    Freeze { at: Place, message: Option<String> },
    /// The decision needs a change reason, and none was given or it does not match.
    Reason {
        at: Place,
        pattern: Option<String>,
        given: bool,
    },
    /// The `[agents]` table of a layer: an AI agent asks in a protected account.
    Agents { origin: Origin, at: Option<Place> },
    /// Nothing in the policy is about this account and command.
    Unprotected,
    /// guard does not know the account without a request it may not make: consent is needed.
    UnknownAccount,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub action: Action,
    pub basis: Basis,
    /// Change reasons the decision needs (`require_reason`): every pattern must match.
    pub reasons: Vec<ReasonRule>,
}

impl Decision {
    /// A decision that needs no change reason.
    pub fn new(action: Action, basis: Basis) -> Decision {
        Decision {
            action,
            basis,
            reasons: Vec::new(),
        }
    }

    /// The decision once the change reason given (`--reason`, `GUARD_REASON`) is weighed: one
    /// that needs a reason and has none, or one that does not match, is a deny that says which
    /// pattern it wants.
    pub fn with_reason(self, given: Option<&str>) -> Decision {
        if self.action == Action::Deny {
            return self;
        }
        let given = given.map(str::trim).filter(|r| !r.is_empty());
        let unmet = self.reasons.iter().find(|rule| match given {
            None => true,
            Some(text) => rule.pattern.as_ref().is_some_and(|p| !p.is_match(text)),
        });
        match unmet {
            None => self,
            Some(rule) => Decision::new(
                Action::Deny,
                Basis::Reason {
                    at: rule.at.clone(),
                    pattern: rule.pattern.as_ref().map(|p| p.as_str().to_string()),
                    given: given.is_some(),
                },
            ),
        }
    }

    pub fn describe(&self) -> String {
        match &self.basis {
            Basis::PlanRule {
                at,
                message,
                address,
            } => match message {
                Some(m) => format!("plan rule at {at} on {address}: {m}"),
                None => format!("plan rule at {at} on {address}"),
            },
            Basis::Freeze { at, message } => match message {
                Some(m) => format!("freeze at {at}: {m}"),
                None => format!("freeze at {at}"),
            },
            Basis::Reason { at, pattern, given } => {
                let wanted = match pattern {
                    Some(p) => format!("a change reason matching /{p}/"),
                    None => "a change reason".to_string(),
                };
                let said = if *given {
                    "the reason given does not match"
                } else {
                    "none was given"
                };
                format!("{at} requires {wanted} (--reason TEXT or GUARD_REASON); {said}")
            }
            Basis::Rule { at, message } => match message {
                Some(m) => format!("rule at {at}: {m}"),
                None => format!("rule at {at}"),
            },
            Basis::Protected { origin, at } => match at {
                Some(at) => format!("protected account, [protected] at {at}"),
                None => format!("protected account ({} policy)", origin.label()),
            },
            Basis::Agents { origin, at } => match at {
                Some(at) => format!("an agent asks in a protected account, [agents] at {at}"),
                None => format!(
                    "an agent asks in a protected account ({} policy)",
                    origin.label()
                ),
            },
            Basis::Unprotected => "the account is not protected".to_string(),
            Basis::UnknownAccount => {
                "the account is not known without a request (--offline): decided as a protected one"
                    .to_string()
            }
        }
    }
}

impl Policy {
    /// Protection adds up across layers (any layer can protect, none can unprotect); for the
    /// display facts the later, more specific layer wins. An entry that names accounts by
    /// `match_name` still protects an account whose name guard could not learn: failing to
    /// read an alias must not lift the protection.
    pub fn account(&self, target: &Target) -> AccountView {
        let mut view = AccountView {
            name: target.known_name.map(str::to_string),
            ..AccountView::default()
        };
        for entry in self.layers.iter().flat_map(|layer| &layer.file.accounts) {
            let fits = entry.id.as_ref().is_none_or(|id| id == target.account)
                && entry
                    .match_profile
                    .as_ref()
                    .is_none_or(|p| p.matches(target.profile));
            let by_name = match (&entry.match_name, target.known_name) {
                (None, _) => Some(true),
                (Some(pattern), Some(name)) => Some(pattern.matches(name)),
                (Some(_), None) => None,
            };
            match (fits, by_name) {
                (true, Some(true)) => {
                    view.protected |= entry.protected.unwrap_or(false);
                    view.name = entry.name.clone().or(view.name);
                    view.environment = entry.environment.clone().or(view.environment);
                    view.color = entry.color.or(view.color);
                }
                (true, None) => view.protected |= entry.protected.unwrap_or(false),
                _ => {}
            }
        }
        view
    }

    pub fn audit_all(&self) -> bool {
        self.layers.iter().any(|l| l.file.audit_all == Some(true))
    }

    /// What a protected account needs for a classification when no rule matches, and which
    /// layer says so.
    pub fn protected_action(&self, severity: Severity) -> (Action, String) {
        match self.table_action(Table::Protected, severity) {
            Some((action, layer)) => (action, layer.name.clone()),
            None => (Action::Allow, "nothing says otherwise".to_string()),
        }
    }

    /// What a protected account needs when an AI agent asks (`[agents]`), and which layer says
    /// so; for an unknown command never less than confirm.
    pub fn agents_action(&self, severity: Severity) -> (Action, String) {
        let decision = self.agents_decision(severity);
        let source = match self.table_action(Table::Agents, severity) {
            Some((action, layer)) if action == decision.action => layer.name.clone(),
            _ => "guard: unknown is never allowed for an agent".to_string(),
        };
        (decision.action, source)
    }

    /// The `[agents]` decision for a classification in a protected account. Layered as
    /// `[protected]` is; an unknown command is confirmed at least, whatever a layer says.
    pub fn agents_decision(&self, severity: Severity) -> Decision {
        let chosen = self.table_action(Table::Agents, severity);
        let decision = match chosen {
            Some((action, layer)) => Decision::new(
                action,
                Basis::Agents {
                    origin: layer.origin,
                    at: layer.file.agents.at.clone(),
                },
            ),
            None => Decision::new(
                Action::Allow,
                Basis::Agents {
                    origin: Origin::Shipped,
                    at: None,
                },
            ),
        };
        if severity == Severity::Unknown && decision.action < Action::Confirm {
            return Decision::new(
                Action::Confirm,
                Basis::Agents {
                    origin: Origin::Shipped,
                    at: None,
                },
            );
        }
        decision
    }

    /// A table's action for a classification: the layers above the shipped one override it,
    /// the strictest of them winning; an untrusted layer can only raise it; the system layer
    /// is a floor.
    fn table_action(&self, table: Table, severity: Severity) -> Option<(Action, &Layer)> {
        let entry = |origins: &[Origin]| {
            self.layers
                .iter()
                .filter(|l| origins.contains(&l.origin))
                .filter_map(|l| table.of_file(&l.file).get(severity).map(|a| (a, l)))
                .max_by_key(|(a, _)| *a)
        };
        let base = entry(&[Origin::User, Origin::Project, Origin::Env, Origin::Flag])
            .or_else(|| entry(&[Origin::Shipped]));
        fn raise<'a>(
            base: Option<(Action, &'a Layer)>,
            over: Option<(Action, &'a Layer)>,
        ) -> Option<(Action, &'a Layer)> {
            match (base, over) {
                (Some(base), Some(over)) if over.0 > base.0 => Some(over),
                (None, over) => over,
                (base, _) => base,
            }
        }
        raise(
            raise(base, entry(&[Origin::Untrusted])),
            entry(&[Origin::System]),
        )
    }

    /// The decision for a command in an account. Within a layer the strictest matching rule
    /// counts, else its `[protected]` entry. Layers above the shipped one override it, the
    /// strictest of them winning; an untrusted project file can only make that stricter; the
    /// system layer's verdict is a floor nothing goes below.
    /// The strictest decision over the classification and every other command of its script
    /// (the first on a tie), so that a rule on a less severe command still holds.
    pub fn decide(
        &self,
        target: &Target,
        view: &AccountView,
        classification: &Classification,
    ) -> Decision {
        // Only a policy with freezes needs to know the time.
        let now = self
            .freezes()
            .next()
            .map(|_| jiff::Timestamp::now())
            .unwrap_or_default();
        self.decide_at(target, view, classification, now)
    }

    /// `decide` at the time `now`: freeze windows open then count too.
    pub fn decide_at(
        &self,
        target: &Target,
        view: &AccountView,
        classification: &Classification,
        now: jiff::Timestamp,
    ) -> Decision {
        let decision = self.decide_commands(target, view, classification);
        let decision = self.with_protected_reasons(decision);
        self.freeze_over(decision, target, view, classification, now)
    }

    /// The plan rules about each change of a saved plan: per change, the strictest rule of any
    /// layer that fits it (an allow rule only where it surely fits; untrusted files have none).
    pub fn rule_plan<'p>(
        &'p self,
        target: &Target,
        view: &AccountView,
        changes: &[plan_rules::PlannedChange],
    ) -> Vec<PlanMatch<'p>> {
        let rules: Vec<&plan_rules::PlanRule> = self
            .layers
            .iter()
            .flat_map(|layer| &layer.file.plan_rules)
            .filter(|rule| in_scope(&rule.scope, target, view))
            .collect();
        if rules.is_empty() {
            return Vec::new();
        }
        changes
            .iter()
            .enumerate()
            .filter_map(|(index, change)| {
                rules
                    .iter()
                    .filter_map(|rule| match rule.fits(change) {
                        plan_rules::Fit::Yes => Some((*rule, plan_rules::Fit::Yes)),
                        plan_rules::Fit::Maybe if rule.action != Action::Allow => {
                            Some((*rule, plan_rules::Fit::Maybe))
                        }
                        _ => None,
                    })
                    .fold(
                        None,
                        |strictest: Option<(&plan_rules::PlanRule, _)>, next| match strictest {
                            Some(kept) if kept.0.action >= next.0.action => Some(kept),
                            _ => Some(next),
                        },
                    )
                    .map(|(rule, fit)| PlanMatch { index, rule, fit })
            })
            .collect()
    }

    /// The decision that the system layer alone gives: what no other layer's allow, plan
    /// rules included, can go below.
    pub fn floor(
        &self,
        target: &Target,
        view: &AccountView,
        classification: &Classification,
    ) -> Option<Decision> {
        self.layers
            .iter()
            .filter(|l| l.origin == Origin::System)
            .filter_map(|l| layer_verdict(l, target, view, classification))
            .max_by_key(|d| d.action)
    }

    /// Where plan-first applies are on for this account: the first `[terraform] plan_first`
    /// whose scope covers it. It only adds a step, so any layer may turn it on.
    pub fn plan_first(&self, target: &Target, view: &AccountView) -> Option<&file::PlanFirst> {
        self.layers
            .iter()
            .filter_map(|layer| layer.file.plan_first.as_ref())
            .find(|on| in_scope(&on.scope, target, view))
    }

    /// Every freeze of every layer, weakest layer first. A freeze only ever tightens, so an
    /// untrusted project file's count as well.
    pub fn freezes(&self) -> impl Iterator<Item = &freeze::Freeze> {
        self.layers.iter().flat_map(|layer| &layer.file.freezes)
    }

    /// The freezes about this account that are open at `now` and cover a command of the
    /// classification.
    pub fn open_freezes<'p>(
        &'p self,
        target: &Target,
        view: &AccountView,
        classification: &Classification,
        now: jiff::Timestamp,
    ) -> Vec<&'p freeze::Freeze> {
        let severities: Vec<Severity> = std::iter::once(classification)
            .chain(&classification.others)
            .map(|c| c.severity)
            .collect();
        self.freezes()
            .filter(|f| severities.iter().any(|s| f.covers(*s)))
            .filter(|f| in_scope(&f.scope, target, view) && f.active(now))
            .collect()
    }

    fn freeze_over(
        &self,
        decision: Decision,
        target: &Target,
        view: &AccountView,
        classification: &Classification,
        now: jiff::Timestamp,
    ) -> Decision {
        self.open_freezes(target, view, classification, now)
            .into_iter()
            .fold(decision, |decision, freeze| {
                let mut frozen = Decision::new(
                    freeze.action,
                    Basis::Freeze {
                        at: freeze.at.clone(),
                        message: freeze.message.clone(),
                    },
                );
                frozen.reasons.extend(freeze.reason.clone());
                match frozen.action.cmp(&decision.action) {
                    std::cmp::Ordering::Greater => {
                        frozen.reasons.extend(decision.reasons);
                        frozen
                    }
                    std::cmp::Ordering::Equal => Decision {
                        reasons: [decision.reasons, frozen.reasons].concat(),
                        ..decision
                    },
                    std::cmp::Ordering::Less => decision,
                }
            })
    }

    /// A `[protected] require_reason` in any layer holds for every decision the `[protected]`
    /// tables make that asks for consent, whichever layer's table set the action.
    fn with_protected_reasons(&self, mut decision: Decision) -> Decision {
        if matches!(decision.basis, Basis::Protected { .. }) && decision.action == Action::Confirm {
            for layer in &self.layers {
                if let Some(reason) = &layer.file.matrix.reason
                    && !decision.reasons.contains(reason)
                {
                    decision.reasons.push(reason.clone());
                }
            }
        }
        decision
    }

    /// The strictest decision over a classification and the other commands of its script.
    fn decide_commands(
        &self,
        target: &Target,
        view: &AccountView,
        classification: &Classification,
    ) -> Decision {
        let first = self.decide_one(target, view, classification);
        if classification.others.is_empty() {
            return first;
        }
        // A decision reads only these parts of a classification: a script that repeats a command
        // (a loop written out, `aws s3 ls` 200 times) is decided once per distinct command.
        fn key(c: &Classification) -> (Severity, Option<&str>, &[String], &[String]) {
            (c.severity, c.tool.as_deref(), &c.command, &c.args)
        }
        let mut decided = std::collections::HashSet::from([key(classification)]);
        classification
            .others
            .iter()
            .filter(|other| decided.insert(key(other)))
            .fold(first, |strictest, other| {
                let decision = self.decide_one(target, view, other);
                if decision.action > strictest.action {
                    decision
                } else {
                    strictest
                }
            })
    }

    fn decide_one(
        &self,
        target: &Target,
        view: &AccountView,
        classification: &Classification,
    ) -> Decision {
        let verdict = |layer: &Layer| layer_verdict(layer, target, view, classification);
        let strictest = |origins: &[Origin]| {
            self.layers
                .iter()
                .filter(|l| origins.contains(&l.origin))
                .filter_map(verdict)
                .max_by_key(|d| d.action)
        };
        let shipped = strictest(&[Origin::Shipped]);
        let overrides = strictest(&[Origin::User, Origin::Project, Origin::Env, Origin::Flag]);
        let base = overrides
            .or(shipped)
            .unwrap_or(Decision::new(Action::Allow, Basis::Unprotected));
        let raise = |base: Decision, over: Option<Decision>| match over {
            Some(over) if over.action > base.action => over,
            _ => base,
        };
        raise(
            raise(base, strictest(&[Origin::Untrusted])),
            strictest(&[Origin::System]),
        )
    }
}

fn layer_verdict(
    layer: &Layer,
    target: &Target,
    view: &AccountView,
    classification: &Classification,
) -> Option<Decision> {
    let rule = layer
        .file
        .rules
        .iter()
        .filter(|rule| rule_matches(rule, target, view, classification))
        .max_by_key(|rule| rule.action);
    if let Some(rule) = rule {
        return Some(Decision {
            action: rule.action,
            basis: Basis::Rule {
                at: rule.at.clone(),
                message: rule.message.clone(),
            },
            reasons: rule.reason.iter().cloned().collect(),
        });
    }
    if !view.protected {
        return None;
    }
    layer
        .file
        .matrix
        .get(classification.severity)
        .map(|action| {
            Decision::new(
                action,
                Basis::Protected {
                    origin: layer.origin,
                    at: layer.file.matrix.at.clone(),
                },
            )
        })
}

fn any_matches(patterns: &[glob::Pattern], candidates: &[&str]) -> bool {
    patterns.is_empty()
        || patterns
            .iter()
            .any(|p| candidates.iter().any(|c| p.matches(c)))
}

fn rule_matches(
    rule: &file::Rule,
    target: &Target,
    view: &AccountView,
    classification: &Classification,
) -> bool {
    let tool = classification.tool.as_deref();
    if let Some(pattern) = &rule.tool
        && !tool.is_some_and(|t| pattern.matches(t))
    {
        return false;
    }
    if rule.command.len() > classification.command.len()
        || !rule
            .command
            .iter()
            .zip(&classification.command)
            .all(|(p, word)| p.matches(word))
    {
        return false;
    }
    if let Some(regex) = &rule.argv_regex
        && !regex.is_match(&classification.args.join(" "))
    {
        return false;
    }
    if !rule.severity.is_empty() && !rule.severity.contains(&classification.severity) {
        return false;
    }
    in_scope(&rule.scope, target, view)
}

/// Whether an account is one a rule, plan rule or freeze is about.
fn in_scope(scope: &Scope, target: &Target, view: &AccountView) -> bool {
    let mut names = vec![target.account.as_str()];
    names.extend(view.name.as_deref());
    names.extend(target.known_name);
    any_matches(&scope.accounts, &names)
        && any_matches(&scope.profiles, &[target.profile])
        && (scope.environments.is_empty()
            || view
                .environment
                .as_deref()
                .is_some_and(|e| any_matches(&scope.environments, &[e])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Severity;

    fn layer(origin: Origin, text: &str) -> Layer {
        let name = format!("{}.toml", origin.label());
        Layer {
            origin,
            file: parse(&name, text).unwrap(),
            name,
        }
    }

    fn policy(extra: &[(Origin, &str)]) -> Policy {
        let mut layers = vec![layer(
            Origin::Shipped,
            include_str!("../../../policies/default.toml"),
        )];
        layers.extend(extra.iter().map(|(o, t)| layer(*o, t)));
        Policy { layers }
    }

    fn command(tool: &str, words: &[&str], severity: Severity) -> Classification {
        Classification {
            severity,
            reason: "test".to_string(),
            tool: Some(tool.to_string()),
            command: words.iter().map(|w| w.to_string()).collect(),
            args: words.iter().map(|w| w.to_string()).collect(),
            credential_override: None,
            understood: Default::default(),
            others: Vec::new(),
        }
    }

    const PROD: &str = "[[accounts]]\nid = \"222222222222\"\nname = \"prod\"\nprotected = true\n";

    fn decide(policy: &Policy, c: &Classification) -> Decision {
        let account: AccountId = "222222222222".parse().unwrap();
        let target = Target {
            account: &account,
            known_name: None,
            profile: "prod-admin",
        };
        let view = policy.account(&target);
        policy.decide(&target, &view, c)
    }

    #[test]
    fn unprotected_accounts_allow_everything() {
        let p = policy(&[]);
        let d = decide(
            &p,
            &command("terraform", &["destroy"], Severity::Destructive),
        );
        assert_eq!(d.action, Action::Allow);
        assert_eq!(d.basis, Basis::Unprotected);
    }

    #[test]
    fn protected_accounts_follow_the_shipped_matrix() {
        let p = policy(&[(Origin::User, PROD)]);
        assert_eq!(
            decide(&p, &command("terraform", &["plan"], Severity::Read)).action,
            Action::Allow
        );
        for severity in [
            Severity::Write,
            Severity::Destructive,
            Severity::Unknown,
            Severity::Export,
        ] {
            assert_eq!(
                decide(&p, &command("x", &[], severity)).action,
                Action::Confirm
            );
        }
    }

    #[test]
    fn a_rule_on_a_less_severe_command_of_a_script_still_holds() {
        let deny = "[[rules]]\ntool = \"terraform\"\ncommand = \"destroy\"\naction = \"deny\"\n";
        let p = policy(&[(Origin::User, PROD), (Origin::User, deny)]);
        let mut script = command("x", &[], Severity::Unknown);
        script.others = vec![
            command("terraform", &["plan"], Severity::Read),
            command("terraform", &["destroy"], Severity::Destructive),
        ];
        let d = decide(&p, &script);
        assert_eq!(d.action, Action::Deny);
        assert!(matches!(d.basis, Basis::Rule { .. }));
        // Repeats are decided once; what differs only in its arguments is decided on its own.
        let ls = "[[rules]]\ntool = \"aws\"\nargv_regex = \"s3://secret\"\naction = \"deny\"\n";
        let p = policy(&[(Origin::User, PROD), (Origin::User, ls)]);
        let mut script = command("aws", &["s3", "ls"], Severity::Read);
        script.others = vec![command("aws", &["s3", "ls"], Severity::Read); 3];
        assert_eq!(decide(&p, &script).action, Action::Allow);
        let mut secret = command("aws", &["s3", "ls"], Severity::Read);
        secret.args = vec![
            "s3".to_string(),
            "ls".to_string(),
            "s3://secret".to_string(),
        ];
        script.others.push(secret);
        assert_eq!(decide(&p, &script).action, Action::Deny);
    }

    #[test]
    fn user_rules_override_the_shipped_defaults() {
        let allow = "[[rules]]\ntool = \"kubectl\"\ncommand = \"apply\"\naction = \"allow\"\n";
        let p = policy(&[(Origin::User, PROD), (Origin::Project, allow)]);
        let d = decide(&p, &command("kubectl", &["apply"], Severity::Write));
        assert_eq!(d.action, Action::Allow);
        assert!(matches!(d.basis, Basis::Rule { .. }));
    }

    #[test]
    fn the_strictest_override_wins() {
        let allow = "[[rules]]\ntool = \"aws\"\naction = \"allow\"\n";
        let deny = "[[rules]]\ntool = \"aws\"\ncommand = \"s3 rb\"\naction = \"deny\"\n";
        let p = policy(&[
            (Origin::User, PROD),
            (Origin::User, allow),
            (Origin::Flag, deny),
        ]);
        assert_eq!(
            decide(&p, &command("aws", &["s3", "rb"], Severity::Destructive)).action,
            Action::Deny
        );
        assert_eq!(
            decide(&p, &command("aws", &["s3", "ls"], Severity::Read)).action,
            Action::Allow
        );
    }

    #[test]
    fn nothing_loosens_the_system_layer() {
        let system = format!("{PROD}\n[protected]\nwrite = \"confirm\"\n");
        let loosen = "[[accounts]]\nid = \"222222222222\"\nprotected = false\n\n[protected]\nwrite = \"allow\"\n\n[[rules]]\ntool = \"*\"\naction = \"allow\"\n";
        let p = policy(&[
            (Origin::System, &system),
            (Origin::User, loosen),
            (Origin::Flag, loosen),
        ]);
        let d = decide(
            &p,
            &command("aws", &["ec2", "run-instances"], Severity::Write),
        );
        assert_eq!(d.action, Action::Confirm);
        assert_eq!(
            d.basis,
            Basis::Protected {
                origin: Origin::System,
                at: Some(Place {
                    file: "system.toml".into(),
                    line: 6
                })
            }
        );
    }

    #[test]
    fn rules_are_scoped() {
        let rule = "[[rules]]\ntool = \"aws\"\nprofiles = [\"dev-*\"]\naction = \"deny\"\n\n[[rules]]\ntool = \"aws\"\naccounts = [\"pro?\"]\nseverity = [\"write\"]\naction = \"deny\"\n\n[[rules]]\nargv_regex = \"--force\"\naction = \"deny\"\n";
        let p = policy(&[(Origin::User, PROD), (Origin::User, rule)]);
        assert_eq!(
            decide(&p, &command("aws", &["s3", "ls"], Severity::Read)).action,
            Action::Allow
        );
        assert_eq!(
            decide(&p, &command("aws", &["s3", "cp"], Severity::Write)).action,
            Action::Deny
        );
        assert_eq!(
            decide(&p, &command("helm", &["--force"], Severity::Write)).action,
            Action::Deny
        );
    }

    #[test]
    fn an_unknown_name_keeps_name_based_protection() {
        let by_name = "[[accounts]]\nmatch_name = \"*-prod\"\nname = \"prod\"\nprotected = true\n";
        let p = policy(&[(Origin::User, by_name)]);
        let account: AccountId = "222222222222".parse().unwrap();
        let target = |known_name| Target {
            account: &account,
            known_name,
            profile: "x",
        };
        assert!(p.account(&target(None)).protected);
        assert_eq!(p.account(&target(None)).name, None);
        assert!(p.account(&target(Some("acme-prod"))).protected);
        assert!(!p.account(&target(Some("acme-dev"))).protected);
    }

    #[test]
    fn account_facts_merge_across_layers() {
        let by_profile = "[[accounts]]\nmatch_profile = \"prod-*\"\nenvironment = \"production\"\ncolor = \"magenta\"\n";
        let p = policy(&[(Origin::User, PROD), (Origin::Project, by_profile)]);
        let account: AccountId = "222222222222".parse().unwrap();
        let view = p.account(&Target {
            account: &account,
            known_name: Some("acme-prod"),
            profile: "prod-admin",
        });
        assert!(view.protected);
        assert_eq!(view.name.as_deref(), Some("prod"));
        assert_eq!(view.environment.as_deref(), Some("production"));
        assert_eq!(view.color, Some(Color::Magenta));
    }

    #[test]
    fn an_untrusted_layer_only_tightens() {
        let loosen = "[[accounts]]\nid = \"222222222222\"\nname = \"p\"\nprotected = false\n\n[protected]\ndestructive = \"allow\"\nread = \"confirm\"\n\n[[rules]]\ntool = \"*\"\naction = \"allow\"\n\n[[rules]]\ntool = \"aws\"\ncommand = \"s3 rb\"\naction = \"deny\"\n";
        let mut p = policy(&[(Origin::User, PROD), (Origin::Untrusted, loosen)]);
        p.tighten_untrusted();
        let ignored = &p.layers[2].file.ignored;
        assert_eq!(ignored.len(), 3, "{ignored:?}");
        assert_eq!(
            decide(
                &p,
                &command("terraform", &["destroy"], Severity::Destructive)
            )
            .action,
            Action::Confirm
        );
        assert_eq!(
            decide(&p, &command("aws", &["s3", "ls"], Severity::Read)).action,
            Action::Confirm
        );
        assert_eq!(
            decide(&p, &command("aws", &["s3", "rb"], Severity::Destructive)).action,
            Action::Deny
        );
        assert_eq!(p.protected_action(Severity::Read).0, Action::Confirm);
        // Even left in, an untrusted allow cannot lower a decision.
        let raw = policy(&[(Origin::User, PROD), (Origin::Untrusted, loosen)]);
        assert_eq!(
            decide(
                &raw,
                &command("terraform", &["destroy"], Severity::Destructive)
            )
            .action,
            Action::Confirm
        );
    }

    #[test]
    fn an_untrusted_entry_protects_but_does_not_rename() {
        let entry = "[[accounts]]\nid = \"222222222222\"\nname = \"y\"\nenvironment = \"dev\"\nprotected = true\n";
        let mut p = policy(&[(Origin::Untrusted, entry)]);
        p.tighten_untrusted();
        let account: AccountId = "222222222222".parse().unwrap();
        let view = p.account(&Target {
            account: &account,
            known_name: Some("acme-prod"),
            profile: "x",
        });
        assert!(view.protected);
        assert_eq!(view.name.as_deref(), Some("acme-prod"));
        assert_eq!(view.environment, None);
    }

    #[test]
    fn exports_are_confirmed_and_rules_can_scope_them() {
        let ro =
            "[[rules]]\nseverity = [\"export\"]\nprofiles = [\"prod-ro\"]\naction = \"allow\"\n";
        let p = policy(&[(Origin::User, PROD), (Origin::User, ro)]);
        // As `decide::Export` classifies `guard env`.
        let export = command("guard", &["env"], Severity::Export);
        assert_eq!(decide(&p, &export).action, Action::Confirm);
        let account: AccountId = "222222222222".parse().unwrap();
        let target = Target {
            account: &account,
            known_name: None,
            profile: "prod-ro",
        };
        let view = p.account(&target);
        assert_eq!(p.decide(&target, &view, &export).action, Action::Allow);
    }

    fn decide_at(policy: &Policy, c: &Classification, now: &str) -> Decision {
        let account: AccountId = "222222222222".parse().unwrap();
        let target = Target {
            account: &account,
            known_name: None,
            profile: "prod-admin",
        };
        let view = policy.account(&target);
        policy.decide_at(&target, &view, c, now.parse().unwrap())
    }

    #[test]
    fn an_open_freeze_denies_changes_and_not_reads() {
        let freeze = "[[freezes]]\nfrom = \"2026-12-24T00:00:00Z\"\nuntil = \"2026-12-27T00:00:00Z\"\naccounts = [\"prod\"]\nmessage = \"holidays\"\n";
        let p = policy(&[(Origin::User, PROD), (Origin::Untrusted, freeze)]);
        let destroy = command("terraform", &["destroy"], Severity::Destructive);
        let d = decide_at(&p, &destroy, "2026-12-25T10:00:00Z");
        assert_eq!(d.action, Action::Deny);
        assert!(d.describe().contains("freeze at"), "{}", d.describe());
        assert!(d.describe().contains("holidays"));
        assert_eq!(
            decide_at(&p, &destroy, "2026-12-28T10:00:00Z").action,
            Action::Confirm
        );
        let read = command("aws", &["s3", "ls"], Severity::Read);
        assert_eq!(
            decide_at(&p, &read, "2026-12-25T10:00:00Z").action,
            Action::Allow
        );
    }

    #[test]
    fn reasons_are_required_where_the_policy_says() {
        let p = policy(&[
            (Origin::User, PROD),
            (
                Origin::User,
                "[protected]\nreason_pattern = \"^(INC|CHG)-[0-9]+\"\n",
            ),
        ]);
        let destroy = command("terraform", &["destroy"], Severity::Destructive);
        let d = decide(&p, &destroy);
        assert_eq!(d.action, Action::Confirm);
        assert_eq!(d.reasons.len(), 1);
        let missing = d.clone().with_reason(None);
        assert_eq!(missing.action, Action::Deny);
        assert!(
            missing.describe().contains("/^(INC|CHG)-[0-9]+/"),
            "{}",
            missing.describe()
        );
        assert!(missing.describe().contains("none was given"));
        let wrong = d.clone().with_reason(Some("because"));
        assert!(wrong.describe().contains("does not match"));
        assert_eq!(d.clone().with_reason(Some("CHG-42")), d);
        // Reads need no reason.
        let read = decide(&p, &command("aws", &["s3", "ls"], Severity::Read));
        assert!(read.reasons.is_empty());
        // A rule can ask for one even where it allows.
        let rule = "[[rules]]\ntool = \"terraform\"\ncommand = \"apply\"\naction = \"allow\"\nrequire_reason = true\n";
        let p = policy(&[(Origin::User, PROD), (Origin::User, rule)]);
        let apply = decide(&p, &command("terraform", &["apply"], Severity::Write));
        assert_eq!(apply.action, Action::Allow);
        assert_eq!(apply.clone().with_reason(None).action, Action::Deny);
        assert_eq!(apply.clone().with_reason(Some("x")).action, Action::Allow);
    }
}
