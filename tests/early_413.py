#!/usr/bin/env python3
"""kpmock's 413 reaches a client that writes its whole body before it reads: Python's
http.client does, so does most of the world. Starts kpmock, sends 10 bodies of 2 MB and
10 of 5 MB (cap 1 MiB) and wants 10 of 10 answers to be 413. Exit 0 or 1."""
import base64
import http.client
import subprocess
import sys

kpmock = sys.argv[1]
proc = subprocess.Popen([kpmock, "--port", "0"], stdout=subprocess.PIPE, text=True)
try:
    port = int(proc.stdout.readline().strip().rsplit(":", 1)[1])
    auth = "Basic " + base64.b64encode(b"kpmock:kpmock").decode()
    failed = False
    for size in (2_000_000, 5_000_000):
        got, why = 0, []
        for _ in range(10):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("POST", "/payments/v1/sessions", body=b"x" * size,
                             headers={"Authorization": auth,
                                      "Content-Type": "application/json"})
                status = conn.getresponse().status
                got += status == 413
                if status != 413:
                    why.append(str(status))
            except OSError as e:
                why.append(type(e).__name__)
            finally:
                conn.close()
        print(f"{size} bytes: {got}/10 got the 413 {' '.join(why)}")
        failed = failed or got != 10
    sys.exit(1 if failed else 0)
finally:
    proc.terminate()
    proc.wait()
