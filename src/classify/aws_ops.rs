//! AWS API operations (and `s3api`): judged by the verb their name starts with, after a
//! few special cases. AWS names operations consistently (`describe-`, `list-`, `delete-`),
//! which is what makes a verb rule safe; anything that is neither a read verb nor a
//! destructive verb counts as a write.

use super::Severity;
use super::scope;
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

/// Operations whose name's verb would mislead.
fn special_case(service: &str, operation: &str, rest: &[&str]) -> Option<(Severity, &'static str)> {
    let case = match (service, operation) {
        // Verbs that say read, operations that act.
        ("stepfunctions", "test-state") => (
            Severity::Write,
            "runs the state for real (a Task state calls its service)",
        ),
        ("cloudformation", "test-type") => (
            Severity::Write,
            "runs the type's contract tests, which create and delete real resources",
        ),
        ("redshift", "get-cluster-credentials") if auto_creates(rest) => {
            (Severity::Write, "creates the database user (--auto-create)")
        }
        ("lightsail", "download-default-key-pair") => (
            Severity::Write,
            "creates the default key pair when there is none",
        ),
        ("timestream-query", "query") => return timestream_query(rest),
        ("cognito-identity", "get-id") => (
            Severity::Write,
            "creates an identity in the pool when it is new",
        ),
        ("transfer", "test-identity-provider") => (
            Severity::Write,
            "calls the server's identity provider (a Lambda or API) for real",
        ),
        ("cognito-identity", "get-open-id-token-for-developer-identity") => (
            Severity::Write,
            "registers the identity in the pool when it is new",
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
        ("ec2-instance-connect", "ssh") => (
            Severity::Unknown,
            "runs ssh on the instance; guard cannot see what runs there",
        ),
        ("emr", "ssh") => (
            Severity::Unknown,
            "runs ssh on the cluster's primary node; guard cannot see what runs there",
        ),
        ("ssm", "send-command" | "start-session") | ("ecs", "execute-command") => (
            Severity::Unknown,
            "runs commands on the instances or containers; guard cannot see what they do",
        ),
        // Verbs that say write, operations that change nothing.
        ("kms", "decrypt" | "encrypt") => (
            Severity::Read,
            "a cryptographic operation, changes no resources",
        ),
        ("logs", "start-query") => (
            Severity::Read,
            "starts a Logs Insights query, changes no resources",
        ),
        ("sts", "decode-authorization-message") => (
            Severity::Read,
            "decodes an error message, changes no resources",
        ),
        ("rds", "generate-db-auth-token") => {
            (Severity::Read, "makes a token locally, calls no API")
        }
        ("codeartifact", "login") => (
            Severity::Read,
            "configures a local package manager with a token, no AWS change",
        ),
        // New credentials (or a cluster token) printed for other programs: they leave guard
        // as `guard env` and `guard eks-token` hand them out.
        ("sts", op)
            if op.starts_with("assume-role")
                || matches!(op, "get-session-token" | "get-federation-token") =>
        {
            (
                Severity::Export,
                "issues temporary credentials and prints them; what uses them is not checked",
            )
        }
        ("eks", "get-token") => (
            Severity::Export,
            "prints a token for the cluster made from the credentials; what uses it is not checked",
        ),
        ("sso", "login" | "logout") => (
            Severity::Read,
            "signs in or out locally, changes no resources",
        ),
        ("logs", "tail" | "start-live-tail") => (Severity::Read, "streams log events"),
        ("history", _) => (Severity::Read, "shows the local command history"),
        ("eks", "update-kubeconfig") => {
            (Severity::Read, "writes the local kubeconfig, no AWS change")
        }
        ("kms", "schedule-key-deletion") => (Severity::Destructive, "schedules a key's deletion"),
        // `test-invoke-method` runs the integration (e.g. a Lambda) for real.
        (_, op) if op.starts_with("test-invoke-") => {
            (Severity::Write, "invokes the real integration")
        }
        _ => return None,
    };
    Some(case)
}

pub(crate) fn classify(service: &str, operation: &str, rest: &[&str]) -> Verdict {
    let path = [service, operation];
    let (severity, what) = match special_case(service, operation, rest) {
        Some((severity, what)) => (severity, what.to_owned()),
        None => by_verb(operation),
    };
    // Only a change can be a dry run: what guard cannot see stays unknown.
    if matches!(severity, Severity::Write | Severity::Destructive) && is_dry_run(rest) {
        return Verdict::of_flag(
            Severity::Read,
            "aws",
            &path,
            "--dry-run",
            "dry run, changes nothing",
        );
    }
    Verdict::of(severity, "aws", &path, &what)
}

/// `--auto-create` or a prefix argparse expands to it (`--a` is already unique).
fn auto_creates(rest: &[&str]) -> bool {
    rest.iter()
        .any(|arg| arg.len() >= "--a".len() && "--auto-create".starts_with(arg))
}

/// A Timestream query is read-only unless it is an `UNLOAD`, which writes to S3.
fn timestream_query(rest: &[&str]) -> Option<(Severity, &'static str)> {
    if rest.iter().any(|arg| arg.starts_with("--cli-input")) {
        return Some((
            Severity::Unknown,
            "the query may come from --cli-input-json/yaml; guard cannot see it",
        ));
    }
    let query = rest.iter().enumerate().find_map(|(i, arg)| {
        if *arg == "--query-string" {
            rest.get(i + 1).copied()
        } else {
            arg.strip_prefix("--query-string=")
        }
    })?;
    if scope::is_dynamic(query) || query.starts_with("file://") || query.starts_with("fileb://") {
        return Some((
            Severity::Unknown,
            "the query comes from a file or an expansion; an UNLOAD would write to S3",
        ));
    }
    query
        .to_ascii_lowercase()
        .contains("unload")
        .then_some((Severity::Write, "an UNLOAD query writes its results to S3"))
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

/// EC2-style `--dry-run` / `--no-dry-run`: the last one wins. A prefix of `--no-dry-run`
/// counts as one (argparse would expand it); `--dry-run` only counts written in full, so an
/// abbreviation errs towards asking.
fn is_dry_run(rest: &[&str]) -> bool {
    let mut dry = false;
    for arg in rest {
        if *arg == "--dry-run" {
            dry = true;
        } else if arg.len() >= "--no-d".len() && "--no-dry-run".starts_with(arg) {
            dry = false;
        }
    }
    dry
}

/// `aws configure [subcommand]`: local configuration only.
pub(crate) fn configure(subcommand: Option<&str>) -> Verdict {
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
        "list" | "get" | "list-profiles" | "help" => Verdict::of(
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
    fn last_dry_run_flag_wins() {
        assert!(is_dry_run(&["--dry-run"]));
        assert!(!is_dry_run(&["--dry-run", "--no-dry-run"]));
        assert!(!is_dry_run(&["--dry-run", "--no-dry"]));
        assert!(is_dry_run(&["--no-dry-run", "--dry-run"]));
        assert!(!is_dry_run(&["--dry"]));
    }
}
