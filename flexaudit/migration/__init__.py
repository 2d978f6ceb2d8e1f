"""Migration progress and reversible changes, number by number.

    progress.py   the pure diff of two evaluated snapshots (`flexaudit diff`)
    scripts.py    the pure plan of one snapshot: which numbers, what each script changes (`flexaudit plan`)
    render.py     the files both write: flexaudit-diff.md/.json, PLAN.md, migrate-/rollback-<PN>.py
    templates/    one jinja2 template per file

Nothing here does I/O: the commands (flexaudit/commands/diff.py, plan.py)
load the snapshots, call these and write what they return.
"""
