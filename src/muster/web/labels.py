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
    # the registry: roles, purposes, holds, matches, user administration
    "worker": N_("worker"),
    "manager": N_("manager"),
    "business_rep": N_("business representative"),
    "work": N_("work"),
    "short_trip": N_("short business trip"),
    "hold": N_("hold placed"),
    "release": N_("hold lifted"),
    "confirm": N_("confirmed: the held person"),
    "clear": N_("cleared: someone else"),
    "person_id": N_("by person ID"),
    "passport": N_("by passport"),
    "name_and_birth": N_("by name and birth date"),
    "possible": N_("possibly (name or birth date uncertain)"),
    "disabled": N_("disabled"),
    "enabled": N_("enabled"),
    # situation board: route states and modes, headline figures, permits by horizon
    "route_open": N_("Open"),
    "route_closed": N_("Closed"),
    "route_severed": N_("Severed"),
    "mode_bridge": N_("Bridge"),
    "mode_rail": N_("Rail"),
    "mode_road": N_("Road"),
    "mode_flight": N_("Flight"),
    "mode_sea": N_("Sea"),
    "mode_other": N_("Other"),
    "figure_sick_and_injured": N_("Sick and injured"),
    "figure_stranded": N_("Stranded or without work"),
    "figure_stalled_workplaces": N_("Workplaces that cannot operate"),
    "figure_welfare": N_("Whereabouts unknown"),
    "permit_expired": N_("Permit already ended"),
    "permit_within_30": N_("Ends within 30 days"),
    "permit_within_60": N_("Ends in 31 to 60 days"),
    "permit_within_90": N_("Ends in 61 to 90 days"),
    # rotation: host rules, route kinds, plan status, directions
    "paired": N_("paired (capped places)"),
    "free": N_("free"),
    "bridge": N_("bridge"),
    "rail": N_("rail"),
    "road": N_("road"),
    "flight": N_("flight"),
    "sea": N_("sea"),
    "other": N_("other"),
    "optimal": N_("optimal"),
    "feasible": N_("feasible"),
    "infeasible": N_("infeasible"),
    "home": N_("home"),
    "out": N_("out"),
    # notices
    "notice_returned": N_("Your list was returned"),
    "notice_due_soon": N_("A list is due within 48 hours"),
    "notice_late": N_("A list is late"),
    "notice_correction": N_("A correction was received"),
    # permissions and API token states
    "submit": N_("submit"),
    "review": N_("review"),
    "plan": N_("plan"),
    "admin": N_("admin"),
    "medical": N_("medical"),
    "welfare": N_("welfare"),
    "protection": N_("protection"),
    "active": N_("active"),
    "expired": N_("expired"),
    "revoked": N_("revoked"),
}


def label(code: str) -> str:
    """The English label of a code (gettext translates it), or the code itself."""
    return LABELS.get(code, code)
