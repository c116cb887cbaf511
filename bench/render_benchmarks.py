#!/usr/bin/env python3
"""Renders BENCHMARKS.md from the benchmarks' JSON (apiserver_bench, propagation_bench, console_models_bench) plus a
description of this machine into bench/results.json and BENCHMARKS.md.

Called by bench/run.sh; results.json holds every benchmark's document, the machine and the load samples."""
import argparse
import json
import os
import platform
import re
import subprocess
from datetime import datetime, timezone

GOALS = {"memoryWrites": 5000, "sqliteWrites": 1000, "fanoutP99Ms": 50}
MODES = [("memory", "In memory"), ("sqlite", "SQLite (`--data-dir`)")]


def run(cmd, cwd=None):
    try:
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def first_match(path, pattern):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = re.match(pattern, line)
                if m:
                    return m.group(1).strip()
    except OSError:
        pass
    return ""


def machine(args):
    cache = os.path.join(args.build, "CMakeCache.txt")
    compiler = first_match(cache, r"CMAKE_CXX_COMPILER:\w+=(.*)") or "c++"
    qt_dir = first_match(cache, r"Qt6Core_DIR:\w+=(.*)")
    qt = next(filter(None, (first_match(os.path.join(qt_dir, f), r'\s*set\(PACKAGE_VERSION "([^"]+)"\)')
                            for f in ("Qt6CoreConfigVersionImpl.cmake", "Qt6CoreConfigVersion.cmake"))), "")
    mem_kb = first_match("/proc/meminfo", r"MemTotal:\s+(\d+) kB")
    commit = args.commit or run(["git", "rev-parse", "HEAD"], cwd=args.repo)
    dirty = not args.commit and bool(run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=args.repo))
    load_after = args.load_after
    if not load_after:
        with open("/proc/loadavg", encoding="utf-8") as f:
            load_after = " ".join(f.read().split()[:3])
    return {
        "cpus": os.cpu_count(),
        "cpuModel": first_match("/proc/cpuinfo", r"model name\s*:\s*(.*)") or platform.processor(),
        "memoryGiB": round(int(mem_kb or 0) / 1048576, 1),
        "kernel": platform.release(),
        "compiler": (run([compiler, "--version"]).splitlines() or [compiler])[0],
        "qt": qt or "unknown",
        "buildType": first_match(cache, r"CMAKE_BUILD_TYPE:\w+=(.*)"),
        "buildOptions": " ".join("-D%s=%s" % (o, first_match(cache, o + r":\w+=(.*)") or "?")
                                 for o in ("KUBELB_BUILD_GUI", "KUBELB_BUILD_TESTS")),
        "commit": commit,
        "uncommittedChanges": dirty,
        "started": args.started,
        "finished": args.finished or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "loadBefore": args.load_before,
        "loadAfter": load_after,
    }


def num(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def lat(phase, key="latency", extra=False):
    l = (phase or {}).get(key, {})
    if not l:
        return "–"
    text = f"{num(l.get('p50Ms'), 2)} / {num(l.get('p99Ms'), 2)}"
    return text + (f" / {num(l.get('maxMs'), 2)}" if extra else "")


def verdict(ok):
    return "**PASS**" if ok else "**MISS**"


def results_table(modes):
    med = {m: modes.get(m, {}).get("median", {}) for m, _ in MODES}
    g = GOALS
    rows = [
        "| Measurement | In memory | SQLite | Goal (memory / SQLite) | Memory | SQLite |",
        "|---|---:|---:|---|:-:|:-:|",
    ]

    def write_row(phase, label):
        mem, sql = med["memory"].get(phase, {}), med["sqlite"].get(phase, {})
        ops_m, ops_s = mem.get("opsPerSec"), sql.get("opsPerSec")
        rows.append(f"| {label}, writes/s | {num(ops_m)} | {num(ops_s)} | ≥ {g['memoryWrites']:,} / ≥ "
                    f"{g['sqliteWrites']:,} | {verdict((ops_m or 0) >= g['memoryWrites']) if mem else '–'} | "
                    f"{verdict((ops_s or 0) >= g['sqliteWrites']) if sql else '–'} |")
        rows.append(f"| {label} latency p50 / p99, ms | {lat(mem)} | {lat(sql)} | | | |")

    write_row("create", "Create (POST)")
    write_row("update", "Update (PUT)")
    for m in ("memory", "sqlite"):
        med[m].setdefault("get", {})
    rows.append(f"| Get, reads/s | {num(med['memory']['get'].get('opsPerSec'))} | "
                f"{num(med['sqlite']['get'].get('opsPerSec'))} | | | |")
    rows.append(f"| Get latency p50 / p99, ms | {lat(med['memory']['get'])} | {lat(med['sqlite']['get'])} | | | |")
    for phase, label in (("listJson", "JSON"), ("listTable", "Table (kubectl get)")):
        mem, sql = med["memory"].get(phase, {}), med["sqlite"].get(phase, {})
        items = num(mem.get("items") or sql.get("items"))
        rows.append(f"| List {items} Secrets as {label}, p50 / p99, ms | {lat(mem)} | {lat(sql)} | | | |")
    mem, sql = med["memory"].get("fanout", {}), med["sqlite"].get("fanout", {})
    watchers = num(mem.get("watchers") or sql.get("watchers"))

    def fan_ok(f):
        return verdict(f.get("latency", {}).get("p99Ms", 1e9) < g["fanoutP99Ms"] and f.get("missing", 1) == 0)

    rows.append(f"| Watch fan-out to {watchers} watchers p50 / p99 / max, ms | {lat(mem, extra=True)} | "
                f"{lat(sql, extra=True)} | p99 < {g['fanoutP99Ms']} ms, none missing | "
                f"{fan_ok(mem) if mem else '–'} | {fan_ok(sql) if sql else '–'} |")
    rows.append(f"| Fan-out deliveries missing | {num(mem.get('missing'))} | {num(sql.get('missing'))} | | | |")
    cpu = [med[m] for m, _ in MODES]
    rows.append("| Server CPU per create / update / get, µs | "
                + " | ".join(" / ".join(num(c.get(p, {}).get("serverCpuPerOpUs")) for p in ("create", "update", "get"))
                             for c in cpu) + " | | | |")
    rows.append("| Server CPU share during create / update, cores | "
                + " | ".join(" / ".join(num(c.get(p, {}).get("serverCpuUtilization"), 2) for p in ("create", "update"))
                             for c in cpu) + " | | | |")
    rows.append("| Derived: writes/s one dedicated core would sustain (10⁶ / CPU µs per op), create / update | "
                + " | ".join(" / ".join(num(1e6 / c[p]["serverCpuPerOpUs"]) if c.get(p, {}).get("serverCpuPerOpUs")
                                        else "–" for p in ("create", "update")) for c in cpu) + " | | | |")
    rows.append(f"| Server peak RSS, MiB | {num(cpu[0].get('serverPeakRssMiB'))} | "
                f"{num(cpu[1].get('serverPeakRssMiB'))} | | | |")
    return "\n".join(rows)


def runs_table(modes):
    rows = ["| Mode | Run | Create/s | Update/s | Get/s | List JSON p50 ms | List Table p50 ms | Fan-out p99 ms |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for mode, label in MODES:
        for i, r in enumerate(modes.get(mode, {}).get("runs", []), 1):
            if "error" in r:
                rows.append(f"| {label} | {i} | failed: {r['error']} | | | | | |")
                continue
            rows.append(f"| {label} | {i} | " + " | ".join([
                num(r["create"]["opsPerSec"]), num(r["update"]["opsPerSec"]), num(r["get"]["opsPerSec"]),
                num(r["listJson"]["latency"]["p50Ms"], 1), num(r["listTable"]["latency"]["p50Ms"], 1),
                num(r["fanout"].get("latency", {}).get("p99Ms"), 2)]) + " |")
    return "\n".join(rows)


def spread(modes):
    """One sentence on how much throughput and CPU cost moved between runs of the in-memory mode."""
    runs = [r for r in modes.get("memory", {}).get("runs", []) if "create" in r]
    if len(runs) < 2:
        return ""
    ops = [r["create"]["opsPerSec"] for r in runs]
    cpu = [r["create"]["serverCpuPerOpUs"] for r in runs]
    return (f"Across these runs in-memory create throughput ranged {num(min(ops))}–{num(max(ops))}/s while the "
            f"server's CPU per create ranged {num(min(cpu))}–{num(max(cpu))} µs: the CPU-per-op figures depend less "
            "on the machine's load and are the better basis for comparing server changes.")


def method(cfg, modes):
    return f"""\
- `apiserver_bench` (bench/apiserver_bench.cpp) starts the real server as a **separate process**,
  `kubelb-syncd apiserver --bind 127.0.0.1:0 --write-kubeconfig …` (plus `--data-dir` for SQLite), so client and
  server never share an event loop; it reads the admin token and CA from the written kubeconfig and talks HTTPS/1.1
  over loopback, verifying the server certificate. Each run uses a **fresh server**; {cfg['repeat']} runs per mode;
  every number in the main table is the **median over runs** (each run's own numbers are in the second table and in
  `bench/results.json`).
- Client: raw `QSslSocket` keep-alive connections with its own small HTTP/1.1 parser (Content-Length and chunked),
  one request in flight per connection, `TCP_NODELAY`. No `QNetworkAccessManager`: it opens at most 6 connections
  per host and costs more client CPU per request, which on 2 cores would be measured as server time.
- **Throughput**: {cfg['objects']:,} Secrets with {cfg['dataBytes']:,} bytes of data each (4 keys of
  pseudo-random bytes, base64 in JSON: ~1.5 KiB request bodies) are **created** (POST), then each is **updated**
  (PUT of the whole object with new data, no resourceVersion precondition), then **read** (GET), with
  {cfg['concurrency']} requests in flight over {cfg['concurrency']} connections. ops/s = successful requests / wall
  time of the phase; latency = request written → response complete, per request. "Server CPU per op" is the
  server process's user+system CPU (from `/proc/PID/stat`) over the phase divided by requests.
- **List**: one namespace holds {cfg['listSize']:,} of the Secrets; it is listed {cfg['listRepeats']} times on one
  connection (after one untimed warm-up whose item count is checked) as plain JSON and as kubectl's Table
  (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io,…`). Latency = request written → last body byte read.
  p99 over {cfg['listRepeats']} samples is effectively the maximum.
- **Watch fan-out**: {cfg['watchers']} concurrent watch streams (`GET /api/v1/secrets?watch=true&resourceVersion=…`,
  one connection each) are open and registered (their response heads have arrived); then {cfg['fanoutEvents']}
  Secrets are created at {cfg['fanoutRate']}/s on another connection (a tick is skipped rather than queued if the
  previous create is still in flight). Latency per (event, watcher) pair = create request written → that watcher
  read the chunk carrying the event (timestamped when its socket became readable, all in one steady clock). The
  server writes watch events before the create's response, so timing from the acknowledgement would be negative;
  timing from the send includes the create itself. Missing = pairs never delivered within 10 s after the last write.
- The machine is shared (other builds and tests run concurrently): the load averages before and after are recorded
  above, runs are repeated and medians reported. {spread(modes)}"""


def apiserver_section(doc):
    cfg = doc.get("config", {})
    if not doc.get("modes"):
        return "## 5. Embedded API server\n\nNot run.\n"
    return f"""\
## 5. Embedded API server (`apiserver_bench`)

Sustained create/update/get throughput, list latency at {cfg.get('listSize', 0):,} objects and watch fan-out
latency to {cfg.get('watchers', 0)} watchers of the embedded API server (`kubelb-syncd apiserver`), in memory and
with SQLite persistence. Medians over {cfg.get('repeat')} runs per mode (run {doc.get('finishedAt', '')}).

{results_table(doc.get('modes', {}))}

Goals (from the issue): ≥ 5,000 writes/s in memory, ≥ 1,000 writes/s with SQLite, watch fan-out p99 < 50 ms.
PASS/MISS is judged on the measured medians only. The server runs every request on one thread, so its throughput
here is its CPU share × what one core sustains: when other jobs take the machine's 2 cores (see the load averages)
the share drops under 1 and the measured rate with it; the derived row shows the rate the per-request CPU
cost allows on a dedicated core.

### Every run

{runs_table(doc.get('modes', {}))}

### Method

{method(cfg, doc.get('modes', {}))}
"""


# ---------------------------------------------------------------------------------------------------------------
# propagation_bench (items 1-4) and console_models_bench (item 6)

PROPAGATION_GOALS = {"ratio": 1.5, "writes": 5.0, "gets": 0.0, "resyncWrites": 0.0, "updateP99Ms": 100.0,
                     "memoryRatio": 2.0, "lineageMs": 1000.0, "filterMs": 50.0}


def pass_fail(ok):
    if ok is None:
        return "–"
    return "**PASS**" if ok else "**FAIL**"


def by_size(runs, n):
    return next((r for r in runs or [] if r.get("objects") == n and "error" not in r), None)


def goals_table(doc):
    """Every goal of the issue with its measured value and verdict."""
    g = PROPAGATION_GOALS
    prop = doc.get("propagation", {}) or {}
    runs = prop.get("propagation", [])
    mem = prop.get("memory", [])
    api = doc.get("apiserver", {}) or {}
    console = doc.get("consoleModels", {}) or {}
    rows = ["| # | Goal | Measured | Verdict |", "|---|---|---|:-:|"]
    for r in runs:
        n = r.get("objects")
        if "error" in r:
            rows.append(f"| 1 | controllers ≤ {g['ratio']} × floor, N = {n:,} | failed: {r['error']} | **FAIL** |")
            continue
        c, f = r["controllers"], r["floor"]
        rows.append(f"| 1 | controllers' time ≤ {g['ratio']} × the floor, N = {n:,} | {num(c['seconds'], 2)} s vs "
                    f"{num(f['seconds'], 2)} s = **{r['ratio']:.2f} ×** | {pass_fail(r['ratio'] <= g['ratio'])} |")
    for r in runs:
        if "error" in r:
            continue
        n, c = r["objects"], r["controllers"]
        kind = "stringData" if r.get("stringData") else "data"
        rows.append(f"| 2 | writes per SyncSecret until Synced ≤ {g['writes']:.0f} (tenant status included), "
                    f"N = {n:,} | {c['writesPerObject']:.3f} (tenant {c['tenantWritesPerObject']:.3f}, management "
                    f"{c['managementWritesPerObject']:.3f}; 409s {c['conflictsPerObject']:.3f}) | "
                    f"{pass_fail(c['writesPerObject'] <= g['writes'] + 1e-9)} |")
        rows.append(f"| 2 | reads beyond list/watch (GETs) = 0, N = {n:,} | {c['getsPerObject']:.3f} per SyncSecret | "
                    f"{pass_fail(c['getsPerObject'] == 0)} |")
        rs = c.get("resync")
        if rs:
            rows.append(f"| 2 | writes per resync at steady state = 0 ({kind}), N = {n:,} | {num(rs['writes'])} writes, "
                        f"{num(rs['gets'])} GETs over {num(rs['ccmReconciles'])} CCM + {num(rs['managerReconciles'])} "
                        f"Manager reconciles | {pass_fail(rs['writes'] == 0 and rs.get('completed'))} |")
    for r in runs:
        u = (r.get("controllers") or {}).get("update")
        if u:
            p99 = u["latency"].get("p99Ms")
            rows.append(f"| 3 | update latency p99 < {g['updateP99Ms']:.0f} ms among {r['objects']:,} synced | "
                        f"p50 {num(u['latency'].get('p50Ms'), 2)} ms, p99 {num(p99, 2)} ms ({u['updates']} updates, "
                        f"{u['errors']} lost) | {pass_fail(p99 is not None and p99 < g['updateP99Ms'] and not u['errors'])} |")
    for m in mem:
        if "error" in m:
            rows.append(f"| 4 | Manager RSS < {g['memoryRatio']:.0f} × raw JSON, N = {m['objects']:,} | failed: "
                        f"{m['error']} | **FAIL** |")
            continue
        raw = m["rawJsonBytes"]["syncSecrets"] + m["rawJsonBytes"]["secrets"]
        rows.append(f"| 4 | Manager RSS < {g['memoryRatio']:.0f} × raw JSON, {m['objects']:,} cached SyncSecrets | "
                    f"+{num(m['deltaMiB'], 1)} MiB for {num(raw / 1048576, 1)} MiB of JSON = **{m['ratio']:.2f} ×** | "
                    f"{pass_fail(m['ratio'] < g['memoryRatio'])} |")
    med = {k: (api.get("modes", {}).get(k, {}) or {}).get("median", {}) for k in ("memory", "sqlite")}
    if med["memory"]:
        w = med["memory"].get("create", {}).get("opsPerSec", 0)
        ws = med["sqlite"].get("create", {}).get("opsPerSec", 0)
        fan = med["memory"].get("fanout", {}).get("latency", {}).get("p99Ms")
        lst = med["memory"].get("listJson", {}).get("latency", {}).get("p50Ms")
        rows.append(f"| 5 | API server ≥ 5,000 writes/s in memory / ≥ 1,000 with SQLite | {num(w)} / {num(ws)} | "
                    f"{pass_fail(w >= 5000 and (not med['sqlite'] or ws >= 1000))} |")
        rows.append(f"| 5 | watch fan-out to 100 watchers p99 < 50 ms | {num(fan, 2)} ms | "
                    f"{pass_fail(fan is not None and fan < 50)} |")
        rows.append(f"| 5 | list latency at 10,000 objects (no goal) | p50 {num(lst, 1)} ms | – |")
    if console.get("built"):
        res = console.get("results", {})
        lb, fk = res.get("lineagePlusModelMs"), res.get("filterKeystrokeWorstMs")
        rows.append(f"| 6 | lineage + model build for 100,000 objects < 1 s (median of the runs) | {num(lb, 1)} ms | "
                    f"{pass_fail(lb is not None and lb < g['lineageMs'])} |")
        rows.append(f"| 6 | one filter keystroke < 50 ms (worst of the typed sequence) | {num(fk, 2)} ms | "
                    f"{pass_fail(fk is not None and fk < g['filterMs'])} |")
    else:
        rows.append("| 6 | console models: lineage < 1 s, filter keystroke < 50 ms | not built "
                    "(`console_models_bench` does not exist in this tree) | – |")
    return "\n".join(rows)


def cpu_text(cpu):
    if not cpu:
        return "–"
    return ", ".join(f"{k} {v:.1f} s" for k, v in cpu.items())


def propagation_section(doc):
    prop = doc.get("propagation", {}) or {}
    runs = prop.get("propagation", [])
    if not runs:
        return "## 1–3. Propagation, API calls, update latency\n\nNot run.\n"
    cfg = prop.get("config", {})
    rows = ["| | " + " | ".join(f"N = {r['objects']:,} ({'stringData' if r.get('stringData') else 'data'})"
                                for r in runs) + " |",
            "|---|" + "---:|" * len(runs)]

    def row(label, f):
        cells = []
        for r in runs:
            try:
                cells.append(f(r))
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append("–")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")

    row("Controllers: total time, s", lambda r: num(r["controllers"]["seconds"], 2))
    row("Controllers: SyncSecrets/s", lambda r: num(r["controllers"]["objectsPerSec"]))
    row("Controllers: per-object latency p50 / p99, ms", lambda r: lat(r["controllers"]))
    row("Floor: total time, s", lambda r: num(r["floor"]["seconds"], 2))
    row("Floor: per-object latency p50 / p99, ms", lambda r: lat(r["floor"]))
    row("**Ratio controllers / floor** (goal ≤ 1.5)", lambda r: f"**{r['ratio']:.2f}**")
    row("Controllers: writes per SyncSecret until Synced (goal ≤ 5)",
        lambda r: f"{r['controllers']['writesPerObject']:.3f}")
    row("… tenant / management", lambda r: f"{r['controllers']['tenantWritesPerObject']:.3f} / "
                                           f"{r['controllers']['managementWritesPerObject']:.3f}")
    row("… of which 409 Conflict", lambda r: f"{r['controllers']['conflictsPerObject']:.3f}")
    row("Floor: writes per SyncSecret", lambda r: f"{r['floor']['writesPerObject']:.3f}")
    row("Controllers: GETs per SyncSecret (goal 0)", lambda r: f"{r['controllers']['getsPerObject']:.3f}")
    row("Resync (both controllers restarted): writes (goal 0)", lambda r: num(r["controllers"]["resync"]["writes"]))
    row("Resync: GETs / CCM reconciles / Manager reconciles",
        lambda r: f"{num(r['controllers']['resync']['gets'])} / {num(r['controllers']['resync']['ccmReconciles'])} / "
                  f"{num(r['controllers']['resync']['managerReconciles'])}")
    row("Resync: restart → both idle, s", lambda r: num(r["controllers"]["resync"]["seconds"], 1))
    row("Update latency p50 / p99 / max, ms (goal p99 < 100)",
        lambda r: lat(r["controllers"]["update"], extra=True) if r["controllers"].get("update") else "–")
    row("CPU during the controllers' run", lambda r: cpu_text(r["controllers"].get("cpuSeconds")))
    row("CPU during the floor run", lambda r: cpu_text(r["floor"].get("cpuSeconds")))
    errors = [f"- N = {r['objects']:,}: **failed**: {r['error']}" for r in runs if "error" in r]

    counts = []
    for r in runs:
        if "error" in r:
            continue
        for who, key in (("tenant", "tenantRequests"), ("management", "managementRequests")):
            c = r["controllers"].get(key, {})
            text = ", ".join(f"`{k}` {v:,.0f}" for k, v in sorted(c.items()) if not k.startswith(("WATCH", "LIST")))
            counts.append(f"- N = {r['objects']:,}, {who} server: {text}")
    return f"""\
## 1–3. Propagation vs. the write floor, API calls per SyncSecret, update latency (`propagation_bench`)

{chr(10).join(rows)}
{chr(10).join(errors)}

Requests the servers counted during the controllers' runs (`apiserver_request_total`, by verb, resource and code;
LIST and WATCH left out; tenant POSTs include the benchmark's own creates, which are not counted as controller
writes):

{chr(10).join(counts)}

### Method

- **Processes**: for each size, two `kubelb-syncd apiserver` processes in memory (tenant, management; HTTPS on
  loopback), the CRD from `packaging/kubernetes/base/syncsecret-crd.yaml`, namespace `production` in the tenant and
  `tenant-primary` (labelled `kubelb.k8c.io/tenant`) in the management cluster; `kubelb-syncd manager` and
  `kubelb-syncd ccm --cluster-name tenant-primary` as processes with the admin kubeconfigs, default flags and
  concurrency (4 workers each) except `{cfg.get('controllerFlags', '')}`: the shipped client-side rate limit (50
  requests/s per cluster) would make the run measure the limiter (10,000 × 3 writes at 50/s ≈ 10 min) rather than
  the controllers; it is a deliberate safety cap for production.
- **Workload**: N SyncSecrets with {cfg.get('dataBytes', 1024):,} bytes of data each (4 keys; the 1,000 run writes
  them as `stringData`, the 10,000 run as base64 `data`) created by {cfg.get('concurrency')} connections with one
  request in flight each. Completion is observed through two watches opened before the first create (tenant
  SyncSecrets, management Secrets) — no polling: an object is done when its tenant status says `Synced` for its
  current generation **and** its management Secret holds exactly the expected data. Total time = first create sent
  → last object done; per-object latency = its create acknowledged → done (the creates finish long before the
  controllers do, so this latency is mostly the wait behind the burst; the floor's chains start each object only
  when a slot is free, so its latency is one object's six round trips).
- **Floor**: fresh servers, the same watches, and this client issuing per object exactly the writes the
  controllers make: tenant create, tenant finalizer (PUT), management copy create (born with the finalizer),
  Secret create, copy status (PUT /status), tenant status (PUT /status) — each request built from the previous
  answer, {cfg.get('concurrency')} chains in flight. Ratio = controllers' total time / floor's total time.
- **API calls**: the servers' `apiserver_request_total` before the first create and once both controllers are idle
  (work queues empty, no reconcile running — read from their `/metrics`). Writes = POST, PUT, PATCH, DELETE
  (answered 409 included); the benchmark's own N creates are subtracted. GETs = single-object reads (LIST and WATCH
  are the informers' list/watch).
- **Resync**: at steady state both controllers are stopped and started again (a full relist and a reconcile of
  every object by each, the heaviest resync there is); counted from the restart until both are idle after at least
  N reconciles each.
- **Update latency** (10,000 run): object N/2's `k0` is patched (merge patch) {cfg.get('updates')} times, one at a
  time; latency = PATCH sent → the management Secret watch delivers the new value.
"""


def memory_section(doc):
    mem = (doc.get("propagation", {}) or {}).get("memory", [])
    if not mem:
        return "## 4. Memory\n\nNot run.\n"
    rows = ["| Cached SyncSecrets | Manager RSS empty → full, MiB | Δ RSS, MiB | raw JSON: SyncSecrets + Secrets, MiB "
            "| **Δ RSS / raw JSON** (goal < 2) | Δ RSS / SyncSecret JSON only | peak RSS, MiB | Manager writes at start |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for m in mem:
        if "error" in m:
            rows.append(f"| {m['objects']:,} | failed: {m['error']} | | | | | | |")
            continue
        raw = m["rawJsonBytes"]
        rows.append(f"| {m['objects']:,} | {num(m['emptyRssMiB'], 1)} → {num(m['rssMiB'], 1)} | {num(m['deltaMiB'], 1)} | "
                    f"{num(raw['syncSecrets'] / 1048576, 1)} + {num(raw['secrets'] / 1048576, 1)} | "
                    f"**{m['ratio']:.2f}** | {m['ratioSyncSecretsOnly']:.2f} | {num(m['peakRssMiB'], 1)} | "
                    f"{num(m['managerWritesAtStart'])} |")
    return f"""\
## 4. Memory: the Manager's RSS with its caches full (`propagation_bench`)

{chr(10).join(rows)}

Method: a fresh management API server; `kubelb-syncd manager` started against it with nothing to cache, idle,
{(doc.get('propagation', {}) or {}).get('config', {}).get('settleMs', 3000)} ms settle, VmRSS from
`/proc/PID/status` (the baseline), stopped. Then N SyncSecrets are seeded directly into the server in their
steady state — the copy with the finalizer and a `Synced` status, and its Secret with the owner reference — so
the Manager, started again, caches N SyncSecrets **and** N Secrets and has nothing to write ("Manager writes at
start" checks that). Once it is idle after N reconciles and has settled for the same time, VmRSS again. Raw JSON =
the bytes of `GET` of the SyncSecret list and of the owned-Secret list (what the informers cached), as the server
returns them; the goal compares Δ RSS with both, since both caches are in the process.
"""


def console_section(doc):
    c = doc.get("consoleModels", {}) or {}
    if not c.get("built"):
        return ("## 6. Console models\n\nNot built: the `console_models_bench` target does not exist in this tree "
                "(it comes with the console branch); `bench/run.sh` runs and reports it when it does.\n")
    res = c.get("results", {})
    lines = "\n".join(f"| `{k}` | {num(v, 1) if isinstance(v, float) else v} |" for k, v in res.items()
                      if not isinstance(v, (list, dict)))
    keys = ", ".join(f"`{k['filter']}` {k['ms']:.1f} ms" for k in res.get("keystrokes", []))
    runs = res.get("runs", [])
    runs_text = ""
    if runs:
        runs_text = (f"\nThe values above are the median of {len(runs)} runs by lineage + model time; every run "
                     "(lineage + model = lineage + model, worst keystroke, load average): "
                     + "; ".join(f"{num(r['lineagePlusModelMs'], 1)} = {num(r['buildLineageMs'], 1)} + "
                                 f"{num(r['modelBuildMs'], 1)} ms, {num(r['filterKeystrokeWorstMs'], 1)} ms, "
                                 f"{r['loadAverage']}" for r in runs) + ".\n")
    return f"""\
## 6. Console models (`console_models_bench`)

| Key | Value |
|---|---|
{lines}

Keystrokes (filter text, time): {keys}.
{runs_text}"""


def load_text(samples):
    if not samples:
        return "–"
    ones = sorted(float(s.split()[1]) for s in samples if len(s.split()) >= 2)
    if not ones:
        return "–"
    return (f"1-min load over {len(ones)} samples (every 10 s): min {ones[0]:.2f}, median "
            f"{ones[len(ones) // 2]:.2f}, max {ones[-1]:.2f}")


def render_all(doc, m):
    commit = (m["commit"] or "unknown")[:12] + (" + uncommitted changes" if m["uncommittedChanges"] else "")
    return f"""\
# Benchmarks

<!-- Generated by bench/run.sh (bench/render_benchmarks.py) from bench/results.json. Do not edit by hand. -->

Every number below was measured in one `bench/run.sh` run on the machine described at the end, commit
`{commit}`, {m['started']} – {m['finished']}. The machine is shared with other engineers' builds (see the load
average): where a timing goal misses, compare the ratios and counts, which the load affects much less.

{build_note(m)}## Goals

{goals_table(doc)}

{load_note(doc)}

{propagation_section(doc)}
{memory_section(doc)}
{apiserver_section(doc.get('apiserver', {}) or {})}
{console_section(doc)}
{profile_section()}
## Machine

| | |
|---|---|
| CPUs (`nproc`) | {m['cpus']} |
| CPU model | {m['cpuModel']} |
| Memory | {m['memoryGiB']} GiB |
| Kernel | {m['kernel']} |
| Compiler | {m['compiler']} |
| Qt | {m['qt']} |
| Build | CMake `{m['buildType']}`, `{m.get('buildOptions', '')}` |
| Load average (1/5/15 min) before → after | {m['loadBefore']} → {m['loadAfter']} |
| Load during the run | {load_text(m.get('loadSamples'))} |

## Reproduce

```sh
bench/run.sh                                   # Release build in build-release/, every benchmark, this file
bench/run.sh --only propagation                # one of apiserver, propagation, console
KUBELB_BENCH_PROPAGATION_ARGS="--sizes 1000 --memory-sizes 10000" bench/run.sh --only propagation  # a quick look
build-release/bench/propagation_bench --help   # every knob (also apiserver_bench --help)
```
"""


def build_note(m):
    if m.get("buildType") == "Release":
        return ""
    return (f"This run used an existing `{m.get('buildType')}` build (`bench/run.sh --no-build`, `-O2 -g`) instead of "
            "a fresh Release build: a Release configure at a new commit recompiles every target (the git hash is a "
            "compile definition of each), projected at about an hour on this machine that day (7 of 110 steps in 5 minutes)."
            " The benchmarked programs are the same sources.\n\n")


def load_note(doc):
    """Item 5 is throughput on a shared machine: say what the server's own cost per request was."""
    med = ((doc.get("apiserver", {}) or {}).get("modes", {}).get("memory", {}) or {}).get("median", {})
    c = med.get("create", {})
    fan = (med.get("fanout", {}) or {}).get("latency", {}).get("p99Ms")
    sqlite = ((doc.get("apiserver", {}) or {}).get("modes", {}).get("sqlite", {}) or {}).get("median", {})
    missed = (c.get("opsPerSec", 0) < 5000 or (fan is not None and fan >= 50)
              or (sqlite and sqlite.get("create", {}).get("opsPerSec", 0) < 1000))
    if not c.get("serverCpuPerOpUs") or not missed:
        return ""
    return (f"Item 5 is a throughput goal: in this run the in-memory server spent {c['serverCpuPerOpUs']:.0f} µs of "
            f"CPU per create (one dedicated core would sustain {1e6 / c['serverCpuPerOpUs']:,.0f} creates/s) but got "
            f"only {c.get('serverCpuUtilization', 0):.2f} of a core from the loaded machine; the misses of item 5 "
            "are the load's, as the CPU-per-request rows in section 5 show.")


def profile_section():
    """The profiling note lives in bench/PROFILE.md (written by hand, it is not a measurement of this run)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "PROFILE.md")
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().rstrip() + "\n"
    except OSError:
        return ""


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--results", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--build", required=True)
    p.add_argument("--repo", required=True)
    p.add_argument("--started", default="")
    p.add_argument("--load-before", default="")
    p.add_argument("--finished", default="", help="when the benchmark ended (default: now)")
    p.add_argument("--load-after", default="", help="load average when it ended (default: now)")
    p.add_argument("--load-samples", default="")
    p.add_argument("--apiserver", default="", help="apiserver_bench's JSON of this run")
    p.add_argument("--propagation", default="", help="propagation_bench's JSON of this run")
    p.add_argument("--console", default="", help="console_models_bench's stdout of this run")
    p.add_argument("--console-built", default="false")
    p.add_argument("--only", default="all")
    p.add_argument("--commit", default="", help="the measured commit, when re-rendering after a documentation change")
    args = p.parse_args()
    doc = load_json(args.results) or {}
    if "modes" in doc:  # the old layout: apiserver_bench's document at the top level
        doc = {"apiserver": doc}
    if args.only in ("all", "apiserver"):
        doc["apiserver"] = load_json(args.apiserver) or {"error": "apiserver_bench wrote no results"}
    if args.only in ("all", "propagation"):
        doc["propagation"] = load_json(args.propagation) or {"error": "propagation_bench wrote no results"}
    if args.only in ("all", "console"):
        doc["consoleModels"] = ({"built": True, "results": load_json(args.console) or {}}
                                if args.console_built == "true" else {"built": False})
    m = machine(args)
    samples = []
    if args.load_samples:
        try:
            with open(args.load_samples, encoding="utf-8") as f:
                samples = [line.strip() for line in f if line.strip()]
        except OSError:
            pass
    m["loadSamples"] = samples
    doc["machine"] = m
    with open(args.results, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(render_all(doc, m))


if __name__ == "__main__":
    main()
