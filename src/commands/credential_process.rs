//! `guard credential-process -p PROFILE`: credentials in the JSON document of `credential_process`
//! (Version 1), so that every SDK and tool configured with
//! `credential_process = guard credential-process -p PROFILE` shares guard's cache and checks.

use serde::Serialize;
use time::format_description::well_known::Rfc3339;

use crate::error::Failure;
use crate::gate::{Caller, Command, Consent, Export, Gate, Target};
use crate::options::Options;
use crate::output::{self, Delivery};

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Document<'a> {
    version: u8,
    access_key_id: &'a str,
    secret_access_key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration: Option<String>,
}

pub fn run(options: &Options) -> anyhow::Result<()> {
    // An SDK calls this with its own AWS_PROFILE set, often to the very profile whose
    // credential_process this is; only an explicit name is safe.
    if options.profile.is_none() {
        return Err(
            Failure::usage("credential-process needs the profile named with -p PROFILE")
                .with_hint("credential_process = guard credential-process -p PROFILE")
                .into(),
        );
    }
    let policy = options.policy()?;
    let verified = options.verified()?;
    // An SDK waits for this process: with no terminal to ask on, the answer is an immediate
    // refusal that says how to consent where an SDK can (nothing reaches stdout).
    let gate = Gate::new(
        &policy,
        Target::of(&verified),
        Consent::of(options.confirm.as_deref()),
        Caller::Person,
    )
    .with_reason(options.reason.clone());
    gate.enforce(&gate.rule(&Command::Export(Export::CredentialProcess)))?;
    let creds = &verified.creds;
    let document = Document {
        version: 1,
        access_key_id: &creds.access_key_id,
        secret_access_key: creds.secret_access_key.expose(),
        session_token: creds.session_token.as_ref().map(|t| t.expose()),
        expiration: creds.expiration.and_then(|e| e.format(&Rfc3339).ok()),
    };
    output::stdout(
        &(serde_json::to_string(&document)? + "\n"),
        Delivery::Essential,
    )
}
