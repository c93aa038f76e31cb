"""hdf5_schema.py - compare the objects man/netsim-hdf5.5 documents with those
a results file holds, both ways, with their types and units.

usage: python3 hdf5_schema.py MANPAGE FILE.h5 [FILE.h5 ...]  (several: what they hold together)

Prints one line per difference, each starting with its kind:
  undocumented: PATH TYPE          in the file, not in the man page
  missing: PATH                    in the man page, not in the file
  type: PATH documented T, file U
  unit: PATH documented T, file U
  malformed: LINE                  an entry that breaks the man page's convention
then "entries N objects M". Exit status 0 when there is no difference.
The convention (see the comment at the top of the man page): an entry is
  .TP
  .BI "PATH " "TYPE[, UNIT]"
PATH is /group, /group/dataset, /table.column, or OBJECT@attribute.
"""

import re
import sys

import h5py

ENTRY = re.compile(r'^\.BI "(/[^" ]*) " "([^",\[]+(?:\[[^\]]*\])?)(?:, ([^"]+))?"$')


def parse_man(path):
    """PATH -> (type, unit or None); and the malformed lines"""
    docs, bad = {}, []
    with open(path) as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        if not line.startswith('.BI "/'):
            continue
        m = ENTRY.match(line)
        if not m or i == 0 or lines[i - 1] != ".TP":
            bad.append(line)
            continue
        if m.group(1) in docs:
            bad.append(line + "   (documented twice)")
        docs[m.group(1)] = (m.group(2).strip(), m.group(3).strip() if m.group(3) else None)
    return docs, bad


def base_type(dt):
    if h5py.check_string_dtype(dt) is not None or dt.kind == "S":
        return "string"
    if dt.kind in "iu" and dt.itemsize in (4, 8):
        return "%sint%d" % ("u" if dt.kind == "u" else "", dt.itemsize * 8)
    if dt.kind == "f" and dt.itemsize == 8:
        return "float64"
    return "other(%s)" % dt


def decode(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def walk(f):
    """PATH -> (type, unit or None) for every object of the file"""
    objs = {}

    def attrs(path, obj, skip=()):
        for name in obj.attrs:
            if name not in skip:
                objs[path + "@" + name] = (base_type(obj.attrs.get_id(name).dtype), None)

    attrs("/", f)

    def visit(name, obj):
        path = "/" + name
        if isinstance(obj, h5py.Group):
            objs[path] = ("group", None)
            attrs(path, obj)
            return
        dt = obj.dtype
        if dt.names:
            objs[path] = ("table", None)
            used = set()
            for col in dt.names:
                key = "unit:" + col
                unit = decode(obj.attrs[key]) if key in obj.attrs else None
                if unit is not None:
                    used.add(key)
                objs["%s.%s" % (path, col)] = (base_type(dt.fields[col][0]), unit)
            attrs(path, obj, used)
        else:
            t = base_type(dt)
            if obj.ndim:
                t += "[%s]" % ",".join("_" * obj.ndim)
            unit = decode(obj.attrs["unit"]) if "unit" in obj.attrs else None
            objs[path] = (t, unit)
            attrs(path, obj, ("unit",) if unit is not None else ())
    f.visititems(visit)
    return objs


def shape_of(t):
    """'uint64[time,link]' -> 'uint64[_,_]' (dimension names are documentation)"""
    m = re.match(r"^([a-z0-9]+)\[(.*)\]$", t)
    return "%s[%s]" % (m.group(1), ",".join("_" for _ in m.group(2).split(","))) if m else t


def main():
    docs, bad = parse_man(sys.argv[1])
    objs = {}
    for path in sys.argv[2:]:     # several files: the union of what they hold
        with h5py.File(path, "r") as f:
            objs.update(walk(f))
    problems = ["malformed: %s" % b for b in bad]
    # a documented name with KIND in it stands for one per kind (a collective's
    # kind): it matches every such object, and none need be in a given file
    # (KIND: [a-z]+); so does jobI_ (a job's number) and NAME (a summary number's name)
    def template(p):
        rx = re.escape(p).replace("KIND", "[a-z]+").replace("jobI_", "job[0-9]+_").replace("NAME", "[a-z0-9_]+")
        return re.compile("^" + rx + "$")
    templates = {p: template(p) for p in docs if "KIND" in p or "jobI_" in p or "NAME" in p}
    for p in sorted(objs):
        t = next((d for d, rx in templates.items() if rx.match(p)), None)
        if t is not None and p not in docs:
            docs[p] = docs[t]
            if "NAME" in t and objs[p][0] in ("int64", "float64"):
                docs[p] = (objs[p][0], docs[t][1])   # NAME stands for numbers of either type
    for t in templates:
        del docs[t]
    for p in sorted(objs):
        if p not in docs:
            problems.append("undocumented: %s %s%s" % (p, objs[p][0], ", " + objs[p][1] if objs[p][1] else ""))
    for p in sorted(docs):
        if p not in objs:
            problems.append("missing: %s" % p)
            continue
        dtype, dunit = docs[p]
        ftype, funit = objs[p]
        if shape_of(dtype) != ftype:
            problems.append("type: %s documented %s, file %s" % (p, dtype, ftype))
        # units are checked where the file records them (columns, arrays);
        # an attribute's documented unit is documentation only
        if "@" not in p and dunit != funit:
            problems.append("unit: %s documented %s, file %s" % (p, dunit, funit))
    for line in problems:
        print(line)
    print("entries %d objects %d" % (len(docs), len(objs)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
