"""Words for codes the pages show (states, timeliness, levels, categories), marked for gettext.

Templates translate them where shown: `{{ _(labels[code]) }}`; a code without a label is
shown as it is (a deployment's own category, say).
"""

from __future__ import annotations

from muster.web.i18n import N_

LABELS: dict[str, str] = {
    # submission states
    "not_submitted": N_("not submitted"),
    "draft": N_("draft"),
    "submitted": N_("submitted"),
    "returned": N_("returned"),
    "accepted": N_("accepted"),
    "forwarded": N_("forwarded"),
    # timeliness
    "pending": N_("pending"),
    "on_time": N_("on time"),
    "late": N_("late"),
    "missing": N_("missing"),
    # levels
    "headquarters": N_("headquarters"),
    "mission": N_("mission"),
    "consulate": N_("consulate"),
    "workplace": N_("workplace"),
    # answers
    "yes": N_("yes"),
    "no": N_("no"),
    "unknown": N_("unknown"),
    # diff
    "added": N_("added"),
    "removed": N_("removed"),
    "changed": N_("changed"),
    # file outcomes
    "rejected": N_("rejected"),
    "duplicate": N_("duplicate"),
    "failed": N_("failed"),
    "interrupted": N_("interrupted"),
    # default categories (SPEC §4)
    "illness": N_("Cannot work: illness"),
    "work_injury": N_("Cannot work: workplace injury"),
    "stranded_trip": N_("Stranded after a short business trip"),
    "stalled_business": N_("Business cannot operate (closure, no orders)"),
    "contract_ended": N_("Contract ended, awaiting return"),
    "whereabouts_unknown": N_("Left the workplace, whereabouts unknown (welfare check)"),
    # sections of the consolidated report (SPEC §4 defaults)
    "section_health": N_("Unable to work: health"),
    "section_stranded": N_("Stranded or without work"),
    "section_welfare": N_("Whereabouts unknown: welfare follow-up"),
    "section_protection": N_("Protection"),
    # background jobs: kinds, states and the stages their runners report
    "job_consolidate": N_("Consolidation"),
    "job_plan": N_("Rotation plan"),
    "job_import": N_("Import"),
    "queued": N_("queued"),
    "running": N_("running"),
    "done": N_("done"),
    "reading the accepted lists": N_("reading the accepted lists"),
    "linking the entries": N_("linking the entries"),
    "normalising names": N_("normalising names"),
    "estimating model parameters": N_("estimating model parameters"),
    "scoring candidate pairs": N_("scoring candidate pairs"),
    "clustering": N_("clustering"),
    "merging persons": N_("merging persons"),
    "consolidating the call at headquarters": N_("consolidating the call at headquarters"),
    "plan saved": N_("plan saved"),
    "reading the file": N_("reading the file"),
    "checking and importing every row": N_("checking and importing every row"),
    # notices
    "notice_returned": N_("Your list was returned"),
    "notice_due_soon": N_("A list is due within 48 hours"),
    "notice_late": N_("A list is late"),
    "notice_correction": N_("A correction was received"),
}


def label(code: str) -> str:
    """The English label of a code (gettext translates it), or the code itself."""
    return LABELS.get(code, code)
