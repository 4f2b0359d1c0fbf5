//! npm's reading commands and `node --version` (tools, lead): `npm ls`, `npm view`, `npm
//! outdated`, `npm config get KEY`, `npm prefix|root`, `npm --version`. Their options were
//! taken from npm 11.19's `npm CMD --help` here; npm's parser (nopt) reads options anywhere
//! until `--`, expands unique prefixes among all of npm's hundreds of settings and takes any
//! other `--name[=value]` as a setting, so guard knows exact names only: an abbreviation or a
//! setting not in the table is unknown.
//!
//! Decisions (checked with npm 11.19.1 and node 20.20 here):
//! - npm reads its settings from `npm_config_*` in any case (`Npm_Config_Script_Shell`),
//!   `$HOME/.npmrc` and the project's `.npmrc`; set on the line (an `npm_config_*`/`NPM_*`,
//!   `NODE_*` or `HOME`) they are unknown; the inherited ones and the `.npmrc` files are the
//!   user's own setup (none of these commands runs a script, so `script-shell` and
//!   `node-options` do not apply; a registry token goes only to the registry it is written
//!   for).
//! - `npm view SPEC` fetches a manifest: read for a registry name with a version, range or tag
//!   (the rule npx follows, `wrappers::registry_name`); a git, file, folder, tarball or URL
//!   spec is unknown (pacote clones or unpacks it).
//! - `npm config get KEY` prints one setting; npm 11 refuses the protected ones (`_authToken`,
//!   `_auth`, `_password`: "cannot be retrieved in this way"), older npm printed them: a key
//!   naming a secret (`auth`, `token`, `password`, `cert`, `key`, a `//registry/:` key), and
//!   `config get` or `config list` without one, are unknown. The token is often a
//!   CodeArtifact token minted from AWS credentials.
//! - `node --version`/`-v` prints the version before it loads anything (`NODE_OPTIONS=--require
//!   x.js node --version` does not run x.js: checked); any other node line runs JavaScript
//!   guard cannot see: unknown.

use super::FileText;
use super::Severity;
use super::local_programs::{Program, parse};
use super::pathname::WorkDir;
use super::scope::{EnvValue, Scope, Word};
use super::wrappers;

pub(crate) const NAMES: &[&str] = &["npm", "node", "nodejs"];

/// Every option of npm's reading commands, as nopt spells them (`@exact`: no prefixes).
static NPM: Program = Program {
    names: &["npm"],
    options: "@exact a,all json l,long p,parseable g,global depth= omit= include= link \
              package-lock-only unicode no-unicode w,workspace= workspaces \
              include-workspace-root install-links before= min-release-age= \
              min-release-age-exclude= L,location= s,silent loglevel= color= no-color \
              v,version h,help",
    permute: true,
    judge: |_, _| super::paths::PathVerdict::ordinary(),
};

/// Options every command takes (npm's output settings).
const COMMON: &[&str] = &["s", "loglevel", "color", "no-color", "h"];

/// The reading commands (with npm's aliases) and the options of each.
const COMMANDS: &[(&[&str], &[&str])] = &[
    (
        &["ls", "list", "la", "ll"],
        &[
            "a",
            "json",
            "l",
            "p",
            "g",
            "depth",
            "omit",
            "include",
            "link",
            "package-lock-only",
            "unicode",
            "no-unicode",
            "w",
            "workspaces",
            "include-workspace-root",
            "install-links",
        ],
    ),
    (
        &["view", "info", "show", "v"],
        &["json", "w", "workspaces", "include-workspace-root"],
    ),
    (
        &["outdated"],
        &[
            "a",
            "json",
            "l",
            "p",
            "g",
            "w",
            "before",
            "min-release-age",
            "min-release-age-exclude",
        ],
    ),
    (&["config", "c"], &["json", "g", "L", "l"]),
    (&["prefix"], &["g"]),
    // Asks the registry whose token the user's configuration holds; prints the user name.
    (&["whoami"], &[]),
    (&["root"], &["g"]),
];

pub(crate) fn judge(name: &str, args: &[Word], scope: &Scope) -> (Severity, String) {
    let unknown = |what: String| (Severity::Unknown, what);
    if let Some(var) = scope.assigned_where(|var| {
        var == "HOME"
            || var.starts_with("NODE_")
            || var
                .get(..4)
                .is_some_and(|head| head.eq_ignore_ascii_case("npm_"))
    }) {
        return unknown(format!(
            "{var} is set on the command line: {name} reads its settings or code from it"
        ));
    }
    if name != "npm" {
        return node(args);
    }
    let parsed = match parse(&NPM, args) {
        Ok(parsed) => parsed,
        Err(unknown) => return unknown,
    };
    if let Some(word) = parsed.operands.iter().find(|word| word.dynamic) {
        return unknown(format!(
            "{} comes from an expansion; npm reads any word as a command, a setting or a package, guard cannot tell which",
            word.text
        ));
    }
    let Some((command, rest)) = parsed.operands.split_first() else {
        // `npm`, `npm --version`, `npm --help`: usage or the version.
        return match parsed.options.iter().find(|o| !matches!(o.name, "v" | "h")) {
            None => (
                Severity::Read,
                "npm: prints its usage or version".to_owned(),
            ),
            Some(option) => unknown(format!(
                "npm {} without a command: guard does not know what npm does",
                option.written
            )),
        };
    };
    let Some((_, allowed)) = COMMANDS
        .iter()
        .find(|(names, _)| names.contains(&&*command.text))
    else {
        return unknown(format!(
            "npm {}: not an npm command guard reads (it installs, runs scripts, publishes or changes settings)",
            command.text
        ));
    };
    if let Some(option) = parsed
        .options
        .iter()
        .find(|o| !allowed.contains(&o.name) && !COMMON.contains(&o.name))
    {
        return unknown(format!(
            "npm {}: {} is not an option of this command guard knows",
            command.text, option.written
        ));
    }
    if ASKS_REGISTRY.contains(&&*command.text)
        && let Some(why) = project_npmrc(scope)
    {
        return unknown(format!("npm {}: {why}", command.text));
    }
    let what = match &*command.text {
        "view" | "info" | "show" | "v" => match rest.first() {
            Some(spec) if wrappers::registry_name(&spec.text).is_none() => {
                return unknown(format!(
                    "npm view {}: not a registry name with a version (a git, file, folder, tarball or URL spec is fetched and unpacked)",
                    spec.text
                ));
            }
            _ => "fetches a package's manifest from the registry",
        },
        "config" | "c" => {
            let key = match rest {
                [get, key] if get.text == "get" => &*key.text,
                _ => {
                    return unknown(
                        "npm config: only `config get KEY` is read (listing, setting and editing are not)".to_owned(),
                    );
                }
            };
            let lower = key.to_ascii_lowercase();
            if ["auth", "token", "password", "cert", "key", "//", "_"]
                .iter()
                .any(|secret| lower.contains(secret))
            {
                return unknown(format!(
                    "npm config get {key}: names a registry credential, which older npm prints"
                ));
            }
            "prints a setting"
        }
        _ => "reads the project's packages or the registry, changes nothing",
    };
    (Severity::Read, format!("{} {what}", command.text))
}

/// The commands that send requests to the registry with the token the configuration holds.
const ASKS_REGISTRY: &[&str] = &["view", "info", "show", "v", "outdated", "whoami"];

/// Why a request to the registry could carry more than the user's own setup says: a project's
/// `.npmrc` (any folder from the working one up, but the user's own `~/.npmrc`) that fills a
/// value in from the environment (`${AWS_SECRET_ACCESS_KEY}` as the token of a registry it
/// names: npm expands `${VAR}` in every `.npmrc`), or one guard cannot read.
fn project_npmrc(scope: &Scope) -> Option<String> {
    let WorkDir::Known(dir) = scope.workdir() else {
        return Some("npm reads the .npmrc of a folder guard does not know".to_owned());
    };
    let home = match scope.home() {
        Some(EnvValue::Known(home)) => Some(format!("{}/.npmrc", home.trim_end_matches('/'))),
        _ => None,
    };
    let mut folder = dir.trim_end_matches('/').to_owned();
    loop {
        let path = format!("{folder}/.npmrc");
        if home.as_deref() != Some(path.as_str()) {
            match scope.read_file(&path) {
                FileText::Missing => {}
                FileText::Text(text) if !text.contains("${") => {}
                FileText::Text(_) => {
                    return Some(format!(
                        "{path} fills settings in from the environment (${{...}}), and npm sends them to the registry it names"
                    ));
                }
                FileText::Unreadable(why) => {
                    return Some(format!("guard cannot read {path} ({why})"));
                }
            }
        }
        match folder.rfind('/') {
            Some(0) if folder.len() > 1 => folder = String::new(),
            Some(at) if at > 0 => folder.truncate(at),
            _ => return None,
        }
    }
}

/// `node --version`, `node -v`, `node --help`: anything else runs JavaScript.
fn node(args: &[Word]) -> (Severity, String) {
    match args {
        [only] if matches!(&*only.text, "--version" | "-v" | "--help" | "-h") => (
            Severity::Read,
            format!("{} prints its version or help", only.text),
        ),
        _ => (
            Severity::Unknown,
            "runs JavaScript guard cannot see".to_owned(),
        ),
    }
}
