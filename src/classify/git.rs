//! git: read only where guard knows every word, as git's own parsers read them.
//!
//! `git [GLOBAL...] COMMAND [ARGS...]`: git.c reads its global options up to the first word
//! that is not one (exact names only), then the command. The commands guard reads have a table
//! of their options: the parse-options ones generated from `git CMD -h` (`git_flags.rs`:
//! abbreviations of long options, `--no-X`, short groups), the revision and diff options of
//! log, show and diff written here (`LOG`, read with strcmp: no abbreviations, no groups;
//! checked against this git by `tests/git_options.rs`). An option no table knows is unknown.
//!
//! What git runs besides itself comes from configuration and the environment: the pager
//! (`GIT_PAGER`, `core.pager`, `PAGER`), `core.fsmonitor`, `diff.external`, textconv and
//! filter drivers, `core.sshCommand`, credential helpers, `gpg.program`. guard's rule:
//!
//! - configuration the line gives (`-c`, `--config-env`, `GIT_CONFIG_*`, `HOME` or
//!   `XDG_CONFIG_HOME` set on the line, any `GIT_*` variable but a few inert ones) is unknown,
//!   except `-c` of a short list of display settings;
//! - the user's own configuration (`~/.gitconfig`, the repository's `.git/config` and hooks)
//!   is the user's setup, like `~/.aws/config` and `~/.kube/config`. git never copies a
//!   repository's configuration or hooks from a remote (`git clone` writes `.git/config`
//!   itself), so a cloned project cannot bring any: git's own documentation (git(1),
//!   SECURITY) says inspecting a clone with `git log` is safe, and that running git in a
//!   `.git` that came from elsewhere (an archive) is not, which git refuses for other users'
//!   folders (`safe.directory`). A line that writes `.git/config` or a hook is a write
//!   through the path classes, and the commands after it are unknown.
//! - the pager: `GIT_PAGER` and `PAGER` (inherited too, as for the AWS CLI's pager) must be
//!   empty or less/more/most/cat with options; `LESSOPEN`, `LESSCLOSE` or `LESS` set on the
//!   line make less run something.

use super::Severity;
use super::git_flags as generated;
use super::local_programs::{Effect, Parsed, Program, labelled, parse};
use super::pathname::WorkDir;
use super::paths::{self, PathVerdict, Write};
use super::scope::{self, EnvValue, Scope, Word};
use super::verdict::Verdict;

const TOOL: &str = "git";

/// The revision and diff options of log, show, diff, shortlog, `stash list`, `reflog show`
/// (revision.c's `handle_revision_opt` and diff.c's options; probed against git 2.47: which
/// take a value, in the same word only (`?`) or also the next one (`=`)).
macro_rules! log_options {
    () => {
        "# \
    n,max-count= skip= since= after= since-as-filter= until= before= author= committer= \
    grep-reflog= grep= all-match invert-grep i,regexp-ignore-case basic-regexp E,extended-regexp \
    F,fixed-strings P,perl-regexp remove-empty merges no-merges min-parents? max-parents? \
    no-min-parents no-max-parents first-parent exclude-first-parent-only not all branches? tags? \
    remotes? glob= exclude= exclude-hidden= reflog alternate-refs single-worktree ignore-missing \
    bisect stdin cherry-mark cherry-pick left-only right-only cherry g,walk-reflogs merge boundary \
    simplify-by-decoration show-pulls full-history dense sparse simplify-merges ancestry-path? \
    date-order author-date-order topo-order reverse no-walk? do-walk in-commit-order pretty? \
    format? abbrev-commit no-abbrev-commit oneline encoding= expand-tabs? no-expand-tabs notes? \
    no-notes show-notes-by-default show-notes? standard-notes no-standard-notes show-signature \
    no-show-signature relative-date date= parents children left-right graph no-graph \
    show-linear-break? c cc dd m remerge-diff no-diff-merges diff-merges= combined-all-paths r t \
    follow decorate? no-decorate decorate-refs= decorate-refs-exclude= clear-decorations source \
    mailmap no-mailmap use-mailmap no-use-mailmap full-diff log-size q,quiet L= \
    p,u,patch s,no-patch U,unified? >output= output-indicator-new= output-indicator-old= \
    output-indicator-context= raw patch-with-raw indent-heuristic no-indent-heuristic minimal \
    patience histogram anchored= diff-algorithm= stat? stat-width= stat-name-width= \
    stat-graph-width= stat-count= compact-summary numstat shortstat X,dirstat? cumulative \
    dirstat-by-file? summary patch-with-stat z name-only name-status submodule? color? no-color \
    color-moved? no-color-moved color-moved-ws= no-color-moved-ws word-diff? word-diff-regex= \
    color-words? no-renames rename-empty no-rename-empty check ws-error-highlight= full-index \
    binary abbrev? no-abbrev B,break-rewrites? M,find-renames? C,find-copies? find-copies-harder \
    no-find-copies-harder D,irreversible-delete l= diff-filter= S= G= find-object= pickaxe-all \
    pickaxe-regex <O= skip-to= rotate-to= R relative? no-relative a,text ignore-cr-at-eol \
    ignore-space-at-eol b,ignore-space-change w,ignore-all-space ignore-blank-lines \
    I,ignore-matching-lines= inter-hunk-context= W,function-context exit-code ext-diff \
    no-ext-diff textconv no-textconv ignore-submodules? src-prefix= dst-prefix= no-prefix \
    default-prefix line-prefix= ita-invisible-in-index ita-visible-in-index \
    cached staged merge-base no-index base ours theirs h help"
    };
}

const LOG: &str = concat!("@exact @single ", log_options!());

/// `git rev-parse`: its own loop of strcmp (builtin/rev-parse.c); it prints options it does
/// not know, which guard still does not read.
const REV_PARSE: &str = "@exact @single \
    keep-dashdash stop-at-non-option stuck-long revs-only no-revs flags no-flags default= \
    prefix= verify q,quiet sq short? not abbrev-ref? symbolic symbolic-full-name \
    output-object-format= all branches? tags? remotes? glob= exclude= exclude-hidden= \
    disambiguate= local-env-vars path-format= git-dir git-common-dir resolve-git-dir= \
    git-path= show-toplevel show-superproject-working-tree shared-index-path absolute-git-dir \
    is-inside-git-dir is-inside-work-tree is-bare-repository is-shallow-repository show-cdup \
    show-prefix show-object-format? show-ref-format since= after= until= before= sq-quote h help";

/// Legacy `git config` (no subcommand): the actions are options.
const CONFIG_LEGACY: &str = "global system local worktree <f,file= blob= \
    get get-all get-regexp get-urlmatch replace-all add unset unset-all rename-section \
    remove-section l,list fixed-value e,edit get-color get-colorbool t,type= no-type bool int \
    bool-or-int bool-or-str path expiry-date z,null name-only show-origin show-scope \
    includes no-includes default= h help";

const HELP: &str = "a,all g,guides c,config i,info m,man w,web verbose no-verbose \
    external-commands no-external-commands aliases no-aliases user-interfaces \
    developer-interfaces h help";

/// The options of each command guard reads, as a local program's table.
const fn table(name: &'static [&'static str], options: &'static str) -> Program {
    Program {
        names: name,
        options,
        permute: true,
        judge: |_, _| PathVerdict::ordinary(),
    }
}

static T_LOG: Program = table(&["git log"], LOG);
static T_SHOW: Program = table(&["git show"], LOG);
static T_DIFF: Program = table(&["git diff"], LOG);
static T_STATUS: Program = table(&["git status"], generated::STATUS);
static T_BRANCH: Program = table(&["git branch"], generated::BRANCH);
static T_TAG: Program = table(&["git tag"], generated::TAG);
static T_REMOTE: Program = table(&["git remote"], generated::REMOTE);
static T_REMOTE_SHOW: Program = table(&["git remote show"], generated::REMOTE_SHOW);
static T_REMOTE_GET_URL: Program = table(&["git remote get-url"], generated::REMOTE_GET_URL);
static T_LS_FILES: Program = table(&["git ls-files"], generated::LS_FILES);
static T_LS_REMOTE: Program = table(&["git ls-remote"], generated::LS_REMOTE);
static T_LS_TREE: Program = table(&["git ls-tree"], generated::LS_TREE);
static T_BLAME: Program = table(&["git blame"], generated::BLAME);
static T_DESCRIBE: Program = table(&["git describe"], generated::DESCRIBE);
static T_GREP: Program = table(&["git grep"], generated::GREP);
static T_CAT_FILE: Program = table(&["git cat-file"], generated::CAT_FILE);
static T_CONFIG_GET: Program = table(&["git config get"], generated::CONFIG_GET);
static T_CONFIG_LIST: Program = table(&["git config list"], generated::CONFIG_LIST);
static T_CONFIG: Program = table(&["git config"], CONFIG_LEGACY);
static T_SHORTLOG: Program = table(&["git shortlog"], SHORTLOG);
static T_WORKTREE_LIST: Program = table(&["git worktree list"], generated::WORKTREE_LIST);
static T_STASH_SHOW: Program = table(&["git stash show"], STASH_SHOW);
static T_FOR_EACH_REF: Program = table(&["git for-each-ref"], generated::FOR_EACH_REF);
static T_SHOW_REF: Program = table(&["git show-ref"], generated::SHOW_REF);
static T_MERGE_BASE: Program = table(&["git merge-base"], generated::MERGE_BASE);
static T_NAME_REV: Program = table(&["git name-rev"], generated::NAME_REV);
static T_CHECK_IGNORE: Program = table(&["git check-ignore"], generated::CHECK_IGNORE);
static T_COUNT_OBJECTS: Program = table(&["git count-objects"], generated::COUNT_OBJECTS);
static T_REV_PARSE: Program = table(&["git rev-parse"], REV_PARSE);
static T_HELP: Program = table(&["git help"], HELP);
static T_NONE: Program = table(&["git"], "h help");
static T_REV_LIST: Program = table(&["git rev-list"], REV_LIST);
static T_SYMBOLIC_REF: Program = table(&["git symbolic-ref"], generated::SYMBOLIC_REF);
static T_VERSION: Program = table(&["git version"], "build-options h help");

/// shortlog and `stash show` also read the revision and diff options (`LOG`); their own
/// options first, as parse-options takes them, then the rest.
/// shortlog's own options are parse-options' (`-sn` is a group), with no abbreviations.
const SHORTLOG: &str = concat!(
    "@exact c,committer no-committer n,numbered no-numbered s,summary no-summary e,email ",
    "no-email w? group= no-group ",
    log_options!()
);
/// rev-list's own output options (builtin/rev-list.c), then the revision options.
const REV_LIST: &str = concat!(
    "@exact @single count objects objects-edge objects-edge-aggressive timestamp header ",
    "disk-usage no-object-names object-names unpacked ",
    log_options!()
);
const STASH_SHOW: &str = concat!(
    "@exact @single u,include-untracked no-include-untracked only-untracked ",
    log_options!()
);

/// Commands that change something, with what they do: never read.
const CHANGES: &[(&str, Severity, &str)] = &[
    ("commit", Severity::Write, "records a commit"),
    ("add", Severity::Write, "stages changes"),
    ("mv", Severity::Write, "moves files"),
    ("rm", Severity::Destructive, "removes files"),
    (
        "restore",
        Severity::Destructive,
        "discards changes to files",
    ),
    ("reset", Severity::Write, "moves the branch and the index"),
    (
        "checkout",
        Severity::Write,
        "switches branches or overwrites files",
    ),
    ("switch", Severity::Write, "switches branches"),
    ("merge", Severity::Write, "merges commits"),
    ("rebase", Severity::Write, "rewrites commits"),
    ("cherry-pick", Severity::Write, "applies commits"),
    ("revert", Severity::Write, "records reverting commits"),
    ("pull", Severity::Write, "fetches and merges (runs hooks)"),
    // Even with --dry-run git 2.47 writes the fetched objects into the repository (a pack) and
    // starts `git maintenance run --auto` (checked with GIT_TRACE2_EVENT); only the refs stay.
    (
        "fetch",
        Severity::Write,
        "fetches objects into the repository (also with --dry-run, which then runs git's automatic maintenance) and updates refs",
    ),
    ("clone", Severity::Write, "clones a repository"),
    ("init", Severity::Write, "creates a repository"),
    ("clean", Severity::Destructive, "deletes untracked files"),
    ("gc", Severity::Destructive, "prunes unreachable objects"),
    ("prune", Severity::Destructive, "prunes unreachable objects"),
    ("am", Severity::Write, "applies patches as commits"),
    ("apply", Severity::Write, "applies a patch to files"),
    ("submodule", Severity::Write, "changes submodules"),
    ("notes", Severity::Write, "changes notes"),
    ("filter-branch", Severity::Destructive, "rewrites history"),
    ("update-ref", Severity::Write, "changes a ref"),
    (
        "archive",
        Severity::Write,
        "writes an archive (or asks a remote for one)",
    ),
    ("bisect", Severity::Write, "checks out commits"),
    ("format-patch", Severity::Write, "writes patch files"),
    ("send-email", Severity::Write, "sends email"),
    ("sparse-checkout", Severity::Write, "changes the checkout"),
    ("maintenance", Severity::Write, "runs maintenance tasks"),
    ("replace", Severity::Write, "changes replacement refs"),
    (
        "lfs",
        Severity::Unknown,
        "runs git-lfs, a program of its own",
    ),
];

/// `-c NAME=VALUE` settings that only change how output looks.
const DISPLAY_CONFIG: &[&str] = &[
    "color.",
    "column.",
    "advice.",
    "core.quotepath",
    "core.abbrev",
    "log.date",
    "log.decorate",
    "log.abbrevcommit",
    "log.showroot",
    "pretty.",
    "format.pretty",
    "diff.noprefix",
    "diff.mnemonicprefix",
    "diff.renames",
    "diff.algorithm",
    "diff.context",
    "diff.statgraphwidth",
    "status.short",
    "status.branch",
    "status.showuntrackedfiles",
    "status.relativepaths",
    "user.name",
    "user.email",
    "init.defaultbranch",
    "grep.linenumber",
    "grep.patterntype",
    "grep.fullname",
    "grep.column",
    "versionsort.suffix",
    "tag.sort",
    "branch.sort",
];

/// `GIT_*` variables that change nothing git runs or reads.
const INERT_VARS: &[&str] = &[
    "GIT_TERMINAL_PROMPT",
    "GIT_OPTIONAL_LOCKS",
    "GIT_FLUSH",
    "GIT_LITERAL_PATHSPECS",
    "GIT_GLOB_PATHSPECS",
    "GIT_NOGLOB_PATHSPECS",
    "GIT_ICASE_PATHSPECS",
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_AUTHOR_DATE",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_COMMITTER_DATE",
    "GIT_MERGE_VERBOSITY",
    "GIT_ADVICE",
    "GIT_NO_REPLACE_OBJECTS",
    "GIT_PROGRESS_DELAY",
    // Judged with the pager.
    "GIT_PAGER",
];

/// Variables set on the line that give git other configuration or programs.
const CONFIG_VARS: &[&str] = &["HOME", "XDG_CONFIG_HOME", "SSH_ASKPASS"];

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    if let Some(var) = scope.assigned_where(|name| {
        (name.starts_with("GIT_") && !INERT_VARS.contains(&name)) || CONFIG_VARS.contains(&name)
    }) {
        return Verdict::of(
            Severity::Unknown,
            TOOL,
            &[],
            &format!(
                "{var} is set on the command line: git reads other configuration, repositories or programs from it"
            ),
        );
    }
    let words: Vec<Word> = args.iter().map(|arg| word(arg)).collect();
    let mut scope = scope.clone();
    let mut pager = true;
    let mut i = 0;
    // git.c's handle_options: exact names, up to the first word that is not an option.
    while let Some(word) = words.get(i) {
        let text: &str = &word.text;
        if word.dynamic {
            return unknown(
                &[],
                &format!("{text} comes from an expansion where git reads its options or command"),
            );
        }
        if !text.starts_with('-') {
            break;
        }
        i += 1;
        let (name, attached) = match text.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value)),
            _ => (text, None),
        };
        let value = |i: &mut usize| -> Option<Word> {
            match attached {
                Some(value) => Some(Word {
                    text: value.to_owned().into(),
                    dynamic: word.dynamic,
                }),
                None => {
                    let next = words.get(*i).cloned();
                    *i += 1;
                    next
                }
            }
        };
        match name {
            "-p" | "--paginate" => pager = true,
            "-P" | "--no-pager" => pager = false,
            "--no-replace-objects"
            | "--bare"
            | "--literal-pathspecs"
            | "--glob-pathspecs"
            | "--noglob-pathspecs"
            | "--icase-pathspecs"
            | "--no-optional-locks"
            | "--no-lazy-fetch"
            | "--no-advice"
            | "--html-path"
            | "--man-path"
            | "--info-path"
                if attached.is_none() => {}
            // git.c runs these as the commands `version` and `help`, with the words after.
            "-v" | "--version" | "-h" | "--help" if attached.is_none() => {
                i -= 1;
                break;
            }
            "--exec-path" if attached.is_none() => {
                return Verdict::of(Severity::Read, TOOL, &[], "prints where its programs are");
            }
            "-C" | "--git-dir" | "--work-tree" => {
                let Some(dir) = value(&mut i) else {
                    return unknown(&[], &format!("{name} lacks its folder"));
                };
                let at = match paths::locate(&dir, &scope) {
                    paths::Located::At(at) => at,
                    paths::Located::Unknown(why) => {
                        return unknown(&[], &format!("{name} {why}"));
                    }
                };
                let read = paths::read(&dir, &scope);
                if !read.is_ordinary() {
                    return Verdict::of(read.severity, TOOL, &[], &read.reason);
                }
                if name == "-C" {
                    scope.set_workdir(WorkDir::Known(at));
                }
            }
            "--namespace" | "--attr-source" | "--list-cmds" => {
                if value(&mut i).is_none() {
                    return unknown(&[], &format!("{name} lacks its value"));
                }
            }
            "-c" | "--config-env" => {
                let Some(setting) = value(&mut i) else {
                    return unknown(&[], &format!("{name} lacks its setting"));
                };
                let key = setting
                    .text
                    .split('=')
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let display = name == "-c"
                    && !setting.dynamic
                    && DISPLAY_CONFIG.iter().any(|prefix| {
                        key.starts_with(prefix) && (prefix.ends_with('.') || key == *prefix)
                    });
                if !display {
                    return unknown(
                        &[],
                        &format!(
                            "{name} {} sets configuration that can make git run programs (a pager, fsmonitor, an external diff, an alias); guard reads only display settings there",
                            setting.text
                        ),
                    );
                }
            }
            _ => {
                return unknown(
                    &[],
                    &format!(
                        "{text} is not a global option guard knows; read only when every option is known"
                    ),
                );
            }
        }
    }
    let Some(command) = words.get(i) else {
        return Verdict::of(Severity::Read, TOOL, &[], "prints its usage");
    };
    let rest = &words[i + 1..];
    let name: &str = match &*command.text {
        "-v" | "--version" => "version",
        "-h" | "--help" => "help",
        other => other,
    };
    let verdict = match name {
        "log" | "whatchanged" => options(&T_LOG, rest, &scope, &[name], inert),
        "show" => options(&T_SHOW, rest, &scope, &[name], inert),
        "diff" => options(&T_DIFF, rest, &scope, &[name], read_trees),
        "status" => options(&T_STATUS, rest, &scope, &[name], inert),
        "ls-files" => options(&T_LS_FILES, rest, &scope, &[name], inert),
        "ls-tree" => options(&T_LS_TREE, rest, &scope, &[name], inert),
        "ls-remote" => options(&T_LS_REMOTE, rest, &scope, &[name], ls_remote),
        "blame" | "annotate" => options(&T_BLAME, rest, &scope, &[name], read_operands),
        "describe" => options(&T_DESCRIBE, rest, &scope, &[name], inert),
        "grep" => options(&T_GREP, rest, &scope, &[name], grep),
        "cat-file" => options(&T_CAT_FILE, rest, &scope, &[name], inert),
        "shortlog" => options(&T_SHORTLOG, rest, &scope, &[name], inert),
        "for-each-ref" => options(&T_FOR_EACH_REF, rest, &scope, &[name], inert),
        "show-ref" => options(&T_SHOW_REF, rest, &scope, &[name], inert),
        "merge-base" => options(&T_MERGE_BASE, rest, &scope, &[name], inert),
        "name-rev" => options(&T_NAME_REV, rest, &scope, &[name], inert),
        "check-ignore" => options(&T_CHECK_IGNORE, rest, &scope, &[name], inert),
        "count-objects" => options(&T_COUNT_OBJECTS, rest, &scope, &[name], inert),
        "rev-parse" => options(&T_REV_PARSE, rest, &scope, &[name], inert),
        "rev-list" => options(&T_REV_LIST, rest, &scope, &[name], inert),
        "symbolic-ref" => symbolic_ref(rest, &scope),
        "version" => options(&T_VERSION, rest, &scope, &[name], inert),
        "help" => help(rest, &scope, &[name]),
        "branch" => branch(rest, &scope),
        "tag" => tag(rest, &scope),
        "remote" => remote(rest, &scope),
        "config" => config(rest, &scope),
        "stash" => stash(rest, &scope),
        "reflog" => reflog(rest, &scope),
        "worktree" => worktree(rest, &scope),
        _ if command.dynamic => {
            return unknown(&[], &format!("the command {name} comes from an expansion"));
        }
        "push" => push(rest),
        "reset" if rest.iter().any(|word| word.text == "--hard") => Verdict::of_flag(
            Severity::Destructive,
            TOOL,
            &[name],
            "--hard",
            "discards uncommitted changes",
        ),
        _ => match CHANGES.iter().find(|(known, _, _)| *known == name) {
            Some((_, severity, what)) => Verdict::of(*severity, TOOL, &[name], what),
            None => unknown(
                &[name],
                "not a git command guard knows (an alias, or a git-<name> program)",
            ),
        },
    };
    if verdict.severity == Severity::Read
        && pager
        && let Some(why) = pager_code(&scope)
    {
        let path: Vec<&str> = verdict.command.iter().map(String::as_str).collect();
        return unknown(&path, &why);
    }
    verdict
}

/// `git push` changes the remote; forced, deleting, mirroring or pruning pushes (and `+REF`
/// or `:REF` refspecs) can lose commits or branches there.
fn push(args: &[Word]) -> Verdict {
    let destroys = args.iter().find(|word| {
        let text: &str = &word.text;
        word.dynamic
            || matches!(text, "-f" | "-d" | "--delete" | "--mirror" | "--prune")
            || text.starts_with("--force")
            || (text.starts_with('-') && !text.starts_with("--") && text.contains(['f', 'd']))
            || text.starts_with('+')
            || text.starts_with(':')
    });
    match destroys {
        Some(word) => Verdict::of_flag(
            Severity::Destructive,
            TOOL,
            &["push"],
            &word.text,
            "can overwrite or delete branches on the remote",
        ),
        None => Verdict::of(
            Severity::Write,
            TOOL,
            &["push"],
            "pushes commits to a remote repository",
        ),
    }
}

/// The word as `paths` and the option parser want it (see `tool_paths::word`).
fn word(arg: &str) -> Word<'_> {
    let literal_flag_value = !scope::is_dynamic(arg)
        && arg.starts_with('-')
        && arg
            .split_once('=')
            .is_some_and(|(_, value)| value.contains(['$', '`']));
    Word {
        text: scope::shown(arg).into(),
        dynamic: scope::is_dynamic(arg) || literal_flag_value,
    }
}

fn unknown(path: &[&str], what: &str) -> Verdict {
    Verdict::of(Severity::Unknown, TOOL, path, what)
}

type Operands = fn(&Parsed, &Scope) -> PathVerdict;

/// Parses `args` with `table` and judges the paths its options and operands read or write.
fn options(
    table: &'static Program,
    args: &[Word],
    scope: &Scope,
    path: &[&str],
    operands: Operands,
) -> Verdict {
    match parse(table, args) {
        Ok(parsed) => {
            let verdict = option_paths(&parsed, scope).or_worse(operands(&parsed, scope));
            if verdict.is_ordinary() {
                Verdict::of(Severity::Read, TOOL, path, "read-only")
            } else {
                Verdict::of(verdict.severity, TOOL, path, &verdict.reason)
            }
        }
        Err((severity, why)) => Verdict::of(severity, TOOL, path, &why),
    }
}

fn option_paths(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    let mut verdict = PathVerdict::ordinary();
    for found in &parsed.options {
        let Some(value) = found.values.last() else {
            continue;
        };
        let next = match found.effect {
            Effect::Inert => continue,
            Effect::Reads => paths::read(value, scope),
            Effect::Writes => paths::write(value, scope, Write::Replace),
        };
        verdict = verdict.or_worse(labelled(&found.written, next));
    }
    verdict
}

fn inert(_: &Parsed, _: &Scope) -> PathVerdict {
    PathVerdict::ordinary()
}

/// `git diff A B` compares two files outside a repository (or with `--no-index`), and `git
/// blame FILE` prints the file's lines: each operand may be a file it prints.
fn read_operands(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    parsed
        .operands
        .iter()
        .filter(|word| word.text != "-")
        .map(|word| paths::read(word, scope))
        .fold(PathVerdict::ordinary(), PathVerdict::or_worse)
}

/// `git diff --no-index A B` (or outside a work tree) compares two files or two folders,
/// printing what differs: every file in them.
fn read_trees(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    parsed
        .operands
        .iter()
        .filter(|word| word.text != "-")
        .map(|word| paths::read_tree(word, scope))
        .fold(PathVerdict::ordinary(), PathVerdict::or_worse)
}

/// `git grep PATTERN [PATH...]`: with `--no-index` (or outside a repository, with
/// `grep.fallbackToNoIndex`) it searches the files themselves, the working folder when no
/// path is named. `-O` opens the files in a pager program.
fn grep(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    if parsed.has("O") {
        return PathVerdict::new(
            Severity::Unknown,
            "-O opens the files in a program of its choosing".to_owned(),
        );
    }
    let skip = usize::from(!parsed.has("e") && !parsed.has("f"));
    let named: Vec<&Word> = parsed.operands.iter().skip(skip).collect();
    let here = Word::literal(".");
    let searched: Vec<&Word> = if named.is_empty() { vec![&here] } else { named };
    searched
        .into_iter()
        .map(|word| paths::read_tree(word, scope))
        .fold(PathVerdict::ordinary(), PathVerdict::or_worse)
}

/// `--upload-pack` names the program git runs on the other side (locally for a path).
fn ls_remote(parsed: &Parsed, _: &Scope) -> PathVerdict {
    if parsed.has("upload-pack") {
        return PathVerdict::new(
            Severity::Unknown,
            "--upload-pack names a program git runs".to_owned(),
        );
    }
    PathVerdict::ordinary()
}

/// Variables that make less run a command: its input preprocessor, its options (`+CMD`), and
/// the lesskey files whose `#env` section can set the preprocessor.
pub(crate) const LESS_RUNS: &[&str] = &[
    "LESSOPEN",
    "LESSCLOSE",
    "LESS",
    "LESSKEY",
    "LESSKEYIN",
    "LESSKEY_SYSTEM",
    "LESSKEYIN_SYSTEM",
];

/// The pager git starts on a terminal: `GIT_PAGER`, else `core.pager` (the user's), else
/// `PAGER`; less obeys `LESSOPEN`, `LESSCLOSE` and `LESS` set on the line.
fn pager_code(scope: &Scope) -> Option<String> {
    for var in LESS_RUNS {
        if scope.assigned(var).is_some() {
            return Some(format!(
                "{var} is set on the command line: the pager git starts runs what it says"
            ));
        }
    }
    for var in ["GIT_PAGER", "PAGER"] {
        let Some(value) = scope.var(var) else {
            continue;
        };
        return match value {
            EnvValue::Known(text)
                if text.trim().is_empty() || super::aws::is_plain_pager(&text) =>
            {
                None
            }
            EnvValue::Known(text) => Some(format!(
                "{var} is set to {text}: git pipes its output through that program, which guard cannot see (--no-pager turns it off)"
            )),
            EnvValue::Dynamic => Some(format!(
                "{var} comes from an expansion: git pipes its output through that program"
            )),
        };
    }
    None
}

/// `git help` and `--help`: the manual through man (its pager) or a browser (`-w`).
fn help(args: &[Word], scope: &Scope, path: &[&str]) -> Verdict {
    let verdict = options(&T_HELP, args, scope, path, inert);
    if verdict.severity != Severity::Read {
        return verdict;
    }
    for var in ["MANPAGER", "BROWSER"] {
        if scope.assigned(var).is_some() {
            return unknown(
                path,
                &format!(
                    "{var} is set on the command line: the manual is shown through that program"
                ),
            );
        }
    }
    Verdict::of(Severity::Read, TOOL, path, "shows help")
}

/// `git branch`: lists unless an action or a new branch's name is given (builtin/branch.c:
/// `--list`, `-v`, `--contains`, `--merged`, `--points-at` and the like make the names
/// patterns).
fn branch(args: &[Word], scope: &Scope) -> Verdict {
    let path = &["branch"];
    let parsed = match parse(&T_BRANCH, args) {
        Ok(parsed) => parsed,
        Err((severity, why)) => return Verdict::of(severity, TOOL, path, &why),
    };
    if ["d", "D"].iter().any(|o| parsed.has(o)) {
        return Verdict::of(Severity::Destructive, TOOL, path, "deletes branches");
    }
    let acts = [
        "m",
        "M",
        "c",
        "C",
        "u",
        "unset-upstream",
        "edit-description",
        "t",
        "f",
        "create-reflog",
        "recurse-submodules",
        "no-track",
    ];
    if let Some(action) = acts.iter().find(|o| parsed.has(o)) {
        return Verdict::of(
            Severity::Write,
            TOOL,
            path,
            &format!("changes branches (-{action})"),
        );
    }
    let lists = [
        "l",
        "v",
        "contains",
        "no-contains",
        "merged",
        "no-merged",
        "points-at",
    ];
    if !parsed.operands.is_empty() && !lists.iter().any(|o| parsed.has(o)) {
        return Verdict::of(Severity::Write, TOOL, path, "creates a branch");
    }
    let _ = scope;
    Verdict::of(Severity::Read, TOOL, path, "lists branches")
}

/// `git symbolic-ref NAME` prints what NAME points at; with a second operand it sets it,
/// `-d` deletes it.
fn symbolic_ref(args: &[Word], scope: &Scope) -> Verdict {
    let path = &["symbolic-ref"];
    let parsed = match parse(&T_SYMBOLIC_REF, args) {
        Ok(parsed) => parsed,
        Err((severity, why)) => return Verdict::of(severity, TOOL, path, &why),
    };
    if parsed.has("d") {
        return Verdict::of(Severity::Destructive, TOOL, path, "deletes a symbolic ref");
    }
    if parsed.operands.len() > 1 || parsed.has("m") {
        return Verdict::of(Severity::Write, TOOL, path, "changes a symbolic ref");
    }
    let _ = scope;
    Verdict::of(Severity::Read, TOOL, path, "read-only")
}

/// `git tag`: lists with no operand or with `-l`/`-n`/`--contains`/...; `-v` verifies.
fn tag(args: &[Word], _: &Scope) -> Verdict {
    let path = &["tag"];
    let parsed = match parse(&T_TAG, args) {
        Ok(parsed) => parsed,
        Err((severity, why)) => return Verdict::of(severity, TOOL, path, &why),
    };
    if parsed.has("d") {
        return Verdict::of(Severity::Destructive, TOOL, path, "deletes tags");
    }
    if parsed.has("v") {
        return Verdict::of(Severity::Read, TOOL, path, "verifies tags");
    }
    let lists = [
        "l",
        "n",
        "contains",
        "no-contains",
        "merged",
        "no-merged",
        "points-at",
    ];
    let creates = [
        "a",
        "s",
        "m",
        "F",
        "f",
        "u",
        "e",
        "trailer",
        "create-reflog",
    ];
    if creates.iter().any(|o| parsed.has(o))
        || (!parsed.operands.is_empty() && !lists.iter().any(|o| parsed.has(o)))
    {
        return Verdict::of(Severity::Write, TOOL, path, "creates a tag");
    }
    Verdict::of(Severity::Read, TOOL, path, "lists tags")
}

/// `git remote [-v]`, `remote show`, `remote get-url` read; the rest change remotes.
fn remote(args: &[Word], scope: &Scope) -> Verdict {
    // parse-options reads remote's own options (`-v`, `-vv`, `--verb`) up to the subcommand,
    // the first word that is not an option (checked: `git remote -vv add NAME URL` adds).
    let at = args
        .iter()
        .position(|word| word.dynamic || !word.text.starts_with('-') || word.text == "-")
        .unwrap_or(args.len());
    let Some(sub) = args.get(at) else {
        return options(&T_REMOTE, args, scope, &["remote"], inert);
    };
    if let Err((severity, why)) = parse(&T_REMOTE, &args[..at]) {
        return Verdict::of(severity, TOOL, &["remote"], &why);
    }
    if sub.dynamic {
        return unknown(&["remote"], "the remote subcommand comes from an expansion");
    }
    let rest = &args[at + 1..];
    match &*sub.text {
        "show" => options(&T_REMOTE_SHOW, rest, scope, &["remote", "show"], inert),
        "get-url" => options(
            &T_REMOTE_GET_URL,
            rest,
            scope,
            &["remote", "get-url"],
            inert,
        ),
        "remove" | "rm" | "prune" => Verdict::of(
            Severity::Destructive,
            TOOL,
            &["remote", &sub.text],
            "removes a remote or its branches",
        ),
        "add" | "rename" | "set-head" | "set-branches" | "set-url" | "update" => Verdict::of(
            Severity::Write,
            TOOL,
            &["remote", &sub.text],
            "changes remotes",
        ),
        other => unknown(
            &["remote", other],
            "not a git remote subcommand guard knows",
        ),
    }
}

/// `git config`: reading forms read (`git config --list` prints what the user's git
/// configuration holds, tokens in remote URLs included: git's, not the AWS credentials guard
/// hands out), setting forms write configuration later commands trust, `--edit` runs an
/// editor.
fn config(args: &[Word], scope: &Scope) -> Verdict {
    if let Some(sub) = args.first() {
        let rest = &args[1..];
        match &*sub.text {
            "get" => return options(&T_CONFIG_GET, rest, scope, &["config", "get"], inert),
            "list" => return options(&T_CONFIG_LIST, rest, scope, &["config", "list"], inert),
            "set" | "unset" | "rename-section" | "remove-section" | "edit" => {
                return Verdict::of(
                    Severity::Write,
                    TOOL,
                    &["config", &sub.text],
                    "changes git configuration",
                );
            }
            _ => {}
        }
    }
    let path = &["config"];
    let parsed = match parse(&T_CONFIG, args) {
        Ok(parsed) => parsed,
        Err((severity, why)) => return Verdict::of(severity, TOOL, path, &why),
    };
    let writes = [
        "replace-all",
        "add",
        "unset",
        "unset-all",
        "rename-section",
        "remove-section",
        "e",
    ];
    let reads = [
        "get",
        "get-all",
        "get-regexp",
        "get-urlmatch",
        "l",
        "get-color",
        "get-colorbool",
    ];
    if writes.iter().any(|o| parsed.has(o))
        || (!reads.iter().any(|o| parsed.has(o)) && parsed.operands.len() >= 2)
    {
        return Verdict::of(Severity::Write, TOOL, path, "changes git configuration");
    }
    let verdict = option_paths(&parsed, scope);
    if verdict.is_ordinary() {
        Verdict::of(Severity::Read, TOOL, path, "reads git configuration")
    } else {
        Verdict::of(verdict.severity, TOOL, path, &verdict.reason)
    }
}

/// `git stash list|show` read; bare `git stash`, push, pop, apply, ... change the tree.
fn stash(args: &[Word], scope: &Scope) -> Verdict {
    match args.first().map(|word| &*word.text) {
        Some("list") => options(&T_LOG, &args[1..], scope, &["stash", "list"], inert),
        Some("show") => options(&T_STASH_SHOW, &args[1..], scope, &["stash", "show"], inert),
        Some(sub @ ("drop" | "clear")) => Verdict::of(
            Severity::Destructive,
            TOOL,
            &["stash", sub],
            "drops stashed changes",
        ),
        Some(sub) if !sub.starts_with('-') => Verdict::of(
            Severity::Write,
            TOOL,
            &["stash", sub],
            "changes the stash or the files",
        ),
        _ => Verdict::of(Severity::Write, TOOL, &["stash"], "stashes changes"),
    }
}

/// `git reflog [show]`, `reflog list|exists` read; expire and delete destroy entries.
fn reflog(args: &[Word], scope: &Scope) -> Verdict {
    match args.first().map(|word| &*word.text) {
        Some("show") => options(&T_LOG, &args[1..], scope, &["reflog", "show"], inert),
        Some(sub @ ("list" | "exists")) => {
            options(&T_NONE, &args[1..], scope, &["reflog", sub], inert)
        }
        Some(sub @ ("expire" | "delete")) => Verdict::of(
            Severity::Destructive,
            TOOL,
            &["reflog", sub],
            "deletes reflog entries",
        ),
        _ => options(&T_LOG, args, scope, &["reflog"], inert),
    }
}

/// `git worktree list` reads; add, move, remove, prune, lock, repair change worktrees.
fn worktree(args: &[Word], scope: &Scope) -> Verdict {
    match args.first().map(|word| &*word.text) {
        Some("list") => options(
            &T_WORKTREE_LIST,
            &args[1..],
            scope,
            &["worktree", "list"],
            inert,
        ),
        Some(sub @ ("remove" | "prune")) => Verdict::of(
            Severity::Destructive,
            TOOL,
            &["worktree", sub],
            "removes worktrees",
        ),
        Some(sub) => Verdict::of(
            Severity::Write,
            TOOL,
            &["worktree", sub],
            "changes worktrees",
        ),
        None => Verdict::of(Severity::Read, TOOL, &["worktree"], "prints its usage"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// shortlog's and `stash show`'s own options are the ones `git CMD -h` lists.
    #[test]
    fn own_options_are_the_generated_ones() {
        for (hand, generated) in [
            (SHORTLOG, generated::SHORTLOG),
            (STASH_SHOW, generated::STASH_SHOW),
        ] {
            let own = generated.trim_end_matches(" h help");
            let hand = hand
                .split_whitespace()
                .filter(|word| !word.starts_with('@'))
                .collect::<Vec<_>>()
                .join(" ");
            assert!(hand.starts_with(own), "{own}");
        }
    }

    /// The hand-written revision and diff options are the ones this git accepts: every name
    /// is one `git log` or `git diff` knows, and a switch refuses a value (so it never hides
    /// one). git is installed wherever the tests run (scripts/test).
    #[test]
    fn log_options_are_git_s() {
        let repo = std::env::temp_dir().join(format!("guard-git-options-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&repo);
        std::fs::create_dir_all(&repo).unwrap();
        let git = |args: &[&str]| {
            std::process::Command::new("git")
                .args(["-c", "user.name=t", "-c", "user.email=t@t", "--no-pager"])
                .args(args)
                .current_dir(&repo)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("HOME", &repo)
                .stdin(std::process::Stdio::null())
                .output()
                .expect("git runs")
        };
        git(&["init", "-q"]);
        std::fs::write(repo.join("f"), "a\n").unwrap();
        git(&["add", "f"]);
        git(&["commit", "-qm", "one"]);
        let refused = |out: &std::process::Output| {
            let err = String::from_utf8_lossy(&out.stderr);
            // `git diff` prints its usage for an option it does not know.
            err.contains("unrecognized argument")
                || err.contains("unknown option")
                || err.contains("invalid option")
                || err.starts_with("usage: git")
                || String::from_utf8_lossy(&out.stdout).starts_with("usage: git")
        };
        let mut failures = Vec::new();
        for entry in LOG
            .split_whitespace()
            .filter(|e| !e.starts_with('@') && *e != "#")
        {
            let entry = entry.trim_start_matches(['<', '>']);
            let (names, arity) = match entry.strip_suffix(['=', '?']) {
                Some(names) => (names, &entry[names.len()..]),
                None => (entry, ""),
            };
            for name in names.split(',').filter(|n| n.len() > 1 && *n != "help") {
                // An optional value may be left out; a required one is given in the word.
                let word = match arity {
                    "=" => format!("--{name}=1"),
                    _ => format!("--{name}"),
                };
                let in_log = !refused(&git(&["log", "-1", &word, "HEAD", "--", "f"]));
                let in_diff = || match name {
                    "no-index" => !refused(&git(&["diff", &word, "f", "f"])),
                    "merge-base" => !refused(&git(&["diff", &word, "HEAD", "--", "f"])),
                    _ => !refused(&git(&["diff", &word, "--", "f"])),
                };
                // `--format` and `--min-parents` take their value in the same word only.
                let attached = || {
                    arity == "?"
                        && !refused(&git(&[
                            "log",
                            "-1",
                            &format!("--{name}=1"),
                            "HEAD",
                            "--",
                            "f",
                        ]))
                };
                if !(in_log || in_diff() || attached()) {
                    failures.push(format!("{word} is not git's"));
                }
                if arity.is_empty() {
                    let out = git(&["log", "-1", &format!("--{name}=1"), "HEAD", "--", "f"]);
                    let err = String::from_utf8_lossy(&out.stderr);
                    let takes_none = refused(&out) || err.contains("takes no value");
                    if !takes_none
                        && !matches!(
                            name,
                            "cached"
                                | "staged"
                                | "merge-base"
                                | "no-index"
                                | "base"
                                | "ours"
                                | "theirs"
                        )
                    {
                        failures.push(format!("--{name} takes a value: {err}"));
                    }
                }
            }
        }
        for own in [
            "count",
            "objects",
            "objects-edge",
            "objects-edge-aggressive",
            "timestamp",
            "header",
            "disk-usage",
            "no-object-names",
            "object-names",
            "unpacked",
        ] {
            if refused(&git(&["rev-list", &format!("--{own}"), "HEAD"])) {
                failures.push(format!("rev-list --{own} is not git's"));
            }
        }
        let _ = std::fs::remove_dir_all(&repo);
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
