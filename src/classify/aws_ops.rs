//! AWS API operations (and `s3api`, and the CLI's customizations): every command the CLI has
//! is in the generated table (`aws_table`), with the options its parser accepts.
//!
//! An operation is judged by a rule and a reviewed list of exceptions:
//! - not in the table (a newer CLI, a typo): unknown;
//! - a customization (code of the CLI, not one API call): only as reviewed in `customization`,
//!   else unknown;
//! - an exception below (`special_case`): as reviewed;
//! - a read verb whose output the model marks as carrying credentials or a token: export,
//!   unless reviewed in `NOT_CREDENTIALS`;
//! - else the verb of its name (`describe-`, `list-` read; `delete-` destructive; else write).
//!
//! A read is a proof: every option must be one the operation's parser accepts, and a file
//! the line hands the CLI must not be a credential store, else the line is not read.

use super::Severity;
use super::aws_table::{self, Arity, Operation, Options};
use super::paths;
use super::scope::{self, EnvValue, Scope, Word};
use super::verdict::Verdict;

/// Verbs of operations that only read.
const READ_VERBS: &[&str] = &[
    "describe", "list", "get", "head", "scan", "query", "search", "lookup", "select", "validate",
    "preview", "simulate", "estimate", "test", "filter", "detect", "check", "download", "wait",
    "help",
];

/// Verbs of operations that delete, stop or cut something off.
const DESTRUCTIVE_VERBS: &[&str] = &[
    "delete",
    "terminate",
    "remove",
    "deregister",
    "disable",
    "detach",
    "revoke",
    "cancel",
    "purge",
    "stop",
    "reset",
    "drop",
    "destroy",
    "deactivate",
    "disassociate",
    "reboot",
    "shutdown",
    "abort",
    "release",
    "leave",
    "close",
    "failover",
    "unassign",
    "retire",
    "unsubscribe",
];

/// Read-verb operations whose output the model marks as a credential or token, reviewed:
/// what they return is not one (or the service never fills it in).
const NOT_CREDENTIALS: &[(&str, &str, &str)] = &[
    (
        "amplify",
        "get-app",
        "the basic-auth pair the user set for the app's preview site",
    ),
    (
        "amplify",
        "get-branch",
        "the basic-auth pair the user set for the branch's preview site",
    ),
    (
        "amplify",
        "list-apps",
        "the basic-auth pairs the user set for preview sites",
    ),
    (
        "amplify",
        "list-branches",
        "the basic-auth pairs the user set for preview sites",
    ),
    (
        "amplifybackend",
        "get-backend-auth",
        "the auth resource's settings",
    ),
    (
        "dms",
        "describe-endpoints",
        "DMS never returns endpoint passwords",
    ),
    (
        "lightsail",
        "get-relational-database",
        "the master password is returned only by get-relational-database-master-user-password",
    ),
    (
        "lightsail",
        "get-relational-databases",
        "the master password is returned only by get-relational-database-master-user-password",
    ),
    (
        "qconnect",
        "get-message-template",
        "links to the template's images",
    ),
    (
        "iam",
        "list-virtual-mfa-devices",
        "the seed and QR code are returned only by create-virtual-mfa-device",
    ),
    (
        "secretsmanager",
        "get-secret-value",
        "the user's own secret, which the user asks for by name (documented in docs/classifier.md: \
         Secrets Manager is where the secret is meant to be read from; a rule can deny it)",
    ),
    (
        "secretsmanager",
        "batch-get-secret-value",
        "the user's own secrets, as get-secret-value",
    ),
    (
        "secretsmanager",
        "get-random-password",
        "a random string, changes no resources",
    ),
    (
        "sso-admin",
        "get-application-grant",
        "the grant's settings (a refresh-token grant type), not a token",
    ),
    (
        "sso-admin",
        "list-application-grants",
        "the grants' settings (refresh-token grant types), not tokens",
    ),
];

/// Operations whose name's verb would mislead, reviewed one by one.
fn special_case(service: &str, operation: &str) -> Option<(Severity, &'static str)> {
    let case = match (service, operation) {
        // Verbs that say read, operations that act.
        ("stepfunctions", "test-state") => (
            Severity::Write,
            "runs the state for real (a Task state calls its service)",
        ),
        ("stepfunctions", "get-activity-task") => (
            Severity::Write,
            "takes a task off the activity's queue: the execution waits for this caller",
        ),
        ("cognito-idp", "get-user-attribute-verification-code") => (
            Severity::Write,
            "sends a verification code to the user (email or SMS)",
        ),
        ("iot", "get-registration-code") => (
            Severity::Write,
            "creates the account's CA registration code",
        ),
        ("workmail", "test-availability-configuration") => (
            Severity::Write,
            "calls the availability provider (EWS or a Lambda) for real",
        ),
        ("sagemaker", "get-scaling-configuration-recommendation") => {
            (Severity::Write, "starts an Inference Recommender job")
        }
        ("controltower", "list-landing-zones") => (
            Severity::Write,
            "creates a landing zone ARN for an account that has none",
        ),
        ("importexport", "get-shipping-label") => {
            (Severity::Write, "generates a pre-paid shipping label")
        }
        ("cloudformation", "test-type") => (
            Severity::Write,
            "runs the type's contract tests, which create and delete real resources",
        ),
        ("lightsail", "download-default-key-pair") => (
            Severity::Export,
            "prints the default key pair's private key (creating the pair when there is none)",
        ),
        ("cognito-identity", "get-id") => (
            Severity::Write,
            "creates an identity in the pool when it is new",
        ),
        ("transfer", "test-identity-provider") => (
            Severity::Write,
            "calls the server's identity provider (a Lambda or API) for real",
        ),
        ("elasticache", "test-failover") => (
            Severity::Destructive,
            "fails the shard's primary over for real (a brief outage)",
        ),
        ("elasticache", "test-migration") => (
            Severity::Write,
            "starts a test migration into the replication group",
        ),
        ("license-manager", "check-in-license") => (
            Severity::Destructive,
            "checks a license in, taking it from whoever uses it",
        ),
        ("codecommit", "test-repository-triggers") => (
            Severity::Write,
            "sends test data to the triggers' targets (SNS, Lambda) for real",
        ),
        ("lightsail", "test-alarm") => (
            Severity::Write,
            "raises the alarm and sends its notifications",
        ),
        ("apigatewayv2", "preview-portal") => (Severity::Write, "creates a portal preview"),
        ("iotwireless", "test-wireless-device") => {
            (Severity::Write, "sends an uplink payload as the device")
        }
        ("apigateway", "test-invoke-method" | "test-invoke-authorizer") => {
            (Severity::Write, "invokes the real integration")
        }
        // Reviewed with every test-*, evaluate-* and simulate-* operation of botocore 1.43.11
        // (red team R6): these invoke the authorizer's Lambda, or make the service connect to
        // the endpoint, server or hypervisor and record the test; the others only evaluate
        // what they are given (policies, patterns, templates, mapping code).
        ("iot", "test-invoke-authorizer") => (
            Severity::Write,
            "invokes the custom authorizer's Lambda function",
        ),
        ("dms", "test-connection")
        | ("transfer", "test-connection")
        | ("glue", "test-connection")
        | ("backup-gateway", "test-hypervisor-configuration") => (
            Severity::Write,
            "makes the service connect to the endpoint for real and records the test",
        ),
        // They run the statement or command they are given, which guard does not read: it can
        // drop a table or delete files as easily as select.
        ("rds-data", "execute-statement" | "batch-execute-statement" | "execute-sql")
        | ("redshift-data", "execute-statement" | "batch-execute-statement")
        | ("dynamodb", "execute-statement" | "batch-execute-statement" | "execute-transaction")
        | ("athena", "start-query-execution")
        | ("qldb-session", "send-command") => (
            Severity::Unknown,
            "runs the SQL or PartiQL statement it is given; guard does not read it, and it can drop or delete",
        ),
        ("athena", "start-calculation-execution") => (
            Severity::Unknown,
            "runs the code it is given in a Spark session; guard cannot see what it does",
        ),
        ("ssm", "send-command") => (
            Severity::Unknown,
            "runs commands on the instances or containers; guard cannot see what they do",
        ),
        ("sso", "logout") => (
            Severity::Read,
            "signs in or out locally, changes no resources",
        ),
        ("timestream-query", "query") => (Severity::Read, "read-only (query-)"),
        // Verbs that say write, operations that change nothing.
        ("kms", "decrypt" | "encrypt" | "verify" | "verify-mac") => (
            Severity::Read,
            "a cryptographic operation, changes no resources",
        ),
        (
            "kms",
            "generate-data-key-without-plaintext" | "generate-data-key-pair-without-plaintext",
        ) => (
            Severity::Read,
            "returns an encrypted data key, changes no resources",
        ),
        ("kms", "generate-random") => (Severity::Read, "random bytes, changes no resources"),
        ("kms", "generate-data-key" | "generate-data-key-pair") => (
            Severity::Read,
            "a new data key for the caller's own encryption, not a credential (it grants nothing in AWS; see docs/classifier.md)",
        ),
        ("logs", "start-query") => (
            Severity::Read,
            "starts a Logs Insights query, changes no resources",
        ),
        ("sts", "decode-authorization-message") => (
            Severity::Read,
            "decodes an error message, changes no resources",
        ),
        ("kms", "schedule-key-deletion") => (Severity::Destructive, "schedules a key's deletion"),
        // Credentials, tokens and keys handed out: what uses them is not checked, as with
        // `guard env` and `guard eks-token`.
        ("sts", op)
            if op.starts_with("assume-")
                || matches!(
                    op,
                    "get-session-token"
                        | "get-federation-token"
                        | "get-delegated-access-token"
                        | "get-web-identity-token"
                ) =>
        {
            (
                Severity::Export,
                "issues temporary credentials and prints them; what uses them is not checked",
            )
        }
        ("deadline", op) if op.starts_with("assume-") => (
            Severity::Export,
            "issues temporary credentials for a fleet or queue role and prints them",
        ),
        ("eks-auth", "assume-role-for-pod-identity")
        | ("lakeformation", "assume-decorated-role-with-saml")
        | ("cognito-identity", "get-credentials-for-identity")
        | ("sso", "get-role-credentials") => (
            Severity::Export,
            "issues temporary AWS credentials and prints them",
        ),
        (
            "cognito-idp",
            "initiate-auth"
            | "admin-initiate-auth"
            | "respond-to-auth-challenge"
            | "admin-respond-to-auth-challenge",
        )
        | ("sso-oidc", "create-token" | "create-token-with-iam")
        | ("signin", "create-o-auth2-token") => {
            (Severity::Export, "signs in and prints the tokens")
        }
        (
            "iam",
            "create-access-key"
            | "create-service-specific-credential"
            | "reset-service-specific-credential",
        )
        | ("lightsail", "create-bucket-access-key" | "create-container-service-registry-login")
        | ("mwaa", "create-cli-token" | "create-web-login-token")
        | ("codecatalyst", "create-access-token")
        | ("s3api", "create-session")
        | ("gamelift", "request-upload-credentials" | "create-build")
        | ("codepipeline", "poll-for-jobs" | "poll-for-third-party-jobs")
        | ("iotsecuretunneling", "open-tunnel" | "rotate-tunnel-access-token")
        | ("athena", "create-presigned-notebook-url")
        | (
            "quicksight",
            "generate-embed-url-for-anonymous-user"
            | "generate-embed-url-for-registered-user"
            | "generate-embed-url-for-registered-user-with-identity",
        )
        | ("finspace-data", "reset-user-password")
        | ("route53domains", "retrieve-domain-auth-code") => (
            Severity::Export,
            "creates credentials, a token or a sign-in link and prints it; what uses it is not checked",
        ),
        ("ec2", "create-key-pair")
        | ("iot", "create-keys-and-certificate" | "create-provisioning-claim") => (
            Severity::Export,
            "creates a key pair and prints its private key",
        ),
        ("acm", "export-certificate") | ("payment-cryptography", "export-key") => {
            (Severity::Export, "prints a private key")
        }
        ("ec2", "get-password-data") => (
            Severity::Export,
            "prints the instance's administrator password (encrypted, or decrypted with --priv-launch-key)",
        ),
        // Keys whose output member the models do not mark sensitive.
        ("redshift-serverless", "get-identity-center-auth-token") => (
            Severity::Export,
            "issues an Identity Center token for the workgroups and prints it",
        ),
        ("appsync", "list-api-keys") => (
            Severity::Export,
            "prints the API's keys (the id is the key), which let anyone call the API",
        ),
        ("auditmanager", "get-evidence-file-upload-url")
        | ("emr-serverless", "get-dashboard-for-job-run")
        | (
            "kinesis-video-archived-media",
            "get-hls-streaming-session-url" | "get-dash-streaming-session-url",
        ) => (
            Severity::Export,
            "prints a presigned link that grants access without credentials",
        ),
        _ => return None,
    };
    Some(case)
}

/// The CLI's own commands (code of awscli, not one API call), reviewed; the others are
/// unknown until reviewed.
fn customization(service: &str, operation: &str) -> (Severity, &'static str) {
    match (service, operation) {
        (_, op) if op.starts_with("wait/") => {
            (Severity::Read, "waits for a state, polling a describe call")
        }
        ("cloudformation", "package") => (
            Severity::Write,
            "uploads the template's local artifacts to S3",
        ),
        ("cloudformation", "deploy") | ("ecs", "deploy") => {
            (Severity::Write, "creates or changes resources")
        }
        ("cloudfront", "sign") => (
            Severity::Read,
            "signs a URL locally with the private key it is given; calls no API and uses no AWS credentials",
        ),
        ("cloudtrail", "validate-logs") => (Severity::Read, "validates the trail's log files"),
        ("cloudtrail", "create-subscription" | "update-subscription")
        | ("configservice", "subscribe")
        | ("datapipeline", "create-default-roles")
        | ("dlm", "create-default-role")
        | ("emr", "create-default-roles")
        | ("emr-containers", "update-role-trust-policy") => {
            (Severity::Write, "creates or changes resources")
        }
        ("configservice", "get-status") | ("datapipeline", "list-runs") => {
            (Severity::Read, "read-only")
        }
        ("codeartifact", "login") => (
            Severity::Export,
            "fetches an authorization token and writes it into a local package manager's config; what uses it is not checked",
        ),
        ("codecommit", "credential-helper/get") => (
            Severity::Export,
            "prints credentials for git; what uses them is not checked",
        ),
        ("codecommit", "credential-helper/store" | "credential-helper/erase") => {
            (Severity::Read, "does nothing (git's store and erase steps)")
        }
        ("deploy", "push") => (Severity::Write, "uploads a revision to S3 and registers it"),
        ("deploy", "register" | "install") => {
            (Severity::Write, "registers an on-premises instance")
        }
        ("deploy", "deregister" | "uninstall") => {
            (Severity::Destructive, "deregisters an on-premises instance")
        }
        ("ecr", "get-login" | "get-login-password") | ("ecr-public", "get-login-password") => (
            Severity::Export,
            "prints a registry password made from the credentials; what uses it is not checked (a rule can allow it per profile)",
        ),
        ("eks", "get-token") => (
            Severity::Export,
            "prints a token for the cluster made from the credentials; what uses it is not checked",
        ),
        ("eks", "update-kubeconfig") => {
            (Severity::Read, "writes the local kubeconfig, no AWS change")
        }
        ("emr", "describe-cluster") => (Severity::Read, "read-only (describe-)"),
        ("emr", "terminate-clusters" | "disable-hbase-backups") => {
            (Severity::Destructive, "terminates or disables")
        }
        (
            "emr",
            "add-instance-groups"
            | "add-steps"
            | "create-cluster"
            | "create-hbase-backup"
            | "install-applications"
            | "modify-cluster-attributes"
            | "restore-from-hbase-backup"
            | "schedule-hbase-backup",
        ) => (Severity::Write, "creates or changes resources"),
        ("emr", "ssh" | "socks" | "get" | "put") => (
            Severity::Unknown,
            "runs ssh on the cluster's primary node (scp for get and put); guard cannot see what runs there",
        ),
        ("ecs", "execute-command") | ("ssm", "start-session") => (
            Severity::Unknown,
            "runs commands on the instances or containers; guard cannot see what they do",
        ),
        ("gamelift", "get-game-session-log") => (Severity::Read, "downloads a game session's log"),
        ("gamelift", "upload-build") => (Severity::Write, "uploads and creates a build"),
        ("logs", "start-live-tail") => (Severity::Read, "streams log events"),
        ("rds", "generate-db-auth-token") => (
            Severity::Export,
            "prints a database sign-in token made from the credentials; what uses it is not checked",
        ),
        ("servicecatalog", "generate/product" | "generate/provisioning-artifact") => {
            (Severity::Write, "creates a product or artifact")
        }
        ("history", "-" | "list" | "show") => (Severity::Read, "shows the local command history"),
        _ => (
            Severity::Unknown,
            "a command of the CLI itself that guard has not reviewed",
        ),
    }
}

/// An option's name (without dashes) and arity.
type OptionSpec = (&'static str, Arity);

/// CLI v2's own commands, which v1's table (the one generated here) does not have.
fn v2_command(
    service: &str,
    operation: &str,
) -> Option<(Severity, &'static str, &'static [OptionSpec])> {
    const SSO_LOGIN: &[(&str, Arity)] = &[
        ("sso-session", Arity::Exactly(1)),
        ("no-browser", Arity::Switch),
        ("use-device-code", Arity::Switch),
    ];
    const LOGS_TAIL: &[(&str, Arity)] = &[
        ("follow", Arity::Switch),
        ("since", Arity::Exactly(1)),
        ("format", Arity::Exactly(1)),
        ("filter-pattern", Arity::Exactly(1)),
        ("log-stream-names", Arity::AtLeastOne),
        ("log-stream-name-prefix", Arity::Exactly(1)),
    ];
    Some(match (service, operation) {
        ("sso", "login") => (
            Severity::Read,
            "signs in or out locally (through the browser), changes no resources",
            SSO_LOGIN,
        ),
        ("sso", "logout") => (
            Severity::Read,
            "signs out locally, changes no resources",
            &[],
        ),
        ("logs", "tail") => (Severity::Read, "streams log events", LOGS_TAIL),
        ("ec2-instance-connect", "ssh" | "open-tunnel") => (
            Severity::Unknown,
            "runs ssh on the instance (or a tunnel to it); guard cannot see what runs there",
            &[],
        ),
        _ => return None,
    })
}

/// What the rest of the aws command line said that matters to an operation.
pub(crate) struct Call<'a, 'b> {
    pub service: &'a str,
    pub operation: &'a str,
    /// The words after the operation that are not global options, in order; a `--` is kept.
    pub rest: &'b [&'a str],
    /// `--debug`: the CLI logs each request, parameters included.
    pub debug: bool,
    /// `--endpoint-url`: requests go where the line says.
    pub endpoint_url: bool,
    pub scope: &'b Scope<'b>,
}

pub(crate) fn classify(call: &Call) -> Verdict {
    let Call {
        service,
        operation,
        rest,
        ..
    } = *call;
    let Some(found) = aws_table::operation(service, operation) else {
        return not_in_table(call);
    };
    // `ec2 wait instance-running ...`: a known subcommand is the next word; a customization
    // such as `cloudformation deploy` also runs without one.
    let sub = rest
        .first()
        .filter(|sub| found.has_subcommands() && is_name(sub))
        .and_then(|sub| {
            aws_table::operation(service, &format!("{operation}/{sub}")).map(|found| (*sub, found))
        });
    let (found, path, rest) = match sub {
        Some((sub, found)) => (found, vec![service, operation, sub], &rest[1..]),
        None if found.has_subcommands() && found.options().options.is_empty() => {
            return Verdict::of(
                Severity::Unknown,
                "aws",
                &[service, operation],
                &format!(
                    "no subcommand given that guard's table of the CLI ({}) knows, or one from an expansion",
                    aws_table::version()
                ),
            );
        }
        None => (found, vec![service, operation], rest),
    };
    let key = path[1..].join("/");
    let (severity, what) = judge_operation(service, &key, &found);
    let options = found.options();
    finish(call, &path, severity, &what, &options, rest)
}

/// An operation the table does not have: CLI v2's own commands, else unknown.
fn not_in_table(call: &Call) -> Verdict {
    let path = [call.service, call.operation];
    if let Some((severity, what, options)) = v2_command(call.service, call.operation) {
        if (call.service, call.operation) == ("sso", "login")
            && let Some(browser) = call.scope.assigned("BROWSER")
        {
            let shown = match browser {
                EnvValue::Known(value) => value,
                EnvValue::Dynamic => "an expansion".to_owned(),
            };
            return Verdict::of(
                Severity::Unknown,
                "aws",
                &path,
                &format!(
                    "BROWSER is set to {shown}: the CLI runs it to open the sign-in page, a program guard cannot see"
                ),
            );
        }
        let positionals = if (call.service, call.operation) == ("logs", "tail") {
            vec![("group_name", Arity::Exactly(1))]
        } else {
            Vec::new()
        };
        let options = Options {
            options: options.to_vec(),
            positionals,
        };
        return finish(call, &path, severity, what, &options, call.rest);
    }
    let what = if aws_table::has_service(call.service) {
        format!(
            "not an operation in guard's table of the CLI ({}); a newer CLI's operation is not judged",
            aws_table::version()
        )
    } else {
        format!(
            "not a service in guard's table of the CLI ({}); a newer CLI's service is not judged",
            aws_table::version()
        )
    };
    Verdict::of(Severity::Unknown, "aws", &path, &what)
}

/// The operation's class by the rules and the reviewed exceptions.
fn judge_operation(service: &str, key: &str, found: &Operation) -> (Severity, String) {
    if let Some((severity, what)) = special_case(service, key) {
        return (severity, what.to_owned());
    }
    if found.is_customization() {
        let (severity, what) = customization(service, key);
        return (severity, what.to_owned());
    }
    let (severity, what) = by_verb(key);
    if severity == Severity::Read && found.returns_credentials() {
        if let Some((_, _, why)) = NOT_CREDENTIALS
            .iter()
            .find(|(s, op, _)| *s == service && *op == key)
        {
            return (
                severity,
                format!("{what}; its secret-looking output is {why}"),
            );
        }
        return (
            Severity::Export,
            "returns credentials, a token or a key (its output model says so); what uses them is not checked".to_owned(),
        );
    }
    (severity, what)
}

/// The verdict once the words after the operation are bound to its options.
fn finish(
    call: &Call,
    path: &[&str],
    severity: Severity,
    what: &str,
    options: &Options,
    rest: &[&str],
) -> Verdict {
    let bound = bind(options, rest);
    let mut verdict = Verdict::of(severity, "aws", path, what);
    if let Ok(bound) = &bound {
        if let Some(lowered) = lowered(call, path, severity, bound) {
            verdict = lowered;
        }
        if (call.service, call.operation) == ("timestream-query", "query") {
            verdict = verdict.or_worse(timestream_query(path, bound));
        }
        if let Some(secret) = secret_by_option(call, path, bound) {
            verdict = verdict.or_worse(secret);
        }
        // The skeleton is printed (or, for `output`, a stubbed call answers) before any call.
        if bound.has("generate-cli-skeleton") && !bound.after_dashdash {
            verdict = Verdict::of(
                Severity::Read,
                "aws",
                path,
                "only prints a parameter skeleton (--generate-cli-skeleton)",
            );
        }
        if let Some(files) = files(call, path, bound) {
            verdict = verdict.or_worse(files);
        }
    }
    if verdict.severity != Severity::Read {
        return verdict;
    }
    match bound {
        Err(word) => Verdict::of(
            Severity::Unknown,
            "aws",
            path,
            &format!(
                "{word} is not an option of this operation in guard's table of the CLI ({}); guard does not know what it does",
                aws_table::version()
            ),
        ),
        Ok(bound) if bound.after_dashdash => Verdict::of(
            Severity::Unknown,
            "aws",
            path,
            "-- ends the options, and the CLI's parsers (argparse, which differs between Python versions) read the words after it differently: guard does not judge them",
        ),
        Ok(_) => verdict,
    }
}

/// A change made harmless by its own options: EC2's `--dry-run`, Lambda's DryRun invocation.
fn lowered(call: &Call, path: &[&str], severity: Severity, bound: &Bound) -> Option<Verdict> {
    if !matches!(severity, Severity::Write | Severity::Destructive) || bound.after_dashdash {
        return None;
    }
    // The last of --dry-run / --no-dry-run wins (store_true and store_false share a dest).
    let dry = bound
        .options
        .iter()
        .rev()
        .find(|(name, _)| matches!(*name, "dry-run" | "no-dry-run"));
    if let Some(("dry-run", word)) = dry {
        return Some(Verdict::of_flag(
            Severity::Read,
            "aws",
            path,
            word,
            "dry run, changes nothing",
        ));
    }
    if (call.service, call.operation) == ("lambda", "invoke")
        && bound.last("invocation-type") == Some("DryRun")
    {
        return Some(Verdict::of_flag(
            Severity::Read,
            "aws",
            path,
            "--invocation-type DryRun",
            "only checks the parameters and permissions, runs nothing",
        ));
    }
    None
}

/// Read operations whose output holds a secret only as an option asks (the models do not mark
/// these members sensitive): API Gateway's key values with `--include-value(s)`, and Glue's
/// connection passwords unless `--hide-password`. The last of an option and its `--no-` form
/// wins (store_true and store_false share a dest).
fn secret_by_option(call: &Call, path: &[&str], bound: &Bound) -> Option<Verdict> {
    let last_of = |on: &str, off: &str| {
        bound
            .options
            .iter()
            .rev()
            .find(|(name, _)| *name == on || *name == off)
            .map(|(name, _)| *name == on)
    };
    let (flag, what) = match (call.service, call.operation) {
        ("apigateway", "get-api-key") if last_of("include-value", "no-include-value")? => (
            "--include-value",
            "prints the API key's value, which lets anyone call the API",
        ),
        ("apigateway", "get-api-keys") if last_of("include-values", "no-include-values")? => (
            "--include-values",
            "prints the API keys' values, which let anyone call the API",
        ),
        ("glue", "get-connection" | "get-connections")
            if !last_of("hide-password", "no-hide-password").unwrap_or(false) =>
        {
            (
                "without --hide-password",
                "prints the connections' passwords (Glue returns them unless --hide-password)",
            )
        }
        _ => return None,
    };
    Some(Verdict::of_flag(Severity::Export, "aws", path, flag, what))
}

/// A Timestream query is read-only unless it is an `UNLOAD`, which writes to S3.
fn timestream_query(path: &[&str], bound: &Bound) -> Verdict {
    let unseen = |why: &str| Verdict::of(Severity::Unknown, "aws", path, why);
    if bound.has("cli-input-json") {
        return unseen("the query may come from --cli-input-json; guard cannot see it");
    }
    let Some(query) = bound.last("query-string") else {
        return Verdict::of(Severity::Read, "aws", path, "read-only (query-)");
    };
    if scope::is_dynamic(query) || query.starts_with("file://") || query.starts_with("fileb://") {
        return unseen("the query comes from a file or an expansion; an UNLOAD would write to S3");
    }
    if query.to_ascii_lowercase().contains("unload") {
        return Verdict::of(
            Severity::Write,
            "aws",
            path,
            "an UNLOAD query writes its results to S3",
        );
    }
    Verdict::of(Severity::Read, "aws", path, "read-only (query-)")
}

/// What the CLI does with files the line names: `file://`/`fileb://` values are read and
/// sent (or echoed in a parse error), and an `outfile` positional is written.
fn files(call: &Call, path: &[&str], bound: &Bound) -> Option<Verdict> {
    let mut worst: Option<Verdict> = None;
    let mut add = |verdict: Verdict| {
        worst = Some(match worst.take() {
            Some(seen) => seen.or_worse(verdict),
            None => verdict,
        });
    };
    let not_fetched: Vec<&str> = PARAMFILE_DISABLED
        .iter()
        .filter(|(service, operation, _)| (*service, *operation) == (call.service, call.operation))
        .filter_map(|(_, _, option)| bound.last(option))
        .collect();
    for value in bound.values() {
        let shown = scope::shown(value);
        let lower = shown.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            if not_fetched.iter().any(|kept| std::ptr::eq(*kept, *value)) {
                continue;
            }
            add_remote(&mut add, call, path, value);
            continue;
        }
        let Some(file) = shown
            .strip_prefix("file://")
            .or_else(|| shown.strip_prefix("fileb://"))
        else {
            continue;
        };
        let read = paths::read(&word(file, scope::is_dynamic(value)), call.scope);
        if !read.is_ordinary() {
            add(Verdict::of(
                read.severity,
                "aws",
                path,
                &format!(
                    "{} (the CLI sends the file, and a parse error echoes it)",
                    read.reason
                ),
            ));
        } else if call.debug {
            add(Verdict::of(
                Severity::Unknown,
                "aws",
                path,
                &format!("--debug prints each request, with the content of {file}"),
            ));
        } else if call.endpoint_url {
            add(Verdict::of(
                Severity::Unknown,
                "aws",
                path,
                &format!("sends the content of {file} to the --endpoint-url the line chose"),
            ));
        }
    }
    // The kubeconfig `eks update-kubeconfig` writes: the documented local switch for a
    // kubeconfig, judged by its class for anything else (the cluster's name and `--alias`,
    // which the line chooses, land in it).
    if path == ["eks", "update-kubeconfig"] {
        let named = bound.last("kubeconfig").map(str::to_owned).or_else(|| {
            match call.scope.assigned("KUBECONFIG") {
                Some(EnvValue::Known(list)) => list
                    .split(':')
                    .find(|part| !part.is_empty())
                    .map(str::to_owned),
                _ => None,
            }
        });
        if let Some(kubeconfig) = named {
            let verdict = paths::write_switch(
                &word(&kubeconfig, scope::is_dynamic(&kubeconfig)),
                call.scope,
            );
            if !verdict.is_ordinary() {
                add(Verdict::of(
                    verdict.severity,
                    "aws",
                    path,
                    &format!("writes the kubeconfig: {}", verdict.reason),
                ));
            }
        }
    }
    if let Some(outfile) = bound
        .positionals
        .iter()
        .zip(&bound.positional_names)
        .find_map(|(value, name)| (*name == "outfile").then_some(*value))
        && let Some(verdict) = written(outfile, call.scope, path)
    {
        add(verdict);
    }
    worst
}

/// The parameters whose value the AWS CLI v1 never fetches or reads from a file, because it is
/// a URL the service itself uses (a queue's URL, a template's): awscli 1.45.11's
/// `paramfile.PARAMFILE_DISABLED`, its event names mapped to the CLI's command names (the
/// `custom.` ones are `cloudformation package|deploy` and `s3 cp|mv|sync`). Only the value
/// argparse keeps (the last) is exempt.
const PARAMFILE_DISABLED: &[(&str, &str, &str)] = &[
    ("apigateway", "create-api", "target"),
    ("apigateway", "create-integration", "integration-uri"),
    ("apigateway", "put-integration", "uri"),
    ("apigateway", "update-api", "target"),
    ("apigateway", "update-integration", "integration-uri"),
    ("appstream", "create-stack", "feedback-url"),
    ("appstream", "create-stack", "redirect-url"),
    ("appstream", "update-stack", "feedback-url"),
    ("appstream", "update-stack", "redirect-url"),
    ("cloudformation", "create-change-set", "template-url"),
    ("cloudformation", "create-stack", "stack-policy-url"),
    ("cloudformation", "create-stack", "template-url"),
    ("cloudformation", "create-stack-set", "template-url"),
    ("cloudformation", "deploy", "template-file"),
    ("cloudformation", "estimate-template-cost", "template-url"),
    ("cloudformation", "get-template-summary", "template-url"),
    ("cloudformation", "package", "template-file"),
    ("cloudformation", "register-type", "schema-handler-package"),
    ("cloudformation", "set-stack-policy", "stack-policy-url"),
    (
        "cloudformation",
        "update-stack",
        "stack-policy-during-update-url",
    ),
    ("cloudformation", "update-stack", "stack-policy-url"),
    ("cloudformation", "update-stack", "template-url"),
    ("cloudformation", "update-stack-set", "template-url"),
    ("cloudformation", "validate-template", "template-url"),
    ("comprehend", "batch-detect-dominant-language", "text-list"),
    ("comprehend", "batch-detect-entities", "text-list"),
    ("comprehend", "batch-detect-key-phrases", "text-list"),
    ("comprehend", "batch-detect-sentiment", "text-list"),
    ("comprehend", "detect-dominant-language", "text"),
    ("comprehend", "detect-entities", "text"),
    ("comprehend", "detect-key-phrases", "text"),
    ("comprehend", "detect-sentiment", "text"),
    ("emr", "create-studio", "idp-auth-url"),
    ("guardduty", "create-ip-set", "location"),
    ("guardduty", "create-threat-intel-set", "location"),
    ("guardduty", "update-ip-set", "location"),
    ("guardduty", "update-threat-intel-set", "location"),
    ("iam", "create-open-id-connect-provider", "url"),
    ("iot", "create-job", "document-source"),
    ("machinelearning", "predict", "predict-endpoint"),
    (
        "mediatailor",
        "put-playback-configuration",
        "ad-decision-server-url",
    ),
    ("mediatailor", "put-playback-configuration", "slate-ad-url"),
    (
        "mediatailor",
        "put-playback-configuration",
        "video-content-source-url",
    ),
    ("rds", "copy-db-cluster-snapshot", "pre-signed-url"),
    ("rds", "copy-db-snapshot", "pre-signed-url"),
    ("rds", "create-db-cluster", "pre-signed-url"),
    ("rds", "create-db-instance-read-replica", "pre-signed-url"),
    ("s3", "cp", "website-redirect"),
    ("s3", "mv", "website-redirect"),
    ("s3", "sync", "website-redirect"),
    ("s3api", "copy-object", "website-redirect-location"),
    (
        "s3api",
        "create-multipart-upload",
        "website-redirect-location",
    ),
    ("s3api", "put-object", "website-redirect-location"),
    (
        "sagemaker",
        "create-notebook-instance",
        "additional-code-repositories",
    ),
    (
        "sagemaker",
        "create-notebook-instance",
        "default-code-repository",
    ),
    (
        "sagemaker",
        "update-notebook-instance",
        "additional-code-repositories",
    ),
    (
        "sagemaker",
        "update-notebook-instance",
        "default-code-repository",
    ),
    ("serverlessrepo", "create-application", "home-page-url"),
    ("serverlessrepo", "create-application", "license-url"),
    ("serverlessrepo", "create-application", "readme-url"),
    ("serverlessrepo", "create-application", "source-code-url"),
    ("serverlessrepo", "create-application", "template-url"),
    (
        "serverlessrepo",
        "create-application-version",
        "source-code-url",
    ),
    (
        "serverlessrepo",
        "create-application-version",
        "template-url",
    ),
    ("serverlessrepo", "update-application", "home-page-url"),
    ("serverlessrepo", "update-application", "readme-url"),
    ("servicecatalog", "create-product", "support-url"),
    ("servicecatalog", "update-product", "support-url"),
    (
        "ses",
        "create-custom-verification-email-template",
        "failure-redirection-url",
    ),
    (
        "ses",
        "create-custom-verification-email-template",
        "success-redirection-url",
    ),
    ("ses", "put-account-details", "website-url"),
    (
        "ses",
        "update-custom-verification-email-template",
        "failure-redirection-url",
    ),
    (
        "ses",
        "update-custom-verification-email-template",
        "success-redirection-url",
    ),
    ("sns", "subscribe", "notification-endpoint"),
    ("sqs", "add-permission", "queue-url"),
    ("sqs", "change-message-visibility", "queue-url"),
    ("sqs", "change-message-visibility-batch", "queue-url"),
    ("sqs", "delete-message", "queue-url"),
    ("sqs", "delete-message-batch", "queue-url"),
    ("sqs", "delete-queue", "queue-url"),
    ("sqs", "get-queue-attributes", "queue-url"),
    ("sqs", "list-dead-letter-source-queues", "queue-url"),
    ("sqs", "list-queue-tags", "queue-url"),
    ("sqs", "purge-queue", "queue-url"),
    ("sqs", "receive-message", "queue-url"),
    ("sqs", "remove-permission", "queue-url"),
    ("sqs", "send-message", "queue-url"),
    ("sqs", "send-message-batch", "queue-url"),
    ("sqs", "set-queue-attributes", "queue-url"),
    ("sqs", "tag-queue", "queue-url"),
    ("sqs", "untag-queue", "queue-url"),
    ("translate", "translate-text", "text"),
    (
        "workdocs",
        "create-notification-subscription",
        "notification-endpoint",
    ),
];

/// An `http(s)://` parameter value, which the AWS CLI v1 fetches and sends in its place
/// (`cli_follow_urlparam`, on by default; v2 does not): a GET judged by curl's address rules
/// (the metadata and container endpoints are an export, a name on a machine that may reach
/// them unknown), and what it fetched is printed by `--debug` or sent to an `--endpoint-url`
/// of the line's choosing (red team R23).
fn add_remote(add: &mut impl FnMut(Verdict), call: &Call, path: &[&str], value: &str) {
    let shown = scope::shown(value);
    let rest = &shown[shown.find("://").map_or(0, |at| at + 3)..];
    let fetched = super::curl::network(
        rest,
        scope::is_dynamic(value) || shown.contains(['$', '`']),
        false,
        // It does not follow a redirect (checked with aws-cli 1.45: a 302 gives its body).
        None,
        call.scope,
    );
    if !fetched.is_ordinary() {
        add(Verdict::of(
            fetched.severity,
            "aws",
            path,
            &format!(
                "the AWS CLI v1 fetches {shown} as the parameter's value: {}",
                fetched.reason
            ),
        ));
    } else if call.debug {
        add(Verdict::of(
            Severity::Unknown,
            "aws",
            path,
            &format!("--debug prints each request, with what the AWS CLI v1 fetched from {shown}"),
        ));
    } else if call.endpoint_url {
        add(Verdict::of(
            Severity::Unknown,
            "aws",
            path,
            &format!(
                "sends what the AWS CLI v1 fetched from {shown} to the --endpoint-url the line chose"
            ),
        ));
    }
}

/// The word a judged argument stands for; text with an expansion in it (a `--opt=$X` value
/// reaches the judges unmarked) is dynamic.
pub(crate) fn word(text: &str, dynamic: bool) -> Word<'_> {
    let text = scope::shown(text);
    Word {
        text: text.into(),
        dynamic: dynamic || text.contains(['$', '`']),
    }
}

/// A local file the command writes (an OUTFILE, a download), judged by its path class.
pub(crate) fn written(file: &str, scope: &Scope, path: &[&str]) -> Option<Verdict> {
    if matches!(
        scope::shown(file),
        "-" | "/dev/stdout" | "/dev/stderr" | "/dev/null"
    ) {
        return None;
    }
    let verdict = paths::write(
        &word(file, scope::is_dynamic(file)),
        scope,
        paths::Write::Replace,
    );
    (!verdict.is_ordinary()).then(|| Verdict::of(verdict.severity, "aws", path, &verdict.reason))
}

/// Files written into `folder` under names that come from the bucket (a recursive download
/// or a sync; with `deletes`, files the source lacks are removed).
pub(crate) fn written_into(
    folder: &str,
    scope: &Scope,
    path: &[&str],
    deletes: bool,
) -> Option<Verdict> {
    let verdict = paths::write_into(&word(folder, scope::is_dynamic(folder)), scope, deletes);
    (!verdict.is_ordinary()).then(|| Verdict::of(verdict.severity, "aws", path, &verdict.reason))
}

/// Why uploading the local `source` (a file, or with `recursive` a folder) hands out
/// credentials or is unknowable, if it does.
pub(crate) fn sent(source: &str, recursive: bool, scope: &Scope, path: &[&str]) -> Option<Verdict> {
    let dynamic = scope::is_dynamic(source);
    let read = paths::read(&word(source, dynamic), scope);
    if !read.is_ordinary() {
        return Some(Verdict::of(read.severity, "aws", path, &read.reason));
    }
    if !recursive {
        return None;
    }
    // A folder: whatever store lies below it is sent too: the home folder (and any folder
    // above it) and /proc always hold one, a store elsewhere only where it exists.
    let at = match paths::locate(&word(source, dynamic), scope) {
        paths::Located::At(at) => at,
        paths::Located::Unknown(_) => return None,
    };
    let home = match scope.home() {
        Some(EnvValue::Known(home)) => paths::normalize(&home),
        _ => String::new(),
    };
    let above = |inner: &str| {
        at == "/"
            || inner == at
            || inner
                .strip_prefix(&at)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    const BELOW: &[&str] = &[
        ".aws/credentials",
        "credentials",
        "sso/cache",
        "cli/cache",
        ".aws/sso/cache",
        ".aws/cli/cache",
        ".cache/guard",
    ];
    let holds = (!home.is_empty() && above(&home))
        .then(|| home.clone())
        .or_else(|| above("/proc/self/environ").then(|| "/proc/self/environ".to_owned()))
        .or_else(|| {
            BELOW
                .iter()
                .map(|below| format!("{at}/{below}"))
                .find(|inside| {
                    paths::read(&Word::literal(inside), scope).severity == Severity::Export
                        && !matches!(
                            scope.disk().probe(std::path::Path::new(inside)),
                            super::Probe::Missing
                        )
                })
        })?;
    Some(Verdict::of(
        Severity::Export,
        "aws",
        path,
        &format!(
            "sends {source}, which holds a credential store ({holds}): the credentials leave guard unchecked"
        ),
    ))
}

/// The words after the operation, as its argparse parser would take them.
#[derive(Debug, Default)]
pub(crate) struct Bound<'a> {
    /// (option name, word as written), in order.
    options: Vec<(&'static str, &'a str)>,
    /// Values given to options, in order.
    values: Vec<&'a str>,
    /// For each value, the index in `options` of the option it was given to: an option may
    /// take none, one or several, attached (`--name=value`) or not.
    owners: Vec<usize>,
    pub positionals: Vec<&'a str>,
    positional_names: Vec<&'static str>,
    after_dashdash: bool,
}

impl<'a> Bound<'a> {
    /// Whether the option was given (by any spelling argparse accepts).
    pub fn has(&self, name: &str) -> bool {
        self.options.iter().any(|(option, _)| *option == name)
    }

    fn values(&self) -> impl Iterator<Item = &&'a str> {
        self.values.iter().chain(&self.positionals)
    }

    /// The last value given to an option (argparse keeps the last).
    fn last(&self, name: &str) -> Option<&'a str> {
        self.values
            .iter()
            .zip(&self.owners)
            .filter(|(_, owner)| self.options[**owner].0 == name)
            .map(|(value, _)| *value)
            .next_back()
    }
}

/// argparse's reading: an exact option name wins, else a unique prefix; `--name=value`
/// carries its value; a word that starts with `-` is never a value (a negative number is);
/// after `--` every word is positional. Returns the word guard cannot place.
pub(crate) fn bind<'a>(options: &Options, rest: &[&'a str]) -> Result<Bound<'a>, String> {
    let mut bound = Bound::default();
    let mut i = 0;
    while let Some(&word) = rest.get(i) {
        i += 1;
        if bound.after_dashdash || !is_option_word(word) {
            if word == "--" {
                bound.after_dashdash = true;
                continue;
            }
            bound.positionals.push(word);
            continue;
        }
        if word == "--" {
            bound.after_dashdash = true;
            continue;
        }
        let Some(body) = word.strip_prefix("--") else {
            return Err(word.to_owned());
        };
        let (name, attached) = match body.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (body, None),
        };
        let Some((option, arity)) = resolve(&options.options, name)? else {
            return Err(word.to_owned());
        };
        bound.options.push((option, word));
        let owner = bound.options.len() - 1;
        if let Some(value) = attached {
            if arity == Arity::Switch {
                return Err(word.to_owned());
            }
            bound.values.push(value);
            bound.owners.push(owner);
            continue;
        }
        let (least, most) = match arity {
            Arity::Switch => (0, 0),
            Arity::Exactly(n) => (usize::from(n), usize::from(n)),
            Arity::Optional => (0, 1),
            Arity::Any => (0, usize::MAX),
            Arity::AtLeastOne => (1, usize::MAX),
        };
        let mut taken = 0;
        while taken < most
            && let Some(&value) = rest.get(i)
            && !is_option_word(value)
        {
            bound.values.push(value);
            bound.owners.push(owner);
            taken += 1;
            i += 1;
        }
        if taken < least {
            return Err(format!("{word} (without its value)"));
        }
    }
    // Positionals in order; more words than the parser has places for is an error the CLI
    // reports, which guard does not try to predict.
    let mut places = 0usize;
    for (name, arity) in &options.positionals {
        let count = match arity {
            Arity::Exactly(n) => usize::from(*n),
            Arity::Optional => 1,
            _ => usize::MAX,
        };
        for _ in 0..count.min(bound.positionals.len().saturating_sub(places)) {
            bound.positional_names.push(name);
            places += 1;
        }
    }
    if let Some(extra) = bound.positionals.get(places) {
        return Err((*extra).to_owned());
    }
    Ok(bound)
}

/// argparse: a word that starts with `-` is an option unless it is a negative number or `-`.
fn is_option_word(word: &str) -> bool {
    word.len() > 1
        && word.starts_with('-')
        && !word[1..].chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// The option `name` stands for: exact, else the one option it is a prefix of. Ambiguity is
/// an error the CLI reports (nothing runs), which guard reports as a word it cannot place.
fn resolve(
    options: &[(&'static str, Arity)],
    name: &str,
) -> Result<Option<(&'static str, Arity)>, String> {
    if let Some(exact) = options.iter().find(|(option, _)| *option == name) {
        return Ok(Some(*exact));
    }
    if name.is_empty() {
        return Ok(None);
    }
    let mut matches = options
        .iter()
        .filter(|(option, _)| option.starts_with(name));
    match (matches.next(), matches.next()) {
        (Some(only), None) => Ok(Some(*only)),
        (Some(_), Some(_)) => Err(format!("--{name} (ambiguous)")),
        (None, _) => Ok(None),
    }
}

fn is_name(word: &str) -> bool {
    !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn by_verb(operation: &str) -> (Severity, String) {
    // `batch-get-item` reads, `batch-delete-attributes` deletes: judge what is batched.
    let judged = match operation.strip_prefix("batch-") {
        Some(batched) if !batched.is_empty() => batched,
        _ => operation,
    };
    let verb = judged.split('-').next().unwrap_or(judged);
    if READ_VERBS.contains(&verb) {
        (Severity::Read, format!("read-only ({verb}-)"))
    } else if DESTRUCTIVE_VERBS.contains(&verb) {
        (Severity::Destructive, format!("destructive ({verb}-)"))
    } else {
        (Severity::Write, "creates or changes resources".to_owned())
    }
}

/// Variables of `aws configure get` that hold a secret.
fn is_secret_setting(name: &str) -> bool {
    let key = name.rsplit('.').next().unwrap_or(name);
    matches!(
        key.to_ascii_lowercase().as_str(),
        "aws_secret_access_key" | "aws_session_token" | "aws_security_token"
    )
}

/// `aws configure [subcommand]`: local configuration only.
pub(crate) fn configure(subcommand: Option<&str>, rest: &[&str]) -> Verdict {
    let verdict = configure_command(subcommand, rest);
    if verdict.severity != Severity::Read {
        return verdict;
    }
    // A read takes only the words its parser knows: v1's from the table, v2's own none.
    let path: Vec<&str> = verdict.command.iter().map(String::as_str).collect();
    let options = subcommand
        .and_then(|sub| aws_table::operation("configure", sub))
        .map(|found| found.options())
        .unwrap_or_default();
    match bind(&options, rest) {
        Ok(bound) if !bound.after_dashdash => verdict,
        Ok(_) => Verdict::of(
            Severity::Unknown,
            "aws",
            &path,
            "-- ends the options; guard does not judge the words after it",
        ),
        Err(word) => Verdict::of(
            Severity::Unknown,
            "aws",
            &path,
            &format!(
                "{} is not a word this command takes; guard does not know what it does",
                scope::shown(&word)
            ),
        ),
    }
}

fn configure_command(subcommand: Option<&str>, rest: &[&str]) -> Verdict {
    let Some(sub) = subcommand else {
        return Verdict::of(
            Severity::Write,
            "aws",
            &["configure"],
            "interactively changes the local AWS CLI configuration",
        );
    };
    let path = ["configure", sub];
    match sub {
        "export-credentials" => Verdict::of(
            Severity::Export,
            "aws",
            &path,
            "prints the credentials (the ones guard injects) for other programs; what uses them is not checked",
        ),
        "get" => match rest {
            names if names.iter().any(|name| scope::is_dynamic(name)) => Verdict::of(
                Severity::Unknown,
                "aws",
                &path,
                "the setting's name comes from an expansion; it may be a secret key",
            ),
            [name] if is_secret_setting(name) => Verdict::of(
                Severity::Export,
                "aws",
                &path,
                &format!("prints {name}, a secret; what uses it is not checked"),
            ),
            [name] if !name.starts_with('-') => Verdict::of(
                Severity::Read,
                "aws",
                &path,
                "reads the local AWS CLI configuration",
            ),
            _ => Verdict::of(
                Severity::Unknown,
                "aws",
                &path,
                "takes one setting name; guard does not know these words",
            ),
        },
        "list" | "list-profiles" | "help" => Verdict::of(
            Severity::Read,
            "aws",
            &path,
            "reads the local AWS CLI configuration",
        ),
        "set" | "import" | "sso" | "sso-session" | "add-model" => Verdict::of(
            Severity::Write,
            "aws",
            &path,
            "changes the local AWS CLI configuration, no AWS change",
        ),
        _ => Verdict::of(
            Severity::Unknown,
            "aws",
            &path,
            "not a configure subcommand guard knows",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_decide() {
        assert_eq!(by_verb("describe-instances").0, Severity::Read);
        assert_eq!(by_verb("batch-get-item").0, Severity::Read);
        assert_eq!(by_verb("batch-delete-attributes").0, Severity::Destructive);
        assert_eq!(by_verb("batch-write-item").0, Severity::Write);
        assert_eq!(by_verb("terminate-instances").0, Severity::Destructive);
        assert_eq!(by_verb("scan").0, Severity::Read);
        assert_eq!(by_verb("invoke").0, Severity::Write);
        assert_eq!(by_verb("batch-").0, Severity::Write);
    }

    #[test]
    fn binding_follows_argparse() {
        let options = Options {
            options: vec![
                ("instance-ids", Arity::Any),
                ("dry-run", Arity::Switch),
                ("no-dry-run", Arity::Switch),
                ("max-results", Arity::Exactly(1)),
                ("dns-name", Arity::Exactly(1)),
            ],
            positionals: vec![("outfile", Arity::Exactly(1))],
        };
        let bound = bind(
            &options,
            &["--inst", "i-1", "i-2", "--dry", "--max-results=5"],
        )
        .expect("binds");
        assert_eq!(bound.values, ["i-1", "i-2", "5"]);
        assert_eq!(bound.options.len(), 3);
        assert_eq!(bound.last("max-results"), Some("5"));
        assert!(bind(&options, &["--unknown"]).is_err());
        assert!(bind(&options, &["--d"]).is_err(), "ambiguous prefix");
        assert!(bind(&options, &["--dry-run=1"]).is_err());
        assert!(bind(&options, &["--max-results"]).is_err());
        let bound = bind(&options, &["--max-results", "-5", "out"]).expect("negative value");
        assert_eq!(bound.positional_names, ["outfile"]);
        assert!(bind(&options, &["a", "b"]).is_err(), "one outfile only");
        let bound = bind(&options, &["--", "--dry-run"]).expect("positional");
        assert!(bound.after_dashdash);
        assert_eq!(bound.positionals, ["--dry-run"]);
    }

    /// Every command of the table gets a class.
    #[test]
    fn every_operation_has_a_class() {
        let mut counts = std::collections::BTreeMap::new();
        for (service, key) in aws_table::keys() {
            let found = aws_table::operation(service, key).expect("listed");
            let (severity, _) = judge_operation(service, key, &found);
            *counts.entry(severity).or_insert(0) += 1;
        }
        // botocore 1.43.11: Read 8208, Write 7167, Destructive 3244, Unknown 111, Export 126.
        assert!(counts[&Severity::Read] > 5_000, "{counts:?}");
        assert!(counts[&Severity::Export] > 100, "{counts:?}");
    }

    /// Every reviewed exception names an operation the table has, and every read-verb
    /// operation whose output the model marks as credentials is either an export or reviewed.
    #[test]
    fn exceptions_name_real_operations() {
        for (service, operation, _) in NOT_CREDENTIALS {
            let found = aws_table::operation(service, operation)
                .unwrap_or_else(|| panic!("{service} {operation} is not in the table"));
            assert!(
                found.returns_credentials(),
                "{service} {operation} needs no review"
            );
        }
        for (service, operation) in [
            ("ecr", "get-login-password"),
            ("ecr", "get-authorization-token"),
            ("codeartifact", "get-authorization-token"),
            ("codeartifact", "login"),
            ("redshift", "get-cluster-credentials"),
            ("redshift", "get-cluster-credentials-with-iam"),
            ("redshift-serverless", "get-credentials"),
            ("rds", "generate-db-auth-token"),
            ("lakeformation", "get-temporary-glue-table-credentials"),
            ("s3control", "get-data-access"),
            ("datazone", "get-environment-credentials"),
            ("sts", "get-delegated-access-token"),
            ("sso", "get-role-credentials"),
            ("gamelift", "get-compute-access"),
            ("lightsail", "get-instance-access-details"),
            ("emr", "get-cluster-session-credentials"),
            ("codepipeline", "get-job-details"),
            // Red team F26, F45: tokens, keys, client secrets and presigned links.
            ("bedrock-agentcore", "get-workload-access-token"),
            ("bedrock-agentcore", "get-workload-access-token-for-user-id"),
            ("bedrock-agentcore", "get-resource-api-key"),
            ("redshift-serverless", "get-identity-center-auth-token"),
            ("route53globalresolver", "get-access-token"),
            ("cognito-idp", "describe-user-pool-client"),
            ("cognito-idp", "list-user-pool-client-secrets"),
            ("ec2", "describe-verified-access-trust-providers"),
            ("ec2", "describe-vpn-connections"),
            ("wickr", "get-opentdf-config"),
            ("storagegateway", "describe-chap-credentials"),
            ("interconnect", "get-connection"),
            ("ivs", "get-stream-key"),
            ("ivs", "batch-get-stream-key"),
            ("ivs", "get-channel"),
            ("ivs-realtime", "get-ingest-configuration"),
            ("appsync", "list-api-keys"),
            ("devicefarm", "get-upload"),
            ("devicefarm", "list-uploads"),
            ("security-ir", "get-case-attachment-download-url"),
            ("quicksight", "describe-asset-bundle-export-job"),
            ("finspace", "get-kx-connection-string"),
            ("qconnect", "get-content"),
            ("wisdom", "get-content"),
            ("lambda", "get-function"),
            ("lambda", "get-layer-version"),
            ("lambda", "get-layer-version-by-arn"),
            ("ecr", "get-download-url-for-layer"),
            ("emr", "get-on-cluster-app-ui-presigned-url"),
            ("emr", "get-persistent-app-ui-presigned-url"),
            ("datazone", "get-iam-portal-login-url"),
        ] {
            let found = aws_table::operation(service, operation)
                .unwrap_or_else(|| panic!("{service} {operation} is not in the table"));
            assert_eq!(
                judge_operation(service, operation, &found).0,
                Severity::Export,
                "{service} {operation}"
            );
        }
    }
}
