"""Hostile text in every field residents and staff write, shown in a real browser: nothing runs.

The payloads are planted straight into the database (as if a sanitiser had been bypassed on
the way in, for the plain-text fields) and through the Markdown renderer for rich text; the
pages are opened in Chromium with `alert`, `confirm` and `prompt` hooked, and the DOM is
checked for event-handler attributes, script elements and javascript: links.
"""

from __future__ import annotations

import json

import pytest

from app.accounts.models import Role
from app.consultations.models import District
from app.db_types import utcnow
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind
from tests.factories import (
    make_comment,
    make_consultation,
    make_goal,
    make_indicator,
    make_proposal,
)
from tests.shared_data import shared_data

pytestmark = pytest.mark.browser

BLNS = shared_data("naughty-strings") / "blns.json"
BASE_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">klik</a>',
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "[klik](javascript:alert(1))",
    '<details open ontoggle="alert(1)">',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "{{ 7*7 }} {% raw %}",
]

HOOK = """
window.__executions = 0;
for (const name of ['alert', 'confirm', 'prompt']) {
  window[name] = () => { window.__executions += 1; };
}
"""

DOM_CHECK = """() => {
  const problems = [];
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      if (attribute.name.startsWith('on')) problems.push(element.tagName + ' ' + attribute.name);
    }
  }
  for (const link of document.querySelectorAll('[href], [src], [action]')) {
    for (const name of ['href', 'src', 'action']) {
      const value = (link.getAttribute(name) || '').replace(/\\s/g, '').toLowerCase();
      if (value.startsWith('javascript:') || value.startsWith('data:text/html')) {
        problems.push(link.tagName + ' ' + name + '=' + value);
      }
    }
  }
  for (const script of document.querySelectorAll('script')) {
    const source = script.getAttribute('src') || '';
    if (!source.startsWith('/static/')) problems.push('script ' + (source || script.textContent));
  }
  for (const frame of document.querySelectorAll('iframe, object, embed')) {
    problems.push(frame.tagName);
  }
  return problems;
}"""


def payloads() -> list[str]:
    chosen = list(BASE_PAYLOADS)
    if BLNS.exists():
        hostile = [s for s in json.loads(BLNS.read_text(encoding="utf-8"))
                   if isinstance(s, str) and "<" in s
                   and any(word in s.lower() for word in ("script", "onerror", "onload",
                                                          "javascript", "onfocus"))]
        chosen += hostile[:40]
    return chosen


def plant(users) -> dict[str, str]:
    """Put every payload into every kind of field; return the pages that show them."""
    texts = payloads()
    author = users(Role.RESIDENT, name=texts[1][:80])
    consultation = make_consultation("proposals", title=texts[0][:200], summary=texts[1][:500],
                                     description="\n".join(texts))
    goal = make_goal(title=texts[2][:300], description="\n".join(texts))
    make_indicator(goal, name=texts[3][:300], source=texts[4][:300], unit=texts[5][:50])
    district = District(name=texts[6][:120])
    db.session.add(district)
    db.session.add(Organisation(name=texts[7][:200], kind=OrganisationKind.NGO,
                                description="\n".join(texts), approved_at=utcnow()))
    db.session.commit()
    first = None
    for index, text in enumerate(texts):
        proposal = make_proposal(consultation, author, goals=[goal], title=text[:200] or "x",
                                 body_markdown=text + "\n\n" + texts[index - 1],
                                 district_id=district.id)
        first = first or proposal
        make_comment(first, author, body=text)
    organisation = db.session.scalar(db.select(Organisation))
    return {
        "list": "/proposals", "list2": "/proposals?page=2",
        "proposal": f"/proposals/{first.id}",
        "consultation": f"/consultations/{consultation.id}", "consultations": "/consultations",
        "strategy": "/strategy", "goal": f"/strategy/{goal.code}",
        "organisations": "/organisations/", "organisation": f"/organisations/{organisation.id}",
    }


def test_no_payload_runs_anywhere(page, users, live_server):
    pages = plant(users)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.context.add_init_script(HOOK)
    for name, path in pages.items():
        response = page.goto(path)
        assert response.status == 200, f"{name}: {path} -> {response.status}"
        page.wait_for_load_state("load")
        assert page.evaluate("window.__executions") == 0, name
        assert page.evaluate(DOM_CHECK) == [], name
    assert dialogs == []
