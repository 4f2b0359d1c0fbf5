//! `guard eks-token --cluster NAME`: the `ExecCredential` kubectl runs a command for, with the
//! token `aws eks get-token` makes (a presigned STS GetCallerIdentity URL with the cluster's name
//! signed in), but cached: kubectl keeps exec credentials only in memory and runs the command for
//! every call, so a warm call here is one file read instead of a Python start.
//!
//! Inside a guard run (kubectl started by `guard -p PROFILE -- kubectl ...`) it signs with the
//! credentials that run verified and resolves nothing.

use anyhow::Context as _;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::child::eks::{self, CACHE_MARGIN, Token};
use crate::child::kubeconfig::{self, Change, ExecUser};
use crate::credentials::cache::Cache;
use crate::credentials::verify::Verified;
use crate::credentials::{Credentials, Secret};
use crate::decide::gate::{Caller, Command, Consent, Export, Gate, Target};
use crate::options::Options;
use crate::sys::error::Failure;
use crate::sys::fsutil;
use crate::sys::output::{self, Delivery};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The EKS cluster's name
    #[arg(long, value_name = "NAME")]
    pub cluster: String,
    /// Instead of printing a token, write a kubeconfig user that runs this command (in
    /// $KUBECONFIG's first file, else ~/.kube/config)
    #[arg(long)]
    pub write_kubeconfig: bool,
    /// The kubeconfig user's name [default: the cluster's ARN, as `aws eks update-kubeconfig` names it]
    #[arg(long, value_name = "A", requires = "write_kubeconfig")]
    pub alias: Option<String>,
}

pub fn run(options: &Options, args: &Args) -> anyhow::Result<()> {
    eks::cluster_name(&args.cluster)?;
    if args.write_kubeconfig {
        return write_kubeconfig(options, args);
    }
    let now = OffsetDateTime::now_utc();
    let token = match injected(options)? {
        Some((creds, region)) => eks::make(&creds, &args.cluster, &region, now)?,
        None => resolved(options, &args.cluster, now)?,
    };
    output::stdout(&(eks::exec_credential(&token)? + "\n"), Delivery::Essential)
}

/// The credentials of the guard run this is inside of, and the region to sign for; None outside
/// one. A run sets all four variables, so anything less is not a run; a `--server` run serves
/// its credentials instead of setting them, and they are asked of its server.
fn injected(options: &Options) -> anyhow::Result<Option<(Credentials, String)>> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (Some(profile), Some(_account)) = (var("GUARD_PROFILE"), var("GUARD_ACCOUNT_ID")) else {
        return Ok(None);
    };
    let served = (
        var("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        var("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
    );
    let keys = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY"));
    let (key_id, secret) = match (keys, served) {
        ((Some(key_id), Some(secret)), _) => (key_id, secret),
        ((None, None), (Some(url), Some(token))) => {
            check_profile(options, &profile)?;
            let creds = crate::child::server::fetch(&url, &token)?;
            return Ok(Some((creds, region(options, &var))));
        }
        _ => return Ok(None),
    };
    check_profile(options, &profile)?;
    let expiration = var("AWS_CREDENTIAL_EXPIRATION")
        .map(|e| OffsetDateTime::parse(&e, &Rfc3339))
        .transpose()
        .context("AWS_CREDENTIAL_EXPIRATION is not an RFC 3339 time")?;
    let creds = Credentials {
        access_key_id: key_id,
        secret_access_key: Secret::new(secret),
        session_token: var("AWS_SESSION_TOKEN").map(Secret::new),
        expiration,
    };
    Ok(Some((creds, region(options, &var))))
}

/// Signing for another profile than the run's would reach an account the banner and the policy
/// never saw.
fn check_profile(options: &Options, profile: &str) -> Result<(), Failure> {
    if let Some(asked) = options.profile.as_deref().filter(|p| *p != profile) {
        return Err(Failure::refused(format!(
            "guard eks-token runs inside `guard -p {profile}`, and signs only with that run's credentials, not profile '{asked}''s"
        ))
        .with_hint(format!(
            "run kubectl under `guard -p {asked}` for this cluster, or outside guard"
        )));
    }
    Ok(())
}

fn region(options: &Options, var: &dyn Fn(&str) -> Option<String>) -> String {
    options
        .region
        .clone()
        .or_else(|| var("AWS_REGION"))
        .or_else(|| var("AWS_DEFAULT_REGION"))
        .unwrap_or_else(|| "us-east-1".to_string())
}

/// A token from the profile's verified credentials, from the cache while it is good. Outside a
/// guard run nothing decides the kubectl command, so every token handed out is an export:
/// decided, audited, and confirmed in a protected account, as `guard credential-process` is.
fn resolved(options: &Options, cluster: &str, now: OffsetDateTime) -> anyhow::Result<Token> {
    let chosen = options.resolved()?;
    let region = chosen.region().unwrap_or("us-east-1").to_string();
    let cache_use = options.cache_use;
    let key = chosen.credentials_key();
    let verified = chosen.verify(cache_use)?;
    export(options, &verified, cluster)?;
    let cache = Cache::locate();
    let name = eks::cache_name(cluster, &region);
    if !cache_use.fresh && !cache_use.verify {
        let cached = key
            .as_ref()
            .and_then(|key| cache.read_derived(key, &name))
            .and_then(|bytes| Token::from_cache(&bytes))
            .filter(|t| t.expires - now > CACHE_MARGIN);
        if let Some(token) = cached {
            return Ok(token);
        }
    }
    let token = eks::make(&verified.creds, cluster, &region, now)?;
    if let Some(key) = key {
        cache.write_derived(&key, &name, &serde_json::to_vec(&token.to_cache())?);
    }
    Ok(token)
}

/// The policy's decision on handing out a token; kubectl waits for this process, so with no
/// terminal a needed consent is an immediate refusal that says where to give it.
fn export(options: &Options, verified: &Verified, cluster: &str) -> anyhow::Result<()> {
    let policy = options.policy()?;
    let gate = Gate::new(
        &policy,
        Target::of(verified),
        Consent::of(options.confirm.as_deref()),
        Caller::Person,
    )
    .with_reason(options.reason.clone());
    let export = Export::EksToken {
        cluster: cluster.to_string(),
    };
    gate.enforce(&gate.rule(&Command::Export(export)))?;
    Ok(())
}

/// Writes (or updates) the kubeconfig user that runs this command for the cluster.
fn write_kubeconfig(options: &Options, args: &Args) -> anyhow::Result<()> {
    let verified = options.verified()?;
    let region = verified.region.clone().ok_or_else(|| {
        Failure::config(format!(
            "profile '{}' names no region, and an EKS cluster lives in one",
            verified.profile
        ))
        .with_hint("add -r REGION")
    })?;
    // The name `aws eks update-kubeconfig` gives the user, so that its entry is the one updated.
    let name = args.alias.clone().unwrap_or_else(|| {
        format!(
            "arn:aws:eks:{region}:{}:cluster/{}",
            verified.identity.account, args.cluster
        )
    });
    let command = std::env::current_exe()
        .context("cannot find guard's own path for the kubeconfig")?
        .to_string_lossy()
        .into_owned();
    let exec_args: Vec<String> = [
        "eks-token",
        "--cluster",
        &args.cluster,
        "-p",
        &verified.profile,
        "-r",
        &region,
    ]
    .map(str::to_string)
    .to_vec();
    let user = ExecUser {
        name: &name,
        command: &command,
        args: &exec_args,
    };
    let path = kubeconfig::path()?;
    // kubectl, eksctl and other guards edit it too: read, change and write under one lock.
    let _lock = fsutil::edit_lock(&path, fsutil::patience(fsutil::EDIT_PATIENCE))?;
    // Only a regular file, capped: a FIFO or /dev/zero in its place is an error, not a hang.
    let text = fsutil::read_text(&path, fsutil::CONFIG_LIMIT)
        .map_err(fsutil::Unreadable::into_failure)?
        .unwrap_or_default();
    let (edited, change) = kubeconfig::with_exec_user(&text, &user, &path)?;
    if edited != text {
        fsutil::replace(&path, edited.as_bytes())?;
    }
    let what = match change {
        Change::ExecReplaced => "updated the exec of user",
        Change::ExecAdded => "added an exec to user",
        Change::UserAdded => "added user",
    };
    output::stderr_line(format!(
        "guard: {what} {name} in {} (cluster endpoints and CAs come from `aws eks update-kubeconfig` or eksctl)",
        path.display()
    ));
    Ok(())
}
