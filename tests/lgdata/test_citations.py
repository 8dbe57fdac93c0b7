"""The code cites the repository's own documents: every ``docs/….md`` it names exists, and it
names no document outside the repository and no issue number (a reader has neither)."""

import fnmatch
import os
import re
from pathlib import Path

from django.test import SimpleTestCase

from tests.sources import ROOT

SOURCES = ("*.py", "*.html", "*.txt", "*.yaml", "*.cfg", "*.toml", "Makefile", "run")
SKIPPED = {".venv", "var", "vendor", "node_modules", ".git"}
DOC = re.compile(r"\bdocs/[\w./-]+?\.md\b")
OUTSIDE = re.compile(
    r"\bissues?\s+#?\d+|\bDESIGN(?:\.md)?\s*§|\bDESIGN\.md|\bSTYLE\.md|\.\./shared/"
)


def sources() -> list[Path]:
    """The repository's source files, in one walk that never enters the skipped folders."""
    found = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED)
        found += [
            Path(folder) / name
            for name in sorted(files)
            if any(fnmatch.fnmatch(name, pattern) for pattern in SOURCES)
        ]
    return [path for path in found if path != Path(__file__).resolve()]


def citations() -> tuple[list[str], list[str]]:
    """The ``docs/`` files named that do not exist, and the citations of what is outside."""
    missing, outside = [], []
    for path in sources():
        relative = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            missing += [
                f"{relative}:{number}: {doc}"
                for doc in DOC.findall(line)
                if not (ROOT / doc).is_file()
            ]
            outside += [f"{relative}:{number}: {m}" for m in OUTSIDE.findall(line)]
    return missing, outside


class CitationsTestCase(SimpleTestCase):
    def test_the_code_cites_documents_that_exist_in_the_repository(self):
        missing, outside = citations()
        self.assertEqual(missing, [])
        self.assertEqual(outside, [])

    def test_the_check_sees_a_missing_document_and_an_issue_number(self):
        self.assertEqual(
            DOC.findall("see docs/nowhere.md, and docs/api.md"), ["docs/nowhere.md", "docs/api.md"]
        )
        self.assertTrue(OUTSIDE.search("as issue 7 asks"))
        self.assertTrue(OUTSIDE.search("the statuses of DESIGN §3"))
        self.assertFalse(OUTSIDE.search("records/issues.py"))
