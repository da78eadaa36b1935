# Schemathesis hooks for test/gateway/contract.test.ts.
#
# Known data. Drawn at random, an order id, a shipment id or a password is never a
# real one, so those operations only ever answer 404 or 401 and the fuzzer never
# reaches what they do (Schemathesis warns: "missing test data", "authentication
# failed"; the test fails on warnings). The test creates real ones first and passes
# them in SAGASHOP_KNOWN, a JSON object:
#   {"path": {"<operationId>": {"<parameter>": "<value>"}}, "body": {"<operationId>": {...}}}
# Half of the valid values drawn for such a parameter (or body) are replaced by the
# known one; the other half, and every invalid value, are sent as drawn, so unknown
# ids (404) and invalid ones (400) are still checked. Which half is decided by a
# hash of the drawn value, not by a random draw, so a run's seed replays it.
# Schemathesis revalidates what this hook changes, so the checks judge the
# request as sent.
#
# Idempotency-Keys. An Idempotency-Key names one request: the same key with another
# body is refused with 422 by contract (API.md). The fuzzer draws keys from a small
# space (the schema's example, boundary values), so it would keep reusing one key
# for different bodies and read the 422s as valid data refused. Each request that
# carries a valid key gets a fresh one instead; invalid keys are left as drawn, so
# their rejection is still checked.
import hashlib
import json
import os
import re
import uuid

import schemathesis
from schemathesis.core.parameters import ParameterLocation

VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
KNOWN = json.loads(os.environ.get("SAGASHOP_KNOWN") or "{}")


def _operation_id(case):
    return case.operation.definition.raw.get("operationId")


def _half(value):
    """True for about half of all drawn values, the same half every time."""
    return hashlib.sha256(repr(value).encode()).digest()[0] % 2 == 0


def _drawn_valid(case, location):
    # Only a component Schemathesis drew as valid: an invalid one stays invalid, on purpose.
    meta = case.meta
    return meta is not None and location in meta.components and not meta.is_negative_at(location)


def _use_known_path(case):
    known = KNOWN.get("path", {}).get(_operation_id(case))
    params = case.path_parameters
    if not known or not params or not _drawn_valid(case, ParameterLocation.PATH) or not _half(params):
        return
    for name, value in known.items():
        if name in params:
            params[name] = value


def _use_known_body(case):
    known = KNOWN.get("body", {}).get(_operation_id(case))
    body = case.body
    if not known or not isinstance(body, dict) or not _drawn_valid(case, ParameterLocation.BODY) or not _half(body):
        return
    body.update(known)


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
