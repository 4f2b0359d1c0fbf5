"""guard completions and guard man: the scripts load in their shells, profile and sso-session
names complete from the config (no network), and the manual page renders without warnings."""

import subprocess

import pexpect
import pytest

from guardtest import SSO_CONFIG

BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"


def in_shell(shell_argv, script, run_guard, guard_bin, clean_env, home):
    """Runs `script` in a shell that has guard on PATH and the test's HOME."""
    env = {**clean_env, "PATH": f"{guard_bin.parent}:{clean_env['PATH']}"}
    return subprocess.run(
        [*shell_argv, script], env=env, cwd=home.path, capture_output=True, text=True, timeout=30
    )


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_script_loads_in_its_shell(shell, run_guard):
    result = run_guard("completions", shell)
    assert result.returncode == 0, result.stderr
    assert "GUARD_COMPLETE" in result.stdout
    checked = subprocess.run([shell, "-n"], input=result.stdout, capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr


@pytest.mark.parametrize("shell", ["powershell", "elvish"])
def test_scripts_for_the_other_shells(shell, run_guard):
    result = run_guard("completions", shell)
    assert result.returncode == 0 and "GUARD_COMPLETE" in result.stdout, result.stderr


def bash_complete(words, home, guard_bin, clean_env, run_guard):
    """What bash, with bash-completion loaded, offers for the last of `words`."""
    array = " ".join(f"'{w}'" for w in words)
    script = (
        f"source {BASH_COMPLETION}; source <(guard completions bash); "
        f"COMP_WORDS=({array}); COMP_CWORD={len(words) - 1}; COMP_TYPE=9; "
        f"_clap_complete_guard guard '{words[-1]}' '{words[-2]}'; printf '%s\\n' \"${{COMPREPLY[@]}}\""
    )
    result = in_shell(["bash", "-c"], script, run_guard, guard_bin, clean_env, home)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_bash_completes_profile_names_for_p(home, guard_bin, clean_env, run_guard, emulator):
    home.write_config(SSO_CONFIG + "[profile sandbox-readonly]\nregion = us-east-1\n")
    assert bash_complete(["guard", "-p", "s"], home, guard_bin, clean_env, run_guard) == ["sandbox", "sandbox-readonly"]
    assert bash_complete(["guard", "whoami", "--profile", "p"], home, guard_bin, clean_env, run_guard) == ["prod"]
    assert bash_complete(["guard", "login", "--sso-session", ""], home, guard_bin, clean_env, run_guard) == ["myorg"]
    assert bash_complete(["guard", "pro"], home, guard_bin, clean_env, run_guard) == ["profiles", "protect", "prompt"]
    assert sum(emulator.counters().values()) == 0  # the config only, no network


def test_fish_completes_profile_names_for_p(home, guard_bin, clean_env, run_guard):
    home.write_config(SSO_CONFIG)
    result = in_shell(
        ["fish", "-c"], "guard completions fish | source; complete -C 'guard -p s'", run_guard, guard_bin, clean_env, home
    )
    assert result.returncode == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["sandbox"]


def test_an_unreadable_config_completes_nothing(home, guard_bin, clean_env, run_guard):
    home.write_config("[profile broken\n")
    assert bash_complete(["guard", "-p", "s"], home, guard_bin, clean_env, run_guard) == []


def test_man_page_renders_without_warnings(run_guard, guard_bin, clean_env):
    page = run_guard("man")
    assert page.returncode == 0, page.stderr
    assert page.stdout.count(".TH guard 1") == 1 and page.stdout.count(".ds Aq \\(aq") == 1
    rendered = subprocess.run(
        ["man", "--warnings", "-l", "-"],
        input=page.stdout,
        env={**clean_env, "MANWIDTH": "100", "MANPAGER": "cat", "PAGER": "cat"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert rendered.returncode == 0 and rendered.stderr == "", rendered.stderr
    text = rendered.stdout
    for section in ("NAME", "SYNOPSIS", "OPTIONS", "COMMANDS", "EXIT STATUS", "ENVIRONMENT", "FILES"):
        assert f"\n{section}\n" in text, section
    for command in ("guard login", "guard use", "guard policy explain", "guard completions", "guard man"):
        assert f"   {command}\n" in text, command
    assert "77     refused or denied" in text


def test_zsh_completes_profile_names_for_p(home, guard_bin, clean_env):
    home.write_config(SSO_CONFIG + "[profile sandbox-readonly]\nregion = us-east-1\n")
    env = {**clean_env, "PATH": f"{guard_bin.parent}:{clean_env['PATH']}", "TERM": "xterm"}
    zsh = pexpect.spawn("zsh", ["-f", "-i"], env=env, cwd=home.path, encoding="utf-8", timeout=15, dimensions=(40, 120))
    try:
        zsh.sendline("PS1='%% '; autoload -U compinit; compinit -u; source <(guard completions zsh); echo LOADED")
        zsh.expect("LOADED")
        zsh.send("guard -p s\t")
        zsh.expect("guard -p sandbox")  # the common part of sandbox and sandbox-readonly
        zsh.send("\t")
        zsh.expect("sandbox-readonly")  # and the list of both
    finally:
        zsh.close(force=True)
