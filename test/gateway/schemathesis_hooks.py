# Schemathesis hooks for test/gateway/contract.test.ts.
#
# An Idempotency-Key names one request: the same key with another body is refused
# with 422 by contract (docs/api.md). The fuzzer draws keys from a small space (the
# schema's example, boundary values), so it would keep reusing one key for
# different bodies and read the 422s as valid data refused. Each request that
# carries a valid key gets a fresh one instead; invalid keys are left as drawn, so
# their rejection is still checked.
import re
import uuid

import schemathesis

VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key" and isinstance(headers[name], str) and VALID_KEY.match(headers[name]):
            headers[name] = str(uuid.uuid4())
