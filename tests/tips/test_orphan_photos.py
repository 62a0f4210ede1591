"""Issue 17 item 10: photo files left behind by a killed worker are swept away."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tests.factories import TipFactory
from tipboard.extensions import db
from tipboard.jobs import JOBS
from tipboard.tips.models import PendingUpload, TipPhoto

DAY = 24 * 3600


def make_file(directory: Path, name: str, age_seconds: float) -> Path:
    path = directory / name
    path.write_bytes(b"\xff\xd8\xff not really a photo")
    stamp = time.time() - age_seconds
    os.utime(path, (stamp, stamp))
    return path


def test_the_daily_sweep_removes_old_unnamed_photo_files_only(app, app_ctx):
    directory = Path(app.config["PHOTO_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    tip = TipFactory()
    tip.photos.append(
        TipPhoto(file_name="A" * 24 + ".jpg", thumb_name="A" * 24 + ".t.jpg", width=1, height=1, size_bytes=1)
    )
    db.session.add(
        PendingUpload(
            token="t" * 43,
            file_name="P" * 24 + ".jpg",
            thumb_name="P" * 24 + ".t.jpg",
            width=1,
            height=1,
            size_bytes=1,
        )
    )
    db.session.commit()
    kept = [
        make_file(directory, "A" * 24 + ".jpg", 3 * DAY),  # a tip's photo
        make_file(directory, "A" * 24 + ".t.jpg", 3 * DAY),
        make_file(directory, "P" * 24 + ".t.jpg", 3 * DAY),  # a pending upload's thumbnail
        make_file(directory, "Y" * 24 + ".jpg", 3600),  # young: its row may not be committed yet
        make_file(directory, "notes-kept-by-staff.txt", 3 * DAY),  # not a name the intake gives
    ]
    orphans = [
        make_file(directory, "O" * 24 + ".jpg", 2 * DAY),  # killed after writing both files
        make_file(directory, "O" * 24 + ".t.jpg", 2 * DAY),
        make_file(directory, "H" * 24 + ".jpg", DAY + 600),  # killed before the thumbnail
    ]

    assert JOBS["tips.orphan_photos"].func() == 3
    assert all(path.exists() for path in kept)
    assert not any(path.exists() for path in orphans)

    # Once per station day, like the other daily jobs; a run by hand on the same day does nothing.
    again = make_file(directory, "R" * 24 + ".jpg", 2 * DAY)
    assert JOBS["tips.orphan_photos"].func() == 0 and again.exists()
    for path in [*kept, again]:
        path.unlink()
