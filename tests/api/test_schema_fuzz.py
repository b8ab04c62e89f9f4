"""Schema fuzzing of ``/api/v1`` in process (ASGI, no network), as an admin: whatever a client
sends, within the OpenAPI schema or outside it, the answer is never a server error and is one
the schema documents (status, content type, body).

Bounded to seconds: a few derandomized examples per operation and no coverage phase (its
boundary values, ids of 2^31 and 2^63 among them, are pinned in test_hostile_input.py).
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app

# Both databases: whatever a client sends must be refused before the database, on either dialect.
pytestmark = pytest.mark.dialects

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app()).include(
    path_regex="^/api/v1/"
)
schema.config.phases.coverage.enabled = False
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_answers_every_input_as_documented(case, admin_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_key}"}, checks=CHECKS)
