"""CLI: notices send — keep and e-mail every user's notices, for cron or a systemd timer."""

from __future__ import annotations

import sys

import typer

from muster.cli.app import acting, app, refuse

notices_app = typer.Typer(help="Notices: e-mail them to users who never open a page.")
app.add_typer(notices_app, name="notices")


@notices_app.command("send")
def send() -> None:
    """For every user with an e-mail address: keep their due-within-48h, late, returned and
    correction-received notices and e-mail the new ones through MUSTER_SMTP_URL (a second
    run sends nothing new); exit 1 when any user's mail could not be sent."""
    from muster.services.notices import send_all

    with acting() as (muster, _, actor):
        smtp_url = muster.settings.smtp_url
        if not smtp_url:
            refuse("MUSTER_SMTP_URL is not set: nowhere to send the notices")
        report = send_all(muster.uow, actor, muster.catalogue, muster.clock(), smtp_url)
    print(f"notices: {report.users} users with an address, {report.added} new notices, "
          f"{report.sent} e-mails sent, {len(report.failed)} failed")  # fmt: skip
    for name, reason in sorted(report.failed.items()):
        print(f"muster: could not e-mail {name}: {reason}", file=sys.stderr)
    if report.failed:
        raise typer.Exit(code=1)
