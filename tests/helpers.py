"""Running IML snippets in tests: output, log, exit status and variable values."""
from __future__ import annotations

from imlpy import Session


class Result:
    def __init__(self, session, out, log, combined):
        self.session = session
        self.out = "".join(out)
        self.log = "".join(log)
        self.text = "".join(combined)      # listing and log interleaved as a user sees them
        self.status = session.diagnostics.exit_status

    def __getitem__(self, name):
        return self.session.globals[name.lower()]


def run(code: str) -> Result:
    out, log, combined = [], [], []

    def to_out(text):
        out.append(text)
        combined.append(text)

    def to_log(text):
        log.append(text)
        combined.append(text)

    session = Session(out=to_out, log=to_log)
    session.run(code)
    return Result(session, out, log, combined)
