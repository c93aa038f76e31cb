"""netsim_h5 - read a netsim results file (HDF5, see netsim-hdf5(5)) into pandas.

    import netsim_h5
    run = netsim_h5.open("quickstart.h5")
    run.meta["summary"]["makespan"]          # the run's metadata as a dict
    run.table("transfers")                   # a DataFrame, names joined, times in s
    ts = run.timeseries()                    # time series with link labels
    run.utilisation()                        # link utilisation, time x link

Conventions of the DataFrames that table() returns:
  * fixed-length strings are decoded to str;
  * every node id column (src, dst, node) gets a *_name column from
    /topology/nodes, and every link id column (link) a link_label column;
  * every *_ps time column gets a *_s column in seconds, with NaN where the
    file says -1 ("never");
  * transfers get fct_s, and ops, collectives and iterations duration_s;
  * df.attrs["units"] maps columns to their units (those the file records).
Needs h5py, numpy and pandas (Debian: python3-h5py python3-pandas).
"""

import warnings

import h5py
import numpy as np
import pandas as pd

__all__ = ["open", "Run", "TimeSeries", "unit_of", "differing_keys", "LABEL_ATTRS", "SCHEMA_VERSION",
           "IncompleteRunWarning"]

PS = 1e-12                      # seconds per picosecond
NODE_COLUMNS = ("src", "dst", "node")
LINK_COLUMNS = ("link",)
# root attributes that describe a run's configuration, for labels
LABEL_ATTRS = ("lb", "subflows", "transport", "model", "seed", "fabric")
# the layout this module reads (netsim-hdf5(5), schema_version): a file of a
# later version may have renamed or dropped what it relies on
SCHEMA_VERSION = 1


class IncompleteRunWarning(UserWarning):
    """The file holds a run that did not complete (completed = 0)."""


def open(path):                 # noqa: A001 - the module's entry point, as h5py.File
    """Open a results file; use as a context manager or call close()."""
    return Run(path)


def _py(v):
    """An HDF5 attribute value as a plain Python value."""
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray):
        return [_py(x) for x in v.tolist()]
    if isinstance(v, np.generic):
        return v.item()
    return v


def unit_of(name):
    """The unit of a summary number or a column, from its name ('' if none)."""
    if name == "makespan" or name.endswith("_seconds") or name.startswith("fct_") or name.endswith("_s"):
        return "s"
    if name.endswith("_ps"):
        return "ps"
    if name == "bytes" or name.endswith("_bytes") or name.startswith("bytes_"):
        return "B"
    if name.endswith("_bps"):
        return "bit/s"
    return ""


def _decode_strings(df):
    for c in df.columns:
        if df[c].dtype.kind == "S" or (df[c].dtype == object and len(df) and isinstance(df[c].iloc[0], bytes)):
            df[c] = df[c].map(lambda b: b.decode("utf-8", "replace") if isinstance(b, bytes) else b)
    return df


def _seconds(values):
    """picoseconds (int, -1 = never) -> seconds (float, NaN = never)"""
    v = np.asarray(values, dtype=np.float64)
    return np.where(v < 0, np.nan, v * PS)


class TimeSeries:
    """The sampled series of a run (see netsim-hdf5(5), TIME SERIES).

    time_ps, time_s   sample times (numpy arrays; first 0, strictly increasing)
    sample_ps         the sampling period
    link_bytes        DataFrame, index time_s, one column per link (label):
                      bytes sent in the interval ending at that time
    queue_bytes       DataFrame, same shape: bytes queued at that time
    links             the link ids of the columns
    """

    def __init__(self, time_ps, sample_ps, link_bytes, queue_bytes, labels, links):
        self.time_ps = time_ps
        self.time_s = time_ps * PS
        self.sample_ps = sample_ps
        index = pd.Index(self.time_s, name="time_s")
        self.link_bytes = pd.DataFrame(link_bytes, index=index, columns=labels)
        self.queue_bytes = pd.DataFrame(queue_bytes, index=index, columns=labels)
        self.links = list(links)

    def __len__(self):
        return len(self.time_ps)


class Run:
    """One results file. Attributes: path, file (the h5py.File), meta."""

    def __init__(self, path):
        self.path = str(path)
        self.file = h5py.File(self.path, "r")
        try:
            self._check_version()
        except Exception:
            self.file.close()
            raise
        self._meta = None
        self._names = None
        self._labels = None

    def _check_version(self):
        """Refuse a layout newer than this module knows; warn about a run
        that did not complete (an interrupted run's .partial file, a run
        stopped by until=)."""
        a = self.file.attrs
        if "schema_version" not in a:
            raise ValueError("%s: not a netsim results file (no schema_version attribute)" % self.path)
        v = int(a["schema_version"])
        if v > SCHEMA_VERSION:
            raise ValueError("%s: written with schema_version %d by netsim %s; this netsim_h5 reads "
                             "version %d and older: use the netsim_h5.py of that netsim" % (
                                 self.path, v, _py(a.get("netsim_version", "?")), SCHEMA_VERSION))
        if "completed" in a and int(a["completed"]) == 0:
            warnings.warn("%s: the run did not complete (completed = 0): its tables hold what was "
                          "simulated before it stopped" % self.path, IncompleteRunWarning, stacklevel=3)

    # --- context manager ---------------------------------------------------
    def close(self):
        self.file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return "<netsim run %s>" % self.path

    # --- metadata ----------------------------------------------------------
    @property
    def meta(self):
        """Root attributes, plus 'params' (name -> value, as text), 'summary',
        'topology' (mtu, header) and 'sample_ps' (None without time series)."""
        if self._meta is None:
            f = self.file
            m = {k: _py(v) for k, v in f.attrs.items()}
            m["path"] = self.path
            m["params"] = self.params
            m["summary"] = {k: _py(v) for k, v in f["summary"].attrs.items()} if "summary" in f else {}
            m["topology"] = {k: _py(v) for k, v in f["topology"].attrs.items()} if "topology" in f else {}
            m["sample_ps"] = _py(f["timeseries"].attrs["sample_ps"]) if "timeseries" in f else None
            self._meta = m
        return self._meta

    @property
    def params(self):
        """The scenario's parameters: name -> value (text), in the order asked."""
        g = self.file.get("scenario/params")
        if g is None or len(g["name"]) == 0:
            return {}
        names = [_py(x) for x in g["name"][:]]
        values = [_py(x) for x in g["value"][:]]
        return dict(zip(names, values))

    @property
    def summary(self):
        return self.meta["summary"]

    @property
    def source(self):
        """The scenario's Lua text."""
        return _py(self.file["scenario/source"][()])

    def get(self, key, default=None):
        """A parameter or a root attribute by name (parameters win)."""
        p = self.params
        if key in p:
            return p[key]
        if key in self.file.attrs:
            return _py(self.file.attrs[key])
        return default

    def label(self, keys=None):
        """A short label, e.g. 'lb=spray subflows=4', from parameters and
        root attributes; without keys, the parameters."""
        if keys is None:
            keys = list(self.params)
        parts = ["%s=%s" % (k, self.get(k)) for k in keys if self.get(k) is not None]
        return " ".join(parts) if parts else self.path

    # --- tables ------------------------------------------------------------
    def tables(self):
        """Names of the tables in the file (compound datasets), e.g.
        ['collectives', 'iterations', 'ops', 'ports', 'topology/links', ...]."""
        out = []

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.dtype.names:
                out.append(name)
        self.file.visititems(visit)
        return sorted(out)

    def raw(self, name):
        """A table as a DataFrame, exactly as stored (strings decoded)."""
        ds = self.file[name]
        if not ds.dtype.names:
            raise ValueError("%s is not a table" % name)
        df = pd.DataFrame(ds[:]) if ds.shape[0] else pd.DataFrame(np.empty(0, dtype=ds.dtype))
        df = _decode_strings(df)
        df.attrs["units"] = {k[5:]: _py(v) for k, v in ds.attrs.items() if k.startswith("unit:")}
        df.attrs["name"] = name
        return df

    def node_names(self):
        """node id -> name"""
        if self._names is None:
            n = self.raw("topology/nodes")
            self._names = dict(zip(n["id"].tolist(), n["name"].tolist()))
        return self._names

    def link_labels(self):
        """link id -> 'src->dst' label (made unique with '#id' where two links
        join the same nodes)"""
        if self._labels is None:
            ln = self.raw("topology/links")
            names = self.node_names()
            labels = ["%s->%s" % (names.get(s, s), names.get(d, d)) for s, d in zip(ln["src"], ln["dst"])]
            seen = {}
            for lab in labels:
                seen[lab] = seen.get(lab, 0) + 1
            labels = [lab if seen[lab] == 1 else "%s#%d" % (lab, i) for i, lab in zip(ln["id"], labels)]
            self._labels = dict(zip(ln["id"].tolist(), labels))
        return self._labels

    def table(self, name):
        """A table as a DataFrame with node names joined, link labels, and
        times in seconds (see the module's help)."""
        df = self.raw(name)
        units = dict(df.attrs["units"])
        names = self.node_names() if name != "topology/nodes" else None
        for c in NODE_COLUMNS:
            if c in df.columns and names is not None:
                df[c + "_name"] = df[c].map(lambda i: names.get(i, ""))
        if name == "topology/links":
            df["label"] = df["id"].map(self.link_labels())
        for c in LINK_COLUMNS:
            if c in df.columns:
                df[c + "_label"] = df[c].map(self.link_labels())
        for c in list(df.columns):
            if c.endswith("_ps"):
                df[c[:-3] + "_s"] = _seconds(df[c])
                units[c[:-3] + "_s"] = "s"
        if "start_s" in df.columns and "finish_s" in df.columns:
            extra = "fct_s" if name == "transfers" else "duration_s"
            df[extra] = df["finish_s"] - df["start_s"]
            units[extra] = "s"
        if name == "collectives" and "lower_bound_s" in df.columns:
            # how far from the ideal the collective came: duration / lower bound
            with np.errstate(divide="ignore", invalid="ignore"):
                df["vs_lower_bound"] = df["duration_s"] / df["lower_bound_s"].where(df["lower_bound_s"] > 0)
        df.attrs["units"] = units
        df.attrs["name"] = name
        return df

    @property
    def nodes(self):
        return self.table("topology/nodes")

    @property
    def links(self):
        return self.table("topology/links")

    def all_tables(self):
        """name -> DataFrame for every table of the file"""
        return {t: self.table(t) for t in self.tables()}

    # --- time series -------------------------------------------------------
    def has_timeseries(self):
        return "timeseries" in self.file

    def timeseries(self, links=None):
        """The time series (a TimeSeries), or None when the run had no sample=.
        links: optional list of link ids to load (default: all)."""
        if not self.has_timeseries():
            return None
        g = self.file["timeseries"]
        t = g["time_ps"][:]
        nl = g["link_bytes"].shape[1]
        sel = list(range(nl)) if links is None else sorted(set(int(x) for x in links))
        if links is None:
            lb, qb = g["link_bytes"][:], g["queue_bytes"][:]
        elif sel:
            lb, qb = g["link_bytes"][:, sel], g["queue_bytes"][:, sel]
        else:
            lb = qb = np.zeros((len(t), 0), dtype=np.uint64)
        labels = self.link_labels()
        return TimeSeries(t, _py(g.attrs.get("sample_ps", 0)), lb, qb, [labels[i] for i in sel], sel)

    def utilisation(self, links=None):
        """Link utilisation per sample interval: a DataFrame whose index is the
        end of each interval (time_s) and whose columns are link labels;
        bytes * 8 / (rate * interval). Rows start at the second sample (the
        first has no interval). None without time series."""
        ts = self.timeseries(links)
        if ts is None:
            return None
        rate = self.raw("topology/links")["rate_bps"].to_numpy(dtype=np.float64)[ts.links]
        dt = np.diff(ts.time_ps).astype(np.float64) * PS
        b = ts.link_bytes.to_numpy(dtype=np.float64)[1:]
        u = b * 8.0 / (rate[None, :] * dt[:, None]) if len(dt) else b
        return pd.DataFrame(u, index=pd.Index(ts.time_s[1:], name="time_s"), columns=ts.link_bytes.columns)


def differing_keys(runs, candidates=None):
    """The parameters and configuration attributes whose values differ among
    runs (for labels of a comparison), in a stable order."""
    if candidates is None:
        candidates = []
        for r in runs:
            for k in list(r.params) + list(LABEL_ATTRS):
                if k not in candidates:
                    candidates.append(k)
    out = []
    for k in candidates:
        values = set(str(r.get(k)) for r in runs)
        if len(values) > 1:
            out.append(k)
    return out
