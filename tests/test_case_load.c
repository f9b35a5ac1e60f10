/* Loader tests: a table of broken case files, each with the exact diagnostics it must
 * give ("file:line:col: message"), plus bounds, good trees and the real cases/ folder. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "case_tree.h"
#include "kbuf.h"
#include "kfile.h"
#include <stdint.h>

/* Line 1 opens the suite, line 2 the case; the thing under test is on line 3. */
#define HEAD        "{\"suite\": \"s\", \"title\": \"t\", \"cases\": [\n"
#define CASE        "{\"id\": \"a\", \"title\": \"t\", \"clauses\": [\"c.one\"],\n"
#define GET         "\"request\": {\"method\": \"GET\", \"path\": \"/x\"}"
#define STEP        "{" GET ", \"expect\": {\"status\": 200}}"
#define STEPS(...)  " \"steps\": [" __VA_ARGS__ "]}\n]}\n"
#define CSTEPS(...) " \"steps\": [" __VA_ARGS__ "]}"
#define EXPECT(e)   " \"steps\": [{" GET ", \"expect\": " e "}]}\n]}\n"
#define BODY(b)                                                                                    \
    " \"steps\": [{\"request\": {\"method\": \"POST\", \"path\": \"/x\", \"body\": " b             \
    "}, \"expect\": {}}]}\n]}\n"

typedef struct broken {
    const char *name;
    const char *text;     /* written to s.json */
    const char *expected; /* every diagnostic, one per line */
} broken;

static const broken BROKEN[] = {
    {"syntax error", "{\"suite\": \"s\",\n \"title\": }\n",
     "s.json:2:11: JSON syntax error at '}'"},
    {"unexpected end", "{\"suite\": \"s\",\n",
     "s.json:2:1: JSON syntax error: unexpected end of file"},
    {"trailing garbage", "{}\n{}\n", "s.json:2:1: JSON syntax error at '{'"},
    {"empty file", "", "s.json:1:1: empty file: expected a JSON object"},
    {"not an object", "[1]\n", "s.json:1:1: a suite file must be an object, not an array"},
    {"unknown suite key", "{\"suite\": \"s\", \"title\": \"t\", \"cases\": [], \"owner\": 1}",
     "s.json:1:43: unknown key \"owner\" in a suite (expected one of: suite, title, cases)\n"
     "s.json:1:39: \"cases\" must be a non-empty array of cases"},
    {"missing suite name", "{\"title\": \"t\", \"cases\": [\n" CASE STEPS(STEP),
     "s.json:1:1: missing required key \"suite\" in a suite"},
    {"title of the wrong type", "{\"suite\": \"s\", \"title\": 3, \"cases\": [\n" CASE STEPS(STEP),
     "s.json:1:25: \"title\" in a suite must be a string, not a number"},
    {"bad suite name",
     "{\"suite\": \"Update OK\", \"title\": \"t\", \"cases\": [\n" CASE STEPS(STEP),
     "s.json:1:11: suite name \"Update OK\" must match [a-z0-9_]+"},
    {"duplicate key",
     HEAD "{\"id\": \"a\", \"id\": \"b\", \"title\": \"t\", \"clauses\": [],\n" STEPS(STEP),
     "s.json:2:13: duplicate key \"id\" in a case"},
    {"typo in a case key", HEAD CASE " \"stpes\": []}\n]}\n",
     "s.json:3:2: unknown key \"stpes\" in a case (expected one of: id, title, tags, clauses, "
     "markets, targets, steps, variants)\n"
     "s.json:2:1: missing required key \"steps\" in a case"},
    {"bad case id", HEAD "{\"id\": \"Update.OK\", \"title\": \"t\", \"clauses\": [],\n" STEPS(STEP),
     "s.json:2:8: case id \"Update.OK\" must match [a-z0-9_.-]+"},
    {"duplicate case ids", HEAD CASE CSTEPS(STEP) ",\n" CASE STEPS(STEP),
     "s.json:4:8: duplicate test id \"a\" (first at s.json:2:8)"},
    {"three cases of one id, each named against the first",
     HEAD CASE CSTEPS(STEP) ",\n" CASE CSTEPS(STEP) ",\n" CASE STEPS(STEP),
     "s.json:4:8: duplicate test id \"a\" (first at s.json:2:8)\n"
     "s.json:6:8: duplicate test id \"a\" (first at s.json:2:8)"},
    {"unknown clause",
     HEAD
     "{\"id\": \"a\", \"title\": \"t\",\n \"clauses\": [\"c.one\", \"c.three\"],\n" STEPS(STEP),
     "s.json:3:23: unknown clause \"c.three\": not in contract.json"},
    {"unknown market", HEAD CASE " \"markets\": [\"SE\", \"XX\"],\n" STEPS(STEP),
     "s.json:3:20: unknown market \"XX\": no fixtures/XX/ folder"},
    {"empty markets", HEAD CASE " \"markets\": [],\n" STEPS(STEP),
     "s.json:3:13: \"markets\" in a case must not be empty"},
    {"unknown target", HEAD CASE " \"targets\": [\"mock\", \"staging\"],\n" STEPS(STEP),
     "s.json:3:22: unknown target \"staging\" (expected mock, playground or url)"},
    {"tags of the wrong type", HEAD CASE " \"tags\": \"flow\",\n" STEPS(STEP),
     "s.json:3:10: \"tags\" in a case must be an array of strings, not a string"},
    {"no steps", HEAD CASE " \"steps\": []}\n]}\n",
     "s.json:3:11: \"steps\" must be a non-empty array of steps"},
    {"step without expect", HEAD CASE STEPS("{" GET "}"),
     "s.json:3:12: missing required key \"expect\" in a step"},
    {"unknown method",
     HEAD CASE STEPS("{\"request\": {\"method\": \"FETCH\", \"path\": \"/x\"}, \"expect\": {}}"),
     "s.json:3:35: unknown method \"FETCH\" (expected GET, POST, PUT, PATCH, DELETE or HEAD)"},
    {"relative path",
     HEAD CASE STEPS("{\"request\": {\"method\": \"GET\", \"path\": \"x\"}, \"expect\": {}}"),
     "s.json:3:50: \"path\" must start with /"},
    {"bad auth",
     HEAD CASE STEPS("{" GET ", \"expect\": {}, \"name\": \"n\"}, {\"request\": {\"method\": "
                     "\"GET\", \"path\": \"/x\", \"auth\": \"basic\"}, \"expect\": {}}"),
     "s.json:3:137: \"auth\" must be \"default\", \"none\" or {\"username\": ..., \"password\": "
     "...}"},
    {"empty auth object",
     HEAD CASE STEPS("{\"request\": {\"method\": \"GET\", \"path\": \"/x\", \"auth\": {}}, "
                     "\"expect\": {}}"),
     "s.json:3:64: \"auth\" needs \"username\", \"password\" or both (a member left out keeps "
     "the run's own)"},
    {"header with a line break",
     HEAD CASE STEPS("{\"request\": {\"method\": \"GET\", \"path\": \"/x\", \"headers\": {\"X-A\": "
                     "\"1\\r\\nX-B: 2\"}}, \"expect\": {}}"),
     "s.json:3:75: header \"X-A\" must not contain line breaks"},
    {"two body forms", HEAD CASE BODY("{\"fixture\": \"session\", \"raw\": \"x\"}"),
     "s.json:3:65: a body needs exactly one of inline, fixture, raw, generate (it has 2)"},
    {"patch without a fixture", HEAD CASE BODY("{\"inline\": {}, \"patch\": []}"),
     "s.json:3:80: \"patch\" only goes with \"fixture\""},
    {"unknown fixture in one market", HEAD CASE BODY("{\"fixture\": \"cart\"}"),
     "s.json:3:77: unknown fixture \"cart\" for market US: no fixtures/US/cart.json"},
    {"fixture of a market the case leaves out is fine, others are checked",
     HEAD CASE " \"markets\": [\"US\"],\n" BODY("{\"fixture\": \"carts\"}"),
     "s.json:4:77: unknown fixture \"carts\" for market US: no fixtures/US/carts.json"},
    {"pick that is not a pointer",
     HEAD CASE BODY("{\"fixture\": \"session\", \"pick\": [\"order_amount\"]}"),
     "s.json:3:97: a pick must be a JSON Pointer to a member (\"/...\")"},
    {"pick that finds nothing",
     HEAD CASE BODY("{\"fixture\": \"session\", \"pick\": [\"/order_amount\", \"/nope\"]}"),
     "s.json:3:114: pick \"/nope\" finds nothing in the fixture (market SE)\n"
     "s.json:3:114: pick \"/nope\" finds nothing in the fixture (market US)"},
    {"pick through an array",
     HEAD CASE BODY("{\"fixture\": \"session\", \"pick\": [\"/order_lines/0/name\"]}"),
     "s.json:3:97: pick \"/order_lines/0/name\" goes through an array: pick whole members (market "
     "SE)\n"
     "s.json:3:97: pick \"/order_lines/0/name\" goes through an array: pick whole members (market "
     "US)"},
    {"unknown patch op",
     HEAD CASE BODY("{\"fixture\": \"session\", \"patch\": [{\"op\": \"replase\", \"path\": "
                    "\"/a\", \"value\": 1}]}"),
     "s.json:3:105: unknown patch op \"replase\" (expected add, remove, replace, move, copy or "
     "test)"},
    {"patch path that is not a pointer",
     HEAD CASE BODY("{\"fixture\": \"session\", \"patch\": [{\"op\": \"remove\", \"path\": "
                    "\"order_amount\"}]}"),
     "s.json:3:123: \"path\" must be a JSON Pointer (\"\" or \"/...\", with ~0 and ~1 escapes)"},
    {"patch pointer with a bad escape",
     HEAD CASE BODY(
         "{\"fixture\": \"session\", \"patch\": [{\"op\": \"remove\", \"path\": \"/a~2b\"}]}"),
     "s.json:3:123: \"path\" must be a JSON Pointer (\"\" or \"/...\", with ~0 and ~1 escapes)"},
    {"patch without value",
     HEAD CASE BODY("{\"fixture\": \"session\", \"patch\": [{\"op\": \"add\", \"path\": \"/a\"}]}"),
     "s.json:3:98: missing required key \"value\" in a add operation"},
    {"patch move without from",
     HEAD CASE BODY(
         "{\"fixture\": \"session\", \"patch\": [{\"op\": \"move\", \"path\": \"/a\"}]}"),
     "s.json:3:98: missing required key \"from\" in a move operation"},
    {"patch with a stray key",
     HEAD CASE BODY("{\"fixture\": \"session\", \"patch\": [{\"op\": \"remove\", \"path\": "
                    "\"/locale\", \"value\": 1}]}"),
     "s.json:3:134: unknown key \"value\" in a remove operation (expected op, path)"},
    {"patch path ending in an escaped slash",
     HEAD CASE BODY(
         "{\"fixture\": \"session\", \"patch\": [{\"op\": \"remove\", \"path\": \"/a~1b\"}]}"),
     "s.json:3:123: \"~1\" in the last token of a patch path is not supported (cJSON_Utils 1.7.15 "
     "mis-decodes it); patch the parent object instead"},
    {"patch that does not apply",
     HEAD CASE BODY(
         "{\"fixture\": \"session\", \"patch\": [{\"op\": \"add\", \"path\": \"/x\", \"value\": "
         "1}, {\"op\": \"replace\", \"path\": \"/order_lines/3/quantity\", \"value\": 2}]}"),
     "s.json:3:165: patch[1] (replace /order_lines/3/quantity) does not apply to "
     "fixtures/SE/session.json: the path finds nothing\n"
     "s.json:3:165: patch[1] (replace /order_lines/3/quantity) does not apply to "
     "fixtures/US/session.json: the path finds nothing"},
    {"patch removing the whole body",
     HEAD CASE BODY(
         "{\"fixture\": \"session\", \"patch\": [{\"op\": \"remove\", \"path\": \"\"}]}"),
     "s.json:3:123: a patch cannot remove the whole document"},
    {"variable in a patch path",
     HEAD CASE BODY(
         "{\"fixture\": \"session\", \"patch\": [{\"op\": \"remove\", \"path\": \"/${x}\"}]}"),
     "s.json:3:123: variables are not allowed in a patch path"},
    {"generate too big", HEAD CASE BODY("{\"generate\": {\"bytes\": 9000000000}}"),
     "s.json:3:88: \"bytes\" must be a whole number from 2 to 8388608 (CASE_MAX_GENERATED_BODY)"},
    {"raw that is not a string", HEAD CASE BODY("{\"raw\": 12}"),
     "s.json:3:73: \"raw\" must be a string, not a number"},
    {"bad regex in a json check",
     HEAD CASE EXPECT("{\"json\": [{\"pointer\": \"/a\", \"regex\": \"(\"}]}"),
     "s.json:3:104: bad regex \"(\": Unmatched ( or \\("},
    {"bad regex in a header check",
     HEAD CASE EXPECT("{\"headers\": {\"Content-Type\": {\"regex\": \"a{2,1}\"}}}"),
     "s.json:3:106: bad regex \"a{2,1}\": Invalid content of \\{\\}"},
    {"header check with two matchers",
     HEAD CASE EXPECT("{\"headers\": {\"X\": {\"exists\": true, \"absent\": true}}}"),
     "s.json:3:85: header \"X\" needs exactly one of {\"equals\": s}, {\"regex\": re}, "
     "{\"exists\": true}, {\"absent\": true}"},
    {"status out of range", HEAD CASE EXPECT("{\"status\": [200, 99]}"),
     "s.json:3:78: \"status\" must be an HTTP status (100-599) or a non-empty array of them"},
    {"json check with two matchers",
     HEAD CASE EXPECT("{\"json\": [{\"pointer\": \"/a\", \"exists\": true, \"equals\": 1}]}"),
     "s.json:3:77: a json check needs exactly one of equals, not_equals, regex, type, exists, "
     "absent, contains, one_of, length, min_length, max_length, includes (it has 2)"},
    {"json check with an unknown type",
     HEAD CASE EXPECT("{\"json\": [{\"pointer\": \"/a\", \"type\": \"float\"}]}"),
     "s.json:3:103: \"type\" must be one of string, number, integer, boolean, null, object, array"},
    {"json check without a pointer", HEAD CASE EXPECT("{\"json\": [{\"exists\": true}]}"),
     "s.json:3:77: missing required key \"pointer\" in a json check"},
    {"json check with a typo",
     HEAD CASE EXPECT("{\"json\": [{\"pointer\": \"/a\", \"equal\": 1}]}"),
     "s.json:3:95: unknown key \"equal\" in a json check (expected pointer and one of: equals, "
     "not_equals, regex, type, exists, absent, contains, one_of, length, min_length, max_length, "
     "includes)"},
    {"negative min_length",
     HEAD CASE EXPECT("{\"json\": [{\"pointer\": \"/a\", \"min_length\": -1}]}"),
     "s.json:3:109: \"min_length\" must be a whole number >= 0"},
    {"includes without a fixture or inline",
     HEAD CASE EXPECT("{\"json\": [{\"pointer\": \"\", \"includes\": {\"a\": 1}}]}"),
     "s.json:3:105: \"includes\" must be {\"fixture\": name} (with pick and patch if needed) or "
     "{\"inline\": value}"},
    {"includes of a raw body",
     HEAD CASE EXPECT("{\"json\": [{\"pointer\": \"\", \"includes\": {\"raw\": \"x\"}}]}"),
     "s.json:3:105: \"includes\" must be {\"fixture\": name} (with pick and patch if needed) or "
     "{\"inline\": value}"},
    {"includes of an unknown fixture",
     HEAD CASE EXPECT("{\"json\": [{\"pointer\": \"\", \"includes\": {\"fixture\": \"nope\"}}]}"),
     "s.json:3:117: unknown fixture \"nope\" for market SE: no fixtures/SE/nope.json\n"
     "s.json:3:117: unknown fixture \"nope\" for market US: no fixtures/US/nope.json"},
    {"not_equals with an undefined variable",
     HEAD CASE EXPECT("{\"json\": [{\"pointer\": \"/a\", \"not_equals\": \"${nope}\"}]}"),
     "s.json:3:109: undefined variable \"${nope}\": no earlier step captures it"},
    {"negative length", HEAD CASE EXPECT("{\"json\": [{\"pointer\": \"/a\", \"length\": -1}]}"),
     "s.json:3:105: \"length\" must be a whole number >= 0"},
    {"body kind unknown", HEAD CASE EXPECT("{\"body\": \"nothing\"}"),
     "s.json:3:76: \"body\" in expect must be \"empty\", \"json\" or \"not_json\""},
    {"unknown expectation", HEAD CASE EXPECT("{\"status\": 200, \"latency\": 1}"),
     "s.json:3:83: unknown key \"latency\" in expect (expected one of: status, headers, body, "
     "json, klarna_error)"},
    {"klarna_error typo",
     HEAD CASE EXPECT("{\"klarna_error\": {\"error_code\": \"BAD_VALUE\", \"field\": [\"a\"]}}"),
     "s.json:3:112: unknown key \"field\" in klarna_error (expected one of: error_code, fields, "
     "fields_any, messages)"},
    {"klarna_error fields_any not a list of lists",
     HEAD CASE EXPECT("{\"klarna_error\": {\"fields_any\": [\"a\", \"b\"]}}"),
     "s.json:3:99: \"fields_any\" must be a non-empty array of non-empty arrays of non-empty "
     "strings, e.g. [[\"order_amount\", \"order_lines\"]]"},
    {"klarna_error fields_any with an empty group",
     HEAD CASE EXPECT("{\"klarna_error\": {\"fields_any\": [[\"a\"], []]}}"),
     "s.json:3:99: \"fields_any\" must be a non-empty array of non-empty arrays of non-empty "
     "strings, e.g. [[\"order_amount\", \"order_lines\"]]"},
    {"klarna_error empty fields", HEAD CASE EXPECT("{\"klarna_error\": {\"fields\": []}}"),
     "s.json:3:95: \"fields\" must be a non-empty array of non-empty strings"},
    {"undefined capture",
     HEAD CASE STEPS(
         "{\"request\": {\"method\": \"GET\", \"path\": \"/s/${session_id}\"}, \"expect\": {}}"),
     "s.json:3:50: undefined variable \"${session_id}\": no earlier step captures it"},
    {"capture used in its own step",
     HEAD CASE STEPS("{\"request\": {\"method\": \"GET\", \"path\": \"/s/${id}\"}, \"expect\": {}, "
                     "\"capture\": {\"id\": \"/id\"}}"),
     "s.json:3:50: undefined variable \"${id}\": no earlier step captures it"},
    {"market key missing in one market",
     HEAD CASE BODY("{\"inline\": {\"c\": \"${market.foreign_currency}\"}}"),
     "s.json:3:82: undefined variable \"${market.foreign_currency}\": fixtures/US/market.json has "
     "no key \"foreign_currency\""},
    {"malformed variable", HEAD CASE BODY("{\"inline\": {\"c\": \"${1x}\"}}"),
     "s.json:3:82: malformed variable reference \"${1x}\" (expected ${name}, ${market.KEY}, "
     "${env:NAME}, ${var:NAME}, ${uuid} or ${base_url})"},
    {"malformed run variable", HEAD CASE BODY("{\"inline\": {\"c\": \"${var:1x}\"}}"),
     "s.json:3:82: malformed variable reference \"${var:1x}\" (expected ${name}, "
     "${market.KEY}, ${env:NAME}, ${var:NAME}, ${uuid} or ${base_url})"},
    {"unterminated variable", HEAD CASE BODY("{\"inline\": \"a ${b\"}"),
     "s.json:3:76: unterminated variable reference \"${\" (write \"$${\" for a literal \"${\")"},
    {"undefined variable in an expectation",
     HEAD CASE EXPECT("{\"json\": [{\"pointer\": \"/a\", \"equals\": \"${nope}\"}]}"),
     "s.json:3:105: undefined variable \"${nope}\": no earlier step captures it"},
    {"capture named like a built-in",
     HEAD CASE STEPS("{" GET ", \"expect\": {}, \"capture\": {\"uuid\": \"/id\"}}"),
     "s.json:3:83: \"uuid\" cannot be a variable name ([A-Za-z_][A-Za-z0-9_]*, at most 64 bytes, "
     "not uuid, base_url, market or env)"},
    {"capture that is not a pointer",
     HEAD CASE STEPS("{" GET ", \"expect\": {}, \"capture\": {\"id\": \"id\"}}"),
     "s.json:3:89: capture \"id\" must be a JSON Pointer (\"\" or \"/...\")"},
    {"variants without a target step",
     HEAD CASE CSTEPS(STEP) ",\n" CASE " \"variants\": [{\"id\": \"v\"}],\n" STEPS(STEP),
     "s.json:5:2: a case with variants needs exactly one step marked \"variant_target\": true"},
    {"two variant targets",
     HEAD CASE " \"variants\": [{\"id\": \"v\"}],\n" STEPS(
         "{" GET ", \"expect\": {}, \"variant_target\": true},\n{" GET
         ", \"expect\": {}, \"variant_target\": true}"),
     "s.json:5:60: a second step marked variant_target (the first is step 1)"},
    {"variant_target without variants",
     HEAD CASE STEPS("{" GET ", \"expect\": {}, \"variant_target\": true}"),
     "s.json:3:71: \"variant_target\" is set but the case has no variants"},
    {"variant ids that collide with a case id",
     HEAD CASE " \"variants\": [{\"id\": \"b\"}],\n" CSTEPS(
         "{" GET
         ", \"expect\": {}, \"variant_target\": true}") ",\n"
                                                        "{\"id\": \"a.b\", \"title\": \"t\", "
                                                        "\"clauses\": [],\n" STEPS(STEP),
     "s.json:5:8: duplicate test id \"a.b\" (first at s.json:3:22)"},
    {"variant patch on a raw body",
     HEAD CASE " \"variants\": [{\"id\": \"v\", \"patch\": []}],\n"
               " \"steps\": [{\"request\": {\"method\": \"POST\", \"path\": \"/x\", \"body\": "
               "{\"raw\": \"x\"}}, \"expect\": {}, \"variant_target\": true}]}\n]}\n",
     "s.json:3:27: a variant patch needs a JSON body (inline or fixture) in the variant_target "
     "step"},
    {"variant patch that does not apply",
     HEAD CASE
     " \"variants\": [{\"id\": \"v\", \"patch\": [{\"op\": \"remove\", \"path\": \"/nope\"}]}],\n"
     " \"steps\": [{\"request\": {\"method\": \"POST\", \"path\": \"/x\", \"body\": {\"fixture\": "
     "\"session\"}}, \"expect\": {}, \"variant_target\": true}]}\n]}\n",
     "s.json:3:62: patch[0] (remove /nope) does not apply to the variant_target step's body for "
     "market SE: the path finds nothing\n"
     "s.json:3:62: patch[0] (remove /nope) does not apply to the variant_target step's body for "
     "market US: the path finds nothing"},
    /* a name that differs only in case finds nothing (and the body tried in place is not
     * changed by it: cJSON_Utils alone would take out the real member) */
    {"variant patch whose name differs only in case",
     HEAD CASE
     " \"variants\": [{\"id\": \"v\", \"patch\": [{\"op\": \"replace\", \"path\": "
     "\"/Order_amount\", \"value\": 1}]}, {\"id\": \"w\", \"patch\": [{\"op\": \"remove\", "
     "\"path\": \"/order_amount\"}]}],\n"
     " \"steps\": [{\"request\": {\"method\": \"POST\", \"path\": \"/x\", \"body\": {\"fixture\": "
     "\"session\"}}, \"expect\": {}, \"variant_target\": true}]}\n]}\n",
     "s.json:3:63: patch[0] (replace /Order_amount) does not apply to the variant_target step's "
     "body for market SE: the path finds nothing\n"
     "s.json:3:63: patch[0] (replace /Order_amount) does not apply to the variant_target step's "
     "body for market US: the path finds nothing"},
    /* a variant's patch is tried on the body as built, never as an earlier variant left it
     * (the body is built once per market and put back after each trial) */
    {"variants tried one after another on a fixture body",
     HEAD CASE
     " \"variants\": [\n"
     "  {\"id\": \"v1\", \"patch\": [{\"op\": \"remove\", \"path\": \"/order_amount\"}]},\n"
     "  {\"id\": \"v2\", \"patch\": [{\"op\": \"replace\", \"path\": \"/order_amount\", "
     "\"value\": 1}]},\n"
     "  {\"id\": \"v3\", \"patch\": [{\"op\": \"add\", \"path\": \"/extra\", \"value\": 1}, "
     "{\"op\": \"move\", \"from\": \"/billing_address\", \"path\": \"/moved\"}]},\n"
     "  {\"id\": \"v4\", \"patch\": [{\"op\": \"replace\", \"path\": "
     "\"/billing_address/city\", \"value\": \"x\"}, {\"op\": \"remove\", \"path\": "
     "\"/extra\"}]}],\n"
     " \"steps\": [{\"request\": {\"method\": \"POST\", \"path\": \"/x\", \"body\": "
     "{\"fixture\": \"session\", \"patch\": [{\"op\": \"remove\", \"path\": "
     "\"/locale\"}]}}, \"expect\": {}, \"variant_target\": true}]}\n]}\n",
     "s.json:7:117: patch[1] (remove /extra) does not apply to the variant_target step's body "
     "for market SE: the path finds nothing\n"
     "s.json:7:117: patch[1] (remove /extra) does not apply to the variant_target step's body "
     "for market US: the path finds nothing"},
    /* the member the step's patch set (a large order_lines, say) is shared by the bases
     * of every market: a variant's change to it stays with that variant */
    {"variants tried one after another on a member the step's patch set",
     HEAD CASE
     " \"variants\": [\n"
     "  {\"id\": \"v1\", \"patch\": [{\"op\": \"remove\", \"path\": \"/order_lines/1\"}]},\n"
     "  {\"id\": \"v2\", \"patch\": [{\"op\": \"replace\", \"path\": "
     "\"/order_lines/1/name\", \"value\": \"x\"}, {\"op\": \"remove\", \"path\": "
     "\"/order_lines/1\"}]},\n"
     "  {\"id\": \"v3\", \"patch\": [{\"op\": \"test\", \"path\": \"/order_lines/1/name\", "
     "\"value\": \"b\"}, {\"op\": \"remove\", \"path\": \"/order_lines\"}]},\n"
     "  {\"id\": \"v4\", \"patch\": [{\"op\": \"remove\", \"path\": \"/order_lines/2\"}]}],\n"
     " \"steps\": [{\"request\": {\"method\": \"POST\", \"path\": \"/x\", \"body\": "
     "{\"fixture\": \"session\", \"patch\": [{\"op\": \"replace\", \"path\": "
     "\"/order_lines\", \"value\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}]}}, "
     "\"expect\": {}, \"variant_target\": true}]}\n]}\n",
     "s.json:7:51: patch[0] (remove /order_lines/2) does not apply to the variant_target step's "
     "body for market SE: the path finds nothing\n"
     "s.json:7:51: patch[0] (remove /order_lines/2) does not apply to the variant_target step's "
     "body for market US: the path finds nothing"},
    {"variants tried one after another on an inline body",
     HEAD CASE
     " \"variants\": [\n"
     "  {\"id\": \"v0\", \"patch\": [{\"op\": \"replace\", \"path\": \"\", \"value\": {}}]},\n"
     "  {\"id\": \"v1\", \"patch\": [{\"op\": \"remove\", \"path\": \"/a\"}, "
     "{\"op\": \"remove\", \"path\": \"/b/c\"}]},\n"
     "  {\"id\": \"v2\", \"patch\": [{\"op\": \"copy\", \"from\": \"/b\", \"path\": \"/a\"}, "
     "{\"op\": \"add\", \"path\": \"/z\", \"value\": 1}]},\n"
     "  {\"id\": \"v3\", \"patch\": [{\"op\": \"test\", \"path\": \"/q\", \"value\": 1}, "
     "{\"op\": \"replace\", \"path\": \"/b/c\", \"value\": 3}, "
     "{\"op\": \"remove\", \"path\": \"/z\"}]}],\n"
     " \"steps\": [{\"request\": {\"method\": \"POST\", \"path\": \"/x\", \"body\": "
     "{\"inline\": {\"a\": 1, \"b\": {\"c\": 2}}}}, \"expect\": {}, \"variant_target\": "
     "true}]}\n]}\n",
     "s.json:7:140: patch[2] (remove /z) does not apply to the variant_target step's inline "
     "body: the path finds nothing"},
    {"variant with an unknown market",
     HEAD CASE " \"variants\": [{\"id\": \"v\", \"markets\": [\"NO\"]}],\n" STEPS(
         "{" GET ", \"expect\": {}, \"variant_target\": true}"),
     "s.json:3:39: unknown market \"NO\": no fixtures/NO/ folder"},
    {"unknown admin action", HEAD CASE STEPS("{\"admin\": {\"clock_rewind\": 5}}"),
     "s.json:3:23: unknown key \"clock_rewind\" in an admin step (expected one of: clock_advance, "
     "clock_set, complete_session, fault)"},
    {"admin step with expectations",
     HEAD CASE STEPS("{\"admin\": {\"clock_advance\": 5}, \"expect\": {}}"),
     "s.json:3:44: unknown key \"expect\" in an admin step (expected one of: name, admin)"},
    {"clock_set that is not a UTC time",
     HEAD CASE STEPS("{\"admin\": {\"clock_set\": \"2030-01-01 00:00\"}}"),
     "s.json:3:36: \"clock_set\" must be an RFC 3339 UTC time like \"2030-01-01T00:00:00Z\""},
    {"negative clock_advance", HEAD CASE STEPS("{\"admin\": {\"clock_advance\": -1}}"),
     "s.json:3:40: \"clock_advance\" must be a whole number of seconds from 0 to 316224000"},
    {"clock_set outside the calendar",
     HEAD CASE STEPS("{\"admin\": {\"clock_set\": \"2030-13-45T99:99:99Z\"}}"),
     "s.json:3:36: \"clock_set\" must be an RFC 3339 UTC time like \"2030-01-01T00:00:00Z\""},
    /* faults are judged by the mock's own rule (mock_fault_spec_check), at the fault */
    {"unknown fault kind", HEAD CASE STEPS("{\"admin\": {\"fault\": {\"kind\": \"explode\"}}}"),
     "s.json:3:32: the mock refuses this fault: kind must be one of status, delay, reset, hang, "
     "truncate, rate_limit"},
    {"fault status the mock cannot send",
     HEAD CASE STEPS("{\"admin\": {\"fault\": {\"kind\": \"status\", \"status\": 700}}}"),
     "s.json:3:32: the mock refuses this fault: status must be an integer from 0 to 599"},
    {"fault path that no request path can match",
     HEAD CASE STEPS("{\"admin\": {\"fault\": {\"kind\": \"reset\", \"path\": \"payments\"}}}"),
     "s.json:3:32: the mock refuses this fault: path must start with / (it is matched against "
     "request paths)"},
    {"fault with an unknown member",
     HEAD CASE STEPS("{\"admin\": {\"fault\": {\"kind\": \"reset\", \"after\": 1}}}"),
     "s.json:3:32: the mock refuses this fault: unknown member 'after' (a fault takes kind, "
     "times, method, path, status, body, content_type, delay_ms, hang_ms, retry_after)"},
    {"fault with a duplicate key",
     HEAD CASE STEPS("{\"admin\": {\"fault\": {\"kind\": \"reset\", \"kind\": \"hang\"}}}"),
     "s.json:3:50: duplicate key \"kind\" in a fault"},
    {"fault with an undefined variable",
     HEAD CASE STEPS("{\"admin\": {\"fault\": {\"kind\": \"status\", \"status\": 503, \"path\": "
                     "\"/s/${sid}\"}}}"),
     "s.json:3:74: undefined variable \"${sid}\": no earlier step captures it"},
    {"too deep",
     "{\"a\": "
     "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]"
     "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}\n",
     "s.json:1:70: JSON nested deeper than 64 levels (CASE_MAX_DEPTH)"},
    {"too deep, then invalid UTF-8: the text is reported first",
     "{\"a\": "
     "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]"
     "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],\n\"b\": \"\xff\"}\n",
     "s.json:2:7: invalid UTF-8 (byte 0xFF): a JSON file must be UTF-8"},
    {"brackets and escaped quotes inside strings are not nesting",
     "{\"suite\": \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"\", "
     "\"title\": 7}\n",
     "s.json:1:1: missing required key \"cases\" in a suite\n"
     "s.json:1:93: \"title\" in a suite must be a string, not a number\n"
     "s.json:1:11: suite name "
     "\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\" "
     "must match [a-z0-9_]+"},
};

static void check_broken(const broken *b)
{
    char *root = case_tree_new();
    case_tree_write(root, "s.json", b->text);
    char *got = case_tree_load(root, NULL);
    if (getenv("CASE_DUMP")) {
        fprintf(stderr, "DUMP\t%s\t", b->name);
        for (const char *q = got; *q; q++)
            fprintf(stderr, "%02x", (unsigned char)*q);
        fprintf(stderr, "\n");
    }
    if (getenv("CASE_SHOW")) {
        /* prints the text each diagnostic points at, to review positions by eye */
        for (const char *l = got; l && *l;) {
            int line = 0, col = 0;
            sscanf(l, "s.json:%d:%d:", &line, &col);
            const char *p = b->text;
            for (int k = 1; k < line && p; k++)
                p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
            fprintf(stderr, "%-40.40s | %.20s\n", b->name, p && line ? p + col - 1 : "?");
            l = strchr(l, '\n');
            l = l ? l + 1 : NULL;
        }
    }
    cr_expect_str_eq(got, b->expected, "case \"%s\":\n got: %s\nwant: %s", b->name, got,
                     b->expected);
    free(got);
    case_tree_free(root);
}

Test(case_load, reports_each_broken_file_with_its_exact_position)
{
    for (size_t i = 0; i < sizeof BROKEN / sizeof BROKEN[0]; i++)
        check_broken(&BROKEN[i]);
}

Test(case_load, reports_a_duplicate_suite_name_in_another_file)
{
    char *root = case_tree_new();
    case_tree_write(root, "a.json", HEAD CASE STEPS(STEP));
    case_tree_write(root, "sub/b.json",
                    HEAD "{\"id\": \"b\", \"title\": \"t\", \"clauses\": [],\n" STEPS(STEP));
    char *got = case_tree_load(root, NULL);
    cr_expect_str_eq(got, "sub/b.json:1:11: duplicate suite name \"s\" (first in "
                          "a.json:1:11)");
    free(got);
    case_tree_free(root);
}

/* each file keeps only some of its positions once checked: those reported across files
 * (its cases', variants' and ids', its suite name) must still be exact */
Test(case_load, reports_duplicates_across_files_at_their_exact_positions)
{
    char *root = case_tree_new();
    case_tree_write(
        root, "a.json",
        HEAD CASE CSTEPS(STEP) ",\n"
                               "{\"id\": \"v\", \"title\": \"t\", \"clauses\": [],\n"
                               " \"variants\": [{\"id\": \"one\"},\n   {\"id\": \"two\"}],\n"
                               " \"steps\": [{" GET
                               ", \"expect\": {}, \"variant_target\": true}]}\n]}\n");
    case_tree_write(
        root, "b.json",
        HEAD "{\"id\": \"a\", \"title\": \"t\", \"clauses\": [],\n" CSTEPS(
            STEP) ",\n"
                  "  {\"id\": \"v.two\", \"title\": \"t\", \"clauses\": [],\n" STEPS(STEP));
    char *got = case_tree_load(root, NULL);
    cr_expect_str_eq(got, "b.json:1:11: duplicate suite name \"s\" (first in a.json:1:11)\n"
                          "b.json:2:8: duplicate test id \"a\" (first at a.json:2:8)\n"
                          "b.json:4:10: duplicate test id \"v.two\" (first at a.json:6:11)");
    free(got);
    case_tree_free(root);
}

Test(case_load, reports_problems_in_fixtures_and_the_catalog)
{
    char *root = case_tree_new();
    case_tree_write(root, "s.json", HEAD CASE STEPS(STEP));
    case_tree_write(root, "fixtures/US/market.json", "{\"country\": \"US\", \"currency\": 1}");
    case_tree_write(root, "fixtures/gb/market.json", "{}");
    case_tree_write(root, "fixtures/SE/broken.json", "{\"a\": }");
    case_tree_write(root, "contract.json",
                    "{\"clauses\": [{\"id\": \"c.one\", \"title\": \"One\"},\n"
                    "{\"id\": \"c.one\", \"title\": \"Again\", \"mock_only\": \"no\"}]}");
    char *got = case_tree_load(root, NULL);
    cr_expect_str_eq(
        got, "fixtures/SE/broken.json:1:7: JSON syntax error at '}'\n"
             "fixtures/US/market.json:1:31: \"currency\" in market.json must be a string, "
             "not a number\n"
             "fixtures/US/market.json:1:1: missing required key \"locale\" in market.json\n"
             "fixtures/gb:1:1: fixture folder \"gb\" is not a market code (two capital "
             "letters)\n"
             "contract.json:2:48: \"mock_only\" in a clause must be a boolean, not a string\n"
             "contract.json:2:8: duplicate clause id \"c.one\"");
    free(got);
    case_tree_free(root);
}

Test(case_load, rejects_files_over_the_size_bound_and_nul_bytes)
{
    char *root = case_tree_new();
    size_t n = CASE_MAX_FILE_BYTES + 1;
    char *big = malloc(n);
    cr_assert(big);
    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    case_tree_write_bytes(root, "big.json", big, n);
    free(big);
    case_tree_write_bytes(root, "nul.json", "{\"a\":\n \"b\0\"}", 12);
    char *got = case_tree_load(root, NULL);
    cr_expect_str_eq(got,
                     "big.json:1:1: file is 4194305 bytes, over 4194304 (CASE_MAX_FILE_BYTES)\n"
                     "nul.json:2:4: NUL byte in a JSON file");
    free(got);
    case_tree_free(root);
}

Test(case_load, stops_after_one_hundred_problems)
{
    char *root = case_tree_new();
    kbuf b;
    kbuf_init(&b, 1u << 20);
    kbuf_puts(&b, HEAD);
    for (int i = 0; i < 150; i++)
        kbuf_printf(
            &b, "%s{\"id\": \"a%d\", \"title\": \"t\", \"clauses\": [], \"x\": 1,\n" STEPS(STEP),
            i ? "," : "", i);
    /* STEPS closes the suite each time: rebuild as one suite */
    kbuf_reset(&b);
    kbuf_puts(&b, HEAD);
    for (int i = 0; i < 150; i++)
        kbuf_printf(
            &b,
            "%s{\"id\": \"a%d\", \"title\": \"t\", \"clauses\": [], \"x\": 1, \"steps\": [" STEP
            "]}\n",
            i ? "," : "", i);
    kbuf_puts(&b, "]}\n");
    case_tree_write(root, "s.json", kbuf_str(&b));
    kbuf_free(&b);
    case_set *set = NULL;
    case_diags d = {0};
    cr_assert_eq(case_set_load(root, &set, &d), -1);
    cr_assert_null(set);
    cr_assert_eq(d.count, 101);
    cr_expect_str_eq(d.items[99].message,
                     "unknown key \"x\" in a case (expected one of: id, title, tags, clauses, "
                     "markets, targets, steps, variants)");
    cr_expect_eq(d.items[99].line, 101);
    cr_expect_str_eq(d.items[100].message, "too many errors: stopped after 100 (CASE_MAX_DIAGS)");
    case_diags_free(&d);
    case_tree_free(root);
}

Test(case_load, reports_a_missing_folder)
{
    case_set *set = NULL;
    case_diags d = {0};
    cr_assert_eq(case_set_load("/nonexistent/kpct-cases", &set, &d), -1);
    cr_assert_eq(d.count, 1);
    cr_expect_str_eq(d.items[0].file, "/nonexistent/kpct-cases");
    cr_expect_str_eq(d.items[0].message, "not a folder: No such file or directory");
    case_diags_free(&d);
    /* a file that exists: the reason is that it is not a folder, not a stale errno */
    errno = ENOENT;
    cr_assert_eq(case_set_load("/dev/null", &set, &d), -1);
    cr_assert_eq(d.count, 1);
    cr_expect_str_eq(d.items[0].message, "not a folder: Not a directory");
    case_diags_free(&d);
}

Test(case_load, loads_a_good_tree_with_every_construct)
{
    char *root = case_tree_new();
    case_tree_write(
        root, "good.json",
        "{\"suite\": \"good\", \"title\": \"t\", \"cases\": [\n"
        "{\"id\": \"flow\", \"title\": \"create then update\", \"tags\": [\"flow\"], \"clauses\": "
        "[\"c.one\"],\n"
        " \"steps\": [\n"
        "  {\"name\": \"create\", \"request\": {\"method\": \"POST\", \"path\": \"/s\", \"body\": "
        "{\"fixture\": \"session\"}},\n"
        "   \"expect\": {\"status\": [200, 201], \"json\": [{\"pointer\": \"/id\", \"type\": "
        "\"string\"}]}, \"capture\": {\"sid\": \"/id\"}},\n"
        "  {\"admin\": {\"clock_advance\": 10}},\n"
        "  {\"request\": {\"method\": \"POST\", \"path\": \"/s/${sid}\", \"auth\": \"none\",\n"
        "   \"headers\": {\"X-Req\": \"${uuid}\"},\n"
        "   \"body\": {\"fixture\": \"session\", \"pick\": [\"/order_amount\", "
        "\"/billing_address/city\"],\n"
        "            \"patch\": [{\"op\": \"replace\", \"path\": \"/order_amount\", \"value\": "
        "\"${market.amount}\"}]}},\n"
        "   \"expect\": {\"status\": 204, \"body\": \"empty\"}, \"variant_target\": true}],\n"
        " \"variants\": [{\"id\": \"one\", \"title\": \"One\", \"tags\": [\"x\"], \"clauses\": "
        "[\"c.two\"], \"markets\": [\"SE\"],\n"
        "   \"patch\": [{\"op\": \"add\", \"path\": \"/locale\", \"value\": \"${env:HOME}\"}],\n"
        "   \"expect\": {\"status\": 400, \"klarna_error\": {\"error_code\": \"BAD_VALUE\", "
        "\"fields\": [\"locale\"]}}},\n"
        "   {\"id\": \"two\", \"targets\": [\"mock\"]}]}\n"
        "]}\n");
    case_set *set = NULL;
    char *got = case_tree_load(root, &set);
    cr_assert_str_eq(got, "");
    free(got);
    size_t n = 0;
    const char *const *markets = case_set_markets(set, &n);
    cr_assert_eq(n, 2);
    cr_expect_str_eq(markets[0], "SE");
    cr_expect_str_eq(markets[1], "US");
    const case_clause *cl = case_set_clauses(set, &n);
    cr_assert_eq(n, 2);
    cr_expect_str_eq(cl[1].id, "c.two");
    cr_expect(cl[1].mock_only && cl[1].unconfirmed && !cl[0].mock_only);
    case_filter f = {.market = "SE", .target = TARGET_MOCK};
    const case_test **tests = NULL;
    char err[256];
    cr_assert_eq(case_set_select(set, &f, &tests, &n, err, sizeof err), 0, "%s", err);
    cr_assert_eq(n, 2);
    cr_expect_str_eq(tests[0]->id, "flow.one");
    cr_expect_str_eq(tests[0]->title, "One");
    cr_expect_str_eq(tests[0]->suite, "good");
    cr_expect_eq(tests[0]->line, 12);
    cr_expect_eq(tests[0]->n_tags, 2);
    cr_expect_str_eq(tests[0]->tags[1], "x");
    cr_expect_eq(tests[0]->n_clauses, 1);
    cr_expect_str_eq(tests[0]->clauses[0], "c.two");
    cr_expect_eq(tests[0]->n_steps, 3);
    cr_expect_null(tests[0]->skip_reason);
    cr_expect_str_eq(tests[1]->id, "flow.two");
    cr_expect_str_eq(tests[1]->title, "create then update (two)");
    cr_expect_str_eq(tests[1]->clauses[0], "c.one");
    free(tests);
    case_set_free(set);
    case_tree_free(root);
}

Test(case_load, loads_the_real_cases_folder)
{
    const char *src = getenv("KPCT_SOURCE_ROOT");
    cr_assert(src, "KPCT_SOURCE_ROOT is not set");
    char *dir = NULL;
    cr_assert(asprintf(&dir, "%s/cases", src) > 0);
    case_set *set = NULL;
    case_diags d = {0};
    int rc = case_set_load(dir, &set, &d);
    for (size_t i = 0; i < d.count; i++)
        cr_log_error("%s:%d:%d: %s", d.items[i].file, d.items[i].line, d.items[i].col,
                     d.items[i].message);
    cr_assert_eq(rc, 0, "cases/ does not load (%zu problems)", d.count);
    size_t n = 0;
    case_set_markets(set, &n);
    cr_expect_geq(n, 1);
    case_filter f = {.market = "SE", .target = TARGET_MOCK};
    const case_test **tests = NULL;
    char err[256];
    cr_assert_eq(case_set_select(set, &f, &tests, &n, err, sizeof err), 0, "%s", err);
    cr_expect_geq(n, 1);
    free(tests);
    case_set_free(set);
    case_diags_free(&d);
    free(dir);
}

/* A small seeded mutator: byte flips, cuts, duplications and inserted tokens. */
static uint64_t mut_state;
static uint64_t mut_next(void)
{
    uint64_t z = (mut_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static char *mutate(const char *src, size_t *len)
{
    static const char *const tokens[] = {"${",
                                         "${x}",
                                         "${market.zz}",
                                         "\"~1\"",
                                         "[[[[",
                                         "{",
                                         "\"variant_target\": true,",
                                         "\"admin\": {},",
                                         ",",
                                         "\\u0000"};
    kbuf b;
    kbuf_init(&b, 8u << 20);
    kbuf_puts(&b, src);
    int n = 1 + (int)(mut_next() % 5);
    for (int k = 0; k < n && b.len > 0; k++) {
        size_t at = mut_next() % b.len;
        switch (mut_next() % 4) {
        case 0:
            b.data[at] = "{}[]\",:09-$~/ \nax"[mut_next() % 17];
            break;
        case 1: {
            size_t cut = 1 + mut_next() % 40;
            if (at + cut > b.len)
                cut = b.len - at;
            memmove(b.data + at, b.data + at + cut, b.len - at - cut + 1);
            b.len -= cut;
            break;
        }
        case 2:
            b.len = at;
            b.data[at] = '\0';
            break;
        default: {
            const char *t = tokens[mut_next() % (sizeof tokens / sizeof tokens[0])];
            char *rest = strdup(b.data + at);
            b.len = at;
            kbuf_puts(&b, t);
            kbuf_puts(&b, rest);
            free(rest);
        }
        }
    }
    *len = b.len;
    return kbuf_steal(&b);
}

Test(case_load, survives_mutated_copies_of_the_real_suites)
{
    const char *src = getenv("KPCT_SOURCE_ROOT");
    cr_assert(src);
    static const char *const files[] = {"update_ok.json", "update_order_lines.json",
                                        "lifecycle_mock.json", "errors_auth_request.json"};
    char *root = case_tree_new();
    mut_state = 20261125;
    for (int it = 0; it < 120; it++) {
        char *path = NULL;
        cr_assert(asprintf(&path, "%s/cases/%s", src, files[it % 4]) > 0);
        char err[256];
        size_t len = 0;
        char *text = kfile_read(path, CASE_MAX_FILE_BYTES, &len, err, sizeof err);
        free(path);
        if (!text)
            continue; /* the suite engineer may rename files; the others still run */
        size_t mlen = 0;
        char *m = mutate(text, &mlen);
        case_tree_write_bytes(root, "s.json", m, mlen);
        int lines = 1;
        for (size_t i = 0; i < mlen; i++)
            lines += m[i] == '\n';
        case_set *set = NULL;
        case_diags d = {0};
        case_set_load(root, &set, &d);
        for (size_t i = 0; i < d.count; i++) {
            cr_expect(d.items[i].line >= 1 && d.items[i].col >= 1, "%s:%d:%d", d.items[i].file,
                      d.items[i].line, d.items[i].col);
            if (strstr(d.items[i].file, "s.json"))
                cr_expect(d.items[i].line <= lines, "line %d past the end (%d lines)",
                          d.items[i].line, lines);
        }
        case_diags_free(&d);
        case_set_free(set);
        free(m);
        free(text);
    }
    case_tree_free(root);
}

/* ---- one suite document from memory (case_suite_parse) ---- */

typedef struct in_memory {
    const char *name;
    const char *text;
    size_t len;           /* 0: strlen(text) */
    const char *expected; /* every diagnostic, one per line; "" = it parses */
} in_memory;

#define ADMIN(a) HEAD CASE STEPS("{\"admin\": " a "}")

static const in_memory IN_MEMORY[] = {
    {"a plain suite", HEAD CASE STEPS(STEP), 0, ""},
    {"clock_set with a +00:00 offset", ADMIN("{\"clock_set\": \"2030-01-01T00:00:00+00:00\"}"), 0,
     ""},
    {"clock_set with a fraction", ADMIN("{\"clock_set\": \"2030-01-01T00:00:00.250Z\"}"), 0, ""},
    {"a fault the mock takes",
     ADMIN("{\"fault\": {\"kind\": \"status\", \"status\": 503, \"times\": 2}}"), 0, ""},
    /* a member holding a ${reference} is the mock's to judge when the step runs */
    {"a fault whose status is a variable",
     HEAD CASE STEPS("{" GET ", \"expect\": {}, \"capture\": {\"code\": \"/code\"}}, "
                     "{\"admin\": {\"fault\": {\"kind\": \"status\", \"status\": \"${code}\"}}}"),
     0, ""},
    {"a syntax error", "{\"suite\": \"s\",\n \"title\": }\n", 0,
     "mem.json:2:11: JSON syntax error at '}'"},
    {"a NUL byte", "{\"a\":\n \"b\0\"}", 12, "mem.json:2:4: NUL byte in a JSON file"},
    {"no markets without fixtures", HEAD CASE " \"markets\": [\"SE\"],\n" STEPS(STEP), 0,
     "mem.json:3:14: unknown market \"SE\": no fixtures/SE/ folder"},
    {"clock_set outside the calendar", ADMIN("{\"clock_set\": \"2030-13-45T99:99:99Z\"}"), 0,
     "mem.json:3:36: \"clock_set\" must be an RFC 3339 UTC time like \"2030-01-01T00:00:00Z\""},
    {"fault status 700", ADMIN("{\"fault\": {\"kind\": \"status\", \"status\": 700}}"), 0,
     "mem.json:3:32: the mock refuses this fault: status must be an integer from 0 to 599"},
    {"a duplicate test id", HEAD CASE CSTEPS(STEP) ",\n" CASE STEPS(STEP), 0,
     "mem.json:4:8: duplicate test id \"a\" (first at mem.json:2:8)"},
};

static char *parse_in_memory(const in_memory *m, int *rc)
{
    case_set *set = NULL;
    case_diags d = {0};
    *rc = case_suite_parse("mem.json", m->text, m->len ? m->len : strlen(m->text), &set, &d);
    kbuf b;
    kbuf_init(&b, 1u << 16);
    for (size_t i = 0; i < d.count; i++)
        kbuf_printf(&b, "%s%s:%d:%d: %s", i ? "\n" : "", d.items[i].file, d.items[i].line,
                    d.items[i].col, d.items[i].message);
    if ((*rc == 0) != (set != NULL))
        kbuf_puts(&b, "(the set and the return value disagree)");
    case_diags_free(&d);
    case_set_free(set);
    char *s = kbuf_steal(&b);
    return s ? s : strdup("");
}

/* The parameter is the row's index: Criterion copies parameters into a fresh process,
 * where the pointers of a row would not survive but the table itself is the same. */
ParameterizedTestParameters(case_load, parses_one_document_from_memory_with_exact_diagnostics)
{
    static size_t rows[sizeof IN_MEMORY / sizeof IN_MEMORY[0]];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        rows[i] = i;
    return cr_make_param_array(size_t, rows, sizeof rows / sizeof rows[0]);
}

ParameterizedTest(size_t *row, case_load, parses_one_document_from_memory_with_exact_diagnostics)
{
    const in_memory *m = &IN_MEMORY[*row];
    int rc;
    char *got = parse_in_memory(m, &rc);
    cr_expect_str_eq(got, m->expected, "document \"%s\":\n got: %s\nwant: %s", m->name, got,
                     m->expected);
    cr_expect_eq(rc, m->expected[0] ? -1 : 0, "document \"%s\": returned %d", m->name, rc);
    free(got);
}

/* What a fuzzer of the loader does, without touching the filesystem: mutated copies of
 * real suites parsed from memory give a result or diagnostics inside the text, and the
 * set and the return value agree. */
Test(case_load, parses_mutated_suites_from_memory)
{
    const char *src = getenv("KPCT_SOURCE_ROOT");
    cr_assert(src);
    static const char *const files[] = {"update_ok.json", "lifecycle_mock.json",
                                        "errors_auth_request.json"};
    mut_state = 20261201;
    for (int it = 0; it < 300; it++) {
        char *path = NULL;
        cr_assert(asprintf(&path, "%s/cases/%s", src, files[it % 3]) > 0);
        char err[256];
        size_t len = 0;
        char *text = kfile_read(path, CASE_MAX_FILE_BYTES, &len, err, sizeof err);
        free(path);
        if (!text)
            continue; /* the suite engineer may rename files; the others still run */
        size_t mlen = 0;
        char *m = it < 3 ? strdup(text) : mutate(text, &mlen);
        if (it < 3)
            mlen = len;
        int lines = 1;
        for (size_t i = 0; i < mlen; i++)
            lines += m[i] == '\n';
        case_set *set = NULL;
        case_diags d = {0};
        int rc = case_suite_parse("fuzz.json", m, mlen, &set, &d);
        cr_expect_eq(rc == 0, set != NULL, "iteration %d: rc %d and the set disagree", it, rc);
        cr_expect_eq(rc == 0, d.count == 0, "iteration %d: rc %d with %zu problems", it, rc,
                     d.count);
        for (size_t i = 0; i < d.count; i++)
            cr_expect(d.items[i].line >= 1 && d.items[i].line <= lines && d.items[i].col >= 1,
                      "iteration %d: fuzz.json:%d:%d (%d lines): %s", it, d.items[i].line,
                      d.items[i].col, lines, d.items[i].message);
        case_diags_free(&d);
        case_set_free(set);
        free(m);
        free(text);
    }
}
