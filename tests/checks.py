"""checks.py SETUP CHECKS - run the Python checks that tests/lib.sh's `check`
queued, each in a copy of SETUP's namespace, and print one line
"RESULT 0|1 NAME" per check (the shell turns them into TAP lines).

A check's code sets `ok`. It starts as a Verdict that has compared nothing:
`ok &= COND` records one comparison, and a check whose `ok` compared nothing
fails, so a loop over an empty set cannot pass. Assigning `ok = COND`
directly is one comparison. An exception fails the check, with its text.
"""

import sys


class Verdict:
    """the outcome of a check: true once something was compared and every
    comparison held"""

    def __init__(self):
        self.compared = 0
        self.held = True

    def __iand__(self, cond):
        self.compared += 1
        self.held = self.held and bool(cond)
        return self

    def __bool__(self):
        return self.held and self.compared > 0


def run(setup_path, checks_path, out=sys.stdout):
    env = {}
    with open(setup_path) as f:
        exec(f.read(), env)
    with open(checks_path) as f:
        blocks = f.read().split("### ")[1:]
    if not blocks:
        out.write("RESULT 1 no check was queued\n")
    for block in blocks:
        name, code = block.split("\n", 1)
        ns = dict(env)
        ns["ok"] = Verdict()
        try:
            exec(code, ns)
            v = ns["ok"]
            if isinstance(v, Verdict) and v.compared == 0:
                out.write("# %s: nothing was compared\n" % name)
            passed = bool(v)
        except Exception as e:          # noqa: BLE001 - any failure of the check's code fails it
            out.write("# %s: %r\n" % (name, e))
            passed = False
        out.write("RESULT %d %s\n" % (0 if passed else 1, name))


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2])
