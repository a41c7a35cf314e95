"""CLI: token add|list|revoke — API tokens for the JSON API (the secret is printed once)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from muster.cli.app import acting, app

token_app = typer.Typer(help="API tokens for the JSON API: add (shown once), list, revoke.")
app.add_typer(token_app, name="token")


@token_app.command("add")
def token_add(
    unit: Annotated[str, typer.Option("--unit", help="Unit of your subtree the token acts for.")],
    permission: Annotated[
        list[str],
        typer.Option("--permission", help="One of your permissions the token carries (repeat)."),
    ],
    expires_days: Annotated[
        int, typer.Option("--expires-days", help="Days until it expires (1 to 366).")
    ] = 90,
    label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "",
) -> None:
    """Create an API token of the acting user (--as); prints its secret, this once only."""
    from muster.services.tokens import create_token

    with acting() as (muster, uow, actor):
        token, secret = create_token(
            uow, actor, unit_code=unit, permissions=permission, now=muster.clock(),
            expires_days=expires_days, label=label,
        )  # fmt: skip
    print(secret)
    print(
        f"muster: token {token.id} ({token.prefix}) for {token.unit_code} "
        f"({', '.join(token.permissions)}) expires {token.expires_at:%Y-%m-%d %H:%M} UTC; "
        "the secret above is shown only this once",
        file=sys.stderr,
    )


@token_app.command("list")
def token_list(
    everyone: Annotated[
        bool, typer.Option("--all", help="Every token of your subtree's users (needs admin).")
    ] = False,
) -> None:
    """Your API tokens (or, with --all, those of your subtree's users): never a secret."""
    from muster.services.tokens import tokens_of

    with acting() as (muster, uow, actor):
        found = tokens_of(uow, actor, everyone=everyone)
        now = muster.clock()
    print("id\tprefix\towner\tunit\tpermissions\tstate\texpires_at\tlast_used_at\tlabel")
    for t in found:
        used = t.last_used_at.isoformat() if t.last_used_at else "-"
        print(
            f"{t.id}\t{t.prefix}\t{t.owner}\t{t.unit_code}\t{','.join(t.permissions)}\t"
            f"{t.state(now)}\t{t.expires_at.isoformat()}\t{used}\t{t.label}"
        )


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="Id from `muster token list`.")],
) -> None:
    """Revoke an API token (yours, or one of your subtree's users with admin)."""
    from muster.services.tokens import revoke_token

    with acting() as (muster, uow, actor):
        token = revoke_token(uow, actor, token_id, muster.clock())
    print(f"token {token.id} ({token.prefix}) revoked")
