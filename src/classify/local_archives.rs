//! More local programs with tables (tools17): tar and unzip (listing reads, extracting writes
//! files the archive names), `openssl x509|rand|version|s_client`, dig, graphviz's dot and wget. Their
//! options were taken from GNU tar 1.34's, UnZip 6.00's and OpenSSL 3.0's `--help` here; dig's
//! from BIND 9's manual and dot's from graphviz's (neither is installed here).
//!
//! Left out on purpose, so unknown: tar's `--to-command`, `-I`/`--use-compress-program`,
//! `--rsh-command`, `--checkpoint-action`, `-F`/`--info-script`, `-C` and a remote `-f
//! host:file` (run programs or move where paths lie); unzip's zipinfo mode `-Z`; openssl's
//! `-engine` and `-provider` (load code); dot's `-c` (writes the plugin configuration).

use std::borrow::Cow;

use super::Severity;
use super::local_programs::{Parsed, Program, labelled, parse, program, read_all};
use super::paths::{self, PathVerdict, Write};
use super::scope::{Scope, Word};

pub(crate) const NAMES: &[&str] = &["tar", "unzip", "openssl", "dig", "dot", "wget"];

/// Variables these programs read their options or configuration from.
/// (`TAPE` names tar's archive when there is no `-f`; dig reads `$HOME/.digrc` as extra
/// arguments; dot loads its plugins from `GVBINDIR`.)
const OPTION_VARS: &[(&str, &str)] = &[
    ("tar", "TAR_OPTIONS"),
    ("tar", "TAPE"),
    ("dig", "HOME"),
    ("dot", "GVBINDIR"),
    ("unzip", "UNZIP"),
    ("unzip", "UNZIPOPT"),
    ("openssl", "OPENSSL_CONF"),
    ("openssl", "OPENSSL_MODULES"),
    ("openssl", "OPENSSL_ENGINES"),
];

static TAR: Program = program(
    &["tar"],
    "t,list x,extract,get c,create r,append u,update A,catenate,concatenate d,diff,compare \
     delete v,verbose z,gzip,gunzip,ungzip j,bzip2 J,xz lzma zstd a,auto-compress f,file= \
     O,to-stdout wildcards no-wildcards anchored no-anchored ignore-case no-ignore-case \
     full-time numeric-owner utc exclude= force-local k,keep-old-files skip-old-files \
     no-same-owner no-same-permissions strip-components= h,dereference help version",
    |_, _| PathVerdict::ordinary(),
);

static UNZIP: Program = program(
    &["unzip"],
    "l v t p c q o n j a L C X u f d= x P= M h",
    |_, _| PathVerdict::ordinary(),
);

static X509: Program = Program {
    names: &["openssl x509"],
    options: "<in= >out= noout text subject issuer dates enddate startdate serial fingerprint \
              sha1 sha256 sha384 sha512 md5 inform= outform= pubkey modulus ext= checkend= \
              purpose email hash subject_hash issuer_hash subject_hash_old issuer_hash_old \
              nameopt= certopt= ocsp_uri ocspid alias help",
    permute: false,
    judge: |_, _| PathVerdict::ordinary(),
};

static RAND: Program = Program {
    names: &["openssl rand"],
    options: "hex base64 >out= <rand= >writerand= help",
    permute: false,
    judge: |_, _| PathVerdict::ordinary(),
};

static VERSION: Program = Program {
    names: &["openssl version"],
    options: "a b o f p d e c v r m help",
    permute: false,
    judge: |_, _| PathVerdict::ordinary(),
};

/// `openssl s_client` (OpenSSL 3.0.19's `-help`): connects, shakes hands and prints what the
/// server showed. Left out, so unknown: the outputs (`-sess_out`, `-keylogfile`, `-msgfile`,
/// `-writerand`: judged as paths they would be written, but guard keeps the table to what
/// only reads), `-early_data` (sends a file), `-engine`, `-ssl_client_engine`, `-ssl_config`
/// (load code or configuration), `-pass` and the PSK and SRP secrets, `-proxy_pass`.
static S_CLIENT: Program = Program {
    names: &["openssl s_client"],
    options: "help connect= host= port= bind= proxy= proxy_user= 4 6 servername= noservername \
              showcerts brief quiet ign_eof no_ign_eof crlf starttls= xmpphost= prexit status \
              alpn= nextprotoneg= tls1 tls1_1 tls1_2 tls1_3 no_tls1 no_tls1_1 no_tls1_2 \
              no_tls1_3 no_ssl3 dtls dtls1 dtls1_2 timeout mtu= min_protocol= max_protocol= \
              cipher= ciphersuites= groups= curves= sigalgs= named_curve= no_ticket comp \
              no_comp legacy_renegotiation no_renegotiation legacy_server_connect \
              no_legacy_server_connect strict ct noct reconnect msg debug state trace \
              tlsextdebug security_debug security_debug_verbose nbio nbio_test \
              ignore_unexpected_eof <CAfile= CApath= no-CAfile no-CApath no-CAstore \
              <cert= certform= <cert_chain= build_chain <key= keyform= verify= verify_depth= \
              verify_return_error verify_hostname= verify_ip= verify_email= x509_strict \
              partial_chain purpose= nameopt= <sess_in= name= read_buf= maxfraglen= \
              max_send_frag= split_send_frag= max_pipelines= fallback_scsv enable_pha \
              nocommands keymatexportlen= record_padding= no_middlebox no_etm \
              client_sigalgs= serverinfo= use_srtp=",
    permute: false,
    judge: |_, _| PathVerdict::ordinary(),
};

static DIG: Program = program(
    &["dig"],
    "4 6 b= c= <f= h <k= m p= q= r t= u v x= y= i",
    |_, _| PathVerdict::ordinary(),
);

static DOT: Program = program(
    &["dot"],
    "T= K= >o= O G= N= E= <l= n? v V q? s? y x P",
    |_, _| PathVerdict::ordinary(),
);

pub(crate) fn judge(name: &str, args: &[Word], scope: &Scope) -> (Severity, String) {
    if let Some((_, var)) = OPTION_VARS
        .iter()
        .find(|(program, var)| *program == name && scope.assigned(var).is_some())
    {
        return (
            Severity::Unknown,
            format!("{var} is set on the command line: {name} reads options or code from it"),
        );
    }
    let verdict = match name {
        "tar" => tar(&old_style(args), scope),
        "unzip" => with(&UNZIP, args, |parsed| unzip(parsed, scope)),
        "openssl" => openssl(args, scope),
        "dig" => with(&DIG, args, |parsed| option_files(parsed, scope)),
        "dot" => with(&DOT, args, |parsed| dot(parsed, scope)),
        "wget" => wget(args, scope),
        _ => Err((Severity::Unknown, format!("{name} has no table"))),
    };
    match verdict {
        Ok(verdict) if verdict.is_ordinary() => (
            Severity::Read,
            "local command, does not call AWS".to_owned(),
        ),
        Ok(verdict) => (verdict.severity, verdict.reason),
        Err(unknown) => unknown,
    }
}

type Judged = Result<PathVerdict, (Severity, String)>;

fn with<'w>(
    table: &'static Program,
    args: &'w [Word<'w>],
    judge: impl FnOnce(&Parsed) -> PathVerdict,
) -> Judged {
    parse(table, args).map(|parsed| judge(&parsed))
}

/// The files option values read or write (`<`/`>` in the table).
fn option_files(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    let mut verdict = PathVerdict::ordinary();
    for found in &parsed.options {
        let Some(value) = found.values.last() else {
            continue;
        };
        let next = match found.effect {
            super::local_programs::Effect::Inert => continue,
            super::local_programs::Effect::Reads => paths::read(value, scope),
            super::local_programs::Effect::Writes => paths::write(value, scope, Write::Replace),
        };
        verdict = verdict.or_worse(labelled(&found.written, next));
    }
    verdict
}

/// tar's old style: a first word without `-` is a bundle of letters, and the letters that take
/// a value take the next words in order (`tar tzf x.tgz` is `tar -t -z -f x.tgz`).
fn old_style<'w>(args: &[Word<'w>]) -> Vec<Word<'w>> {
    let Some(first) = args.first() else {
        return Vec::new();
    };
    if first.dynamic
        || first.text.starts_with('-')
        || !first.text.chars().all(|c| c.is_ascii_alphabetic())
    {
        return args.to_vec();
    }
    let mut out = Vec::new();
    let mut rest = args[1..].iter();
    let mut values = Vec::new();
    for letter in first.text.chars() {
        out.push(Word {
            text: Cow::Owned(format!("-{letter}")),
            dynamic: false,
        });
        // Every letter that takes a value in GNU tar's old style; only `f` is in the table,
        // the others make the line unknown, but must still take their word.
        if "fbCgHKLNTVX".contains(letter)
            && let Some(value) = rest.next()
        {
            values.push((out.len(), value.clone()));
        }
    }
    for (at, value) in values.into_iter().rev() {
        out.insert(at, value);
    }
    out.extend(rest.cloned());
    out
}

/// `tar -t` lists (read); `-x` writes the files the archive names; `-c`, `-r`, `-u`, `-A`
/// write the archive from the files named.
fn tar(args: &[Word], scope: &Scope) -> Judged {
    let parsed = parse(&TAR, args)?;
    let mut verdict = PathVerdict::ordinary();
    for file in parsed.values("f") {
        if file.text.contains(':') && !parsed.has("force-local") {
            return Err((
                Severity::Unknown,
                format!("tar reaches {} on another host through rsh", file.text),
            ));
        }
    }
    let archive: Vec<&Word> = parsed
        .values("f")
        .into_iter()
        .filter(|file| file.text != "-")
        .collect();
    let modes: Vec<&str> = ["t", "x", "c", "r", "u", "A", "d", "delete"]
        .into_iter()
        .filter(|mode| parsed.has(mode))
        .collect();
    match modes.as_slice() {
        ["t"] | ["d"] => {
            verdict = verdict.or_worse(read_all(archive, scope));
        }
        ["x"] if parsed.has("O") => {
            verdict = verdict.or_worse(read_all(archive, scope));
        }
        ["x"] => {
            verdict = verdict.or_worse(read_all(archive, scope));
            let into = paths::write_into(&Word::literal("."), scope, false);
            verdict = verdict.or_worse(PathVerdict::new(
                Severity::Write,
                "tar -x writes the files the archive names".to_owned(),
            ));
            verdict = verdict.or_worse(into);
        }
        ["c"] => {
            for file in archive {
                verdict =
                    verdict.or_worse(labelled("-f", paths::write(file, scope, Write::Replace)));
            }
            for operand in &parsed.operands {
                verdict = verdict.or_worse(paths::read_tree(operand, scope));
            }
        }
        [_] => {
            verdict = verdict.or_worse(PathVerdict::new(
                Severity::Write,
                "tar changes the archive".to_owned(),
            ));
        }
        _ => {
            return Err((
                Severity::Unknown,
                "tar needs exactly one of -t, -x, -c, -r, -u, -A, -d, --delete".to_owned(),
            ));
        }
    }
    Ok(verdict)
}

/// `unzip -l|-v|-t|-p|-c ZIP` only read it; otherwise it extracts into `-d DIR` or here.
fn unzip(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    let archive = parsed.operands.first().into_iter();
    let mut verdict = read_all(archive, scope);
    let reads_only = ["l", "v", "t", "p", "c"].iter().any(|o| parsed.has(o));
    if !reads_only {
        let folder = parsed
            .values("d")
            .last()
            .copied()
            .cloned()
            .unwrap_or(Word::literal("."));
        verdict = verdict
            .or_worse(PathVerdict::new(
                Severity::Write,
                "unzip writes the files the archive names".to_owned(),
            ))
            .or_worse(paths::write_into(&folder, scope, false));
    }
    verdict
}

/// `openssl x509|rand|version`, and `s_client` with nothing to send (`</dev/null`, `echo |`); any
/// other command is unknown.
fn openssl(args: &[Word], scope: &Scope) -> Judged {
    let Some((command, rest)) = args.split_first() else {
        return Err((
            Severity::Unknown,
            "openssl without a command reads commands from input".to_owned(),
        ));
    };
    let table = match &*command.text {
        "x509" => &X509,
        "rand" => &RAND,
        "version" => &VERSION,
        // What it reads from standard input it sends to the server (an HTTP request, SMTP
        // commands): read only when that is nothing.
        "s_client" if !scope.stdin_blank => {
            return Err((
                Severity::Unknown,
                "openssl s_client sends what it reads from standard input to the server; read only when that is nothing or a newline (</dev/null, echo |)".to_owned(),
            ));
        }
        "s_client" => &S_CLIENT,
        other => {
            return Err((
                Severity::Unknown,
                format!("openssl {other} is not an openssl command guard knows"),
            ));
        }
    };
    let parsed = parse(table, rest)?;
    let extra = match &*command.text {
        // rand's one operand is a number of bytes.
        "rand" => parsed.operands.len() > 1,
        // s_client takes the server as `host:port` too.
        "s_client" => parsed.operands.len() > 1,
        _ => !parsed.operands.is_empty(),
    };
    if extra {
        return Err((
            Severity::Unknown,
            format!("openssl {} takes no such operand", command.text),
        ));
    }
    Ok(option_files(&parsed, scope))
}

/// `dot [-Tfmt] [-o OUT | -O] FILE...`: reads its inputs; `-O` writes each input's name with
/// the format added.
fn dot(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    let mut verdict = option_files(parsed, scope).or_worse(read_all(&parsed.operands, scope));
    if parsed.has("O") {
        let format = parsed.values("T").last().map(|word| (*word).clone());
        for input in &parsed.operands {
            let target = match &format {
                Some(format) => Word {
                    text: Cow::Owned(format!(
                        "{}.{}",
                        input.text,
                        format.text.split(':').next().unwrap_or("")
                    )),
                    dynamic: input.dynamic || format.dynamic,
                },
                None => Word {
                    text: Cow::Owned(format!("{}.dot-output", input.text)),
                    dynamic: true,
                },
            };
            verdict =
                verdict.or_worse(labelled("-O", paths::write(&target, scope, Write::Replace)));
        }
    }
    verdict
}

/// GNU wget 1.21's options that only fetch: the others (`-e`, `--config`, `--use-askpass`,
/// `-i`, `--warc-*`, ...) are not in the table, so unknown.
static WGET: Program = program(
    &["wget"],
    "V,version h,help q,quiet v,verbose d,debug n= report-speed= t,tries= retry-connrefused \
     retry-on-http-error= c,continue start-pos= progress= show-progress N,timestamping \
     no-if-modified-since no-use-server-timestamps S,server-response spider T,timeout= \
     dns-timeout= connect-timeout= read-timeout= w,wait= waitretry= random-wait no-proxy \
     Q,quota= bind-address= limit-rate= no-dns-cache restrict-file-names= ignore-case \
     4,inet4-only 6,inet6-only prefer-family= user= password= no-iri local-encoding= \
     remote-encoding= http-user= http-password= no-cache header= compression= max-redirect= \
     referer= U,user-agent= no-http-keep-alive no-cookies https-only no-check-certificate \
     secure-protocol= ciphers= no-hsts <ca-certificate= ca-directory= <certificate= \
     <private-key= no-netrc no-config content-disposition trust-server-names E,adjust-extension \
     >O,output-document= >o,output-file= >a,append-output= P,directory-prefix= \
     >save-cookies= <load-cookies= save-headers post-data= <post-file= method= body-data= \
     <body-file= r,recursive l,level= m,mirror p,page-requisites np,no-parent nd,no-directories \
     nH,no-host-directories x,force-directories cut-dirs= A,accept= R,reject=",
    |_, _| PathVerdict::ordinary(),
);

/// `wget URL...`: a GET (or `--spider`'s HEAD) is read; `--post-*`, `--body-*` and
/// `--method` other than GET/HEAD/OPTIONS change something. It writes what it fetches: `-O
/// FILE`, else the URL's last part in `-P` (the server's name with `--content-disposition`
/// or `--trust-server-names`, a tree with `-r`/`-m`/`-p`).
fn wget(args: &[Word], scope: &Scope) -> Judged {
    for var in ["WGETRC", "SYSTEM_WGETRC", "HOME"] {
        if scope.assigned(var).is_some() {
            return Err((
                Severity::Unknown,
                format!("{var} is set on the command line: wget reads a wgetrc from there"),
            ));
        }
    }
    let parsed = parse(&WGET, args)?;
    if parsed.has("V") || parsed.has("h") {
        return Ok(PathVerdict::ordinary());
    }
    let mut verdict = option_files(&parsed, scope);
    let method = parsed
        .values("method")
        .last()
        .map(|word| word.text.to_ascii_uppercase());
    let sends = ["post-data", "post-file", "body-data", "body-file"]
        .iter()
        .any(|o| parsed.has(o));
    let changes = match method.as_deref() {
        Some("GET" | "HEAD" | "OPTIONS") => None,
        Some("DELETE") => Some(Severity::Destructive),
        Some(_) => Some(Severity::Write),
        None if sends => Some(Severity::Write),
        None => None,
    };
    if let Some(severity) = changes {
        verdict = verdict.or_worse(PathVerdict::new(
            severity,
            "wget sends a request that changes something".to_owned(),
        ));
    }
    let folder = parsed
        .values("P")
        .last()
        .copied()
        .cloned()
        .unwrap_or(Word::literal("."));
    // wget follows up to 20 redirects unless told `--max-redirect=0` (the last one wins).
    let redirects = match parsed.values("max-redirect").last() {
        Some(word) if !word.dynamic && word.text.trim() == "0" => None,
        _ => Some("wget follows redirects (unless --max-redirect=0)"),
    };
    let layout = Layout::of(&parsed)?;
    let to_document = parsed.has("O") || parsed.has("spider");
    let tree = ["r", "m", "p", "content-disposition", "trust-server-names"]
        .iter()
        .any(|o| parsed.has(o));
    for url in &parsed.operands {
        let text: &str = &url.text;
        let lower = text.to_ascii_lowercase();
        let rest = match lower.split_once("://") {
            Some(("http" | "https", _)) => &text[text.find("://").map_or(0, |at| at + 3)..],
            Some((scheme, _)) => {
                return Err((
                    Severity::Unknown,
                    format!("wget speaks {scheme} to {text}; guard reads only http and https URLs"),
                ));
            }
            None if url.dynamic && !text.contains('/') => {
                return Err((
                    Severity::Unknown,
                    format!("the URL {text} comes from an expansion"),
                ));
            }
            None => text,
        };
        verdict = verdict.or_worse(super::curl::network(
            rest,
            url.dynamic,
            false,
            redirects,
            scope,
        ));
        if to_document {
            continue;
        }
        let written = if tree || url.dynamic {
            PathVerdict::new(
                Severity::Write,
                "wget writes files the server names".to_owned(),
            )
            .or_worse(paths::write_into(&folder, scope, false))
        } else {
            let https = lower.starts_with("https://");
            match saved_as(rest, https, &layout) {
                Ok(names) => names
                    .into_iter()
                    .map(|name| {
                        let base = folder.text.strip_suffix('/').unwrap_or(&folder.text);
                        let target = Word {
                            text: Cow::Owned(format!("{base}/{name}")),
                            dynamic: folder.dynamic,
                        };
                        paths::write(&target, scope, Write::Replace)
                    })
                    .fold(PathVerdict::ordinary(), PathVerdict::or_worse),
                Err(why) => {
                    scope.note_write(super::scope::Wrote::Somewhere(text.to_owned()));
                    PathVerdict::new(
                        Severity::Unknown,
                        format!("{why}; guard cannot tell which file wget writes"),
                    )
                }
            }
        };
        verdict = verdict.or_worse(labelled("wget", written));
    }
    Ok(verdict)
}

/// Where wget puts a file it fetches, below `-P` (wget 1.21's url_file_name): with
/// `-x`/`--force-directories` (the last of it and `-nd` wins) the URL's host (with a port
/// that is not the scheme's own, unless `-nH`) and its folders (less the first `--cut-dirs`),
/// then the URL's last part, percent-decoded.
struct Layout {
    folders: bool,
    host: bool,
    cut: usize,
}

impl Layout {
    fn of(parsed: &Parsed) -> Result<Layout, (Severity, String)> {
        let mut folders = false;
        let mut host = true;
        for found in &parsed.options {
            match found.name {
                "x" => folders = true,
                "nd" => folders = false,
                "nH" => host = false,
                // wget's `-n` takes letters, each one setting (checked with wget 1.21:
                // `-nHd -x` keeps the folders but not the host): `-nd`, `-nH`, `-nv`, ...
                "n" => {
                    let letters = found.values.last().map(|word| (word.dynamic, &word.text));
                    for letter in letters.map_or("", |(_, text)| text.as_ref()).chars() {
                        match letter {
                            'd' => folders = false,
                            'H' => host = false,
                            'v' | 'c' | 'p' => {}
                            _ => {
                                return Err((
                                    Severity::Unknown,
                                    format!("-n{letter} is not an option guard knows here"),
                                ));
                            }
                        }
                    }
                    if letters.is_some_and(|(dynamic, _)| dynamic) {
                        return Err((
                            Severity::Unknown,
                            "the letters after -n come from an expansion".to_owned(),
                        ));
                    }
                }
                _ => {}
            }
        }
        let cut = match parsed.values("cut-dirs").last() {
            None => 0,
            Some(word) => match word.text.trim().parse::<usize>() {
                Ok(cut) if !word.dynamic => cut,
                _ => {
                    return Err((
                        Severity::Unknown,
                        format!(
                            "--cut-dirs={} is not a number guard can read; guard cannot tell which folders wget writes",
                            word.text
                        ),
                    ));
                }
            },
        };
        Ok(Layout { folders, host, cut })
    }
}

/// The names (relative to `-P`) wget saves the URL `rest` (after `scheme://`) as: the file's
/// name with and without the query (wget appends `?query` to the name), each below the
/// folders `-x` keeps. Err when a folder or name is one guard cannot place (`..`, an encoded
/// `/`, an IPv6 host).
fn saved_as(rest: &str, https: bool, layout: &Layout) -> Result<Vec<String>, String> {
    let (address, query) = match rest
        .split_once('#')
        .map_or(rest, |(before, _)| before)
        .split_once('?')
    {
        Some((address, query)) => (address, Some(query)),
        None => (rest.split('#').next().unwrap_or(rest), None),
    };
    let (authority, path) = address.split_once('/').unwrap_or((address, ""));
    let decoded: Vec<String> = path.split('/').map(super::curl::percent_decoded).collect();
    let (name, folders) = decoded
        .split_last()
        .map_or(("", &[][..]), |(name, folders)| (name.as_str(), folders));
    let odd = |part: &str| {
        part.is_empty() || part == "." || part == ".." || part.contains(['/', '\\', '\0'])
    };
    if name.contains(['/', '\\', '\0']) {
        return Err(format!("the URL's file name {name:?} holds a separator"));
    }
    let mut prefix = String::new();
    if layout.folders {
        if layout.host {
            let host_port = authority.rsplit('@').next().unwrap_or(authority);
            if host_port.starts_with('[') || host_port.is_empty() {
                return Err(format!("the host {host_port} would name a folder"));
            }
            let (host, port) = host_port.split_once(':').unwrap_or((host_port, ""));
            let default = port.is_empty() || port == if https { "443" } else { "80" };
            prefix.push_str(&host.to_ascii_lowercase());
            if !default {
                prefix.push(':');
                prefix.push_str(port);
            }
            prefix.push('/');
        }
        for folder in folders.iter().skip(layout.cut) {
            if odd(folder) {
                return Err(format!("the URL's part {folder:?} would be a folder"));
            }
            prefix.push_str(folder);
            prefix.push('/');
        }
    }
    let name = if name.is_empty() { "index.html" } else { name };
    let mut names = vec![format!("{prefix}{name}")];
    if let Some(query) = query {
        names.push(format!("{prefix}{name}?{query}"));
    }
    Ok(names)
}
