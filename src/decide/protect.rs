//! `guard protect`: a profile of `~/.aws/config` rewritten so that plain `aws --profile P` (or
//! `AWS_PROFILE=P`) asks guard first. The profile's section keeps its bytes under a derived name
//! (`[profile P.guard-source]`), and a new `[profile P]` at the end of the file gets its
//! credentials from `guard credential-process --caller -p P.guard-source`, with the profile's
//! other settings (region, output, ...) copied. `--undo` takes the new section out and gives the
//! old one its header back, so the file is as it was, byte for byte.

/// The derived name that keeps a protected profile's own settings.
pub fn source_name(profile: &str) -> String {
    format!("{profile}{SUFFIX}")
}

pub const SUFFIX: &str = ".guard-source";

/// The first line of every section `guard protect` writes: what it is, how to undo it, and the
/// original header (after `was: `) that `--undo` puts back.
const MARKER: &str =
    "# guard protect: aws asks guard first (undo: guard protect --undo); header was: ";

/// Keys that choose the credentials: they stay with the source profile. Every other setting of
/// the profile (region, output, endpoints, ...) is copied to the protected one, which the AWS CLI
/// reads for them.
const CREDENTIAL_KEYS: &[&str] = &[
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "credential_process",
    "credential_source",
    "duration_seconds",
    "external_id",
    "login_session",
    "mfa_serial",
    "role_arn",
    "role_session_name",
    "source_profile",
    "sso_account_id",
    "sso_region",
    "sso_role_name",
    "sso_session",
    "sso_start_url",
    "web_identity_token_file",
];

/// What became of one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    Protected,
    AlreadyProtected,
    Unprotected,
    NotProtected,
}

/// A section header's profile name (`[default]`, `[profile x]`, `[profile<TAB>x] ; note`).
fn header_name(line: &str) -> Option<String> {
    let inner = line.strip_prefix('[')?;
    let end = inner.find(']')?;
    let inner = inner[..end].trim();
    if inner == "default" {
        return Some("default".to_string());
    }
    let rest = inner.strip_prefix("profile")?;
    rest.starts_with([' ', '\t'])
        .then(|| rest.trim().trim_matches('"').to_string())
}

fn is_header(line: &str) -> bool {
    line.starts_with('[')
}

/// The lines of `text`, each with its line ending.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// `text` with `profile` protected; `guard` is the path of guard the AWS CLI runs.
pub fn protect(text: &str, profile: &str, guard: &str) -> Result<(String, Done), String> {
    let lines = lines(text);
    if protected_block(&lines, profile).is_some() {
        return Ok((text.to_string(), Done::AlreadyProtected));
    }
    let source = source_name(profile);
    if lines
        .iter()
        .any(|l| header_name(l).as_deref() == Some(source.as_str()))
    {
        return Err(format!(
            "the file already has a profile named '{source}', the name guard would keep '{profile}' under"
        ));
    }
    let at = lines
        .iter()
        .position(|l| header_name(l).as_deref() == Some(profile))
        .ok_or_else(|| format!("there is no profile '{profile}' in the file"))?;
    let header = lines[at];
    if header.trim_end_matches(['\n', '\r']).contains('\n') || header.contains('\r') {
        return Err(format!(
            "the header of profile '{profile}' has a carriage return"
        ));
    }
    let body_end = lines[at + 1..]
        .iter()
        .position(|l| is_header(l))
        .map_or(lines.len(), |i| at + 1 + i);
    let mut copied = Vec::new();
    let mut copying = false;
    for line in &lines[at + 1..body_end] {
        let indented = line.starts_with([' ', '\t']);
        let bare = line.trim();
        if bare.is_empty() || bare.starts_with(['#', ';']) {
            continue;
        }
        if indented && !copied.is_empty() && copying {
            copied.push(*line);
            continue;
        }
        let key = bare
            .split(['=', ':'])
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        // `guard populate` marks the profiles it wrote, and keeps them up to date, by this key:
        // it stays with the source profile, or `populate --prune` would take the protected
        // section (no account, no role) for a profile of an account no longer assigned.
        copying = !CREDENTIAL_KEYS.contains(&key.as_str())
            && key != crate::credentials::populate::MARKER_KEY;
        if copying {
            copied.push(*line);
        }
    }
    let newline = if header.ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut out = String::with_capacity(text.len() + 256);
    for (i, line) in lines.iter().enumerate() {
        if i == at {
            out.push_str(&format!("[profile {source}]{newline}"));
        } else {
            out.push_str(line);
        }
    }
    // A blank line before the new section; the file's last line may lack its newline, which
    // the marker records for --undo.
    let (before, eof) = if text.is_empty() || text.ends_with('\n') {
        (newline.to_string(), "")
    } else {
        (format!("{newline}{newline}"), " (no newline at the end)")
    };
    let new_header = if profile == "default" {
        "[default]".to_string()
    } else {
        format!("[profile {profile}]")
    };
    out.push_str(&format!(
        "{before}{MARKER}{}{eof}{newline}{new_header}{newline}credential_process = {guard} credential-process --caller -p {source}{newline}",
        header.trim_end_matches(['\n', '\r'])
    ));
    for line in copied {
        out.push_str(line);
        if !line.ends_with('\n') {
            out.push_str(newline);
        }
    }
    Ok((out, Done::Protected))
}

/// Where the section `protect` wrote for `profile` is: its marker line and the end of its body.
fn protected_block(lines: &[&str], profile: &str) -> Option<(usize, usize)> {
    let marker = (0..lines.len()).find(|&i| {
        lines[i].starts_with(MARKER)
            && lines.get(i + 1).and_then(|h| header_name(h)).as_deref() == Some(profile)
    })?;
    let end = lines[marker + 2..]
        .iter()
        .position(|l| is_header(l) || l.starts_with(MARKER))
        .map_or(lines.len(), |i| marker + 2 + i);
    Some((marker, end))
}

/// `text` with `profile`'s protection taken out: the file as it was before `protect`.
pub fn unprotect(text: &str, profile: &str) -> Result<(String, Done), String> {
    let lines = lines(text);
    let Some((marker, end)) = protected_block(&lines, profile) else {
        return Ok((text.to_string(), Done::NotProtected));
    };
    let said = lines[marker][MARKER.len()..].trim_end_matches(['\n', '\r']);
    let (original, no_eol) = match said.strip_suffix(" (no newline at the end)") {
        Some(header) => (header, true),
        None => (said, false),
    };
    let source = source_name(profile);
    let mut out = String::with_capacity(text.len());
    // The blank line protect put before the marker goes with it.
    let block_start = if marker > 0 && lines[marker - 1].trim().is_empty() {
        marker - 1
    } else {
        marker
    };
    for (i, line) in lines.iter().enumerate() {
        if (block_start..end).contains(&i) {
            continue;
        }
        if header_name(line).as_deref() == Some(source.as_str()) {
            let newline = &line[line.trim_end_matches(['\n', '\r']).len()..];
            out.push_str(original);
            out.push_str(newline);
        } else {
            out.push_str(line);
        }
    }
    if no_eol && out.ends_with('\n') {
        out.pop();
        if out.ends_with('\r') {
            out.pop();
        }
    }
    Ok((out, Done::Unprotected))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "[default]\nregion = us-east-1\n\n[profile prod] ; the real one\nsso_session = acme\nsso_account_id = 111111111111\nsso_role_name = Admin\nregion = eu-west-1\ns3 =\n  max_concurrent_requests = 4\n\n[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = us-east-1\n";

    #[test]
    fn protect_keeps_the_settings_and_undo_restores_every_byte() {
        let (protected, done) = protect(CONFIG, "prod", "/usr/bin/guard").unwrap();
        assert_eq!(done, Done::Protected);
        assert!(protected.contains("[profile prod.guard-source]\nsso_session = acme\n"));
        assert!(protected.ends_with(
            "[profile prod]\ncredential_process = /usr/bin/guard credential-process --caller -p prod.guard-source\nregion = eu-west-1\ns3 =\n  max_concurrent_requests = 4\n"
        ), "{protected}");
        let (again, done) = protect(&protected, "prod", "/usr/bin/guard").unwrap();
        assert_eq!(
            (again.as_str(), done),
            (protected.as_str(), Done::AlreadyProtected)
        );
        let (undone, done) = unprotect(&protected, "prod").unwrap();
        assert_eq!(done, Done::Unprotected);
        assert_eq!(undone, CONFIG);
        assert_eq!(unprotect(CONFIG, "prod").unwrap().1, Done::NotProtected);
    }

    #[test]
    fn the_default_profile_and_a_file_without_a_last_newline() {
        let text = "[default]\nsso_session = acme\nregion = us-east-1";
        let (protected, _) = protect(text, "default", "guard").unwrap();
        assert!(protected.starts_with("[profile default.guard-source]\n"));
        assert!(protected.contains("\n[default]\ncredential_process = guard credential-process --caller -p default.guard-source\nregion = us-east-1\n"));
        assert_eq!(unprotect(&protected, "default").unwrap().0, text);
    }

    #[test]
    fn two_profiles_protected_and_undone_in_any_order() {
        let text = "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/x\nsource_profile = b\n[profile b]\nsso_session = s\r\n";
        let (one, _) = protect(text, "a", "g").unwrap();
        let (two, _) = protect(&one, "b", "g").unwrap();
        let (back, _) = unprotect(&two, "a").unwrap();
        let (back, _) = unprotect(&back, "b").unwrap();
        assert_eq!(back, text);
    }

    #[test]
    fn what_cannot_be_done_is_said() {
        assert!(
            protect(CONFIG, "nope", "g")
                .unwrap_err()
                .contains("no profile 'nope'")
        );
        let taken = format!("{CONFIG}[profile prod.guard-source]\nregion = x\n");
        assert!(
            protect(&taken, "prod", "g")
                .unwrap_err()
                .contains("already has a profile")
        );
    }
}
