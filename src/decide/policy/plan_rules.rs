//! Plan rules: `[[plan_rules]]`, what a saved Terraform plan may change. They match each
//! resource change by address, type, action and attribute change, whatever the configuration
//! says: a `prevent_destroy` goes with its block, a plan rule does not.

use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use super::parts::{Action, Document, Place, Scope};
use crate::sys::error::Failure;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlanRule {
    address: Option<Spanned<String>>,
    #[serde(rename = "type")]
    resource_type: Option<Spanned<String>>,
    #[serde(default)]
    actions: Vec<Spanned<String>>,
    attribute: Option<Spanned<String>>,
    from: Option<Spanned<toml::Value>>,
    to: Option<Spanned<toml::Value>>,
    #[serde(default)]
    accounts: Vec<Spanned<String>>,
    #[serde(default)]
    profiles: Vec<Spanned<String>>,
    #[serde(default)]
    environments: Vec<Spanned<String>>,
    action: Action,
    message: Option<String>,
}

/// What a plan does to one resource, in the words of `[[plan_rules]] actions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Create,
    Update,
    Delete,
    Replace,
    Forget,
    Import,
    Read,
    /// Moved to another address and otherwise unchanged.
    Move,
    NoOp,
}

/// The names a plan rule's `actions` may use; a move and a no-op are not changes to rule on.
const ACTIONS: [(&str, ChangeKind); 7] = [
    ("create", ChangeKind::Create),
    ("update", ChangeKind::Update),
    ("delete", ChangeKind::Delete),
    ("replace", ChangeKind::Replace),
    ("forget", ChangeKind::Forget),
    ("import", ChangeKind::Import),
    ("read", ChangeKind::Read),
];

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Move => "move",
            ChangeKind::NoOp => "no-op",
            kind => ACTIONS
                .iter()
                .find(|(_, k)| *k == kind)
                .map_or("?", |(name, _)| name),
        }
    }
}

/// One resource change of a plan, as `terraform show -json` lists it.
#[derive(Debug, Clone, Copy)]
pub struct PlannedChange<'a> {
    pub address: &'a str,
    pub resource_type: &'a str,
    pub kind: ChangeKind,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
    /// terraform's `after_unknown`: which values are known only after apply.
    pub after_unknown: Option<&'a Value>,
}

#[derive(Debug, Clone)]
pub struct PlanRule {
    pub at: Place,
    pub address: Option<glob::Pattern>,
    pub resource_type: Option<glob::Pattern>,
    /// Empty: any change (not a move or a no-op).
    pub actions: Vec<ChangeKind>,
    pub attribute: Option<AttributeChange>,
    pub scope: Scope,
    pub action: Action,
    pub message: Option<String>,
}

/// `attribute = "deletion_protection"`, optionally `from = true`, `to = false`: the attribute's
/// value changes (and from and to that value).
#[derive(Debug, Clone)]
pub struct AttributeChange {
    /// A path into the resource's values: `deletion_protection`, `versioning.0.enabled`.
    pub path: Vec<String>,
    pub from: Option<Value>,
    pub to: Option<Value>,
}

/// Whether a rule matches a change: `Maybe` when the answer depends on a value terraform knows
/// only after apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    No,
    Maybe,
    Yes,
}

impl PlanRule {
    /// Whether the rule is about this change, leaving aside which accounts it is scoped to.
    pub fn fits(&self, change: &PlannedChange) -> Fit {
        let words_fit = self
            .address
            .as_ref()
            .is_none_or(|p| p.matches(change.address))
            && self
                .resource_type
                .as_ref()
                .is_none_or(|p| p.matches(change.resource_type))
            && if self.actions.is_empty() {
                !matches!(change.kind, ChangeKind::Move | ChangeKind::NoOp)
            } else {
                self.actions.contains(&change.kind)
            };
        if !words_fit {
            return Fit::No;
        }
        match &self.attribute {
            None => Fit::Yes,
            Some(attribute) => attribute.fits(change),
        }
    }

    /// The rule as `policy check` and the prompt list it.
    pub fn describe(&self) -> String {
        let mut what = vec![self.action.to_string()];
        what.extend(self.address.as_ref().map(|p| format!("address={p}")));
        what.extend(self.resource_type.as_ref().map(|p| format!("type={p}")));
        if !self.actions.is_empty() {
            let names: Vec<&str> = self.actions.iter().map(|a| a.as_str()).collect();
            what.push(format!("actions={}", names.join(",")));
        }
        if let Some(attribute) = &self.attribute {
            let mut said = format!("attribute={}", attribute.path.join("."));
            if let Some(from) = &attribute.from {
                said.push_str(&format!(" from={from}"));
            }
            if let Some(to) = &attribute.to {
                said.push_str(&format!(" to={to}"));
            }
            what.push(said);
        }
        what.extend(self.scope.describe());
        what.join(" ")
    }
}

impl AttributeChange {
    fn fits(&self, change: &PlannedChange) -> Fit {
        let before = change.before.and_then(|v| lookup(v, &self.path));
        let unknown_after = change
            .after_unknown
            .and_then(|v| lookup(v, &self.path))
            .is_some_and(|v| *v == Value::Bool(true));
        let after = change.after.and_then(|v| lookup(v, &self.path));
        let from_fits = self.from.as_ref().is_none_or(|from| before == Some(from));
        if !from_fits {
            return Fit::No;
        }
        if unknown_after {
            // Any value could come: the rule may well be about it.
            return Fit::Maybe;
        }
        let changes = before != after;
        let to_fits = self.to.as_ref().is_none_or(|to| after == Some(to));
        if changes && to_fits {
            Fit::Yes
        } else {
            Fit::No
        }
    }
}

/// `a.0.b` in terraform's JSON values: object keys and list indexes.
fn lookup<'v>(value: &'v Value, path: &[String]) -> Option<&'v Value> {
    path.iter().try_fold(value, |value, step| match value {
        Value::Object(map) => map.get(step),
        Value::Array(items) => step.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

fn json(doc: &Document, value: &Spanned<toml::Value>, key: &str) -> Result<Value, Failure> {
    match value.get_ref() {
        toml::Value::Datetime(_) => Err(doc.error(
            value.span(),
            &format!("{key}: a date is not a value terraform's plan holds; write it as a string"),
        )),
        other => {
            serde_json::to_value(other).map_err(|e| doc.error(value.span(), &format!("{key}: {e}")))
        }
    }
}

pub(super) fn compile(doc: &Document, spanned: Spanned<RawPlanRule>) -> Result<PlanRule, Failure> {
    let span = spanned.span();
    let raw = spanned.into_inner();
    if raw.address.is_none()
        && raw.resource_type.is_none()
        && raw.actions.is_empty()
        && raw.attribute.is_none()
    {
        return Err(doc.error(
            span,
            "a [[plan_rules]] entry needs address, type, actions or attribute to say which changes it is about",
        ));
    }
    let actions = raw
        .actions
        .iter()
        .map(|name| {
            ACTIONS
                .iter()
                .find(|(word, _)| word == name.get_ref())
                .map(|(_, kind)| *kind)
                .ok_or_else(|| {
                    doc.error(
                        name.span(),
                        &format!(
                            "actions: '{}' is not one of create, update, delete, replace, forget, import, read",
                            name.get_ref()
                        ),
                    )
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let attribute = match &raw.attribute {
        Some(name) => {
            let path: Vec<String> = name.get_ref().split('.').map(str::to_string).collect();
            if path.iter().any(String::is_empty) {
                return Err(doc.error(
                    name.span(),
                    &format!("attribute: '{}' is not a path such as deletion_protection or versioning.0.enabled", name.get_ref()),
                ));
            }
            Some(AttributeChange {
                path,
                from: raw
                    .from
                    .as_ref()
                    .map(|v| json(doc, v, "from"))
                    .transpose()?,
                to: raw.to.as_ref().map(|v| json(doc, v, "to")).transpose()?,
            })
        }
        None => {
            if let Some(stray) = raw.from.as_ref().or(raw.to.as_ref()) {
                return Err(doc.error(stray.span(), "from and to need an attribute"));
            }
            None
        }
    };
    Ok(PlanRule {
        at: doc.place(span),
        address: raw.address.map(|p| doc.glob(&p, "address")).transpose()?,
        resource_type: raw
            .resource_type
            .map(|p| doc.glob(&p, "type"))
            .transpose()?,
        actions,
        attribute,
        scope: doc.scope(&raw.accounts, &raw.profiles, &raw.environments)?,
        action: raw.action,
        message: raw.message,
    })
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;
    use serde_json::json;

    fn rule(text: &str) -> PlanRule {
        parse("p.toml", text).unwrap().plan_rules.remove(0)
    }

    fn change<'a>(
        address: &'a str,
        kind: ChangeKind,
        before: Option<&'a Value>,
        after: Option<&'a Value>,
    ) -> PlannedChange<'a> {
        PlannedChange {
            address,
            resource_type: address.split('.').rev().nth(1).unwrap_or(""),
            kind,
            before,
            after,
            after_unknown: None,
        }
    }

    #[test]
    fn address_type_and_action_globs() {
        let r = rule(
            "[[plan_rules]]\naddress = \"aws_db_instance.*\"\nactions = [\"delete\", \"replace\"]\naction = \"deny\"\n",
        );
        let c = |address, kind| r.fits(&change(address, kind, None, None));
        assert_eq!(c("aws_db_instance.main", ChangeKind::Delete), Fit::Yes);
        assert_eq!(c("aws_db_instance.main", ChangeKind::Replace), Fit::Yes);
        assert_eq!(c("aws_db_instance.main", ChangeKind::Update), Fit::No);
        assert_eq!(c("aws_s3_bucket.logs", ChangeKind::Delete), Fit::No);
        let modules = rule(
            "[[plan_rules]]\naddress = \"module.data.aws_s3_bucket.*\"\naction = \"confirm\"\n",
        );
        assert_eq!(
            modules.fits(&change(
                "module.data.aws_s3_bucket.x",
                ChangeKind::Create,
                None,
                None
            )),
            Fit::Yes
        );
        assert_eq!(
            modules.fits(&change(
                "module.data.aws_s3_bucket.x",
                ChangeKind::NoOp,
                None,
                None
            )),
            Fit::No
        );
        let typed = rule("[[plan_rules]]\ntype = \"aws_iam_*\"\naction = \"confirm\"\n");
        let mut iam = change("module.x.aws_iam_role.r", ChangeKind::Update, None, None);
        iam.resource_type = "aws_iam_role";
        assert_eq!(typed.fits(&iam), Fit::Yes);
    }

    #[test]
    fn attribute_changes_from_and_to() {
        let r = rule(
            "[[plan_rules]]\ntype = \"aws_db_instance\"\nattribute = \"deletion_protection\"\nfrom = true\nto = false\naction = \"deny\"\n",
        );
        let on = json!({"deletion_protection": true, "size": 1});
        let off = json!({"deletion_protection": false, "size": 1});
        let bigger = json!({"deletion_protection": true, "size": 2});
        let c = |before, after| {
            r.fits(&change(
                "aws_db_instance.main",
                ChangeKind::Update,
                Some(before),
                Some(after),
            ))
        };
        assert_eq!(c(&on, &off), Fit::Yes);
        assert_eq!(c(&off, &on), Fit::No);
        assert_eq!(c(&on, &bigger), Fit::No);
        let mut unknown = change("aws_db_instance.main", ChangeKind::Update, Some(&on), None);
        let after_unknown = json!({"deletion_protection": true});
        unknown.after_unknown = Some(&after_unknown);
        assert_eq!(r.fits(&unknown), Fit::Maybe);
        let nested = rule(
            "[[plan_rules]]\nattribute = \"versioning.0.enabled\"\nto = false\naction = \"confirm\"\n",
        );
        let before = json!({"versioning": [{"enabled": true}]});
        let after = json!({"versioning": [{"enabled": false}]});
        assert_eq!(
            nested.fits(&change(
                "aws_s3_bucket.b",
                ChangeKind::Update,
                Some(&before),
                Some(&after)
            )),
            Fit::Yes
        );
    }

    #[test]
    fn bad_plan_rules_name_the_line() {
        for (text, says) in [
            ("[[plan_rules]]\naction = \"deny\"\n", "needs address"),
            (
                "[[plan_rules]]\nactions = [\"destroy\"]\naction = \"deny\"\n",
                "not one of create",
            ),
            (
                "[[plan_rules]]\ntype = \"x\"\nto = false\naction = \"deny\"\n",
                "need an attribute",
            ),
            (
                "[[plan_rules]]\nattribute = \"a..b\"\naction = \"deny\"\n",
                "not a path",
            ),
            (
                "[[plan_rules]]\naddress = \"[\"\naction = \"deny\"\n",
                "bad pattern",
            ),
        ] {
            let err = parse("p.toml", text).unwrap_err();
            assert!(err.message.starts_with("p.toml:"), "{}", err.message);
            assert!(err.message.contains(says), "{text}: {}", err.message);
        }
    }
}
