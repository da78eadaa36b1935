# Schemathesis hooks for test/gateway/contract.test.ts.
#
# Known data. Drawn at random, an order id, a shipment id or a password is never a
# real one, so those operations only ever answer 404 or 401 and the fuzzer never
# reaches what they do (Schemathesis warns: "missing test data", "authentication
# failed"; the test fails on warnings). The test creates real ones first and passes
# them in SAGASHOP_KNOWN, a JSON object:
#   {"path": {"<operationId>": {"<parameter>": "<value>"}}, "body": {"<operationId>": {...}}}
# Every other valid value drawn for such a parameter (or body) is replaced by the
# known one; the rest, and every invalid value, are sent as drawn, so unknown ids
# (404) and invalid ones (400) are still checked. Which ones is decided by counting
# an operation's cases, not by a random draw, so a run's seed (one worker) replays
# it; not by the drawn value either, which for some parameters is nearly always
# the schema's example.
# Schemathesis revalidates what this hook changes, so the checks judge the
# request as sent.
#
# Idempotency-Keys. An Idempotency-Key names one request: the same key with another
# body is refused with 422 by contract (docs/api.md). The fuzzer draws keys from a small
# space (the schema's example, boundary values), so it would keep reusing one key
# for different bodies and read the 422s as valid data refused. Each request that
# carries a valid key gets a fresh one instead; invalid keys are left as drawn, so
# their rejection is still checked.
import atexit
import collections
import json
import os
import re
import sys
import uuid

import schemathesis
from schemathesis.core.parameters import ParameterLocation

VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
KNOWN = json.loads(os.environ.get("SAGASHOP_KNOWN") or "{}")


def _operation_id(case):
    return case.operation.definition.raw.get("operationId")


_drawn = collections.Counter()
# How often each operation was sent known data: printed at the end of the run, so a
# warning about missing data can be told apart from hooks that never applied.
_sent_known = collections.Counter()


@atexit.register
def _report():
    sent = ", ".join(f"{op} {n}" for op, n in sorted(_sent_known.items())) or "none"
    print(f"sagashop hooks: known data sent to {sent}", file=sys.stderr)


def _every_other(case, location):
    """True for every other case of the operation with a valid value at `location`."""
    _drawn[(case.operation.label, location)] += 1
    return _drawn[(case.operation.label, location)] % 2 == 1


def _drawn_valid(case, location):
    # Only a component Schemathesis drew as valid: an invalid one stays invalid, on purpose.
    meta = case.meta
    return meta is not None and location in meta.components and not meta.is_negative_at(location)


def _use_known_path(case):
    known = KNOWN.get("path", {}).get(_operation_id(case))
    params = case.path_parameters
    if not known or not params or not _drawn_valid(case, ParameterLocation.PATH) or not _every_other(case, "path"):
        return
    for name, value in known.items():
        if name in params:
            params[name] = value
    _sent_known[_operation_id(case)] += 1


def _use_known_body(case):
    known = KNOWN.get("body", {}).get(_operation_id(case))
    body = case.body
    if not known or not isinstance(body, dict) or not _drawn_valid(case, ParameterLocation.BODY) or not _every_other(case, "body"):
        return
    body.update(known)
    _sent_known[_operation_id(case)] += 1


def _fresh_idempotency_key(case):
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key" and isinstance(headers[name], str) and VALID_KEY.match(headers[name]):
            headers[name] = str(uuid.uuid4())


@schemathesis.hook
def before_call(context, case, kwargs):
    _use_known_path(case)
    _use_known_body(case)
    _fresh_idempotency_key(case)
