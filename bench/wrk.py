"""Run wrk (Debian's package) and read the JSON line that report.lua prints."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

REPORT_LUA = Path(__file__).resolve().parent / "report.lua"
MARKER = "WRK_JSON "


@dataclass
class WrkResult:
    url: str
    threads: int
    connections: int
    seconds: float
    requests: int
    errors: dict[str, int]
    latency_us: dict[str, float]
    server_cpu_seconds: float | None = None  # filled in by the caller when it can measure it

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p99_ms(self) -> float:
        return self.latency_us["p99"] / 1000

    @property
    def cpu_us_per_request(self) -> float | None:
        if self.server_cpu_seconds is None or not self.requests:
            return None
        return self.server_cpu_seconds / self.requests * 1e6

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def as_dict(self) -> dict:
        cpu = self.cpu_us_per_request
        return {
            **asdict(self),
            "requests_per_second": round(self.rps, 1),
            "p99_ms": round(self.p99_ms, 2),
            "server_cpu_us_per_request": round(cpu, 1) if cpu is not None else None,
        }


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    url: str, *, seconds: float, threads: int = 2, connections: int = 32, script: Path = REPORT_LUA, timeout: str = "10s"
) -> WrkResult:
    """``wrk -t<threads> -c<connections> -d<seconds>s`` against ``url``; non-2xx/3xx answers count as errors."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", f"--timeout={timeout}", "-s", str(script), url]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=seconds + 60)
    line = next((line for line in result.stdout.splitlines() if line.startswith(MARKER)), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}): {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    data = json.loads(line[len(MARKER) :])
    return WrkResult(
        url=url,
        threads=threads,
        connections=connections,
        seconds=data["duration_us"] / 1e6,
        requests=data["requests"],
        errors=data["errors"],
        latency_us=data["latency_us"],
    )
