#!/usr/bin/env python3
"""kpct merge end to end against the embedded mock: three shards of a run merged equal
the unsharded run (every report of the folder, normalised), the merged junit.xml
validates against the strict schema, and each refusal says exactly why with its exit
status. Prints TAP. Usage: test_merge.py KPCT SOURCE_ROOT [MARKETS]"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from normalise import normalise  # noqa: E402

KPCT, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
MARKETS = sys.argv[3] if len(sys.argv) > 3 else "SE,US"
ENV = dict(os.environ, NO_COLOR="1", LC_ALL="C", TZ="UTC")
results = []


def ok(cond, what, detail=""):
    results.append((cond, what, detail))


def kpct(*args, cwd):
    return subprocess.run([KPCT, *args], cwd=cwd, env=ENV, capture_output=True, text=True)


def edit(src, dst, change):
    shutil.copytree(src, dst)
    path = os.path.join(dst, "results.json")
    with open(path) as f:
        doc = json.load(f)
    change(doc)
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)


def overlap_named(path):
    """The test the overlap message names: the first by (suite, id, market)."""
    t = min(json.load(open(path))["tests"], key=lambda t: (t["suite"], t["id"], t["market"]))
    return t["id"], t["suite"], t["market"]


def main():
    tmp = tempfile.mkdtemp(prefix="kpct-merge-")
    cases = os.path.join(SRC, "cases")
    try:
        run = ["run", cases, "--market", MARKETS, "--seed", "7", "-q"]
        for k in (1, 2, 3):
            r = kpct(*run, "--shard", f"{k}/3", "--out", f"run-{k}", cwd=tmp)
            ok(r.returncode == 0, f"shard {k}/3 runs green", r.stderr)
        r = kpct(*run, "--out", "whole", cwd=tmp)
        ok(r.returncode == 0, "the unsharded run is green", r.stderr)
        r = kpct("merge", "run-1", "run-2", "run-3", "--out", "merged", cwd=tmp)
        ok(r.returncode == 0, "merge exits 0", r.stderr)
        ok(r.stdout.startswith("merged 3 runs ("), "merge says what it merged", r.stdout)
        for name in sorted(os.listdir(os.path.join(tmp, "whole"))):
            with open(os.path.join(tmp, "whole", name)) as f:
                want = normalise(f.read())
            try:
                with open(os.path.join(tmp, "merged", name)) as f:
                    got = normalise(f.read())
            except FileNotFoundError:
                got = None
            ok(got == want, f"merged {name} equals the unsharded run's (times normalised)")
        x = subprocess.run(["xmllint", "--noout", "--schema",
                            os.path.join(SRC, "tests/data/junit-10.xsd"), "merged/junit.xml"],
                           cwd=tmp, capture_output=True, text=True)
        ok(x.returncode == 0, "merged junit.xml validates against junit-10.xsd", x.stderr)

        # inputs for the refusals
        digest = json.load(open(os.path.join(tmp, "run-1/results.json")))["case_digest"]
        first = json.load(open(os.path.join(tmp, "run-2/results.json")))["tests"][0]
        edit(f"{tmp}/run-2", f"{tmp}/other-cases", lambda d: d.update(case_digest="0" * 64))
        edit(f"{tmp}/run-2", f"{tmp}/other-target", lambda d: d.update(target="playground-eu"))
        edit(f"{tmp}/run-2", f"{tmp}/older", lambda d: d.pop("case_digest"))
        edit(f"{tmp}/run-2", f"{tmp}/no-index",
             lambda d: [t.pop("plan_index") for t in d["tests"]])
        edit(f"{tmp}/whole", f"{tmp}/whole-again", lambda d: None)
        # --market adds up when repeated: this run names its one market alone
        kpct("run", cases, "--market", "SE", "--seed", "7", "-q", "--shard", "2/3",
             "--out", "se-only", cwd=tmp)
        kpct(*run, "--shard", "2/4", "--out", "quarter", cwd=tmp)
        usage = "\nTry 'kpct --help'.\n"
        table = [
            ([], 64, "kpct: merge needs at least one RUN_DIR (the --out folder of each shard)"
             + usage),
            (["run-1", "--target", "mock"], 64,
             "kpct: merge takes RUN_DIRs and --out only, not --target" + usage),
            (["run-1", "run-2", "--out", "run-2"], 64,
             "kpct: --out run-2 is one of the RUN_DIRs: write the merge elsewhere" + usage),
            (["run-1", "nowhere"], 65, "kpct: nowhere/results.json: not found\n"),
            (["run-1", "run-3"], 65,
             "kpct: cannot merge: shard 2/3 is missing (2 of 3 given: 1, 3)\n"),
            (["run-1", "run-2", "run-1"], 65,
             "kpct: cannot merge: shard 1/3 is given twice: run-1 and run-1\n"),
            (["run-1", "other-cases", "run-3"], 65,
             f"kpct: cannot merge: run-1 and other-cases ran different case files (case_digest "
             f"{digest[:12]}... and 000000000000...)\n"),
            (["run-1", "other-target", "run-3"], 65,
             "kpct: cannot merge: run-1 ran against mock, other-target against playground-eu\n"),
            (["run-1", "se-only", "run-3"], 65,
             f"kpct: cannot merge: run-1 ran markets {MARKETS}, se-only ran SE\n"),
            (["run-1", "quarter", "run-3"], 65,
             "kpct: cannot merge: run-1 is shard 1/3 but quarter is shard 2/4: not one split\n"),
            (["run-1", "whole"], 65,
             "kpct: cannot merge: run-1 is shard 1/3 but whole ran the whole plan (no --shard)\n"),
            (["whole", "whole-again"], 65,
             "kpct: cannot merge: test %s of suite %s (market %s) is in both whole and "
             "whole-again\n" % overlap_named(f"{tmp}/whole/results.json")),
            (["run-1", "older", "run-3"], 65,
             "kpct: cannot merge: older records no case_digest (written by an older kpct): "
             "cannot tell which case files it ran\n"),
            (["run-1", "no-index", "run-3"], 65,
             f"kpct: cannot merge: no-index: test {first['id']} (market {first['market']}) has "
             f"no plan_index (written by an older kpct)\n"),
        ]
        for args, status, message in table:
            r = kpct("merge", *args, "--out", "refused", cwd=tmp) if "--out" not in args \
                else kpct("merge", *args, cwd=tmp)
            ok(r.returncode == status and r.stderr == message,
               f"merge {' '.join(args) or '(nothing)'} exits {status} saying why",
               f"exit {r.returncode}, stderr {r.stderr!r}, expected {message!r}")
            ok(not os.path.exists(os.path.join(tmp, "refused")),
               f"merge {' '.join(args) or '(nothing)'} writes nothing")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{len(results)}")
    for i, (cond, what, detail) in enumerate(results, 1):
        print(f"{'ok' if cond else 'not ok'} {i} - {what}")
        if not cond and detail:
            for line in str(detail).splitlines()[:20]:
                print(f"# {line}")
    return 0 if all(c for c, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
