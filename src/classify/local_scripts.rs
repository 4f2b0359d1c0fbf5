//! Local programs that take a program of their own: `sed` scripts, `awk` programs and
//! `find` expressions. Each is read only in the subset guard reads completely (printing,
//! substituting, testing file names); whatever runs a command, writes a file or prints the
//! environment is named in the reason. `find -exec` judges the command it runs.

use std::borrow::Cow;

use super::Severity;
use super::local_programs::{Parsed, Program, labelled, program, read_all};
use super::pathname::WorkDir;
use super::paths::{self, PathVerdict, Write};
use super::scope::{self, Scope, Word};
use super::verdict::Classify;

fn unknown(what: String) -> PathVerdict {
    PathVerdict::new(Severity::Unknown, what)
}

/// The programs whose judges read a script (`find` is judged apart: it runs commands).
pub(crate) const SCRIPTED_PROGRAMS: &[Program] = &[
    program(
        &["sed"],
        "n,quiet,silent debug e,expression= f,file= follow-symlinks i,in-place? l,line-length= posix E,r,regexp-extended s,separate sandbox u,unbuffered z,null-data help version b,binary",
        sed,
    ),
    Program {
        names: &["awk", "mawk", "gawk", "nawk"],
        // The options come before the program (POSIX); mawk's -W and gawk's long options
        // (-W exec, --load, --include run or load code) are not in the table.
        options: "F= v= f= version",
        permute: false,
        judge: awk,
    },
];

/// `sed [-n] SCRIPT FILE...`, `sed -e S -e S FILE...`, `sed -i ...`.
pub(crate) fn sed(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    if parsed.has("f") {
        return unknown("sed -f takes its script from a file guard does not read".to_owned());
    }
    let expressions: Vec<&Word> = parsed.values("e");
    let (scripts, files): (Vec<&Word>, Vec<&Word>) = if expressions.is_empty() {
        let mut operands = parsed.operands.iter();
        (operands.next().into_iter().collect(), operands.collect())
    } else {
        (expressions, parsed.operands.iter().collect())
    };
    for script in &scripts {
        if script.dynamic {
            return unknown(format!(
                "the sed script {} comes from an expansion; guard cannot tell what it does",
                script.text
            ));
        }
        if let Err(what) = sed_script(&script.text) {
            return unknown(format!("the sed script {what}; guard does not follow it"));
        }
    }
    let mut verdict = read_all(files.iter().copied(), scope);
    if parsed.has("i") {
        for file in &files {
            verdict = verdict.or_worse(labelled("-i", paths::write(file, scope, Write::Edit)));
        }
    }
    verdict
}

/// Checks that a sed script only uses commands that print, edit the pattern space or jump:
/// no `e` (runs a command), `r`/`R`/`w`/`W` (read or write files), `s///e` or `s///w`.
fn sed_script(script: &str) -> Result<(), String> {
    let chars: Vec<char> = script.chars().collect();
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied();
    while i < chars.len() {
        // Separators and addresses.
        while matches!(at(i), Some(' ' | '\t' | '\n' | ';' | '}')) {
            i += 1;
        }
        let Some(_) = at(i) else { break };
        for _ in 0..2 {
            match at(i) {
                Some(c) if c.is_ascii_digit() || c == '$' || c == '+' || c == '~' => {
                    i += 1;
                    while at(i).is_some_and(|c| c.is_ascii_digit() || c == '~') {
                        i += 1;
                    }
                }
                Some('/') => i = skip_delimited(&chars, i + 1, '/')?,
                Some('\\') => {
                    let delimiter = at(i + 1).ok_or("ends in an address")?;
                    i = skip_delimited(&chars, i + 2, delimiter)?;
                }
                _ => {}
            }
            while matches!(at(i), Some('I' | 'M')) {
                i += 1;
            }
            if at(i) == Some(',') {
                i += 1;
            } else {
                break;
            }
        }
        while matches!(at(i), Some(' ' | '\t' | '!')) {
            i += 1;
        }
        let Some(command) = at(i) else {
            return Err("ends after an address".to_owned());
        };
        i += 1;
        match command {
            '{' | '=' | 'd' | 'D' | 'g' | 'G' | 'h' | 'H' | 'n' | 'N' | 'p' | 'P' | 'x' | 'z'
            | 'F' => {}
            'l' | 'q' | 'Q' | 'L' => {
                while matches!(at(i), Some(c) if c.is_ascii_digit() || c == ' ') {
                    i += 1;
                }
            }
            '#' => {
                while at(i).is_some_and(|c| c != '\n') {
                    i += 1;
                }
            }
            // A label ends at whitespace or `;`, as GNU sed's read_label reads it: what
            // follows is the next command (`:a e cmd` runs cmd).
            'b' | 't' | 'T' | ':' => {
                while matches!(at(i), Some(' ' | '\t')) {
                    i += 1;
                }
                while at(i).is_some_and(|c| !c.is_whitespace() && c != ';') {
                    i += 1;
                }
            }
            'a' | 'i' | 'c' => {
                // Text to the end of the line; a backslash before the newline continues it.
                while let Some(c) = at(i) {
                    i += 1;
                    if c == '\\' {
                        i += 1;
                    } else if c == '\n' {
                        break;
                    }
                }
            }
            's' => {
                let delimiter = at(i).ok_or("ends in an s command")?;
                i = skip_delimited(&chars, i + 1, delimiter)?;
                i = skip_delimited(&chars, i, delimiter)?;
                while let Some(flag) = at(i) {
                    match flag {
                        'g' | 'p' | 'i' | 'I' | 'm' | 'M' => i += 1,
                        c if c.is_ascii_digit() => i += 1,
                        'e' => {
                            return Err(
                                "uses s///e, which runs the pattern space as a command".to_owned()
                            );
                        }
                        'w' => return Err("uses s///w, which writes a file".to_owned()),
                        _ => break,
                    }
                }
            }
            'y' => {
                let delimiter = at(i).ok_or("ends in a y command")?;
                i = skip_delimited(&chars, i + 1, delimiter)?;
                i = skip_delimited(&chars, i, delimiter)?;
            }
            'e' => return Err("uses e, which runs a command".to_owned()),
            'r' | 'R' => {
                return Err(format!(
                    "uses {command}, which reads a file into the output"
                ));
            }
            'w' | 'W' => return Err(format!("uses {command}, which writes a file")),
            other => return Err(format!("uses {other}, a command guard does not know")),
        }
    }
    Ok(())
}

/// The index after the closing `delimiter` (a backslash escapes the next character).
fn skip_delimited(chars: &[char], mut i: usize, delimiter: char) -> Result<usize, String> {
    while let Some(&c) = chars.get(i) {
        i += 1;
        if c == '\\' {
            i += 1;
        } else if c == delimiter {
            return Ok(i);
        }
    }
    Err("has an unterminated expression".to_owned())
}

/// `awk [-F fs] [-v var=val] 'program' [file | var=val]...`.
pub(crate) fn awk(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    if parsed.has("f") {
        return unknown("awk -f takes its program from a file guard does not read".to_owned());
    }
    let mut operands = parsed.operands.iter();
    let Some(program) = operands.next() else {
        return PathVerdict::ordinary();
    };
    if program.dynamic {
        return unknown(format!(
            "the awk program {} comes from an expansion; guard cannot tell what it does",
            program.text
        ));
    }
    if let Err(verdict) = awk_program(&program.text) {
        return verdict;
    }
    // `var=value` operands set variables, the others are files.
    let files: Vec<&Word> = operands
        .filter(|word| {
            let name = word.text.split('=').next().unwrap_or("");
            !(word.text.contains('=')
                && !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        })
        .collect();
    read_all(files, scope)
}

/// Names that make an awk program not read wherever they appear in its text (strings,
/// regexes and comments included), so that this check does not rest on guard's lexer agreeing
/// with awk's: `ENVIRON` prints the environment; `system`, `getline`, `close` and `fflush` run
/// commands or read files; `ARGV`/`ARGC` change the files read; gawk's `PROCINFO`, `SYMTAB`
/// and `FUNCTAB` reach all of these by name.
const AWK_NAMES: &[&str] = &[
    "ENVIRON", "system", "getline", "close", "fflush", "ARGV", "ARGC", "PROCINFO", "SYMTAB",
    "FUNCTAB",
];

/// Words after which awk reads `/` as the start of a regex, not a division.
const AWK_KEYWORDS: &[&str] = &[
    "print", "printf", "return", "in", "case", "do", "else", "if", "while", "for", "delete",
    "exit", "next", "nextfile", "BEGIN", "END", "function", "func",
];

/// Reads an awk program conservatively: any name of `AWK_NAMES` anywhere in the text makes it
/// an export (`ENVIRON`) or unknown; then a lexer that follows awk's (comments, `\`-newline
/// continuations, regex or division by the token before) finds a pipe (`|`), an output
/// redirection in a print statement (`>`) and gawk's `@` directives; a regex guard cannot
/// delimit as awk does (a `/` in a bracket expression) is unknown.
fn awk_program(program: &str) -> Result<(), PathVerdict> {
    for word in program.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if word == "ENVIRON" {
            return Err(PathVerdict::new(Severity::Export,
                "the awk program names ENVIRON, the environment that holds guard's credentials: they leave guard unchecked, as after guard env".to_owned(),
            ));
        }
        if AWK_NAMES.contains(&word) {
            return Err(unknown(format!(
                "the awk program names {word}, which runs commands, reads files or reaches them by name"
            )));
        }
    }
    let chars: Vec<char> = program.chars().collect();
    let mut i = 0;
    let mut depth = 0usize;
    let mut in_print = false;
    // Whether the last token was an operand: then `/` divides, else it starts a regex.
    let mut operand = false;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' if chars.get(i + 1) == Some(&'\n') => {
                i += 2;
                continue;
            }
            '\\' if chars.get(i + 1) == Some(&'\r') && chars.get(i + 2) == Some(&'\n') => {
                i += 3;
                continue;
            }
            '#' => {
                while chars.get(i).is_some_and(|c| *c != '\n') {
                    i += 1;
                }
                continue;
            }
            '"' => {
                i = skip_delimited(&chars, i + 1, '"').map_err(|_| {
                    unknown("the awk program has an unterminated string".to_owned())
                })?;
                operand = true;
                continue;
            }
            '/' if !operand => {
                i = skip_awk_regex(&chars, i + 1)?;
                operand = true;
                continue;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if word == "print" || word == "printf" {
                    in_print = true;
                }
                operand = !AWK_KEYWORDS.contains(&word.as_str());
                continue;
            }
            c if c.is_ascii_digit() || c == '.' => {
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '.')
                {
                    i += 1;
                }
                operand = true;
                continue;
            }
            '@' => {
                return Err(unknown(
                    "the awk program uses an @ directive (gawk loads code or calls by name)"
                        .to_owned(),
                ));
            }
            '|' if chars.get(i + 1) == Some(&'|') => {
                i += 2;
                operand = false;
                continue;
            }
            '|' => {
                return Err(unknown(
                    "the awk program pipes to or from a command (|)".to_owned(),
                ));
            }
            '>' if in_print && depth == 0 => {
                return Err(unknown(
                    "the awk program redirects print output to a file (>)".to_owned(),
                ));
            }
            '+' | '-' if chars.get(i + 1) == Some(&c) => {
                // `x++ / 2` divides; the operand state stays as it was.
                i += 2;
                continue;
            }
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            ';' | '\n' | '}' | '{' => in_print = false,
            _ => {}
        }
        if !c.is_whitespace() {
            operand = matches!(c, ')' | ']');
        } else if c == '\n' {
            operand = false;
        }
        i += 1;
    }
    Ok(())
}

/// The index after the `/` that closes an awk regex starting at `i`. A `/` inside a bracket
/// expression is literal to gawk but ends the regex for other awks: unknown.
fn skip_awk_regex(chars: &[char], mut i: usize) -> Result<usize, PathVerdict> {
    let mut bracket = false;
    while let Some(&c) = chars.get(i) {
        i += 1;
        match c {
            '\\' => i += 1,
            '\n' => break,
            // A class, collating symbol or equivalence class (`[:alpha:]`) inside brackets.
            '[' if bracket && matches!(chars.get(i), Some(':' | '.' | '=')) => {
                let kind = chars[i];
                i += 1;
                while chars.get(i).is_some_and(|c| *c != '\n')
                    && !(chars.get(i) == Some(&kind) && chars.get(i + 1) == Some(&']'))
                {
                    i += 1;
                }
                i += 2;
            }
            '[' if !bracket => {
                bracket = true;
                // `[]...]` and `[^]...]`: the first `]` is a member.
                if chars.get(i) == Some(&'^') {
                    i += 1;
                }
                if chars.get(i) == Some(&']') {
                    i += 1;
                }
            }
            ']' if bracket => bracket = false,
            '/' if bracket => {
                return Err(unknown(
                    "the awk program has a / inside a regex's bracket expression, which awks read differently".to_owned(),
                ));
            }
            '/' => return Ok(i),
            _ => {}
        }
    }
    Err(unknown(
        "the awk program has an unterminated regex".to_owned(),
    ))
}

/// `find [-H|-L|-P] [-D x] [-Olevel] [start...] [expression]`.
pub(crate) fn find(args: &[Word], scope: &Scope, classify: Classify) -> (Severity, String) {
    let mut i = 0;
    let texts: Vec<&str> = args.iter().map(|word| &*word.text).collect();
    while let Some(text) = texts.get(i) {
        match *text {
            "-H" | "-L" | "-P" => i += 1,
            "-D" => i += 2,
            t if t.starts_with("-O") => i += 1,
            _ => break,
        }
    }
    // The starting points: find only names what is under them, never reads it.
    let first_start = i;
    while let Some(word) = args.get(i) {
        if word.text.starts_with('-') || matches!(&*word.text, "(" | "!" | ")" | ",") {
            break;
        }
        i += 1;
    }
    let starts = &args[first_start..i];
    let mut worst = (Severity::Read, String::new());
    let mut worse = |severity: Severity, what: String| {
        if severity > worst.0 {
            worst = (severity, what);
        }
    };
    // A starting point from an expansion may be an expression (`-delete`): find takes any
    // word starting with `-` as one.
    if let Some(start) = starts
        .iter()
        .find(|word| word.dynamic && scope::could_be_option(&scope::judged_text(word)))
    {
        worse(
            Severity::Unknown,
            format!(
                "{} comes from an expansion and could be one of find's expressions (-delete, -exec)",
                start.text
            ),
        );
    }
    // What `{}` stands for: a found path starts with its starting point (`./x` under `.`,
    // also for -execdir), so it is no option when every starting point is literal.
    let found_prefix = match starts {
        [] => Some("."),
        _ if starts.iter().all(|word| !word.dynamic) => Some(&*starts[0].text),
        _ => None,
    };
    while let Some(word) = args.get(i) {
        let text: &str = &word.text;
        i += 1;
        if word.dynamic {
            worse(
                Severity::Unknown,
                format!("{text} comes from an expansion where find reads its expression"),
            );
            break;
        }
        let value = args.get(i);
        match text {
            "("
            | ")"
            | "!"
            | ","
            | "-not"
            | "-a"
            | "-and"
            | "-o"
            | "-or"
            | "-empty"
            | "-executable"
            | "-false"
            | "-nogroup"
            | "-nouser"
            | "-readable"
            | "-true"
            | "-writable"
            | "-depth"
            | "-d"
            | "-follow"
            | "-ignore_readdir_race"
            | "-noignore_readdir_race"
            | "-mount"
            | "-xdev"
            | "-noleaf"
            | "-daystart"
            | "-print"
            | "-print0"
            | "-ls"
            | "-prune"
            | "-quit"
            | "-help"
            | "--help"
            | "-version"
            | "--version" => {}
            "-amin" | "-anewer" | "-atime" | "-cmin" | "-cnewer" | "-ctime" | "-fstype"
            | "-gid" | "-group" | "-ilname" | "-iname" | "-inum" | "-ipath" | "-iregex"
            | "-iwholename" | "-links" | "-lname" | "-mmin" | "-mtime" | "-name" | "-newer"
            | "-path" | "-perm" | "-regex" | "-samefile" | "-size" | "-type" | "-uid" | "-used"
            | "-user" | "-wholename" | "-xtype" | "-context" | "-maxdepth" | "-mindepth"
            | "-regextype" | "-printf" => {
                if value.is_none() {
                    worse(Severity::Unknown, format!("find {text} lacks its value"));
                }
                i += 1;
            }
            t if t.starts_with("-newer") && t.len() == 8 => i += 1,
            "-fprint" | "-fprint0" | "-fls" | "-fprintf" => {
                match value {
                    Some(file) => {
                        let verdict = paths::write(file, scope, Write::Replace);
                        if !verdict.is_ordinary() {
                            worse(verdict.severity, format!("{text} {}", verdict.reason));
                        }
                    }
                    None => worse(Severity::Unknown, format!("find {text} lacks its file")),
                }
                i += if text == "-fprintf" { 2 } else { 1 };
            }
            "-delete" => worse(
                Severity::Destructive,
                "-delete deletes the files it finds".to_owned(),
            ),
            "-exec" | "-execdir" | "-ok" | "-okdir" => {
                let end = args[i..]
                    .iter()
                    .position(|word| matches!(&*word.text, ";" | "+"));
                let Some(end) = end else {
                    worse(
                        Severity::Unknown,
                        format!("find {text} has no ; or + at its end"),
                    );
                    break;
                };
                let execdir = text.ends_with("dir");
                let inner: Vec<Word> = args[i..i + end]
                    .iter()
                    .map(|word| {
                        let prefix = if execdir { Some(".") } else { found_prefix };
                        match prefix {
                            // The found file's path, under its starting point.
                            Some(start) if word.text == "{}" => Word {
                                text: Cow::Owned(format!("{}/{{}}", start.trim_end_matches('/'))),
                                dynamic: true,
                            },
                            _ if word.text.contains("{}") => Word {
                                text: Cow::Owned(word.text.to_string()),
                                dynamic: true,
                            },
                            _ => word.clone(),
                        }
                    })
                    .collect();
                i += end + 1;
                let mut inner_scope = scope.clone();
                if text.ends_with("dir") {
                    inner_scope.set_workdir(WorkDir::Unknown(format!(
                        "find {text} runs it in each found file's folder"
                    )));
                }
                let result = classify(&inner, &inner_scope);
                worse(result.severity, format!("{text} runs {}", result.reason));
            }
            other => {
                worse(
                    Severity::Unknown,
                    format!("{other} is not a find expression guard knows"),
                );
                break;
            }
        }
    }
    worst
}
