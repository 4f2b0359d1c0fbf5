//! A POSIX shell lexer, just enough to find every command a `sh -c` string would run.
//!
//! It knows quoting, operators, comments, `$( )`, backticks, `${ }`, heredocs, subshells,
//! groups, `if`/`for`/`while`/`case`, `[[ ]]`, function definitions and bash's process
//! substitution. It evaluates nothing: an expansion makes its word dynamic. Control flow is
//! not followed, because every command in the string might run; each command says how it
//! runs (`Flow`) so that what it changes in the shell (`cd`) is only believed where certain.
//!
//! The shell is an allowlist: the constructs it models are plain parameter expansion
//! (`$x`, `${x}`, `${x:-w}`, `${x#p}`, ...), command substitution, quoting, redirections
//! and the compound commands above. Every other construct is recorded in
//! `Script::unmodelled` (arithmetic and subscripts, which evaluate `a[$(cmd)]` in a
//! variable's value; transforming expansions such as `${x@P}`, which run code; zsh's
//! expansion flags), and the script is then unknown.

use std::borrow::Cow;
use std::fmt;

use super::scope::{self, Word};

pub(crate) struct Script {
    /// Every simple command, in source order; commands inside a substitution come before
    /// the command that uses its output.
    pub commands: Vec<ShellCommand>,
    /// The functions the script defines in its own shell, unconditionally, in order.
    pub functions: Vec<Function>,
    pub error: Option<SyntaxError>,
    /// Constructs outside the modelled subset, in source order.
    pub unmodelled: Vec<Unmodelled>,
    /// Every `for`/`select` header, with the variable it assigns (`split_vars` reads them).
    pub loops: Vec<LoopDef>,
    /// Some commands run at the same time as others: a pipeline, a background job (`&`) or a
    /// process substitution. Source order is then no order of execution.
    pub concurrent: bool,
    /// The variables the script expands anywhere (words, redirections, here-documents,
    /// here-strings), by name, once each; `${#x}` (a length) does not count.
    pub expanded: Vec<String>,
}

/// A construct guard does not model, and where: any of them makes the script unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unmodelled {
    pub construct: Construct,
    /// The source text, as written.
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Construct {
    /// `$((x))`, `$[x]`, `((x))`, `for ((;;))`, `${x:1}`, `[[ a -eq b ]]`: a variable's value
    /// is evaluated as an expression, and a subscript in it (`a[$(cmd)]`) runs the command.
    Arithmetic,
    /// `${a[i]}`, `a[i]=v`, `[[ -v a[i] ]]`: the subscript is evaluated arithmetically.
    Subscript,
    /// `${x@P}`, `${x/a/b}`, `${x^^}`, ...: `@P` runs the substitutions in the value.
    Transforming,
    /// `${!x}`, `${!x*}`: the name of the variable expanded comes from another one.
    Indirect,
    /// `${x:=v}`: assigns the variable.
    Assigning,
    /// zsh's `${(e)x}` and other flags (`(e)` runs the substitutions in the value).
    ZshFlags,
    /// A line of a here-document with an unquoted delimiter that ends in a backslash: bash joins
    /// it with the next before it looks for the delimiter (`EO\` then `F` ends the document),
    /// dash does not, so where the document ends depends on the shell.
    HeredocContinuation,
    /// `$"..."`: bash translates the text through the message catalog `TEXTDOMAIN` and
    /// `TEXTDOMAINDIR` name, so its words are not the ones written.
    Translated,
    /// zsh only (the line is run by zsh): a word bash reads as written that zsh expands:
    /// `<1-9>` and `<->` match numbered files (`cat /proc/<1->/environ`), `=cmd` is the path
    /// of a command, `$+x` is 0 or 1; `() { ... } args` runs an anonymous function.
    ZshWord,
    /// zsh only: a function zsh runs by itself (`chpwd` after `cd`, `TRAPEXIT` and `zshexit`
    /// at exit, `precmd`, `preexec`, `periodic`, `TRAPZERR`, ...), where guard does not
    /// follow it.
    ZshHook,
    /// zsh only: `>!`, `>>!`, `&>!` write the next word; bash writes a file named `!`.
    ZshRedirection,
}

impl Construct {
    pub fn describe(self) -> &'static str {
        match self {
            Construct::Arithmetic => {
                "arithmetic evaluation, which runs a command in a subscript of a variable's value"
            }
            Construct::Subscript => {
                "an array subscript, which is evaluated arithmetically (a command in it runs)"
            }
            Construct::Transforming => {
                "a transforming expansion (${x@P} runs the substitutions in the value)"
            }
            Construct::Indirect => {
                "an indirect expansion: the variable it reads is named at run time"
            }
            Construct::Assigning => "an expansion that assigns a variable",
            Construct::ZshFlags => {
                "a zsh expansion flag (${(e)x} runs the substitutions in the value, $=x splits it into options, $~x globs it)"
            }
            Construct::HeredocContinuation => {
                "a here-document line ending in a backslash (bash and dash end the document at different lines)"
            }
            Construct::Translated => {
                "a $\"...\" string, which bash replaces with its translation from a message catalog"
            }
            Construct::ZshWord => {
                "a word zsh expands (<1-9> and <-> match numbered files, =cmd is a command's path, $+x is 0 or 1, () { } runs an anonymous function)"
            }
            Construct::ZshHook => {
                "a function zsh runs by itself (chpwd after cd, TRAPEXIT and zshexit at exit, precmd, preexec, periodic, other TRAP* on signals)"
            }
            Construct::ZshRedirection => {
                "zsh's >! redirection (zsh writes the next word, bash a file named !)"
            }
        }
    }
}

/// A function definition bash would have made before a command runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Function {
    pub name: String,
    /// The index in `Script::commands` from which on it is defined.
    pub from: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ShellCommand {
    /// Assignments, program and arguments (redirections removed).
    pub words: Vec<Word<'static>>,
    /// Files an output redirection (`>`, `>>`, `&>`, `<>`) writes.
    pub writes: Vec<Output>,
    /// Files an input redirection (`<`, `<>`) reads.
    pub reads: Vec<Word<'static>>,
    /// It has a redirection of any kind (`2>&1` included).
    pub redirected: bool,
    /// Standard input is a heredoc or here-string.
    pub stdin_heredoc: bool,
    /// Standard input holds nothing or one blank line: the last redirection of descriptor 0
    /// is `< /dev/null`, or there is none and the command follows `echo |`, `echo -n |`,
    /// `true |` or `: |` (`openssl s_client` then sends at most a newline).
    pub stdin_blank: bool,
    pub flow: Flow,
    /// It stands for a `for` or `select` loop's assignment of its variable (the values are in
    /// `Script`'s loop list, not in the word).
    pub loop_assignment: bool,
    /// The "further words" of unquoted variables that may not split after all, once the whole
    /// script is known (`split_vars`).
    pub(crate) var_splits: Vec<VarSplit>,
}

/// A word whose only splitting expansions are plain unquoted variables (`s3://$r`), each
/// certainly assigned before the word is expanded (in the body of `for r in ...`, or after
/// a top-level `r=...`): if every value those variables can have on the line is one plain
/// word, the word after it (`at`, the "further words") stands for nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VarSplit {
    pub at: usize,
    pub names: Vec<String>,
}

/// A `for NAME in WORDS` or `select` header: `safe` when it is `for` over literal words that
/// are each one plain word (`split_vars::is_plain_value`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LoopDef {
    pub name: String,
    pub safe: bool,
}

/// The file of an output redirection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Output {
    pub target: Word<'static>,
    /// `>>` or `<>`: the file is added to, not truncated.
    pub append: bool,
}

/// How a command runs relative to the script's own shell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Flow {
    /// The subshell it runs in: 0 for the script's shell, else one number per `( )`,
    /// substitution or backtick body.
    pub shell: u32,
    /// A member of a pipeline or a background job: it runs in a subshell of its own, so
    /// what it changes in the shell is lost.
    pub pipelined: bool,
    /// In an `if`/`while`/`for`/`case` body, a `{ }` group or a function body: it may not run,
    /// or run several times, or later.
    pub conditional: bool,
    pub chain: Chain,
}

/// Where a command stands in its and-or list (`a && b || c`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Chain {
    /// It starts the list: it runs.
    #[default]
    First,
    /// Every operator before it in the list is `&&`: it runs only if they all succeeded.
    AfterAnd,
    /// An `||` comes before it: it may run although an earlier command failed.
    AfterOr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SyntaxError {
    UnterminatedQuote,
    UnterminatedExpansion,
    UnbalancedParenthesis,
    UnexpectedParenthesis,
    MissingRedirectionTarget,
    UnterminatedTest,
    TooDeep,
    /// A word right after `]]` (bash refuses it; zsh's short forms run it as a command:
    /// `if [[ -n x ]] cmd`, `while [[ ... ]] { cmd }`).
    WordAfterTest,
    /// `then`, `fi`, `do`, `done`, `}`, `esac` out of order, or a compound command left open
    /// (bash refuses the line; zsh runs `if true { cmd }` and `for x in a { cmd }`).
    Misplaced,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SyntaxError::UnterminatedQuote => "an unterminated quote",
            SyntaxError::UnterminatedExpansion => "an unterminated substitution",
            SyntaxError::UnbalancedParenthesis => "unbalanced parentheses",
            SyntaxError::UnexpectedParenthesis => "an unexpected parenthesis",
            SyntaxError::MissingRedirectionTarget => "a redirection without a target",
            SyntaxError::UnterminatedTest => "a [[ without its ]]",
            SyntaxError::TooDeep => "substitutions nested too deeply",
            SyntaxError::WordAfterTest => {
                "a word right after ]], which bash refuses and zsh runs as a command"
            }
            SyntaxError::Misplaced => {
                "a compound command bash refuses (a keyword out of order or left open), whose short forms zsh runs"
            }
        })
    }
}

/// Deeper nesting of substitutions than this is refused rather than followed.
const MAX_NESTING: usize = 64;

pub(crate) fn parse(source: &str) -> Script {
    parse_as(source, scope::Dialect::Posix)
}

/// [`parse`], with the grammar of the shell that runs the script.
pub(crate) fn parse_as(source: &str, dialect: scope::Dialect) -> Script {
    let mut parser = Parser::new(source, 0);
    parser.zsh = dialect == scope::Dialect::Zsh;
    parser.parse_list(Until::End);
    Script {
        commands: parser.commands,
        functions: parser.functions,
        error: parser.error,
        unmodelled: parser.unmodelled,
        expanded: parser.expanded,
        loops: parser.loops,
        concurrent: parser.concurrent,
    }
}

/// Splits a string into words as a shell would for the arguments of one command (used for
/// `TF_CLI_ARGS` and `env -S`); None when it holds operators, substitutions or errors.
pub(crate) fn split_words(source: &str) -> Option<Vec<Word<'static>>> {
    let mut parser = Parser::new(source, 0);
    let mut words = Vec::new();
    loop {
        parser.skip_blanks();
        match parser.peek() {
            None => break,
            Some('\n') => parser.pos += 1,
            Some(c) if is_metachar(c) || c == '#' => return None,
            Some(_) => words.push(parser.read_word().word),
        }
        if parser.error.is_some() {
            return None;
        }
    }
    parser.commands.is_empty().then_some(words)
}

/// Whether a literal value is one plain word after splitting and globbing: non-empty (an
/// empty unquoted expansion is no word at all) and made only of letters, digits and
/// `-_./:,=%+@` (no IFS character, glob character, backslash, nothing extglob or brace
/// expansion reads).
pub(crate) fn is_plain_value(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:,=%+@".contains(c))
}

fn is_metachar(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')'
    )
}

/// The functions zsh calls by itself: hooks (zshmisc SPECIAL FUNCTIONS) and traps.
fn is_zsh_hook(name: &str) -> bool {
    matches!(
        name,
        "chpwd"
            | "precmd"
            | "preexec"
            | "periodic"
            | "zshexit"
            | "zshaddhistory"
            | "command_not_found_handler"
    ) || name.starts_with("TRAP")
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_name(text: &str) -> bool {
    text.chars().next().is_some_and(|c| !c.is_ascii_digit()) && text.chars().all(is_name_char)
}

/// Adds a command's word, and after a word the shell may split into several (`$X` unquoted)
/// a word standing for the ones that follow it: each judge treats that as it treats `$X` alone
/// (`X='default --server=https://elsewhere'; kubectl get pods -n $X` passes `--server`), so an
/// expansion is a flag's value or a name's suffix only where it is quoted.
///
/// `covered` says whether every plain variable split in the word is certainly assigned at
/// this point: only then may `split_vars` drop the further words once the script is known.
fn push_split(current: &mut ShellCommand, lexed: Lexed, assignment: bool, covered: bool) {
    let splits = lexed.splits || !lexed.split_vars.is_empty();
    let more = (splits && !assignment)
        .then(|| format!("$(the further words {} may expand to)", lexed.word.text));
    current.words.push(lexed.word);
    if let Some(text) = more {
        if !lexed.splits && covered {
            current.var_splits.push(VarSplit {
                at: current.words.len(),
                names: lexed.split_vars,
            });
        }
        current.words.push(Word {
            text: Cow::Owned(text),
            dynamic: true,
        });
    }
}

/// Whether a `(` right after the last word opens an array value as bash allows it: the word
/// is `NAME=` or `NAME+=` and stands where an assignment does (before the command name, or
/// after a declaration builtin: `declare -a x=(1 2)`). Anywhere else (`echo a=(b)`,
/// `cat =(cmd)`) bash refuses the line.
fn array_assignment(words: &[Word]) -> bool {
    let Some((last, before)) = words.split_last() else {
        return false;
    };
    let name = last
        .text
        .strip_suffix("+=")
        .or_else(|| last.text.strip_suffix('='));
    if last.dynamic || !name.is_some_and(is_name) {
        return false;
    }
    match before.iter().find(|word| !scope::is_assignment(word)) {
        None => true,
        Some(command) => matches!(
            &*command.text,
            "export" | "declare" | "typeset" | "local" | "readonly"
        ),
    }
}

/// `a[i]=v` or `a[i]+=v`: an assignment to an array element.
fn is_subscript_assignment(text: &str) -> bool {
    text.split_once('[')
        .is_some_and(|(name, rest)| is_name(name) && (rest.contains("]=") || rest.contains("]+=")))
}

/// The leading variable name of a `${...}` body (after `!` or `#`), if it has one.
fn braced_name(inner: &str) -> Option<&str> {
    let body = inner.trim_start_matches(['!', '#']);
    let end = body.find(|c| !is_name_char(c)).unwrap_or(body.len());
    let name = &body[..end];
    is_name(name).then_some(name)
}

/// The variable a `${...}` body expands (None for a special parameter or a length), if it
/// is one of the modelled forms: `${x}`, `${x:-w}`, `${x-w}`, `${x:+w}`, `${x+w}`,
/// `${x:?w}`, `${x?w}`, `${x#p}`, `${x##p}`, `${x%p}`, `${x%%p}`, `${#x}`, and an
/// element `${a[0]}`/`${a[@]}` with a literal index.
fn braced(inner: &str) -> Result<Option<&str>, Construct> {
    let (length, body) = match inner.strip_prefix('#') {
        Some(rest) if !rest.is_empty() && !rest.starts_with([':', '-', '+', '=', '?']) => {
            (true, rest)
        }
        _ => (false, inner),
    };
    let first = body.chars().next().ok_or(Construct::Transforming)?;
    let end = match first {
        '!' if body.len() > 1 => return Err(Construct::Indirect),
        '(' | '~' | '=' | '^' => return Err(Construct::ZshFlags),
        c if c.is_ascii_alphabetic() || c == '_' => {
            body.find(|c| !is_name_char(c)).unwrap_or(body.len())
        }
        c if c.is_ascii_digit() => body
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(body.len()),
        '@' | '*' | '#' | '?' | '$' | '!' | '-' => 1,
        _ => return Err(Construct::Transforming),
    };
    let name = &body[..end];
    let mut rest = &body[end..];
    if let Some(after) = rest.strip_prefix('[') {
        let close = after.find(']').ok_or(Construct::Subscript)?;
        let index = &after[..close];
        let literal = matches!(index, "@" | "*")
            || (!index.is_empty() && index.chars().all(|c| c.is_ascii_digit()));
        if !literal {
            return Err(Construct::Subscript);
        }
        rest = &after[close + 1..];
    }
    let named = is_name(name).then_some(name);
    if rest.is_empty() {
        return Ok(if length { None } else { named });
    }
    if length {
        return Err(Construct::Transforming);
    }
    let operator = rest.strip_prefix(':').unwrap_or(rest);
    match operator.chars().next() {
        Some('-' | '+' | '?') => Ok(named),
        Some('#' | '%') if !rest.starts_with(':') => Ok(named),
        Some('=') => Err(Construct::Assigning),
        _ if rest.starts_with(':') => Err(Construct::Arithmetic),
        _ => Err(Construct::Transforming),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Until {
    End,
    /// The `)` that closes a `$(`, `<(` or `>(`.
    CloseParen,
}

/// Where the lexer is in the shell grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// The next word is a command name or a reserved word.
    Command,
    /// The next word is an argument.
    Args,
    /// `for NAME in WORDS` / `select ...`: words up to the separator are not commands.
    LoopHeader,
    /// `case WORD`, up to `in`.
    CaseHeader,
    /// Patterns of a `case` item, up to `)`.
    CasePatterns,
    /// The word after `function`.
    FunctionName,
    /// Right after `[[ ... ]]`: only an operator, a redirection or a keyword that ends or
    /// continues a compound command may follow.
    AfterTest,
}

impl State {
    fn after_separator(self) -> State {
        match self {
            State::CaseHeader | State::CasePatterns => self,
            _ => State::Command,
        }
    }
}

struct PendingHeredoc {
    delimiter: String,
    strip_tabs: bool,
    /// The delimiter was unquoted, so the body undergoes substitutions.
    expands: bool,
}

/// A word as lexed, with what the grammar needs to know about it.
struct Lexed {
    word: Word<'static>,
    /// Any part was quoted or escaped (so it cannot be a reserved word).
    quoted: bool,
    assignment: bool,
    /// It has an expansion the shell splits into words: unquoted (`$(cmd)`, `` `cmd` ``, `$@`,
    /// `${x:-w}`), or `"$@"` and `"${a[@]}"`, which are one word per element.
    splits: bool,
    /// The plain variables (`$x`, `${x}`) it expands unquoted, which the shell splits too.
    split_vars: Vec<String>,
}

/// Builds a word's text while tracking what it is.
#[derive(Default)]
struct WordBuilder {
    text: String,
    dynamic: bool,
    splits: bool,
    split_vars: Vec<String>,
    quoted: bool,
    /// Everything so far is an unquoted name, so an `=` would make an assignment.
    broke_name: bool,
    assignment: bool,
    open_bracket: bool,
    open_brace: Option<usize>,
}

impl Lexed {
    /// `NAME=...` with a literal name, quoted or not after the `=`.
    fn assignment_shaped(&self) -> bool {
        scope::is_assignment(&self.word)
    }
}

impl WordBuilder {
    fn quoted_char(&mut self, c: char) {
        self.quoted = true;
        self.text_not_name();
        self.text.push(c);
    }

    fn unquoted_char(&mut self, c: char) {
        if !self.assignment && !self.broke_name {
            if c == '=' && !self.text.is_empty() {
                self.assignment = true;
            } else if !is_name_char(c) || (self.text.is_empty() && c.is_ascii_digit()) {
                self.broke_name = true;
            }
        }
        match c {
            '*' | '?' => self.dynamic = true,
            '[' => self.open_bracket = true,
            ']' if self.open_bracket => self.dynamic = true,
            '{' => self.open_brace = Some(self.text.len()),
            '}' => {
                // `{a,b}` and `{1..3}` are brace expansions.
                if let Some(inner) = self.open_brace.and_then(|at| self.text.get(at..))
                    && (inner.contains(',') || inner.contains(".."))
                {
                    self.dynamic = true;
                }
            }
            _ => {}
        }
        self.text.push(c);
    }

    fn expansion(&mut self, source: &str) {
        self.text_not_name();
        self.dynamic = true;
        self.text.push_str(source);
    }

    fn text_not_name(&mut self) {
        if !self.assignment {
            self.broke_name = true;
        }
    }

    fn finish(self) -> Lexed {
        Lexed {
            word: Word {
                text: Cow::Owned(self.text),
                dynamic: self.dynamic,
            },
            quoted: self.quoted,
            assignment: self.assignment,
            splits: self.splits,
            split_vars: self.split_vars,
        }
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    nesting: usize,
    commands: Vec<ShellCommand>,
    functions: Vec<Function>,
    /// Definitions in the current pipeline: they count once a separator shows they ran in
    /// this shell (a `|` or `&` after them runs them in a subshell).
    pending: Vec<String>,
    /// Depth of `if`/`while`/`for`/`case`/`{` blocks: a definition inside may not run.
    blocks: usize,
    /// The next word is the variable of a `for` or `select` loop.
    loop_name_next: bool,
    /// The current command follows `&&`, `||` or `|`: it may not run, or runs in a subshell.
    chained: bool,
    error: Option<SyntaxError>,
    heredocs: Vec<PendingHeredoc>,
    unmodelled: Vec<Unmodelled>,
    expanded: Vec<String>,
    /// The subshells open at the cursor, innermost last (0, the script's shell, first).
    shells: Vec<u32>,
    /// The last subshell number handed out.
    last_shell: u32,
    /// How the current command is joined to the list before it.
    chain: Chain,
    /// The current command follows `|`.
    piped: bool,
    /// The descriptor written before the redirection at the cursor (`2>`, `0<`).
    io_number: Option<u32>,
    /// Every `for`/`select` header so far (sub-parsers' included).
    loops: Vec<LoopDef>,
    /// The headers being read, from `for`/`select` up to their `do`, innermost last (a
    /// header's words may hold a substitution with loops of its own).
    headers: Vec<Header>,
    /// The bodies of the `for` loops over plain literal words the cursor is in: their
    /// variables are certainly assigned here.
    frames: Vec<Frame>,
    /// Variables a bare top-level assignment certainly made before the cursor, and those of
    /// the current list, which count once a separator keeps them in this shell.
    assigned: Vec<String>,
    pending_assigned: Vec<String>,
    /// The compound commands open at the cursor, innermost last: their keywords must come
    /// in bash's order, or the line is refused as bash refuses it.
    opens: Vec<Open>,
    /// zsh may run the script: what zsh and bash read differently is recorded
    /// (`Construct::ZshWord`, ...).
    zsh: bool,
    /// A `|`, `&` or process substitution was read (`Script::concurrent`).
    concurrent: bool,
}

/// A compound command open at the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    /// `if` (or `elif`) until `then`, then until `elif`/`else`/`fi`.
    If {
        then: bool,
    },
    /// `while`/`until`/`for`/`select` until `do`, then until `done`.
    Loop {
        body: bool,
    },
    Case,
    /// `{ ... }`, also the body of `for x in a; { ...; }`, which bash accepts.
    Group,
}

/// A loop header as read so far.
struct Header {
    /// Its entry in `Parser::loops` once the name is read: unsafe until the `do` shows the
    /// header was plain, so a header guard loses track of still counts.
    def: Option<usize>,
    /// `for` (not `select`), then `in`, then only plain literal words, at least one.
    plain: bool,
    saw_in: bool,
    values: usize,
    /// `blocks` inside the loop.
    level: usize,
}

struct Frame {
    name: String,
    level: usize,
}

impl Parser {
    fn new(source: &str, nesting: usize) -> Parser {
        Parser {
            chars: source.chars().collect(),
            pos: 0,
            nesting,
            commands: Vec::new(),
            functions: Vec::new(),
            pending: Vec::new(),
            blocks: 0,
            loop_name_next: false,
            chained: false,
            error: None,
            heredocs: Vec::new(),
            unmodelled: Vec::new(),
            expanded: Vec::new(),
            shells: vec![0],
            last_shell: 0,
            chain: Chain::First,
            piped: false,
            io_number: None,
            loops: Vec::new(),
            headers: Vec::new(),
            frames: Vec::new(),
            assigned: Vec::new(),
            pending_assigned: Vec::new(),
            opens: Vec::new(),
            zsh: false,
            concurrent: false,
        }
    }

    /// A keyword of a compound command: it must match the one open, as bash requires.
    fn keyword(&mut self, keyword: &str) {
        let top = self.opens.last().copied();
        let next = match (keyword, top) {
            ("if", _) => {
                self.opens.push(Open::If { then: false });
                return;
            }
            ("while" | "until" | "for" | "select", _) => {
                self.opens.push(Open::Loop { body: false });
                return;
            }
            ("case", _) => {
                self.opens.push(Open::Case);
                return;
            }
            // `for x in a; { ...; }`: the group is the loop's body.
            ("{", Some(Open::Loop { body: false })) => Some(Open::Group),
            ("{", _) => {
                self.opens.push(Open::Group);
                return;
            }
            ("then", Some(Open::If { then: false })) => Some(Open::If { then: true }),
            ("elif", Some(Open::If { then: true })) => Some(Open::If { then: false }),
            ("else", Some(Open::If { then: true })) => Some(Open::If { then: true }),
            ("do", Some(Open::Loop { body: false })) => Some(Open::Loop { body: true }),
            ("fi", Some(Open::If { then: true }))
            | ("done", Some(Open::Loop { body: true }))
            | ("}", Some(Open::Group))
            | ("esac", Some(Open::Case)) => None,
            _ => return self.fail(SyntaxError::Misplaced),
        };
        self.opens.pop();
        if let Some(open) = next {
            self.opens.push(open);
        }
    }

    /// Whether every variable of `names` is certainly assigned at the cursor.
    fn covers(&self, names: &[String]) -> bool {
        names.iter().all(|name| {
            self.assigned.contains(name) || self.frames.iter().any(|frame| frame.name == *name)
        })
    }

    /// After `blocks` went down: the loops whose body ended are no longer around the cursor.
    fn leave_blocks(&mut self) {
        let blocks = self.blocks;
        self.frames.retain(|frame| frame.level <= blocks);
    }

    fn unmodelled(&mut self, construct: Construct, start: usize) {
        let source = self.source(start);
        self.unmodelled.push(Unmodelled { construct, source });
    }

    fn expands(&mut self, name: &str) {
        if !self.expanded.iter().any(|known| known == name) {
            self.expanded.push(name.to_owned());
        }
    }

    /// Runs `f` in a new subshell (`( )`, a substitution): its list starts afresh, and
    /// the list around it goes on afterwards.
    fn in_subshell(&mut self, f: impl FnOnce(&mut Parser)) {
        self.last_shell += 1;
        self.shells.push(self.last_shell);
        let (chain, piped) = (self.chain, self.piped);
        self.chain = Chain::First;
        self.piped = false;
        f(self);
        self.chain = chain;
        self.piped = piped;
        self.shells.pop();
    }

    /// After `;`, a newline or `&`: a new and-or list starts.
    fn new_list(&mut self) {
        self.chain = Chain::First;
        self.piped = false;
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn advance(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.chars.len());
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.pos += 1;
        }
        found
    }

    fn source(&self, start: usize) -> String {
        self.chars
            .get(start..self.pos)
            .map(|chars| chars.iter().collect())
            .unwrap_or_default()
    }

    fn fail(&mut self, error: SyntaxError) {
        self.error.get_or_insert(error);
    }

    /// Runs `f` one nesting level deeper, or fails past the limit.
    fn nested(&mut self, f: impl FnOnce(&mut Parser)) {
        if self.nesting >= MAX_NESTING {
            self.fail(SyntaxError::TooDeep);
            return;
        }
        self.nesting += 1;
        f(self);
        self.nesting -= 1;
    }

    /// Parses `source` (a backtick body or a heredoc) with a parser of its own and takes
    /// over its commands.
    fn sub_parse(&mut self, source: &str, run: impl FnOnce(&mut Parser)) {
        if self.nesting >= MAX_NESTING {
            self.fail(SyntaxError::TooDeep);
            return;
        }
        let mut sub = Parser::new(source, self.nesting + 1);
        sub.zsh = self.zsh;
        run(&mut sub);
        // A backtick body runs in a subshell: its definitions do not count here.
        self.last_shell += 1;
        for mut command in sub.commands {
            command.flow.shell = self.last_shell;
            command.flow.conditional |= self.blocks > 0;
            self.commands.push(command);
        }
        self.unmodelled.append(&mut sub.unmodelled);
        self.loops.append(&mut sub.loops);
        self.concurrent |= sub.concurrent;
        for name in sub.expanded {
            self.expands(&name);
        }
        if let Some(error) = sub.error {
            self.fail(error);
        }
    }

    fn skip_blanks(&mut self) {
        loop {
            match self.peek() {
                Some(' ' | '\t') => self.pos += 1,
                Some('\\') if self.peek_at(1) == Some('\n') => self.pos += 2,
                _ => return,
            }
        }
    }

    fn finish(&mut self, current: &mut ShellCommand) {
        let mut command = std::mem::take(current);
        if !command.words.is_empty() || command.redirected {
            self.note_assignments(&command);
            command.flow.shell = self.shells.last().copied().unwrap_or_default();
            command.flow.pipelined |= self.piped;
            command.flow.conditional = self.blocks > 0;
            command.flow.chain = self.chain;
            self.commands.push(command);
        }
    }

    /// Whether the command writes nothing or one newline to its standard output: `echo`,
    /// `echo -n`, `echo ""`, `true`, `:` as the shell's builtins (no function of that name in
    /// the script, no redirection).
    fn writes_blank(&self, command: &ShellCommand) -> bool {
        let words: Vec<&str> = command.words.iter().map(|w| &*w.text).collect();
        let literal = command.words.iter().all(|word| !word.dynamic);
        let blank = matches!(
            words.as_slice(),
            ["echo"] | ["echo", "-n"] | ["echo", ""] | ["true"] | [":"]
        );
        let redefined = || {
            self.functions
                .iter()
                .map(|function| function.name.as_str())
                .chain(self.pending.iter().map(String::as_str))
                .any(|name| words.first() == Some(&name))
        };
        literal && blank && !command.redirected && !redefined()
    }

    /// Records a function definition where bash would certainly make it in this shell.
    fn define(&mut self, name: String, subshells: usize) {
        if self.zsh && is_zsh_hook(&name) {
            self.unmodelled.push(Unmodelled {
                construct: Construct::ZshHook,
                source: format!("{name}()"),
            });
        }
        if self.nesting == 0 && subshells == 0 && self.blocks == 0 && !self.chained {
            self.pending.push(name);
        }
    }

    /// A bare assignment (or `export NAME=...`) that certainly runs in the script's own
    /// shell before everything after it: at the top level, first in its list, with no
    /// redirection (a failing one skips the assignment).
    fn note_assignments(&mut self, command: &ShellCommand) {
        let top = self.nesting == 0
            && self.blocks == 0
            && self.shells.last() == Some(&0)
            && !self.chained
            && !self.piped
            && !command.flow.pipelined
            && self.chain == Chain::First
            && !command.redirected;
        if !top {
            return;
        }
        let words = match command.words.split_first() {
            Some((first, rest)) if !first.dynamic && first.text == "export" => rest,
            _ => &command.words[..],
        };
        if words.iter().all(scope::is_assignment) {
            for word in words {
                if let Some((name, _)) = word.text.split_once('=') {
                    self.pending_assigned.push(name.to_owned());
                }
            }
        }
    }

    /// At a separator that keeps the pipeline in this shell (`;`, newline, `&&`, `||`).
    fn commit_definitions(&mut self) {
        if self.blocks > 0 {
            return;
        }
        let assigned = std::mem::take(&mut self.pending_assigned);
        self.assigned.extend(assigned);
        let from = self.commands.len();
        for name in std::mem::take(&mut self.pending) {
            self.functions.push(Function { name, from });
        }
    }

    fn parse_list(&mut self, until: Until) {
        let mut current = ShellCommand::default();
        let mut state = State::Command;
        let mut subshells = 0usize;
        let mut cases = 0usize;
        // A substitution's compound commands end inside it.
        let opened = self.opens.len();
        while self.error.is_none() {
            self.skip_blanks();
            let Some(c) = self.peek() else {
                self.finish(&mut current);
                self.commit_definitions();
                if until == Until::CloseParen {
                    self.fail(SyntaxError::UnterminatedExpansion);
                } else if subshells > 0 {
                    self.fail(SyntaxError::UnbalancedParenthesis);
                } else if self.opens.len() > opened {
                    self.fail(SyntaxError::Misplaced);
                }
                return;
            };
            match c {
                '\n' => {
                    self.pos += 1;
                    // Heredoc bodies are read before the command that consumes them runs.
                    self.read_heredocs();
                    self.finish(&mut current);
                    self.commit_definitions();
                    self.chained = false;
                    self.new_list();
                    state = state.after_separator();
                }
                '#' => self.skip_comment(),
                ';' => {
                    self.pos += 1;
                    self.finish(&mut current);
                    self.commit_definitions();
                    self.chained = false;
                    self.new_list();
                    // `;;`, `;&` and `;;&` end a case item.
                    if self.eat(';') || self.eat('&') {
                        self.eat('&');
                        state = if cases > 0 {
                            State::CasePatterns
                        } else {
                            State::Command
                        };
                    } else {
                        state = state.after_separator();
                    }
                }
                '&' if self.peek_at(1) == Some('>') => {
                    self.pos += 1;
                    self.redirection(&mut current);
                }
                '&' | '|' => {
                    self.pos += 1;
                    let and_or = self.eat(c);
                    let pipe = c == '|' && !and_or;
                    if pipe && !self.eat('&') && state == State::CasePatterns {
                        continue;
                    }
                    if !and_or {
                        current.flow.pipelined = true;
                        self.concurrent = true;
                    }
                    let blank = pipe && self.writes_blank(&current);
                    self.finish(&mut current);
                    // The next command reads what this one wrote, unless it redirects.
                    current.stdin_blank = blank;
                    if and_or {
                        self.commit_definitions();
                    } else {
                        // `|` and `&` run what came before in a subshell.
                        self.pending.clear();
                        self.pending_assigned.clear();
                    }
                    self.chained = and_or || pipe;
                    match (c, and_or) {
                        ('&', true) if self.chain != Chain::AfterOr => self.chain = Chain::AfterAnd,
                        ('|', true) => self.chain = Chain::AfterOr,
                        ('|', false) => self.piped = true,
                        ('&', false) => self.new_list(),
                        _ => {}
                    }
                    state = State::Command;
                }
                // A process substitution starts a word (`read_word` takes it, and what is glued
                // to it: `<(true)#x` is one word, not a comment).
                '<' | '>' if self.peek_at(1) == Some('(') => {
                    self.io_number = None;
                    let lexed = self.read_word();
                    state = self.place_word(lexed, &mut current, state, &mut cases, subshells);
                }
                '<' if self.zsh && self.numeric_glob_len().is_some() => {
                    // zsh's `<1-9>`: a glob, part of a word (`/proc/<1->/environ`).
                    let start = self.pos;
                    self.pos += self.numeric_glob_len().unwrap_or(1);
                    self.unmodelled(Construct::ZshWord, start);
                    let mut lexed = self.read_word();
                    lexed.word.dynamic = true;
                    state = self.place_word(lexed, &mut current, state, &mut cases, subshells);
                }
                '<' | '>' => self.redirection(&mut current),
                // zsh's anonymous function: `() { ... } args` runs the body with the args.
                '(' if self.zsh
                    && current.words.is_empty()
                    && self.chars[self.pos + 1..]
                        .iter()
                        .find(|c| !matches!(c, ' ' | '\t'))
                        == Some(&')') =>
                {
                    let start = self.pos;
                    self.pos += 1;
                    self.unmodelled(Construct::ZshWord, start);
                    self.fail(SyntaxError::UnexpectedParenthesis);
                }
                '(' => state = self.open_paren(&mut current, state, &mut subshells),
                ')' => {
                    self.pos += 1;
                    if state == State::CasePatterns {
                        state = State::Command;
                    } else if subshells > 0 {
                        subshells -= 1;
                        self.finish(&mut current);
                        self.shells.pop();
                        self.chain = Chain::First;
                        self.piped = false;
                        state = State::Command;
                    } else if until == Until::CloseParen {
                        self.finish(&mut current);
                        if self.opens.len() > opened {
                            self.fail(SyntaxError::Misplaced);
                        }
                        return;
                    } else {
                        self.fail(SyntaxError::UnbalancedParenthesis);
                    }
                }
                _ => {
                    if !self.skip_io_number() {
                        let lexed = self.read_word();
                        state = self.place_word(lexed, &mut current, state, &mut cases, subshells);
                    }
                }
            }
        }
        // The commands read before a syntax error would already have run.
        self.finish(&mut current);
    }

    fn place_word(
        &mut self,
        lexed: Lexed,
        current: &mut ShellCommand,
        state: State,
        cases: &mut usize,
        subshells: usize,
    ) -> State {
        let reserved = (!lexed.quoted && !lexed.word.dynamic).then_some(&*lexed.word.text);
        match state {
            State::AfterTest => match reserved {
                Some("then" | "do" | "else" | "elif" | "fi" | "done" | "esac" | "}") => {
                    // `if [[ x ]] then`: the test ends there, as before `;`.
                    self.finish(current);
                    self.commit_definitions();
                    self.chained = false;
                    self.new_list();
                    self.place_word(lexed, current, State::Command, cases, subshells)
                }
                _ => {
                    self.fail(SyntaxError::WordAfterTest);
                    state
                }
            },
            State::Command => match reserved {
                Some(keyword @ ("if" | "while" | "until" | "{")) => {
                    self.keyword(keyword);
                    self.blocks += 1;
                    State::Command
                }
                Some(keyword @ ("fi" | "done" | "}")) => {
                    self.keyword(keyword);
                    self.blocks = self.blocks.saturating_sub(1);
                    self.leave_blocks();
                    State::Command
                }
                Some("do") => {
                    self.keyword("do");
                    self.enter_loop_body();
                    State::Command
                }
                Some(keyword @ ("then" | "else" | "elif")) => {
                    self.keyword(keyword);
                    State::Command
                }
                Some("!") => State::Command,
                Some(keyword @ ("for" | "select")) => {
                    self.keyword(keyword);
                    self.blocks += 1;
                    self.loop_name_next = true;
                    self.headers.push(Header {
                        def: None,
                        plain: keyword == "for",
                        saw_in: false,
                        values: 0,
                        level: self.blocks,
                    });
                    State::LoopHeader
                }
                Some("case") => {
                    self.keyword("case");
                    *cases += 1;
                    self.blocks += 1;
                    State::CaseHeader
                }
                Some("esac") if *cases > 0 => {
                    self.keyword("esac");
                    *cases -= 1;
                    self.blocks = self.blocks.saturating_sub(1);
                    self.leave_blocks();
                    State::Command
                }
                Some("function") => State::FunctionName,
                Some("[[") => {
                    self.test_command(current, lexed);
                    State::AfterTest
                }
                _ => {
                    if !lexed.quoted && is_subscript_assignment(&lexed.word.text) {
                        self.unmodelled.push(Unmodelled {
                            construct: Construct::Subscript,
                            source: lexed.word.text.to_string(),
                        });
                    }
                    let assignment = lexed.assignment;
                    let covered = self.covers(&lexed.split_vars);
                    // An assignment's value is not split.
                    push_split(current, lexed, assignment, covered);
                    if assignment {
                        State::Command
                    } else {
                        State::Args
                    }
                }
            },
            State::Args => {
                // Declaration builtins take `NAME=$X` as an assignment, not split either.
                let declares = current
                    .words
                    .iter()
                    .find(|w| !scope::is_assignment(w))
                    .is_some_and(|w| {
                        matches!(
                            &*w.text,
                            "export" | "declare" | "typeset" | "local" | "readonly"
                        )
                    });
                let assignment = declares && lexed.assignment_shaped();
                let covered = self.covers(&lexed.split_vars);
                push_split(current, lexed, assignment, covered);
                State::Args
            }
            State::LoopHeader if self.loop_name_next => {
                self.loop_name_next = false;
                // `for NAME in ...` and `select NAME in ...` assign NAME a value guard cannot
                // know, as `NAME=$X` would, before the body runs.
                if !lexed.quoted && !lexed.word.dynamic && is_name(&lexed.word.text) {
                    let mut assign = ShellCommand::default();
                    assign.words.push(Word {
                        text: Cow::Owned(format!("{}=$(a value of the loop)", lexed.word.text)),
                        dynamic: true,
                    });
                    assign.loop_assignment = true;
                    self.finish(&mut assign);
                    self.loops.push(LoopDef {
                        name: lexed.word.text.into_owned(),
                        safe: false,
                    });
                    let def = self.loops.len() - 1;
                    if let Some(header) = self.headers.last_mut() {
                        header.def = Some(def);
                    }
                }
                State::LoopHeader
            }
            // `for x in a do`: bash takes `do` as a value; guard ends the header (see above).
            // `for x do` (the positional parameters); after `in`, bash takes `do` as a value
            // and refuses the loop for want of another `do`.
            State::LoopHeader if reserved == Some("do") => {
                if self.headers.last().is_some_and(|header| header.saw_in) {
                    self.fail(SyntaxError::Misplaced);
                }
                if let Some(header) = self.headers.last_mut() {
                    header.plain = false;
                }
                self.keyword("do");
                self.enter_loop_body();
                State::Command
            }
            State::LoopHeader => {
                if let Some(header) = self.headers.last_mut() {
                    if !header.saw_in {
                        header.saw_in = reserved == Some("in");
                        header.plain &= header.saw_in;
                    } else if !lexed.word.dynamic && is_plain_value(&lexed.word.text) {
                        header.values += 1;
                    } else {
                        header.plain = false;
                    }
                }
                state
            }
            State::CaseHeader if reserved == Some("in") => State::CasePatterns,
            State::CasePatterns if reserved == Some("esac") => {
                self.keyword("esac");
                *cases = cases.saturating_sub(1);
                self.blocks = self.blocks.saturating_sub(1);
                State::Command
            }
            State::CaseHeader | State::CasePatterns => state,
            State::FunctionName => {
                self.define(lexed.word.text.into_owned(), subshells);
                State::Command
            }
        }
    }

    /// At the `do` of a loop: a `for` over plain literal words certainly assigns its
    /// variable before every command of the body.
    fn enter_loop_body(&mut self) {
        // A `while ...; do` inside a header's substitution is not that header's `do`.
        if self
            .headers
            .last()
            .is_none_or(|header| header.level != self.blocks)
        {
            return;
        }
        let Some(header) = self.headers.pop() else {
            return;
        };
        let Some(def) = header.def.and_then(|at| self.loops.get_mut(at)) else {
            return;
        };
        if header.plain && header.saw_in && header.values > 0 {
            def.safe = true;
            let name = def.name.clone();
            self.frames.push(Frame {
                name,
                level: header.level,
            });
        }
    }

    /// `[[ ... ]]`, after the `[[`: inside, `<`, `>`, `(`, `)`, `&&` and `||` are its own
    /// operators (a string comparison, not a redirection). Its arithmetic operators and `-v`
    /// evaluate subscripts in the operands' values.
    fn test_command(&mut self, current: &mut ShellCommand, open: Lexed) {
        current.words.push(open.word);
        while self.error.is_none() {
            self.skip_blanks();
            let Some(c) = self.peek() else {
                return self.fail(SyntaxError::UnterminatedTest);
            };
            match c {
                '\n' => self.pos += 1,
                '<' | '>' | '(' | ')' | '&' | '|' => {
                    let start = self.pos;
                    self.pos += 1;
                    if matches!(c, '&' | '|') {
                        self.eat(c);
                    }
                    current.words.push(Word {
                        text: Cow::Owned(self.source(start)),
                        dynamic: false,
                    });
                }
                _ => {
                    let start = self.pos;
                    let lexed = self.read_word();
                    if self.pos == start {
                        return self.fail(SyntaxError::UnterminatedTest);
                    }
                    let bare = (!lexed.quoted && !lexed.word.dynamic).then_some(&*lexed.word.text);
                    let construct = match bare {
                        Some("-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge") => {
                            Some(Construct::Arithmetic)
                        }
                        Some("-v") => Some(Construct::Subscript),
                        _ => None,
                    };
                    if let Some(construct) = construct {
                        self.unmodelled(construct, start);
                    }
                    let end = bare == Some("]]");
                    current.words.push(lexed.word);
                    if end {
                        return;
                    }
                }
            }
        }
    }

    /// Handles `(`: a subshell, `((` arithmetic, `name()`, `arr=(...)` or a case pattern.
    fn open_paren(
        &mut self,
        current: &mut ShellCommand,
        state: State,
        subshells: &mut usize,
    ) -> State {
        let after_equals = self.pos > 0 && self.chars.get(self.pos - 1) == Some(&'=');
        let start = self.pos;
        self.pos += 1;
        match state {
            State::CasePatterns => state,
            State::LoopHeader => {
                self.loop_name_next = false;
                // `for ((i = 0; i < 3; i++))`
                if self.eat('(') {
                    self.nested(|p| p.skip_arithmetic());
                    self.unmodelled(Construct::Arithmetic, start);
                } else {
                    self.fail(SyntaxError::UnexpectedParenthesis);
                }
                state
            }
            _ if current.words.is_empty() => {
                if self.eat('(') {
                    self.nested(|p| p.skip_arithmetic());
                    self.unmodelled(Construct::Arithmetic, start);
                    State::Args
                } else {
                    *subshells += 1;
                    self.last_shell += 1;
                    self.shells.push(self.last_shell);
                    self.new_list();
                    State::Command
                }
            }
            _ if after_equals && array_assignment(&current.words) => {
                self.skip_array();
                state
            }
            // bash refuses `(` after any other `=` (zsh runs `=(cmd)` and `x=(cmd)` as
            // process substitution or globs them: a construct guard does not accept).
            _ if after_equals => {
                self.fail(SyntaxError::UnexpectedParenthesis);
                state
            }
            _ if current.words.len() == 1 && self.next_is_close_paren() => {
                if let Some(name) = current.words.pop() {
                    self.define(name.text.into_owned(), *subshells);
                }
                State::Command
            }
            _ => {
                self.fail(SyntaxError::UnexpectedParenthesis);
                state
            }
        }
    }

    /// Consumes the `)` of `name()` if it comes next.
    fn next_is_close_paren(&mut self) -> bool {
        self.skip_blanks();
        self.eat(')')
    }

    /// `arr=(one two $(three))`: the elements are data, but their substitutions run.
    fn skip_array(&mut self) {
        while self.error.is_none() {
            self.skip_blanks();
            match self.peek() {
                None => return self.fail(SyntaxError::UnbalancedParenthesis),
                Some(')') => {
                    self.pos += 1;
                    return;
                }
                Some('\n') => self.pos += 1,
                Some('#') => self.skip_comment(),
                Some(c) if is_metachar(c) => return self.fail(SyntaxError::UnexpectedParenthesis),
                Some(c) => {
                    let start = self.pos;
                    self.read_word();
                    // `arr=([i]=v)`: the subscript of an indexed array is arithmetic.
                    if c == '[' {
                        self.unmodelled(Construct::Subscript, start);
                    }
                }
            }
        }
    }

    fn skip_comment(&mut self) {
        while self.peek().is_some_and(|c| c != '\n') {
            self.pos += 1;
        }
    }

    /// Skips the digits of `2>` / `0<`, which name a file descriptor and are not a word.
    fn skip_io_number(&mut self) -> bool {
        let digits = self.chars[self.pos..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        // `2>(cmd)` is no redirection: bash reads the word `2/dev/fd/63` (checked with 5.2).
        let is_io_number = digits > 0
            && matches!(self.peek_at(digits), Some('<' | '>'))
            && self.peek_at(digits + 1) != Some('(');
        if is_io_number {
            let number: String = self.chars[self.pos..self.pos + digits].iter().collect();
            self.io_number = Some(number.parse().unwrap_or(u32::MAX));
            self.pos += digits;
        }
        is_io_number
    }

    /// A redirection operator at the cursor and its target word (which is not an argument).
    fn redirection(&mut self, current: &mut ShellCommand) {
        let mut heredoc = None;
        let mut writes = false;
        let mut reads = false;
        let mut append = false;
        let mut duplicates = false;
        current.redirected = true;
        let operator = self.pos;
        let fd = self.io_number.take();
        let input = self.peek() == Some('<');
        if self.eat('<') {
            if self.eat('<') {
                current.stdin_heredoc = true;
                if !self.eat('<') {
                    heredoc = Some(self.eat('-'));
                }
            } else if self.eat('&') {
                duplicates = true;
            } else {
                writes = self.eat('>');
                append = writes;
                reads = true;
            }
        } else {
            self.eat('>');
            writes = true;
            append = self.eat('>');
            duplicates = !append && self.eat('&');
            // zsh's `>!` (`>>!`, `>&!`, `&>!`) writes the next word; bash writes a file
            // named `!` and passes the next word on.
            if !self.eat('|') && self.zsh && self.peek() == Some('!') {
                self.pos += 1;
                self.unmodelled(Construct::ZshRedirection, operator);
            }
        }
        self.skip_blanks();
        // `done < <(cmd)`: a process substitution is a word too.
        let substitution = matches!(self.peek(), Some('<' | '>')) && self.peek_at(1) == Some('(');
        match self.peek() {
            Some(c) if !is_metachar(c) || substitution => {
                let target = self.read_word();
                // `2>&1`, `>&-` duplicate or close a descriptor; `>&file` writes the file.
                let descriptor = duplicates
                    && (target.word.text == "-"
                        || target.word.text.chars().all(|c| c.is_ascii_digit()));
                if writes && !descriptor {
                    current.writes.push(Output {
                        target: target.word.clone(),
                        append,
                    });
                }
                if reads {
                    current.reads.push(target.word.clone());
                }
                // Which of the command's redirections decides its standard input: the last
                // one of descriptor 0 (`< f`, `<< x`, `<&3`, `0> f`).
                if fd.unwrap_or(if input { 0 } else { 1 }) == 0 {
                    current.stdin_blank = reads
                        && !writes
                        && heredoc.is_none()
                        && !current.stdin_heredoc
                        && !duplicates
                        && !target.word.dynamic
                        && target.word.text == "/dev/null";
                }
                if let Some(strip_tabs) = heredoc {
                    self.heredocs.push(PendingHeredoc {
                        delimiter: target.word.text.into_owned(),
                        strip_tabs,
                        expands: !target.quoted,
                    });
                }
            }
            _ => self.fail(SyntaxError::MissingRedirectionTarget),
        }
    }

    /// Reads the bodies of the heredocs started on the line that just ended.
    fn read_heredocs(&mut self) {
        for doc in std::mem::take(&mut self.heredocs) {
            let body_start = self.pos;
            let mut body_end = self.chars.len();
            while self.pos < self.chars.len() {
                let line_start = self.pos;
                let line_end = self.chars[line_start..]
                    .iter()
                    .position(|&c| c == '\n')
                    .map_or(self.chars.len(), |n| line_start + n);
                self.pos = (line_end + 1).min(self.chars.len());
                let mut line = &self.chars[line_start..line_end];
                if doc.strip_tabs {
                    while let Some(('\t', rest)) = line.split_first() {
                        line = rest;
                    }
                }
                if line.iter().copied().eq(doc.delimiter.chars()) {
                    body_end = line_start;
                    break;
                }
                // An odd run of backslashes at the end: the last one escapes the newline.
                let trailing = line.iter().rev().take_while(|&&c| c == '\\').count();
                if doc.expands && trailing % 2 == 1 {
                    self.unmodelled(Construct::HeredocContinuation, line_start);
                }
            }
            if doc.expands {
                let body: String = self.chars[body_start..body_end].iter().collect();
                self.sub_parse(&body, Parser::scan_expansions);
            }
        }
    }

    /// Finds the substitutions in text that is otherwise data (a heredoc body).
    fn scan_expansions(&mut self) {
        let mut scratch = WordBuilder::default();
        while self.error.is_none() {
            match self.peek() {
                None => return,
                Some('\\') => self.advance(2),
                Some('$') => self.dollar(&mut scratch, true),
                Some('`') => self.backtick(&mut scratch),
                Some(_) => self.pos += 1,
            }
        }
    }

    fn read_word(&mut self) -> Lexed {
        let mut word = WordBuilder::default();
        // zsh's EQUALS: `=cmd` at the start of a word is the path of cmd (`=`, `==` and `=~`
        // alone are test operators, and fail otherwise).
        let equals = (self.zsh
            && self.peek() == Some('=')
            && self
                .peek_at(1)
                .is_some_and(|c| !is_metachar(c) && c != '=' && c != '~'))
        .then_some(self.pos);
        while self.error.is_none() {
            let Some(c) = self.peek() else { break };
            // `<(cmd)` and `>(cmd)` anywhere in a word are part of it (bash: `a<(true)b` is
            // one word, `a/dev/fd/63b`): the path of a pipe, never split.
            if matches!(c, '<' | '>') && self.peek_at(1) == Some('(') {
                self.concurrent = true;
                let start = self.pos;
                self.pos += 2;
                self.nested(|p| p.in_subshell(|p| p.parse_list(Until::CloseParen)));
                word.expansion(&self.source(start));
                word.quoted = true;
                continue;
            }
            if is_metachar(c) {
                break;
            }
            match c {
                '\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some('\n') => self.pos += 1,
                        Some(escaped) => {
                            self.pos += 1;
                            word.quoted_char(escaped);
                        }
                        None => word.unquoted_char('\\'),
                    }
                }
                '\'' => {
                    self.pos += 1;
                    word.quoted = true;
                    word.text_not_name();
                    self.single_quoted(&mut word);
                }
                '"' => {
                    self.pos += 1;
                    word.quoted = true;
                    word.text_not_name();
                    self.double_quoted(&mut word);
                }
                '$' => self.dollar(&mut word, false),
                '`' => {
                    self.backtick(&mut word);
                    word.splits = true;
                }
                _ => {
                    self.pos += 1;
                    word.unquoted_char(c);
                }
            }
        }
        if let Some(start) = equals {
            self.unmodelled(Construct::ZshWord, start);
            word.splits = true;
        }
        word.finish()
    }

    /// After an opening `'`.
    fn single_quoted(&mut self, word: &mut WordBuilder) {
        loop {
            match self.peek() {
                None => return self.fail(SyntaxError::UnterminatedQuote),
                Some('\'') => {
                    self.pos += 1;
                    return;
                }
                Some(c) => {
                    self.pos += 1;
                    word.text.push(c);
                }
            }
        }
    }

    /// After an opening `"`.
    fn double_quoted(&mut self, word: &mut WordBuilder) {
        while self.error.is_none() {
            match self.peek() {
                None => return self.fail(SyntaxError::UnterminatedQuote),
                Some('"') => {
                    self.pos += 1;
                    return;
                }
                Some('\\') => {
                    self.pos += 1;
                    match self.peek() {
                        None => return self.fail(SyntaxError::UnterminatedQuote),
                        Some('\n') => self.pos += 1,
                        Some(c @ ('$' | '`' | '"' | '\\')) => {
                            self.pos += 1;
                            word.text.push(c);
                        }
                        Some(c) => {
                            self.pos += 1;
                            word.text.push('\\');
                            word.text.push(c);
                        }
                    }
                }
                Some('$') => self.dollar(word, true),
                Some('`') => self.backtick(word),
                Some(c) => {
                    self.pos += 1;
                    word.text.push(c);
                }
            }
        }
    }

    /// At a `$`: a parameter, substitution, arithmetic or ANSI-C string, or a plain `$`.
    fn dollar(&mut self, word: &mut WordBuilder, in_double_quotes: bool) {
        let start = self.pos;
        self.pos += 1;
        match self.peek() {
            Some('\'') if !in_double_quotes => {
                self.pos += 1;
                self.ansi_c_quoted(word, start);
            }
            Some('"') if !in_double_quotes => {
                self.pos += 1;
                word.quoted = true;
                word.text_not_name();
                self.double_quoted(word);
                self.unmodelled(Construct::Translated, start);
            }
            Some('(') => {
                self.pos += 1;
                if self.eat('(') {
                    self.nested(|p| p.skip_arithmetic());
                    self.unmodelled(Construct::Arithmetic, start);
                } else {
                    self.nested(|p| p.in_subshell(|p| p.parse_list(Until::CloseParen)));
                }
                word.expansion(&self.source(start));
                word.splits |= !in_double_quotes;
            }
            Some('[') => {
                // bash's old `$[x]` arithmetic.
                self.pos += 1;
                let mut depth = 1usize;
                while depth > 0 {
                    match self.peek() {
                        None => return self.fail(SyntaxError::UnterminatedExpansion),
                        Some('[') => depth += 1,
                        Some(']') => depth -= 1,
                        _ => {}
                    }
                    self.pos += 1;
                }
                self.unmodelled(Construct::Arithmetic, start);
                word.expansion(&self.source(start));
                word.splits |= !in_double_quotes;
            }
            Some('{') => {
                self.pos += 1;
                let body = self.pos;
                self.nested(|p| p.skip_braced());
                let end = self.pos.saturating_sub(1).max(body);
                let inner: String = self.chars[body..end].iter().collect();
                let plain = matches!(braced(&inner), Ok(Some(name)) if name == inner);
                match braced(&inner) {
                    Ok(Some(name)) => self.expands(name),
                    Ok(None) => {}
                    Err(construct) => {
                        if let Some(name) = braced_name(&inner) {
                            self.expands(name);
                        }
                        self.unmodelled(construct, start);
                    }
                }
                word.expansion(&self.source(start));
                if plain && !in_double_quotes {
                    word.split_vars.push(inner);
                } else {
                    // `"${a[@]}"`, `"${@:2}"`, `"${!p@}"`: one word per element even when quoted.
                    word.splits |= !in_double_quotes || inner.contains('@');
                }
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                while self.peek().is_some_and(is_name_char) {
                    self.pos += 1;
                }
                let name = self.source(start + 1);
                self.expands(&name);
                // zsh subscripts a plain `$a[i]` (arithmetically); bash globs it.
                if self.peek() == Some('[') {
                    self.unmodelled(Construct::Subscript, start);
                }
                word.expansion(&self.source(start));
                if !in_double_quotes {
                    word.split_vars.push(name);
                }
            }
            Some(c) if c.is_ascii_digit() || "@*#?$!-".contains(c) => {
                self.pos += 1;
                word.expansion(&self.source(start));
                word.splits |= !in_double_quotes || c == '@';
            }
            // bash reads `$=x`, `$~x`, `$^x` as text; zsh splits, globs or brace-expands
            // x's value (`$=x` gives options, `$~x` names any file).
            Some('=' | '~' | '^') => {
                self.pos += 1;
                while self.peek().is_some_and(is_name_char) {
                    self.pos += 1;
                }
                self.unmodelled(Construct::ZshFlags, start);
                word.expansion(&self.source(start));
                word.splits |= !in_double_quotes;
            }
            // zsh's `$+x` is 1 when x is set, 0 when not; bash reads it as text.
            Some('+') if self.zsh => {
                self.pos += 1;
                while self.peek().is_some_and(is_name_char) {
                    self.pos += 1;
                }
                self.unmodelled(Construct::ZshWord, start);
                word.expansion(&self.source(start));
            }
            _ => word.unquoted_char('$'),
        }
    }

    /// The length of zsh's numeric glob `<N-M>` (either number may be missing) at the
    /// cursor, if one is there.
    fn numeric_glob_len(&self) -> Option<usize> {
        let rest = self.chars.get(self.pos..)?;
        let mut i = 1;
        while rest.get(i).is_some_and(char::is_ascii_digit) {
            i += 1;
        }
        if rest.get(i) != Some(&'-') {
            return None;
        }
        i += 1;
        while rest.get(i).is_some_and(char::is_ascii_digit) {
            i += 1;
        }
        (rest.get(i) == Some(&'>')).then_some(i + 1)
    }

    /// After `$'`. Escapes are not decoded: a word that has any is dynamic, so an escaped
    /// flag such as `$'--no-dry\x2drun'` is never mistaken for something harmless.
    fn ansi_c_quoted(&mut self, word: &mut WordBuilder, start: usize) {
        let mut text = String::new();
        let mut escaped = false;
        loop {
            match self.peek() {
                None => return self.fail(SyntaxError::UnterminatedQuote),
                Some('\'') => {
                    self.pos += 1;
                    break;
                }
                Some('\\') => {
                    escaped = true;
                    self.advance(2);
                }
                Some(c) => {
                    self.pos += 1;
                    text.push(c);
                }
            }
        }
        if escaped {
            word.expansion(&self.source(start));
        } else {
            word.quoted = true;
            word.text_not_name();
            word.text.push_str(&text);
        }
    }

    /// At a backtick: the body is parsed as a script of its own.
    fn backtick(&mut self, word: &mut WordBuilder) {
        let start = self.pos;
        self.pos += 1;
        let mut body = String::new();
        loop {
            match self.peek() {
                None => return self.fail(SyntaxError::UnterminatedExpansion),
                Some('`') => {
                    self.pos += 1;
                    break;
                }
                Some('\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(c @ ('`' | '$' | '\\')) => {
                            self.pos += 1;
                            body.push(c);
                        }
                        _ => body.push('\\'),
                    }
                }
                Some(c) => {
                    self.pos += 1;
                    body.push(c);
                }
            }
        }
        self.sub_parse(&body, |p| p.parse_list(Until::End));
        word.expansion(&self.source(start));
    }

    /// After `${`, up to the matching `}`; substitutions inside run.
    fn skip_braced(&mut self) {
        let mut depth = 1usize;
        let mut scratch = WordBuilder::default();
        while self.error.is_none() {
            match self.peek() {
                None => return self.fail(SyntaxError::UnterminatedExpansion),
                Some('\\') => self.advance(2),
                Some('\'') => {
                    self.pos += 1;
                    self.single_quoted(&mut scratch);
                }
                Some('"') => {
                    self.pos += 1;
                    self.double_quoted(&mut scratch);
                }
                Some('$') => self.dollar(&mut scratch, false),
                Some('`') => self.backtick(&mut scratch),
                Some('{') => {
                    self.pos += 1;
                    depth += 1;
                }
                Some('}') => {
                    self.pos += 1;
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// After `((` or `$((`, up to the matching `))`; substitutions inside run.
    fn skip_arithmetic(&mut self) {
        let mut depth = 0usize;
        let mut scratch = WordBuilder::default();
        while self.error.is_none() {
            match self.peek() {
                None => return self.fail(SyntaxError::UnterminatedExpansion),
                Some('(') => {
                    self.pos += 1;
                    depth += 1;
                }
                Some(')') => {
                    self.pos += 1;
                    if depth == 0 {
                        if !self.eat(')') {
                            self.fail(SyntaxError::UnbalancedParenthesis);
                        }
                        return;
                    }
                    depth -= 1;
                }
                Some('\\') => self.advance(2),
                Some('\'') => {
                    self.pos += 1;
                    self.single_quoted(&mut scratch);
                }
                Some('"') => {
                    self.pos += 1;
                    self.double_quoted(&mut scratch);
                }
                Some('$') => self.dollar(&mut scratch, false),
                Some('`') => self.backtick(&mut scratch),
                Some(_) => self.pos += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each command as its words joined by spaces, dynamic words marked with `~`.
    fn commands(source: &str) -> Vec<String> {
        let script = parse(source);
        assert_eq!(script.error, None, "{source}");
        script
            .commands
            .iter()
            .map(|command| {
                command
                    .words
                    .iter()
                    .map(|w| {
                        if w.dynamic {
                            format!("~{}", w.text)
                        } else {
                            w.text.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn operators_split_commands() {
        assert_eq!(
            commands("a 1; b 2 && c || d | e & f\ng"),
            ["a 1", "b 2", "c", "d", "e", "f", "g"]
        );
        assert_eq!(commands("a|&b;c"), ["a", "b", "c"]);
    }

    #[test]
    fn quoting_and_escapes() {
        assert_eq!(
            commands(r#"echo 'a b' "c $HOME d" e\ f "g\"h" 'i'"j" \$x"#),
            [r#"echo a b ~c $HOME d e f g"h ij $x"#]
        );
        assert_eq!(commands("terra'form' de\"stroy\""), ["terraform destroy"]);
        assert_eq!(commands("a \\\n b"), ["a b"]);
    }

    #[test]
    fn substitutions_are_commands_too() {
        assert_eq!(
            commands("echo $(aws s3 rm s3://x) `terraform destroy`"),
            [
                "aws s3 rm s3://x",
                "terraform destroy",
                "echo ~$(aws s3 rm s3://x) ~$(the further words $(aws s3 rm s3://x) may expand to) \
                 ~`terraform destroy` ~$(the further words `terraform destroy` may expand to)"
            ]
        );
        assert_eq!(
            commands("echo \"$(a \"b)\" c)\""),
            ["a b) c", "echo ~$(a \"b)\" c)"]
        );
        assert_eq!(commands("x=${Y:-$(b)}"), ["b", "~x=${Y:-$(b)}"]);
        assert_eq!(
            commands("echo $(( $(c) + 1 ))"),
            [
                "c",
                "echo ~$(( $(c) + 1 )) ~$(the further words $(( $(c) + 1 )) may expand to)"
            ]
        );
        assert_eq!(commands("diff <(a) >(b)"), ["a", "b", "diff ~<(a) ~>(b)"]);
        assert_eq!(
            commands("echo `echo \\`inner\\``"),
            [
                "inner",
                "echo ~`inner` ~$(the further words `inner` may expand to)",
                "echo ~`echo \\`inner\\`` ~$(the further words `echo \\`inner\\`` may expand to)"
            ]
        );
    }

    #[test]
    fn compound_commands() {
        assert_eq!(
            commands("if test -f x; then terraform destroy; else ls; fi"),
            ["test -f x", "terraform destroy", "ls"]
        );
        assert_eq!(
            commands("for d in a $(ls) c; do (cd $d && make); done"),
            [
                "~d=$(a value of the loop)",
                "ls",
                "cd ~$d ~$(the further words $d may expand to)",
                "make"
            ]
        );
        assert_eq!(
            commands("while read x; do rm $x; done"),
            ["read x", "rm ~$x ~$(the further words $x may expand to)"]
        );
        assert_eq!(
            commands("case $1 in a|b) x;; (c) y ;& *) z;; esac; w"),
            ["x", "y", "z", "w"]
        );
        assert_eq!(commands("{ a; b; }; ! c"), ["a", "b", "c"]);
        assert_eq!(commands("for ((i=0;i<2;i++)); do a; done"), ["a"]);
        assert_eq!(commands("((x++)) && b"), ["b"]);
    }

    #[test]
    fn functions_are_recorded() {
        let names = |source: &str| -> Vec<(String, usize)> {
            parse(source)
                .functions
                .into_iter()
                .map(|f| (f.name, f.from))
                .collect()
        };
        let script = parse("f() { terraform destroy; }; function g { ls; }; f");
        assert_eq!(script.commands.len(), 3);
        assert_eq!(
            names("f() { terraform destroy; }; function g { ls; }; f"),
            [("f".to_owned(), 1), ("g".to_owned(), 2)]
        );
        // Not in this shell, or not certainly run.
        for source in [
            "(f() { :; }); f",
            "echo $(f() { :; }); f",
            "true && f() { :; }; f",
            "if x; then f() { :; }; fi; f",
            "f() { :; } | cat; f",
            "f() { :; } & f",
        ] {
            assert_eq!(names(source), [], "{source}");
        }
    }

    #[test]
    fn a_blank_standard_input_is_known() {
        let stdin_blank = |line: &str| parse(line).commands[0].stdin_blank;
        assert!(stdin_blank("openssl s_client -connect h:443 </dev/null"));
        assert!(stdin_blank("openssl s_client 0</dev/null 2>&1"));
        assert!(stdin_blank("openssl s_client <x </dev/null"));
        assert!(!stdin_blank("openssl s_client </dev/null <x"));
        assert!(!stdin_blank("openssl s_client </dev/null <<<GET"));
        assert!(!stdin_blank("openssl s_client 3</dev/null"));
        assert!(!stdin_blank("openssl s_client </dev/null 0<&3"));
        assert!(!stdin_blank("openssl s_client <$NULL"));
        assert!(!stdin_blank("openssl s_client <>/dev/null"));
        assert!(stdin_blank("openssl s_client 2>/dev/null </dev/null"));
        let second = |line: &str| parse(line).commands[1].stdin_blank;
        assert!(second("echo | openssl s_client -connect h:443"));
        assert!(second("echo -n | openssl s_client"));
        assert!(second("true | openssl s_client"));
        assert!(!second("echo x | openssl s_client"));
        assert!(!second("echo $X | openssl s_client"));
        assert!(!second("echo >f | openssl s_client"));
        assert!(!second("echo || openssl s_client"));
        assert!(!second("echo ; openssl s_client"));
        assert!(!second("echo | openssl s_client <req"));
        assert!(second("echo | openssl s_client </dev/null"));
        let script = parse("echo() { cat req; }; echo | openssl s_client");
        let last = script.commands.last().expect("commands");
        assert_eq!(last.words[0].text, "openssl");
        assert!(!last.stdin_blank);
    }

    #[test]
    fn redirections_are_not_arguments() {
        assert_eq!(
            commands("a >out 2>&1 <in b &>/dev/null c 2>>log"),
            ["a b c"]
        );
        let script = parse("cat <<'EOF'\n$(not run)\nEOF\nbash <<EOF\nx $(y)\nEOF\nls");
        assert_eq!(script.error, None);
        let names: Vec<_> = script
            .commands
            .iter()
            .map(|c| c.words[0].text.clone())
            .collect();
        assert_eq!(names, ["cat", "y", "bash", "ls"]);
        assert!(script.commands[2].stdin_heredoc);
    }

    #[test]
    fn comments_assignments_arrays_and_globs() {
        assert_eq!(commands("a # b; c\nd"), ["a", "d"]);
        let lexed = parse("A=1 B=\"x y\" cmd C=2").commands;
        assert_eq!(lexed[0].words.len(), 4);
        assert_eq!(commands("arr=(a $(b) c) d"), ["b", "arr= d"]);
        assert_eq!(commands("ls *.tf x{a,b} [ab]"), ["ls ~*.tf ~x{a,b} ~[ab]"]);
        assert_eq!(commands("find . -exec x {} ;"), ["find . -exec x {}"]);
    }

    #[test]
    fn ansi_c_escapes_are_not_decoded() {
        assert_eq!(commands("a $'b c' $'\\x64'"), ["a b c ~$'\\x64'"]);
    }

    #[test]
    fn errors_are_reported() {
        for (source, error) in [
            ("echo 'a", SyntaxError::UnterminatedQuote),
            ("echo \"a", SyntaxError::UnterminatedQuote),
            ("echo $(a", SyntaxError::UnterminatedExpansion),
            ("echo `a", SyntaxError::UnterminatedExpansion),
            ("(a", SyntaxError::UnbalancedParenthesis),
            ("a)", SyntaxError::UnbalancedParenthesis),
            ("echo a (b)", SyntaxError::UnexpectedParenthesis),
            ("echo >", SyntaxError::MissingRedirectionTarget),
        ] {
            assert_eq!(parse(source).error, Some(error), "{source}");
        }
        let deep = "$(".repeat(200);
        assert_eq!(parse(&deep).error, Some(SyntaxError::TooDeep));
        let deep_ticks = "echo `".repeat(3) + "x";
        assert!(parse(&deep_ticks).error.is_some());
    }

    #[test]
    fn split_words_refuses_operators() {
        let words = split_words("-destroy -var 'a=b c'").expect("plain words");
        let texts: Vec<_> = words.iter().map(|w| &*w.text).collect();
        assert_eq!(texts, ["-destroy", "-var", "a=b c"]);
        assert!(split_words("a; b").is_none());
        assert!(split_words("a $(b)").is_none());
        assert!(split_words("'a").is_none());
    }

    /// Arbitrary input must never panic (a tiny deterministic fuzzer).
    #[test]
    fn arbitrary_input_never_panics() {
        let alphabet: Vec<char> = "ab $()`'\"\\;&|<>{}[]#=\n\t-*?!0123é".chars().collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            let mut source = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 40) as usize;
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                source.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            let _ = parse(&source);
            let _ = split_words(&source);
        }
    }
}
