//! The command's region, as every AWS tool picks it: `-r`, else `AWS_REGION`, else
//! `AWS_DEFAULT_REGION`, else the profile's.

use crate::resolve::profile::Value;
use crate::sys::error::Failure;

/// Whether `text` can be a region: it becomes part of host names, so anything else would only
/// fail later, inside the SDK, with a message nobody can act on.
pub fn is_region(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with('-')
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Where the command's region came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionFrom {
    Flag,
    /// `AWS_REGION` or `AWS_DEFAULT_REGION` in guard's environment.
    Variable(&'static str),
    Profile,
}

/// The command's region as every AWS tool picks it: `-r` (which clap has checked), else
/// `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the profile's. A region that cannot be one is
/// refused here, where guard can say where it came from. `inherited` reads a variable of guard's
/// environment.
pub fn region(
    flag: Option<&str>,
    profile: Option<&Value>,
    inherited: impl Fn(&str) -> Option<String>,
) -> Result<Option<(String, RegionFrom)>, Failure> {
    if let Some(flag) = flag {
        return Ok(Some((flag.to_string(), RegionFrom::Flag)));
    }
    for name in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
        if let Some(region) = inherited(name).filter(|r| !r.is_empty()) {
            if !is_region(&region) {
                return Err(Failure::config(format!(
                    "${name} '{region}' is not an AWS region (like eu-west-1)"
                )));
            }
            return Ok(Some((region, RegionFrom::Variable(name))));
        }
    }
    if let Some(value) = profile {
        if !is_region(&value.value) {
            return Err(Failure::config(format!(
                "{}: region '{}' is not an AWS region (like eu-west-1)",
                value.at, value.value
            )));
        }
        return Ok(Some((value.value.clone(), RegionFrom::Profile)));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::profile::Location;
    use crate::sys::exit_codes::ExitCode;

    fn value(text: &str) -> Value {
        Value {
            value: text.to_string(),
            at: Location {
                file: std::sync::Arc::new("/home/me/.aws/config".into()),
                line: 7,
            },
            sdk: crate::resolve::profile::ini::SdkReading::Same,
        }
    }

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn region_from_flag_then_environment_then_profile() {
        let both = env(&[
            ("AWS_REGION", "us-west-2"),
            ("AWS_DEFAULT_REGION", "ap-south-1"),
        ]);
        let profile = value("eu-west-1");
        let got = |flag, profile, vars: &dyn Fn(&str) -> Option<String>| {
            region(flag, profile, vars).unwrap()
        };
        assert_eq!(
            got(Some("eu-north-1"), Some(&profile), &both),
            Some(("eu-north-1".to_string(), RegionFrom::Flag))
        );
        // Every AWS tool lets the variable beat the profile's region.
        assert_eq!(
            got(None, Some(&profile), &both),
            Some(("us-west-2".to_string(), RegionFrom::Variable("AWS_REGION")))
        );
        let default_only = env(&[("AWS_REGION", ""), ("AWS_DEFAULT_REGION", "ap-south-1")]);
        assert_eq!(
            got(None, Some(&profile), &default_only),
            Some((
                "ap-south-1".to_string(),
                RegionFrom::Variable("AWS_DEFAULT_REGION")
            ))
        );
        assert_eq!(
            got(None, Some(&profile), &env(&[])),
            Some(("eu-west-1".to_string(), RegionFrom::Profile))
        );
        assert_eq!(got(None, None, &env(&[])), None);
    }

    #[test]
    fn a_region_that_cannot_be_one_says_where_it_came_from() {
        let err = region(None, Some(&value("eu west 1")), env(&[])).unwrap_err();
        assert_eq!(err.kind, ExitCode::Config);
        assert!(err.message.contains("config:7"), "{}", err.message);
        let err = region(None, None, env(&[("AWS_REGION", "EU_WEST")])).unwrap_err();
        assert!(err.message.contains("$AWS_REGION"), "{}", err.message);
    }
}
