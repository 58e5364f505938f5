"""The OpenAPI document describes exactly the /api/v1 routes of the app."""

from __future__ import annotations

import re

from app.api import PREFIX


def _api_paths(app) -> dict[str, set[str]]:
    """Each /api/v1 rule as an OpenAPI path ("/proposals/{proposal_id}") with its methods."""
    paths: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX):
            path = re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", rule.rule[len(PREFIX):])
            paths.setdefault(path, set()).update(
                method.lower() for method in rule.methods - {"HEAD", "OPTIONS"})
    return paths


def _refs(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def _resolve(document: dict, ref: str):
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def test_every_route_is_documented_and_every_documented_path_exists(app, client):
    served = _api_paths(app)
    document = client.get("/api/v1/openapi.json").get_json()
    described = {path: {m for m in item if m in ("get", "post", "put", "patch", "delete")}
                 for path, item in document["paths"].items()}
    assert len(served) >= 12
    assert described == served


def test_path_parameters_match_the_routes(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        declared = {_resolve(document, p["$ref"])["name"] if "$ref" in p else p["name"]
                    for p in item["get"].get("parameters", [])
                    if (_resolve(document, p["$ref"]) if "$ref" in p else p)["in"] == "path"}
        assert declared == set(re.findall(r"{([a-z_]+)}", path)), path


def test_the_document_is_well_formed(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "/api/v1"}]
    assert document["info"]["license"] == {
        "name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
    refs = _refs(document)
    assert len(refs) > 20
    for ref in refs:
        _resolve(document, ref)  # raises KeyError when a reference points nowhere
    for path, item in document["paths"].items():
        operation = item["get"]
        assert operation["summary"] and "200" in operation["responses"], path


def test_documented_fields_are_the_fields_served(client, users):
    """The schemas list exactly the keys the API answers with."""
    from tests.factories import make_consultation, make_goal, make_indicator, make_proposal

    consultation = make_consultation("proposals")
    goal = make_goal("1")
    make_indicator(goal)
    proposal = make_proposal(consultation, users(), goals=[goal])
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    served = {
        "Consultation": client.get(f"/api/v1/consultations/{consultation.id}").get_json(),
        "Proposal": client.get("/api/v1/proposals").get_json()["items"][0],
        "ProposalDetails": client.get(f"/api/v1/proposals/{proposal.id}").get_json(),
        "Goal": client.get(f"/api/v1/goals/{goal.id}").get_json(),
    }
    served["Indicator"] = served["Goal"]["indicators"][0]
    served["Pledges"] = served["Proposal"]["pledges"]
    for name, body in served.items():
        assert set(schemas[name]["properties"]) == set(body), name
        assert set(schemas[name]["required"]) == set(body), name
