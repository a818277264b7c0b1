"""Presentation helpers shared by the HTML report and the web app.

The CSS and JavaScript live next to this module as plain files and are inlined into every page
at render time (the report opens from disk and must fetch nothing); `asset` reads them once.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=8)
def asset(name: str) -> str:
    """The text of a packaged web asset (``report.css``, ``report.js``).

    Args:
        name: file name inside ``storyline/web``.
    """
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=8)
def csp_hash(source: str) -> str:
    """The CSP source expression (``'sha256-…'``) that allows exactly this inline block.

    Args:
        source: the exact text between the opening and closing tag.
    """
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def page_csp(*, connect_self: bool = False) -> str:
    """The Content-Security-Policy of a rendered page: only our own inline CSS and JS run.

    Args:
        connect_self: allow ``fetch`` to the serving origin (the upload form in the web app).
    """
    connect = "'self'" if connect_self else "'none'"
    return (f"default-src 'none'; script-src {csp_hash(asset('report.js'))}; "
            f"style-src {csp_hash(asset('report.css'))}; img-src data:; connect-src {connect}; "
            "base-uri 'none'; form-action 'none'")
