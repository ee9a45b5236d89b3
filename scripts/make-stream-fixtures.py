#!/usr/bin/env python3
"""Python torch 2.13's answers for test/streams.test.ts: torch.Stream, torch.Event, torch.accelerator and
torch.cpu's stream functions on a CPU-only build (the CUDA half runs in test/cuda.test.ts on a GPU).
Each case is a value, or the error's type and first line. Run: .venv/bin/python scripts/make-stream-fixtures.py"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_cases import run_case  # noqa: E402


def enc(v):
    if isinstance(v, (torch.Stream, torch.Event, torch.device)):
        return str(v)
    if isinstance(v, (tuple, list)):
        return [enc(x) for x in v]
    return v


def case(f):
    return run_case(f, enc)


def with_stream(s):
    with s:
        return "ran"


def with_device_index(i):
    with torch.accelerator.device_index(i):
        return "ran"


def with_cuda_stream(s):
    with torch.cuda.stream(s):
        return "ran"


def with_cpu_stream(s):
    with torch.cpu.stream(s):
        return "ran"


def timed(a, b):
    return torch.Event(a, enable_timing=True).elapsed_time(torch.Event(b, enable_timing=True))


cpu = torch.Stream("cpu")
cases = {
    "Stream()": lambda: torch.Stream(),
    "Stream fields": lambda: [cpu.stream_id, cpu.device_index, cpu.device_type, str(cpu.device)],
    "Stream cpu:0": lambda: torch.Stream("cpu:0"),
    "Stream meta": lambda: [str(torch.Stream("meta")), torch.Stream("meta").device_type],
    "Stream priority -1": lambda: torch.Stream("cpu", priority=-1),
    "Stream priority 1.5": lambda: torch.Stream("cpu", priority=1.5),
    "Stream query synchronize isCapturing": lambda: [cpu.query(), cpu.synchronize(), cpu.is_capturing()],
    "Stream nativeHandle": lambda: cpu.native_handle,
    "Stream waitEvent unrecorded": lambda: cpu.wait_event(torch.Event("cpu")),
    "Stream waitStream": lambda: cpu.wait_stream(torch.Stream("cpu")),
    "Stream recordEvent": lambda: cpu.record_event(),
    "Stream equals": lambda: [cpu == torch.Stream("cpu"), cpu == torch.Stream("meta")],
    "Stream with": lambda: with_stream(cpu),
    "Event()": lambda: [torch.Event(), torch.Event().event_id, str(torch.Event().device)],
    "Event timing": lambda: torch.Event("cpu", enable_timing=True),
    "Event blocking": lambda: torch.Event("cpu", blocking=True),
    "Event meta": lambda: torch.Event("meta"),
    "Event query synchronize wait": lambda: [torch.Event().query(), torch.Event().synchronize(), torch.Event().wait(), torch.Event().wait(cpu)],
    "Event record": lambda: torch.Event("cpu").record(),
    "Event record on cpu stream": lambda: torch.Event("cpu").record(cpu),
    "Event record meta": lambda: torch.Event("meta").record(torch.Stream("meta")),
    "Event record other device type": lambda: torch.Event("cpu").record(torch.Stream("meta")),
    "Event elapsedTime unrecorded": lambda: timed("cpu", "cpu"),
    "Event elapsedTime without timing": lambda: torch.Event("cpu", enable_timing=True).elapsed_time(torch.Event("cpu")),
    "Event elapsedTime other device type": lambda: timed("cpu", "meta"),
    "Event ipcHandle": lambda: torch.Event().ipc_handle(),
    "accelerator currentAccelerator": lambda: [torch.accelerator.current_accelerator(), torch.accelerator.current_accelerator(True)],
    "accelerator deviceCount isAvailable": lambda: [torch.accelerator.device_count(), torch.accelerator.is_available()],
    "accelerator currentDeviceIndex": lambda: torch.accelerator.current_device_index(),
    "accelerator setDeviceIndex -1": lambda: torch.accelerator.set_device_index(-1),
    "accelerator setDeviceIndex 0": lambda: torch.accelerator.set_device_index(0),
    "accelerator setDeviceIndex cuda:0": lambda: torch.accelerator.set_device_index("cuda:0"),
    "accelerator deviceIndex null": lambda: with_device_index(None),
    "accelerator deviceIndex 0": lambda: with_device_index(0),
    "accelerator currentStream": lambda: torch.accelerator.current_stream(),
    "accelerator currentStream cuda": lambda: torch.accelerator.current_stream("cuda"),
    "accelerator setStream": lambda: torch.accelerator.set_stream(cpu),
    "accelerator synchronize": lambda: torch.accelerator.synchronize(),
    "accelerator memoryAllocated": lambda: torch.accelerator.memory_allocated(),
    "accelerator memoryStats": lambda: torch.accelerator.memory_stats(),
    "accelerator emptyCache": lambda: torch.accelerator.empty_cache(),
    "cpu stream functions": lambda: [torch.cpu.synchronize(), torch.cpu.device_count(), torch.cpu.current_device(), with_cpu_stream(None)],
    "cuda setStream null, stream null": lambda: [torch.cuda.set_stream(None), torch.cuda.stream(None).__enter__()],
    "cuda stream without a GPU": lambda: with_cuda_stream(cpu),
}
fixture = {"torch": torch.__version__, "cases": {name: case(f) for name, f in cases.items()}}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "streams.json")
with open(path, "w") as f:
    json.dump(fixture, f, indent=1)
    f.write("\n")
