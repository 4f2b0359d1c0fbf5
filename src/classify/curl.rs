//! curl: a GET of an http(s) URL is read; what sends data, names another method, reads a
//! credential store or writes a file is judged by what it does.
//!
//! The options are curl's own (`curl_flags.rs`, generated from `curl --help all` by
//! `scripts/curl-flags`), read as curl 7.88 reads them: unique prefixes of long options, `--no-X`,
//! short groups (`-sSL`, `-XPOST`), options after URLs, `--` (checked against the curl here).
//! The user's `~/.curlrc` is their own setup, like `~/.aws/config`; a configuration the line
//! names (`-K`, or `CURL_HOME`/`HOME`/`XDG_CONFIG_HOME` set on it) can add any option: unknown.
//!
//! - Method: GET (HEAD with `-I`); `-d`/`--data*`/`--json`/`-F` POST and `-T` PUT: write;
//!   `-G` sends the data in the query of a GET: read; `-X` decides when given (GET, HEAD,
//!   OPTIONS read; POST, PUT, PATCH write; DELETE destructive; anything else unknown).
//! - `--aws-sigv4` signs the request with AWS keys: an AWS API call guard cannot read (a GET
//!   of the query API can terminate instances): unknown. So are `--engine` (loads code),
//!   `--next` (a second set of options) and `-K`.
//! - URLs: http and https (and a URL without a scheme, which curl makes http) are the request;
//!   `file://` reads (and with `-T` writes) a local path, judged by its class (`curl
//!   file:///proc/self/environ` is an export); the instance metadata and container credential
//!   endpoints hand out credentials (export); other schemes (dict, gopher, telnet, smtp, ...)
//!   can send anything anywhere: unknown. A URL whose scheme comes from an expansion is
//!   unknown.
//! - Files: `-d @FILE`, `--data-binary @FILE`, `-F name=@FILE`, `-F name=<FILE`, `-T FILE`,
//!   `-H @FILE`, `-w @FILE`, `-b FILE` read FILE (and send or print it); `-o`, `-O` (the URL's
//!   last part in `--output-dir`), `-D`, `-c`, `--trace`, `--stderr`, ... write it; both go
//!   through the path classes. `SSLKEYLOGFILE` set on the line writes that file.

use std::borrow::Cow;

use super::Severity;
use super::curl_flags::OPTIONS;
use super::local_programs::{Effect, Parsed, Program, labelled, parse};
use super::paths::{self, PathVerdict, Write};
use super::scope::{self, EnvValue, Scope, Word};
use super::verdict::Verdict;

const TOOL: &str = "curl";

static CURL: Program = Program {
    names: &["curl"],
    options: OPTIONS,
    permute: true,
    judge: |_, _| PathVerdict::ordinary(),
};

/// Options whose value is data curl sends: `@FILE` reads FILE (data-raw never does).
const DATA: &[&str] = &[
    "d",
    "data-ascii",
    "data-binary",
    "data-urlencode",
    "json",
    "url-query",
];

/// The proxy variables curl obeys (`http_proxy` only in lower case).
const PROXY_VARS: &[&str] = &[
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    for var in ["CURL_HOME", "HOME", "XDG_CONFIG_HOME"] {
        if scope.assigned(var).is_some() {
            return unknown(&format!(
                "{var} is set on the command line: curl reads its .curlrc from there, which can add any option"
            ));
        }
    }
    let words: Vec<Word> = args
        .iter()
        .map(|arg| Word {
            text: Cow::Borrowed(scope::shown(arg)),
            dynamic: scope::is_dynamic(arg) || arg.contains(['$', '`']),
        })
        .collect();
    let parsed = match parse(&CURL, &words) {
        Ok(parsed) => parsed,
        Err((severity, why)) => return Verdict::of(severity, TOOL, &[], &why),
    };
    for (option, why) in [
        ("K", "-K reads options from a file guard does not read"),
        (
            "aws-sigv4",
            "--aws-sigv4 signs the request with AWS keys: an AWS API call guard cannot read",
        ),
        ("engine", "--engine loads a crypto engine's code"),
        (":", "--next starts another set of options"),
        (
            "proto-default",
            "--proto-default makes URLs without a scheme use another protocol",
        ),
    ] {
        if parsed.has(option) {
            return unknown(why);
        }
    }
    for var in PROXY_VARS {
        if scope.assigned(var).is_some() {
            return unknown(&format!(
                "{var} is set on the command line: curl sends the request through the proxy it names"
            ));
        }
    }
    let steered = connection(&parsed, scope);
    if !steered.is_ordinary() {
        return Verdict::of(steered.severity, TOOL, &[], &steered.reason);
    }
    if scope.assigned("SSLKEYLOGFILE").is_some() {
        return Verdict::of(
            Severity::Write,
            TOOL,
            &[],
            "SSLKEYLOGFILE is set on the command line: curl writes its TLS keys there",
        );
    }
    if ["h", "V", "M"].iter().any(|o| parsed.has(o)) {
        return Verdict::of(Severity::Read, TOOL, &[], "prints help or its version");
    }
    let mut verdict = method(&parsed);
    let mut paths = PathVerdict::ordinary();
    paths = paths.or_worse(files(&parsed, scope));
    let urls: Vec<&Word> = parsed.operands.iter().chain(parsed.values("url")).collect();
    let output_dir = parsed.values("output-dir").last().copied().cloned();
    let uploads = parsed.has("T");
    let remote_name = parsed.has("O") || parsed.has("remote-name-all");
    let globs = !parsed.has("g");
    // `-L` follows redirects (the last of it and `--no-location` wins).
    let mut redirects = None;
    for found in &parsed.options {
        match found.name {
            "L" | "location-trusted" => {
                redirects = Some(format!("{} follows redirects", found.written));
            }
            "no-location" | "no-location-trusted" => redirects = None,
            _ => {}
        }
    }
    for url in &urls {
        paths = paths.or_worse(judge_url(url, uploads, globs, redirects.as_deref(), scope));
        if remote_name {
            paths = paths.or_worse(remote_file(
                url,
                output_dir.as_ref(),
                parsed.has("J"),
                scope,
            ));
        }
    }
    if !paths.is_ordinary() {
        // On a tie the file says more than the method (`-T x file:///home/u/.bashrc`).
        if paths.severity >= verdict.severity {
            verdict = Verdict::of(paths.severity, TOOL, &[], &paths.reason);
        }
    }
    verdict
}

fn unknown(what: &str) -> Verdict {
    Verdict::of(Severity::Unknown, TOOL, &[], what)
}

/// The request's method and what it does.
fn method(parsed: &Parsed) -> Verdict {
    if let Some(method) = parsed.values("X").last() {
        if method.dynamic {
            return unknown("the method comes from an expansion");
        }
        let named = method.text.to_ascii_uppercase();
        let (severity, what) = match named.as_str() {
            "GET" | "HEAD" | "OPTIONS" => (Severity::Read, "a GET request: read-only"),
            "POST" | "PUT" | "PATCH" => (Severity::Write, "sends a request that changes something"),
            "DELETE" => (Severity::Destructive, "sends a DELETE request"),
            _ => (Severity::Unknown, "a method guard does not know"),
        };
        return Verdict::of_flag(severity, TOOL, &[], &format!("-X {}", method.text), what);
    }
    let sends = |names: &[&'static str]| names.iter().find(|name| parsed.has(name)).copied();
    if let Some(upload) = sends(&["T"]) {
        return Verdict::of_flag(
            Severity::Write,
            TOOL,
            &[],
            &format!("-{upload}"),
            "uploads a file (PUT)",
        );
    }
    if let Some(form) = sends(&["F", "form-string", "json"]) {
        return Verdict::of_flag(
            Severity::Write,
            TOOL,
            &[],
            &flag(form),
            "sends a POST request",
        );
    }
    if let Some(data) = sends(&[
        "d",
        "data-ascii",
        "data-binary",
        "data-raw",
        "data-urlencode",
    ]) {
        if parsed.has("G") && !parsed.has("no-get") {
            return Verdict::of_flag(
                Severity::Read,
                TOOL,
                &[],
                "-G",
                "a GET request with the data in its query: read-only",
            );
        }
        return Verdict::of_flag(
            Severity::Write,
            TOOL,
            &[],
            &flag(data),
            "sends a POST request",
        );
    }
    Verdict::of(Severity::Read, TOOL, &[], "a GET request: read-only")
}

fn flag(name: &str) -> String {
    if name.len() == 1 {
        format!("-{name}")
    } else {
        format!("--{name}")
    }
}

/// The files options read or write.
fn files(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    let globs = !parsed.has("g");
    let mut verdict = PathVerdict::ordinary();
    let output_dir = parsed.values("output-dir").last().copied().cloned();
    for found in &parsed.options {
        let Some(value) = found.values.last() else {
            continue;
        };
        let text: &str = &value.text;
        let read = |file: &str| {
            let word = Word {
                text: Cow::Owned(file.to_owned()),
                // curl expands `{a,b}` and `[1-3]` in upload file names too.
                dynamic: value.dynamic || (globs && found.name == "T" && file.contains(['{', '['])),
            };
            labelled(&found.written, paths::read(&word, scope))
        };
        let next = match found.name {
            name if DATA.contains(&name) => match text.split_once('@') {
                // data-urlencode and url-query: `name@file` or `@file`; the others only
                // `@file`. (`name=content` has no file: the `=` comes before any `@`.)
                Some((before, file))
                    if before.is_empty()
                        || (matches!(name, "data-urlencode" | "url-query")
                            && !before.contains('=')) =>
                {
                    if file == "-" {
                        PathVerdict::ordinary()
                    } else {
                        read(file)
                    }
                }
                _ => PathVerdict::ordinary(),
            },
            "F" => match text.split_once('=') {
                Some((_, content)) if content.starts_with(['@', '<']) => form_files(&content[1..])
                    .iter()
                    .filter(|file| *file != "-")
                    .map(|file| read(file))
                    .fold(PathVerdict::ordinary(), PathVerdict::or_worse),
                _ => PathVerdict::ordinary(),
            },
            "H" | "proxy-header" | "w" => match text.strip_prefix('@') {
                Some("-") | None => PathVerdict::ordinary(),
                Some(file) => read(file),
            },
            // A cookie string has `=`; anything else names a cookie file.
            "b" if !text.contains('=') => read(text),
            "T" if text == "-" || text == "." => PathVerdict::ordinary(),
            _ if text == "-" => PathVerdict::ordinary(),
            _ => match found.effect {
                Effect::Inert => continue,
                Effect::Reads => read(text),
                Effect::Writes => {
                    let target = in_dir(value, output_dir.as_ref(), found.name == "o");
                    labelled(&found.written, paths::write(&target, scope, Write::Replace))
                }
            },
        };
        verdict = verdict.or_worse(next);
    }
    verdict
}

/// The files of `-F name=@FILES`: a quoted name (`@"a;b"`, backslash escapes), else up to
/// `;`; curl 7.88 also takes a list separated by commas, so each part counts too.
fn form_files(spec: &str) -> Vec<String> {
    if let Some(quoted) = spec.strip_prefix('"') {
        let mut name = String::new();
        let mut chars = quoted.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => name.extend(chars.next()),
                '"' => break,
                c => name.push(c),
            }
        }
        return vec![name];
    }
    let first = spec.split(';').next().unwrap_or("");
    let mut files = vec![first.to_owned()];
    if first.contains(',') {
        files.extend(first.split(',').map(str::to_owned));
    }
    files
}

/// `-o FILE` is relative to `--output-dir`; a `#1` in it is replaced from the URL's glob.
fn in_dir<'w>(file: &Word<'w>, dir: Option<&Word<'w>>, output: bool) -> Word<'w> {
    let dynamic = file.dynamic || (output && file.text.contains('#'));
    match dir {
        Some(dir) if output && !file.text.starts_with('/') => Word {
            text: Cow::Owned(format!("{}/{}", dir.text, file.text)),
            dynamic: dynamic || dir.dynamic,
        },
        _ => Word {
            text: file.text.clone(),
            dynamic,
        },
    }
}

/// `-O`: the file is named by the URL's last part (or, with `-J`, by the server), in
/// `--output-dir` or the working folder.
fn remote_file(url: &Word, dir: Option<&Word>, server_names: bool, scope: &Scope) -> PathVerdict {
    let folder = dir.cloned().unwrap_or(Word::literal("."));
    if server_names {
        // The server's Content-Disposition names the file: `.bashrc`, `main.tf`, `.envrc`.
        return PathVerdict::new(
            Severity::Write,
            "-J: the server names the file curl writes (any name in the folder: a start-up file, main.tf); guard cannot place it".to_owned(),
        )
        .or_worse(labelled("-O", paths::write_into(&folder, scope, false)));
    }
    if url.dynamic {
        return labelled("-O", paths::write_into(&folder, scope, false));
    }
    let path = url.text.split(['?', '#']).next().unwrap_or("");
    let name = path.rsplit('/').next().unwrap_or("");
    let target = Word {
        text: Cow::Owned(format!("{}/{}", folder.text, percent_decoded(name))),
        dynamic: folder.dynamic || name.contains(['{', '[']),
    };
    labelled("-O", paths::write(&target, scope, Write::Replace))
}

/// What a URL reaches.
fn judge_url(
    url: &Word,
    uploads: bool,
    globs: bool,
    redirects: Option<&str>,
    scope: &Scope,
) -> PathVerdict {
    let text: &str = &url.text;
    // What the line itself spells: up to the first expansion.
    let literal = match text.find(['$', '`']) {
        Some(at) if url.dynamic => &text[..at],
        _ => text,
    };
    let colon = literal.find(':');
    let slash = literal.find('/');
    let scheme_word = match (colon, slash) {
        (Some(colon), Some(slash)) if colon < slash => Some(&literal[..colon]),
        (Some(colon), None) => Some(&literal[..colon]),
        _ => None,
    };
    let scheme = scheme_word
        .map(str::to_ascii_lowercase)
        .filter(|scheme| PROTOCOLS.contains(&scheme.as_str()));
    let (scheme, rest) = match scheme {
        // `file:/x`, `file:///x` and `file://HOST/x` all read /x.
        Some(scheme) => (scheme, &text[scheme_word.map_or(0, str::len) + 1..]),
        None => {
            if url.dynamic && slash.is_none() {
                return unknown_path(format!(
                    "the URL {text} comes from an expansion: it may be a file:// URL or another protocol"
                ));
            }
            // curl guesses the protocol from the host's first label.
            let host = text
                .split(['/', ':'])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            let guessed = ["ftp.", "dict.", "ldap.", "imap.", "smtp.", "pop3."]
                .iter()
                .any(|prefix| host.starts_with(prefix));
            if guessed {
                return unknown_path(format!(
                    "curl guesses another protocol than http for {text} from its host name"
                ));
            }
            ("http".to_owned(), text)
        }
    };
    let rest = match scheme.as_str() {
        "file" => match rest.strip_prefix("//") {
            Some(authority_and_path) => {
                let at = authority_and_path
                    .find('/')
                    .unwrap_or(authority_and_path.len());
                &authority_and_path[at..]
            }
            None => rest,
        },
        _ => rest.trim_start_matches('/'),
    };
    match scheme.as_str() {
        "http" | "https" => network(rest, url.dynamic, globs, redirects, scope),
        "file" => {
            let path = percent_decoded(rest.split(['?', '#']).next().unwrap_or(""));
            let word = Word {
                text: Cow::Owned(path),
                dynamic: url.dynamic || (globs && text.contains(['{', '['])),
            };
            if uploads {
                paths::write(&word, scope, Write::Replace)
            } else {
                paths::read(&word, scope)
            }
        }
        _ => unknown_path(format!(
            "curl speaks {scheme} to {text}; guard reads only http, https and file URLs"
        )),
    }
}

/// The schemes curl 7.88 speaks (`curl --version`'s protocols).
const PROTOCOLS: &[&str] = &[
    "dict", "file", "ftp", "ftps", "gopher", "gophers", "http", "https", "imap", "imaps", "ldap",
    "ldaps", "mqtt", "pop3", "pop3s", "rtmp", "rtmpe", "rtmps", "rtmpt", "rtmpte", "rtmpts",
    "rtsp", "scp", "sftp", "smb", "smbs", "smtp", "smtps", "telnet", "tftp", "ws", "wss",
];

fn unknown_path(why: String) -> PathVerdict {
    PathVerdict::new(Severity::Unknown, why)
}

/// The options that choose where the connection goes, whatever the URL's host: each address
/// they name is judged like a URL's host; a resolver or socket of the line's choosing can
/// make any name reach the metadata address, so those are unknown.
fn connection(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    let mut verdict = PathVerdict::ordinary();
    for found in &parsed.options {
        let Some(value) = found.values.last() else {
            continue;
        };
        let text: &str = &value.text;
        let addresses: Vec<&str> = match found.name {
            // A local server guard cannot see answers: the docker API, a credential helper.
            "unix-socket" | "abstract-unix-socket" => {
                return unknown_path(format!(
                    "{} {text} sends the request to a local socket, whose server guard cannot see (the docker API, a credential helper)",
                    found.written
                ));
            }
            "doh-url" | "dns-servers" | "dns-interface" | "dns-ipv4-addr" | "dns-ipv6-addr"
            | "interface" => {
                return unknown_path(format!(
                    "{} {text}: curl connects or resolves names as the line says; guard cannot tell where the request goes",
                    found.written
                ));
            }
            // HOST:PORT:ADDR[,ADDR...] (`+` to add, `-HOST:PORT` to remove, `*` any host).
            "resolve" => match text.splitn(3, ':').nth(2) {
                Some(list) => list.split(',').collect(),
                None => Vec::new(),
            },
            // HOST1:PORT1:HOST2:PORT2: the connection goes to HOST2.
            "connect-to" => vec![connect_to_host(text)],
            "x" | "preproxy" | "socks4" | "socks4a" | "socks5" | "socks5-hostname" => {
                let rest = text.split_once("://").map_or(text, |(_, rest)| rest);
                vec![authority_host(rest)]
            }
            _ => continue,
        };
        if value.dynamic {
            return unknown_path(format!(
                "{} {text} comes from an expansion: it may send the request to a credentials endpoint",
                found.written
            ));
        }
        for address in addresses {
            let address = address.trim_start_matches('[').trim_end_matches(']');
            let next = match host_class(address) {
                Host::Metadata => PathVerdict::new(
                    Severity::Export,
                    format!(
                        "{} {text} sends the request to an instance metadata or container credentials endpoint: it hands out credentials",
                        found.written
                    ),
                ),
                Host::Unplaceable => unknown_path(format!(
                    "{} {text}: {address} is an address guard cannot place",
                    found.written
                )),
                Host::Name => match metadata_reachable(scope) {
                    Some(why) => unknown_path(format!(
                        "{} {text}: {address} is a name, which may resolve to the instance metadata service ({why})",
                        found.written
                    )),
                    None => PathVerdict::ordinary(),
                },
                Host::Loopback | Host::Ordinary => PathVerdict::ordinary(),
            };
            verdict = verdict.or_worse(next);
        }
    }
    verdict
}

/// HOST2 of `--connect-to HOST1:PORT1:HOST2:PORT2` (HOST2 may be `[v6]`).
fn connect_to_host(text: &str) -> &str {
    let mut parts = text.splitn(3, ':');
    let (_, _, rest) = (parts.next(), parts.next(), parts.next().unwrap_or(""));
    match rest.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => rest.split(':').next().unwrap_or(""),
    }
}

/// The host of `[user@]host[:port][/...]`.
fn authority_host(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    }
}

/// What a host is, compared as an address (libcurl's reading: percent-decoded, a trailing dot
/// dropped, IPv4 in any inet_aton form, IPv6 with IPv4 inside it).
#[derive(Debug, PartialEq, Eq)]
enum Host {
    Metadata,
    Loopback,
    Unplaceable,
    /// An address that is neither of the above.
    Ordinary,
    /// A name (or an expansion): the resolver decides where it leads.
    Name,
}

fn host_class(host: &str) -> Host {
    let host = percent_decoded(host).to_ascii_lowercase();
    let host = host.strip_suffix('.').unwrap_or(&host);
    // An IPv6 zone (`fe80::1%25eth0`, decoded to `%eth0`).
    let bare = host.split('%').next().unwrap_or(host);
    if bare.contains(':') {
        return match bare.parse::<std::net::Ipv6Addr>() {
            Ok(v6) => v6_class(v6),
            Err(_) => Host::Unplaceable,
        };
    }
    if host == "instance-data" || host.starts_with("instance-data.") {
        return Host::Metadata;
    }
    if host == "localhost" || host.ends_with(".localhost") {
        return Host::Loopback;
    }
    match ipv4_any_form(host) {
        Some(v4) => v4_class(v4),
        // Digits, dots and hex letters that are no address: a form guard does not know.
        None if !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == '.' || c == 'x')
            && host.chars().any(|c| c.is_ascii_digit()) =>
        {
            Host::Unplaceable
        }
        None if host.is_empty() => Host::Ordinary,
        None => Host::Name,
    }
}

fn v4_class(v4: std::net::Ipv4Addr) -> Host {
    if v4.is_link_local() {
        Host::Metadata
    } else if v4.is_loopback() || v4.is_unspecified() {
        Host::Loopback
    } else {
        Host::Ordinary
    }
}

fn v6_class(v6: std::net::Ipv6Addr) -> Host {
    let segments = v6.segments();
    // fd00:ec2::/32 is EC2's IPv6 metadata (fd00:ec2::254) and container (fd00:ec2::23)
    // network.
    if segments[0] == 0xfd00 && segments[1] == 0x0ec2 {
        return Host::Metadata;
    }
    if v6.is_loopback() || v6.is_unspecified() {
        return Host::Loopback;
    }
    // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d)
    // addresses reach the IPv4 address inside them.
    let inner = [segments[6], segments[7]];
    let v4 = std::net::Ipv4Addr::new(
        (inner[0] >> 8) as u8,
        inner[0] as u8,
        (inner[1] >> 8) as u8,
        inner[1] as u8,
    );
    let mapped = segments[..5] == [0; 5] && (segments[5] == 0xffff || segments[5] == 0);
    let nat64 = segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0];
    if mapped || nat64 {
        return v4_class(v4);
    }
    if v6.is_unicast_link_local() {
        return Host::Unplaceable;
    }
    Host::Ordinary
}

/// An IPv4 address in any form inet_aton (and libcurl's URL parser) takes: one to four parts,
/// each decimal, octal (`0` first) or hex (`0x`), the last filling the remaining bytes.
fn ipv4_any_form(host: &str) -> Option<std::net::Ipv4Addr> {
    let parts: Vec<&str> = host.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut numbers = Vec::with_capacity(parts.len());
    for part in &parts {
        let (digits, radix) =
            if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
                (hex, 16)
            } else if part.len() > 1 && part.starts_with('0') {
                (&part[1..], 8)
            } else {
                (*part, 10)
            };
        if part.is_empty() {
            return None;
        }
        let number = if digits.is_empty() {
            0
        } else {
            u64::from_str_radix(digits, radix).ok()?
        };
        numbers.push(number);
    }
    let (last, head) = numbers.split_last()?;
    if head.iter().any(|n| *n > 255) {
        return None;
    }
    let room = 8 * (4 - head.len() as u32);
    if *last >= 1u64 << room {
        return None;
    }
    let mut value: u64 = 0;
    for (i, n) in head.iter().enumerate() {
        value |= n << (24 - 8 * i as u32);
    }
    value |= last;
    Some(std::net::Ipv4Addr::from(u32::try_from(value).ok()?))
}

/// Endpoints that hand out credentials: the EC2 instance metadata service and the ECS and
/// EKS container credential endpoints, and their credential paths on any host, and guard's own
/// credential server (`guard --server`, `/guard/credentials` on a loopback address). On a
/// machine that may reach a metadata service (`metadata_reachable`), a host that is a name
/// (it may resolve there: `169.254.169.254.nip.io`) or a redirect followed (`redirects`
/// says who follows it) may end there too: unknown; elsewhere they are read.
pub(crate) fn network(
    rest: &str,
    dynamic: bool,
    globs: bool,
    redirects: Option<&str>,
    scope: &Scope,
) -> PathVerdict {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority_host(rest).to_ascii_lowercase();
    // The server decodes `%2D`; curl expands `{a,b}` and `[1-3]` in the path (unless -g).
    let path = percent_decoded(&rest[authority.len()..]);
    if globs && path.contains(['{', '[']) {
        return unknown_path(format!(
            "curl expands the pattern in {rest} into URLs guard does not enumerate"
        ));
    }
    // curl expands `{a,b}` and `[1-9]` in the host and port too (an IPv6 literal's brackets
    // are not a pattern): the URLs may reach any address.
    let host_part = authority.rsplit('@').next().unwrap_or("");
    if globs
        && (authority.contains('{')
            || authority.matches('[').count() > usize::from(host_part.starts_with('[')))
    {
        return unknown_path(format!(
            "curl expands the pattern in {authority} into hosts or ports guard does not enumerate"
        ));
    }
    let class = host_class(&host);
    let metadata = class == Host::Metadata;
    // Servers fold `//`, `/./` and case differently: compare the path without them.
    let folded: String = path
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !matches!(c, '/' | '.'))
        .collect();
    let credential_path = [
        "security-credentials",
        "v2credentials",
        "v1credentials",
        "latestapitoken",
        "guardcredentials",
    ]
    .iter()
    .any(|part| folded.contains(part));
    // Both the host and the path from expansions: the URL may be a credentials endpoint.
    if dynamic && authority.contains(['$', '`']) && path.contains(['$', '`']) {
        return unknown_path(format!(
            "the host and path of {rest} come from expansions: it may be a credentials endpoint"
        ));
    }
    if metadata || credential_path {
        return PathVerdict::new(
            Severity::Export,
            format!(
                "{host} is an instance metadata or container credentials endpoint: it hands out credentials"
            ),
        );
    }
    if class == Host::Unplaceable {
        return unknown_path(format!("{host} is an address guard cannot place"));
    }
    if (class == Host::Name || (redirects.is_some() && class != Host::Loopback))
        && let Some(why) = metadata_reachable(scope)
    {
        return unknown_path(match redirects {
            Some(who) if class != Host::Name => {
                format!("{who}, which may lead to the instance metadata service ({why})")
            }
            _ => format!(
                "{host} is a name, which may resolve to the instance metadata service ({why})"
            ),
        });
    }
    PathVerdict::ordinary()
}

/// The ECS variables that say the command runs in a task, which reaches the task metadata
/// and credentials endpoints.
const TASK_VARS: &[&str] = &[
    "ECS_CONTAINER_METADATA_URI_V4",
    "ECS_CONTAINER_METADATA_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
];

/// Why a request from this command may end at an instance metadata or container credentials
/// endpoint although its URL names none: an ECS task or an EKS pod with Pod Identity (their
/// variables), or a machine the caller's `Disk` says may have one (a cloud instance or a
/// virtual machine). None on a machine guard knows has none. guard's own endpoint for its
/// shells (`AWS_CONTAINER_CREDENTIALS_FULL_URI` on a loopback address) does not count.
pub(crate) fn metadata_reachable(scope: &Scope) -> Option<String> {
    if let Some(var) = TASK_VARS.iter().find(|var| scope.var(var).is_some()) {
        return Some(format!(
            "{var} is set: an ECS task, which reaches the task metadata and credentials endpoints"
        ));
    }
    let full = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    match scope.var(full) {
        Some(EnvValue::Known(uri)) => {
            let rest = uri.split_once("://").map_or(uri.as_str(), |(_, rest)| rest);
            if host_class(authority_host(rest)) != Host::Loopback {
                return Some(format!(
                    "{full} is set to {uri}: a container credentials endpoint this machine reaches"
                ));
            }
        }
        Some(EnvValue::Dynamic) => {
            return Some(format!(
                "{full} is set from an expansion: a container credentials endpoint"
            ));
        }
        None => {}
    }
    scope.disk().metadata_service()
}

pub(crate) fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
