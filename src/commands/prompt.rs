//! `guard prompt`: a short segment for PS1 or starship, such as `prod! 42m`. It runs at every
//! prompt, so it reads only the variables a guard shell has: no file, no network.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::options::Options;
use crate::sys::output::{self, Delivery};

pub fn run(options: &Options) -> anyhow::Result<()> {
    options.no_profile("prompt")?;
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let label = var("GUARD_ACCOUNT_NAME")
        .or_else(|| var("GUARD_PROFILE"))
        .or_else(|| var("GUARD_ACCOUNT_ID"));
    // Outside a guard shell the segment is empty, so a prompt can always include it.
    let Some(label) = label else {
        return Ok(());
    };
    let protected = var("GUARD_PROTECTED").is_some_and(|v| v != "0");
    // A guarded shell holds no credentials, so it has no time left to show.
    let guarded = var(crate::child::session::VARIABLE).is_some();
    let expiration = var("AWS_CREDENTIAL_EXPIRATION")
        .and_then(|text| OffsetDateTime::parse(&text, &Rfc3339).ok());
    output::stdout(
        &(segment(
            &label,
            protected,
            guarded,
            expiration,
            OffsetDateTime::now_utc(),
        ) + "\n"),
        Delivery::Listing,
    )
}

/// The account, `!` when it is protected, ` guarded` in a guarded shell, and the time left
/// (none for long-term keys).
fn segment(
    label: &str,
    protected: bool,
    guarded: bool,
    expiration: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> String {
    let mark = if protected { "!" } else { "" };
    let mark = if guarded {
        format!("{mark} guarded")
    } else {
        mark.to_string()
    };
    let left = expiration.map(|e| match (e - now).whole_minutes() {
        m if m <= 0 => " expired".to_string(),
        m if m < 60 => format!(" {m}m"),
        m => format!(" {}h{:02}m", m / 60, m % 60),
    });
    format!("{label}{mark}{}", left.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    #[test]
    fn segments() {
        let now = OffsetDateTime::now_utc();
        let in_minutes = |m: i64| Some(now + Duration::minutes(m) + Duration::seconds(5));
        assert_eq!(
            segment("sandbox", false, false, in_minutes(42), now),
            "sandbox 42m"
        );
        assert_eq!(
            segment("prod", true, false, in_minutes(65), now),
            "prod! 1h05m"
        );
        assert_eq!(
            segment("prod", true, false, in_minutes(-2), now),
            "prod! expired"
        );
        assert_eq!(segment("keys", false, false, None, now), "keys");
        assert_eq!(segment("prod", true, true, None, now), "prod! guarded");
    }
}
