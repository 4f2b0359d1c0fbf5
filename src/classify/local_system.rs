//! Programs of SRE runbooks that only look at the machine (tools17): uptime, free, ss,
//! netstat, top in batch mode, and journalctl and systemctl's reading commands. Their options
//! were taken from the `--help` of procps-ng 4, iproute2 6, net-tools 2.10 and systemd 252
//! installed here.
//!
//! Left out, so unknown: ss `-K` (kills sockets) and `-D` (writes a file), journalctl's
//! `--vacuum-*`, `--rotate`, `--flush`, `--sync`, `--setup-keys`, `--update-catalog`,
//! `--cursor-file` (writes the last cursor into the file it names) and `--image` (mounts it),
//! systemctl's changing verbs and `-H`/`-M` (run on another host or machine). Interactive top
//! is read: its keys (which can kill processes) are what the person types, as in less.
//! journalctl and systemctl page through `SYSTEMD_PAGER`, else `PAGER`: judged like git's
//! pager (`--no-pager` turns it off).

use super::Severity;
use super::local_programs::{Parsed, Program, labelled, parse, program, read_all};
use super::paths::{PathVerdict, read};
use super::scope::{EnvValue, Scope, Word};

pub(crate) const NAMES: &[&str] = &[
    "uptime",
    "free",
    "ss",
    "netstat",
    "top",
    "journalctl",
    "systemctl",
];

static UPTIME: Program = program(&["uptime"], "p,pretty h,help s,since V,version", none);

static FREE: Program = program(
    &["free"],
    "b,bytes kilo mega giga tera peta k,kibi m,mebi g,gibi tebi pebi h,human si l,lohi t,total \
     v,committed s,seconds= c,count= w,wide help V,version",
    none,
);

static SS: Program = program(
    &["ss"],
    "h,help V,version n,numeric r,resolve a,all l,listening o,options e,extended m,memory \
     p,processes T,threads i,info tipcinfo s,summary tos cgroup b,bpf E,events Z,context \
     z,contexts N,net= 4,ipv4 6,ipv6 0,packet t,tcp M,mptcp S,sctp u,udp d,dccp w,raw x,unix \
     tipc vsock xdp f,family= H,no-header O,oneline inet-sockopt A,query= <F,filter=",
    option_files,
);

static NETSTAT: Program = program(
    &["netstat"],
    "r,route i,interfaces g,groups s,statistics M,masquerade v,verbose W,wide n,numeric \
     numeric-hosts numeric-ports numeric-users N,symbolic e,extend p,programs o,timers \
     c,continuous l,listening a,all F,fib C,cache Z,context t,tcp u,udp U,udplite S,sctp w,raw \
     x,unix 4 6 A= h,help V,version",
    none,
);

static TOP: Program = program(
    &["top"],
    "b,batch-mode c,cmdline-toggle d,delay= E,scale-summary-mem= e,scale-task-mem= H,threads-show \
     i,idle-toggle n,iterations= O,list-fields o,sort-override= p,pid= S,accum-time-toggle \
     s,secure-mode U,filter-any-user= u,filter-only-euser= w,width? 1,single-cpu-toggle h,help \
     V,version",
    none,
);

static JOURNALCTL: Program = program(
    &["journalctl"],
    "system user M,machine= m,merge <D,directory= <i,file= root= namespace= S,since= \
     U,until= c,cursor= after-cursor= b,boot? u,unit= user-unit= t,identifier= \
     p,priority= facility= g,grep= case-sensitive? e,pager-end f,follow n,lines= no-tail \
     r,reverse o,output= output-fields= x,catalog q,quiet no-hostname utc a,all no-full \
     l,full k,dmesg F,field= N,fields list-boots disk-usage header h,help version no-pager",
    option_files,
);

static SYSTEMCTL: Program = program(
    &["systemctl"],
    "t,type= state= p,property= P= a,all l,full r,recursive reverse after before with-dependencies \
     job-mode= show-transaction q,quiet no-warn no-block wait no-wall no-reload no-legend \
     no-pager no-ask-password value legend= plain failed o,output= n,lines= timestamp= \
     system user global firmware-setup h,help version",
    none,
);

/// systemctl's verbs that only read.
const SYSTEMCTL_READS: &[&str] = &[
    "status",
    "show",
    "cat",
    "is-active",
    "is-enabled",
    "is-failed",
    "is-system-running",
    "list-units",
    "list-unit-files",
    "list-timers",
    "list-sockets",
    "list-dependencies",
    "list-jobs",
    "get-default",
    "show-environment",
];

fn none(_: &Parsed, _: &Scope) -> PathVerdict {
    PathVerdict::ordinary()
}

fn option_files(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    let mut verdict = PathVerdict::ordinary();
    for found in &parsed.options {
        if found.effect != super::local_programs::Effect::Reads {
            continue;
        }
        if let Some(value) = found.values.last() {
            verdict = verdict.or_worse(labelled(&found.written, read(value, scope)));
        }
    }
    verdict
}

pub(crate) fn judge(name: &str, args: &[Word], scope: &Scope) -> (Severity, String) {
    let table = match name {
        "uptime" => &UPTIME,
        "free" => &FREE,
        "ss" => &SS,
        "netstat" => &NETSTAT,
        "top" => &TOP,
        "journalctl" => &JOURNALCTL,
        _ => &SYSTEMCTL,
    };
    let parsed = match parse(table, args) {
        Ok(parsed) => parsed,
        Err(unknown) => return unknown,
    };
    let mut verdict = (table.judge)(&parsed, scope);
    match name {
        "journalctl" => {
            // Its operands are matches (`_PID=1`) or a program's path whose entries it shows.
            verdict = verdict.or_worse(read_all(
                parsed
                    .operands
                    .iter()
                    .filter(|word| word.text.starts_with('/')),
                scope,
            ));
        }
        "systemctl" => {
            let verb = parsed.operands.first().map(|word| &*word.text);
            if let Some(verb) = verb.filter(|verb| !SYSTEMCTL_READS.contains(verb)) {
                return (
                    Severity::Write,
                    format!("systemctl {verb} changes the system's services"),
                );
            }
            if parsed.operands.first().is_some_and(|word| word.dynamic) {
                return (
                    Severity::Unknown,
                    "the systemctl verb comes from an expansion".to_owned(),
                );
            }
        }
        _ => {}
    }
    if matches!(name, "journalctl" | "systemctl")
        && !parsed.has("no-pager")
        && let Some(why) = pager(scope)
    {
        return (Severity::Unknown, why);
    }
    if verdict.is_ordinary() {
        (
            Severity::Read,
            "local command, does not call AWS".to_owned(),
        )
    } else {
        (verdict.severity, verdict.reason)
    }
}

/// systemd's pager: `SYSTEMD_PAGER`, else `PAGER`, then less with `SYSTEMD_LESS` and the
/// variables less obeys.
pub(crate) fn pager(scope: &Scope) -> Option<String> {
    for var in super::git::LESS_RUNS.iter().chain(&["SYSTEMD_LESS"]) {
        if scope.assigned(var).is_some() {
            return Some(format!(
                "{var} is set on the command line: the pager runs what it says"
            ));
        }
    }
    for var in ["SYSTEMD_PAGER", "PAGER"] {
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
                "{var} is set to {text}: the output goes through that program (--no-pager turns it off)"
            )),
            EnvValue::Dynamic => Some(format!("{var} comes from an expansion")),
        };
    }
    None
}
