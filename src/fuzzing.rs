//! Entry points for the fuzz targets in `fuzz/`: one per parser of input from outside guard. Each
//! takes arbitrary bytes and must return (an error is fine) without a panic or a hang. Not an
//! interface for anything else.

use std::path::Path;

use crate::classify::{self, Context, FileText};
use crate::resolve::profile::{ProfileSet, ini};

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// `~/.aws/config` (or credentials): parse, build the profile set, and resolve the credential
/// chain of the first few profiles as a run would.
pub fn config(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Ok(file) = ini::parse(Path::new("config"), text) else {
        return;
    };
    let set = ProfileSet::from_files(file, ini::File::default());
    for profile in set.profiles().take(8) {
        let _ = crate::credentials::source::chain(&set, &profile.name, "us-east-1");
    }
}

/// A policy file (`policy.toml`, `.guard.toml`).
pub fn policy(data: &[u8]) {
    if let Some(text) = text(data) {
        let _ = crate::decide::policy::parse("policy.toml", text);
    }
}

/// The classifier: the input is an argv with NUL between the words; its first byte chooses
/// whether it is run as given or as the script of `sh -c`, which is the shell lexer's input.
pub fn classify(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Some(text) = text(rest) else { return };
    let argv: Vec<String> = if mode % 2 == 0 {
        vec!["sh".into(), "-c".into(), text.into()]
    } else {
        text.split('\0').map(str::to_string).collect()
    };
    let env = |_: &str| None;
    let read_file = |_: &Path| FileText::Missing;
    let _ = classify::classify(
        &argv,
        &Context {
            env: &env,
            read_file: &read_file,
            cwd: Some(Path::new("/home/user")),
            disk: &classify::NoDisk,
        },
    );
}

/// The SSO token cache file the AWS CLI and guard share.
pub fn sso_token(data: &[u8]) {
    if let Some(text) = text(data) {
        let _ = crate::credentials::sso::token::parse_cached(text);
    }
}

/// The SSO client registration cache file.
pub fn registration(data: &[u8]) {
    if let Some(text) = text(data) {
        let _ = crate::credentials::sso::registration::parse(text);
    }
}

/// An entry of guard's credential cache.
pub fn cache_entry(data: &[u8]) {
    let _ = crate::credentials::cache::entry::decode(data);
}

/// What a `credential_process` prints.
pub fn credential_process(data: &[u8]) {
    let _ = crate::credentials::source::process::parse_output(data);
}

/// `terraform show -json` of a saved plan.
pub fn plan(data: &[u8]) {
    let _ = crate::decide::plan::judge(data);
}

#[cfg(test)]
mod tests {
    /// Every entry point takes whatever it is given; the fuzzers go much further (scripts/fuzz).
    #[test]
    fn every_entry_point_takes_any_bytes() {
        let inputs: [&[u8]; 7] = [
            b"",
            b"\0",
            b"\xff\xfe",
            b"[profile a]\nsource_profile = a\nrole_arn = arn:aws:iam::111111111111:role/R\n",
            b"{\"Version\":1,\"AccessKeyId\":\"a\",\"SecretAccessKey\":\"b\",\"Expiration\":\"x\"}",
            b"\x00sh -c 'eval \"$(printf %s x)\"' && $(( 1 + ",
            b"{\"resource_changes\":[{\"change\":{\"actions\":[\"delete\"]}}],\"expiresAt\":1}",
        ];
        for input in inputs {
            super::config(input);
            super::policy(input);
            super::classify(input);
            super::sso_token(input);
            super::registration(input);
            super::cache_entry(input);
            super::credential_process(input);
            super::plan(input);
        }
    }
}
