//! AWS account IDs and role ARNs, parsed once at the edge so the rest of guard can trust them.

use std::fmt;
use std::str::FromStr;

/// A 12-digit AWS account ID.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(String);

impl FromStr for AccountId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(AccountId(s.to_string()))
        } else {
            Err(format!("'{s}' is not an AWS account ID (12 digits)"))
        }
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AccountId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `arn:<partition>:iam::<account>:role/<path/>name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleArn {
    pub arn: String,
    pub account: AccountId,
}

impl FromStr for RoleArn {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.splitn(6, ':').collect();
        let [arn, partition, service, _region, account, resource] = parts[..] else {
            return Err(format!(
                "'{s}' is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)"
            ));
        };
        if arn != "arn" || partition.is_empty() || service != "iam" {
            return Err(format!(
                "'{s}' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"
            ));
        }
        let Some(name) = resource.strip_prefix("role/") else {
            return Err(format!("'{s}' names no role (expected ...:role/NAME)"));
        };
        if name.is_empty() || name.ends_with('/') {
            return Err(format!("'{s}' names no role (expected ...:role/NAME)"));
        }
        let account = account
            .parse()
            .map_err(|e: String| format!("in role ARN '{s}': {e}"))?;
        Ok(RoleArn {
            arn: s.to_string(),
            account,
        })
    }
}

impl fmt::Display for RoleArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.arn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids() {
        assert!("123456789012".parse::<AccountId>().is_ok());
        assert!("12345678901".parse::<AccountId>().is_err());
        assert!("12345678901a".parse::<AccountId>().is_err());
    }

    #[test]
    fn role_arns() {
        let arn: RoleArn = "arn:aws:iam::111122223333:role/ops/Admin".parse().unwrap();
        assert_eq!(arn.account.as_str(), "111122223333");
        assert!(
            "arn:aws:iam::111122223333:user/bob"
                .parse::<RoleArn>()
                .is_err()
        );
        assert!("arn:aws:s3:::bucket".parse::<RoleArn>().is_err());
        assert!("nonsense".parse::<RoleArn>().is_err());
        assert!("arn:aws:iam::1:role/x".parse::<RoleArn>().is_err());
    }
}
