//! Profile names from a template such as `{account_name}-{role_name}`.

use crate::credentials::sso::Assignment;
use crate::sys::error::Failure;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    AccountName,
    AccountId,
    RoleName,
    SsoSession,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Field(Field),
}

#[derive(Debug, Clone)]
pub struct Template(Vec<Piece>);

const FIELDS: &str = "{account_name}, {account_id}, {role_name}, {sso_session}";

impl Template {
    pub fn parse(text: &str) -> Result<Self, Failure> {
        let bad = |what: &str| {
            Failure::usage(format!("--template '{text}': {what}"))
                .with_hint(format!("a template is text with the fields {FIELDS}"))
        };
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_string()));
            }
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| bad("a '{' is not closed"))?;
            let field = match &rest[open + 1..open + close] {
                "account_name" => Field::AccountName,
                "account_id" => Field::AccountId,
                "role_name" => Field::RoleName,
                "sso_session" => Field::SsoSession,
                other => return Err(bad(&format!("unknown field {{{other}}}"))),
            };
            pieces.push(Piece::Field(field));
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        let literal: String = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Text(t) => Some(t.as_str()),
                Piece::Field(_) => None,
            })
            .collect();
        if literal.contains('}') {
            return Err(bad("a '}' without its '{'"));
        }
        // Such characters would end the section header or break the INI line.
        if literal
            .chars()
            .any(|c| c.is_whitespace() || "[]#;=".contains(c))
        {
            return Err(bad("profile names cannot hold spaces or any of [ ] # ; ="));
        }
        if !pieces.iter().any(|p| matches!(p, Piece::Field(_))) {
            return Err(bad(
                "it has no field, so every profile would get the same name",
            ));
        }
        Ok(Template(pieces))
    }

    /// The profile name; each field's value is slugged, the template's own text is kept.
    pub fn render(&self, assignment: &Assignment, session: &str) -> String {
        self.0
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => text.clone(),
                Piece::Field(Field::AccountName) => match slug(&assignment.account_name) {
                    // A name with no ASCII letter or digit at all still needs to say something.
                    name if name.is_empty() => assignment.account_id.to_string(),
                    name => name,
                },
                Piece::Field(Field::AccountId) => assignment.account_id.to_string(),
                Piece::Field(Field::RoleName) => slug(&assignment.role_name),
                Piece::Field(Field::SsoSession) => slug(session),
            })
            .collect()
    }
}

/// Lower case ASCII letters, digits and single dashes: safe in a profile name and easy to type.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assignment() -> Assignment {
        Assignment {
            account_id: "111111111111".parse().unwrap(),
            account_name: "My Sandbox (EU)".into(),
            role_name: "AdministratorAccess".into(),
        }
    }

    #[test]
    fn default_template_slugs_the_values() {
        let t = Template::parse(super::super::DEFAULT_TEMPLATE).unwrap();
        assert_eq!(
            t.render(&assignment(), "myorg"),
            "my-sandbox-eu-administratoraccess"
        );
    }

    #[test]
    fn custom_templates() {
        let t = Template::parse("{sso_session}/{account_id}.{role_name}").unwrap();
        assert_eq!(
            t.render(&assignment(), "My Org"),
            "my-org/111111111111.administratoraccess"
        );
        assert!(Template::parse("{account}").is_err());
        assert!(Template::parse("{account_name").is_err());
        assert!(Template::parse("x}{role_name}").is_err());
        assert!(Template::parse("a b{role_name}").is_err());
        assert!(Template::parse("fixed").is_err());
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("  Foo__Bar--baz  "), "foo-bar-baz");
        assert_eq!(slug("Ünïcode"), "n-code");
    }
}
