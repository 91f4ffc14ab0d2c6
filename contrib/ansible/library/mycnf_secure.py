#!/usr/bin/python
# -*- coding: utf-8 -*-
# mycnf-secure's Ansible module: drives the installed `mycnf-secure add-ca` with
# `--format json`, so check mode, diff mode and `changed` come from the tool itself.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: mycnf_secure
short_description: Make MySQL and MariaDB clients verify the server's TLS certificate
description:
  - Validates a CA certificate and writes C(ssl-ca) and the TLS mode into a MySQL/MariaDB option
    file (my.cnf) in the form every client family on the host reads, by running
    C(mycnf-secure add-ca) on the managed host.
  - Idempotent; supports check mode (nothing is written, C(changed) says whether a change is
    needed) and diff mode (the diff shows passwords masked).
  - The C(mycnf-secure) binary must be installed on the managed host.
version_added: "0.1.0"
author:
  - mycnf-secure developers
options:
  path:
    description:
      - The option file to edit; created if missing.
      - Default is C(~/.my.cnf) of the remote user.
    type: path
  ca:
    description:
      - Path of the CA certificate (PEM) on the managed host.
      - Exactly one of I(ca), I(ca_content) and I(system_roots) is required.
    type: path
  ca_content:
    description:
      - The CA certificate as PEM text. It is validated and installed in a stable place, as
        C(mycnf-secure add-ca -) does.
    type: str
  system_roots:
    description:
      - Use the operating system's trust bundle (public roots) instead of a CA file.
    type: bool
    default: false
  ssl_mode:
    description:
      - How strictly clients verify the server.
      - Default is C(VERIFY_CA) for a private CA and C(VERIFY_IDENTITY) for public roots.
    type: str
    choices: [VERIFY_CA, VERIFY_IDENTITY]
  target:
    description:
      - Which clients read the file.
    type: str
    choices: [mixed, mysql, mariadb]
    default: mixed
  group:
    description:
      - Write the lines into this group instead of C([client]).
    type: str
  backup:
    description:
      - Keep the previous version of the file beside it.
    type: bool
    default: false
  install:
    description:
      - Copy the validated CA to a stable place and write that path.
    type: bool
    default: false
  force:
    description:
      - Write even when a line of another file would stop a client or weaken its TLS.
    type: bool
    default: false
  executable:
    description:
      - The mycnf-secure program (a path, or a name looked up on PATH).
    type: str
    default: mycnf-secure
notes:
  - Supports check mode and diff mode.
  - Passwords never appear in the diff or in the returned values.
"""

EXAMPLES = r"""
- name: Make every MySQL/MariaDB client of the deploy user verify the database server
  mycnf_secure:
    ca: /etc/ssl/db/provider-ca.pem
    ssl_mode: VERIFY_IDENTITY

- name: Install the CA from the inventory and configure a system-wide file
  mycnf_secure:
    ca_content: "{{ db_provider_ca_pem }}"
    path: /etc/mysql/conf.d/tls.cnf
    backup: true

- name: A cloud database with a public certificate
  mycnf_secure:
    system_roots: true
    path: /home/app/.my.cnf
"""

RETURN = r"""
changed:
  description: Whether the file was changed (or, in check mode, would be).
  returned: always
  type: bool
path:
  description: The option file.
  returned: success
  type: str
  sample: /home/app/.my.cnf
ssl_mode:
  description: The TLS mode written.
  returned: success
  type: str
  sample: VERIFY_IDENTITY
backup_file:
  description: The backup of the previous version, when I(backup) was set and the file changed.
  returned: changed and backup
  type: str
ca_path:
  description: The CA path written into the file.
  returned: success
  type: str
clients:
  description: What each client family will do with the result (the tool's client table).
  returned: success
  type: list
  elements: dict
  contains:
    client:
      description: The family's name.
      type: str
    family:
      description: A stable id of the family.
      type: str
    level:
      description: verified, weak, broken or unaffected.
      type: str
    summary:
      description: What the family does, in words.
      type: str
rc:
  description: The exit status of mycnf-secure when the task failed (Ansible counts any other
    status than 0 in C(rc) as a failure, so a successful run, whose check exits 1 when a change
    is needed, does not return it).
  returned: failed
  type: int
"""

import json
import os
import re

from ansible.module_utils.basic import AnsibleModule


def split_diff(diff):
    """The masked unified diff as Ansible's before/after texts: each hunk's context and removed
    lines on one side, its context and added lines on the other."""
    before, after = [], []
    for line in diff.splitlines():
        if line.startswith(("--- ", "+++ ")):
            continue
        if line.startswith("@@"):
            if before or after:
                before.append("…")
                after.append("…")
            continue
        if line.startswith("-"):
            before.append(line[1:])
        elif line.startswith("+"):
            after.append(line[1:])
        elif line.startswith(" "):
            before.append(line[1:])
            after.append(line[1:])
    return "\n".join(before) + "\n", "\n".join(after) + "\n"


def escaped(text):
    """`text` with its control characters escaped (line feeds and tabs kept), as the tool's own
    terminal output shows them: Ansible prints warnings as they are, and a certificate's subject
    or a path may hold a terminal title, a hyperlink or a carriage return."""
    out = []
    for c in text:
        if c in "\n\t" or not (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F):
            out.append(c)
        elif c == "\r":
            out.append("\\r")
        else:
            out.append("\\u{%x}" % ord(c))
    return "".join(out)


def failure_message(stdout, stderr, rc):
    """The tool's own reason: its JSON error when it printed one, else its first error line."""
    try:
        report = json.loads(stdout)
        err = report.get("error") if isinstance(report, dict) else None
        if isinstance(err, dict) and err.get("message"):
            where = ""
            if err.get("file"):
                where = " (%s%s)" % (err["file"], ":%s" % err["line"] if err.get("line") else "")
            return err["message"] + where
    except ValueError:
        pass
    lines = [l for l in stderr.splitlines() if l.strip()]
    errors = [l for l in lines if l.startswith("error")]
    text = "\n".join(errors or lines)
    return re.sub(r"\x1b\[[0-9;]*m", "", text) or "mycnf-secure exited with status %d" % rc


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path"),
            ca=dict(type="path"),
            ca_content=dict(type="str", no_log=False),
            system_roots=dict(type="bool", default=False),
            ssl_mode=dict(type="str", choices=["VERIFY_CA", "VERIFY_IDENTITY"]),
            target=dict(type="str", choices=["mixed", "mysql", "mariadb"], default="mixed"),
            group=dict(type="str"),
            backup=dict(type="bool", default=False),
            install=dict(type="bool", default=False),
            force=dict(type="bool", default=False),
            executable=dict(type="str", default="mycnf-secure"),
        ),
        supports_check_mode=True,
    )
    p = module.params
    sources = [bool(p["ca"]), p["ca_content"] is not None, p["system_roots"]]
    if sum(sources) != 1:
        module.fail_json(msg="give exactly one of ca, ca_content and system_roots")

    executable = p["executable"]
    if os.sep not in executable:
        executable = module.get_bin_path(executable, required=True)

    argv = [executable, "add-ca"]
    data = None
    if p["ca"]:
        argv.append(p["ca"])
    elif p["ca_content"] is not None:
        argv.append("-")
        data = p["ca_content"]
    else:
        argv.append("--system-roots")
    if p["path"]:
        argv += ["--file", p["path"]]
    if p["ssl_mode"]:
        argv += ["--mode", p["ssl_mode"]]
    argv += ["--target", p["target"]]
    if p["group"]:
        argv += ["--group", p["group"]]
    for flag in ("backup", "install", "force"):
        if p[flag]:
            argv.append("--" + flag)
    argv += ["--check" if module.check_mode else "--yes", "--format", "json", "--color", "never"]

    rc, stdout, stderr = module.run_command(argv, data=data, binary_data=False)
    # --check exits 1 when a change is needed: that is "changed" in check mode, not a failure.
    if rc not in (0, 1) or (rc == 1 and not module.check_mode):
        module.fail_json(msg=escaped(failure_message(stdout, stderr, rc)), rc=rc, changed=False)
    try:
        report = json.loads(stdout)
    except ValueError:
        module.fail_json(msg=escaped("mycnf-secure printed no JSON: %s" % stderr.strip()), rc=rc)

    for w in report.get("warnings") or []:
        module.warn(escaped(w))
    result = dict(
        changed=bool(report.get("changed")),
        path=report.get("file"),
        ssl_mode=report.get("mode"),
        ca_path=(report.get("ca") or {}).get("path_written"),
        clients=report.get("clients") or [],
    )
    if report.get("backup"):
        result["backup_file"] = report["backup"]
    if module._diff and report.get("diff"):
        before, after = split_diff(report["diff"])
        result["diff"] = dict(
            before_header="%s (before)" % report.get("file"),
            after_header="%s (after)" % report.get("file"),
            before=before,
            after=after,
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
