//! `terraform` and `tofu`, reproducing how their `main` builds the argument list:
//! `-chdir` is removed, `TF_CLI_ARGS` and `TF_CLI_ARGS_<subcommand>` are inserted after the
//! subcommand, and `-v`/`-version` anywhere turns the run into `version`.

use super::Severity;
use super::flags::{Arity, Effect, Flag, is_false, is_true};
use super::local;
use super::paths;
use super::scope::{self, EnvValue, Scope, Word};
use super::shell;
use super::table;
use super::terraform_flags::SUBCOMMANDS;
use super::tool_paths;
use super::verdict::Verdict;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    Terraform,
    Tofu,
}

/// Subcommands with subcommands of their own (mitchellh/cli's nested commands). tofu adds
/// the aliases `state ls`, `state remove` and `state move`.
const NESTED: &[(&str, &[&str])] = &[
    (
        "state",
        &[
            "list",
            "ls",
            "mv",
            "move",
            "pull",
            "push",
            "replace-provider",
            "rm",
            "remove",
            "show",
            "identities",
        ],
    ),
    ("workspace", &["delete", "list", "new", "select", "show"]),
    ("env", &["delete", "list", "new", "select"]),
    ("providers", &["lock", "mirror", "schema"]),
    ("metadata", &["functions"]),
];

/// Flags that take a separate value word (Go's flag package: `-var x=1`).
const VALUED: &[&str] = &[
    "var",
    "var-file",
    "target",
    "replace",
    "exclude",
    "state",
    "state-out",
    "backup",
    "lock-timeout",
    "parallelism",
    "out",
    "generate-config-out",
    "backend-config",
    "plugin-dir",
    "from-module",
    "lockfile",
    "test-directory",
    "filter",
    "platform",
    "fs-mirror",
    "net-mirror",
];

pub(crate) fn classify(flavor: Flavor, args: &[String], scope: &Scope) -> Verdict {
    let label = match flavor {
        Flavor::Terraform => "terraform",
        Flavor::Tofu => "tofu",
    };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    classify_as(label, flavor, &args, scope)
}

/// Classifies a terraform command line; terragrunt calls this for the terraform part of
/// its own command line, with its own label.
pub(crate) fn classify_as(label: &str, flavor: Flavor, args: &[&str], outer: &Scope) -> Verdict {
    let (merged, env_note) = match as_terraform_reads_them(label, flavor, args, outer) {
        Ok(read) => read,
        Err(verdict) => return verdict,
    };
    // terraform changes into -chdir's folder before it reads anything: every relative path
    // (`-var-file`, `-out`, `-state`, a plan file) is that folder's.
    let moved;
    let scope = match chdir_folder(args, outer) {
        Some(folder) => {
            let mut inner = outer.clone();
            inner.set_workdir(folder);
            moved = inner;
            &moved
        }
        None => outer,
    };
    let merged: Vec<&str> = merged.iter().map(String::as_str).collect();
    let mut verdict = judge(label, &merged);
    if verdict.severity == Severity::Read
        && let Some(unproven) = prove(label, &merged, scope)
    {
        verdict = unproven;
    }
    verdict = verdict.or_worse(paths(label, &merged, scope));
    verdict = verdict.or_worse(init_sources(label, &merged, scope));
    verdict = verdict.or_worse(log_path(label, scope));
    verdict.reason.push_str(&env_note);
    verdict
}

/// Variables set on the command line that make terraform run programs guard cannot see: a
/// CLI configuration (`dev_overrides` and `provider_installation` choose the provider
/// binaries, `credentials_helper` is a program), found directly or in `HOME`. The inherited
/// values are the user's own setup.
const RUNS: &[(&str, &str)] = &[
    (
        "TF_CLI_CONFIG_FILE",
        "names a CLI configuration, whose dev_overrides, provider_installation and credentials_helper choose programs terraform runs",
    ),
    (
        "TERRAFORM_CONFIG",
        "names a CLI configuration, whose dev_overrides, provider_installation and credentials_helper choose programs terraform runs",
    ),
    (
        "HOME",
        "terraform reads ~/.terraformrc and ~/.terraform.d/plugins there, which choose programs it runs",
    ),
    // OpenTofu reads its CLI configuration and plugins under the XDG folders too
    // (`$XDG_CONFIG_HOME/opentofu/tofurc`, `$XDG_DATA_HOME/opentofu/plugins`), and setups name
    // it with `TOFU_CLI_CONFIG_FILE`; terraform ignores these (unknown costs a question only).
    (
        "TOFU_CLI_CONFIG_FILE",
        "names a CLI configuration for OpenTofu, whose dev_overrides, provider_installation and credentials_helper choose programs it runs",
    ),
    (
        "XDG_CONFIG_HOME",
        "OpenTofu reads opentofu/tofurc there, whose provider_installation and credentials_helper choose programs it runs",
    ),
    (
        "XDG_DATA_HOME",
        "OpenTofu looks for provider plugins under opentofu/plugins there, programs it runs",
    ),
    (
        "TF_DATA_DIR",
        "terraform reads the modules and providers `init` put there, and writes there; guard cannot see them",
    ),
    (
        "TF_PLUGIN_CACHE_DIR",
        "terraform installs providers from that folder and writes them there; guard cannot see them",
    ),
    (
        "TF_REATTACH_PROVIDERS",
        "terraform talks to the provider processes it names instead of starting its own, programs guard cannot see",
    ),
];

/// Variables that make git (which `init` and `get` run for git module sources) run programs
/// or read a configuration of the line's choosing.
const GIT_RUNS: &[&str] = &[
    "GIT_SSH_COMMAND",
    "GIT_SSH",
    "GIT_CONFIG_COUNT",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_SYSTEM",
    "GIT_CONFIG",
];

/// Read is a proof: a read terraform line is read only when every option is one the
/// subcommand's `-help` lists (`terraform_flags`) and no variable on the line makes terraform
/// run a program of its choosing. Some(unknown verdict) otherwise.
fn prove(label: &str, args: &[&str], scope: &Scope) -> Option<Verdict> {
    // terraform's main loads the CLI configuration before anything else.
    for (var, what) in RUNS {
        if scope.assigned(var).is_some() {
            let what = format!("{var} is set: {what}");
            return Some(Verdict::of(Severity::Unknown, label, &[], &what));
        }
    }
    let not_known = table::not_known;
    let Some((path, after)) = subcommand(args) else {
        // Only help and the version: `-version` with anything else runs `version` with it.
        let flag = args
            .iter()
            .find(|arg| !is_help(arg) && !matches!(**arg, "-v" | "-version" | "--version"))?;
        return Some(Verdict::of(Severity::Unknown, label, &[], &not_known(flag)));
    };
    let unknown = |what: String| Some(Verdict::of(Severity::Unknown, label, &path, &what));
    if matches!(path.as_slice(), ["init" | "get"]) {
        for var in GIT_RUNS {
            if scope.assigned(var).is_some() {
                return unknown(format!(
                    "{var} is set: git fetches the modules with it and may run programs it names"
                ));
            }
        }
    }
    let before = args.get(..after).unwrap_or_default();
    if let Some(flag) = before
        .iter()
        .find(|arg| arg.starts_with('-') && !is_help(arg))
    {
        return unknown(not_known(flag));
    }
    // A subcommand with subcommands of its own (`state`) only prints help: no options.
    let table = flags_of(&path).unwrap_or_default();
    let rest = args.get(after..).unwrap_or_default();
    let region = flag_region_of(rest, table);
    let mut i = 0;
    while let Some(arg) = region.get(i) {
        i += 1;
        if is_help(arg) {
            continue;
        }
        let name = flag_name(arg);
        let (name, inline) = match name.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (name, None),
        };
        let Some(flag) = table.iter().find(|flag| &flag.name[1..] == name) else {
            return unknown(not_known(arg));
        };
        if inline.is_none() && flag.arity == Arity::Value {
            i += 1;
        }
    }
    // After the first operand Go's flag package stops: an option there is an operand
    // terraform refuses, or one guard does not know.
    if let Some(flag) = rest[region.len()..].iter().find(|arg| {
        (arg.starts_with('-') && arg.len() > 1 && **arg != "--") || scope::could_be_option(arg)
    }) {
        return unknown(not_known(flag));
    }
    None
}

/// The options of a subcommand, None for a path the table does not list (its verdict is
/// not read, or help).
fn flags_of(path: &[&str]) -> Option<&'static [Flag]> {
    let joined = path.join(" ");
    let joined = match joined.as_str() {
        // tofu's aliases and terraform's deprecated `env`.
        "state ls" => "state list".to_owned(),
        "state remove" => "state rm".to_owned(),
        "state move" => "state mv".to_owned(),
        other => other.replacen("env ", "workspace ", 1),
    };
    SUBCOMMANDS
        .iter()
        .find(|(name, _)| *name == joined)
        .map(|(_, flags)| *flags)
}

/// The leading options as Go's flag package reads them with the subcommand's own arities.
fn flag_region_of<'a, 'b>(args: &'b [&'a str], table: &[Flag]) -> &'b [&'a str] {
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        if *arg == "--" || !arg.starts_with('-') || *arg == "-" {
            break;
        }
        let name = flag_name(arg);
        let valued = !name.contains('=')
            && table
                .iter()
                .any(|flag| &flag.name[1..] == name && flag.arity == Arity::Value);
        i += if valued { 2 } else { 1 };
    }
    args.get(..i.min(args.len())).unwrap_or_default()
}

/// `TF_LOG_PATH` set on the command line: terraform appends its log there (with `TF_LOG`,
/// which may be inherited; the log holds the command line and the variables' values), judged
/// by the file's class.
fn log_path(label: &str, scope: &Scope) -> Verdict {
    let none = Verdict::of(Severity::Read, label, &[], "");
    let word = match scope.assigned("TF_LOG_PATH") {
        Some(EnvValue::Known(path)) if path.is_empty() => return none,
        Some(EnvValue::Known(path)) => Word {
            text: path.into(),
            dynamic: false,
        },
        Some(EnvValue::Dynamic) => Word {
            text: "$TF_LOG_PATH".into(),
            dynamic: true,
        },
        None => return none,
    };
    let judged = paths::write(&word, scope, paths::Write::Append);
    if judged.is_ordinary() {
        return none;
    }
    let what = format!(
        "TF_LOG_PATH is set: terraform writes its log there; {}",
        judged.reason
    );
    Verdict::of(judged.severity, label, &[], &what)
}

/// The paths the subcommand's options name, judged by their class (`-var-file
/// /proc/self/environ` reads the environment).
fn paths(label: &str, args: &[&str], scope: &Scope) -> Verdict {
    let none = Verdict::of(Severity::Read, label, &[], "");
    let Some((path, after)) = subcommand(args) else {
        return none;
    };
    let Some(table) = flags_of(&path) else {
        return none;
    };
    let rest = args.get(after..).unwrap_or_default();
    let region = flag_region_of(rest, table);
    let mut worst = none;
    for (i, arg) in region.iter().enumerate() {
        let name = flag_name(arg);
        let (name, inline) = match name.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (name, None),
        };
        let Some(flag) = table.iter().find(|flag| &flag.name[1..] == name) else {
            continue;
        };
        let Some(value) = inline.or_else(|| region.get(i + 1).copied()) else {
            continue;
        };
        let judged = match flag.effect {
            Effect::Reads => tool_paths::read(value, scope),
            Effect::Writes | Effect::Switches => tool_paths::write(value, scope),
            Effect::Inert => None,
        };
        if let Some((severity, why)) = judged {
            worst = worst.or_worse(Verdict::of_flag(severity, label, &path, flag.name, &why));
        }
    }
    worst
}

/// `init`'s options that bring in configuration or programs from elsewhere: `-from-module=SRC`
/// copies the module's files (`main.tf`, ...) into the working folder (checked with terraform
/// 1.11.4: main.tf copied into an empty -chdir folder), so the next terraform run there executes
/// the source's configuration (`data "external"` runs a program at plan time): a write of
/// trusted project files, and the commands after it on the line see files guard cannot
/// name there. `-plugin-dir` installs the providers found in that folder, programs guard
/// cannot see (as `TF_PLUGIN_CACHE_DIR`).
fn init_sources(label: &str, args: &[&str], scope: &Scope) -> Verdict {
    let none = Verdict::of(Severity::Read, label, &[], "");
    let Some((path, after)) = subcommand(args) else {
        return none;
    };
    if path != ["init"] {
        return none;
    }
    let rest = args.get(after..).unwrap_or_default();
    let given = |flag: &str| {
        flag_region(rest).iter().any(|arg| {
            let name = flag_name(arg);
            arg.starts_with('-')
                && (name == flag
                    || name
                        .strip_prefix(flag)
                        .is_some_and(|value| value.starts_with('=')))
        })
    };
    if given("plugin-dir") {
        return Verdict::of_flag(
            Severity::Unknown,
            label,
            &path,
            "-plugin-dir",
            "installs the providers found in that folder, programs guard cannot see",
        );
    }
    if !given("from-module") {
        return none;
    }
    let into = match scope.workdir() {
        paths::WorkDir::Known(dir) => {
            scope.note_write(scope::Wrote::Folder(dir.clone()));
            dir.clone()
        }
        paths::WorkDir::Unknown(why) => {
            scope.note_write(scope::Wrote::Somewhere("-from-module".to_owned()));
            format!("a folder guard does not know ({why})")
        }
    };
    Verdict::of_flag(
        Severity::Write,
        label,
        &path,
        "-from-module",
        &format!(
            "copies the module's configuration into {into}: the next terraform run there executes it"
        ),
    )
}

/// The arguments as terraform's `main` hands them to the subcommand (`-chdir` removed,
/// `TF_CLI_ARGS*` inserted), with a note when the environment added some; Err when guard
/// cannot know them.
fn as_terraform_reads_them(
    label: &str,
    flavor: Flavor,
    args: &[&str],
    scope: &Scope,
) -> Result<(Vec<String>, String), Verdict> {
    let args = without_chdir(args);
    let typed = subcommand(&args).map(|(path, _)| path);
    let suffix = typed
        .as_ref()
        .map_or_else(String::new, |path| path.join("_").replace('-', "_"));
    // TF_CLI_ARGS_<subcommand> ends up before TF_CLI_ARGS: terraform inserts each at the
    // same place, the specific one last.
    let mut inserted = Vec::new();
    let mut env_note = String::new();
    for var in [format!("TF_CLI_ARGS_{suffix}"), "TF_CLI_ARGS".to_owned()] {
        let extra = match scope.var(&var) {
            None => continue,
            Some(EnvValue::Known(value)) if value.is_empty() => continue,
            Some(EnvValue::Known(value)) => value,
            Some(EnvValue::Dynamic) => {
                return Err(Verdict::of(
                    Severity::Unknown,
                    label,
                    &[],
                    &format!("{var} comes from an expansion; guard cannot see its value"),
                ));
            }
        };
        let Some(words) = shell::split_words(&extra) else {
            return Err(Verdict::of(
                Severity::Unknown,
                label,
                &[],
                &format!("{var} could not be split into arguments"),
            ));
        };
        inserted.extend(words.into_iter().map(|word| word.text.into_owned()));
        if env_note.is_empty() {
            env_note = format!(" ({var} adds arguments)");
        }
    }
    // After the first argument equal to the subcommand's last word, or at the front when
    // there is no subcommand.
    let search = typed
        .as_ref()
        .and_then(|path| path.last().copied())
        .unwrap_or("");
    let at = args
        .iter()
        .position(|arg| *arg == search)
        .map_or(0, |i| i + 1);
    let mut merged: Vec<String> = Vec::with_capacity(args.len() + inserted.len());
    merged.extend(args[..at].iter().map(|arg| (*arg).to_owned()));
    merged.extend(inserted);
    merged.extend(args[at..].iter().map(|arg| (*arg).to_owned()));
    if flavor == Flavor::Tofu && merged.iter().any(|arg| arg.starts_with('@')) {
        return Err(Verdict::of(
            Severity::Unknown,
            label,
            &[],
            "reads more arguments from an @FILE; guard cannot see them",
        ));
    }
    Ok((merged, env_note))
}

/// What `terraform apply PLANFILE` would apply: the plan file, and the `-chdir` options that
/// choose the directory it is read in (as typed, for `show` to get the same).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedPlan {
    pub chdir: Vec<String>,
    pub plan: String,
}

/// The saved plan of an apply that only a plan decides: None for anything else (no plan, an
/// apply that `-destroy` or `-replace` already makes destructive, help, version).
pub(crate) fn saved_plan(flavor: Flavor, args: &[&str], scope: &Scope) -> Option<SavedPlan> {
    let (merged, _) = as_terraform_reads_them("terraform", flavor, args, scope).ok()?;
    let merged: Vec<&str> = merged.iter().map(String::as_str).collect();
    let verdict = judge("terraform", &merged);
    if verdict.command != ["apply"] || verdict.severity != Severity::Unknown {
        return None;
    }
    let (_, after) = subcommand(&merged)?;
    let plan = plan_file(merged.get(after..).unwrap_or_default())?;
    Some(SavedPlan {
        chdir: split_chdir(args).1.into_iter().map(str::to_owned).collect(),
        plan: plan.to_owned(),
    })
}

/// The folder the `-chdir` options move terraform to, resolved where the command runs
/// (None without one; unknown when there are several or it comes from an expansion).
fn chdir_folder(args: &[&str], scope: &Scope) -> Option<paths::WorkDir> {
    let typed = split_chdir(args).1;
    let mut values = Vec::new();
    let mut words = typed.iter();
    while let Some(option) = words.next() {
        match option.split_once('=') {
            Some((_, value)) => values.push(value),
            None => values.push(words.next().copied().unwrap_or_default()),
        }
    }
    match values.as_slice() {
        [] => None,
        [value] => {
            let word = Word {
                text: std::borrow::Cow::Borrowed(scope::shown(value)),
                // `-chdir=$D` reaches here with its flag name literal and `$D` as written.
                dynamic: scope::is_dynamic(value) || value.contains(['$', '`', '*', '?', '[']),
            };
            Some(match paths::locate(&word, scope) {
                paths::Located::At(at) => paths::WorkDir::Known(at),
                paths::Located::Unknown(why) => paths::WorkDir::Unknown(why),
            })
        }
        _ => Some(paths::WorkDir::Unknown(
            "-chdir is given more than once".to_owned(),
        )),
    }
}

/// Removes `-chdir=DIR` (and tofu's `-chdir DIR`, `--chdir[=]DIR`) from the options before
/// the subcommand.
fn without_chdir<'a>(args: &[&'a str]) -> Vec<&'a str> {
    split_chdir(args).0
}

/// The arguments without the `-chdir` options, and those options as typed.
fn split_chdir<'a>(args: &[&'a str]) -> (Vec<&'a str>, Vec<&'a str>) {
    let mut kept = Vec::with_capacity(args.len());
    let mut chdir = Vec::new();
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        if !arg.starts_with('-') {
            kept.extend_from_slice(&args[i - 1..]);
            break;
        }
        let name = arg.trim_start_matches('-');
        if name == "chdir" {
            chdir.extend(args.get(i - 1..(i + 1).min(args.len())).unwrap_or_default());
            i += 1;
        } else if name.starts_with("chdir=") {
            chdir.push(*arg);
        } else {
            kept.push(arg);
        }
    }
    (kept, chdir)
}

/// The subcommand path (e.g. ["state", "rm"]) and the index of the first argument after it.
fn subcommand<'a>(args: &[&'a str]) -> Option<(Vec<&'a str>, usize)> {
    let first = args
        .iter()
        .position(|arg| !arg.is_empty() && !arg.starts_with('-'))?;
    let name = args[first];
    let child = NESTED
        .iter()
        .find(|(parent, _)| *parent == name)
        .and_then(|(_, children)| {
            let next = args.get(first + 1)?;
            children.contains(next).then_some(*next)
        });
    Some(match child {
        Some(child) => (vec![name, child], first + 2),
        None => (vec![name], first + 1),
    })
}

fn judge(label: &str, args: &[&str]) -> Verdict {
    if args
        .iter()
        .any(|arg| matches!(*arg, "-v" | "-version" | "--version"))
    {
        return Verdict::of(Severity::Read, label, &["version"], "prints the version");
    }
    let Some((path, after)) = subcommand(args) else {
        return Verdict::of(Severity::Read, label, &[], "prints help");
    };
    // `terraform $OP`, `terraform state $(echo rm)`, `xargs terraform`: whatever the word
    // turns out to be is the subcommand.
    let open_child = NESTED.iter().any(|(parent, _)| path == [*parent])
        && args.get(after).is_some_and(|next| scope::is_dynamic(next));
    if path.iter().any(|word| scope::is_dynamic(word)) || open_child {
        let shown: Vec<&str> = args[..(after + usize::from(open_child)).min(args.len())]
            .iter()
            .filter(|arg| !arg.starts_with('-'))
            .map(|arg| scope::shown(arg))
            .collect();
        return Verdict::of(
            Severity::Unknown,
            label,
            &shown,
            "the subcommand comes from an expansion or from input; guard cannot see it",
        );
    }
    let rest = args.get(after..).unwrap_or_default();
    let before = args.get(..after).unwrap_or_default();
    if before
        .iter()
        .chain(flag_region(rest))
        .any(|arg| is_help(arg))
    {
        return Verdict::of(Severity::Read, label, &path, "shows help");
    }
    let (severity, what) = match path.as_slice() {
        ["apply"] => return apply(label, rest),
        ["destroy"] => (
            Severity::Destructive,
            "destroys every resource in the state",
        ),
        ["plan"] if destroy_flag(rest) => {
            return Verdict::of_flag(
                Severity::Read,
                label,
                &["plan"],
                "-destroy",
                "only plans a destroy, changes nothing",
            );
        }
        ["plan"] if let Some(state) = plan_out_over_state(rest) => {
            return Verdict::of_flag(
                Severity::Destructive,
                label,
                &["plan"],
                "-out",
                &format!(
                    "writes the plan file over {state}, terraform's state: it would be overwritten"
                ),
            );
        }
        ["plan"] => (Severity::Read, "only plans, changes nothing"),
        // Its expressions come from input: `file("/proc/self/environ")` prints the
        // credentials, and guard does not read them.
        ["console"] => (
            Severity::Unknown,
            "evaluates expressions from input, which can read any file (file()), the credentials included",
        ),
        ["show" | "output" | "validate" | "graph" | "version" | "providers" | "modules"]
        | ["providers", "schema"]
        | ["metadata", "functions"] => (Severity::Read, "read-only"),
        ["fmt"] => (Severity::Read, "formats local files, no cloud change"),
        ["get"] => (Severity::Read, "downloads modules, no cloud change"),
        ["providers", "lock" | "mirror"] => {
            (Severity::Read, "downloads providers, no cloud change")
        }
        ["login" | "logout"] => (Severity::Read, "stores or removes a local API token"),
        // Only moving state writes anything outside the working directory.
        ["init"] => return init(label, rest),
        ["import"] => (Severity::Write, "imports existing resources into the state"),
        ["refresh"] => (Severity::Write, "updates the state from real resources"),
        ["taint" | "untaint"] => (
            Severity::Write,
            "marks a resource for replacement or clears it",
        ),
        ["force-unlock"] => (Severity::Write, "removes the state lock"),
        ["test"] => (
            Severity::Write,
            "creates real resources for the tests, then destroys them",
        ),
        ["state" | "workspace" | "env"] => (Severity::Read, "prints help"),
        ["state", "list" | "ls" | "show" | "pull" | "identities"] => {
            (Severity::Read, "reads the state")
        }
        ["state", "rm" | "remove" | "mv" | "move"] if last_bool(flag_region(rest), "dry-run") => {
            return Verdict::of_flag(
                Severity::Read,
                label,
                &path,
                "-dry-run",
                "dry run, changes nothing",
            );
        }
        ["state", "mv" | "move" | "replace-provider"] => (Severity::Write, "changes the state"),
        ["state", "rm" | "remove"] => (
            Severity::Destructive,
            "removes resources from the state (terraform forgets them)",
        ),
        ["state", "push"] => (Severity::Destructive, "overwrites the remote state"),
        ["workspace" | "env", "select"] if any_true(flag_region(rest), "or-create") => (
            Severity::Write,
            "switches workspace, creating it if missing",
        ),
        ["workspace" | "env", "list" | "show" | "select"] => {
            (Severity::Read, "reads or switches the local workspace")
        }
        ["workspace" | "env", "new"] => (Severity::Write, "creates a workspace"),
        ["workspace" | "env", "delete"] => {
            (Severity::Destructive, "deletes a workspace and its state")
        }
        _ => (Severity::Unknown, "not a subcommand guard knows"),
    };
    Verdict::of(severity, label, &path, what)
}

fn init(label: &str, rest: &[&str]) -> Verdict {
    let flags = flag_region(rest);
    for flag in ["migrate-state", "force-copy"] {
        if any_true(flags, flag) {
            return Verdict::of_flag(
                Severity::Write,
                label,
                &["init"],
                &format!("-{flag}"),
                "copies the state to the new backend",
            );
        }
    }
    Verdict::of(
        Severity::Read,
        label,
        &["init"],
        "initializes the working directory, downloads providers and modules; no state change",
    )
}

fn apply(label: &str, rest: &[&str]) -> Verdict {
    if destroy_flag(rest) {
        return Verdict::of_flag(
            Severity::Destructive,
            label,
            &["apply"],
            "-destroy",
            "destroys every resource in the state",
        );
    }
    if let Some(target) = replaced(rest) {
        return Verdict::of_flag(
            Severity::Destructive,
            label,
            &["apply"],
            "-replace",
            &format!("destroys and recreates {target}"),
        );
    }
    if let Some(plan) = plan_file(rest) {
        return Verdict::of(
            Severity::Unknown,
            label,
            &["apply"],
            &format!("applies the saved plan {plan}; guard cannot see what it changes"),
        );
    }
    Verdict::of(
        Severity::Write,
        label,
        &["apply"],
        "creates, changes or deletes resources to match the configuration",
    )
}

/// The first positional argument of `apply`: the saved plan.
fn plan_file<'a>(rest: &[&'a str]) -> Option<&'a str> {
    let mut positional = flag_region(rest).len();
    if rest.get(positional) == Some(&"--") {
        positional += 1;
    }
    rest.get(positional).copied()
}

/// The leading flags of a subcommand's arguments, as Go's flag package reads them: up to
/// the first positional word or `--`.
fn flag_region<'a, 'b>(args: &'b [&'a str]) -> &'b [&'a str] {
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        if *arg == "--" || !arg.starts_with('-') || *arg == "-" {
            break;
        }
        let name = flag_name(arg);
        i += if !name.contains('=') && VALUED.contains(&name) {
            2
        } else {
            1
        };
    }
    args.get(..i.min(args.len())).unwrap_or_default()
}

/// `-name`, `--name=value` → `name`, `name=value`.
fn flag_name(arg: &str) -> &str {
    arg.strip_prefix("--")
        .or_else(|| arg.strip_prefix('-'))
        .unwrap_or(arg)
}

fn is_help(arg: &str) -> bool {
    matches!(arg, "-h" | "-help" | "--help")
}

/// `-destroy` as Go parses a boolean flag: bare, or `=value`; the last occurrence wins.
/// Every word is looked at, not only the flag region, to err towards destroy.
fn destroy_flag(args: &[&str]) -> bool {
    let mut destroy = false;
    for arg in args {
        let name = flag_name(arg);
        if !arg.starts_with('-') {
            continue;
        }
        if name == "destroy" {
            destroy = true;
        } else if let Some(value) = name.strip_prefix("destroy=") {
            destroy = !is_false(value);
        }
    }
    destroy
}

/// A boolean flag as Go's flag package sets it: `-name`, `-name=BOOL`, the last occurrence
/// wins; a value ParseBool rejects makes terraform refuse the line (counted as false).
fn last_bool(flags: &[&str], flag: &str) -> bool {
    let mut on = false;
    for arg in flags {
        let name = flag_name(arg);
        if name == flag {
            on = true;
        } else if let Some(value) = name
            .strip_prefix(flag)
            .and_then(|rest| rest.strip_prefix('='))
        {
            on = is_true(value);
        }
    }
    on
}

/// Whether any occurrence of a boolean flag turns it on (for flags that make it worse).
fn any_true(args: &[&str], flag: &str) -> bool {
    args.iter().any(|arg| {
        let name = flag_name(arg);
        arg.starts_with('-')
            && (name == flag
                || name
                    .strip_prefix(flag)
                    .and_then(|rest| rest.strip_prefix('='))
                    .is_some_and(|value| !is_false(value)))
    })
}

/// A `-out` (any occurrence, to err towards destroy) naming a terraform state file: the plan
/// file replaces it.
fn plan_out_over_state<'a>(args: &[&'a str]) -> Option<&'a str> {
    args.iter().enumerate().find_map(|(i, arg)| {
        if !arg.starts_with('-') {
            return None;
        }
        let name = flag_name(arg);
        let path = if name == "out" {
            args.get(i + 1).copied()?
        } else {
            name.strip_prefix("out=")?
        };
        local::is_terraform_state(path).then_some(path)
    })
}

/// The address of the first `-replace`, if any.
fn replaced<'a>(args: &[&'a str]) -> Option<&'a str> {
    args.iter().enumerate().find_map(|(i, arg)| {
        if !arg.starts_with('-') {
            return None;
        }
        let name = flag_name(arg);
        if name == "replace" {
            Some(args.get(i + 1).copied().unwrap_or("a resource"))
        } else {
            name.strip_prefix("replace=")
        }
    })
}
