"""The web workbench (``greendc serve``): enterprises upload workbooks and see their validation
and reports; reviewers work through a queue, record a status and a comment, and keep an audit
log.  It runs over the same library and the same SQLite registry as batch, and assesses uploads
with batch's supervised worker pool, off the request path.

Modules: :mod:`.store` (the records), :mod:`.security` (passwords, login limits, upload checks,
headers), :mod:`.worker` (the dispatcher and the pool), :mod:`.submit` (receiving a file),
:mod:`.context` (what the routes share), :mod:`.pages` and :mod:`.api` (the routes), :mod:`.views`
(what pages show) and :mod:`.app` (the application).  Needs the ``web`` extra.
"""
