"""The API's contract, fuzzed: Schemathesis generates requests for every operation in the OpenAPI
document; no answer may be a server error or differ from the schema.

(Driven through Hypothesis directly: Schemathesis' pytest plugin does not run on pytest 9.)
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from civicmap.api.registry import ENDPOINTS

# Enough examples to explore each operation's parameters; the whole file takes about 20 s.
EXAMPLES = 200


@pytest.fixture(scope="module")
def api_schema(app, demo_data):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_every_operation_is_fuzzed(api_schema):
    documented = {op.ok().path for op in api_schema.get_all_operations()}
    assert documented == {e.path for e in ENDPOINTS}


@pytest.mark.parametrize("path", sorted({e.path for e in ENDPOINTS}))
def test_operation_keeps_its_contract(api_schema, path):
    operation = api_schema[path]["GET"]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def fuzz(case):
        # Schema-valid but meaningless values (a bbox whose west lies east of its east) are
        # refused with a 400 on purpose, so "every valid request is accepted" is not checked.
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    fuzz()
