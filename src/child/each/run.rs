//! Running one command in many accounts at once: at most `jobs` children at a time, each in its
//! own process group with its own environment and `/dev/null` for input; their output read
//! line by line and written prefixed with the account (or as JSON lines); Ctrl-C passed on.

use std::ffi::OsString;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use nix::sys::signal::{SigSet, Signal, killpg};
use nix::sys::wait::{Id, WaitPidFlag, waitid};
use nix::unistd::Pid;
use owo_colors::{OwoColorize, Style};

use crate::child::childenv::ChildEnv;
use crate::child::exec;
use crate::sys::error::Failure;
use crate::sys::exit_codes;

/// After a Ctrl-C, how long children get to stop before SIGTERM, and then before SIGKILL.
const GRACE: Duration = Duration::from_secs(5);
/// A line longer than this is written in pieces: a child that never ends a line must not fill
/// guard's memory.
const MAX_LINE: usize = 64 * 1024;
/// Signals that stop the whole run; guard passes each on to every child.
const STOPPING: [Signal; 3] = [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP];

/// One account's child: how its lines are labelled, and the environment a run would give it.
pub struct Job<'a> {
    /// The account's name (else its ID) as lines are prefixed with it.
    pub label: String,
    pub account_id: String,
    pub profile: String,
    pub env: &'a ChildEnv,
}

#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub jobs: usize,
    pub json: bool,
    pub fail_fast: bool,
    pub color: bool,
}

/// What became of one job.
#[derive(Debug)]
pub enum Outcome {
    /// Never started: `--fail-fast` or a Ctrl-C stopped the run first.
    NotRun,
    /// Could not be started (not found, not executable).
    NotStarted(Failure),
    /// Its status as a shell reports it (128+N for signal N), and how long it ran.
    Exited { status: i32, took: Duration },
}

/// How the run ended.
pub struct Finished {
    pub outcomes: Vec<Outcome>,
    /// The first stopping signal guard received, if one came.
    pub interrupted: Option<Signal>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    fn name(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }
}

struct State {
    next: usize,
    /// Process groups of the children running now, by job.
    running: Vec<(usize, Pid)>,
    stopped: bool,
    interrupted: Option<Signal>,
    outcomes: Vec<Option<Outcome>>,
}

struct Shared<'a> {
    argv: &'a [OsString],
    jobs: &'a [Job<'a>],
    settings: Settings,
    state: &'a Mutex<State>,
    /// Column width of the labels, so that the lines of all accounts start at one column.
    width: usize,
    /// The reader of stdout went away: its lines are dropped, the children go on.
    stdout_closed: AtomicBool,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A worker that panicked leaves the state as it was between two whole updates.
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs `argv` once per job, `settings.jobs` at a time, in the jobs' order.
pub fn run(argv: &[OsString], jobs: &[Job], settings: Settings) -> Result<Finished, Failure> {
    let mut stopping = SigSet::empty();
    for signal in STOPPING {
        stopping.add(signal);
    }
    // Before any thread starts, so that every thread inherits the mask and only the watcher
    // takes these signals.
    stopping
        .thread_block()
        .map_err(|e| Failure::unavailable(format!("cannot block signals: {e}")))?;
    let state = Arc::new(Mutex::new(State {
        next: 0,
        running: Vec::new(),
        stopped: false,
        interrupted: None,
        outcomes: jobs.iter().map(|_| None).collect(),
    }));
    let shared = Shared {
        argv,
        jobs,
        settings,
        state: &state,
        width: jobs
            .iter()
            .map(|j| j.label.chars().count())
            .max()
            .unwrap_or(0),
        stdout_closed: AtomicBool::new(false),
    };
    {
        let state = Arc::clone(&state);
        // Not joined: it waits for signals until guard exits.
        std::thread::spawn(move || watch(&state, stopping));
    }
    std::thread::scope(|scope| {
        for _ in 0..settings.jobs.clamp(1, jobs.len().max(1)) {
            scope.spawn(|| worker(&shared, stopping));
        }
    });
    let mut state = lock(&state);
    Ok(Finished {
        outcomes: std::mem::take(&mut state.outcomes)
            .into_iter()
            .map(|o| o.unwrap_or(Outcome::NotRun))
            .collect(),
        interrupted: state.interrupted,
    })
}

/// Takes the stopping signals: no child is started after the first, and each running child's
/// process group gets it too; SIGTERM follows after `GRACE`, SIGKILL after another. A second
/// Ctrl-C sends SIGTERM at once, a third SIGKILL.
fn watch(state: &Arc<Mutex<State>>, set: SigSet) {
    let mut received = 0;
    while let Ok(signal) = set.wait() {
        received += 1;
        let passed = match received {
            1 => signal,
            2 => Signal::SIGTERM,
            _ => Signal::SIGKILL,
        };
        {
            let mut state = lock(state);
            state.stopped = true;
            state.interrupted.get_or_insert(signal);
        }
        signal_all(state, passed);
        if received == 1 {
            let state = Arc::clone(state);
            std::thread::spawn(move || {
                for signal in [Signal::SIGTERM, Signal::SIGKILL] {
                    std::thread::sleep(GRACE);
                    signal_all(&state, signal);
                }
            });
        }
    }
}

fn signal_all(state: &Mutex<State>, signal: Signal) {
    for (_, group) in &lock(state).running {
        let _ = killpg(*group, signal);
    }
}

fn worker(shared: &Shared, unblock: SigSet) {
    loop {
        let (index, mut child, started) = {
            let mut state = lock(shared.state);
            if state.stopped || state.next >= shared.jobs.len() {
                return;
            }
            let index = state.next;
            state.next += 1;
            let job = &shared.jobs[index];
            let spawned = exec::spawn(shared.argv, job.env, |cmd| {
                cmd.stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    // Its own process group: a Ctrl-C at the terminal reaches guard alone, which
                    // passes it on to every child and whatever they started.
                    .process_group(0);
                // SAFETY: between fork and exec only async-signal-safe calls are allowed;
                // pthread_sigmask is one, and nothing here allocates or takes a lock.
                unsafe {
                    cmd.pre_exec(move || unblock.thread_unblock().map_err(io::Error::from));
                }
            });
            match spawned {
                Ok(child) => {
                    if let Ok(pid) = i32::try_from(child.id()) {
                        state.running.push((index, Pid::from_raw(pid)));
                    }
                    (index, child, Instant::now())
                }
                Err(failure) => {
                    state.outcomes[index] = Some(Outcome::NotStarted(failure));
                    if shared.settings.fail_fast {
                        state.stopped = true;
                    }
                    continue;
                }
            }
        };
        let job = &shared.jobs[index];
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        std::thread::scope(|scope| {
            if let Some(stderr) = stderr {
                scope.spawn(|| pump(shared, index, job, Stream::Stderr, stderr));
            }
            if let Some(stdout) = stdout {
                pump(shared, index, job, Stream::Stdout, stdout);
            }
        });
        // Known to have ended before it is reaped: until then its ID cannot name another
        // process group, so a Ctrl-C meanwhile cannot reach a stranger.
        let pid = i32::try_from(child.id()).map(Pid::from_raw);
        if let Ok(pid) = pid {
            let _ = waitid(Id::Pid(pid), WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT);
        }
        let took = started.elapsed();
        lock(shared.state).running.retain(|(i, _)| *i != index);
        let status = child.wait().map_or(1, exit_codes::of_child);
        let mut state = lock(shared.state);
        state.outcomes[index] = Some(Outcome::Exited { status, took });
        if status != 0 && shared.settings.fail_fast {
            state.stopped = true;
        }
    }
}

/// Reads a child's stream and writes it line by line.
fn pump(shared: &Shared, index: usize, job: &Job, stream: Stream, from: impl Read) {
    let mut reader = BufReader::with_capacity(MAX_LINE, from);
    let mut line = Vec::new();
    loop {
        let available = match reader.fill_buf() {
            Ok([]) => break,
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        let room = MAX_LINE - line.len();
        let (taken, ends) = match available.iter().take(room).position(|&b| b == b'\n') {
            Some(at) => (at + 1, true),
            None => (
                available.len().min(room),
                line.len() + available.len() >= MAX_LINE,
            ),
        };
        line.extend_from_slice(&available[..taken]);
        reader.consume(taken);
        if ends {
            if line.last() == Some(&b'\n') {
                line.pop();
            }
            write_line(shared, index, job, stream, &line);
            line.clear();
        }
    }
    if !line.is_empty() {
        write_line(shared, index, job, stream, &line);
    }
}

/// The colours accounts' prefixes cycle through on a terminal (red is left for the banner of
/// protected accounts).
const PALETTE: [fn(Style) -> Style; 6] = [
    Style::cyan,
    Style::magenta,
    Style::yellow,
    Style::green,
    Style::blue,
    Style::bright_cyan,
];

fn write_line(shared: &Shared, index: usize, job: &Job, stream: Stream, line: &[u8]) {
    let mut text = Vec::with_capacity(line.len() + shared.width + 4);
    let target = if shared.settings.json {
        let object = serde_json::json!({
            "account": job.label,
            "account_id": job.account_id,
            "profile": job.profile,
            "stream": stream.name(),
            "line": String::from_utf8_lossy(line),
        });
        // A JSON value of strings always serializes.
        let _ = serde_json::to_writer(&mut text, &object);
        Stream::Stdout
    } else {
        let label = format!(
            "{:width$} |",
            crate::sys::output::terminal_safe(&job.label),
            width = shared.width
        );
        if shared.settings.color {
            let style = PALETTE[index % PALETTE.len()](Style::new());
            let _ = write!(text, "{} ", label.style(style));
        } else {
            let _ = write!(text, "{label} ");
        }
        text.extend_from_slice(line);
        stream
    };
    text.push(b'\n');
    match target {
        Stream::Stdout => {
            if shared.stdout_closed.load(Ordering::Relaxed) {
                return;
            }
            let mut out = io::stdout().lock();
            if out.write_all(&text).and_then(|()| out.flush()).is_err() {
                shared.stdout_closed.store(true, Ordering::Relaxed);
            }
        }
        Stream::Stderr => {
            let _ = io::stderr().lock().write_all(&text);
        }
    }
}
