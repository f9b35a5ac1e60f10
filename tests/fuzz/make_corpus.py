#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/ from cases/ (run from the
repository root; it replaces the folders). Small real inputs: one-case suites, the
expectations they hold, fixture bodies, requests a kpct run sends."""
import base64
import glob
import hashlib
import json
import os
import shutil
import urllib.parse

SEP = "\n%%\n"
OUT = "tests/fuzz/corpus"
SUITES = [f for f in sorted(glob.glob("cases/*.json"))
          if os.path.basename(f) != "contract.json" and os.path.getsize(f) < 64 * 1024]
USER, PASSWORD, TOKEN = "Fz9user-K7q2", "Pw4/seCret-x8Z\u00e9", "tok-3Zq9Ar0wLx"


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    os.makedirs(f"{OUT}/{target}", exist_ok=True)
    with open(f"{OUT}/{target}/{hashlib.sha1(data).hexdigest()[:16]}", "wb") as f:
        f.write(data)


def one_case_suites():
    for path in SUITES:
        doc = json.load(open(path))
        for case in doc["cases"]:
            yield case, dict(doc, cases=[case])


def expects(case):
    for step in case.get("steps", []):
        if "expect" in step:
            yield step["expect"]
    for v in case.get("variants", []):
        if "expect" in v:
            yield v["expect"]


SESSION = json.dumps({"session_id": "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
                      "client_token": "eyJhbGciOiJIUzI1NiJ9.e30.c2ln", "status": "incomplete",
                      "purchase_country": "SE", "purchase_currency": "SEK", "locale": "sv-SE",
                      "order_amount": 10000, "order_tax_amount": 2000,
                      "payment_method_categories": [{"identifier": "pay_later"}]})
ERROR = json.dumps({"correlation_id": "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d",
                    "error_code": "BAD_VALUE", "error_messages": ["Bad value: locale"]})
RESPONSES = ["200\nContent-Type: application/json\nKlarna-Correlation-Id: x\n\n" + SESSION,
             "400\nContent-Type: application/json\n\n" + ERROR,
             "204\n\n",
             "404\nContent-Type: application/json\n\n" + ERROR.replace("BAD_VALUE", "NOT_FOUND")]


def secret_texts():
    for s in (USER, PASSWORD, TOKEN):
        yield "echo " + s + " end"
        yield urllib.parse.quote(s, safe="")
        yield json.dumps({"v": s}, ensure_ascii=True)
        yield "Authorization: Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        yield "x" + base64.urlsafe_b64encode(("ab" + s).encode()).decode().rstrip("=")


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    seen = set()
    texts = list(secret_texts())
    n = 0
    for case, suite in one_case_suites():
        text = json.dumps(suite, indent=1)
        write("case", text + (SEP + RESPONSES[n % len(RESPONSES)] if n % 2 else ""))
        for e in expects(case):
            key = json.dumps(e, sort_keys=True)
            if key in seen:
                continue
            seen.add(key)
            write("match", json.dumps(e) + SEP + RESPONSES[n % len(RESPONSES)] + SEP +
                  texts[n % len(texts)])
            n += 1
        n += 1
    for i, body in enumerate(sorted(glob.glob("cases/fixtures/*/session*.json"))[:12]):
        write("validate", bytes([255 if i % 2 else i]) + open(body, "rb").read())
    for path in ("cases/fixtures/SE/cart_update.json", "cases/fixtures/US/session.json"):
        write("validate", b"\xff" + open(path, "rb").read())
    session = open("cases/fixtures/SE/session.json").read()
    cart = open("cases/fixtures/SE/cart_update.json").read()
    json_h = "Content-Type: application/json\n"
    write("mock", "POST /payments/v1/sessions\n" + json_h + "\n" + session + SEP +
          "POST /payments/v1/sessions/{sid}\n" + json_h + "\n" + cart + SEP +
          "GET /payments/v1/sessions/{sid}\n\n")
    write("mock", "POST /payments/v1/sessions\n" + json_h + "\n" + session + SEP +
          "POST /__admin/sessions/{sid}/complete\n\n" + SEP +
          "POST /payments/v1/sessions/{sid}\n" + json_h + "\n" + cart)
    write("mock", "POST /__admin/clock\n" + json_h + "\n{\"clock_advance\": 172801}" + SEP +
          "GET /__admin/clock\n\n" + SEP + "GET /__admin/journal\n\n" + SEP +
          "GET /__admin/health\n\n" + SEP + "GET /__admin/sessions\n\n")
    write("mock", "POST /__admin/faults\n" + json_h + "\n" +
          "{\"kind\": \"status\", \"status\": 503, \"times\": 1}" + SEP +
          "GET /payments/v1/sessions/abc\n\n" + SEP + "DELETE /__admin/faults\n\n")
    write("mock", "POST /__admin/faults\n" + json_h + "\n" +
          "{\"kind\": \"hang\", \"hang_ms\": 100, \"times\": 1}" + SEP + "GET /payments/v1/sessions/abc\n\n" + SEP +
          "POST /__admin/faults\n" + json_h + "\n{\"kind\": \"truncate\"}" + SEP +
          "POST /payments/v1/sessions\n" + json_h + "\n" + session)
    write("mock", "POST /payments/v1/sessions\nAuthorization: Basic bm86cGU=\n\n{}" + SEP +
          "PUT /payments/v1/sessions\n\n" + SEP + "GET /nowhere?x=1\n\n" + SEP +
          "POST /payments/v1/sessions\n" + json_h + "\n{\"purchase_country\": \"SE\"")
    # the report target reads its run from bytes: a few spread over its fields
    for i in range(6):
        seed = hashlib.sha256(b"kpct-report-%d" % i).digest() * (4 + 8 * i)
        write("report", seed)
    write("report", b"\x08<script>alert(1)</script>\x05]]>&\xff\x00" * 40)


if __name__ == "__main__":
    main()
