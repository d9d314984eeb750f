"""A filing in progress: the answers of each step in the session, uploaded files in the default
storage under ``portal-drafts/<token>/`` until the application is submitted (then they go through
the intake service, which checks and hashes them again, and the draft files are deleted)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

ROOT = "portal-drafts"

STEPS = ("subject", "entry", "details", "applicant", "attachments", "review")
# A changed answer invalidates the steps that depend on it.
DEPENDENTS = {"subject": ("entry",)}


class Draft:
    def __init__(self, request, kind: str):
        self.session = request.session
        self.key = f"portal_draft_{kind}"
        self.state = self.session.get(self.key) or {"token": secrets.token_hex(12), "data": {}, "files": [],
                                                   "done": []}
        # Files of a draft left too long are swept (drafts_sweep); forget them here too.
        kept = [f for f in self.files if default_storage.exists(f["path"])]
        if len(kept) != len(self.files):
            self.state["files"] = kept
            if "attachments" in self.state["done"]:
                self.state["done"].remove("attachments")

    @property
    def data(self) -> dict:
        return self.state["data"]

    @property
    def files(self) -> list[dict]:
        return self.state["files"]

    def files_of(self, group: str) -> list[dict]:
        return [f for f in self.files if f["group"] == group]

    def first_open(self) -> str:
        return next(step for step in STEPS if step not in self.state["done"] or step == "review")

    def save(self) -> None:
        self.session[self.key] = self.state
        self.session.modified = True

    def complete(self, step: str, values: dict) -> None:
        for name, value in values.items():
            if self.data.get(name) != value:
                for dependent in DEPENDENTS.get(step, ()):
                    if dependent in self.state["done"]:
                        self.state["done"].remove(dependent)
        self.data.update(values)
        if step not in self.state["done"]:
            self.state["done"].append(step)
        self.save()

    def prefill(self, values: dict) -> None:
        """Answers given in advance (a link's codes): shown in their steps, not yet completed."""
        self.data.update(values)
        self.save()

    def reopen(self, step: str) -> None:
        if step in self.state["done"]:
            self.state["done"].remove(step)
        self.save()

    def add_files(self, group: str, checked) -> None:
        for name, data, content_type in checked:
            path = default_storage.save(f"{ROOT}/{self.state['token']}/{secrets.token_hex(8)}",
                                        ContentFile(data))
            self.files.append({"id": secrets.token_hex(6), "group": group, "name": name[:255], "size": len(data),
                               "content_type": content_type, "path": path})
        self.save()

    def remove_file(self, file_id: str) -> None:
        for item in [f for f in self.files if f["id"] == file_id]:
            default_storage.delete(item["path"])
            self.files.remove(item)
        self.save()

    def uploads(self, group: str) -> list[ContentFile]:
        """The group's files as uploads for the intake service."""
        out = []
        for item in self.files_of(group):
            with default_storage.open(item["path"], "rb") as fh:
                out.append(ContentFile(fh.read(), name=item["name"]))
        return out

    def clear(self) -> None:
        for item in self.files:
            if default_storage.exists(item["path"]):
                default_storage.delete(item["path"])
        self.session.pop(self.key, None)
        self.session.modified = True


def drafts_sweep(*, older_than: dt.timedelta = dt.timedelta(days=7)) -> int:
    """Delete the uploaded files of filings abandoned before submission (no file of the draft
    touched for ``older_than``). Returns how many files were deleted."""
    if not default_storage.exists(ROOT):
        return 0
    cutoff = timezone.now() - older_than
    removed = 0
    drafts, _files = default_storage.listdir(ROOT)
    for token in drafts:
        _dirs, names = default_storage.listdir(f"{ROOT}/{token}")
        paths = [f"{ROOT}/{token}/{name}" for name in names]
        if all(default_storage.get_modified_time(path) < cutoff for path in paths):
            for path in paths:
                default_storage.delete(path)
                removed += 1
    return removed
