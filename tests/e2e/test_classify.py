"""The classifier against the real tools: how guard read a command is shown where a person decides,
and files the tools read (the AWS CLI's alias file) are read as the tools read them."""

import subprocess

import pexpect

from conftest import merged_env
from guardtest import PROD, PROD_BLOCK, sso_world


def test_explain_shows_the_command_as_guard_read_it(home, run_guard, user_policy):
    user_policy(PROD_BLOCK)
    # cobra: an unknown flag before the subcommand takes the next word, so this deletes events.
    result = run_guard("policy", "explain", "--account", PROD, "--", "kubectl", "--all", "events", "delete")
    assert result.returncode == 0, result.stderr
    assert "understood      kubectl delete\n" in result.stdout
    assert "classification  destructive" in result.stdout
    dry = run_guard("policy", "explain", "--account", PROD, "--", "kubectl", "delete", "pod", "x", "--dry-run=client")
    assert "understood      kubectl delete (decided by --dry-run=client)" in dry.stdout
    assert "classification  read" in dry.stdout


def test_prompt_shows_the_command_as_guard_read_it(home, emulator, spawn, user_policy, tools):
    sso_world(home, emulator)
    user_policy(PROD_BLOCK)
    env, ran = tools
    child = spawn("-p", "prod", "--", "kubectl", "--all", "events", "delete", env=env)
    child.expect("Type the account's name \\(prod\\) to run it: ")
    assert "read as  kubectl delete" in child.before
    child.send("\x03")
    child.expect("cancelled")
    # Wait for guard to exit: close() on a child still running would hang it up and lose its status.
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 77 and not ran.exists()


def test_aws_alias_file_is_read_as_the_cli_reads_it(home, run_guard, clean_env, moto_url, user_policy):
    user_policy(PROD_BLOCK)
    alias = home.path / ".aws" / "cli" / "alias"
    alias.parent.mkdir(parents=True, exist_ok=True)
    # configparser: keys are case-insensitive and `key: value` is a key too.
    alias.write_text("[toplevel]\nS3 : sts get-caller-identity\n")
    keys = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1"}
    real = subprocess.run(
        ["aws", "s3"], env=merged_env(clean_env, keys), capture_output=True, text=True, timeout=60
    )
    assert real.returncode == 0, real.stderr
    assert '"Account"' in real.stdout, "the AWS CLI ran the alias, not its s3 command"
    result = run_guard("policy", "explain", "--account", PROD, "--", "aws", "s3", "ls")
    assert "classification  unknown" in result.stdout
    assert "an alias from ~/.aws/cli/alias" in result.stdout
    # Another HOME, another alias file.
    elsewhere = run_guard("policy", "explain", "--account", PROD, "--", "env", f"HOME={home.path / 'none'}", "aws", "s3", "ls")
    assert "classification  read" in elsewhere.stdout


def test_code_the_aws_cli_would_load_from_the_environment_is_unknown(home, run_guard, clean_env, user_policy):
    user_policy(PROD_BLOCK)
    site = home.path / "site"
    site.mkdir()
    marker = home.path / "ran"
    (site / "sitecustomize.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    # The real CLI imports sitecustomize from PYTHONPATH before anything else.
    real = subprocess.run(
        ["aws", "--version"], env=merged_env(clean_env, {"PYTHONPATH": str(site)}),
        capture_output=True, text=True, timeout=60,
    )
    assert real.returncode == 0, real.stderr
    assert marker.exists(), "the AWS CLI did not load sitecustomize from PYTHONPATH"
    loaded = run_guard("policy", "explain", "--account", PROD, "--", "env", f"PYTHONPATH={site}", "aws", "s3", "ls")
    assert "classification  unknown" in loaded.stdout, loaded.stdout
    assert "PYTHONPATH is set" in loaded.stdout
    # CLI v2 pipes output through AWS_PAGER; guard reads the environment the command gets.
    paged = run_guard("policy", "explain", "--account", PROD, "--", "aws", "s3", "ls", env={"AWS_PAGER": "sh -c 'cat >x'"})
    assert "classification  unknown" in paged.stdout, paged.stdout
    assert "AWS_PAGER is set to sh -c 'cat >x'" in paged.stdout
    off = run_guard("policy", "explain", "--account", PROD, "--", "aws", "s3", "ls", "--no-cli-pager", env={"AWS_PAGER": "sh -c 'cat >x'"})
    assert "classification  read" in off.stdout, off.stdout


def test_a_startup_file_bash_would_run_first_is_unknown(home, run_guard, clean_env, user_policy):
    user_policy(PROD_BLOCK)
    marker = home.path / "rc-ran"
    rcfile = home.path / "rc"
    rcfile.write_text(f"touch {marker}\n")
    # The real bash runs --rcfile before the -c string when interactive.
    subprocess.run(
        ["bash", "--rcfile", str(rcfile), "-i", "-c", "true"], env=clean_env,
        stdin=subprocess.DEVNULL, capture_output=True, timeout=30,
    )
    assert marker.exists(), "bash did not run the rcfile"
    result = run_guard("policy", "explain", "--account", PROD, "--", "bash", "--rcfile", rcfile, "-i", "-c", "aws s3 ls")
    assert "classification  unknown" in result.stdout, result.stdout
    assert "--rcfile or --init-file names a file" in result.stdout


def test_a_config_file_with_plugins_named_on_the_command_line_is_unknown(home, run_guard, clean_env, user_policy):
    user_policy(PROD_BLOCK)
    config = home.path / "team-config"
    config.write_text("[plugins]\nteamplugin = guard_test_no_such_module\n")
    # The real CLI imports every module [plugins] names before it parses the command.
    real = subprocess.run(
        ["aws", "--version"], env=merged_env(clean_env, {"AWS_CONFIG_FILE": str(config)}),
        capture_output=True, text=True, timeout=60,
    )
    assert "guard_test_no_such_module" in real.stderr, real.stderr
    result = run_guard("policy", "explain", "--account", PROD, "--", "env", f"AWS_CONFIG_FILE={config}", "aws", "s3", "ls")
    assert "classification  unknown" in result.stdout, result.stdout
    assert "whose [plugins] the CLI imports" in result.stdout


def test_kubectl_create_runs_a_plugin_for_a_word_it_does_not_know(home, run_guard, clean_env, user_policy):
    user_policy(PROD_BLOCK)
    bin_dir = home.path / "plugins"
    bin_dir.mkdir()
    plugin = bin_dir / "kubectl-create-widget"
    plugin.write_text("#!/bin/sh\necho plugin ran \"$@\"\n")
    plugin.chmod(0o755)
    path = f"{bin_dir}:{clean_env.get('PATH', '')}"
    real = subprocess.run(
        ["kubectl", "create", "widget", "--dry-run=client"], env=merged_env(clean_env, {"PATH": path}),
        capture_output=True, text=True, timeout=60,
    )
    assert "plugin ran --dry-run=client" in real.stdout, real.stdout + real.stderr
    result = run_guard("policy", "explain", "--account", PROD, "--", "kubectl", "create", "widget", "--dry-run=client")
    assert "classification  unknown" in result.stdout, result.stdout
    assert "runs a kubectl create plugin" in result.stdout
