"""The reference side of bench/teacher/run.sh: N chat requests through the `openai` package's
AsyncOpenAI client with C in flight (an asyncio semaphore), against the same fixture server.
Prints one JSON line like teacher-bench: wall time, requests/s, client CPU ms per request."""
import argparse
import asyncio
import json
import resource
import time

from openai import AsyncOpenAI


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()

    client = AsyncOpenAI(base_url=args.base_url, api_key="fixture-key", timeout=30)
    gate = asyncio.Semaphore(args.concurrency)
    failures = 0

    async def one(index):
        nonlocal failures
        async with gate:
            try:
                await client.chat.completions.create(
                    model="fixture",
                    messages=[
                        {"role": "system", "content": "You label the sentiment of tweets."},
                        {"role": "user", "content": f"Tweet {index}: what a lovely day for a benchmark"},
                    ],
                    temperature=0.7,
                    max_tokens=16,
                )
            except Exception:
                failures += 1

    cpu_start = cpu_seconds()
    wall_start = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(args.requests)))
    wall = time.perf_counter() - wall_start
    cpu = cpu_seconds() - cpu_start
    await client.close()
    print(json.dumps({
        "client": "python openai AsyncOpenAI", "requests": args.requests, "concurrency": args.concurrency,
        "failures": failures, "wall_s": wall, "requests_per_s": args.requests / wall,
        "cpu_ms_per_request": cpu * 1000 / args.requests,
    }, sort_keys=True))


asyncio.run(main())
