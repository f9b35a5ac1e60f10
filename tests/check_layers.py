#!/usr/bin/env python3
"""Checks the harness's and the mock's floor plan from the built objects and the sources.

1. No circle among translation units, judged by symbols: for every object file of the
   harness's and the mock's static libraries, A -> B when A uses a symbol B defines; no
   object may reach itself through such uses (a strongly connected set of two or more).
2. Folders depend downwards only: an object of one part of the harness uses symbols only
   of its own part or of the parts below it.
3. kpct reaches the mock only through its public headers (mock.h, mock_admin.h,
   mock_fault.h): no file under harness/ includes another header of mock/.

Usage: check_layers.py SOURCE_ROOT BUILD_ROOT   (exit 0 clean, 1 with every finding)
"""
import os
import re
import subprocess
import sys

# Each part and the parts it may use (transitively closed below).
PARTS = {
    "common": [],
    "mock": ["common"],
    "redact": ["common"],
    "case": ["redact", "common", "mock"],
    "results": ["common"],
    "report": ["results", "common"],
    "run": ["case", "results", "redact", "common", "mock"],
    "cli": ["run", "report", "results", "case", "redact", "common", "mock"],
}
MOCK_PUBLIC = {"mock.h", "mock_admin.h", "mock_fault.h"}
# Parts the harness may call in the mock (through the public headers only).
LIB_DIRS = {
    "common": "common",
    "mock": "mock",
    "redact": "harness/redact",
    "case": "harness/case",
    "results": "harness/results",
    "report": "harness/report",
    "run": "harness/run",
    "cli": "harness/cli",
}


def objects(build_root):
    """Yields (part, object path) for every object of the parts' static libraries."""
    for part, rel in LIB_DIRS.items():
        folder = os.path.join(build_root, rel)
        if not os.path.isdir(folder):
            continue
        for entry in sorted(os.listdir(folder)):
            if entry.endswith(".a.p"):
                libdir = os.path.join(folder, entry)
                for o in sorted(os.listdir(libdir)):
                    if o.endswith(".o"):
                        yield part, os.path.join(libdir, o)


def symbols(obj):
    """Returns (defined, undefined) global symbol names of an object file."""
    out = subprocess.run(["nm", "-g", obj], capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[0] == "U":
            undefined.add(fields[1])
        elif len(fields) == 3 and fields[1] in "TDBRCVWGS" and fields[1] != "U":
            defined.add(fields[2])
    return defined, undefined


def cycles(graph):
    """Tarjan's strongly connected components with more than one node."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 64
    src, build = sys.argv[1], sys.argv[2]
    findings = []

    part_of, defs, uses = {}, {}, {}
    for part, obj in objects(build):
        name = os.path.relpath(obj, build)
        part_of[name] = part
        d, u = symbols(obj)
        uses[name] = u
        for s in d:
            defs.setdefault(s, name)
    if len(part_of) < 20:
        findings.append(f"only {len(part_of)} objects found under {build}: is it built?")

    graph = {o: set() for o in part_of}
    for o, used in uses.items():
        for s in used:
            target = defs.get(s)
            if target and target != o:
                graph[o].add(target)
                a, b = part_of[o], part_of[target]
                if a != b and b not in PARTS[a]:
                    findings.append(f"{o} ({a}) uses {s} of {target} ({b}): {a} may not use {b}")
    for comp in cycles(graph):
        findings.append("circle of translation units: " + " -> ".join(comp))

    include = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
    mock_headers = {h for h in os.listdir(os.path.join(src, "mock")) if h.endswith(".h")}
    for root, _, files in os.walk(os.path.join(src, "harness")):
        for f in sorted(files):
            if f.endswith((".c", ".h")):
                path = os.path.join(root, f)
                with open(path, encoding="utf-8") as fh:
                    for h in include.findall(fh.read()):
                        if h in mock_headers and h not in MOCK_PUBLIC:
                            findings.append(f"{os.path.relpath(path, src)} includes mock/{h}, "
                                            "which is not one of the mock's public headers")

    for f in findings:
        print(f)
    print(f"{len(part_of)} objects, {sum(len(v) for v in graph.values())} uses between them, "
          f"{len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
