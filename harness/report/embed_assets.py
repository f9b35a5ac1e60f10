#!/usr/bin/env python3
"""Embeds the report page's stylesheet and script in a C header at build time, with the
script's CSP hash, so kpct renders self-contained pages without install paths."""
import base64
import hashlib
import sys


def c_string(text):
    out = []
    for line in text.splitlines(keepends=True):
        esc = line.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        out.append('    "' + esc + '"')
    return "\n".join(out) if out else '    ""'


def main():
    css_path, js_path, out_path = sys.argv[1:4]
    css = open(css_path, encoding="utf-8").read()
    js = open(js_path, encoding="utf-8").read()
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode()
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("/* Generated from reports/assets/ by embed_assets.py; do not edit. */\n")
        f.write("#ifndef KPCT_REPORT_ASSETS_H\n#define KPCT_REPORT_ASSETS_H\n\n")
        f.write("static const char report_css[] =\n" + c_string(css) + ";\n\n")
        f.write("static const char report_js[] =\n" + c_string(js) + ";\n\n")
        f.write('#define REPORT_JS_SHA256 "sha256-' + digest + '"\n\n#endif\n')


if __name__ == "__main__":
    main()
