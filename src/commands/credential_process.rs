//! `guard credential-process -p PROFILE`: credentials in the JSON document of `credential_process`
//! (Version 1), so that every SDK and tool configured with
//! `credential_process = guard credential-process -p PROFILE` shares guard's cache and checks.

use serde::Serialize;
use time::format_description::well_known::Rfc3339;

use crate::decide::caller::{self, Asker};
use crate::decide::gate::{self, Caller, Command, Consent, Export, Gate, Ruling, Target};
use crate::options::Options;
use crate::sys::error::Failure;
use crate::sys::output::{self, Delivery};

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

/// `caller`: decide the command that asked (`--caller`) rather than the export itself.
pub fn run(options: &Options, caller: bool) -> anyhow::Result<()> {
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
    let mut target = Target::of(&verified);
    if caller {
        // `guard protect` names the profile's kept settings here: rules and the prompt are
        // about the profile the person chose.
        if let Some(protected) = target.profile.strip_suffix(".guard-source") {
            target.profile = protected.to_string();
        }
    }
    let gate = Gate::new(
        &policy,
        target,
        Consent::of(options.confirm.as_deref()),
        Caller::Person,
    )
    .with_reason(options.reason.clone());
    let ruling = if caller {
        ruling_for_caller(&gate)
    } else {
        gate.rule(&Command::Export(Export::CredentialProcess))
    };
    gate.enforce(&ruling)?;
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

/// `--caller`: the ruling on the command that asked for the credentials (the AWS CLI's `aws s3
/// rb`, terraform above its provider), as if it had been typed after `guard -p PROFILE --`. A
/// caller guard cannot read, or a program it does not judge (an SDK script, a shell), gets the
/// credentials only as an export, with the caller named.
fn ruling_for_caller(gate: &Gate) -> Ruling {
    let (shown, why) = match caller::asker(std::os::unix::process::parent_id()) {
        Asker::Command {
            argv,
            pid,
            env,
            cwd,
        } => {
            let var = |name: &str| {
                env.iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, value)| value.clone())
            };
            let mut classification = gate::classify_in(&argv, &var, cwd.as_deref());
            // The caller asked guard for its credentials: whatever profile option led it here
            // (`aws --profile prod ...`), these are the credentials it will use.
            classification.credential_override = None;
            if classification.tool.is_some() {
                return gate.rule_classified(classification, argv);
            }
            (
                format!("process {pid}, `{}`", shown(&argv)),
                "guard does not judge that program".to_string(),
            )
        }
        Asker::Unreadable(why) => ("the calling process".to_string(), why),
    };
    let mut ruling = gate.rule(&Command::Export(Export::CredentialProcess));
    ruling.classification.reason = format!(
        "guard credential-process --caller: {shown} asked for the credentials, and {why}; what it does with them is not checked"
    );
    ruling
}

/// A caller's command line for a message: its first words, secrets hidden as in the audit log
/// (`--token VALUE`, `sh -c` scripts), control characters escaped.
fn shown(argv: &[String]) -> String {
    const WORDS: usize = 8;
    let argv = crate::sys::redact::redact(argv);
    let mut text: String = argv
        .iter()
        .take(WORDS)
        .map(|w| w.escape_debug().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    if argv.len() > WORDS {
        text.push_str(" ...");
    }
    text
}
