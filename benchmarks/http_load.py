"""Structure queries under gunicorn (2 workers, 127.0.0.1) beside a trivial endpoint on the same server.

    python -m benchmarks.http_load [--quick] [--seconds 6] [--connections 8]

The server runs ``gunicorn -w 2 'benchmarks.http_load:make_app()'``: the product application (a
seeded SQLite store in a temporary instance folder, seeded once by this process before gunicorn
starts) with a ``GET /hello`` route added by this module (13 bytes of text) — the baseline: what
gunicorn + Flask + the product's own request hooks (request id, access log, limits, authentication)
cost on this machine, measured in the same run, i.e. the framework's ceiling for any endpoint of the
product.  ``GET /raw-hello`` is answered by a WSGI wrapper before Flask, for reference.  Neither
endpoint exists in the product.

Scenarios (each for ``--seconds`` of wall time, the same number of keep-alive connections):

* ``hello``                              — the baseline;
* ``codelist 304``                       — ``GET /sdmx/rest/codelist/SDMX/CL_SEX`` with the ETag of an
  earlier answer in ``If-None-Match`` (the conditional path: generation counter, no body);
* ``codelist 200``                       — the same URL without ``If-None-Match`` (the body cache);
* ``DSD references=all 200``             — ``/sdmx/rest/datastructure/IDAC/DSD_IDAC_CORE/1.0?references=all``
  (body cache after the first request);
* ``data key 200``                       — a country-indicator data key as SDMX-CSV, anonymous (so
  disclosure control runs), over the Panama and Mexico examples loaded into the store: a real
  query every time, no answer cache; reported as a ratio without a goal.

The server keeps the product's per-principal rate limits on (``api.ratelimits``) with a budget no
scenario can exhaust, so their cost is in the figures.

Load client: ``wrk`` when installed (``apt-get install -y wrk``), else a bounded Python client
(threads, one ``http.client`` keep-alive connection each, bounded by time and by request count).  The
client shares the 2 cores with the server, so absolute figures are low; the ratio to ``hello`` is
the figure that matters.  Goal: cached structure answers ≥ 50% of hello throughput.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.runner import Result  # noqa: E402
from benchmarks.server import free_port, stop, wait_ready  # noqa: E402

CODELIST = "/sdmx/rest/codelist/SDMX/CL_SEX"
DSD_ALL = "/sdmx/rest/datastructure/IDAC/DSD_IDAC_CORE/1.0?references=all"
#: A country-indicator key (Panama, refugee children stock): the public answer, with disclosure
#: control, as SDMX-CSV.
DATA_KEY = "/sdmx/rest/data/IDAC,DF_IDAC_CORE,1.0/A.PAN.IDAC_STK_REF.......?format=csvfile"
#: Example files loaded into the benchmark store (``examples/``).
EXAMPLES = ("core-pan-2024.csv", "core-mex-2024.csv")
MAX_REQUESTS = 200_000


def make_app() -> Any:
    """The WSGI application gunicorn serves: the product plus ``/hello``."""
    from api import create_app

    product = create_app({"seed_content": False, "log_level": "WARNING"})
    product.add_url_rule("/hello", "bench_hello", lambda: ("Hello, world!", 200, {"Content-Type": "text/plain"}))

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/raw-hello":
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "13")])
            return [b"Hello, world!"]
        return product(environ, start_response)

    return app


def _seed(instance: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "IDAC_INSTANCE_PATH": str(instance),
        "IDAC_DATABASE_URL": f"sqlite:///{instance / 'r.db'}",
        "IDAC_SECRET_KEY": "bench",
        "IDAC_LOG_LEVEL": "WARNING",
        "IDAC_RATE_LIMIT_QUERIES": "100000000 per minute",
        "PYTHONPATH": str(ROOT),
    }
    code = (
        "import sys\n"
        "from api import create_app\n"
        "a = create_app({'seed_content': True, 'allow_anonymous_submissions': True})\n"
        "c = a.test_client()\n"
        f"for name in {EXAMPLES!r}:\n"
        f"    body = open({str(ROOT / 'examples')!r} + '/' + name, 'rb').read()\n"
        "    provider = 'PAN_SNM' if 'pan' in name else 'MEX_INM'\n"
        "    r = c.post('/api/submissions?dataflow=IDAC:DF_IDAC_CORE(1.0)&provider=' + provider,\n"
        "               data=body, content_type='text/csv', headers={'Accept': 'application/json'})\n"
        "    assert r.json.get('status') == 'loaded', r.json\n"
        "a.extensions['idac.jobs'].shutdown()\n"
        "a.extensions['idac.db'].dispose()\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=str(ROOT), timeout=300)  # noqa: S603
    return env


def _python_load(
    port: int, path: str, headers: dict[str, str], seconds: float, conns: int
) -> dict[str, float]:
    """Bounded load: ``conns`` threads, each one keep-alive connection, until time or count runs out."""
    latencies: list[list[float]] = [[] for _ in range(conns)]
    statuses: set[int] = set()
    stop = time.perf_counter() + seconds
    budget = MAX_REQUESTS // conns

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = latencies[i]
        for _ in range(budget):
            t0 = time.perf_counter()
            if t0 > stop:
                break
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp.read()
            statuses.add(resp.status)
            mine.append(time.perf_counter() - t0)
        conn.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    allv = sorted(v for lst in latencies for v in lst)
    n = len(allv)
    return {
        "rps": n / wall,
        "p50_ms": allv[n // 2] * 1e3,
        "p99_ms": allv[min(n - 1, int(n * 0.99))] * 1e3,
        "requests": n,
        "statuses": sorted(statuses),
    }  # type: ignore[dict-item]


def _wrk_load(
    port: int, path: str, headers: dict[str, str], seconds: float, conns: int
) -> dict[str, float]:
    args = ["wrk", "-t2", f"-c{conns}", f"-d{max(1, int(seconds))}s", "--latency"]
    for k, v in headers.items():
        args += ["-H", f"{k}: {v}"]
    out = subprocess.run(
        [*args, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,  # noqa: S603
        check=True,
        timeout=seconds + 60,
    ).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\b", out, re.M)
        if not m:
            return float("nan")
        return float(m[1]) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[m[2]]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": rps,
        "p50_ms": ms("50"),
        "p99_ms": ms("99"),
        "non_2xx_3xx": int(non2xx[1]) if non2xx else 0,
    }


def run(quick: bool, seconds: float | None = None, conns: int = 8) -> list[Result]:
    """Start gunicorn, load each scenario, stop gunicorn."""
    seconds = seconds or (2.0 if quick else 6.0)
    use_wrk = shutil.which("wrk") is not None
    load = _wrk_load if use_wrk else _python_load
    client = "wrk" if use_wrk else "python client"
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="idac-bench-http-") as tmp:
        env = _seed(Path(tmp))
        proc = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "benchmarks.http_load:make_app()",
            ],
            env=env,
            cwd=str(ROOT),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            wait_ready(port, "/hello")
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for path in (CODELIST, DSD_ALL, DATA_KEY):  # warm both workers' caches
                for _ in range(4):
                    conn.request("GET", path)
                    resp = conn.getresponse()
                    resp.read()
                    assert resp.status == 200, (path, resp.status)
            conn.request("GET", CODELIST)
            resp = conn.getresponse()
            resp.read()
            etag = resp.getheader("ETag") or ""
            conn.request("GET", CODELIST, headers={"If-None-Match": etag})
            r304 = conn.getresponse()
            r304.read()
            assert r304.status == 304, r304.status
            conn.close()
            scenarios = [
                ("hello", "/hello", {}),
                ("raw WSGI hello (reference)", "/raw-hello", {}),
                ("codelist 304 (If-None-Match)", CODELIST, {"If-None-Match": etag}),
                ("codelist 200 (body cache)", CODELIST, {}),
                ("DSD references=all 200", DSD_ALL, {}),
                ("data key 200 (public, SDMX-CSV)", DATA_KEY, {}),
            ]
            figures = {
                name: load(port, path, headers, seconds, conns) for name, path, headers in scenarios
            }
        finally:
            stop(proc, grace=20)
    hello = figures["hello"]["rps"]
    out = [
        Result.rate(
            "http: hello (gunicorn -w 2, baseline)",
            hello,
            "req/s",
            note=f"p50 {figures['hello']['p50_ms']:.1f} ms, p99 {figures['hello']['p99_ms']:.1f} ms, "
            f"{client}, {conns} connections, {seconds:g} s",
        )
    ]
    for name, _p, _h in scenarios[1:]:
        f = figures[name]
        out.append(
            Result.rate(
                f"http: {name}",
                f["rps"],
                "req/s",
                hello,
                "hello",
                goal_ratio=None if name.startswith(("raw", "data")) else 0.5,
                note=f"p50 {f['p50_ms']:.1f} ms, p99 {f['p99_ms']:.1f} ms"
                + (f", non-2xx/3xx {f['non_2xx_3xx']}" if f.get("non_2xx_3xx") else ""),
            )
        )
    return out


def main() -> None:
    """Command line."""
    from benchmarks.runner import report

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seconds", type=float, default=None)
    ap.add_argument("--connections", type=int, default=8)
    args = ap.parse_args()
    results = run(args.quick, args.seconds, args.connections)
    print(report(results))


if __name__ == "__main__":
    main()
