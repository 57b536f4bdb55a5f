"""`graph.neo4j.params`: lists the driver sends whole but logs as their length."""

from __future__ import annotations

import io

from neo4j._codec.packstream.v1 import Packer

from graph.neo4j.params import Rows, quiet


def packed(value: object) -> bytes:
    """As the driver packs a RUN's parameters (its packer is private: should
    it move, the Neo4j contract suite still shows that rows arrive whole)."""
    buffer = io.BytesIO()
    Packer(buffer).pack(value)
    return buffer.getvalue()


def test_rows_pack_as_the_list_they_hold() -> None:
    rows = [{"id": "e1", "holdings": [[0, 3, "2024-01-31"]]}, {"id": "e2", "holdings": []}]
    params = {"rows": rows, "units": ["u1", "u2"], "n": 2}

    assert packed(quiet(params)) == packed(params)


def test_rows_print_as_their_length_only() -> None:
    params = quiet({"rows": [["secret-id", 1]] * 3, "ids": [], "name": "x"})

    assert repr(params) == "{'rows': <3 items>, 'ids': <0 items>, 'name': 'x'}"
    assert isinstance(params["rows"], Rows)
