"""Messages of the services and the intake, in the reader's language.

The services and the file readers word their refusals, row errors and warnings in English,
and the command line shows them as they are. A web page shows them through `localise`: each
entry of `MESSAGES` is one English message with `%(name)s` placeholders where it varies (unit
codes, numbers, the value found); a message that matches one is shown translated, with the
varying parts kept as written unless they are themselves known words (a list's state). A
message no entry matches is shown in English, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from muster.web.i18n import N_

MESSAGES = (
    # what a file's cell or the file should have been (RowError.expected)
    N_("a date YYYY-MM-DD"),
    N_("a whole number, 0 or more"),
    N_("one of %(choices)s"),
    N_("one or more values separated by ';'"),
    N_("text"),
    N_("at most %(n)s characters in a cell"),
    N_("text without control characters (such as NUL bytes)"),
    N_("a value (%(column)s is required)"),
    N_("a person deployed within %(unit)s"),
    N_("%(n)s fields, as in the header row"),
    N_("a column name"),
    N_("one of the columns %(names)s"),
    N_("each column named once"),
    N_("a column named %(name)s"),
    N_("a header row naming the columns"),
    N_("at most %(n)s rows"),
    N_("a smaller file (split the list)"),
    N_("no value outside the named columns"),
    N_("RFC 4180 quoting: a field in quotes ends with a quote, inner quotes doubled"),
    N_("a CSV file or an XLSX workbook"),
    N_("a CSV file or an XLSX workbook with a header row"),
    N_("a CSV file or an XLSX workbook (save it as .xlsx)"),
    N_("a CSV file or an XLSX workbook (save it as .xlsx or .csv)"),
    N_("an XLSX workbook saved again by a spreadsheet program"),
    N_("an ordinary XLSX workbook"),
    N_("a workbook without a password"),
    N_("an XLSX workbook (save it as .xlsx)"),
    N_("a workbook whose first sheet is the list"),
    N_("an undamaged workbook"),
    N_("text in %(encodings)s"),
    N_("at most %(n)s MB unpacked (split the list)"),
    # what was found instead (RowError.value of a whole-file error)
    N_("an empty file"),
    N_("binary data, not text"),
    N_("an HTML or XML document"),
    N_("an Excel 2003 XML spreadsheet"),
    N_("an old Excel 97-2003 (.xls) or password-protected file"),
    N_("a PDF document"),
    N_("a PNG image"),
    N_("a JPEG image"),
    N_("a GIF image"),
    N_("a program"),
    N_("a Windows program"),
    N_("a gzip archive"),
    N_("a 7-Zip archive"),
    N_("a RAR archive"),
    N_("an RTF document"),
    N_("a damaged zip archive"),
    N_("an encrypted archive"),
    N_("an OpenDocument file (.ods)"),
    N_("a Word document"),
    N_("a zip archive that is not a workbook"),
    N_("no header row"),
    N_("%(n)s data rows"),
    N_("a field with broken quoting"),
    N_("an empty first sheet"),
    N_("a workbook without sheets"),
    N_("a file too large to read"),
    # warnings (RowWarning.message)
    N_("may be the same person as row %(row)s"),
    N_("%(n)s more possible duplicates not listed"),
    N_("not a person of your unit's registry; linkage decides who this is"),
    N_("%(n)s more such person ids"),
    # refusals of the call-for-lists loop (DomainError)
    N_("no call %(call)s"),
    N_("unit %(unit)s is not asked for a list by call %(call)s"),
    N_("%(unit)s has already reported nothing for call %(call)s"),
    N_(
        "%(unit)s is not a workplace: a consulate or mission passes its children's lists on "
        "by forwarding them"
    ),
    N_(
        "another list for %(unit)s was being stored at the same moment; your file was kept: "
        "please send it again"
    ),
    N_("%(unit)s is a workplace: its accepted list goes up when its parent forwards"),
    N_(
        "%(unit)s cannot forward everything yet: %(outstanding)s. Forward partially to pass "
        "on what is accepted now"
    ),
    N_("%(unit)s: nothing was accepted since its last forward"),
    N_("there is no accepted list to forward yet"),
    N_("a password needs at least %(n)s characters"),
    N_("cannot %(action)s the list of %(unit)s for call %(call)s: it is %(state)s"),
    N_("a returned list needs a reason the unit can act on"),
    N_("%(text)s is not a date-time; expected ISO 8601 such as 2021-07-24T18:00:00+09:00"),
    N_("scope %(scope)s is not within the issuing unit %(unit)s"),
    N_("a workplace cannot issue a call for lists"),
    N_("a call needs at least one category"),
    N_("deadlines must not run backwards: workplace <= consulate <= mission (got %(got)s)"),
    N_(
        "%(name)s was not accepted: the archive could not keep it (%(why)s); nothing was "
        "changed, please send it again later"
    ),
    N_("tick at least one person to add"),
    # why the planner did not move someone (planning.explain: a plan's not-moved details);
    # a detail naming several limits joins them with "; ", each with its days
    N_("ready %(ready)s, after the horizon (%(last)s)"),
    N_("no route of host %(host)s both ways is open within the horizon"),
    N_("no route of host %(host)s home is open within the horizon"),
    N_("no route out to its hosts is open within the horizon"),
    N_("ready %(ready)s, after the last day of host %(host)s both ways is open (%(last)s)"),
    N_("ready %(ready)s, after the last day of host %(host)s home is open (%(last)s)"),
    N_("ready %(ready)s, after the last day out to its hosts is open (%(last)s)"),
    N_("no replacement has trade '%(trade)s' for host '%(host)s'"),
    N_(
        "all %(n)s replacements with trade '%(trade)s' for host '%(host)s' are scheduled or "
        "ready too late"
    ),
    N_("no workplace of trade %(trades)s in host %(hosts)s"),
    N_("home seats full (route %(routes)s) %(days)s"),
    N_("out seats full (route %(routes)s) %(days)s"),
    N_("quarantine beds full %(days)s"),
    N_("no replacement left %(days)s"),
    N_("no vacancy for trade '%(trade)s' in %(host)s %(days)s"),
    N_("not reached within the time limit %(days)s"),
    N_("%(spans)s and %(n)s more periods"),
    # a plan's warnings (planning.validate)
    N_(
        "workplaces[%(i)s].occupied: %(occupied)s is less than the %(n)s returnees listed at "
        "'%(workplace)s'; planned with occupied = %(given)s as given"
    ),
    # why a background job failed (services.jobs, job_kinds and the services they run)
    N_(
        "the job stopped on an unexpected error; nothing it had not finished was saved. Try "
        "again; if it fails again, the operator finds the details in the server's log"
    ),
    N_("the job was interrupted %(n)s times (its worker stopped)"),
    N_("the user %(name)s who asked for this job no longer exists"),
    N_("the file was refused: %(n)s error(s); nothing was imported"),
    N_("the job needs %(name)s as a whole number, not %(value)s"),
    N_("the job needs %(name)s as text, not %(value)s"),
    N_("an import is of units, people or replacements, not %(kind)s"),
    N_("no %(kind)s file %(file)s received from you"),
    N_("the plan's start must be a date YYYY-MM-DD: %(why)s"),
    N_("the plan's time limit must be a number of seconds, not %(value)s"),
    N_("the plan's horizon must be 1 to 366 days, not %(n)s"),
    N_("quarantine capacity at home is not set; set the beds and days first"),
    N_("consolidation is for a consulate, mission or headquarters, not a workplace"),
    N_("user %(user)s lacks the %(permission)s permission"),
    N_(
        "user %(user)s of unit %(unit)s: only headquarters does this (rotation data and plans "
        "span every host: routes, quarantine, the replacement pool)"
    ),
    N_(
        "user %(user)s of unit %(unit)s may not act for unit %(target)s: it is outside their "
        "unit's subtree"
    ),
    # actions named inside a refusal ("cannot accept the list of ...")
    N_("save draft"),
    N_("submit"),
    N_("return"),
    N_("accept"),
    N_("forward"),
)

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
SEPARATOR = "; "


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each message as an anchored pattern; placeholders match any text (shortest first).

    The messages with the most fixed text are tried first, so that "one of the columns
    %(names)s" wins over "one of %(choices)s".
    """
    found = []
    for message in sorted(MESSAGES, key=lambda m: -len(_PLACEHOLDER.sub("", m))):
        parts = _PLACEHOLDER.split(message)
        # split() alternates literal text and placeholder names
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
        )
        found.append((message, re.compile(regex + r"\Z", re.DOTALL)))
    return tuple(found)


def localise(text: object, gettext: Callable[[str], str]) -> str:
    """`text` in the reader's language when it is a known message, else as it is.

    A text that is no known message but joins several with "; " (a planner's detail naming
    each limit that held someone back) is shown part by part.
    """
    if text is None:
        return ""
    written = str(text)
    for message, pattern in _patterns():
        matched = pattern.match(written)
        if matched:
            parts = {k: _part(v, gettext) for k, v in matched.groupdict().items()}
            return gettext(message) % parts
    if SEPARATOR in written:
        return SEPARATOR.join(localise(part, gettext) for part in written.split(SEPARATOR))
    return written


def _part(value: str, gettext: Callable[[str], str]) -> str:
    """A varying part: a known message or word (a state, an action) translated, else as is."""
    inner = localise(value, gettext)
    return inner if inner != value else gettext(value)
