//! Freeze windows: `[[freezes]]`, times in which the commands they cover are denied, or need
//! consent and a change reason. A window is fixed (`from`/`until`, RFC 3339) or weekly (`days`,
//! `after`, `before` in a named time zone, read from the system's zoneinfo).

use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::Deserialize;
use toml::Spanned;

use super::parts::{Action, Document, Place, ReasonRule, Scope};
use crate::classify::Severity;
use crate::sys::error::Failure;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFreeze {
    from: Option<Spanned<String>>,
    until: Option<Spanned<String>>,
    #[serde(default)]
    days: Vec<Spanned<String>>,
    after: Option<Spanned<String>>,
    before: Option<Spanned<String>>,
    timezone: Option<Spanned<String>>,
    #[serde(default)]
    severity: Vec<Spanned<String>>,
    #[serde(default)]
    accounts: Vec<Spanned<String>>,
    #[serde(default)]
    profiles: Vec<Spanned<String>>,
    #[serde(default)]
    environments: Vec<Spanned<String>>,
    action: Option<Spanned<Action>>,
    message: Option<String>,
    require_reason: Option<Spanned<bool>>,
    reason_pattern: Option<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub struct Freeze {
    pub at: Place,
    pub window: Window,
    /// The classifications it covers: every one but read unless the entry says.
    pub severity: Vec<Severity>,
    pub scope: Scope,
    /// deny (the default) or confirm.
    pub action: Action,
    pub message: Option<String>,
    pub reason: Option<ReasonRule>,
}

#[derive(Debug, Clone)]
pub enum Window {
    /// From `from` (included) until `until` (excluded).
    Fixed { from: Timestamp, until: Timestamp },
    /// On each of `days` (every day when empty), from `after` until `before`, local time.
    Weekly {
        days: Vec<Weekday>,
        after: Time,
        /// None: until the day ends.
        before: Option<Time>,
        zone: TimeZone,
        zone_name: String,
    },
}

/// Severities a freeze covers when it does not say: what changes things or hands out credentials.
const CHANGES: [Severity; 4] = [
    Severity::Write,
    Severity::Destructive,
    Severity::Unknown,
    Severity::Export,
];

/// How far ahead `policy check` looks for the next start of a weekly window.
const LOOKAHEAD_DAYS: i64 = 8;

impl Freeze {
    pub fn covers(&self, severity: Severity) -> bool {
        self.severity.contains(&severity)
    }

    /// Whether `now` falls inside the window.
    pub fn active(&self, now: Timestamp) -> bool {
        match &self.window {
            Window::Fixed { from, until } => *from <= now && now < *until,
            Window::Weekly {
                days,
                after,
                before,
                zone,
                ..
            } => {
                let local = now.to_zoned_datetime(zone.clone());
                let time = local.time();
                (days.is_empty() || days.contains(&local.weekday()))
                    && *after <= time
                    && before.is_none_or(|before| time < before)
            }
        }
    }

    /// When the window next opens after `now`, if it does within a week (a weekly one) or at all
    /// (a fixed one).
    pub fn next_start(&self, now: Timestamp) -> Option<Timestamp> {
        match &self.window {
            Window::Fixed { from, .. } => (*from > now).then_some(*from),
            Window::Weekly {
                days, after, zone, ..
            } => {
                let today = now.to_zoned_datetime(zone.clone()).date();
                (0..LOOKAHEAD_DAYS).find_map(|ahead| {
                    let day = today.checked_add(ahead.days()).ok()?;
                    if !days.is_empty() && !days.contains(&day.weekday()) {
                        return None;
                    }
                    let start = day
                        .to_datetime(*after)
                        .to_zoned_datetime(zone.clone())
                        .ok()?;
                    let start = start.timestamp();
                    (start > now).then_some(start)
                })
            }
        }
    }

    /// The window as `policy check` lists it.
    pub fn describe(&self) -> String {
        let mut what = vec![self.action.to_string()];
        what.push(match &self.window {
            Window::Fixed { from, until } => format!("from {from} until {until}"),
            Window::Weekly {
                days,
                after,
                before,
                zone_name,
                ..
            } => {
                let days = if days.is_empty() {
                    "every day".to_string()
                } else {
                    days.iter()
                        .map(|d| day_name(*d))
                        .collect::<Vec<_>>()
                        .join(",")
                };
                let until = before.map_or("the end of the day".to_string(), |t| {
                    t.strftime("%H:%M").to_string()
                });
                format!(
                    "{days} from {} until {until} ({zone_name})",
                    after.strftime("%H:%M")
                )
            }
        });
        if self.severity != CHANGES {
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

const DAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Monday),
    ("tue", Weekday::Tuesday),
    ("wed", Weekday::Wednesday),
    ("thu", Weekday::Thursday),
    ("fri", Weekday::Friday),
    ("sat", Weekday::Saturday),
    ("sun", Weekday::Sunday),
];

fn day_name(day: Weekday) -> &'static str {
    DAYS.iter()
        .find(|(_, d)| *d == day)
        .map_or("?", |(name, _)| name)
}

pub(super) fn compile(doc: &Document, spanned: Spanned<RawFreeze>) -> Result<Freeze, Failure> {
    let span = spanned.span();
    let raw = spanned.into_inner();
    let at = doc.place(span.clone());
    let fixed = raw.from.is_some() || raw.until.is_some();
    let weekly = !raw.days.is_empty()
        || raw.after.is_some()
        || raw.before.is_some()
        || raw.timezone.is_some();
    let window = match (fixed, weekly) {
        (true, true) => {
            return Err(doc.error(
                span,
                "a freeze is either fixed (from, until) or weekly (days, after, before, timezone), not both",
            ));
        }
        (false, false) => {
            return Err(doc.error(
                span,
                "a freeze needs a window: from and until (RFC 3339), or days/after/before with a timezone",
            ));
        }
        (true, false) => {
            let (Some(from), Some(until)) = (&raw.from, &raw.until) else {
                return Err(doc.error(span, "a fixed freeze needs both from and until"));
            };
            let from = timestamp(doc, from, "from")?;
            let until_at = timestamp(doc, until, "until")?;
            if until_at <= from {
                return Err(doc.error(until.span(), "until: must be later than from"));
            }
            Window::Fixed {
                from,
                until: until_at,
            }
        }
        (false, true) => {
            let Some(zone_name) = &raw.timezone else {
                return Err(doc.error(
                    span,
                    "a weekly freeze needs a timezone (e.g. timezone = \"Europe/Berlin\" or \"UTC\")",
                ));
            };
            let zone = TimeZone::get(zone_name.get_ref()).map_err(|e| {
                doc.error(
                    zone_name.span(),
                    &format!(
                        "timezone: '{}' is not a time zone this system knows ({e}); install tzdata or use \"UTC\"",
                        zone_name.get_ref()
                    ),
                )
            })?;
            let days = raw
                .days
                .iter()
                .map(|day| {
                    let name = day.get_ref().to_ascii_lowercase();
                    DAYS.iter()
                        .find(|(short, _)| name.starts_with(short) && name.len() >= 3)
                        .map(|(_, d)| *d)
                        .ok_or_else(|| {
                            doc.error(
                                day.span(),
                                &format!(
                                    "days: '{}' is not a day (mon, tue, wed, thu, fri, sat, sun)",
                                    day.get_ref()
                                ),
                            )
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let after = raw
                .after
                .as_ref()
                .map(|t| time(doc, t, "after"))
                .transpose()?
                .unwrap_or(Time::midnight());
            let before = raw
                .before
                .as_ref()
                .map(|t| time(doc, t, "before"))
                .transpose()?;
            if let (Some(before), Some(spanned)) = (before, &raw.before)
                && before <= after
            {
                return Err(doc.error(
                    spanned.span(),
                    "before: must be later than after (a window that spans midnight is two freezes)",
                ));
            }
            Window::Weekly {
                days,
                after,
                before,
                zone,
                zone_name: zone_name.get_ref().clone(),
            }
        }
    };
    let action = match &raw.action {
        None => Action::Deny,
        Some(action) if *action.get_ref() == Action::Allow => {
            return Err(doc.error(
                action.span(),
                "action: a freeze denies or confirms; \"allow\" would be no freeze",
            ));
        }
        Some(action) => *action.get_ref(),
    };
    let reason = doc.reason(
        raw.require_reason.as_ref(),
        raw.reason_pattern.as_ref(),
        at.clone(),
    )?;
    if reason.is_some() && action == Action::Deny {
        return Err(doc.error(
            span,
            "require_reason goes with action = \"confirm\": a freeze that denies takes no reason",
        ));
    }
    let severity = if raw.severity.is_empty() {
        CHANGES.to_vec()
    } else {
        raw.severity
            .iter()
            .map(|s| super::parts::severity(doc, s))
            .collect::<Result<_, _>>()?
    };
    Ok(Freeze {
        at,
        window,
        severity,
        scope: doc.scope(&raw.accounts, &raw.profiles, &raw.environments)?,
        action,
        message: raw.message,
        reason,
    })
}

fn timestamp(doc: &Document, value: &Spanned<String>, key: &str) -> Result<Timestamp, Failure> {
    value.get_ref().parse::<Timestamp>().map_err(|e| {
        doc.error(
            value.span(),
            &format!(
                "{key}: '{}' is not an RFC 3339 time with an offset, e.g. 2026-12-24T00:00:00+01:00 ({e})",
                value.get_ref()
            ),
        )
    })
}

fn time(doc: &Document, value: &Spanned<String>, key: &str) -> Result<Time, Failure> {
    value.get_ref().parse::<Time>().map_err(|e| {
        doc.error(
            value.span(),
            &format!(
                "{key}: '{}' is not a time of day such as 15:00 ({e})",
                value.get_ref()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn freeze(text: &str) -> Freeze {
        parse("p.toml", text).unwrap().freezes.remove(0)
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn a_fixed_window_includes_its_start_and_not_its_end() {
        let f = freeze(
            "[[freezes]]\nfrom = \"2026-12-24T00:00:00Z\"\nuntil = \"2026-12-27T00:00:00Z\"\nmessage = \"holidays\"\n",
        );
        assert_eq!(f.action, Action::Deny);
        assert!(!f.active(at("2026-12-23T23:59:59Z")));
        assert!(f.active(at("2026-12-24T00:00:00Z")));
        assert!(!f.active(at("2026-12-27T00:00:00Z")));
        assert_eq!(
            f.next_start(at("2026-12-01T00:00:00Z")),
            Some(at("2026-12-24T00:00:00Z"))
        );
        assert!(f.covers(Severity::Destructive) && !f.covers(Severity::Read));
    }

    #[test]
    fn a_weekly_window_is_in_local_time() {
        let f = freeze(
            "[[freezes]]\ndays = [\"fri\"]\nafter = \"15:00\"\ntimezone = \"Europe/Berlin\"\n",
        );
        // Friday 2026-12-11, 15:30 in Berlin is 14:30 UTC (CET, +01:00).
        assert!(f.active(at("2026-12-11T14:30:00Z")));
        assert!(!f.active(at("2026-12-11T13:59:00Z")));
        assert!(!f.active(at("2026-12-12T10:00:00Z")));
        assert_eq!(
            f.next_start(at("2026-12-07T08:00:00Z")),
            Some(at("2026-12-11T14:00:00Z"))
        );
        assert!(f.describe().contains("fri from 15:00"), "{}", f.describe());
    }

    #[test]
    fn a_confirming_freeze_can_ask_for_a_reason() {
        let f = freeze(
            "[[freezes]]\ndays = [\"sat\", \"sunday\"]\ntimezone = \"UTC\"\naction = \"confirm\"\nreason_pattern = \"^CHG-\"\n",
        );
        assert_eq!(f.action, Action::Confirm);
        assert!(f.reason.as_ref().unwrap().pattern.is_some());
    }

    #[test]
    fn bad_freezes_name_the_line() {
        for (text, says) in [
            ("[[freezes]]\nmessage = \"x\"\n", "needs a window"),
            (
                "[[freezes]]\nfrom = \"2026-01-01T00:00:00Z\"\n",
                "both from and until",
            ),
            (
                "[[freezes]]\nfrom = \"2026-01-02T00:00:00Z\"\nuntil = \"2026-01-01T00:00:00Z\"\n",
                "later than from",
            ),
            (
                "[[freezes]]\nfrom = \"tomorrow\"\nuntil = \"x\"\n",
                "RFC 3339",
            ),
            ("[[freezes]]\ndays = [\"fri\"]\n", "needs a timezone"),
            (
                "[[freezes]]\ndays = [\"fri\"]\ntimezone = \"Mars/Olympus\"\n",
                "not a time zone",
            ),
            (
                "[[freezes]]\ndays = [\"fr\"]\ntimezone = \"UTC\"\n",
                "not a day",
            ),
            (
                "[[freezes]]\nafter = \"18:00\"\nbefore = \"06:00\"\ntimezone = \"UTC\"\n",
                "spans midnight",
            ),
            (
                "[[freezes]]\ndays = [\"fri\"]\ntimezone = \"UTC\"\naction = \"allow\"\n",
                "no freeze",
            ),
            (
                "[[freezes]]\ndays = [\"fri\"]\ntimezone = \"UTC\"\nrequire_reason = true\n",
                "goes with action",
            ),
        ] {
            let err = parse("p.toml", text).unwrap_err();
            assert!(err.message.starts_with("p.toml:"), "{}", err.message);
            assert!(err.message.contains(says), "{text}: {}", err.message);
        }
    }
}
