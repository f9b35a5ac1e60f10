#!/usr/bin/env python3
"""Prints a report of a run with what differs between two runs of the same plan on the
embedded mock made equal: times, start times, the mock's port and the session ids it
handed out (each shard's mock numbers its own sessions), and the mock clock's offset
(each shard's mock clock was moved only by the clock tests of that shard). Everything else —
tests, their order, statuses, messages, coverage — is kept, so two normalised reports are
equal exactly when the runs are."""
import re
import sys

PORT = re.compile(r"127\.0\.0\.1:\d+")
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
DURATION = re.compile(r"\b\d+(\.\d+)? m?s\b")
MS_CELL = re.compile(r'(<td class="n">)\d+(</td></tr>)')  # report.html's "ms" column
# the mock clock's answer: each shard's mock was moved by the clock tests it ran
CLOCK_OFFSET = re.compile(r'(\\"offset_s\\":)-?\d+')
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# "time" and "timestamp" attributes, started_at properties, "seconds"/"started_at" members
XML_TIME = re.compile(r'\b(time|timestamp)="[^"]*"')
XML_STARTED = re.compile(r'(<property name="started_at" value=")[^"]*"')
JSON_TIME = re.compile(r'("(seconds|started_at)":\s*)("[^"]*"|[0-9.e+-]+)')


def normalise(text):
    text = PORT.sub("127.0.0.1:PORT", text)
    text = UUID.sub("UUID", text)
    text = XML_TIME.sub(r'\1="T"', text)
    text = XML_STARTED.sub(r'\1T"', text)
    text = JSON_TIME.sub(r"\1T", text)
    # the human reports (report.html, summary.md) say the same in words
    text = RFC3339.sub("TIMESTAMP", text)
    text = CLOCK_OFFSET.sub(r"\1N", text)
    text = MS_CELL.sub(r"\1MS\2", text)
    return DURATION.sub("D s", text)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        sys.stdout.write(normalise(f.read()))
