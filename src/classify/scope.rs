//! What a command runs with: its words, the variables the command line itself sets, and
//! what wrappers did to its environment.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use super::pathname::{self, WorkDir};
use super::{Context, Disk, FileText};

/// One word of a command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word<'a> {
    /// The text after quote removal; for a dynamic word, its source text (so it never
    /// equals a keyword or subcommand by accident). Borrowed from the argv when it can be.
    pub text: Cow<'a, str>,
    /// The shell expands it at run time (`$X`, `$(..)`, globs): guard cannot know its value.
    pub dynamic: bool,
}

impl<'a> Word<'a> {
    pub fn literal(text: &'a str) -> Word<'a> {
        Word {
            text: Cow::Borrowed(text),
            dynamic: false,
        }
    }
}

/// The value of a variable as far as guard can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EnvValue {
    Known(String),
    /// Set from an expansion guard cannot evaluate.
    Dynamic,
}

/// Whether the word has the shape `NAME=value`.
pub(crate) fn is_assignment(word: &Word) -> bool {
    let Some((name, _)) = word.text.split_once('=') else {
        return false;
    };
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `NAME=value` split into its parts, if the word is an assignment.
pub(crate) fn assignment(word: &Word) -> Option<(String, EnvValue)> {
    if !is_assignment(word) {
        return None;
    }
    let (name, value) = word.text.split_once('=')?;
    let value = if word.dynamic {
        EnvValue::Dynamic
    } else {
        EnvValue::Known(value.to_owned())
    };
    Some((name.to_owned(), value))
}

/// Variables that carry the credentials guard injects; setting or removing one on the
/// command line means the child would not use the credentials guard verified.
pub(crate) const CREDENTIAL_VARS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

/// Variables that hold a secret guard injects (`childenv`: the keys, the session token, and
/// the credential server's token under `--server`). Any expansion of one hands it to a
/// program that may print it (`ls "$AWS_SECRET_ACCESS_KEY"` does, in its error).
pub(crate) const SECRET_VARS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
];

/// The variables of the version managers whose shims stand on PATH for the tools (pyenv's
/// `aws`, tfenv's `terraform`, asdf's and mise's any): `PYENV_HOOK_PATH` runs bash hooks
/// before the program, `PYENV_ROOT`/`PYENV_VERSION` choose another program (red team R22).
const SHIM_FAMILIES: &[&str] = &[
    "PYENV_", "RBENV_", "NODENV_", "GOENV_", "JENV_", "PLENV_", "ASDF_", "MISE_", "RTX_", "TFENV_",
    "TGENV_", "TOFUENV_", "VOLTA_", "SDKMAN_", "NVM_",
];

/// Why setting a shim variable makes the line unknown.
pub(crate) const SHIM_VAR_WHY: &str = "a version manager's variable: the program may be its shim (pyenv's, asdf's, tfenv's), which obeys it (PYENV_HOOK_PATH runs hooks, PYENV_ROOT and PYENV_VERSION choose another program)";

pub(crate) fn is_shim_var(name: &str) -> bool {
    SHIM_FAMILIES.iter().any(|family| name.starts_with(family))
}

/// Variables the shell itself expands or obeys in ways that run code or change what later
/// commands are (xtrace's `PS4`, the command hash, aliases, prompts, start-up files, shell
/// options): writing one makes the line unknown.
pub(crate) const SHELL_SPECIAL: &[&str] = &[
    "BASH_CMDS",
    "BASH_ALIASES",
    "BASH_ENV",
    "ENV",
    "BASH_COMPAT",
    "BASH_LOADABLES_PATH",
    "BASHOPTS",
    "SHELLOPTS",
    "PS0",
    "PS1",
    "PS2",
    "PS3",
    "PS4",
    "PROMPT_COMMAND",
    "EXECIGNORE",
    "FUNCNEST",
    "HISTFILE",
    "FPATH",
    "fpath",
    "ZDOTDIR",
    "PROMPT",
    "RPROMPT",
    "precmd_functions",
    "preexec_functions",
    "chpwd_functions",
];

/// Whether a program guard judges may read the variable: the tools' own families, the
/// loaders', interpreters' and shells', and the locations and proxies every client obeys.
/// A value guard cannot know (`read`, `printf -v`, `mapfile`) for one of these is unknown.
pub(crate) fn is_tool_read(name: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "AWS_",
        "TF_",
        "KUBE",
        "HELM_",
        "PULUMI_",
        "CDK_",
        "SAM_",
        "EKSCTL_",
        "TG_",
        "TERRAGRUNT_",
        "GUARD_",
        "PYTHON",
        "LD_",
        "DYLD_",
        "NODE_",
        "NPM_",
        "npm_",
        "GIT_",
        "XDG_",
        "LESS",
        "GROFF_",
        "JSII_",
        "DOCKER_",
        "COMPOSE_",
        "SSL_",
        "CURL_",
        "BASH",
        "SHELL",
    ];
    const NAMES: &[&str] = &[
        "HOME",
        "PATH",
        "ENV",
        "PAGER",
        "MANPAGER",
        "BROWSER",
        "EDITOR",
        "VISUAL",
        "ZDOTDIR",
        "CDPATH",
        "TMPDIR",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "http_proxy",
        "https_proxy",
        "NO_PROXY",
        "no_proxy",
        "ALL_PROXY",
        "all_proxy",
        "REQUESTS_CA_BUNDLE",
        "PS4",
    ];
    PREFIXES.iter().any(|prefix| name.starts_with(prefix))
        || NAMES.contains(&name)
        || name
            .get(..4)
            .is_some_and(|head| head.eq_ignore_ascii_case("npm_"))
        || LIBRARY_VARS.iter().any(|(var, _)| *var == name)
}

/// Deeper nesting than this (wrappers inside shells inside wrappers ...) is not followed.
const MAX_DEPTH: usize = 32;

/// Variables some tool parser reads through `Scope::var`; other assignments need not be
/// remembered. Most name a program the tool would run.
const CONSULTED: &[&str] = &[
    // Where an instance metadata or container credentials endpoint is (curl, wget).
    "ECS_CONTAINER_METADATA_URI_V4",
    "ECS_CONTAINER_METADATA_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    // Token files the SDKs read (paths: credential stores wherever they point).
    // bash matches dot-names in globs once it is set (`paths::read_operand`).
    "GLOBIGNORE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "PULUMI_SKIP_CONFIRMATIONS",
    "HOME",
    "KUBECTL_EXTERNAL_DIFF",
    "NODE_OPTIONS",
    "CDK_APP",
    "CDK_BUILD",
    "CDK_PLUGIN",
    "CDK_BROWSER",
    "TG_TF_PATH",
    "TERRAGRUNT_TFPATH",
    "BASH_ENV",
    "ENV",
    "PYTHONWARNINGS",
    "PYTHONPATH",
    "PYTHONUSERBASE",
    "PYTHONINSPECT",
    "PYTHONSTARTUP",
    "PYTHONHOME",
    "PYTHONPYCACHEPREFIX",
    "LESSOPEN",
    "LESSCLOSE",
    "AWS_DATA_PATH",
    "AWS_PAGER",
    "LD_PRELOAD",
    "LD_AUDIT",
    "DYLD_INSERT_LIBRARIES",
    "KUBECONFIG",
    "ZDOTDIR",
    "AWS_CONFIG_FILE",
    "AWS_CLI_AUTO_PROMPT",
    "BROWSER",
    "PATH",
    "PAGER",
    "MANPAGER",
    // The table tools and terraform (tools17).
    "KUBERC",
    "HELM_PLUGINS",
    "HELM_DATA_HOME",
    "XDG_DATA_HOME",
    "PULUMI_HOME",
    "PULUMI_POLICY_PACKS",
    "PULUMI_PYTHON_CMD",
    "PULUMI_RUNTIME_VIRTUALENV",
    "CDK_DOCKER",
    "TG_AUTH_PROVIDER_CMD",
    "TERRAGRUNT_AUTH_PROVIDER_CMD",
    "TF_CLI_CONFIG_FILE",
    "TERRAFORM_CONFIG",
    "TOFU_CLI_CONFIG_FILE",
    "GIT_SSH_COMMAND",
    "GIT_SSH",
    "GIT_CONFIG_COUNT",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_SYSTEM",
    "GIT_CONFIG",
    "BROWSER",
    "ARGOCD_OPTS",
    "TG_CONFIG",
    "TERRAGRUNT_CONFIG",
    // Where helm and argocd send their credentials (paths17).
    "HELM_KUBEAPISERVER",
    "HELM_KUBEINSECURE_SKIP_TLS_VERIFY",
    "HELM_KUBECAFILE",
    "HELM_KUBETLS_SERVER_NAME",
    "HELM_KUBETOKEN",
    "ARGOCD_SERVER",
    "ARGOCD_AUTH_TOKEN",
    // Folders and files the tools write (paths17).
    "KUBECACHEDIR",
    "HELM_CACHE_HOME",
    "HELM_CONFIG_HOME",
    "HELM_REPOSITORY_CACHE",
    "HELM_REPOSITORY_CONFIG",
    "HELM_REGISTRY_CONFIG",
    "TF_LOG_PATH",
    "TF_DATA_DIR",
    "TF_PLUGIN_CACHE_DIR",
    "TF_REATTACH_PROVIDERS",
    "AWS_CLI_HISTORY_FILE",
    // What java loads before it prints its version (tools).
    "JAVA_TOOL_OPTIONS",
    "JDK_JAVA_OPTIONS",
    "_JAVA_OPTIONS",
    // Where the stores of `paths` lie.
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "XDG_STATE_HOME",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_LOGIN_CACHE_DIRECTORY",
    "GUARD_POLICY",
    "CLAUDE_CONFIG_DIR",
    "GEMINI_CLI_SYSTEM_SETTINGS_PATH",
    "GEMINI_CLI_SYSTEM_DEFAULTS_PATH",
    "CODEX_HOME",
];

/// Variables git and curl read (git.rs, curl.rs): their configuration's locations and the
/// programs they start.
const TOOLS17_CONSULTED: &[&str] = &[
    "LESS",
    "LESSKEY",
    "LESSKEYIN",
    "LESSKEY_SYSTEM",
    "LESSKEYIN_SYSTEM",
    "LESSHISTFILE",
    "SSH_ASKPASS",
    "CURL_HOME",
    "SSLKEYLOGFILE",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "TAR_OPTIONS",
    "TAPE",
    "MAGIC",
    "GZIP",
    "GVBINDIR",
    "UNZIP",
    "UNZIPOPT",
    "OPENSSL_CONF",
    "OPENSSL_MODULES",
    "OPENSSL_ENGINES",
    "SYSTEMD_PAGER",
    "WGETRC",
    "SYSTEM_WGETRC",
    "SYSTEMD_LESS",
];

fn is_consulted(name: &str) -> bool {
    // Every terragrunt flag's twin, every Python variable (judged by an allowlist), npm's
    // settings in any case (npm matches `npm_config_` case-insensitively).
    const FAMILIES: &[&str] = &["TG_", "TERRAGRUNT_", "PYTHON", "DOCKER_", "COMPOSE_"];
    FAMILIES.iter().any(|prefix| name.starts_with(prefix))
        || name
            .get(..11)
            .is_some_and(|head| head.eq_ignore_ascii_case("npm_config_"))
        || LIBRARY_VARS.iter().any(|(var, _)| *var == name)
        || name.starts_with("TF_CLI_ARGS")
        || name.starts_with("AWS_ENDPOINT_URL")
        || name.starts_with("GIT_")
        || TOOLS17_CONSULTED.contains(&name)
        || CONSULTED.contains(&name)
        || WRAPPERS_OBEY.iter().any(|obeyed| name.starts_with(obeyed))
}

/// Variables (or prefixes) wrappers read to decide what they run (`flock -c` runs `$SHELL`,
/// npx obeys npm's configuration: `npm_config_call`, `npm_config_script_shell`, ...), and
/// the dynamic loader's, which it obeys for every program.
const WRAPPERS_OBEY: &[&str] = &[
    "SHELL",
    "CDPATH",
    "npm_config_",
    "NPM_CONFIG_",
    "LD_LIBRARY_PATH",
    "DYLD_LIBRARY_PATH",
];

/// What a process-wide variable of a shared library does when the command line sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LibraryVar {
    /// It makes the library load code guard cannot see.
    Runs(&'static str),
    /// It names a file the library appends to: judged by the file's class.
    Appends(&'static str),
}

/// Variables of the libraries every program links (libc, libssl, node, perl, ruby), read by
/// whatever program runs, a wrapper's or a shell's included (red team F24). `LD_PRELOAD` and
/// the loader's others are in `scope::LOADER_VARS`. Inherited values are the user's own.
pub(crate) const LIBRARY_VARS: &[(&str, LibraryVar)] = &[
    (
        "OPENSSL_CONF",
        LibraryVar::Runs(
            "every program linking OpenSSL (curl, Python's ssl: the AWS CLI) reads that configuration, whose engines and providers are libraries it loads",
        ),
    ),
    (
        "OPENSSL_CONF_INCLUDE",
        LibraryVar::Runs("OpenSSL includes configuration from there, which can load engines"),
    ),
    (
        "OPENSSL_MODULES",
        LibraryVar::Runs("OpenSSL loads its provider modules (libraries) from there"),
    ),
    (
        "OPENSSL_ENGINES",
        LibraryVar::Runs("OpenSSL loads its engines (libraries) from there"),
    ),
    (
        "GCONV_PATH",
        LibraryVar::Runs("glibc's iconv loads its conversion modules (libraries) from there"),
    ),
    (
        "NODE_OPTIONS",
        LibraryVar::Runs("node adds those options to every run (--require, --import run modules)"),
    ),
    (
        "NODE_PATH",
        LibraryVar::Runs("node looks modules up there, code guard cannot see"),
    ),
    (
        "PERL5OPT",
        LibraryVar::Runs("perl adds those options to every run (-M loads a module)"),
    ),
    (
        "PERL5LIB",
        LibraryVar::Runs("perl looks modules up there first, code guard cannot see"),
    ),
    (
        "RUBYOPT",
        LibraryVar::Runs("ruby adds those options to every run (-r loads a library)"),
    ),
    (
        "RUBYLIB",
        LibraryVar::Runs("ruby looks libraries up there first, code guard cannot see"),
    ),
    // The Go runtime's and client-go's, read by every Go program guard judges (kubectl, helm,
    // flux, argocd, eksctl, terraform, terragrunt, pulumi, docker) and by any other (red team
    // R25): `GODEBUG=http2debug=2` prints each request's headers, the bearer token included
    // (checked with kubectl 1.32); in a pod without a kubeconfig, client-go's in-cluster
    // configuration sends the service account's token to `KUBERNETES_SERVICE_HOST`.
    (
        "GODEBUG",
        LibraryVar::Runs(
            "the Go runtime's debug settings, which can print every request's headers (http2debug: the bearer token included)",
        ),
    ),
    (
        "KUBERNETES_SERVICE_HOST",
        LibraryVar::Runs(
            "client-go's in-cluster configuration sends the pod's service account token to that host",
        ),
    ),
    (
        "KUBERNETES_SERVICE_PORT",
        LibraryVar::Runs(
            "client-go's in-cluster configuration sends the pod's service account token to that port",
        ),
    ),
    (
        "SSLKEYLOGFILE",
        LibraryVar::Appends(
            "the TLS secrets of every connection (curl, Python's ssl: the AWS CLI, node) are appended there",
        ),
    ),
];

/// Variables the dynamic loader obeys for every program it starts: set on the command line,
/// each loads code guard cannot see (inherited, they are the user's own setup).
pub(crate) const LOADER_VARS: &[&str] = &[
    "LD_PRELOAD",
    "LD_AUDIT",
    "LD_LIBRARY_PATH",
    "DYLD_INSERT_LIBRARIES",
    "DYLD_LIBRARY_PATH",
];

/// Marks a word, as the tool parsers see it, whose value comes from an expansion or from
/// input guard cannot see (it can never equal a subcommand or flag name).
pub(crate) const DYNAMIC: char = '\u{0}';

pub(crate) fn is_dynamic(arg: &str) -> bool {
    arg.starts_with(DYNAMIC)
}

/// The word as it was written, for reasons.
pub(crate) fn shown(arg: &str) -> &str {
    arg.trim_start_matches(DYNAMIC)
}

/// Whether a word from an expansion could turn out to be an option: its text does not start
/// with a literal character (`$X`, `"$X"`, `` `cmd` ``, a glob), so it may start with `-`
/// (`pod/$NAME` cannot).
pub(crate) fn could_be_option(arg: &str) -> bool {
    is_dynamic(arg)
        && shown(arg).chars().next().is_none_or(|c| {
            matches!(
                c,
                '$' | '`' | '"' | '\'' | '*' | '?' | '[' | '-' | '{' | '~'
            )
        })
}

/// The text a tool parser judges for a word: a dynamic word is marked, except a
/// `--flag=$VALUE` (or Go's `-flag=$VALUE`) whose flag name is literal (only its value is unknown).
pub(crate) fn judged_text(word: &Word) -> String {
    if !word.dynamic {
        return word.text.to_string();
    }
    let literal_flag = word.text.split_once('=').is_some_and(|(name, _)| {
        let bare = name.trim_start_matches('-');
        name.len() - bare.len() <= 2
            && name.starts_with('-')
            && !bare.is_empty()
            && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    if literal_flag {
        word.text.to_string()
    } else {
        format!("{DYNAMIC}{}", word.text)
    }
}

/// One variable set by the command line, in a persistent list (newest first): every
/// nested command shares its parent's list and adds to it without copying.
struct Binding {
    name: String,
    value: EnvValue,
    next: Option<Rc<Binding>>,
}

impl Drop for Binding {
    // Unlinks iteratively: dropping a long list recursively could overflow the stack.
    fn drop(&mut self) {
        let mut next = self.next.take();
        while let Some(binding) = next {
            next = Rc::try_unwrap(binding)
                .ok()
                .and_then(|mut binding| binding.next.take());
        }
    }
}

#[derive(Clone)]
pub(crate) struct Scope<'a> {
    ctx: &'a Context<'a>,
    /// Variables set by the command line itself that some tool reads.
    bindings: Option<Rc<Binding>>,
    /// The first credential variable the command line sets.
    credential_var: Option<String>,
    /// Why the command would not run with guard's credentials (a wrapper reset them).
    credential_change: Option<String>,
    /// More arguments may be appended that guard cannot see (xargs).
    pub open_ended: bool,
    /// The next program starts with an `argv[0]` beginning with `-` (`exec -l`): a shell is
    /// then a login shell. Taken by the program it is set for, not passed further down.
    pub login_argv0: bool,
    /// Standard input is a heredoc or here-string.
    pub stdin_heredoc: bool,
    /// Standard input holds nothing or a blank line (`</dev/null`, `echo |`).
    pub stdin_blank: bool,
    /// The shell that runs the script being judged (`zsh -c` reads zsh's grammar).
    pub dialect: Dialect,
    /// The folder the command runs in (`cd`, `env -C` change it).
    workdir: Rc<WorkDir>,
    /// The folder is not the one guard runs in: relative paths are resolved before reading.
    moved: bool,
    /// Files an earlier command of the line writes (absolute), newest first: a tool that
    /// reads one reads what the line put there.
    written: Option<Rc<Written>>,
    /// The first configuration a later command trusts that an earlier command writes
    /// (`~/.kube/config`, `~/.bashrc`): tools read such files without being told.
    trusted_written: Option<Rc<str>>,
    /// Folders an earlier command copies files guard cannot name into (absolute), newest
    /// first: a tool that reads a file there, or runs there, reads what the line put there.
    written_folders: Option<Rc<Written>>,
    /// An earlier command writes a path guard cannot resolve (a glob, a variable): any file
    /// may be new.
    written_somewhere: Option<Rc<str>>,
    /// Every path a judge saw the line write, in order, shared by all the scopes of one
    /// classification (nested scripts included): the script walker turns each command's new
    /// entries into what the commands after it read.
    journal: Rc<RefCell<Vec<Wrote>>>,
    depth: usize,
}

/// The grammar a script is read with: the shell that may run it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Dialect {
    /// sh, bash, dash.
    #[default]
    Posix,
    /// zsh may run it (`zsh -c`, an agent whose shell may be zsh): read is kept to what bash
    /// and zsh read alike; zsh's own globs, `=cmd`, `>!`, hooks and tied variables are
    /// unknown.
    Zsh,
}

/// A write a judge saw (`paths::write`, `paths::write_into`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Wrote {
    /// A file at an absolute path.
    File(String),
    /// Files guard cannot name, into the folder at an absolute path.
    Folder(String),
    /// A path guard cannot resolve, as written.
    Somewhere(String),
}

/// One file the line writes, in a persistent list shared by nested scopes.
struct Written {
    path: String,
    next: Option<Rc<Written>>,
}

impl Drop for Written {
    // Unlinks iteratively, as `Binding` does.
    fn drop(&mut self) {
        let mut next = self.next.take();
        while let Some(written) = next {
            next = Rc::try_unwrap(written)
                .ok()
                .and_then(|mut written| written.next.take());
        }
    }
}

impl<'a> Scope<'a> {
    pub fn new(ctx: &'a Context<'a>) -> Scope<'a> {
        Scope {
            ctx,
            bindings: None,
            credential_var: None,
            credential_change: None,
            open_ended: false,
            login_argv0: false,
            stdin_heredoc: false,
            stdin_blank: false,
            dialect: Dialect::Posix,
            workdir: Rc::new(Self::initial_workdir(ctx)),
            moved: false,
            written: None,
            trusted_written: None,
            written_folders: None,
            written_somewhere: None,
            journal: Rc::default(),
            depth: 0,
        }
    }

    fn initial_workdir(ctx: &Context) -> WorkDir {
        match ctx.cwd {
            Some(cwd) if cwd.is_absolute() => {
                WorkDir::Known(pathname::normalize(&cwd.to_string_lossy()))
            }
            _ => WorkDir::Unknown("guard could not find its working folder".to_owned()),
        }
    }

    /// The folder the command runs in.
    pub fn workdir(&self) -> &WorkDir {
        &self.workdir
    }

    /// Moves the command to another folder (`cd`, `env -C`); see `paths::locate` to resolve
    /// the word that names it.
    pub fn set_workdir(&mut self, workdir: WorkDir) {
        if workdir != *self.workdir {
            self.moved = workdir != Self::initial_workdir(self.ctx);
            self.workdir = Rc::new(workdir);
        }
    }

    /// Records that the line writes the file at `at` (absolute) before the commands that
    /// follow; `trusted` when a later command reads it without being told (a kubeconfig,
    /// a shell start-up file, the AWS CLI's config).
    pub fn wrote(&mut self, at: String, trusted: bool) {
        if trusted && self.trusted_written.is_none() {
            self.trusted_written = Some(Rc::from(at.as_str()));
        }
        let next = self.written.take();
        self.written = Some(Rc::new(Written { path: at, next }));
    }

    /// Records that the line copies files guard cannot name into the folder at `at`
    /// (absolute): configuration or a project file a later command reads without being told
    /// may be among them.
    pub fn wrote_into(&mut self, at: String) {
        if self.trusted_written.is_none() {
            self.trusted_written = Some(Rc::from(format!("files into {at}").as_str()));
        }
        let next = self.written_folders.take();
        self.written_folders = Some(Rc::new(Written { path: at, next }));
    }

    /// Records that the line writes a path guard cannot resolve: it may be any file,
    /// configuration a later command trusts included.
    pub fn wrote_somewhere(&mut self, word: &str) {
        if self.written_somewhere.is_none() {
            self.written_somewhere = Some(Rc::from(word));
        }
        if self.trusted_written.is_none() {
            let what = format!("{word}, a path guard cannot resolve");
            self.trusted_written = Some(Rc::from(what.as_str()));
        }
    }

    /// A folder an earlier command of the line copies files into that holds `at` (or is it).
    pub fn written_folder_holding(&self, at: &str) -> Option<&str> {
        let mut written = self.written_folders.as_deref();
        while let Some(current) = written {
            let folder = current.path.as_str();
            let holds = at == folder
                || folder == "/"
                || at
                    .strip_prefix(folder)
                    .is_some_and(|rest| rest.starts_with('/'));
            if holds {
                return Some(folder);
            }
            written = current.next.as_deref();
        }
        None
    }

    /// Why a glob in the folder `folder` (absolute) may match a name the line itself writes
    /// before it: a file written there, files copied into it, or a write guard cannot place.
    pub fn wrote_near(&self, folder: &str) -> Option<String> {
        let mut written = self.written.as_deref();
        while let Some(current) = written {
            if current.path.rsplit_once('/').map(|(parent, _)| parent) == Some(folder)
                || (folder == "/" && current.path.matches('/').count() == 1)
            {
                return Some(current.path.clone());
            }
            written = current.next.as_deref();
        }
        if let Some(into) = self.written_folder_holding(folder) {
            return Some(format!("files into {into}"));
        }
        self.written_somewhere.as_deref().map(str::to_owned)
    }

    /// Notes a write a judge saw, for the commands after this one.
    pub fn note_write(&self, wrote: Wrote) {
        self.journal.borrow_mut().push(wrote);
    }

    /// How many writes were noted so far: a mark for `writes_since`.
    pub fn journal_mark(&self) -> usize {
        self.journal.borrow().len()
    }

    /// The writes noted since `mark`.
    pub fn writes_since(&self, mark: usize) -> Vec<Wrote> {
        self.journal
            .borrow()
            .get(mark..)
            .unwrap_or_default()
            .to_vec()
    }

    /// The configuration a later command trusts that the line writes first, if any.
    pub fn trusted_written(&self) -> Option<&str> {
        self.trusted_written.as_deref()
    }

    fn was_written(&self, at: &str) -> bool {
        let mut written = self.written.as_deref();
        while let Some(current) = written {
            if current.path == at {
                return true;
            }
            written = current.next.as_deref();
        }
        false
    }

    /// The value guard's own environment gives the variable (not the command line's).
    pub fn inherited(&self, name: &str) -> Option<String> {
        (self.ctx.env)(name)
    }

    /// What is on disk at the paths the command names.
    pub fn disk(&self) -> &dyn Disk {
        self.ctx.disk
    }

    /// A scope one level deeper, or None past the nesting limit.
    pub fn deeper(&self) -> Option<Scope<'a>> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        let mut next = self.clone();
        next.depth += 1;
        Some(next)
    }

    pub fn var(&self, name: &str) -> Option<EnvValue> {
        self.assigned(name)
            .or_else(|| (self.ctx.env)(name).map(EnvValue::Known))
    }

    /// The value the command line itself gives the variable (an assignment, `env`,
    /// `export`), not the one it inherits.
    pub fn assigned(&self, name: &str) -> Option<EnvValue> {
        debug_assert!(is_consulted(name), "{name} must be listed in is_consulted");
        let mut binding = self.bindings.as_deref();
        while let Some(current) = binding {
            if current.name == name {
                return Some(current.value.clone());
            }
            binding = current.next.as_deref();
        }
        None
    }

    /// The first variable the command line itself sets whose name starts with `prefix`.
    pub fn assigned_prefixed(&self, prefix: &str) -> Option<&str> {
        debug_assert!(
            is_consulted(prefix),
            "{prefix} must be listed in is_consulted"
        );
        let mut binding = self.bindings.as_deref();
        while let Some(current) = binding {
            // npm matches `npm_config_` in any case (`Npm_Config_Yes`); for the others a
            // case-blind match is only stricter.
            if current
                .name
                .get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
            {
                return Some(&current.name);
            }
            binding = current.next.as_deref();
        }
        None
    }

    /// The first variable the command line itself sets whose name `wanted` accepts (only
    /// variables `is_consulted` keeps are seen).
    pub fn assigned_where(&self, wanted: impl Fn(&str) -> bool) -> Option<&str> {
        let mut binding = self.bindings.as_deref();
        while let Some(current) = binding {
            if wanted(&current.name) {
                return Some(&current.name);
            }
            binding = current.next.as_deref();
        }
        None
    }

    /// The contents of a file a tool would read, relative to guard's working directory.
    ///
    /// A relative path is read in the folder the command runs in (`cd sub &&`, `env -C`);
    /// when guard does not know that folder, or an earlier command of the line writes the
    /// file, guard cannot know what the tool will read.
    pub fn read_file(&self, path: &str) -> FileText {
        // Folded as the kernel resolves it (a `..` after a link is not folded away), as
        // the path classes fold the paths themselves.
        let absolute = if path.starts_with('/') {
            Some(pathname::fold(path, self.disk()))
        } else {
            match &*self.workdir {
                WorkDir::Known(dir) => Some(pathname::fold(&format!("{dir}/{path}"), self.disk())),
                WorkDir::Unknown(why) if self.moved => {
                    return FileText::Unreadable(format!(
                        "{path} is relative to a folder guard does not know ({why})"
                    ));
                }
                WorkDir::Unknown(_) => None,
            }
        };
        if absolute.as_deref().is_some_and(pathname::goes_up) {
            return FileText::Unreadable(format!(
                "{path} goes up (..) from a link, which the kernel follows first: guard cannot tell which file it is"
            ));
        }
        if let Some(word) = &self.written_somewhere {
            return FileText::Unreadable(format!(
                "{path} may be the file an earlier command of the line writes to {word}"
            ));
        }
        if let Some(folder) = absolute
            .as_deref()
            .and_then(|at| self.written_folder_holding(at))
        {
            return FileText::Unreadable(format!(
                "{path} may be among the files an earlier command of the line copies into {folder}"
            ));
        }
        if self.written.is_some() || self.written_folders.is_some() {
            match &absolute {
                Some(at) if self.was_written(at) => {
                    return FileText::Unreadable(format!(
                        "{path} is written by an earlier command of the line; guard cannot know what it will hold"
                    ));
                }
                None => {
                    return FileText::Unreadable(format!(
                        "{path} may be a file an earlier command of the line writes"
                    ));
                }
                Some(_) => {}
            }
        }
        match absolute {
            Some(at) if self.moved => (self.ctx.read_file)(std::path::Path::new(&at)),
            _ => (self.ctx.read_file)(std::path::Path::new(path)),
        }
    }

    /// The home directory the command runs with (`HOME=... aws` changes it).
    pub fn home(&self) -> Option<EnvValue> {
        self.var("HOME")
    }

    pub fn assign(&mut self, name: String, value: EnvValue) {
        if self.credential_var.is_none() && CREDENTIAL_VARS.contains(&name.as_str()) {
            self.credential_var = Some(name.clone());
        }
        if is_consulted(&name) {
            let next = self.bindings.take();
            self.bindings = Some(Rc::new(Binding { name, value, next }));
        }
    }

    /// Records the first reason the command would lose guard's credentials.
    pub fn lose_credentials(&mut self, why: String) {
        self.credential_change.get_or_insert(why);
    }

    /// The credential override implied by the scope itself (not by the tool's own flags).
    pub fn credential_override(&self) -> Option<String> {
        self.credential_change.clone().or_else(|| {
            self.credential_var
                .as_ref()
                .map(|name| format!("{name} set on the command line"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_need_a_shell_name() {
        let word = Word::literal("TF_CLI_ARGS_apply=-destroy");
        assert_eq!(
            assignment(&word),
            Some((
                "TF_CLI_ARGS_apply".to_owned(),
                EnvValue::Known("-destroy".to_owned())
            ))
        );
        assert_eq!(assignment(&Word::literal("1X=2")), None);
        assert_eq!(assignment(&Word::literal("--opt=2")), None);
        assert_eq!(assignment(&Word::literal("=2")), None);
    }

    #[test]
    fn a_long_variable_list_drops_without_recursion() {
        let env = |_: &str| None;
        let files = |_: &std::path::Path| FileText::Missing;
        let ctx = Context {
            env: &env,
            read_file: &files,
            cwd: None,
            disk: &super::super::NoDisk,
        };
        let mut scope = Scope::new(&ctx);
        for i in 0..200_000 {
            scope.assign("TF_CLI_ARGS".to_owned(), EnvValue::Known(i.to_string()));
        }
        assert_eq!(
            scope.var("TF_CLI_ARGS"),
            Some(EnvValue::Known("199999".to_owned()))
        );
    }
}
