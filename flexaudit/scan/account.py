"""The audited account itself (2010 API)."""

from flexaudit.model.inventory import Account
from flexaudit.scan import fields
from flexaudit.scan.context import ScanContext


def scan_account(ctx: ScanContext) -> Account:
    acc = ctx.client.api.v2010.accounts(ctx.account_sid).fetch()
    return Account(
        sid=fields.text(acc.sid) or ctx.account_sid,
        friendly_name=fields.text(acc.friendly_name),
        status=fields.text(acc.status),
        type=fields.text(acc.type),
    )
