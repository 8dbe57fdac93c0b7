"""parse_circular FILE: reads a Thai official letter and prints its fields as JSON.

FILE is a text file (UTF-8, UTF-8 with BOM, UTF-16 with BOM, or TIS-620/CP874) or ``-`` for
standard input. The JSON has the letter's fields (``deadlines.parsing.FIELDS``) plus
``reference_normalised`` and ``unsure``; why each unsure field is unsure is written to standard
error, so the JSON on standard output stays clean for other programs.

PDFs are refused: the Thai text that PDF libraries extract loses tone marks and vowels.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from deadlines.parsing import MAX_TEXT_BYTES, CircularError, decode_circular, parse_circular
from lgdata.commands import LanguageCommand


class Command(LanguageCommand):
    help = "Reads a Thai official letter (text file, or - for standard input) and prints JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("file", help="The letter as a text file, or - for standard input.")

    def handle(self, *args, file: str, language: str, **options) -> None:
        data = self._read(file)
        try:
            circular = parse_circular(decode_circular(data))
        except CircularError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(circular.to_json_dict(), ensure_ascii=False, indent=2))
        if options["verbosity"] >= 1:
            for field, note in circular.notes.items():
                self.stderr.write(f"{field}: {note}")

    def _read(self, file: str) -> bytes:
        if file == "-":
            stream = getattr(sys.stdin, "buffer", None)
            if stream is None:
                return sys.stdin.read(MAX_TEXT_BYTES + 1).encode("utf-8")
            return stream.read(MAX_TEXT_BYTES + 1)
        path = Path(file)
        try:
            with path.open("rb") as stream:
                return stream.read(MAX_TEXT_BYTES + 1)
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}
            ) from None
