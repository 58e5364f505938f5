"""The yardstick: a bare Flask app rendering one template of the same size as Agora's page."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, render_template_string

TEMPLATE = Path(os.environ.get("BARE_TEMPLATE", Path(__file__).with_name("bare.html")))

app = Flask(__name__)
_source = TEMPLATE.read_text(encoding="utf-8") if TEMPLATE.exists() else "<p>{{ n }}</p>"


@app.route("/")
def page():
    """Render the stored page through Jinja, as a real view renders its template."""
    return render_template_string(_source, n=1)
