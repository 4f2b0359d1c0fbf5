//! Network checks of SRE runbooks (tools, lead): ping, nslookup, host, `nc -z`, traceroute and
//! getent. They send probes or queries and print the answers; none writes a file or runs a
//! program with the options in their tables. The options were taken from the `--help` of
//! iputils-ping 20221126, BIND 9.18's host and nslookup, netcat-openbsd 1.219 and traceroute
//! 2.1.2 installed here, and glibc 2.36's getent; what each reads was checked with strace under
//! a moved HOME (none reads a file of the user's: nslookup and host read `/etc/resolv.conf`
//! and OpenSSL's configuration, whose variables count for every program).
//!
//! Left out on purpose, so unknown: nc in any mode but `-z` (it sends standard input, listens
//! with `-l`, runs a program with ncat's or netcat-traditional's `-e`/`-c`, goes through a
//! proxy with `-x`); `nc -zu` (writes probe bytes); ping's flood and preload (`-f`, `-l`);
//! traceroute's `-M`/`--module` and `-O` (load a module); getent's `-s` (names an NSS module,
//! a library it loads) and the `shadow`/`gshadow` databases (password hashes); nslookup without
//! a host (interactive: commands from standard input).

use super::Severity;
use super::local_programs::{Parsed, Program, parse, program};
use super::paths::PathVerdict;
use super::scope::{Scope, Word};

pub(crate) const NAMES: &[&str] = &["ping", "nslookup", "host", "nc", "traceroute", "getent"];

fn none(_: &Parsed, _: &Scope) -> PathVerdict {
    PathVerdict::ordinary()
}

static PING: Program = program(
    &["ping"],
    "4 6 a A B c= C D d e= h I= i= L m= M= n O p= q Q= s= S= t= U v V w= W= b R T= F= N=",
    none,
);

static HOST: Program = program(
    &["host"],
    "a A c= C d l m= N= p= r R= s t= T U v V w W= 4 6",
    none,
);

/// netcat-openbsd's options that only shape a connection test; `-z` itself is required.
static NC: Program = program(&["nc"], "z v n w= 4 6 D", none);

static TRACEROUTE: Program = program(
    &["traceroute"],
    "4 6 d,debug F,dont-fragment f,first= g,gateway= I,icmp T,tcp i,interface= m,max-hops= \
     N,sim-queries= n p,port= t,tos= l,flowlabel= w,wait= q,queries= r s,source= z,sendwait= \
     e,extensions A,as-path-lookups U,udp UL D,dccp P,protocol= mtu back V,version help",
    none,
);

static GETENT: Program = program(&["getent"], "i,no-idn ?,help usage V,version", none);

/// The databases getent prints that hold no secrets.
const GETENT_DATABASES: &[&str] = &[
    "ahosts",
    "ahostsv4",
    "ahostsv6",
    "aliases",
    "ethers",
    "group",
    "hosts",
    "initgroups",
    "netgroup",
    "networks",
    "passwd",
    "protocols",
    "rpc",
    "services",
];

/// nslookup's options (`-name` or `-name=value`, BIND 9.18's `set` keywords, `no` forms too).
const NSLOOKUP_OPTIONS: &[&str] = &[
    "all",
    "class",
    "debug",
    "d2",
    "domain",
    "search",
    "port",
    "type",
    "querytype",
    "query",
    "q",
    "recurse",
    "retry",
    "timeout",
    "vc",
    "fail",
    "ndots",
    "sil",
    "silent",
];

pub(crate) fn judge(name: &str, args: &[Word]) -> (Severity, String) {
    let unknown = |what: String| (Severity::Unknown, what);
    let table = match name {
        "ping" => &PING,
        "host" => &HOST,
        "nc" => &NC,
        "traceroute" => &TRACEROUTE,
        "getent" => &GETENT,
        _ => return nslookup(args),
    };
    let parsed = match parse(table, args) {
        Ok(parsed) => parsed,
        Err(unknown) => return unknown,
    };
    // Every option of ping and host is inert, so an expansion that turns out to be one is
    // harmless; nc's, traceroute's and getent's others act (`-l`, `-M`, `-s`).
    if !matches!(name, "ping" | "host")
        && let Some(word) = parsed
            .operands
            .iter()
            .find(|word| word.dynamic && word.text.starts_with(['$', '`', '*', '?', '[', '{']))
    {
        return unknown(format!(
            "{} comes from an expansion and could be an option of {name}",
            word.text
        ));
    }
    match name {
        "nc" => {
            if !parsed.has("z") {
                return unknown(
                    "nc without -z sends standard input to the host (or listens); guard cannot see what".to_owned(),
                );
            }
            if parsed.operands.len() < 2 {
                return unknown("nc -z needs a host and a port".to_owned());
            }
        }
        "getent" => match parsed.operands.first() {
            Some(database) if GETENT_DATABASES.contains(&&*database.text) => {}
            Some(database) => {
                return unknown(format!(
                    "getent {}: not a database guard knows holds no secrets",
                    database.text
                ));
            }
            None => return unknown("getent needs a database".to_owned()),
        },
        _ => {}
    }
    (
        Severity::Read,
        "sends probes or queries and prints the answers, changes nothing".to_owned(),
    )
}

/// `nslookup [-option[=value]]... HOST [SERVER]`: without a host it reads commands from
/// standard input.
fn nslookup(args: &[Word]) -> (Severity, String) {
    let mut operands = 0;
    for word in args {
        let text: &str = &word.text;
        // Its options are all inert, and a host that expands to nothing makes it read
        // queries from standard input, which only look names up too.
        if word.dynamic {
            operands += 1;
            continue;
        }
        if let Some(option) = text.strip_prefix('-') {
            let key = option.split('=').next().unwrap_or(option);
            let key = key.strip_prefix("no").unwrap_or(key);
            if option.is_empty() || !NSLOOKUP_OPTIONS.contains(&key) {
                return (
                    Severity::Unknown,
                    format!("{text} is not an option guard knows for nslookup"),
                );
            }
            continue;
        }
        operands += 1;
    }
    if !(1..=2).contains(&operands) {
        return (
            Severity::Unknown,
            "nslookup without a host reads commands from standard input; guard cannot see them"
                .to_owned(),
        );
    }
    (
        Severity::Read,
        "sends queries and prints the answers, changes nothing".to_owned(),
    )
}
