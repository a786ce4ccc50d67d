"""The benchmark's table reports whatever a server did: a peer that answered nothing in the
window is "> N x", a missing peer a dash; neither loses the table (issue #16: a bench-quick run
crashed at its end with ZeroDivisionError)."""

from benchmarks.run import table


def run(peer):
    endpoint = {
        "name": "map: borough",
        "civicmap": {"rps": 800.0, "p50_ms": 20.0, "p95_ms": 40.0, "p99_ms": 60.0, "errors": 0},
        "limit": {"tps": 1600.0},
        "gzip_bytes": 2048,
    }
    if peer is not None:
        endpoint["peer"] = peer
    return [
        {
            "items": 100_000,
            "endpoints": [endpoint],
            "memory": {"seconds": 20, "change": "+1%", "flat_within_20pct": True},
        }
    ]


def test_a_peer_that_answered_nothing_is_a_result_not_a_crash():
    text = table(run({"rps": 0.0, "errors": 12}))
    assert ">800x" in text and "0/12" in text and "0.50" in text


def test_a_missing_peer_is_a_dash_and_a_real_one_a_ratio():
    assert " - " in table(run(None))
    assert "  2.00" in table(run({"rps": 400.0, "errors": 0}))
