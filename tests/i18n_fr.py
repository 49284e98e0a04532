#!/usr/bin/env python3
"""i18n_fr.py - the command line and the wizard speak French.

Uses the build tree's catalogue (po/fr.gmo, copied into a private locale
directory given by ECSW_LOCALEDIR) and a French UTF-8 locale compiled into a
temporary directory with localedef (LOCPATH), so nothing outside the test's
own directory is touched. Without localedef, C.UTF-8 with LANGUAGE=fr (which
glibc's gettext honours for any locale but plain C/POSIX).

Checks, with accents and « » intact: --help, a usage error, a spec error
(exit 2), `plan` text (the columns line up in screen columns) and, in tmux,
the welcome screen and the first section's form with a refused value.
Runs inside `unshare -n` (loopback only): nothing here talks to AWS.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import BIN, Checker, enter_netns  # noqa: E402
from tui_dryrun import Term  # noqa: E402

TOP = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BUILD = os.environ.get("top_builddir") or TOP


def catalogue():
    """The newest fr.gmo of the build tree (gettext writes it in srcdir's po/
    for VPATH builds, so look in both)."""
    found = [p for p in (os.path.join(BUILD, "po", "fr.gmo"), os.path.join(TOP, "po", "fr.gmo"))
             if os.path.exists(p)]
    return max(found, key=os.path.getmtime) if found else None


def french_env(tmp):
    """Environment for running ecs-wizard in French from the build tree."""
    gmo = catalogue()
    if not gmo:
        print("no po/fr.gmo in the build tree: run make first")
        sys.exit(99)
    ld = os.path.join(tmp, "localedir", "fr", "LC_MESSAGES")
    os.makedirs(ld)
    shutil.copy(gmo, os.path.join(ld, "ecs-wizard.mo"))
    env = {"ECSW_LOCALEDIR": os.path.join(tmp, "localedir"), "LANGUAGE": "fr",
           # Sanitizer builds: glibc keeps its language list for good.
           "LSAN_OPTIONS": "suppressions=" + os.path.join(TOP, "tests", "lsan.supp")}
    loc = os.path.join(tmp, "locale")
    os.makedirs(loc)
    r = subprocess.run(["localedef", "-i", "fr_FR", "-f", "UTF-8",
                        os.path.join(loc, "fr_FR.UTF-8")], capture_output=True, text=True) \
        if shutil.which("localedef") else None
    if r is not None and os.path.isdir(os.path.join(loc, "fr_FR.UTF-8", "LC_MESSAGES")):
        env.update(LOCPATH=loc, LC_ALL="fr_FR.UTF-8")
    else:
        print("localedef unavailable (%s): C.UTF-8 with LANGUAGE=fr"
              % (r.stderr.strip() if r else "not installed"))
        env.update(LC_ALL="C.UTF-8")
    return env


def run(env, args, tmp):
    full = {"PATH": "/usr/bin:/bin", "HOME": tmp, "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.path.join(tmp, "none"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(tmp, "none")}
    full.update(env)
    r = subprocess.run([BIN] + args, capture_output=True, env=full, cwd=tmp, timeout=120)
    # Bytes first: the accents must be valid UTF-8, not mangled.
    return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")


def main():
    enter_netns()
    c = Checker()
    tmp = tempfile.mkdtemp(prefix="ecsw-i18n-")
    t = None
    try:
        env = french_env(tmp)

        rc, out, err = run(env, ["--help"], tmp)
        c.eq(rc, 0, "--help exit status")
        c.check("Utilisation : ecs-wizard [OPTION]... [COMMANDE [ARGUMENT]...]" in out,
                "--help: French usage line\n" + out)
        c.check("Déploie le conteneur Private AI sur AWS ECS, étape par étape." in out,
                "--help: French description with é")
        c.check("envoyer chaque requête AWS à URL" in out, "--help: option help with ê and à")
        c.check("Code de retour : 0 terminé, 1 échec, 2 entrée incorrecte" in out,
                "--help: exit statuses in French")
        c.check("Usage:" not in out and "Commands:" not in out, "--help: no English left")

        rc, out, err = run(env, ["--bogus"], tmp)
        c.eq(rc, 2, "unknown option exit status")
        c.check("option inconnue « --bogus » (essayez « ecs-wizard --help »)" in err,
                "unknown option: French one-liner with guillemets\n" + err)

        with open(os.path.join(tmp, "bad.json"), "w") as f:
            json.dump({"region": "mars-1", "vpc_cidr": "10.0.0.0/33"}, f)
        rc, out, err = run(env, ["plan", "--spec", "bad.json"], tmp)
        c.eq(rc, 2, "bad spec exit status")
        c.check("« mars-1 » n'est pas une région AWS connue (p. ex. us-east-1)" in err,
                "bad spec: region error in French with é\n" + err)
        c.eq(out, "", "bad spec: nothing on stdout")

        with open(os.path.join(tmp, "licence.json"), "w") as f:
            json.dump({"id": "licence-essai"}, f)
        with open(os.path.join(tmp, "spec.json"), "w") as f:
            json.dump({"admin_cidr": "198.51.100.0/24",
                       "license_file": os.path.join(tmp, "licence.json")}, f)
        rc, out, err = run(env, ["plan", "--spec", "spec.json"], tmp)
        c.eq(rc, 0, "plan exit status (%s)" % err.strip())
        c.check("2. Création du VPC" in out, "plan: section title in French\n" + out[:400])
        c.check("Création du modèle de lancement EC2" in out, "plan: è in a section title")
        c.check("Création de l'équilibreur de charge" in out, "plan: load balancer title")
        c.check("après : vpc" in out, "plan: dependencies line in French")
        # The key column starts at the same screen column whatever the role
        # word ("créer" holds a two-byte é, "rechercher" is ten letters).
        starts = set()
        for line in out.split("\n"):
            for role in ("rechercher ", "créer ", "configurer "):
                if line.startswith("  " + role):
                    rest = line[2 + len(role):]
                    starts.add(2 + len(role) + len(rest) - len(rest.lstrip(" ")))
        c.eq(len(starts), 1, "plan: the key column lines up in French (%s)" % sorted(starts))

        # The wizard in tmux: welcome screen, then section 2's form.
        t = Term(tmp, ["--state-dir", os.path.join(tmp, "state")], env_extra=env)
        s = t.wait_text("< Simulation >", 60)
        c.check(s is not None, "TUI: welcome offers « Simulation »\n" + t.screen())
        s = t.settled()
        c.check("Déployer le conteneur Private AI sur AWS ECS" in s, "TUI: French welcome title")
        c.check("Cet assistant suit le guide de déploiement manuel, sections 2 à 17." in s,
                "TUI: welcome text with é and à\n" + s)
        c.check("Identifiants :        introuvables" in s, "TUI: no credentials, in French")
        c.check("< Déployer >" in s and "< Reprendre >" in s, "TUI: French buttons")
        c.check("F10 quitter" in s, "TUI: French key bar")
        t.keys("Enter")
        s = t.wait_text("Section 2 : Création du VPC", 30)
        c.check(s is not None, "TUI: section 2's form in French\n" + t.screen())
        s = t.settled()
        c.check("Bloc CIDR du VPC" in s and "Zones de disponibilité" in s,
                "TUI: field labels with accents\n" + s)
        c.check("Sections du guide" in s, "TUI: section list title")
        # A refused value: the reason under the field, in French. Tab
        # moves from the name to the region, then to the VPC CIDR.
        t.keys("Tab")
        t.keys("Tab")
        t.keys("C-u")
        t.type("10.0.0.1/33")
        s = t.wait(lambda x: "n'est pas un bloc CIDR IPv4" in x, 20)
        c.check(s is not None and "« 10.0.0.1/33 » n'est pas un bloc CIDR IPv4" in s,
                "TUI: the refused CIDR's reason in French\n" + t.screen())
        t.keys("Enter")
        s = t.wait_text("Suivant refusé", 20)
        c.check(s is not None, "TUI: Next refused, in French\n" + t.screen())
        t.keys("F10")
        s = t.wait_text("Quitter ecs-wizard ?", 20)
        c.check(s is not None, "TUI: the quit question in French\n" + t.screen())
        t.close()

        # deploy's question on a terminal: French, and "o" (oui) is a yes.
        # The endpoint is a closed loopback port: the run then fails at
        # once, having started (exit status 1), which it would not if "o"
        # had been taken as no (exit status 2, nothing done).
        d = os.path.join(tmp, "deploy")
        os.makedirs(d)
        t = Term(d, ["deploy", "--spec", os.path.join(tmp, "spec.json"), "--endpoint-url",
                     "http://127.0.0.1:9", "--state-dir", os.path.join(d, "state")],
                 env_extra=dict(env, AWS_ACCESS_KEY_ID="AKIDTESTTEST", AWS_REGION="us-east-1",
                                AWS_SECRET_ACCESS_KEY="secret-for-a-closed-port",
                                AWS_MAX_ATTEMPTS="1"))
        s = t.wait(lambda x: re.search(r"Cela crée \d+ ressources AWS \(voir « ecs-wizard plan »\)\. "
                                       r"Continuer \? \[o/N\]", x) is not None, 60)
        c.check(s is not None, "deploy: the confirmation in French, plural\n" + t.screen())
        t.type("o")
        t.keys("Enter")
        s = t.wait_text("Déploiement de ecsdocs dans us-east-1", 60)
        c.check(s is not None, "deploy: « o » answers yes\n" + t.screen())
        status = os.path.join(d, "exit")
        t.wait(lambda x: os.path.exists(status) and open(status).read().strip() != "", 120)
        c.eq(open(status).read().strip() if os.path.exists(status) else None, "1",
             "deploy against a closed port: exit status 1")
    finally:
        if t:
            t.close()
        shutil.rmtree(tmp, ignore_errors=True)
    c.finish()


if __name__ == "__main__":
    main()
