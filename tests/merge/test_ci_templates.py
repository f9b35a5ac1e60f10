#!/usr/bin/env python3
"""The CI templates of ci/templates do what they say: the YAML ones parse, the
Jenkinsfile has its structure, every template builds with the same ./ci/build, and
their shard and merge steps — taken from the templates as written, with the matrix
variables filled in — run against the embedded mock instead of the playground (the
build step is the one thing not run: the test uses the kpct just built). Prints TAP.
Usage: test_ci_templates.py KPCT SOURCE_ROOT"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

KPCT, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
TEMPLATES = os.path.join(SRC, "ci", "templates")
SHARDS = 4
results = []


def ok(cond, what, detail=""):
    results.append((bool(cond), what, detail))


def workdir():
    """A checkout as a CI job sees it: cases/ and ci/ at the top."""
    d = tempfile.mkdtemp(prefix="kpct-ci-")
    for name in ("cases", "ci"):
        os.symlink(os.path.join(SRC, name), os.path.join(d, name))
    return d


def sh(script, cwd, env):
    """Runs a step as the CI systems do: bash, stopping at the first failing command."""
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True)


def base_env():
    env = dict(os.environ, KPCT=KPCT, KPCT_TARGET="mock", KPCT_MARKET="SE,US", NO_COLOR="1",
               LC_ALL="C", TZ="UTC")
    env.pop("KLARNA_USERNAME", None)
    env.pop("KLARNA_PASSWORD", None)
    return env


def check_merged(name, d, status):
    ok(status == 0, f"{name}: the merge step exits 0 against the mock", status)
    for f in ("junit.xml", "results.json", "coverage.json"):
        ok(os.path.isfile(os.path.join(d, "merged", f)), f"{name}: merged/{f} is written")
    x = subprocess.run(["xmllint", "--noout", "--schema",
                        os.path.join(SRC, "tests/data/junit-10.xsd"), "merged/junit.xml"],
                       cwd=d, capture_output=True, text=True)
    ok(x.returncode == 0, f"{name}: merged/junit.xml validates", x.stderr)


def github(yaml):
    doc = yaml.safe_load(open(os.path.join(TEMPLATES, "github-actions.yml")))
    on = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` as true
    ok("schedule" in on and "workflow_dispatch" in on, "github: nightly schedule and dispatch")
    shard, merge = doc["jobs"]["shard"], doc["jobs"]["merge"]
    shards = shard["strategy"]["matrix"]["shard"]
    ok(shards == list(range(1, SHARDS + 1)) and doc["env"]["SHARDS"] == SHARDS,
       "github: the matrix and SHARDS agree")
    ok(merge["needs"] == "shard" and merge["if"] == "always()",
       "github: the merge job waits for every shard and runs whatever they did")
    uses = [s.get("uses", "") for s in shard["steps"] + merge["steps"]]
    ok(any(u.startswith("actions/upload-artifact") for u in uses) and
       any(u.startswith("actions/download-artifact") for u in uses) and
       any(u.startswith("dorny/test-reporter") for u in uses),
       "github: uploads, downloads and publishes the JUnit")
    env = [s.get("env", {}) for s in shard["steps"]]
    ok({"KLARNA_USERNAME": "${{ secrets.KLARNA_USERNAME }}",
        "KLARNA_PASSWORD": "${{ secrets.KLARNA_PASSWORD }}"} in env,
       "github: credentials come from the secrets")
    runs = lambda job: [s["run"] for s in job["steps"] if "run" in s]  # noqa: E731
    builds = [r for r in runs(shard) + runs(merge) if "ci/build" in r]
    d, env = workdir(), base_env()
    try:
        for k in shards:
            for r in runs(shard):
                if r == "./ci/build":
                    continue
                p = sh(r.replace("${{ matrix.shard }}", str(k)), d, dict(env, SHARDS=str(SHARDS)))
                ok(p.returncode == 0, f"github: shard {k}: `{r}` runs", p.stderr)
        out, summary = os.path.join(d, "gh-output"), os.path.join(d, "gh-summary")
        menv = dict(env, GITHUB_OUTPUT=out, GITHUB_STEP_SUMMARY=summary)
        merge_step = [s for s in merge["steps"] if s.get("id") == "merge"][0]["run"]
        p = sh(merge_step, d, menv)
        ok(p.returncode == 0, "github: the merge step runs", p.stderr)
        status = open(out).read().strip()
        check_merged("github", d, 0 if status == "status=0" else status)
        ok(os.path.getsize(summary) > 0 and open(summary).read() ==
           open(os.path.join(d, "merged", "summary.md")).read(),
           "github: merged/summary.md goes into the step summary")
        verdicts = [s for s in merge["steps"] if s.get("name", "").startswith(
            ("contract drift", "could not judge"))]
        ok(len(verdicts) == 2 and "== '1'" in verdicts[0]["if"] and "!= '1'" in verdicts[1]["if"],
           "github: exit 1 and exit 2 end in differently named failed steps")
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return builds


def gitlab(yaml):
    doc = yaml.safe_load(open(os.path.join(TEMPLATES, "gitlab-ci.yml")))
    shard, merge = doc["shard"], doc["merge"]
    ok(shard["parallel"] == SHARDS, "gitlab: parallel shards")
    ok(all('$CI_PIPELINE_SOURCE == "schedule"' in r["if"] for r in shard["rules"][:1]) and
       merge["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "schedule"', "gitlab: schedule rules")
    ok(merge["needs"] == ["shard"] and merge["artifacts"]["reports"]["junit"] == "merged/junit.xml",
       "gitlab: the merge needs the shards and publishes the JUnit")
    ok(1 not in merge["allow_failure"]["exit_codes"] and 2 in merge["allow_failure"]["exit_codes"],
       "gitlab: exit 1 fails, exit 2 is a warning")
    d, env = workdir(), base_env()
    try:
        for k in range(1, SHARDS + 1):
            kenv = dict(env, CI_NODE_INDEX=str(k), CI_NODE_TOTAL=str(SHARDS))
            for line in shard["script"]:
                if line == "./ci/build":
                    continue
                p = sh(line, d, kenv)
                ok(p.returncode == 0, f"gitlab: shard {k}: `{line}` runs", p.stderr)
        status = 0
        for line in merge["script"]:
            if line != "./ci/build":
                p = sh(line, d, env)
                status = p.returncode
        check_merged("gitlab", d, status)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return [line for line in shard["script"] + merge["script"] if "ci/build" in line]


def jenkins():
    text = open(os.path.join(TEMPLATES, "Jenkinsfile")).read()
    code = re.sub(r"//[^\n]*", "", text)
    ok(code.count("{") == code.count("}") and code.count("(") == code.count(")"),
       "jenkins: braces and parentheses balance")
    for what in ("pipeline {", "triggers { cron('H 2 * * *') }", "matrix {", "junit ",
                 "archiveArtifacts ", "unstable(", "error(", "withCredentials("):
        ok(what in code, f"jenkins: has {what.strip()}")
    steps = re.findall(r"\bsh\s*\(?\s*(?:script:\s*)?'([^']*)'", code)
    d, env = workdir(), base_env()
    try:
        for k in range(1, SHARDS + 1):
            for s in steps:
                if "shard-run" in s:
                    p = sh(s, d, dict(env, SHARD=str(k), SHARDS=str(SHARDS)))
                    ok(p.returncode == 0, f"jenkins: shard {k}: `{s}` runs", p.stderr)
        merges = [s for s in steps if "shard-merge" in s]
        ok(len(merges) == 1, "jenkins: one merge step")
        check_merged("jenkins", d, sh(merges[0], d, env).returncode)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return [s for s in steps if "ci/build" in s]


def main():
    try:
        import yaml
    except ImportError:
        yaml = None
    builds = {}
    if yaml:
        builds["github"] = github(yaml)
        builds["gitlab"] = gitlab(yaml)
    else:
        ok(True, "github and gitlab # SKIP python3-yaml is not installed (ci/install-deps)")
    builds["jenkins"] = jenkins()
    ok(all(b and set(b) == {"./ci/build"} for b in builds.values()),
       "every template builds kpct with the same ./ci/build", builds)
    print(f"1..{len(results)}")
    for i, (cond, what, detail) in enumerate(results, 1):
        print(f"{'ok' if cond else 'not ok'} {i} - {what}")
        if not cond and detail:
            for line in str(detail).splitlines()[:20]:
                print(f"# {line}")
    return 0 if all(c for c, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
