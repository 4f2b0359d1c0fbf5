//! The words every part of a policy file shares: actions, places, scopes, change reasons, and
//! the reader of spans that makes errors say `file:line:column`.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::classify::Severity;
use crate::sys::error::Failure;

/// allow < confirm < deny: the stricter of two actions is the greater.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Allow,
    Confirm,
    Deny,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Allow => "allow",
            Action::Confirm => "confirm",
            Action::Deny => "deny",
        })
    }
}

/// A place in a policy file, shown as `file:line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: Arc<str>,
    pub line: usize,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A change reason a decision asks for (`--reason TEXT` or `GUARD_REASON`), and the pattern it
/// must match.
#[derive(Debug, Clone)]
pub struct ReasonRule {
    pub at: Place,
    pub pattern: Option<regex::Regex>,
}

impl PartialEq for ReasonRule {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
            && self.pattern.as_ref().map(regex::Regex::as_str)
                == other.pattern.as_ref().map(regex::Regex::as_str)
    }
}

impl Eq for ReasonRule {}

/// Which accounts a rule, plan rule or freeze is about: each list is a set of globs, and an
/// empty list means any.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Matched against the account's ID, the policy's name for it and the name AWS knows.
    pub accounts: Vec<glob::Pattern>,
    pub profiles: Vec<glob::Pattern>,
    /// Matched against the policy's environment label; an account without one matches none.
    pub environments: Vec<glob::Pattern>,
}

impl Scope {
    /// `accounts=prod-*,… profiles=…` for `policy check`.
    pub fn describe(&self) -> Vec<String> {
        [
            ("accounts", &self.accounts),
            ("profiles", &self.profiles),
            ("environments", &self.environments),
        ]
        .into_iter()
        .filter(|(_, patterns)| !patterns.is_empty())
        .map(|(key, patterns)| {
            let globs: Vec<&str> = patterns.iter().map(glob::Pattern::as_str).collect();
            format!("{key}={}", globs.join(","))
        })
        .collect()
    }
}

/// A policy file's text and name: turns byte offsets into `file:line:column` for errors.
pub struct Document<'a> {
    pub name: Arc<str>,
    pub text: &'a str,
    /// Where each line starts, found once: every rule and account records its line, and
    /// counting the newlines before each from the top made loading quadratic (a 1 MB policy of
    /// 15,000 rules took seconds).
    line_starts: Vec<usize>,
}

impl<'a> Document<'a> {
    pub fn new(name: &str, text: &'a str) -> Document<'a> {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Document {
            name: Arc::from(name),
            text,
            line_starts,
        }
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        // The number of lines that start at or before the offset is its line.
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let column = offset - self.line_starts[line - 1] + 1;
        (line, column)
    }

    pub fn place(&self, span: Range<usize>) -> Place {
        Place {
            file: self.name.clone(),
            line: self.line_col(span.start).0,
        }
    }

    pub fn error(&self, span: Range<usize>, what: &str) -> Failure {
        let (line, column) = self.line_col(span.start);
        Failure::config(format!("{}:{line}:{column}: {what}", self.name))
            .with_hint("fix the policy file; `guard policy check` validates it")
    }

    pub fn glob(&self, value: &Spanned<String>, key: &str) -> Result<glob::Pattern, Failure> {
        glob::Pattern::new(value.get_ref()).map_err(|e| {
            self.error(
                value.span(),
                &format!("{key}: bad pattern '{}': {e}", value.get_ref()),
            )
        })
    }

    pub fn globs(
        &self,
        values: &[Spanned<String>],
        key: &str,
    ) -> Result<Vec<glob::Pattern>, Failure> {
        values.iter().map(|v| self.glob(v, key)).collect()
    }

    pub fn scope(
        &self,
        accounts: &[Spanned<String>],
        profiles: &[Spanned<String>],
        environments: &[Spanned<String>],
    ) -> Result<Scope, Failure> {
        Ok(Scope {
            accounts: self.globs(accounts, "accounts")?,
            profiles: self.globs(profiles, "profiles")?,
            environments: self.globs(environments, "environments")?,
        })
    }

    /// `require_reason` and `reason_pattern`: a pattern alone requires a reason too, and
    /// `require_reason = false` beside a pattern says two things at once.
    pub fn reason(
        &self,
        require: Option<&Spanned<bool>>,
        pattern: Option<&Spanned<String>>,
        at: Place,
    ) -> Result<Option<ReasonRule>, Failure> {
        if let (Some(require), Some(_)) = (require, pattern)
            && !require.get_ref()
        {
            return Err(self.error(
                require.span(),
                "require_reason = false beside a reason_pattern: drop one of them",
            ));
        }
        let pattern = pattern
            .map(|p| {
                regex::Regex::new(p.get_ref())
                    .map_err(|e| self.error(p.span(), &format!("reason_pattern: {e}")))
            })
            .transpose()?;
        let required = pattern.is_some() || require.is_some_and(|r| *r.get_ref());
        Ok(required.then_some(ReasonRule { at, pattern }))
    }
}

pub fn severity(doc: &Document, value: &Spanned<String>) -> Result<Severity, Failure> {
    Severity::ALL
        .into_iter()
        .find(|s| s.as_str() == value.get_ref())
        .ok_or_else(|| {
            doc.error(
                value.span(),
                &format!(
                    "severity: '{}' is not one of read, write, destructive, unknown, export",
                    value.get_ref()
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let doc = Document::new("f", "ab\ncd\n\ne");
        for (offset, expected) in [
            (0, (1, 1)),
            (1, (1, 2)),
            (2, (1, 3)),
            (3, (2, 1)),
            (6, (3, 1)),
            (7, (4, 1)),
            (99, (4, 2)),
        ] {
            assert_eq!(doc.line_col(offset), expected, "{offset}");
        }
    }
}
