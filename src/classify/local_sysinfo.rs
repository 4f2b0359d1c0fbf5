//! More of what SRE runbooks look at (tools, lead): lsof, ip's show forms, dmesg, vmstat,
//! lsblk, mount's listing, sysctl's reading, w, who, last, nproc, lscpu, and the listing forms
//! of net-tools' ifconfig, arp and route. The options were taken from the `--help` of
//! util-linux 2.38, procps-ng 4, iproute2 6, lsof 4.95 and net-tools 2.10 installed here.
//!
//! Left out, so unknown: what changes the machine (dmesg `-C`/`-c`/`-D`/`-E`/`-n`; sysctl
//! `-w`, `-p`/`-f`, `--system`, any `NAME=VALUE`; mount with anything to mount; ip's other
//! commands, `-batch`/`-b` (commands from a file) and `-force`; ifconfig, arp and route given
//! an address, `-s`/`-d`/`-f`, `add`/`del`); lsof's `+m` (writes a mount supplement file) and
//! every other `+` option but `+D`, `+d`, `+c`, `+L`, `+r`, `+w`, `+E`, `+f`.

use super::Severity;
use super::local_programs::{Parsed, Program, labelled, parse, program, read_all};
use super::paths::{PathVerdict, read};
use super::scope::{Scope, Word};

pub(crate) const NAMES: &[&str] = &[
    "lsof", "ip", "dmesg", "vmstat", "lsblk", "mount", "sysctl", "w", "who", "last", "nproc",
    "lscpu", "ifconfig", "arp", "route",
];

fn none(_: &Parsed, _: &Scope) -> PathVerdict {
    PathVerdict::ordinary()
}

/// The files option values read (`<` in the table).
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

static DMESG: Program = program(
    &["dmesg"],
    "<F,file= f,facility= H,human J,json k,kernel L,color? l,level= P,nopager p,force-prefix \
     r,raw noescape S,syslog s,buffer-size= u,userspace w,follow W,follow-new x,decode \
     d,show-delta e,reltime T,ctime t,notime time-format= since= until= h,help V,version",
    option_files,
);

static VMSTAT: Program = program(
    &["vmstat"],
    "a,active f,forks m,slabs n,one-header s,stats d,disk D,disk-sum p,partition= S,unit= \
     w,wide t,timestamp y,no-first h,help V,version",
    none,
);

static LSBLK: Program = program(
    &["lsblk"],
    "A,noempty D,discard E,dedup= I,include= J,json M,merge O,output-all P,pairs S,scsi \
     T,tree? a,all b,bytes d,nodeps e,exclude= f,fs i,ascii l,list m,perms n,noheadings \
     o,output= p,paths r,raw s,inverse t,topology w,width= x,sort= y,shell z,zoned \
     <sysroot= h,help V,version",
    option_files,
);

/// `mount` that only lists: no operand (checked in `judge`).
static MOUNT: Program = program(
    &["mount"],
    "l,show-labels t,types= v,verbose h,help V,version",
    none,
);

static SYSCTL: Program = program(
    &["sysctl"],
    "a,all A X deprecated dry-run b,binary e,ignore N,names n,values r,pattern= q,quiet o x \
     h,help V,version",
    none,
);

static W: Program = program(
    &["w"],
    "h,no-header u,no-current s,short f,from o,old-style i,ip-addr help V,version",
    none,
);

static WHO: Program = program(
    &["who"],
    "a,all b,boot d,dead H,heading ips l,login lookup m p,process q,count r,runlevel s,short \
     t,time T,w,mesg,message,writable u,users help version",
    none,
);

static LAST: Program = program(
    &["last"],
    "# a,hostlast d,dns <f,file= F,fulltimes i,ip n,limit= R,nohostname s,since= t,until= \
     p,present= w,fullnames x,system time-format= h,help V,version",
    option_files,
);

static NPROC: Program = program(&["nproc"], "all ignore= help version", none);

static LSCPU: Program = program(
    &["lscpu"],
    "a,all b,online B,bytes C,caches? c,offline J,json e,extended? p,parse? <s,sysroot= \
     x,hex y,physical output-all h,help V,version",
    option_files,
);

/// net-tools' listing options; an operand (an interface, an address, `add`) is checked in
/// `judge`.
static IFCONFIG: Program = Program {
    names: &["ifconfig"],
    options: "a s v",
    permute: false,
    judge: none,
};

static ARP: Program = program(
    &["arp"],
    "a,all e n,numeric v,verbose i,device= H,hw-type,t= A,p,protocol= h,help V,version",
    none,
);

static ROUTE: Program = program(
    &["route"],
    "n,numeric e,extend v,verbose 4 6 A= C,cache F,fib h,help V,version",
    none,
);

/// lsof's `-` letters that take no value, and the ones whose value is the rest of the word or
/// the next word (its own parser: a value may be optional, so the next word is either a value
/// or a name, and both only select what is listed).
const LSOF_SWITCHES: &str = "?abhlnNOPQRtUvVXwE";
const LSOF_VALUED: &str = "cdefgiKLoprsSTuxFZ";
const LSOF_PLUS: &[&str] = &["+D", "+d", "+c", "+L", "+r", "+w", "+E", "+f"];

/// ip's objects and their commands that only show (iproute2's own abbreviations: `ip a`,
/// `ip r`, `ip l s`).
const IP_OBJECTS: &[&[&str]] = &[
    &["a", "addr", "address"],
    &["l", "link"],
    &["r", "ro", "route"],
    &["n", "neigh", "neighbor", "neighbour"],
    &["ru", "rule"],
    &["netns"],
    &["monitor"],
];
const IP_SHOW: &[&str] = &["show", "sh", "s", "list", "ls", "lst", "l"];
const IP_OPTIONS: &[&str] = &[
    "-4",
    "-6",
    "-s",
    "-stats",
    "-statistics",
    "-d",
    "-details",
    "-r",
    "-resolve",
    "-h",
    "-human",
    "-human-readable",
    "-iec",
    "-j",
    "-json",
    "-p",
    "-pretty",
    "-br",
    "-brief",
    "-o",
    "-oneline",
    "-t",
    "-timestamp",
    "-ts",
    "-tshort",
    "-N",
    "-Numeric",
    "-a",
    "-all",
    "-c",
    "-color",
    "-0",
    "-M",
    "-B",
    "-V",
    "-Version",
];

pub(crate) fn judge(name: &str, args: &[Word], scope: &Scope) -> (Severity, String) {
    let unknown = |what: String| (Severity::Unknown, what);
    if let Some(word) = args
        .iter()
        .find(|word| word.dynamic && word.text.starts_with(['$', '`', '*', '?', '[', '{']))
    {
        return unknown(format!(
            "{} comes from an expansion and could be an option of {name}",
            word.text
        ));
    }
    let table = match name {
        "lsof" => return lsof(args),
        "ip" => return ip(args),
        "dmesg" => &DMESG,
        "vmstat" => &VMSTAT,
        "lsblk" => &LSBLK,
        "mount" => &MOUNT,
        "sysctl" => &SYSCTL,
        "w" => &W,
        "who" => &WHO,
        "last" => &LAST,
        "nproc" => &NPROC,
        "lscpu" => &LSCPU,
        "ifconfig" => &IFCONFIG,
        "arp" => &ARP,
        _ => &ROUTE,
    };
    let parsed = match parse(table, args) {
        Ok(parsed) => parsed,
        Err(unknown) => return unknown,
    };
    let mut verdict = (table.judge)(&parsed, scope);
    match name {
        "mount" | "route" | "arp" if !parsed.operands.is_empty() => {
            return unknown(format!(
                "{name} with {}: changes the system's mounts or routes",
                parsed.operands[0].text
            ));
        }
        "ifconfig" if parsed.operands.len() > 1 => {
            return unknown(format!(
                "ifconfig {} {}: changes the interface",
                parsed.operands[0].text, parsed.operands[1].text
            ));
        }
        "sysctl" => {
            if let Some(word) = parsed.operands.iter().find(|word| word.text.contains('=')) {
                return unknown(format!("sysctl {}: sets a kernel parameter", word.text));
            }
        }
        // who's operand is the utmp file it reads (`am i` asks for the terminal's user).
        "who" if parsed.operands.len() == 1 => {
            verdict = verdict.or_worse(read_all(&parsed.operands, scope));
        }
        "dmesg" if parsed.has("H") && !parsed.has("P") => {
            if let Some(why) = super::local_system::pager(scope) {
                return unknown(why);
            }
        }
        _ => {}
    }
    if verdict.is_ordinary() {
        (Severity::Read, "only looks at the machine".to_owned())
    } else {
        (verdict.severity, verdict.reason)
    }
}

/// `lsof` only lists open files; `+m` writes a mount supplement file.
fn lsof(args: &[Word]) -> (Severity, String) {
    for word in args {
        let text: &str = &word.text;
        if let Some(plus) = text.strip_prefix('+') {
            if !LSOF_PLUS.iter().any(|known| text.starts_with(known)) || plus.is_empty() {
                return (
                    Severity::Unknown,
                    format!("lsof {text}: not an option guard knows (+m writes a file)"),
                );
            }
            continue;
        }
        let Some(letters) = text.strip_prefix('-') else {
            continue;
        };
        if letters == "-" {
            break;
        }
        for letter in letters.chars() {
            if LSOF_VALUED.contains(letter) {
                break;
            }
            if !LSOF_SWITCHES.contains(letter) {
                return (
                    Severity::Unknown,
                    format!("lsof -{letter}: not an option guard knows"),
                );
            }
        }
    }
    (Severity::Read, "only looks at the machine".to_owned())
}

/// `ip [OPTIONS] OBJECT [show|list|get ...]`.
fn ip(args: &[Word]) -> (Severity, String) {
    let mut words = args.iter().map(|word| &*word.text).peekable();
    while let Some(option) = words.next_if(|word| word.starts_with('-')) {
        if option == "-n" || option == "-netns" || option == "-f" || option == "-family" {
            words.next();
            continue;
        }
        if !IP_OPTIONS.contains(&option) {
            return (
                Severity::Unknown,
                format!(
                    "ip {option}: not an option guard knows (-batch runs commands from a file)"
                ),
            );
        }
    }
    let Some(object) = words.next() else {
        return (Severity::Read, "prints its usage".to_owned());
    };
    let Some(names) = IP_OBJECTS.iter().find(|names| names.contains(&object)) else {
        return (
            Severity::Unknown,
            format!("ip {object}: not an object guard reads"),
        );
    };
    let command = words.next();
    // The command's own arguments (`dev eth0`, `table all`) are words, never options.
    if let Some(option) = words.find(|word| word.starts_with('-')) {
        return (
            Severity::Unknown,
            format!("ip {object}: {option} is not an argument guard knows"),
        );
    }
    let reads = match (names[0], command) {
        (_, None) => true,
        ("monitor", _) => true,
        ("r", Some("get")) => true,
        ("netns", Some(command)) => matches!(command, "list" | "ls" | "l" | "identify" | "pids"),
        (_, Some(command)) => IP_SHOW.contains(&command),
    };
    if reads {
        (Severity::Read, "only looks at the machine".to_owned())
    } else {
        (
            Severity::Unknown,
            format!(
                "ip {object} {}: not a command guard reads (it changes the network)",
                command.unwrap_or_default()
            ),
        )
    }
}
