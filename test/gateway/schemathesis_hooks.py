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
# the schema's example. The count is kept per phase and per kind of case (valid or
# invalid as a whole), and its first case takes the known data: Schemathesis judges
# each phase of an operation on its valid cases alone and warns ("missing test
# data") when none of them was served, so every phase needs a valid case with the
# known data. A count across phases and kinds could give all of a phase's few valid
# cases drawn ids (a valid path under an invalid body counts too), and whether it
# did depended on how many cases earlier phases drew.
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
# How often each operation was sent known data, and what it answered: printed at the end
# of the run, so a warning about missing data can be told apart from hooks that never
# applied and from known data the API refused.
_sent_known = collections.Counter()
_known_answers = collections.defaultdict(collections.Counter)
_known_case_ids = set()


@atexit.register
def _report():
    def answers(op):
        return " ".join(f"{status}x{n}" for status, n in sorted(_known_answers[op].items()))

    sent = ", ".join(f"{op} {n} ({answers(op)})" for op, n in sorted(_sent_known.items())) or "none"
    print(f"sagashop hooks: known data sent to {sent}", file=sys.stderr)


def _sent_known_to(case):
    _sent_known[_operation_id(case)] += 1
    _known_case_ids.add(case.id)


def _every_other(case, location):
    """True for the first and every other case of its operation, phase and kind with a valid value at `location`."""
    meta = case.meta
    key = (case.operation.label, location, meta.phase.name, meta.generation.mode)
    _drawn[key] += 1
    return _drawn[key] % 2 == 1


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
    _sent_known_to(case)


def _use_known_body(case):
    known = KNOWN.get("body", {}).get(_operation_id(case))
    body = case.body
    if not known or not isinstance(body, dict) or not _drawn_valid(case, ParameterLocation.BODY) or not _every_other(case, "body"):
        return
    body.update(known)
    _sent_known_to(case)


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


@schemathesis.hook
def after_call(context, case, response):
    if case.id in _known_case_ids:
        _known_case_ids.discard(case.id)
        _known_answers[_operation_id(case)][response.status_code] += 1
