"""Helpers for the applicant forms' tests: a challenge solved as the widget solves it, and form data."""

import json

from altcha.v2 import Challenge, Payload, solve_challenge


def solved_challenge(client):
    """A payload for the `challenge` field: a fresh challenge from our endpoint, solved by brute force (as the
    widget's workers do in a browser)."""
    response = client.get("/altcha/challenge/")
    assert response.status_code == 200
    challenge = Challenge.from_dict(json.loads(response.content))
    solution = solve_challenge(challenge, timeout=60)
    assert solution is not None
    return Payload(challenge, solution).to_base64()


def question_data(client, page=None, **fields):
    data = {
        "name": "Alex Rivera",
        "email": "alex.rivera@example.com",
        "question": "Do residents choose their continuity clinic, and when?",
        "applicant_kind": "medical_student",
        "website": "",
        "page": getattr(page, "pk", page or ""),
    }
    data.update(fields)
    if "challenge" not in fields:
        data["challenge"] = solved_challenge(client)
    return data
